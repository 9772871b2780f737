"""Resolution: each named mention to an entity id (desk actor, outlet, or a stable id of its own)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz, process

from ..records import Actor, Article, Desk, Entity, Mention, Outlet, Place
from .entities import NAMED, name_forms
from .names import normalize_name, slugify
from .places import Gazetteer, actor_place

__all__ = ["Resolver", "normalize_name", "slugify"]


@dataclass
class _Cluster:
    """The mentions of one entity within an article."""

    type: str
    actor: Actor | None = None
    outlet: Outlet | None = None
    place: Place | None = None
    forms: list[str] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # indexes into the mention list
    titles: list[str] = field(default_factory=list)
    merged_into: _Cluster | None = None

    def root(self) -> _Cluster:
        c = self
        while c.merged_into is not None:
            c = c.merged_into
        return c

    def full_name(self) -> str:
        return max(self.forms, key=lambda f: (len(f.split()), len(f))) if self.forms else ""


class Resolver:
    """Links mentions to desk actors and outlets, and mentions of one entity to each other."""

    def __init__(
        self,
        desk: Desk | None,
        outlets: Mapping[str, Outlet],
        gazetteer: Gazetteer | None = None,
        fuzzy_threshold: float = 92.0,
    ) -> None:
        self.desk = desk
        self.outlets = dict(outlets)
        self.gazetteer = gazetteer
        self.fuzzy_threshold = fuzzy_threshold
        self._actors: dict[str, Actor] = {}
        self._actor_keys: dict[str, str] = {}
        self._keys_by_type: dict[str, list[str]] = {}
        surnames: dict[str, set[str]] = {}
        for actor in desk.actors if desk else ():
            self._actors[actor.id] = actor
            for name in (actor.name, *actor.aliases):
                for form in name_forms(name) | {name}:
                    key = normalize_name(form)
                    if key and key not in self._actor_keys:
                        self._actor_keys[key] = actor.id
                        self._keys_by_type.setdefault(actor.type, []).append(key)
            words = normalize_name(actor.name).split()
            if actor.type == "PERSON" and len(words) >= 2:
                surnames.setdefault(words[-1], set()).add(actor.id)
        # a bare surname reaches a desk person only when no other desk person shares it
        self._surnames = {k: next(iter(v)) for k, v in surnames.items() if len(v) == 1}
        self._outlet_keys: dict[str, str] = {}
        for outlet in self.outlets.values():
            for name in (outlet.name, *outlet.citation_names, outlet.id):
                for form in name_forms(name):
                    self._outlet_keys.setdefault(normalize_name(form), outlet.id)
        self._country_terms: dict[str, str] = {}
        for iso, terms in (desk.country_terms if desk else {}).items():
            for term in terms:
                self._country_terms[normalize_name(term)] = iso

    # --- public -----------------------------------------------------------------------------

    def outlet_id(self, name: str) -> str | None:
        """Outlet id for an outlet id, display name or citation name."""
        if name in self.outlets:
            return name
        return self._outlet_keys.get(normalize_name(name))

    def actor(self, actor_id: str) -> Actor | None:
        """The desk actor with this id."""
        return self._actors.get(actor_id)

    def country_of(self, word: str) -> str | None:
        """ISO2 code of the country a word names or describes, desk terms first."""
        key = normalize_name(word)
        if key in self._country_terms:
            return self._country_terms[key]
        return self.gazetteer.country_of(word) if self.gazetteer else None

    def resolve(
        self, mentions: Sequence[Mention], article: Article
    ) -> tuple[list[Mention], list[Entity]]:
        """Give every PERSON/ORG/LOC/NORP mention an entity id; return the mentions and their entities."""
        mentions = list(mentions)
        clusters: list[_Cluster] = []
        by_id: dict[str, _Cluster] = {}
        by_key: dict[str, _Cluster] = {}
        by_place: dict[tuple[Any, ...], _Cluster] = {}
        labels = [m.label for m in mentions]
        context = self._context_countries(mentions, article)
        acronyms = _acronym_definitions(mentions, article.text)

        def new_cluster(kind: str, **kw: Any) -> _Cluster:
            c = _Cluster(type=kind, **kw)
            clusters.append(c)
            return c

        for i, m in enumerate(mentions):
            if m.label not in NAMED:
                continue
            key = normalize_name(m.text)
            if not key:
                continue
            cluster: _Cluster | None = None
            if m.entity_id:
                cluster = self._known(m.entity_id, by_id, new_cluster, m.label)
            if cluster is None and m.text in acronyms:
                long_index = acronyms[m.text]
                cluster = _cluster_of(clusters, long_index)
            if cluster is None and key in by_key and _compatible(by_key[key].type, m):
                cluster = by_key[key].root()
            if cluster is None:
                actor_id = self._match_actor(key, m)
                if actor_id:
                    cluster = self._known(actor_id, by_id, new_cluster, m.label)
            if cluster is None and m.label == "ORG" and key in self._outlet_keys:
                cluster = self._known(
                    f"outlet:{self._outlet_keys[key]}", by_id, new_cluster, m.label
                )
            if cluster is None:
                cluster = self._surname(key, m, clusters, by_id, new_cluster)
            if cluster is None and m.label == "LOC" and self.gazetteer is not None:
                place = self.gazetteer.resolve(m.text, context)
                if place is not None:
                    pkey = (place.geonames_id, place.name, place.country)
                    cluster = by_place.get(pkey)
                    if cluster is None:
                        desk_id = self.gazetteer.desk_actor_id(m.text)
                        if desk_id:
                            cluster = self._known(desk_id, by_id, new_cluster, "LOC")
                        else:
                            cluster = new_cluster("LOC", place=place)
                        by_place[pkey] = cluster
            if cluster is None:
                cluster = new_cluster(m.label)
            cluster = cluster.root()
            cluster.members.append(i)
            cluster.forms.append(m.text)
            if m.role:
                cluster.titles.append(m.role)
            labels[i] = cluster.type
            by_key.setdefault(key, cluster)
            # an acronym that is a desk actor pulls its long form into the actor's entity
            if m.text in acronyms and cluster.actor is not None:
                long_cluster = _cluster_of(clusters, acronyms[m.text])
                if (
                    long_cluster is not None
                    and long_cluster is not cluster
                    and long_cluster.actor is None
                ):
                    _merge(long_cluster, cluster)

        return self._finish(mentions, labels, clusters, context)

    # --- steps ------------------------------------------------------------------------------

    def _known(
        self, entity_id: str, by_id: dict[str, _Cluster], new_cluster: Any, label: str
    ) -> _Cluster:
        if entity_id in by_id:
            return by_id[entity_id].root()
        if entity_id.startswith("outlet:") and entity_id[7:] in self.outlets:
            cluster = new_cluster("ORG", outlet=self.outlets[entity_id[7:]])
        elif entity_id in self._actors:
            actor = self._actors[entity_id]
            cluster = new_cluster(actor.type if actor.type in NAMED else label, actor=actor)
            place = actor_place(actor)
            if place is not None:
                cluster.place = place
        else:
            cluster = new_cluster(label)
        by_id[entity_id] = cluster
        return cluster

    def _match_actor(self, key: str, m: Mention) -> str | None:
        actor_id = self._actor_keys.get(key)
        if actor_id is None and len(key) >= 6:
            # near misses of another transliteration ("Soleimany"); same kind of actor only
            choices = self._keys_by_type.get(m.label, [])
            best = process.extractOne(
                key, choices, scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold
            )
            if best is not None:
                actor_id = self._actor_keys[best[0]]
        if actor_id is None:
            return None
        actor = self._actors[actor_id]
        if m.label == "NORP" and actor.type != "NORP":
            return None  # "Iranian" describes, it does not name the state
        return actor_id

    def _surname(
        self,
        key: str,
        m: Mention,
        clusters: list[_Cluster],
        by_id: dict[str, _Cluster],
        new_cluster: Any,
    ) -> _Cluster | None:
        """A one-word name that is the last word of a person named earlier ("Soleimani")."""
        if (
            " " in key
            or m.label not in ("PERSON", "LOC", "ORG", "NORP")
            or m.source == "dictionary"
        ):
            return None
        for c in reversed(clusters):
            c = c.root()
            if c.type != "PERSON":
                continue
            names = [normalize_name(f).split() for f in c.forms]
            if c.actor is not None:
                names.append(normalize_name(c.actor.name).split())
            if any(len(n) >= 2 and n[-1] == key for n in names):
                if m.label != "PERSON" and self._is_place(m.text):
                    return None
                return c
        if m.label == "PERSON" and key in self._surnames:
            return self._known(self._surnames[key], by_id, new_cluster, "PERSON")
        return None

    def _is_place(self, text: str) -> bool:
        return self.gazetteer is not None and self.gazetteer.resolve(text) is not None

    def _context_countries(self, mentions: Sequence[Mention], article: Article) -> list[str]:
        found: list[str] = []
        outlet = self.outlets.get(article.outlet_id)
        if outlet and outlet.country:
            found.append(outlet.country)
        if self.gazetteer is not None:
            for m in mentions:
                if m.label in ("LOC", "NORP"):
                    iso = (
                        self.gazetteer.is_country(m.text)
                        if m.label == "LOC"
                        else self.country_of(m.text)
                    )
                    if iso and iso not in found:
                        found.append(iso)
        return found

    def _finish(
        self,
        mentions: list[Mention],
        labels: list[str],
        clusters: list[_Cluster],
        context: list[str],
    ) -> tuple[list[Mention], list[Entity]]:
        entities: dict[str, Entity] = {}
        ids: dict[int, str] = {}
        for c in clusters:
            if c.merged_into is not None or not c.members:
                continue
            if c.type == "LOC" and c.place is None and self.gazetteer is not None:
                # a desk place without coordinates, or a town the model found
                c.place = self.gazetteer.resolve(
                    c.actor.name if c.actor else c.full_name(), context
                )
            entity = self._entity(c)
            if entity.id in entities:
                # two clusters that slug alike are one entity
                old = entities[entity.id]
                aliases = tuple(
                    sorted(set(old.aliases) | set(entity.aliases) | {entity.name} - {old.name})
                )
                entity = old.replace(aliases=aliases)
            entities[entity.id] = entity
            for i in c.members:
                ids[i] = entity.id
                labels[i] = c.type
        out = [
            m.replace(entity_id=ids[i], label=labels[i]) if i in ids else m
            for i, m in enumerate(mentions)
        ]
        return out, list(entities.values())

    def _entity(self, c: _Cluster) -> Entity:
        attributes: dict[str, Any] = {}
        if c.actor is not None:
            ident, name = c.actor.id, c.actor.name
            attributes.update(desk=True, sector=c.actor.sector)
            if c.actor.country:
                attributes["country"] = c.actor.country
            if c.actor.roles:
                attributes["roles"] = [r.to_dict() for r in c.actor.roles]
        elif c.outlet is not None:
            ident, name = f"outlet:{c.outlet.id}", c.outlet.name
            attributes["outlet"] = c.outlet.id
            if c.outlet.country:
                attributes["country"] = c.outlet.country
        elif c.place is not None:
            name = c.place.name
            ident = f"loc:{slugify(normalize_name(name))}"
        else:
            name = c.full_name()
            ident = f"{c.type.lower()}:{slugify(normalize_name(name))}"
        if c.place is not None and c.place.country:
            attributes.setdefault("country", c.place.country)
        if c.type == "NORP" and "country" not in attributes:
            iso = self.country_of(name)
            if iso:
                attributes["country"] = iso
        if c.titles:
            attributes["titles"] = list(dict.fromkeys(c.titles))
            if "country" not in attributes:
                for word in " ".join(c.titles).split():
                    iso = self.country_of(word) if word[:1].isupper() else None
                    if iso:
                        attributes["country"] = iso
                        break
        aliases = tuple(sorted({f for f in c.forms if f != name}))
        return Entity(
            id=ident, type=c.type, name=name, aliases=aliases, attributes=attributes, place=c.place
        )


def _compatible(cluster_type: str, m: Mention) -> bool:
    return cluster_type == m.label or m.source == "model"


def _cluster_of(clusters: list[_Cluster], mention_index: int) -> _Cluster | None:
    for c in clusters:
        if mention_index in c.members:
            return c.root()
    return None


def _merge(source: _Cluster, target: _Cluster) -> None:
    target.members.extend(source.members)
    target.forms.extend(source.forms)
    target.titles.extend(source.titles)
    source.members = []
    source.merged_into = target


def _acronym_definitions(mentions: Sequence[Mention], text: str) -> dict[str, int]:
    """Acronym -> index of the long-form mention it is defined after ("... Units (PMU)")."""
    found: dict[str, int] = {}
    named = [(i, m) for i, m in enumerate(mentions) if m.label in NAMED]
    for (i, long), (_, short) in pairwise(named):
        between = text[long.end : short.start]
        after = text[short.end : short.end + 1]
        if (
            between.strip() == "("
            and after == ")"
            and short.text.isupper()
            and short.text not in found
        ):
            found[short.text] = i
    return found
