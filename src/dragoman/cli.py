"""The command line: each command parses its arguments and calls one library function."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .errors import DragomanError, ItemError

if TYPE_CHECKING:
    from .pipeline import CorrectionReport

app = typer.Typer(
    help="dragoman: from many outlets' reports to a sourced, assessed bulletin.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

HOME_HELP = "Workspace directory (default: $DRAGOMAN_HOME or ./dragoman-data)."
FORMATS = ("md", "html", "json", "pdf")


def _fail(exc: Exception) -> None:
    err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
    raise typer.Exit(1)


def _item_error(e: ItemError) -> None:
    err.print(f"[yellow]skipped[/yellow] {e}", highlight=False, markup=True, soft_wrap=True)


def _parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (use YYYY-MM-DD)", param_hint=name
        ) from None


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        progress.add_task(label, total=total)
        yield progress


def _settings(home: Path | None):
    from .settings import Settings

    return Settings.load(home)


@app.command()
def version() -> None:
    """Print dragoman's version."""
    typer.echo(__version__)


@app.command()
def init(home: Path | None = typer.Argument(None, help=HOME_HELP)) -> None:
    """Create a workspace: database, desk.yaml and sources.yaml."""
    from .pipeline import init_workspace

    try:
        path = init_workspace(home or Path(_settings(None).home))
    except DragomanError as exc:
        _fail(exc)
    typer.echo(f"workspace ready: {path}")


@app.command()
def collect(
    paths: list[str] = typer.Argument(None, help="Files, folders or URLs to collect."),
    feeds: bool = typer.Option(False, "--feeds", help="Fetch every feed of the source registry."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Collect articles from files, folders, URLs or the registry's feeds."""
    from .pipeline import collect as collect_paths
    from .pipeline import collect_feeds, open_workspace

    if not paths and not feeds:
        raise typer.BadParameter("give files, folders or URLs to collect, or --feeds")
    try:
        with open_workspace(home) as ws, _progress("collecting", None) as progress:

            def tick():
                return progress.advance(progress.task_ids[0])

            report = collect_paths(ws, paths or [], on_error=_item_error, on_item=tick)
            if feeds:
                more = collect_feeds(ws, on_error=_item_error, on_item=tick)
                report.new += more.new
                report.seen += more.seen
                report.duplicates += more.duplicates
                report.errors += more.errors
    except DragomanError as exc:
        _fail(exc)
    typer.echo(
        f"{report.new} new articles ({report.duplicates} reprints linked), "
        f"{report.seen} already stored, {len(report.errors)} skipped"
    )


@app.command()
def process(
    reprocess: bool = typer.Option(
        False, "--reprocess", help="Extract every stored article again and re-cluster them all."
    ),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Annotate new articles, group them into stories and grade the stories."""
    from .pipeline import open_workspace
    from .pipeline import process as run

    try:
        with open_workspace(home) as ws:
            pending = ws.store.articles() if reprocess else ws.store.unprocessed_articles()
            with _progress("processing", len(pending)) as progress:
                report = run(
                    ws,
                    on_item=lambda: progress.advance(progress.task_ids[0]),
                    reprocess=reprocess,
                )
    except DragomanError as exc:
        _fail(exc)
    removed = f", {report.stories_removed} removed" if reprocess else ""
    typer.echo(
        f"{report.articles} articles processed, {report.stories_touched} stories updated{removed}, "
        f"{report.stories_total} stories in the store"
    )


@app.command()
def digest(
    date_from: str | None = typer.Option(
        None, "--from", help="First day of the period (YYYY-MM-DD)."
    ),
    date_to: str | None = typer.Option(
        None, "--to", help="Last day of the period (YYYY-MM-DD; with --since-last, default today)."
    ),
    fmt: str = typer.Option("md", "--format", "-f", help="md, html, json or pdf (pdf needs -o)."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default: stdout)."
    ),
    input: list[str] = typer.Option(
        None, "--input", help="Build from these files or folders, no workspace."
    ),
    desk: Path | None = typer.Option(
        None, "--desk", help="Desk file (default: the workspace's or the Iran desk)."
    ),
    sources: Path | None = typer.Option(None, "--sources", help="Source registry file."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    since_last: bool = typer.Option(
        False,
        "--since-last",
        help="Only what is new since the workspace's previous bulletin, marked new or developing.",
    ),
    no_record: bool = typer.Option(
        False, "--no-record", help="Do not log this bulletin in the workspace (a preview)."
    ),
) -> None:
    """Write the bulletin of a period, or what is new since the previous one."""
    from .desk import load_desk, load_sources
    from .pipeline import (
        digest_from_files,
        open_workspace,
        record_bulletin,
        workspace_bulletin,
        write_digest,
    )

    start = _parse_date(date_from, "--from") if date_from else None
    end = _parse_date(date_to, "--to") if date_to else None
    if fmt not in FORMATS:
        raise typer.BadParameter(
            f"{fmt!r}: choose one of {', '.join(FORMATS)}", param_hint="--format"
        )
    if fmt == "pdf" and output is None:
        raise typer.BadParameter(
            "a PDF is written to a file: give -o FILE.pdf", param_hint="--format"
        )
    if input and since_last:
        raise typer.BadParameter(
            "--since-last compares with the bulletins a workspace logged; it cannot be used with --input",
            param_hint="--since-last",
        )
    if not since_last and (start is None or end is None):
        missing = "--from" if start is None else "--to"
        raise typer.BadParameter(
            f"give the period's {'first' if start is None else 'last'} day (or use --since-last)",
            param_hint=missing,
        )
    try:
        if input:
            assert start is not None and end is not None
            result = digest_from_files(
                input,
                start,
                end,
                desk=load_desk(desk) if desk else None,
                outlets=load_sources(sources) if sources else None,
                on_error=_item_error,
            )
            text = write_digest(result, fmt, output)
        else:
            with open_workspace(home) as ws:
                if desk:
                    ws.desk = load_desk(desk)
                bulletin = workspace_bulletin(ws, start, end, since_last=since_last)
                if bulletin.note:
                    err.print(bulletin.note, highlight=False, markup=False)
                text = write_digest(bulletin.digest, fmt, output)
                if not no_record:
                    record_bulletin(ws, bulletin)
    except DragomanError as exc:
        _fail(exc)
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        typer.echo(f"wrote {output}", err=True)


def _jsonl_out(rows) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()


@app.command()
def extract(
    desk: Path | None = typer.Option(None, "--desk", help="Desk file (default: the Iran desk)."),
    sources: Path | None = typer.Option(None, "--sources", help="Source registry file."),
) -> None:
    """JSONL filter: documents on stdin, entities and events on stdout."""
    from .desk import load_desk, load_sources
    from .extract import Extractor, extract_jsonl

    try:
        extractor = Extractor(load_desk(desk), load_sources(sources), _settings(None))
        _jsonl_out(
            extract_jsonl(sys.stdin, extractor, on_error=lambda m: err.print(m, markup=False))
        )
    except DragomanError as exc:
        _fail(exc)


@app.command()
def geocode(
    desk: Path | None = typer.Option(
        None, "--desk", help="Desk file (its places extend the gazetteer)."
    ),
) -> None:
    """JSONL filter: texts with toponym spans on stdin, coordinates on stdout."""
    from .desk import load_desk
    from .extract import Gazetteer, geocode_jsonl

    try:
        gazetteer = Gazetteer(load_desk(desk))
        _jsonl_out(
            geocode_jsonl(sys.stdin, gazetteer, on_error=lambda m: err.print(m, markup=False))
        )
    except DragomanError as exc:
        _fail(exc)


@app.command()
def cluster(
    desk: Path | None = typer.Option(None, "--desk", help="Desk file (default: the Iran desk)."),
    entities: bool = typer.Option(
        True, "--entities/--no-entities", help="Use resolved entities (slower, better)."
    ),
    threshold: float | None = typer.Option(None, help="Similarity needed to join a story."),
    window: float | None = typer.Option(
        None, help="Days beyond which articles never share a story."
    ),
) -> None:
    """JSONL filter: a stream of documents on stdin, their story ids on stdout."""
    from .desk import load_desk, load_sources
    from .stories.assess import CredibilityRules
    from .stories.cluster import StoryClusterer
    from .stories.dedup import DuplicateIndex
    from .stories.stream import StoryGrades, cluster_jsonl

    settings = _settings(None)
    try:
        annotate = None
        the_desk, outlets = load_desk(desk), load_sources()
        grades = StoryGrades(outlets, CredibilityRules.from_desk(the_desk))
        if entities:
            from .extract import Extractor

            extractor = Extractor(the_desk, outlets, settings)

            def annotate(arts):
                return list(extractor.annotate_many(arts))

        clusterer = StoryClusterer(
            threshold=threshold if threshold is not None else float(settings.story_threshold),
            window_days=window if window is not None else float(settings.story_window_days),
        )
        dedup = DuplicateIndex(threshold=float(settings.duplicate_threshold))
        _jsonl_out(
            cluster_jsonl(
                sys.stdin,
                clusterer,
                annotate,
                dedup,
                on_error=lambda m: err.print(m, markup=False),
                grades=grades,
                events=entities,
            )
        )
    except DragomanError as exc:
        _fail(exc)


@app.command()
def search(
    query: str = typer.Argument(..., help="Full-text query."),
    limit: int = typer.Option(20, min=1, max=500),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Search the stored articles' titles and bodies."""
    from .pipeline import open_workspace

    try:
        with open_workspace(home) as ws:
            hits = ws.store.search(query, limit=limit)
    except DragomanError as exc:
        _fail(exc)
    for article, _score in hits:
        when = article.published.date().isoformat() if article.published else "----------"
        typer.echo(f"{when}  {article.outlet_id:<20} {article.title}  [{article.id}]")


@app.command()
def status(home: Path | None = typer.Option(None, "--home", help=HOME_HELP)) -> None:
    """Counts of what the workspace holds."""
    from .pipeline import open_workspace

    try:
        with open_workspace(home) as ws:
            counts = ws.store.counts()
    except DragomanError as exc:
        _fail(exc)
    for key, value in counts.items():
        typer.echo(f"{key:<12} {value}")


@app.command()
def demo(
    output: Path = typer.Option(
        Path("demo-output"), "-o", "--output", help="Where to write the digest files."
    ),
) -> None:
    """Collect the demo corpus, process it and write the digest in every format."""
    from .pipeline import demo as run

    started = time.perf_counter()
    try:
        paths = run(output, on_error=_item_error)
    except DragomanError as exc:
        _fail(exc)
    for path in paths:
        typer.echo(str(path))
    err.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)


entities_app = typer.Typer(
    help="Look at the resolved entities and correct them (merge, alias).",
    no_args_is_help=True,
)
app.add_typer(entities_app, name="entities")


def _correction_done(
    what: str, report: CorrectionReport, done: str = "corrected", show_note: bool = True
) -> None:
    if report.correction_id is None:
        typer.echo(f"nothing to do: {report.note}")
        return
    typer.echo(
        f"{what} (correction {report.correction_id}): {report.articles} articles {done}, "
        f"{report.stories} stories re-assessed"
    )
    if report.note and show_note:
        typer.echo(f"note: {report.note}")


def _correction_line(row: dict, what: str) -> None:
    """One logged correction: number, day, author, what it does, and whether it was reverted."""
    state = f"  (reverted {row['reverted_at'][:10]})" if row["reverted_at"] else ""
    typer.echo(f"{row['id']:>4}  {row['created_at'][:10]}  {row['author']:<8} {what}{state}")


def _reverted(correction_id: int, report: CorrectionReport) -> None:
    if report.correction_id is None:
        typer.echo(f"nothing to do: {report.note}")
    else:
        typer.echo(f"reverted correction {correction_id}; {report.note}")


@entities_app.command("list")
def entities_list(
    type: str | None = typer.Option(
        None, "--type", help="Only this type (PERSON, ORG, LOC, NORP)."
    ),
    query: str | None = typer.Option(None, "--query", "-q", help="Part of an id, name or alias."),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Entities with their mention counts, most mentioned first."""
    from .pipeline import list_entities, open_workspace

    try:
        with open_workspace(home) as ws:
            rows = list_entities(ws, type=type, query=query, limit=limit)
    except DragomanError as exc:
        _fail(exc)
    if not rows:
        err.print("no entities match", highlight=False)
    for entity, count in rows:
        typer.echo(f"{entity.id:<36} {entity.type:<7} {count:>5}  {entity.name}")


@entities_app.command("show")
def entities_show(
    entity_id: str = typer.Argument(..., help="Entity id (see: dragoman entities list)."),
    mentions: int = typer.Option(5, "--mentions", min=0, help="How many mentions to show."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """One entity: name, type, aliases, attributes, place and a few mentions."""
    from .pipeline import entity_details, open_workspace

    try:
        with open_workspace(home) as ws:
            view = entity_details(ws, entity_id, mentions=mentions)
    except DragomanError as exc:
        _fail(exc)
    e = view.entity
    typer.echo(f"id          {e.id}")
    typer.echo(f"name        {e.name}")
    typer.echo(f"type        {e.type}")
    typer.echo(f"aliases     {'; '.join(e.aliases) or '-'}")
    for key, value in sorted(e.attributes.items()):
        if value in ("", None, [], {}):
            continue
        shown = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        )
        typer.echo(f"{key:<11} {shown}")
    if e.place is not None:
        p = e.place
        where = f"{p.name} ({p.country or '?'}) {p.lat}, {p.lon}"
        typer.echo(f"place       {where} [{p.precision or '?'}]")
    if view.merged:
        typer.echo(f"merged      {', '.join(view.merged)}")
    typer.echo(f"mentions    {view.mention_count}")
    for m in view.mentions:
        typer.echo(f"  {m.article_id}  {m.start}-{m.end}  {m.label:<6} {m.text}")


@entities_app.command("merge")
def entities_merge(
    source: str = typer.Argument(..., help="Entity to merge away."),
    target: str = typer.Argument(..., help="Entity that stays, keeping its id and name."),
    force: bool = typer.Option(False, "--force", help="Merge even when the types differ."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Merge entity SOURCE into TARGET; the correction survives re-processing."""
    from .pipeline import merge_entities, open_workspace

    try:
        with open_workspace(home) as ws:
            report = merge_entities(ws, source, target, force=force)
    except DragomanError as exc:
        _fail(exc)
    _correction_done(f"merged {source} into {target}", report)


@entities_app.command("alias")
def entities_alias(
    entity_id: str = typer.Argument(..., help="Entity that gets the alias."),
    alias: str = typer.Argument(..., help="The name form, quoted if it has spaces."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Link every present and future mention of ALIAS to an entity."""
    from .pipeline import add_entity_alias, open_workspace

    try:
        with open_workspace(home) as ws:
            report = add_entity_alias(ws, entity_id, alias)
    except DragomanError as exc:
        _fail(exc)
    _correction_done(f"{alias!r} is now an alias of {entity_id}", report)


@entities_app.command("corrections")
def entities_corrections(
    all_: bool = typer.Option(False, "--all", help="Include reverted corrections."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """The entity corrections made so far, oldest first."""
    from .pipeline import entity_corrections, open_workspace

    try:
        with open_workspace(home) as ws:
            rows = entity_corrections(ws, include_reverted=all_)
    except DragomanError as exc:
        _fail(exc)
    if not rows:
        err.print("no entity corrections", highlight=False)
    for row in rows:
        p = row["payload"]
        if row["kind"] == "entity_merge":
            what = f"merge {p.get('source', {}).get('id')} -> {p.get('target', {}).get('id')}"
        else:
            what = f"alias {p.get('alias')!r} -> {p.get('entity', {}).get('id')}"
        _correction_line(row, what)


@entities_app.command("revert")
def entities_revert(
    correction_id: int = typer.Argument(
        ..., help="Correction number (see: dragoman entities corrections)."
    ),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Revert a correction; it stops applying from the next re-processing."""
    from .pipeline import open_workspace, revert_entity_correction

    try:
        with open_workspace(home) as ws:
            report = revert_entity_correction(ws, correction_id)
    except DragomanError as exc:
        _fail(exc)
    _reverted(correction_id, report)


stories_app = typer.Typer(
    help="Look at the stories and correct them (merge, split).",
    no_args_is_help=True,
)
app.add_typer(stories_app, name="stories")


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "----------"


@stories_app.command("list")
def stories_list(
    date_from: str | None = typer.Option(
        None, "--from", help="Seen on or after this day (YYYY-MM-DD)."
    ),
    date_to: str | None = typer.Option(
        None, "--to", help="Seen on or before this day (YYYY-MM-DD)."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Stories, the most recently seen first: id, dates, arena, articles, credibility, title."""
    from .pipeline import list_stories, open_workspace

    start = _parse_date(date_from, "--from") if date_from else None
    end = _parse_date(date_to, "--to") if date_to else None
    try:
        with open_workspace(home) as ws:
            rows = list_stories(ws, start, end, limit=limit)
    except DragomanError as exc:
        _fail(exc)
    if not rows:
        err.print("no stories match", highlight=False)
    for row in rows:
        s = row.story
        typer.echo(
            f"{s.id:<15} {_day(s.first_seen)} {_day(s.last_seen)} {s.arena or '-':<12} "
            f"{len(s.article_ids):>3} art  cred {s.credibility}  {row.title}"
        )


@stories_app.command("show")
def stories_show(
    story_id: str = typer.Argument(..., help="Story id (see: dragoman stories list)."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """One story: dates, arena, grades with their reason, and its articles."""
    from .pipeline import open_workspace, story_details
    from .stories.assess import GRADE_WORDS

    try:
        with open_workspace(home) as ws:
            view = story_details(ws, story_id)
    except DragomanError as exc:
        _fail(exc)
    s = view.story
    grades = ", ".join(f"{o} {g}" for o, g in sorted(s.outlet_grades.items()))
    typer.echo(f"id          {s.id}")
    typer.echo(f"seen        {_day(s.first_seen)} to {_day(s.last_seen)}")
    typer.echo(f"arena       {s.arena or '-'}")
    typer.echo(f"themes      {', '.join(s.themes) or '-'}")
    typer.echo(f"credibility {s.credibility} ({GRADE_WORDS.get(s.credibility, '?')})")
    typer.echo(f"reason      {s.credibility_reason or '-'}")
    typer.echo(f"outlets     {grades or '-'}")
    typer.echo(f"salience    {s.salience}")
    typer.echo(f"articles    {len(s.article_ids)} ({len(s.duplicates)} reprints)")
    for a in view.articles:
        copy = f"  reprint of {s.duplicates[a.id]}" if a.id in s.duplicates else ""
        typer.echo(f"  {a.id}  {_day(a.published)}  {a.outlet_id:<16} {a.title}{copy}")


@stories_app.command("merge")
def stories_merge(
    source: str = typer.Argument(..., help="Story whose articles move; it disappears."),
    target: str = typer.Argument(..., help="Story that receives them and keeps its id."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Merge story SOURCE into TARGET; the correction survives re-processing."""
    from .pipeline import merge_stories, open_workspace

    try:
        with open_workspace(home) as ws:
            report = merge_stories(ws, source, target)
    except DragomanError as exc:
        _fail(exc)
    _correction_done(f"merged {source} into {target}", report, "moved", show_note=False)


@stories_app.command("split")
def stories_split(
    story_id: str = typer.Argument(..., help="Story to split."),
    article_ids: list[str] = typer.Argument(..., help="Articles that leave it, together."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Move articles out of a story into a new story; the correction survives re-processing."""
    from .pipeline import open_workspace, split_story

    try:
        with open_workspace(home) as ws:
            report = split_story(ws, story_id, article_ids)
    except DragomanError as exc:
        _fail(exc)
    _correction_done(f"split {story_id}: new story {report.note}", report, "moved", show_note=False)


@stories_app.command("corrections")
def stories_corrections(
    all_: bool = typer.Option(False, "--all", help="Include reverted corrections."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """The story corrections made so far, oldest first."""
    from .pipeline import open_workspace, story_corrections

    try:
        with open_workspace(home) as ws:
            rows = story_corrections(ws, include_reverted=all_)
    except DragomanError as exc:
        _fail(exc)
    if not rows:
        err.print("no story corrections", highlight=False)
    for row in rows:
        p = row["payload"]
        if row["kind"] == "story_merge":
            what = f"merge {p.get('source')} -> {p.get('target')}"
        else:
            moved = " ".join(p.get("articles") or ())
            what = f"split {p.get('story')} -> {p.get('new_story')}: {moved}"
        _correction_line(row, what)


@stories_app.command("revert")
def stories_revert(
    correction_id: int = typer.Argument(
        ..., help="Correction number (see: dragoman stories corrections)."
    ),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Revert a story correction; it stops applying from the next re-processing."""
    from .pipeline import open_workspace, revert_story_correction

    try:
        with open_workspace(home) as ws:
            report = revert_story_correction(ws, correction_id)
    except DragomanError as exc:
        _fail(exc)
    _reverted(correction_id, report)


@app.command()
def serve(
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(
        None, "--token", envvar="DRAGOMAN_TOKEN", help="Access token for Authorization: Bearer."
    ),
    collect_every: str | None = typer.Option(
        None,
        "--collect-every",
        help="Collect and process in the background this often (90s, 15m, 1h).",
    ),
    watch: list[Path] = typer.Option(
        None, "--watch", help="A folder collected on every background round (repeatable)."
    ),
) -> None:
    """Serve the web app and REST API over the workspace."""
    from .web.live import parse_duration
    from .web.serve import check_exposure, run_server

    try:
        every = parse_duration(collect_every) if collect_every else None
        settings = _settings(home)
        check_exposure(Path(home or settings.home), host, token)
    except DragomanError as exc:
        _fail(exc)
    err.print(f"serving on http://{host}:{port}/", highlight=False)
    run_server(
        home, host, port, token=token, settings=settings, collect_every=every, watch=watch or []
    )


users_app = typer.Typer(
    help="Web accounts: who may sign in, as reader or analyst.", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="User name."),
    role: str = typer.Option(
        "reader", "--role", help="reader (read only) or analyst (may change data)."
    ),
    replace: bool = typer.Option(False, "--replace", help="Replace the account if it exists."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin."
    ),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Create a web account; the password is asked for (or read from stdin)."""
    from .pipeline import open_workspace
    from .web.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        with open_workspace(home) as ws:
            add_user(ws, name, role, password, replace=replace)
    except DragomanError as exc:
        _fail(exc)
    typer.echo(f"user {name} ({role}) saved")


@users_app.command("list")
def users_list(home: Path | None = typer.Option(None, "--home", help=HOME_HELP)) -> None:
    """The web accounts: name, role, created."""
    from .pipeline import open_workspace
    from .web.auth import list_users

    try:
        with open_workspace(home) as ws:
            rows = list_users(ws)
    except DragomanError as exc:
        _fail(exc)
    if not rows:
        err.print("no users", highlight=False)
    for row in rows:
        typer.echo(f"{row['name']:<24} {row['role']:<8} {row['created_at'][:10]}")


@users_app.command("remove")
def users_remove(
    name: str = typer.Argument(..., help="User name."),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Delete a web account."""
    from .pipeline import open_workspace
    from .web.auth import remove_user

    try:
        with open_workspace(home) as ws:
            remove_user(ws, name)
    except DragomanError as exc:
        _fail(exc)
    typer.echo(f"user {name} removed")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
