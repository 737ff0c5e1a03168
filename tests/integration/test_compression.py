"""Raw bodies and extracted texts are stored lz4-compressed where the server has lz4; without
it, raw bodies are stored uncompressed (pglz made landing several times slower)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from warday import pipeline
from warday.store.db import connect

PARAGRAPH = (
    "Russian drones struck energy facilities in the Odesa region overnight, the regional "
    "governor said, and air defence units shot down most of them over the coast. "
)


def _has_lz4(conn: psycopg.Connection[Any]) -> bool:
    try:
        with conn.transaction():
            conn.execute("SET LOCAL default_toast_compression = 'lz4'")
    except psycopg.errors.InvalidParameterValue:
        return False
    return True


def test_bodies_and_texts_are_stored_by_what_the_server_has(db_url: str, tmp_path: Path) -> None:
    # long and varied enough to be compressed rather than stored inline
    body = "\n\n".join(f"{PARAGRAPH} Report {n} of the night." for n in range(120))
    (tmp_path / "odesa.txt").write_text(f"Drones strike Odesa region\n\n{body}\n", "utf-8")
    with connect() as conn:
        pipeline.land_paths(conn, [tmp_path])
        pipeline.process_pending(conn)
        row = conn.execute(
            "SELECT pg_column_compression(r.body) AS body,"
            "       pg_column_compression(d.clean_text) AS clean_text,"
            "       pg_column_compression(e.text) AS text "
            "FROM raw_documents r JOIN documents d USING (raw_id) "
            "JOIN entries e USING (document_id)"
        ).fetchone()
        if _has_lz4(conn):
            assert row == {"body": "lz4", "clean_text": "lz4", "text": "lz4"}
        else:
            assert row == {"body": None, "clean_text": "pglz", "text": "pglz"}
