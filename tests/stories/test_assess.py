from datetime import UTC, date, datetime, timedelta

from dragoman.records import Annotated, Arena, Article, Desk, Event, EventArg, Outlet
from dragoman.stories.assess import assess_story, grade_story, independent_outlets

T0 = datetime(2019, 7, 27, tzinfo=UTC)
OUTLETS = {
    "a": Outlet("a", "Agency A", reliability="B"),
    "b": Outlet("b", "Site B", reliability="C"),
    "c": Outlet("c", "Paper C", reliability="B", owner="group"),
    "d": Outlet("d", "Channel D", reliability="B", owner="group"),
    "m": Outlet("m", "Militia channel", reliability="D"),
    "x": Outlet("x", "Unknown", reliability="F"),
}


def ann(aid, outlet, text="The delegation met officials.", dup=None, events=(), days=0):
    a = Article(
        aid, outlet, f"https://t.test/{aid}", T0 + timedelta(days=days), "t", text, duplicate_of=dup
    )
    return Annotated(article=a, events=tuple(events))


def test_three_independent_outlets_confirm():
    g = grade_story([ann("1", "a"), ann("2", "b"), ann("3", "c")], OUTLETS)
    assert g.credibility == 1
    assert g.reason == "confirmed by three independent outlets (Agency A, Site B, Paper C)"


def test_outlets_of_one_owner_count_once():
    anns = [ann("1", "c"), ann("2", "d")]
    assert independent_outlets(anns, OUTLETS) == ("c",)
    assert grade_story(anns, OUTLETS).credibility == 3


def test_reprints_do_not_count():
    g = grade_story([ann("1", "a"), ann("2", "b", dup="1")], OUTLETS)
    assert g.credibility == 3 and g.independent == ("a",)


def test_two_outlets_probably_true():
    assert grade_story([ann("1", "a"), ann("2", "b")], OUTLETS).credibility == 2


def test_single_low_reliability_outlet_is_doubtful():
    g = grade_story([ann("1", "m")], OUTLETS)
    assert g.credibility == 4 and "low reliability" in g.reason


def test_single_unknown_outlet_cannot_be_judged():
    assert grade_story([ann("1", "x")], OUTLETS).credibility == 6


def test_anonymous_source_single_outlet_cannot_be_judged():
    g = grade_story(
        [
            ann(
                "1",
                "a",
                text="The channel reported, citing an Arab source, that Iran raised its support.",
            )
        ],
        OUTLETS,
    )
    assert g.credibility == 6 and g.anonymous and "anonymous" in g.reason


def test_contradicting_dates_are_named():
    actor = (EventArg("Soleimani", "qasem-soleimani"),)
    e1 = Event("1", 0, 10, "CONSULT", actors=actor, date=date(2019, 7, 25))
    e2 = Event("2", 0, 10, "CONSULT", actors=actor, date=date(2019, 7, 22))
    g = grade_story([ann("1", "a", events=[e1]), ann("2", "b", events=[e2])], OUTLETS)
    assert g.credibility == 4
    assert g.reason.endswith("but the reports disagree on the date (July 22 vs July 25)")


def test_assess_story_fills_the_record():
    desk = Desk("d", "D", arenas=(Arena("syria", "Syria"),))
    anns = [ann("1", "a", days=1), ann("2", "b"), ann("3", "m", dup="2", days=2)]
    story = assess_story("s1", anns, OUTLETS, desk, "syria")
    assert story.article_ids == ("2", "1", "3")
    assert story.first_seen == T0 and story.last_seen == T0 + timedelta(days=2)
    assert story.duplicates == {"3": "2"}
    assert story.outlet_grades == {"a": "B", "b": "C", "m": "D"}
    assert story.credibility == 2 and story.salience > 0
