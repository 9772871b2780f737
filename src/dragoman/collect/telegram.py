"""Telegram Desktop exports (``result.json`` of a channel): one article per post.

Exports of large channels are often cut short by a full disk or an interrupted copy; the
posts before the cut are still read, and the cut itself is reported once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ItemError
from ..records import Article
from .canonical import (
    article_id,
    clean_line,
    clean_text,
    content_hash,
    json_problem,
    parse_published,
    report,
    title_from_text,
)
from .outlets import OutletResolver

OnError = Callable[[ItemError], None] | None
EXPORT_NAME = "result.json"

_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_STRING = r'"((?:[^"\\]|\\.)*)"'


def message_text(value: object) -> str:
    """Join a post's ``text``: a string, or a list of strings and ``{"type", "text"}`` parts."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        pieces = []
        for part in value:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
                pieces.append(part["text"])
        return "".join(pieces)
    raise ValueError(f"text is a {type(value).__name__}, expected a string or a list of parts")


def _salvage(raw: str) -> tuple[dict[str, Any], str | None]:
    """Recover the channel header and complete posts of a truncated export."""
    found = _MESSAGES.search(raw)
    if not found:
        return {}, None
    head = raw[: found.start()]
    export: dict[str, Any] = {"messages": []}
    for key, pattern in (("name", _STRING), ("id", r"(-?\d+)")):
        match = re.search(rf'"{key}"\s*:\s*{pattern}', head)
        if match:
            export[key] = (
                json.loads(f'"{match.group(1)}"') if key == "name" else int(match.group(1))
            )
    decoder = json.JSONDecoder()
    pos = found.end()
    problem = None
    while True:
        while pos < len(raw) and raw[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(raw):
            problem = "the file ends inside the message list"
            break
        if raw[pos] == "]":
            break
        try:
            message, pos = decoder.raw_decode(raw, pos)
        except json.JSONDecodeError as exc:
            problem = json_problem(exc)
            break
        export["messages"].append(message)
    return export, problem


def load_export(path: Path, on_error: OnError = None) -> dict[str, Any] | None:
    """Load ``result.json``; a truncated file is reported and its complete posts kept."""
    origin = str(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not valid UTF-8 (byte {exc.start})"
        report(on_error, ItemError(origin, f"cannot read file ({reason or exc})"))
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        salvaged, problem = _salvage(raw)
        kept = len(salvaged.get("messages", []))
        detail = problem or json_problem(exc)
        if not salvaged:
            report(on_error, ItemError(origin, f"not valid JSON ({detail})"))
            return None
        report(
            on_error,
            ItemError(
                origin, f"truncated or corrupt export ({detail}); read the {kept} posts before it"
            ),
        )
        return salvaged
    if not isinstance(data, dict):
        report(on_error, ItemError(origin, "not a Telegram export (expected a JSON object)"))
        return None
    return data


def _chats(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The channels of an export: one for a channel export, several for a full account export."""
    if "messages" in data:
        return [data]
    chats = data.get("chats")
    listed = chats.get("list") if isinstance(chats, Mapping) else None
    return [c for c in listed or () if isinstance(c, Mapping) and "messages" in c]


def _post_url(
    resolver: OutletResolver, outlet_id: str, channel_id: object, message_id: object
) -> str:
    handle = resolver.telegram_handle(outlet_id)
    if handle:
        return f"https://t.me/{handle}/{message_id}"
    if isinstance(channel_id, int) and not isinstance(channel_id, bool):
        return f"https://t.me/c/{channel_id}/{message_id}"  # the private-link form
    return ""


def _post(
    message: Mapping[str, Any],
    item: str,
    resolver: OutletResolver,
    outlet_id: str,
    channel_id: object,
    origin: str,
    now: datetime | None,
) -> Article | None:
    try:
        raw = message_text(message.get("text"))
    except ValueError as exc:
        raise ItemError(item, str(exc)) from exc
    if not raw.strip() and isinstance(message.get("text_entities"), list):
        raw = message_text(message["text_entities"])
    # Posts put one thought per line; each line stands as its own paragraph.
    text = clean_text(raw, lines_are_paragraphs=True)
    if not text:
        return None  # photo-only or sticker posts carry nothing to read
    # date_unixtime is exact; "date" is the exporting computer's local time, taken as UTC.
    when: object = message.get("date_unixtime")
    if isinstance(when, str) and when.strip().isdigit():
        when = int(when)
    if isinstance(when, int) and not isinstance(when, bool):
        try:
            when = datetime.fromtimestamp(when, tz=UTC)  # shown as a date if it is refused
        except (OverflowError, OSError, ValueError):
            pass
    published = parse_published(
        when if when not in (None, "") else message.get("date"), item, now=now
    )
    message_id = message.get("id")
    url = _post_url(resolver, outlet_id, channel_id, message_id)
    return Article(
        id=article_id(url, text),
        outlet_id=outlet_id,
        url=url,
        published=published,
        title=title_from_text(text),
        text=text,
        language="en",
        collected_at=datetime.now(UTC),
        content_hash=content_hash(text),
        author=clean_line(str(message.get("author") or "")),
        origin=origin,
    )


def read_telegram_export(
    path: str | Path,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield one Article per text post of an export folder or its ``result.json``."""
    path = Path(path)
    file = path / EXPORT_NAME if path.is_dir() else path
    origin = str(file)
    data = load_export(file, on_error)
    if data is None:
        return
    chats = _chats(data)
    if not chats:
        report(on_error, ItemError(origin, "not a Telegram export (no 'messages' list)"))
        return
    for chat in chats:
        title = clean_line(str(chat.get("name") or ""))
        outlet_id = resolver.match(name=title or None)
        messages = chat.get("messages")
        if not isinstance(messages, list):
            report(on_error, ItemError(origin, "'messages' is not a list"))
            continue
        for position, message in enumerate(messages, start=1):
            if not isinstance(message, Mapping):
                report(on_error, ItemError(f"{origin} message #{position}", "not a JSON object"))
                continue
            if message.get("type", "message") != "message":
                continue  # service entries: joins, pins, title changes
            message_id = message.get("id")
            if not isinstance(message_id, int) or isinstance(message_id, bool):
                report(on_error, ItemError(f"{origin} message #{position}", "missing message id"))
                continue
            item = f"{origin} message {message_id}"
            try:
                article = _post(message, item, resolver, outlet_id, chat.get("id"), origin, now)
            except ItemError as exc:
                report(on_error, exc)
                continue
            if article is not None:
                yield article
