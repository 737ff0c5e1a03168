from pathlib import Path

import psycopg
import pytest

from warday.store.migrate import MIGRATIONS_DIR, MigrationError, discover, migrate


def test_applies_all_then_nothing(empty_db_url: str) -> None:
    with psycopg.connect(empty_db_url) as conn:
        first = migrate(conn)
        assert first == [f"{m.version:04d}_{m.name}" for m in discover()]
        assert migrate(conn) == []
        rows = conn.execute("SELECT version, checksum FROM schema_migrations ORDER BY 1").fetchall()
        assert [r[1] for r in rows] == [m.checksum for m in discover()]


def test_edited_migration_is_refused(empty_db_url: str, tmp_path: Path) -> None:
    for src in MIGRATIONS_DIR.glob("*.sql"):
        (tmp_path / src.name).write_text(src.read_text())
    with psycopg.connect(empty_db_url) as conn:
        migrate(conn, tmp_path)
        first = sorted(tmp_path.glob("*.sql"))[0]
        first.write_text(first.read_text() + "\n-- edited\n")
        with pytest.raises(MigrationError, match="edited after it was applied"):
            migrate(conn, tmp_path)


def test_bad_file_name(tmp_path: Path) -> None:
    (tmp_path / "1_x.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError, match="name must look like"):
        discover(tmp_path)


def test_concurrent_runners_serialise(empty_db_url: str) -> None:
    # The second runner waits on the advisory lock, then finds nothing to do.
    import threading

    results: list[list[str]] = []

    def run() -> None:
        with psycopg.connect(empty_db_url) as conn:
            results.append(migrate(conn))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, len(discover())]


def test_analyst_role_is_read_only(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("SET ROLE warday_analyst")
        conn.execute("SELECT count(*) FROM war_entries").fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM raw_documents")


def test_analyst_full_text_search(db_url: str) -> None:
    from tests.conftest import SEEDS
    from warday import pipeline
    from warday.store.db import connect

    with connect() as conn:
        pipeline.land_paths(conn, [SEEDS])
        pipeline.process_pending(conn)
        conn.commit()
        conn.execute("SET ROLE warday_analyst")
        rows = conn.execute(
            "SELECT headline FROM war_entries "
            "WHERE search @@ websearch_to_tsquery('english', 'Kursk \"North Korea\"')"
        ).fetchall()
    assert any("North Korea" in r["headline"] for r in rows)
