"""Local files and directories, with NAME.meta.json sidecars."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = frozenset({"url", "outlet", "title", "published"})
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
}


class SidecarError(ValueError):
    """A sidecar file is unreadable or holds unknown keys."""


@dataclass(frozen=True)
class LocalFile:
    path: Path
    media_type: str
    body: bytes
    meta: dict[str, Any]


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Ingestible files under paths (recursively), and the files skipped."""
    found: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.name.endswith(SIDECAR_SUFFIX):
                continue
            (found if media_type_of(candidate) else skipped).append(candidate)
    return found, skipped


def media_type_of(path: Path) -> str | None:
    """Media type from the file extension, None when not ingestible."""
    return MEDIA_TYPES.get(path.suffix.lower())


def read_local(path: Path, overrides: dict[str, Any] | None = None) -> LocalFile:
    """The file's bytes and metadata: sidecar first, non-empty overrides on top."""
    media_type = media_type_of(path)
    if media_type is None:
        raise SidecarError(f"{path}: unsupported file type {path.suffix!r}")
    meta = read_sidecar(path)
    meta.update({k: v for k, v in (overrides or {}).items() if v})
    return LocalFile(path, media_type, path.read_bytes(), meta)


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of path lives: same stem, .meta.json."""
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar's keys, {} when there is none."""
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SidecarError(f"{side}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise SidecarError(f"{side}: must hold a JSON object")
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise SidecarError(
            f"{side}: unknown keys {sorted(unknown)}; allowed {sorted(SIDECAR_KEYS)}"
        )
    return data
