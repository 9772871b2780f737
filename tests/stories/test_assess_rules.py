"""Tests for each credibility rule, each kind of contradiction and salience novelty."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dragoman.records import (
    Actor,
    Annotated,
    Article,
    Desk,
    Entity,
    Event,
    EventArg,
    Mention,
    Outlet,
    Place,
    Story,
)
from dragoman.stories.assess import (
    CredibilityRules,
    SalienceWeights,
    assess_story,
    contradictions,
    disagreement,
    familiarity,
    figures,
    grade_story,
    independent_outlets,
    known_items,
    salience,
    story_items,
)

T0 = datetime(2019, 7, 27, 8, tzinfo=UTC)
OUTLETS = {
    "fars": Outlet("fars", "Fars", reliability="C", owner="IRGC-affiliated media"),
    "tasnim": Outlet("tasnim", "Tasnim", reliability="C", owner="IRGC-affiliated  Media"),
    "irna": Outlet("irna", "IRNA", reliability="B", owner="Government of Iran"),
    "anadolu": Outlet("anadolu", "the Turkish Anadolu Agency", reliability="B"),
    "dez": Outlet("dez", "DeirEzzor24", reliability="C"),
    "ch12": Outlet("ch12", "Israeli Channel 12", reliability="B"),
    "fatim": Outlet("fatim", "the Fatimiyoun channel", reliability="D"),
    "fake": Outlet("fake", "Fabricator", reliability="E"),
    "agg": Outlet("agg", "Aggregator", reliability="F"),
    "ap": Outlet("ap", "AP", reliability="A"),
}
SOLEIMANI = (EventArg("Soleimani", "qasem-soleimani"),)
PLACES = {
    "albu-kamal": Entity(
        "albu-kamal", "LOC", "Albu Kamal", place=Place("Albu Kamal", 34.45, 40.92)
    ),
    "al-qaim": Entity("al-qaim", "LOC", "al-Qaim", place=Place("al-Qaim", 34.37, 41.09)),
    "deir-ezzor": Entity(
        "deir-ezzor", "LOC", "Deir Ezzor", place=Place("Deir Ezzor", 35.33, 40.14)
    ),
}


def ann(
    aid,
    outlet,
    text="Officials met in the capital.",
    dup=None,
    events=(),
    hours=0,
    entities=(),
    mentions=(),
):
    art = Article(
        aid,
        outlet,
        f"https://t.test/{aid}",
        T0 + timedelta(hours=hours),
        "title",
        text,
        duplicate_of=dup,
    )
    return Annotated(
        article=art, events=tuple(events), entities=tuple(entities), mentions=tuple(mentions)
    )


def visit(aid, day=None, place=None, mode="asserted", kind="CONSULT"):
    return Event(aid, 0, 10, kind, mode=mode, actors=SOLEIMANI, date=day, place=place)


D25 = date(2019, 7, 25)


def desk_with(**sections) -> Desk:
    return Desk("d", "D", **sections)


# --- corroboration -----------------------------------------------------------------------------


def test_confirmed_needs_three_independent_outlets():
    g = grade_story(
        [ann("1", "fars"), ann("2", "anadolu", hours=5), ann("3", "dez", hours=9)], OUTLETS
    )
    assert g.credibility == 1
    assert (
        g.reason
        == "confirmed by three independent outlets (Fars, the Turkish Anadolu Agency, DeirEzzor24)"
    )


def test_two_independent_outlets_are_probably_true():
    g = grade_story([ann("1", "anadolu", hours=2), ann("2", "dez")], OUTLETS)
    assert (g.credibility, g.reason) == (
        2,
        "reported by two independent outlets (DeirEzzor24, the Turkish Anadolu Agency)",
    )


def test_outlets_of_one_owner_count_once_despite_spelling():
    anns = [ann("1", "fars"), ann("2", "tasnim", hours=1)]
    assert independent_outlets(anns, OUTLETS) == ("fars",)
    g = grade_story(anns, OUTLETS)
    assert g.credibility == 3 and g.reason.startswith("a single outlet (Fars, reliability C)")


def test_owner_counted_once_among_others():
    anns = [ann("1", "fars"), ann("2", "tasnim", hours=1), ann("3", "irna", hours=2)]
    g = grade_story(anns, OUTLETS)
    assert g.independent == ("fars", "irna") and g.credibility == 2


def test_reprints_count_once_whoever_reprints():
    anns = [
        ann("1", "dez"),
        ann("2", "anadolu", dup="1", hours=3),
        ann("3", "irna", dup="2", hours=4),
    ]
    g = grade_story(anns, OUTLETS)
    assert g.independent == ("dez",) and g.credibility == 3
    assert g.reason == "a single outlet (DeirEzzor24, reliability C), not confirmed by others"


def test_a_story_of_reprints_only_cannot_be_judged():
    g = grade_story([ann("1", "dez", dup="0")], OUTLETS)
    assert (g.credibility, g.reason) == (6, "no original report")


@pytest.mark.parametrize(
    ("outlet", "grade"), [("ap", 3), ("irna", 3), ("dez", 3), ("fatim", 4), ("fake", 4), ("agg", 6)]
)
def test_single_outlet_grade_follows_its_reliability(outlet, grade):
    g = grade_story([ann("1", outlet)], OUTLETS)
    assert g.credibility == grade
    assert "not confirmed by others" in g.reason
    if grade == 4:
        assert "of low reliability" in g.reason
    if grade == 6:
        assert "reliability cannot be judged" in g.reason


def test_desk_thresholds_change_the_grades():
    desk = desk_with(
        credibility={
            "confirmed_outlets": 4,
            "probable_outlets": 3,
            "single_outlet_grades": {"C": 4},
        }
    )
    three = [ann("1", "fars"), ann("2", "anadolu", hours=1), ann("3", "dez", hours=2)]
    assert grade_story(three, OUTLETS, desk=desk).credibility == 2
    two = grade_story(three[:2], OUTLETS, desk=desk)
    assert two.credibility == 3 and "too few to count as corroboration" in two.reason
    assert grade_story([ann("1", "dez")], OUTLETS, desk=desk).credibility == 4
    rules = CredibilityRules(confirmed_outlets=2)
    assert grade_story(three[:2], OUTLETS, rules=rules).credibility == 1


# --- anonymous sources -------------------------------------------------------------------------


ARAB_SOURCE = "Channel 12 reported, citing an Arab source, that Iran raised its support to Hamas."


def test_single_outlet_on_an_anonymous_source_cannot_be_judged():
    g = grade_story([ann("1", "ch12", text=ARAB_SOURCE)], OUTLETS)
    assert g.credibility == 6 and g.anonymous
    assert (
        g.reason
        == "a single outlet (Israeli Channel 12, reliability B) whose report rests on an anonymous source"
    )


def test_desk_phrases_extend_the_anonymous_patterns():
    text = "A person close to the militia said the convoy left at dawn."
    assert grade_story([ann("1", "ap", text=text)], OUTLETS).credibility == 3
    desk = desk_with(credibility={"anonymous_phrases": ["person close to the militia"]})
    assert grade_story([ann("1", "ap", text=text)], OUTLETS, desk=desk).credibility == 6


def test_builtin_anonymous_patterns_can_be_switched_off():
    desk = desk_with(credibility={"builtin_anonymous_phrases": False})
    g = grade_story([ann("1", "ch12", text=ARAB_SOURCE)], OUTLETS, desk=desk)
    assert g.credibility == 3 and not g.anonymous


def test_several_outlets_all_on_anonymous_sources_are_at_best_possibly_true():
    anns = [
        ann("1", "ch12", text=ARAB_SOURCE),
        ann("2", "ap", text="Informed sources said the sum doubled.", hours=2),
    ]
    g = grade_story(anns, OUTLETS)
    assert g.credibility == 3 and g.reason.endswith("all resting on anonymous sources")
    named = [anns[0], ann("2", "ap", text="The finance ministry said the sum doubled.", hours=2)]
    assert grade_story(named, OUTLETS).credibility == 2


# --- contradictions ----------------------------------------------------------------------------


def test_dates_far_enough_apart_contradict():
    anns = [
        ann("1", "dez", events=[visit("1", date(2019, 7, 25))]),
        ann("2", "anadolu", events=[visit("2", date(2019, 7, 27))]),
    ]
    g = grade_story(anns, OUTLETS)
    assert g.credibility == 4 and g.contradictions == ("the date (July 25 vs July 27)",)
    assert g.reason == (
        "reported by two independent outlets (DeirEzzor24, the Turkish Anadolu Agency), "
        "but the reports disagree on the date (July 25 vs July 27)"
    )


def test_dates_a_day_apart_or_shared_do_not_contradict():
    near = [
        ann("1", "dez", events=[visit("1", date(2019, 7, 25))]),
        ann("2", "anadolu", events=[visit("2", date(2019, 7, 26))]),
    ]
    assert grade_story(near, OUTLETS).credibility == 2
    # one outlet gives two dates, one of which the other shares: they agree on it
    both = [
        ann("1", "dez", events=[visit("1", date(2019, 7, 25)), visit("1", date(2019, 7, 29))]),
        ann("2", "anadolu", events=[visit("2", date(2019, 7, 25))]),
    ]
    assert contradictions(both) == ()
    strict = CredibilityRules(contradiction_days=1)
    assert contradictions(near, strict) == ("the date (July 25 vs July 26)",)


def test_dates_of_negated_statements_or_reprints_do_not_count():
    negated = [
        ann("1", "dez", events=[visit("1", date(2019, 7, 20), mode="negated")]),
        ann("2", "anadolu", events=[visit("2", date(2019, 7, 27))]),
    ]
    assert contradictions(negated) == ()
    reprint = [
        ann("1", "dez", events=[visit("1", date(2019, 7, 20))]),
        ann("2", "anadolu", dup="1", events=[visit("2", date(2019, 7, 27))]),
    ]
    assert contradictions(reprint) == ()


def test_places_far_apart_contradict():
    anns = [
        ann(
            "1",
            "dez",
            events=[visit("1", D25, place="albu-kamal")],
            entities=[PLACES["albu-kamal"]],
        ),
        ann(
            "2",
            "anadolu",
            events=[visit("2", D25, place="deir-ezzor")],
            entities=[PLACES["deir-ezzor"]],
        ),
    ]
    g = grade_story(anns, OUTLETS)
    assert g.credibility == 4 and g.contradictions == ("the place (Albu Kamal vs Deir Ezzor)",)
    assert g.reason.endswith("but the reports disagree on the place (Albu Kamal vs Deir Ezzor)")
    assert contradictions(anns, CredibilityRules(contradiction_km=200)) == ()


def test_places_on_other_days_or_of_whole_countries_do_not_contradict():
    iraq = Entity(
        "iraq",
        "LOC",
        "Iraq",
        place=Place("Iraq", 33.0, 44.0, feature_class="A", precision="country"),
    )
    other_day = [
        ann(
            "1",
            "dez",
            events=[visit("1", D25, place="albu-kamal")],
            entities=[PLACES["albu-kamal"]],
        ),
        ann(
            "2",
            "anadolu",
            events=[visit("2", date(2019, 7, 26), place="deir-ezzor")],
            entities=[PLACES["deir-ezzor"]],
        ),
    ]
    assert contradictions(other_day) == ()
    undated = [
        ann("1", "dez", events=[visit("1", place="albu-kamal")], entities=[PLACES["albu-kamal"]]),
        ann(
            "2", "anadolu", events=[visit("2", place="deir-ezzor")], entities=[PLACES["deir-ezzor"]]
        ),
    ]
    assert contradictions(undated) == ()
    country = [
        ann(
            "1",
            "dez",
            events=[visit("1", D25, place="albu-kamal")],
            entities=[PLACES["albu-kamal"]],
        ),
        ann("2", "anadolu", events=[visit("2", D25, place="iraq")], entities=[iraq]),
    ]
    assert contradictions(country) == ()


def test_nearby_places_agree_and_desk_places_are_used():
    near = [
        ann(
            "1",
            "dez",
            events=[visit("1", D25, place="albu-kamal")],
            entities=[PLACES["albu-kamal"]],
        ),
        ann(
            "2", "anadolu", events=[visit("2", D25, place="al-qaim")], entities=[PLACES["al-qaim"]]
        ),
    ]
    assert contradictions(near) == ()
    # the places are known only to the desk here
    desk = Desk(
        "d",
        "D",
        actors=(
            Actor("albu-kamal", "Albu Kamal", "LOC", lat=34.45, lon=40.92),
            Actor("deir-ezzor", "Deir Ezzor", "LOC", lat=35.33, lon=40.14),
        ),
    )
    far = [
        ann("1", "dez", events=[visit("1", D25, place="albu-kamal")]),
        ann("2", "anadolu", events=[visit("2", D25, place="deir-ezzor")]),
    ]
    assert contradictions(far) == ()
    assert contradictions(far, desk=desk) == ("the place (Albu Kamal vs Deir Ezzor)",)


def test_figures_are_read_simply():
    text = (
        "An airstrike killed 12 people near Albu Kamal in 2019. At least 30 were wounded. "
        "Police arrested 17 protesters. Soleimani met one of the commanders. "
        "Iran pledged $30 million. The death toll rose to fifteen."
    )
    assert figures(text) == [("killed", 12), ("wounded", 30), ("arrested", 17), ("killed", 15)]
    assert figures("Five Iranian military advisers were killed and 3,500 civilians fled.") == [
        ("killed", 5),
        ("people", 3500),
    ]


def test_casualty_figures_that_differ_contradict():
    anns = [
        ann("1", "dez", text="The strike killed 12 fighters of the militia."),
        ann("2", "anadolu", text="Thirty fighters were killed in the strike.", hours=6),
    ]
    g = grade_story(anns, OUTLETS)
    assert g.credibility == 4 and g.contradictions == ("the casualty figures (12 vs 30 killed)",)
    assert contradictions(anns, CredibilityRules(figure_ratio=3.0)) == ()


def test_close_figures_updated_tolls_and_other_counts_do_not_contradict():
    close = [
        ann("1", "dez", text="The strike killed 12 fighters."),
        ann("2", "anadolu", text="The strike killed 14 fighters."),
    ]
    assert contradictions(close) == ()
    later = [
        ann("1", "dez", text="The strike killed 12 fighters."),
        ann("2", "anadolu", text="The death toll rose to 40.", hours=96),
    ]
    assert contradictions(later) == ()
    kinds = [
        ann("1", "dez", text="The strike killed 12 fighters."),
        ann("2", "anadolu", text="The strike wounded 40 fighters."),
    ]
    assert contradictions(kinds) == ()
    same_outlet = [
        ann("1", "dez", text="The strike killed 12 fighters."),
        ann("2", "dez", text="It killed 40 fighters."),
    ]
    assert contradictions(same_outlet) == ()


def test_several_contradictions_are_named_together():
    anns = [
        ann(
            "1",
            "dez",
            text="The strike killed 12 fighters.",
            events=[visit("1", date(2019, 7, 25))],
        ),
        ann(
            "2",
            "anadolu",
            text="The strike killed 30 fighters.",
            events=[visit("2", date(2019, 7, 28))],
        ),
    ]
    g = grade_story(anns, OUTLETS)
    assert g.reason.endswith(
        "but the reports disagree on the date (July 25 vs July 28) and the casualty figures (12 vs 30 killed)"
    )
    assert (
        grade_story(anns, OUTLETS, rules=CredibilityRules(contradiction_grade=5)).credibility == 5
    )


def test_disagreement_reads_new_and_old_reasons():
    g = grade_story(
        [
            ann("1", "dez", events=[visit("1", date(2019, 7, 25))]),
            ann("2", "anadolu", events=[visit("2", date(2019, 7, 27))]),
        ],
        OUTLETS,
    )
    assert disagreement(g.reason) == "the date (July 25 vs July 27)"
    assert (
        disagreement("contradicting reports on the date of the meeting")
        == "the date of the meeting"
    )
    assert (
        disagreement("a single outlet (DeirEzzor24, reliability C), not confirmed by others")
        is None
    )


# --- salience ----------------------------------------------------------------------------------


def _mention(aid, entity, label="PERSON"):
    return Mention(aid, 0, 5, entity, label, entity_id=entity)


def _story_anns():
    ms = [
        _mention("1", "qasem-soleimani"),
        _mention("1", "qasem-soleimani"),
        _mention("1", "albu-kamal", "LOC"),
    ]
    return [
        ann("1", "dez", events=[visit("1")], mentions=ms),
        ann(
            "2",
            "anadolu",
            events=[visit("2")],
            mentions=[_mention("2", "qasem-soleimani")],
            hours=3,
        ),
    ]


DESK = Desk("d", "D", actors=(Actor("qasem-soleimani", "Qasem Soleimani", "PERSON"),))


def test_salience_without_previous_period_is_unchanged():
    anns = _story_anns()
    events = [e for a in anns for e in a.events]
    base = salience(anns, events, ("dez", "anadolu"), DESK)
    assert base == salience(anns, events, ("dez", "anadolu"), DESK, None)
    assert base == salience(anns, events, ("dez", "anadolu"), DESK, [])
    assert base == round(1.5 * 1.0986123 + 0.5 * 1.0986123 + 0.25 * 1 + 0.5, 4)


def test_a_story_already_seen_scores_lower():
    anns = _story_anns()
    events = [e for a in anns for e in a.events]
    items = story_items(anns)
    assert items == {"qasem-soleimani", "albu-kamal", "event:CONSULT:qasem-soleimani"}
    fresh = salience(anns, events, ("dez", "anadolu"), DESK, ["hamas"])
    partly = salience(anns, events, ("dez", "anadolu"), DESK, ["qasem-soleimani"])
    repeat = salience(anns, events, ("dez", "anadolu"), DESK, items)
    assert fresh > partly > repeat
    assert round(fresh - repeat, 4) == 1.0  # the whole repeat penalty
    assert familiarity(anns, ["qasem-soleimani"]) == pytest.approx(1 / 3)


def test_previous_stories_count_as_seen():
    anns = _story_anns()
    earlier = Story("old", ("x",), events=(visit("x", place="albu-kamal"),))
    assert known_items([earlier]) == {
        "qasem-soleimani",
        "albu-kamal",
        "event:CONSULT:qasem-soleimani",
    }
    assert familiarity(anns, [earlier]) == 1.0
    story = assess_story("s", anns, OUTLETS, DESK, None, previous=[earlier])
    plain = assess_story("s", anns, OUTLETS, DESK, None)
    assert plain.salience - story.salience == pytest.approx(1.0)


def test_desk_weights_and_severity_table_apply():
    anns = _story_anns()
    events = [e for a in anns for e in a.events]
    no_penalty = desk_with(actors=DESK.actors, salience={"repeat_penalty": 0.0})
    items = story_items(anns)
    assert salience(anns, events, ("dez",), no_penalty, items) == salience(
        anns, events, ("dez",), no_penalty
    )
    graver = desk_with(actors=DESK.actors, salience={"severity_table": {"CONSULT": 1.5}})
    assert salience(anns, events, ("dez",), graver) - salience(
        anns, events, ("dez",), DESK
    ) == pytest.approx(1.0)
    w = SalienceWeights(
        desk_actors=0.0, independent_outlets=0.0, original_articles=0.0, severity=0.0
    )
    assert salience(anns, events, ("dez",), DESK, weights=w) == 0.0


def test_country_level_places_do_not_make_a_story_familiar():
    iran = Entity("iran", "LOC", "Iran", place=Place("Iran", 32.0, 53.0, precision="country"))
    anns = [
        ann(
            "1",
            "dez",
            mentions=[_mention("1", "iran", "LOC"), _mention("1", "hamas", "ORG")],
            entities=[iran],
        )
    ]
    assert story_items(anns) == {"hamas"}
