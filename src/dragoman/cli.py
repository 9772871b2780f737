"""The command line: each command parses its arguments and calls one library function."""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .errors import DragomanError, ItemError

app = typer.Typer(
    help="dragoman: from many outlets' reports to a sourced, assessed bulletin.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

HOME_HELP = "Workspace directory (default: $DRAGOMAN_HOME or ./dragoman-data)."
FORMATS = ("md", "html", "json")


def _fail(exc: Exception) -> None:
    err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
    raise typer.Exit(1)


def _item_error(e: ItemError) -> None:
    err.print(f"[yellow]skipped[/yellow] {e}", highlight=False, markup=True, soft_wrap=True)


def _parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)", param_hint=name)


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


def _settings(home: Optional[Path]):
    from .settings import Settings

    return Settings.load(home)


@app.command()
def version() -> None:
    """Print dragoman's version."""
    typer.echo(__version__)


@app.command()
def init(home: Optional[Path] = typer.Argument(None, help=HOME_HELP)) -> None:
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
    home: Optional[Path] = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Collect articles from files, folders, URLs or the registry's feeds."""
    from .pipeline import collect as collect_paths
    from .pipeline import collect_feeds, open_workspace

    if not paths and not feeds:
        raise typer.BadParameter("give files, folders or URLs to collect, or --feeds")
    try:
        with open_workspace(home) as ws, _progress("collecting", None) as progress:
            tick = lambda: progress.advance(progress.task_ids[0])  # noqa: E731
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
def process(home: Optional[Path] = typer.Option(None, "--home", help=HOME_HELP)) -> None:
    """Annotate new articles, group them into stories and grade the stories."""
    from .pipeline import open_workspace
    from .pipeline import process as run

    try:
        with open_workspace(home) as ws:
            total = len(ws.store.unprocessed_articles())
            with _progress("processing", total) as progress:
                report = run(ws, on_item=lambda: progress.advance(progress.task_ids[0]))
    except DragomanError as exc:
        _fail(exc)
    typer.echo(
        f"{report.articles} articles processed, {report.stories_touched} stories updated, "
        f"{report.stories_total} stories in the store"
    )


@app.command()
def digest(
    date_from: str = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD)."),
    date_to: str = typer.Option(..., "--to", help="Last day of the period (YYYY-MM-DD)."),
    fmt: str = typer.Option("md", "--format", "-f", help="md, html or json."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: stdout)."),
    input: list[str] = typer.Option(None, "--input", help="Build from these files or folders, no workspace."),
    desk: Optional[Path] = typer.Option(None, "--desk", help="Desk file (default: the workspace's or the Iran desk)."),
    sources: Optional[Path] = typer.Option(None, "--sources", help="Source registry file."),
    home: Optional[Path] = typer.Option(None, "--home", help=HOME_HELP),
) -> None:
    """Write the bulletin of a period."""
    from .desk import load_desk, load_sources
    from .pipeline import digest_from_files, make_digest, open_workspace, write_digest

    start, end = _parse_date(date_from, "--from"), _parse_date(date_to, "--to")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: choose one of {', '.join(FORMATS)}", param_hint="--format")
    try:
        if input:
            result = digest_from_files(
                input,
                start,
                end,
                desk=load_desk(desk) if desk else None,
                outlets=load_sources(sources) if sources else None,
                on_error=_item_error,
            )
        else:
            with open_workspace(home) as ws:
                if desk:
                    ws.desk = load_desk(desk)
                result = make_digest(ws, start, end)
        text = write_digest(result, fmt, output)
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
    desk: Optional[Path] = typer.Option(None, "--desk", help="Desk file (default: the Iran desk)."),
    sources: Optional[Path] = typer.Option(None, "--sources", help="Source registry file."),
) -> None:
    """JSONL filter: documents on stdin, entities and events on stdout."""
    from .desk import load_desk, load_sources
    from .extract import Extractor, extract_jsonl

    try:
        extractor = Extractor(load_desk(desk), load_sources(sources), _settings(None))
        _jsonl_out(extract_jsonl(sys.stdin, extractor, on_error=lambda m: err.print(m, markup=False)))
    except DragomanError as exc:
        _fail(exc)


@app.command()
def geocode(desk: Optional[Path] = typer.Option(None, "--desk", help="Desk file (its places extend the gazetteer).")) -> None:
    """JSONL filter: texts with toponym spans on stdin, coordinates on stdout."""
    from .desk import load_desk
    from .extract import Gazetteer, geocode_jsonl

    try:
        gazetteer = Gazetteer(load_desk(desk))
        _jsonl_out(geocode_jsonl(sys.stdin, gazetteer, on_error=lambda m: err.print(m, markup=False)))
    except DragomanError as exc:
        _fail(exc)


@app.command()
def cluster(
    desk: Optional[Path] = typer.Option(None, "--desk", help="Desk file (default: the Iran desk)."),
    entities: bool = typer.Option(True, "--entities/--no-entities", help="Use resolved entities (slower, better)."),
    threshold: Optional[float] = typer.Option(None, help="Similarity needed to join a story."),
    window: Optional[float] = typer.Option(None, help="Days beyond which articles never share a story."),
) -> None:
    """JSONL filter: a stream of documents on stdin, their story ids on stdout."""
    from .desk import load_desk, load_sources
    from .stories.cluster import StoryClusterer
    from .stories.dedup import DuplicateIndex
    from .stories.stream import cluster_jsonl

    settings = _settings(None)
    try:
        annotate = None
        if entities:
            from .extract import Extractor

            extractor = Extractor(load_desk(desk), load_sources(), settings)
            annotate = lambda arts: list(extractor.annotate_many(arts))  # noqa: E731
        clusterer = StoryClusterer(
            threshold=threshold if threshold is not None else float(settings.story_threshold),
            window_days=window if window is not None else float(settings.story_window_days),
        )
        dedup = DuplicateIndex(threshold=float(settings.duplicate_threshold))
        _jsonl_out(
            cluster_jsonl(sys.stdin, clusterer, annotate, dedup, on_error=lambda m: err.print(m, markup=False))
        )
    except DragomanError as exc:
        _fail(exc)


@app.command()
def search(
    query: str = typer.Argument(..., help="Full-text query."),
    limit: int = typer.Option(20, min=1, max=500),
    home: Optional[Path] = typer.Option(None, "--home", help=HOME_HELP),
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
def status(home: Optional[Path] = typer.Option(None, "--home", help=HOME_HELP)) -> None:
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
    output: Path = typer.Option(Path("demo-output"), "-o", "--output", help="Where to write the digest files."),
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
