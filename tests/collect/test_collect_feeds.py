"""RSS and Atom feeds, from files and through the fetcher."""

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from dragoman.collect.feeds import collect_feeds, looks_like_feed, parse_feed, read_feed_file
from dragoman.collect.fetch import Fetcher
from dragoman.collect.outlets import OutletResolver
from dragoman.errors import ItemError
from dragoman.records import Article, Feed, Outlet

DATA = Path(__file__).parent.parent / "data" / "collect"
FEEDS = DATA / "feeds"
NOW = datetime(2019, 8, 11, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry() -> dict[str, Outlet]:
    rows = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))
    return {row["id"]: Outlet.from_dict(row) for row in rows}


@pytest.fixture(scope="module")
def resolver(registry: dict[str, Outlet]) -> OutletResolver:
    return OutletResolver(registry)


def read(path: Path, resolver: OutletResolver) -> tuple[list[Article], list[str]]:
    errors: list[ItemError] = []
    articles = list(read_feed_file(path, resolver, errors.append, now=NOW))
    return articles, [str(e) for e in errors]


def test_rss_with_broken_entries(resolver: OutletResolver) -> None:
    path = FEEDS / "tasnim.rss"
    articles, errors = read(path, resolver)
    assert errors == [
        f"{path} entry 2: missing date (no pubDate, published or updated)",
        f"{path} entry 3: unparseable date 'the thirty-second of Never'",
        f"{path} entry 5: empty text (no content, description or summary)",
    ]
    assert [a.outlet_id for a in articles] == ["tasnim", "tasnim"]
    full, short = articles
    # content:encoded wins over the description; hostile markup never reaches the text.
    assert full.text == (
        "A delegation of the Iraqi group Harakat al-Nujaba met senior Iranian officials in "
        "Tehran.\n\nThe head of the delegation restated the group's loyalty to the Supreme "
        "Leader. He warned against US moves in Iraq."
    )
    for secret in ("steal", "feed-script", "feed-click", "javascript", "alert"):
        assert secret not in full.text
    assert full.published == datetime(2019, 8, 4, 10, 0, tzinfo=UTC)
    assert full.author == "Tasnim Staff"
    assert full.url == "https://www.tasnimnews.com/en/news/2019/08/04/2067000/nujaba-delegation"
    assert full.origin == str(path)
    assert short.text.startswith("Iranian companies could take part in Iraqi reconstruction")


def test_atom(resolver: OutletResolver) -> None:
    articles, errors = read(FEEDS / "mehr.atom", resolver)
    assert errors == []
    first, second = articles
    assert first.outlet_id == "mehr"  # matched by the channel link's sub-domain
    assert first.published == datetime(2019, 8, 6, 5, 45, tzinfo=UTC)  # published, not updated
    assert first.text.split("\n\n") == [
        "Hassan Danaeifar said Iranian private companies would carry out projects in Syria.",
        "He added that Iran is ready to cooperate in all economic fields.",
    ]
    assert first.author == "Politics Desk"
    assert second.published == datetime(2019, 8, 7, 8, 0, tzinfo=UTC)


def test_not_xml_is_one_error(resolver: OutletResolver) -> None:
    path = FEEDS / "not-xml.xml"
    assert read(path, resolver) == (
        [],
        [f"{path}: not a valid RSS or Atom feed (syntax error at line 2)"],
    )


def test_html_is_not_a_feed(resolver: OutletResolver) -> None:
    errors: list[ItemError] = []
    found = list(
        parse_feed(b"<html><body><p>Hi</p></body></html>", "page", resolver, errors.append)
    )
    assert found == []
    assert [str(e) for e in errors] == [
        "page: not a valid RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root element)"
    ]


def test_malformed_feed_is_reported_and_read_leniently(resolver: OutletResolver) -> None:
    path = FEEDS / "malformed.xml"
    articles, errors = read(path, resolver)
    assert errors == [
        f"{path}: feed is not well-formed XML (mismatched tag at line 13); entries read leniently",
        f"{path} entry 2: empty text (no content, description or summary)",
    ]
    assert [(a.outlet_id, a.title) for a in articles] == [("sana", "Shaaban speaks in Tartous")]


def test_parse_feed_never_opens_a_string_as_a_path(
    tmp_path: Path, resolver: OutletResolver
) -> None:
    errors: list[ItemError] = []
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FEEDS / "mehr.atom").read_bytes())
    assert list(parse_feed(str(secret), "arg", resolver, errors.append, now=NOW)) == []
    assert len(errors) == 1


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/rss+xml; charset=utf-8", b"<rss/>", True),
        ("application/atom+xml", b"", True),
        ("text/xml", b"<?xml version='1.0'?><rss version='2.0'>", True),
        ("text/html", b"<rss>", False),
        ("application/xhtml+xml", b"<html>", False),
        ("", b"\xef\xbb\xbf  <?xml version='1.0'?>\n<feed xmlns='x'>", True),
        ("application/octet-stream", b"<!DOCTYPE html><html>", False),
        ("text/plain", b"hello", False),
    ],
)
def test_looks_like_feed(content_type: str, body: bytes, expected: bool) -> None:
    assert looks_like_feed(content_type, body) is expected


def test_collect_feeds_over_the_network(
    registry: dict[str, Outlet], resolver: OutletResolver
) -> None:
    rss = (FEEDS / "tasnim.rss").read_bytes()
    page = (DATA / "pages" / "deirezzor24-soleimani.html").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "feeds.example":
            return httpx.Response(200, content=rss, headers={"Content-Type": "application/rss+xml"})
        if request.url.host == "deirezzor24.net":
            return httpx.Response(200, content=page, headers={"Content-Type": "text/html"})
        if request.url.host == "unchanged.example":
            return httpx.Response(304)
        return httpx.Response(503)

    outlets = [
        registry["tasnim"].replace(feeds=(Feed("https://feeds.example/tasnim.rss", "rss"),)),
        registry["deirezzor24"].replace(feeds=(Feed("https://deirezzor24.net/en/x/", "html"),)),
        registry["mehr"].replace(
            feeds=(
                Feed("https://unchanged.example/a", "atom"),
                Feed("https://down.example/a", "rss"),
            )
        ),
        registry["fatimiyoun-telegram"].replace(
            feeds=(Feed("https://t.me/s/fatemiyoun_brigade", "telegram"),)
        ),
    ]
    errors: list[ItemError] = []
    fetcher = Fetcher(transport=httpx.MockTransport(handler), delay=0)
    articles = list(collect_feeds(outlets, fetcher, resolver, errors.append, now=NOW))
    assert [a.outlet_id for a in articles] == ["tasnim", "tasnim", "deirezzor24"]
    assert articles[0].origin == "https://feeds.example/tasnim.rss"
    messages = [str(e) for e in errors]
    assert sum("feeds.example/tasnim.rss entry" in m for m in messages) == 3
    assert "https://down.example/a: HTTP 503 Service Unavailable" in messages
    assert any(
        m.startswith("https://t.me/s/fatemiyoun_brigade: Telegram channels cannot")
        for m in messages
    )
    assert not any("unchanged.example" in m for m in messages)
