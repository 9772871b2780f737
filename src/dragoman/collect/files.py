"""Articles kept as files: JSON Lines, and text or Markdown with YAML front matter."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import ItemError
from ..records import Article
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
from .outlets import OutletResolver

OnError = Callable[[ItemError], None] | None

_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_HOSTILE_BLOCK = re.compile(
    r"<(script|style|iframe|noscript|template|object)\b.*?(</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^```.*$|^~~~.*$", re.MULTILINE), ""),  # code fences (the code itself stays)
    (re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+.*$", re.MULTILINE), ""),  # link reference definitions
    (re.compile(r"^ {0,3}([-*_])( ?\1){2,}[ \t]*$", re.MULTILINE), ""),  # horizontal rules
    (re.compile(r"^ {0,3}(=+|-+)[ \t]*$", re.MULTILINE), ""),  # setext heading underlines
    (re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE), r"\n\1\n"),  # ATX headings
    (re.compile(r"^ {0,3}>[ \t]?", re.MULTILINE), ""),  # block quotes
    (
        re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+", re.MULTILINE),
        "\n",
    ),  # list items: own paragraph
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links: keep the label
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"(?<!\w)(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)"), r"\2"),  # emphasis
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strike-through
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),  # backslash escapes
)


def markdown_to_text(body: str) -> str:
    """Reduce Markdown (or plain text) to plain paragraphs; raw HTML is dropped."""
    text = _HOSTILE_BLOCK.sub(" ", body)
    text = _AUTOLINK.sub(r"\1", text)  # before tags are stripped, or it would look like one
    text = _TAG.sub(" ", text)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return clean_text(text)


def _text_field(data: Mapping[str, Any], key: str, item: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise ItemError(item, f"field {key!r} must be a string, got {type(value).__name__}")


def article_from_mapping(
    data: Mapping[str, Any],
    item: str,
    resolver: OutletResolver,
    *,
    origin: str = "",
    keep_id: bool = False,
    date_field: str = "published",
    text_is_markdown: bool = False,
    now: datetime | None = None,
) -> Article:
    """Build an Article from one record (a JSONL line or front matter plus body).

    Required: ``text``, the date (``date_field``, with ``published``/``date`` as aliases)
    and ``outlet`` or ``url``. ``keep_id`` keeps the record's own ``id`` instead of
    deriving one from the URL. Raises ItemError naming ``item``.
    """
    if not isinstance(data, Mapping):
        raise ItemError(item, f"expected a JSON object, got {type(data).__name__}")
    if "text" not in data or data["text"] is None:
        raise ItemError(item, "missing required field 'text'")
    raw_text = data["text"]
    if not isinstance(raw_text, str):
        raise ItemError(item, f"field 'text' must be a string, got {type(raw_text).__name__}")
    text = markdown_to_text(raw_text) if text_is_markdown else clean_text(raw_text)
    if not text:
        raise ItemError(item, "empty text")
    date_keys = (date_field, "published", "date")
    raw_date = next((data[k] for k in date_keys if data.get(k) not in (None, "")), None)
    if raw_date is None:
        raise ItemError(item, f"missing required field {date_field!r}")
    published = parse_published(raw_date, item, now=now)
    url = _text_field(data, "url", item).strip()
    if url and not is_web_url(url):
        raise ItemError(item, f"url {url[:80]!r} is not an http(s) address")
    outlet = _text_field(data, "outlet", item).strip()
    if not outlet and not url:
        raise ItemError(item, "missing required field 'outlet' (or a 'url' to find it from)")
    own_id = _text_field(data, "id", item).strip() if keep_id else ""
    title = clean_line(_text_field(data, "title", item))
    text = drop_repeated_title(text, title)
    return Article(
        id=own_id or article_id(url, text),
        outlet_id=resolver.match(name=outlet or None, url=url or None),
        url=strip_tracking(url),
        published=published,
        title=title or title_from_text(text),
        text=text,
        language="en",
        collected_at=datetime.now(UTC),
        content_hash=content_hash(text),
        author=clean_line(_text_field(data, "author", item)),
        origin=origin,
    )


def read_jsonl(
    path: str | Path,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    keep_ids: bool = False,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield one Article per line of a JSON Lines file; a bad line is reported as ``file:line``."""
    origin = str(path)
    try:
        # Opened in binary so one badly encoded line cannot stop the rest; closed below.
        handle = open(path, "rb")
    except OSError as exc:
        report(on_error, ItemError(origin, f"cannot read file ({exc.strerror or exc})"))
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            item = f"{origin}:{number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
                if not line:
                    continue
                data = json.loads(line)
                yield article_from_mapping(
                    data, item, resolver, origin=origin, keep_id=keep_ids, now=now
                )
            except UnicodeDecodeError as exc:
                report(on_error, ItemError(item, f"not valid UTF-8 (byte {exc.start})"))
            except json.JSONDecodeError as exc:
                msg = exc.msg.removesuffix(" at")
                report(on_error, ItemError(item, f"not valid JSON ({msg} at column {exc.colno})"))
            except ItemError as exc:
                report(on_error, exc)


def split_front_matter(content: str, item: str) -> tuple[dict[str, Any], str, int]:
    """Split ``content`` into its YAML front matter, its body and the body's first line number."""
    lines = content.lstrip("\ufeff").split("\n")
    if not lines or not _FENCE.match(lines[0].rstrip("\r")) or lines[0].startswith("..."):
        raise ItemError(
            item,
            "no front matter (the file must start with a '---' line, then outlet, "
            "date, title and url, then '---')",
        )
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i].rstrip("\r"))), None)
    if end is None:
        raise ItemError(item, "front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        where = f" at line {mark.line + 2}" if mark is not None else ""  # +1 for the fence
        raise ItemError(item, f"bad YAML in front matter ({problem}{where})") from exc
    if not isinstance(meta, dict):
        raise ItemError(item, "front matter must be a mapping of field names to values")
    return meta, "\n".join(lines[end + 1 :]), end + 2


def read_text_file(
    path: str | Path,
    resolver: OutletResolver,
    on_error: OnError = None,
    *,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield the article of one ``.txt``/``.md`` file with front matter (outlet, date, title, url)."""
    origin = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8")
        meta, body, _ = split_front_matter(content, origin)
        record = {**meta, "text": body}  # the body is the text, whatever the front matter says
        yield article_from_mapping(
            record,
            origin,
            resolver,
            origin=origin,
            date_field="date",
            text_is_markdown=True,
            now=now,
        )
    except UnicodeDecodeError as exc:
        report(on_error, ItemError(origin, f"not valid UTF-8 (byte {exc.start})"))
    except OSError as exc:
        report(on_error, ItemError(origin, f"cannot read file ({exc.strerror or exc})"))
    except ItemError as exc:
        report(on_error, exc)
