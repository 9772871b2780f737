"""Every bullet traces back to spans of the articles it cites."""

from __future__ import annotations

from digest_corpus import make_corpus

from dragoman.digest.render.json import digest_to_json
from dragoman.digest.trace import trace, undo
from dragoman.records import Bullet, Digest, Replacement, SentenceRef


def bullets(digest: Digest) -> list[Bullet]:
    return [*digest.overview, *(b for s in digest.sections for b in s.bullets)]


def test_every_bullet_of_the_test_digests_traces() -> None:
    corpus = make_corpus()
    stories = {s.id: s for s in corpus.stories}
    for size in (4, 2):
        digest = corpus.digest(overview_size=size)
        assert bullets(digest)
        for bullet in bullets(digest):
            assert trace(bullet, corpus.articles, stories[bullet.story_id], corpus.outlets) == []


def test_compressed_sentences_keep_their_source_span() -> None:
    corpus = make_corpus()
    digest = corpus.digest()
    changed = [r for b in bullets(digest) for r in b.sentences if r.written]
    assert changed  # the test corpus exercises compression
    for ref in changed:
        assert corpus.articles[ref.article_id].text[ref.start : ref.end] == ref.text
        assert undo(ref) == "".join(corpus.articles[ref.article_id].text[s:e] for s, e in ref.parts)


def test_tampering_is_caught() -> None:
    corpus = make_corpus()
    stories = {s.id: s for s in corpus.stories}
    bullet = next(b for b in bullets(corpus.digest()) if b.story_id == "s1")
    story = stories["s1"]
    ref = bullet.sentences[0]
    # A printed word that is neither the article's nor recorded.
    forged = ref.replace(
        written=(ref.shown).replace("Soleimani", "Nasrallah"),
        parts=ref.parts or ((ref.start, ref.end),),
    )
    bad = bullet.replace(sentences=(forged, *bullet.sentences[1:]))
    assert any("undoing its replacements" in p for p in trace(bad, corpus.articles, story))
    # A name replacement must say which entity it names.
    unnamed = SentenceRef(
        "Soleimani met them.",
        ref.article_id,
        0,
        19,
        written="Qasem Soleimani met them.",
        parts=((0, 19),),
        replacements=(Replacement(0, 15, "Soleimani", "name"),),
    )
    problems = trace(bullet.replace(sentences=(unnamed,)), corpus.articles, story)
    assert any("names no entity" in p for p in problems)
    # A citation of an article outside the story, and a sentence from an uncited article.
    other = bullet.citations[0].replace(article_id="a7")
    problems = trace(bullet.replace(citations=(other,)), corpus.articles, story)
    assert any("not an article of story s1" in p for p in problems)
    assert any("uncited article" in p for p in problems)
    # The bullet text must print its sentences as recorded.
    problems = trace(bullet.replace(text="Something else."), corpus.articles, story)
    assert any("does not start with its sentences" in p for p in problems)


def test_json_carries_the_written_form_and_its_provenance() -> None:
    corpus = make_corpus()
    data = digest_to_json(corpus.digest())
    assert data["schema_version"] == "1.3"
    sentences = [s for sec in data["sections"] for b in sec["bullets"] for s in b["sentences"]]
    written = [s for s in sentences if "written" in s]
    assert written
    for s in written:
        ref = SentenceRef(
            s["text"],
            s["article_id"],
            s["start"],
            s["end"],
            s["written"],
            tuple((p["start"], p["end"]) for p in s["parts"]),
            tuple(Replacement(**r) for r in s["replacements"]),
        )
        text = corpus.articles[ref.article_id].text
        assert undo(ref) == "".join(text[a:b] for a, b in ref.parts)
    assert all(
        b["text"].startswith(" ".join(s.get("written", s["text"]) for s in b["sentences"]))
        for sec in data["sections"]
        for b in sec["bullets"]
    )


def test_sentence_ref_round_trips_with_its_replacements() -> None:
    ref = SentenceRef(
        "He met them.",
        "a1",
        5,
        17,
        "Soleimani met them.",
        ((5, 17),),
        (Replacement(0, 9, "He", "pronoun", "q-soleimani"),),
    )
    assert SentenceRef.from_dict(ref.to_dict()) == ref
    assert undo(ref) == "He met them."
