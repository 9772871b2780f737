"""Analysts' merges and aliases applied to one article's annotations, without spaCy."""

from __future__ import annotations

from datetime import UTC, datetime

from dragoman.extract.corrections import (
    ALIAS,
    MERGE,
    Corrections,
    alias_payload,
    apply_corrections,
    merge_payload,
)
from dragoman.records import Annotated, Article, Entity, Event, EventArg, Mention

TEXT = "Hameed Tabrezi met Hamid Tabrizi's men in Albu Kamal. Abu Zeinab spoke. Fars reported."

TABREZI = Entity("person:hameed-tabrezi", "PERSON", "Hameed Tabrezi")
TABRIZI = Entity("person:hamid-tabrizi", "PERSON", "Hamid Tabrizi", aliases=("Tabrizi",))
ALBU = Entity("albu-kamal", "LOC", "Albu Kamal", attributes={"country": "SY"})
ZEINAB = Entity("person:abu-zeinab", "PERSON", "Abu Zeinab")
LAMI = Entity("person:abu-zeinab-al-lami", "PERSON", "Abu Zeinab al-Lami")
FARS_PLACE = Entity("loc:fars", "LOC", "Fars")
FARS = Entity("outlet:fars", "ORG", "Fars", attributes={"outlet": "fars"})


def _span(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


def mention(text: str, label: str, entity_id: str | None) -> Mention:
    start, end = _span(text)
    return Mention("a1", start, end, text, label, entity_id)


def annotated() -> Annotated:
    art = Article("a1", "tasnim", "", datetime(2019, 8, 5, tzinfo=UTC), "", TEXT)
    mentions = (
        mention("Hameed Tabrezi", "PERSON", TABREZI.id),
        mention("Hamid Tabrizi", "PERSON", TABRIZI.id),
        mention("Albu Kamal", "LOC", ALBU.id),
        mention("Abu Zeinab", "PERSON", ZEINAB.id),
        mention("Fars", "PERSON", FARS_PLACE.id),
    )
    event = Event(
        "a1",
        0,
        53,
        "CONSULT",
        actors=(EventArg("Hameed Tabrezi", TABREZI.id),),
        targets=(EventArg("Hamid Tabrizi", TABRIZI.id),),
        place=ALBU.id,
    )
    return Annotated(
        art,
        mentions=mentions,
        entities=(TABREZI, TABRIZI, ALBU, ZEINAB, FARS_PLACE),
        events=(event,),
    )


def merge(cid: int, source: Entity, target: Entity) -> dict:
    return {"id": cid, "kind": MERGE, "payload": merge_payload(source, target)}


def alias(cid: int, entity: Entity, text: str) -> dict:
    return {"id": cid, "kind": ALIAS, "payload": alias_payload(entity, text)}


def ids(ann: Annotated) -> dict[str, str | None]:
    return {m.text: m.entity_id for m in ann.mentions}


def test_no_corrections_leave_the_annotations_untouched():
    ann = annotated()
    assert apply_corrections(ann, []) is ann
    assert apply_corrections(ann, [{"id": 1, "kind": "relabel", "payload": {}}]) is ann


def test_merge_moves_mentions_events_and_names_to_the_target():
    out = apply_corrections(annotated(), [merge(1, TABREZI, TABRIZI)])
    assert ids(out)["Hameed Tabrezi"] == TABRIZI.id
    assert TABREZI.id not in {e.id for e in out.entities}
    target = next(e for e in out.entities if e.id == TABRIZI.id)
    assert target.name == "Hamid Tabrizi"  # the target keeps its canonical name
    assert "Hameed Tabrezi" in target.aliases and "Tabrizi" in target.aliases
    (event,) = out.events
    assert event.actors[0].entity_id == TABRIZI.id
    assert event.targets[0].entity_id == TABRIZI.id
    assert event.place == ALBU.id


def test_merge_target_absent_from_the_article_comes_from_the_snapshot():
    other = Entity("person:qais-khazali", "PERSON", "Qais al-Khazali", attributes={"country": "IQ"})
    out = apply_corrections(annotated(), [merge(1, ZEINAB, other)])
    assert ids(out)["Abu Zeinab"] == other.id
    record = next(e for e in out.entities if e.id == other.id)
    assert record.name == "Qais al-Khazali" and record.attributes == {"country": "IQ"}
    assert record.aliases == ("Abu Zeinab",)


def test_chains_follow_to_the_last_target():
    corrections = [merge(1, TABREZI, TABRIZI), merge(2, TABRIZI, LAMI)]
    out = apply_corrections(annotated(), corrections)
    assert ids(out)["Hameed Tabrezi"] == LAMI.id
    assert ids(out)["Hamid Tabrizi"] == LAMI.id
    record = next(e for e in out.entities if e.id == LAMI.id)
    assert {"Hameed Tabrezi", "Hamid Tabrizi", "Tabrizi"} <= set(record.aliases)
    assert not {TABREZI.id, TABRIZI.id} & {e.id for e in out.entities}


def test_a_merge_closing_a_cycle_is_ignored_and_reported():
    plan = Corrections([merge(1, TABREZI, TABRIZI), merge(2, TABRIZI, TABREZI)])
    assert plan.final(TABREZI.id) == TABRIZI.id
    assert plan.final(TABRIZI.id) == TABRIZI.id
    assert len(plan.skipped) == 1 and "correction 2" in plan.skipped[0]
    assert "cycle" in plan.skipped[0]


def test_self_merge_and_second_merge_of_a_source_are_ignored():
    plan = Corrections(
        [merge(1, TABREZI, TABREZI), merge(2, TABREZI, TABRIZI), merge(3, TABREZI, LAMI)]
    )
    assert plan.final(TABREZI.id) == TABRIZI.id
    assert [s.split(" ")[1] for s in plan.skipped] == ["1", "3"]


def test_a_malformed_payload_is_skipped_not_fatal():
    rows = [{"id": 9, "kind": MERGE, "payload": {"source": "x"}}, merge(10, TABREZI, TABRIZI)]
    out = apply_corrections(annotated(), rows)
    assert ids(out)["Hameed Tabrezi"] == TABRIZI.id


def test_merging_twice_is_harmless():
    once = apply_corrections(annotated(), [merge(1, TABREZI, TABRIZI)])
    twice = apply_corrections(once, [merge(1, TABREZI, TABRIZI), merge(2, TABREZI, TABRIZI)])
    assert twice == once


def test_alias_relinks_by_name_key_and_relabels():
    # "Fars" taken for a person and linked to the province is the news agency
    out = apply_corrections(annotated(), [alias(1, FARS, "FARS")])
    fars = next(m for m in out.mentions if m.text == "Fars")
    assert fars.entity_id == FARS.id and fars.label == "ORG"
    assert FARS_PLACE.id not in {e.id for e in out.entities}
    assert FARS.id in {e.id for e in out.entities}


def test_alias_matches_transliteration_variants():
    # the key folds case, doubled letters and spelling habits ("ou" for "u")
    out = apply_corrections(annotated(), [alias(1, LAMI, "Abou Zeinab")])
    assert ids(out)["Abu Zeinab"] == LAMI.id
    record = next(e for e in out.entities if e.id == LAMI.id)
    assert {"Abou Zeinab", "Abu Zeinab"} <= set(record.aliases)


def test_alias_follows_a_later_merge_of_its_entity():
    corrections = [alias(1, ZEINAB, "Abu Zeinab"), merge(2, ZEINAB, LAMI)]
    assert ids(apply_corrections(annotated(), corrections))["Abu Zeinab"] == LAMI.id


def test_the_latest_alias_of_a_key_wins():
    corrections = [alias(1, ZEINAB, "Abu Zeinab"), alias(2, LAMI, "abu zeinab")]
    assert ids(apply_corrections(annotated(), corrections))["Abu Zeinab"] == LAMI.id


def test_alias_ignores_dates_and_roles():
    art = annotated()
    start, end = _span("Albu Kamal")
    extra = Mention("a1", start, end, "Albu Kamal", "DATE", None)
    art = art.replace(mentions=(*art.mentions, extra))
    out = apply_corrections(art, [alias(1, LAMI, "Albu Kamal")])
    labels = {(m.label, m.entity_id) for m in out.mentions if m.text == "Albu Kamal"}
    assert labels == {("PERSON", LAMI.id), ("DATE", None)}


def test_event_arguments_follow_an_alias():
    corrections = [alias(1, LAMI, "Hameed Tabrezi")]
    (event,) = apply_corrections(annotated(), corrections).events
    assert event.actors[0].entity_id == LAMI.id
