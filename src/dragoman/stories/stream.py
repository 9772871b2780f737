"""The `dragoman cluster` contract: JSONL documents in, story assignments out."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ..records import Annotated, Article, Outlet
from .assess import CredibilityRules, grade_story
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
            published = published.replace(tzinfo=UTC)
    return Article(
        id=str(doc_id),
        outlet_id=str(doc.get("outlet") or ""),
        url=str(doc.get("url") or ""),
        published=published,
        title=str(doc.get("title") or ""),
        text=text,
    )


class StoryGrades:
    """The credibility of each story of a stream as it grows, for the output lines.

    Each line reports the grade of its story once the document has joined it: the outlets'
    Admiralty reliability (from the source registry; F when unknown) and the information
    credibility 1–6 with its reason, judged on the story's reports so far.
    """

    def __init__(
        self, outlets: Mapping[str, Outlet], rules: CredibilityRules | None = None
    ) -> None:
        self.outlets = outlets
        self.rules = rules or CredibilityRules()
        self.members: dict[str, list[Annotated]] = defaultdict(list)

    def add(self, story_id: str, annotated: Annotated) -> dict[str, Any]:
        """Record a story's new report and return the story's grade as JSON."""
        members = self.members[story_id]
        members.append(annotated)
        grade = grade_story(members, self.outlets, rules=self.rules)
        reliability = []
        for outlet_id in grade.independent:
            outlet = self.outlets.get(outlet_id)
            reliability.append(
                {"outlet": outlet_id, "reliability": outlet.reliability if outlet else "F"}
            )
        return {
            "credibility": grade.credibility,
            "reason": grade.reason,
            "outlets": reliability,
            "reports": len(members),
        }


def cluster_jsonl(
    lines: Iterable[str],
    clusterer: StoryClusterer,
    annotate: Callable[[list[Article]], list[Annotated]] | None = None,
    duplicates: DuplicateIndex | None = None,
    on_error: Callable[[str], None] | None = None,
    grades: StoryGrades | None = None,
    events: bool = False,
) -> Iterator[dict[str, Any]]:
    """Assign each input document to a story, in input order; one output line per input line.

    With ``grades``, each line also carries its story's grade so far; with ``events`` (and
    an annotator), the document's coded events as ``dragoman extract`` gives them.
    """
    from ..extract.jsonl import annotated_to_json

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
            annotated = by_id.get(art.id)
            story = clusterer.add(art, annotated, original)
            out: dict[str, Any] = {"id": art.id, "story": story}
            if original:
                out["duplicate_of"] = original
            if grades is not None:
                marked = replace(art, duplicate_of=original) if original else art
                if annotated is None:
                    annotated = Annotated(article=marked)
                else:
                    annotated = replace(annotated, article=marked)
                out["grade"] = grades.add(story, annotated)
            if events and annotated is not None:
                out["events"] = annotated_to_json(annotated)["events"]
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
