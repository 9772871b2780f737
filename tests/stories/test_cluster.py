from datetime import datetime, timedelta, timezone

from dragoman.records import Annotated, Article, Entity, Mention
from dragoman.stories.cluster import StoryClusterer, cluster_entities, tokens

T0 = datetime(2019, 7, 27, 9, tzinfo=timezone.utc)


def art(aid, title, text, days=0, outlet="o1"):
    return Article(id=aid, outlet_id=outlet, url=f"https://x.test/{aid}", published=T0 + timedelta(days=days), title=title, text=text)


def ann(article, *entity_ids):
    mentions = tuple(Mention(article.id, 0, 1, e, "PERSON", entity_id=e) for e in entity_ids)
    return Annotated(article=article, mentions=mentions)


SOLEIMANI = "Qasem Soleimani, commander of the Qods Force, visited the Albu Kamal border crossing and met militia commanders, urging them to speed up the reopening of the crossing."
SOLEIMANI2 = "The Qods Force commander Soleimani toured Albu Kamal near the Iraqi border, met commanders of pro-Iranian militias and called for the crossing to reopen soon."
FAIR = "The Syrian ambassador in Tehran invited Iranian companies to take part in the Damascus International Fair and promised incentives for reconstruction investors."
FOOTBALL = "Persepolis signed a new striker from a Portuguese club ahead of the league season, the club said on its website."


def test_tokens_drop_stopwords_and_short_words():
    assert tokens("The IRGC's commander met them in Albu Kamal") == ["irgc's", "commander", "met", "albu", "kamal"]


def test_same_development_joins_and_other_topics_start_stories():
    c = StoryClusterer(threshold=0.3)
    a, b = art("a", "Soleimani visits Albu Kamal", SOLEIMANI), art("b", "Soleimani tours Albu Kamal crossing", SOLEIMANI2, days=1, outlet="o2")
    f, g = art("f", "Damascus fair invitation", FAIR, days=2), art("g", "Persepolis signs striker", FOOTBALL, days=2)
    sa = c.add(a, ann(a, "soleimani", "albu-kamal"))
    sb = c.add(b, ann(b, "soleimani", "albu-kamal"))
    sf = c.add(f, ann(f, "damascus"))
    sg = c.add(g, ann(g))
    assert sa == sb
    assert len({sa, sf, sg}) == 3
    assert c.members(sa) == ["a", "b"]


def test_window_keeps_far_apart_reports_separate():
    c = StoryClusterer(threshold=0.3, window_days=3)
    a = art("a", "Soleimani visits Albu Kamal", SOLEIMANI)
    b = art("b", "Soleimani tours Albu Kamal crossing", SOLEIMANI2, days=20)
    assert c.add(a) != c.add(b)


def test_reprint_joins_its_original_even_when_text_differs():
    c = StoryClusterer()
    a = art("a", "Soleimani visits Albu Kamal", SOLEIMANI)
    r = art("r", "Football", FOOTBALL, days=1)
    assert c.add(a) == c.add(r, duplicate_of="a")


def test_adding_twice_is_idempotent():
    c = StoryClusterer()
    a = art("a", "Soleimani visits Albu Kamal", SOLEIMANI)
    first = c.add(a)
    assert c.add(a) == first
    assert c.members(first) == ["a"]


def test_assign_restores_a_story():
    c = StoryClusterer(threshold=0.3)
    a = art("a", "Soleimani visits Albu Kamal", SOLEIMANI)
    c.assign("a", "s-stored", a, ann(a, "soleimani"))
    b = art("b", "Soleimani tours Albu Kamal crossing", SOLEIMANI2, days=1)
    assert c.add(b, ann(b, "soleimani")) == "s-stored"


def test_cluster_entities_leave_out_outlets_and_dates():
    a = art("a", "t", "x")
    annotated = Annotated(
        article=a,
        mentions=(
            Mention("a", 0, 1, "Fars", "ORG", entity_id="outlet:fars"),
            Mention("a", 0, 1, "July 5", "DATE", entity_id="date:x"),
            Mention("a", 0, 1, "Masjedi", "PERSON", entity_id="iraj-masjedi"),
        ),
        entities=(Entity("outlet:fars", "ORG", "Fars", attributes={"outlet": "fars"}),),
    )
    assert cluster_entities(annotated) == frozenset({"iraj-masjedi"})
