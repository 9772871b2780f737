"""Updates: `digest --since-last` lists the stories that gained reports since the last bulletin."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from dragoman import browser as chromium
from dragoman.cli import app
from dragoman.digest.render.json import SCHEMA_VERSION, load_schema
from dragoman.errors import DragomanError
from dragoman.pipeline import (
    DEVELOPING,
    NEW,
    Bulletin,
    Workspace,
    collect,
    digest_since_last,
    init_workspace,
    process,
    record_bulletin,
    workspace_bulletin,
    write_digest,
)
from dragoman.pipeline import _is_fresh as is_fresh
from dragoman.records import Article, Bullet, Citation, Digest, Section

DATA = Path(__file__).parent / "data" / "since_last"
runner = CliRunner()

# first.jsonl: the Soleimani visit (Anadolu, July 27, and a reprint) and an off-topic sports item;
# second.jsonl: DeirEzzor24 on the same visit (July 29) and the Iran-Iraq trade deal (July 29);
# third.jsonl: Channel 12 on Hamas funding (August 6).
FIRST = (date(2019, 7, 25), date(2019, 7, 28))


def bullets(digest: Digest) -> list[Bullet]:
    return [b for s in digest.sections for b in s.bullets]


def by_outlet(digest: Digest) -> dict[str, Bullet]:
    """Each bullet under the outlet ids it cites (one story per outlet in this corpus)."""
    out = {}
    for b in bullets(digest):
        for c in b.citations:
            out[c.outlet_id] = b
    return out


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """A bulletin, then two rounds of collection, each followed by an update."""
    home = init_workspace(tmp_path_factory.mktemp("since-last"))
    out: dict = {"home": home}
    with Workspace(home) as ws:
        collect(ws, [DATA / "first.jsonl"])
        process(ws)
        first = workspace_bulletin(ws, *FIRST)
        out["first"] = first
        out["first_id"] = record_bulletin(ws, first)

        collect(ws, [DATA / "second.jsonl"])
        process(ws)
        update = digest_since_last(ws, date(2019, 8, 4))
        out["update"] = update
        out["update_id"] = record_bulletin(ws, update)
        again = digest_since_last(ws, date(2019, 8, 4))
        out["again"] = again
        out["again_id"] = record_bulletin(ws, again)
        out["logged_after_again"] = len(ws.store.bulletins())

        collect(ws, [DATA / "third.jsonl"])
        process(ws)
        out["third"] = digest_since_last(ws, date(2019, 8, 7))
        out["third_id"] = record_bulletin(ws, out["third"])
        out["logged"] = ws.store.bulletins()
    return out


@pytest.mark.slow
def test_the_first_bulletin_is_logged_with_its_stories(flow):
    first = flow["first"].digest
    assert [b.status for b in bullets(first)] == [""]
    logged = {b["id"]: b for b in flow["logged"]}[flow["first_id"]]
    assert (logged["period_from"], logged["period_to"]) == FIRST
    assert logged["since_id"] is None
    (story_id,) = logged["stories"]
    entry = logged["stories"][story_id]
    assert entry["credibility"] == bullets(first)[0].credibility
    assert set(entry["articles"]) == {c.article_id for c in bullets(first)[0].citations}


@pytest.mark.slow
def test_the_update_lists_the_extended_story_and_the_new_one(flow):
    update: Bulletin = flow["update"]
    digest = update.digest
    assert (digest.period_from, digest.period_to) == (date(2019, 7, 29), date(2019, 8, 4))
    assert update.since is not None and update.since["id"] == flow["first_id"]
    found = by_outlet(digest)
    assert len(bullets(digest)) == 2
    old_story = next(iter(flow["logged"][-1]["stories"]))
    soleimani, trade = found["deirezzor24"], found["irna"]
    assert soleimani.story_id == old_story and soleimani.status == DEVELOPING
    assert trade.status == NEW
    # a developing story is told from its new report alone
    assert [c.outlet_id for c in soleimani.citations] == ["deirezzor24"]
    assert {s.article_id for s in soleimani.sentences} <= {
        c.article_id for c in soleimani.citations
    }
    assert all(b.status in (NEW, DEVELOPING) for b in digest.overview)


@pytest.mark.slow
def test_running_the_update_again_gives_the_same_and_logs_it_once(flow):
    assert flow["again"].digest == flow["update"].digest
    assert flow["again_id"] == flow["update_id"]
    assert flow["logged_after_again"] == 2


@pytest.mark.slow
def test_the_next_update_runs_on_from_the_last_one(flow):
    third: Bulletin = flow["third"]
    assert third.since is not None and third.since["id"] == flow["update_id"]
    assert (third.digest.period_from, third.digest.period_to) == (
        date(2019, 8, 5),
        date(2019, 8, 7),
    )
    assert [(b.status, [c.outlet_id for c in b.citations]) for b in bullets(third.digest)] == [
        (NEW, ["channel12"])
    ]
    assert [b["id"] for b in flow["logged"]] == [
        flow["third_id"],
        flow["update_id"],
        flow["first_id"],
    ]


@pytest.mark.slow
def test_every_format_shows_the_marks(flow, tmp_path):
    digest = flow["update"].digest
    md = write_digest(digest, "md", None)
    assert "*\\[New\\]*" in md and "*\\[Developing: 1 new report\\]*" in md
    html = write_digest(digest, "html", None)
    assert html.count('data-status="new"') >= 1 and 'class="status status-developing"' in html
    assert ">Developing: 1 new report</span>" in html
    data = json.loads(write_digest(digest, "json", None))
    assert data["schema_version"] == SCHEMA_VERSION == "1.3"
    jsonschema.validate(data, load_schema())
    marks = sorted(b["status"] for s in data["sections"] for b in s["bullets"])
    assert marks == [DEVELOPING, NEW]
    plain = json.loads(write_digest(flow["first"].digest, "json", None))
    assert all("status" not in b for s in plain["sections"] for b in s["bullets"])


@pytest.mark.slow
@pytest.mark.browser
def test_a_reader_sees_the_marks_before_the_bullets(flow, tmp_path):
    if chromium.missing():
        pytest.skip(f"needs {', '.join(chromium.missing())}")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "update.html"
    write_digest(flow["update"].digest, "html", page_file)
    with sync_playwright() as pw:
        browser = chromium.launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_file.as_uri())
            items = page.locator("section.arena li")
            shown = [items.nth(i).inner_text() for i in range(items.count())]
            label = page.locator("section.arena li .status").first.bounding_box()
            number = page.locator("section.arena li .num").first.bounding_box()
        finally:
            browser.close()
    # the label is drawn (upper case) between the bullet's number and its first words
    assert sorted(re.sub(r"^\d+\.\d+\s*", "", text)[:24] for text in shown) == [
        "DEVELOPING: 1 NEW REPORT",
        "NEW Iran and Iraq signed",
    ]
    assert label and number and label["x"] > number["x"] and label["width"] > 20


@pytest.mark.slow
def test_the_command_writes_the_update_and_logs_nothing_new(flow, tmp_path):
    home = flow["home"]
    out = tmp_path / "update.json"
    result = run(
        "digest", "--since-last", "--to", "2019-08-07", "-f", "json", "-o", out, "--home", home
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["period"] == {"from": "2019-08-05", "to": "2019-08-07"}
    assert [b["status"] for s in data["sections"] for b in s["bullets"]] == [NEW]
    with Workspace(home) as ws:
        assert len(ws.store.bulletins()) == 3
    result = run("digest", "--since-last", "--from", "2019-08-01", "--home", home, "--no-record")
    assert "--from 2019-08-01 is not used: the update starts on 2019-08-05" in result.output
    result = run("digest", "--since-last", "--to", "2019-08-01", "--home", home)
    assert result.exit_code == 1
    assert "before the end of the previous bulletin" in result.output


@pytest.mark.slow
def test_reports_collected_late_for_the_previous_period_count(tmp_path):
    """A bulletin up to July 29 written before the July 29 reports came in."""
    home = init_workspace(tmp_path / "ws")
    with Workspace(home) as ws:
        collect(ws, [DATA / "first.jsonl"])
        process(ws)
        record_bulletin(ws, workspace_bulletin(ws, date(2019, 7, 25), date(2019, 7, 29)))
        collect(ws, [DATA / "second.jsonl"])
        process(ws)
        update = digest_since_last(ws, date(2019, 7, 31))
    assert update is not None
    assert (update.digest.period_from, update.digest.period_to) == (
        date(2019, 7, 30),
        date(2019, 7, 31),
    )
    found = by_outlet(update.digest)
    assert found["deirezzor24"].status == DEVELOPING and found["irna"].status == NEW


# --- without the language model -------------------------------------------------------------


@pytest.fixture
def empty_home(tmp_path):
    return init_workspace(tmp_path / "ws")


def test_since_last_without_a_previous_bulletin_needs_a_period(empty_home):
    result = run("digest", "--since-last", "--home", empty_home)
    assert result.exit_code == 1
    assert "no bulletin was written in this workspace yet" in result.output
    with Workspace(empty_home) as ws:
        assert digest_since_last(ws) is None
        with pytest.raises(DragomanError, match="give --from"):
            workspace_bulletin(ws, None, None, since_last=True)


def test_since_last_without_a_previous_bulletin_writes_the_period(empty_home):
    result = run(
        "digest", "--since-last", "--from", "2019-07-25", "--to", "2019-07-28", "--home", empty_home
    )
    assert result.exit_code == 0, result.output
    assert "no previous bulletin: writing the digest of 2019-07-25 to 2019-07-28" in result.output
    assert "No developments were reported in this period." in result.output
    with Workspace(empty_home) as ws:
        (logged,) = ws.store.bulletins()
    assert (logged["period_from"], logged["period_to"]) == FIRST


def test_no_record_leaves_the_log_alone(empty_home):
    result = run(
        "digest", "--from", "2019-07-25", "--to", "2019-07-28", "--no-record", "--home", empty_home
    )
    assert result.exit_code == 0, result.output
    with Workspace(empty_home) as ws:
        assert ws.store.bulletins() == []


def test_since_last_cannot_read_files(tmp_path):
    result = run(
        "digest", "--since-last", "--input", tmp_path, "--from", "2019-07-25", "--to", "2019-07-28"
    )
    assert result.exit_code == 2
    assert "--input" in result.output


def test_a_period_is_needed_without_since_last(empty_home):
    result = run("digest", "--to", "2019-07-28", "--home", empty_home)
    assert result.exit_code == 2
    assert "--from" in result.output


def test_an_empty_update_says_nothing_is_new(empty_home):
    with Workspace(empty_home) as ws:
        record_bulletin(ws, workspace_bulletin(ws, *FIRST))
        update = digest_since_last(ws, date(2019, 8, 4))
    assert update is not None and not update.digest.sections
    assert update.note.startswith("nothing new since bulletin 1 (")


def _article(published: datetime | None, collected: datetime, aid: str = "a") -> Article:
    return Article(
        id=aid,
        outlet_id="x",
        url="",
        published=published,
        title="",
        text="",
        collected_at=collected,
    )


def test_which_articles_count_as_new():
    written = datetime(2019, 7, 29, 12, tzinfo=UTC)
    previous = {
        "period_from": FIRST[0],
        "period_to": FIRST[1],
        "written_at": written,
        "stories": {},
    }
    end = datetime(2019, 8, 4, 23, 59, tzinfo=UTC)
    before, after = written - timedelta(hours=1), written + timedelta(hours=1)

    def july(day):
        return datetime(2019, 7, day, 9, tzinfo=UTC)

    assert is_fresh(_article(july(30), before), previous, set(), end)  # after the period
    assert not is_fresh(_article(july(27), before), previous, set(), end)  # told already
    assert is_fresh(_article(july(27), after), previous, set(), end)  # came in late
    assert not is_fresh(_article(july(27), after), previous, {"a"}, end)  # cited already
    assert not is_fresh(_article(july(20), after), previous, set(), end)  # an old archive
    assert not is_fresh(_article(datetime(2019, 8, 5, tzinfo=UTC), after), previous, set(), end)
    assert is_fresh(_article(None, after), previous, set(), end)
    assert not is_fresh(_article(None, before), previous, set(), end)


def test_the_log_keeps_each_story_once(empty_home):
    def cite(aid):
        return Citation(outlet="X", date=FIRST[0], article_id=aid)

    digest = Digest(
        title="t",
        period_from=FIRST[0],
        period_to=FIRST[1],
        sections=(
            Section(
                "A", "a", (Bullet("one", "s1", citations=(cite("a1"), cite("a2")), credibility=2),)
            ),
        ),
        overview=(Bullet("one", "s1", citations=(cite("a1"),)),),
    )
    with Workspace(empty_home) as ws:
        first = record_bulletin(ws, digest)
        assert record_bulletin(ws, digest) == first
        (logged,) = ws.store.bulletins()
    assert logged["stories"] == {"s1": {"articles": ["a1", "a2"], "credibility": 2, "status": ""}}
