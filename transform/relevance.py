"""Whether an entry is about the Russia-Ukraine war at all.

World-news feeds and briefs mix this war with other news (floods, elections, other wars).
Such entries are kept, but marked ``off_topic`` with the reason, so analysts' war counts
leave them out; they keep their actors, places and figures but get no war events (events read
from a flood report would be noise).
An entry is about the war when it names a party, a leader, an institution or a place of
the war (words below, or any actor or place of the gazetteer on the Russian, Ukrainian or
Belarusian side). A whole article is only off-topic when it does not even speak of
fighting: a short item from a war desk ("Air defence shot down 50 of 80 drones overnight")
may name no place, and losing it costs more than keeping a report of another war. Digests
about the war as a whole (a day number, "Russia-Ukraine war" in the title) are not judged
item by item: there a German defence budget or a Gazprom deal is context, not other news.
"""

from __future__ import annotations

import re

from warday.transform.gazetteer import Gazetteer
from warday.transform.text import by_first_letter

WAR = "war"
OFF_TOPIC = "off_topic"
# The war and fighting terms are written in lower case and searched in lower-cased text:
# a case-insensitive search of the same pattern takes four times as long. Grouped by first
# letter (the same matches), they are tried a group at a time instead of a term at a time.
_WAR_WORDS = (
    r"ukrain\w*|russia\w*|kyiv|kiev|moscow|kremlin|putin|zelensk\w*|donbas+|donetsk"
    r"|luhansk|crimea\w*|kherson|zaporizhzhia|zaporizhia|kharkiv|odesa|odessa|mykolaiv|dnipro\w*"
    r"|sumy|chernihiv|lviv|kursk|belgorod|bryansk|belarus\w*|lukashenko|nato|wagner"
    r"|lavrov|peskov|shoigu|gerasimov|sybiha|yermak|syrskyi|donbas|black sea|sevastopol"
    r"|bakhmut|avdiivka|pokrovsk|mariupol|chernobyl|chornobyl|azov\w*|the war|war in"
)
_WAR_TERMS = re.compile(rf"\b{by_first_letter(_WAR_WORDS.split('|'))}\b")
# The vocabulary of fighting and its diplomacy: an article using none of it is other news.
_FIGHTING_WORDS = (
    r"war|wartime|shells|shelled|shelling|front[- ]?lines?|frontline|drones?|missiles?"
    r"|troops|soldiers|artillery|air[- ]defen[cs]e|air[- ]?strikes?|ceasefire|truce|invasion"
    r"|invad\w+|occupied|occupation|offensive|military|army|armed forces|sanctions"
    r"|prisoners? of war|pows?|mobili[sz]\w+|nuclear plant|refinery|air raid|shot down"
    r"|counteroffensive|battalion|brigade|regiment|casualties|combat|weapons?"
    r"|explosions?|blasts?|attacks|attacked|attack|strikes?|struck|bomb\w*|sirens?|air alerts?"
    r"|killed|wounded|injured|evacuat\w+|shelters?|hostages?|captives?|deport\w+"
)
# Either vocabulary, for an article (which either makes about the war): one scan of its
# text instead of two. Only whether it matches is asked, so the order of terms is free.
_WAR_OR_FIGHTING_TERMS = re.compile(
    rf"\b{by_first_letter(sorted({*_WAR_WORDS.split('|'), *_FIGHTING_WORDS.split('|')}))}\b"
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
    if _WAR_TERMS.search(headline.lower()) or _WAR_TERMS.search(text.lower()):
        return WAR, None
    return _by_parties(headline, text)


def article_relevance(title: str, text: str) -> tuple[str, str | None]:
    """relevance() for a whole article: off-topic only when it names nothing of the war and
    does not speak of fighting at all."""
    # relevance(title, text) after the fighting terms: its terms are searched with them
    if _WAR_OR_FIGHTING_TERMS.search(f"{title}\n{text}".lower()):
        return WAR, None
    return _by_parties(title, text)


def _by_parties(headline: str, text: str) -> tuple[str, str | None]:
    """The verdict once no war term is found: about the war only if it names a party."""
    if _names_a_party(headline) or _names_a_party(text):
        return WAR, None
    return OFF_TOPIC, REASON


def is_war_title(title: str) -> bool:
    """Whether a digest's title makes the war its whole subject."""
    return _WAR_TITLE.search(title) is not None


def _names_a_party(text: str) -> bool:
    """A gazetteer actor or place of a party to the war ("Ukrenergo", "Kryvyi Rih")."""
    gazetteer = Gazetteer.default()
    actors = gazetteer.find_actors(text)
    if any(getattr(m.entity, "side", None) in _PARTIES for m in actors):
        return True
    # the tagger's own call (places outside actor names), so it reuses this scan
    places = gazetteer.find_places(text, [(m.start, m.end) for m in actors])
    return any(getattr(m.entity, "country", None) in _PARTIES for m in places)
