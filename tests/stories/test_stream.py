import json

from dragoman.records import Annotated, Event, EventArg, Outlet
from dragoman.stories.cluster import StoryClusterer
from dragoman.stories.stream import StoryGrades, cluster_jsonl

OUTLETS = {
    "wire": Outlet(id="wire", name="the Wire", reliability="B"),
    "blog": Outlet(id="blog", name="the Blog", reliability="E"),
}


def annotate(articles):
    out = []
    for a in articles:
        event = Event(
            a.id,
            0,
            10,
            "CONSULT",
            "040",
            actors=(EventArg("Soleimani", "soleimani", "IRN"),),
            trigger="met",
        )
        out.append(Annotated(article=a, events=(event,)))
    return out


def lines(*docs):
    return [json.dumps(d) for d in docs]


def test_events_and_grades_ride_on_each_line():
    docs = lines(
        {
            "id": "1",
            "outlet": "blog",
            "text": "Soleimani met militia leaders in Albu Kamal on Thursday.",
        },
        {
            "id": "2",
            "outlet": "unknown-site",
            "text": "Soleimani met militia leaders in Albu Kamal, the commander's office said.",
        },
    )
    rows = list(
        cluster_jsonl(docs, StoryClusterer(), annotate, grades=StoryGrades(OUTLETS), events=True)
    )
    assert rows[0]["events"][0]["type"] == "CONSULT" and rows[0]["events"][0]["cameo"] == "040"
    assert rows[0]["grade"]["outlets"] == [{"outlet": "blog", "reliability": "E"}]
    assert "low reliability" in rows[0]["grade"]["reason"]
    # an outlet the registry does not know is graded F
    assert rows[1]["story"] == rows[0]["story"]
    assert {"outlet": "unknown-site", "reliability": "F"} in rows[1]["grade"]["outlets"]


def test_a_rejected_line_gets_no_grade_and_does_not_count():
    grades = StoryGrades(OUTLETS)
    rows = list(
        cluster_jsonl(
            ["{not json", json.dumps({"id": "x", "outlet": "wire", "text": "A report."})],
            StoryClusterer(),
            grades=grades,
        )
    )
    assert rows[0]["story"] is None and "grade" not in rows[0]
    assert rows[1]["grade"]["reports"] == 1
