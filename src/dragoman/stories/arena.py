"""Which arena of the desk a story belongs to.

An arena is "a development involving an actor of country X that happens in or concerns
country Y". We count, over a story's articles, the mentions that point at each country:
the desk's country terms (names, demonyms, capitals, institutions) and resolved entities
whose country is known. A story belongs to the arena whose `involves` countries are
present and whose `concerns` countries (plus keywords) are mentioned most; titles weigh
more than bodies. Below a minimum the story belongs to no arena.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ..records import Annotated, Arena, Desk

TITLE_WEIGHT = 3.0
MIN_CONCERN = 2.0


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    alts = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not alts:
        return None
    body = "|".join(re.escape(t) for t in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


class ArenaClassifier:
    """Scores stories against a desk's arenas."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        terms: dict[str, set[str]] = {c: set(t) for c, t in desk.country_terms.items()}
        # The desk's places name their country too, in every spelling it knows.
        for actor in desk.actors:
            if actor.type == "LOC" and actor.country in terms:
                terms[actor.country].update((actor.name, *actor.aliases))
        self._countries = {c: _pattern(t) for c, t in terms.items()}
        self._keywords = {a.id: _pattern(a.keywords) for a in desk.arenas}
        self._themes = {theme: _pattern(words) for theme, words in desk.themes.items()}
        self._actor_country = {a.id: a.country for a in desk.actors if a.country}

    def country_counts(self, annotated: Sequence[Annotated]) -> dict[str, float]:
        """Weighted mentions of each country across the given articles."""
        counts: dict[str, float] = defaultdict(float)
        for ann in annotated:
            for text, weight in ((ann.article.title, TITLE_WEIGHT), (ann.article.text, 1.0)):
                for country, pattern in self._countries.items():
                    if pattern is not None:
                        counts[country] += weight * len(pattern.findall(text))
            # Entities known to the desk but not named by a country term still count once each.
            seen: set[str] = set()
            for m in ann.mentions:
                if m.entity_id and m.entity_id not in seen:
                    seen.add(m.entity_id)
                    actor_country = self._actor_country.get(m.entity_id)
                    if actor_country:
                        counts[actor_country] += 0.5
        return counts

    def keyword_counts(self, annotated: Sequence[Annotated]) -> dict[str, float]:
        counts: dict[str, float] = defaultdict(float)
        for ann in annotated:
            for arena_id, pattern in self._keywords.items():
                if pattern is None:
                    continue
                counts[arena_id] += TITLE_WEIGHT * len(pattern.findall(ann.article.title))
                counts[arena_id] += len(pattern.findall(ann.article.text))
        return counts

    def scores(self, annotated: Sequence[Annotated]) -> dict[str, float]:
        """Score of each arena whose involved side takes part; others are left out."""
        countries = self.country_counts(annotated)
        keywords = self.keyword_counts(annotated)
        out: dict[str, float] = {}
        for arena in self.desk.arenas:
            if arena.involves and not any(countries.get(c, 0) > 0 for c in arena.involves):
                continue
            out[arena.id] = sum(countries.get(c, 0) for c in arena.concerns) + 2 * keywords.get(
                arena.id, 0
            )
        return out

    def classify(self, annotated: Sequence[Annotated]) -> str | None:
        """The best arena's id, or None when no arena is concerned enough."""
        scores = self.scores(annotated)
        if not scores:
            return None
        order: Mapping[str, Arena] = {a.id: a for a in self.desk.arenas}
        best = max(scores, key=lambda a: (scores[a], -order[a].priority))
        return best if scores[best] >= MIN_CONCERN else None

    def themes(self, annotated: Sequence[Annotated]) -> tuple[str, ...]:
        """Desk themes whose keywords occur in the story."""
        found = []
        text = " ".join(f"{a.article.title}\n{a.article.text}" for a in annotated)
        for theme, pattern in self._themes.items():
            if pattern is not None and pattern.search(text):
                found.append(theme)
        return tuple(found)
