"""HTML rendering of a digest: one self-contained, printable page.

Every sentence carries its provenance (article id and character span) so an analyst can
hover over it; article text is hostile input and is always escaped by the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ...records import Bullet, Digest
from ..cite import citation_groups, format_period

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


def _bullet_view(bullet: Bullet, digest: Digest, number: str) -> dict[str, Any]:
    links = []
    for group in citation_groups(bullet.citations, digest.period_from, digest.period_to):
        urls = [u for u in (safe_url(c.url) for c in group.citations) if u]
        first = urls[0] if urls else None
        links.append(_Link(group.label, first, tuple(dict.fromkeys(urls[1:]))))
    return {
        "number": number,
        "anchor": bullet.anchor,
        "sentences": bullet.sentences,
        "text": bullet.text,
        "links": links,
        "assessment": bullet.assessment,
        "credibility": bullet.credibility,
    }


def render(digest: Digest) -> str:
    """The digest as a standalone HTML page (inline CSS, no scripts, no external requests)."""
    numbers: dict[str, str] = {}
    sections = []
    for i, section in enumerate(digest.sections, start=1):
        bullets = []
        for j, bullet in enumerate(section.bullets, start=1):
            number = f"{i}.{j}"
            numbers.setdefault(bullet.anchor, number)
            bullets.append(_bullet_view(bullet, digest, number))
        sections.append({"title": section.title, "arena": section.arena, "bullets": bullets})
    overview = [_bullet_view(b, digest, "") for b in digest.overview]
    index = [
        (name, [(a, numbers.get(a, a)) for a in anchors])
        for name, anchors in digest.entity_index.items()
    ]
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
    )
