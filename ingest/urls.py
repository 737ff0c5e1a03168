"""Canonical URLs: the same article under tracking parameters is one document."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "at_", "mc_", "pk_", "itm_")
_TRACKING_NAMES = frozenset(
    {
        "traffic_source",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "ocid",
        "cmpid",
        "ncid",
        "ref",
        "ref_src",
        "rss",
        "feed",
        "src",
        "CMP",
        "smid",
        "sr_share",
    }
)


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute URL with tracking parameters and the fragment removed, host lower-cased."""
    absolute = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(absolute)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k not in _TRACKING_NAMES
    ]
    netloc = (
        parts.netloc.lower().removesuffix(":80")
        if parts.scheme == "http"
        else (parts.netloc.lower().removesuffix(":443"))
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))
