"""The `dragoman cluster` contract: JSONL documents in, story assignments out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from ..records import Annotated, Article
from .cluster import StoryClusterer
from .dedup import DuplicateIndex

BATCH = 64


def document_article(doc: dict[str, Any], line_no: int) -> Article:
    """An Article from one input document; raises ValueError with the reason."""
    if not isinstance(doc, dict):
        raise ValueError("expected a JSON object")
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    doc_id = doc.get("id")
    if doc_id is None:
        doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    published = None
    raw = doc.get("published")
    if raw:
        try:
            published = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"'published' is not an ISO date: {raw!r}") from exc
        if published.tzinfo is None:
            published = published.replace(tzinfo=timezone.utc)
    return Article(
        id=str(doc_id),
        outlet_id=str(doc.get("outlet") or ""),
        url=str(doc.get("url") or ""),
        published=published,
        title=str(doc.get("title") or ""),
        text=text,
    )


def cluster_jsonl(
    lines: Iterable[str],
    clusterer: StoryClusterer,
    annotate: Callable[[list[Article]], list[Annotated]] | None = None,
    duplicates: DuplicateIndex | None = None,
    on_error: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Assign each input document to a story, in input order; one output line per input line."""
    batch: list[tuple[int, Article | None, str | None, str | None]] = []

    def flush() -> Iterator[dict[str, Any]]:
        arts = [a for _, a, _, _ in batch if a is not None]
        anns = annotate(arts) if annotate and arts else []
        by_id = {a.article.id: a for a in anns}
        for _, art, raw_id, error in batch:
            if art is None:
                yield {"id": raw_id, "story": None, "error": error}
                continue
            original = (
                duplicates.check_and_add(art.id, art.text) if duplicates is not None else None
            )
            out: dict[str, Any] = {
                "id": art.id,
                "story": clusterer.add(art, by_id.get(art.id), original),
            }
            if original:
                out["duplicate_of"] = original
            yield out
        batch.clear()

    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        raw_id = None
        try:
            doc = json.loads(line)
            raw_id = doc.get("id") if isinstance(doc, dict) else None
            batch.append((n, document_article(doc, n), None, None))
        except (ValueError, json.JSONDecodeError) as exc:
            message = f"line {n}: {exc}"
            if on_error:
                on_error(message)
            batch.append((n, None, raw_id, message))
        if len(batch) >= BATCH:
            yield from flush()
    if batch:
        yield from flush()
