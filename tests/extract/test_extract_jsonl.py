"""The ``dragoman extract`` JSONL contract (loads the spaCy model once)."""

from __future__ import annotations

import json

import pytest
from extract_support import DATA

from dragoman.extract.annotate import Extractor
from dragoman.extract.jsonl import extract_jsonl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outputs(extractor: Extractor) -> tuple[list[dict], list[str]]:
    errors: list[str] = []
    lines = (DATA / "docs.jsonl").read_text("utf-8").splitlines(keepends=True)
    out = [json.loads(json.dumps(o)) for o in extract_jsonl(lines, extractor, errors.append)]
    return out, errors


def test_one_output_per_line_in_order(outputs: tuple[list[dict], list[str]]) -> None:
    out, _ = outputs
    assert [o.get("id") for o in out] == ["d1", None, "d3", None, 5, "d6"]


def test_bad_lines_are_reported_and_skipped(outputs: tuple[list[dict], list[str]]) -> None:
    out, errors = outputs
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1] == "line 4: expected a JSON object, got list"
    assert errors[2].startswith('line 5: document 5: missing "text"')
    assert errors[3].startswith("line 6: published is not an ISO date")
    assert len(errors) == 4
    for i in (1, 3, 4, 5):
        assert set(out[i]) == {"id", "error"} and out[i]["error"]


def test_entities_follow_the_contract(outputs: tuple[list[dict], list[str]]) -> None:
    out, _ = outputs
    lines = (DATA / "docs.jsonl").read_text("utf-8").splitlines()
    text = json.loads(lines[0])["text"]
    entities = out[0]["entities"]
    for e in entities:
        assert text[e["start"] : e["end"]] == e["text"]
        assert {"id", "name", "type"} <= set(e["entity"])
    by_text = {e["text"]: e for e in entities}
    assert by_text["Qasem Soleimani"]["entity"] == {
        "id": "qasem-soleimani",
        "name": "Qasem Soleimani",
        "type": "PERSON",
    }
    assert (
        by_text["Tasnim"]["label"] == "ORG" and by_text["Tasnim"]["entity"]["id"] == "outlet:tasnim"
    )
    geo = by_text["Albu Kamal"]["geo"]
    assert geo["country"] == "SY" and geo["lat"] == pytest.approx(34.45, abs=0.2)
    assert by_text["Monday"]["value"] == "2019-07-29"


def test_events_follow_the_contract(outputs: tuple[list[dict], list[str]]) -> None:
    out, _ = outputs
    (event,) = out[0]["events"]
    assert event["type"] == "CONSULT" and event["cameo"] == "040" and event["mode"] == "asserted"
    assert event["actor"] == [
        {"text": "Qasem Soleimani", "entity_id": "qasem-soleimani", "country": "IR"}
    ]
    assert event["place"] == "Albu Kamal" and event["date"] == "2019-07-29"
    assert event["reported_by"] == "tasnim"
    assert (event["start"], event["end"]) == (
        0,
        len("Qasem Soleimani met Iraqi commanders in Albu Kamal on Monday, Tasnim reported."),
    )


def test_outlet_by_name_and_missing_publication(outputs: tuple[list[dict], list[str]]) -> None:
    out, _ = outputs
    third = out[2]
    dates = [e for e in third["entities"] if e["label"] == "DATE"]
    assert dates and "value" not in dates[0]  # no publication date: "July 25" stays unresolved
    visits = [e for e in third["events"] if e["type"] == "CONSULT"]
    assert visits and visits[0]["mode"] == "future" and visits[0]["reported_by"] == "fars"
