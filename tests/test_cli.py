"""The commands, run as a user runs them (in-process through Typer's runner)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dragoman.cli import app

DATA = Path(__file__).parent / "data" / "pipeline"
runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    for name in ("init", "collect", "process", "digest", "extract", "cluster", "geocode", "demo"):
        assert name in result.output


def test_init_is_safe_to_repeat(tmp_path):
    home = tmp_path / "ws"
    assert run("init", home).exit_code == 0
    (home / "desk.yaml").write_text((home / "desk.yaml").read_text() + "\n# edited\n")
    assert run("init", home).exit_code == 0
    assert (home / "desk.yaml").read_text().endswith("# edited\n")
    assert (home / "dragoman.db").exists() and (home / "sources.yaml").exists()


def test_commands_refuse_a_missing_workspace(tmp_path):
    result = run("status", "--home", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "not a dragoman workspace" in result.output


def test_digest_rejects_a_bad_date():
    result = runner.invoke(app, ["digest", "--from", "2019-13-01", "--to", "2019-08-07"])
    assert result.exit_code == 2
    assert "not a date" in result.output


def test_cluster_without_entities_streams_jsonl():
    lines = (DATA / "articles.jsonl").read_text().splitlines()
    result = run("cluster", "--no-entities", input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    rows = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [r["id"] for r in rows] == ["p1", "p2", "p3", "p4", "p5", "p6", None]
    by_id = {r["id"]: r for r in rows}
    assert by_id["p3"]["duplicate_of"] == "p1"
    assert by_id["p3"]["story"] == by_id["p1"]["story"]
    assert by_id["p4"]["story"] != by_id["p1"]["story"]
    assert rows[-1]["story"] is None and "line 7" in rows[-1]["error"]


def test_cluster_lines_carry_the_story_grade_so_far():
    base = "Soleimani met militia commanders in Albu Kamal near the Iraqi border and inspected the crossing on Thursday."
    docs = [
        {
            "id": "a",
            "outlet": "anadolu",
            "published": "2019-07-27T10:00:00",
            "text": base + " The visit lasted two days.",
        },
        {
            "id": "b",
            "outlet": "deirezzor24",
            "published": "2019-07-28T10:00:00",
            "text": "Quds Force chief Soleimani toured Albu Kamal on Thursday, met militia commanders near the Iraqi border and inspected the crossing.",
        },
        {
            "id": "c",
            "outlet": "daily-sabah",
            "published": "2019-07-27T12:00:00",
            "text": base + " The visit lasted two days.",
        },
    ]
    result = run("cluster", "--no-entities", input="".join(json.dumps(d) + "\n" for d in docs))
    rows = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    first, second, reprint = rows["a"]["grade"], rows["b"]["grade"], rows["c"]["grade"]
    # one outlet so far: graded on that outlet alone, with its Admiralty reliability
    assert first["reports"] == 1 and first["outlets"] == [{"outlet": "anadolu", "reliability": "B"}]
    assert "single outlet" in first["reason"]
    # a second independent outlet in the same story is corroboration
    assert rows["b"]["story"] == rows["a"]["story"]
    assert [o["outlet"] for o in second["outlets"]] == ["anadolu", "deirezzor24"]
    assert "independent outlets" in second["reason"]
    # a reprint joins the story but is not one more independent source
    assert rows["c"]["duplicate_of"] == "a" and rows["c"]["story"] == rows["a"]["story"]
    assert reprint["reports"] == 3 and reprint["outlets"] == second["outlets"]
    assert "events" not in rows["a"]  # events come with entities on


@pytest.mark.slow
def test_workspace_commands_end_to_end(tmp_path):
    home = tmp_path / "ws"
    run("init", home)
    result = run("collect", DATA / "articles.jsonl", "--home", home)
    assert result.exit_code == 0
    assert "6 new articles (1 reprints linked)" in result.stdout
    assert "articles.jsonl:7" in result.output
    assert run("process", "--home", home).exit_code == 0
    out = tmp_path / "d.json"
    result = run(
        "digest",
        "--from",
        "2019-07-25",
        "--to",
        "2019-08-07",
        "--format",
        "json",
        "-o",
        out,
        "--home",
        home,
    )
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert [s["arena"] for s in data["sections"]] == ["syria", "iraq", "palestinian"]
    hits = run("search", "Albu Kamal", "--home", home)
    assert "Soleimani" in hits.stdout


@pytest.mark.slow
def test_extract_jsonl_contract():
    doc = {
        "id": "x1",
        "text": "Iraj Masjedi met Mohammed al-Halbousi in Baghdad on Monday, Fars reported.",
        "published": "2019-08-05",
    }
    result = run("extract", input=json.dumps(doc) + "\nnot json\n")
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(rows) == 2 and rows[0]["id"] == "x1" and "error" in rows[1]
    ents = {(e["text"], e["label"]) for e in rows[0]["entities"]}
    assert ("Fars", "ORG") in ents and ("Baghdad", "LOC") in ents
    for e in rows[0]["entities"]:
        assert doc["text"][e["start"] : e["end"]] == e["text"]
