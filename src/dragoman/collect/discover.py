"""Walk files, folders and URLs and hand each to the reader for its format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from ..errors import FetchError, ItemError
from ..records import Article
from .canonical import report
from .feeds import looks_like_feed, parse_feed, read_feed_file
from .fetch import Fetcher
from .files import article_from_mapping, read_jsonl, read_text_file
from .outlets import OutletResolver
from .pages import parse_page, read_page_file
from .telegram import EXPORT_NAME, read_telegram_export

OnError = Callable[[ItemError], None] | None

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
PAGE_SUFFIXES = frozenset({".html", ".htm"})
KNOWN_SUFFIXES = TEXT_SUFFIXES | FEED_SUFFIXES | PAGE_SUFFIXES | {".jsonl", ".json"}
# Notes that commonly sit beside a corpus; they are read only when named explicitly.
_SIDE_FILES = ("readme", "license", "licence", "changelog", "notice")


def is_url(value: str | Path) -> bool:
    """Tell whether a path argument is really an http(s) URL."""
    return isinstance(value, str) and value.strip().lower().startswith(("http://", "https://"))


def read_json_file(
    path: Path, resolver: OutletResolver, on_error: OnError = None, *, now: datetime | None = None
) -> Iterator[Article]:
    """A ``.json`` file: a Telegram export when it has ``messages``, else a list of records."""
    origin = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        data = None  # the Telegram reader reports unreadable files precisely
    except json.JSONDecodeError:
        # A cut-off Telegram export is still worth reading up to the cut.
        yield from read_telegram_export(path, resolver, on_error, now=now)
        return
    if data is None or (isinstance(data, dict) and ("messages" in data or "chats" in data)):
        yield from read_telegram_export(path, resolver, on_error, now=now)
        return
    if isinstance(data, list):
        for position, record in enumerate(data, start=1):
            item = f"{origin} record {position}"
            try:
                yield article_from_mapping(record, item, resolver, origin=origin, now=now)
            except ItemError as exc:
                report(on_error, exc)
        return
    report(
        on_error, ItemError(origin, "not a Telegram export (no 'messages') nor a list of articles")
    )


def read_file(
    path: Path, resolver: OutletResolver, on_error: OnError = None, *, now: datetime | None = None
) -> Iterator[Article]:
    """Read one file by its extension; an unknown extension is an error."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from read_jsonl(path, resolver, on_error, now=now)
    elif suffix == ".json":
        yield from read_json_file(path, resolver, on_error, now=now)
    elif suffix in TEXT_SUFFIXES:
        yield from read_text_file(path, resolver, on_error, now=now)
    elif suffix in FEED_SUFFIXES:
        yield from read_feed_file(path, resolver, on_error, now=now)
    elif suffix in PAGE_SUFFIXES:
        yield from read_page_file(path, resolver, on_error, now=now)
    else:
        known = ", ".join(sorted(KNOWN_SUFFIXES))
        report(
            on_error,
            ItemError(str(path), f"unknown file type {suffix or '(none)'!r} (known: {known})"),
        )


def _walk(folder: Path, seen: set[Path]) -> Iterator[Path]:
    """Files and Telegram export folders under ``folder``, in sorted order."""
    real = folder.resolve()
    if real in seen:
        return  # a symbolic link loop
    seen.add(real)
    if (folder / EXPORT_NAME).is_file():
        yield folder
        return
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child, seen)
        elif child.suffix.lower() in KNOWN_SUFFIXES and not child.stem.lower().startswith(
            _SIDE_FILES
        ):
            yield child


def collect_url(
    url: str,
    fetcher: Fetcher,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Fetch one URL and read it as a feed or as an article page."""
    try:
        result = fetcher.get(url)
    except FetchError as exc:
        report(on_error, exc)
        return
    if result is None:
        return
    if looks_like_feed(result.content_type, result.content):
        yield from parse_feed(result.content, url, resolver, on_error, now=now)
        return
    try:
        yield parse_page(result.content, url, resolver, url=result.final_url, now=now)
    except ItemError as exc:
        report(on_error, exc)


def collect_paths(
    paths: Iterable[str | Path],
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield the articles of files, folders (recursively, sorted) and http(s) URLs.

    Every unreadable file, line, entry, post or page goes to ``on_error`` (or the log)
    as a one-line ItemError, and collection continues with the next item.
    """
    own_fetcher = None
    try:
        for entry in paths:
            if is_url(entry):
                if fetcher is None:
                    fetcher = own_fetcher = Fetcher()
                yield from collect_url(str(entry).strip(), fetcher, resolver, on_error, now=now)
                continue
            path = Path(entry)
            if path.is_dir():
                for found in _walk(path, set()):
                    if found.is_dir():
                        yield from read_telegram_export(found, resolver, on_error, now=now)
                    else:
                        yield from read_file(found, resolver, on_error, now=now)
            elif path.is_file():
                yield from read_file(path, resolver, on_error, now=now)
            else:
                report(on_error, ItemError(str(path), "no such file or directory"))
    finally:
        if own_fetcher is not None:
            own_fetcher.close()
