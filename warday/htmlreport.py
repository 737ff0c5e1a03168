"""`warday report`: one self-contained HTML page (plotly's JavaScript inlined, no CDN, no
map tiles or topojson) with events per war day by type, a map of event places, casualty
figures over time with their sources, top stories and source health."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from warday import gates
from warday.settings import package_dir
from warday.store import repo
from warday.store.db import Conn

# Shipped inside the package (importlib.resources), so an installed wheel finds it too.
PLACES_FILE = package_dir("transform", "data") / "places.yaml"
# Plotly's default qualitative palette has 10 colours; the 16 PLOVER types need more.
PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#ad494a",
    "#637939",
    "#e7ba52",
    "#7b4173",
    "#3182bd",
]


def build(conn: Conn, since: date | None, now: datetime | None = None) -> str:
    """The whole page as one HTML string."""
    import plotly.offline

    since = since or date(2022, 2, 24)
    now = now or repo.fetch_all(conn, "db_now")[0]["now"]
    from warday.steps import registry_path

    health = gates.source_health(conn, gates.load_policy(registry_path()), now)
    sections = [
        _section("Events per war day, by type", _timeline(conn, since), "timeline"),
        _section("Where: places of events", _map(conn, since), "map"),
        _section("Casualty figures over time", _casualties(conn, since), "casualties"),
        _section("Top stories", _stories_table(conn, since), "stories"),
        _section("Source health", _health_table(health), "health"),
    ]
    return _PAGE.format(
        since=since.isoformat(),
        generated=f"{now:%Y-%m-%d %H:%M} UTC",
        plotly=plotly.offline.get_plotlyjs(),
        body="\n".join(sections),
    )


def write(conn: Conn, out: Path, since: date | None) -> Path:
    """Write the page to a file; returns its path."""
    out.write_text(build(conn, since), encoding="utf-8")
    return out


def _figure_html(fig: Any, div_id: str) -> str:
    """A figure as a div and its script, without plotly.js (inlined once in the page)."""
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
    )


def _timeline(conn: Conn, since: date) -> str:
    """Stacked bars: events per war day, one colour per event type."""
    import plotly.graph_objects as go

    rows = repo.fetch_all(conn, "report_events_per_day", since=since)
    if not rows:
        return _empty("No events since this date.")
    by_type: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_type[row["event_type"]].append(row)
    fig = go.Figure()
    for i, (kind, items) in enumerate(sorted(by_type.items())):
        fig.add_bar(
            name=kind,
            x=[str(r["war_date"]) for r in items],
            y=[r["events"] for r in items],
            customdata=[r["war_day"] for r in items],
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate=f"{kind}: %{{y}}<br>%{{x}} (war day %{{customdata}})<extra></extra>",
        )
    # Days with events only, in order: reporting is bursty, a calendar axis leaves slivers.
    days = sorted({str(r["war_date"]) for r in rows})
    fig.update_layout(
        barmode="stack",
        height=420,
        margin=_MARGIN,
        legend_title="event type",
        xaxis_title="war date (days with events)",
        yaxis_title="events",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": days},
    )
    return _figure_html(fig, "chart-timeline")


def _map(conn: Conn, since: date) -> str:
    """Event places on longitude/latitude axes over oblast centres (no tiles, no topojson)."""
    import plotly.graph_objects as go

    rows = repo.fetch_all(conn, "report_event_places", since=since)
    fig = go.Figure()
    centres = _oblast_centres()
    fig.add_scatter(
        name="oblast centres",
        x=[c["lon"] for c in centres],
        y=[c["lat"] for c in centres],
        mode="markers+text",
        text=[c["name"].replace(" Oblast", "") for c in centres],
        textposition="top center",
        textfont={"size": 9, "color": "#999"},
        marker={"size": 4, "color": "#ccc"},
        hoverinfo="skip",
    )
    fig.add_scatter(
        name="event places",
        x=[r["lon"] for r in rows],
        y=[r["lat"] for r in rows],
        mode="markers",
        marker={
            "size": [8 + 4 * min(r["events"], 10) for r in rows],
            "color": "#d62728",
            "opacity": 0.7,
            "line": {"width": 1, "color": "#fff"},
        },
        text=[
            f"{r['place']} ({r['admin1'] or r['country']}): {r['events']} event(s): {r['types']}"
            for r in rows
        ],
        hovertemplate="%{text}<extra></extra>",
    )
    fig.update_layout(
        height=560,
        margin=_MARGIN,
        xaxis_title="longitude",
        yaxis_title="latitude",
        yaxis_scaleanchor="x",
        yaxis_scaleratio=1.5,
        xaxis_range=[21.5, 41.5],
        yaxis_range=[43.5, 53],
    )
    note = "" if rows else _empty("No event with coordinates since this date.")
    return note + _figure_html(fig, "chart-map")


def _oblast_centres() -> list[dict[str, Any]]:
    """Ukraine's oblast centres from the shipped gazetteer, for orientation on the map."""
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    return [
        p
        for p in data["places"]
        if p.get("kind") == "oblast" and p.get("country") == "Ukraine" and p.get("lat")
    ]


def _casualties(conn: Conn, since: date) -> str:
    """Killed and wounded figures by war date, each point with its outlet and sentence."""
    import plotly.graph_objects as go

    rows = repo.fetch_all(conn, "report_casualties", since=since)
    if not rows:
        return _empty("No casualty figure since this date.")
    fig = go.Figure()
    colours = {"killed": "#d62728", "wounded": "#ff7f0e", "killed_or_wounded": "#9467bd"}
    for kind, colour in colours.items():
        items = [r for r in rows if r["kind"] == kind]
        if not items:
            continue
        fig.add_scatter(
            name=kind,
            x=[r["war_date"] for r in items],
            y=[float(r["number"]) for r in items],
            mode="markers",
            marker={"color": colour, "size": 9},
            text=[_wrap(f"{r['outlet'] or '?'}: {r['sentence']}") for r in items],
            hovertemplate="%{y} " + kind + " on %{x}<br>%{text}<extra></extra>",
        )
    fig.update_layout(
        height=380, margin=_MARGIN, xaxis_title="war date", yaxis_title="people", yaxis_type="log"
    )
    sources = "".join(
        f"<tr><td>{r['war_date']}</td><td>{_e(r['kind'])}</td><td>{_number(r['number'])}</td>"
        f"<td>{_e(r['qualifier'] or '')}</td><td>{_link(r['outlet'], r['url'])}</td>"
        f"<td>{_e(r['sentence'])}</td></tr>"
        for r in rows[:40]
    )
    table = (
        "<table><tr><th>war date</th><th>kind</th><th>number</th><th>qualifier</th>"
        f"<th>source</th><th>sentence</th></tr>{sources}</table>"
    )
    return _figure_html(fig, "chart-casualties") + table


def _stories_table(conn: Conn, since: date) -> str:
    """Stories told by the most outlets."""
    rows = repo.fetch_all(conn, "report_top_stories", since=since, limit=15)
    if not rows:
        return _empty("No story since this date.")
    body = "".join(
        f"<tr><td>{r['war_date'] or ''}</td><td>{_e(r['label'])}</td><td>{r['outlets']}</td>"
        f"<td>{r['entries']}</td><td>{_e(', '.join(r['outlet_names'] or []))}</td></tr>"
        for r in rows
    )
    return (
        "<table><tr><th>war date</th><th>story</th><th>outlets</th><th>entries</th>"
        f"<th>told by</th></tr>{body}</table>"
    )


def _health_table(health: list[dict[str, Any]]) -> str:
    """The per-source verdicts `warday status` shows."""
    if not health:
        return _empty("No source has run yet.")
    body = "".join(
        f"<tr class='{h['level']}'><td>{_e(h['name'])}</td><td>{h['level'].upper()}</td>"
        f"<td>{_when(h['last_success_at'])}</td><td>{_when(h['last_new_item'])}</td>"
        f"<td>{h['open_dead_letters']}</td><td>{_e(h['detail'])}</td></tr>"
        for h in health
    )
    return (
        "<table><tr><th>source</th><th>verdict</th><th>last success</th>"
        f"<th>last new item</th><th>open dead letters</th><th>why</th></tr>{body}</table>"
    )


def _section(title: str, content: str, anchor: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{content}</section>'


def _empty(message: str) -> str:
    return f'<p class="empty">{_e(message)}</p>'


def _e(value: Any) -> str:
    return html.escape(str(value))


def _link(text: Any, url: str | None) -> str:
    """An outlet name linking to its report when the URL is a web address."""
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}">{_e(text or url)}</a>'
    return _e(text or "")


def _number(value: Any) -> str:
    """A figure without a spurious decimal part, with thousands separators."""
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,}"


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "never"


def _wrap(text: str, width: int = 90) -> str:
    """Hover text broken into lines (plotly does not wrap)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])[:1200]


_MARGIN = {"l": 60, "r": 20, "t": 20, "b": 50}
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>warday report since {since}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1200px;
       color: #222; }}
h1 {{ font-size: 1.6rem; margin-bottom: 0; }} .meta {{ color: #666; margin-top: .2rem; }}
section {{ margin: 2rem 0; }} h2 {{ font-size: 1.2rem; border-bottom: 1px solid #ddd; }}
table {{ border-collapse: collapse; width: 100%; font-size: .85rem; }}
th, td {{ text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee;
          vertical-align: top; }}
tr.fail td {{ background: #fde2e2; }} tr.warn td {{ background: #fff4d6; }}
.empty {{ color: #888; font-style: italic; }}
</style>
<script>{plotly}</script>
</head><body>
<h1>warday: the war by day</h1>
<p class="meta">Entries since {since}; generated {generated}. Every figure links to the
report it was read from.</p>
{body}
</body></html>
"""
