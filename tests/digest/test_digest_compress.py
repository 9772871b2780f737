"""Light compression of bullet sentences: each rule, names and roles, attribution, overview."""

from __future__ import annotations

from datetime import UTC, date, datetime

from digest_corpus import PERIOD, make_corpus

from dragoman.digest import build_digest
from dragoman.digest.compress import (
    SentenceContext,
    attribution_prefix,
    compress,
    demonym,
    reporting_outlets,
    usable_role,
)
from dragoman.digest.trace import undo
from dragoman.digest.write import assessment_for
from dragoman.records import (
    Annotated,
    Arena,
    Article,
    Desk,
    Entity,
    Event,
    Mention,
    Outlet,
    SentenceRef,
    Story,
)

TASNIM = Outlet("tasnim", "Tasnim", ("Tasnim News Agency",), country="IR", kind="agency")
CH12 = Outlet("channel12", "Israeli Channel 12", ("Channel 12",), country="IL", kind="tv")
DEZ = Outlet("deirezzor24", "DeirEzzor24", country="SY", kind="website")
AA = Outlet(
    "anadolu", "the Turkish Anadolu Agency", ("Anadolu Agency",), country="TR", reliability="B"
)
SOLEIMANI = Entity("q-soleimani", "PERSON", "Qasem Soleimani")


def art(text: str, outlet: str = "tasnim", aid: str = "k1") -> Article:
    return Article(
        aid, outlet, f"https://x.example/{aid}", datetime(2019, 8, 1, tzinfo=UTC), "t", text
    )


def person(
    a: Article,
    surface: str,
    eid: str = "q-soleimani",
    source: str = "model",
    role: str | None = None,
    nth: int = 0,
) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = a.text.index(surface, start + 1)
    return Mention(
        a.id, start, start + len(surface), surface, "PERSON", eid, source=source, role=role
    )


def run(
    a: Article,
    mentions: tuple[Mention, ...] = (),
    outlet: Outlet | None = TASNIM,
    span: tuple[int, int] | None = None,
    **ctx: object,
) -> SentenceRef | None:
    start, end = span or (0, len(a.text))
    ref = SentenceRef(a.text[start:end], a.id, start, end)
    ann = Annotated(a, mentions=mentions, entities=(SOLEIMANI,))
    context = SentenceContext(
        article=a,
        annotated=ann,
        outlet=outlet,
        names={"q-soleimani": "Qasem Soleimani"},
        **ctx,  # type: ignore[arg-type]
    )
    out = compress(ref, context)
    if out is not None and out.written:
        # Whatever changed, undoing the replacements gives the kept article words back.
        assert undo(out) == "".join(a.text[s:e] for s, e in out.parts)
    return out


def test_trailing_self_attribution_is_cut_but_not_a_named_source() -> None:
    a = art(
        "Iran and Iraq signed an agreement on joint investment funds, the agency reported on Monday."
    )
    assert run(a).shown == "Iran and Iraq signed an agreement on joint investment funds."
    b = art(
        "Iran and Iraq signed an agreement on joint investment funds, Tasnim News Agency reported."
    )
    assert run(b).shown == "Iran and Iraq signed an agreement on joint investment funds."
    c = art(
        "Senior officers met in Damascus to plan the crossing, a security source told Alsumaria News."
    )
    assert run(c).shown == c.text  # a source other than the outlet is evidence: kept


def test_leading_attribution_and_connectors_are_cut_with_capitals_restored() -> None:
    a = art(
        "According to the report, the delegations agreed on joint military points at the crossing."
    )
    out = run(a, first=True)
    assert out.shown == "The delegations agreed on joint military points at the crossing."
    assert [r.kind for r in out.replacements] == ["case"]
    b = art("Meanwhile, the delegations agreed on joint military points at the crossing.")
    assert run(b, first=True).shown.startswith("The delegations agreed")
    c = art(
        "Tasnim reported that the delegation met senior clerics in the holy city of Qom on Saturday."
    )
    assert run(c).shown == "The delegation met senior clerics in the holy city of Qom on Saturday."


def test_middle_attribution_clause_is_cut() -> None:
    a = art(
        "The new crossing, it said, will carry far more trucks than the old one did before the war."
    )
    assert (
        run(a).shown
        == "The new crossing will carry far more trucks than the old one did before the war."
    )


def test_sentences_that_lean_on_a_missing_one_are_dropped() -> None:
    a = art("However, the officials did not say when the crossing would open to civilian traffic.")
    assert run(a, adjacent=False) is None
    assert run(a, adjacent=True).shown == a.text
    b = art(
        "This was the second such meeting at the crossing in less than a month, residents said."
    )
    assert run(b, adjacent=False) is None


def test_bare_surname_at_first_mention_becomes_full_name_and_role() -> None:
    a = art("Soleimani met commanders of the militias stationed in Albu Kamal near the crossing.")
    out = run(
        a,
        (person(a, "Soleimani"),),
        first=True,
        roles={"q-soleimani": "commander of the Qods Force"},
    )
    assert out.shown.startswith("Qasem Soleimani, commander of the Qods Force, met commanders")
    (rep,) = out.replacements
    assert (rep.kind, rep.original, rep.entity_id) == ("name", "Soleimani", "q-soleimani")
    # Once the bullet has named him, the surname reads as the article wrote it.
    again = run(a, (person(a, "Soleimani"),), named={"q-soleimani"})
    assert again.shown == a.text


def test_pronoun_without_its_antecedent_is_replaced_by_the_name() -> None:
    a = art("He told the fighters to stay ready for a confrontation with the United States.")
    he = person(a, "He", source="coreference")
    out = run(a, (he,), adjacent=False, named={"q-soleimani"})
    assert out.shown.startswith("Soleimani told the fighters")
    assert out.replacements[0].kind == "pronoun"
    assert run(a, (he,), adjacent=True).shown == a.text  # the sentence before names him
    # An unresolved pronoun after someone else's words cannot stand.
    assert run(a, (), adjacent=False) is None


def test_attribution_prefix_follows_the_outlets_countries() -> None:
    assert attribution_prefix([DEZ, AA], ["IR"]) == "Syrian and Turkish sources reported that "
    assert attribution_prefix([CH12], ["IR"]) == "According to a report on Israeli Channel 12, "
    assert (
        attribution_prefix([CH12], ["IR"], reports=2)
        == "According to reports on Israeli Channel 12, "
    )
    assert attribution_prefix([TASNIM], ["IR"]) == ""  # the desk's own side speaking of itself
    odd = Outlet("x", "Radio Nowhere", country="ZZ")
    assert (
        attribution_prefix([odd, AA], ["IR"])
        == "Radio Nowhere and the Turkish Anadolu Agency reported that "
    )
    assert demonym("IQ") == "Iraqi"
    assert demonym("XK", {"XK": ("Kosovo", "Kosovan")}) == "Kosovan"
    assert demonym("XK") is None


def test_prefix_lowers_a_common_first_word_but_not_a_name() -> None:
    a = art(
        "The delegations agreed on joint military points at the crossing near Albu Kamal.",
        "deirezzor24",
    )
    out = run(a, outlet=DEZ, first=True, prefix="Syrian sources reported that ", attribute=True)
    assert (
        out.shown
        == "Syrian sources reported that the delegations agreed on joint military points at the crossing near Albu Kamal."
    )
    b = art(
        "Soleimani visited the crossing near Albu Kamal on Thursday with his commanders.",
        "deirezzor24",
    )
    out = run(
        b,
        (person(b, "Soleimani"),),
        outlet=DEZ,
        first=True,
        prefix="Syrian sources reported that ",
        attribute=True,
    )
    assert out.shown.startswith("Syrian sources reported that Qasem Soleimani visited")


def test_own_words_carry_the_attribution_of_a_single_foreign_source() -> None:
    # The full bullet of the Channel 12 story keeps "Israeli Channel 12 reported that".
    corpus = make_corpus()
    outlets = {**corpus.outlets, "channel12": CH12}
    digest = build_digest(
        corpus.stories, corpus.articles, corpus.annotations, outlets, corpus.desk, *PERIOD
    )
    s3 = next(b for s in digest.sections for b in s.bullets if b.story_id == "s3")
    assert s3.text.startswith("Israeli Channel 12 reported that Iran asked Hamas")
    assert "According to a report" not in s3.text


def test_roles_that_lean_on_context_are_not_used() -> None:
    assert usable_role("commander of the Quds Force of Iran's Revolutionary Guards")
    assert not usable_role("executive director of the chamber")
    assert not usable_role("ambassador")
    assert not usable_role("Mehr correspondent on Tuesday")
    assert not usable_role("chairman of the committee for economic ties between Iran")


def test_repeats_across_outlets_are_caught_through_entities() -> None:
    first = (
        "Qassem Suleimani inspected the Albu Kamal border crossing on Thursday with IRGC officers."
    )
    second = "Qasem Soleimani inspected the border crossing at Albu Kamal with officers of the IRGC on Thursday."
    third = (
        "He urged the militias to finish the fortifications around the crossing before the autumn."
    )
    a1 = art(f"{first} {third}", "deirezzor24", "r1")
    a2 = art(second, "anadolu", "r2")

    def ann(a: Article, names: dict[str, tuple[str, str]]) -> Annotated:
        ms = tuple(
            Mention(a.id, a.text.index(s), a.text.index(s) + len(s), s, label, eid)
            for s, (label, eid) in names.items()
            if s in a.text
        )
        return Annotated(a, mentions=ms, entities=(SOLEIMANI,))

    names = {
        "Qassem Suleimani": ("PERSON", "q-soleimani"),
        "Qasem Soleimani": ("PERSON", "q-soleimani"),
        "Albu Kamal": ("LOC", "albu-kamal"),
        "IRGC": ("ORG", "irgc"),
    }
    story = Story("r", ("r1", "r2"), arena="syria", credibility=2, salience=1.0)
    desk = Desk("d", "D", arenas=(Arena("syria", "Syria"),))
    digest = build_digest(
        [story],
        {"r1": a1, "r2": a2},
        {"r1": ann(a1, names), "r2": ann(a2, names)},
        {"deirezzor24": DEZ, "anadolu": AA},
        desk,
        *PERIOD,
    )
    bullet = digest.sections[0].bullets[0]
    inspected = [r for r in bullet.sentences if "inspected" in r.text]
    assert len(inspected) == 1


def test_overview_has_one_sentence_per_top_story_in_section_order() -> None:
    corpus = make_corpus()
    digest = corpus.digest(overview_size=3)
    assert len(digest.overview) == 3
    arena_rank = {a.id: a.priority for a in corpus.desk.arenas}
    story_arena = {s.id: s.arena for s in corpus.stories}
    ranks = [arena_rank[story_arena[b.story_id]] for b in digest.overview]
    assert ranks == sorted(ranks)
    full = {b.story_id: b for s in digest.sections for b in s.bullets}
    for bullet in digest.overview:
        assert len(bullet.sentences) == 1
        assert bullet.anchor == full[bullet.story_id].anchor
        spans = {(r.article_id, r.start, r.end) for r in full[bullet.story_id].sentences}
        ref = bullet.sentences[0]
        assert (ref.article_id, ref.start, ref.end) in spans


def test_assessment_names_the_reports_that_disagree() -> None:
    a = Article(
        "d1", "deirezzor24", "", datetime(2019, 7, 29, tzinfo=UTC), "", "Soleimani came on July 25."
    )
    b = Article(
        "d2", "anadolu", "", datetime(2019, 7, 28, tzinfo=UTC), "", "Soleimani came on Saturday."
    )
    anns = {
        "d1": Annotated(a, events=(Event("d1", 0, 26, "CONSULT", date=date(2019, 7, 25)),)),
        "d2": Annotated(b, events=(Event("d2", 0, 27, "CONSULT", date=date(2019, 7, 27)),)),
    }
    story = Story(
        "s",
        ("d1", "d2"),
        credibility=4,
        credibility_reason=(
            "reported by two independent outlets (DeirEzzor24, the Turkish Anadolu Agency), "
            "but the reports disagree on the date (July 25 vs July 27)"
        ),
    )
    note = assessment_for(story, {"d1": a, "d2": b}, anns, {"deirezzor24": DEZ, "anadolu": AA})
    assert note == (
        "The report could not be confirmed by other sources. Reports differ on the date: "
        "DeirEzzor24 gives July 25, the Turkish Anadolu Agency July 27."
    )
    # Without the articles the note still says what is in dispute.
    assert assessment_for(story).endswith("Reports differ on the date (July 25 vs July 27).")


def test_a_groups_own_channel_is_cited_but_not_counted_among_the_sources() -> None:
    channel = Outlet(
        "fatimiyoun",
        "the Telegram channel of the Fatimiyoun Brigade",
        country="AF",
        kind="telegram",
        voice="party",
    )
    assert reporting_outlets([DEZ, AA, channel]) == [DEZ, AA]
    assert (
        attribution_prefix(reporting_outlets([DEZ, AA, channel]), ["IR"])
        == "Syrian and Turkish sources reported that "
    )
    # a story only such channels carry is still attributed, by name
    assert attribution_prefix(reporting_outlets([channel]), ["IR"]) == (
        "According to a report on the Telegram channel of the Fatimiyoun Brigade, "
    )
