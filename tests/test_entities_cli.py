"""`dragoman entities`: an analyst's merges and aliases, surviving `process --reprocess`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import flat, private_copy, processed_workspace, run

from dragoman.pipeline import Workspace
from dragoman.records import Mention

DATA = Path(__file__).parent / "data" / "corrections"

pytestmark = pytest.mark.slow  # extraction loads the spaCy model


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return processed_workspace(tmp_path_factory, DATA / "articles.jsonl", "corrections")


@pytest.fixture()
def home(processed: Path, tmp_path: Path) -> Path:
    return private_copy(processed, tmp_path)


def mentions(home: Path) -> list[Mention]:
    with Workspace(home) as ws:
        return [m for a in ws.store.articles() for m in ws.store.annotations(a.id).mentions]


def entity_of(home: Path, word: str) -> str:
    """The entity of the first named mention holding ``word``."""
    for m in mentions(home):
        if word in m.text and m.entity_id and m.label != "ROLE":
            return m.entity_id
    raise AssertionError(f"no mention of {word!r} was linked")


def listed(home: Path, *options: object) -> list[str]:
    result = run("entities", "list", "--limit", 500, "--home", home, *options)
    assert result.exit_code == 0
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def everything_stored(home: Path) -> str:
    """Every annotation and story of the workspace as one string, to look for stray ids."""
    with Workspace(home) as ws:
        parts = [ws.store.annotations(a.id).to_dict() for a in ws.store.articles()]
        parts += [s.to_dict() for s in ws.store.stories()]
        parts += [e.to_dict() for e in ws.store.entities()]
    return json.dumps(parts, default=str)


def test_list_and_show(processed: Path) -> None:
    tabrizi = entity_of(processed, "Tabrizi")
    rows = listed(processed)
    assert tabrizi in rows
    assert listed(processed, "--type", "person", "--query", "tabriz") == [tabrizi]
    shown = run("entities", "show", tabrizi, "--home", processed)
    assert shown.exit_code == 0
    assert "Hamid Tabrizi" in shown.stdout and "PERSON" in shown.stdout
    count = sum(m.entity_id == tabrizi for m in mentions(processed))
    assert count >= 1 and f"mentions    {count}" in shown.stdout


def test_merge_then_reprocess_keeps_it(home: Path) -> None:
    source, target = entity_of(home, "Tebrizi"), entity_of(home, "Tabrizi")
    assert source != target
    result = run("entities", "merge", source, target, "--home", home)
    assert result.exit_code == 0, result.output
    assert "correction 1" in result.stdout
    # applied at once: the source is gone, its mentions name the target
    assert source not in listed(home) and target in listed(home)
    assert all(m.entity_id == target for m in mentions(home) if "Tebrizi" in m.text)
    shown = run("entities", "show", target, "--home", home).stdout
    assert "Tebrizi" in shown.split("aliases", 1)[1].splitlines()[0]
    assert f"merged      {source}" in shown
    assert source not in everything_stored(home)

    result = run("process", "--reprocess", "--home", home)
    assert result.exit_code == 0, result.output
    assert "3 articles processed" in result.stdout
    assert source not in listed(home)
    assert all(m.entity_id == target for m in mentions(home) if "Tebrizi" in m.text)
    assert source not in everything_stored(home)
    shown = run("entities", "show", source, "--home", home)
    assert shown.exit_code == 1 and f"was merged into '{target}'" in flat(shown.output)


def test_merging_twice_is_harmless(home: Path) -> None:
    source, target = entity_of(home, "Tebrizi"), entity_of(home, "Tabrizi")
    assert run("entities", "merge", source, target, "--home", home).exit_code == 0
    again = run("entities", "merge", source, target, "--home", home)
    assert again.exit_code == 0 and "already merged" in again.stdout
    log = run("entities", "corrections", "--home", home).stdout.splitlines()
    assert len(log) == 1 and f"merge {source} -> {target}" in log[0]


def test_chains_and_cycles(home: Path) -> None:
    a, b = entity_of(home, "Tebrizi"), entity_of(home, "Tabrizi")
    c = entity_of(home, "Hussein Falih")
    assert run("entities", "merge", a, b, "--home", home).exit_code == 0
    cycle = run("entities", "merge", b, a, "--home", home)
    assert cycle.exit_code == 1 and "cycle" in flat(cycle.output)
    assert run("entities", "merge", b, c, "--home", home).exit_code == 0
    assert all(m.entity_id == c for m in mentions(home) if "Tebrizi" in m.text)
    # merging into an entity that was merged away lands on where it went
    d = entity_of(home, "Abu Zeinab")
    into_merged = run("entities", "merge", d, a, "--home", home)
    assert into_merged.exit_code == 0 and f"{a} was merged into {c}" in into_merged.stdout
    assert run("process", "--reprocess", "--home", home).exit_code == 0
    ids = listed(home)
    assert c in ids and not {a, b, d} & set(ids)
    for m in mentions(home):
        if any(w in m.text for w in ("Tebrizi", "Tabrizi", "Abu Zeinab")) and m.label == "PERSON":
            assert m.entity_id == c, m


def test_merge_errors(home: Path) -> None:
    person, place = entity_of(home, "Tabrizi"), entity_of(home, "Albu Kamal")
    cases = [
        (("nobody:x", person), "no entity 'nobody:x' in the store"),
        ((person, "nobody:x"), "no entity 'nobody:x' in the store"),
        ((person, person), "into itself"),
        ((person, place), "use --force"),
    ]
    for (a, b), message in cases:
        result = run("entities", "merge", a, b, "--home", home)
        assert result.exit_code == 1, (a, b)
        assert message in flat(result.output) and flat(result.output).startswith("error:")
    assert run("entities", "corrections", "--home", home).stdout == ""
    forced = run("entities", "merge", person, place, "--force", "--home", home)
    assert forced.exit_code == 0
    assert all(m.label == "LOC" for m in mentions(home) if m.entity_id == place)
    taken = run("entities", "merge", person, entity_of(home, "Hussein"), "--home", home)
    assert taken.exit_code == 1 and "already merged into" in flat(taken.output)


def test_alias_links_present_and_future_mentions(home: Path, tmp_path: Path) -> None:
    org = entity_of(home, "Kata'ib Sayyid al-Shuhada militia")
    # the bare group name, whatever the model took it for, is the militia
    text = next(m.text for m in mentions(home) if m.text.endswith("Kata'ib Sayyid al-Shuhada"))
    result = run("entities", "alias", org, text, "--home", home)
    assert result.exit_code == 0, result.output
    linked = [m for m in mentions(home) if m.text == text]
    assert linked and all(m.entity_id == org and m.label == "ORG" for m in linked)
    assert text in run("entities", "show", org, "--home", home).stdout
    again = run("entities", "alias", org, text.upper(), "--home", home)
    assert "already an alias" in again.stdout

    later = tmp_path / "later.jsonl"
    later.write_text(
        json.dumps(
            {
                "id": "c4",
                "outlet": "tasnim",
                "published": "2019-08-06T08:00:00+00:00",
                "title": "Militia moves depots",
                "url": "https://example.org/corrections/c4",
                "text": f"Fighters of {text} moved their depots out of Albu Kamal on Monday.",
            }
        )
        + "\n"
    )
    assert run("collect", later, "--home", home).exit_code == 0
    assert run("process", "--home", home).exit_code == 0
    assert run("process", "--reprocess", "--home", home).exit_code == 0
    linked = [m for m in mentions(home) if m.text == text]
    assert len(linked) >= 1 and all(m.entity_id == org for m in linked)


def test_alias_errors(home: Path) -> None:
    unknown = run("entities", "alias", "nobody:x", "Someone", "--home", home)
    assert unknown.exit_code == 1 and "no entity 'nobody:x'" in flat(unknown.output)
    empty = run("entities", "alias", entity_of(home, "Tabrizi"), " -- ", "--home", home)
    assert empty.exit_code == 1 and "no letters or digits" in flat(empty.output)


def test_revert_stops_a_merge_at_the_next_reprocess(home: Path) -> None:
    source, target = entity_of(home, "Tebrizi"), entity_of(home, "Tabrizi")
    run("entities", "merge", source, target, "--home", home)
    result = run("entities", "revert", 1, "--home", home)
    assert result.exit_code == 0 and "--reprocess" in result.stdout
    assert "already reverted" in run("entities", "revert", 1, "--home", home).stdout
    missing = run("entities", "revert", 99, "--home", home)
    assert missing.exit_code == 1 and "no correction 99" in flat(missing.output)
    assert "reverted" in run("entities", "corrections", "--all", "--home", home).stdout
    assert run("process", "--reprocess", "--home", home).exit_code == 0
    assert source in listed(home)
