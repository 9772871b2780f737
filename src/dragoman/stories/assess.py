"""Grades and salience of a story.

Information credibility follows the Admiralty scale (1 confirmed … 6 cannot be judged) and is
computed from corroboration; every threshold is a field of `CredibilityRules`, which a desk's
``credibility:`` section overrides:

* independent outlets: distinct outlets among a story's original (non-reprint) articles,
  outlets of one owner counted once;
* ``confirmed_outlets`` or more independent outlets → 1; ``probable_outlets`` or more → 2;
* one outlet: the grade ``single_outlet_grades`` gives its reliability (A–C → 3, D–E → 4, F → 6);
* one outlet whose report rests on an anonymous source → ``anonymous_grade`` (6); several
  outlets that all rest on anonymous sources → at least ``anonymous_corroborated_grade`` (3);
* reports that contradict each other on the date (``contradiction_days``), the place
  (``contradiction_km``) or the figures (``figure_ratio``) of one event → at least
  ``contradiction_grade`` (4).

Salience orders the overview; its weights are the fields of `SalienceWeights`, overridden by
a desk's ``salience:`` section. Both are described in ``docs/credibility.md``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

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

SINGLE_OUTLET_GRADES = {"A": 3, "B": 3, "C": 3, "D": 4, "E": 4, "F": 6}

# What each setting of a desk's credibility: and salience: sections holds; the desk loader
# checks values against these kinds, so the names and defaults live in one place (the
# dataclasses below) and the kinds here.
CREDIBILITY_SETTINGS = {
    "confirmed_outlets": "count",
    "probable_outlets": "count",
    "single_outlet_grades": "grades_by_reliability",
    "anonymous_grade": "grade",
    "anonymous_corroborated_grade": "grade",
    "anonymous_phrases": "phrases",
    "builtin_anonymous_phrases": "yes_no",
    "contradiction_grade": "grade",
    "contradiction_days": "count",
    "contradiction_km": "positive",
    "figure_ratio": "ratio",
}
SALIENCE_SETTINGS = {
    "independent_outlets": "weight",
    "original_articles": "weight",
    "desk_actors": "weight",
    "max_desk_actors": "count",
    "severity": "weight",
    "default_severity": "weight",
    "severity_table": "severity_by_type",
    "repeat_penalty": "weight",
    "main_entities": "count",
}


@dataclass(frozen=True)
class CredibilityRules:
    """Thresholds of the credibility grade; a desk's ``credibility:`` section overrides them."""

    confirmed_outlets: int = 3
    probable_outlets: int = 2
    single_outlet_grades: Mapping[str, int] = field(
        default_factory=lambda: dict(SINGLE_OUTLET_GRADES)
    )
    anonymous_grade: int = 6
    anonymous_corroborated_grade: int = 3
    anonymous_phrases: tuple[str, ...] = ()
    builtin_anonymous_phrases: bool = True
    contradiction_grade: int = 4
    contradiction_days: int = 2
    contradiction_km: float = 50.0
    figure_ratio: float = 1.5

    @classmethod
    def from_desk(cls, desk: Desk | None) -> CredibilityRules:
        """The rules with the desk's overrides applied (defaults when the desk sets none)."""
        given = dict(getattr(desk, "credibility", None) or {}) if desk is not None else {}
        if "single_outlet_grades" in given:
            given["single_outlet_grades"] = {
                **SINGLE_OUTLET_GRADES,
                **given["single_outlet_grades"],
            }
        if "anonymous_phrases" in given:
            given["anonymous_phrases"] = tuple(given["anonymous_phrases"])
        return cls(**_known(cls, given))

    def anonymous_pattern(self) -> re.Pattern[str] | None:
        """The built-in anonymous-source pattern joined with the desk's own phrases."""
        parts = [ANONYMOUS.pattern] if self.builtin_anonymous_phrases else []
        for phrase in self.anonymous_phrases:
            words = [re.escape(w) for w in phrase.split()]
            if words:
                parts.append(r"\b" + r"\s+".join(words) + r"\b")
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@dataclass(frozen=True)
class SalienceWeights:
    """Weights of the salience score; a desk's ``salience:`` section overrides them."""

    independent_outlets: float = 1.5
    original_articles: float = 0.5
    desk_actors: float = 0.25
    max_desk_actors: int = 8
    severity: float = 1.0
    default_severity: float = 0.3
    severity_table: Mapping[str, float] = field(default_factory=lambda: dict(SEVERITY))
    repeat_penalty: float = 1.0
    main_entities: int = 5

    @classmethod
    def from_desk(cls, desk: Desk | None) -> SalienceWeights:
        """The weights with the desk's overrides applied (defaults when the desk sets none)."""
        given = dict(getattr(desk, "salience", None) or {}) if desk is not None else {}
        if "severity_table" in given:
            given["severity_table"] = {**SEVERITY, **given["severity_table"]}
        return cls(**_known(cls, given))


def _known(cls: type, given: Mapping[str, Any]) -> dict[str, Any]:
    # The loader rejects unknown keys; a hand-built Desk may still carry stray ones.
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in given.items() if k in names}


@dataclass(frozen=True)
class Grade:
    credibility: int
    reason: str
    independent: tuple[str, ...]
    anonymous: bool = False
    contradictions: tuple[str, ...] = ()  # e.g. "the date (July 25 vs July 27)"


def independent_outlets(
    annotated: Sequence[Annotated], outlets: Mapping[str, Outlet]
) -> tuple[str, ...]:
    """Outlet ids of a story's original articles, one per owner, in order of first report."""
    seen_owner: set[str] = set()
    out: list[str] = []
    for art in _originals(annotated):
        key = _owner_key(art.article.outlet_id, outlets)
        if key not in seen_owner:
            seen_owner.add(key)
            out.append(art.article.outlet_id)
    return tuple(out)


def _owner_key(outlet_id: str, outlets: Mapping[str, Outlet]) -> str:
    """Who stands behind an outlet: its owner when the registry names one, else the outlet."""
    outlet = outlets.get(outlet_id)
    owner = outlet.owner if outlet is not None and outlet.owner.strip() else outlet_id
    return " ".join(owner.casefold().split())


def _originals(annotated: Sequence[Annotated]) -> list[Annotated]:
    """A story's original (non-reprint) articles, first published first."""
    return sorted(
        (a for a in annotated if not a.article.duplicate_of),
        key=lambda a: (_naive(a.article.published), a.article.id),
    )


def _naive(moment: datetime | None) -> datetime:
    # Aware and naive datetimes cannot be compared; order on the wall-clock reading.
    return moment.replace(tzinfo=None) if moment is not None else datetime.min


# --- anonymous sources ---------------------------------------------------------------------


def _anonymous_owners(
    annotated: Sequence[Annotated], outlets: Mapping[str, Outlet], pattern: re.Pattern[str] | None
) -> set[str]:
    """Owners (see `_owner_key`) with an original report that cites an unnamed source."""
    if pattern is None:
        return set()
    return {
        _owner_key(a.article.outlet_id, outlets)
        for a in annotated
        if not a.article.duplicate_of and pattern.search(a.article.text)
    }


# --- contradictions -------------------------------------------------------------------------


def _event_key(ev: Event) -> str | None:
    """What makes two reports' events the same event: its type and its actors."""
    if ev.mode != "asserted" or ev.type == "STATEMENT":
        return None
    actors = ",".join(sorted(a.entity_id or a.text.casefold() for a in ev.actors))
    return f"{ev.type}|{actors}"


def _per_outlet(annotated: Sequence[Annotated], value: Any) -> dict[str, dict[str, set[Any]]]:
    """Event key -> outlet id -> the values `value(event)` its original reports give."""
    out: dict[str, dict[str, set[Any]]] = {}
    for ann in annotated:
        if ann.article.duplicate_of:
            continue
        for ev in ann.events:
            key = _event_key(ev)
            got = value(ann, ev) if key else None
            if got is not None:
                out.setdefault(key, {}).setdefault(ann.article.outlet_id, set()).add(got)  # type: ignore[arg-type]
    return out


def _closest_apart(
    per_outlet: Mapping[str, set[Any]],
    distance: Callable[[Any, Any], float],
    clash: Callable[[float], bool],
) -> tuple[Any, Any] | None:
    """Two outlets' values that are the closest of their sets yet still clash, or None."""
    outlets = sorted(per_outlet)
    worst: tuple[float, Any, Any] | None = None
    for i, first in enumerate(outlets):
        for second in outlets[i + 1 :]:
            pairs = [(distance(x, y), x, y) for x in per_outlet[first] for y in per_outlet[second]]
            best = min(pairs, key=lambda p: p[0])
            # The outlets agree when any of their values lie close together.
            if clash(best[0]) and (worst is None or best[0] > worst[0]):
                worst = best
    return (worst[1], worst[2]) if worst else None


def _day(d: date, other: date) -> str:
    text = f"{d:%B} {d.day}"
    return f"{text}, {d.year}" if d.year != other.year else text


def _date_conflict(annotated: Sequence[Annotated], rules: CredibilityRules) -> str | None:
    by_key = _per_outlet(annotated, lambda ann, ev: ev.date)
    for _key, per_outlet in sorted(by_key.items()):
        if len(per_outlet) < 2:
            continue
        pair = _closest_apart(
            per_outlet, lambda x, y: abs((x - y).days), lambda d: d >= rules.contradiction_days
        )
        if pair:
            a, b = sorted(pair)
            return f"the date ({_day(a, b)} vs {_day(b, a)})"
    return None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (lat, lon) points."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _place_index(
    annotated: Sequence[Annotated], desk: Desk | None
) -> dict[str, tuple[str, float, float]]:
    """Place entity id -> (name, lat, lon) from the story's entities and the desk's places."""
    out: dict[str, tuple[str, float, float]] = {}
    if desk is not None:
        for actor in desk.actors:
            if actor.lat is not None and actor.lon is not None:
                out[actor.id] = (actor.name, actor.lat, actor.lon)
    for ann in annotated:
        for ent in ann.entities:
            p = ent.place
            # A country's or region's centre says nothing about where on it things happened.
            broad = p is not None and (
                p.precision in ("country", "region") or p.feature_class == "A"
            )
            if p is not None and p.lat is not None and p.lon is not None and not broad:
                out.setdefault(ent.id, (ent.name or p.name, p.lat, p.lon))
    return out


def _place_conflict(
    annotated: Sequence[Annotated], rules: CredibilityRules, desk: Desk | None
) -> str | None:
    places = _place_index(annotated, desk)
    if not places:
        return None
    # Only dated events are compared, one day at a time: a tour or a series of meetings
    # has one actor at several places, on several days.
    by_key: dict[str, dict[str, set[Any]]] = {}
    placed = _per_outlet(
        annotated,
        lambda ann, ev: (ev.date, places[ev.place]) if ev.date and ev.place in places else None,
    )
    for key, per_outlet in placed.items():
        for outlet, values in per_outlet.items():
            for day, place in values:
                by_key.setdefault(f"{key}|{day}", {}).setdefault(outlet, set()).add(place)
    for _key, per_outlet in sorted(by_key.items()):
        if len(per_outlet) < 2:
            continue
        pair = _closest_apart(
            per_outlet, lambda x, y: _km(x[1:], y[1:]), lambda d: d > rules.contradiction_km
        )
        if pair:
            a, b = sorted(pair)
            return f"the place ({a[0]} vs {b[0]})"
    return None


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_KINDS = {
    "killed": "killed", "dead": "killed", "died": "killed", "deaths": "killed",
    "fatalities": "killed", "killing": "killed", "toll": "killed",
    "wounded": "wounded", "injured": "wounded", "hurt": "wounded", "wounding": "wounded",
    "injuring": "wounded",
    "casualties": "casualties",
    "arrested": "arrested", "detained": "arrested", "arresting": "arrested",
    "detaining": "arrested", "captured": "arrested", "abducted": "arrested",
    "kidnapped": "arrested",
}  # fmt: skip
_PEOPLE = (
    "people|persons|civilians|soldiers|fighters|militants|militiamen|members|troops|officers|"
    "children|women|men|policemen|guards|advisers|advisors|commanders|recruits|protesters|"
    "demonstrators|worshippers|pilgrims|workers|residents|refugees|prisoners|detainees"
)
_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+|" + "|".join(_NUMBER_WORDS) + r")"
    r"(?:\s+(?P<scale>hundred|thousand|million))?"
)
_CASUALTY = "|".join(sorted(_KINDS, key=len, reverse=True))
# "killing 12", "wounded at least 30", "the death toll rose to 40"
_VERB_FIRST = re.compile(
    rf"\b(?P<kind>killing|killed|wounding|wounded|injuring|injured|arresting|arrested|detaining|detained|toll)"
    rf"\s+(?:(?:rose|climbed|reached|stands|stood|was|is|of|to|at|least|about|around|some|nearly|"
    rf"almost|over|more|than)\s+){{0,3}}{_NUM}\b",
    re.IGNORECASE,
)
# "12 people were killed", "30 wounded", "five Iranian advisers killed", "200 protesters";
# not "one of the commanders", which names a person rather than counts people.
_NUMBER_FIRST = re.compile(
    rf"\b{_NUM}\s+(?:(?!of\b)[\w'-]+\s+){{0,3}}?(?P<noun>{_CASUALTY}|{_PEOPLE})\b"
    rf"(?:\s+(?:were|was|had\s+been|have\s+been|has\s+been|are|being)?\s*(?P<verb>{_CASUALTY})\b)?",
    re.IGNORECASE,
)


def _value(num: str, scale: str | None) -> int | None:
    raw = num.casefold().replace(",", "")
    value = _NUMBER_WORDS.get(raw) if not raw.isdigit() else int(raw)
    if value is None:
        return None
    if scale:
        value *= _SCALE[scale.casefold()]
    elif raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100:
        return None  # a year, not a count
    return value


def figures(text: str) -> list[tuple[str, int]]:
    """Counts of people a text gives, in text order, as (kind, number).

    The kind is killed, wounded, casualties, arrested or, for a bare count, people.
    """
    found: dict[int, tuple[str, int]] = {}
    for m in _VERB_FIRST.finditer(text):
        value = _value(m["num"], m["scale"])
        if value is not None:
            found[m.start("num")] = (_KINDS[m["kind"].casefold()], value)
    for m in _NUMBER_FIRST.finditer(text):
        # "killing 12 people": the verb before the number already said what the count is.
        value = _value(m["num"], m["scale"])
        if value is None or m.start("num") in found:
            continue
        word = (m["verb"] or m["noun"]).casefold()
        found[m.start("num")] = (_KINDS.get(word, "people"), value)
    return [found[pos] for pos in sorted(found)]


_FIGURE_WORDS = {
    "killed": ("the casualty figures", " killed"),
    "wounded": ("the casualty figures", " wounded"),
    "casualties": ("the casualty figures", ""),
    "arrested": ("the number arrested", ""),
    "people": ("the figures", " people"),
}


def _log_gap(x: int, y: int) -> float:
    return abs(math.log(max(x, 1)) - math.log(max(y, 1)))


def _figure_conflict(annotated: Sequence[Annotated], rules: CredibilityRules) -> str | None:
    originals = _originals(annotated)
    per_article = [(a, figures(f"{a.article.title}\n{a.article.text}")) for a in originals]
    limit = math.log(rules.figure_ratio)
    for kind in ("killed", "wounded", "casualties", "arrested", "people"):
        for i, (first, got1) in enumerate(per_article):
            for second, got2 in per_article[i + 1 :]:
                if first.article.outlet_id == second.article.outlet_id:
                    continue
                # A later report may carry an updated toll; only near-simultaneous ones clash.
                t1, t2 = first.article.published, second.article.published
                if (
                    t1
                    and t2
                    and abs(_naive(t1) - _naive(t2)) > timedelta(days=rules.contradiction_days)
                ):
                    continue
                sets = {
                    "1": {v for k, v in got1 if k == kind},
                    "2": {v for k, v in got2 if k == kind},
                }
                if not sets["1"] or not sets["2"]:
                    continue
                # The log turns the ratio of two figures into a distance.
                pair = _closest_apart(sets, _log_gap, lambda d: d > limit + 1e-9)
                if pair:
                    low, high = sorted(pair)
                    noun, unit = _FIGURE_WORDS[kind]
                    return f"{noun} ({low:,} vs {high:,}{unit})"
    return None


def contradictions(
    annotated: Sequence[Annotated],
    rules: CredibilityRules | None = None,
    desk: Desk | None = None,
) -> tuple[str, ...]:
    """What the story's reports disagree on: date, place and figures, each as a short phrase."""
    rules = rules or CredibilityRules.from_desk(desk)
    found = (
        _date_conflict(annotated, rules),
        _place_conflict(annotated, rules, desk),
        _figure_conflict(annotated, rules),
    )
    return tuple(f for f in found if f)


# --- the grade -------------------------------------------------------------------------------

_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}  # fmt: skip


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def disagreement(reason: str) -> str | None:
    """The part of a credibility reason naming what the reports disagree on, or None."""
    m = re.search(r"the reports disagree on (.+?)\s*\.?$", reason)
    if m:
        return m.group(1)
    # Reasons stored before the wording changed: "contradicting reports on the date of …".
    m = re.match(
        r"contradict\w*(?:\s+reports?)?(?:\s+(?:on|about|over))?\s*[:,;–—-]?\s*(.*?)\.?$",
        reason,
        re.IGNORECASE,
    )
    return (m.group(1) or None) if m else None


def grade_story(
    annotated: Sequence[Annotated],
    outlets: Mapping[str, Outlet],
    *,
    rules: CredibilityRules | None = None,
    desk: Desk | None = None,
) -> Grade:
    """Information credibility 1–6 of a story with its one-line reason."""
    rules = rules or CredibilityRules.from_desk(desk)
    indep = independent_outlets(annotated, outlets)
    names = [outlets[o].name if o in outlets else o for o in indep]
    # Outlets of one owner count once, so anonymity is judged per owner too.
    anonymous_owners = _anonymous_owners(annotated, outlets, rules.anonymous_pattern())
    anonymous_owner = [o for o in indep if _owner_key(o, outlets) in anonymous_owners]
    count = len(indep)
    listed = f"({', '.join(names)})"
    if count == 0:
        grade, reason = 6, "no original report"
    elif count == 1:
        rel = outlets[indep[0]].reliability if indep[0] in outlets else "F"
        grade = rules.single_outlet_grades.get(rel, 6)
        if anonymous_owner:
            grade = max(grade, rules.anonymous_grade)
            reason = f"a single outlet ({names[0]}, reliability {rel}) whose report rests on an anonymous source"
        elif rel == "F":
            reason = f"a single outlet ({names[0]}) whose reliability cannot be judged, not confirmed by others"
        elif rel in ("D", "E"):
            reason = (
                f"a single outlet of low reliability ({names[0]}, reliability {rel}), "
                "not confirmed by others"
            )
        else:
            reason = f"a single outlet ({names[0]}, reliability {rel}), not confirmed by others"
    else:
        words = _COUNT_WORDS.get(count, str(count))
        if count >= rules.confirmed_outlets:
            grade, reason = 1, f"confirmed by {words} independent outlets {listed}"
        elif count >= rules.probable_outlets:
            grade, reason = 2, f"reported by {words} independent outlets {listed}"
        else:
            best = min(outlets[o].reliability if o in outlets else "F" for o in indep)
            grade = min(rules.single_outlet_grades.get(best, 6), 3)
            reason = f"reported by {words} independent outlets {listed}, too few to count as corroboration"
        if len(anonymous_owner) == count:
            grade = max(grade, rules.anonymous_corroborated_grade)
            reason += ", all resting on anonymous sources"
    found = contradictions(annotated, rules, desk)
    if found:
        grade = max(grade, rules.contradiction_grade)
        reason += f", but the reports disagree on {_and(list(found))}"
    return Grade(grade, reason, indep, bool(anonymous_owner), found)


# --- salience --------------------------------------------------------------------------------


def _event_signature(ev: Event) -> str | None:
    """An event as it can recur from one period to the next: its type and resolved actors."""
    if ev.mode != "asserted" or ev.type == "STATEMENT":
        return None
    actors = sorted(a.entity_id for a in ev.actors if a.entity_id)
    return f"event:{ev.type}:{','.join(actors)}" if actors else None


def _main_entities(annotated: Sequence[Annotated], limit: int) -> list[str]:
    """The story's most mentioned people, groups and specific places (countries left out)."""
    broad = {
        e.id
        for a in annotated
        for e in a.entities
        if e.place is not None and e.place.precision == "country"
    }
    counts: dict[str, int] = {}
    for a in annotated:
        if a.article.duplicate_of:
            continue
        for m in a.mentions:
            if m.entity_id and m.label in ("PERSON", "ORG", "LOC") and m.entity_id not in broad:
                counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    # Ties keep first-mention order (dicts keep insertion order and sorted is stable).
    return sorted(counts, key=lambda k: -counts[k])[:limit]


def story_items(annotated: Sequence[Annotated], limit: int = 5) -> frozenset[str]:
    """What makes a story familiar: its main entity ids and its event signatures."""
    events = (e for a in annotated if not a.article.duplicate_of for e in a.events)
    signatures = {s for s in map(_event_signature, events) if s}
    return frozenset(_main_entities(annotated, limit)) | signatures


def known_items(stories: Iterable[Story]) -> frozenset[str]:
    """Entity ids and event signatures of earlier stories, for `salience(previous=...)`."""
    out: set[str] = set()
    for story in stories:
        for ev in story.events:
            if ev.mode != "asserted":
                continue
            out.update(a.entity_id for a in (*ev.actors, *ev.targets) if a.entity_id)
            if ev.place:
                out.add(ev.place)
            sig = _event_signature(ev)
            if sig:
                out.add(sig)
    return frozenset(out)


def familiarity(
    annotated: Sequence[Annotated], previous: Iterable[str | Story], limit: int = 5
) -> float:
    """Share (0–1) of the story's main entities and events already seen in the previous period."""
    items = story_items(annotated, limit)
    if not items:
        return 0.0
    given = list(previous)
    known = set(known_items(p for p in given if isinstance(p, Story)))
    known.update(p for p in given if isinstance(p, str))
    return len(items & known) / len(items)


def salience(
    annotated: Sequence[Annotated],
    events: Sequence[Event],
    independent: Sequence[str],
    desk: Desk,
    previous: Iterable[str | Story] | None = None,
    *,
    weights: SalienceWeights | None = None,
) -> float:
    """Importance of a story for the overview: sources, desk actors, severity and novelty.

    `previous` holds what the previous period already reported, as entity ids and event
    signatures (see `story_items`) or as its Story records; a story made of the same people
    and events scores lower. Without it no story is treated as a repeat.
    """
    w = weights or SalienceWeights.from_desk(desk)
    desk_ids = {a.id for a in desk.actors}
    actors = {
        m.entity_id
        for a in annotated
        for m in a.mentions
        if m.entity_id in desk_ids and m.label in ("PERSON", "ORG")
    }
    severity = max(
        (w.severity_table.get(e.type, w.default_severity) for e in events if e.mode != "negated"),
        default=0.0,
    )
    originals = sum(1 for a in annotated if not a.article.duplicate_of)
    repeat = familiarity(annotated, previous, w.main_entities) if previous is not None else 0.0
    return round(
        w.independent_outlets * math.log1p(len(independent))
        + w.original_articles * math.log1p(originals)
        + w.desk_actors * min(len(actors), w.max_desk_actors)
        + w.severity * severity
        - w.repeat_penalty * repeat,
        4,
    )


def assess_story(
    story_id: str,
    annotated: Sequence[Annotated],
    outlets: Mapping[str, Outlet],
    desk: Desk,
    arena: str | None,
    themes: tuple[str, ...] = (),
    *,
    previous: Iterable[str | Story] | None = None,
) -> Story:
    """Build the Story record of a set of articles: dates, grades, credibility, salience."""
    arts = sorted((a.article for a in annotated), key=lambda a: (_naive(a.published), a.id))
    dated = [a.published for a in arts if a.published]
    events = tuple(e for a in annotated for e in a.events)
    grade = grade_story(annotated, outlets, desk=desk)
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
        salience=salience(annotated, events, grade.independent, desk, previous),
        duplicates={a.id: a.duplicate_of for a in arts if a.duplicate_of},
    )
