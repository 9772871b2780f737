"""Analysts' entity corrections (merges and aliases), re-applied to every freshly extracted article.

A correction is a row of the store's corrections log: ``{"id", "kind", "payload", ...}``.
Two kinds matter here:

- ``entity_merge``: payload ``{"source": entity dict, "target": entity dict}``. Every mention
  of the source now names the target; the target keeps its id and name and gains the
  source's name and aliases. Merges chain (A into B, then B into C sends A to C); a merge
  that would close a cycle, or whose source was already merged elsewhere, is ignored.
- ``entity_alias``: payload ``{"entity": entity dict, "alias": text, "key": name key}``.
  Every named mention whose ``normalize_name`` key equals ``key`` is linked to the entity.

The entity dicts are snapshots taken when the correction was made, so an article that
mentions only the source of a merge can still carry the target's record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..records import Annotated, Entity, Event, EventArg, Mention
from .names import normalize_name

log = logging.getLogger(__name__)

MERGE = "entity_merge"
ALIAS = "entity_alias"
KINDS = (MERGE, ALIAS)

# Labels that name something an entity can stand for (dates, money and roles do not).
NAMED_LABELS = frozenset({"PERSON", "ORG", "LOC", "NORP"})


def merge_payload(source: Entity, target: Entity) -> dict[str, Any]:
    """The payload recorded for merging ``source`` into ``target``."""
    return {"source": source.to_dict(), "target": target.to_dict()}


def alias_payload(entity: Entity, alias: str) -> dict[str, Any]:
    """The payload recorded for a new alias of ``entity``."""
    return {"entity": entity.to_dict(), "alias": alias, "key": normalize_name(alias)}


def _entity(data: Any, what: str) -> Entity:
    if not isinstance(data, Mapping) or not data.get("id") or not data.get("type"):
        raise ValueError(f"{what} is not an entity with an id and a type")
    return Entity.from_dict(dict(data))


class Corrections:
    """The active merges and aliases of a corrections log, compiled once and applied per article."""

    def __init__(self, corrections: Iterable[Mapping[str, Any]] = ()) -> None:
        self._into: dict[str, str] = {}  # merged source id -> the id it was merged into
        self._alias: dict[str, str] = {}  # name key -> entity id
        self._snapshot: dict[str, Entity] = {}  # latest known record of each target
        self._names: dict[str, set[str]] = {}  # direct target id -> names it gained
        self._gained: dict[str, set[str]] | None = None  # final id -> names, built on first use
        self.skipped: list[str] = []  # one line per correction that could not be used
        for row in corrections:
            kind = row.get("kind")
            if kind not in KINDS:
                continue
            try:
                self._add(kind, row.get("payload") or {})
            except (ValueError, TypeError, KeyError) as exc:
                line = f"correction {row.get('id', '?')} ({kind}): ignored, {exc}"
                self.skipped.append(line)
                log.warning("%s", line)

    def _add(self, kind: str, payload: Mapping[str, Any]) -> None:
        if kind == MERGE:
            source = _entity(payload.get("source"), "source")
            target = _entity(payload.get("target"), "target")
            if source.id == target.id:
                raise ValueError(f"{source.id} is merged into itself")
            if self.merged_into(source.id) is not None:
                raise ValueError(f"{source.id} was already merged into {self.final(source.id)}")
            if self.final(target.id) == source.id:
                raise ValueError(f"merging {source.id} into {target.id} would close a cycle")
            self._into[source.id] = target.id
            self._snapshot.setdefault(source.id, source)
            self._snapshot[target.id] = target
            gained = self._names.setdefault(target.id, set())
            gained.update((source.name, *source.aliases))
        else:
            entity = _entity(payload.get("entity"), "entity")
            alias = str(payload.get("alias") or "").strip()
            # the key is made again: name keys may fold more spellings in a newer release
            key = normalize_name(alias) if alias else str(payload.get("key") or "")
            if not key:
                raise ValueError(f"alias {alias!r} has no letters or digits")
            self._alias[key] = entity.id
            self._snapshot.setdefault(entity.id, entity)
            self._names.setdefault(entity.id, set()).add(alias)

    def __bool__(self) -> bool:
        return bool(self._into or self._alias)

    # --- look-ups -------------------------------------------------------------------------

    def merged_into(self, entity_id: str) -> str | None:
        """The id an entity was merged into directly, or None if it was not merged."""
        return self._into.get(entity_id)

    def final(self, entity_id: str) -> str:
        """Where an entity id ends after following every merge (itself if never merged)."""
        seen = {entity_id}
        while entity_id in self._into:
            entity_id = self._into[entity_id]
            if entity_id in seen:  # cycles are refused when compiled; stay safe anyway
                break
            seen.add(entity_id)
        return entity_id

    def merged_from(self, entity_id: str) -> list[str]:
        """Ids of the entities that end, through merges, in this one."""
        return sorted(s for s in self._into if self.final(s) == entity_id)

    def known_names(self) -> list[tuple[str, str, str]]:
        """(name, entity type, final entity id) for every name an analyst tied to an entity.

        Recognition adds them to its dictionary, so that an alias also finds spans the
        statistical model would miss.
        """
        out = []
        for entity_id in {self.final(i) for i in self._names}:
            entity = self._snapshot.get(entity_id)
            if entity is None or entity.type not in ("PERSON", "ORG", "LOC", "NORP"):
                continue
            for name in sorted(self.names_gained(entity_id)):
                if name.strip():
                    out.append((name, entity.type, entity_id))
        return out

    def alias_target(self, text: str) -> str | None:
        """The entity an analyst's alias links this mention text to, after merges."""
        if not self._alias:
            return None
        entity_id = self._alias.get(normalize_name(text))
        return self.final(entity_id) if entity_id else None

    def names_gained(self, entity_id: str) -> set[str]:
        """Names and aliases an entity gained from merges into it and from aliases given to it."""
        if self._gained is None:
            # whatever an entity gained passes on to where it was merged in turn
            self._gained = {}
            for owner, names in self._names.items():
                self._gained.setdefault(self.final(owner), set()).update(names)
        return set(self._gained.get(entity_id, ()))

    def snapshot(self, entity_id: str) -> Entity | None:
        """The record of an entity as it was when a correction named it."""
        return self._snapshot.get(entity_id)

    # --- applying -------------------------------------------------------------------------

    def _relink(self, m: Mention) -> str | None:
        if m.label in NAMED_LABELS:
            aliased = self.alias_target(m.text)
            if aliased is not None:
                return aliased
        return self.final(m.entity_id) if m.entity_id else None

    def apply(self, annotated: Annotated) -> Annotated:
        """Return the article's annotations with every merge and alias applied."""
        if not self:
            return annotated
        given = {e.id: e for e in annotated.entities}
        mentions: list[Mention] = []
        moved: dict[str, set[str]] = {}  # old entity id -> ids its mentions went to
        relinked_texts: dict[str, set[str]] = {}
        for m in annotated.mentions:
            new_id = self._relink(m)
            if new_id is None or new_id == m.entity_id:
                mentions.append(m)
                continue
            record = given.get(new_id) or self.snapshot(new_id)
            label = record.type if record is not None and record.type in NAMED_LABELS else m.label
            mentions.append(m.replace(entity_id=new_id, label=label))
            if m.entity_id:
                moved.setdefault(m.entity_id, set()).add(new_id)
            relinked_texts.setdefault(new_id, set()).add(m.text)
        used = {m.entity_id for m in mentions if m.entity_id}
        before = {m.entity_id for m in annotated.mentions if m.entity_id}
        # An entity whose mentions all moved to one other entity is that entity in events too.
        gone = {
            old: next(iter(new)) for old, new in moved.items() if old not in used and len(new) == 1
        }
        events = tuple(self._event(ev, gone) for ev in annotated.events)
        used |= _event_ids(events)
        entities = self._entities(annotated.entities, used, before, relinked_texts)
        return annotated.replace(mentions=tuple(mentions), entities=entities, events=events)

    def _entities(
        self,
        given: Sequence[Entity],
        used: set[str],
        before: set[str],
        relinked_texts: Mapping[str, set[str]],
    ) -> tuple[Entity, ...]:
        out: dict[str, Entity] = {}
        absorbed: dict[str, set[str]] = {}  # target id -> names of merged entities in this article
        order: list[str] = []
        for e in given:
            target = self.final(e.id)
            if target != e.id:
                absorbed.setdefault(target, set()).update((e.name, *e.aliases))
                if target in used and target not in order:
                    order.append(target)
                continue
            if e.id in before and e.id not in used:
                continue  # every mention of it was relinked elsewhere
            out[e.id] = e
            if e.id not in order:
                order.append(e.id)
        for entity_id in sorted(used - set(order)):
            order.append(entity_id)
        result: list[Entity] = []
        for entity_id in order:
            record = out.get(entity_id) or self.snapshot(entity_id)
            if record is None:
                continue  # an event points at an entity this article never described
            extra = (
                self.names_gained(entity_id)
                | absorbed.get(entity_id, set())
                | relinked_texts.get(entity_id, set())
            )
            aliases = set(record.aliases) | extra
            aliases.discard(record.name)
            aliases.discard("")
            if aliases != set(record.aliases):
                record = record.replace(aliases=tuple(sorted(aliases)))
            result.append(record)
        return tuple(result)

    def _event(self, ev: Event, gone: Mapping[str, str]) -> Event:
        def arg(a: EventArg) -> EventArg:
            new_id = self.alias_target(a.text) if a.text else None
            if new_id is None and a.entity_id:
                new_id = self.final(gone.get(a.entity_id, a.entity_id))
            return a if new_id in (None, a.entity_id) else a.replace(entity_id=new_id)

        place = self.final(gone.get(ev.place, ev.place)) if ev.place else ev.place
        actors = tuple(arg(a) for a in ev.actors)
        targets = tuple(arg(a) for a in ev.targets)
        if actors == ev.actors and targets == ev.targets and place == ev.place:
            return ev
        return ev.replace(actors=actors, targets=targets, place=place)


def _event_ids(events: Iterable[Event]) -> set[str]:
    ids: set[str] = set()
    for ev in events:
        ids.update(a.entity_id for a in (*ev.actors, *ev.targets) if a.entity_id)
    return ids


def apply_corrections(annotated: Annotated, corrections: Sequence[Mapping[str, Any]]) -> Annotated:
    """Apply the merges and aliases of a corrections log to one article's annotations."""
    return Corrections(corrections).apply(annotated)
