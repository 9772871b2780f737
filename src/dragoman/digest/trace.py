"""Tracing a bullet back to its articles: every printed word is an article's or recorded.

A bullet passes when each of its sentences, once its recorded replacements are undone, is
the concatenation of spans of one article the bullet cites, and when each citation names an
article of the bullet's story with that article's outlet and day.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..records import Article, Bullet, Outlet, SentenceRef, Story

__all__ = ["trace", "undo"]


def undo(ref: SentenceRef) -> str:
    """The printed sentence with its replacements put back to the article's words."""
    text = ref.shown
    for rep in sorted(ref.replacements, key=lambda r: r.start, reverse=True):
        text = text[: rep.start] + rep.original + text[rep.end :]
    return text


def _sentence_problems(i: int, ref: SentenceRef, article: Article) -> list[str]:
    where = f"sentence {i + 1} (article {ref.article_id})"
    text = article.text or ""
    problems: list[str] = []
    if not (0 <= ref.start <= ref.end <= len(text)) or text[ref.start : ref.end] != ref.text:
        problems.append(f"{where}: text is not the article's span {ref.start}-{ref.end}")
    if not ref.written:
        if ref.parts or ref.replacements:
            problems.append(f"{where}: parts or replacements recorded without a written form")
        return problems
    parts = ref.parts or ((ref.start, ref.end),)
    last = ref.start
    for start, end in parts:
        if start < last or end < start or end > ref.end:
            problems.append(f"{where}: part {start}-{end} is out of order or outside the sentence")
            return problems
        last = end
    shown = ref.written
    pos = -1
    for rep in sorted(ref.replacements, key=lambda r: r.start):
        if rep.start < pos or not (0 <= rep.start <= rep.end <= len(shown)):
            problems.append(f"{where}: replacement {rep.start}-{rep.end} overlaps or overflows")
            return problems
        pos = rep.end
        if rep.kind in ("name", "pronoun") and not rep.entity_id:
            problems.append(
                f"{where}: {rep.kind} replacement {shown[rep.start : rep.end]!r} names no entity"
            )
    expected = "".join(text[s:e] for s, e in parts)
    if undo(ref) != expected:
        problems.append(f"{where}: undoing its replacements does not give its article spans")
    return problems


def trace(
    bullet: Bullet,
    articles: Mapping[str, Article],
    story: Story | None = None,
    outlets: Mapping[str, Outlet] | None = None,
) -> list[str]:
    """Problems with the provenance of one bullet, one line each; an empty list means it traces."""
    problems: list[str] = []
    name = f"bullet {bullet.anchor or bullet.story_id}"
    members = set(story.article_ids) if story is not None else None
    cited = {c.article_id for c in bullet.citations}
    if not bullet.citations:
        problems.append(f"{name}: cites nothing")
    for c in bullet.citations:
        article = articles.get(c.article_id)
        if members is not None and c.article_id not in members:
            problems.append(
                f"{name}: citation {c.article_id} is not an article of story {bullet.story_id}"
            )
        if article is None:
            problems.append(f"{name}: citation {c.article_id} names an unknown article")
            continue
        day = article.published.date() if article.published is not None else None
        if c.date != day:
            problems.append(
                f"{name}: citation {c.article_id} dated {c.date}, article published {day}"
            )
        if outlets is not None:
            outlet = outlets.get(article.outlet_id)
            display = outlet.name if outlet is not None and outlet.name else article.outlet_id
            if c.outlet != display:
                problems.append(
                    f"{name}: citation {c.article_id} names {c.outlet!r}, not {display!r}"
                )
    for i, ref in enumerate(bullet.sentences):
        article = articles.get(ref.article_id)
        if article is None:
            problems.append(f"{name}: sentence {i + 1} comes from unknown article {ref.article_id}")
            continue
        if ref.article_id not in cited:
            problems.append(f"{name}: sentence {i + 1} comes from uncited article {ref.article_id}")
        problems += [f"{name}: {p}" for p in _sentence_problems(i, ref, article)]
    if bullet.sentences:
        joined = " ".join(r.shown for r in bullet.sentences)
        if not bullet.text.startswith(joined):
            problems.append(f"{name}: its text does not start with its sentences as printed")
    return problems
