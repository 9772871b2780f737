"""Recognition, resolution, sentences and events on short texts (loads the spaCy model once)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from extract_support import DATA, article

from dragoman.extract.annotate import Extractor
from dragoman.extract.entities import core_name
from dragoman.records import Annotated, Mention

pytestmark = pytest.mark.slow


def mentions_of(annotated: Annotated, text: str) -> list[Mention]:
    """Mentions whose name (the extent without determiner or title) is ``text``."""
    return [
        m
        for m in annotated.mentions
        if m.label != "ROLE" and (m.text == text or core_name(m.text, m.label, m.role) == text)
    ]


@pytest.fixture(scope="module")
def bulletin(extractor: Extractor) -> Annotated:
    return extractor.annotate(article((DATA / "bulletin.txt").read_text("utf-8"), outlet_id="ifp"))


def test_offsets_point_at_the_text(bulletin: Annotated) -> None:
    text = bulletin.article.text
    for m in bulletin.mentions:
        assert text[m.start : m.end] == m.text
    for s in bulletin.sentences:
        assert text[s.start : s.end] == s.text
        assert "\n\n" not in s.text


def test_dateline_is_not_part_of_the_first_sentence(extractor: Extractor) -> None:
    annotated = extractor.annotate(
        article("TEHRAN (Tasnim) – Qasem Soleimani met Iraqi commanders in Baghdad.")
    )
    assert annotated.sentences[-1].text == "Qasem Soleimani met Iraqi commanders in Baghdad."
    assert [a.entity_id for a in event_for(annotated, "met").actors] == ["qasem-soleimani"]


def test_sentences_stop_at_paragraphs_and_list_markers(bulletin: Annotated) -> None:
    texts = [s.text for s in bulletin.sentences]
    assert texts[0] == "Iran and the Syria-Iraq border"
    assert "Iran and Iraq" in texts
    assert not any(t.startswith("•") for t in texts)


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Iran and Iraq signed a deal (Fars, August 5).", "fars"),
        ("The attaché told IRNA that the deal was signed.", "irna"),
        ("Mehr reported that the delegation arrived.", "mehr"),
        ("The story ran in the Turkish Anadolu Agency on Saturday.", "anadolu"),
        ("The newspaper Filasteen Al-Youm carried the interview.", "filasteen-alyoum"),
    ],
)
def test_outlets_are_organisations_from_the_dictionary(
    extractor: Extractor, text: str, outlet: str
) -> None:
    annotated = extractor.annotate(article(text))
    found = [m for m in annotated.mentions if m.entity_id == f"outlet:{outlet}"]
    assert found, [(m.text, m.label) for m in annotated.mentions]
    assert all(m.label == "ORG" and m.source == "dictionary" for m in found)
    assert not any(m.label == "PERSON" for m in found)
    assert not core_name(found[0].text, "ORG").lower().startswith("the ")
    entity = next(e for e in annotated.entities if e.id == f"outlet:{outlet}")
    assert entity.attributes["outlet"] == outlet


def test_albu_kamal_spellings_are_one_place(extractor: Extractor) -> None:
    annotated = extractor.annotate(
        article(
            "Militias gathered in Abu Kamal on Sunday. Residents of Albu Kamal said the crossing was shut."
        )
    )
    ids = {m.entity_id for m in annotated.mentions if m.text in ("Abu Kamal", "Albu Kamal")}
    assert ids == {"albu-kamal"}
    assert {m.label for m in annotated.mentions if m.entity_id == "albu-kamal"} == {"LOC"}
    entity = next(e for e in annotated.entities if e.id == "albu-kamal")
    assert entity.place is not None and entity.place.country == "SY"
    assert abs(entity.place.lat - 34.45) < 0.2  # type: ignore[operator]


def test_soleimani_variants_and_surname_link_to_one_entity(bulletin: Annotated) -> None:
    ids = {m.entity_id for m in bulletin.mentions if "uleimani" in m.text or "oleimani" in m.text}
    assert ids == {"qasem-soleimani"}
    entity = next(e for e in bulletin.entities if e.id == "qasem-soleimani")
    assert entity.name == "Qasem Soleimani" and "Suleimani" in entity.aliases


def test_surname_links_to_person_named_earlier(extractor: Extractor) -> None:
    annotated = extractor.annotate(
        article(
            "The Iranian Ambassador to Baghdad, Iraj Masjedi, met Iraqi officials. Later Masjedi left Baghdad."
        )
    )
    full = mentions_of(annotated, "Iraj Masjedi")[0]
    short = mentions_of(annotated, "Masjedi")[0]
    assert full.entity_id == short.entity_id == "person:iraj-masjedi"
    assert short.label == "PERSON"


def test_acronym_defined_in_text_links_to_long_form(bulletin: Annotated) -> None:
    long_form = mentions_of(bulletin, "Popular Mobilization Units")[0]
    acronyms = mentions_of(bulletin, "PMU")
    assert len(acronyms) == 2
    assert {m.entity_id for m in acronyms} == {long_form.entity_id}


@pytest.mark.parametrize(
    ("person", "role"),
    [
        ("Adnan Hassan Mahmoud", "Syrian Ambassador to Tehran"),
        ("Mohammed al-Halbousi", "Speaker of the Iraqi Parliament"),
        ("Alireza Arafi", "Ayatollah"),
        ("Qassem Suleimani", "Commander of the IRGC's Qods Force"),
    ],
)
def test_roles_before_names(bulletin: Annotated, person: str, role: str) -> None:
    m = mentions_of(bulletin, person)[0]
    assert m.label == "PERSON" and m.role == role
    assert any(r.label == "ROLE" and r.text == role for r in bulletin.mentions)


def test_dates_resolve_against_the_article(bulletin: Annotated) -> None:
    values = {d.text: d.value for d in bulletin.dates}
    assert values["July 25"] == date(2019, 7, 25)
    assert values["last week"] is None


def event_for(annotated: Annotated, trigger: str):  # type: ignore[no-untyped-def]
    found = [e for e in annotated.events if e.trigger == trigger]
    assert found, [(e.trigger, e.type) for e in annotated.events]
    return found[0]


@pytest.mark.parametrize(
    ("text", "trigger", "mode", "kind", "cameo"),
    [
        (
            "Qasem Soleimani met Iraqi commanders in Baghdad on Monday.",
            "met",
            "asserted",
            "CONSULT",
            "040",
        ),
        (
            "Qasem Soleimani did not meet Iraqi commanders in Baghdad.",
            "meet",
            "negated",
            "CONSULT",
            "040",
        ),
        # an announced meeting is coded as the intent to meet (CAMEO 036), its mode kept
        (
            "Qasem Soleimani will meet Iraqi commanders in Baghdad.",
            "meet",
            "future",
            "AGREE",
            "036",
        ),
        (
            "Qasem Soleimani plans to meet Iraqi commanders in Baghdad.",
            "meet",
            "future",
            "AGREE",
            "036",
        ),
        (
            "Qasem Soleimani could meet Iraqi commanders in Baghdad.",
            "meet",
            "hypothetical",
            "CONSULT",  # a possibility, not an announced intent
            "040",
        ),
        (
            "If Qasem Soleimani meets Iraqi commanders, the talks will stall.",
            "meets",
            "hypothetical",
            "CONSULT",
            "040",
        ),
        (
            "Qasem Soleimani met Iraqi commanders in Baghdad on March 3.",
            "met",
            "historical",
            "CONSULT",
            "040",
        ),
    ],
)
def test_event_modes(
    extractor: Extractor, text: str, trigger: str, mode: str, kind: str, cameo: str
) -> None:
    event = event_for(extractor.annotate(article(text)), trigger)
    assert event.mode == mode
    assert (event.type, event.cameo) == (kind, cameo)
    assert [a.entity_id for a in event.actors] == ["qasem-soleimani"]
    assert event.actors[0].country == "IR"


def test_event_arguments_place_and_date(extractor: Extractor) -> None:
    annotated = extractor.annotate(
        article("Qasem Soleimani met Harakat al-Nujaba in Albu Kamal on Monday.")
    )
    event = event_for(annotated, "met")
    assert [a.entity_id for a in event.targets] == ["harakat-al-nujaba"]
    assert event.targets[0].country == "IQ"
    assert event.place == "albu-kamal"
    assert event.date == date(2019, 8, 5)  # the Monday before Tuesday 6 August
    sentence = annotated.article.text[event.start : event.end]
    assert sentence.startswith("Qasem Soleimani met")


def test_passive_agent_is_the_actor(extractor: Extractor) -> None:
    event = event_for(
        extractor.annotate(article("Harakat al-Nujaba was visited by Qasem Soleimani.")), "visited"
    )
    assert [a.entity_id for a in event.actors] == ["qasem-soleimani"]
    assert [a.entity_id for a in event.targets] == ["harakat-al-nujaba"]
    assert event.cameo == "042"


@pytest.mark.parametrize(
    ("text", "trigger", "reporter"),
    [
        ("Mehr reported that Qasem Soleimani met Iraqi commanders.", "met", "mehr"),
        ("According to Fars, Qasem Soleimani met Iraqi commanders.", "met", "fars"),
        ("An official told IRNA that Qasem Soleimani met Iraqi commanders.", "met", "irna"),
        ("Qasem Soleimani met Iraqi commanders (Tasnim, August 4).", "met", "tasnim"),
        (
            "Qasem Soleimani said that Harakat al-Nujaba met Iraqi commanders.",
            "met",
            "qasem-soleimani",
        ),
        ("Qasem Soleimani met Iraqi commanders.", "met", "ifp"),
    ],
)
def test_reported_by(extractor: Extractor, text: str, trigger: str, reporter: str) -> None:
    event = event_for(extractor.annotate(article(text, outlet_id="ifp")), trigger)
    assert event.reported_by == reporter


def test_annotate_many_matches_annotate(extractor: Extractor) -> None:
    texts = [
        "Qasem Soleimani met Iraqi commanders in Baghdad.",
        "",
        "Mehr reported that the IRGC threatened Israel on Sunday.",
    ]
    articles = [article(t, article_id=f"m{i}") for i, t in enumerate(texts)]
    batch = list(extractor.annotate_many(articles, batch_size=2))
    single = [extractor.annotate(a) for a in articles]
    assert [b.to_dict() for b in batch] == [s.to_dict() for s in single]
    assert batch[1].mentions == () and batch[1].events == ()


def test_no_publication_date_leaves_relative_dates_empty(extractor: Extractor) -> None:
    annotated = extractor.annotate(
        article("Qasem Soleimani met Iraqi commanders on Monday.", published=None)
    )
    assert [d.value for d in annotated.dates] == [None]
    assert event_for(annotated, "met").mode == "asserted"


def test_desk_verbs_extend_the_default_vocabulary(nlp) -> None:  # type: ignore[no-untyped-def]
    from extract_support import make_desk, make_outlets

    # the desk types "meet" its own way; "warn" still comes from the shipped vocabulary
    custom = Extractor(make_desk({"COOPERATE": ("meet",)}), make_outlets(), nlp=nlp)
    annotated = custom.annotate(
        article("Qasem Soleimani warned Israel. Qasem Soleimani met Iraqi commanders.")
    )
    assert [(e.trigger, e.type, e.cameo) for e in annotated.events] == [
        ("warned", "THREATEN", "130"),
        ("met", "COOPERATE", "060"),  # the fine code of "meet" (040) belongs to CONSULT
    ]


def test_shipped_desk_links_the_seed_names(nlp) -> None:  # type: ignore[no-untyped-def]
    desk_module = pytest.importorskip("dragoman.desk")
    try:
        desk, outlets = desk_module.load_desk(), desk_module.load_sources()
    except Exception as exc:
        pytest.skip(f"shipped desk not loadable: {exc}")
    annotated = Extractor(desk, outlets, nlp=nlp).annotate(
        article(
            "Qassem Suleimani visited Albu Kamal, the Turkish Anadolu Agency reported.",
            published=datetime(2019, 7, 29),
        )
    )
    ids = {m.entity_id for m in annotated.mentions}
    assert "outlet:anadolu" in ids
    assert any(e.type == "PERSON" and "Soleimani" in e.name for e in annotated.entities)
