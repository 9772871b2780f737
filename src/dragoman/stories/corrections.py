"""Analysts' story corrections (merges and splits), re-applied after every clustering.

Story ids change when the archive is clustered afresh, so a correction is written in
terms of article ids. Two kinds of rows of the store's corrections log matter here:

- ``story_merge``: payload ``{"source", "target", "articles", "into"}``: the articles of
  story ``source`` (``articles``) joined those of story ``target`` (``into``). It says
  "all these articles belong together" (must-link).
- ``story_split``: payload ``{"story", "articles", "rest", "new_story"}``: ``articles``
  left story ``story`` to form ``new_story``; ``rest`` stayed. It says "these articles
  belong together, apart from those" (must-link inside ``articles``, cannot-link between
  ``articles`` and ``rest``).

The log is replayed oldest first over groups of articles, so when two corrections disagree
the later one wins: a merge undoes the separations among the articles it unites, a split
takes its articles out of the groups earlier merges made. The resulting constraints are
then laid over the clusterer's assignment (:func:`apply_story_corrections`): each group
ends in one story, groups kept apart end in different stories, articles no correction
names stay where the clusterer put them, and reprints follow their original.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cluster import story_id_for

log = logging.getLogger(__name__)

MERGE = "story_merge"
SPLIT = "story_split"
KINDS = (MERGE, SPLIT)


def merge_payload(
    source: str, source_articles: Sequence[str], target: str, target_articles: Sequence[str]
) -> dict[str, Any]:
    """The payload recorded when story ``source`` is merged into story ``target``."""
    return {
        "source": source,
        "target": target,
        "articles": list(source_articles),
        "into": list(target_articles),
    }


def split_payload(
    story: str, articles: Sequence[str], rest: Sequence[str], new_story: str
) -> dict[str, Any]:
    """The payload recorded when ``articles`` leave ``story`` to form ``new_story``."""
    return {"story": story, "articles": list(articles), "rest": list(rest), "new_story": new_story}


def new_story_id(article_ids: Sequence[str], taken: Iterable[str] = ()) -> str:
    """An id for a story made of these articles, in the clusterer's scheme, not in ``taken``."""
    used = set(taken)
    for aid in article_ids:
        candidate = story_id_for(aid)
        if candidate not in used:
            return candidate
    # every member already names a story (it opened one): derive from them all, then count
    base = "|".join(sorted(article_ids))
    candidate, n = story_id_for(base), 1
    while candidate in used:
        candidate, n = story_id_for(f"{base}#{n}"), n + 1
    return candidate


def _ids(payload: Mapping[str, Any], key: str) -> list[str]:
    value = payload.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{key!r} is not a list of article ids")
    return list(dict.fromkeys(value))


@dataclass
class _Group:
    members: list[str]  # in the order the corrections named them
    home: str  # the story id the latest correction gave these articles


@dataclass
class StoryConstraints:
    """Must-link groups and cannot-link pairs of sets, compiled from a corrections log."""

    groups: list[_Group] = field(default_factory=list)
    apart: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per unusable correction

    @classmethod
    def from_rows(cls, corrections: Iterable[Mapping[str, Any]]) -> StoryConstraints:
        """Replay the story corrections of a log, oldest first (rows of other kinds are ignored)."""
        self = cls()
        rows = [r for r in corrections if r.get("kind") in KINDS]
        for row in sorted(rows, key=lambda r: r.get("id") or 0):
            try:
                payload = row.get("payload") or {}
                if row["kind"] == MERGE:
                    self._merge(_ids(payload, "articles") + _ids(payload, "into"), payload)
                else:
                    self._split(payload)
            except (ValueError, TypeError, KeyError) as exc:
                line = f"correction {row.get('id', '?')} ({row.get('kind')}): ignored, {exc}"
                self.skipped.append(line)
                log.warning("%s", line)
        self.groups = [g for g in self.groups if g.members]
        return self

    def __bool__(self) -> bool:
        return bool(self.groups or self.apart)

    def _take(self, articles: Iterable[str]) -> None:
        """Remove articles from the groups they were in."""
        gone = set(articles)
        for g in self.groups:
            g.members = [a for a in g.members if a not in gone]

    def _merge(self, articles: list[str], payload: Mapping[str, Any]) -> None:
        target = str(payload.get("target") or "")
        if not target:
            raise ValueError("no target story")
        named = set(articles)
        # groups that hold any of these articles are united whole (merges chain)
        joined = [g for g in self.groups if named & set(g.members)]
        members = list(articles)
        for g in joined:
            members += [a for a in g.members if a not in named]
            g.members = []
        self.groups.append(_Group(list(dict.fromkeys(members)), target))
        together = frozenset(members)
        # the later word wins: these articles are no longer kept apart from each other
        kept: list[tuple[frozenset[str], frozenset[str]]] = []
        for left, right in self.apart:
            for pair in ((left - together, right), (left & together, right - together)):
                if pair[0] and pair[1]:
                    kept.append(pair)
        self.apart = kept

    def _split(self, payload: Mapping[str, Any]) -> None:
        out, rest = _ids(payload, "articles"), _ids(payload, "rest")
        new = str(payload.get("new_story") or "")
        if not out or not rest or not new:
            raise ValueError(
                "a split needs articles that leave, articles that stay and a new story"
            )
        if set(out) & set(rest):
            raise ValueError("an article both leaves and stays")
        self._take(out)
        self.groups.append(_Group(out, new))
        self.apart.append((frozenset(out), frozenset(rest)))

    def kept_apart(self, a: Iterable[str], b: Iterable[str]) -> bool:
        """Whether some correction keeps an article of ``a`` apart from one of ``b``."""
        left, right = set(a), set(b)
        return any((left & g and right & r) or (left & r and right & g) for g, r in self.apart)


def apply_story_corrections(
    assignment: Mapping[str, str],
    corrections: Iterable[Mapping[str, Any]] | StoryConstraints,
    duplicates: Mapping[str, str | None] | None = None,
    reserved: Iterable[str] = (),
) -> dict[str, str]:
    """Lay the analysts' merges and splits over a clustering: article id -> story id.

    ``assignment`` is the clusterer's (its order is taken as the order articles came in);
    ``duplicates`` maps reprints to their originals; ``reserved`` are ids of stories
    outside the assignment, never given to a corrected story. Articles not in
    ``assignment`` are not placed; the result has exactly the keys of ``assignment``.
    """
    rules = (
        corrections
        if isinstance(corrections, StoryConstraints)
        else StoryConstraints.from_rows(corrections)
    )
    result = dict(assignment)
    if not rules:
        return result
    rank = {aid: n for n, aid in enumerate(assignment)}
    groups = [
        _Group(sorted((a for a in g.members if a in result), key=rank.__getitem__), g.home)
        for g in rules.groups
    ]
    groups = [g for g in groups if g.members]

    pinned = {a for g in groups for a in g.members}
    pinned |= {a for pair in rules.apart for side in pair for a in side if a in result}
    holds: dict[str, list[str]] = {}  # story -> its articles, as clustered
    for aid, sid in result.items():
        holds.setdefault(sid, []).append(aid)

    # 1. each group gathers in one story: its home if the clustering has it among the
    #    group's stories, else the story holding most of it (the earliest on a tie).
    #    A story left holding no other corrected article comes along whole: what the
    #    clusterer put with these articles belongs with them.
    for g in groups:
        counts: dict[str, int] = {}
        for aid in g.members:
            counts[result[aid]] = counts.get(result[aid], 0) + 1
        target = g.home if g.home in counts else max(counts, key=counts.__getitem__)
        mine = set(g.members)
        for sid in counts:
            if sid == target:
                continue
            rest = holds.get(sid, [])
            whole = all(a in mine or a not in pinned for a in rest)
            moving = list(rest) if whole else [a for a in g.members if result[a] == sid]
            for aid in moving:
                result[aid] = target
            holds[sid] = [a for a in rest if result[a] == sid]
            holds.setdefault(target, []).extend(moving)

    # articles kept apart from others but in no group are units of their own, at home
    # where the clusterer put them
    grouped = {a for g in groups for a in g.members}
    for aid in sorted(pinned - grouped, key=rank.__getitem__):
        groups.append(_Group([aid], result[aid]))

    # 2. groups kept apart that share a story: the first keeps it, the others move out
    by_story: dict[str, list[_Group]] = {}
    for g in groups:
        by_story.setdefault(result[g.members[0]], []).append(g)
    taken = set(result.values()) | set(reserved)
    for sid, here in by_story.items():
        if len(here) < 2:
            continue
        # the group the story belongs to comes first, then bigger ones, then earlier ones
        here.sort(key=lambda g: (g.home != sid, -len(g.members), rank[g.members[0]]))
        parts: list[list[_Group]] = []
        for g in here:
            for part in parts:
                if not any(rules.kept_apart(g.members, o.members) for o in part):
                    part.append(g)
                    break
            else:
                parts.append([g])
        for part in parts[1:]:
            members = [a for g in part for a in g.members]
            homes = [g.home for g in part if g.home not in taken]
            new = homes[0] if homes else new_story_id(members, taken)
            taken.add(new)
            for aid in members:
                result[aid] = new

    # 3. a group's story takes the id the analyst gave it, when no other story has that id
    fixed: set[str] = set()  # stories renamed here keep their new id
    for g in groups:
        sid = result[g.members[0]]
        if sid == g.home or g.home in taken or sid in fixed:
            continue
        others = [o for o in groups if o is not g and result[o.members[0]] == sid]
        if any(o.home == sid for o in others):
            continue  # the story is another group's home
        for aid, current in result.items():
            if current == sid:
                result[aid] = g.home
        taken.discard(sid)
        taken.add(g.home)
        fixed.add(g.home)

    # 4. reprints follow their original (the clusterer placed them with it)
    for aid, original in (duplicates or {}).items():
        seen = {aid}
        while original and duplicates and duplicates.get(original) and original not in seen:
            seen.add(original)
            original = duplicates.get(original)
        if aid in result and original in result:
            result[aid] = result[original]
    return result
