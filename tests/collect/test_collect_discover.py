"""Walking folders, dispatching by format, and URLs."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from dragoman.collect import collect_paths
from dragoman.collect.fetch import Fetcher
from dragoman.collect.outlets import OutletResolver
from dragoman.errors import ItemError
from dragoman.records import Article, Outlet

DATA = Path(__file__).parent.parent / "data" / "collect"
NOW = datetime(2019, 8, 11, tzinfo=UTC)


@pytest.fixture(scope="module")
def resolver() -> OutletResolver:
    rows = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))
    return OutletResolver({row["id"]: Outlet.from_dict(row) for row in rows})


def run(paths, resolver, **kwargs) -> tuple[list[Article], list[str]]:  # type: ignore[no-untyped-def]
    errors: list[ItemError] = []
    articles = list(collect_paths(paths, resolver, errors.append, now=NOW, **kwargs))
    return articles, [str(e) for e in errors]


def test_whole_fixture_folder(resolver: OutletResolver) -> None:
    articles, errors = run([DATA], resolver)
    origins = [Path(a.origin).relative_to(DATA).as_posix() for a in articles]
    # Sorted walk; an export folder counts as one item.
    assert origins == sorted(origins, key=lambda o: o.split("/")[0])
    kinds = {o.split("/")[0] for o in origins}
    assert kinds == {"feeds", "jsonl", "pages", "telegram", "text"}
    assert len(articles) == 16
    assert len(errors) == 18
    assert all("\n" not in e for e in errors)
    assert len({a.id for a in articles}) == len(articles)
    assert all(a.published and a.published.tzinfo is not None for a in articles)
    assert not any(e.startswith(str(DATA / "outlets.yaml")) for e in errors)


def test_files_are_dispatched_by_extension(tmp_path: Path, resolver: OutletResolver) -> None:
    shutil.copy(DATA / "feeds" / "mehr.atom", tmp_path / "mehr.rss")  # extension, not content
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About this corpus\n", encoding="utf-8")
    (tmp_path / ".hidden.jsonl").write_text("not json\n", encoding="utf-8")
    records = [{"outlet": "sana", "published": "2019-08-01", "text": "A record in a JSON list."}, 5]
    (tmp_path / "list.json").write_text(json.dumps(records), encoding="utf-8")
    articles, errors = run([tmp_path], resolver)
    assert [a.outlet_id for a in articles] == ["sana", "mehr", "mehr"]
    assert errors == [f"{tmp_path / 'list.json'} record 2: expected a JSON object, got int"]
    # Named explicitly, a side file or an unknown type is read or refused out loud.
    articles, errors = run([tmp_path / "notes.csv", tmp_path / "missing.txt"], resolver)
    assert articles == []
    assert errors[0].startswith(f"{tmp_path / 'notes.csv'}: unknown file type '.csv'")
    assert errors[1] == f"{tmp_path / 'missing.txt'}: no such file or directory"


def test_telegram_export_folder_and_json_file(tmp_path: Path, resolver: OutletResolver) -> None:
    export = tmp_path / "channels" / "fatemiyoun"
    shutil.copytree(DATA / "telegram" / "fatemiyoun", export)
    (export / "photos").mkdir()
    (export / "photos" / "notes.txt").write_text("not an article", encoding="utf-8")
    loose = tmp_path / "export.json"
    shutil.copy(DATA / "telegram" / "truncated" / "result.json", loose)
    articles, errors = run([tmp_path / "channels", loose], resolver)
    assert [a.url for a in articles] == [
        "https://t.me/fatemiyoun_brigade/41",
        "https://t.me/fatemiyoun_brigade/43",
        "https://t.me/c/987654/1",
        "https://t.me/c/987654/2",
    ]
    assert len(errors) == 3 and errors[-1].startswith(f"{loose}: truncated or corrupt export")


def test_urls_go_through_the_fetcher(resolver: OutletResolver) -> None:
    rss = (DATA / "feeds" / "mehr.atom").read_bytes()
    page = (DATA / "pages" / "deirezzor24-soleimani.html").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed":
            return httpx.Response(200, content=rss, headers={"Content-Type": "text/xml"})
        if request.url.path == "/story":
            return httpx.Response(200, content=page, headers={"Content-Type": "text/html"})
        if request.url.path == "/same":
            return httpx.Response(304)
        return httpx.Response(404)

    fetcher = Fetcher(transport=httpx.MockTransport(handler), delay=0)
    urls = [
        "https://news.example/feed",
        "https://news.example/story",
        "https://news.example/same",
        "https://news.example/gone",
    ]
    articles, errors = run(urls, resolver, fetcher=fetcher)
    assert [a.outlet_id for a in articles] == ["mehr", "mehr", "deirezzor24"]
    assert articles[0].origin == "https://news.example/feed"
    assert articles[2].origin == "https://news.example/story"
    assert errors == ["https://news.example/gone: HTTP 404 Not Found"]
