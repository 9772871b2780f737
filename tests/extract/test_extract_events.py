"""Event coding: vocabulary, nominal triggers, announced actions, borrowed subjects and targets."""

from __future__ import annotations

import pytest
from extract_support import article, make_desk

from dragoman.extract.annotate import Extractor
from dragoman.extract.events import EventExtractor
from dragoman.records import Annotated, Event


def coded(extractor: Extractor, text: str) -> list[Event]:
    """The events of one short article."""
    annotated: Annotated = extractor.annotate(article(text))
    return list(annotated.events)


def first_not_statement(events: list[Event]) -> Event:
    """The first event that is not a bare reporting verb."""
    found = [e for e in events if e.type != "STATEMENT"]
    assert found, [(e.trigger, e.type) for e in events]
    return found[0]


def texts(args: tuple) -> list[str]:  # type: ignore[type-arg]
    return [a.text for a in args]


@pytest.mark.parametrize(
    ("text", "kind", "cameo"),
    [
        ("Qasem Soleimani held talks with Harakat al-Nujaba in Baghdad.", "CONSULT", "046"),
        ("Harakat al-Nujaba staged a protest against the IRGC.", "PROTEST", "140"),
        ("The IRGC imposed a curfew on Albu Kamal.", "COERCE", "172"),
        ("The IRGC deported Harakat al-Nujaba fighters.", "COERCE", "174"),
        ("The IRGC expelled diplomats of Harakat al-Nujaba.", "SANCTION", "166"),
        ("The IRGC lifted the curfew on Albu Kamal.", "CONCEDE", "081"),
        ("Harakat al-Nujaba signed a treaty with the IRGC.", "SUPPORT", "057"),
        ("The IRGC investigated Harakat al-Nujaba.", "ACCUSE", "090"),
        ("The IRGC mobilized troops against Harakat al-Nujaba.", "MOBILIZE", "150"),
    ],
)
def test_vocabulary_and_nominal_triggers(
    extractor: Extractor, text: str, kind: str, cameo: str
) -> None:
    event = first_not_statement(coded(extractor, text))
    assert (event.type, event.cameo) == (kind, cameo)


def test_reported_clause_is_coded_and_resumes_the_speaker(extractor: Extractor) -> None:
    events = coded(extractor, "The IRGC said it will support Harakat al-Nujaba.")
    assert [(e.type, e.cameo) for e in events] == [
        ("STATEMENT", "010"),
        ("AGREE", "032"),  # the announced support is an intent to cooperate
        ("SUPPORT", "050"),
    ]
    intent = events[1]
    assert intent.mode == "future"
    assert [a.entity_id for a in intent.actors] == ["irgc"]
    assert [a.entity_id for a in intent.targets] == ["harakat-al-nujaba"]


def test_announced_refusal_and_threat(extractor: Extractor) -> None:
    refusal = first_not_statement(
        coded(extractor, "The IRGC said it will not meet Harakat al-Nujaba.")
    )
    assert (refusal.type, refusal.cameo, refusal.mode) == ("REJECT", "125", "negated")
    threat = first_not_statement(coded(extractor, "The IRGC will attack Harakat al-Nujaba."))
    assert (threat.type, threat.mode) == ("THREATEN", "future")


def test_a_possible_action_is_no_announced_intent(extractor: Extractor) -> None:
    # "may" says it could happen: one hypothetical event, not an intent as well
    events = coded(extractor, "The IRGC may attack Harakat al-Nujaba.")
    assert [(e.type, e.mode) for e in events] == [("ASSAULT", "hypothetical")]
    # "will" announces it: the intent first, then the action itself, both in the future
    events = coded(extractor, "The IRGC will attack Harakat al-Nujaba.")
    assert [(e.type, e.mode) for e in events] == [("THREATEN", "future"), ("ASSAULT", "future")]


def test_done_action_keeps_its_type(extractor: Extractor) -> None:
    events = coded(extractor, "The IRGC attacked Harakat al-Nujaba in Albu Kamal.")
    assert [(e.type, e.mode) for e in events] == [("ASSAULT", "asserted")]


def test_controlled_verb_lends_its_target(extractor: Extractor) -> None:
    event = first_not_statement(
        coded(extractor, "The IRGC agreed to provide weapons to Harakat al-Nujaba.")
    )
    assert event.type == "AGREE"
    assert [a.entity_id for a in event.actors] == ["irgc"]
    assert [a.entity_id for a in event.targets] == ["harakat-al-nujaba"]


def test_place_of_an_event_without_target_is_its_target(extractor: Extractor) -> None:
    event = first_not_statement(coded(extractor, "The IRGC agreed to open an office in Baghdad."))
    assert event.type == "AGREE"
    assert texts(event.targets) == ["Baghdad"]


def test_things_are_not_participants(extractor: Extractor) -> None:
    event = first_not_statement(coded(extractor, "The IRGC returned the weapons."))
    assert event.type == "RETREAT"
    assert event.targets == ()
    officials = first_not_statement(coded(extractor, "The IRGC arrested two officials."))
    assert texts(officials.targets) == ["two officials"]


def test_must_clause_is_a_demand(extractor: Extractor) -> None:
    event = coded(extractor, "Qasem Soleimani said Harakat al-Nujaba must leave Albu Kamal.")[0]
    assert (event.type, event.cameo) == ("REQUEST", "100")
    assert [a.entity_id for a in event.actors] == ["qasem-soleimani"]
    assert [a.entity_id for a in event.targets] == ["harakat-al-nujaba"]


def test_desk_verbs_extend_and_override(nlp) -> None:  # type: ignore[no-untyped-def]
    extractor = EventExtractor(make_desk({"PROTEST": ("warn",)}))
    warn = nlp("The IRGC warned Israel.")[2]
    attack = nlp("The IRGC attacked Israel.")[2]
    assert extractor.classify(warn) == ("PROTEST", "warn")
    assert extractor.classify(attack) == ("ASSAULT", "attack")
    # a fine code belongs to the shipped type of its lemma, so the desk's type falls back
    assert extractor.cameo("PROTEST", "warn") == "140"
