"""Resolution: each named mention to an entity id (desk actor, outlet, or a stable id of its own)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..records import Actor, Article, Desk, Entity, Mention, Outlet, Place
from .entities import NAMED, OFFICE_HEADS, REFERRING, core_name, name_forms
from .names import loose_key, normalize_name, same_name, slugify
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
    local: str = ""  # the article id, for something described but never named

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
    ) -> None:
        self.desk = desk
        self.outlets = dict(outlets)
        self.gazetteer = gazetteer
        self._actors: dict[str, Actor] = {}
        self._office_table: list[tuple[Actor, Any, re.Pattern[str], str]] | None = None
        self._actor_keys: dict[str, str] = {}
        self._keys_by_type: dict[str, list[str]] = {}
        # coarse sound keys -> (form, actor id): candidates for transliteration-aware matching
        self._loose: dict[str, list[tuple[str, str]]] = {}
        surnames: dict[str, set[str]] = {}
        for actor in desk.actors if desk else ():
            self._actors[actor.id] = actor
            for name in (actor.name, *actor.aliases):
                for form in name_forms(name) | {name}:
                    key = normalize_name(form)
                    if key and key not in self._actor_keys:
                        self._actor_keys[key] = actor.id
                        self._keys_by_type.setdefault(actor.type, []).append(key)
                    if key:
                        self._loose.setdefault(loose_key(form), []).append((form, actor.id))
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
        by_loose: dict[str, list[_Cluster]] = {}
        by_place: dict[tuple[Any, ...], _Cluster] = {}
        labels = [m.label for m in mentions]
        context = self._context_countries(mentions, article)
        places = self._document_places(mentions, article, context)
        acronyms = _acronym_definitions(mentions, article.text)
        actors_by_place: set[int] = set()  # countries that act: ORG mentions of a place entity

        def new_cluster(kind: str, **kw: Any) -> _Cluster:
            c = _Cluster(type=kind, **kw)
            clusters.append(c)
            return c

        for i, m in enumerate(mentions):
            if m.label not in NAMED:
                continue
            if m.source in REFERRING:
                continue  # pronouns and descriptions are linked once every name is known
            name = core_name(m.text, m.label, m.role)
            key = normalize_name(name)
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
                # a spelling of a name already met in this article ("Suleimani" after "Soleimani")
                for other in by_loose.get(loose_key(key), ()):
                    c = other.root()
                    if _compatible(c.type, m) and any(same_name(key, f) for f in c.forms):
                        cluster = c
                        break
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
            acting = m.label == "ORG" and self._is_country(name)
            if cluster is None and (m.label == "LOC" or acting) and self.gazetteer is not None:
                place = places.get(name) if "," not in m.text else None
                if place is None:
                    place = self.gazetteer.resolve(
                        name, _qualified(m.text, context, self.gazetteer)
                    )
                if place is not None and place.precision == "context":
                    # known only by the place the article is about: its own entity, placed there
                    cluster = new_cluster("LOC", place=place)
                    place = None
                if place is not None:
                    pkey = (place.geonames_id, place.name, place.country)
                    cluster = by_place.get(pkey)
                    if cluster is None:
                        desk_id = self.gazetteer.desk_actor_id(name.split(",")[0])
                        if desk_id:
                            cluster = self._known(desk_id, by_id, new_cluster, "LOC")
                        else:
                            cluster = new_cluster("LOC", place=place)
                        by_place[pkey] = cluster
            if cluster is None:
                cluster = new_cluster(m.label)
            cluster = cluster.root()
            cluster.members.append(i)
            if name != m.role:
                cluster.forms.append(name)
            if m.role:
                cluster.titles.append(m.role)
            labels[i] = cluster.type
            if acting:
                actors_by_place.add(i)
            by_key.setdefault(key, cluster)
            by_loose.setdefault(loose_key(key), []).append(cluster)
            # an acronym that is a desk actor pulls its long form into the actor's entity
            if m.text in acronyms and cluster.actor is not None:
                long_cluster = _cluster_of(clusters, acronyms[m.text])
                if (
                    long_cluster is not None
                    and long_cluster is not cluster
                    and long_cluster.actor is None
                ):
                    _merge(long_cluster, cluster)

        self._refer(mentions, clusters, article, by_id, new_cluster)
        return self._finish(mentions, labels, clusters, context, actors_by_place)

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
        if actor_id is None and len(key) >= 4:
            # another transliteration ("Qassim Sulaymani"): one actor of the same kind, or none
            found = {
                aid
                for form, aid in self._loose.get(loose_key(key), ())
                if self._actors[aid].type == m.label and same_name(key, form)
            }
            if len(found) == 1:
                actor_id = found.pop()
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
            if any(len(n) >= 2 and (n[-1] == key or same_name(n[-1], key)) for n in names):
                if m.label != "PERSON" and self._is_place(m.text):
                    return None
                return c
        if m.label == "PERSON" and key in self._surnames:
            return self._known(self._surnames[key], by_id, new_cluster, "PERSON")
        return None

    def _document_places(
        self, mentions: Sequence[Mention], article: Article, context: list[str]
    ) -> dict[str, Place]:
        """The article's place names resolved together, each reading weighed with the others."""
        if self.gazetteer is None:
            return {}
        names = []
        for m in mentions:
            if m.label == "LOC" and m.source not in REFERRING and not m.entity_id:
                name = core_name(m.text, m.label)
                if not name or name in names or normalize_name(name) in self._actor_keys:
                    continue  # desk places are known without the gazetteer
                names.append(name)
        if not names:
            return {}
        found = self.gazetteer.geocode(names, context, text=article.text)
        return {n: p for n, p in zip(names, found) if p is not None}

    def _office_holder(self, role: str, article: Article) -> str | None:
        """The desk person who held the office a phrase names on the article's day, if only one did."""
        words = role.replace(",", " ").split()
        lowered = role.lower()
        countries = {self.country_of(w) for w in words if w[:1].isupper()} - {None}
        posting = ""
        for before, after in pairwise(words):
            if before.lower() in ("to", "in") and after[:1].isupper():
                posting = normalize_name(after)
        day = article.published.date() if article.published else None
        found: set[str] = set()
        for actor, r, pattern, home in self._offices():
            if not pattern.search(lowered):
                continue
            if posting and normalize_name(r.posting or "") != posting:
                continue
            if countries and home not in countries:
                continue
            if day is not None and (
                (r.start is not None and day < r.start) or (r.end is not None and day > r.end)
            ):
                continue
            if not countries and not posting and not r.organization:
                continue
            found.add(actor.id)
        return next(iter(found)) if len(found) == 1 else None

    def _refer(
        self,
        mentions: Sequence[Mention],
        clusters: list[_Cluster],
        article: Article,
        by_id: dict[str, _Cluster],
        new_cluster: Any,
    ) -> None:
        """Link pronouns and descriptions ("he", "the city", "the Iraqi commander") to what they stand for."""
        owner: dict[int, _Cluster] = {}
        for c in clusters:
            for i in c.root().members:
                owner[i] = c.root()
        for i, m in enumerate(mentions):
            if m.source not in REFERRING:
                continue
            cluster: _Cluster | None = None
            if m.source == "coreference":
                cluster = _antecedent(i, m.label, mentions, owner, lambda c: True)
            elif m.label == "PERSON" and m.role:
                # a person named by office alone: first someone of this article who bears the
                # title, else the holder of that office on that day
                if m.text.split()[0].lower() in ("a", "an"):
                    cluster = None  # "a spokesman": someone not named, not a known holder
                elif _qualified_office(m.role):
                    actor_id = self._office_holder(m.role, article)
                    if actor_id:
                        cluster = self._known(actor_id, by_id, new_cluster, "PERSON")
                    else:
                        cluster = _titled(clusters, m.role, before=i, owner=owner)
                else:
                    cluster = _titled(clusters, m.role, before=i, owner=owner)
            else:
                words = m.text.lower().split()
                head = words[-1] if words else ""
                if words and words[0] in _DEFINITE and head in _REFERRING_HEADS:
                    cluster = _antecedent(
                        i, m.label, mentions, owner, lambda c, h=head: _fits(c, h), before_only=True
                    )
            if cluster is None:
                if m.source == "coreference":
                    continue
                # a thing described, never named: an entity of this article alone
                cluster = new_cluster(m.label, local=article.id)
                if m.role:
                    cluster.titles.append(m.role)
                else:
                    cluster.forms.append(_COUNT.sub("", core_name(m.text, m.label)))
            cluster = cluster.root()
            cluster.members.append(i)
            owner[i] = cluster

    def _offices(self) -> list[tuple[Actor, Any, re.Pattern[str], str]]:
        """Every office a desk person held: (person, role, title pattern, country), built once."""
        if self._office_table is None:
            table = []
            for actor in self._actors.values():
                if actor.type != "PERSON":
                    continue
                for r in actor.roles:
                    title = r.title.lower().strip()
                    if not title:
                        continue
                    home = (
                        self.country_of(r.organization) if r.organization else None
                    ) or actor.country
                    # an envoy of a state abroad is what news often calls its ambassador
                    words = re.escape(title).replace("ambassador", "(?:ambassador|envoy)")
                    pattern = re.compile(r"\b" + words + r"\b")
                    table.append((actor, r, pattern, home))
            self._office_table = table
        return self._office_table

    def _is_country(self, text: str) -> bool:
        return self.gazetteer is not None and self.gazetteer.is_country(text) is not None

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
        keep_org: set[int] = frozenset(),  # type: ignore[assignment]
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
                # a country acting keeps its ORG label while naming the place's entity
                labels[i] = "ORG" if i in keep_org else c.type
        out = [
            m.replace(entity_id=ids[i], label=labels[i]) if i in ids else m
            for i, m in enumerate(mentions)
            if i in ids or m.source != "coreference"  # a pronoun with no antecedent says nothing
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
        elif c.place is not None and not (c.place.precision == "context" and c.forms):
            name = c.place.name
            ident = f"loc:{slugify(normalize_name(name))}"
        else:
            name = c.full_name() or (c.titles[0] if c.titles else "")
            ident = f"{c.type.lower()}:{slugify(normalize_name(name))}"
            if c.local:
                ident = f"{ident}@{c.local[:12]}"
                attributes["described"] = True
        if c.place is not None and c.place.country:
            attributes.setdefault("country", c.place.country)
        if c.type == "NORP" and "country" not in attributes:
            iso = self.country_of(name)
            if iso:
                attributes["country"] = iso
        if c.type == "NORP" and c.place is None and self.gazetteer is not None:
            iso = attributes.get("country") or self.country_of(name)
            # a people's country is where a reader looks for them on a map ("Iranian" → Iran)
            c.place = self.gazetteer.country_place(iso) if iso else None
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


def _qualified(name: str, context: list[str], gazetteer: Gazetteer) -> list[str]:
    """Context countries, led by the country a qualified name gives ("Palmyra, Syria")."""
    if "," not in name:
        return context
    place = gazetteer.resolve(name.rsplit(",", 1)[1].strip())
    if place is None or not place.country:
        return context
    return [place.country, *[c for c in context if c != place.country]]


def _qualified_office(role: str) -> bool:
    """Whether an office names its country or posting ("Iranian Ambassador to Baghdad")."""
    words = role.split()
    return any(w[:1].isupper() for w in words[:-1]) or " to " in role or " in " in role


def _titled(
    clusters: list[_Cluster],
    role: str,
    before: int | None = None,
    owner: dict[int, _Cluster] | None = None,
) -> _Cluster | None:
    """The latest person of the article who bore this office ("Foreign Secretary ... the Secretary")."""
    words = [w for w in role.lower().split() if w not in ("to", "in", "at", "of", "the")]
    head = next((w for w in reversed(words) if w[:1].isalpha() and w in OFFICE_HEADS), "")
    if not head:
        return None
    # "the American ambassador" is not the Syrian one named before
    qualifiers = {w.lower() for w in role.split()[:-1] if w[:1].isupper()}
    found: _Cluster | None = None
    best = -1
    for c in clusters:
        c = c.root()
        if c.type != "PERSON" or not c.forms:
            continue
        titles = [t.lower().split() for t in c.titles]
        if not any(head in t and qualifiers <= set(t) for t in titles):
            continue
        # nearest earlier mention wins; without positions, the last such person
        seen = [i for i, o in (owner or {}).items() if o is c and (before is None or i < before)]
        where = max(seen) if seen else (-1 if owner else 0)
        if where >= best:
            found, best = c, where
    return found


# A count before a description ("two fighting positions") is not part of what it names.
_COUNT = re.compile(
    r"^(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens of|hundreds of)\s+",
    re.IGNORECASE,
)
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_REFERRING_HEADS = {
    "city": "P",
    "town": "P",
    "village": "P",
    "capital": "P",
    "country": "A",
    "province": "",
    "region": "",
    "area": "",
    "district": "",
    "regime": "regime",
    "government": "government",
    "coalition": "coalition",
    "group": "",
    "militia": "militia",
    "organization": "",
    "organisation": "",
    "movement": "movement",
}


def _fits(c: _Cluster, head: str) -> bool:
    """Whether a named entity can be what a description ("the city", "the regime") refers to."""
    want = _REFERRING_HEADS.get(head, "")
    if c.type == "LOC":
        if not want:
            return True
        return c.place is not None and (
            c.place.feature_class == want or (want == "P" and c.place.precision == "city")
        )
    if not want:
        return True
    return any(want in f.lower() for f in c.forms) or (
        c.actor is not None and want in c.actor.name.lower()
    )


def _antecedent(
    i: int,
    label: str,
    mentions: Sequence[Mention],
    owner: dict[int, _Cluster],
    fits: Any,
    before_only: bool = False,
) -> _Cluster | None:
    """The nearest named entity of this kind before mention ``i`` (or just after it)."""
    before = [j for j in range(i - 1, -1, -1) if j in owner]
    after = [] if before_only else [j for j in range(i + 1, len(mentions)) if j in owner][:3]
    for j in before + after:
        c = owner[j].root()
        if c.type == label and c.outlet is None and not c.local and fits(c):
            return c
    return None


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
