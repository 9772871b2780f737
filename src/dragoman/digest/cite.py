"""Citations: which articles a bullet cites, and how the citation reads.

A citation names the outlet as it wants to be cited and the day of publication,
in the bulletin's style: ``(DeirEzzor24, July 29; the Turkish Anadolu Agency, July 27)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..records import Article, Citation, Outlet, Story

__all__ = [
    "CitationGroup",
    "citation_for",
    "citation_groups",
    "citations_for",
    "format_citations",
    "format_date",
    "format_period",
    "is_reprint",
    "sort_citations",
]


@dataclass(frozen=True)
class CitationGroup:
    """One outlet over a run of consecutive days, as it appears inside the parentheses."""

    outlet: str
    label: str  # "IRNA, July 29-30"
    first: date | None
    citations: tuple[Citation, ...]


def _spans_years(period_from: date, period_to: date) -> bool:
    return period_from.year != period_to.year


def format_date(d: date, period_from: date, period_to: date) -> str:
    """A day as the bulletin writes it: "July 29", with the year when the period spans two."""
    text = f"{d:%B} {d.day}"
    return f"{text}, {d.year}" if _spans_years(period_from, period_to) else text


def format_period(period_from: date, period_to: date) -> str:
    """The period as a heading line: "July 28 – August 11, 2019"."""
    if period_from == period_to:
        return f"{period_from:%B} {period_from.day}, {period_from.year}"
    if _spans_years(period_from, period_to):
        return (
            f"{period_from:%B} {period_from.day}, {period_from.year} – "
            f"{period_to:%B} {period_to.day}, {period_to.year}"
        )
    return f"{period_from:%B} {period_from.day} – {period_to:%B} {period_to.day}, {period_to.year}"


def _format_range(first: date, last: date, period_from: date, period_to: date) -> str:
    if first == last:
        return format_date(first, period_from, period_to)
    with_year = _spans_years(period_from, period_to)
    if first.year != last.year:
        return f"{first:%B} {first.day}, {first.year}-{last:%B} {last.day}, {last.year}"
    if first.month == last.month:
        text = f"{first:%B} {first.day}-{last.day}"
    else:
        text = f"{first:%B} {first.day}-{last:%B} {last.day}"
    return f"{text}, {last.year}" if with_year else text


def _name_key(name: str) -> str:
    return name.casefold()


def citation_groups(
    citations: Sequence[Citation], period_from: date, period_to: date
) -> list[CitationGroup]:
    """Citations merged per outlet over consecutive days, in date order (ties by outlet name)."""
    by_outlet: dict[str, list[Citation]] = {}
    for cit in citations:
        by_outlet.setdefault(cit.outlet, []).append(cit)
    groups: list[CitationGroup] = []
    for outlet, cits in by_outlet.items():
        dated = sorted(
            (c for c in cits if c.date is not None), key=lambda c: (c.date, c.article_id)
        )
        undated = [c for c in cits if c.date is None]
        run: list[Citation] = []
        for cit in dated:
            assert cit.date is not None
            prev = run[-1].date if run else None
            # Same day or the next day continues the run; a gap starts a new one.
            if prev is not None and cit.date - prev > timedelta(days=1):
                groups.append(_group(outlet, run, period_from, period_to))
                run = []
            run.append(cit)
        if run:
            groups.append(_group(outlet, run, period_from, period_to))
        if undated:
            groups.append(CitationGroup(outlet, outlet, None, tuple(undated)))
    # Undated citations go last: the reader still sees the outlet, just no day.
    groups.sort(key=lambda g: (g.first is None, g.first or date.max, _name_key(g.outlet)))
    return groups


def _group(outlet: str, run: list[Citation], period_from: date, period_to: date) -> CitationGroup:
    first, last = run[0].date, run[-1].date
    assert first is not None and last is not None
    label = f"{outlet}, {_format_range(first, last, period_from, period_to)}"
    return CitationGroup(outlet, label, first, tuple(run))


def format_citations(citations: Sequence[Citation], period_from: date, period_to: date) -> str:
    """The parenthesised citation string; empty when there is nothing to cite."""
    groups = citation_groups(citations, period_from, period_to)
    if not groups:
        return ""
    return "(" + "; ".join(g.label for g in groups) + ")"


def is_reprint(story: Story, article: Article | None, article_id: str) -> bool:
    """True when the article repeats another one and must not count as a source."""
    if article_id in story.duplicates:
        return True
    return article is not None and bool(article.duplicate_of)


def citation_for(article: Article, outlets: Mapping[str, Outlet]) -> Citation:
    """The citation of one article: outlet display name, UTC day, id and URL."""
    outlet = outlets.get(article.outlet_id)
    name = outlet.name if outlet is not None and outlet.name else article.outlet_id
    day = article.published.date() if article.published is not None else None
    return Citation(
        outlet=name,
        date=day,
        article_id=article.id,
        url=article.url or None,
        outlet_id=article.outlet_id,
    )


def sort_citations(citations: Sequence[Citation]) -> list[Citation]:
    """Citations in date order, ties by outlet name (undated last)."""
    return sorted(
        citations,
        key=lambda c: (c.date is None, c.date or date.max, _name_key(c.outlet), c.article_id),
    )


def citations_for(
    story: Story, articles: Mapping[str, Article], outlets: Mapping[str, Outlet]
) -> list[Citation]:
    """One citation per independent article of the story, in date order."""
    out: list[Citation] = []
    for aid in dict.fromkeys(story.article_ids):
        article = articles.get(aid)
        # An article the caller did not hand over cannot be dated or linked: leave it out.
        if article is None or is_reprint(story, article, aid):
            continue
        out.append(citation_for(article, outlets))
    return sort_citations(out)
