"""The REST API under /api: articles, entities, stories, events, digests, sources, corrections.

Every route reads the store afresh on each request. Reads need a signed-in user of any
role; changes need the analyst role (see ``deps.authorize``).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, Response

from ..errors import DragomanError
from ..pipeline import (
    SOURCES_NAME,
    Workspace,
    add_entity_alias,
    entity_details,
    list_entities,
    list_stories,
    make_digest,
    merge_entities,
    merge_stories,
    revert_entity_correction,
    revert_story_correction,
    split_story,
    story_details,
)
from ..records import Digest, Entity, Event, Outlet, Story
from ..store.sqlite import MARK_END, MARK_START, acting_as, fts_query
from . import schemas as s
from .deps import User, authorize, workspace
from .drafts import BulletEdit, DraftError, SectionEdit, edit_digest
from .registry import set_outlet_fields

router = APIRouter(prefix="/api", dependencies=[Depends(authorize)])

MAX_QUERY = 1000  # characters of a search query
COUNT_LIMIT = 1000  # a search counts its matches up to this many (see ArticlePage)
# answered searches kept until the database changes ($DRAGOMAN_SEARCH_CACHE; 0 keeps none)
SEARCH_CACHE_SIZE = int(os.environ.get("DRAGOMAN_SEARCH_CACHE", "1024") or 0)


class _SearchCache:
    """Answers to recent searches, valid while the database files are unchanged.

    Analysts repeat searches (paging, facets, the same names); the answer to one is kept
    under its parameters and the database's version, read from the modification time and
    size of the database file and its write-ahead log, so any write by any process (a
    collection run, a correction) makes every kept answer stale.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def version(self, ws: Workspace) -> tuple[int, ...] | None:
        """The database's version, or None when answers are not kept (no file, or size 0)."""
        path = getattr(ws.store, "path", None)
        if not self.size or path is None or str(path) == ":memory:":
            return None
        out: list[int] = []
        for f in (path, path.with_name(path.name + "-wal")):
            try:
                st = os.stat(f)
            except OSError:
                out += [0, 0]
                continue
            out += [st.st_mtime_ns, st.st_size]
        return tuple(out)

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_search_cache = _SearchCache(SEARCH_CACHE_SIZE)
MAX_PERIOD_DAYS = 366
ENTITY_TYPES = ("PERSON", "ORG", "LOC", "NORP")
ENTITY_KINDS = ("entity_merge", "entity_alias")
STORY_KINDS = ("story_merge", "story_split")
MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}
# A rendered digest is a standalone document: no scripts, only its own styles and images.
RENDER_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
_registry_lock = threading.Lock()

PageNo = Query(1, ge=1, le=100_000, description="Page number, from 1.")
PerPage = Query(20, ge=1, le=100, description="Items per page (at most 100).")
From = Query(None, alias="from", description="First day (YYYY-MM-DD).")
To = Query(None, alias="to", description="Last day (YYYY-MM-DD).")


def _offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _check_period(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise HTTPException(422, f"the period ends ({end}) before it starts ({start})")


def _not_found(exc: DragomanError) -> HTTPException:
    """Unknown ids are 404; the library's messages for them start with "no ..."."""
    message = str(exc)
    return HTTPException(404 if message.startswith("no ") else 400, message)


# --- shared conversions -----------------------------------------------------------------------


def _brief(entity: Entity, count: int | None = None) -> s.EntityBrief:
    place = s.PlaceOut(**entity.place.to_dict()) if entity.place else None
    return s.EntityBrief(
        id=entity.id,
        type=entity.type,
        name=entity.name,
        aliases=list(entity.aliases),
        place=place,
        mentions=count,
    )


def _event(event: Event, story_id: str | None = None) -> s.EventOut:
    return s.EventOut(story_id=story_id, **event.to_dict())


def _outlet_name(outlets: dict[str, Outlet], outlet_id: str) -> str:
    outlet = outlets.get(outlet_id)
    return outlet.name if outlet else outlet_id


def _marks(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet without its match markers, and where the marked words are."""
    text: list[str] = []
    marks: list[tuple[int, int]] = []
    size, start = 0, None
    for char in snippet:
        if char == MARK_START:
            start = size
        elif char == MARK_END:
            if start is not None:
                marks.append((start, size))
            start = None
        else:
            text.append(char)
            size += 1
    return "".join(text), marks


def _title_of(ws: Workspace, stories: list[Story]) -> dict[str, str]:
    firsts = [st.article_ids[0] for st in stories if st.article_ids]
    titles = {a.id: a.title for a in ws.store.articles(ids=firsts)} if firsts else {}
    return {st.id: titles.get(st.article_ids[0], "") if st.article_ids else "" for st in stories}


def _summary(story: Story, title: str) -> dict[str, Any]:
    from ..stories.assess import GRADE_WORDS

    return {
        "id": story.id,
        "title": title,
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "arena": story.arena,
        "themes": list(story.themes),
        "article_count": len(story.article_ids),
        "outlet_count": len(story.outlet_grades),
        "credibility": story.credibility,
        "credibility_words": GRADE_WORDS.get(story.credibility, ""),
        "salience": story.salience,
    }


# --- articles ---------------------------------------------------------------------------------


class ArticlePage(s.Page[s.ArticleHit]):
    """A page of search hits; past COUNT_LIMIT matches ``total`` stops there."""

    total_exact: bool = True  # false when more than ``total`` articles match


@router.get("/articles", response_model=ArticlePage, tags=["articles"])
def search_articles(
    q: str = Query(
        "",
        max_length=MAX_QUERY,
        description='Full-text query (words, "phrases", OR, NOT, prefix*).',
    ),
    outlet: str | None = Query(None, max_length=200),
    date_from: date | None = From,
    date_to: date | None = To,
    entity: str | None = Query(None, max_length=300),
    story: str | None = Query(None, max_length=300),
    page: int = PageNo,
    per_page: int = PerPage,
    ws: Workspace = Depends(workspace),
) -> ArticlePage:
    """Search articles by words, outlet, period, entity and story; newest first without words."""
    _check_period(date_from, date_to)
    if q.strip() and not fts_query(q):
        raise HTTPException(400, f"the query {_short(q)!r} has no words or numbers to search for")
    outlets = ws.outlets
    if outlet is not None and outlet not in outlets:
        raise HTTPException(404, f"no outlet {_short(outlet)!r}; see GET /api/sources")
    if entity is not None and ws.store.entity(entity) is None:
        raise HTTPException(404, f"no entity {_short(entity)!r}; see GET /api/entities")
    if story is not None and ws.store.story(story) is None:
        raise HTTPException(404, f"no story {_short(story)!r}; see GET /api/stories")
    version = _search_cache.version(ws)
    key = (
        str(ws.store.path),
        version,
        q,
        outlet,
        date_from,
        date_to,
        entity,
        story,
        page,
        per_page,
    )
    if version is not None:
        cached = _search_cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    hits, total = ws.store.search_articles(
        q,
        outlet_id=outlet,
        start=date_from,
        end=date_to,
        entity_id=entity,
        story_id=story,
        limit=per_page,
        offset=_offset(page, per_page),
        count_limit=COUNT_LIMIT,
    )
    items = []
    for article, score, snippet in hits:
        text, marks = _marks(snippet)
        items.append(
            s.ArticleHit(
                id=article.id,
                outlet_id=article.outlet_id,
                outlet=_outlet_name(outlets, article.outlet_id),
                published=article.published,
                title=article.title,
                url=article.url,
                duplicate_of=article.duplicate_of,
                score=round(score, 4),
                snippet=text,
                marks=marks,
            )
        )
    answer = ArticlePage(
        total=min(total, COUNT_LIMIT),
        total_exact=total <= COUNT_LIMIT,
        page=page,
        per_page=per_page,
        items=items,
    )
    if version is not None:
        _search_cache.put(key, answer)
    return answer


@router.get("/articles/{article_id}", response_model=s.ArticleDetail, tags=["articles"])
def get_article(
    article_id: str = Path(max_length=300), ws: Workspace = Depends(workspace)
) -> s.ArticleDetail:
    """One article: its text, the entities it names with their spans, its events and story."""
    article = ws.store.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {_short(article_id)!r}")
    ann = ws.store.annotations(article_id)
    outlets = ws.outlets
    outlet = outlets.get(article.outlet_id)
    story_id = ws.store.story_of(article_id)
    return s.ArticleDetail(
        id=article.id,
        outlet_id=article.outlet_id,
        outlet=outlet.name if outlet else article.outlet_id,
        outlet_reliability=outlet.reliability if outlet else None,
        url=article.url,
        published=article.published,
        collected_at=article.collected_at,
        title=article.title,
        text=article.text,
        language=article.language,
        author=article.author,
        duplicate_of=article.duplicate_of,
        processed=ann is not None,
        story_id=story_id,
        mentions=[s.MentionOut(**m.to_dict()) for m in ann.mentions] if ann else [],
        entities=[_brief(e) for e in ann.entities] if ann else [],
        events=[_event(e, story_id) for e in ann.events] if ann else [],
    )


# --- entities ---------------------------------------------------------------------------------


@router.get("/entities", response_model=s.Page[s.EntityBrief], tags=["entities"])
def search_entities(
    q: str | None = Query(None, max_length=300, description="Part of an id, name or alias."),
    type: str | None = Query(None, max_length=20, description="PERSON, ORG, LOC or NORP."),
    page: int = PageNo,
    per_page: int = PerPage,
    ws: Workspace = Depends(workspace),
) -> s.Page[s.EntityBrief]:
    """Entities with their mention counts, most mentioned first."""
    if type is not None and type.upper() not in ENTITY_TYPES:
        raise HTTPException(422, f"type {_short(type)!r} is not one of {', '.join(ENTITY_TYPES)}")
    rows = list_entities(ws, type=type, query=q, limit=None)
    start = _offset(page, per_page)
    items = [_brief(e, n) for e, n in rows[start : start + per_page]]
    return s.Page(total=len(rows), page=page, per_page=per_page, items=items)


@router.get("/entities/{entity_id}", response_model=s.EntityDetail, tags=["entities"])
def get_entity(
    entity_id: str = Path(max_length=300), ws: Workspace = Depends(workspace)
) -> s.EntityDetail:
    """An entity's profile: aliases, roles over time, place, stories, co-occurring entities."""
    try:
        view = entity_details(ws, entity_id, mentions=0)
    except DragomanError as exc:
        raise HTTPException(404, str(exc)) from None
    e = view.entity
    found = ws.store.stories_of_entity(e.id)
    stories = [st for st in (ws.store.story(sid) for sid, _ in found) if st is not None]
    titles = _title_of(ws, stories)
    counts = dict(found)
    roles = [
        s.RoleOut(**r) if isinstance(r, dict) else s.RoleOut(title=str(r))
        for r in e.attributes.get("roles") or ()
    ]
    return s.EntityDetail(
        id=e.id,
        type=e.type,
        name=e.name,
        aliases=list(e.aliases),
        attributes=e.attributes,
        place=s.PlaceOut(**e.place.to_dict()) if e.place else None,
        roles=roles,
        reported_roles=[s.ReportedRole(**r) for r in ws.store.reported_roles(e.id)],
        mention_count=view.mention_count,
        merged_from=view.merged,
        stories=[
            s.EntityStory(
                id=st.id,
                title=titles[st.id],
                first_seen=st.first_seen,
                last_seen=st.last_seen,
                arena=st.arena,
                articles=counts[st.id],
            )
            for st in stories
        ],
        co_occurring=[
            s.CoOccurrence(entity=_brief(other), count=n)
            for other, n in ws.store.co_occurring(e.id)
        ],
        timeline=[s.DayCount(date=d, count=n) for d, n in ws.store.entity_timeline(e.id)],
    )


# --- stories ----------------------------------------------------------------------------------


@router.get("/stories", response_model=s.Page[s.StorySummary], tags=["stories"])
def search_stories(
    date_from: date | None = From,
    date_to: date | None = To,
    arena: str | None = Query(None, max_length=200, description="An arena id of the desk."),
    page: int = PageNo,
    per_page: int = PerPage,
    ws: Workspace = Depends(workspace),
) -> s.Page[s.StorySummary]:
    """Stories seen in a period, the most recently seen first."""
    _check_period(date_from, date_to)
    arenas = [a.id for a in ws.desk.arenas]
    if arena is not None and arena not in arenas:
        raise HTTPException(404, f"no arena {_short(arena)!r}; arenas: {', '.join(arenas)}")
    lines = list_stories(ws, date_from, date_to, limit=None)
    if arena is not None:
        lines = [line for line in lines if line.story.arena == arena]
    start = _offset(page, per_page)
    items = [
        s.StorySummary(**_summary(line.story, line.title))
        for line in lines[start : start + per_page]
    ]
    return s.Page(total=len(lines), page=page, per_page=per_page, items=items)


@router.get("/stories/{story_id}", response_model=s.StoryDetail, tags=["stories"])
def get_story(
    story_id: str = Path(max_length=300), ws: Workspace = Depends(workspace)
) -> s.StoryDetail:
    """A story: its reports with their outlets' grades, events, credibility and its reason."""
    try:
        view = story_details(ws, story_id)
    except DragomanError as exc:
        raise HTTPException(404, str(exc)) from None
    st = view.story
    outlets = ws.outlets
    articles = [
        s.StoryArticle(
            id=a.id,
            outlet_id=a.outlet_id,
            outlet=_outlet_name(outlets, a.outlet_id),
            grade=st.outlet_grades.get(a.outlet_id)
            or (outlets[a.outlet_id].reliability if a.outlet_id in outlets else None),
            published=a.published,
            title=a.title,
            url=a.url,
            reprint_of=st.duplicates.get(a.id),
        )
        for a in view.articles
    ]
    title = view.articles[0].title if view.articles else ""
    return s.StoryDetail(
        **_summary(st, title),
        credibility_reason=st.credibility_reason,
        outlet_grades=st.outlet_grades,
        duplicates=st.duplicates,
        articles=articles,
        events=[_event(e, st.id) for e in st.events],
    )


# --- events -----------------------------------------------------------------------------------


@router.get("/events", response_model=s.Page[s.EventOut], tags=["events"])
def search_events(
    story: str | None = Query(None, max_length=300),
    type: str | None = Query(None, max_length=50, description="PLOVER event type, e.g. ACCUSE."),
    date_from: date | None = From,
    date_to: date | None = To,
    page: int = PageNo,
    per_page: int = PerPage,
    ws: Workspace = Depends(workspace),
) -> s.Page[s.EventOut]:
    """Coded events, by day (the event's own date when given, else its article's)."""
    _check_period(date_from, date_to)
    if story is not None and ws.store.story(story) is None:
        raise HTTPException(404, f"no story {_short(story)!r}; see GET /api/stories")
    rows, total = ws.store.find_events(
        story_id=story,
        type=type.upper() if type else None,
        start=date_from,
        end=date_to,
        limit=per_page,
        offset=_offset(page, per_page),
    )
    return s.Page(
        total=total, page=page, per_page=per_page, items=[_event(e, sid) for e, sid in rows]
    )


# --- digests ----------------------------------------------------------------------------------


def _digest_row(ws: Workspace, digest_id: int) -> dict:
    row = ws.store.digest_row(digest_id)
    if row is None:
        raise HTTPException(404, f"no digest {digest_id}; see GET /api/digests")
    return row


def _digest_detail(row: dict) -> s.DigestDetail:
    meta = {k: v for k, v in row.items() if k not in ("data", "history")}
    return s.DigestDetail(**meta, history=row["history"], digest=s.DigestContent(**row["data"]))


@router.post("/digests", response_model=s.DigestDetail, status_code=201, tags=["digests"])
def create_digest(
    body: s.DigestCreate,
    user: User = Depends(authorize),
    ws: Workspace = Depends(workspace),
) -> s.DigestDetail:
    """Write a draft digest of a period from the stored stories."""
    _check_period(body.period_from, body.period_to)
    days = (body.period_to - body.period_from).days + 1
    if days > MAX_PERIOD_DAYS:
        raise HTTPException(
            422, f"the period is {days} days; a digest covers at most {MAX_PERIOD_DAYS}"
        )
    digest = make_digest(ws, body.period_from, body.period_to, title=body.title)
    digest_id = ws.store.add_digest(
        digest.title, digest.period_from, digest.period_to, digest.to_dict(), user.name
    )
    return _digest_detail(_digest_row(ws, digest_id))


@router.get("/digests", response_model=s.Page[s.DigestMeta], tags=["digests"])
def list_digests(
    page: int = PageNo, per_page: int = PerPage, ws: Workspace = Depends(workspace)
) -> s.Page[s.DigestMeta]:
    """Stored digests, newest first."""
    rows, total = ws.store.digest_rows(per_page, _offset(page, per_page))
    return s.Page(
        total=total, page=page, per_page=per_page, items=[s.DigestMeta(**r) for r in rows]
    )


@router.get("/digests/{digest_id}", response_model=s.DigestDetail, tags=["digests"])
def get_digest(digest_id: int, ws: Workspace = Depends(workspace)) -> s.DigestDetail:
    """One digest with its bullets, citations and edit history."""
    return _digest_detail(_digest_row(ws, digest_id))


@router.put("/digests/{digest_id}", response_model=s.DigestDetail, tags=["digests"])
def edit_draft(
    digest_id: int,
    body: s.DigestEditIn,
    user: User = Depends(authorize),
    ws: Workspace = Depends(workspace),
) -> s.DigestDetail:
    """Edit a draft: new title, bullets reordered, dropped or reworded (citations stay)."""
    row = _digest_row(ws, digest_id)
    if row["status"] != "draft":
        raise HTTPException(409, f"digest {digest_id} is published; it can no longer be edited")
    digest = Digest.from_dict(row["data"])
    try:
        edited = edit_digest(
            digest,
            title=body.title,
            overview=None
            if body.overview is None
            else [BulletEdit(b.anchor, b.text) for b in body.overview],
            sections=None
            if body.sections is None
            else [
                SectionEdit(x.arena, [BulletEdit(b.anchor, b.text) for b in x.bullets], x.title)
                for x in body.sections
            ],
        )
    except DraftError as exc:
        raise HTTPException(422, str(exc)) from None
    parts = [name for name in ("title", "overview", "sections") if getattr(body, name) is not None]
    action = "edited " + ", ".join(parts) if parts else "saved unchanged"
    if not ws.store.update_digest(digest_id, edited.title, edited.to_dict(), user.name, action):
        raise HTTPException(
            409, f"digest {digest_id} was published meanwhile; it can no longer be edited"
        )
    return _digest_detail(_digest_row(ws, digest_id))


@router.post("/digests/{digest_id}/publish", response_model=s.DigestDetail, tags=["digests"])
def publish_digest(
    digest_id: int, user: User = Depends(authorize), ws: Workspace = Depends(workspace)
) -> s.DigestDetail:
    """Publish a draft: it is frozen, with who published it and when."""
    _digest_row(ws, digest_id)
    if not ws.store.publish_digest(digest_id, user.name):
        raise HTTPException(409, f"digest {digest_id} is already published")
    return _digest_detail(_digest_row(ws, digest_id))


@router.get(
    "/digests/{digest_id}/render/{fmt}",
    tags=["digests"],
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA.values()}}},
)
def render_digest(
    digest_id: int, fmt: Literal["md", "html", "json", "pdf"], ws: Workspace = Depends(workspace)
) -> Response:
    """A digest rendered as Markdown, HTML, JSON or PDF."""
    from ..digest import render

    row = _digest_row(ws, digest_id)
    try:
        body = render(Digest.from_dict(row["data"]), fmt)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    headers = {"Content-Security-Policy": RENDER_CSP}
    if fmt == "pdf":
        headers["Content-Disposition"] = f'attachment; filename="digest-{digest_id}.pdf"'
    content = body.encode("utf-8") if isinstance(body, str) else body
    return Response(content, media_type=MEDIA[fmt], headers=headers)


# --- sources ----------------------------------------------------------------------------------


def _source(outlet: Outlet, articles: int) -> s.SourceOut:
    return s.SourceOut(
        id=outlet.id,
        name=outlet.name,
        citation_names=list(outlet.citation_names),
        country=outlet.country,
        language=outlet.language,
        kind=outlet.kind,
        orientation=outlet.orientation,
        owner=outlet.owner,
        reliability=outlet.reliability,
        grade_note=outlet.grade_note,
        domains=list(outlet.domains),
        feeds=[f.url for f in outlet.feeds],
        articles=articles,
    )


@router.get("/sources", response_model=list[s.SourceOut], tags=["sources"])
def list_sources(ws: Workspace = Depends(workspace)) -> list[s.SourceOut]:
    """Every outlet of the source registry with its grade and article count."""
    counts = ws.store.article_counts()
    return [_source(o, counts.get(o.id, 0)) for o in ws.outlets.values()]


@router.get("/sources/{source_id}", response_model=s.SourceOut, tags=["sources"])
def get_source(
    source_id: str = Path(max_length=200), ws: Workspace = Depends(workspace)
) -> s.SourceOut:
    """One outlet of the source registry."""
    outlet = ws.outlets.get(source_id)
    if outlet is None:
        raise HTTPException(404, f"no source {_short(source_id)!r}; see GET /api/sources")
    return _source(outlet, ws.store.article_counts().get(source_id, 0))


@router.patch("/sources/{source_id}", response_model=s.SourceOut, tags=["sources"])
def patch_source(
    request: Request,
    body: s.SourcePatch,
    source_id: str = Path(max_length=200),
    ws: Workspace = Depends(workspace),
) -> s.SourceOut:
    """Change an outlet's reliability grade (A-F) or grade note, in sources.yaml too.

    Stories keep their grades until they are next assessed.
    """
    changes = body.model_dump(exclude_none=True)
    if not changes:
        raise HTTPException(422, "give reliability (A-F) or grade_note to change")
    if source_id not in ws.outlets:
        raise HTTPException(404, f"no source {_short(source_id)!r}; see GET /api/sources")
    with _registry_lock:
        outlet = set_outlet_fields(ws.home / SOURCES_NAME, source_id, changes)
        ws.store.upsert_outlets([outlet])
    request.app.state.pool.reload()  # every thread re-reads sources.yaml
    return _source(outlet, ws.store.article_counts().get(source_id, 0))


# --- corrections ------------------------------------------------------------------------------


def _describe(row: dict) -> str:
    p = row["payload"]
    kind = row["kind"]
    if kind == "entity_merge":
        return f"merge entity {p.get('source', {}).get('id')} into {p.get('target', {}).get('id')}"
    if kind == "entity_alias":
        return f"alias {p.get('alias')!r} of entity {p.get('entity', {}).get('id')}"
    if kind == "story_merge":
        return f"merge story {p.get('source')} into {p.get('target')}"
    if kind == "story_split":
        moved = ", ".join(p.get("articles") or ())
        return f"split {moved} out of story {p.get('story')} into {p.get('new_story')}"
    return kind


def _correction(row: dict) -> s.CorrectionOut:
    return s.CorrectionOut(summary=_describe(row), **row)


@router.post(
    "/corrections", response_model=s.CorrectionResult, status_code=201, tags=["corrections"]
)
def correct(
    body: s.CorrectionIn = Body(...),
    user: User = Depends(authorize),
    ws: Workspace = Depends(workspace),
) -> s.CorrectionResult:
    """Merge or alias entities, merge or split stories; logged with who and when."""
    try:
        with acting_as(user.name):
            if isinstance(body, s.EntityMergeIn):
                report = merge_entities(ws, body.source, body.target, force=body.force)
            elif isinstance(body, s.EntityAliasIn):
                report = add_entity_alias(ws, body.entity, body.alias)
            elif isinstance(body, s.StoryMergeIn):
                report = merge_stories(ws, body.source, body.target)
            else:
                report = split_story(ws, body.story, body.articles)
    except DragomanError as exc:
        raise _not_found(exc) from None
    row = ws.store.correction(report.correction_id) if report.correction_id else None
    return s.CorrectionResult(
        correction=_correction(row) if row else None,
        articles=report.articles,
        stories=report.stories,
        note=report.note,
    )


@router.get("/corrections", response_model=s.Page[s.CorrectionOut], tags=["corrections"])
def list_corrections(
    reverted: bool = Query(True, description="Include reverted corrections."),
    page: int = PageNo,
    per_page: int = PerPage,
    ws: Workspace = Depends(workspace),
) -> s.Page[s.CorrectionOut]:
    """The corrections log, oldest first, with who made and who reverted each."""
    rows = ws.store.correction_log(reverted, per_page, _offset(page, per_page))
    total = ws.store.count_corrections(reverted)
    return s.Page(total=total, page=page, per_page=per_page, items=[_correction(r) for r in rows])


@router.post(
    "/corrections/{correction_id}/revert", response_model=s.CorrectionResult, tags=["corrections"]
)
def revert(
    correction_id: int, user: User = Depends(authorize), ws: Workspace = Depends(workspace)
) -> s.CorrectionResult:
    """Revert a correction; stored annotations and stories drop it at the next re-processing."""
    row = ws.store.correction(correction_id)
    if row is None:
        raise HTTPException(404, f"no correction {correction_id}; see GET /api/corrections")
    try:
        with acting_as(user.name):
            if row["kind"] in ENTITY_KINDS:
                report = revert_entity_correction(ws, correction_id)
            elif row["kind"] in STORY_KINDS:
                report = revert_story_correction(ws, correction_id)
            else:
                raise HTTPException(
                    400, f"correction {correction_id} ({row['kind']}) cannot be reverted here"
                )
    except DragomanError as exc:
        raise _not_found(exc) from None
    after = ws.store.correction(correction_id) or row
    return s.CorrectionResult(
        correction=_correction(after),
        articles=report.articles,
        stories=report.stories,
        note=report.note,
    )


# --- status -----------------------------------------------------------------------------------


@router.get("/status", response_model=s.Status, tags=["status"])
def status(request: Request, ws: Workspace = Depends(workspace)) -> s.Status:
    """What the store holds and what the background collection last did."""
    collector = request.app.state.collector
    last = collector.last if collector else None
    return s.Status(
        counts=ws.store.counts(),
        collecting_every=collector.every if collector else None,
        collector_runs=collector.runs if collector else 0,
        last_run_started=last.started if last else None,
        last_run_finished=last.finished if last else None,
        last_run_new=last.new if last else 0,
        last_run_errors=last.errors if last else [],
    )
