"""Markdown, HTML and JSON renderings of a digest."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import date
from html.parser import HTMLParser
from importlib import resources

import pytest
from digest_corpus import Corpus
from jsonschema import Draft202012Validator

from dragoman.digest import digest_to_json, load_schema, render
from dragoman.digest.render.html import safe_url
from dragoman.digest.render.markdown import escape
from dragoman.records import Bullet, Citation, Digest, Section, SentenceRef


class Collect(HTMLParser):
    """Every start tag with its attributes, and the page's visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Collect:
    parser = Collect()
    parser.feed(page)
    parser.close()
    return parser


def test_unknown_format_names_the_known_ones(digest: Digest) -> None:
    with pytest.raises(ValueError) as err:
        render(digest, "docx")
    message = str(err.value)
    assert "docx" in message and "md" in message and "html" in message and "json" in message


def test_markdown_structure(digest: Digest) -> None:
    text = render(digest, "md")
    assert isinstance(text, str)
    lines = text.splitlines()
    assert lines[0] == "# Spotlight on Iran"
    assert lines[2] == "*July 28 – August 11, 2019*"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Overview",
        "## Iranian Involvement in Syria",
        "## Iranian Involvement in Iraq",
        "## Iranian Involvement in the Palestinian Arena",
        "## Index of people, organisations and places",
    ]
    overview = lines[
        lines.index("## Overview") + 2 : lines.index("## Iranian Involvement in Syria") - 1
    ]
    assert len(overview) == 4 and all(line.startswith("- ") for line in overview)
    assert "(IRNA, July 29-30) *The report could not be confirmed by other sources." in text
    assert "*We have no way to assess the credibility of the report.*" in text


def test_markdown_neutralises_article_markup(digest: Digest) -> None:
    text = render(digest, "md")
    # No angle bracket reaches a Markdown viewer unescaped.
    assert not re.search(r"(?<!\\)[<>]", text)
    assert r"\<script\>" in text
    assert escape("a *b* [c](javascript:x) <i>") == r"a \*b\* \[c\](javascript:x) \<i\>"


def test_html_sentences_carry_provenance(corpus: Corpus, digest: Digest) -> None:
    page = render(digest, "html")
    assert isinstance(page, str)
    spans = [a for tag, a in parse(page).tags if tag == "span" and a.get("class") == "sent"]
    refs = [r for s in digest.sections for b in s.bullets for r in b.sentences]
    refs += [r for b in digest.overview for r in b.sentences]
    assert len(spans) == len(refs)
    for attrs in spans:
        aid, start, end = (
            attrs["data-article"],
            int(attrs["data-start"] or 0),
            int(attrs["data-end"] or 0),
        )
        assert aid in corpus.articles
        assert attrs["title"] == f"article {aid} chars {start}–{end}"
        assert any(r.article_id == aid and r.start == start and r.end == end for r in refs)


def test_html_escapes_hostile_article_text(digest: Digest) -> None:
    page = render(digest, "html")
    parsed = parse(page)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "img" not in names
    for _, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x onerror" not in page
    # The text survives, shown as text.
    assert "<img src=x onerror=alert(2)>" in "".join(parsed.text)


def test_html_links_only_http_urls(digest: Digest) -> None:
    parsed = parse(render(digest, "html"))
    hrefs = [a["href"] for tag, a in parsed.tags if tag == "a"]
    assert "https://anadolu.example/a2" in hrefs
    assert all(h and h.startswith(("https://", "#")) for h in hrefs)
    assert not any("javascript" in (h or "") for h in hrefs)


def test_html_is_self_contained_with_index_and_timeline(digest: Digest) -> None:
    page = render(digest, "html")
    parsed = parse(page)
    names = [tag for tag, _ in parsed.tags]
    assert "link" not in names and "script" not in names and "iframe" not in names
    assert not any("src" in a for _, a in parsed.tags)
    ids = [a.get("id") for _, a in parsed.tags]
    assert "story-s1" in ids and "index" in ids and "timeline" in ids
    assert ids.index("index") > ids.index("story-s3") and ids.index("timeline") > ids.index("index")
    assert "@media print" in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://irna.ir/x?a=1", "https://irna.ir/x?a=1"),
        ("http://example.org/", "http://example.org/"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,hi", None),
        ('https://x.org/" onmouseover="alert(1)', None),
        ("//evil.example/x", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_json_validates_against_the_published_schema(digest: Digest) -> None:
    data = json.loads(render(digest, "json"))
    schema = json.loads(
        resources.files("dragoman.digest").joinpath("schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == "1.3"
    assert data["period"] == {"from": "2019-07-28", "to": "2019-08-11"}
    assert [s["arena"] for s in data["sections"]] == ["syria", "iraq", "palestinian"]
    bullet = data["sections"][1]["bullets"][0]
    assert set(bullet) >= {
        "text",
        "story_id",
        "citations",
        "sentences",
        "credibility",
        "assessment",
    }
    assert bullet["citations"][0] == {
        "outlet": "IRNA",
        "date": "2019-07-29",
        "article_id": "a4",
        "url": "https://irna.example/a4",
        "outlet_id": "irna",
    }
    assert "assessment" not in data["sections"][0]["bullets"][0]
    assert data["entity_index"]["Qasem Soleimani"] == ["story-s1"]
    assert [row["date"] for row in data["timeline"]] == ["2019-07-25", "2019-08-05"]


def test_json_sentence_offsets_point_into_articles(corpus: Corpus, digest: Digest) -> None:
    data = digest_to_json(digest)
    for section in data["sections"]:
        for bullet in section["bullets"]:
            for s in bullet["sentences"]:
                assert corpus.articles[s["article_id"]].text[s["start"] : s["end"]] == s["text"]


def test_schema_rejects_a_bullet_without_sentences_key() -> None:
    schema = load_schema()
    broken = {
        "schema_version": "1.0",
        "title": "t",
        "period": {"from": "2019-07-28", "to": "2019-08-11"},
        "overview": [{"text": "x", "story_id": "s", "citations": []}],
        "sections": [],
    }
    assert list(Draft202012Validator(schema).iter_errors(broken))


def test_digest_to_json_refuses_an_invalid_digest() -> None:
    bad = Digest(
        title="t",
        period_from=date(2019, 7, 28),
        period_to=date(2019, 8, 11),
        sections=(
            Section("S", "s", (Bullet("x", "b1", (SentenceRef("x", "a", 0, 1),), credibility=9),)),
        ),
    )
    with pytest.raises(ValueError, match="credibility"):
        digest_to_json(bad)


def test_renderers_handle_an_empty_digest() -> None:
    empty = Digest(title="Quiet week", period_from=date(2019, 12, 30), period_to=date(2020, 1, 5))
    assert "No developments" in render(empty, "md")
    assert "No developments" in render(empty, "html")
    assert json.loads(render(empty, "json"))["sections"] == []
    assert "*December 30, 2019 – January 5, 2020*" in render(empty, "md")


def test_bullet_without_sentences_renders_its_text() -> None:
    digest = Digest(
        title="t",
        period_from=date(2019, 7, 28),
        period_to=date(2019, 8, 11),
        sections=(
            Section(
                "S",
                "s",
                (
                    Bullet(
                        "Written <b>by hand</b>.",
                        "b1",
                        citations=(
                            Citation("IRNA", date(2019, 7, 29), "a", "https://irna.example/a"),
                        ),
                    ),
                ),
            ),
        ),
    )
    assert "Written &lt;b&gt;by hand&lt;/b&gt;." in render(digest, "html")
    assert r"- **1.1** Written \<b\>by hand\</b\>." in render(digest, "md")


def test_format_names_are_forgiving_and_pdf_waits_for_its_renderer(digest: Digest) -> None:
    assert render(digest, " Markdown ") == render(digest, "md")
    if importlib.util.find_spec("dragoman.digest.render.pdf") is None:
        with pytest.raises(ValueError, match="not available"):
            render(digest, "pdf")
