"""Tell an article from the pages that stand in for one: cookie walls, paywalls, empty shells."""

from __future__ import annotations

import re

# An article shorter than this, next to consent or subscription wording, is not the article.
SHORT_TEXT_CHARS = 600
_COOKIE = re.compile(
    r"accept all cookies|we use cookies|cookie (?:settings|preferences|policy)|"
    r"consent to (?:the use of )?cookies|manage (?:your )?consent|privacy choices|"
    r"before you continue",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"subscribe to (?:continue|read)|subscribers only|already a subscriber|"
    r"to continue reading|this (?:article|content) is for subscribers|"
    r"isAccessibleForFree\W+false|start your (?:free )?trial|paywall",
    re.IGNORECASE,
)


def classify(html: str, text: str) -> str:
    """article, cookie_wall, paywall or empty, from the page and its extracted text."""
    if not text.strip():
        return "empty"
    if len(text) >= SHORT_TEXT_CHARS:
        return "article"
    if _PAYWALL.search(html) or _PAYWALL.search(text):
        return "paywall"
    if _COOKIE.search(text) or _COOKIE.search(html[:200_000]):
        return "cookie_wall"
    return "article"
