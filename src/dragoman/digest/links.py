"""Links from the names a bullet prints to the entities the extractor resolved them to.

A bullet's text starts with its sentences joined by one space, each an exact span of its
article. A mention of the article lies inside a sentence when its whole span does; its place
in the bullet is then the sentence's place plus the mention's offset inside the sentence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..records import Annotated, Entity, EntityLink, Mention, Place, SentenceRef

__all__ = [
    "INDEXED_TYPES",
    "LINK_TYPES",
    "TYPE_NAMES",
    "coordinates",
    "describe",
    "entity_links",
    "is_outlet",
    "sentence_offsets",
]

log = logging.getLogger(__name__)

# Mention labels that name a person, group or place; older annotations may still say GPE/FAC.
LINK_TYPES = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
}
# The index lists people, organisations and places; nationalities are linked but not indexed.
INDEXED_TYPES = ("PERSON", "ORG", "LOC")
TYPE_NAMES = {"PERSON": "person", "ORG": "organisation", "LOC": "place", "NORP": "group"}

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class _Found:
    start: int  # in the bullet text
    end: int
    mention: Mention
    entity: Entity | None
    kind: str
    surface: str


def is_outlet(entity_id: str | None, entity: Entity | None) -> bool:
    """True for a news outlet: the bullet's citations already name it."""
    if entity_id and entity_id.startswith("outlet:"):
        return True
    return entity is not None and bool(entity.attributes.get("outlet"))


def sentence_offsets(text: str, sentences: Sequence[SentenceRef]) -> list[int | None]:
    """Where each sentence starts in a bullet's text, or None when it is not found there."""
    out: list[int | None] = []
    pos = 0
    for ref in sentences:
        # Sentences are joined by one space; a hand-written bullet may differ, so check.
        if text.startswith(ref.shown, pos):
            out.append(pos)
            pos += len(ref.shown) + 1
        else:
            out.append(None)
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def _link_id(mention: Mention, kind: str, surface: str) -> str:
    # An unresolved name still gets a stable id, the form ``dragoman extract`` uses.
    if mention.entity_id:
        return mention.entity_id
    return f"{kind.lower()}:{_SLUG.sub('-', _flat(surface).lower()).strip('-') or 'unnamed'}"


def _place(entity: Entity | None, kind: str) -> Place | None:
    if kind != "LOC" or entity is None or entity.place is None:
        return None
    place = entity.place
    known = (place.lat is not None and place.lon is not None) or bool(place.country)
    return place if known else None


def _found_in(ref: SentenceRef, base: int, annotated: Annotated) -> list[_Found]:
    entities = {e.id: e for e in annotated.entities}
    out: list[_Found] = []
    for m in annotated.mentions:
        kind = LINK_TYPES.get(m.label)
        if kind is None or m.article_id not in ("", ref.article_id):
            continue  # dates, sums of money and roles are not entities to link
        if not (ref.start <= m.start < m.end <= ref.end):
            continue  # only what the bullet actually prints is linked
        if m.source in ("nominal", "coreference"):
            continue  # "he", "the city": the name they stand for is linked where it is printed
        entity = entities.get(m.entity_id) if m.entity_id else None
        if is_outlet(m.entity_id, entity):
            continue
        if entity is not None:
            kind = LINK_TYPES.get(entity.type, kind)
        surface = ref.text[m.start - ref.start : m.end - ref.start]
        if not surface.strip() or _flat(surface) != _flat(m.text):
            log.debug(
                "article %s: mention %r at %d-%d does not match its text; not linked",
                ref.article_id,
                m.text,
                m.start,
                m.end,
            )
            continue
        start = base + (m.start - ref.start)
        out.append(_Found(start, start + len(surface), m, entity, kind, surface))
    return out


def entity_links(
    sentences: Sequence[SentenceRef], annotations: Mapping[str, Annotated]
) -> tuple[EntityLink, ...]:
    """The people, groups and places a bullet of these sentences names, first seen first.

    Spans are offsets into the bullet's text, whose sentences are joined by one space.
    """
    found: list[_Found] = []
    base = 0
    for ref in sentences:
        annotated = annotations.get(ref.article_id)
        if annotated is not None and ref.end - ref.start == len(ref.text):
            found.extend(_found_in(ref, base, annotated))
        base += len(ref.text) + 1
    # Nested or overlapping mentions cannot all be marked up: the longer one wins.
    kept: list[_Found] = []
    last_end = -1
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if f.start >= last_end:
            kept.append(f)
            last_end = f.end
    groups: dict[str, list[_Found]] = {}
    for f in kept:
        groups.setdefault(_link_id(f.mention, f.kind, f.surface), []).append(f)
    links = []
    for ident, items in groups.items():
        first = items[0]
        entity = next((f.entity for f in items if f.entity is not None), None)
        name = _flat(entity.name) if entity is not None and entity.name.strip() else ""
        role = next((_flat(f.mention.role) for f in items if f.mention.role), None)
        links.append(
            EntityLink(
                id=ident,
                name=name or _flat(first.surface),
                type=first.kind,
                mentions=tuple(dict.fromkeys(_flat(f.surface) for f in items)),
                spans=tuple((f.start, f.end) for f in items),
                place=_place(entity, first.kind),
                role=role or None,
            )
        )
    return tuple(links)


def coordinates(place: Place | None) -> str:
    """Where a place is, for a reader: "34.4500, 40.9200 (SY)", or "" when unknown."""
    if place is None:
        return ""
    parts = []
    if place.lat is not None and place.lon is not None:
        parts.append(f"{place.lat:.4f}, {place.lon:.4f}")
    if place.country:
        parts.append(f"({place.country})" if parts else place.country)
    return " ".join(parts)


def describe(link: EntityLink) -> str:
    """One line naming a linked entity: canonical name, kind, and role or coordinates."""
    details = [TYPE_NAMES.get(link.type, link.type.lower())]
    if link.role:
        details.append(link.role)
    where = coordinates(link.place)
    if where:
        details.append(where)
    return f"{link.name} ({'; '.join(details)})"
