from datetime import UTC, date, datetime

from dragoman.records import (
    Actor,
    Annotated,
    Article,
    Bullet,
    Citation,
    Digest,
    Entity,
    Event,
    EventArg,
    Feed,
    Mention,
    Outlet,
    Place,
    Role,
    Section,
    SentenceRef,
    Story,
)


def roundtrip(record):
    assert type(record).from_dict(record.to_dict()) == record


def test_records_round_trip():
    art = Article(
        "a1",
        "irna",
        "https://irna.ir/x",
        datetime(2019, 7, 29, 8, tzinfo=UTC),
        "T",
        "Body",
    )
    roundtrip(art)
    roundtrip(
        Outlet(
            "irna",
            "IRNA",
            ("Islamic Republic News Agency",),
            "IR",
            feeds=(Feed("https://irna.ir/rss"),),
        )
    )
    roundtrip(
        Actor(
            "iraj-masjedi",
            "Iraj Masjedi",
            "PERSON",
            roles=(Role("Ambassador", "Iran", "Baghdad", date(2017, 1, 1)),),
        )
    )
    ent = Entity(
        "albu-kamal",
        "LOC",
        "Albu Kamal",
        ("Abu Kamal",),
        {"country": "SY"},
        Place("Albu Kamal", 34.45, 40.92, "SY", "P"),
    )
    ev = Event(
        "a1",
        0,
        4,
        "CONSULT",
        "040",
        actors=(EventArg("Masjedi", "iraj-masjedi", "IR"),),
        date=date(2019, 8, 5),
    )
    roundtrip(
        Annotated(
            art, mentions=(Mention("a1", 0, 4, "Body", "PERSON"),), entities=(ent,), events=(ev,)
        )
    )
    roundtrip(
        Story(
            "s1",
            ("a1",),
            art.published,
            art.published,
            "iraq",
            events=(ev,),
            duplicates={"b": "a1"},
        )
    )
    b = Bullet(
        "x", "s1", (SentenceRef("Body", "a1", 0, 4),), (Citation("IRNA", date(2019, 7, 29), "a1"),)
    )
    roundtrip(
        Digest("D", date(2019, 7, 25), date(2019, 8, 7), (b,), (Section("Iraq", "iraq", (b,)),))
    )


def test_to_dict_is_json_ready():
    import json

    art = Article("a1", "irna", "", datetime(2019, 7, 29, tzinfo=UTC), "T", "B")
    assert json.loads(json.dumps(art.to_dict()))["published"] == "2019-07-29T00:00:00+00:00"
