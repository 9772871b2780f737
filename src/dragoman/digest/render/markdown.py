"""Markdown rendering of a digest: the plain reading copy of the bulletin."""

from __future__ import annotations

import re

from ...records import Bullet, Digest
from ..cite import format_citations, format_period
from ..links import INDEXED_TYPES, TYPE_NAMES, coordinates

__all__ = ["escape", "render", "status_label"]

# Characters that would turn article text into emphasis, links, code or raw HTML.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_ANCHOR = re.compile(r"[A-Za-z0-9_.-]+")
INDEX_HEADING = "## Index of people, organisations and places"


def escape(text: str) -> str:
    """Article text made inert in Markdown: one line, special characters backslashed."""
    flat = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", flat).replace("&", "&amp;")


def status_label(bullet: Bullet) -> str:
    """The mark an update puts before a bullet: "New", "Developing: 2 new reports" or ""."""
    if bullet.status == "new":
        return "New"
    if bullet.status == "developing":
        # an update's bullet cites only the reports that came in since the previous bulletin
        count = len({c.article_id for c in bullet.citations})
        if not count:
            return "Developing"
        return f"Developing: {count} new report{'s' if count != 1 else ''}"
    return ""


def _bullet_line(bullet: Bullet, digest: Digest, number: str = "") -> str:
    # Section bullets carry their number so the index can point at them.
    lead = f"- **{number}** " if number else "- "
    label = status_label(bullet)
    if label:
        lead += f"*\\[{label}\\]* "
    return lead + _bullet_body(bullet, digest)


def _bullet_body(bullet: Bullet, digest: Digest) -> str:
    if bullet.sentences:
        parts = [escape(" ".join(s.shown for s in bullet.sentences))]
        cited = format_citations(bullet.citations, digest.period_from, digest.period_to)
        if cited:
            parts.append(escape(cited))
        if bullet.assessment:
            parts.append(f"*{escape(bullet.assessment)}*")
        return " ".join(parts)
    # A bullet without sentence provenance is printed as written.
    return escape(bullet.text)


def _ref(anchor: str, number: str) -> str:
    # Anchors are made of safe characters; anything else is printed, never linked.
    if _ANCHOR.fullmatch(anchor):
        return f"[{number}](#{anchor})"
    return escape(number)


def _index(digest: Digest, numbers: dict[str, str]) -> list[str]:
    """One line per person, organisation and place: kind, coordinates, bullets."""
    entries: dict[str, tuple[str, str, str, list[str]]] = {}
    for section in digest.sections:
        for bullet in section.bullets:
            for link in bullet.entities:
                if link.type not in INDEXED_TYPES:
                    continue
                kind = TYPE_NAMES.get(link.type, link.type.lower())
                anchors = entries.setdefault(
                    link.id, (link.name, kind, coordinates(link.place), [])
                )[3]
                if bullet.anchor not in anchors:
                    anchors.append(bullet.anchor)
    lines = []
    for name, kind, where, anchors in sorted(
        entries.values(), key=lambda e: (e[0].casefold(), e[1])
    ):
        about = f"{kind}, {where}" if where else kind
        refs = ", ".join(_ref(a, numbers.get(a, a)) for a in anchors)
        lines.append(f"- {escape(name)} ({escape(about)}): {refs}")
    return lines


def render(digest: Digest) -> str:
    """The digest as Markdown: title, period, overview, one section per arena, the index."""
    lines = [
        f"# {escape(digest.title)}",
        "",
        f"*{format_period(digest.period_from, digest.period_to)}*",
        "",
    ]
    if digest.overview:
        lines += ["## Overview", ""]
        lines += [_bullet_line(b, digest) for b in digest.overview]
        lines.append("")
    numbers: dict[str, str] = {}
    for i, section in enumerate(digest.sections, start=1):
        lines += [f"## {escape(section.title)}", ""]
        for j, bullet in enumerate(section.bullets, start=1):
            numbers.setdefault(bullet.anchor, f"{i}.{j}")
            lines.append(_bullet_line(bullet, digest, f"{i}.{j}"))
        lines.append("")
    if not digest.overview and not digest.sections:
        lines += ["No developments were reported in this period.", ""]
    index = _index(digest, numbers)
    if index:
        lines += [INDEX_HEADING, "", *index, ""]
    return "\n".join(lines)
