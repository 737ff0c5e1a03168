"""Tell an article from the pages that stand in for one: cookie walls, paywalls, empty shells."""

from __future__ import annotations

import re

# An article shorter than this, next to consent or subscription wording, is not the article.
SHORT_TEXT_CHARS = 600
_COOKIE = re.compile(
    r"accept all cookies|we use cookies|cookie (?:settings|preferences|policy)|"
    r"consent to (?:the use of )?cookies|manage (?:your )?consent|privacy choices|"
    r"before you continue"
)
_PAYWALL = re.compile(
    r"subscribe to (?:continue|read)|subscribers only|already a subscriber|"
    r"to continue reading|this (?:article|content) is for subscribers|"
    r"isaccessibleforfree\W+false|start your (?:free )?trial|paywall"
)


def classify(html: str, text: str) -> str:
    """article, cookie_wall, paywall or empty, from the page and its extracted text."""
    if not text.strip():
        return "empty"
    if len(text) >= SHORT_TEXT_CHARS:
        return "article"
    # both patterns are lower case, searched in lower-cased text (a case-insensitive search
    # of a whole page took several times as long)
    html, text = html.lower(), text.lower()
    if _PAYWALL.search(html) or _PAYWALL.search(text):
        return "paywall"
    if _COOKIE.search(text) or _COOKIE.search(html[:200_000]):
        return "cookie_wall"
    return "article"
