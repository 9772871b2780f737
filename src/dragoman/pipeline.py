"""The runner: moves records between the stages and the store, incrementally.

Stages never touch SQL and never call each other; this module is the only place that
knows the order collect → extract → cluster → assess → write.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .collect import OutletResolver, collect_paths
from .desk import default_desk_path, default_sources_path, load_desk, load_sources
from .errors import DragomanError, ItemError, StageError, StoreError
from .records import Annotated, Article, Desk, Digest, Entity, Mention, Outlet, Story
from .settings import Settings
from .store import Store
from .stories.arena import ArenaClassifier
from .stories.assess import assess_story
from .stories.cluster import StoryClusterer
from .stories.corrections import StoryConstraints, apply_story_corrections
from .stories.dedup import DuplicateIndex

if TYPE_CHECKING:
    from .extract.corrections import Corrections

DB_NAME = "dragoman.db"
DESK_NAME = "desk.yaml"
SOURCES_NAME = "sources.yaml"

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class CollectReport:
    new: int = 0
    seen: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class ProcessReport:
    articles: int = 0
    stories_touched: int = 0
    stories_total: int = 0
    stories_removed: int = 0


def _check(stage: str, expected: type, value: Any) -> Any:
    if not isinstance(value, expected):
        raise StageError(stage, expected.__name__, value)
    return value


# --- workspace ------------------------------------------------------------------------


def init_workspace(home: str | Path) -> Path:
    """Create a workspace: database, desk and source registry (existing files are kept)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    for name, src in ((DESK_NAME, default_desk_path()), (SOURCES_NAME, default_sources_path())):
        target = home / name
        if not target.exists():
            shutil.copyfile(src, target)
    with Store(home / DB_NAME) as store:
        store.upsert_outlets(load_sources(home / SOURCES_NAME).values())
    return home


class Workspace:
    """An opened workspace: its store, desk, source registry and settings."""

    def __init__(self, home: str | Path, settings: Settings | None = None) -> None:
        self.home = Path(home)
        if not (self.home / DB_NAME).exists():
            raise StoreError(
                f"{self.home} is not a dragoman workspace (no {DB_NAME}); "
                f"run: dragoman init {self.home}"
            )
        self.settings = settings or Settings.load(self.home)
        self.desk = load_desk(self.home / DESK_NAME)
        self.outlets = load_sources(self.home / SOURCES_NAME)
        self.store = Store(self.home / DB_NAME)
        self.store.upsert_outlets(self.outlets.values())

    @classmethod
    def in_memory(
        cls, desk: Desk, outlets: dict[str, Outlet], settings: Settings | None = None
    ) -> Workspace:
        """A throw-away workspace for `digest --input` and the JSONL commands."""
        ws = cls.__new__(cls)
        ws.home = Path(".")
        ws.settings = settings or Settings()
        ws.desk = desk
        ws.outlets = dict(outlets)
        ws.store = Store.memory()
        ws.store.upsert_outlets(ws.outlets.values())
        return ws

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def open_workspace(
    home: str | Path | None = None, settings: Settings | None = None
) -> Iterator[Workspace]:
    settings = settings or Settings.load(home)
    ws = Workspace(settings.home if home is None else home, settings)
    try:
        yield ws
    finally:
        ws.close()


# --- collect ----------------------------------------------------------------------------


def _duplicate_index(ws: Workspace, since: datetime | None = None) -> DuplicateIndex:
    index = DuplicateIndex(threshold=float(ws.settings.duplicate_threshold))
    for art in ws.store.articles(start=since):
        if not art.duplicate_of:
            index.add(art.id, art.text)
    return index


def _original_of(ws: Workspace, article_id: str | None) -> Article | None:
    """The stored article a near-duplicate points at, following reprint links to the original."""
    seen: set[str] = set()
    article = ws.store.get_article(article_id) if article_id else None
    while article is not None and article.duplicate_of and article.duplicate_of not in seen:
        seen.add(article.id)
        article = ws.store.get_article(article.duplicate_of)
    return article


def _published_before(article: Article, other: Article) -> bool:
    return bool(article.published and other.published and article.published < other.published)


def store_articles(
    ws: Workspace,
    articles: Iterable[Article],
    report: CollectReport | None = None,
    on_item: Callable[[], None] | None = None,
) -> CollectReport:
    """Store new articles; link near-duplicate reprints to their original."""
    report = report or CollectReport()
    index = _duplicate_index(ws)
    for article in articles:
        _check("collect", Article, article)
        if ws.store.has_article(article.id) or ws.store.find_by_hash(
            article.content_hash, article.outlet_id
        ):
            report.seen += 1
        else:
            original = _original_of(ws, index.check(article.id, article.text))
            # When the copy arrived first (files are read in name order), the earlier
            # publication is the original and the stored one becomes its reprint.
            copy_first = original is not None and _published_before(article, original)
            if original is not None and not copy_first:
                article = article.replace(duplicate_of=original.id)
            if ws.store.add_article(article):
                report.new += 1
                if original is not None:
                    report.duplicates += 1
                if copy_first and original is not None:
                    ws.store.set_duplicate(original.id, article.id)
                if original is None or copy_first:
                    index.add(article.id, article.text)
            else:
                report.seen += 1
        if on_item:
            on_item()
    return report


def _recording(
    report: CollectReport, on_error: Callable[[ItemError], None] | None
) -> Callable[[ItemError], None]:
    """An error handler that keeps each skipped item in the report, then passes it on."""

    def error(err: ItemError) -> None:
        report.errors.append(str(err))
        if on_error:
            on_error(err)

    return error


def collect(
    ws: Workspace,
    paths: Sequence[str | Path],
    on_error: Callable[[ItemError], None] | None = None,
    on_item: Callable[[], None] | None = None,
) -> CollectReport:
    """Collect files, folders and URLs into the workspace."""
    report = CollectReport()
    resolver = OutletResolver(ws.outlets)
    error = _recording(report, on_error)
    return store_articles(ws, collect_paths(paths, resolver, on_error=error), report, on_item)


def collect_feeds(
    ws: Workspace,
    on_error: Callable[[ItemError], None] | None = None,
    on_item: Callable[[], None] | None = None,
) -> CollectReport:
    """Fetch every feed of the source registry (conditional GET, polite delays)."""
    from .collect import Fetcher
    from .collect import collect_feeds as feed_articles

    report = CollectReport()
    error = _recording(report, on_error)
    s = ws.settings
    fetcher = Fetcher(
        state=ws.store.fetch_states(),
        timeout=float(s.fetch_timeout),
        max_bytes=int(s.fetch_max_bytes),
        delay=float(s.fetch_delay),
        user_agent=str(s.user_agent),
    )
    resolver = OutletResolver(ws.outlets)
    articles = feed_articles(ws.outlets, fetcher, resolver, on_error=error)
    return store_articles(ws, articles, report, on_item)


# --- process ----------------------------------------------------------------------------


def _extractor(ws: Workspace) -> Any:
    from .extract import Extractor

    # names the analysts tied to entities join the recognition dictionary
    names = _corrections(ws).known_names()
    return Extractor(ws.desk, ws.outlets, ws.settings, known_names=names)


def _clusterer(ws: Workspace) -> StoryClusterer:
    return StoryClusterer(
        threshold=float(ws.settings.story_threshold),
        window_days=float(ws.settings.story_window_days),
    )


def _restore(
    ws: Workspace, clusterer: StoryClusterer, since: datetime | None
) -> dict[str, str | None]:
    """Load the open stories (those still inside the window) into the clusterer.

    Returns the reprint links of the restored articles (reprint id -> original id).
    """
    duplicates: dict[str, str | None] = {}
    for story in ws.store.stories(start=since):
        duplicates.update(story.duplicates)
        for aid in story.article_ids:
            ann = ws.store.annotations(aid)
            art = ann.article if ann else ws.store.get_article(aid)
            if art is not None:
                clusterer.assign(aid, story.id, art, ann)
    return duplicates


def _corrections(ws: Workspace) -> Corrections:
    # imported here: the extract package pulls in spaCy, which plain commands do not need
    from .extract.corrections import Corrections

    return Corrections(ws.store.corrections())


def _assess(
    ws: Workspace, classifier: ArenaClassifier, sid: str, article_ids: Iterable[str]
) -> None:
    anns = [a for a in (ws.store.annotations(aid) for aid in article_ids) if a]
    story = assess_story(
        sid,
        anns,
        ws.outlets,
        ws.desk,
        classifier.classify(anns),
        classifier.themes(anns),
        previous=_previous_period(ws, sid, anns),
    )
    ws.store.save_story(_check("assess", Story, story))


def _previous_period(ws: Workspace, sid: str, anns: list[Annotated]) -> list[Story]:
    """Stories that ended in the desk's period before this story began (for novelty)."""
    dated = [a.article.published for a in anns if a.article.published is not None]
    if not dated:
        return []
    first = min(dated)
    since = first - timedelta(days=ws.desk.cadence_days)
    return [
        s
        for s in ws.store.stories(start=since, end=first)
        if s.id != sid and s.last_seen is not None and s.last_seen < first
    ]


def _story_rules(ws: Workspace) -> StoryConstraints:
    return StoryConstraints.from_rows(ws.store.corrections())


def _place_stories(
    ws: Workspace,
    clusterer: StoryClusterer,
    duplicates: Mapping[str, str | None],
    reprocess: bool,
) -> tuple[dict[str, list[str]], set[str], set[str]]:
    """The clusterer's stories with the story corrections applied.

    Returns the members of each story, the stories the corrections changed, and the
    stories the corrections emptied.
    """
    before: dict[str, list[str]] = {}
    for aid, sid in clusterer.story_of.items():
        before.setdefault(sid, []).append(aid)
    rules = _story_rules(ws)
    if not rules:
        return before, set(), set()
    # stored stories the clusterer did not load keep their ids (all are rebuilt on reprocess)
    reserved = set() if reprocess else ws.store.story_ids() - set(before)
    placed = apply_story_corrections(clusterer.story_of, rules, duplicates, reserved)
    after: dict[str, list[str]] = {}
    for aid, sid in placed.items():
        after.setdefault(sid, []).append(aid)
    changed = {sid for sid, ids in after.items() if set(ids) != set(before.get(sid, ()))}
    return after, changed, set(before) - set(after)


def process(
    ws: Workspace,
    extractor: Any = None,
    on_item: Callable[[], None] | None = None,
    reprocess: bool = False,
) -> ProcessReport:
    """Annotate new articles, place them in stories and re-assess the stories they touched.

    With ``reprocess``, every stored article is extracted again and the whole archive is
    clustered afresh; stories that no longer exist are removed. Either way the analysts'
    entity corrections are applied to each article before it is saved, and their story
    merges and splits to the clustering before the stories are assessed.
    """
    report = ProcessReport()
    pending = ws.store.articles() if reprocess else ws.store.unprocessed_articles()
    if not pending:
        report.stories_total = len(ws.store.stories())
        return report
    extractor = extractor or _extractor(ws)
    clusterer = _clusterer(ws)
    duplicates: dict[str, str | None] = {}
    if not reprocess:
        dated = [a.published for a in pending if a.published]
        since = min(dated) - clusterer.window if dated else None
        duplicates = _restore(ws, clusterer, since)
    previous = {s.id for s in ws.store.stories()} if reprocess else set()
    corrections = _corrections(ws)
    new_ids: list[str] = []
    rebuilt: set[str] | None = set() if reprocess else None  # entities written afresh this run
    for ann in extractor.annotate_many(pending):
        _check("extract", Annotated, ann)
        ann = _check("corrections", Annotated, corrections.apply(ann))
        ws.store.save_annotations(ann, rebuilt)
        clusterer.add(ann.article, ann, ann.article.duplicate_of)
        new_ids.append(ann.article.id)
        duplicates[ann.article.id] = ann.article.duplicate_of
        report.articles += 1
        if on_item:
            on_item()
    # the analysts' story merges and splits win over the clusterer's choices
    members, changed, vanished = _place_stories(ws, clusterer, duplicates, reprocess)
    fresh = set(new_ids)
    touched = {sid for sid, ids in members.items() if not fresh.isdisjoint(ids)} | changed
    classifier = ArenaClassifier(ws.desk)
    for sid in sorted(touched):
        _assess(ws, classifier, sid, members[sid])
    if reprocess:
        # old stories are dropped only once the new ones are saved
        for sid in sorted(previous - touched):
            ws.store.delete_story(sid)
        report.stories_removed = len(previous - touched)
        ws.store.prune_entities()
    else:
        for sid in sorted(vanished):
            ws.store.delete_story(sid)
        report.stories_removed = len(vanished)
    report.stories_touched = len(touched)
    report.stories_total = len(ws.store.stories())
    return report


# --- entity corrections ---------------------------------------------------------------------


@dataclass
class CorrectionReport:
    correction_id: int | None = None  # None when nothing new was recorded
    articles: int = 0  # stored articles whose annotations were corrected
    stories: int = 0  # stories re-assessed
    note: str = ""


@dataclass
class EntityView:
    entity: Entity
    mention_count: int
    mentions: list[Mention]
    merged: list[str]  # ids of the entities merged into this one


def list_entities(
    ws: Workspace, type: str | None = None, query: str | None = None, limit: int | None = 50
) -> list[tuple[Entity, int]]:
    """Stored entities with their mention counts, most mentioned first."""
    return ws.store.entity_summaries(type=type.upper() if type else None, query=query, limit=limit)


def _stored_entity(ws: Workspace, entity_id: str, corrections: Corrections) -> Entity:
    entity = ws.store.entity(entity_id)
    if entity is not None:
        return entity
    into = corrections.merged_into(entity_id)
    if into is not None:
        raise DragomanError(
            f"entity {entity_id!r} was merged into {corrections.final(entity_id)!r}"
        )
    raise DragomanError(f"no entity {entity_id!r} in the store; see: dragoman entities list")


def entity_details(ws: Workspace, entity_id: str, mentions: int = 5) -> EntityView:
    """One stored entity with its first mentions and the entities merged into it."""
    corrections = _corrections(ws)
    entity = _stored_entity(ws, entity_id, corrections)
    found = ws.store.mentions_of(entity_id)
    merged = corrections.merged_from(entity_id)
    return EntityView(entity, len(found), found[: max(mentions, 0)], merged)


def _correct_stored(ws: Workspace, article_ids: Sequence[str]) -> tuple[int, int]:
    """Apply the active corrections to stored articles and re-assess their stories."""
    corrections = _corrections(ws)
    changed = 0
    stories: set[str] = set()
    for aid in dict.fromkeys(article_ids):
        ann = ws.store.annotations(aid)
        if ann is None:
            continue
        fixed = _check("corrections", Annotated, corrections.apply(ann))
        if fixed != ann:
            ws.store.save_annotations(fixed)
            changed += 1
            sid = ws.store.story_of(aid)
            if sid:
                stories.add(sid)
    ws.store.prune_entities()
    classifier = ArenaClassifier(ws.desk)
    for sid in sorted(stories):
        story = ws.store.story(sid)
        if story is not None:
            _assess(ws, classifier, sid, story.article_ids)
    return changed, len(stories)


def merge_entities(
    ws: Workspace, source_id: str, target_id: str, force: bool = False
) -> CorrectionReport:
    """Merge one entity into another: every mention of the source now names the target."""
    from .extract.corrections import MERGE, merge_payload

    if source_id == target_id:
        raise DragomanError(f"cannot merge entity {source_id!r} into itself")
    corrections = _corrections(ws)
    final = corrections.final(target_id)
    if corrections.merged_into(source_id) is not None:
        if corrections.final(source_id) == final:
            return CorrectionReport(note=f"{source_id} is already merged into {final}")
        raise DragomanError(
            f"entity {source_id!r} was already merged into {corrections.final(source_id)!r}; "
            "revert that correction first (see: dragoman entities corrections)"
        )
    if final == source_id:
        raise DragomanError(
            f"cannot merge {source_id!r} into {target_id!r}: {target_id!r} was merged into "
            f"{source_id!r}, so this would make a cycle"
        )
    source = _stored_entity(ws, source_id, corrections)
    target = _stored_entity(ws, final, corrections)
    if source.type != target.type and not force:
        raise DragomanError(
            f"entity {source_id!r} is {source.type} but {final!r} is {target.type}; "
            "use --force to merge them anyway"
        )
    cid = ws.store.add_correction(MERGE, merge_payload(source, target))
    articles, stories = _correct_stored(ws, ws.store.articles_with_entity(source_id))
    note = f"{target_id} was merged into {final} earlier" if final != target_id else ""
    return CorrectionReport(cid, articles, stories, note)


def add_entity_alias(ws: Workspace, entity_id: str, alias: str) -> CorrectionReport:
    """Give an entity an alias: every mention whose name key equals the alias's links to it."""
    from .extract.corrections import ALIAS, NAMED_LABELS, alias_payload
    from .extract.names import normalize_name

    alias = " ".join(alias.split())
    key = normalize_name(alias)
    if not key:
        raise DragomanError(f"alias {alias!r} has no letters or digits to match names by")
    corrections = _corrections(ws)
    final = corrections.final(entity_id)
    entity = _stored_entity(ws, final, corrections)
    before = corrections.alias_target(alias)
    if before == final:
        return CorrectionReport(note=f"{alias!r} is already an alias of {final}")
    cid = ws.store.add_correction(ALIAS, alias_payload(entity, alias))
    texts = [t for t in ws.store.mention_texts(NAMED_LABELS) if normalize_name(t) == key]
    # the entity's own articles are re-saved too, so its stored record lists the alias
    affected = ws.store.articles_with_mention_texts(texts) + ws.store.articles_with_entity(final)
    articles, stories = _correct_stored(ws, affected)
    notes = []
    if final != entity_id:
        notes.append(f"{entity_id} was merged into {final} earlier")
    if before is not None:
        notes.append(f"{alias!r} was an alias of {before} until now")
    return CorrectionReport(cid, articles, stories, "; ".join(notes))


def entity_corrections(ws: Workspace, include_reverted: bool = False) -> list[dict]:
    """The logged entity corrections, oldest first."""
    from .extract.corrections import KINDS

    rows = ws.store.corrections(include_reverted=include_reverted)
    return [r for r in rows if r["kind"] in KINDS]


def revert_entity_correction(ws: Workspace, correction_id: int) -> CorrectionReport:
    """Mark a correction as reverted; it stops applying from the next re-processing."""
    return _revert_correction(ws, correction_id, "entities", "annotations")


def _revert_correction(
    ws: Workspace,
    correction_id: int,
    group: str,
    kept: str,
    kinds: tuple[str, ...] | None = None,
) -> CorrectionReport:
    """Mark a logged correction reverted (of ``kinds`` when given); ``kept`` names what keeps it."""
    rows = {r["id"]: r for r in ws.store.corrections(include_reverted=True)}
    row = rows.get(correction_id)
    if row is None:
        raise DragomanError(f"no correction {correction_id}; see: dragoman {group} corrections")
    if kinds is not None and row["kind"] not in kinds:
        raise DragomanError(
            f"correction {correction_id} is not a story correction ({row['kind']}); "
            "see: dragoman entities corrections"
        )
    if row["reverted_at"]:
        return CorrectionReport(note=f"correction {correction_id} was already reverted")
    ws.store.revert_correction(correction_id)
    return CorrectionReport(
        correction_id,
        note=f"stored {kept} keep it until: dragoman process --reprocess",
    )


# --- story corrections ----------------------------------------------------------------------


@dataclass
class StoryLine:
    story: Story
    title: str  # the title of its first article


@dataclass
class StoryView:
    story: Story
    articles: list[Article]  # in the story's order (by publication)


def list_stories(
    ws: Workspace,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = 50,
) -> list[StoryLine]:
    """Stored stories seen in [start, end], the most recently seen first, with a title."""
    lower = _day_bounds(start, start)[0] if start else None
    upper = _day_bounds(end, end)[1] if end else None
    found = ws.store.stories(start=lower, end=upper)
    found.sort(key=lambda s: (s.last_seen or datetime.min.replace(tzinfo=UTC), s.id))
    found.reverse()
    if limit is not None:
        found = found[: max(limit, 0)]
    firsts = [s.article_ids[0] for s in found if s.article_ids]
    titles = {a.id: a.title for a in ws.store.articles(ids=firsts)} if firsts else {}
    return [StoryLine(s, titles.get(s.article_ids[0], "") if s.article_ids else "") for s in found]


def _story_kinds() -> tuple[str, ...]:
    from .stories.corrections import KINDS

    return KINDS


def _merged_away(ws: Workspace, story_id: str) -> str | None:
    """Where the articles of a story that a merge removed are now, if one did."""
    from .stories.corrections import MERGE

    for row in reversed(ws.store.corrections(kind=MERGE)):
        payload = row["payload"]
        if payload.get("source") == story_id:
            for aid in payload.get("articles") or ():
                where = ws.store.story_of(aid)
                if where:
                    return where
    return None


def _stored_story(ws: Workspace, story_id: str) -> Story:
    story = ws.store.story(story_id)
    if story is not None:
        return story
    where = _merged_away(ws, story_id)
    if where is not None:
        raise DragomanError(f"story {story_id!r} was merged into {where!r}")
    raise DragomanError(f"no story {story_id!r} in the store; see: dragoman stories list")


def story_details(ws: Workspace, story_id: str) -> StoryView:
    """One stored story with its articles."""
    story = _stored_story(ws, story_id)
    by_id = {a.id: a for a in ws.store.articles(ids=story.article_ids)}
    return StoryView(story, [by_id[aid] for aid in story.article_ids if aid in by_id])


def merge_stories(ws: Workspace, source_id: str, target_id: str) -> CorrectionReport:
    """Move story SOURCE's articles into story TARGET; SOURCE disappears, TARGET is re-assessed."""
    from .stories.corrections import MERGE, merge_payload

    if source_id == target_id:
        raise DragomanError(f"cannot merge story {source_id!r} into itself")
    if ws.store.story(source_id) is None and _merged_away(ws, source_id) == target_id:
        return CorrectionReport(note=f"{source_id} is already merged into {target_id}")
    source = _stored_story(ws, source_id)
    target = _stored_story(ws, target_id)
    cid = ws.store.add_correction(
        MERGE, merge_payload(source.id, source.article_ids, target.id, target.article_ids)
    )
    members = list(dict.fromkeys(target.article_ids + source.article_ids))
    _assess(ws, ArenaClassifier(ws.desk), target.id, members)
    ws.store.delete_story(source.id)
    return CorrectionReport(cid, len(source.article_ids), 1)


def _reprints_of(story: Story, article_ids: Iterable[str]) -> list[str]:
    """Reprints in a story of the given articles, following reprints of reprints."""
    found: list[str] = []
    wanted = set(article_ids)
    grew = True
    while grew:
        grew = False
        for copy, original in story.duplicates.items():
            if original in wanted and copy not in wanted:
                wanted.add(copy)
                found.append(copy)
                grew = True
    return found


def split_story(ws: Workspace, story_id: str, article_ids: Sequence[str]) -> CorrectionReport:
    """Take articles out of a story into a new story of their own; both are re-assessed.

    The reprints of the articles leave with them. ``note`` names the new story.
    """
    from .stories.corrections import SPLIT, new_story_id, split_payload

    named = list(dict.fromkeys(article_ids))
    if not named:
        raise DragomanError("name the articles to split out of the story")
    story = _stored_story(ws, story_id)
    inside = set(story.article_ids)
    missing = [aid for aid in named if aid not in inside]
    if missing:
        if len(missing) == len(named):
            # the same split again changes nothing
            for row in ws.store.corrections(kind=SPLIT):
                p = row["payload"]
                where = {ws.store.story_of(aid) for aid in named}
                if (
                    p.get("story") == story.id
                    and set(named) <= set(p.get("articles") or ())
                    and len(where) == 1
                    and None not in where
                ):
                    return CorrectionReport(
                        note=f"these articles were already split out of {story.id} "
                        f"into {where.pop()}"
                    )
        aid = missing[0]
        if not ws.store.has_article(aid):
            raise DragomanError(f"no article {aid!r} in the store")
        where_now = ws.store.story_of(aid)
        elsewhere = f" (it is in {where_now})" if where_now else ""
        raise DragomanError(f"article {aid!r} is not in story {story.id!r}{elsewhere}")
    for aid in named:
        original = story.duplicates.get(aid)
        if original and original in inside and original not in named:
            raise DragomanError(
                f"article {aid!r} is a reprint of {original!r}, which stays; "
                f"split {original!r} instead (its reprints follow it)"
            )
    leaving = named + _reprints_of(story, named)
    order = {aid: n for n, aid in enumerate(story.article_ids)}
    leaving.sort(key=order.__getitem__)
    staying = [aid for aid in story.article_ids if aid not in set(leaving)]
    if not staying:
        raise DragomanError(
            f"cannot split every article out of story {story.id!r}; it would stay as it is"
        )
    new_id = new_story_id(leaving, ws.store.story_ids())
    cid = ws.store.add_correction(SPLIT, split_payload(story.id, leaving, staying, new_id))
    classifier = ArenaClassifier(ws.desk)
    _assess(ws, classifier, story.id, staying)
    _assess(ws, classifier, new_id, leaving)
    return CorrectionReport(cid, len(leaving), 2, new_id)


def story_corrections(ws: Workspace, include_reverted: bool = False) -> list[dict]:
    """The logged story corrections, oldest first."""
    kinds = _story_kinds()
    rows = ws.store.corrections(include_reverted=include_reverted)
    return [r for r in rows if r["kind"] in kinds]


def revert_story_correction(ws: Workspace, correction_id: int) -> CorrectionReport:
    """Mark a story correction as reverted; it stops applying from the next re-processing."""
    return _revert_correction(ws, correction_id, "stories", "stories", kinds=_story_kinds())


# --- digest -----------------------------------------------------------------------------


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end, time.max, tzinfo=UTC),
    )


def _write(
    ws: Workspace,
    stories: list[Story],
    period_from: date,
    period_to: date,
    title: str | None,
    status: dict[str, str] | None = None,
) -> Digest:
    from .digest import build_digest

    ids = {aid for s in stories for aid in s.article_ids}
    annotations = {aid: a for aid in ids if (a := ws.store.annotations(aid))}
    articles = {aid: a.article for aid, a in annotations.items()}
    digest = build_digest(
        stories,
        articles,
        annotations,
        ws.outlets,
        ws.desk,
        period_from,
        period_to,
        overview_size=int(ws.settings.overview_size),
        title=title,
        status=status,
    )
    return _check("write", Digest, digest)


def make_digest(
    ws: Workspace, period_from: date, period_to: date, title: str | None = None
) -> Digest:
    """Write the digest of a period from the workspace's stories."""
    if period_to < period_from:
        raise DragomanError(f"the period ends ({period_to}) before it starts ({period_from})")
    start, end = _day_bounds(period_from, period_to)
    return _write(ws, ws.store.stories(start=start, end=end), period_from, period_to, title)


# --- bulletins and updates ----------------------------------------------------------------

NEW = "new"
DEVELOPING = "developing"


@dataclass
class Bulletin:
    """A digest about to be written, with how it relates to the bulletins before it."""

    digest: Digest
    since: dict[str, Any] | None = None  # the logged bulletin an update was compared with
    note: str = ""  # one line for the reader of the command's output


def _today() -> date:
    return datetime.now(UTC).date()


def _cited(bulletin: Mapping[str, Any]) -> set[str]:
    return {aid for entry in bulletin["stories"].values() for aid in entry.get("articles", ())}


def _is_fresh(
    article: Article, previous: Mapping[str, Any], cited: set[str], end: datetime
) -> bool:
    """Whether an article reached the workspace's bulletins only after ``previous``."""
    if article.id in cited:
        return False
    if article.published is not None:
        if article.published > end:
            return False
        day = article.published.date()
        if day < previous["period_from"]:
            return False  # an archive collected late is not news for an update
        if day > previous["period_to"]:
            return True
    # published inside the previous period (or undated): new only if collected after it
    written = previous["written_at"]
    collected = article.collected_at
    return collected is not None and written is not None and collected > written


def _changes_since(
    ws: Workspace, previous: Mapping[str, Any], period_to: date
) -> tuple[list[Story], dict[str, str]]:
    """The stories that gained articles since a bulletin, cut down to those articles, and
    each story's mark (new, or developing when the bulletin told it)."""
    start = _day_bounds(previous["period_from"], previous["period_from"])[0]
    end = _day_bounds(period_to, period_to)[1]
    stories = ws.store.stories(start=start, end=end)
    ids = [aid for s in stories for aid in s.article_ids]
    articles = {a.id: a for a in ws.store.articles(ids=ids)} if ids else {}
    cited = _cited(previous)
    changed: list[Story] = []
    status: dict[str, str] = {}
    for story in stories:
        fresh = [
            aid
            for aid in story.article_ids
            if aid in articles and _is_fresh(articles[aid], previous, cited, end)
        ]
        if not fresh:
            continue
        # a story id may change when stories are rebuilt; its cited articles do not
        told = story.id in previous["stories"] or not cited.isdisjoint(story.article_ids)
        status[story.id] = DEVELOPING if told else NEW
        keep = set(fresh)
        # the bullet of an update tells, and cites, only what came in since
        changed.append(
            story.replace(
                article_ids=tuple(fresh),
                duplicates={k: v for k, v in story.duplicates.items() if k in keep},
            )
        )
    return changed, status


def _describe(bulletin: Mapping[str, Any]) -> str:
    from .digest import format_period

    period = format_period(bulletin["period_from"], bulletin["period_to"])
    return f"bulletin {bulletin['id']} ({period})"


def digest_since_last(
    ws: Workspace, period_to: date | None = None, title: str | None = None
) -> Bulletin | None:
    """What is new since the last logged bulletin, up to ``period_to`` (default today).

    The period runs from the day after the last bulletin's end; reports of earlier days
    that were collected after it was written count too. Returns None when no bulletin was
    logged yet. When nothing came in since an update, that update is written again
    (compared with the same bulletin), so running the command twice gives one result.
    """
    previous = ws.store.last_bulletin()
    if previous is None:
        return None
    period_to = period_to or _today()
    if period_to < previous["period_to"]:
        raise DragomanError(
            f"--to {period_to} is before the end of the previous {_describe(previous)}; "
            "an update runs on from it"
        )
    stories, status = _changes_since(ws, previous, period_to)
    base = ws.store.bulletin(previous["since_id"]) if previous["since_id"] is not None else None
    if not status and base is not None:
        previous = base
        stories, status = _changes_since(ws, previous, period_to)
    period_from = min(previous["period_to"] + timedelta(days=1), period_to)
    digest = _write(ws, stories, period_from, period_to, title, status)
    note = ""
    if not (digest.sections or digest.overview):
        note = f"nothing new since {_describe(previous)}"
    return Bulletin(digest, since=previous, note=note)


def workspace_bulletin(
    ws: Workspace,
    period_from: date | None,
    period_to: date | None,
    since_last: bool = False,
    title: str | None = None,
) -> Bulletin:
    """The bulletin the ``digest`` command writes from a workspace: a period, or an update."""
    note = ""
    if since_last:
        update = digest_since_last(ws, period_to, title)
        if update is not None:
            if period_from is not None:
                start = update.digest.period_from
                ignored = f"--from {period_from} is not used: the update starts on {start}"
                update.note = "; ".join(n for n in (ignored, update.note) if n)
            return update
        if period_from is None:
            raise DragomanError(
                "no bulletin was written in this workspace yet, so there is nothing to "
                "compare with; give --from (and --to) for a first one"
            )
        period_to = period_to or _today()
        note = f"no previous bulletin: writing the digest of {period_from} to {period_to}"
    elif period_from is None or period_to is None:
        raise DragomanError("give the period with --from and --to, or use --since-last")
    return Bulletin(make_digest(ws, period_from, period_to, title), note=note)


def _printed(digest: Digest) -> dict[str, dict[str, Any]]:
    """Per story of a digest: the articles its bullet cited or quoted, its grade and mark."""
    out: dict[str, dict[str, Any]] = {}
    for section in digest.sections:
        for bullet in section.bullets:
            entry = out.setdefault(
                bullet.story_id,
                {"articles": [], "credibility": bullet.credibility, "status": bullet.status},
            )
            used = [c.article_id for c in bullet.citations]
            used += [s.article_id for s in bullet.sentences]
            entry["articles"] = list(dict.fromkeys(entry["articles"] + used))
    return out


def record_bulletin(ws: Workspace, bulletin: Bulletin | Digest) -> int:
    """Log a written bulletin so the next update can be compared with it; return its id.

    The same bulletin written again (same period, same stories and articles, compared
    with the same bulletin) is logged once.
    """
    if isinstance(bulletin, Digest):
        bulletin = Bulletin(bulletin)
    digest = bulletin.digest
    since_id = bulletin.since["id"] if bulletin.since else None
    stories = _printed(digest)
    last = ws.store.last_bulletin()
    if (
        last is not None
        and last["period_from"] == digest.period_from
        and last["period_to"] == digest.period_to
        and last["since_id"] == since_id
        and last["stories"] == stories
    ):
        return int(last["id"])
    return ws.store.add_bulletin(
        digest.period_from, digest.period_to, stories, title=digest.title, since_id=since_id
    )


def bulletins(ws: Workspace, limit: int | None = 20) -> list[dict[str, Any]]:
    """The logged bulletins, the most recently written first."""
    return ws.store.bulletins(limit=limit)


def write_digest(digest: Digest, fmt: str, out: Path | None) -> str | None:
    """Render a digest to a file (or return it as text when out is None)."""
    from .digest import render

    rendered = render(digest, fmt)
    if out is None:
        return rendered if isinstance(rendered, str) else rendered.decode("utf-8", "replace")
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(rendered, bytes):
        out.write_bytes(rendered)
    else:
        out.write_text(rendered, encoding="utf-8")
    return None


def digest_from_files(
    inputs: Sequence[str | Path],
    period_from: date,
    period_to: date,
    desk: Desk | None = None,
    outlets: dict[str, Outlet] | None = None,
    on_error: Callable[[ItemError], None] | None = None,
    settings: Settings | None = None,
) -> Digest:
    """Collect, process and write a digest straight from files, without a workspace."""
    ws = Workspace.in_memory(desk or load_desk(), outlets or load_sources(), settings)
    try:
        collect(ws, inputs, on_error=on_error)
        process(ws)
        return make_digest(ws, period_from, period_to)
    finally:
        ws.close()


# --- demo -----------------------------------------------------------------------------


def examples_dir() -> Path:
    """The demo corpus shipped beside the package (source checkout) or in the working tree."""
    here = Path(__file__).resolve()
    for base in (here.parents[2], Path.cwd()):
        candidate = base / "examples" / "iran-2019-08"
        if candidate.is_dir():
            return candidate
    raise DragomanError("the demo corpus examples/iran-2019-08 was not found")


DEMO_PERIOD = (date(2019, 7, 25), date(2019, 8, 7))


def demo(
    out_dir: str | Path = "demo-output",
    home: str | Path | None = None,
    on_error: Callable[[ItemError], None] | None = None,
    formats: Sequence[str] = ("md", "html", "json", "pdf"),
) -> list[Path]:
    """Collect the demo corpus into a workspace, process it and write the digest files."""
    out_dir = Path(out_dir)
    home = Path(home) if home else out_dir / "workspace"
    init_workspace(home)
    paths = []
    with open_workspace(home) as ws:
        collect(ws, [examples_dir()], on_error=on_error)
        process(ws)
        digest = make_digest(ws, *DEMO_PERIOD)
        for fmt in formats:
            path = out_dir / f"digest.{fmt}"
            write_digest(digest, fmt, path)
            paths.append(path)
        # logged like any written bulletin, so `digest --since-last` runs on from the demo
        record_bulletin(ws, digest)
    return paths


def period_for(days: int, today: date | None = None) -> tuple[date, date]:
    """The last `days` days up to today."""
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=days - 1), today
