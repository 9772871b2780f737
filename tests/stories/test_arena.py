from datetime import UTC, datetime

from dragoman.records import Actor, Annotated, Arena, Article, Desk, Mention
from dragoman.stories.arena import ArenaClassifier

DESK = Desk(
    "iran",
    "Spotlight on Iran",
    actors=(Actor("harakat-al-nujaba", "Harakat al-Nujaba'", "ORG", country="IQ"),),
    arenas=(
        Arena(
            "syria", "Iranian Involvement in Syria", involves=("IR",), concerns=("SY",), priority=1
        ),
        Arena(
            "iraq", "Iranian Involvement in Iraq", involves=("IR",), concerns=("IQ",), priority=2
        ),
        Arena(
            "palestinian",
            "Palestinian Arena",
            involves=("IR",),
            concerns=("PS",),
            keywords=("Hamas",),
            priority=3,
        ),
    ),
    country_terms={
        "IR": ("Iran", "Iranian", "Tehran", "IRGC"),
        "SY": ("Syria", "Syrian", "Damascus", "Albu Kamal"),
        "IQ": ("Iraq", "Iraqi", "Baghdad"),
        "PS": ("Palestinian", "Gaza", "Hamas"),
    },
    themes={"economy": ("trade", "investment"), "military": ("militia", "troops")},
)


def one(title, text, *mentions):
    a = Article("a", "o", "", datetime(2019, 8, 1, tzinfo=UTC), title, text)
    return [
        Annotated(
            article=a, mentions=tuple(Mention("a", 0, 1, m, "ORG", entity_id=m) for m in mentions)
        )
    ]


def test_syria_story():
    c = ArenaClassifier(DESK)
    assert (
        c.classify(
            one(
                "Iranian general in Albu Kamal",
                "The IRGC commander toured the Syrian town near Iraq.",
            )
        )
        == "syria"
    )


def test_iraq_story_with_desk_actor_country():
    c = ArenaClassifier(DESK)
    anns = one(
        "Nujaba delegation in Tehran",
        "The Iraqi delegation met Iranian officials in Tehran; Baghdad ties.",
        "harakat-al-nujaba",
    )
    assert c.classify(anns) == "iraq"


def test_palestinian_keywords_outweigh_a_passing_syria_mention():
    c = ArenaClassifier(DESK)
    anns = one(
        "Hamas delegation in Tehran",
        "Iran agreed to raise support to Hamas; Hamas asked Iran to mediate with Syria.",
    )
    assert c.classify(anns) == "palestinian"


def test_no_involved_side_no_arena():
    c = ArenaClassifier(DESK)
    assert (
        c.classify(
            one("Wheat harvest in Syria", "Syrian farmers in Hasakah and Damascus countryside")
        )
        is None
    )


def test_off_topic_iranian_story_has_no_arena():
    c = ArenaClassifier(DESK)
    assert (
        c.classify(
            one("Tehran film festival opens", "Iranian directors showed new films in Tehran.")
        )
        is None
    )


def test_themes():
    c = ArenaClassifier(DESK)
    assert c.themes(one("Trade deal", "Iran and Iraq agreed on investment funds.")) == ("economy",)
