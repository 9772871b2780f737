"""JSON rendering of a digest, validated against ``digest/schema.json``."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from ...records import (
    Bullet,
    Citation,
    Digest,
    EntityLink,
    Place,
    Replacement,
    Section,
    SentenceRef,
)

__all__ = ["SCHEMA_VERSION", "digest_to_json", "load_schema", "render"]

SCHEMA_VERSION = "1.3"


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the digest JSON output."""
    text = resources.files("dragoman.digest").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _citation(c: Citation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "outlet": c.outlet,
        "date": c.date.isoformat() if c.date is not None else None,
        "article_id": c.article_id,
    }
    if c.url:
        out["url"] = c.url
    if c.outlet_id:
        out["outlet_id"] = c.outlet_id
    return out


def _geo(place: Place) -> dict[str, Any]:
    out: dict[str, Any] = {"name": place.name}
    if place.lat is not None and place.lon is not None:
        out["lat"] = place.lat
        out["lon"] = place.lon
    # Only what is known is written: an empty string would read as a real value.
    if place.country:
        out["country"] = place.country
    if place.precision:
        out["precision"] = place.precision
    if place.feature_class:
        out["feature_class"] = place.feature_class
    if place.geonames_id is not None:
        out["geonames_id"] = place.geonames_id
    return out


def _entity(link: EntityLink) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": link.id,
        "name": link.name,
        "type": link.type,
        "mentions": list(link.mentions),
        "spans": [{"start": s, "end": e} for s, e in link.spans],
    }
    if link.place is not None:
        out["geo"] = _geo(link.place)
    if link.role:
        out["role"] = link.role
    return out


def _sentence(s: SentenceRef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": s.text,
        "article_id": s.article_id,
        "start": s.start,
        "end": s.end,
    }
    # A compressed sentence says how it was printed and how to get back to the article.
    if s.written:
        out["written"] = s.written
        out["parts"] = [{"start": a, "end": b} for a, b in s.parts]
        out["replacements"] = [_replacement(r) for r in s.replacements]
    return out


def _replacement(r: Replacement) -> dict[str, Any]:
    out: dict[str, Any] = {"start": r.start, "end": r.end, "original": r.original, "kind": r.kind}
    if r.entity_id:
        out["entity_id"] = r.entity_id
    return out


def _bullet(b: Bullet) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": b.text,
        "story_id": b.story_id,
        "citations": [_citation(c) for c in b.citations],
        "sentences": [_sentence(s) for s in b.sentences],
    }
    if b.credibility is not None:
        out["credibility"] = b.credibility
    if b.assessment:
        out["assessment"] = b.assessment
    if b.anchor:
        out["anchor"] = b.anchor
    if b.status:
        out["status"] = b.status
    out["entities"] = [_entity(e) for e in b.entities]
    return out


def _section(s: Section) -> dict[str, Any]:
    return {"title": s.title, "arena": s.arena, "bullets": [_bullet(b) for b in s.bullets]}


def digest_to_json(digest: Digest) -> dict[str, Any]:
    """The digest as a JSON-ready dict; raises ValueError if it breaks the published schema."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "title": digest.title,
        "period": {"from": digest.period_from.isoformat(), "to": digest.period_to.isoformat()},
        "overview": [_bullet(b) for b in digest.overview],
        "sections": [_section(s) for s in digest.sections],
        "entity_index": {name: list(anchors) for name, anchors in digest.entity_index.items()},
        "timeline": [dict(row) for row in digest.timeline],
    }
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise ValueError(
            f"digest JSON does not match schema {SCHEMA_VERSION} at {where}: {first.message}"
        )
    return data


def render(digest: Digest) -> str:
    """The digest as indented UTF-8 JSON text."""
    return json.dumps(digest_to_json(digest), ensure_ascii=False, indent=2) + "\n"
