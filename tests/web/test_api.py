"""The REST API on the demo workspace: every endpoint with good and with bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from dragoman.web import create_app

pytestmark = pytest.mark.slow  # the demo workspace is built with the spaCy pipeline

SOLEIMANI = "qasem-soleimani"


@pytest.fixture(scope="module")
def api(demo_home: Path) -> Iterator[TestClient]:
    """A read-only client on the shared demo workspace (tests that change data use ``client``)."""
    with TestClient(create_app(demo_home)) as c:
        yield c


def detail(response) -> str:
    body = response.json()
    assert "detail" in body, body
    return str(body["detail"])


# --- articles ---------------------------------------------------------------------------------


def test_search_finds_albu_kamal_and_marks_the_words(api: TestClient) -> None:
    r = api.get("/api/articles", params={"q": "Albu Kamal"})
    assert r.status_code == 200
    page = r.json()
    assert page["total"] >= 3 and page["page"] == 1 and page["per_page"] == 20
    hit = page["items"][0]
    assert hit["score"] > 0 and hit["outlet"]
    marked = [hit["snippet"][a:b] for a, b in hit["marks"]]
    assert {"Albu", "Kamal"} <= set(marked)


def test_search_filters_and_pages(api: TestClient) -> None:
    everything = api.get("/api/articles", params={"per_page": 100}).json()
    assert everything["total"] == 57
    days = [i["published"] for i in everything["items"] if i["published"]]
    assert days == sorted(days, reverse=True)  # newest first without a query

    first = api.get("/api/articles", params={"per_page": 5, "page": 1}).json()["items"]
    second = api.get("/api/articles", params={"per_page": 5, "page": 2}).json()["items"]
    assert len(first) == len(second) == 5
    assert not {i["id"] for i in first} & {i["id"] for i in second}

    tasnim = api.get("/api/articles", params={"outlet": "tasnim", "per_page": 100}).json()
    assert tasnim["total"] > 0 and {i["outlet_id"] for i in tasnim["items"]} == {"tasnim"}

    one_day = api.get("/api/articles", params={"from": "2019-08-01", "to": "2019-08-01"}).json()
    assert one_day["total"] > 0
    assert all(i["published"].startswith("2019-08-01") for i in one_day["items"])

    named = api.get("/api/articles", params={"entity": SOLEIMANI, "per_page": 100}).json()
    assert named["total"] > 0
    story = api.get(f"/api/articles/{named['items'][0]['id']}").json()["story_id"]
    in_story = api.get("/api/articles", params={"story": story}).json()
    assert named["items"][0]["id"] in {i["id"] for i in in_story["items"]}

    combined = api.get(
        "/api/articles", params={"q": "Soleimani", "entity": SOLEIMANI, "to": "2019-07-31"}
    ).json()
    assert all(i["published"] < "2019-08-01" for i in combined["items"])


@pytest.mark.parametrize(
    "params, status",
    [
        ({"per_page": 101}, 422),
        ({"per_page": 0}, 422),
        ({"page": 0}, 422),
        ({"page": "two"}, 422),
        ({"from": "last week"}, 422),
        ({"from": "2019-08-05", "to": "2019-08-01"}, 422),
        ({"outlet": "no-such-outlet"}, 404),
        ({"entity": "no-such-entity"}, 404),
        ({"story": "s-000000000000"}, 404),
        ({"q": "*** ---"}, 400),
        ({"q": "x" * 10_000}, 422),
    ],
)
def test_search_rejects_bad_input_with_a_message(
    api: TestClient, params: dict, status: int
) -> None:
    r = api.get("/api/articles", params=params)
    assert r.status_code == status
    assert detail(r)


HOSTILE = [
    '"',
    '""',
    '"Albu Kamal',
    "NEAR(",
    "NEAR(Albu Kamal, 2)",
    "Albu NEAR/3 Kamal",
    "*",
    "Sol*",
    "title:Iran",
    "Iran AND",
    "OR OR NOT",
    "NOT Iran",
    "(Iran",
    "Iran)",
    "^Iran",
    "'; DROP TABLE articles; --",
    "\x00",
    "السليماني",
    "سلیمانی قاسم",
    "Ḥaj Qāsem",
    "🙂",
    "a" * 999,
    ("Kamal " * 160)[:999],
    "{Iran}",
    "Iran -Iraq",
    "\\",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail_the_server(api: TestClient, query: str) -> None:
    r = api.get("/api/articles", params={"q": query})
    assert r.status_code in (200, 400), (query, r.status_code, r.text[:200])
    body = r.json()
    assert ("items" in body) if r.status_code == 200 else body["detail"]


def test_article_has_text_entities_with_spans_and_story(api: TestClient) -> None:
    aid = api.get("/api/articles", params={"q": "Albu Kamal"}).json()["items"][0]["id"]
    r = api.get(f"/api/articles/{aid}")
    assert r.status_code == 200
    art = r.json()
    assert art["processed"] and art["story_id"] and art["outlet_reliability"] in "ABCDEF"
    assert art["mentions"] and art["entities"]
    for m in art["mentions"]:
        assert art["text"][m["start"] : m["end"]] == m["text"]
    assert {m["entity_id"] for m in art["mentions"] if m["entity_id"]} & {
        e["id"] for e in art["entities"]
    }


def test_unknown_article_is_404(api: TestClient) -> None:
    r = api.get("/api/articles/nope")
    assert r.status_code == 404 and "nope" in detail(r)


# --- entities ---------------------------------------------------------------------------------


def test_entity_list_search_and_type(api: TestClient) -> None:
    r = api.get("/api/entities", params={"q": "soleim", "type": "person"})
    assert r.status_code == 200
    ids = [e["id"] for e in r.json()["items"]]
    assert SOLEIMANI in ids
    places = api.get("/api/entities", params={"type": "LOC", "per_page": 100}).json()
    assert places["total"] > 10 and {e["type"] for e in places["items"]} == {"LOC"}
    counts = [e["mentions"] for e in places["items"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize(
    "params", [{"type": "WEAPON"}, {"per_page": 500}, {"page": -1}, {"q": "x" * 400}]
)
def test_entity_list_rejects_bad_input(api: TestClient, params: dict) -> None:
    r = api.get("/api/entities", params=params)
    assert r.status_code == 422 and detail(r)


def test_entity_profile(api: TestClient) -> None:
    r = api.get(f"/api/entities/{SOLEIMANI}")
    assert r.status_code == 200
    e = r.json()
    assert e["name"] == "Qasem Soleimani" and e["type"] == "PERSON"
    assert e["aliases"] and e["mention_count"] > 5
    assert e["roles"] and e["roles"][0]["title"]
    assert e["stories"] and all(s["articles"] >= 1 for s in e["stories"])
    assert e["co_occurring"] and e["co_occurring"][0]["count"] >= e["co_occurring"][-1]["count"]
    assert SOLEIMANI not in {c["entity"]["id"] for c in e["co_occurring"]}
    assert e["timeline"] and sum(d["count"] for d in e["timeline"]) >= len(e["stories"])
    place = api.get("/api/entities/tehran").json()
    assert place["place"]["lat"] and place["place"]["lon"]


def test_unknown_entity_is_404(api: TestClient) -> None:
    r = api.get("/api/entities/person:nobody")
    assert r.status_code == 404 and "person:nobody" in detail(r)


# --- stories ----------------------------------------------------------------------------------


def test_story_list_and_detail(api: TestClient) -> None:
    r = api.get("/api/stories", params={"per_page": 100})
    assert r.status_code == 200
    stories = r.json()["items"]
    assert r.json()["total"] == len(stories) > 10
    seen = [s["last_seen"] for s in stories]
    assert seen == sorted(seen, reverse=True)
    big = max(stories, key=lambda s: s["article_count"])
    d = api.get(f"/api/stories/{big['id']}").json()
    assert d["article_count"] == len(d["articles"]) > 1
    assert d["credibility_reason"] and d["credibility_words"]
    assert 1 <= d["credibility"] <= 6 and d["salience"] > 0
    for a in d["articles"]:
        assert a["grade"] in list("ABCDEF") and a["outlet"]
    assert d["events"]

    arena = next(s["arena"] for s in stories if s["arena"])
    only = api.get("/api/stories", params={"arena": arena, "per_page": 100}).json()["items"]
    assert only and {s["arena"] for s in only} == {arena}
    august = api.get("/api/stories", params={"from": "2019-08-05", "per_page": 100}).json()
    assert 0 < august["total"] < len(stories)


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/stories?arena=atlantis", 404),
        ("/api/stories?from=2019-13-01", 422),
        ("/api/stories?per_page=1000", 422),
        ("/api/stories/s-000000000000", 404),
    ],
)
def test_story_errors(api: TestClient, path: str, status: int) -> None:
    r = api.get(path)
    assert r.status_code == status and detail(r)


# --- events -----------------------------------------------------------------------------------


def test_events_by_story_type_and_date(api: TestClient) -> None:
    every = api.get("/api/events", params={"per_page": 100}).json()
    assert every["total"] > 100
    story = every["items"][0]["story_id"]
    of_story = api.get("/api/events", params={"story": story}).json()
    assert of_story["total"] >= 1 and {e["story_id"] for e in of_story["items"]} == {story}
    kind = every["items"][0]["type"]
    typed = api.get("/api/events", params={"type": kind.lower(), "per_page": 100}).json()
    assert {e["type"] for e in typed["items"]} == {kind}
    dated = api.get("/api/events", params={"from": "2019-08-01", "to": "2019-08-02"}).json()
    assert 0 < dated["total"] < every["total"]


@pytest.mark.parametrize(
    "params, status",
    [({"story": "s-000000000000"}, 404), ({"to": "soon"}, 422), ({"per_page": 101}, 422)],
)
def test_event_errors(api: TestClient, params: dict, status: int) -> None:
    r = api.get("/api/events", params=params)
    assert r.status_code == status and detail(r)


# --- digests ----------------------------------------------------------------------------------


def test_digest_draft_edit_publish_render(client: TestClient) -> None:
    r = client.post("/api/digests", json={"from": "2019-07-25", "to": "2019-08-07"})
    assert r.status_code == 201, r.text
    draft = r.json()
    did = draft["id"]
    assert draft["status"] == "draft" and draft["created_by"] == "local"
    sections = draft["digest"]["sections"]
    assert sections and draft["digest"]["overview"]
    first = sections[0]
    assert len(first["bullets"]) >= 2
    b0, b1 = first["bullets"][0], first["bullets"][1]

    listed = client.get("/api/digests").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == did

    # put the second bullet first with new words, drop the rest of that section
    edit = {
        "title": "Weekly bulletin",
        "sections": [
            {
                "arena": first["arena"],
                "bullets": [
                    {"anchor": b1["anchor"], "text": "New words."},
                    {"anchor": b0["anchor"]},
                ],
            },
            *[
                {"arena": s["arena"], "bullets": [{"anchor": b["anchor"]} for b in s["bullets"]]}
                for s in sections[1:]
            ],
        ],
    }
    r = client.put(f"/api/digests/{did}", json=edit)
    assert r.status_code == 200, r.text
    edited = r.json()
    got = edited["digest"]["sections"][0]["bullets"]
    assert [b["anchor"] for b in got] == [b1["anchor"], b0["anchor"]]
    assert got[0]["text"] == "New words."
    assert got[0]["citations"] == b1["citations"] and got[0]["sentences"] == b1["sentences"]
    assert edited["title"] == edited["digest"]["title"] == "Weekly bulletin"
    assert edited["history"][-1]["who"] == "local" and "sections" in edited["history"][-1]["action"]

    dropped = {"sections": [{"arena": first["arena"], "bullets": [{"anchor": b0["anchor"]}]}]}
    after = client.put(f"/api/digests/{did}", json=dropped).json()["digest"]
    assert [s["arena"] for s in after["sections"]] == [first["arena"]]
    assert [b["anchor"] for b in after["sections"][0]["bullets"]] == [b0["anchor"]]

    bad = client.put(
        f"/api/digests/{did}",
        json={"sections": [{"arena": first["arena"], "bullets": [{"anchor": "story-nope"}]}]},
    )
    assert bad.status_code == 422 and "story-nope" in detail(bad)
    assert client.put(f"/api/digests/{did}", json={"colour": "red"}).status_code == 422
    assert (
        client.put(
            f"/api/digests/{did}", json={"sections": [{"arena": "atlantis", "bullets": []}]}
        ).status_code
        == 422
    )

    for fmt, kind in (("md", "text/markdown"), ("html", "text/html"), ("json", "application/json")):
        r = client.get(f"/api/digests/{did}/render/{fmt}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
        assert "Weekly bulletin" in r.text
    assert (
        "script-src"
        not in client.get(f"/api/digests/{did}/render/html").headers["content-security-policy"]
    )

    r = client.post(f"/api/digests/{did}/publish")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert r.json()["published_by"] == "local" and r.json()["published_at"]
    assert client.post(f"/api/digests/{did}/publish").status_code == 409
    late = client.put(f"/api/digests/{did}", json={"title": "Too late"})
    assert late.status_code == 409 and "published" in detail(late)

    pdf = client.get(f"/api/digests/{did}/render/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("get", "/api/digests/999", None, 404),
        ("get", "/api/digests/abc", None, 422),
        ("get", "/api/digests/999/render/md", None, 404),
        ("get", "/api/digests/1/render/docx", None, 422),
        ("put", "/api/digests/999", {"title": "x"}, 404),
        ("post", "/api/digests/999/publish", None, 404),
        ("post", "/api/digests", {"from": "2019-08-07", "to": "2019-07-25"}, 422),
        ("post", "/api/digests", {"from": "2019-08-07"}, 422),
        ("post", "/api/digests", {"from": "yesterday", "to": "2019-08-07"}, 422),
        ("post", "/api/digests", {"from": "2010-01-01", "to": "2019-08-07"}, 422),
        ("get", "/api/digests?per_page=101", None, 422),
    ],
)
def test_digest_errors(
    client: TestClient, method: str, path: str, body: dict | None, status: int
) -> None:
    r = client.request(method.upper(), path, json=body)
    assert r.status_code == status, r.text
    assert detail(r)


# --- sources ----------------------------------------------------------------------------------


def test_sources_read_and_regrade(client: TestClient, fresh_home: Path) -> None:
    listed = client.get("/api/sources").json()
    assert {"tasnim", "anadolu"} <= {s["id"] for s in listed}
    tasnim = client.get("/api/sources/tasnim").json()
    assert tasnim["articles"] > 0 and tasnim["reliability"] in "ABCDEF"

    r = client.patch("/api/sources/tasnim", json={"reliability": "E", "grade_note": "Re-graded."})
    assert r.status_code == 200 and r.json()["reliability"] == "E"
    assert client.get("/api/sources/tasnim").json()["grade_note"] == "Re-graded."
    saved = yaml.safe_load((fresh_home / "sources.yaml").read_text(encoding="utf-8"))
    row = next(o for o in saved["outlets"] if o["id"] == "tasnim")
    assert row["reliability"] == "E" and row["grade_note"] == "Re-graded."
    # the file keeps its comments
    assert (fresh_home / "sources.yaml").read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("get", "/api/sources/nowhere", None, 404),
        ("patch", "/api/sources/nowhere", {"reliability": "A"}, 404),
        ("patch", "/api/sources/tasnim", {"reliability": "G"}, 422),
        ("patch", "/api/sources/tasnim", {"reliability": 3}, 422),
        ("patch", "/api/sources/tasnim", {}, 422),
        ("patch", "/api/sources/tasnim", {"name": "Other"}, 422),
    ],
)
def test_source_errors(
    client: TestClient, method: str, path: str, body: dict | None, status: int
) -> None:
    r = client.request(method.upper(), path, json=body)
    assert r.status_code == status and detail(r)


# --- corrections ------------------------------------------------------------------------------


def test_entity_merge_is_logged_and_reverted(client: TestClient) -> None:
    people = client.get("/api/entities", params={"type": "PERSON", "per_page": 100}).json()["items"]
    source = next(p["id"] for p in people if p["id"] != SOLEIMANI)
    r = client.post(
        "/api/corrections", json={"kind": "entity_merge", "source": source, "target": SOLEIMANI}
    )
    assert r.status_code == 201, r.text
    made = r.json()
    c = made["correction"]
    assert c["kind"] == "entity_merge" and c["author"] == "local" and c["created_at"]
    assert c["reverted_at"] is None and made["articles"] >= 1
    assert client.get(f"/api/entities/{source}").status_code == 404
    assert source in client.get(f"/api/entities/{SOLEIMANI}").json()["merged_from"]

    log = client.get("/api/corrections").json()
    assert log["total"] == 1 and log["items"][0]["id"] == c["id"] and log["items"][0]["summary"]

    r = client.post(f"/api/corrections/{c['id']}/revert")
    assert r.status_code == 200
    back = r.json()["correction"]
    assert back["reverted_at"] and back["reverted_by"] == "local"
    assert client.get("/api/corrections", params={"reverted": False}).json()["total"] == 0
    again = client.post(f"/api/corrections/{c['id']}/revert").json()
    assert "already" in again["note"]


def test_alias_and_story_corrections(client: TestClient) -> None:
    r = client.post(
        "/api/corrections",
        json={"kind": "entity_alias", "entity": SOLEIMANI, "alias": "Haj Qassem"},
    )
    assert r.status_code == 201 and r.json()["correction"]["kind"] == "entity_alias"

    stories = client.get("/api/stories", params={"per_page": 100}).json()["items"]
    big = next(s for s in stories if s["article_count"] >= 2)
    members = client.get(f"/api/stories/{big['id']}").json()["articles"]
    leaving = next(a["id"] for a in members[1:] if not a["reprint_of"])
    r = client.post(
        "/api/corrections", json={"kind": "story_split", "story": big["id"], "articles": [leaving]}
    )
    assert r.status_code == 201, r.text
    new_story = r.json()["note"]
    assert leaving in {a["id"] for a in client.get(f"/api/stories/{new_story}").json()["articles"]}

    r = client.post(
        "/api/corrections", json={"kind": "story_merge", "source": new_story, "target": big["id"]}
    )
    assert r.status_code == 201, r.text
    assert client.get(f"/api/stories/{new_story}").status_code in (400, 404)
    kinds = [c["kind"] for c in client.get("/api/corrections").json()["items"]]
    assert kinds == ["entity_alias", "story_split", "story_merge"]
    assert (
        client.post(
            f"/api/corrections/{client.get('/api/corrections').json()['items'][2]['id']}/revert"
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "body, status",
    [
        ({"kind": "entity_merge", "source": "person:nobody", "target": SOLEIMANI}, 404),
        ({"kind": "entity_merge", "source": SOLEIMANI, "target": SOLEIMANI}, 400),
        ({"kind": "entity_alias", "entity": SOLEIMANI, "alias": "!!!"}, 400),
        ({"kind": "story_merge", "source": "s-000000000000", "target": "s-000000000001"}, 404),
        ({"kind": "story_split", "story": "s-000000000000", "articles": []}, 422),
        ({"kind": "entity_rename", "entity": SOLEIMANI}, 422),
        ({"kind": "entity_merge", "source": SOLEIMANI}, 422),
        ({"kind": "entity_merge", "source": 5, "target": ["x"]}, 422),
    ],
)
def test_correction_errors(client: TestClient, body: dict, status: int) -> None:
    r = client.post("/api/corrections", json=body)
    assert r.status_code == status, r.text
    assert detail(r)


def test_revert_errors(client: TestClient) -> None:
    assert client.post("/api/corrections/999/revert").status_code == 404
    assert client.post("/api/corrections/abc/revert").status_code == 422
    assert client.get("/api/corrections", params={"per_page": 101}).status_code == 422


# --- schema and status ------------------------------------------------------------------------


def test_openapi_schema_is_typed(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/entities/{entity_id}",
        "/api/stories/{story_id}",
        "/api/events",
        "/api/digests/{digest_id}/render/{fmt}",
        "/api/sources/{source_id}",
        "/api/corrections/{correction_id}/revert",
    ):
        assert path in paths, path
    names = set(schema["components"]["schemas"])
    assert {"ArticleDetail", "EntityDetail", "StoryDetail", "DigestDetail", "SourceOut"} <= names


def test_status_counts(api: TestClient) -> None:
    body = api.get("/api/status").json()
    assert body["counts"]["articles"] == 57 and body["collecting_every"] is None


def test_unknown_route_is_json_404(api: TestClient) -> None:
    r = api.get("/api/nothing-here")
    assert r.status_code == 404 and detail(r)


def test_a_kept_search_answer_goes_stale_when_the_store_changes(empty_home: Path) -> None:
    from datetime import UTC, datetime

    from dragoman.pipeline import open_workspace
    from dragoman.records import Article

    def article(n: int) -> Article:
        return Article(
            id=f"c{n}",
            outlet_id="irna",
            url=f"https://example.org/c{n}",
            published=datetime(2019, 8, n, tzinfo=UTC),
            title=f"Zarifian note {n}",
            text=f"Zarifian wrote note {n} about the crossing.",
        )

    with open_workspace(empty_home) as ws:
        ws.store.add_article(article(1))
    with TestClient(create_app(empty_home)) as c:
        first = c.get("/api/articles", params={"q": "Zarifian"}).json()
        again = c.get("/api/articles", params={"q": "Zarifian"}).json()
        assert first == again and first["total"] == 1
        # another process (a collection run) adds a report: the next answer sees it
        with open_workspace(empty_home) as ws:
            ws.store.add_article(article(2))
        after = c.get("/api/articles", params={"q": "Zarifian"}).json()
        assert after["total"] == 2
