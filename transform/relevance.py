"""Whether a digest item is about the Russia-Ukraine war at all.

World-news briefs mix this war with other news (floods, migration, other conflicts).
Such items are kept, but marked ``off_topic`` with the reason, so analysts' war counts
leave them out. An item is about the war when it names a party, a leader, an institution
or a place of the war (words below, or any actor or place of the gazetteer on the Russian,
Ukrainian or Belarusian side); an item naming none of them is not. Digests that are about
the war as a whole (a day number, "Russia-Ukraine war" in the title) are not judged item
by item: there a German defence budget or a Gazprom deal is context, not other news.
"""

from __future__ import annotations

import re

from warday.transform.gazetteer import Gazetteer

WAR = "war"
OFF_TOPIC = "off_topic"
_WAR_TERMS = re.compile(
    r"\b(?:ukrain\w*|russia\w*|kyiv|kiev|moscow|kremlin|putin|zelensk\w*|donbas+|donetsk"
    r"|luhansk|crimea\w*|kherson|zaporizhzhia|zaporizhia|kharkiv|odesa|odessa|mykolaiv|dnipro\w*"
    r"|sumy|chernihiv|lviv|kursk|belgorod|bryansk|belarus\w*|lukashenko|nato|wagner"
    r"|lavrov|peskov|shoigu|gerasimov|sybiha|yermak|syrskyi|donbas|black sea|sevastopol"
    r"|bakhmut|avdiivka|pokrovsk|mariupol|chernobyl|chornobyl|azov\w*|the war|war in)\b",
    re.IGNORECASE,
)
_PARTIES = frozenset(("Ukraine", "Russia", "Belarus"))
# A title naming the war as the digest's whole subject.
_WAR_TITLE = re.compile(
    r"\b(?:russia\w*|ukrain\w*)\b[^.\n]{0,20}\bwar\b|\bwar\b[^.\n]{0,20}\bukrain\w*"
    r"|\binvasion\b|\boffensive campaign\b",
    re.IGNORECASE,
)
REASON = "names no party, leader, institution or place of the Russia-Ukraine war"


def relevance(headline: str, text: str) -> tuple[str, str | None]:
    """('war', None) for an item about the war, else ('off_topic', the reason)."""
    item = f"{headline}\n{text}"
    if _WAR_TERMS.search(item) or _names_a_party(item):
        return WAR, None
    return OFF_TOPIC, REASON


def is_war_title(title: str) -> bool:
    """Whether a digest's title makes the war its whole subject."""
    return _WAR_TITLE.search(title) is not None


def _names_a_party(text: str) -> bool:
    """A gazetteer actor or place of a party to the war ("Ukrenergo", "Kryvyi Rih")."""
    gazetteer = Gazetteer.default()
    places = gazetteer.find_places(text)
    if any(getattr(m.entity, "country", None) in _PARTIES for m in places):
        return True
    return any(getattr(m.entity, "side", None) in _PARTIES for m in gazetteer.find_actors(text))
