"""Canonical URLs: the same article under tracking parameters is one document."""

from __future__ import annotations

import re
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
    host = parts.netloc.rpartition("@")[2].lower()  # credentials are never kept
    netloc = host.removesuffix(":80") if parts.scheme == "http" else host.removesuffix(":443")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


# scheme://userinfo@ anywhere in a text; userinfo may hold anything but "/", "@" and spaces.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://)[^/\s@?#]*@")


def strip_credentials(url: str) -> str:
    """The URL without user name and password (fit to store and print)."""
    return _USERINFO.sub(r"\1", url)


def scrub(text: str) -> str:
    """Text (a message, a locator) with the credentials of every URL in it removed."""
    return _USERINFO.sub(r"\1", text) if "@" in text else text


def is_web_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host: the only kind a document may carry."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
