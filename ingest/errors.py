"""The errors that parsers of untrusted input raise, and nothing else.

Every entry point that reads bytes from outside (feeds, local files and sidecars, HTML pages,
the sources registry) raises only a subclass of ``InputError`` (or of ``ConfigError`` for the
operator's own configuration), so callers can dead-letter the input with a clear reason:

- ``warday.ingest.feeds.parse_feed``          -> ``FeedError``
- ``warday.ingest.local.read_local`` / ``read_sidecar`` -> ``LocalFileError`` (``SidecarError``)
- ``warday.transform.extract.extract_html``, ``warday.transform.isolate.extract_safely``
  -> ``ExtractionError``
- ``warday.ingest.sources.load_registry``     -> ``RegistryError`` (a ``ConfigError``)
"""

from __future__ import annotations


class InputError(ValueError):
    """Untrusted input that cannot be used; the message says why."""


class ConfigError(ValueError):
    """The operator's configuration (registry, environment) is invalid."""


def env_int(name: str, default: int, environ: dict[str, str] | None = None) -> int:
    """A positive integer setting from the environment."""
    import os

    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a positive integer") from None
    if value <= 0:
        raise ConfigError(f"{name} must be a positive integer")
    return value
