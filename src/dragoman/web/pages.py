"""The HTML pages of the workbench: search, article, entity, story, map, digests, login.

Pages are rendered on the server from the Jinja templates beside this module and call the
REST API's route functions in-process, so a page shows exactly what the API answers. They
need no JavaScript. Every value a page prints is escaped (Jinja autoescaping, and
``markupsafe.escape`` where markup is built here), since article text is hostile input;
forms carry the CSRF token and only analysts see them.
"""

from __future__ import annotations

import inspect
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from pydantic import ValidationError
from pydantic_core import PydanticUndefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ..digest.render.svgmap import svg_place_map
from ..errors import DragomanError
from ..pipeline import Workspace, list_entities
from . import api
from . import schemas as s
from .auth import SESSION_COOKIE, authenticate, start_session
from .deps import User, auth_required, authorize, check_csrf, current_user, workspace

router = APIRouter(include_in_schema=False)

PER_PAGE = 20
POOL = 300  # best matches the facets are counted over
ENTITY_SAMPLE = 12  # top hits whose entities are candidates for the entity facet
FACET_SIZE = 10
NETWORK_SIZE = 16  # co-occurring actors drawn around an entity
MAP_DAYS = 14  # default period of the map and of a new digest
MAP_PLACES = 300  # places (most mentioned first) considered for the map
LEAD_CHARS = 320
FORMATS = ("md", "html", "json", "pdf")
DONE = {  # fixed messages after a form, so a link cannot make a page say anything else
    "merged": "The entity was merged into this one.",
    "alias": "The alias was added.",
    "story-merged": "The story was merged into this one.",
    "split": "The checked reports now form a new story.",
    "saved": "The draft was saved.",
    "published": "The digest is published; it can no longer be edited.",
    "created": "A draft was written for the period.",
}


# --- rendering --------------------------------------------------------------------------------


def _quote(value: object) -> str:
    """A value as one URL path segment (ids may hold ':', '@' or '/')."""
    return quote(str(value), safe="")


def _safe_url(value: object) -> str:
    """The URL when it is http(s), else '' (a ``javascript:`` link must never be printed)."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""


def _day(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


_env = Environment(
    loader=PackageLoader("dragoman.web", "templates"),
    autoescape=True,  # the templates end in .html.j2, which select_autoescape would miss
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.do"],
)


def _cite_groups(citations: Iterable[s.CitationOut]) -> list[tuple[s.CitationOut, list[Any]]]:
    """Citations of one outlet and day together: the first of each, and all of them."""
    groups: dict[tuple[str, object], list[s.CitationOut]] = {}
    for c in citations:
        groups.setdefault((c.outlet, c.date), []).append(c)
    return [(found[0], found) for found in groups.values()]


_env.filters.update(q=_quote, safe_url=_safe_url, day=_day, cite_groups=_cite_groups)


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template, with the user, CSRF token and navigation filled in."""
    user = getattr(request.state, "user", None)
    context.setdefault("title", "dragoman")
    context.setdefault("nav", "")
    context.setdefault("done", DONE.get(request.query_params.get("done", ""), ""))
    html = _env.get_template(name).render(
        request=request,
        user=user,
        can_write=bool(user and user.can_write),
        csrf=request.state.csrf_token,
        nonce=request.state.csp_nonce,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _error(request: Request, status: int, message: object) -> HTMLResponse:
    """The error page: what went wrong, with the status code a script would expect."""
    if isinstance(message, list):  # FastAPI's validation details
        message = "; ".join(
            str(m.get("msg", m)) if isinstance(m, dict) else str(m) for m in message
        )
    titles = {400: "Bad request", 401: "Sign in", 403: "Not allowed", 404: "Not found"}
    return _render(
        request,
        "error.html.j2",
        status=status,
        title=titles.get(status, "Error"),
        code=status,
        message=str(message),
    )


class _Login(Exception):
    """Nobody is signed in and the page needs someone: go to the login form."""


def _user(request: Request) -> User:
    """The reader of a page; a page without one sends the browser to the login form."""
    user = current_user(request)
    if user is None:
        raise _Login()
    return user


def _page(request: Request, build: Callable[[User, Workspace], Response]) -> Response:
    """Run a page's builder, turning refusals into the error page or the login form."""
    try:
        user = _user(request)
        return build(user, workspace(request))
    except _Login:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    except HTTPException as exc:
        return _error(request, exc.status_code, exc.detail)
    except ValidationError as exc:
        return _error(request, 422, "; ".join(e["msg"] for e in exc.errors()))
    except DragomanError as exc:
        return _error(request, 400, str(exc))


async def _action(
    request: Request, work: Callable[[User, Workspace, FormData], Response]
) -> Response:
    """A form post: the analyst role and the CSRF token are checked before ``work`` runs."""
    try:
        user = await authorize(request)
        form = await request.form()
    except HTTPException as exc:
        return _error(request, exc.status_code, exc.detail)
    return await run_in_threadpool(_page, request, lambda _user, ws: work(user, ws, form))


def _call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call an API route function in-process, giving its query defaults their plain values."""
    for name, param in inspect.signature(fn).parameters.items():
        if name in kwargs or param.default is inspect.Parameter.empty:
            continue
        default = param.default
        if hasattr(default, "dependency"):  # Depends(): must be given by the caller
            raise TypeError(f"{fn.__name__}: give {name}")
        inner = getattr(default, "default", default)
        kwargs[name] = None if inner is ... or inner is PydanticUndefined else inner
    return fn(**kwargs)


def _field(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise HTTPException(422, f"the field {name!r} is longer than {limit} characters")
    return value.strip()


def _redirect(path: str, done: str = "", anchor: str = "") -> RedirectResponse:
    url = path + (f"?done={done}" if done else "") + (f"#{anchor}" if anchor else "")
    return RedirectResponse(url, status_code=303)


def _optional_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(422, f"{name} {value[:40]!r} is not a day (YYYY-MM-DD)") from None


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        raise HTTPException(422, f"page {str(value)[:20]!r} is not a number") from None
    if not 1 <= number <= 100_000:
        raise HTTPException(422, f"page {number} is out of range (1-100000)")
    return number


# --- markup built in Python (escaped piece by piece) ------------------------------------------


def highlight_marks(text: str, marks: Iterable[Sequence[int]]) -> Markup:
    """The text escaped, with the [start, end) spans wrapped in ``<mark>``."""
    out: list[str] = []
    at = 0
    for start, end in sorted((int(a), int(b)) for a, b in marks):
        if start < at or end <= start or end > len(text):
            continue  # overlapping or out of range: leave the words plain
        out += [
            escape(text[at:start]),
            Markup("<mark>"),
            escape(text[start:end]),
            Markup("</mark>"),
        ]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def highlight_entities(
    text: str, mentions: Iterable[s.MentionOut], names: dict[str, str]
) -> Markup:
    """The article text escaped, each resolved mention linked to its entity's page."""
    out: list[str] = []
    at = 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < at or m.end <= m.start or m.end > len(text):
            continue
        out.append(escape(text[at : m.start]))
        words = escape(text[m.start : m.end])
        label = escape(m.label)
        if m.entity_id:
            name = names.get(m.entity_id, m.entity_id)
            out.append(
                Markup('<a class="ent t-{}" href="/entities/{}" title="{}: {}">{}</a>').format(
                    label, _quote(m.entity_id), label, name, words
                )
            )
        else:
            out.append(Markup('<span class="ent t-{}">{}</span>').format(label, words))
        at = m.end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def timeline_svg(days: Sequence[s.DayCount]) -> Markup:
    """Reports per day as a bar chart, from the first to the last day with reports."""
    if not days:
        return Markup("")
    first, last = days[0].date, days[-1].date
    span = (last - first).days + 1
    counts = {d.date: d.count for d in days}
    top = max(counts.values())
    width, height, pad = 640.0, 120.0, 18.0
    bar = (width - 2 * pad) / span
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {w} {h}" '
            'role="img" aria-label="Reports per day"><title>Reports per day</title>'
        ).format(w=int(width), h=int(height))
    ]
    for i in range(span):
        day = first + timedelta(days=i)
        n = counts.get(day, 0)
        if not n:
            continue
        h = (height - 2 * pad) * n / top
        x, y = pad + i * bar, height - pad - h
        parts.append(
            Markup(
                '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#3d6a8e">'
                "<title>{}: {} report{}</title></rect>"
            ).format(x + 1, y, max(bar - 2, 1), h, day.isoformat(), n, "" if n == 1 else "s")
        )
    parts.append(
        Markup(
            '<text x="{p}" y="{b}" font-size="10" fill="#555">{a}</text>'
            '<text x="{r}" y="{b}" font-size="10" fill="#555" text-anchor="end">{z}</text>'
            '<text x="{p}" y="12" font-size="10" fill="#555">{top} max</text></svg>'
        ).format(p=pad, b=height - 4, r=width - pad, a=first, z=last, top=top)
    )
    return Markup("").join(parts)


def network_svg(center: str, others: Sequence[s.CoOccurrence]) -> Markup:
    """The entity in the middle, its co-occurring actors on a circle, sized by shared reports."""
    if not others:
        return Markup("")
    size, radius = 520.0, 170.0
    cx = cy = size / 2
    top = max(o.count for o in others)
    lines: list[str] = []
    nodes: list[str] = []
    for i, other in enumerate(others):
        angle = 2 * math.pi * i / len(others) - math.pi / 2
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        share = other.count / top
        r = 5 + 11 * math.sqrt(share)
        lines.append(
            Markup(
                '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#9fb4c7" '
                'stroke-width="{:.1f}"/>'
            ).format(cx, cy, x, y, 0.8 + 4 * share)
        )
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        dx = {"start": r + 4, "end": -r - 4, "middle": 0.0}[anchor]
        dy = 4 if anchor != "middle" else (r + 13 if math.sin(angle) > 0 else -r - 5)
        name = other.entity.name if len(other.entity.name) <= 28 else other.entity.name[:27] + "…"
        nodes.append(
            Markup(
                '<a href="/entities/{id}"><g class="node t-{t}"><circle cx="{x:.1f}" cy="{y:.1f}" '
                'r="{r:.1f}"/><text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{a}">{n}</text>'
                "<title>{full}: {c} shared report{pl}</title></g></a>"
            ).format(
                id=_quote(other.entity.id),
                t=other.entity.type,
                x=x,
                y=y,
                r=r,
                tx=x + dx,
                ty=y + dy,
                a=anchor,
                n=name,
                full=other.entity.name,
                c=other.count,
                pl="" if other.count == 1 else "s",
            )
        )
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="-150 0 {w} {h}" '
        'role="img" aria-label="Actors named in the same reports">'
        "<title>Actors named in the same reports; larger circles share more reports</title>"
    ).format(w=int(size + 300), h=int(size))  # room for labels on both sides
    middle = Markup(
        '<g class="node centre"><circle cx="{x}" cy="{y}" r="18"/>'
        '<text x="{x}" y="{ty}" text-anchor="middle">{n}</text></g>'
    ).format(x=cx, y=cy, ty=cy + 34, n=center)
    return Markup("").join([head, *lines, *nodes, middle, Markup("</svg>")])


# --- search -----------------------------------------------------------------------------------


@dataclass
class Facet:
    """One value of a facet: what it shows, how many hits have it, the link that applies it."""

    label: str
    count: int
    href: str
    active: bool = False


def _search_href(params: dict[str, str], **change: str | None) -> str:
    """The search page's address with some parameters changed (None removes one).

    Any change other than the page number starts again from the first page.
    """
    merged = {**params, **change}
    if "page" not in change:
        merged.pop("page", None)
    kept = {k: v for k, v in merged.items() if v}
    return "/?" + urlencode(kept) if kept else "/"


def _facets(
    ws: Workspace, pool: list[s.ArticleHit], params: dict[str, str], arena_of: dict[str, str]
) -> dict[str, list[Facet]]:
    """Counts by outlet, arena, entity and day over the pool of best matches."""
    facets: dict[str, list[Facet]] = {}
    outlets = Counter((h.outlet_id, h.outlet) for h in pool)
    facets["outlet"] = [
        Facet(name, n, _search_href(params, outlet=oid), params.get("outlet") == oid)
        for (oid, name), n in outlets.most_common(FACET_SIZE)
    ]
    titles = {a.id: a.title for a in ws.desk.arenas}
    arenas = Counter(arena_of[h.id] for h in pool if arena_of.get(h.id))
    facets["arena"] = [
        Facet(titles.get(a, a), n, _search_href(params, arena=a), params.get("arena") == a)
        for a, n in arenas.most_common()
    ]
    # Entity candidates come from the best hits; each is then counted over the whole pool.
    candidates: Counter[str] = Counter()
    names: dict[str, str] = {}
    for hit in pool[:ENTITY_SAMPLE]:
        ann = ws.store.annotations(hit.id)
        for e in ann.entities if ann else ():
            if e.type in ("PERSON", "ORG", "LOC"):
                candidates[e.id] += 1
                names[e.id] = e.name
    ids = {h.id for h in pool}
    counted = []
    for eid, _ in candidates.most_common(FACET_SIZE + 6):
        n = len(ids.intersection(ws.store.articles_with_entity(eid)))
        if n:
            counted.append((n, names[eid], eid))
    counted.sort(key=lambda t: (-t[0], t[1].casefold()))
    facets["entity"] = [
        Facet(name, n, _search_href(params, entity=eid), params.get("entity") == eid)
        for n, name, eid in counted[:FACET_SIZE]
    ]
    days = Counter(h.published.date() for h in pool if h.published)
    facets["day"] = [
        Facet(
            d.isoformat(), n, _search_href(params, **{"from": d.isoformat(), "to": d.isoformat()})
        )
        for d, n in sorted(days.items(), reverse=True)
    ]
    return facets


def _arenas_of(ws: Workspace, hits: Iterable[s.ArticleHit]) -> dict[str, str]:
    """Each hit's story arena ('' when its story has none)."""
    arenas: dict[str, str] = {}
    stories: dict[str, str] = {}
    for hit in hits:
        sid = ws.store.story_of(hit.id)
        if sid is None:
            continue
        if sid not in stories:
            story = ws.store.story(sid)
            stories[sid] = (story.arena or "") if story else ""
        arenas[hit.id] = stories[sid]
    return arenas


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> Response:
    """Search the reports: query, facets with counts, highlighted snippets, pages."""

    def build(user: User, ws: Workspace) -> Response:
        qp = request.query_params
        # every key present ('' when not given), so templates may read any of them
        params = {
            k: qp.get(k, "").strip() for k in ("q", "outlet", "arena", "entity", "from", "to")
        }
        page = _page_number(qp.get("page"))
        start, end = (
            _optional_day(params.get("from"), "from"),
            _optional_day(params.get("to"), "to"),
        )
        arena = params.get("arena")
        if arena and arena not in {a.id for a in ws.desk.arenas}:
            raise HTTPException(404, f"no arena {arena[:60]!r}")
        query = {
            "q": params["q"],
            "outlet": params["outlet"] or None,
            "date_from": start,
            "date_to": end,
            "entity": params["entity"] or None,
            "ws": ws,
        }
        pool_page = _call(api.search_articles, **query, page=1, per_page=POOL)
        pool: list[s.ArticleHit] = pool_page.items
        arena_of = _arenas_of(ws, pool)
        facets = _facets(ws, pool, params, arena_of)
        lo = (page - 1) * PER_PAGE
        if arena:
            matching = [h for h in pool if arena_of.get(h.id) == arena]
            total, hits = len(matching), matching[lo : lo + PER_PAGE]
        elif lo + PER_PAGE <= POOL:
            total, hits = pool_page.total, pool[lo : lo + PER_PAGE]
        else:
            deep = _call(api.search_articles, **query, page=page, per_page=PER_PAGE)
            total, hits = deep.total, deep.items
        pages = max(1, math.ceil(total / PER_PAGE))
        entity_name = ""
        if params["entity"]:
            found = ws.store.entity(params["entity"])
            entity_name = found.name if found else params["entity"]
        return _render(
            request,
            "search.html.j2",
            title=f"{params['q']} – search" if params["q"] else "Search",
            nav="search",
            params=params,
            hits=[(h, highlight_marks(h.snippet, h.marks)) for h in hits],
            total=total,
            page=page,
            pages=pages,
            pool_total=pool_page.total,
            pool=POOL,
            facets=facets,
            entity_name=entity_name,
            arenas={a.id: a.title for a in ws.desk.arenas},
            outlets={o.id: o.name for o in ws.outlets.values()},
            prev_href=_search_href(params, page=str(page - 1)) if page > 1 else "",
            next_href=_search_href(params, page=str(page + 1)) if page < pages else "",
            clear_href=_search_href,
        )

    return _page(request, build)


# --- articles ---------------------------------------------------------------------------------


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> Response:
    """One report: its text with the entities linked, outlet and grade, its story."""

    def build(user: User, ws: Workspace) -> Response:
        if len(article_id) > 300:
            raise HTTPException(404, "no article with so long an id")
        a: s.ArticleDetail = _call(api.get_article, article_id=article_id, ws=ws)
        names = {e.id: e.name for e in a.entities}
        story = None
        if a.story_id:
            found = ws.store.story(a.story_id)
            if found is not None:
                story = _call(api.get_story, story_id=a.story_id, ws=ws)
        return _render(
            request,
            "article.html.j2",
            title=a.title or a.id,
            a=a,
            body=highlight_entities(a.text, a.mentions, names),
            story=story,
            entities=sorted(a.entities, key=lambda e: (e.type, e.name.casefold())),
        )

    return _page(request, build)


# --- entities ---------------------------------------------------------------------------------


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> Response:
    """An entity: profile, timeline of reports, network of co-occurring actors, stories."""

    def build(user: User, ws: Workspace) -> Response:
        if len(entity_id) > 300:
            raise HTTPException(404, "no entity with so long an id")
        e: s.EntityDetail = _call(api.get_entity, entity_id=entity_id, ws=ws)
        reports = _call(api.search_articles, entity=e.id, page=1, per_page=50, ws=ws)
        return _render(
            request,
            "entity.html.j2",
            title=e.name,
            e=e,
            reports=reports,
            timeline=timeline_svg(e.timeline),
            network=network_svg(e.name, e.co_occurring[:NETWORK_SIZE]),
        )

    return _page(request, build)


@router.post("/entities/{entity_id:path}/merge")
async def entity_merge(request: Request, entity_id: str) -> Response:
    """Merge another entity (the form's ``source``) into this one."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        source = _field(form, "source", 300)
        if not source:
            raise HTTPException(422, "give the id of the entity to merge into this one")
        body = s.EntityMergeIn(
            kind="entity_merge", source=source, target=entity_id, force=bool(form.get("force"))
        )
        api.correct(body=body, user=user, ws=ws)
        return _redirect(f"/entities/{_quote(entity_id)}", "merged")

    return await _action(request, work)


@router.post("/entities/{entity_id:path}/alias")
async def entity_alias(request: Request, entity_id: str) -> Response:
    """Add an alias to this entity."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        alias = _field(form, "alias", 300)
        if not alias:
            raise HTTPException(422, "give the alias to add")
        api.correct(
            body=s.EntityAliasIn(kind="entity_alias", entity=entity_id, alias=alias),
            user=user,
            ws=ws,
        )
        return _redirect(f"/entities/{_quote(entity_id)}", "alias")

    return await _action(request, work)


# --- stories ----------------------------------------------------------------------------------


@router.get("/stories/{story_id:path}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    """A story: its reports side by side with their grades, the credibility and its reason."""

    def build(user: User, ws: Workspace) -> Response:
        if len(story_id) > 300:
            raise HTTPException(404, "no story with so long an id")
        st: s.StoryDetail = _call(api.get_story, story_id=story_id, ws=ws)
        texts = {a.id: a.text for a in ws.store.articles(ids=[a.id for a in st.articles])}
        leads = {aid: _lead(text) for aid, text in texts.items()}
        arenas = {a.id: a.title for a in ws.desk.arenas}
        return _render(
            request,
            "story.html.j2",
            title=st.title or st.id,
            st=st,
            leads=leads,
            arena=arenas.get(st.arena or "", st.arena or ""),
        )

    return _page(request, build)


def _lead(text: str) -> str:
    """The opening of a report, cut at a word near LEAD_CHARS (a bare dateline is not enough)."""
    lead = ""
    for para in (p.strip() for p in text.split("\n")):
        if para:
            # a dateline ("DEIR EZZOR, Syria") runs into the sentence after a dash
            joint = " " if lead[-1:] in ".!?:;–—-" else " – "
            lead = f"{lead}{joint}{para}" if lead else para
        if len(lead) >= 120:
            break
    lead = " ".join(lead.split())
    if len(lead) <= LEAD_CHARS:
        return lead
    return lead[:LEAD_CHARS].rsplit(" ", 1)[0] + " …"


@router.post("/stories/{story_id:path}/merge")
async def story_merge(request: Request, story_id: str) -> Response:
    """Merge another story (the form's ``source``) into this one."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        source = _field(form, "source", 300)
        if not source:
            raise HTTPException(422, "give the id of the story to merge into this one")
        api.correct(
            body=s.StoryMergeIn(kind="story_merge", source=source, target=story_id),
            user=user,
            ws=ws,
        )
        return _redirect(f"/stories/{_quote(story_id)}", "story-merged")

    return await _action(request, work)


@router.post("/stories/{story_id:path}/split")
async def story_split(request: Request, story_id: str) -> Response:
    """Move the checked reports (``articles``) out of this story into a new one."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        chosen = [v for v in form.getlist("articles") if isinstance(v, str) and v]
        if not chosen:
            raise HTTPException(422, "check the reports to move into a new story")
        api.correct(
            body=s.StorySplitIn(kind="story_split", story=story_id, articles=chosen),
            user=user,
            ws=ws,
        )
        return _redirect(f"/stories/{_quote(story_id)}", "split")

    return await _action(request, work)


# --- map --------------------------------------------------------------------------------------


def _default_period(ws: Workspace) -> tuple[date, date]:
    """The MAP_DAYS days up to the newest report (up to today when there is none)."""
    newest = _call(api.search_articles, page=1, per_page=1, ws=ws).items
    end = newest[0].published.date() if newest and newest[0].published else date.today()
    return end - timedelta(days=MAP_DAYS - 1), end


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request) -> Response:
    """The places reported in a period, as points on the shipped base map."""

    def build(user: User, ws: Workspace) -> Response:
        qp = request.query_params
        start = _optional_day(qp.get("from"), "from")
        end = _optional_day(qp.get("to"), "to")
        if start is None or end is None:
            first, last = _default_period(ws)
            start, end = (
                start or (end - timedelta(days=MAP_DAYS - 1) if end else first),
                end or last,
            )
        if end < start:
            raise HTTPException(422, f"the period ends ({end}) before it starts ({start})")
        places = []
        for entity, _ in list_entities(ws, type="LOC", limit=MAP_PLACES):
            place = entity.place
            if place is None or place.lat is None or place.lon is None:
                continue
            n = sum(c for d, c in ws.store.entity_timeline(entity.id) if start <= d <= end)
            if n:
                places.append((entity, n))
        places.sort(key=lambda t: (-t[1], t[0].name.casefold()))
        svg = svg_place_map(
            (e.name, e.place.lat, e.place.lon, n, f"/entities/{_quote(e.id)}")
            for e, n in places
            if e.place is not None
        )
        return _render(
            request,
            "map.html.j2",
            title=f"Map {start} to {end}",
            nav="map",
            start=start,
            end=end,
            places=places,
            svg=Markup(svg),  # built and escaped by svgmap
        )

    return _page(request, build)


# --- digests ----------------------------------------------------------------------------------


@router.get("/digests", response_class=HTMLResponse)
def digests_page(request: Request) -> Response:
    """The stored digests, newest first."""

    def build(user: User, ws: Workspace) -> Response:
        page = _page_number(request.query_params.get("page"))
        found = _call(api.list_digests, page=page, per_page=50, ws=ws)
        return _render(
            request,
            "digests.html.j2",
            title="Digests",
            nav="digests",
            digests=found.items,
            total=found.total,
            page=page,
            pages=max(1, math.ceil(found.total / 50)),
        )

    return _page(request, build)


@router.get("/digests/new", response_class=HTMLResponse)
def digest_new_page(request: Request) -> Response:
    """The form that writes a draft for a period."""

    def build(user: User, ws: Workspace) -> Response:
        if not user.can_write:
            raise HTTPException(
                403, f"user {user.name!r} has the reader role; drafts need an analyst"
            )
        start, end = _default_period(ws)
        return _render(
            request, "digest_new.html.j2", title="New digest", nav="digests", start=start, end=end
        )

    return _page(request, build)


@router.post("/digests/new")
async def digest_create(request: Request) -> Response:
    """Write a draft digest of the form's period and open it in the editor."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        title = _field(form, "title", 300) or None
        body = s.DigestCreate.model_validate(
            {"from": _field(form, "from", 20), "to": _field(form, "to", 20), "title": title}
        )
        made = api.create_digest(body=body, user=user, ws=ws)
        return _redirect(f"/digests/{made.id}", "created")

    return await _action(request, work)


def _digest_id(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise HTTPException(404, f"no digest {value[:40]!r}; digests are numbered")
    return int(value)


@router.get("/digests/{digest_id}", response_class=HTMLResponse)
def digest_page(request: Request, digest_id: str) -> Response:
    """A digest: the editor while it is a draft, the read-only bulletin once published."""

    def build(user: User, ws: Workspace) -> Response:
        d: s.DigestDetail = _call(api.get_digest, digest_id=_digest_id(digest_id), ws=ws)
        parts = [("overview", "Overview", d.digest.overview)]
        parts += [(f"section:{x.arena}", x.title, x.bullets) for x in d.digest.sections]
        return _render(
            request,
            "digest.html.j2",
            title=d.title,
            nav="digests",
            d=d,
            parts=parts,
            editable=user.can_write and d.status == "draft",
            formats=FORMATS,
        )

    return _page(request, build)


def _edit_body(
    content: s.DigestContent, part: str, index: int, op: str, text: str
) -> s.DigestEditIn:
    """The API edit that moves, drops or rewords bullet ``index`` of a part of the draft."""

    def changed(bullets: list[s.BulletOut]) -> list[s.BulletEditIn]:
        if not 0 <= index < len(bullets):
            raise HTTPException(409, "the draft changed meanwhile; reload the page")
        edits = [s.BulletEditIn(anchor=b.anchor) for b in bullets]
        if op == "drop":
            del edits[index]
        elif op == "up" and index > 0:
            edits[index - 1], edits[index] = edits[index], edits[index - 1]
        elif op == "down" and index < len(edits) - 1:
            edits[index + 1], edits[index] = edits[index], edits[index + 1]
        elif op == "text":
            if not text:
                raise HTTPException(422, "the new text is empty; drop the bullet instead")
            edits[index] = s.BulletEditIn(anchor=bullets[index].anchor, text=text)
        return edits

    if part == "overview":
        return s.DigestEditIn(overview=changed(list(content.overview)))
    arena = part.removeprefix("section:")
    if not part.startswith("section:") or arena not in {x.arena for x in content.sections}:
        raise HTTPException(422, f"no part {part[:60]!r} in this digest")
    sections = [
        s.SectionEditIn(
            arena=x.arena,
            bullets=changed(list(x.bullets))
            if x.arena == arena
            else [s.BulletEditIn(anchor=b.anchor) for b in x.bullets],
        )
        for x in content.sections
    ]
    return s.DigestEditIn(sections=sections)


@router.post("/digests/{digest_id}/edit")
async def digest_edit(request: Request, digest_id: str) -> Response:
    """One edit of a draft: a new title, or a bullet moved up or down, dropped or reworded."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        number = _digest_id(digest_id)
        op = _field(form, "op", 20)
        anchor = ""
        if op == "title":
            body = s.DigestEditIn(title=_field(form, "title", 300))
        elif op in ("up", "down", "drop", "text"):
            current = _call(api.get_digest, digest_id=number, ws=ws)
            part, anchor = _field(form, "part", 300), _field(form, "anchor", 300)
            try:
                index = int(_field(form, "index", 10))
            except ValueError:
                raise HTTPException(422, "the bullet's index is not a number") from None
            bullets = (
                current.digest.overview
                if part == "overview"
                else next(
                    (x.bullets for x in current.digest.sections if f"section:{x.arena}" == part), []
                )
            )
            if not 0 <= index < len(bullets) or bullets[index].anchor != anchor:
                raise HTTPException(409, "the draft changed meanwhile; reload the page")
            body = _edit_body(current.digest, part, index, op, _field(form, "text"))
            anchor = "" if op == "drop" else f"b-{anchor}"
        else:
            raise HTTPException(422, f"unknown edit {op[:20]!r}")
        api.edit_draft(digest_id=number, body=body, user=user, ws=ws)
        return _redirect(f"/digests/{number}", "saved", anchor)

    return await _action(request, work)


@router.post("/digests/{digest_id}/publish")
async def digest_publish(request: Request, digest_id: str) -> Response:
    """Publish a draft."""

    def work(user: User, ws: Workspace, form: FormData) -> Response:
        number = _digest_id(digest_id)
        api.publish_digest(digest_id=number, user=user, ws=ws)
        return _redirect(f"/digests/{number}", "published")

    return await _action(request, work)


# --- signing in -------------------------------------------------------------------------------


def _next_path(value: object) -> str:
    """Only a path of this site may follow the login."""
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    """The sign-in form; with no accounts there is nobody to sign in as."""
    ws = workspace(request)
    return _render(
        request,
        "login.html.j2",
        title="Sign in",
        accounts=ws.store.has_users(),
        required=auth_required(request),
        next=_next_path(request.query_params.get("next")),
        failed=False,
    )


@router.post("/login")
async def login_submit(request: Request) -> Response:
    """Check the name and password, set the session cookie and go on to ``next``."""
    try:
        await check_csrf(request)
    except HTTPException as exc:
        return _error(request, exc.status_code, exc.detail)
    form = await request.form()
    name, password = form.get("username"), form.get("password")
    target = _next_path(form.get("next"))

    def sign_in() -> Response:
        user = None
        if isinstance(name, str) and isinstance(password, str) and name and len(password) < 1000:
            user = authenticate(workspace(request), name, password)
        if user is None:
            return _render(
                request,
                "login.html.j2",
                status=401,
                title="Sign in",
                accounts=True,
                required=True,
                next=target,
                failed=True,
            )
        response = RedirectResponse(target, status_code=303)
        start_session(request, response, user)
        return response

    return await run_in_threadpool(sign_in)


@router.post("/logout")
async def logout_submit(request: Request) -> Response:
    """End the session and go back to the sign-in form."""
    try:
        await check_csrf(request)
    except HTTPException as exc:
        return _error(request, exc.status_code, exc.detail)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
