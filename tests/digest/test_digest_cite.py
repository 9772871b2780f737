"""Citation strings and which articles are cited."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dragoman.digest import citations_for, format_citations, format_date
from dragoman.records import Article, Citation, Outlet, Story

SUMMER = (date(2019, 7, 28), date(2019, 8, 11))
NEW_YEAR = (date(2019, 12, 25), date(2020, 1, 5))


def cit(outlet: str, day: date | None, aid: str = "") -> Citation:
    return Citation(outlet=outlet, date=day, article_id=aid or f"{outlet}-{day}")


def test_format_date_within_one_year() -> None:
    assert format_date(date(2019, 7, 29), *SUMMER) == "July 29"
    assert format_date(date(2019, 8, 1), *SUMMER) == "August 1"


def test_format_date_adds_year_when_period_spans_two_years() -> None:
    assert format_date(date(2019, 12, 31), *NEW_YEAR) == "December 31, 2019"
    assert format_date(date(2020, 1, 2), *NEW_YEAR) == "January 2, 2020"


def test_citations_in_date_order() -> None:
    cits = [
        cit("DeirEzzor24", date(2019, 7, 29)),
        cit("the Turkish Anadolu Agency", date(2019, 7, 27)),
    ]
    assert (
        format_citations(cits, *SUMMER)
        == "(the Turkish Anadolu Agency, July 27; DeirEzzor24, July 29)"
    )


def test_same_day_ties_ordered_by_outlet_name() -> None:
    cits = [
        cit("Tasnim", date(2019, 8, 4)),
        cit("Fars", date(2019, 8, 4)),
        cit("al-Mayadeen", date(2019, 8, 4)),
    ]
    assert (
        format_citations(cits, *SUMMER)
        == "(al-Mayadeen, August 4; Fars, August 4; Tasnim, August 4)"
    )


def test_consecutive_days_of_one_outlet_collapse() -> None:
    cits = [cit("IRNA", date(2019, 7, 30)), cit("IRNA", date(2019, 7, 29))]
    assert format_citations(cits, *SUMMER) == "(IRNA, July 29-30)"


def test_collapse_runs_over_three_days_and_across_months() -> None:
    cits = [
        cit("IRNA", date(2019, 7, 31)),
        cit("IRNA", date(2019, 8, 1)),
        cit("IRNA", date(2019, 8, 2)),
    ]
    assert format_citations(cits, *SUMMER) == "(IRNA, July 31-August 2)"


def test_gap_keeps_days_apart_and_interleaves_other_outlets() -> None:
    cits = [
        cit("IRNA", date(2019, 7, 29)),
        cit("IRNA", date(2019, 7, 31)),
        cit("Fars", date(2019, 7, 30)),
    ]
    assert format_citations(cits, *SUMMER) == "(IRNA, July 29; Fars, July 30; IRNA, July 31)"


def test_two_articles_of_one_outlet_on_one_day_are_cited_once() -> None:
    cits = [cit("IRNA", date(2019, 7, 29), "x"), cit("IRNA", date(2019, 7, 29), "y")]
    assert format_citations(cits, *SUMMER) == "(IRNA, July 29)"


def test_year_shown_when_period_spans_two_years() -> None:
    cits = [
        cit("IRNA", date(2019, 12, 31)),
        cit("IRNA", date(2020, 1, 1)),
        cit("Fars", date(2020, 1, 3)),
    ]
    assert (
        format_citations(cits, *NEW_YEAR)
        == "(IRNA, December 31, 2019-January 1, 2020; Fars, January 3, 2020)"
    )


def test_undated_citation_goes_last_without_a_day() -> None:
    cits = [cit("Telegram channel", None), cit("IRNA", date(2019, 7, 29))]
    assert format_citations(cits, *SUMMER) == "(IRNA, July 29; Telegram channel)"


def test_nothing_to_cite_gives_empty_string() -> None:
    assert format_citations([], *SUMMER) == ""


def _art(aid: str, outlet: str, day: int, duplicate_of: str | None = None) -> Article:
    return Article(
        id=aid,
        outlet_id=outlet,
        url=f"https://{outlet}.example/{aid}",
        published=datetime(2019, 7, day, 8, tzinfo=UTC),
        title="",
        text="Some text.",
        duplicate_of=duplicate_of,
    )


def test_reprints_are_not_cited() -> None:
    articles = {
        "a": _art("a", "irna", 29),
        "b": _art("b", "fars", 30),  # listed in story.duplicates
        "c": _art("c", "mehr", 30, duplicate_of="a"),  # flagged on the article itself
        "d": _art("d", "tasnim", 28),
    }
    outlets = {"irna": Outlet("irna", "IRNA"), "tasnim": Outlet("tasnim", "Tasnim")}
    story = Story("s", ("a", "b", "c", "d", "gone"), duplicates={"b": "a"})
    cits = citations_for(story, articles, outlets)
    assert [c.article_id for c in cits] == ["d", "a"]
    assert [c.outlet for c in cits] == ["Tasnim", "IRNA"]
    assert cits[1].date == date(2019, 7, 29)
    assert cits[1].url == "https://irna.example/a"
    assert format_citations(cits, *SUMMER) == "(Tasnim, July 28; IRNA, July 29)"


def test_unknown_outlet_is_cited_by_its_id() -> None:
    story = Story("s", ("a",))
    cits = citations_for(story, {"a": _art("a", "some-site", 29)}, {})
    assert [c.outlet for c in cits] == ["some-site"]
