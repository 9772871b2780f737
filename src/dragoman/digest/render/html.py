"""HTML rendering of a digest: one self-contained, printable page.

Every sentence carries its provenance (article id and character span): hovering shows it,
and clicking (focusing) a sentence opens a note with the outlet, date, article id, span and
link. The note is pure CSS (``:focus-within``), so the page runs no script at all and its
Content-Security-Policy can forbid every script. Article text is hostile input and is always
escaped by the template; the map's SVG is escaped by ``svgmap``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ...records import Bullet, Citation, Digest, EntityLink
from ..cite import citation_groups, format_period
from ..links import INDEXED_TYPES, TYPE_NAMES, coordinates, describe
from .markdown import status_label
from .svgmap import map_points, on_map, svg_map

__all__ = ["render", "safe_url"]


@dataclass(frozen=True)
class _Link:
    label: str
    url: str | None
    more: tuple[str, ...]  # further article URLs of a collapsed group


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address, else None (no javascript:, data:, ...)."""
    if not url:
        return None
    candidate = url.strip()
    if any(ch in candidate for ch in "\x00\r\n\t \"'<>`"):
        return None
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("dragoman.digest.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@dataclass(frozen=True)
class _Segment:
    text: str
    entity_id: str | None = None
    title: str = ""
    target: str | None = None  # the index entry to jump to, when the entity is indexed


def _section_links(digest: Digest) -> list[EntityLink]:
    return [e for s in digest.sections for b in s.bullets for e in b.entities]


def _element_ids(digest: Digest) -> dict[str, str]:
    """An HTML id for each indexed entity; entity ids may hold any character."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for link in _section_links(digest):
        if link.id in out or link.type not in INDEXED_TYPES:
            continue
        base = "entity-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", link.id).strip("-") or "x")
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        taken.add(ident)
        out[link.id] = ident
    return out


def _segments(
    text: str, offset: int | None, bullet: Bullet, targets: dict[str, str]
) -> list[_Segment]:
    """A sentence cut into plain text and linked mentions (offset: its start in the bullet)."""
    if offset is None:
        return [_Segment(text)]
    marks = sorted(
        (
            (s - offset, e - offset, link)
            for link in bullet.entities
            for s, e in link.spans
            if offset <= s < e <= offset + len(text)
        ),
        key=lambda mark: (mark[0], mark[1]),
    )
    out: list[_Segment] = []
    pos = 0
    for start, end, link in marks:
        if start < pos:
            continue  # overlapping spans from a hand-made bullet: keep the first
        if start > pos:
            out.append(_Segment(text[pos:start]))
        out.append(_Segment(text[start:end], link.id, describe(link), targets.get(link.id)))
        pos = end
    if pos < len(text):
        out.append(_Segment(text[pos:]))
    return out


def _printed(bullet: Bullet) -> list[tuple[str, int | None]]:
    """Each sentence as the bullet prints it, and where it starts in the bullet's text.

    A condensed sentence prints its written form (``shown``), not the article's words; the
    sentences are joined by one space, though a hand-made bullet may differ, so check.
    """
    out: list[tuple[str, int | None]] = []
    pos = 0
    for ref in bullet.sentences:
        shown = str(getattr(ref, "shown", ref.text))
        if bullet.text.startswith(shown, pos):
            out.append((shown, pos))
            pos += len(shown) + 1
        else:
            out.append((shown, None))
    return out


def _long_date(citation: Citation | None) -> str:
    """The date in full for the provenance note (it stands alone there, so with the year)."""
    if citation is None or citation.date is None:
        return ""
    d = citation.date
    return f"{d:%B} {d.day}, {d.year}"


def _bullet_view(
    bullet: Bullet, digest: Digest, number: str, targets: dict[str, str], notes: Iterator[int]
) -> dict[str, Any]:
    by_article: dict[str, Citation] = {}
    for citation in bullet.citations:
        by_article.setdefault(citation.article_id, citation)
    sentences = []
    for ref, (shown, offset) in zip(bullet.sentences, _printed(bullet), strict=True):
        cited = by_article.get(ref.article_id)
        sentences.append(
            {
                "article_id": ref.article_id,
                "start": ref.start,
                "end": ref.end,
                "segments": _segments(shown, offset, bullet, targets),
                "note_id": f"prov-{next(notes)}",  # one count per page: ids stay unique
                "outlet": cited.outlet if cited else "",
                "date": _long_date(cited),
                "url": safe_url(cited.url) if cited else None,
                # A condensed sentence: the note quotes what the article itself says.
                "original": ref.text if shown != ref.text else "",
            }
        )
    links = []
    for group in citation_groups(bullet.citations, digest.period_from, digest.period_to):
        urls = [u for u in (safe_url(c.url) for c in group.citations) if u]
        first = urls[0] if urls else None
        links.append(_Link(group.label, first, tuple(dict.fromkeys(urls[1:]))))
    return {
        "number": number,
        "anchor": bullet.anchor,
        "sentences": sentences,
        "text": bullet.text,
        "links": links,
        "assessment": bullet.assessment,
        "credibility": bullet.credibility,
        "status": bullet.status if bullet.status in ("new", "developing") else "",
        "status_label": status_label(bullet),
    }


def _index(
    digest: Digest, numbers: dict[str, str], targets: dict[str, str]
) -> list[dict[str, Any]]:
    """The index at the end: linked entities when the bullets carry them, else bare names."""
    if not targets:
        # A digest written before entities were linked still has its name index.
        return [
            {
                "id": None,
                "element_id": None,
                "name": name,
                "kind": "",
                "where": "",
                "refs": [(a, numbers.get(a, a)) for a in anchors],
            }
            for name, anchors in digest.entity_index.items()
        ]
    entries: dict[str, dict[str, Any]] = {}
    for section in digest.sections:
        for bullet in section.bullets:
            for link in bullet.entities:
                if link.id not in targets:
                    continue
                entry = entries.setdefault(
                    link.id,
                    {
                        "id": link.id,
                        "element_id": targets[link.id],
                        "name": link.name,
                        "kind": TYPE_NAMES.get(link.type, link.type.lower()),
                        "where": coordinates(link.place),
                        "refs": [],
                    },
                )
                ref = (bullet.anchor, numbers.get(bullet.anchor, bullet.anchor))
                if ref not in entry["refs"]:
                    entry["refs"].append(ref)
    return sorted(entries.values(), key=lambda e: (e["name"].casefold(), e["kind"], e["id"]))


def render(digest: Digest, *, for_print: bool = False) -> str:
    """The digest as a standalone HTML page (inline CSS and SVG, no scripts, no requests).

    ``for_print`` leaves out what only a screen can use (the provenance notes that open on
    click); the PDF renderer lays out that variant.
    """
    numbers: dict[str, str] = {}
    targets = _element_ids(digest)
    notes = itertools.count(1)
    sections = []
    for i, section in enumerate(digest.sections, start=1):
        bullets = []
        for j, bullet in enumerate(section.bullets, start=1):
            number = f"{i}.{j}"
            numbers.setdefault(bullet.anchor, number)
            bullets.append(_bullet_view(bullet, digest, number, targets, notes))
        sections.append({"title": section.title, "arena": section.arena, "bullets": bullets})
    overview = [_bullet_view(b, digest, "", targets, notes) for b in digest.overview]
    index = _index(digest, numbers, targets)
    # Rows may come back from JSON without optional keys; the template expects them all.
    timeline = [
        {
            "date": str(row.get("date", "")),
            "type": str(row.get("type", "")),
            "mode": str(row.get("mode", "") or ""),
            "text": str(row.get("text", "")),
            "anchor": str(row.get("anchor", "") or ""),
            "number": numbers.get(str(row.get("anchor", "")), ""),
        }
        for row in digest.timeline
    ]
    # svg_map escapes every name it prints, so its markup may go into the page as it is.
    map_svg = Markup(svg_map(digest, targets))
    off_map = [p.name for p in map_points(digest) if not on_map(p)] if map_svg else []
    template = _environment().get_template("digest.html.j2")
    return template.render(
        title=digest.title,
        period=format_period(digest.period_from, digest.period_to),
        period_from=digest.period_from.isoformat(),
        period_to=digest.period_to.isoformat(),
        overview=overview,
        sections=sections,
        index=index,
        timeline=timeline,
        known_anchors=set(numbers),
        map_svg=map_svg,
        off_map=off_map,
        for_print=for_print,
    )
