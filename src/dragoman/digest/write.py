"""The digest writer: extractive bullets, overview, assessments and sections.

A bullet is made of whole sentences taken from a story's original articles; the text of a
sentence is never altered, so each one keeps the exact span it came from. Citations and the
credibility assessment follow the sentences, as in a printed bulletin.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..stories.assess import disagreement
from ..records import (
    Annotated,
    Article,
    Bullet,
    Citation,
    Desk,
    Digest,
    Event,
    Mention,
    Outlet,
    Section,
    Sentence,
    SentenceRef,
    Story,
)
from .cite import citation_for, citations_for, format_citations, is_reprint, sort_citations
from .links import entity_links

__all__ = [
    "NOT_CONFIRMED",
    "NO_WAY_TO_ASSESS",
    "anchor_for",
    "assessment_for",
    "build_digest",
]

log = logging.getLogger(__name__)

NO_WAY_TO_ASSESS = "We have no way to assess the credibility of the report."
NOT_CONFIRMED = "The report could not be confirmed by other sources."

MIN_WORDS = 6
MIN_SENTENCES = 2
MAX_SENTENCES = 5
MAX_WORDS = 140  # a bullet longer than this stops growing even below five sentences
REPEAT_JACCARD = 0.5
INDEX_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC"}
SALIENT_LABELS = {"PERSON", "ORG", "LOC", "NORP", "GPE", "FAC"}
RANK = {g: i for i, g in enumerate("ABCDEF")}

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SPLIT = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\s*\n\s*")
_ABBREV = re.compile(
    r"[\"'“‘(\[]?(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Brig|Adm|Gov|Sen|Rep|St|Jr|Sr|vs|"
    r"etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z]|(?:[A-Z]\.)+[A-Z])\."
)
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        (
            r"^\W*(read more|read also|see also|related( articles?| stories)?|more on this|"
            r"click here|subscribe|sign up|follow us|share (this|on)|advertisement)\b"
        ),
        (
            r"^\W*(source|sources|photo|photos|image|picture|credit|caption|video|file photo|"
            r"photo credit)\s*[:|–—-]"
        ),
        r"^\W*(photo|image|picture|pictured|file photo|video)\b",
        r"\((photo|image|picture|credit)\b[^)]*\)\W*$",
        r"\((right|left|center|centre|second from (right|left))\)",
        r"©|\ball rights reserved\b|\bcopyright\b|getty images|https?://|www\.",
        # Attribution with nothing else: "Tasnim reported.", "The Fars news agency said on Monday."
        (
            r"^\W*(according to\s+)?(the\s+)?([\w'’.-]+\s+){0,5}"
            r"(reported|said|says|stated|wrote|announced|added|quoted|cited|reports)"
            r"(\s+(this|that|so|the news|it|on\s+\w+(\s+\d+)?|in a statement|on its website|"
            r"on telegram|on its telegram channel))*\W*$"
        ),
        r"^\W*according to\s+(the\s+)?([\w'’.-]+\s*){1,5}\W*$",
    )
]


@dataclass
class _Candidate:
    """A sentence of one article, scored for use in a bullet."""

    ref: SentenceRef
    article_rank: int
    position: int
    score: float
    tokens: frozenset[str]
    mentions: tuple[Mention, ...]


def anchor_for(story_id: str) -> str:
    """The HTML anchor of a story's full bullet: ``story-<id>`` (unsafe characters dashed)."""
    return "story-" + re.sub(r"[^A-Za-z0-9_.-]", "-", story_id)


def assessment_for(story: Story) -> str | None:
    """The analyst's note on credibility printed after the citation, or None."""
    parts: list[str] = []
    if story.credibility >= 6:
        parts.append(NO_WAY_TO_ASSESS)
    elif story.credibility in (4, 5):
        parts.append(NOT_CONFIRMED)
    reason = (story.credibility_reason or "").strip()
    rest = disagreement(reason)
    if rest:
        # the credibility stage says what the reports disagree on ("the date (July 25 vs 27)")
        parts.append(f"Reports differ on {rest}.")
    return " ".join(parts) or None


def _published_day(article: Article) -> date | None:
    return article.published.date() if article.published is not None else None


def _in_period(story: Story, articles: Mapping[str, Article], start: date, end: date) -> bool:
    for aid in story.article_ids:
        article = articles.get(aid)
        day = _published_day(article) if article is not None else None
        if day is not None and start <= day <= end:
            return True
    return False


def _originals(story: Story, articles: Mapping[str, Article]) -> list[Article]:
    found = [articles[a] for a in dict.fromkeys(story.article_ids) if a in articles]
    originals = [a for a in found if not is_reprint(story, a, a.id)]
    # A story made only of reprints still has something to say; quote the copies then.
    return originals or found


def _grade(article: Article, story: Story, outlets: Mapping[str, Outlet]) -> int:
    grade = story.outlet_grades.get(article.outlet_id)
    if grade is None:
        outlet = outlets.get(article.outlet_id)
        grade = outlet.reliability if outlet is not None else "F"
    return RANK.get(grade, len(RANK))


def _article_order(
    story: Story, originals: list[Article], outlets: Mapping[str, Outlet]
) -> list[Article]:
    def key(a: Article) -> tuple[Any, ...]:
        day = _published_day(a) or date.max
        stamp = a.published or datetime.max
        # Earliest day first; on one day the more reliable outlet leads.
        return (day, _grade(a, story, outlets), stamp.isoformat(), a.id)

    return sorted(originals, key=key)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _abbreviation(text: str, end: int) -> bool:
    words = text[max(0, end - 30) : end].split()
    return bool(words) and _ABBREV.fullmatch(words[-1]) is not None


def split_sentences(article: Article) -> list[Sentence]:
    """A plain splitter used when no annotation gives the article's sentences."""
    text = article.text or ""
    out: list[Sentence] = []
    pos = 0
    for match in _SPLIT.finditer(text):
        end = match.start() + len(match.group(1) or "")
        if match.group(1) is not None and _abbreviation(text, end - len(match.group(1))):
            continue  # "Gen. Soleimani", "U.S. forces": the period ends a word, not a sentence
        s, e = _trim(text, pos, end)
        if e > s:
            out.append(Sentence(article.id, s, e, text[s:e]))
        pos = match.end()
    s, e = _trim(text, pos, len(text))
    if e > s:
        out.append(Sentence(article.id, s, e, text[s:e]))
    return out


# "TEHRAN (Tasnim) – ", "DEIR EZZOR – ", "TEHRAN, Aug. 06 (MNA) – ", "Baghdad, July 29, IRNA – "
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?(?:\s*\([^()]{1,40}\))?"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+[A-Z][A-Za-z]{1,12})"
    r"\s*[-–—]+\s*(?=[A-Z\"“‘'])"
)


def _drop_dateline(text: str, start: int, end: int) -> int:
    """Start of a sentence once a leading dateline is skipped (the span stays exact)."""
    match = _DATELINE.match(text, start, end)
    return match.end() if match and end - match.end() > 20 else start


def _balanced(text: str) -> bool:
    """Quotes open and close inside the sentence (no half of a quotation)."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def _sentences(article: Article, annotated: Annotated | None) -> list[Sentence]:
    """The article's sentences with spans checked against its text."""
    text = article.text or ""
    given = annotated.sentences if annotated is not None else ()
    if not given:
        return split_sentences(article)
    out: list[Sentence] = []
    for sent in given:
        start, end = sent.start, sent.end
        if not (0 <= start < end <= len(text)) or text[start:end] != sent.text:
            # A stale span is repaired when the sentence text can still be found.
            found = text.find(sent.text.strip()) if sent.text.strip() else -1
            if found < 0:
                log.warning(
                    "article %s: sentence span %d-%d does not match its text; skipped",
                    article.id,
                    start,
                    end,
                )
                continue
            start, end = found, found + len(sent.text.strip())
        start, end = _trim(text, start, end)
        start = _drop_dateline(text, start, end)
        if end > start:
            out.append(Sentence(article.id, start, end, text[start:end]))
    return out


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_boilerplate(text: str) -> bool:
    """True for attribution-only lines, link prompts, photo captions and credits."""
    flat = " ".join(text.split())
    return any(p.search(flat) for p in _BOILERPLATE)


def _entity_key(mention: Mention) -> str:
    return mention.entity_id or mention.text.casefold()


def _outlet_entities(annotations: Iterable[Annotated]) -> set[str]:
    return {e.id for ann in annotations for e in ann.entities if e.attributes.get("outlet")}


def _salient(
    originals: list[Article], annotations: Mapping[str, Annotated], desk: Desk, outlets: set[str]
) -> set[str]:
    """Entities that carry the story: named in several of its articles, or watched by the desk."""
    per_article: Counter[str] = Counter()
    total: Counter[str] = Counter()
    watched_ids = {a.id for a in desk.actors}
    watched_names = {n.casefold() for a in desk.actors for n in (a.name, *a.aliases)}
    salient: set[str] = set()
    anns = [annotations[a.id] for a in originals if a.id in annotations]
    for ann in anns:
        keys = []
        for m in ann.mentions:
            key = _entity_key(m)
            if m.label not in SALIENT_LABELS or key in outlets:
                continue
            keys.append(key)
            if m.entity_id in watched_ids or m.text.casefold() in watched_names:
                salient.add(key)
        per_article.update(set(keys))
        total.update(keys)
    if len(anns) > 1:
        salient |= {k for k, n in per_article.items() if n >= 2}
    else:
        # With one article "several articles" cannot happen; repetition inside it stands in.
        salient |= {k for k, n in total.items() if n >= 2}
    return salient


def _events_for(article_id: str, story: Story, annotated: Annotated | None) -> list[Event]:
    events = [e for e in story.events if e.article_id == article_id]
    if annotated is not None:
        events += [e for e in annotated.events if e not in events]
    return events


def _inside(start: int, end: int, s: int, e: int) -> bool:
    return start >= s and end <= e


def _overlaps(start: int, end: int, s: int, e: int) -> bool:
    return start < e and end > s


def _candidates(
    story: Story,
    ordered: list[Article],
    annotations: Mapping[str, Annotated],
    desk: Desk,
) -> list[_Candidate]:
    outlets = _outlet_entities(annotations[a.id] for a in ordered if a.id in annotations)
    salient = _salient(ordered, annotations, desk, outlets)
    out: list[_Candidate] = []
    for rank, article in enumerate(ordered):
        ann = annotations.get(article.id)
        mentions = ann.mentions if ann is not None else ()
        dates = ann.dates if ann is not None else ()
        events = _events_for(article.id, story, ann)
        for pos, sent in enumerate(_sentences(article, ann)):
            inside = tuple(m for m in mentions if _inside(m.start, m.end, sent.start, sent.end))
            keys = {_entity_key(m) for m in inside if m.label in SALIENT_LABELS} - outlets
            n_events = sum(1 for e in events if _overlaps(e.start, e.end, sent.start, sent.end))
            n_dates = sum(1 for d in dates if _inside(d.start, d.end, sent.start, sent.end))
            score = (
                1.0 * len(keys & salient)
                + 0.25 * len(keys - salient)
                + 1.5 * min(n_events, 2)
                + 0.5 * min(n_dates, 2)
                + (1.5, 1.0, 0.5, 0.0)[min(pos, 3)]  # lead sentences carry the news
                + (0.5 if rank == 0 else 0.0)
            )
            ref = SentenceRef(sent.text, article.id, sent.start, sent.end)
            out.append(_Candidate(ref, rank, pos, score, _tokens(sent.text), inside))
    return out


def _usable(cand: _Candidate) -> bool:
    text = cand.ref.text
    return (
        len(_WORD.findall(text)) >= MIN_WORDS
        and not is_boilerplate(text)
        and _balanced(text)
        and not text[:1].islower()
    )


def _choose(cands: list[_Candidate]) -> list[_Candidate]:
    """Pick 2-5 high-scoring, non-repeating sentences, in reading order."""
    ranked = sorted(
        (c for c in cands if _usable(c)),
        key=lambda c: (-c.score, c.article_rank, c.position),
    )
    if not ranked:
        # Nothing passes the filters: a short sentence is better than no bullet.
        ranked = sorted(
            (c for c in cands if c.ref.text.strip() and not is_boilerplate(c.ref.text)),
            key=lambda c: (c.article_rank, c.position),
        )[:1]
    chosen: list[_Candidate] = []
    words = 0
    top = ranked[0].score if ranked else 0.0
    for cand in ranked:
        if len(chosen) >= MAX_SENTENCES:
            break
        if any(_jaccard(cand.tokens, c.tokens) > REPEAT_JACCARD for c in chosen):
            continue
        n = len(_WORD.findall(cand.ref.text))
        if len(chosen) >= MIN_SENTENCES and (
            cand.score < max(1.0, 0.4 * top) or words + n > MAX_WORDS
        ):
            break
        chosen.append(cand)
        words += n
    return sorted(chosen, key=lambda c: (c.article_rank, c.ref.start))


def _coverage(cand: _Candidate) -> int:
    """Distinct people, groups and places a sentence names."""
    return len({_entity_key(m) for m in cand.mentions if m.label in SALIENT_LABELS})


def _compose(refs: Sequence[SentenceRef], citation: str, assessment: str | None) -> str:
    parts = [" ".join(r.text for r in refs)]
    if citation:
        parts.append(citation)
    if assessment:
        parts.append(assessment)
    return " ".join(p for p in parts if p)


@dataclass
class _Written:
    story: Story
    bullet: Bullet
    best: _Candidate
    chosen: list[_Candidate]
    citations: list[Citation]


def _write_story(
    story: Story,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotated],
    outlets: Mapping[str, Outlet],
    desk: Desk,
    period_from: date,
    period_to: date,
) -> _Written | None:
    ordered = _article_order(story, _originals(story, articles), outlets)
    cands = _candidates(story, ordered, annotations, desk)
    chosen = _choose(cands)
    if not chosen:
        log.warning(
            "story %s: no usable sentence in its articles; left out of the digest", story.id
        )
        return None
    citations = citations_for(story, articles, outlets)
    if not citations:
        # Only reprints were at hand: cite the copies actually quoted rather than nothing.
        quoted = dict.fromkeys(c.ref.article_id for c in chosen)
        citations = sort_citations([citation_for(articles[a], outlets) for a in quoted])
    cited = format_citations(citations, period_from, period_to)
    assessment = assessment_for(story)
    refs = tuple(c.ref for c in chosen)
    bullet = Bullet(
        text=_compose(refs, cited, assessment),
        story_id=story.id,
        sentences=refs,
        citations=tuple(citations),
        credibility=story.credibility,
        assessment=assessment,
        anchor=anchor_for(story.id),
        entities=entity_links(refs, annotations),
    )
    # The overview's one sentence should say the most: who, what and where together.
    best = max(chosen, key=lambda c: (_coverage(c), c.score, -c.article_rank, -c.position))
    return _Written(story, bullet, best, chosen, citations)


def _salience_key(story: Story) -> tuple[Any, ...]:
    first = story.first_seen.isoformat() if story.first_seen is not None else "9999"
    return (-story.salience, first, story.id)


def _overview(
    written: list[_Written],
    annotations: Mapping[str, Annotated],
    size: int,
    period_from: date,
    period_to: date,
    desk: Desk,
) -> list[Bullet]:
    """The top story of each arena first, then the next most salient; in section order."""
    ranked = sorted(written, key=lambda w: _salience_key(w.story))
    arenas = sorted(desk.arenas, key=lambda a: a.priority)
    top: list[_Written] = []
    for arena in arenas:
        best = next((w for w in ranked if w.story.arena == arena.id), None)
        if best is not None and len(top) < size:
            top.append(best)
    for w in ranked:
        if len(top) >= size:
            break
        if w not in top:
            top.append(w)
    order = {a.id: i for i, a in enumerate(arenas)}
    top.sort(key=lambda w: (order.get(w.story.arena or "", len(order)), _salience_key(w.story)))
    out = []
    for w in top:
        refs = (w.best.ref,)
        cited = format_citations(w.citations, period_from, period_to)
        out.append(
            Bullet(
                text=_compose(refs, cited, w.bullet.assessment),
                story_id=w.story.id,
                sentences=refs,
                citations=tuple(w.citations),
                credibility=w.story.credibility,
                assessment=w.bullet.assessment,
                anchor=w.bullet.anchor,
                entities=entity_links(refs, annotations),
            )
        )
    return out


def _entity_index(
    written: list[_Written], annotations: Mapping[str, Annotated]
) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for w in written:
        for cand in w.chosen:
            ann = annotations.get(cand.ref.article_id)
            entities = {e.id: e for e in ann.entities} if ann is not None else {}
            for m in cand.mentions:
                entity = entities.get(m.entity_id) if m.entity_id else None
                if entity is not None and entity.attributes.get("outlet"):
                    continue
                kind = INDEX_TYPES.get(entity.type if entity is not None else m.label)
                if kind is None and entity is not None:
                    kind = INDEX_TYPES.get(m.label)
                if kind is None:
                    continue
                name = (entity.name if entity is not None else m.text).strip()
                name = " ".join(name.split())
                if not name:
                    continue
                anchors = index.setdefault(name, [])
                if w.bullet.anchor not in anchors:
                    anchors.append(w.bullet.anchor)
    return {k: index[k] for k in sorted(index, key=str.casefold)}


def _short(text: str, words: int = 25) -> str:
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + " …"


def _timeline(
    written: list[_Written],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotated],
    desk: Desk,
    period_from: date,
    period_to: date,
) -> list[dict[str, Any]]:
    # Events shortly before the period explain it, and announced ones shortly after matter.
    margin = timedelta(days=max(desk.cadence_days, 0))
    low, high = period_from - margin, period_to + margin
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for w in written:
        events = list(w.story.events)
        if not events:
            for aid in w.story.article_ids:
                ann = annotations.get(aid)
                if ann is not None and not is_reprint(w.story, articles.get(aid), aid):
                    events.extend(ann.events)
        for ev in events:
            if (
                ev.date is None
                or not (low <= ev.date <= high)
                or ev.mode in ("negated", "hypothetical")
            ):
                continue
            article = articles.get(ev.article_id)
            text = article.text if article is not None else ""
            if not (0 <= ev.start < ev.end <= len(text)):
                continue
            key = (ev.date, ev.type, w.story.id)
            if key in rows:
                continue
            rows[key] = {
                "date": ev.date.isoformat(),
                "type": ev.type,
                "mode": ev.mode,
                "text": _short(text[ev.start : ev.end]),
                "story_id": w.story.id,
                "anchor": w.bullet.anchor,
                "article_id": ev.article_id,
                "start": ev.start,
                "end": ev.end,
            }
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], rows[k]["anchor"], k[1]))]


def build_digest(
    stories: Sequence[Story],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotated],
    outlets: Mapping[str, Outlet],
    desk: Desk,
    period_from: date,
    period_to: date,
    overview_size: int = 4,
    title: str | None = None,
) -> Digest:
    """Write the bulletin for one period from assessed stories."""
    if period_to < period_from:
        raise ValueError(f"period ends ({period_to}) before it starts ({period_from})")
    arenas = sorted(enumerate(desk.arenas), key=lambda ia: (ia[1].priority, ia[0]))
    by_arena: dict[str, list[_Written]] = {a.id: [] for _, a in arenas}
    for story in stories:
        if not story.arena or not _in_period(story, articles, period_from, period_to):
            continue
        if story.arena not in by_arena:
            log.warning(
                "story %s: arena %r is not on desk %s; left out", story.id, story.arena, desk.id
            )
            continue
        written = _write_story(story, articles, annotations, outlets, desk, period_from, period_to)
        if written is not None:
            by_arena[story.arena].append(written)
    sections: list[Section] = []
    all_written: list[_Written] = []
    for _, arena in arenas:
        items = sorted(by_arena[arena.id], key=lambda w: _salience_key(w.story))
        if not items:
            continue
        all_written.extend(items)
        sections.append(Section(arena.title, arena.id, tuple(w.bullet for w in items)))
    return Digest(
        title=title or desk.title,
        period_from=period_from,
        period_to=period_to,
        overview=tuple(
            _overview(all_written, annotations, overview_size, period_from, period_to, desk)
        ),
        sections=tuple(sections),
        entity_index=_entity_index(all_written, annotations),
        timeline=tuple(_timeline(all_written, articles, annotations, desk, period_from, period_to)),
    )
