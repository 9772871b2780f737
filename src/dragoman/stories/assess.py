"""Grades and salience of a story.

Information credibility follows the Admiralty scale (1 confirmed … 6 cannot be judged),
computed from corroboration:

* independent outlets: distinct outlets among a story's original (non-reprint) articles,
  outlets of one owner counted once;
* two or more independent outlets → 2 (probably true); three or more → 1 (confirmed);
* one outlet: 3 (possibly true) when it is graded A–C, 4 (doubtful: unconfirmed, low
  reliability) when D–E, 6 (cannot be judged) when F;
* a claim resting on an anonymous source ("an Arab source", "informed sources") and
  reported by one outlet → 6;
* reports that contradict each other on the date of the main event → at least 4, and the
  reason names the contradiction.

Every grade comes with a one-line reason the digest can print.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..records import Annotated, Desk, Event, Outlet, Story

ANONYMOUS = re.compile(
    r"\b(?:an?|one|two|several)\s+(?:\w+\s+){0,2}?(?:source|informant)s?\b(?!\s+of\b)"
    r"|\b(?:informed|unnamed|anonymous|unidentified|local|security|diplomatic|arab|western)\s+sources?\b"
    r"|\bsources\s+(?:close\s+to|familiar\s+with|said|told|say)\b"
    r"|\baccording\s+to\s+(?:informed\s+|local\s+|arab\s+)?sources\b"
    r"|\bwho\s+(?:spoke\s+on\s+condition\s+of|asked\s+not\s+to\s+be\s+named|requested\s+anonymity)",
    re.IGNORECASE,
)

SEVERITY = {
    "ASSAULT": 1.0,
    "COERCE": 0.9,
    "THREATEN": 0.8,
    "MOBILIZE": 0.7,
    "SANCTION": 0.6,
    "AGREE": 0.6,
    "ACCUSE": 0.5,
    "CONSULT": 0.5,
    "COOPERATE": 0.5,
    "AID": 0.5,
    "REQUEST": 0.4,
    "SUPPORT": 0.4,
    "STATEMENT": 0.2,
}

GRADE_WORDS = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}


@dataclass(frozen=True)
class Grade:
    credibility: int
    reason: str
    independent: tuple[str, ...]
    anonymous: bool = False


def independent_outlets(
    annotated: Sequence[Annotated], outlets: Mapping[str, Outlet]
) -> tuple[str, ...]:
    """Outlet ids of a story's original articles, one per owner, in order of first report."""
    seen_owner: set[str] = set()
    out: list[str] = []
    originals = sorted(
        (a.article for a in annotated if not a.article.duplicate_of),
        key=lambda a: (a.published or datetime.min, a.id),
    )
    for art in originals:
        outlet = outlets.get(art.outlet_id)
        owner = (outlet.owner if outlet and outlet.owner else art.outlet_id).lower()
        if owner not in seen_owner:
            seen_owner.add(owner)
            out.append(art.outlet_id)
    return tuple(out)


def _anonymous(annotated: Sequence[Annotated]) -> bool:
    return any(ANONYMOUS.search(a.article.text) for a in annotated if not a.article.duplicate_of)


def _event_date_conflict(annotated: Sequence[Annotated]) -> str | None:
    """Two outlets dating the same kind of main event differently, as a short phrase."""
    by_type: dict[str, dict[str, set[str]]] = {}
    for ann in annotated:
        if ann.article.duplicate_of:
            continue
        for ev in ann.events:
            if ev.date is None or ev.mode != "asserted" or ev.type == "STATEMENT":
                continue
            actors = ",".join(sorted(a.entity_id or a.text for a in ev.actors))
            key = f"{ev.type}|{actors}"
            by_type.setdefault(key, {}).setdefault(ann.article.outlet_id, set()).add(
                ev.date.isoformat()
            )
    for key, per_outlet in by_type.items():
        if len(per_outlet) < 2:
            continue
        firsts = {o: min(d) for o, d in per_outlet.items()}
        if len(set(firsts.values())) > 1 and all(len(d) == 1 for d in per_outlet.values()):
            parts = ", ".join(f"{o} {d}" for o, d in sorted(firsts.items()))
            return f"the date of the event ({parts})"
    return None


def grade_story(
    annotated: Sequence[Annotated], outlets: Mapping[str, Outlet]
) -> Grade:
    """Information credibility 1–6 of a story with its one-line reason."""
    indep = independent_outlets(annotated, outlets)
    names = [outlets[o].name if o in outlets else o for o in indep]
    anonymous = _anonymous(annotated)
    conflict = _event_date_conflict(annotated)
    if len(indep) >= 3:
        grade, reason = 1, f"confirmed by {len(indep)} independent outlets: {', '.join(names)}"
    elif len(indep) == 2:
        grade, reason = 2, f"reported by two independent outlets: {names[0]} and {names[1]}"
    elif len(indep) == 1:
        rel = outlets[indep[0]].reliability if indep[0] in outlets else "F"
        if anonymous:
            grade = 6
            reason = f"a single outlet ({names[0]}, {rel}) citing an anonymous source"
        elif rel in "ABC":
            grade, reason = 3, f"a single outlet ({names[0]}, reliability {rel}), not confirmed by others"
        elif rel in "DE":
            grade = 4
            reason = f"a single outlet of low reliability ({names[0]}, {rel}), not confirmed by others"
        else:
            grade, reason = 6, f"a single outlet whose reliability cannot be judged ({names[0]})"
    else:
        grade, reason = 6, "no original report"
    if conflict:
        grade = max(grade, 4)
        reason = f"contradicting reports on {conflict}"
    return Grade(grade, reason, indep, anonymous)


def salience(
    annotated: Sequence[Annotated],
    events: Sequence[Event],
    independent: Sequence[str],
    desk: Desk,
) -> float:
    """Importance of a story for the overview: sources, desk actors and event severity."""
    desk_ids = {a.id for a in desk.actors}
    actors = {
        m.entity_id
        for a in annotated
        for m in a.mentions
        if m.entity_id in desk_ids and m.label in ("PERSON", "ORG")
    }
    severity = max((SEVERITY.get(e.type, 0.3) for e in events if e.mode != "negated"), default=0.0)
    originals = sum(1 for a in annotated if not a.article.duplicate_of)
    return round(
        1.5 * math.log1p(len(independent))
        + 0.5 * math.log1p(originals)
        + 0.25 * min(len(actors), 8)
        + 1.0 * severity,
        4,
    )


def assess_story(
    story_id: str,
    annotated: Sequence[Annotated],
    outlets: Mapping[str, Outlet],
    desk: Desk,
    arena: str | None,
    themes: tuple[str, ...] = (),
) -> Story:
    """Build the Story record of a set of articles: dates, grades, credibility, salience."""
    arts = sorted((a.article for a in annotated), key=lambda a: (a.published or datetime.min, a.id))
    dated = [a.published for a in arts if a.published]
    events = tuple(e for a in annotated for e in a.events)
    grade = grade_story(annotated, outlets)
    grades = {
        a.outlet_id: (outlets[a.outlet_id].reliability if a.outlet_id in outlets else "F")
        for a in arts
    }
    return Story(
        id=story_id,
        article_ids=tuple(a.id for a in arts),
        first_seen=min(dated) if dated else None,
        last_seen=max(dated) if dated else None,
        arena=arena,
        themes=themes,
        events=events,
        outlet_grades=grades,
        credibility=grade.credibility,
        credibility_reason=grade.reason,
        salience=salience(annotated, events, grade.independent, desk),
        duplicates={a.id: a.duplicate_of for a in arts if a.duplicate_of},
    )
