"""Local files and directories, with NAME.meta.json sidecars.

Reads are bounded and safe: only regular files are read (a FIFO, socket or device is refused
before it is opened for reading), a symbolic link may not lead out of the directory being
watched, and files and sidecars have size caps (``WARDAY_MAX_FILE_BYTES``,
``WARDAY_MAX_SIDECAR_BYTES``, or per call). Every refusal is a ``LocalFileError`` naming why.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warday import settings
from warday.ingest.errors import InputError, env_int
from warday.ingest.urls import strip_credentials

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
DEFAULT_MAX_FILE_BYTES = settings.LOCAL_MAX_FILE_BYTES
DEFAULT_MAX_SIDECAR_BYTES = settings.LOCAL_MAX_SIDECAR_BYTES
_MAX_SIDECAR_VALUE_CHARS = settings.LOCAL_MAX_SIDECAR_VALUE_CHARS
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


class LocalFileError(InputError):
    """A local file is refused: not a regular file, outside the watched directory, too big,
    or unreadable."""


class SidecarError(LocalFileError):
    """A sidecar file is unreadable or holds unknown keys or bad values."""


@dataclass(frozen=True)
class LocalFile:
    path: Path
    media_type: str
    body: bytes
    meta: dict[str, Any]


def max_file_bytes() -> int:
    """The size cap for local files (WARDAY_MAX_FILE_BYTES)."""
    return env_int(settings.ENV_MAX_FILE_BYTES, DEFAULT_MAX_FILE_BYTES)


def max_sidecar_bytes() -> int:
    """The size cap for sidecars (WARDAY_MAX_SIDECAR_BYTES)."""
    return env_int(settings.ENV_MAX_SIDECAR_BYTES, DEFAULT_MAX_SIDECAR_BYTES)


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Ingestible files under paths (recursively, never through a symlinked directory), and
    the entries skipped. Paths are absolute but not resolved: a link is checked when read."""
    found: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        for candidate in _walk(Path(os.path.abspath(path))):
            if candidate.name.endswith(SIDECAR_SUFFIX):
                continue
            ingestible = media_type_of(candidate) and not _is_dir_link(candidate)
            (found if ingestible else skipped).append(candidate)
    return found, skipped


def _walk(path: Path) -> list[Path]:
    """Every non-directory entry under a directory (sorted), or the path itself."""
    if path.is_symlink() or not path.is_dir():
        return [path]
    entries: list[Path] = []
    for folder, dirs, files in os.walk(path, followlinks=False):
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        entries += [Path(folder, name) for name in files + links]
    return sorted(entries)


def _is_dir_link(path: Path) -> bool:
    """A symbolic link to a directory: never followed."""
    return path.is_symlink() and path.is_dir()


def media_type_of(path: Path) -> str | None:
    """Media type from the file extension, None when not ingestible."""
    return MEDIA_TYPES.get(path.suffix.lower())


def read_local(
    path: Path,
    overrides: dict[str, Any] | None = None,
    *,
    root: Path | None = None,
    max_bytes: int | None = None,
) -> LocalFile:
    """The file's bytes and metadata: sidecar first, non-empty overrides on top.

    root is the directory being watched: the file (after links) must lie inside it."""
    media_type = media_type_of(path)
    if media_type is None:
        raise LocalFileError(f"{path}: unsupported file type {path.suffix!r}")
    target = checked_path(path, root)
    body = read_capped(target, max_bytes or max_file_bytes())
    meta = read_sidecar(path, root=root)
    meta.update({k: v for k, v in (overrides or {}).items() if v})
    if isinstance(meta.get("url"), str):
        meta["url"] = strip_credentials(meta["url"])  # never stored
    return LocalFile(target, media_type, body, meta)


def checked_path(path: Path, root: Path | None = None) -> Path:
    """The resolved path of a regular file inside root; anything else is refused."""
    real = Path(os.path.realpath(path))
    if root is not None:
        top = os.path.realpath(root)
        if os.path.isdir(top) and os.path.commonpath([top, real]) != top:
            raise LocalFileError(f"{path}: symbolic link leads outside {root}; not followed")
    try:
        info = os.stat(real)
    except OSError as exc:
        raise LocalFileError(f"{path}: cannot read: {exc.strerror}") from None
    _require_regular(path, info.st_mode)
    return real


def read_capped(path: Path, cap: int) -> bytes:
    """At most cap bytes of a regular file, without ever blocking on a FIFO or device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise LocalFileError(f"{path}: cannot open: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        _require_regular(path, info.st_mode)  # the path may have changed since it was checked
        if info.st_size > cap:
            raise LocalFileError(f"{path}: {info.st_size} bytes exceeds the cap of {cap} bytes")
        try:
            body = handle.read(cap + 1)
        except OSError as exc:
            raise LocalFileError(f"{path}: cannot read: {exc.strerror}") from None
    if len(body) > cap:
        raise LocalFileError(f"{path}: more than the cap of {cap} bytes")
    return body


def _require_regular(path: Path, mode: int) -> None:
    """Refuse anything but a regular file, naming what it is."""
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise LocalFileError(f"{path}: {kind}, not a regular file; refused")


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of path lives: same stem, .meta.json."""
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)


def read_sidecar(path: Path, *, root: Path | None = None) -> dict[str, Any]:
    """The sidecar's keys, {} when there is none (bounded, regular files only)."""
    side = sidecar_path(path)
    if not os.path.lexists(side):
        return {}
    try:
        raw = read_capped(checked_path(side, root or path.parent), max_sidecar_bytes())
    except LocalFileError as exc:
        raise SidecarError(f"sidecar {exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, absurd nesting
        raise SidecarError(f"{side}: not valid JSON ({_short(exc)})") from None
    if not isinstance(data, dict):
        raise SidecarError(f"{side}: must hold a JSON object")
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        names = sorted(k[:40] for k in unknown)[:5]
        raise SidecarError(f"{side}: unknown keys {names}; allowed {sorted(SIDECAR_KEYS)}")
    return {k: _sidecar_value(side, k, v) for k, v in data.items()}


def _sidecar_value(side: Path, key: str, value: Any) -> Any:
    """A sidecar value: a short string (or null); a url must be http(s)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_SIDECAR_VALUE_CHARS or "\x00" in value:
        raise SidecarError(f"{side}: {key!r} must be a string of at most 2000 characters")
    if key == "url" and not value.lower().startswith(("http://", "https://")):
        raise SidecarError(f"{side}: 'url' must be an http(s) URL")
    return value


def _short(exc: BaseException) -> str:
    """An exception's message, cut short."""
    return str(exc)[:200] or type(exc).__name__
