"""The digest writer: extractive bullets, overview, assessments and sections.

A bullet is made of sentences taken from a story's original articles, most reliable articles
first, lightly compressed (``compress.py``): each keeps the exact span it came from, and
every cut or substitution is recorded so ``trace.py`` can check it. Citations and the
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

from ..records import (
    Annotated,
    Arena,
    Article,
    Bullet,
    Citation,
    Desk,
    Digest,
    EntityLink,
    Event,
    Mention,
    Outlet,
    Section,
    Sentence,
    SentenceRef,
    Story,
)
from ..stories.assess import disagreement, figures
from .cite import citation_for, citations_for, format_citations, is_reprint, sort_citations
from .compress import (
    SentenceContext,
    attribution_prefix,
    compress,
    reporting_outlets,
    role_phrase,
    self_attributed,
    usable_role,
)
from .links import entity_links, is_outlet

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
REPEAT_OVERLAP = 0.4  # share of the shorter sentence's content words that makes a repeat
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


@dataclass(frozen=True)
class _Act:
    """One event of a sentence reduced to what makes two reports of it the same."""

    type: str
    actors: frozenset[str]
    targets: frozenset[str]
    future: bool  # announced or possible, not yet done


@dataclass
class _Candidate:
    """A sentence of one article, scored for use in a bullet."""

    ref: SentenceRef
    article_rank: int
    position: int
    score: float
    tokens: frozenset[str]
    mentions: tuple[Mention, ...]
    signature: frozenset[str] = frozenset()
    grade: int = 0  # the outlet's grade, 0 for A: the better-sourced of two repeats stays
    acts: tuple[_Act, ...] = ()  # who did what to whom, from the sentence's events
    details: frozenset[str] = frozenset()  # the dates, places and figures it gives


def anchor_for(story_id: str) -> str:
    """The HTML anchor of a story's full bullet: ``story-<id>`` (unsafe characters dashed)."""
    return "story-" + re.sub(r"[^A-Za-z0-9_.-]", "-", story_id)


_DISPUTE = re.compile(r"(?P<what>[^()]+?)\s+\((?P<a>[^()]+?)\s+vs\.?\s+(?P<b>[^()]+?)\)")


def _values_of(ann: Annotated) -> set[str]:
    """What one report says, in the words a disagreement is phrased in."""
    out: set[str] = set()
    for ev in ann.events:
        if ev.date is not None and ev.mode == "asserted":
            out.add(f"{ev.date:%B} {ev.date.day}")
            out.add(f"{ev.date:%B} {ev.date.day}, {ev.date.year}")
    for _kind, value in figures(ann.article.text or ""):
        out.add(f"{value:,}")
    names = {e.id: e.name for e in ann.entities}
    for ev in ann.events:
        if ev.place and ev.place in names:
            out.add(names[ev.place])
    return out


def _who_says(
    value: str,
    story: Story,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotated],
    outlets: Mapping[str, Outlet],
) -> list[str]:
    found: list[str] = []
    for aid in dict.fromkeys(story.article_ids):
        article = articles.get(aid)
        ann = annotations.get(aid)
        if article is None or is_reprint(story, article, aid):
            continue
        said = _values_of(ann) if ann is not None else set()
        bare = value.split(" ", 1)[0] if value[:1].isdigit() else value
        if value in said or bare in said or value in (article.text or ""):
            name = citation_for(article, outlets).outlet
            if name not in found:
                found.append(name)
    return found


def _dispute_sentence(
    rest: str,
    story: Story,
    articles: Mapping[str, Article] | None,
    annotations: Mapping[str, Annotated] | None,
    outlets: Mapping[str, Outlet] | None,
) -> str:
    """ "Reports differ on the date: DeirEzzor24 gives July 25, Anadolu July 27." when known."""
    if articles is None:
        return f"Reports differ on {rest}."
    named: list[str] = []
    for m in _DISPUTE.finditer(rest):
        what = re.sub(r"^(?:,|and)\s+", "", m["what"].strip())
        first = _who_says(m["a"], story, articles, annotations or {}, outlets or {})
        second = _who_says(m["b"], story, articles, annotations or {}, outlets or {})
        if not first or not second or set(first) & set(second):
            return f"Reports differ on {rest}."
        verb = "give" if len(first) > 1 else "gives"
        named.append(f"{what}: {_and(first)} {verb} {m['a']}, {_and(second)} {m['b']}")
    if not named:
        return f"Reports differ on {rest}."
    return "Reports differ on " + "; and on ".join(named) + "."


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def assessment_for(
    story: Story,
    articles: Mapping[str, Article] | None = None,
    annotations: Mapping[str, Annotated] | None = None,
    outlets: Mapping[str, Outlet] | None = None,
) -> str | None:
    """The analyst's note on credibility printed after the citation, or None.

    With the story's articles at hand, a disagreement names the reports on each side.
    """
    parts: list[str] = []
    if story.credibility >= 6:
        parts.append(NO_WAY_TO_ASSESS)
    elif story.credibility in (4, 5):
        parts.append(NOT_CONFIRMED)
    reason = (story.credibility_reason or "").strip()
    rest = disagreement(reason)
    if rest:
        # the credibility stage says what the reports disagree on ("the date (July 25 vs 27)")
        parts.append(_dispute_sentence(rest, story, articles, annotations, outlets))
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
        # The most reliable outlet leads; among equals the earliest report.
        return (_grade(a, story, outlets), day, stamp.isoformat(), a.id)

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
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+[A-Z][A-Za-z]{1,12}"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+[A-Z]{2,10})"
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


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "he",
        "she",
        "they",
        "we",
        "which",
        "who",
        "whom",
        "said",
        "says",
        "say",
        "told",
        "tell",
        "also",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "not",
        "no",
        "into",
        "over",
        "about",
        "after",
        "before",
        "during",
        "between",
        "than",
        "then",
        "there",
        "here",
        "would",
        "its",
        "our",
        "your",
        "them",
        "him",
        "us",
        "one",
        "two",
        "new",
        "all",
        "any",
        "some",
        "more",
        "most",
        "other",
        "such",
        "only",
        "very",
        "just",
        "last",
        "next",
        "week",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)


# Words that say the same thing in news copy, each group under one key, so that a
# paraphrase ("sever relations" / "end ties") meets its original.
_SYNONYMS = {
    word: key
    for key, words in {
        "relat": "relations relationship relationships ties bonds bond links",
        "meet": "met meet meets meeting meetings talks discussed discuss discusses conferred",
        "end": "end ended ends ending sever severed severs severing cut",
        "expel": "expel expelled expels drive driving oust ousted",
        "pass": "pass passed passes approve approved approves adopt adopted",
        "suppo": "support supports supported back backs backed backing",
        "attac": "attack attacks attacked attacking assail assails assailed",
        "harm": "harm harmed harms damage damaged damages undermine undermined",
        "compa": "companies company firms firm businesses",
        "recon": "reconstruction rebuilding rebuild rebuilt",
        "stage": "stage phase stages phases",
        "reach": "reached entered reach enter",
        "coope": "cooperation collaboration",
    }.items()
    for word in words.split()
}
# Verbs of saying tell who spoke, not what happened: two reports of one statement differ
# in them most ("said", "warned", "stressed").
_SAYING = frozenset(
    [
        "warned",
        "warns",
        "warning",
        "stressed",
        "stresses",
        "noted",
        "notes",
        "added",
        "adds",
        "stated",
        "states",
        "announced",
        "announces",
        "declared",
        "declares",
        "described",
        "describes",
        "explained",
        "explains",
        "speaking",
        "spoke",
        "remarks",
        "remarked",
    ]
)


def _signature(
    text: str, start: int, mentions: Sequence[Mention], skip: set[str]
) -> frozenset[str]:
    """Content words of a sentence, each name standing as its entity, for spotting repeats.

    A description the extractor could not tie to a known entity ("the US ambassador", an id
    local to one article) stays as its words, so it can meet the same words elsewhere.
    """
    keys: set[str] = set()
    masked = list(text)
    for m in mentions:
        if m.label not in SALIENT_LABELS or m.source in ("coreference",):
            continue
        key = _entity_key(m)
        if m.source == "nominal" and "@" in key:
            continue  # local to its article: its words say more than its id
        if key not in skip:
            keys.add("@" + key)
        for i in range(max(m.start - start, 0), min(m.end - start, len(masked))):
            masked[i] = " "
    for word in _WORD.findall("".join(masked)):
        low = word.casefold().replace("’", "'")
        if len(low) < 3 or low in _STOPWORDS or low in _SAYING or low.isdigit():
            continue
        keys.add(_SYNONYMS.get(low) or low[:5])  # a crude stem: "exporting" and "export" meet
    return frozenset(keys)


def _repeats(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when two sentences say the same thing in other words."""
    if not a or not b:
        return False
    shared = len(a & b)
    share = shared / min(len(a), len(b))
    # A short sentence all but contained in a longer one repeats it too.
    return (shared >= 4 and share >= REPEAT_OVERLAP) or (shared >= 3 and share >= 0.75)


# Event types that only say someone spoke: every quote of one speaker shares them.
_SPEECH_EVENTS = frozenset(["STATEMENT", "COMMENT", "DISCLOSE", "PUBLIC_STATEMENT"])
_FIGURE = re.compile(r"\d[\d,.]*")


def _acts(events: Sequence[Event]) -> tuple[_Act, ...]:
    """The events of a sentence with both who acted and on whom, speech aside."""
    out = []
    for ev in events:
        if ev.type in _SPEECH_EVENTS or ev.mode in ("negated", "historical"):
            continue
        actors = frozenset(a.entity_id for a in ev.actors if a.entity_id)
        targets = frozenset(a.entity_id for a in ev.targets if a.entity_id)
        if actors and targets:
            future = ev.mode in ("future", "hypothetical")
            out.append(_Act(ev.type, actors, targets, future))
    return tuple(dict.fromkeys(out))


def _details(
    text: str, start: int, end: int, events: Sequence[Event], dates: Sequence[Any]
) -> frozenset[str]:
    """What a sentence pins down: its days, its events' places and its figures."""
    out = {"#" + n.strip(",.") for n in _FIGURE.findall(text)}
    out |= {f"@{d.value}" for d in dates if d.value and _inside(d.start, d.end, start, end)}
    for ev in events:
        if ev.date is not None:
            out.add(f"@{ev.date}")
        if ev.place:
            out.add("^" + ev.place)
    return frozenset(out)


def _same_act(a: _Candidate, b: _Candidate) -> bool:
    """Same actor, same kind of event, same target: one development told twice.

    Unless ``a`` adds a day, place or figure ``b`` lacks; at least half of ``a``'s events
    must be ``b``'s, and they must share some words, so a sentence that only mentions the
    meeting on its way to news of its own is kept.
    """
    if not a.acts or not b.acts or a.details - b.details:
        return False
    matched = sum(
        1
        for x in a.acts
        if any(
            x.type == y.type
            and x.future == y.future
            and x.actors & y.actors
            and x.targets & y.targets
            for y in b.acts
        )
    )
    return 2 * matched >= len(a.acts) and len(a.signature & b.signature) >= 2


def _repeat_of(cand: _Candidate, chosen: Sequence[_Candidate]) -> _Candidate | None:
    """The chosen sentence that ``cand`` repeats, if any."""
    for c in chosen:
        if (
            _jaccard(cand.tokens, c.tokens) > REPEAT_JACCARD
            or _repeats(cand.signature, c.signature)
            or _same_act(cand, c)
        ):
            return c
    return None


def _candidates(
    story: Story,
    ordered: list[Article],
    annotations: Mapping[str, Annotated],
    desk: Desk,
    outlet_records: Mapping[str, Outlet] | None = None,
) -> list[_Candidate]:
    outlets = _outlet_entities(annotations[a.id] for a in ordered if a.id in annotations)
    salient = _salient(ordered, annotations, desk, outlets)
    grades = {a.id: _grade(a, story, outlet_records or {}) for a in ordered}
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
            # The story's own people and places are in most of its sentences: they say
            # nothing about whether two sentences tell the same thing.
            signature = _signature(sent.text, sent.start, inside, outlets | salient)
            here = [e for e in events if _overlaps(e.start, e.end, sent.start, sent.end)]
            out.append(
                _Candidate(
                    ref,
                    rank,
                    pos,
                    score,
                    _tokens(sent.text),
                    inside,
                    signature,
                    grades[article.id],
                    _acts(here),
                    _details(sent.text, sent.start, sent.end, here, dates),
                )
            )
    return out


def _usable(cand: _Candidate) -> bool:
    text = cand.ref.text
    return (
        len(_WORD.findall(text)) >= MIN_WORDS
        and not is_boilerplate(text)
        and _balanced(text)
        and not text[:1].islower()
    )


def _ranked(cands: list[_Candidate]) -> list[_Candidate]:
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
    return ranked


def _choose(ranked: list[_Candidate], blocked: set[int]) -> list[_Candidate]:
    """Pick 2-5 high-scoring, non-repeating sentences, in reading order."""
    chosen: list[_Candidate] = []
    words = 0
    usable = [c for c in ranked if id(c) not in blocked]
    top = usable[0].score if usable else 0.0
    for cand in usable:
        if len(chosen) >= MAX_SENTENCES:
            break
        twin = _repeat_of(cand, chosen)
        if twin is not None:
            others = [c for c in chosen if c is not twin]
            lost = {d for d in twin.details - cand.details if not d.startswith("^")}
            better = cand.grade < twin.grade or (
                # among equals, the opening sentence of an earlier report: what it is about
                cand.grade == twin.grade
                and cand.article_rank < twin.article_rank
                and cand.position == 0
            )
            if better and not lost and _repeat_of(cand, others) is None:
                # The same news, better sourced and losing no day or figure: it takes the
                # other's place.
                chosen[chosen.index(twin)] = cand
                words += len(_WORD.findall(cand.ref.text)) - len(_WORD.findall(twin.ref.text))
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
    parts = [" ".join(r.shown for r in refs)]
    if citation:
        parts.append(citation)
    if assessment:
        parts.append(assessment)
    return " ".join(p for p in parts if p)


@dataclass
class _Voice:
    """How a story's bullets speak: attribution, names and roles, common words."""

    prefix: str
    attribute: bool
    single: bool  # one independent outlet tells the story
    names: dict[str, str]
    roles: dict[str, str]
    lowers: frozenset[str]
    articles: Mapping[str, Article]
    annotations: Mapping[str, Annotated]
    outlets: Mapping[str, Outlet]


def _voice(
    story: Story,
    ordered: list[Article],
    citations: Sequence[Citation],
    annotations: Mapping[str, Annotated],
    articles: Mapping[str, Article],
    outlets: Mapping[str, Outlet],
    desk: Desk,
) -> _Voice:
    names: dict[str, str] = {}
    roles: dict[str, str] = {}
    words: set[str] = set()
    day = _published_day(ordered[0]) if ordered else None
    for article in ordered:
        words.update(re.findall(r"\b[a-z][a-z'’-]+\b", article.text or ""))
        ann = annotations.get(article.id)
        if ann is None:
            continue
        entities = {e.id: e for e in ann.entities}
        for m in ann.mentions:
            entity = entities.get(m.entity_id or "")
            if m.label != "PERSON" or entity is None or is_outlet(m.entity_id, entity):
                continue
            names.setdefault(entity.id, " ".join(entity.name.split()))
            if entity.id not in roles and m.role and usable_role(m.role):
                # the articles' own words first: the most reliable article's title
                roles[entity.id] = " ".join(m.role.split())
        for entity in entities.values():
            if entity.type == "PERSON" and entity.id not in roles:
                phrase = role_phrase(entity, day, desk.country_terms)
                if phrase:
                    roles[entity.id] = phrase
    # One voice per owner: outlets of one owner are one source.
    independent: list[Outlet] = []
    owners: set[str] = set()
    per_outlet: Counter[str] = Counter()
    for c in citations:
        outlet = outlets.get(c.outlet_id)
        per_outlet[c.outlet_id] += 1
        if outlet is None:
            independent = []
            break
        owner = (outlet.owner or outlet.id).casefold()
        if owner not in owners:
            owners.add(owner)
            independent.append(outlet)
    arena = next((a for a in desk.arenas if a.id == story.arena), None)
    involves = arena.involves if arena is not None else ()
    reports = sum(per_outlet.values()) if len(independent) == 1 else 1
    media = reporting_outlets(independent)
    if len(media) < len(independent):
        independent = media
        reports = per_outlet[media[0].id] if len(media) == 1 else 1
    prefix = attribution_prefix(independent, involves, reports, desk.country_terms)
    return _Voice(
        prefix,
        bool(prefix),
        len(independent) == 1,
        names,
        roles,
        frozenset(words),
        articles,
        annotations,
        outlets,
    )


def _adjacent(prev: _Candidate | None, cand: _Candidate) -> bool:
    return (
        prev is not None
        and prev.ref.article_id == cand.ref.article_id
        and prev.position == cand.position - 1
    )


def _render(chosen: Sequence[_Candidate], voice: _Voice) -> list[SentenceRef] | list[int]:
    """The chosen sentences as printed, or the ids of those that cannot stand."""
    refs: list[SentenceRef] = []
    named: set[str] = set()
    dropped: list[int] = []
    prev: _Candidate | None = None
    for _i, cand in enumerate(chosen):
        article = voice.articles[cand.ref.article_id]
        outlet = voice.outlets.get(article.outlet_id)
        first = not refs
        prefix = voice.prefix if first else ""
        if (
            first
            and prefix
            and voice.single
            and self_attributed(cand.ref.text, outlet, article.outlet_id)
        ):
            prefix = ""  # the sentence names its one source itself; say it once
        ctx = SentenceContext(
            article=article,
            annotated=voice.annotations.get(article.id),
            outlet=outlet,
            first=first,
            adjacent=_adjacent(prev, cand),
            prefix=prefix,
            attribute=voice.attribute,
            named=named,
            roles=voice.roles,
            names=voice.names,
        )
        ref = compress(cand.ref, ctx, voice.lowers)
        if ref is None or len(_WORD.findall(ref.shown)) < MIN_WORDS:
            dropped.append(id(cand))
            continue
        refs.append(ref)
        prev = cand
    return dropped or refs


def _fragment_links(
    ref: SentenceRef, base: int, annotations: Mapping[str, Annotated]
) -> list[tuple[int, EntityLink]]:
    """Entity links of one printed sentence, spans shifted to its place in the bullet."""
    if not ref.written:
        return [(base, link) for link in entity_links([ref], annotations)]
    annotated = annotations.get(ref.article_id)
    if annotated is None:
        return []
    text = annotated.article.text or ""
    out: list[tuple[int, EntityLink]] = []
    entities = {e.id: e for e in annotated.entities}
    # Walk the printed text: kept runs map onto the article's parts in order.
    flat: list[int] = [i for s, e in ref.parts for i in range(s, e)]
    w = c = 0
    reps = sorted(ref.replacements, key=lambda r: r.start)

    def kept_run(w0: int, w1: int, c0: int) -> None:
        pos = c0
        while pos < c0 + (w1 - w0):
            a = flat[pos]
            b = a
            n = pos
            while n < c0 + (w1 - w0) and flat[n] == b:
                b += 1
                n += 1
            piece = SentenceRef(text[a:b], ref.article_id, a, b)
            shift = base + w0 + (pos - c0)
            out.extend((shift, link) for link in entity_links([piece], annotations))
            pos = n

    for rep in reps:
        if rep.start > w:
            kept_run(w, rep.start, c)
            c += rep.start - w
        entity = entities.get(rep.entity_id or "")
        if entity is not None and rep.kind in ("name", "pronoun"):
            shown = ref.written[rep.start : rep.end]
            name = re.split(r",\s|['’]s\b", shown, maxsplit=1)[0]
            role = shown[len(name) :].strip(" ,") or None
            out.append(
                (
                    base + rep.start,
                    EntityLink(
                        id=entity.id,
                        name=" ".join(entity.name.split()),
                        type="PERSON" if entity.type == "PERSON" else entity.type,
                        mentions=(name,),
                        spans=((0, len(name)),),
                        role=role if role and not role.startswith("'") else None,
                    ),
                )
            )
        c += len(rep.original)
        w = rep.end
    if w < len(ref.written):
        kept_run(w, len(ref.written), c)
    return out


def _links(
    refs: Sequence[SentenceRef], annotations: Mapping[str, Annotated]
) -> tuple[EntityLink, ...]:
    """The entities a bullet of these printed sentences names, first seen first."""
    found: list[tuple[int, EntityLink]] = []
    base = 0
    for ref in refs:
        found += _fragment_links(ref, base, annotations)
        base += len(ref.shown) + 1
    merged: dict[str, EntityLink] = {}
    for shift, link in found:
        spans = tuple((s + shift, e + shift) for s, e in link.spans)
        old = merged.get(link.id)
        if old is None:
            merged[link.id] = link.replace(spans=spans)
            continue
        merged[link.id] = old.replace(
            spans=old.spans + spans,
            mentions=tuple(dict.fromkeys(old.mentions + link.mentions)),
            place=old.place or link.place,
            role=old.role or link.role,
        )
    links = [m.replace(spans=tuple(sorted(m.spans))) for m in merged.values()]
    return tuple(sorted(links, key=lambda m: m.spans[0] if m.spans else (0, 0)))


@dataclass
class _Written:
    story: Story
    bullet: Bullet
    chosen: list[_Candidate]
    ranked: list[_Candidate]
    citations: list[Citation]
    voice: _Voice


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
    cands = _candidates(story, ordered, annotations, desk, outlets)
    ranked = _ranked(cands)
    independent = citations_for(story, articles, outlets)
    citations = independent or sort_citations(
        [
            citation_for(articles[a], outlets)
            for a in dict.fromkeys(c.ref.article_id for c in ranked)
        ]
    )
    voice = _voice(story, ordered, citations, annotations, articles, outlets, desk)
    blocked: set[int] = set()
    chosen: list[_Candidate] = []
    refs: list[SentenceRef] = []
    for _ in range(12):  # each round drops at least one sentence that cannot stand
        chosen = _choose(ranked, blocked)
        if not chosen:
            break
        result = _render(chosen, voice)
        if result and isinstance(result[0], int):
            blocked.update(result)  # type: ignore[arg-type]
            continue
        refs = result  # type: ignore[assignment]
        break
    if not refs:
        log.warning(
            "story %s: no usable sentence in its articles; left out of the digest", story.id
        )
        return None
    if not independent:
        # Only reprints were at hand: cite the copies actually quoted rather than nothing.
        quoted = {r.article_id for r in refs}
        citations = [c for c in citations if c.article_id in quoted]
    cited = format_citations(citations, period_from, period_to)
    assessment = assessment_for(story, articles, annotations, outlets)
    bullet = Bullet(
        text=_compose(refs, cited, assessment),
        story_id=story.id,
        sentences=tuple(refs),
        citations=tuple(citations),
        credibility=story.credibility,
        assessment=assessment,
        anchor=anchor_for(story.id),
        entities=_links(refs, annotations),
    )
    return _Written(story, bullet, chosen, ranked, citations, voice)


def _salience_key(story: Story) -> tuple[Any, ...]:
    first = story.first_seen.isoformat() if story.first_seen is not None else "9999"
    return (-story.salience, first, story.id)


def _overview_sentence(w: _Written) -> SentenceRef | None:
    """The one sentence that says the most of a story, written to stand alone."""
    printed = {(r.article_id, r.start): r for r in w.bullet.sentences}
    # Who, what and where together first; then the bullet's own order.
    order = sorted(w.chosen, key=lambda c: (-_coverage(c), -c.score, c.article_rank, c.position))
    order += [c for c in w.ranked if c not in order]
    for cand in order:
        kept = printed.get((cand.ref.article_id, cand.ref.start))
        if kept is not None and kept is w.bullet.sentences[0]:
            return kept  # the bullet's opening already stands alone
        result = _render([cand], w.voice)
        if result and not isinstance(result[0], int):
            return result[0]  # type: ignore[return-value]
    return None


def _told(bullet: Bullet) -> frozenset[str]:
    """The people, groups and places a bullet names; countries and nationalities aside."""
    return frozenset(
        link.id
        for link in bullet.entities
        if link.type != "NORP"
        and not (
            link.place is not None
            and (link.place.precision == "country" or link.place.feature_class == "A")
        )
    )


def _places(bullet: Bullet) -> frozenset[str]:
    """The towns and areas a bullet names (countries aside)."""
    told = _told(bullet)
    return frozenset(link.id for link in bullet.entities if link.type == "LOC" and link.id in told)


def choose_overview(
    stories: Sequence[tuple[Story, Bullet]], size: int, arenas: Sequence[Arena]
) -> list[int]:
    """Which stories the overview tells (indexes into ``stories``), in section order.

    The top story of each arena first, then the most salient of what is not yet told: a
    story that mostly repeats the people and places of one already chosen is discounted,
    and one set in the same town or area as a chosen one (not merely the same country)
    counts at most half, so the overview covers more developments and more of the region.
    """
    ranked = sorted(range(len(stories)), key=lambda i: _salience_key(stories[i][0]))
    arenas = sorted(arenas, key=lambda a: a.priority)
    top: list[int] = []
    for arena in arenas:
        best = next((i for i in ranked if stories[i][0].arena == arena.id), None)
        if best is not None and len(top) < size:
            top.append(best)
    while len(top) < size:
        rest = [i for i in ranked if i not in top]
        if not rest:
            break
        places_told = {p for t in top for p in _places(stories[t][1])}

        def gain(i: int, places_told: set[str] = places_told) -> float:
            told = _told(stories[i][1])
            seen = max((_overlap(told, _told(stories[t][1])) for t in top), default=0.0)
            if _places(stories[i][1]) & places_told:
                seen = max(seen, 0.5)
            return stories[i][0].salience * (1.0 - seen)

        top.append(max(rest, key=lambda i: (gain(i), -ranked.index(i))))
    order = {a.id: n for n, a in enumerate(arenas)}
    top.sort(
        key=lambda i: (
            order.get(stories[i][0].arena or "", len(order)),
            _salience_key(stories[i][0]),
        )
    )
    return top


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _overview(
    written: list[_Written],
    annotations: Mapping[str, Annotated],
    size: int,
    period_from: date,
    period_to: date,
    desk: Desk,
) -> list[Bullet]:
    """One sentence for each story ``choose_overview`` picks, in section order."""
    picked = choose_overview([(w.story, w.bullet) for w in written], size, desk.arenas)
    top = [written[i] for i in picked]
    out = []
    for w in top:
        ref = _overview_sentence(w)
        if ref is None:
            continue
        refs = (ref,)
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
                entities=_links(refs, annotations),
                status=w.bullet.status,
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
    status: Mapping[str, str] | None = None,
) -> Digest:
    """Write the bulletin for one period from assessed stories.

    With ``status`` (story id -> "new" or "developing", against a previous bulletin) only
    those stories are written, each bullet marked; they are taken whatever their dates,
    since an update also carries reports that arrived late for an earlier period.
    """
    if period_to < period_from:
        raise ValueError(f"period ends ({period_to}) before it starts ({period_from})")
    arenas = sorted(enumerate(desk.arenas), key=lambda ia: (ia[1].priority, ia[0]))
    by_arena: dict[str, list[_Written]] = {a.id: [] for _, a in arenas}
    for story in stories:
        if status is not None:
            if story.id not in status:
                continue
        elif not _in_period(story, articles, period_from, period_to):
            continue
        if not story.arena:
            continue
        if story.arena not in by_arena:
            log.warning(
                "story %s: arena %r is not on desk %s; left out", story.id, story.arena, desk.id
            )
            continue
        written = _write_story(story, articles, annotations, outlets, desk, period_from, period_to)
        if written is not None:
            if status is not None:
                written.bullet = written.bullet.replace(status=status[story.id])
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
