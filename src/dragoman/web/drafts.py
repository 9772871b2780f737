"""Editing a digest draft: reorder, drop and reword bullets, keeping their citations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DragomanError
from ..records import Bullet, Digest, EntityLink, Section


class DraftError(DragomanError):
    """An edit names a bullet or section the draft does not have, or is otherwise wrong."""


@dataclass(frozen=True)
class BulletEdit:
    anchor: str  # the bullet's anchor, as in the draft
    text: str | None = None  # new wording; None keeps it


@dataclass(frozen=True)
class SectionEdit:
    arena: str
    bullets: Sequence[BulletEdit]
    title: str | None = None


def _relink(link: EntityLink, text: str) -> EntityLink:
    """The entity link with its spans found again in reworded text."""
    spans: list[tuple[int, int]] = []
    for form in dict.fromkeys(link.mentions or (link.name,)):
        if form:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(form), text)]
    return link.replace(spans=tuple(sorted(set(spans))))


def _apply(bullet: Bullet, edit: BulletEdit) -> Bullet:
    if edit.text is None or edit.text == bullet.text:
        return bullet
    text = " ".join(edit.text.split())
    if not text:
        raise DraftError(
            f"bullet {bullet.anchor!r}: the new text is empty; drop the bullet instead"
        )
    # sentences and citations stay: they are where the bullet's facts come from
    return bullet.replace(text=text, entities=tuple(_relink(e, text) for e in bullet.entities))


def _pick(pool: dict[str, list[Bullet]], edits: Sequence[BulletEdit], where: str) -> list[Bullet]:
    chosen: list[Bullet] = []
    for edit in edits:
        found = pool.get(edit.anchor)
        if not found:
            known = ", ".join(sorted(pool)) or "none left"
            raise DraftError(
                f"{where}: no bullet {edit.anchor!r} (or it is listed twice); bullets: {known}"
            )
        chosen.append(_apply(found.pop(0), edit))
    return chosen


def _by_anchor(bullets: Sequence[Bullet]) -> dict[str, list[Bullet]]:
    pool: dict[str, list[Bullet]] = {}
    for b in bullets:
        pool.setdefault(b.anchor, []).append(b)
    return pool


def edit_digest(
    digest: Digest,
    title: str | None = None,
    overview: Sequence[BulletEdit] | None = None,
    sections: Sequence[SectionEdit] | None = None,
) -> Digest:
    """The draft with a new title, overview or sections (each given in the order wanted).

    Bullets are named by anchor: a bullet left out is dropped, a listed one keeps its
    citations and provenance and may get new text. A section bullet may move to another
    section; sections left out or emptied are dropped. Parts not given stay as they are.
    """
    result = digest
    if title is not None:
        clean = " ".join(title.split())
        if not clean:
            raise DraftError("the digest title cannot be empty")
        result = result.replace(title=clean)
    if overview is not None:
        result = result.replace(
            overview=tuple(_pick(_by_anchor(digest.overview), overview, "overview"))
        )
    if sections is not None:
        current = {s.arena: s for s in digest.sections}
        pool = _by_anchor([b for s in digest.sections for b in s.bullets])
        new: list[Section] = []
        for edit in sections:
            base = current.get(edit.arena)
            if base is None:
                raise DraftError(
                    f"no section {edit.arena!r}; sections: {', '.join(current) or 'none'}"
                )
            bullets = _pick(pool, edit.bullets, f"section {edit.arena!r}")
            if bullets:
                new.append(base.replace(title=edit.title or base.title, bullets=tuple(bullets)))
        result = result.replace(sections=tuple(new))
        kept = {b.anchor for s in new for b in s.bullets}
        # the index and timeline point at bullets: drop what points at removed ones
        index = {
            name: [a for a in anchors if a in kept] for name, anchors in digest.entity_index.items()
        }
        result = result.replace(
            entity_index={k: v for k, v in index.items() if v},
            timeline=tuple(
                t for t in digest.timeline if t.get("anchor", "") in kept or "anchor" not in t
            ),
        )
    return result
