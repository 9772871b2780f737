"""The digest writer: which stories, which sentences, in what order, with what notes."""

from __future__ import annotations

from datetime import date

import pytest
from digest_corpus import PERIOD, Corpus, annotate, article

from dragoman.digest import assessment_for, build_digest, format_citations
from dragoman.digest.write import NO_WAY_TO_ASSESS, NOT_CONFIRMED, is_boilerplate
from dragoman.records import Annotated, Bullet, Digest, Event, Sentence, Story


def all_bullets(digest: Digest) -> list[Bullet]:
    return list(digest.overview) + [b for s in digest.sections for b in s.bullets]


def by_story(digest: Digest) -> dict[str, Bullet]:
    return {b.story_id: b for s in digest.sections for b in s.bullets}


@pytest.mark.parametrize(
    ("credibility", "expected"),
    [
        (1, None),
        (2, None),
        (3, None),
        (4, NOT_CONFIRMED),
        (5, NOT_CONFIRMED),
        (6, NO_WAY_TO_ASSESS),
    ],
)
def test_assessment_by_credibility(credibility: int, expected: str | None) -> None:
    assert assessment_for(Story("s", (), credibility=credibility)) == expected


def test_assessment_adds_contradiction() -> None:
    story = Story(
        "s", (), credibility=4, credibility_reason="contradicting reports on the date of the attack"
    )
    assert assessment_for(story) == f"{NOT_CONFIRMED} Reports differ on the date of the attack."


def test_contradiction_alone_on_a_credible_story() -> None:
    story = Story("s", (), credibility=2, credibility_reason="contradicts: casualty figures")
    assert assessment_for(story) == "Reports differ on casualty figures."


def test_other_reasons_add_nothing() -> None:
    story = Story(
        "s", (), credibility=3, credibility_reason="a single outlet, not confirmed by others"
    )
    assert assessment_for(story) is None


def test_sections_follow_arena_priority_and_skip_empty_arenas(digest: Digest) -> None:
    assert [s.arena for s in digest.sections] == ["syria", "iraq", "palestinian"]
    assert digest.sections[0].title == "Iranian Involvement in Syria"


def test_off_period_and_arenaless_stories_are_left_out(digest: Digest) -> None:
    written = {b.story_id for b in all_bullets(digest)}
    assert written == {"s1", "s2", "s3", "s6"}


def test_bullets_in_a_section_by_salience(digest: Digest) -> None:
    assert [b.story_id for b in digest.sections[0].bullets] == ["s1", "s6"]


def test_every_sentence_is_an_exact_article_span(corpus: Corpus, digest: Digest) -> None:
    refs = [r for b in all_bullets(digest) for r in b.sentences]
    assert refs
    for ref in refs:
        assert corpus.articles[ref.article_id].text[ref.start : ref.end] == ref.text


def test_bullet_text_is_sentences_then_citation_then_assessment(digest: Digest) -> None:
    for bullet in all_bullets(digest):
        cited = format_citations(bullet.citations, *PERIOD)
        expected = " ".join(r.shown for r in bullet.sentences) + " " + cited
        if bullet.assessment:
            expected += " " + bullet.assessment
        assert bullet.text == expected


def test_bullet_carries_credibility_assessment_and_anchor(digest: Digest) -> None:
    bullets = by_story(digest)
    assert bullets["s2"].credibility == 4
    assert bullets["s2"].assessment == f"{NOT_CONFIRMED} Reports differ on the date of the meeting."
    assert bullets["s3"].text.endswith(NO_WAY_TO_ASSESS)
    assert bullets["s1"].assessment is None
    assert bullets["s1"].anchor == "story-s1"


def test_bullets_have_two_to_five_sentences(digest: Digest) -> None:
    for bullet in by_story(digest).values():
        assert 2 <= len(bullet.sentences) <= 5


def test_boilerplate_short_and_repeated_sentences_are_dropped(digest: Digest) -> None:
    texts = [r.text for b in all_bullets(digest) for r in b.sentences]
    joined = " ".join(texts)
    for dropped in (
        "Read more",
        "He left soon.",
        "DeirEzzor24 reported.",
        "IRNA said.",
        "Tasnim reported.",
        "Photo:",
    ):
        assert dropped not in joined
    s1 = [r.text for r in by_story(digest)["s1"].sentences]
    # Both articles carry the "met IRGC commanders" sentence; only one of them is kept.
    assert sum("met IRGC commanders" in t for t in s1) == 1


def test_reprint_sentences_are_never_used(digest: Digest) -> None:
    refs = [r for b in all_bullets(digest) for r in b.sentences]
    assert not any(r.article_id in ("a3", "a6") for r in refs)
    assert "coffee" not in " ".join(r.text for r in refs)


def test_sentences_in_article_date_order(digest: Digest) -> None:
    s1 = by_story(digest)["s1"].sentences
    # The Anadolu report (July 27) precedes DeirEzzor24 (July 29).
    assert [r.article_id for r in s1] == sorted(
        (r.article_id for r in s1), key={"a2": 0, "a1": 1}.get
    )
    assert s1[0].article_id == "a2"
    positions = [(r.article_id, r.start) for r in s1 if r.article_id == "a2"]
    assert positions == sorted(positions)


def test_citations_only_from_the_story_originals(corpus: Corpus, digest: Digest) -> None:
    for bullet in all_bullets(digest):
        story = next(s for s in corpus.stories if s.id == bullet.story_id)
        for c in bullet.citations:
            assert c.article_id in story.article_ids
            assert c.article_id not in story.duplicates
            assert corpus.articles[c.article_id].duplicate_of is None
    assert (
        "(the Turkish Anadolu Agency, July 27; DeirEzzor24, July 29)" in by_story(digest)["s1"].text
    )
    assert "(IRNA, July 29-30)" in by_story(digest)["s2"].text
    assert "Fars" not in by_story(digest)["s2"].text


def test_article_without_annotations_is_split_plainly(digest: Digest) -> None:
    s6 = by_story(digest)["s6"]
    assert [r.article_id for r in s6.sentences] == ["a10", "a10"]
    assert s6.sentences[0].text.startswith("The Syrian ambassador")


def test_overview_top_stories_one_sentence_each(digest: Digest) -> None:
    # The top story of each arena, then the next most salient, in section order.
    assert [b.story_id for b in digest.overview] == ["s1", "s6", "s2", "s3"]
    for bullet in digest.overview:
        assert len(bullet.sentences) == 1
        assert bullet.anchor == f"story-{bullet.story_id}"
        full = by_story(digest)[bullet.story_id]
        first = bullet.sentences[0]
        assert (first.article_id, first.start, first.end) in {
            (r.article_id, r.start, r.end) for r in full.sentences
        }
        assert bullet.citations == full.citations


def test_overview_size_is_respected(corpus: Corpus) -> None:
    assert [b.story_id for b in corpus.digest(overview_size=2).overview] == ["s1", "s2"]
    assert corpus.digest(overview_size=0).overview == ()


def test_entity_index_names_people_places_groups_but_not_outlets(digest: Digest) -> None:
    index = digest.entity_index
    assert index["Qasem Soleimani"] == ["story-s1"]
    assert index["Iraj Masjedi"] == ["story-s2"]
    assert sorted(index["Iraq"]) == ["story-s1", "story-s2"]
    assert "Tasnim" not in index


def test_timeline_sorted_dated_events(digest: Digest) -> None:
    rows = list(digest.timeline)
    assert [r["date"] for r in rows] == ["2019-07-25", "2019-08-05"]
    assert rows[0]["anchor"] == "story-s1"
    assert rows[0]["text"].startswith("The commander of the IRGC Qods Force")
    assert rows[1]["story_id"] == "s2"


def test_title_defaults_to_desk_and_can_be_set(corpus: Corpus) -> None:
    assert corpus.digest().title == "Spotlight on Iran"
    assert corpus.digest(title="Weekly note").title == "Weekly note"


def test_stale_sentence_spans_are_repaired_or_skipped(corpus: Corpus) -> None:
    art = corpus.articles["a7"]
    first = art.text.split(". ")[0] + "."
    bad = Annotated(
        article=art,
        sentences=(
            Sentence("a7", 5, 5 + len(first), first),  # shifted span, text still findable
            Sentence("a7", 0, 40, "This sentence is nowhere in the article at all."),
        ),
    )
    digest = build_digest(
        corpus.stories,
        corpus.articles,
        {**corpus.annotations, "a7": bad},
        corpus.outlets,
        corpus.desk,
        *PERIOD,
    )
    s3 = by_story(digest)["s3"]
    assert [(r.start, r.end) for r in s3.sentences] == [(0, len(first))]
    assert art.text[0 : len(first)] == s3.sentences[0].text


def test_story_with_unknown_arena_or_no_articles_does_not_break(corpus: Corpus) -> None:
    extra = [
        Story("x1", ("a1",), arena="antarctica", salience=5.0),
        Story("x2", ("nothing-here",), arena="syria", salience=5.0),
    ]
    digest = build_digest(
        corpus.stories + extra,
        corpus.articles,
        corpus.annotations,
        corpus.outlets,
        corpus.desk,
        *PERIOD,
    )
    assert {b.story_id for b in all_bullets(digest)} == {"s1", "s2", "s3", "s6"}


def test_period_must_not_be_reversed(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        build_digest([], {}, {}, {}, corpus.desk, date(2019, 8, 2), date(2019, 8, 1))


def test_empty_input_gives_empty_digest(corpus: Corpus) -> None:
    digest = build_digest([], {}, {}, {}, corpus.desk, *PERIOD)
    assert digest.sections == () and digest.overview == () and digest.timeline == ()


@pytest.mark.parametrize(
    "text",
    [
        "Tasnim reported.",
        "The Fars news agency reported on Monday.",
        "Read more: the full interview",
        "Source: IRNA",
        "Photo: Soleimani with the fighters of the brigade",
        "According to Tasnim.",
        "Soleimani (center) with commanders of the militia at the crossing",
    ],
)
def test_boilerplate_detected(text: str) -> None:
    assert is_boilerplate(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tasnim reported that Soleimani visited Albu Kamal on July 25.",
        "The sources said the crossing will open in September.",
    ],
)
def test_reporting_with_content_is_not_boilerplate(text: str) -> None:
    assert not is_boilerplate(text)


def test_sentences_with_story_entities_and_events_win_over_filler(corpus: Corpus) -> None:
    text = (
        "The weather in the province was warm this week, residents told the paper. "
        "Markets were busy and traffic was heavy on the main roads of the city. "
        "Shops stayed open late into the evening during the holiday period. "
        "Local football clubs held their training sessions in the stadium as usual. "
        "Qasem Soleimani inspected the Albu Kamal crossing with IRGC officers on July 25."
    )
    art = article("z1", "deirezzor24", date(2019, 8, 2), text)
    start = text.index("Qasem")
    visit = Event("z1", start, len(text), "CONSULT", date=date(2019, 7, 25))
    story = Story("z", ("z1",), arena="syria", credibility=3, salience=0.1)
    digest = build_digest(
        [story],
        {"z1": art},
        {"z1": annotate(art, events=(visit,))},
        corpus.outlets,
        corpus.desk,
        *PERIOD,
    )
    chosen = [r.text for r in digest.sections[0].bullets[0].sentences]
    assert chosen[-1].startswith("Qasem Soleimani inspected")
    assert not any(t.startswith("Local football") for t in chosen)
    # The overview keeps the single best sentence: the one carrying actor, event and date.
    assert digest.overview[0].sentences[0].text.startswith("Qasem Soleimani inspected")


def test_story_of_reprints_only_cites_the_copy_it_quotes(corpus: Corpus) -> None:
    text = (
        "The Iranian ambassador Iraj Masjedi met Iraqi officials in Baghdad on August 5. "
        "They discussed the pilgrimage season and the security of Iranian pilgrims in Iraq."
    )
    copy = article("r1", "fars", date(2019, 8, 6), text, duplicate_of="elsewhere")
    story = Story("r", ("r1",), arena="iraq", credibility=3, salience=0.2)
    digest = build_digest([story], {"r1": copy}, {}, corpus.outlets, corpus.desk, *PERIOD)
    bullet = digest.sections[0].bullets[0]
    assert [c.article_id for c in bullet.citations] == ["r1"]
    assert bullet.text.endswith("(Fars, August 6)")
