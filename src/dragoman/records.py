"""Typed records exchanged between the stages.

Every record is a frozen dataclass with ``to_dict()`` / ``from_dict()`` so it can
cross a JSONL pipe or a database row unchanged. Datetimes travel as ISO strings.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

T = TypeVar("T", bound="Record")

LABELS = ("PERSON", "ORG", "LOC", "NORP", "DATE", "MONEY", "ROLE")
RELIABILITY_GRADES = ("A", "B", "C", "D", "E", "F")
EVENT_MODES = ("asserted", "negated", "future", "hypothetical", "historical")


def _encode(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(args[0], value) if len(args) == 1 else value
    if origin is tuple:
        members = typing.get_args(tp)
        inner = members[0] if members else Any
        return tuple(_decode(inner, v) for v in value)
    if origin is list:
        (inner,) = typing.get_args(tp) or (Any,)
        return [_decode(inner, v) for v in value]
    if origin is dict:
        return dict(value)
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp.from_dict(value)
    if tp is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if tp is date and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


# Resolved field types per record class: get_type_hints evaluates every annotation
# string on each call, which dominated the cost of reading records back from the store.
_HINTS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _field_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    """The (name, resolved type) of each dataclass field of ``cls``, computed once."""
    found = _HINTS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
        _HINTS[cls] = found
    return found


class Record:
    """Mixin giving dataclass records a JSON-friendly round trip."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _encode(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        kwargs = {}
        for name, hint in _field_hints(cls):
            if name in data:
                kwargs[name] = _decode(hint, data[name])
        return cls(**kwargs)

    def replace(self: T, **changes: Any) -> T:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


# --- sources and desk -------------------------------------------------------------------


@dataclass(frozen=True)
class Feed(Record):
    url: str
    kind: str = "rss"  # rss | atom | html | telegram


@dataclass(frozen=True)
class Outlet(Record):
    id: str
    name: str  # display form used in citations, e.g. "the Turkish Anadolu Agency"
    citation_names: tuple[str, ...] = ()
    country: str = ""  # ISO 3166 alpha-2
    language: str = "en"
    orientation: str = ""
    reliability: str = "F"  # Admiralty source reliability A-F
    feeds: tuple[Feed, ...] = ()
    owner: str = ""  # outlets of one owner count once for corroboration
    kind: str = "news"  # news | agency | website | telegram | tv | newspaper
    domains: tuple[str, ...] = ()  # web domains and Telegram handles that identify the outlet
    grade_note: str = ""  # why the desk gave this reliability grade
    # "party" for the own channel of a group or leader in the news (a militia's Telegram
    # channel), which speaks for itself rather than reporting: not one of "X sources"
    voice: str = "media"


@dataclass(frozen=True)
class Role(Record):
    title: str  # "Ambassador"
    organization: str = ""  # "Iran" / "IRGC Qods Force"
    posting: str = ""  # "Baghdad"
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Actor(Record):
    """An actor the desk watches: a person, group or place with its name forms."""

    id: str
    name: str
    type: str  # PERSON | ORG | LOC | NORP
    aliases: tuple[str, ...] = ()
    country: str = ""
    sector: str = ""  # GOV, MIL, militia, party, business, media, religious ...
    roles: tuple[Role, ...] = ()
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Arena(Record):
    """A section of the bulletin: developments involving one side that concern a place."""

    id: str
    title: str
    involves: tuple[str, ...] = ()  # countries (ISO2) whose actors must take part
    concerns: tuple[str, ...] = ()  # countries (ISO2) the development happens in or concerns
    keywords: tuple[str, ...] = ()  # extra terms that tie a development to this arena
    priority: int = 0  # order of sections in the bulletin


@dataclass(frozen=True)
class Desk(Record):
    id: str
    title: str
    actors: tuple[Actor, ...] = ()
    arenas: tuple[Arena, ...] = ()
    themes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # theme -> keywords
    verbs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # event type -> lemmas
    cadence_days: int = 14
    country_terms: dict[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # ISO2 -> names, demonyms
    # Overrides of the credibility rules and salience weights (stories/assess.py holds the
    # defaults); only the settings the desk file gives are kept here.
    credibility: dict[str, Any] = field(default_factory=dict)
    salience: dict[str, Any] = field(default_factory=dict)


# --- collected material -------------------------------------------------------------------


@dataclass(frozen=True)
class Article(Record):
    id: str
    outlet_id: str
    url: str
    published: datetime | None
    title: str
    text: str
    language: str = "en"
    collected_at: datetime | None = None
    duplicate_of: str | None = None
    content_hash: str = ""
    author: str = ""
    origin: str = ""  # the file, feed or page it was collected from


# --- annotations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence(Record):
    article_id: str
    start: int
    end: int
    text: str
    # What the parse learned: where each finite verb of the sentence starts, as offsets into
    # the article's text; None when the sentence was never parsed (a split made later).
    finite_verbs: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Place(Record):
    name: str
    lat: float | None
    lon: float | None
    country: str = ""
    feature_class: str = ""  # A (country/region), P (populated place), S (spot) ...
    geonames_id: int | None = None
    precision: str = ""  # exact | country | region | unknown


@dataclass(frozen=True)
class Entity(Record):
    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    place: Place | None = None


@dataclass(frozen=True)
class Mention(Record):
    article_id: str
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None
    confidence: float = 1.0
    source: str = "model"  # model | dictionary | pattern
    role: str | None = None


@dataclass(frozen=True)
class DateMention(Record):
    article_id: str
    start: int
    end: int
    text: str
    value: date | None


@dataclass(frozen=True)
class EventArg(Record):
    text: str
    entity_id: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Event(Record):
    article_id: str
    start: int  # sentence span
    end: int
    type: str  # PLOVER
    cameo: str | None = None
    mode: str = "asserted"
    actors: tuple[EventArg, ...] = ()
    targets: tuple[EventArg, ...] = ()
    place: str | None = None  # entity id of the place
    date: date | None = None
    reported_by: str | None = None
    trigger: str = ""


@dataclass(frozen=True)
class Annotated(Record):
    article: Article
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    events: tuple[Event, ...] = ()


# --- stories and digests ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure(Record):
    """A count of people one report gives ("12 killed"), where it gives it."""

    kind: str  # killed | wounded | casualties | arrested | people
    value: int
    article_id: str
    start: int = 0  # [start, end) of the number in the article's title + "\n" + text
    end: int = 0


@dataclass(frozen=True)
class Claim(Record):
    """One side of a disagreement: the value some of a story's reports give."""

    value: str  # as the bulletin prints it: "July 25", "Idlib", "12"
    outlet_ids: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contradiction(Record):
    """What a story's reports disagree on, and who says what."""

    what: str  # date | place | figure
    topic: str  # as printed: "the date", "the place", "the casualty figures"
    claims: tuple[Claim, ...] = ()
    unit: str = ""  # printed after a figure: " killed", " people"


@dataclass(frozen=True)
class Story(Record):
    id: str
    article_ids: tuple[str, ...]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    arena: str | None = None
    themes: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    outlet_grades: dict[str, str] = field(default_factory=dict)  # outlet id -> A-F
    credibility: int = 6
    credibility_reason: str = ""
    salience: float = 0.0
    duplicates: dict[str, str] = field(default_factory=dict)  # reprint article id -> original
    contradictions: tuple[Contradiction, ...] = ()  # what the reports disagree on
    figures: tuple[Figure, ...] = ()  # the counts of people its reports give


@dataclass(frozen=True)
class Replacement(Record):
    """Words a bullet prints in place of an article's words ("" original: words added)."""

    start: int  # [start, end) in SentenceRef.written
    end: int
    original: str  # the article's words they stand for, "" for an insertion
    kind: str = "name"  # name | pronoun | attribution | case
    entity_id: str | None = None  # the entity a name or pronoun replacement names


@dataclass(frozen=True)
class SentenceRef(Record):
    text: str  # the article's sentence, exactly article.text[start:end]
    article_id: str
    start: int
    end: int
    # The sentence as the bullet prints it when compression changed it ("" = text as is):
    # undoing the replacements gives the concatenation of the article spans in parts.
    written: str = ""
    parts: tuple[tuple[int, int], ...] = ()
    replacements: tuple[Replacement, ...] = ()

    @property
    def shown(self) -> str:
        """The words the bulletin prints for this sentence."""
        return self.written or self.text


@dataclass(frozen=True)
class Citation(Record):
    outlet: str
    date: date | None
    article_id: str
    url: str | None = None
    outlet_id: str = ""


@dataclass(frozen=True)
class EntityLink(Record):
    """A person, group or place named in a bullet, linked to its resolved entity."""

    id: str
    name: str  # canonical name of the entity
    type: str  # PERSON | ORG | LOC | NORP
    mentions: tuple[str, ...] = ()  # distinct surface forms, as written in the bullet
    spans: tuple[tuple[int, int], ...] = ()  # [start, end) of each linked mention in Bullet.text
    place: Place | None = None  # for places, where it is when known
    role: str | None = None  # for people, the title a mention in the bullet gives them


@dataclass(frozen=True)
class Bullet(Record):
    text: str
    story_id: str
    sentences: tuple[SentenceRef, ...] = ()
    citations: tuple[Citation, ...] = ()
    credibility: int | None = None
    assessment: str | None = None
    anchor: str = ""
    entities: tuple[EntityLink, ...] = ()  # people, groups and places it names, first seen first
    # against the previous bulletin: "new" story, "developing" story with new reports, or ""
    status: str = ""


@dataclass(frozen=True)
class Section(Record):
    title: str
    arena: str
    bullets: tuple[Bullet, ...] = ()


@dataclass(frozen=True)
class Digest(Record):
    title: str
    period_from: date
    period_to: date
    overview: tuple[Bullet, ...] = ()
    sections: tuple[Section, ...] = ()
    entity_index: dict[str, list[str]] = field(
        default_factory=dict
    )  # entity name -> bullet anchors
    timeline: tuple[dict[str, Any], ...] = ()
