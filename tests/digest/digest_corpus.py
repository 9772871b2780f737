"""A small hand-written corpus for the digest tests, built in code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dragoman.digest import build_digest
from dragoman.digest.write import split_sentences
from dragoman.records import (
    Actor,
    Annotated,
    Arena,
    Article,
    DateMention,
    Desk,
    Digest,
    Entity,
    Event,
    Mention,
    Outlet,
    Story,
)

PERIOD = (date(2019, 7, 28), date(2019, 8, 11))

# Surface form -> (label, entity id); every occurrence in an annotated article becomes a mention.
NAMES = {
    "Qasem Soleimani": ("PERSON", "q-soleimani"),
    "Soleimani": ("PERSON", "q-soleimani"),
    "Albu Kamal": ("LOC", "albu-kamal"),
    "Iraq": ("LOC", "iraq"),
    "Syria": ("LOC", "syria"),
    "IRGC": ("ORG", "irgc"),
    "Iraj Masjedi": ("PERSON", "i-masjedi"),
    "Masjedi": ("PERSON", "i-masjedi"),
    "Baghdad": ("LOC", "baghdad"),
    "Hamas": ("ORG", "hamas"),
    "Tasnim": ("ORG", "tasnim"),
    "Damascus": ("LOC", "damascus"),
}
ENTITY_NAMES = {
    "q-soleimani": "Qasem Soleimani",
    "i-masjedi": "Iraj Masjedi",
}
DATES = {"July 25": date(2019, 7, 25), "August 5": date(2019, 8, 5)}


def ts(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)


def article(
    aid: str, outlet: str, day: date, text: str, duplicate_of: str | None = None
) -> Article:
    return Article(
        id=aid,
        outlet_id=outlet,
        url=f"https://{outlet}.example/{aid}",
        published=ts(day),
        title=f"Report {aid}",
        text=text,
        duplicate_of=duplicate_of,
    )


def annotate(art: Article, events: tuple[Event, ...] = ()) -> Annotated:
    """Mentions for every known name, sentences from the plain splitter, dates by lookup."""
    mentions = []
    taken: list[tuple[int, int]] = []
    for surface in sorted(NAMES, key=len, reverse=True):
        label, eid = NAMES[surface]
        for m in re.finditer(re.escape(surface), art.text):
            if any(m.start() < e and m.end() > s for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            mentions.append(Mention(art.id, m.start(), m.end(), surface, label, eid))
    entities = {
        eid: Entity(
            eid,
            label,
            ENTITY_NAMES.get(eid, surface),
            attributes={"outlet": True} if eid == "tasnim" else {},
        )
        for surface, (label, eid) in NAMES.items()
        if any(m.entity_id == eid for m in mentions)
    }
    dates = [
        DateMention(art.id, m.start(), m.end(), text, value)
        for text, value in DATES.items()
        for m in re.finditer(re.escape(text), art.text)
    ]
    return Annotated(
        article=art,
        sentences=tuple(split_sentences(art)),
        mentions=tuple(sorted(mentions, key=lambda m: m.start)),
        entities=tuple(entities.values()),
        dates=tuple(dates),
        events=events,
    )


@dataclass
class Corpus:
    stories: list[Story]
    articles: dict[str, Article]
    annotations: dict[str, Annotated]
    outlets: dict[str, Outlet]
    desk: Desk

    def digest(self, **kwargs: object) -> Digest:
        return build_digest(
            self.stories,
            self.articles,
            self.annotations,
            self.outlets,
            self.desk,
            PERIOD[0],
            PERIOD[1],
            **kwargs,  # type: ignore[arg-type]
        )


A1 = (
    "The commander of the IRGC Qods Force, Qasem Soleimani, visited the Albu Kamal crossing "
    "between Syria and Iraq on July 25. "
    "Soleimani met IRGC commanders stationed in Albu Kamal and toured the border crossing. "
    "Read more: Iran and the crossing. "
    "He left soon. "
    "DeirEzzor24 reported. "
    "Soleimani told the militia fighters in Albu Kamal to prepare for a confrontation with "
    "the United States."
)
A2 = (
    "Qasem Soleimani toured Albu Kamal on the Syria and Iraq border last week, according to "
    "local sources. "
    "Soleimani met IRGC commanders stationed in Albu Kamal and toured the crossing there. "
    "Photo: fighters of the Fatimiyoun Brigade near Albu Kamal in July 2019. "
    "Turkish officials are following the reopening of the crossing between Syria and Iraq closely."
)
A3 = A1 + " A reposted copy of the same report says Soleimani drank coffee in Albu Kamal."
A4 = (
    "On August 5, the Iranian Ambassador to Baghdad, Iraj Masjedi, met the Speaker of the Iraqi "
    "Parliament in Baghdad. "
    "Masjedi and the Speaker discussed bilateral relations between Iran and Iraq and "
    "developments in the region. "
    "IRNA said."
)
A5 = (
    "Iraj Masjedi also met the Iraqi Minister of Transportation in Baghdad to prepare the "
    "Arbaeen pilgrimage, the Tasnim agency noted. "
    "The two officials agreed to form a joint committee for the Iranian pilgrims to Iraq."
)
A6 = (
    "A copy of the IRNA report on Iraj Masjedi in Baghdad, republished word for word by Fars today."
)
A7 = (
    "Israeli Channel 12 reported that Iran asked Hamas for intelligence on missile depots "
    "<script>alert(1)</script> of the IDF. "
    "The Hamas delegation <img src=x onerror=alert(2)> also asked Iran to mediate with Damascus "
    "on its behalf."
)
A8 = (
    "An older report said that Soleimani visited Albu Kamal in early July before the period. "
    "Fighters in Albu Kamal prepared new positions near the Syria and Iraq border crossing."
)
A9 = (
    "A story without an arena talks about the weather over the Gulf for many days. "
    "The weather was hot and humid along the coast for the whole week."
)
A10 = (
    "The Syrian ambassador to Tehran invited Iranian companies to the Damascus international fair. "
    "He promised incentives to Iranian firms taking part in the reconstruction of Syria. "
    "Tasnim reported."
)


def make_corpus() -> Corpus:
    """The corpus every digest test starts from."""
    outlets = {
        o.id: o
        for o in (
            Outlet("deirezzor24", "DeirEzzor24", reliability="C"),
            Outlet("anadolu", "the Turkish Anadolu Agency", reliability="B"),
            Outlet("syriaweb", "Syria Web", reliability="E"),
            Outlet("irna", "IRNA", reliability="D"),
            Outlet("fars", "Fars", reliability="D"),
            Outlet("channel12", "Israeli Channel 12", reliability="F"),
            Outlet("tasnim", "Tasnim", reliability="D"),
        )
    }
    arts = [
        article("a1", "deirezzor24", date(2019, 7, 29), A1),
        article("a2", "anadolu", date(2019, 7, 27), A2),
        article("a3", "syriaweb", date(2019, 7, 30), A3),
        article("a4", "irna", date(2019, 7, 29), A4),
        article("a5", "irna", date(2019, 7, 30), A5),
        article("a6", "fars", date(2019, 8, 5), A6, duplicate_of="a4"),
        article("a7", "channel12", date(2019, 8, 6), A7),
        article("a8", "deirezzor24", date(2019, 7, 10), A8),
        article("a9", "tasnim", date(2019, 8, 1), A9),
        article("a10", "tasnim", date(2019, 7, 31), A10),
    ]
    articles = {a.id: a for a in arts}
    a7 = articles["a7"]
    articles["a7"] = a7.replace(url="javascript:alert(3)")
    visit = Event(
        "a1", 0, A1.index(" Soleimani met"), "CONSULT", date=date(2019, 7, 25), trigger="visited"
    )
    meeting = Event(
        "a4", 0, A4.index(" Masjedi and"), "CONSULT", date=date(2019, 8, 5), trigger="met"
    )
    annotations = {
        aid: annotate(art, events=(visit,) if aid == "a1" else ())
        for aid, art in articles.items()
        if aid != "a10"  # one article arrives without annotations
    }
    desk = Desk(
        id="iran",
        title="Spotlight on Iran",
        actors=(Actor("q-soleimani", "Qasem Soleimani", "PERSON"),),
        arenas=(
            Arena("palestinian", "Iranian Involvement in the Palestinian Arena", priority=3),
            Arena("syria", "Iranian Involvement in Syria", priority=1),
            Arena("iraq", "Iranian Involvement in Iraq", priority=2),
            Arena("yemen", "Iranian Involvement in Yemen", priority=4),
        ),
    )
    stories = [
        Story(
            "s1",
            ("a1", "a2", "a3"),
            ts(date(2019, 7, 27)),
            ts(date(2019, 7, 30)),
            "syria",
            credibility=2,
            salience=0.9,
            duplicates={"a3": "a1"},
        ),
        Story(
            "s2",
            ("a4", "a5", "a6"),
            ts(date(2019, 7, 29)),
            ts(date(2019, 8, 5)),
            "iraq",
            events=(meeting,),
            credibility=4,
            credibility_reason="contradicting reports on the date of the meeting",
            salience=0.7,
        ),
        Story(
            "s3",
            ("a7",),
            ts(date(2019, 8, 6)),
            ts(date(2019, 8, 6)),
            "palestinian",
            credibility=6,
            credibility_reason="a single outlet citing an anonymous source",
            salience=0.5,
        ),
        Story(
            "s4",
            ("a8",),
            ts(date(2019, 7, 10)),
            ts(date(2019, 7, 10)),
            "syria",
            credibility=3,
            salience=1.0,
        ),
        Story(
            "s5",
            ("a9",),
            ts(date(2019, 8, 1)),
            ts(date(2019, 8, 1)),
            None,
            credibility=3,
            salience=0.95,
        ),
        Story(
            "s6",
            ("a10", "missing-article"),
            ts(date(2019, 7, 31)),
            ts(date(2019, 7, 31)),
            "syria",
            credibility=3,
            salience=0.3,
        ),
    ]
    return Corpus(stories, articles, annotations, outlets, desk)
