"""The HTML pages: what each shows on the demo workspace, refusals, forms and escaping."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from dragoman.pipeline import collect, open_workspace, process
from dragoman.records import Article
from dragoman.web import create_app
from dragoman.web.auth import add_user

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "web" / "pages" / "hostile.jsonl"
PWN = "window.__pwned"
SOLEIMANI = "qasem-soleimani"


def make_hostile_home(demo: Path, target: Path) -> Path:
    """A copy of the demo workspace with hostile reports collected and processed.

    Collection refuses ``javascript:`` addresses, so one such report is written straight into
    the store, as an older version or another tool might have left it.
    """
    home = Path(shutil.copytree(demo, target))
    with open_workspace(home) as ws:
        report = collect(ws, [HOSTILE])
        assert report.new == 2, report.errors
        ws.store.add_article(
            Article(
                id="evil-js",
                outlet_id="anadolu",
                url=f"javascript:{PWN}=1",
                published=datetime(2019, 8, 6, 11, tzinfo=UTC),
                title="Albu Kamal crossing <script>window.__pwned=1</script>",
                text="Qasem Soleimani toured Albu Kamal. <img src=x onerror=alert(1)>",
            )
        )
        process(ws)
    return home


@pytest.fixture(scope="session")
def hostile_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hostile_home(demo_home, tmp_path_factory.mktemp("web-hostile") / "ws")


@pytest.fixture(scope="module")
def site(demo_home: Path) -> Iterator[TestClient]:
    """A read-only look at the demo workspace (tests using it must not change it)."""
    with TestClient(create_app(demo_home)) as c:
        yield c


class Tags(HTMLParser):
    """Every start tag with its attributes, to find what a browser would run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def runs_nothing(page: str) -> None:
    """No script element, no event handler, no javascript: address, no foreign frame."""
    for tag, attrs in tags(page):
        assert tag not in ("script", "iframe", "object", "embed", "base"), (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not value.strip().lower().startswith(("javascript:", "data:")), (tag, value)


def first_hit(site: TestClient, query: str) -> str:
    found = site.get("/api/articles", params={"q": query}).json()["items"]
    return str(found[0]["id"])


# --- what each page shows ---------------------------------------------------------------------


def test_search_page_highlights_and_counts(site: TestClient) -> None:
    r = site.get("/", params={"q": '"Albu Kamal"'})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    total = site.get("/api/articles", params={"q": '"Albu Kamal"'}).json()["total"]
    assert f"{total} reports matching" in page
    assert page.count('class="hit"') == min(total, 20)
    assert "<mark>Albu Kamal</mark>" in page or "<mark>Albu</mark>" in page
    for facet in ("outlet", "arena", "entity", "day"):
        assert f'class="facet facet-{facet}"' in page
    # the outlet facet counts add up to the hits, and applying one narrows the list
    counts = re.findall(r'href="(/\?[^"]*outlet=[^"]+)"[^>]*>[^<]+</a> <span class="n">(\d+)', page)
    assert sum(int(n) for _, n in counts) == total
    href, n = counts[0]
    narrowed = site.get(href.replace("&amp;", "&")).text
    assert f"{n} report{'' if n == '1' else 's'} matching" in narrowed
    runs_nothing(page)


def test_search_pages_and_filters(site: TestClient) -> None:
    page = site.get("/").text
    assert "newest first" in page and 'rel="next"' in page
    second = site.get("/", params={"page": 2}).text
    assert "page 2 of" in second and 'rel="prev"' in second
    syria = site.get("/", params={"arena": "syria", "q": "Soleimani"}).text
    assert "arena: Iranian Involvement in Syria" in syria
    assert site.get("/", params={"arena": "mars"}).status_code == 404
    assert site.get("/", params={"from": "yesterday"}).status_code == 422
    assert site.get("/", params={"q": "***"}).status_code == 400
    assert site.get("/", params={"page": "0"}).status_code == 422


def test_article_page_links_its_entities(site: TestClient) -> None:
    aid = first_hit(site, '"Albu Kamal" Soleimani')
    api = site.get(f"/api/articles/{aid}").json()
    page = site.get(f"/articles/{aid}").text
    assert f'href="/entities/{SOLEIMANI}"' in page
    assert 'class="ent t-PERSON"' in page
    assert api["outlet"] in page and f"grade g-{api['outlet_reliability']}" in page
    assert f'href="/stories/{quote(api["story_id"], safe="")}"' in page


def test_entity_page_profile_timeline_network(site: TestClient) -> None:
    api = site.get(f"/api/entities/{SOLEIMANI}").json()
    page = site.get(f"/entities/{SOLEIMANI}").text
    assert "<h1>Qasem Soleimani</h1>" in page
    for alias in api["aliases"]:
        assert alias in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page
    assert page.count("<rect ") == len(api["timeline"])
    drawn = min(len(api["co_occurring"]), 16)
    assert page.count('<g class="node t-') == drawn
    top = api["co_occurring"][0]["entity"]
    assert f'href="/entities/{quote(top["id"], safe="")}"' in page
    for story in api["stories"]:
        assert f'/stories/{quote(story["id"], safe="")}"' in page
    assert 'id="merge-form"' in page and 'id="alias-form"' in page


def test_story_page_sets_reports_side_by_side(site: TestClient) -> None:
    aid = first_hit(site, '"Albu Kamal" Soleimani')
    sid = site.get(f"/api/articles/{aid}").json()["story_id"]
    story = site.get(f"/api/stories/{sid}").json()
    page = site.get(f"/stories/{quote(sid, safe='')}").text
    assert page.count('class="card report') == len(story["articles"])
    assert story["credibility_reason"] in page
    assert f"cred c-{story['credibility']}" in page
    for a in story["articles"]:
        assert f'<span class="grade g-{a["grade"]}"' in page
    assert 'name="articles"' in page and 'id="split-form"' in page


def test_map_page_draws_the_period_places(site: TestClient) -> None:
    page = site.get("/map", params={"from": "2019-07-25", "to": "2019-08-07"}).text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map"' in page
    assert 'href="/entities/albu-kamal"' in page
    assert page.count("<circle") >= 5
    empty = site.get("/map", params={"from": "2001-01-01", "to": "2001-01-02"}).text
    assert "<svg" not in empty and "No place with coordinates" in empty
    assert site.get("/map", params={"from": "2019-08-07", "to": "2019-07-25"}).status_code == 422
    assert site.get("/map").status_code == 200  # the latest fortnight of reports


def test_login_page_without_accounts(site: TestClient) -> None:
    page = site.get("/login").text
    assert "nobody needs to sign in" in page and 'name="password"' not in page


def test_unknown_ids_get_the_not_found_page(site: TestClient) -> None:
    for url in (
        "/articles/nope",
        "/entities/nope",
        "/stories/nope",
        "/digests/999",
        "/digests/abc",
        "/entities/" + "x" * 400,
    ):
        r = site.get(url)
        assert r.status_code == 404, url
        assert "<h1>Not found</h1>" in r.text and r.headers["content-type"].startswith("text/html")


# --- forms ------------------------------------------------------------------------------------


def test_forms_refuse_a_missing_csrf_token(client: TestClient) -> None:
    token = client.headers.pop("X-CSRF-Token")
    r = client.post(f"/entities/{SOLEIMANI}/alias", data={"alias": "Haj Qasem"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(f"/entities/{SOLEIMANI}/alias", data={"alias": "X", "csrf_token": "forged"})
    assert r.status_code == 403
    r = client.post("/digests/new", data={"from": "2019-07-25", "to": "2019-08-07"})
    assert r.status_code == 403
    r = client.post(
        f"/entities/{SOLEIMANI}/alias",
        data={"alias": "Haj Qasem", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Haj Qasem" in client.get(f"/entities/{SOLEIMANI}").text


def test_merge_form_merges_and_the_page_shows_it(client: TestClient) -> None:
    token = client.cookies["dragoman_csrf"]
    r = client.post(
        f"/entities/{SOLEIMANI}/merge",
        data={"source": "nope", "csrf_token": token},
    )
    assert r.status_code == 404 and "nope" in r.text
    other = next(
        e["id"]
        for e in client.get("/api/entities", params={"type": "PERSON"}).json()["items"]
        if e["id"] != SOLEIMANI
    )
    r = client.post(
        f"/entities/{SOLEIMANI}/merge",
        data={"source": other, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=merged")
    page = client.get(r.headers["location"]).text
    assert "merged into this one" in page
    assert re.search(r'id="merged-from".*' + re.escape(other), page)
    assert client.get(f"/entities/{quote(other, safe='')}").status_code in (400, 404)


def test_story_split_and_merge_forms(client: TestClient) -> None:
    token = client.cookies["dragoman_csrf"]
    aid = first_hit(client, '"Albu Kamal" Soleimani')
    sid = client.get(f"/api/articles/{aid}").json()["story_id"]
    story = client.get(f"/api/stories/{sid}").json()
    moved = next(a["id"] for a in story["articles"] if a["id"] != aid and not a["reprint_of"])
    r = client.post(
        f"/stories/{quote(sid, safe='')}/split",
        data={"articles": [moved], "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    new = client.get(f"/api/articles/{moved}").json()["story_id"]
    assert new != sid
    r = client.post(
        f"/stories/{quote(sid, safe='')}/merge",
        data={"source": new, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get(f"/api/articles/{moved}").json()["story_id"] == sid
    r = client.post(f"/stories/{quote(sid, safe='')}/split", data={"csrf_token": token})
    assert r.status_code == 422


def bullets(page: str) -> list[str]:
    return re.findall(r'<div class="bullet" id="b-([^"]+)"', page)


def test_digest_editor_reorders_drops_rewords_and_publishes(client: TestClient) -> None:
    token = client.cookies["dragoman_csrf"]
    assert 'href="/digests/new"' in client.get("/digests").text
    assert 'id="new-digest"' in client.get("/digests/new").text
    r = client.post(
        "/digests/new",
        data={"from": "2019-07-25", "to": "2019-08-07", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    url = r.headers["location"].split("?")[0]
    number = int(url.rsplit("/", 1)[1])
    page = client.get(url).text
    assert 'id="publish-form"' in page and "draft" in page
    for fmt in ("md", "html", "json", "pdf"):
        assert f'href="/api/digests/{number}/render/{fmt}"' in page
    before = client.get(f"/api/digests/{number}").json()["digest"]["overview"]
    first, second = before[0], before[1]

    def edit(**fields: str) -> int:
        answer = client.post(
            f"{url}/edit", data={"csrf_token": token, **fields}, follow_redirects=False
        )
        return answer.status_code

    assert edit(op="down", part="overview", index="0", anchor=first["anchor"]) == 303
    after = client.get(f"/api/digests/{number}").json()["digest"]["overview"]
    assert [b["anchor"] for b in after[:2]] == [second["anchor"], first["anchor"]]
    assert edit(op="up", part="overview", index="1", anchor=first["anchor"]) == 303
    assert edit(op="text", part="overview", index="0", anchor=first["anchor"], text="New words.")
    reworded = client.get(f"/api/digests/{number}").json()["digest"]["overview"][0]
    assert reworded["text"] == "New words." and reworded["citations"] == first["citations"]
    assert edit(op="drop", part="overview", index="1", anchor=second["anchor"]) == 303
    kept = client.get(f"/api/digests/{number}").json()["digest"]
    assert second["anchor"] not in [b["anchor"] for b in kept["overview"]]
    section = kept["sections"][0]
    if len(section["bullets"]) > 1:
        b0 = section["bullets"][0]
        part = f"section:{section['arena']}"
        assert edit(op="down", part=part, index="0", anchor=b0["anchor"]) == 303
        moved = client.get(f"/api/digests/{number}").json()["digest"]["sections"][0]["bullets"]
        assert moved[1]["anchor"] == b0["anchor"] and moved[1]["citations"] == b0["citations"]
    # a stale form (the bullet has moved meanwhile) is refused rather than applied elsewhere
    assert edit(op="drop", part="overview", index="0", anchor=second["anchor"]) == 409
    assert edit(op="text", part="overview", index="0", anchor=first["anchor"], text=" ") == 422
    assert edit(op="sideways", part="overview", index="0", anchor=first["anchor"]) == 422
    assert edit(op="title", title="Week 31 bulletin") == 303
    assert "Week 31 bulletin" in client.get(url).text
    r = client.post(f"{url}/publish", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(url).text
    assert "published" in page and 'id="publish-form"' not in page and "<textarea" not in page
    assert edit(op="title", title="Too late") == 409
    pdf = client.get(f"/api/digests/{number}/render/pdf")
    assert pdf.content.startswith(b"%PDF")


def test_bad_digest_period_is_refused(client: TestClient) -> None:
    token = client.cookies["dragoman_csrf"]
    for period in (
        ("2019-08-07", "2019-07-25"),
        ("soon", "2019-07-25"),
        ("2019-01-01", "2021-01-01"),
    ):
        r = client.post(
            "/digests/new", data={"from": period[0], "to": period[1], "csrf_token": token}
        )
        assert r.status_code == 422, period
        assert "<h1>" in r.text


# --- accounts ---------------------------------------------------------------------------------


@pytest.fixture()
def accounts(fresh_home: Path) -> Iterator[TestClient]:
    with open_workspace(fresh_home) as ws:
        add_user(ws, "rita", "reader", "reader-password")
        add_user(ws, "ali", "analyst", "analyst-password")
    with TestClient(create_app(fresh_home)) as c:
        yield c


def sign_in(c: TestClient, name: str, password: str, next_page: str = "/") -> int:
    c.get("/login")
    r = c.post(
        "/login",
        data={
            "username": name,
            "password": password,
            "next": next_page,
            "csrf_token": c.cookies["dragoman_csrf"],
        },
        follow_redirects=False,
    )
    return r.status_code


def test_pages_ask_for_a_login_when_accounts_exist(accounts: TestClient) -> None:
    r = accounts.get(f"/entities/{SOLEIMANI}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next=%2Fentities%2F{SOLEIMANI}"
    login = accounts.get(r.headers["location"]).text
    assert 'name="password"' in login and f'value="/entities/{SOLEIMANI}"' in login
    assert sign_in(accounts, "ali", "wrong") == 401
    assert sign_in(accounts, "ali", "analyst-password", "//evil.example/") == 303
    page = accounts.get(f"/entities/{SOLEIMANI}").text
    assert "ali · analyst" in page and 'action="/logout"' in page and 'id="merge-form"' in page
    r = accounts.post(
        "/logout", data={"csrf_token": accounts.cookies["dragoman_csrf"]}, follow_redirects=False
    )
    assert r.status_code == 303
    assert accounts.get("/", follow_redirects=False).status_code == 303


def test_a_reader_sees_no_forms_and_cannot_post(accounts: TestClient) -> None:
    assert sign_in(accounts, "rita", "reader-password") == 303
    page = accounts.get(f"/entities/{SOLEIMANI}").text
    assert "rita · reader" in page and "<h1>Qasem Soleimani</h1>" in page
    assert 'method="post" action="/entities' not in page
    assert 'href="/digests/new"' not in accounts.get("/digests").text
    assert accounts.get("/digests/new").status_code == 403
    token = accounts.cookies["dragoman_csrf"]
    for url, data in (
        (f"/entities/{SOLEIMANI}/alias", {"alias": "Haj Qasem"}),
        (f"/entities/{SOLEIMANI}/merge", {"source": "tehran"}),
        ("/digests/new", {"from": "2019-07-25", "to": "2019-08-07"}),
    ):
        r = accounts.post(url, data={**data, "csrf_token": token})
        assert r.status_code == 403 and "reader" in r.text, url
    assert "Haj Qasem" not in accounts.get(f"/entities/{SOLEIMANI}").text


# --- hostile text -----------------------------------------------------------------------------


def test_hostile_reports_are_escaped_everywhere(hostile_home: Path) -> None:
    with TestClient(create_app(hostile_home)) as c:
        search = c.get("/", params={"q": "Albu Kamal"}).text
        runs_nothing(search)
        assert "&lt;script&gt;" in search  # shown as text, not dropped
        ids = ["evil-js"]
        ids += [h["id"] for h in c.get("/api/articles", params={"q": "pwned"}).json()["items"]]
        assert len(set(ids)) >= 3
        pages = [search, c.get("/", params={"q": "pwned"}).text]
        for aid in ids:
            article = c.get(f"/api/articles/{aid}").json()
            pages.append(c.get(f"/articles/{aid}").text)
            if article["story_id"]:
                pages.append(c.get(f"/stories/{quote(article['story_id'], safe='')}").text)
        pages.append(c.get(f"/entities/{SOLEIMANI}").text)
        pages.append(c.get("/map", params={"from": "2019-08-01", "to": "2019-08-07"}).text)
        token = c.get("/api/me").json()["csrf_token"]
        made = c.post(
            "/api/digests",
            json={"from": "2019-08-05", "to": "2019-08-07", "title": "<script>x()</script>"},
            headers={"X-CSRF-Token": token},
        ).json()
        pages.append(c.get(f"/digests/{made['id']}").text)
        pages.append(c.get("/digests").text)
        for page in pages:
            runs_nothing(page)
        evil = c.get("/articles/evil-js").text
        assert "javascript:" not in evil.split("<main>")[1].split('class="card text"')[0]
        assert "&lt;img src=x onerror=alert(1)&gt;" in evil
        # a hostile value in the address bar comes back escaped too
        r = c.get("/", params={"q": '"><script>alert(1)</script>', "entity": "<b>x</b>"})
        assert r.status_code == 404 and "<b>x</b>" not in r.text
        runs_nothing(r.text)
