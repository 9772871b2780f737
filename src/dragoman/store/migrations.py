"""Named, versioned schema migrations for the SQLite store.

Each migration is a plain function that takes an open connection and runs its
statements one by one. ``apply_migrations`` runs the missing ones in order, each
inside its own transaction, and records it in the ``migrations`` table, so a
database always sits at a known version and a failed step leaves it at the
previous one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from ..errors import StoreError


class Migration(NamedTuple):
    """One schema step: its version number, its name and the function that applies it."""

    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _run(conn: sqlite3.Connection, statements: Iterable[str]) -> None:
    # executescript() would commit the open transaction, so statements go one at a time.
    for statement in statements:
        conn.execute(statement)


_INITIAL = (
    """
    CREATE TABLE outlets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        country TEXT NOT NULL DEFAULT '',
        reliability TEXT NOT NULL DEFAULT 'F',
        data TEXT NOT NULL
    )
    """,
    # seq is an explicit integer key so the full-text index keeps pointing at the
    # right rows after a VACUUM (implicit rowids of text-keyed tables may move).
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        outlet_id TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        published TEXT,
        title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT 'en',
        collected_at TEXT,
        duplicate_of TEXT,
        content_hash TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT '',
        processed_at TEXT
    )
    """,
    # An empty hash means "not computed"; only real hashes must be unique.
    "CREATE UNIQUE INDEX articles_content_hash ON articles(content_hash) WHERE content_hash <> ''",
    "CREATE INDEX articles_published ON articles(published, id)",
    "CREATE INDEX articles_outlet ON articles(outlet_id, published)",
    "CREATE INDEX articles_unprocessed ON articles(published, id) WHERE processed_at IS NULL",
    "CREATE INDEX articles_duplicate_of ON articles(duplicate_of)",
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text,
        content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END
    """,
    """
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END
    """,
    """
    CREATE TABLE sentences (
        seq INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        text TEXT NOT NULL
    )
    """,
    "CREATE INDEX sentences_article ON sentences(article_id, start_char)",
    """
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL
    )
    """,
    "CREATE INDEX entities_type ON entities(type, name)",
    # Which entities an article's annotation carried, so annotations() returns them.
    """
    CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (article_id, entity_id)
    )
    """,
    "CREATE INDEX article_entities_entity ON article_entities(entity_id)",
    # entity_id is not a foreign key: a mention may resolve to a desk actor that is
    # never stored as an entity row.
    """
    CREATE TABLE mentions (
        seq INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT NOT NULL,
        entity_id TEXT,
        confidence REAL NOT NULL DEFAULT 1.0,
        source TEXT NOT NULL DEFAULT 'model',
        role TEXT
    )
    """,
    "CREATE INDEX mentions_article ON mentions(article_id)",
    "CREATE INDEX mentions_entity ON mentions(entity_id)",
    """
    CREATE TABLE dates (
        seq INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        text TEXT NOT NULL,
        value TEXT
    )
    """,
    "CREATE INDEX dates_article ON dates(article_id)",
    "CREATE INDEX dates_value ON dates(value)",
    """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        type TEXT NOT NULL,
        mode TEXT NOT NULL,
        date TEXT,
        data TEXT NOT NULL
    )
    """,
    "CREATE INDEX events_article ON events(article_id)",
    "CREATE INDEX events_type ON events(type, date)",
    """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        first_seen TEXT,
        last_seen TEXT,
        arena TEXT,
        credibility INTEGER NOT NULL,
        salience REAL NOT NULL,
        data TEXT NOT NULL
    )
    """,
    "CREATE INDEX stories_window ON stories(last_seen, first_seen)",
    # article_id is not a foreign key: a story may name an article another store holds.
    """
    CREATE TABLE story_articles (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (story_id, article_id)
    )
    """,
    "CREATE INDEX story_articles_article ON story_articles(article_id)",
    """
    CREATE TABLE fetch_state (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        fetched_at TEXT NOT NULL
    )
    """,
)


def initial(conn: sqlite3.Connection) -> None:
    """Create outlets, articles with their full-text index, annotations, stories, fetch state."""
    _run(conn, _INITIAL)


def corrections(conn: sqlite3.Connection) -> None:
    """Add the analysts' corrections log (merges, splits, relabels), revertible entry by entry."""
    _run(
        conn,
        (
            """
            CREATE TABLE corrections (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                author TEXT NOT NULL,
                created_at TEXT NOT NULL,
                reverted_at TEXT
            )
            """,
            "CREATE INDEX corrections_kind ON corrections(kind, id)",
        ),
    )


def reprint_hashes(conn: sqlite3.Connection) -> None:
    """Let another outlet's word-for-word reprint be stored (and linked), not dropped.

    The same text is one item only within one outlet; across outlets it is a reprint.
    """
    _run(
        conn,
        (
            "DROP INDEX articles_content_hash",
            "CREATE UNIQUE INDEX articles_outlet_content_hash ON articles(outlet_id, content_hash) "
            "WHERE content_hash <> ''",
            "CREATE INDEX articles_content_hash ON articles(content_hash)",
        ),
    )


def web(conn: sqlite3.Connection) -> None:
    """Add what the web workbench keeps: digest drafts, user accounts, signing keys.

    A digest row holds the whole Digest record as JSON plus its edit history; a
    correction also records who reverted it.
    """
    _run(
        conn,
        (
            """
            CREATE TABLE digests (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                title TEXT NOT NULL,
                period_from TEXT NOT NULL,
                period_to TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'draft',
                data TEXT NOT NULL,
                history TEXT NOT NULL DEFAULT '[]',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                published_by TEXT,
                published_at TEXT
            )
            """,
            "CREATE INDEX digests_period ON digests(period_from, period_to)",
            """
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL
            )
            """,
            "CREATE TABLE web_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "ALTER TABLE corrections ADD COLUMN reverted_by TEXT",
        ),
    )


def bulletins(conn: sqlite3.Connection) -> None:
    """Add the log of written bulletins, so the next one can say what is new since the last.

    Each row keeps the period, when it was written, the bulletin it was compared against
    (for an update) and, per story, the articles it cited, its grade and its mark.
    """
    _run(
        conn,
        (
            """
            CREATE TABLE bulletins (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                period_from TEXT NOT NULL,
                period_to TEXT NOT NULL,
                written_at TEXT NOT NULL,
                title TEXT NOT NULL DEFAULT '',
                since_id INTEGER REFERENCES bulletins(id) ON DELETE SET NULL,
                stories TEXT NOT NULL
            )
            """,
            "CREATE INDEX bulletins_written ON bulletins(written_at, id)",
        ),
    )


def search_indexes(conn: sqlite3.Connection) -> None:
    """Let the entity filter of a search read its articles from indexes alone.

    The indexes on an entity id alone made every matching mention a table read; the new
    ones also hold the article id and replace them (they serve the same look-ups).
    """
    _run(
        conn,
        (
            "CREATE INDEX mentions_entity_article ON mentions(entity_id, article_id)",
            "DROP INDEX mentions_entity",
            "CREATE INDEX article_entities_entity_article ON article_entities(entity_id, article_id)",
            "DROP INDEX article_entities_entity",
        ),
    )


def sentence_verbs(conn: sqlite3.Connection) -> None:
    """Keep what the parse learned of each sentence: where its finite verbs start.

    NULL for sentences stored before: what they hold is not known until re-processed.
    """
    _run(conn, ("ALTER TABLE sentences ADD COLUMN finite_verbs TEXT",))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "0001_initial", initial),
    Migration(2, "0002_corrections", corrections),
    Migration(3, "0003_reprint_hashes", reprint_hashes),
    Migration(4, "0004_web", web),
    Migration(5, "0005_bulletins", bulletins),
    Migration(6, "0006_search_indexes", search_indexes),
    Migration(7, "0007_sentence_verbs", sentence_verbs),
)

LATEST_VERSION: int = MIGRATIONS[-1].version


def ensure_migrations_table(conn: sqlite3.Connection) -> None:
    """Create the table that records applied migrations, if it is missing."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )


def recorded_version(conn: sqlite3.Connection) -> int:
    """Return the highest applied migration version, 0 for a fresh database."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if row is None:
        return 0
    (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM migrations").fetchone()
    return int(version)


def check_version(
    conn: sqlite3.Connection, where: str, known: Sequence[Migration] = MIGRATIONS
) -> int:
    """Return the recorded version; raise StoreError when it is newer than this code knows."""
    version = recorded_version(conn)
    latest = known[-1].version if known else 0
    if version > latest:
        raise StoreError(
            f"{where}: the database is at schema version {version}, but this dragoman only "
            f"knows versions up to {latest}; upgrade dragoman to open it"
        )
    return version


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS, where: str = "database"
) -> list[str]:
    """Apply the missing migrations in order, one transaction each; return their names.

    The connection must be in autocommit mode (``isolation_level=None``) so the
    transactions here are the only ones.
    """
    _check_order(migrations)
    ensure_migrations_table(conn)
    applied: list[str] = []
    for migration in migrations:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            current = check_version(conn, where, migrations)
            if migration.version <= current:
                conn.execute("COMMIT")
                continue
            migration.apply(conn)
            conn.execute(
                "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(
                    f"{where}: migration {migration.name} failed and was rolled back: {exc}"
                ) from exc
            raise
        applied.append(migration.name)
    return applied


def _check_order(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise StoreError(f"migrations must have unique, increasing versions, got {versions}")
