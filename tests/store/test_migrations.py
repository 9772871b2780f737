"""Tests for the store's versioned migrations."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dragoman.errors import StoreError
from dragoman.records import Article, Outlet
from dragoman.store import Store
from dragoman.store.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    Migration,
    apply_migrations,
    recorded_version,
)


def autocommit(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrations_are_named_and_ordered() -> None:
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions)) and versions[0] == 1
    assert [m.name for m in MIGRATIONS][:2] == ["0001_initial", "0002_corrections"]
    for m in MIGRATIONS:
        assert m.name.startswith(f"{m.version:04d}_")
        assert m.apply.__doc__
    assert LATEST_VERSION == MIGRATIONS[-1].version


def test_empty_database_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = autocommit(path)
    assert recorded_version(conn) == 0
    assert apply_migrations(conn) == [m.name for m in MIGRATIONS]
    assert apply_migrations(conn) == []
    rows = conn.execute(
        "SELECT version, name, applied_at FROM migrations ORDER BY version"
    ).fetchall()
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in MIGRATIONS]
    for _, _, applied_at in rows:
        assert datetime.fromisoformat(applied_at).tzinfo is not None
    expected = {
        "outlets",
        "articles",
        "articles_fts",
        "sentences",
        "entities",
        "mentions",
        "dates",
        "events",
        "stories",
        "story_articles",
        "fetch_state",
        "corrections",
        "migrations",
    }
    assert expected <= tables(conn)
    conn.close()


def test_store_on_empty_file_reports_latest_version(tmp_path: Path) -> None:
    with Store(tmp_path / "fresh.db") as store:
        assert store.schema_version() == LATEST_VERSION
        assert store.migrate() == []


def test_database_at_version_one_is_upgraded_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = autocommit(path)
    assert apply_migrations(conn, MIGRATIONS[:1]) == ["0001_initial"]
    assert "corrections" not in tables(conn)
    # Data written by a dragoman that only knew the first schema.
    conn.execute(
        "INSERT INTO outlets (id, name, country, reliability, data) VALUES (?, ?, ?, ?, ?)",
        (
            "mehr",
            "Mehr",
            "IR",
            "C",
            json.dumps({"id": "mehr", "name": "Mehr", "country": "IR", "reliability": "C"}),
        ),
    )
    conn.execute(
        "INSERT INTO articles (id, outlet_id, url, published, title, text, content_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            "m1",
            "mehr",
            "https://example.org/m1",
            "2019-08-06T06:45:00.000000+00:00",
            "Iraq and Iran sign trade deal",
            "The two countries agreed to set up joint investment funds.",
            "hash-m1",
        ),
    )
    conn.execute(
        "INSERT INTO fetch_state (url, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?)",
        ("https://example.org/feed", '"v1"', None, "2019-08-06T07:00:00.000000+00:00"),
    )
    conn.close()

    with Store(path) as store:
        assert store.schema_version() == LATEST_VERSION
        assert store.outlets()["mehr"] == Outlet("mehr", "Mehr", country="IR", reliability="C")
        assert store.get_article("m1") == Article(
            "m1",
            "mehr",
            "https://example.org/m1",
            datetime(2019, 8, 6, 6, 45, tzinfo=UTC),
            "Iraq and Iran sign trade deal",
            "The two countries agreed to set up joint investment funds.",
            content_hash="hash-m1",
        )
        assert [a.id for a, _ in store.search("investment funds")] == ["m1"]
        assert store.fetch_states()["https://example.org/feed"]["etag"] == '"v1"'
        assert not store.add_article(
            Article("m2", "mehr", "u", None, "t", "x", content_hash="hash-m1")
        )
        # The table the second migration adds works.
        cid = store.add_correction("merge_entities", {"keep": "a", "drop": ["b"]})
        assert store.corrections()[0]["id"] == cid

    conn = autocommit(path)
    names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY version")]
    assert names == [m.name for m in MIGRATIONS]
    conn.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with Store(path) as store:
        store.add_article(Article("keep", "o", "u", None, "t", "x"))
    conn = autocommit(path)
    conn.execute(
        "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
        (LATEST_VERSION + 7, "9999_from_the_future", "2030-01-01T00:00:00+00:00"),
    )
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert f"schema version {LATEST_VERSION + 7}" in message
    assert f"up to {LATEST_VERSION}" in message and "upgrade dragoman" in message
    assert "\n" not in message
    # Nothing was changed by the refused open.
    conn = autocommit(path)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    assert recorded_version(conn) == LATEST_VERSION + 7
    conn.close()


def test_failed_migration_is_rolled_back(tmp_path: Path) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        """Create a table, then fail."""
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    conn = autocommit(tmp_path / "broken.db")
    steps = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "9999_broken", broken))
    with pytest.raises(StoreError, match="9999_broken failed and was rolled back"):
        apply_migrations(conn, steps)
    assert recorded_version(conn) == LATEST_VERSION
    assert "half_done" not in tables(conn)
    assert not conn.in_transaction
    conn.close()


def test_unordered_migrations_are_rejected(tmp_path: Path) -> None:
    conn = autocommit(tmp_path / "order.db")
    with pytest.raises(StoreError, match="increasing"):
        apply_migrations(conn, (MIGRATIONS[1], MIGRATIONS[0]))
    conn.close()


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is a text file, not SQLite " * 100)
    with pytest.raises(StoreError, match=r"notes\.db"):
        Store(path)
