"""The sources registry: a YAML file listing feeds, pages and directories to ingest.

sources:
  - name: kyiv-independent          # unique, [a-z0-9-]
    kind: feed                      # feed | page | directory
    url: https://example.org/rss    # feed and page
    path: seeds                     # directory (relative to the registry file)
    outlet: Kyiv Independent
    enabled: false                  # default true
    fetch_pages: true               # feed: fetch each new article page (default true)
    limits: {max_items: 50, max_bytes: 8388608, deadline_s: 30, stale_days: 3}
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from warday import settings
from warday.ingest.errors import ConfigError
from warday.ingest.local import LocalFileError, checked_path, read_capped
from warday.ingest.urls import is_web_url, strip_credentials
from warday.settings import package_dir

# Shipped inside the package (importlib.resources); its `../seeds` is the packaged seeds.
DEFAULT_REGISTRY = package_dir("ingest") / "sources.yaml"
KINDS = ("feed", "page", "directory")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_KEYS = {"name", "kind", "url", "path", "outlet", "enabled", "fetch_pages", "limits"}
MAX_REGISTRY_BYTES = settings.REGISTRY_MAX_BYTES
MAX_NODES = settings.REGISTRY_MAX_NODES  # values in the document once aliases are expanded
_LIMIT_KEYS: dict[str, tuple[type, ...]] = {
    "max_items": (int,),
    "max_bytes": (int,),
    "deadline_s": (int, float),
    "stale_days": (int, float),  # quality gate: nothing new for longer is stale
}


class RegistryError(ConfigError):
    """The registry file is invalid; the message names file, entry and field."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    locator: str  # URL, or an absolute directory path
    outlet: str | None = None
    enabled: bool = True
    fetch_pages: bool = True
    limits: dict[str, Any] = field(default_factory=dict)


def load_registry(path: Path = DEFAULT_REGISTRY) -> list[Source]:
    """All sources of a registry file, validated."""
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise RegistryError(f"{path}: top level must be a mapping with a 'sources' list")
    sources = [_source(path, i, item) for i, item in enumerate(data["sources"])]
    _check_unique(path, sources)
    return sources


class _BoundedLoader(yaml.SafeLoader):
    """Safe YAML whose document, with every alias expanded, stays small: an alias bomb is
    refused before anything walks or prints it."""

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None and _expanded_size(node, MAX_NODES) > MAX_NODES:
            raise RegistryError(f"more than {MAX_NODES} values once aliases are expanded")
        return node


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes of the document counted with aliases expanded, stopping past limit."""
    count, stack = 0, [root]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    return count


def _load_yaml(path: Path) -> Any:
    """The registry's YAML: a bounded regular file, UTF-8, safe tags, bounded aliases."""
    try:
        raw = read_capped(checked_path(path), MAX_REGISTRY_BYTES)
        text = raw.decode("utf-8")
        return yaml.load(text, Loader=_BoundedLoader)
    except RegistryError as exc:
        raise RegistryError(f"{path}: {exc}") from None
    except LocalFileError as exc:
        raise RegistryError(f"cannot read registry: {exc}") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise RegistryError(f"{path}: not valid YAML: {_cut(str(exc), 300)}") from None


def enabled(sources: list[Source]) -> list[Source]:
    """Only the sources switched on."""
    return [s for s in sources if s.enabled]


def _source(path: Path, index: int, item: Any) -> Source:
    """One validated registry entry."""
    where = f"{path.name}: entry {index}"
    if not isinstance(item, dict):
        raise RegistryError(f"{where}: must be a mapping")
    where += f" ({_show(item['name'])})" if item.get("name") else ""
    unknown = set(item) - _KEYS
    if unknown:
        names = sorted(_show(k) for k in unknown)[:5]
        raise RegistryError(f"{where}: unknown field(s) {', '.join(names)}")
    name, kind = item.get("name"), item.get("kind")
    if not isinstance(name, str) or not _NAME.match(name):
        raise RegistryError(f"{where}: field 'name': must match {_NAME.pattern}")
    if kind not in KINDS:
        raise RegistryError(f"{where}: field 'kind': must be one of {', '.join(KINDS)}")
    return Source(
        name=name,
        kind=kind,
        locator=_locator(path, where, item),
        outlet=_optional_str(where, item, "outlet"),
        enabled=_bool(where, item, "enabled"),
        fetch_pages=_bool(where, item, "fetch_pages"),
        limits=_limits(where, item.get("limits")),
    )


def _locator(path: Path, where: str, item: dict) -> str:
    """The URL of a feed or page, or the absolute path of a directory."""
    if item["kind"] == "directory":
        if not isinstance(item.get("path"), str) or "url" in item:
            raise RegistryError(f"{where}: field 'path': a directory source needs 'path' only")
        if "\x00" in item["path"] or len(item["path"]) > 4096:
            raise RegistryError(f"{where}: field 'path': not a usable path")
        return str((path.parent / item["path"]).resolve())
    url = item.get("url")
    if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url) or "path" in item:
        raise RegistryError(f"{where}: field 'url': a {item['kind']} source needs an http(s) URL")
    if strip_credentials(url) != url:  # never stored, never printed
        raise RegistryError(f"{where}: field 'url': credentials in URLs are not allowed")
    if len(url) > 4096 or not is_web_url(url):
        raise RegistryError(f"{where}: field 'url': not a usable http(s) URL")
    return url


def _optional_str(where: str, item: dict, key: str) -> str | None:
    """An optional string field."""
    value = item.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > 500):
        raise RegistryError(f"{where}: field '{key}': must be a string of at most 500 characters")
    return value


def _bool(where: str, item: dict, key: str) -> bool:
    """An optional boolean field, default true."""
    value = item.get(key, True)
    if not isinstance(value, bool):
        raise RegistryError(f"{where}: field '{key}': must be true or false")
    return value


def _limits(where: str, limits: Any) -> dict[str, Any]:
    """Per-source limits, each a positive number."""
    if limits is None:
        return {}
    if not isinstance(limits, dict):
        raise RegistryError(f"{where}: field 'limits': must be a mapping")
    for key, value in limits.items():
        kind = _LIMIT_KEYS.get(key) if isinstance(key, str) else None
        if kind is None:
            raise RegistryError(f"{where}: field 'limits': unknown limit {_show(key)}")
        number = isinstance(value, kind) and isinstance(value, int | float)
        if isinstance(value, bool) or not number or not 0 < value < math.inf:
            raise RegistryError(f"{where}: field 'limits.{key}': must be a positive number")
    return dict(limits)


def _show(value: Any) -> str:
    """A value for an error message: short strings quoted, anything else by its type only
    (an expanded alias must never be printed)."""
    if isinstance(value, str):
        return repr(_cut(value, 40))
    return f"<{type(value).__name__}>"


def _cut(text: str, limit: int) -> str:
    """Text cut at limit characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_unique(path: Path, sources: list[Source]) -> None:
    """Names identify sources in the database: no duplicates."""
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.name in seen:
            raise RegistryError(
                f"{path.name}: entry {i} ({source.name!r}): field 'name': duplicate"
            )
        seen.add(source.name)
