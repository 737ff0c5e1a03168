"""Issue 14.4 and 14.7: bounded, safe local reads; a missing directory is an error."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from tests.faults.helpers import within
from warday.ingest import local
from warday.ingest.local import SidecarError, discover, read_local

GOOD = (
    "Day 1,160: Kyiv counts the damage\n\n"
    "Russian drones struck Kharkiv overnight, officials said.\n"
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_fifo_sidecar_is_refused_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    os.mkfifo(tmp_path / "a.meta.json")
    with pytest.raises(SidecarError, match="FIFO"):
        within(5, lambda: read_local(tmp_path / "a.txt", root=tmp_path))


def test_fifo_file_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    found, _ = discover([tmp_path])
    assert [p.name for p in found] == ["pipe.txt"]  # found, so that it gets a dead letter
    with pytest.raises(local.LocalFileError, match="FIFO"):
        within(5, lambda: read_local(found[0], root=tmp_path))


def test_sidecar_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "a.meta.json").symlink_to("/dev/zero")
    before = _rss_mb()
    with pytest.raises(SidecarError):
        within(5, lambda: read_local(tmp_path / "a.txt", root=tmp_path))
    assert _rss_mb() - before < 50


def test_oversized_sidecar_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "a.meta.json").write_text('{"title": "' + "x" * 100_000 + '"}')
    with pytest.raises(SidecarError, match="cap"):
        read_local(tmp_path / "a.txt")
    monkeypatch.setenv("WARDAY_MAX_SIDECAR_BYTES", "300000")  # configurable
    with pytest.raises(SidecarError, match="at most 2000"):
        read_local(tmp_path / "a.txt")


def test_sparse_huge_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with open(big, "wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: costs no disk
    before = _rss_mb()
    with pytest.raises(local.LocalFileError, match="exceeds the cap"):
        within(10, lambda: read_local(big, root=tmp_path))
    assert _rss_mb() - before < 50


def test_file_cap_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    monkeypatch.setenv("WARDAY_MAX_FILE_BYTES", "20")
    with pytest.raises(local.LocalFileError, match="cap of 20 bytes"):
        read_local(tmp_path / "a.txt", root=tmp_path)
    assert read_local(tmp_path / "a.txt", root=tmp_path, max_bytes=10_000).body == GOOD.encode()


def test_link_leaving_the_watched_directory_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    watched = tmp_path / "watched"
    outside.mkdir()
    watched.mkdir()
    (outside / "secret.txt").write_text("private notes\n\nnot for the database")
    (watched / "leak.txt").symlink_to(outside / "secret.txt")
    (watched / "inside.txt").write_text(GOOD)
    (watched / "alias.txt").symlink_to(watched / "inside.txt")  # a link inside is fine
    (watched / "sub").symlink_to(outside, target_is_directory=True)  # never walked
    found, skipped = discover([watched])
    assert sorted(p.name for p in found) == ["alias.txt", "inside.txt", "leak.txt"]
    assert [p.name for p in skipped] == ["sub"]
    with pytest.raises(local.LocalFileError, match="outside"):
        read_local(watched / "leak.txt", root=watched)
    assert read_local(watched / "alias.txt", root=watched).body == GOOD.encode()


def test_link_to_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    with pytest.raises(local.LocalFileError):
        within(5, lambda: read_local(tmp_path / "zero.txt"))
