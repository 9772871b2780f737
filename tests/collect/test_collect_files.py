"""JSON Lines and text/Markdown files with front matter."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from dragoman.collect.canonical import article_id, content_hash
from dragoman.collect.files import (
    article_from_mapping,
    markdown_to_text,
    read_jsonl,
    read_text_file,
)
from dragoman.collect.outlets import OutletResolver
from dragoman.errors import ItemError
from dragoman.records import Article, Outlet

DATA = Path(__file__).parent.parent / "data" / "collect"
NOW = datetime(2019, 8, 11, tzinfo=UTC)


@pytest.fixture(scope="module")
def resolver() -> OutletResolver:
    rows = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))
    return OutletResolver({row["id"]: Outlet.from_dict(row) for row in rows})


def collect(reader, path, resolver, **kwargs) -> tuple[list[Article], list[str]]:  # type: ignore[no-untyped-def]
    errors: list[ItemError] = []
    articles = list(reader(path, resolver, errors.append, **kwargs))
    return articles, [str(e) for e in errors]


def test_jsonl_keeps_good_lines_and_names_bad_ones(resolver: OutletResolver) -> None:
    path = DATA / "jsonl" / "mixed.jsonl"
    articles, errors = collect(read_jsonl, path, resolver, now=NOW)
    assert [a.outlet_id for a in articles] == ["tasnim", "mehr", "fars"]
    assert errors == [
        f"{path}:2: not valid JSON (Unterminated string starting at column 94)",
        f"{path}:4: missing required field 'text'",
        f"{path}:5: unparseable date '2019-13-45'",
        f"{path}:6: date '2091-01-01T00:00:00Z' is in the future",
        f"{path}:8: date '1985-05-01' is before 1990",
    ]
    first = articles[0]
    assert first.published == datetime(2019, 7, 31, 5, 0, tzinfo=UTC)
    assert first.url == "https://www.tasnimnews.com/en/news/2019/07/31/2063000/syrian-envoy-fair"
    assert first.id == article_id(first.url, "")
    assert first.text.count("\n\n") == 1
    assert first.content_hash == content_hash(first.text)
    assert first.origin == str(path) and first.language == "en"
    assert first.collected_at is not None and first.collected_at.tzinfo is not None


def test_jsonl_text_is_cleaned(resolver: OutletResolver) -> None:
    articles, _ = collect(read_jsonl, DATA / "jsonl" / "mixed.jsonl", resolver, now=NOW)
    fars = articles[-1]
    assert fars.title == "Shaaban: Syria–Iran ties are strategic"
    assert fars.author == "Fars International Desk"
    assert "historic & strategic." in fars.text
    assert "\u200b" not in fars.text and "\x07" not in fars.text
    assert fars.text.split("\n\n")[0].startswith(
        "Speaking at a cultural centre in Tartous, Bouthaina"
    )


def test_jsonl_keep_ids(resolver: OutletResolver) -> None:
    articles, _ = collect(
        read_jsonl, DATA / "jsonl" / "mixed.jsonl", resolver, now=NOW, keep_ids=True
    )
    assert [a.id for a in articles] == ["tasnim-0731", "mehr-0806", "fars-0805"]


def test_jsonl_odd_lines(tmp_path: Path, resolver: OutletResolver) -> None:
    good = {
        "outlet": "sana",
        "published": "2019-08-01",
        "text": "Fine.",
        "url": "https://sana.sy/1",
    }
    path = tmp_path / "odd.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                json.dumps(good).encode(),
                b"[1, 2, 3]",
                b'{"outlet": "sana", "published": "2019-08-01", "text": "caf\xe9"}',
                json.dumps({**good, "text": "   \u200b "}).encode(),
                json.dumps({**good, "url": "javascript:alert(1)"}).encode(),
                json.dumps({"published": "2019-08-01", "text": "No source at all."}).encode(),
                json.dumps({**good, "title": ["not", "a", "string"]}).encode(),
            ]
        )
    )
    articles, errors = collect(read_jsonl, path, resolver, now=NOW)
    assert len(articles) == 1 and articles[0].title == "Fine."
    assert errors == [
        f"{path}:2: expected a JSON object, got list",
        f"{path}:3: not valid UTF-8 (byte 58)",
        f"{path}:4: empty text",
        f"{path}:5: url 'javascript:alert(1)' is not an http(s) address",
        f"{path}:6: missing required field 'outlet' (or a 'url' to find it from)",
        f"{path}:7: field 'title' must be a string, got list",
    ]


def test_missing_jsonl_file_is_reported(tmp_path: Path, resolver: OutletResolver) -> None:
    articles, errors = collect(read_jsonl, tmp_path / "absent.jsonl", resolver)
    assert articles == [] and len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'absent.jsonl'}: cannot read file")


def test_markdown_file(resolver: OutletResolver) -> None:
    path = DATA / "text" / "2019-08-06-deirezzor24-border-meeting.md"
    articles, errors = collect(read_text_file, path, resolver, now=NOW)
    assert errors == []
    (article,) = articles
    assert article.outlet_id == "deirezzor24"
    assert article.published == datetime(2019, 8, 6, tzinfo=UTC)
    assert article.title == "Syrian, Iraqi officers meet in Albu Kamal over new crossing"
    assert article.author == "Local correspondent"
    paragraphs = article.text.split("\n\n")
    # The heading repeating the title is dropped; emphasis, links and list markers go.
    assert paragraphs[0].startswith("Sources in Deir Ezzor told DeirEzzor24 that military")
    assert "joint military points at the crossing;" in paragraphs
    assert paragraphs[-1] == "More in our earlier report and archive."
    for leftover in ("*", "#", "](", "`", "alert", "md-script", "<"):
        assert leftover not in article.text


def test_text_file(resolver: OutletResolver) -> None:
    path = DATA / "text" / "2019-07-30-filasteen-alyoum-mousavi.txt"
    (article,) = collect(read_text_file, path, resolver, now=NOW)[0]
    assert article.outlet_id == "filasteen-alyoum"
    assert article.published == datetime(2019, 7, 30, 13, 45, tzinfo=UTC)
    assert article.text.split("\n\n")[1] == (
        "He said Iran had begun mediating with the Syrian leadership so that Hamas and "
        "Damascus could be reconciled."
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "no-front-matter.md",
            (
                "no front matter (the file must start with a '---' line, then outlet, date, "
                "title and url, then '---')"
            ),
        ),
        ("bad-yaml.md", "bad YAML in front matter (expected ',' or ']', but got ':' at line 5)"),
        ("wrong-date.txt", "unparseable date 'sometime in August'"),
    ],
)
def test_bad_text_files(resolver: OutletResolver, name: str, reason: str) -> None:
    path = DATA / "text" / name
    articles, errors = collect(read_text_file, path, resolver, now=NOW)
    assert articles == []
    assert errors == [f"{path}: {reason}"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            "---\noutlet: sana\ndate: 2019-08-01\n\nNever closed.\n",
            "front matter is not closed by a '---' line",
        ),
        ("---\n- a\n- b\n---\nBody.\n", "front matter must be a mapping of field names to values"),
        ("---\noutlet: sana\ntitle: T\n---\nBody.\n", "missing required field 'date'"),
        ("---\noutlet: sana\ndate: 2019-08-01\n---\n\n\n", "empty text"),
    ],
)
def test_front_matter_problems(
    tmp_path: Path, resolver: OutletResolver, content: str, reason: str
) -> None:
    path = tmp_path / "x.md"
    path.write_text(content, encoding="utf-8")
    assert collect(read_text_file, path, resolver, now=NOW) == ([], [f"{path}: {reason}"])


def test_markdown_to_text() -> None:
    source = (
        "## Heading ##\n\nSome **bold**, _italic_ and ***both*** with a snake_case_name.\n"
        "Wrapped line with ![a photo](p.jpg) and <https://example.org>.\n\n"
        "> quoted [ref link][1]\n\n1. first\n2. second\n\n---\n\n[1]: https://example.org\n"
        '<p onclick="x()">kept</p><style>p{}</style><iframe>gone</iframe> 3 \\* 4\n'
    )
    assert markdown_to_text(source) == (
        "Heading\n\nSome bold, italic and both with a snake_case_name. Wrapped line with a photo "
        "and https://example.org.\n\nquoted ref link\n\nfirst\n\nsecond\n\nkept 3 * 4"
    )


def test_article_from_mapping_date_only_outlet_from_url(resolver: OutletResolver) -> None:
    article = article_from_mapping(
        {"text": "Body", "date": "2019-08-01", "url": "https://www.alsumaria.tv/news/1"},
        "doc 1",
        resolver,
        now=NOW,
    )
    assert article.outlet_id == "alsumaria" and article.title == "Body"
    with pytest.raises(ItemError, match=r"^doc 2: missing required field 'published'$"):
        article_from_mapping({"text": "Body", "outlet": "sana"}, "doc 2", resolver)
