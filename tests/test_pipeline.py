"""The whole path on a small hand-written corpus: collect, process, digest."""

from datetime import date
from pathlib import Path

import pytest

from dragoman.extract.entities import core_name
from dragoman.pipeline import Workspace, collect, init_workspace, make_digest, process
from dragoman.store import Store

DATA = Path(__file__).parent / "data" / "pipeline"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    home = init_workspace(tmp_path_factory.mktemp("ws"))
    ws = Workspace(home)
    errors = []
    report = collect(ws, [DATA / "articles.jsonl"], on_error=errors.append)
    ws.collect_report, ws.collect_errors = report, errors
    ws.process_report = process(ws)
    yield ws
    ws.close()


def test_collect_reports_the_broken_line_and_keeps_the_rest(workspace):
    assert workspace.collect_report.new == 6
    assert len(workspace.collect_errors) == 1
    assert "articles.jsonl:7" in str(workspace.collect_errors[0])


def test_reprint_is_linked_to_its_original(workspace):
    ids = {a.url.rsplit("/", 1)[-1]: a for a in workspace.store.articles()}
    reprint = ids["test-reprint-soleimani"]
    assert reprint.duplicate_of == ids["1"].id
    assert workspace.collect_report.duplicates == 1


def test_recollecting_stores_nothing_new(workspace):
    before = workspace.store.counts()
    again = collect(workspace, [DATA / "articles.jsonl"])
    assert again.new == 0 and again.seen == 6
    assert process(workspace).articles == 0
    assert workspace.store.counts() == before


def test_stories_group_one_development(workspace):
    store = workspace.store
    by_url = {a.url.rsplit("/", 1)[-1]: a.id for a in store.articles()}
    soleimani = {
        store.story_of(by_url[k]) for k in ("1", "test-soleimani-tour", "test-reprint-soleimani")
    }
    assert len(soleimani) == 1
    others = {
        store.story_of(by_url[k])
        for k in ("iran-iraq-trade", "persepolis-striker", "test-hamas-iran")
    }
    assert len(others) == 3 and not (others & soleimani)


def test_story_grades_and_arenas(workspace):
    stories = {s.arena: s for s in workspace.store.stories()}
    assert set(stories) >= {"syria", "iraq", "palestinian"}
    syria = stories["syria"]
    assert syria.credibility == 2  # Anadolu and DeirEzzor24; the Daily Sabah reprint does not count
    assert len(syria.duplicates) == 1
    assert stories["palestinian"].credibility == 6  # one outlet citing an anonymous source


def test_annotations_are_stored_with_spans(workspace):
    art = next(a for a in workspace.store.articles() if a.outlet_id == "deirezzor24")
    ann = workspace.store.annotations(art.id)
    assert ann.sentences and ann.mentions
    for m in ann.mentions:
        assert art.text[m.start : m.end] == m.text
    names = {core_name(m.text, m.label) for m in ann.mentions if m.label == "LOC"}
    assert "Albu Kamal" in names  # "the city of Albu Kamal": the extent holds the name
    assert any(m.entity_id == "albu-kamal" for m in ann.mentions)


def test_digest_of_the_period(workspace):
    digest = make_digest(workspace, date(2019, 7, 25), date(2019, 8, 7))
    arenas = [s.arena for s in digest.sections]
    assert arenas == ["syria", "iraq", "palestinian"]
    texts = " ".join(b.text for s in digest.sections for b in s.bullets)
    assert "Persepolis" not in texts
    syria = digest.sections[0].bullets[0]
    outlets = [c.outlet for c in syria.citations]
    assert sorted(outlets) == sorted(["the Turkish Anadolu Agency", "DeirEzzor24"])
    assert "(the Turkish Anadolu Agency, July 27; DeirEzzor24, July 29)" in syria.text
    hamas = digest.sections[2].bullets[0]
    assert hamas.assessment == "We have no way to assess the credibility of the report."


def test_migrated_store_reopens(workspace):
    path = workspace.home / "dragoman.db"
    with Store(path) as again:
        assert again.migrate() == []
        assert again.counts()["articles"] == 6
