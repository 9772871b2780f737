"""The JSON shapes of the REST API (pydantic models, published in /openapi.json)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
Grade = Literal["A", "B", "C", "D", "E", "F"]


class Page(BaseModel, Generic[T]):
    """One page of a longer list."""

    total: int
    page: int
    per_page: int
    items: list[T]


# --- articles ---------------------------------------------------------------------------------


class ArticleHit(BaseModel):
    id: str
    outlet_id: str
    outlet: str  # the outlet's display name
    published: datetime | None
    title: str
    url: str
    duplicate_of: str | None
    score: float
    snippet: str
    marks: list[tuple[int, int]]  # [start, end) of the matched words in snippet


class MentionOut(BaseModel):
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None
    role: str | None
    confidence: float
    source: str


class PlaceOut(BaseModel):
    name: str
    lat: float | None
    lon: float | None
    country: str
    feature_class: str
    geonames_id: int | None
    precision: str


class EntityBrief(BaseModel):
    id: str
    type: str
    name: str
    aliases: list[str]
    place: PlaceOut | None = None
    mentions: int | None = None


class EventArgOut(BaseModel):
    text: str
    entity_id: str | None
    country: str | None


class EventOut(BaseModel):
    article_id: str
    story_id: str | None = None
    start: int
    end: int
    type: str
    cameo: str | None
    mode: str
    actors: list[EventArgOut]
    targets: list[EventArgOut]
    place: str | None
    date: date | None
    reported_by: str | None
    trigger: str


class ArticleDetail(BaseModel):
    id: str
    outlet_id: str
    outlet: str
    outlet_reliability: str | None
    url: str
    published: datetime | None
    collected_at: datetime | None
    title: str
    text: str
    language: str
    author: str
    duplicate_of: str | None
    processed: bool
    story_id: str | None
    mentions: list[MentionOut]
    entities: list[EntityBrief]
    events: list[EventOut]


# --- entities ---------------------------------------------------------------------------------


class RoleOut(BaseModel):
    title: str
    organization: str = ""
    posting: str = ""
    start: date | None = None
    end: date | None = None


class ReportedRole(BaseModel):
    role: str
    count: int
    first_seen: datetime | None
    last_seen: datetime | None


class EntityStory(BaseModel):
    id: str
    title: str
    first_seen: datetime | None
    last_seen: datetime | None
    arena: str | None
    articles: int  # articles of the story naming the entity


class CoOccurrence(BaseModel):
    entity: EntityBrief
    count: int  # original articles naming both


class DayCount(BaseModel):
    date: date
    count: int


class EntityDetail(BaseModel):
    id: str
    type: str
    name: str
    aliases: list[str]
    attributes: dict[str, Any]
    place: PlaceOut | None
    roles: list[RoleOut]  # known from the desk, with their dates
    reported_roles: list[ReportedRole]  # titles the articles give, first and last seen
    mention_count: int
    merged_from: list[str]
    stories: list[EntityStory]
    co_occurring: list[CoOccurrence]
    timeline: list[DayCount]


# --- stories ----------------------------------------------------------------------------------


class StorySummary(BaseModel):
    id: str
    title: str
    first_seen: datetime | None
    last_seen: datetime | None
    arena: str | None
    themes: list[str]
    article_count: int
    outlet_count: int
    credibility: int
    credibility_words: str
    salience: float


class StoryArticle(BaseModel):
    id: str
    outlet_id: str
    outlet: str
    grade: str | None  # the outlet's Admiralty reliability grade in this story
    published: datetime | None
    title: str
    url: str
    reprint_of: str | None


class StoryDetail(StorySummary):
    credibility_reason: str
    outlet_grades: dict[str, str]
    duplicates: dict[str, str]  # reprint article id -> original
    articles: list[StoryArticle]
    events: list[EventOut]


# --- digests ----------------------------------------------------------------------------------


class DigestCreate(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    period_from: date = Field(alias="from")
    period_to: date = Field(alias="to")
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None


class BulletEditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anchor: Annotated[str, Field(min_length=1, max_length=300)]
    text: Annotated[str, Field(max_length=5000)] | None = None


class SectionEditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    arena: Annotated[str, Field(min_length=1, max_length=200)]
    title: Annotated[str, Field(max_length=300)] | None = None
    bullets: Annotated[list[BulletEditIn], Field(max_length=500)]


class DigestEditIn(BaseModel):
    """Parts left out stay as they are; listed bullets are kept in the order given."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(max_length=300)] | None = None
    overview: Annotated[list[BulletEditIn], Field(max_length=100)] | None = None
    sections: Annotated[list[SectionEditIn], Field(max_length=100)] | None = None


class CitationOut(BaseModel):
    outlet: str
    date: date | None
    article_id: str
    url: str | None
    outlet_id: str = ""


class SentenceOut(BaseModel):
    text: str
    article_id: str
    start: int
    end: int
    written: str = ""


class BulletOut(BaseModel):
    anchor: str
    text: str
    story_id: str
    credibility: int | None
    assessment: str | None
    citations: list[CitationOut]
    sentences: list[SentenceOut]
    entities: list[dict[str, Any]]


class SectionOut(BaseModel):
    title: str
    arena: str
    bullets: list[BulletOut]


class DigestContent(BaseModel):
    title: str
    period_from: date
    period_to: date
    overview: list[BulletOut]
    sections: list[SectionOut]
    entity_index: dict[str, list[str]]
    timeline: list[dict[str, Any]]


class HistoryEntry(BaseModel):
    who: str
    when: str
    action: str


class DigestMeta(BaseModel):
    id: int
    title: str
    period_from: date
    period_to: date
    status: Literal["draft", "published"]
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    published_by: str | None
    published_at: str | None


class DigestDetail(DigestMeta):
    history: list[HistoryEntry]
    digest: DigestContent


# --- sources ----------------------------------------------------------------------------------


class SourceOut(BaseModel):
    id: str
    name: str
    citation_names: list[str]
    country: str
    language: str
    kind: str
    orientation: str
    owner: str
    reliability: str
    grade_note: str
    domains: list[str]
    feeds: list[str]
    articles: int


class SourcePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reliability: Grade | None = None
    grade_note: Annotated[str, Field(max_length=2000)] | None = None


# --- corrections ------------------------------------------------------------------------------

Id = Annotated[str, Field(min_length=1, max_length=300)]


class EntityMergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["entity_merge"]
    source: Id
    target: Id
    force: bool = False


class EntityAliasIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["entity_alias"]
    entity: Id
    alias: Annotated[str, Field(min_length=1, max_length=300)]


class StoryMergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["story_merge"]
    source: Id
    target: Id


class StorySplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["story_split"]
    story: Id
    articles: Annotated[list[Id], Field(min_length=1, max_length=1000)]


CorrectionIn = Annotated[
    EntityMergeIn | EntityAliasIn | StoryMergeIn | StorySplitIn, Field(discriminator="kind")
]


class CorrectionOut(BaseModel):
    id: int
    kind: str
    summary: str
    payload: dict[str, Any]
    author: str
    created_at: str
    reverted_at: str | None
    reverted_by: str | None


class CorrectionResult(BaseModel):
    correction: CorrectionOut | None  # None when nothing new had to be recorded
    articles: int  # stored articles corrected or moved
    stories: int  # stories re-assessed
    note: str


class Status(BaseModel):
    counts: dict[str, int]
    collecting_every: float | None
    collector_runs: int
    last_run_started: datetime | None
    last_run_finished: datetime | None
    last_run_new: int
    last_run_errors: list[str]
