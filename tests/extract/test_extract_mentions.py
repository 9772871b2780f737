"""Mentions as an analyst reads them: whole extents, offices by date, pronouns, descriptions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from extract_support import article, make_desk, make_outlets

from dragoman.extract.annotate import Extractor
from dragoman.extract.entities import core_name
from dragoman.records import Actor, Annotated, Mention, Role
from dragoman.settings import Settings

AMBASSADORS = (
    Actor(
        id="hassan-danaeifar",
        name="Hassan Danaeifar",
        type="PERSON",
        country="IR",
        roles=(
            Role(
                title="Ambassador",
                organization="Iran",
                posting="Baghdad",
                start=datetime(2010, 1, 1).date(),
                end=datetime(2017, 3, 31).date(),
            ),
        ),
    ),
    Actor(
        id="iraj-masjedi",
        name="Iraj Masjedi",
        type="PERSON",
        country="IR",
        roles=(
            Role(
                title="Ambassador",
                organization="Iran",
                posting="Baghdad",
                start=datetime(2017, 4, 1).date(),
                end=datetime(2022, 6, 30).date(),
            ),
        ),
    ),
    Actor(
        id="mohammad-kazem-al-sadegh",
        name="Mohammad Kazem Al-e Sadegh",
        type="PERSON",
        country="IR",
        roles=(
            Role(
                title="Ambassador",
                organization="Iran",
                posting="Baghdad",
                start=datetime(2022, 7, 1).date(),
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def offices(nlp) -> Extractor:  # type: ignore[no-untyped-def]
    desk = make_desk()
    desk = desk.replace(actors=(*desk.actors, *AMBASSADORS))
    return Extractor(desk, make_outlets(), nlp=nlp)


@pytest.fixture(scope="module")
def bare(nlp) -> Extractor:  # type: ignore[no-untyped-def]
    """The test desk alone, without the shared dictionary of the region's actors."""
    return Extractor(
        make_desk(), make_outlets(), settings=Settings({"common_actors": False}), nlp=nlp
    )


def find(annotated: Annotated, name: str) -> Mention:
    for m in annotated.mentions:
        if m.label != "ROLE" and (m.text == name or core_name(m.text, m.label, m.role) == name):
            return m
    raise AssertionError(f"{name!r} not among {[(m.text, m.label) for m in annotated.mentions]}")


@pytest.mark.parametrize(
    ("year", "holder"),
    [(2012, "hassan-danaeifar"), (2019, "iraj-masjedi"), (2023, "mohammad-kazem-al-sadegh")],
)
def test_an_office_resolves_to_its_holder_on_the_day(
    offices: Extractor, year: int, holder: str
) -> None:
    text = "The Iranian Ambassador to Baghdad met Iraqi officials on Monday."
    annotated = offices.annotate(article(text, published=datetime(year, 5, 6, tzinfo=UTC)))
    m = next(m for m in annotated.mentions if m.label == "PERSON")
    assert m.text == "The Iranian Ambassador"
    assert m.role == "Iranian Ambassador to Baghdad"  # the posting belongs to the office
    assert m.entity_id == holder
    assert any(p.text == "Baghdad" and p.label == "LOC" for p in annotated.mentions)


def test_a_bare_office_is_the_person_of_the_article_who_bears_it(offices: Extractor) -> None:
    text = (
        "The Syrian Ambassador to Tehran, Adnan Hassan Mahmoud, opened the fair. "
        "The ambassador praised the firms, and the American ambassador stayed away."
    )
    annotated = offices.annotate(article(text))
    bare = next(m for m in annotated.mentions if m.text == "The ambassador")
    assert bare.entity_id == find(annotated, "Adnan Hassan Mahmoud").entity_id
    american = next(m for m in annotated.mentions if m.text == "the American ambassador")
    assert american.entity_id != bare.entity_id


def test_an_office_without_a_known_holder_stays_a_description(offices: Extractor) -> None:
    text = "The Swedish Ambassador to Baghdad met Iraqi officials on Monday."
    annotated = offices.annotate(article(text))
    m = next(m for m in annotated.mentions if m.label == "PERSON")
    assert m.entity_id and m.entity_id.endswith("@a1")  # this article's own description
    assert not m.entity_id.startswith(("iraj", "hassan"))
    entity = next(e for e in annotated.entities if e.id == m.entity_id)
    assert entity.attributes.get("described") is True


def test_a_title_before_a_name_is_part_of_the_mention_and_its_role(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("Foreign Secretary Philip Hammond arrived in Baghdad."))
    m = find(annotated, "Philip Hammond")
    assert m.text == "Foreign Secretary Philip Hammond" and m.label == "PERSON"
    assert m.role == "Foreign Secretary"
    assert any(r.label == "ROLE" and r.text == "Foreign Secretary" for r in annotated.mentions)


def test_abbreviated_ranks_stay_with_the_name(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("Col. Travis Caughlin said the strike hit a depot."))
    m = find(annotated, "Travis Caughlin")
    assert m.text == "Col. Travis Caughlin" and m.role == "Col."


@pytest.mark.parametrize(
    ("text", "mention", "label"),
    [
        ("The talks angered the Iraqi government last week.", "the Iraqi government", "ORG"),
        ("Strikes hit targets in northern Syria on Friday.", "northern Syria", "LOC"),
        ("Fighting went on in the city of Mosul for months.", "the city of Mosul", "LOC"),
        ("The convoy reached Palmyra, Syria, at dawn.", "Palmyra, Syria", "LOC"),
    ],
)
def test_mentions_cover_the_whole_name_as_written(
    extractor: Extractor, text: str, mention: str, label: str
) -> None:
    annotated = extractor.annotate(article(text))
    assert any(m.text == mention and m.label == label for m in annotated.mentions), [
        (m.text, m.label) for m in annotated.mentions
    ]


def test_a_qualified_place_is_looked_up_in_its_country(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("The convoy reached Palmyra, Syria, at dawn."))
    m = find(annotated, "Palmyra, Syria")
    entity = next(e for e in annotated.entities if e.id == m.entity_id)
    place = entity.place
    assert place is not None and place.country == "SY"
    # the ancient town (Tadmur in GeoNames), not a namesake elsewhere
    assert abs(place.lat - 34.56) < 0.2 and abs(place.lon - 38.27) < 0.2


def test_a_pronoun_links_to_the_person_named_before_it(extractor: Extractor) -> None:
    text = "Qassem Suleimani toured the crossing. He told the fighters to stay ready."
    annotated = extractor.annotate(article(text))
    he = next(m for m in annotated.mentions if m.text == "He")
    assert he.label == "PERSON" and he.source == "coreference"
    assert he.entity_id == "qasem-soleimani"


def test_a_pronoun_with_nothing_to_stand_for_is_not_a_mention(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("He said the talks would go on."))
    assert not any(m.source == "coreference" for m in annotated.mentions)


def test_spellings_of_one_name_in_an_article_are_one_entity(bare: Extractor) -> None:
    text = "Hameed Rasouli spoke first. Later Hamid Rasuli answered questions from reporters."
    annotated = bare.annotate(article(text))
    first, second = find(annotated, "Hameed Rasouli"), find(annotated, "Hamid Rasuli")
    assert first.entity_id == second.entity_id


def test_a_new_transliteration_reaches_the_desk_actor(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("Qassim Sulaymani visited the front on Tuesday."))
    assert find(annotated, "Qassim Sulaymani").entity_id == "qasem-soleimani"


def test_a_country_that_acts_is_an_organisation_of_that_country(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("France agreed to send more aircraft to the region."))
    m = find(annotated, "France")
    assert m.label == "ORG"
    entity = next(e for e in annotated.entities if e.id == m.entity_id)
    assert entity.place is not None and entity.place.country == "FR"


def test_descriptions_are_entities_of_their_article_only(extractor: Extractor) -> None:
    annotated = extractor.annotate(article("Aircraft struck two fighting positions near Mosul."))
    m = find(annotated, "two fighting positions")
    assert m.label == "LOC" and m.source == "nominal"
    assert m.entity_id == "loc:fighting-positions@a1"


def test_operations_ships_and_weapons_are_not_actors(extractor: Extractor) -> None:
    text = (
        "Under Operation Inherent Resolve, the USS Mahan sailed north while a VBIED "
        "was destroyed near Mosul."
    )
    annotated = extractor.annotate(article(text))
    texts = {m.text for m in annotated.mentions if m.label in ("PERSON", "ORG", "LOC")}
    assert not texts & {"Operation Inherent Resolve", "Mahan", "USS Mahan", "VBIED"}


def test_coordinates_in_the_text_are_places(extractor: Extractor) -> None:
    annotated = extractor.annotate(
        article("The site lies at 33°30′21″N 36°16′11″E, near Damascus.")
    )
    assert any(m.label == "LOC" and m.text.startswith("33°30′21″N") for m in annotated.mentions)


def test_the_shared_dictionary_knows_the_regions_groups(
    extractor: Extractor, bare: Extractor
) -> None:
    text = "Daesh fighters and the Islamic State of Iraq and the Levant lost ground to the YPG."
    with_dictionary = extractor.annotate(article(text))
    ids = {m.entity_id for m in with_dictionary.mentions if m.label == "ORG"}
    assert "isil" in ids
    assert not any(m.label == "LOC" and m.text == "Levant" for m in with_dictionary.mentions)
    without = bare.annotate(article(text))
    assert "isil" not in {m.entity_id for m in without.mentions}
