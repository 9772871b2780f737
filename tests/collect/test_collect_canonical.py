"""Canonical URLs, text cleaning, hashes, ids and publication dates."""

from datetime import UTC, date, datetime

import pytest

from dragoman.collect.canonical import (
    article_id,
    canonical_url,
    clean_line,
    clean_text,
    content_hash,
    drop_repeated_title,
    parse_published,
    strip_tracking,
    title_from_text,
)
from dragoman.errors import ItemError

NOW = datetime(2019, 8, 11, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/Item/", "https://example.com/News/Item"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_MEDIUM=rss&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=abc&gclid=def", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/", "https://example.com"),
        (
            "https://www.tasnimnews.com/en/news/1/?utm_campaign=z#top",
            "https://tasnimnews.com/en/news/1",
        ),
        ("tasnimnews.com/en/news/1", "https://tasnimnews.com/en/news/1"),
        ("", ""),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_same_page_spelled_differently_gets_one_id() -> None:
    first = article_id("https://www.mehrnews.com/news/1/?utm_source=tg", "a")
    second = article_id("https://mehrnews.com/news/1", "completely different text")
    assert first == second
    assert len(first) == 16 and int(first, 16) >= 0
    assert first != article_id("https://mehrnews.com/news/2", "a")


def test_id_without_url_comes_from_the_text() -> None:
    assert article_id(None, "Some  TEXT\n") == article_id("", "some text")
    assert article_id(None, "some text") != article_id(None, "other text")


def test_content_hash_ignores_case_whitespace_and_entities() -> None:
    base = content_hash("Iran &amp; Iraq signed\n\nan agreement.")
    assert base == content_hash("iran & iraq   SIGNED an\u200b agreement.")
    assert base != content_hash("Iran & Iraq signed a deal.")
    assert len(base) == 64


def test_clean_text_normalises_paragraphs_and_drops_invisible_characters() -> None:
    raw = "  First\u200b line\x07 wraps\r\nhere &amp; there.\n\n\n\tSecond&nbsp;paragraph.\ufeff\n"
    assert clean_text(raw) == "First line wraps here & there.\n\nSecond paragraph."
    assert clean_text("one\ntwo", lines_are_paragraphs=True) == "one\n\ntwo"
    assert clean_text("") == ""
    assert clean_line("A\n\nB  C") == "A B C"


def test_strip_tracking_keeps_the_rest_as_written() -> None:
    url = "https://www.Example.com/Path/?utm_source=x&id=3#frag"
    assert strip_tracking(url) == "https://www.Example.com/Path/?id=3"
    assert strip_tracking("https://example.com/a/") == "https://example.com/a/"


def test_drop_repeated_title_and_title_from_text() -> None:
    assert drop_repeated_title("Big News!\n\nBody.", "big news") == "Body."
    assert drop_repeated_title("Big News\n\nBody.", "Other") == "Big News\n\nBody."
    assert drop_repeated_title("Big News", "Big News") == "Big News"  # never empties a text
    long = "word " * 60
    made = title_from_text(long.strip(), limit=30)
    assert made.endswith("…") and len(made) <= 31


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-07-31T09:30:00+04:30", datetime(2019, 7, 31, 5, 0, tzinfo=UTC)),
        ("2019-08-05T12:00:00Z", datetime(2019, 8, 5, 12, 0, tzinfo=UTC)),
        ("2019-08-06", datetime(2019, 8, 6, tzinfo=UTC)),
        ("2019-08-06T10:00:00", datetime(2019, 8, 6, 10, 0, tzinfo=UTC)),
        ("Sun, 04 Aug 2019 14:30:00 +0430", datetime(2019, 8, 4, 10, 0, tzinfo=UTC)),
        ("4 August 2019", datetime(2019, 8, 4, tzinfo=UTC)),
        (date(2019, 8, 1), datetime(2019, 8, 1, tzinfo=UTC)),
        (1564425605, datetime(2019, 7, 29, 18, 40, 5, tzinfo=UTC)),
    ],
)
def test_parse_published_accepts_common_forms(value: object, expected: datetime) -> None:
    parsed = parse_published(value, "item", now=NOW)
    assert parsed == expected
    assert parsed.tzinfo is not None and parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "item: missing date"),
        ("  ", "item: missing date"),
        ("2019-13-45", "item: unparseable date '2019-13-45'"),
        ("next Tuesday", "item: unparseable date 'next Tuesday'"),
        ("August", "item: unparseable date 'August'"),
        ("2019-08-13", "item: date '2019-08-13' is in the future"),
        ("1989-12-31", "item: date '1989-12-31' is before 1990"),
        ([2019], "item: unparseable date '[2019]'"),
    ],
)
def test_parse_published_refuses_bad_dates(value: object, reason: str) -> None:
    with pytest.raises(ItemError) as caught:
        parse_published(value, "item", now=NOW)
    assert str(caught.value) == reason


def test_a_day_of_clock_skew_is_allowed() -> None:
    assert parse_published("2019-08-12T06:00:00Z", "item", now=NOW).day == 12
