"""Incremental story clustering.

A new article joins the most similar open story or starts a new one; the archive is
never re-clustered. Similarity combines TF-IDF cosine over words (IDF from the
documents seen so far), the overlap of resolved entities (weighted by their rarity)
and the distance in days. Reprints join their original's story directly.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..records import Annotated, Article

CLUSTER_LABELS = frozenset({"PERSON", "ORG", "LOC", "NORP"})

# Words of two letters or more, and numbers: figures and years tell similar events apart.
_WORD = re.compile(r"\b\w\w+\b", re.UNICODE)

# A short list: the IDF weighting handles most common words.
_STOP = frozenset(
    """a about after again against all also an and any are as at be because been before being
    between both but by can could did do does during each few for from further had has have he her
    here hers him his how i if in into is it its itself just more most no nor not now of off on once
    only or other our out over own said same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your mr mrs ms according told reported report reports
    news agency week day year today yesterday monday tuesday wednesday thursday friday saturday
    sunday""".split()
)

TOP_TERMS = 40
MAX_CANDIDATES = 50  # stories fully scored for one article

# Reports of different developments in one arena share their places and nationalities far
# more often than their people and groups, so these count for less (``place_weight``).
PLACE_LABELS = frozenset({"LOC", "NORP"})  # terms of a story kept in the candidate index


def tokens(text: str) -> list[str]:
    """Lower-cased content words of a text."""
    out = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word not in _STOP and not word.startswith("_"):
            out.append(word)
    return out


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


@dataclass
class _Doc:
    id: str
    when: datetime | None
    terms: dict[str, float]
    entities: frozenset[str]
    length: int = 0


@dataclass
class _Story:
    id: str
    first: datetime | None
    last: datetime | None
    article_ids: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(
        default_factory=lambda: defaultdict(float)
    )  # summed normalised tf
    entities: Counter[str] = field(default_factory=Counter)
    indexed: set[str] = field(default_factory=set)
    norm2: float = 1.0  # cached squared TF-IDF norm (see StoryClusterer._story_norm2)
    norm_n: int = -1
    norm_size: int = -1

    def add(self, doc: _Doc) -> None:
        self.article_ids.append(doc.id)
        norm = math.sqrt(sum(v * v for v in doc.terms.values())) or 1.0
        for t, v in doc.terms.items():
            self.terms[t] += v / norm
        self.entities.update(doc.entities)
        if doc.when is not None:
            self.first = doc.when if self.first is None else min(self.first, doc.when)
            self.last = doc.when if self.last is None else max(self.last, doc.when)


def story_id_for(article_id: str) -> str:
    """Stable story id derived from the article that opened it."""
    return "s-" + hashlib.sha256(article_id.encode()).hexdigest()[:12]


def cluster_entities(annotated: Annotated | None) -> frozenset[str]:
    """Entity ids that characterise an article for clustering (outlets and dates left out)."""
    if annotated is None:
        return frozenset()
    # outlets say who reported, and things described but never named belong to one article
    skip = {
        e.id
        for e in annotated.entities
        if e.attributes.get("outlet") or e.attributes.get("described")
    }
    return frozenset(
        m.entity_id
        for m in annotated.mentions
        if m.entity_id
        and m.label in CLUSTER_LABELS
        and m.entity_id not in skip
        and m.source not in ("nominal", "coreference")
    )


class StoryClusterer:
    """Assigns a stream of articles to stories, one at a time."""

    def __init__(
        self,
        threshold: float = 0.25,
        window_days: float = 7.0,
        text_weight: float = 0.7,
        day_penalty: float = 0.03,
        short_words: int = 80,
        place_weight: float = 0.4,
    ) -> None:
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self.text_weight = text_weight
        self.day_penalty = day_penalty
        self.short_words = short_words
        self.place_weight = place_weight
        self.stories: dict[str, _Story] = {}
        self.story_of: dict[str, str] = {}
        self._df: Counter[str] = Counter()
        self._edf: Counter[str] = Counter()
        self._n = 0
        self._by_term: dict[str, set[str]] = defaultdict(set)
        self._by_entity: dict[str, set[str]] = defaultdict(set)
        self._places: set[str] = set()  # entity ids mentioned as places or nationalities
        self._idf_cache: dict[str, float] = {}
        self._eidf_cache: dict[str, float] = {}
        self._cache_n = -1
        self._latest: datetime | None = None  # the newest article seen
        self._pruned_at: datetime | None = None

    # --- weights -------------------------------------------------------------------

    def _idf(self, term: str) -> float:
        # the counts change only between articles: one logarithm per term and article
        if self._cache_n != self._n:
            self._idf_cache.clear()
            self._eidf_cache.clear()
            self._cache_n = self._n
        w = self._idf_cache.get(term)
        if w is None:
            w = math.log((self._n + 1) / (self._df.get(term, 0) + 1)) + 1.0
            self._idf_cache[term] = w
        return w

    def _eidf(self, entity: str) -> float:
        if self._cache_n != self._n:
            self._idf_cache.clear()
            self._eidf_cache.clear()
            self._cache_n = self._n
        w = self._eidf_cache.get(entity)
        if w is None:
            w = math.log((self._n + 1) / (self._edf.get(entity, 0) + 1)) + 1.0
            if entity in self._places:
                w *= self.place_weight
            self._eidf_cache[entity] = w
        return w

    def _doc(self, article: Article, annotated: Annotated | None) -> _Doc:
        if annotated is not None:
            self._places.update(
                m.entity_id for m in annotated.mentions if m.entity_id and m.label in PLACE_LABELS
            )
        words = tokens(article.text)
        counts = Counter(tokens(article.title) * 2 + words)
        return _Doc(
            article.id,
            article.published,
            _sublinear(counts),
            cluster_entities(annotated),
            len(words),
        )

    # --- similarity ----------------------------------------------------------------

    def _text_similarity(self, doc: _Doc, story: _Story) -> float:
        dot = 0.0
        a2 = 0.0
        for t, v in doc.terms.items():
            w = v * self._idf(t)
            a2 += w * w
            s = story.terms.get(t)
            if s:
                dot += w * s * self._idf(t)
        if not dot:
            return 0.0
        return dot / math.sqrt(a2 * self._story_norm2(story))

    def _story_norm2(self, story: _Story) -> float:
        """Squared TF-IDF norm of a story, kept until the story or the IDFs move noticeably.

        The IDFs drift slowly as articles arrive; recomputing every story's norm for every
        article would make the stream quadratic. The norm is refreshed when the story has
        changed or the collection has grown by 2 % since it was computed.
        """
        size = len(story.article_ids)
        if story.norm_size == size and self._n <= story.norm_n * 1.02 + 1:
            return story.norm2
        story.norm2 = sum((v * self._idf(t)) ** 2 for t, v in story.terms.items()) or 1.0
        story.norm_n, story.norm_size = self._n, size
        return story.norm2

    def _entity_similarity(self, doc: _Doc, story: _Story) -> float:
        """How far the article's entities are the story's, and the story's the article's.

        The geometric mean of two shares, each weighted by rarity: the share of the
        article's entities that the story names, and the share of the story's entities
        (weighted by how many of its articles name them) that the article names. An
        article naming only the place of a story, not the people every report of it names,
        scores low on the second. A short post cannot name all of a story, so for it the
        second share counts for less.
        """
        if not doc.entities or not story.entities:
            return 0.0
        size = len(story.article_ids) or 1
        mine = shared = theirs = shared_theirs = 0.0
        for e in doc.entities:
            w = self._eidf(e)
            mine += w
            count = story.entities.get(e)
            if count:
                shared += w
                shared_theirs += w * count / size
        for e, count in story.entities.items():
            theirs += self._eidf(e) * count / size
        if not shared:
            return 0.0
        second = 0.5 * min(1.0, doc.length / self.short_words)
        return (shared / mine) ** (1.0 - second) * (shared_theirs / theirs) ** second

    def _in_window(self, doc: _Doc, story: _Story) -> bool:
        if doc.when is None or story.first is None or story.last is None:
            return True
        return story.first - self.window <= doc.when <= story.last + self.window

    def _days_apart(self, doc: _Doc, story: _Story) -> float:
        if doc.when is None or story.first is None or story.last is None:
            return 0.0
        if story.first <= doc.when <= story.last:
            return 0.0
        edge = story.first if doc.when < story.first else story.last
        return abs((doc.when - edge).total_seconds()) / 86400.0

    def score(self, doc: _Doc, story: _Story) -> float:
        """Similarity of an article to a story, 0..1 (minus a small penalty per day apart)."""
        text = self._text_similarity(doc, story)
        if doc.entities and story.entities:
            ents = self._entity_similarity(doc, story)
            # Word overlap says little about a short post; lean on its entities instead.
            weight = self.text_weight * min(1.0, doc.length / self.short_words)
            sim = weight * text + (1 - weight) * ents
        else:
            sim = text
        return sim - self.day_penalty * self._days_apart(doc, story)

    def _candidates(self, doc: _Doc) -> list[str]:
        """The stories worth scoring: those sharing the article's rarest terms and entities.

        Each story found in the indexes gathers the weights of what it shares; only the
        ``MAX_CANDIDATES`` best go on to the full score, so a word or entity that half the
        archive shares does not make every open story a candidate.
        """
        hits: dict[str, float] = defaultdict(float)
        for e in doc.entities:
            w = self._eidf(e)
            for sid in self._by_entity.get(e, ()):
                hits[sid] += w
        ranked = sorted(doc.terms, key=lambda t: -doc.terms[t] * self._idf(t))[:TOP_TERMS]
        for t in ranked:
            w = doc.terms[t] * self._idf(t)
            for sid in self._by_term.get(t, ()):
                hits[sid] += w
        found = [s for s in hits if self._in_window(doc, self.stories[s])]
        if len(found) > MAX_CANDIDATES:
            found = sorted(found, key=lambda s: -hits[s])[:MAX_CANDIDATES]
        return found

    # --- the stream ----------------------------------------------------------------

    def add(
        self,
        article: Article,
        annotated: Annotated | None = None,
        duplicate_of: str | None = None,
    ) -> str:
        """Place one article in a story and return the story id."""
        if article.id in self.story_of:
            return self.story_of[article.id]
        doc = self._doc(article, annotated)
        self._n += 1
        self._df.update(doc.terms.keys())
        self._edf.update(doc.entities)
        self._prune(doc.when)
        if duplicate_of and duplicate_of in self.story_of:
            target = self.story_of[duplicate_of]
        else:
            best, best_score = None, self.threshold
            for sid in self._candidates(doc):
                s = self.score(doc, self.stories[sid])
                if s >= best_score:
                    best, best_score = sid, s
            target = best or story_id_for(article.id)
        story = self.stories.get(target)
        if story is None:
            story = self.stories[target] = _Story(target, None, None)
        story.add(doc)
        self.story_of[article.id] = target
        self._index(story, doc)
        return target

    def _prune(self, when: datetime | None) -> None:
        """Take stories long out of the window off the candidate indexes (once a day of stream).

        A story whose last article is more than two windows older than the newest article
        seen can no longer take new ones, so looking it up costs time for nothing; the
        story itself stays (its members, its id), only its index entries go.
        """
        if when is None:
            return
        if self._latest is None or when > self._latest:
            self._latest = when
        if self._pruned_at is not None and self._latest <= self._pruned_at + timedelta(days=1):
            return
        self._pruned_at = self._latest
        horizon = self._latest - 2 * self.window
        stale = {
            sid
            for sid, st in self.stories.items()
            if st.indexed and st.last is not None and st.last < horizon
        }
        if not stale:
            return
        for index in (self._by_term, self._by_entity):
            for key in [k for k, ids in index.items() if ids & stale]:
                index[key] -= stale
                if not index[key]:
                    del index[key]
        for sid in stale:
            self.stories[sid].indexed = set()

    def _index(self, story: _Story, doc: _Doc) -> None:
        for e in doc.entities:
            self._by_entity[e].add(story.id)
        top = sorted(story.terms, key=lambda t: -story.terms[t] * self._idf(t))[:TOP_TERMS]
        for t in story.indexed - set(top):
            self._by_term[t].discard(story.id)
        for t in top:
            self._by_term[t].add(story.id)
        story.indexed = set(top)

    def assign(
        self, article_id: str, story_id: str, article: Article, annotated: Annotated | None
    ) -> None:
        """Put an article in a given story (restoring stored state or applying a correction)."""
        doc = self._doc(article, annotated)
        if article.id not in self.story_of:
            self._n += 1
            self._df.update(doc.terms.keys())
            self._edf.update(doc.entities)
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = _Story(story_id, None, None)
        story.add(doc)
        self.story_of[article_id] = story_id
        self._index(story, doc)

    def members(self, story_id: str) -> list[str]:
        """Article ids of a story, in the order they joined."""
        story = self.stories.get(story_id)
        return list(story.article_ids) if story else []
