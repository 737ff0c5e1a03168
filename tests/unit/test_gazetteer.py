"""Tests for the actor and place gazetteer (no database)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from warday.transform.gazetteer import (
    Actor,
    Gazetteer,
    GazetteerError,
    Mention,
    Place,
    load_actors,
    load_places,
)


def words(text: str) -> tuple[str, ...]:
    """Split a space-separated word list."""
    return tuple(text.split())


UKRAINE_OBLASTS = words(
    "Cherkasy Chernihiv Chernivtsi Dnipropetrovsk Donetsk Ivano-Frankivsk Kharkiv Kherson "
    "Khmelnytskyi Kirovohrad Kyiv Luhansk Lviv Mykolaiv Odesa Poltava Rivne Sumy Ternopil "
    "Vinnytsia Volyn Zakarpattia Zaporizhzhia Zhytomyr"
)

REQUIRED_PLACES = words(
    "Pokrovsk Myrnohrad Kostiantynivka Toretsk Bakhmut Avdiivka Vuhledar Kurakhove Siversk "
    "Lyman Kupiansk Vovchansk Kramatorsk Sloviansk Druzhkivka Huliaipole Orikhiv Robotyne "
    "Enerhodar Kherson Mariupol Melitopol Berdiansk Sumy Pavlohrad Nikopol Izium Balakliia "
    "Kreminna Sievierodonetsk Lysychansk Bucha Irpin Hostomel Okhtyrka Selydove Ocheretyne "
    "Dobropillia Sudzha Kursk Belgorod Bryansk Voronezh Smolensk Oryol Lipetsk Tula Saratov "
    "Engels Kazan Novorossiysk Moscow Minsk Washington London Paris Berlin Warsaw Brussels "
    "Rome Ankara Istanbul Beijing Pyongyang Tehran Riyadh Jeddah Doha Geneva Budapest "
    "Bratislava Vilnius Riga Tallinn Helsinki Stockholm Oslo Copenhagen Prague Bucharest "
    "Chisinau Tbilisi Anchorage Kyiv Sevastopol Crimea Chornobyl Georgia Moldova Belarus"
)
REQUIRED_MULTIWORD_PLACES = (
    "Chasiv Yar",
    "Nova Kakhovka",
    "Kryvyi Rih",
    "Velyka Novosilka",
    "Vatican City",
    "Abu Dhabi",
    "Rostov-on-Don",
    "St Petersburg",
    "Kursk Oblast",
    "Krasnodar Krai",
    "Tatarstan",
    "Zaporizhzhia Nuclear Power Plant",
    "North Korea",
    "United States",
)

REQUIRED_ACTORS = (
    "Volodymyr Zelensky",
    "Vladimir Putin",
    "Sergei Lavrov",
    "Dmitry Peskov",
    "Maria Zakharova",
    "Serhiy Nikiforov",
    "Oleksandr Syrskyi",
    "Valery Gerasimov",
    "Kyrylo Budanov",
    "Andrei Belousov",
    "Sergei Shoigu",
    "Valerii Zaluzhnyi",
    "Yevgeny Prigozhin",
    "Donald Trump",
    "Joe Biden",
    "JD Vance",
    "Marco Rubio",
    "Pete Hegseth",
    "Steve Witkoff",
    "Keith Kellogg",
    "Antony Blinken",
    "Lloyd Austin",
    "Jake Sullivan",
    "Kamala Harris",
    "Recep Tayyip Erdoğan",
    "Hakan Fidan",
    "Xi Jinping",
    "Wang Yi",
    "Kim Jong Un",
    "Choe Son Hui",
    "Alexander Lukashenko",
    "Ursula von der Leyen",
    "Kaja Kallas",
    "António Costa",
    "Josep Borrell",
    "Mark Rutte",
    "Jens Stoltenberg",
    "António Guterres",
    "Rafael Grossi",
    "NATO",
    "European Union",
    "Kremlin",
    "Pentagon",
    "White House",
    "SBU",
    "GUR",
    "FSB",
    "Wagner Group",
    "Rosatom",
    "Energoatom",
    "Ukrenergo",
    "Naftogaz",
    "Russian Armed Forces",
    "Armed Forces of Ukraine",
    "Korean People's Army",
    "Azov Brigade",
    "3rd Assault Brigade",
    "47th Mechanized Brigade",
    "Kraken",
    "Black Sea Fleet",
    "Akhmat",
    "155th Naval Infantry Brigade",
    "1st Guards Tank Army",
    "Russia",
    "Ukraine",
    "United States",
)

DISPATCH = (
    "Russian President Vladimir Putin declared a three-day truce, the Kremlin said on Monday, "
    "while Kyiv dismissed it. Zelensky\u2019s chief of staff met Marco Rubio in Jeddah. Russian "
    "forces pressed towards Pokrovsk and Kostiantynivka in Donetsk region, and drones hit "
    "Kharkiv and the Zaporizhzhia nuclear power plant near Enerhodar, the IAEA said. North "
    "Korean soldiers fought in the Kursk region; Kim Jong Un praised them, and Kim later met "
    "Russia's Defence Minister Andrei Belousov. Washington warned Moscow over new sanctions."
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The shipped gazetteer."""
    return Gazetteer.default()


def names(mentions: list[Mention]) -> list[str]:
    """Canonical names of mentions, in order."""
    return [m.name for m in mentions]


def surfaces(mentions: list[Mention]) -> list[tuple[str, str]]:
    """(surface, canonical name) pairs, in order."""
    return [(m.surface, m.name) for m in mentions]


def write(tmp_path: Path, body: str, name: str = "actors.yaml") -> Path:
    """Write a YAML file into tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# ------------------------------------------------------------------ shipped data


def test_actor_count_and_kinds() -> None:
    """At least 170 actors, all kinds represented."""
    actors = load_actors()
    assert len(actors) >= 170
    assert set(Counter(a.kind for a in actors)) == {
        "person",
        "state",
        "organisation",
        "armed_force",
        "unit",
        "group",
    }


def test_required_actors_present() -> None:
    """The key actors of the ontology (heads of state, ministers, commanders) are present."""
    have = {a.name for a in load_actors()}
    assert set(REQUIRED_ACTORS) - have == set()


def test_ukrainian_oblasts_complete() -> None:
    """All 24 Ukrainian oblasts exist and each has its centre city."""
    places = load_places()
    oblasts = {p.name for p in places if p.kind == "oblast" and p.country == "Ukraine"}
    assert oblasts == {f"{o} Oblast" for o in UKRAINE_OBLASTS}
    cities = {p.admin1 for p in places if p.kind == "city"}
    assert oblasts - {"Kyiv Oblast"} <= cities


def test_required_places_present() -> None:
    """Front-line towns, Russian regions and diplomatic capitals are present."""
    have = {p.name for p in load_places()}
    assert {*REQUIRED_PLACES, *REQUIRED_MULTIWORD_PLACES} - have == set()


def test_place_fields() -> None:
    """Coordinates are sane and countries carry no admin1."""
    for place in load_places():
        assert place.lat is not None and place.lon is not None
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert (place.admin1 is None) or place.kind != "country"
    kyiv = next(p for p in load_places() if p.name == "Kyiv")
    assert kyiv.lat is not None and kyiv.lon is not None
    assert abs(kyiv.lat - 50.45) < 0.05 and abs(kyiv.lon - 30.52) < 0.05


def test_loaders_are_cached() -> None:
    """Default loads and the default gazetteer are built once."""
    assert load_actors() is load_actors()
    assert load_places() is load_places()
    assert Gazetteer.default() is Gazetteer.default()


def test_records_are_frozen() -> None:
    """Records are immutable."""
    with pytest.raises(AttributeError):
        load_actors()[0].name = "x"  # type: ignore[misc]


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "actors:\n  - {name: Sergei Lavrov, kind: wizard, side: Russia}\n",
            "actors.yaml: entry 0 ('Sergei Lavrov'): field 'kind': must be one of person,",
        ),
        (
            "actors:\n  - {name: A B, kind: person, side: X}\n"
            "  - {name: Sergei Lavrov, kind: person}\n",
            "entry 1 ('Sergei Lavrov'): field 'side': required",
        ),
        (
            "actors:\n  - {name: A B, kind: person, side: X, colour: red}\n",
            "entry 0 ('A B'): field 'colour': unknown field",
        ),
        (
            "actors:\n  - {name: A B, kind: person, side: X, aliases: [No]}\n",
            "field 'aliases': False is not a non-empty trimmed string",
        ),
        (
            "actors:\n  - {name: A B, kind: person, side: X}\n"
            "  - {name: A B, kind: state, side: X}\n",
            "entry 1 ('A B'): field 'name': duplicate of entry 0",
        ),
        (
            "actors:\n  - {name: A B, kind: person, side: X, aliases: [AB]}\n"
            "  - {name: C D, kind: person, side: X, aliases: [AB]}\n",
            "entry 1 ('C D'): field 'aliases': 'AB' is already used by entry 0 ('A B')",
        ),
        (
            "actors:\n  - {name: A B, kind: person, side: X, aliases: [A b]}\n",
            "field 'aliases': 'A b' repeats another form of this entry",
        ),
        (
            "actors:\n  - {name: Zed, kind: person, side: X, surname_needs_full_mention: true}\n",
            "field 'surname_needs_full_mention': needs a multi-word name",
        ),
        ("actors: {}\n", "actors.yaml: top level must be a mapping with a 'actors' list"),
        ("actors: [\n", "actors.yaml: invalid YAML"),
    ],
)
def test_actor_validation_errors(tmp_path: Path, body: str, message: str) -> None:
    """Invalid actor files raise errors naming file, entry and field."""
    with pytest.raises(GazetteerError) as info:
        load_actors(write(tmp_path, body))
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{name: X, kind: city, admin1: Y, country: Z, lat: 91, lon: 0}",
            "entry 0 ('X'): field 'lat': must be between -90 and 90",
        ),
        (
            "{name: X, kind: city, admin1: Y, country: Z, lat: 0, lon: -181}",
            "field 'lon': must be between -180 and 180",
        ),
        (
            "{name: X, kind: city, admin1: Y, country: Z, lat: north, lon: 0}",
            "field 'lat': must be a number",
        ),
        (
            "{name: X, kind: planet, admin1: Y, country: Z, lat: 0, lon: 0}",
            "field 'kind': must be one of country, oblast,",
        ),
        (
            "{name: X, kind: country, admin1: Y, country: X, lat: 0, lon: 0}",
            "field 'admin1': must be null for a country",
        ),
        (
            "{name: X Oblast, kind: oblast, admin1: Y, country: Z, lat: 0, lon: 0}",
            "field 'admin1': must equal the name for an oblast",
        ),
        ("{name: X, kind: city, admin1: Y, lat: 0, lon: 0}", "field 'country': required"),
    ],
)
def test_place_validation_errors(tmp_path: Path, entry: str, message: str) -> None:
    """Invalid place files raise errors naming file, entry and field."""
    path = write(tmp_path, f"places:\n  - {entry}\n", "places.yaml")
    with pytest.raises(GazetteerError) as info:
        load_places(path)
    assert str(info.value).startswith("places.yaml: entry 0")
    assert message in str(info.value)


def test_shared_flagged_surname_is_allowed(tmp_path: Path) -> None:
    """Two flagged people may share a one-word surname; others may not."""
    body = (
        "actors:\n"
        "  - {name: Ann Lee, kind: person, side: X, aliases: [Lee],"
        " surname_needs_full_mention: true}\n"
        "  - {name: Bo Lee, kind: person, side: X, aliases: [Lee],"
        " surname_needs_full_mention: true}\n"
    )
    assert len(load_actors(write(tmp_path, body))) == 2
    with pytest.raises(GazetteerError, match="'Lee' is already used by entry 0"):
        load_actors(write(tmp_path, body.replace(", surname_needs_full_mention: true}", "}", 1)))


def test_missing_file_raises(tmp_path: Path) -> None:
    """A missing file is a GazetteerError, not an OSError."""
    with pytest.raises(GazetteerError, match="cannot read file"):
        load_places(tmp_path / "nope.yaml")


def test_constructor_rejects_conflicts() -> None:
    """Building from records runs the same cross-checks."""
    one = Actor("A B", "person", "X", None, ("AB",))
    two = Actor("C D", "person", "X", None, ("AB",))
    with pytest.raises(GazetteerError, match="already used"):
        Gazetteer([one, two], [])


# ------------------------------------------------------------------ matching basics


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Zelensky", "Volodymyr Zelensky"),
        ("Zelenskyy", "Volodymyr Zelensky"),
        ("Zelenskyi", "Volodymyr Zelensky"),
        ("Zelenskiy", "Volodymyr Zelensky"),
        ("Syrsky", "Oleksandr Syrskyi"),
        ("Zaluzhny", "Valerii Zaluzhnyi"),
        ("Lukashenka", "Alexander Lukashenko"),
        ("Erdoğan", "Recep Tayyip Erdoğan"),
        ("Erdogan", "Recep Tayyip Erdoğan"),
        ("Nebenzya", "Vassily Nebenzia"),
    ],
)
def test_actor_transliterations(gaz: Gazetteer, surface: str, name: str) -> None:
    """Transliterated and accented forms map to one canonical actor."""
    assert surfaces(gaz.find_actors(f"On Monday {surface} spoke.")) == [(surface, name)]


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Kiev", "Kyiv"),
        ("Kharkov", "Kharkiv"),
        ("Odessa", "Odesa"),
        ("Zaporozhye", "Zaporizhzhia"),
        ("Dnepr", "Dnipro"),
        ("Nikolaev", "Mykolaiv"),
        ("Mykolayiv", "Mykolaiv"),
        ("Artemovsk", "Bakhmut"),
        ("Kupyansk", "Kupiansk"),
        ("Rzeszow", "Rzeszów"),
        ("Kharkivska oblast", "Kharkiv Oblast"),
        ("Kharkiv Region", "Kharkiv Oblast"),
    ],
)
def test_place_transliterations(gaz: Gazetteer, surface: str, name: str) -> None:
    """Russian-based, older and oblast forms map to canonical places."""
    assert surfaces(gaz.find_places(f"Shelling hit {surface} overnight.")) == [(surface, name)]


def test_case_sensitive_first_word(gaz: Gazetteer) -> None:
    """'US' matches but 'us' and 'Us' do not."""
    text = "Let us see what the US does. Us too."
    assert surfaces(gaz.find_actors(text)) == [("US", "United States")]
    assert surfaces(gaz.find_places(text)) == [("US", "United States")]


def test_word_boundaries(gaz: Gazetteer) -> None:
    """Names inside longer words are not matched."""
    assert names(gaz.find_places("Kyivstar and Sumyland, Romania-based")) == ["Romania"]
    assert names(gaz.find_actors("Putinism and Azovstal")) == []


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc"])
def test_possessives(gaz: Gazetteer, apostrophe: str) -> None:
    """Possessives yield a mention covering only the name."""
    text = f"Zelensky{apostrophe}s office and Kharkiv{apostrophe}s mayor"
    (actor,) = gaz.find_actors(text)
    assert (actor.surface, actor.end) == ("Zelensky", 8)
    assert surfaces(gaz.find_places(text)) == [("Kharkiv", "Kharkiv")]


def test_apostrophe_inside_alias(gaz: Gazetteer) -> None:
    """Aliases containing apostrophes match any apostrophe variant."""
    text = "Ukraine\u2019s General Staff and the Korean People\u2019s Army"
    assert names(gaz.find_actors(text)) == [
        "General Staff of the Armed Forces of Ukraine",
        "Korean People's Army",
    ]


def test_whitespace_runs(gaz: Gazetteer) -> None:
    """A line break inside a multi-word name still matches."""
    text = "President Volodymyr\nZelensky said"
    (mention,) = gaz.find_actors(text)
    assert mention.surface == "Volodymyr\nZelensky"


def test_longest_match_wins(gaz: Gazetteer) -> None:
    """Longer forms beat their prefixes and mentions never overlap."""
    text = "The Zaporizhzhia nuclear power plant is in Zaporizhzhia Oblast, not Zaporizhzhia."
    assert names(gaz.find_places(text)) == [
        "Zaporizhzhia Nuclear Power Plant",
        "Zaporizhzhia Oblast",
        "Zaporizhzhia",
    ]


def test_mention_entity(gaz: Gazetteer) -> None:
    """Mentions carry the full record."""
    (mention,) = gaz.find_places("Sudzha")
    assert isinstance(mention.entity, Place)
    assert (mention.entity.admin1, mention.entity.country) == ("Kursk Oblast", "Russia")


# ------------------------------------------------------------------ ambiguity rules


def test_kursk_city_and_region(gaz: Gazetteer) -> None:
    """Bare Kursk is the city; 'Kursk region'/'Kursk Oblast' is the oblast."""
    text = "The Kursk incursion; fighting in Kursk; Kursk region; Kursk Oblast."
    assert names(gaz.find_places(text)) == ["Kursk", "Kursk", "Kursk Oblast", "Kursk Oblast"]


def test_city_list_before_regions(gaz: Gazetteer) -> None:
    """Cities listed before 'regions' resolve to their regions."""
    text = "Drones hit Kyiv, Sumy and Chernihiv regions and the Kursk and Belgorod regions."
    assert names(gaz.find_places(text)) == [
        "Kyiv Oblast",
        "Sumy Oblast",
        "Chernihiv Oblast",
        "Kursk Oblast",
        "Belgorod Oblast",
    ]


def test_georgia_country_by_default(gaz: Gazetteer) -> None:
    """Georgia is the country without US cues."""
    text = "Georgia and Moldova want to join the EU."
    assert names(gaz.find_places(text))[0] == "Georgia"
    assert gaz.find_places(text)[0].entity.kind == "country"  # type: ignore[union-attr]
    assert names(gaz.find_actors(text))[0] == "Georgia"


@pytest.mark.parametrize(
    "text",
    [
        "He moved from Atlanta, Georgia last year.",
        "Voters in the U.S. state of Georgia went to the polls.",
        "Georgia, USA is hot in summer.",
    ],
)
def test_georgia_us_state_skipped(gaz: Gazetteer, text: str) -> None:
    """Georgia next to a US cue yields neither the country nor the state actor."""
    assert "Georgia" not in names(gaz.find_places(text))
    assert "Georgia" not in names(gaz.find_actors(text))


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("Washington announced new sanctions.", "United States"),
        ("Washington on Monday approved the package.", "United States"),
        ("Washington's support is wavering.", "United States"),
        ("Moscow has repeatedly denied it.", "Russia"),
        ("Moscow's forces advanced.", "Russia"),
        ("Kyiv urged allies to act.", "Ukraine"),
        ("Beijing will not take sides.", "China"),
        ("Pyongyang imposed silence.", "North Korea"),
        ("Minsk said the drills were defensive.", "Belarus"),
        ("Tehran warned against escalation.", "Iran"),
    ],
)
def test_capital_metonymy(gaz: Gazetteer, text: str, state: str) -> None:
    """Capitals used as governments map to their state actor."""
    (mention,) = gaz.find_actors(text)
    assert (mention.name, mention.entity.kind) == (state, "state")  # type: ignore[union-attr]
    assert mention.surface == text.split()[0].removesuffix("'s")


@pytest.mark.parametrize(
    "text",
    [
        "A missile hit Kyiv overnight.",
        "Officials in Kyiv said the blast was loud.",
        "Kyiv's mayor called for calm.",
        "Crowds gathered in Moscow's Red Square.",
        "The Washington Post said so.",
        "Kyiv residents said they heard blasts.",
        "He flew to Beijing.",
    ],
)
def test_capital_stays_place(gaz: Gazetteer, text: str) -> None:
    """Capitals used as places do not produce state actors but are still places."""
    assert gaz.find_actors(text) == []


def test_capital_always_a_place(gaz: Gazetteer) -> None:
    """find_places reports capitals whatever their role."""
    assert names(gaz.find_places("Moscow said Washington will respond.")) == [
        "Moscow",
        "Washington",
    ]


def test_masthead_not_a_place(gaz: Gazetteer) -> None:
    """Newspaper names are not places."""
    assert gaz.find_places("The Kyiv Independent and Washington Post reported.") == []


def test_surname_needs_full_mention(gaz: Gazetteer) -> None:
    """Flagged surnames match only after the full name appeared earlier."""
    text = "Austin is a city. Lloyd Austin arrived. Austin said aid would continue."
    assert surfaces(gaz.find_actors(text)) == [
        ("Lloyd Austin", "Lloyd Austin"),
        ("Austin", "Lloyd Austin"),
    ]


def test_shared_surname_follows_latest_full_mention(gaz: Gazetteer) -> None:
    """A surname shared by flagged actors goes to the most recently named one."""
    text = "Vitaliy Kim spoke. Kim said. Kim Jong Un replied. Kim added."
    assert names(gaz.find_actors(text)) == [
        "Vitaliy Kim",
        "Vitaliy Kim",
        "Kim Jong Un",
        "Kim Jong Un",
    ]


def test_distinctive_surname_matches_alone(gaz: Gazetteer) -> None:
    """Unflagged surnames match without a full mention."""
    assert names(gaz.find_actors("Putin, Lavrov and Peskov met Zelensky.")) == [
        "Vladimir Putin",
        "Sergei Lavrov",
        "Dmitry Peskov",
        "Volodymyr Zelensky",
    ]


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("Russian forces", "Russian Armed Forces"),
        ("Russian troops", "Russian Armed Forces"),
        ("Ukrainian troops", "Armed Forces of Ukraine"),
        ("Ukrainian forces", "Armed Forces of Ukraine"),
        ("North Korean soldiers", "Korean People's Army"),
        ("North Korean troops", "Korean People's Army"),
        ("Belarusian army", "Armed Forces of Belarus"),
    ],
)
def test_demonym_phrases(gaz: Gazetteer, phrase: str, name: str) -> None:
    """Demonym phrases map to armed forces, not to states."""
    (mention,) = gaz.find_actors(f"Yesterday {phrase} advanced.")
    assert (mention.name, mention.entity.kind) == (name, "armed_force")  # type: ignore[union-attr]


def test_kremlin_alias(gaz: Gazetteer) -> None:
    """'the Kremlin' and 'Kremlin' both map to the Kremlin."""
    assert surfaces(gaz.find_actors("the Kremlin said; Kremlin aide")) == [
        ("the Kremlin", "Kremlin"),
        ("Kremlin", "Kremlin"),
    ]


# ------------------------------------------------------------------ realistic text


def test_dispatch_offsets_and_order(gaz: Gazetteer) -> None:
    """Offsets slice the input exactly; mentions are sorted and never overlap."""
    for mentions in (gaz.find_actors(DISPATCH), gaz.find_places(DISPATCH)):
        assert all(DISPATCH[m.start : m.end] == m.surface for m in mentions)
        assert all(a.end <= b.start for a, b in pairwise(mentions))


def test_dispatch_actors(gaz: Gazetteer) -> None:
    """A realistic paragraph yields the expected actors."""
    assert names(gaz.find_actors(DISPATCH)) == [
        "Vladimir Putin",
        "Kremlin",
        "Ukraine",
        "Volodymyr Zelensky",
        "Marco Rubio",
        "Russian Armed Forces",
        "International Atomic Energy Agency",
        "Korean People's Army",
        "Kim Jong Un",
        "Kim Jong Un",
        "Russia",
        "Andrei Belousov",
        "United States",
    ]


def test_dispatch_places(gaz: Gazetteer) -> None:
    """A realistic paragraph yields the expected places."""
    assert names(gaz.find_places(DISPATCH)) == [
        "Kyiv",
        "Jeddah",
        "Pokrovsk",
        "Kostiantynivka",
        "Donetsk Oblast",
        "Kharkiv",
        "Zaporizhzhia Nuclear Power Plant",
        "Enerhodar",
        "Kursk Oblast",
        "Russia",
        "Washington",
        "Moscow",
    ]


def test_seed_dispatches(gaz: Gazetteer) -> None:
    """Every seed text is tagged with exact offsets."""
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found = gaz.find_actors(text) + gaz.find_places(text)
        assert found and all(text[m.start : m.end] == m.surface for m in found)
