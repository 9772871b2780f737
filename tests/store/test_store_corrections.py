"""The store's look-ups behind entity corrections: summaries, affected articles, pruning."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dragoman.records import Annotated, Article, Entity, Mention
from dragoman.store import Store

TABRIZI = Entity("person:hamid-tabrizi", "PERSON", "Hamid Tabrizi", aliases=("Tabrizi",))
TABREZI = Entity("person:hameed-tabrezi", "PERSON", "Hameed Tabrezi")
ALBU = Entity("albu-kamal", "LOC", "Albu Kamal", aliases=("Abu Kamal", "al-Bukamal"))
SHUHADA = Entity("org:kataib", "ORG", "Kata'ib Sayyid al-Shuhada")


def article(aid: str, day: int) -> Article:
    return Article(aid, "tasnim", "", datetime(2019, 8, day, tzinfo=UTC), "", "x" * 200)


def ann(aid: str, day: int, *found: tuple[Entity, str, str]) -> Annotated:
    mentions = tuple(
        Mention(aid, i * 20, i * 20 + len(text), text, label, e.id)
        for i, (e, text, label) in enumerate(found)
    )
    entities = tuple({e.id: e for e, _, _ in found}.values())
    return Annotated(article(aid, day), mentions=mentions, entities=entities)


@pytest.fixture()
def store() -> Iterator[Store]:
    s = Store.memory()
    s.add_article(article("a1", 1))
    s.add_article(article("a2", 2))
    s.add_article(article("a3", 3))
    first = (
        (TABRIZI, "Hamid Tabrizi", "PERSON"),
        (TABRIZI, "Tabrizi", "PERSON"),
        (ALBU, "Albu Kamal", "LOC"),
    )
    s.save_annotations(ann("a1", 1, *first))
    s.save_annotations(
        ann("a2", 2, (TABREZI, "Hameed Tabrezi", "PERSON"), (ALBU, "Abu Kamal", "LOC"))
    )
    s.save_annotations(ann("a3", 3, (SHUHADA, "Kata'ib Sayyid al-Shuhada", "ORG")))
    yield s
    s.close()


def test_summaries_count_mentions_most_first(store: Store) -> None:
    rows = [(e.id, n) for e, n in store.entity_summaries()]
    assert rows[:2] == [("albu-kamal", 2), ("person:hamid-tabrizi", 2)]
    assert set(rows) == {
        ("albu-kamal", 2),
        ("person:hamid-tabrizi", 2),
        ("person:hameed-tabrezi", 1),
        ("org:kataib", 1),
    }


def test_summaries_filter_by_type_query_and_limit(store: Store) -> None:
    assert [e.id for e, _ in store.entity_summaries(type="LOC")] == ["albu-kamal"]
    # the query looks at ids, names and aliases, ignoring case
    assert [e.id for e, _ in store.entity_summaries(query="bukamal")] == ["albu-kamal"]
    assert [e.id for e, _ in store.entity_summaries(query="TABR")] == [
        "person:hamid-tabrizi",
        "person:hameed-tabrezi",
    ]
    assert len(store.entity_summaries(limit=1)) == 1
    assert store.entity_summaries(type="NORP") == []


def test_summary_query_takes_like_wildcards_literally(store: Store) -> None:
    assert store.entity_summaries(query="%") == []
    assert store.entity_summaries(query="_") == []
    assert [e.id for e, _ in store.entity_summaries(query="Kata'ib")] == ["org:kataib"]


def test_articles_with_entity(store: Store) -> None:
    assert store.articles_with_entity("albu-kamal") == ["a1", "a2"]
    assert store.articles_with_entity("person:hameed-tabrezi") == ["a2"]
    assert store.articles_with_entity("nobody") == []


def test_mention_texts_and_their_articles(store: Store) -> None:
    assert store.mention_texts(["LOC"]) == ["Abu Kamal", "Albu Kamal"]
    assert "Tabrizi" in store.mention_texts()
    assert store.articles_with_mention_texts(["Abu Kamal", "Kata'ib Sayyid al-Shuhada"]) == [
        "a2",
        "a3",
    ]
    assert store.articles_with_mention_texts([]) == []


def test_prune_removes_only_entities_no_article_carries(store: Store) -> None:
    assert store.prune_entities() == 0
    # a2 re-saved without the misspelt person: its entity row is left behind, then pruned
    store.save_annotations(ann("a2", 2, (TABRIZI, "Hameed Tabrezi", "PERSON")))
    assert store.entity(TABREZI.id) is not None
    assert store.prune_entities() == 1
    assert store.entity(TABREZI.id) is None
    assert store.entity(TABRIZI.id) is not None and store.entity(ALBU.id) is not None
