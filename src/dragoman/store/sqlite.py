"""The workspace store on SQLite: the one place in dragoman that speaks SQL.

Records are stored as columns where they are queried and as JSON (``to_dict``)
where they are only read back. Datetimes are kept as ISO 8601 UTC strings with a
fixed width, so comparing the strings compares the instants; a naive datetime is
taken to be UTC. Every public write is one transaction: it lands whole or not at all.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
from collections.abc import Container, Iterable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import ItemError, StoreError
from ..records import (
    Annotated,
    Article,
    DateMention,
    Entity,
    Event,
    Mention,
    Outlet,
    Sentence,
    Story,
)
from .migrations import LATEST_VERSION, MIGRATIONS, apply_migrations, check_version

BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"
# Reads of a large store go through the OS page cache (shared by every connection of
# every process) rather than each connection's private cache, which stays modest.
MMAP_BYTES = 256 * 2**20
CACHE_KIB = 16 * 1024

# Search limits (see Store.search_articles): a query matching more articles than
# RANK_WINDOW is ranked among the most recently collected RANK_WINDOW of them, and a
# period holding fewer than SEQ_RANGE_SCAN articles narrows the full-text scan to the
# range of their keys.
RANK_WINDOW = 1000
SEQ_RANGE_SCAN = 40_000

# Who the corrections logged in this thread or task are made by (see ``acting_as``).
_AUTHOR: ContextVar[str] = ContextVar("dragoman_author", default="analyst")

# Private-use characters around the matched words of a search snippet: they never occur
# in collected text, so a caller can turn them into highlighting after escaping the rest.
MARK_START = "\ue000"
MARK_END = "\ue001"


@contextmanager
def acting_as(author: str) -> Iterator[None]:
    """Within the block, corrections are logged (and reverted) in the name of ``author``."""
    token = _AUTHOR.set(author)
    try:
        yield
    finally:
        _AUTHOR.reset(token)


# --- value conversion ------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _db_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # A fixed width (always microseconds, always +00:00) keeps string order = time order.
    return _utc(value).isoformat(timespec="microseconds")


def _py_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return _utc(datetime.fromisoformat(value))


def _bound(value: datetime | date | None, upper: bool) -> str | None:
    """Turn a query bound into a stored-time string; a bare date covers its whole day."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.max if upper else time.min, tzinfo=UTC)
    return _db_time(value)


def _now() -> str:
    return _db_time(datetime.now(UTC)) or ""


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


# --- search query ------------------------------------------------------------------------------

# A double-quoted phrase (closed or not) or a run of non-space characters.
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORDISH = re.compile(r"\w")
_OPERATORS = ("AND", "OR", "NOT")


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query ("" when nothing searchable is left).

    Every word or quoted phrase becomes an FTS5 string, so punctuation, hyphens,
    apostrophes and stray quotes are never read as syntax. Bare upper-case OR and
    NOT keep their meaning between two terms, AND is implied, and a trailing ``*``
    on a word asks for a prefix match.
    """
    parts: list[str] = []
    pending: str | None = None
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if word is not None and word in _OPERATORS:
            pending = word
            continue
        raw = phrase if phrase is not None else word
        if not raw or not _WORDISH.search(raw):
            continue
        prefix = word is not None and raw.endswith("*")
        raw = raw.rstrip("*") if prefix else raw
        term = '"' + raw.replace('"', '""') + '"' + ("*" if prefix else "")
        if pending in ("OR", "NOT") and parts:
            parts.append(pending)
        elif pending == "NOT":
            # "NOT x" with nothing before it cannot be expressed; drop the excluded term.
            pending = None
            continue
        parts.append(term)
        pending = None
    return " ".join(parts)


# --- fetch state view ----------------------------------------------------------------------------


class FetchStates(MutableMapping[str, dict[str, Any]]):
    """A dict-like view of the fetch_state table, keyed by URL."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getitem__(self, url: str) -> dict[str, Any]:
        state = self._store.get_fetch_state(url)
        if state is None:
            raise KeyError(url)
        return state

    def __setitem__(self, url: str, state: dict[str, Any]) -> None:
        self._store.set_fetch_state(url, state.get("etag"), state.get("last_modified"))

    def __delitem__(self, url: str) -> None:
        if not self._store._delete_fetch_state(url):
            raise KeyError(url)

    def __iter__(self) -> Iterator[str]:
        return iter(self._store._fetch_urls())

    def __len__(self) -> int:
        return len(self._store._fetch_urls())

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self._store.get_fetch_state(url) is not None


# --- the store ------------------------------------------------------------------------------------


def _entity_rows(
    conn: sqlite3.Connection, entities: Sequence[Entity], afresh: Container[str] = ()
) -> list[tuple[str, str, str, str]]:
    """Rows to upsert for an article's entities, in its order, each merged with the store's.

    One article sees only some of an entity's names and facts: the aliases already stored
    stay (the new ones are added after them), stored attributes stay unless the article
    gives a new value, and a known place is kept when the article has none. An entity
    whose id is in ``afresh`` is written as the article has it.
    """
    ids = [e.id for e in entities if e.id not in afresh]
    stored: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for ident, data in conn.execute(
            f"SELECT id, data FROM entities WHERE id IN ({marks})", chunk
        ):
            try:
                stored[ident] = json.loads(data)
            except (TypeError, ValueError):
                continue  # an unreadable row is replaced by the new one
    rows = []
    for entity in entities:
        new = entity.to_dict()
        old = stored.get(entity.id)
        if old is not None:
            aliases = list(old.get("aliases") or [])
            aliases += [a for a in new.get("aliases") or [] if a not in aliases]
            new["aliases"] = aliases
            new["attributes"] = {**(old.get("attributes") or {}), **(new.get("attributes") or {})}
            if not new.get("place") and old.get("place"):
                new["place"] = old["place"]
        rows.append((entity.id, entity.type, entity.name, _json(new)))
    return rows


class Store:
    """dragoman's workspace database: articles, annotations, stories, fetch state, corrections."""

    def __init__(self, path: str | Path) -> None:
        """Open the database at ``path`` (creating it and its folder) and migrate it."""
        self.path = Path(path)
        self._where = str(path)
        self._lock = threading.RLock()
        memory = str(path) == MEMORY
        if not memory:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create the database folder: {exc}") from exc
        try:
            self._conn = sqlite3.connect(
                str(path),
                check_same_thread=False,  # shared across threads, serialised by self._lock
                isolation_level=None,  # transactions are opened explicitly
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
                self._conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            check_version(self._conn, self._where)
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{path}: not a usable dragoman database: {exc}") from exc
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def memory(cls) -> Store:
        """Open a fresh in-memory store (for tests and one-off runs)."""
        return cls(MEMORY)

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._where!r})"

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """Run a block as one write transaction, rolled back whole on any error."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._store_error(what, exc) from exc
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                # SQLite may already have rolled back by itself (disk full, interrupt).
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._store_error(what, exc) from exc
                raise

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise self._store_error("read", exc) from exc

    def _store_error(self, what: str, exc: sqlite3.Error) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return StoreError(
                f"{self._where}: {what} failed: the database is locked by another process; "
                "try again when it has finished"
            )
        return StoreError(f"{self._where}: {what} failed: {message}")

    # --- migrations --------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks and return their names."""
        with self._lock:
            return apply_migrations(self._conn, MIGRATIONS, self._where)

    def schema_version(self) -> int:
        """Return the version of the newest applied migration."""
        with self._lock:
            return check_version(self._conn, self._where)

    @staticmethod
    def latest_version() -> int:
        """Return the newest schema version this code knows."""
        return LATEST_VERSION

    # --- outlets -------------------------------------------------------------------------------

    def upsert_outlets(self, outlets: Iterable[Outlet]) -> None:
        """Insert or replace outlets by id."""
        rows = [(o.id, o.name, o.country, o.reliability, _json(o.to_dict())) for o in outlets]
        with self._write("saving outlets") as conn:
            conn.executemany(
                "INSERT INTO outlets (id, name, country, reliability, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country, "
                "reliability = excluded.reliability, data = excluded.data",
                rows,
            )

    def outlets(self) -> dict[str, Outlet]:
        """Return every stored outlet keyed by id."""
        rows = self._read("SELECT data FROM outlets ORDER BY id")
        return {o.id: o for o in (Outlet.from_dict(json.loads(r["data"])) for r in rows)}

    # --- articles ------------------------------------------------------------------------------

    _FIELDS = (
        "id",
        "outlet_id",
        "url",
        "published",
        "title",
        "text",
        "language",
        "collected_at",
        "duplicate_of",
        "content_hash",
        "author",
        "origin",
    )
    _ARTICLE_COLUMNS = ", ".join(_FIELDS)
    _ARTICLE_COLUMNS_A = ", ".join("a." + f for f in _FIELDS)

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            outlet_id=row["outlet_id"],
            url=row["url"],
            published=_py_time(row["published"]),
            title=row["title"],
            text=row["text"],
            language=row["language"],
            collected_at=_py_time(row["collected_at"]),
            duplicate_of=row["duplicate_of"],
            content_hash=row["content_hash"],
            author=row["author"],
            origin=row["origin"],
        )

    def add_article(self, article: Article) -> bool:
        """Store a new article; return False and store nothing if its id is known, or its
        content hash is known for the same outlet."""
        if not article.id:
            raise ItemError(article.url or "article", "has no id; it cannot be stored")
        with self._write(f"adding article {article.id}") as conn:
            return self._insert_article(conn, article)

    def add_articles(self, articles: Iterable[Article]) -> int:
        """Store many new articles in one transaction (for imports); return how many were new.

        The rules of ``add_article`` apply to each; one without an id stores none of them.
        """
        batch = list(articles)
        for article in batch:
            if not article.id:
                raise ItemError(article.url or "article", "has no id; it cannot be stored")
        with self._write(f"adding {len(batch)} articles") as conn:
            return sum(self._insert_article(conn, article) for article in batch)

    def _insert_article(self, conn: sqlite3.Connection, article: Article) -> bool:
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
            return False
        if (
            article.content_hash
            and conn.execute(
                "SELECT 1 FROM articles WHERE content_hash = ? AND outlet_id = ?",
                (article.content_hash, article.outlet_id),
            ).fetchone()
        ):
            return False
        conn.execute(
            f"INSERT INTO articles ({self._ARTICLE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.outlet_id,
                article.url or "",
                _db_time(article.published),
                article.title or "",
                article.text or "",
                article.language or "",
                _db_time(article.collected_at),
                article.duplicate_of,
                article.content_hash or "",
                article.author or "",
                article.origin or "",
            ),
        )
        return True

    def has_article(self, article_id: str) -> bool:
        """Tell whether an article with this id is stored."""
        return bool(self._read("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def find_by_hash(self, content_hash: str, outlet_id: str | None = None) -> str | None:
        """Return the id of the earliest stored article with this content hash (of one outlet)."""
        if not content_hash:
            return None
        sql = "SELECT id FROM articles WHERE content_hash = ?"
        params: tuple[str, ...] = (content_hash,)
        if outlet_id is not None:
            sql += " AND outlet_id = ?"
            params += (outlet_id,)
        rows = self._read(sql + " ORDER BY seq LIMIT 1", params)
        return rows[0]["id"] if rows else None

    def get_article(self, article_id: str) -> Article | None:
        """Return one article by id."""
        rows = self._read(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        )
        return self._article(rows[0]) if rows else None

    def articles(
        self,
        start: datetime | date | None = None,
        end: datetime | date | None = None,
        outlet_id: str | None = None,
        ids: Iterable[str] | None = None,
    ) -> list[Article]:
        """Return articles published in [start, end] (both inclusive), by published then id.

        Undated articles are left out when a bound is given and come last otherwise.
        """
        where: list[str] = []
        params: list[Any] = []
        if start is not None:
            where.append("published >= ?")
            params.append(_bound(start, upper=False))
        if end is not None:
            where.append("published <= ?")
            params.append(_bound(end, upper=True))
        if outlet_id is not None:
            where.append("outlet_id = ?")
            params.append(outlet_id)
        if ids is not None:
            # One JSON parameter instead of a variable-length IN list.
            where.append("id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(ids)))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._read(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles {clause} "
            "ORDER BY published IS NULL, published, id",
            params,
        )
        return [self._article(r) for r in rows]

    def set_duplicate(self, article_id: str, original_id: str | None) -> None:
        """Mark an article as a reprint of another, or clear the mark with None."""
        if original_id == article_id:
            raise ItemError(article_id, "an article cannot be a duplicate of itself")
        with self._write(f"marking {article_id} as duplicate") as conn:
            if not conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                raise ItemError(article_id, "no such article in the store")
            if (
                original_id is not None
                and not conn.execute(
                    "SELECT 1 FROM articles WHERE id = ?", (original_id,)
                ).fetchone()
            ):
                raise ItemError(
                    original_id, f"no such article in the store (original of {article_id})"
                )
            conn.execute(
                "UPDATE articles SET duplicate_of = ? WHERE id = ?", (original_id, article_id)
            )

    def unprocessed_articles(self) -> list[Article]:
        """Return the articles without saved annotations, by published then id."""
        rows = self._read(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE processed_at IS NULL "
            "ORDER BY published IS NULL, published, id"
        )
        return [self._article(r) for r in rows]

    # --- annotations ----------------------------------------------------------------------------

    def save_annotations(self, annotated: Annotated, rebuilt: set[str] | None = None) -> None:
        """Replace an article's annotations, upsert its entities and mark it processed.

        An entity already stored keeps its aliases and facts, with the article's added. When
        the whole archive is processed again, pass one set for the run as ``rebuilt``: an
        entity not yet in it is written afresh (so a reverted correction leaves no trace)
        and its id is added.
        """
        article_id = annotated.article.id
        for part in (annotated.sentences, annotated.mentions, annotated.dates, annotated.events):
            for item in part:
                if item.article_id != article_id:
                    raise ItemError(
                        article_id,
                        f"annotation {type(item).__name__} at {item.start}-{item.end} belongs "
                        f"to article {item.article_id!r}",
                    )
        try:
            events = [
                (
                    article_id,
                    ev.start,
                    ev.end,
                    ev.type,
                    ev.mode,
                    ev.date.isoformat() if ev.date else None,
                    _json(ev.to_dict()),
                )
                for ev in annotated.events
            ]
        except (TypeError, ValueError) as exc:
            raise ItemError(article_id, f"annotations cannot be stored as JSON: {exc}") from exc
        with self._write(f"saving annotations of {article_id}") as conn:
            if not conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                raise ItemError(
                    article_id, "no such article in the store; add it before annotating"
                )
            for table in ("sentences", "mentions", "dates", "events", "article_entities"):
                conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
            conn.executemany(
                "INSERT INTO sentences (article_id, start_char, end_char, text, finite_verbs) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        article_id,
                        s.start,
                        s.end,
                        s.text,
                        None if s.finite_verbs is None else _json(list(s.finite_verbs)),
                    )
                    for s in annotated.sentences
                ],
            )
            conn.executemany(
                "INSERT INTO mentions (article_id, start_char, end_char, text, label, entity_id, "
                "confidence, source, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        article_id,
                        m.start,
                        m.end,
                        m.text,
                        m.label,
                        m.entity_id,
                        m.confidence,
                        m.source,
                        m.role,
                    )
                    for m in annotated.mentions
                ],
            )
            conn.executemany(
                "INSERT INTO dates (article_id, start_char, end_char, text, value) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (article_id, d.start, d.end, d.text, d.value.isoformat() if d.value else None)
                    for d in annotated.dates
                ],
            )
            conn.executemany(
                "INSERT INTO events (article_id, start_char, end_char, type, mode, date, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                events,
            )
            afresh = set() if rebuilt is None else {e.id for e in annotated.entities} - rebuilt
            try:
                entities = _entity_rows(conn, annotated.entities, afresh)
            except (TypeError, ValueError) as exc:
                raise ItemError(article_id, f"annotations cannot be stored as JSON: {exc}") from exc
            conn.executemany(
                "INSERT INTO entities (id, type, name, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET type = excluded.type, name = excluded.name, "
                "data = excluded.data",
                entities,
            )
            conn.executemany(
                "INSERT OR IGNORE INTO article_entities (article_id, entity_id, position) "
                "VALUES (?, ?, ?)",
                [(article_id, e[0], i) for i, e in enumerate(entities)],
            )
            conn.execute("UPDATE articles SET processed_at = ? WHERE id = ?", (_now(), article_id))
        if rebuilt is not None:
            rebuilt.update(afresh)  # only once they are stored

    def annotations(self, article_id: str) -> Annotated | None:
        """Return an article with its saved annotations, or None if it was never processed."""
        with self._lock:
            rows = self._read(
                f"SELECT {self._ARTICLE_COLUMNS}, processed_at FROM articles WHERE id = ?",
                (article_id,),
            )
            if not rows or rows[0]["processed_at"] is None:
                return None
            article = self._article(rows[0])
            sentences = tuple(
                Sentence(
                    article_id,
                    r["start_char"],
                    r["end_char"],
                    r["text"],
                    None if r["finite_verbs"] is None else tuple(json.loads(r["finite_verbs"])),
                )
                for r in self._read(
                    "SELECT start_char, end_char, text, finite_verbs FROM sentences "
                    "WHERE article_id = ? "
                    "ORDER BY seq",
                    (article_id,),
                )
            )
            mentions = tuple(
                self._mention(r)
                for r in self._read(
                    "SELECT * FROM mentions WHERE article_id = ? ORDER BY seq", (article_id,)
                )
            )
            entities = tuple(
                Entity.from_dict(json.loads(r["data"]))
                for r in self._read(
                    "SELECT e.data FROM article_entities ae JOIN entities e ON e.id = ae.entity_id "
                    "WHERE ae.article_id = ? ORDER BY ae.position",
                    (article_id,),
                )
            )
            dates = tuple(
                DateMention(
                    article_id,
                    r["start_char"],
                    r["end_char"],
                    r["text"],
                    date.fromisoformat(r["value"]) if r["value"] else None,
                )
                for r in self._read(
                    "SELECT start_char, end_char, text, value FROM dates WHERE article_id = ? "
                    "ORDER BY seq",
                    (article_id,),
                )
            )
            events = tuple(
                Event.from_dict(json.loads(r["data"]))
                for r in self._read(
                    "SELECT data FROM events WHERE article_id = ? ORDER BY seq", (article_id,)
                )
            )
        return Annotated(article, sentences, mentions, entities, dates, events)

    @staticmethod
    def _mention(row: sqlite3.Row) -> Mention:
        return Mention(
            article_id=row["article_id"],
            start=row["start_char"],
            end=row["end_char"],
            text=row["text"],
            label=row["label"],
            entity_id=row["entity_id"],
            confidence=row["confidence"],
            source=row["source"],
            role=row["role"],
        )

    def entity(self, entity_id: str) -> Entity | None:
        """Return one entity by id."""
        rows = self._read("SELECT data FROM entities WHERE id = ?", (entity_id,))
        return Entity.from_dict(json.loads(rows[0]["data"])) if rows else None

    def entities(self, type: str | None = None) -> list[Entity]:
        """Return entities, optionally of one type, ordered by name then id."""
        if type is None:
            rows = self._read("SELECT data FROM entities ORDER BY name, id")
        else:
            rows = self._read("SELECT data FROM entities WHERE type = ? ORDER BY name, id", (type,))
        return [Entity.from_dict(json.loads(r["data"])) for r in rows]

    def mentions_of(self, entity_id: str) -> list[Mention]:
        """Return every mention resolved to an entity, by article date, article and offset."""
        rows = self._read(
            "SELECT m.* FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE m.entity_id = ? "
            "ORDER BY a.published IS NULL, a.published, a.id, m.start_char, m.seq",
            (entity_id,),
        )
        return [self._mention(r) for r in rows]

    def entity_summaries(
        self, type: str | None = None, query: str | None = None, limit: int | None = None
    ) -> list[tuple[Entity, int]]:
        """Return entities with their mention counts, most mentioned first, then by name.

        ``query`` matches a part of the id, the name or an alias, ignoring case.
        """
        where: list[str] = []
        params: list[Any] = []
        if type is not None:
            where.append("e.type = ?")
            params.append(type)
        if query:
            like = "%" + re.sub(r"([\\%_])", r"\\\1", query) + "%"
            where.append(
                "(e.id LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\' "
                "OR json_extract(e.data, '$.aliases') LIKE ? ESCAPE '\\')"
            )
            params += [like, like, like]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        sql = (
            "SELECT e.data, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id) AS n "
            f"FROM entities e {clause} ORDER BY n DESC, e.name, e.id"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(limit, 0))
        rows = self._read(sql, params)
        return [(Entity.from_dict(json.loads(r["data"])), int(r["n"])) for r in rows]

    def articles_with_entity(self, entity_id: str) -> list[str]:
        """Return the ids of the articles that mention or carry an entity, in stored order."""
        rows = self._read(
            "SELECT a.id FROM articles a WHERE a.id IN ("
            "SELECT article_id FROM mentions WHERE entity_id = ? "
            "UNION SELECT article_id FROM article_entities WHERE entity_id = ?) ORDER BY a.seq",
            (entity_id, entity_id),
        )
        return [r["id"] for r in rows]

    def mention_texts(self, labels: Iterable[str] | None = None) -> list[str]:
        """Return the distinct texts of stored mentions (of some labels only, when given)."""
        if labels is None:
            rows = self._read("SELECT DISTINCT text FROM mentions ORDER BY text")
        else:
            rows = self._read(
                "SELECT DISTINCT text FROM mentions "
                "WHERE label IN (SELECT value FROM json_each(?)) ORDER BY text",
                (json.dumps(list(labels)),),
            )
        return [r["text"] for r in rows]

    def articles_with_mention_texts(self, texts: Iterable[str]) -> list[str]:
        """Return the ids of the articles holding a mention with one of these exact texts."""
        rows = self._read(
            "SELECT a.id FROM articles a WHERE a.id IN (SELECT article_id FROM mentions "
            "WHERE text IN (SELECT value FROM json_each(?))) ORDER BY a.seq",
            (json.dumps(list(texts)),),
        )
        return [r["id"] for r in rows]

    def prune_entities(self) -> int:
        """Delete entities no article carries any more (merged away, or no longer found)."""
        with self._write("pruning entities") as conn:
            return conn.execute(
                "DELETE FROM entities WHERE id NOT IN (SELECT entity_id FROM article_entities)"
            ).rowcount

    # --- stories --------------------------------------------------------------------------------

    def save_story(self, story: Story) -> None:
        """Insert or replace a story and its article links."""
        try:
            data = _json(story.to_dict())
        except (TypeError, ValueError) as exc:
            raise ItemError(f"story {story.id}", f"cannot be stored as JSON: {exc}") from exc
        with self._write(f"saving story {story.id}") as conn:
            conn.execute(
                "INSERT INTO stories "
                "(id, first_seen, last_seen, arena, credibility, salience, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
                "arena = excluded.arena, credibility = excluded.credibility, "
                "salience = excluded.salience, data = excluded.data",
                (
                    story.id,
                    _db_time(story.first_seen),
                    _db_time(story.last_seen),
                    story.arena,
                    story.credibility,
                    story.salience,
                    data,
                ),
            )
            conn.execute("DELETE FROM story_articles WHERE story_id = ?", (story.id,))
            conn.executemany(
                "INSERT OR IGNORE INTO story_articles (story_id, article_id, position) "
                "VALUES (?, ?, ?)",
                [(story.id, a, i) for i, a in enumerate(story.article_ids)],
            )

    def delete_story(self, story_id: str) -> None:
        """Remove a story and its article links (no-op when it is not stored)."""
        with self._write(f"deleting story {story_id}") as conn:
            conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def story(self, story_id: str) -> Story | None:
        """Return one story by id."""
        rows = self._read("SELECT data FROM stories WHERE id = ?", (story_id,))
        return self._story(rows[0]) if rows else None

    @staticmethod
    def _story(row: sqlite3.Row) -> Story:
        story = Story.from_dict(json.loads(row["data"]))
        # Normalise to aware UTC, as every other datetime read from the store.
        return story.replace(
            first_seen=_utc(story.first_seen) if story.first_seen else None,
            last_seen=_utc(story.last_seen) if story.last_seen else None,
        )

    def stories(
        self, start: datetime | date | None = None, end: datetime | date | None = None
    ) -> list[Story]:
        """Return stories overlapping [start, end]: last_seen >= start and first_seen <= end."""
        where: list[str] = []
        params: list[Any] = []
        if start is not None:
            where.append("last_seen >= ?")
            params.append(_bound(start, upper=False))
        if end is not None:
            where.append("first_seen <= ?")
            params.append(_bound(end, upper=True))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._read(
            f"SELECT data FROM stories {clause} ORDER BY first_seen IS NULL, first_seen, id", params
        )
        return [self._story(r) for r in rows]

    def story_ids(self) -> set[str]:
        """Return the ids of every stored story."""
        return {r["id"] for r in self._read("SELECT id FROM stories")}

    def story_of(self, article_id: str) -> str | None:
        """Return the id of the story holding an article (the latest seen if several do)."""
        rows = self._read(
            "SELECT s.id FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
            "WHERE sa.article_id = ? ORDER BY s.last_seen IS NULL, s.last_seen DESC, s.id LIMIT 1",
            (article_id,),
        )
        return rows[0]["id"] if rows else None

    # --- search ---------------------------------------------------------------------------------

    def optimize_search(self) -> None:
        """Merge the full-text index into one segment and refresh the planner's statistics.

        Worth running after a large import: many small index segments slow every search,
        and without statistics SQLite may pick a poor index for filtered searches.
        """
        with self._write("optimizing the search index") as conn:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
            conn.execute("ANALYZE")

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, float]]:
        """Full-text search over titles and bodies; best first, score higher = better (-bm25)."""
        match = fts_query(query or "")
        if not match or limit <= 0:
            return []
        # Title hits weigh twice as much as body hits.
        rows = self._read(
            f"SELECT {self._ARTICLE_COLUMNS_A}, "
            "bm25(articles_fts, 2.0, 1.0) AS rank "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank, a.id LIMIT ? OFFSET ?",
            (match, limit, max(offset, 0)),
        )
        return [(self._article(r), -float(r["rank"])) for r in rows]

    # --- fetch state ----------------------------------------------------------------------------

    def get_fetch_state(self, url: str) -> dict | None:
        """Return {url, etag, last_modified, fetched_at} for a fetched URL, or None."""
        rows = self._read(
            "SELECT url, etag, last_modified, fetched_at FROM fetch_state WHERE url = ?", (url,)
        )
        return dict(rows[0]) if rows else None

    def set_fetch_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Record the validators of a fetched URL, stamped with the current time."""
        with self._write(f"saving fetch state of {url}") as conn:
            conn.execute(
                "INSERT INTO fetch_state (url, etag, last_modified, fetched_at) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                (url, etag, last_modified, _now()),
            )

    def fetch_states(self) -> MutableMapping[str, dict]:
        """Return a dict-like view of all fetch states, keyed by URL, backed by the store."""
        return FetchStates(self)

    def _fetch_urls(self) -> list[str]:
        return [r["url"] for r in self._read("SELECT url FROM fetch_state ORDER BY url")]

    def _delete_fetch_state(self, url: str) -> bool:
        with self._write(f"deleting fetch state of {url}") as conn:
            return conn.execute("DELETE FROM fetch_state WHERE url = ?", (url,)).rowcount > 0

    # --- corrections ----------------------------------------------------------------------------

    def add_correction(self, kind: str, payload: dict, author: str | None = None) -> int:
        """Log an analyst's correction and return its id (author: see ``acting_as``)."""
        author = author or _AUTHOR.get()
        if not kind:
            raise ItemError("correction", "has no kind")
        try:
            data = _json(payload)
        except (TypeError, ValueError) as exc:
            raise ItemError(f"{kind} correction", f"payload is not JSON: {exc}") from exc
        with self._write(f"saving {kind} correction") as conn:
            cursor = conn.execute(
                "INSERT INTO corrections (kind, payload, author, created_at) VALUES (?, ?, ?, ?)",
                (kind, data, author, _now()),
            )
            return int(cursor.lastrowid or 0)

    def corrections(self, kind: str | None = None, include_reverted: bool = False) -> list[dict]:
        """Return corrections oldest first: dicts of id, kind, payload, author and both times."""
        where: list[str] = []
        params: list[Any] = []
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        if not include_reverted:
            where.append("reverted_at IS NULL")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._read(
            "SELECT id, kind, payload, author, created_at, reverted_at FROM corrections "
            f"{clause} ORDER BY id",
            params,
        )
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def revert_correction(self, correction_id: int) -> None:
        """Mark a correction as reverted (kept in the log; reverting twice changes nothing)."""
        with self._write(f"reverting correction {correction_id}") as conn:
            if not conn.execute(
                "SELECT 1 FROM corrections WHERE id = ?", (correction_id,)
            ).fetchone():
                raise ItemError(f"correction {correction_id}", "no such correction")
            conn.execute(
                "UPDATE corrections SET reverted_at = ?, reverted_by = ? "
                "WHERE id = ? AND reverted_at IS NULL",
                (_now(), _AUTHOR.get(), correction_id),
            )

    def correction_log(
        self, include_reverted: bool = True, limit: int | None = None, offset: int = 0
    ) -> list[dict]:
        """Return corrections oldest first, each with who reverted it (``reverted_by``)."""
        clause = "" if include_reverted else "WHERE reverted_at IS NULL"
        sql = (
            "SELECT id, kind, payload, author, created_at, reverted_at, reverted_by "
            f"FROM corrections {clause} ORDER BY id"
        )
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [max(limit, 0), max(offset, 0)]
        rows = self._read(sql, params)
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def correction(self, correction_id: int) -> dict | None:
        """Return one logged correction (with ``reverted_by``), or None."""
        rows = self._read(
            "SELECT id, kind, payload, author, created_at, reverted_at, reverted_by "
            "FROM corrections WHERE id = ?",
            (correction_id,),
        )
        return {**dict(rows[0]), "payload": json.loads(rows[0]["payload"])} if rows else None

    def count_corrections(self, include_reverted: bool = True) -> int:
        """Return how many corrections are logged."""
        clause = "" if include_reverted else " WHERE reverted_at IS NULL"
        return int(self._read("SELECT COUNT(*) FROM corrections" + clause)[0][0])

    # --- bulletins ------------------------------------------------------------------------------

    def add_bulletin(
        self,
        period_from: date,
        period_to: date,
        stories: dict[str, dict[str, Any]],
        title: str = "",
        since_id: int | None = None,
    ) -> int:
        """Log a written bulletin and return its id.

        ``stories`` maps each story id to what the bulletin printed of it:
        ``{"articles": [cited article ids], "credibility": 1-6 or None, "status": mark}``;
        ``since_id`` names the bulletin an update was compared against.
        """
        what = f"bulletin {period_from}..{period_to}"
        try:
            data = _json(stories)
        except (TypeError, ValueError) as exc:
            raise ItemError(what, f"its stories cannot be stored as JSON: {exc}") from exc
        with self._write(f"saving {what}") as conn:
            if (
                since_id is not None
                and not conn.execute("SELECT 1 FROM bulletins WHERE id = ?", (since_id,)).fetchone()
            ):
                raise ItemError(what, f"it updates bulletin {since_id}, which is not stored")
            cursor = conn.execute(
                "INSERT INTO bulletins "
                "(period_from, period_to, written_at, title, since_id, stories) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (period_from.isoformat(), period_to.isoformat(), _now(), title, since_id, data),
            )
            return int(cursor.lastrowid or 0)

    @staticmethod
    def _bulletin(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": int(row["id"]),
            "period_from": date.fromisoformat(row["period_from"]),
            "period_to": date.fromisoformat(row["period_to"]),
            "written_at": _py_time(row["written_at"]),
            "title": row["title"],
            "since_id": row["since_id"],
            "stories": json.loads(row["stories"]),
        }

    _BULLETIN_COLUMNS = "id, period_from, period_to, written_at, title, since_id, stories"

    def bulletin(self, bulletin_id: int) -> dict[str, Any] | None:
        """Return one logged bulletin (dict of id, period, written_at, title, since_id, stories)."""
        rows = self._read(
            f"SELECT {self._BULLETIN_COLUMNS} FROM bulletins WHERE id = ?", (bulletin_id,)
        )
        return self._bulletin(rows[0]) if rows else None

    def bulletins(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Return the logged bulletins, the most recently written first."""
        sql = f"SELECT {self._BULLETIN_COLUMNS} FROM bulletins ORDER BY id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (max(limit, 0),)
        return [self._bulletin(r) for r in self._read(sql, params)]

    def last_bulletin(self) -> dict[str, Any] | None:
        """Return the most recently written bulletin, or None when none was logged."""
        found = self.bulletins(limit=1)
        return found[0] if found else None

    # --- web queries ----------------------------------------------------------------------------

    @staticmethod
    def _article_filters(
        outlet_id: str | None,
        start: datetime | date | None,
        end: datetime | date | None,
        entity_id: str | None,
        story_id: str | None,
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if outlet_id is not None:
            where.append("a.outlet_id = ?")
            params.append(outlet_id)
        if start is not None:
            where.append("a.published >= ?")
            params.append(_bound(start, upper=False))
        if end is not None:
            where.append("a.published <= ?")
            params.append(_bound(end, upper=True))
        if entity_id is not None:
            where.append(
                "a.id IN (SELECT article_id FROM mentions WHERE entity_id = ? "
                "UNION SELECT article_id FROM article_entities WHERE entity_id = ?)"
            )
            params += [entity_id, entity_id]
        if story_id is not None:
            where.append("a.id IN (SELECT article_id FROM story_articles WHERE story_id = ?)")
            params.append(story_id)
        return where, params

    def search_articles(
        self,
        query: str = "",
        *,
        outlet_id: str | None = None,
        start: datetime | date | None = None,
        end: datetime | date | None = None,
        entity_id: str | None = None,
        story_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
        count_limit: int | None = None,
    ) -> tuple[list[tuple[Article, float, str]], int]:
        """Filtered article search: (article, score, snippet) rows and how many match in all.

        With a query, rows come best first (bm25, title words weighing double; ties by
        collection order) and the snippet marks matched words with MARK_START / MARK_END;
        without one, the newest come first and the snippet is the opening of the text. A
        query with nothing searchable matches nothing. A query matching more than
        RANK_WINDOW articles is ranked among the most recently collected RANK_WINDOW of them
        (more when the page asked for lies deeper), so a common word costs the same on any
        store. With ``count_limit``, counting stops after ``count_limit + 1`` matches: a
        total above ``count_limit`` means "more than that".
        """
        where, params = self._article_filters(outlet_id, start, end, entity_id, story_id)
        limit, offset = max(limit, 0), max(offset, 0)
        cap = "" if count_limit is None else f" LIMIT {max(count_limit, 0) + 1}"
        if not query.strip():
            clause = f"WHERE {' AND '.join(where)}" if where else ""
            # NULLs sort last in descending order, so undated articles come after the dated
            # ones with no IS NULL term, and the published indexes, read backwards, give
            # the order. The page's keys are chosen first, so only its rows are read whole.
            rows = self._read(
                f"WITH page AS (SELECT a.seq AS seq, a.published AS published, a.id AS id "
                f"FROM articles a {clause} ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?) "
                f"SELECT {self._ARTICLE_COLUMNS_A}, substr(a.text, 1, 240) AS snip "
                "FROM page CROSS JOIN articles a ON a.seq = page.seq "
                "ORDER BY page.published DESC, page.id",
                [*params, limit, offset],
            )
            total = self._read(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM articles a {clause}{cap})", params
            )[0][0]
            return [(self._article(r), 0.0, r["snip"] or "") for r in rows], int(total)
        match = fts_query(query)
        if not match:
            return [], 0
        return self._ranked_search(match, where, params, start, end, limit, offset, count_limit)

    def _ranked_search(
        self,
        match: str,
        where: list[str],
        params: list[Any],
        start: datetime | date | None,
        end: datetime | date | None,
        limit: int,
        offset: int,
        count_limit: int | None,
    ) -> tuple[list[tuple[Article, float, str]], int]:
        conditions = ["articles_fts MATCH ?"]
        args: list[Any] = [match]
        dated = start is not None or end is not None
        seqs = self._seq_range(start, end) if dated else None
        if seqs is not None and len(where) == (start is not None) + (end is not None):
            # Only a short period: the key range narrows the scan, and the few matches in
            # it have their dates looked up one by one.
            published = "(SELECT published FROM articles WHERE seq = articles_fts.rowid)"
            conditions += [w.replace("a.published", published) for w in where]
            args += params
        elif where:
            # The filters become one set of article keys, built once from the indexes and
            # probed for each match: cheaper than joining every match to its article. The
            # unary plus keeps SQLite from making each key a full-text lookup of its own.
            conditions.append(
                f"+articles_fts.rowid IN (SELECT a.seq FROM articles a WHERE {' AND '.join(where)})"
            )
            args += params
        if seqs is not None:
            # A rowid range is the one constraint FTS5 applies while it reads its index.
            conditions.append("articles_fts.rowid BETWEEN ? AND ?")
            args += list(seqs)
        clause = " AND ".join(conditions)
        window = max(RANK_WINDOW, offset + limit, count_limit or 0)
        # The newest matches, one past the window: how many there are (exactly, when they
        # fit) and the key just before the window of the most recently collected ones.
        found, before = self._read(
            f"SELECT COUNT(*), MIN(k) FROM (SELECT articles_fts.rowid AS k FROM articles_fts "
            f"WHERE {clause} ORDER BY articles_fts.rowid DESC LIMIT ?)",
            [*args, window + 1],
        )[0]
        total = int(found)
        if total > window:
            if count_limit is None:
                total = self._read(f"SELECT COUNT(*) FROM articles_fts WHERE {clause}", args)[0][0]
            clause += " AND articles_fts.rowid > ?"
            args = [*args, before]
        if count_limit is not None:
            total = min(total, count_limit + 1)
        if offset >= min(int(found), window):
            return [], int(total)
        # bm25 and the ordering run over the matches alone; the articles' columns and the
        # snippets are read for the one page that is returned.
        rows = self._read(
            "WITH top AS ("
            "SELECT articles_fts.rowid AS seq, bm25(articles_fts, 2.0, 1.0) AS rank "
            f"FROM articles_fts WHERE {clause} ORDER BY rank, articles_fts.rowid LIMIT ? OFFSET ?) "
            f"SELECT {self._ARTICLE_COLUMNS_A}, top.rank AS rank, "
            f"snippet(articles_fts, 1, '{MARK_START}', '{MARK_END}', ' … ', 24) AS snip "
            "FROM articles_fts CROSS JOIN top ON top.seq = articles_fts.rowid "
            "CROSS JOIN articles a ON a.seq = top.seq "
            # One full-text cursor over the page's key range: a lookup per key would
            # evaluate the query (and a prefix's term list) once for every hit.
            "WHERE articles_fts MATCH ? "
            "AND articles_fts.rowid BETWEEN (SELECT MIN(seq) FROM top) AND (SELECT MAX(seq) FROM top) "
            "ORDER BY top.rank, top.seq",
            [*args, limit, offset, match],
        )
        return [(self._article(r), -float(r["rank"]), r["snip"] or "") for r in rows], int(total)

    def _seq_range(
        self, start: datetime | date | None, end: datetime | date | None
    ) -> tuple[int, int] | None:
        """Lowest and highest key of the articles published in a period, when few enough.

        Keys follow collection order, which mostly follows publication, so the range is
        usually tight; a wide period is not worth the scan and gives None.
        """
        where, params = self._article_filters(None, start, end, None, None)
        row = self._read(
            "SELECT MIN(seq), MAX(seq), COUNT(*) FROM "
            f"(SELECT a.seq AS seq FROM articles a WHERE {' AND '.join(where)} LIMIT ?)",
            [*params, SEQ_RANGE_SCAN + 1],
        )[0]
        if row[2] > SEQ_RANGE_SCAN:
            return None
        return (0, -1) if row[2] == 0 else (int(row[0]), int(row[1]))

    def article_counts(self) -> dict[str, int]:
        """Return how many articles each outlet has in the store."""
        rows = self._read("SELECT outlet_id, COUNT(*) AS n FROM articles GROUP BY outlet_id")
        return {r["outlet_id"]: int(r["n"]) for r in rows}

    def stories_of_entity(self, entity_id: str) -> list[tuple[str, int]]:
        """Return (story id, articles naming the entity) for each story it appears in."""
        rows = self._read(
            "SELECT sa.story_id, COUNT(DISTINCT sa.article_id) AS n FROM story_articles sa "
            "WHERE sa.article_id IN (SELECT article_id FROM mentions WHERE entity_id = ? "
            "UNION SELECT article_id FROM article_entities WHERE entity_id = ?) "
            "GROUP BY sa.story_id ORDER BY n DESC, sa.story_id",
            (entity_id, entity_id),
        )
        return [(r["story_id"], int(r["n"])) for r in rows]

    def co_occurring(self, entity_id: str, limit: int = 25) -> list[tuple[Entity, int]]:
        """Entities named in the same original articles as this one, with how many they share."""
        rows = self._read(
            "SELECT e.data, COUNT(*) AS n FROM article_entities mine "
            "JOIN articles a ON a.id = mine.article_id AND a.duplicate_of IS NULL "
            "JOIN article_entities other ON other.article_id = mine.article_id "
            "AND other.entity_id <> mine.entity_id "
            "JOIN entities e ON e.id = other.entity_id "
            "WHERE mine.entity_id = ? GROUP BY other.entity_id "
            "ORDER BY n DESC, e.name, e.id LIMIT ?",
            (entity_id, max(limit, 0)),
        )
        return [(Entity.from_dict(json.loads(r["data"])), int(r["n"])) for r in rows]

    def reported_roles(self, entity_id: str) -> list[dict[str, Any]]:
        """Titles the articles give an entity: role, count, first and last publication time."""
        rows = self._read(
            "SELECT m.role, COUNT(*) AS n, MIN(a.published) AS first, MAX(a.published) AS last "
            "FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE m.entity_id = ? AND m.role IS NOT NULL AND m.role <> '' "
            "GROUP BY m.role ORDER BY first IS NULL, first, m.role",
            (entity_id,),
        )
        return [
            {
                "role": r["role"],
                "count": int(r["n"]),
                "first_seen": _py_time(r["first"]),
                "last_seen": _py_time(r["last"]),
            }
            for r in rows
        ]

    def entity_timeline(self, entity_id: str) -> list[tuple[date, int]]:
        """Per publication day, how many articles name an entity."""
        rows = self._read(
            "SELECT substr(a.published, 1, 10) AS day, COUNT(*) AS n FROM articles a "
            "WHERE a.published IS NOT NULL AND a.id IN ("
            "SELECT article_id FROM mentions WHERE entity_id = ? "
            "UNION SELECT article_id FROM article_entities WHERE entity_id = ?) "
            "GROUP BY day ORDER BY day",
            (entity_id, entity_id),
        )
        return [(date.fromisoformat(r["day"]), int(r["n"])) for r in rows]

    def find_events(
        self,
        story_id: str | None = None,
        type: str | None = None,
        start: date | None = None,
        end: date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[tuple[Event, str | None]], int]:
        """Coded events with the story of their article, and how many match in all.

        The day of an event is its own date when the text gives one, else its article's.
        """
        day = "COALESCE(e.date, substr(a.published, 1, 10))"
        where: list[str] = []
        params: list[Any] = []
        if story_id is not None:
            where.append(
                "e.article_id IN (SELECT article_id FROM story_articles WHERE story_id = ?)"
            )
            params.append(story_id)
        if type is not None:
            where.append("e.type = ?")
            params.append(type)
        if start is not None:
            where.append(f"{day} >= ?")
            params.append(start.isoformat())
        if end is not None:
            where.append(f"{day} <= ?")
            params.append(end.isoformat())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        source = "events e JOIN articles a ON a.id = e.article_id"
        rows = self._read(
            "SELECT e.data, (SELECT sa.story_id FROM story_articles sa "
            "WHERE sa.article_id = e.article_id ORDER BY sa.story_id LIMIT 1) AS story "
            f"FROM {source} {clause} ORDER BY {day} IS NULL, {day}, e.article_id, e.seq "
            "LIMIT ? OFFSET ?",
            [*params, max(limit, 0), max(offset, 0)],
        )
        total = self._read(f"SELECT COUNT(*) FROM {source} {clause}", params)[0][0]
        return [(Event.from_dict(json.loads(r["data"])), r["story"]) for r in rows], int(total)

    # --- users and signing keys -------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str, replace: bool = False) -> None:
        """Store a web user; an existing name is an error unless ``replace``."""
        with self._write(f"saving user {name}") as conn:
            known = conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone()
            if known and not replace:
                raise ItemError(f"user {name!r}", "already exists; remove it first or replace it")
            conn.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET role = excluded.role, "
                "password_hash = excluded.password_hash",
                (name, role, password_hash, _now()),
            )

    def user(self, name: str) -> dict | None:
        """Return a user's name, role, password hash and creation time, or None."""
        rows = self._read(
            "SELECT name, role, password_hash, created_at FROM users WHERE name = ?", (name,)
        )
        return dict(rows[0]) if rows else None

    def users(self) -> list[dict]:
        """Return every user's name, role and creation time, by name."""
        return [
            dict(r) for r in self._read("SELECT name, role, created_at FROM users ORDER BY name")
        ]

    def remove_user(self, name: str) -> bool:
        """Delete a user; return False when there was none of that name."""
        with self._write(f"removing user {name}") as conn:
            return conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def has_users(self) -> bool:
        """Tell whether any web user account exists."""
        return bool(self._read("SELECT 1 FROM users LIMIT 1"))

    def web_secret(self, name: str) -> str:
        """Return a named random key of this workspace, creating it on first use."""
        with self._write(f"saving key {name}") as conn:
            conn.execute(
                "INSERT OR IGNORE INTO web_secrets (name, value) VALUES (?, ?)",
                (name, secrets.token_urlsafe(32)),
            )
            return str(
                conn.execute("SELECT value FROM web_secrets WHERE name = ?", (name,)).fetchone()[0]
            )

    # --- digests ----------------------------------------------------------------------------------

    _DIGEST_META = (
        "id, title, period_from, period_to, status, created_by, created_at, "
        "updated_by, updated_at, published_by, published_at"
    )

    def add_digest(
        self, title: str, period_from: date, period_to: date, data: dict, author: str
    ) -> int:
        """Store a new digest draft (``data`` is Digest.to_dict()) and return its id."""
        now = _now()
        history = [{"who": author, "when": now, "action": "created"}]
        with self._write("saving digest") as conn:
            cursor = conn.execute(
                "INSERT INTO digests (title, period_from, period_to, status, data, history, "
                "created_by, created_at, updated_by, updated_at) "
                "VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    period_from.isoformat(),
                    period_to.isoformat(),
                    _json(data),
                    _json(history),
                    author,
                    now,
                    author,
                    now,
                ),
            )
            return int(cursor.lastrowid or 0)

    def digest_row(self, digest_id: int) -> dict | None:
        """Return one stored digest: its metadata, ``data`` and ``history``, or None."""
        rows = self._read(
            f"SELECT {self._DIGEST_META}, data, history FROM digests WHERE id = ?", (digest_id,)
        )
        if not rows:
            return None
        row = dict(rows[0])
        row["data"] = json.loads(row["data"])
        row["history"] = json.loads(row["history"])
        return row

    def digest_rows(self, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
        """Stored digests' metadata, newest first, and how many there are."""
        rows = self._read(
            f"SELECT {self._DIGEST_META} FROM digests ORDER BY id DESC LIMIT ? OFFSET ?",
            (max(limit, 0), max(offset, 0)),
        )
        total = self._read("SELECT COUNT(*) FROM digests")[0][0]
        return [dict(r) for r in rows], int(total)

    def update_digest(
        self, digest_id: int, title: str, data: dict, author: str, action: str
    ) -> bool:
        """Replace a draft's content and log who did what; False when it is not a draft."""
        with self._write(f"saving digest {digest_id}") as conn:
            row = conn.execute(
                "SELECT history FROM digests WHERE id = ? AND status = 'draft'", (digest_id,)
            ).fetchone()
            if row is None:
                return False
            now = _now()
            history = [*json.loads(row["history"]), {"who": author, "when": now, "action": action}]
            conn.execute(
                "UPDATE digests SET title = ?, data = ?, history = ?, updated_by = ?, "
                "updated_at = ? WHERE id = ?",
                (title, _json(data), _json(history), author, now, digest_id),
            )
            return True

    def publish_digest(self, digest_id: int, author: str) -> bool:
        """Mark a draft published by ``author``; False when it is not a draft."""
        with self._write(f"publishing digest {digest_id}") as conn:
            row = conn.execute(
                "SELECT history FROM digests WHERE id = ? AND status = 'draft'", (digest_id,)
            ).fetchone()
            if row is None:
                return False
            now = _now()
            history = [
                *json.loads(row["history"]),
                {"who": author, "when": now, "action": "published"},
            ]
            conn.execute(
                "UPDATE digests SET status = 'published', history = ?, published_by = ?, "
                "published_at = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                (_json(history), author, now, author, now, digest_id),
            )
            return True

    # --- summary --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Return how many articles, processed, duplicates, entities, ... the store holds."""
        queries = {
            "articles": "SELECT COUNT(*) FROM articles",
            "processed": "SELECT COUNT(*) FROM articles WHERE processed_at IS NOT NULL",
            "duplicates": "SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL",
            "entities": "SELECT COUNT(*) FROM entities",
            "mentions": "SELECT COUNT(*) FROM mentions",
            "events": "SELECT COUNT(*) FROM events",
            "stories": "SELECT COUNT(*) FROM stories",
            "outlets": "SELECT COUNT(*) FROM outlets",
        }
        with self._lock:
            return {name: int(self._read(sql)[0][0]) for name, sql in queries.items()}
