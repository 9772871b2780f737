"""`dragoman stories`: an analyst's merges and splits, surviving `process --reprocess`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import flat, private_copy, processed_workspace, run

from dragoman.pipeline import Workspace

DATA = Path(__file__).parent / "data" / "stories_corrections"

pytestmark = pytest.mark.slow  # processing loads the spaCy model


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return processed_workspace(tmp_path_factory, DATA / "articles.jsonl", "stories")


@pytest.fixture()
def home(processed: Path, tmp_path: Path) -> Path:
    return private_copy(processed, tmp_path)


def ids(home: Path) -> dict[str, str]:
    """Short fixture name (the last part of the URL) -> stored article id."""
    with Workspace(home) as ws:
        return {a.url.rsplit("/", 1)[1]: a.id for a in ws.store.articles()}


def stories(home: Path) -> dict[str, set[str]]:
    """Story id -> the short names of its articles."""
    names = {v: k for k, v in ids(home).items()}
    with Workspace(home) as ws:
        return {s.id: {names[a] for a in s.article_ids} for s in ws.store.stories()}


def story_with(home: Path, name: str) -> str:
    return next(sid for sid, names in stories(home).items() if name in names)


def partition(home: Path) -> set[frozenset[str]]:
    return {frozenset(v) for v in stories(home).values()}


CLUSTERED = {
    frozenset({"x1", "x2", "x3"}),  # trenches at Albu Kamal; x3 reprints x1
    frozenset({"y1", "y2"}),  # the wheat deal
    frozenset({"z1"}),  # the tanker
}


def test_fixture_clusters_as_expected(processed: Path) -> None:
    assert partition(processed) == CLUSTERED


def test_list_and_show(processed: Path) -> None:
    result = run("stories", "list", "--home", processed)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    # the most recently seen first, titled by its first article
    assert lines[0].startswith(story_with(processed, "y1"))
    assert "Tehran signs wheat deal with Moscow" in lines[0]
    trenches = next(line for line in lines if line.startswith(story_with(processed, "x1")))
    assert "2019-08-01 2019-08-02" in trenches and "  3 art" in trenches
    dated = run(
        "stories", "list", "--from", "2019-08-03", "--to", "2019-08-04", "--home", processed
    )
    assert [line.split()[0] for line in dated.stdout.splitlines()] == [story_with(processed, "z1")]
    assert len(run("stories", "list", "--limit", 1, "--home", processed).stdout.splitlines()) == 1

    shown = run("stories", "show", story_with(processed, "x1"), "--home", processed)
    assert shown.exit_code == 0
    art = ids(processed)
    out = shown.stdout
    assert "credibility 2 (probably true)" in out and "reason      reported by two" in out
    assert "articles    3 (1 reprints)" in out
    assert f"{art['x3']}  2019-08-01  daily-sabah" in out and f"reprint of {art['x1']}" in out
    bad = run("stories", "list", "--from", "August", "--home", processed)
    assert bad.exit_code != 0 and "is not a date" in flat(bad.output)


def test_merge_then_reprocess_keeps_it(home: Path) -> None:
    source, target = story_with(home, "z1"), story_with(home, "y1")
    result = run("stories", "merge", source, target, "--home", home)
    assert result.exit_code == 0, result.output
    assert "correction 1" in result.stdout and "1 articles moved" in result.stdout
    merged = CLUSTERED - {frozenset({"y1", "y2"}), frozenset({"z1"})} | {
        frozenset({"y1", "y2", "z1"})
    }
    assert partition(home) == merged
    assert stories(home)[target] == {"y1", "y2", "z1"} and source not in stories(home)
    # the merged story was re-assessed: three independent outlets now
    shown = run("stories", "show", target, "--home", home).stdout
    assert "credibility 1 (confirmed)" in shown
    gone = run("stories", "show", source, "--home", home)
    assert gone.exit_code == 1 and f"was merged into '{target}'" in flat(gone.output)

    result = run("process", "--reprocess", "--home", home)
    assert result.exit_code == 0, result.output
    assert partition(home) == merged
    assert target in stories(home) and source not in stories(home)


def test_split_then_reprocess_keeps_it(home: Path) -> None:
    art = ids(home)
    story = story_with(home, "x1")
    result = run("stories", "split", story, art["x1"], "--home", home)
    assert result.exit_code == 0, result.output
    # the reprint follows its original into the new story
    assert "2 articles moved, 2 stories re-assessed" in result.stdout
    new = story_with(home, "x1")
    assert new != story and f"new story {new}" in result.stdout
    split = CLUSTERED - {frozenset({"x1", "x2", "x3"})} | {
        frozenset({"x1", "x3"}),
        frozenset({"x2"}),
    }
    assert partition(home) == split
    assert stories(home)[story] == {"x2"}
    shown = run("stories", "show", story, "--home", home).stdout
    assert "credibility 3 (possibly true)" in shown

    assert run("process", "--reprocess", "--home", home).exit_code == 0
    assert partition(home) == split
    assert stories(home)[story] == {"x2"} and stories(home)[new] == {"x1", "x3"}


def test_split_inside_a_merge_and_new_articles(home: Path, tmp_path: Path) -> None:
    art = ids(home)
    wheat, tanker = story_with(home, "y1"), story_with(home, "z1")
    assert run("stories", "merge", tanker, wheat, "--home", home).exit_code == 0
    assert run("stories", "split", wheat, art["y2"], "--home", home).exit_code == 0
    later = tmp_path / "later.jsonl"
    later.write_text(
        json.dumps(
            {
                "id": "z2",
                "outlet": "mehr",
                "published": "2019-08-04T09:00:00+00:00",
                "title": "Guards seize a tanker with smuggled fuel in the Gulf",
                "url": "https://example.org/stories/z2",
                "text": (
                    "Revolutionary Guards naval forces seized a tanker smuggling fuel in the "
                    "Persian Gulf on Saturday and took its seven sailors to the port of Bushehr."
                ),
            }
        )
        + "\n"
    )
    assert run("collect", later, "--home", home).exit_code == 0
    assert run("process", "--home", home).exit_code == 0
    expected = {
        frozenset({"x1", "x2", "x3"}),
        frozenset({"y1", "z1", "z2"}),  # the new report joins the tanker, wherever it went
        frozenset({"y2"}),
    }
    assert partition(home) == expected
    assert run("process", "--reprocess", "--home", home).exit_code == 0
    assert partition(home) == expected
    assert stories(home)[wheat] == {"y1", "z1", "z2"}


def test_repeats_are_harmless(home: Path) -> None:
    art = ids(home)
    source, target, trenches = (
        story_with(home, "z1"),
        story_with(home, "y1"),
        story_with(home, "x1"),
    )
    assert run("stories", "merge", source, target, "--home", home).exit_code == 0
    again = run("stories", "merge", source, target, "--home", home)
    assert again.exit_code == 0 and "already merged" in again.stdout
    assert run("stories", "split", trenches, art["x2"], "--home", home).exit_code == 0
    again = run("stories", "split", trenches, art["x2"], "--home", home)
    assert again.exit_code == 0 and "already split out" in again.stdout
    log = run("stories", "corrections", "--home", home).stdout.splitlines()
    assert len(log) == 2
    assert f"merge {source} -> {target}" in log[0] and f"split {trenches} -> " in log[1]


def test_errors(home: Path) -> None:
    art = ids(home)
    trenches, wheat = story_with(home, "x1"), story_with(home, "y1")
    cases = [
        (("merge", "s-nope", wheat), "no story 's-nope' in the store"),
        (("merge", wheat, "s-nope"), "no story 's-nope' in the store"),
        (("merge", wheat, wheat), "into itself"),
        (("split", "s-nope", art["x1"]), "no story 's-nope' in the store"),
        (("split", trenches, "nothing"), "no article 'nothing' in the store"),
        (("split", trenches, art["y1"]), f"article '{art['y1']}' is not in story '{trenches}'"),
        (("split", trenches, art["x1"], art["x2"]), "cannot split every article out"),
        (("split", trenches, art["x3"]), f"is a reprint of '{art['x1']}'"),
        (("show", "s-nope"), "no story 's-nope' in the store"),
        (("revert", 7), "no correction 7"),
    ]
    for args, message in cases:
        result = run("stories", *args, "--home", home)
        assert result.exit_code == 1, args
        assert message in flat(result.output) and flat(result.output).startswith("error:"), args
    assert run("stories", "corrections", "--home", home).stdout == ""
    assert partition(home) == CLUSTERED


def test_revert_undoes_a_split_at_the_next_reprocess(home: Path) -> None:
    art = ids(home)
    trenches = story_with(home, "x1")
    assert run("stories", "split", trenches, art["x2"], "--home", home).exit_code == 0
    result = run("stories", "revert", 1, "--home", home)
    assert result.exit_code == 0 and "--reprocess" in result.stdout
    assert "already reverted" in run("stories", "revert", 1, "--home", home).stdout
    assert "reverted" in run("stories", "corrections", "--all", "--home", home).stdout
    assert run("stories", "corrections", "--home", home).stdout == ""
    assert frozenset({"x2"}) in partition(home)  # stored stories keep it until reprocessing
    assert run("process", "--reprocess", "--home", home).exit_code == 0
    assert partition(home) == CLUSTERED


def test_entity_corrections_are_not_story_corrections(home: Path) -> None:
    with Workspace(home) as ws:
        ws.store.add_correction("entity_alias", {"entity": {}, "alias": "x"})
    result = run("stories", "revert", 1, "--home", home)
    assert result.exit_code == 1 and "not a story correction" in flat(result.output)
