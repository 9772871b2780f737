"""Markdown rendering of a digest: the plain reading copy of the bulletin."""

from __future__ import annotations

import re

from ...records import Bullet, Digest
from ..cite import format_citations, format_period

__all__ = ["escape", "render"]

# Characters that would turn article text into emphasis, links, code or raw HTML.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def escape(text: str) -> str:
    """Article text made inert in Markdown: one line, special characters backslashed."""
    flat = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", flat).replace("&", "&amp;")


def _bullet_line(bullet: Bullet, digest: Digest) -> str:
    if bullet.sentences:
        parts = [escape(" ".join(s.text for s in bullet.sentences))]
        cited = format_citations(bullet.citations, digest.period_from, digest.period_to)
        if cited:
            parts.append(escape(cited))
        if bullet.assessment:
            parts.append(f"*{escape(bullet.assessment)}*")
        return "- " + " ".join(parts)
    # A bullet without sentence provenance is printed as written.
    return "- " + escape(bullet.text)


def render(digest: Digest) -> str:
    """The digest as Markdown: title, period, overview, then one section per arena."""
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
    for section in digest.sections:
        lines += [f"## {escape(section.title)}", ""]
        lines += [_bullet_line(b, digest) for b in section.bullets]
        lines.append("")
    if not digest.overview and not digest.sections:
        lines += ["No developments were reported in this period.", ""]
    return "\n".join(lines)
