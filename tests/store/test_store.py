"""Tests for the SQLite store: round trips, idempotence, search, stories, corrections."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest

from dragoman.errors import ItemError, StoreError
from dragoman.records import (
    Annotated,
    Article,
    DateMention,
    Entity,
    Event,
    EventArg,
    Feed,
    Mention,
    Outlet,
    Place,
    Sentence,
    Story,
)
from dragoman.store import Store
from dragoman.store.sqlite import fts_query

T = TypeVar("T")
DATA = Path(__file__).parent.parent / "data" / "store" / "articles.jsonl"


def must(value: T | None) -> T:
    assert value is not None
    return value


def load_articles() -> list[Article]:
    return [Article.from_dict(json.loads(line)) for line in DATA.read_text("utf-8").splitlines()]


@pytest.fixture()
def store() -> Iterator[Store]:
    s = Store.memory()
    yield s
    s.close()


@pytest.fixture()
def filled(store: Store) -> Store:
    for article in load_articles():
        assert store.add_article(article)
    return store


def annotated_for(article: Article) -> Annotated:
    """A hand-made annotation of the Anadolu fixture article."""
    aid = article.id
    text = article.text
    s_start = text.index("Qasem")
    place = Place("Abu Kamal", 34.45, 40.92, "SY", "P", 170017, "exact")
    soleimani = Entity(
        "Q-soleimani",
        "PERSON",
        "Qasem Soleimani",
        aliases=("Qassem Suleimani",),
        attributes={
            "roles": [{"title": "Commander", "organization": "Qods Force"}],
            "country": "IR",
        },
    )
    crossing = Entity("G-albu-kamal", "LOC", "Albu Kamal", place=place)
    return Annotated(
        article=article,
        sentences=(Sentence(aid, 0, len(text), text),),
        mentions=(
            Mention(aid, s_start, s_start + 15, "Qasem Soleimani", "PERSON", "Q-soleimani", 0.93),
            Mention(
                aid,
                text.index("Albu"),
                text.index("Albu") + 10,
                "Albu Kamal",
                "LOC",
                "G-albu-kamal",
                1.0,
                "dictionary",
            ),
            Mention(aid, 4, 14, "Qods Force", "ROLE", None, 0.7, "pattern", role="Commander"),
        ),
        entities=(soleimani, crossing),
        dates=(
            DateMention(aid, 0, 7, "July 25", date(2019, 7, 25)),
            DateMention(aid, 8, 12, "soon", None),
        ),
        events=(
            Event(
                aid,
                0,
                len(text),
                "CONSULT",
                cameo="040",
                mode="asserted",
                actors=(EventArg("Qasem Soleimani", "Q-soleimani", "IR"),),
                targets=(EventArg("militia commanders"),),
                place="G-albu-kamal",
                date=date(2019, 7, 25),
                reported_by="anadolu",
                trigger="met",
            ),
        ),
    )


# --- connection ------------------------------------------------------------------------------


def test_file_store_uses_wal_foreign_keys_and_creates_folder(tmp_path: Path) -> None:
    path = tmp_path / "ws" / "nested" / "dragoman.db"
    with Store(path) as s:
        assert path.exists()
        assert s.path == path
        assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s._conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        s.add_article(load_articles()[0])
    with Store(str(path)) as again:
        assert again.has_article("a-anadolu-0727")
        assert again.migrate() == []


def test_closed_store_cannot_be_used(tmp_path: Path) -> None:
    s = Store(tmp_path / "x.db")
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.counts()


# --- outlets -----------------------------------------------------------------------------------


def test_outlets_round_trip_and_upsert(store: Store) -> None:
    anadolu = Outlet(
        "anadolu",
        "the Turkish Anadolu Agency",
        ("Anadolu", "AA"),
        "TR",
        "en",
        "state",
        "B",
        (Feed("https://example.org/aa.rss"), Feed("https://example.org/aa", "html")),
        owner="TR-state",
        kind="agency",
        domains=("aa.com.tr",),
    )
    tasnim = Outlet("tasnim", "Tasnim", country="IR", reliability="C")
    store.upsert_outlets([anadolu, tasnim])
    assert store.outlets() == {"anadolu": anadolu, "tasnim": tasnim}
    renamed = tasnim.replace(name="Tasnim News Agency", reliability="D")
    store.upsert_outlets(iter([renamed]))
    assert store.outlets()["tasnim"] == renamed
    assert store.counts()["outlets"] == 2


# --- articles ------------------------------------------------------------------------------------


def test_article_round_trip_every_field(store: Store) -> None:
    article = Article(
        "x1",
        "fars",
        "https://example.org/x1",
        datetime(2019, 8, 5, 15, 0, 0, 123456, tzinfo=UTC),
        "Title with “quotes”",
        "Body — with dashes and Arabic الحشد",
        "en",
        datetime(2019, 8, 5, 16, tzinfo=UTC),
        None,
        "hash-x1",
        "A. Writer",
        "feeds/fars.xml",
    )
    assert store.add_article(article)
    assert must(store.get_article("x1")) == article
    assert store.get_article("missing") is None


def test_times_are_stored_as_utc(store: Store) -> None:
    tehran = timezone(timedelta(hours=4, minutes=30))
    local = Article("t1", "o", "u", datetime(2019, 8, 1, 10, 0, tzinfo=tehran), "t", "x")
    naive = Article("t2", "o", "u2", datetime(2019, 8, 1, 6, 0), "t", "y")
    store.add_article(local)
    store.add_article(naive)
    got = must(store.get_article("t1"))
    assert got == local  # same instant
    published = must(got.published)
    assert published.tzinfo == UTC and (published.hour, published.minute) == (5, 30)
    # A naive time is taken as UTC.
    assert must(store.get_article("t2")).published == datetime(2019, 8, 1, 6, 0, tzinfo=UTC)
    raw = store._conn.execute("SELECT published FROM articles WHERE id='t1'").fetchone()[0]
    assert raw == "2019-08-01T05:30:00.000000+00:00"
    assert [a.id for a in store.articles()] == ["t1", "t2"]


def test_add_is_idempotent_by_id_and_by_hash(filled: Store) -> None:
    original = load_articles()[0]
    assert not filled.add_article(original)
    assert not filled.add_article(original.replace(title="changed title", content_hash="other"))
    assert must(filled.get_article(original.id)).title == original.title
    reprint = original.replace(id="other-id", url="https://elsewhere.example/x")
    assert not filled.add_article(reprint)
    assert not filled.has_article("other-id")
    assert filled.find_by_hash("h-anadolu-0727") == original.id
    assert filled.find_by_hash("nope") is None
    assert filled.find_by_hash("") is None
    assert filled.counts()["articles"] == 5


def test_the_same_text_from_another_outlet_is_a_reprint_to_store(filled: Store) -> None:
    original = load_articles()[0]
    reprint = original.replace(id="reprint-id", outlet_id="daily-sabah", duplicate_of=original.id)
    assert filled.add_article(reprint)
    assert must(filled.get_article("reprint-id")).duplicate_of == original.id
    assert filled.find_by_hash(original.content_hash) == original.id
    assert filled.find_by_hash(original.content_hash, "daily-sabah") == "reprint-id"
    assert not filled.add_article(reprint.replace(id="again", url="https://x.example/again"))


def test_empty_hashes_do_not_collide(store: Store) -> None:
    assert store.add_article(Article("e1", "o", "u1", None, "one", "first"))
    assert store.add_article(Article("e2", "o", "u2", None, "two", "second"))
    assert store.counts()["articles"] == 2


def test_article_without_id_is_an_item_error(store: Store) -> None:
    with pytest.raises(ItemError, match="has no id"):
        store.add_article(Article("", "o", "https://example.org/no-id", None, "t", "x"))


def test_articles_ordering_and_filters(filled: Store) -> None:
    filled.add_article(Article("undated", "mehr", "u", None, "undated", "no date"))
    assert [a.id for a in filled.articles()] == [
        "a-anadolu-0727",
        "a-tasnim-0804",
        "a-fars-0805",
        "a-mehr-0806",
        "a-deirezzor-0806",
        "undated",
    ]
    window = filled.articles(datetime(2019, 8, 4, tzinfo=UTC), datetime(2019, 8, 5, 23, tzinfo=UTC))
    assert [a.id for a in window] == ["a-tasnim-0804", "a-fars-0805"]
    # Bounds are inclusive; a bare date as end covers the whole day.
    exact = filled.articles(start=datetime(2019, 8, 6, 12, tzinfo=UTC))
    assert [a.id for a in exact] == ["a-deirezzor-0806"]
    assert [a.id for a in filled.articles(end=date(2019, 8, 6), start=date(2019, 8, 6))] == [
        "a-mehr-0806",
        "a-deirezzor-0806",
    ]
    assert [a.id for a in filled.articles(outlet_id="mehr")] == ["a-mehr-0806", "undated"]
    picked = filled.articles(ids=(i for i in ["a-fars-0805", "a-anadolu-0727", "missing"]))
    assert [a.id for a in picked] == ["a-anadolu-0727", "a-fars-0805"]
    assert filled.articles(ids=[]) == []


def test_duplicates(filled: Store) -> None:
    filled.set_duplicate("a-deirezzor-0806", "a-anadolu-0727")
    assert must(filled.get_article("a-deirezzor-0806")).duplicate_of == "a-anadolu-0727"
    assert filled.counts()["duplicates"] == 1
    filled.set_duplicate("a-deirezzor-0806", None)
    assert must(filled.get_article("a-deirezzor-0806")).duplicate_of is None
    with pytest.raises(ItemError, match="missing-article: no such article"):
        filled.set_duplicate("missing-article", "a-anadolu-0727")
    with pytest.raises(ItemError, match="gone"):
        filled.set_duplicate("a-fars-0805", "gone")
    with pytest.raises(ItemError, match="itself"):
        filled.set_duplicate("a-fars-0805", "a-fars-0805")
    assert filled.counts()["duplicates"] == 0


# --- annotations ---------------------------------------------------------------------------------


def test_annotations_round_trip_and_processed_flag(filled: Store) -> None:
    article = must(filled.get_article("a-anadolu-0727"))
    assert article in filled.unprocessed_articles()
    assert filled.annotations(article.id) is None
    ann = annotated_for(article)
    filled.save_annotations(ann)
    assert filled.annotations(article.id) == ann
    assert [a.id for a in filled.unprocessed_articles()] == [
        "a-tasnim-0804",
        "a-fars-0805",
        "a-mehr-0806",
        "a-deirezzor-0806",
    ]
    assert filled.entity("Q-soleimani") == ann.entities[0]
    assert must(filled.entity("G-albu-kamal")).place == ann.entities[1].place
    assert filled.entity("nobody") is None
    assert [e.id for e in filled.entities()] == ["G-albu-kamal", "Q-soleimani"]
    assert filled.entities(type="PERSON") == [ann.entities[0]]
    counts = filled.counts()
    assert (counts["processed"], counts["entities"], counts["mentions"], counts["events"]) == (
        1,
        2,
        3,
        1,
    )
    assert filled.annotations("missing") is None


def test_saving_again_replaces_and_upserts(filled: Store) -> None:
    first = must(filled.get_article("a-anadolu-0727"))
    filled.save_annotations(annotated_for(first))
    renamed = Entity("Q-soleimani", "PERSON", "Qassem Soleimani", ("Soleimani",))
    second = Annotated(
        first,
        sentences=(Sentence(first.id, 0, 10, first.text[:10]),),
        mentions=(Mention(first.id, 0, 9, "Soleimani", "PERSON", "Q-soleimani"),),
        entities=(renamed,),
    )
    before = must(filled.entity("Q-soleimani"))
    filled.save_annotations(second)
    stored = must(filled.annotations(first.id))
    assert (stored.sentences, stored.mentions, stored.events) == (
        second.sentences,
        second.mentions,
        (),
    )
    # the entity takes the new name and keeps what the store knew: aliases, attributes
    merged = must(filled.entity("Q-soleimani"))
    assert merged.name == "Qassem Soleimani"
    assert merged.aliases == tuple(dict.fromkeys((*before.aliases, "Soleimani")))
    assert merged.attributes == before.attributes
    # The other entity stays, though this article no longer carries it.
    assert filled.entity("G-albu-kamal") is not None
    assert filled.counts()["mentions"] == 1 and filled.counts()["events"] == 0


def test_processing_the_archive_again_writes_entities_afresh(filled: Store) -> None:
    first = must(filled.get_article("a-anadolu-0727"))
    filled.save_annotations(annotated_for(first))
    plain = Entity("Q-soleimani", "PERSON", "Qassem Soleimani", ("Soleimani",))
    again = Annotated(first, entities=(plain,))
    rebuilt: set[str] = set()
    filled.save_annotations(again, rebuilt)
    assert filled.entity("Q-soleimani") == plain and rebuilt == {"Q-soleimani"}
    # within the same run a second article adds to the fresh record
    other = must(filled.get_article("a-tasnim-0804"))
    filled.save_annotations(
        Annotated(
            other, entities=(Entity("Q-soleimani", "PERSON", "Qassem Soleimani", ("Haj Qasem",)),)
        ),
        rebuilt,
    )
    assert must(filled.entity("Q-soleimani")).aliases == ("Soleimani", "Haj Qasem")


def test_mentions_of_across_articles(filled: Store) -> None:
    a = must(filled.get_article("a-anadolu-0727"))
    t = must(filled.get_article("a-tasnim-0804"))
    filled.save_annotations(annotated_for(a))
    later = Mention(t.id, 20, 29, "Soleimani", "PERSON", "Q-soleimani")
    filled.save_annotations(Annotated(t, mentions=(later,)))
    found = filled.mentions_of("Q-soleimani")
    assert [(m.article_id, m.text) for m in found] == [
        (a.id, "Qasem Soleimani"),
        (t.id, "Soleimani"),
    ]
    assert filled.mentions_of("nobody") == []


def test_failed_annotation_write_keeps_previous(filled: Store) -> None:
    article = must(filled.get_article("a-anadolu-0727"))
    good = annotated_for(article)
    filled.save_annotations(good)
    bad = good.replace(entities=(Entity("E-bad", "ORG", "Bad", attributes={"x": object()}),))
    with pytest.raises(ItemError, match="a-anadolu-0727"):
        filled.save_annotations(bad)
    assert filled.annotations(article.id) == good
    assert filled.entity("E-bad") is None


def test_failed_write_in_the_middle_rolls_back(filled: Store) -> None:
    article = must(filled.get_article("a-anadolu-0727"))
    good = annotated_for(article)
    filled.save_annotations(good)
    # A None text violates NOT NULL after the old rows were deleted in the same transaction.
    broken = good.replace(sentences=(Sentence(article.id, 0, 1, None),))  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="saving annotations of a-anadolu-0727"):
        filled.save_annotations(broken)
    assert filled.annotations(article.id) == good


def test_annotation_of_another_article_is_refused(filled: Store) -> None:
    article = must(filled.get_article("a-anadolu-0727"))
    stray = Annotated(article, mentions=(Mention("a-fars-0805", 0, 4, "Iran", "LOC"),))
    with pytest.raises(ItemError, match="belongs to article 'a-fars-0805'"):
        filled.save_annotations(stray)
    unknown = Article("not-stored", "o", "u", None, "t", "x")
    with pytest.raises(ItemError, match="not-stored: no such article"):
        filled.save_annotations(Annotated(unknown))
    assert filled.counts()["processed"] == 0


# --- stories -------------------------------------------------------------------------------------


def make_story(sid: str, first: datetime, last: datetime, *articles: str) -> Story:
    return Story(
        sid,
        tuple(articles),
        first,
        last,
        arena="syria",
        themes=("border", "military"),
        events=(Event(articles[0], 0, 10, "CONSULT", date=date(2019, 8, 5)),),
        outlet_grades={"anadolu": "B"},
        credibility=2,
        credibility_reason="two outlets agree",
        salience=0.75,
        duplicates={"a-deirezzor-0806": "a-anadolu-0727"},
    )


def test_story_round_trip_upsert_and_delete(filled: Store) -> None:
    story = make_story(
        "s1",
        datetime(2019, 7, 27, 6, 15, tzinfo=UTC),
        datetime(2019, 8, 6, 12, tzinfo=UTC),
        "a-anadolu-0727",
        "a-deirezzor-0806",
    )
    filled.save_story(story)
    assert filled.story("s1") == story
    assert filled.story_of("a-deirezzor-0806") == "s1"
    moved = story.replace(article_ids=("a-anadolu-0727",), credibility=3)
    filled.save_story(moved)
    assert filled.story("s1") == moved
    assert filled.story_of("a-deirezzor-0806") is None
    assert filled.counts()["stories"] == 1
    filled.delete_story("s1")
    assert filled.story("s1") is None
    assert filled.story_of("a-anadolu-0727") is None
    filled.delete_story("s1")  # deleting twice is harmless
    assert filled.counts()["stories"] == 0


def test_story_of_prefers_latest_story(filled: Store) -> None:
    d = datetime(2019, 8, 1, tzinfo=UTC)
    filled.save_story(make_story("old", d, d, "a-fars-0805"))
    filled.save_story(make_story("new", d, d + timedelta(days=2), "a-fars-0805"))
    assert filled.story_of("a-fars-0805") == "new"


def test_stories_time_window(store: Store) -> None:
    def at(day: int) -> datetime:
        return datetime(2019, 8, day, 12, tzinfo=UTC)

    store.save_story(make_story("early", at(1), at(3), "a"))
    store.save_story(make_story("spans", at(2), at(9), "b"))
    store.save_story(make_story("late", at(8), at(10), "c"))
    store.save_story(Story("undated", ("d",)))
    ids = lambda stories: [s.id for s in stories]  # noqa: E731
    assert ids(store.stories()) == ["early", "spans", "late", "undated"]
    assert ids(store.stories(at(4), at(7))) == ["spans"]
    assert ids(store.stories(at(3), at(8))) == ["early", "spans", "late"]  # inclusive edges
    assert ids(store.stories(start=at(9) + timedelta(seconds=1))) == ["late"]
    assert ids(store.stories(end=at(1) - timedelta(seconds=1))) == []
    assert ids(store.stories(date(2019, 8, 10), date(2019, 8, 10))) == ["late"]


def test_story_times_come_back_in_utc(store: Store) -> None:
    beirut = timezone(timedelta(hours=3))
    story = Story(
        "s", ("a",), datetime(2019, 8, 1, 9, tzinfo=beirut), datetime(2019, 8, 2, 9, tzinfo=beirut)
    )
    store.save_story(story)
    got = store.story("s")
    assert got == story
    assert must(got.first_seen).utcoffset() == timedelta(0)
    assert store.stories(datetime(2019, 8, 2, 6, tzinfo=UTC)) == [story]
    assert store.stories(datetime(2019, 8, 2, 6, 1, tzinfo=UTC)) == []


# --- search --------------------------------------------------------------------------------------


def ids_for(store: Store, query: str) -> list[str]:
    return [a.id for a, _ in store.search(query)]


def test_search_phrases_and_punctuation(filled: Store) -> None:
    assert set(ids_for(filled, "Albu Kamal")) == {"a-anadolu-0727", "a-deirezzor-0806"}
    assert set(ids_for(filled, '"Albu Kamal"')) == {"a-anadolu-0727", "a-deirezzor-0806"}
    assert ids_for(filled, '"Kamal Albu"') == []
    assert ids_for(filled, "al-Qaim") == ["a-deirezzor-0806"]
    assert ids_for(filled, "Shi'ite") == ["a-tasnim-0804"]
    assert ids_for(filled, "al-Nujaba'") == ["a-tasnim-0804"]
    assert ids_for(filled, '"historic and strategic"') == ["a-fars-0805"]
    assert ids_for(filled, 'historic "and strategic') == ["a-fars-0805"]  # unclosed quote
    assert ids_for(filled, "Shaaban") == ["a-fars-0805"]  # diacritics folded
    assert ids_for(filled, "soleimani") == ["a-anadolu-0727"]


def test_search_operators_and_wildcards_never_raise(filled: Store) -> None:
    for query in [
        "AND",
        "OR",
        "NOT",
        "AND OR NOT",
        "*",
        "**",
        '"',
        '""',
        "'",
        "(",
        ")",
        "NEAR(",
        "title:",
        "Iran AND",
        "OR Iran",
        "^Iran",
        "-Iran",
        "Iran -",
        "{a b}:c",
        'Albu Kamal" OR "',
        "\\",
        ";DROP TABLE articles;--",
    ]:
        assert isinstance(filled.search(query), list), query
    assert filled.counts()["articles"] == 5
    assert set(ids_for(filled, "Iranian OR Tehran")) == {
        "a-deirezzor-0806",
        "a-tasnim-0804",
        "a-mehr-0806",
        "a-fars-0805",
    }
    assert set(ids_for(filled, "Syria")) == {"a-anadolu-0727", "a-deirezzor-0806", "a-mehr-0806"}
    assert set(ids_for(filled, "Syria NOT Soleimani")) == {"a-deirezzor-0806", "a-mehr-0806"}
    # AND is implied, not searched as a word: "Tehran" alone narrows to two articles.
    assert set(ids_for(filled, "Iran AND Tehran")) == {"a-fars-0805"}
    assert set(ids_for(filled, "Tehran AND Majlis")) == {"a-tasnim-0804"}
    assert set(ids_for(filled, "recon*")) == {"a-mehr-0806"}
    assert ids_for(filled, "NOT Syria") == []


def test_search_empty_limit_offset_and_rank(filled: Store) -> None:
    assert filled.search("") == []
    assert filled.search("   ") == []
    assert filled.search("zzzz-not-there") == []
    # "border" is in one title and in another body: the title hit ranks first.
    assert ids_for(filled, "border") == ["a-deirezzor-0806", "a-anadolu-0727"]
    results = filled.search("crossing")
    assert {a.id for a, _ in results} == {"a-anadolu-0727", "a-deirezzor-0806"}
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(s, float) for s in scores)
    assert len(filled.search("crossing", limit=1)) == 1
    assert filled.search("crossing", limit=1, offset=1)[0][0].id == results[1][0].id
    assert filled.search("crossing", limit=0) == []
    assert isinstance(results[0][0], Article) and results[0][0] == filled.get_article(
        results[0][0].id
    )


def test_search_index_follows_updates_and_deletes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as s:
        for article in load_articles():
            s.add_article(article)
    # Rows changed behind the store's back must still be reflected in the index.
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE articles SET title = 'Khamenei receives envoys' WHERE id = 'a-mehr-0806'"
        )
        conn.execute("DELETE FROM articles WHERE id = 'a-tasnim-0804'")
    conn.close()
    with Store(path) as s:
        assert ids_for(s, "Khamenei") == ["a-mehr-0806"]
        assert ids_for(s, "Nujaba") == []
        assert ids_for(s, "Reconstruction offers") == []


def test_fts_query_quotes_everything() -> None:
    assert fts_query("Albu Kamal") == '"Albu" "Kamal"'
    assert fts_query('say "hi') == '"say" "hi"'
    assert fts_query('a"b') == '"a""b"'
    assert fts_query("x NOT y OR z") == '"x" NOT "y" OR "z"'
    assert fts_query("NOT y") == ""
    assert fts_query("pre*") == '"pre"*'


# --- fetch state ---------------------------------------------------------------------------------


def test_fetch_state_and_view(store: Store) -> None:
    url = "https://example.org/feed.xml"
    assert store.get_fetch_state(url) is None
    store.set_fetch_state(url, '"abc"', "Mon, 05 Aug 2019 10:00:00 GMT")
    state = must(store.get_fetch_state(url))
    assert state["etag"] == '"abc"' and state["last_modified"] == "Mon, 05 Aug 2019 10:00:00 GMT"
    assert datetime.fromisoformat(state["fetched_at"]).tzinfo is not None
    view = store.fetch_states()
    assert url in view and "https://other.example/" not in view and 42 not in view
    assert view[url]["etag"] == '"abc"'
    view["https://other.example/"] = {
        "etag": None,
        "last_modified": "Tue, 06 Aug 2019 08:00:00 GMT",
    }
    assert len(view) == 2
    assert sorted(view) == ["https://example.org/feed.xml", "https://other.example/"]
    assert must(store.get_fetch_state("https://other.example/"))["etag"] is None
    store.set_fetch_state(url, '"def"', None)
    assert view[url]["etag"] == '"def"' and view[url]["last_modified"] is None
    assert view.get("missing") is None
    with pytest.raises(KeyError):
        view["missing"]
    del view[url]
    with pytest.raises(KeyError):
        del view[url]
    assert list(view) == ["https://other.example/"]


# --- corrections ---------------------------------------------------------------------------------


def test_corrections_and_revert(store: Store) -> None:
    merge = store.add_correction("merge_entities", {"keep": "Q-soleimani", "drop": ["Q-suleimani"]})
    relabel = store.add_correction("relabel", {"mention": [3, 10], "label": "ORG"}, author="dana")
    other = store.add_correction("merge_entities", {"keep": "G-a", "drop": ["G-b"]})
    assert merge < relabel < other
    listed = store.corrections()
    assert [c["id"] for c in listed] == [merge, relabel, other]
    assert listed[1]["payload"] == {"mention": [3, 10], "label": "ORG"}
    assert listed[1]["author"] == "dana" and listed[0]["author"] == "analyst"
    assert listed[0]["reverted_at"] is None and listed[0]["created_at"]
    assert set(listed[0]) == {"id", "kind", "payload", "author", "created_at", "reverted_at"}
    assert [c["id"] for c in store.corrections("merge_entities")] == [merge, other]
    store.revert_correction(merge)
    assert [c["id"] for c in store.corrections("merge_entities")] == [other]
    everything = store.corrections(include_reverted=True)
    assert [c["id"] for c in everything] == [merge, relabel, other]
    stamp = everything[0]["reverted_at"]
    assert stamp is not None
    store.revert_correction(merge)
    assert store.corrections(include_reverted=True)[0]["reverted_at"] == stamp
    with pytest.raises(ItemError, match="correction 999: no such correction"):
        store.revert_correction(999)
    with pytest.raises(ItemError, match="payload is not JSON"):
        store.add_correction("bad", {"x": {1, 2}})
    assert len(store.corrections(include_reverted=True)) == 3


# --- concurrency ---------------------------------------------------------------------------------


def test_threads_share_one_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "threads.db")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(25):
                store.add_article(
                    Article(f"t{n}-{i}", "o", f"u{n}-{i}", None, "t", f"text {n} {i}")
                )
                store.set_fetch_state(f"https://example.org/{n}", str(i), None)
                store.counts()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts()["articles"] == 100
    assert len(store.fetch_states()) == 4
    store.close()


def test_second_connection_sees_committed_writes(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    with Store(path) as a, Store(path) as b:
        a.add_article(load_articles()[0])
        assert b.has_article("a-anadolu-0727")
        assert not b.add_article(load_articles()[0])
