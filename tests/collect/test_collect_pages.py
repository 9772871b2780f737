"""HTML article pages and fragments."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from dragoman.collect.outlets import OutletResolver
from dragoman.collect.pages import html_to_text, parse_page, read_page_file
from dragoman.errors import ItemError
from dragoman.records import Article, Outlet

DATA = Path(__file__).parent.parent / "data" / "collect"
PAGES = DATA / "pages"
NOW = datetime(2019, 8, 11, tzinfo=UTC)


@pytest.fixture(scope="module")
def resolver() -> OutletResolver:
    rows = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))
    return OutletResolver({row["id"]: Outlet.from_dict(row) for row in rows})


def read(path: Path, resolver: OutletResolver) -> tuple[list[Article], list[str]]:
    errors: list[ItemError] = []
    articles = list(read_page_file(path, resolver, errors.append, now=NOW))
    return articles, [str(e) for e in errors]


def test_hostile_page(resolver: OutletResolver) -> None:
    path = PAGES / "deirezzor24-soleimani.html"
    (article,), errors = read(path, resolver)
    assert errors == []
    assert article.outlet_id == "deirezzor24"
    assert article.url == "https://www.deirezzor24.net/en/2019/07/29/soleimani-albu-kamal/"
    assert article.title == "Soleimani tours Albu Kamal crossing"
    assert article.published == datetime(2019, 7, 29, 11, 20, tzinfo=UTC)
    assert article.author == "Newsroom"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Local sources in Albu Kamal said")
    assert paragraphs[2] == (
        "Residents said the visit was kept quiet & that security around the convoy was tight."
    )
    for secret in (
        "SECRET",
        "NAV_JS",
        "LINK_JS",
        "BODY_ONLOAD",
        "javascript",
        "alert",
        "Copyright",
        "Subscribe",
        "color: red",
    ):
        assert secret not in article.text


def test_unregistered_site_gets_a_slug(resolver: OutletResolver) -> None:
    (article,), errors = read(PAGES / "unknown-site.html", resolver)
    assert errors == []
    assert article.outlet_id == "syria-direct"
    assert article.url == ""  # the page names no address of its own
    assert article.published == datetime(2019, 8, 2, 8, 0, tzinfo=UTC)
    assert article.id and article.content_hash


def test_fetched_page_uses_its_url(resolver: OutletResolver) -> None:
    html = (PAGES / "unknown-site.html").read_bytes()
    article = parse_page(
        html, "u", resolver, url="https://www.aa.com.tr/en/x?utm_source=a", now=NOW
    )
    assert article.outlet_id == "anadolu"
    assert article.url == "https://www.aa.com.tr/en/x"


def test_page_without_date(resolver: OutletResolver) -> None:
    path = PAGES / "unknown-site-no-date.html"
    assert read(path, resolver) == (
        [],
        [f"{path}: missing date (no article:published_time or other date found)"],
    )


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (b"", "empty page"),
        (
            b"<html><head><title>T</title></head><body><script>x()</script></body></html>",
            "no article text found in the page",
        ),
    ],
)
def test_pages_without_text(resolver: OutletResolver, html: bytes, reason: str) -> None:
    with pytest.raises(ItemError) as caught:
        parse_page(html, "p.html", resolver, now=NOW)
    assert str(caught.value) == f"p.html: {reason}"


def test_missing_file(tmp_path: Path, resolver: OutletResolver) -> None:
    articles, errors = read(tmp_path / "gone.html", resolver)
    assert articles == [] and errors[0].startswith(f"{tmp_path / 'gone.html'}: cannot read file")


def test_html_to_text() -> None:
    fragment = (
        '<div onclick="evil()"><p>One &amp;lt;b&amp;gt; two\nthree</p>'
        "<script>bad()</script><style>.x{}</style><iframe>frame</iframe>"
        '<p>Four<br>five<br/><br/>six <a href="javascript:x()">link</a></p>'
        "<ul><li>item</li></ul><embed src='x'>tail</div>"
    )
    assert (
        html_to_text(fragment) == "One &lt;b&gt; two three\n\nFour five\n\nsix link\n\nitem\n\ntail"
    )
    assert html_to_text("") == ""
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
