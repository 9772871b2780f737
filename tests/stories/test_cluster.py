from datetime import UTC, datetime, timedelta

from dragoman.records import Annotated, Article, Entity, Mention
from dragoman.stories.cluster import StoryClusterer, cluster_entities, tokens

T0 = datetime(2019, 7, 27, 9, tzinfo=UTC)


def art(aid, title, text, days=0, outlet="o1"):
    return Article(
        id=aid,
        outlet_id=outlet,
        url=f"https://x.test/{aid}",
        published=T0 + timedelta(days=days),
        title=title,
        text=text,
    )


def ann(article, *entity_ids):
    mentions = tuple(Mention(article.id, 0, 1, e, "PERSON", entity_id=e) for e in entity_ids)
    return Annotated(article=article, mentions=mentions)


SOLEIMANI = "Qasem Soleimani, commander of the Qods Force, visited the Albu Kamal border crossing and met militia commanders, urging them to speed up the reopening of the crossing."
SOLEIMANI2 = "The Qods Force commander Soleimani toured Albu Kamal near the Iraqi border, met commanders of pro-Iranian militias and called for the crossing to reopen soon."
FAIR = "The Syrian ambassador in Tehran invited Iranian companies to take part in the Damascus International Fair and promised incentives for reconstruction investors."
FOOTBALL = "Persepolis signed a new striker from a Portuguese club ahead of the league season, the club said on its website."


def test_tokens_drop_stopwords_and_short_words():
    assert tokens("The IRGC's commander met them in Albu Kamal") == [
        "irgc",
        "commander",
        "met",
        "albu",
        "kamal",
    ]


def test_tokens_keep_numbers_and_two_letter_names():
    # figures and years tell two reports of the same kind of event apart
    assert tokens("7 killed as the US and UN met in 2019") == ["killed", "us", "un", "met", "2019"]


def test_same_development_joins_and_other_topics_start_stories():
    c = StoryClusterer(threshold=0.3)
    a, b = (
        art("a", "Soleimani visits Albu Kamal", SOLEIMANI),
        art("b", "Soleimani tours Albu Kamal crossing", SOLEIMANI2, days=1, outlet="o2"),
    )
    f, g = (
        art("f", "Damascus fair invitation", FAIR, days=2),
        art("g", "Persepolis signs striker", FOOTBALL, days=2),
    )
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


def ann_labelled(article, **labels):
    """An annotation whose mentions carry the given labels: ann_labelled(a, albu_kamal="LOC")."""
    mentions = tuple(
        Mention(article.id, 0, 1, e, label, entity_id=e) for e, label in labels.items()
    )
    return Annotated(article=article, mentions=mentions)


def test_shared_places_count_for_less_than_shared_people():
    c = StoryClusterer()
    story = art("a", "", SOLEIMANI)
    c.add(story, ann_labelled(story, soleimani="PERSON", albu_kamal="LOC", syria="LOC"))
    doc_place = c._doc(
        art("b", "", FAIR), ann_labelled(art("b", "", FAIR), albu_kamal="LOC", damascus="LOC")
    )
    doc_person = c._doc(
        art("c", "", FAIR), ann_labelled(art("c", "", FAIR), soleimani="PERSON", damascus="LOC")
    )
    sid = c.story_of["a"]
    assert c._entity_similarity(doc_person, c.stories[sid]) > c._entity_similarity(
        doc_place, c.stories[sid]
    )
    even = StoryClusterer(place_weight=1.0)
    even.add(story, ann_labelled(story, soleimani="PERSON", albu_kamal="LOC", syria="LOC"))
    doc_place2 = even._doc(
        art("b", "", FAIR), ann_labelled(art("b", "", FAIR), albu_kamal="LOC", damascus="LOC")
    )
    assert even._entity_similarity(doc_place2, even.stories[sid]) > c._entity_similarity(
        doc_place, c.stories[sid]
    )


def test_an_article_missing_the_people_of_a_story_scores_lower_than_one_naming_them():
    c = StoryClusterer()
    for i, text in enumerate((SOLEIMANI, SOLEIMANI2)):
        a = art(f"s{i}", "", text)
        c.add(a, ann(a, "soleimani", "qods-force", "albu-kamal"))
    sid = c.story_of["s0"]
    only_place = c._doc(art("p", "", FAIR * 3), ann(art("p", "", FAIR * 3), "albu-kamal", "iraq"))
    with_people = c._doc(
        art("q", "", FAIR * 3), ann(art("q", "", FAIR * 3), "albu-kamal", "soleimani", "qods-force")
    )
    assert c._entity_similarity(with_people, c.stories[sid]) > 2 * c._entity_similarity(
        only_place, c.stories[sid]
    )


def test_a_short_post_is_not_asked_to_name_the_whole_story():
    c = StoryClusterer()
    a = art("a", "", SOLEIMANI * 4)
    c.add(a, ann(a, "soleimani", "qods-force", "albu-kamal", "irgc", "deir-ezzor", "isil"))
    sid = c.story_of["a"]
    short_text = "Message of the commander to the fighters at the front."
    long_text = (short_text + " ") * 20
    short = c._doc(
        art("p", "", short_text), ann(art("p", "", short_text), "soleimani", "fatimiyoun")
    )
    long = c._doc(art("q", "", long_text), ann(art("q", "", long_text), "soleimani", "fatimiyoun"))
    assert c._entity_similarity(short, c.stories[sid]) > c._entity_similarity(long, c.stories[sid])
