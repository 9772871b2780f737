"""The digest links the people, organisations and places a bullet names to their entities."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from dragoman.digest import build_digest, digest_to_json, load_schema, render
from dragoman.digest.links import entity_links
from dragoman.records import (
    Annotated,
    Arena,
    Article,
    Bullet,
    Desk,
    Digest,
    Entity,
    EntityLink,
    Mention,
    Outlet,
    Place,
    Section,
    SentenceRef,
    Story,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "digest"
PERIOD = (date(2019, 7, 28), date(2019, 8, 11))
HOSTILE = '<script>alert("x")</script> Brigade & "Co"'


class Tags(HTMLParser):
    """Start tags with their attributes, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


@pytest.fixture
def annotated() -> Annotated:
    data = json.loads((DATA / "annotated_visit.json").read_text(encoding="utf-8"))
    return Annotated.from_dict(data)


def write(annotated: Annotated) -> Digest:
    art = annotated.article
    arena = Arena("syria", "Iranian Involvement in Syria")
    desk = Desk("iran", "Spotlight on Iran", arenas=(arena,))
    story = Story("v1", (art.id,), art.published, art.published, "syria", credibility=3)
    outlets = {"tasnim": Outlet("tasnim", "Tasnim", reliability="D")}
    return build_digest(
        [story], {art.id: art}, {art.id: annotated}, outlets, desk, PERIOD[0], PERIOD[1]
    )


def links_of(bullet: Bullet) -> dict[str, EntityLink]:
    return {link.id: link for link in bullet.entities}


def test_bullet_links_its_person_and_place_with_ids_and_coordinates(
    annotated: Annotated,
) -> None:
    bullet = write(annotated).sections[0].bullets[0]
    links = links_of(bullet)
    person = links["q-soleimani"]
    assert (person.name, person.type) == ("Qasem Soleimani", "PERSON")
    assert person.mentions[0] == "Qassem Suleimani"
    assert person.role == "commander of the Qods Force"
    place = links["albu-kamal"]
    assert (place.name, place.type) == ("Albu Kamal", "LOC")
    assert place.place is not None
    assert (place.place.lat, place.place.lon, place.place.country) == (34.4536, 40.9367, "SY")
    assert place.place.precision == "exact"
    assert person.place is None
    # Every span points at the very words the bullet prints.
    for link in bullet.entities:
        for start, end in link.spans:
            assert bullet.text[start:end] in link.mentions


def test_links_come_in_order_of_first_appearance_once_each(annotated: Annotated) -> None:
    bullet = write(annotated).sections[0].bullets[0]
    ids = [link.id for link in bullet.entities]
    assert len(ids) == len(set(ids))
    firsts = [link.spans[0][0] for link in bullet.entities]
    assert firsts == sorted(firsts)
    assert ids[:3] == ["qods-force", "q-soleimani", "albu-kamal"]


def test_outlets_dates_roles_and_stale_mentions_are_not_linked(annotated: Annotated) -> None:
    bullet = write(annotated).sections[0].bullets[0]
    ids = set(links_of(bullet))
    assert not any(i.startswith("outlet:") for i in ids)
    assert "h-nasrallah" not in ids  # its offsets point at other words
    assert {link.type for link in bullet.entities} <= {"PERSON", "ORG", "LOC", "NORP"}
    assert all("July 25" not in link.mentions for link in bullet.entities)
    # The role span holds "Qods Force": the role is skipped, the force inside it is linked.
    assert links_of(bullet)["qods-force"].mentions == ("Qods Force",)


def test_dateline_left_out_of_the_sentence_is_not_linked(annotated: Annotated) -> None:
    bullet = write(annotated).sections[0].bullets[0]
    first = bullet.sentences[0]
    assert first.text.startswith("The commander of the Qods Force")
    assert first.start > 0
    assert "deir-ezzor" not in links_of(bullet)


def test_spans_follow_the_sentences_into_the_bullet_text(annotated: Annotated) -> None:
    text = annotated.article.text
    sents = annotated.sentences
    # Sentences in a different order than in the article, the second one trimmed at the start.
    second = sents[1]
    trimmed = SentenceRef(text[second.start + 4 : second.end], "k1", second.start + 4, second.end)
    third, first = (SentenceRef(s.text, s.article_id, s.start, s.end) for s in (sents[2], sents[0]))
    refs = (third, trimmed, first)
    links = {link.id: link for link in entity_links(refs, {"k1": annotated})}
    joined = " ".join(r.text for r in refs)
    base_third = len(refs[0].text) + 1 + len(refs[1].text) + 1
    # "Suleimani" begins the second sentence: its first letters are cut, so it is not linked.
    assert "Suleimani" not in links["q-soleimani"].mentions
    assert links["q-soleimani"].spans == ((base_third + 46, base_third + 62),)
    bukamal = text.index("al-Bukamal") - trimmed.start + len(refs[0].text) + 1
    assert links["albu-kamal"].spans[0] == (bukamal, bukamal + len("al-Bukamal"))
    assert links["albu-kamal"].mentions == ("al-Bukamal", "Albu Kamal")
    assert links["norp:iranian"].spans == ((0, 7),)
    for link in links.values():
        for start, end in link.spans:
            assert joined[start:end] in link.mentions


def test_nested_mentions_keep_the_longer_one() -> None:
    text = "The Popular Mobilization Units of Iraq met in Baghdad on Monday."
    art = Article("n1", "x", "", None, "", text)
    pmu = "Popular Mobilization Units of Iraq"
    mentions = (
        Mention("n1", 4, 4 + len(pmu), pmu, "ORG", "pmu"),
        Mention("n1", text.index("Iraq"), text.index("Iraq") + 4, "Iraq", "LOC", "iraq"),
        Mention("n1", text.index("Baghdad"), text.index("Baghdad") + 7, "Baghdad", "GPE", None),
    )
    ann = Annotated(art, mentions=mentions, entities=(Entity("pmu", "ORG", "PMU"),))
    links = entity_links((SentenceRef(text, "n1", 0, len(text)),), {"n1": ann})
    assert [link.id for link in links] == ["pmu", "loc:baghdad"]
    # An unresolved name keeps its surface form as its name, and GPE reads as a place.
    assert (links[1].name, links[1].type) == ("Baghdad", "LOC")


def test_bullet_with_links_round_trips_through_a_dict(annotated: Annotated) -> None:
    bullet = write(annotated).sections[0].bullets[0]
    assert bullet.entities
    again = Bullet.from_dict(json.loads(json.dumps(bullet.to_dict())))
    assert again == bullet
    assert isinstance(again.entities[0].spans[0], tuple)


def test_overview_bullet_links_its_one_sentence(annotated: Annotated) -> None:
    digest = write(annotated)
    (over,) = digest.overview
    assert over.entities
    for link in over.entities:
        for start, end in link.spans:
            assert over.text[start:end] in link.mentions
            assert end <= len(over.sentences[0].text)


def test_json_carries_entities_and_validates(annotated: Annotated) -> None:
    data = digest_to_json(write(annotated))
    schema = load_schema()
    Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == "1.3"
    bullet = data["sections"][0]["bullets"][0]
    by_id = {e["id"]: e for e in bullet["entities"]}
    place = by_id["albu-kamal"]
    assert place["geo"] == {
        "name": "Albu Kamal",
        "lat": 34.4536,
        "lon": 40.9367,
        "country": "SY",
        "precision": "exact",
        "feature_class": "P",
    }
    assert by_id["q-soleimani"]["role"] == "commander of the Qods Force"
    assert "geo" not in by_id["q-soleimani"]
    for e in bullet["entities"]:
        for span in e["spans"]:
            assert bullet["text"][span["start"] : span["end"]] in e["mentions"]
    # A document written by an earlier 1.x version still validates.
    old = {k: v for k, v in data.items() if k != "schema_version"} | {"schema_version": "1.0"}
    for b in old["sections"][0]["bullets"]:
        b.pop("entities")
    Draft202012Validator(schema).validate(old)


def test_schema_rejects_a_link_without_id(annotated: Annotated) -> None:
    data = digest_to_json(write(annotated))
    data["sections"][0]["bullets"][0]["entities"][0].pop("id")
    assert list(Draft202012Validator(load_schema()).iter_errors(data))


def hostile_digest(annotated: Annotated) -> Digest:
    ents = tuple(
        e.replace(name=HOSTILE) if e.id == "kataib-hezbollah" else e for e in annotated.entities
    )
    return write(annotated.replace(entities=ents))


def test_html_marks_linked_mentions_and_escapes_a_hostile_name(annotated: Annotated) -> None:
    page = render(hostile_digest(annotated), "html")
    assert isinstance(page, str)
    found = tags(page)
    assert "script" not in [t for t, _ in found]
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(" in page
    marked = [a for t, a in found if t in ("a", "span") and a.get("data-entity-id")]
    ids = {a["data-entity-id"] for a in marked}
    assert {"q-soleimani", "albu-kamal", "kataib-hezbollah"} <= ids
    assert not any(i.startswith("outlet:") for i in ids if i)
    place = next(a for a in marked if a["data-entity-id"] == "albu-kamal")
    assert place["title"] == "Albu Kamal (place; 34.4536, 40.9367 (SY))"
    person = next(a for a in marked if a["data-entity-id"] == "q-soleimani")
    assert person["title"] == "Qasem Soleimani (person; commander of the Qods Force)"
    hostile = next(a for a in marked if a["data-entity-id"] == "kataib-hezbollah")
    assert hostile["title"] == f"{HOSTILE} (organisation)"  # the parser unescapes it
    # Links stay inside the page: the index entry, never a map service.
    hrefs = [a.get("href") or "" for t, a in found if t == "a"]
    assert all(h.startswith(("#", "https://")) for h in hrefs)
    assert place["href"] == "#entity-albu-kamal"
    assert ("dt", {"id": "entity-albu-kamal", "data-entity-id": "albu-kamal"}) in found


def test_html_index_lists_people_and_places_with_bullet_numbers(annotated: Annotated) -> None:
    page = render(write(annotated), "html")
    index = page[page.index('<section id="index">') :]
    assert "Index of people, organisations and places" in index
    assert 'Albu Kamal <span class="kind">place</span>' in index
    assert '<span class="where">34.4536, 40.9367 (SY)</span>' in index
    assert '<a href="#story-v1">1.1</a>' in index
    # Nationalities are linked in the text but not indexed.
    assert "Iranians" not in index and "Tasnim" not in index


def test_html_index_falls_back_to_names_for_a_digest_without_links() -> None:
    bullet = Bullet("A text.", "s1", (SentenceRef("A text.", "a", 0, 7),), anchor="story-s1")
    digest = Digest(
        "t",
        *PERIOD,
        sections=(Section("S", "s", (bullet,)),),
        entity_index={"Albu Kamal": ["story-s1"]},
    )
    page = render(digest, "html")
    assert "<dt>Albu Kamal</dt>" in page and '<a href="#story-s1">1.1</a>' in page


def test_html_gives_distinct_ids_to_entities_whose_ids_clash() -> None:
    text = "Ali met Ali in Qom."
    refs = (SentenceRef(text, "a", 0, len(text)),)
    links = (
        EntityLink("p:ali", "Ali One", "PERSON", ("Ali",), ((0, 3),)),
        EntityLink("p ali", "Ali Two", "PERSON", ("Ali",), ((8, 11),)),
        EntityLink("qom", "Qom", "LOC", ("Qom",), ((15, 18),), Place("Qom", 34.64, 50.88, "IR")),
    )
    bullet = Bullet(text, "s1", refs, anchor="story-s1", entities=links)
    page = render(Digest("t", *PERIOD, sections=(Section("S", "s", (bullet,)),)), "html")
    ids = [a["id"] for t, a in tags(page) if t == "dt"]
    assert len(ids) == 3 and len(set(ids)) == 3


def test_markdown_index_lists_names_types_coordinates_and_anchors(annotated: Annotated) -> None:
    text = render(hostile_digest(annotated), "md")
    assert isinstance(text, str)
    lines = text.splitlines()
    start = lines.index("## Index of people, organisations and places")
    index = [line for line in lines[start + 1 :] if line.startswith("- ")]
    assert "- Albu Kamal (place, 34.4536, 40.9367 (SY)): [1.1](#story-v1)" in index
    assert "- Qasem Soleimani (person): [1.1](#story-v1)" in index
    assert "- IRGC Qods Force (organisation): [1.1](#story-v1)" in index
    assert not any("Tasnim" in line or "Iranians" in line for line in index)
    # The hostile name is inert Markdown.
    assert not re.search(r"(?<!\\)[<>]", text)
    assert any(line.startswith(r"- \<script\>") for line in index)
    # The bullet itself reads as before, with its number for the index to point at.
    assert any(line.startswith("- **1.1** The commander of the Qods Force") for line in lines)
