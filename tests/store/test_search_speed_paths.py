"""The fast paths of article search: capped counts, the rank window, filters, bulk import.

Each fast path must give the answers a plain, slow query would; these tests compare them
on a small store whose articles are made here, some collected out of date order.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dragoman.errors import ItemError
from dragoman.pipeline import DB_NAME, init_workspace
from dragoman.records import Annotated, Article, Entity, Mention, Story
from dragoman.store import sqlite as store_module
from dragoman.store.sqlite import MARK_END, MARK_START, Store
from dragoman.web import create_app

OUTLETS = ("tasnim", "mehr", "sana")
START = datetime(2019, 8, 1, 6, tzinfo=UTC)
N = 60


def _article(i: int) -> Article:
    # Every article says "convoy"; one in three also "Albu Kamal"; one in five is about
    # a "pipeline" in its title. Articles 40-59 are collected after the others but
    # published before them, so collection order and publication order disagree.
    day = START + timedelta(hours=6 * i) if i < 40 else START - timedelta(hours=6 * (i - 39))
    words = ["A convoy crossed the border near the river."]
    if i % 3 == 0:
        words.append("Residents of Albu Kamal reported the movement.")
    if i % 7 == 0:
        words.append("The convoy, a long convoy, carried fuel.")
    return Article(
        id=f"art-{i:03d}",
        outlet_id=OUTLETS[i % 3],
        url=f"https://example.org/{i}",
        published=day,
        title=("Pipeline works resume" if i % 5 == 0 else f"Report number {i}"),
        text=" ".join(words),
    )


ARTICLES = [_article(i) for i in range(N)]


@pytest.fixture()
def store() -> Store:
    s = Store.memory()
    assert s.add_articles(ARTICLES) == N
    # art-000 .. art-009 name one entity; a story holds art-010 .. art-014.
    for a in ARTICLES[:10]:
        s.save_annotations(
            Annotated(
                article=a,
                mentions=(Mention(a.id, 0, 5, "Albu Kamal", "LOC", "loc:albu-kamal"),),
                entities=(Entity("loc:albu-kamal", "LOC", "Albu Kamal"),),
            )
        )
    s.save_story(Story(id="s-1", article_ids=tuple(a.id for a in ARTICLES[10:15])))
    s.optimize_search()
    return s


def _ids(store: Store, query: str = "", **kw: object) -> list[str]:
    hits, _ = store.search_articles(query, limit=1000, **kw)  # type: ignore[arg-type]
    return [a.id for a, _, _ in hits]


# --- counts -------------------------------------------------------------------------------


def test_count_limit_caps_the_total_and_exact_count_without_it(store: Store) -> None:
    _, exact = store.search_articles("convoy")
    assert exact == N
    hits, capped = store.search_articles("convoy", count_limit=25)
    assert capped == 26  # "more than 25"
    assert len(hits) == 20
    _, small = store.search_articles("pipeline", count_limit=25)
    assert small == N // 5  # fewer than the limit: exact
    _, browse = store.search_articles("", count_limit=10)
    assert browse == 11
    _, browse_outlet = store.search_articles("", outlet_id="tasnim", count_limit=100)
    assert browse_outlet == N // 3


def test_capped_count_does_not_hide_deeper_pages(store: Store) -> None:
    first, _ = store.search_articles("convoy", limit=10, offset=0, count_limit=5)
    deep, total = store.search_articles("convoy", limit=10, offset=30, count_limit=5)
    assert total == 6 and len(deep) == 10
    assert not {a.id for a, _, _ in first} & {a.id for a, _, _ in deep}


# --- ranking ------------------------------------------------------------------------------


def test_pages_follow_the_ranking_without_gaps_or_repeats(store: Store) -> None:
    everything = _ids(store, "convoy")
    assert sorted(everything) == sorted(a.id for a in ARTICLES)
    pages = [
        [a.id for a, _, _ in store.search_articles("convoy", limit=7, offset=o)[0]]
        for o in range(0, N, 7)
    ]
    assert [i for page in pages for i in page] == everything
    # the articles saying "convoy" three times come first
    assert set(everything[: len(range(0, N, 7))]) == {f"art-{i:03d}" for i in range(0, N, 7)}


def test_title_words_weigh_more_and_scores_fall(store: Store) -> None:
    hits, _ = store.search_articles("pipeline OR river", limit=N)
    scores = [score for _, score, _ in hits]
    assert scores == sorted(scores, reverse=True)
    assert {a.id for a, _, _ in hits[: N // 5]} == {f"art-{i:03d}" for i in range(0, N, 5)}


def test_rank_window_ranks_among_the_newest_collected(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "RANK_WINDOW", 12)
    hits, total = store.search_articles("convoy", limit=5)
    assert total == N  # the count is still exact without a limit
    # only the last 12 collected articles (art-048 .. art-059) were ranked
    window = {f"art-{i:03d}" for i in range(48, 60)}
    assert {a.id for a, _, _ in hits} <= window
    # the two of them saying "convoy" three times, equal scores in collection order
    assert [a.id for a, _, _ in hits[:2]] == ["art-049", "art-056"]
    # a page deeper than the window widens it instead of coming back empty
    deep, _ = store.search_articles("convoy", limit=5, offset=20)
    assert len(deep) == 5


def test_snippets_mark_the_words_of_phrases_and_prefixes(store: Store) -> None:
    hits, _ = store.search_articles('"Albu Kamal"', limit=3)
    assert hits and all(f"{MARK_START}Albu Kamal{MARK_END}" in snip for _, _, snip in hits)
    hits, _ = store.search_articles("conv*", limit=3)
    assert hits and all(f"{MARK_START}convoy{MARK_END}" in snip for _, _, snip in hits)
    hits, total = store.search_articles("pipel*", limit=N)
    assert total == N // 5 and all(a.title.startswith("Pipeline") for a, _, _ in hits)


# --- filters ------------------------------------------------------------------------------


def _expected(
    words: str | None,
    outlet: str | None = None,
    start: date | None = None,
    end: date | None = None,
    ids: set[str] | None = None,
) -> set[str]:
    out = set()
    for a in ARTICLES:
        assert a.published is not None
        if words and words.lower() not in (a.title + " " + a.text).lower():
            continue
        if outlet and a.outlet_id != outlet:
            continue
        if start and a.published.date() < start:
            continue
        if end and a.published.date() > end:
            continue
        if ids is not None and a.id not in ids:
            continue
        out.add(a.id)
    return out


@pytest.mark.parametrize("seq_scan", [40_000, 0])  # short period by key range, or not
@pytest.mark.parametrize(
    "filters",
    [
        {"outlet_id": "mehr"},
        {"start": date(2019, 8, 3)},
        {"end": date(2019, 7, 30)},
        {"start": date(2019, 7, 28), "end": date(2019, 8, 4)},
        {"outlet_id": "sana", "start": date(2019, 7, 25), "end": date(2019, 8, 5)},
    ],
)
def test_filtered_search_matches_a_plain_filter(
    store: Store, monkeypatch: pytest.MonkeyPatch, filters: dict, seq_scan: int
) -> None:
    monkeypatch.setattr(store_module, "SEQ_RANGE_SCAN", seq_scan)
    for words in ("convoy", "Albu Kamal", "pipeline"):
        query = f'"{words}"'
        want = _expected(words, filters.get("outlet_id"), filters.get("start"), filters.get("end"))
        assert set(_ids(store, query, **filters)) == want, (words, filters)
        _, total = store.search_articles(query, **filters)
        assert total == len(want)


def test_entity_and_story_filters_with_and_without_words(store: Store) -> None:
    named = {f"art-{i:03d}" for i in range(10)}
    assert set(_ids(store, entity_id="loc:albu-kamal")) == named
    assert set(_ids(store, "pipeline", entity_id="loc:albu-kamal")) == {"art-000", "art-005"}
    assert set(_ids(store, "convoy", story_id="s-1")) == {f"art-{i:03d}" for i in range(10, 15)}
    assert _ids(store, "pipeline", story_id="s-1") == ["art-010"]
    assert _ids(store, "convoy", entity_id="loc:nowhere") == []


def test_browsing_is_newest_first_with_undated_last(store: Store) -> None:
    store.add_article(
        Article(id="undated", outlet_id="mehr", url="", published=None, title="t", text="convoy")
    )
    ids = _ids(store)
    by_date = sorted(ARTICLES, key=lambda a: (-a.published.timestamp(), a.id))  # type: ignore[union-attr]
    assert ids == [a.id for a in by_date] + ["undated"]
    hits, _ = store.search_articles("", limit=3, offset=2)
    assert [a.id for a, _, _ in hits] == ids[2:5]
    assert all(snip == a.text[:240] for a, _, snip in hits)


def test_filter_indexes_serve_the_entity_filter(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db"):
        pass
    conn = sqlite3.connect(tmp_path / "s.db")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"mentions_entity_article", "article_entities_entity_article"} <= names
    assert not {"mentions_entity", "article_entities_entity"} & names
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT article_id FROM mentions WHERE entity_id = ? "
            "UNION SELECT article_id FROM article_entities WHERE entity_id = ?",
            ("x", "x"),
        )
    )
    assert plan.count("COVERING INDEX") == 2


# --- bulk import --------------------------------------------------------------------------


def test_add_articles_skips_known_ones_and_refuses_a_batch_with_a_nameless_one() -> None:
    s = Store.memory()
    assert s.add_articles(ARTICLES[:5]) == 5
    assert s.add_articles(ARTICLES[3:8]) == 3  # two already stored
    nameless = Article(
        id="", outlet_id="mehr", url="https://example.org/x", published=None, title="t", text="x"
    )
    with pytest.raises(ItemError, match="has no id"):
        s.add_articles([ARTICLES[20], nameless])
    assert not s.has_article(ARTICLES[20].id)  # nothing of the refused batch was stored
    assert s.add_articles([]) == 0
    assert _ids(s, "convoy") and len(_ids(s, "convoy")) == 8


# --- the API ------------------------------------------------------------------------------


@pytest.fixture()
def api(tmp_path: Path) -> TestClient:
    home = init_workspace(tmp_path / "ws")
    with Store(home / DB_NAME) as s:
        s.add_articles(ARTICLES)
    return TestClient(create_app(home))


def test_api_reports_whether_the_total_is_exact(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dragoman.web import api as api_module

    body = api.get("/api/articles", params={"q": "convoy"}).json()
    assert body["total"] == N and body["total_exact"] is True
    monkeypatch.setattr(api_module, "COUNT_LIMIT", 25)
    body = api.get("/api/articles", params={"q": "convoy", "page": 3}).json()
    assert body["total"] == 25 and body["total_exact"] is False and len(body["items"]) == 20
    body = api.get("/api/articles", params={"outlet": "tasnim"}).json()
    assert body["total"] == N // 3 and body["total_exact"] is True


@pytest.mark.parametrize("query", ['"', "***", " - ", "NOT", "OR AND", "()", "NOT convoy"])
def test_api_malformed_queries_are_still_400(api: TestClient, query: str) -> None:
    r = api.get("/api/articles", params={"q": query})
    assert r.status_code == 400, (query, r.text)
    assert "no words or numbers" in r.json()["detail"]


@pytest.mark.parametrize("query", ['convoy"', "river NOT convoy", "convoy NOT", 'a "b', "kamal*"])
def test_api_odd_but_searchable_queries_answer(api: TestClient, query: str) -> None:
    r = api.get("/api/articles", params={"q": query, "from": "2019-07-20", "outlet": "mehr"})
    assert r.status_code == 200, (query, r.text)
