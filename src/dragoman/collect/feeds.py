"""RSS 2.0 and Atom 1.0 feeds, from files or the network, read with feedparser."""

from __future__ import annotations

import io
from calendar import timegm
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from ..errors import FetchError, ItemError
from ..records import Article, Outlet
from .canonical import (
    article_id,
    clean_line,
    clean_text,
    content_hash,
    drop_repeated_title,
    is_web_url,
    parse_published,
    report,
    strip_tracking,
    title_from_text,
)
from .fetch import Fetcher
from .outlets import OutletResolver
from .pages import html_to_text, parse_page

OnError = Callable[[ItemError], None] | None

_FEED_TYPES = ("rss", "atom", "rdf", "/xml", "+xml")
_NOT_FEED_TYPES = ("html", "xhtml")
_DATE_KEYS = ("published", "updated", "created")


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Guess whether a fetched body is a feed rather than an HTML page."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind and any(t in kind for t in _NOT_FEED_TYPES):
        return False
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<html" in head or head.startswith(b"<!doctype html"):
        return False
    if kind and any(t in kind for t in _FEED_TYPES):
        return True
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def _syntax_problem(parsed: Any) -> str | None:
    """One-line description of why the XML was not well formed, or None if it was."""
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if exc is None or isinstance(exc, feedparser.CharacterEncodingOverride):
        return None
    line = getattr(exc, "getLineNumber", lambda: None)()
    message = getattr(exc, "getMessage", lambda: str(exc))()
    return f"{message} at line {line}" if line else " ".join(str(message).split())


def _entry_text(entry: Mapping[str, Any]) -> str:
    """Full text when the feed carries it (content:encoded, Atom content), else the summary."""
    contents = [c for c in entry.get("content") or () if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        if best.get("type", "text/html") == "text/plain":
            return clean_text(best["value"])
        return html_to_text(best["value"])
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    if detail.get("type") == "text/plain":
        return clean_text(summary)
    return html_to_text(summary)


def _entry_date(entry: dict[str, Any], item: str, now: datetime | None) -> datetime:
    # dict.get reads the stored keys only: feedparser's own lookup aliases "updated" to
    # "published" with a deprecation warning.
    for key in _DATE_KEYS:
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed:
            # feedparser gives a UTC struct_time.
            return parse_published(datetime.fromtimestamp(timegm(parsed), UTC), item, now=now)
    raw = next((dict.get(entry, k) for k in _DATE_KEYS if dict.get(entry, k)), None)
    if raw is None:
        raise ItemError(item, "missing date (no pubDate, published or updated)")
    return parse_published(raw, item, now=now)


def parse_feed(
    data: bytes | str,
    origin: str,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    outlet_id: str | None = None,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield one Article per item or entry of an RSS/Atom document; bad entries are reported."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # A stream, never a string: feedparser would treat a string as a path or URL to open.
    parsed = feedparser.parse(io.BytesIO(raw))
    problem = _syntax_problem(parsed)
    entries = parsed.get("entries") or []
    if not parsed.get("version") or (problem and not entries):
        reason = problem or "no <rss>, <feed> or <rdf:RDF> root element"
        report(on_error, ItemError(origin, f"not a valid RSS or Atom feed ({reason})"))
        return
    if problem:
        report(
            on_error,
            ItemError(origin, f"feed is not well-formed XML ({problem}); entries read leniently"),
        )
    channel = parsed.get("feed") or {}
    channel_title = clean_line(channel.get("title") or "")
    channel_link = channel.get("link") or ""
    if outlet_id is None and (channel_title or channel_link):
        outlet_id = resolver.match(name=channel_title or None, url=channel_link or None)
    for position, entry in enumerate(entries, start=1):
        item = f"{origin} entry {position}"
        try:
            yield _entry_article(entry, item, origin, resolver, outlet_id, now)
        except ItemError as exc:
            report(on_error, exc)


def _entry_article(
    entry: dict[str, Any],
    item: str,
    origin: str,
    resolver: OutletResolver,
    outlet_id: str | None,
    now: datetime | None,
) -> Article:
    link = (entry.get("link") or "").strip()
    if link and not is_web_url(link):
        link = ""  # javascript:, relative or otherwise unusable: never cite it
    text = _entry_text(entry)
    if not text:
        raise ItemError(item, "empty text (no content, description or summary)")
    published = _entry_date(entry, item, now)
    title = clean_line(entry.get("title") or "")
    text = drop_repeated_title(text, title)
    return Article(
        id=article_id(link, text),
        outlet_id=outlet_id or resolver.match(url=link or None),
        url=strip_tracking(link),
        published=published,
        title=title or title_from_text(text),
        text=text,
        language="en",
        collected_at=datetime.now(UTC),
        content_hash=content_hash(text),
        author=clean_line(entry.get("author") or ""),
        origin=origin,
    )


def read_feed_file(
    path: str | Path,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield the articles of a saved ``.xml``/``.rss``/``.atom`` feed."""
    origin = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        report(on_error, ItemError(origin, f"cannot read file ({exc.strerror or exc})"))
        return
    yield from parse_feed(data, origin, resolver, on_error, now=now)


def collect_feeds(
    outlets: Mapping[str, Outlet] | Iterable[Outlet],
    fetcher: Fetcher,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Fetch every feed of every outlet and yield its articles; unchanged feeds yield nothing."""
    registry = outlets.values() if isinstance(outlets, Mapping) else outlets
    for outlet in registry:
        for feed in outlet.feeds:
            kind = (feed.kind or "rss").lower()
            if kind.startswith("telegram"):
                report(
                    on_error,
                    ItemError(
                        feed.url,
                        "Telegram channels cannot be collected over the network; export the "
                        "channel with Telegram Desktop and collect its result.json",
                    ),
                )
                continue
            try:
                result = fetcher.get(feed.url)
            except FetchError as exc:
                report(on_error, exc)
                continue
            if result is None:
                continue  # 304: nothing new since the last run
            if kind == "html":
                try:
                    yield parse_page(
                        result.content,
                        feed.url,
                        resolver,
                        url=result.final_url,
                        outlet_id=outlet.id,
                        now=now,
                    )
                except ItemError as exc:
                    report(on_error, exc)
            else:
                yield from parse_feed(
                    result.content, feed.url, resolver, on_error, outlet_id=outlet.id, now=now
                )
