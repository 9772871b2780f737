"""Telegram Desktop channel exports."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from dragoman.collect.outlets import OutletResolver
from dragoman.collect.telegram import message_text, read_telegram_export
from dragoman.errors import ItemError
from dragoman.records import Article, Outlet

DATA = Path(__file__).parent.parent / "data" / "collect" / "telegram"
NOW = datetime(2019, 8, 11, tzinfo=UTC)


@pytest.fixture(scope="module")
def resolver() -> OutletResolver:
    rows = yaml.safe_load((DATA.parent / "outlets.yaml").read_text(encoding="utf-8"))
    return OutletResolver({row["id"]: Outlet.from_dict(row) for row in rows})


def read(path: Path, resolver: OutletResolver) -> tuple[list[Article], list[str]]:
    errors: list[ItemError] = []
    articles = list(read_telegram_export(path, resolver, errors.append, now=NOW))
    return articles, [str(e) for e in errors]


def test_channel_export(resolver: OutletResolver) -> None:
    articles, errors = read(DATA / "fatemiyoun", resolver)
    result = DATA / "fatemiyoun" / "result.json"
    # The service entry and the photo-only post are skipped without a word.
    assert errors == [
        f"{result} message 44: missing date",
        f"{result} message 45: date '2091-07-31T09:15:00+00:00' is in the future",
    ]
    assert [a.url for a in articles] == [
        "https://t.me/fatemiyoun_brigade/41",
        "https://t.me/fatemiyoun_brigade/43",
    ]
    first, second = articles
    assert {a.outlet_id for a in articles} == {"fatimiyoun-telegram"}
    # date_unixtime is exact, whatever the exporting computer's clock zone was.
    assert first.published == datetime(2019, 7, 29, 18, 40, 5, tzinfo=UTC)
    assert first.text == (
        "Commander Soleimani with fighters of the brigade\n\n"
        "Defenders of the shrine stand ready #Fatemiyoun more"
    )
    assert first.title == "Commander Soleimani with fighters of the brigade"
    assert first.origin == str(result)
    # Without date_unixtime the local "date" is taken as UTC.
    assert second.published == datetime(2019, 7, 30, 9, 15, tzinfo=UTC)


def test_result_json_can_be_named_directly(resolver: OutletResolver) -> None:
    articles, _ = read(DATA / "fatemiyoun" / "result.json", resolver)
    assert len(articles) == 2


def test_truncated_export_keeps_complete_posts(resolver: OutletResolver) -> None:
    articles, errors = read(DATA / "truncated", resolver)
    result = DATA / "truncated" / "result.json"
    assert errors == [
        (
            f"{result}: truncated or corrupt export (Unterminated string starting at line 31 "
            "column 12); read the 2 posts before it"
        )
    ]
    assert [a.text for a in articles] == [
        "First complete post about the crossing.",
        "Second complete post.",
    ]
    # An unregistered channel gets a slug outlet and Telegram's private-link form.
    assert {a.outlet_id for a in articles} == {"some-unregistered-channel"}
    assert articles[1].url == "https://t.me/c/987654/2"


def test_export_cut_before_messages(tmp_path: Path, resolver: OutletResolver) -> None:
    path = tmp_path / "result.json"
    path.write_text('{"name": "X", "type": "public_cha', encoding="utf-8")
    articles, errors = read(path, resolver)
    assert articles == []
    assert errors == [f"{path}: not valid JSON (Unterminated string starting at line 1 column 23)"]


def test_odd_messages(tmp_path: Path, resolver: OutletResolver) -> None:
    export = {
        "name": "Fatemiyoun",
        "id": 5,
        "messages": [
            "not an object",
            {"type": "message", "date": "2019-08-01T00:00:00", "text": "no id"},
            {"id": 7, "type": "message", "date": "2019-08-01T00:00:00", "text": {"odd": 1}},
            {
                "id": 8,
                "type": "message",
                "date": "2019-08-01T00:00:00",
                "text": "",
                "text_entities": [{"type": "plain", "text": "Only in entities."}],
            },
            {"id": 9, "type": "message", "date": "2019-08-01T00:00:00", "text": "\u200b  "},
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    articles, errors = read(tmp_path, resolver)
    assert errors == [
        f"{path} message #1: not a JSON object",
        f"{path} message #2: missing message id",
        f"{path} message 7: text is a dict, expected a string or a list of parts",
    ]
    assert [a.text for a in articles] == ["Only in entities."]
    assert articles[0].url == "https://t.me/fatemiyoun_brigade/8"


def test_not_an_export(tmp_path: Path, resolver: OutletResolver) -> None:
    path = tmp_path / "result.json"
    path.write_text('{"chats": 3}', encoding="utf-8")
    assert read(path, resolver) == ([], [f"{path}: not a Telegram export (no 'messages' list)"])


def test_message_text_parts() -> None:
    parts = ["Hello ", {"type": "bold", "text": "world"}, {"type": "mention"}, 3, "!"]
    assert message_text(parts) == "Hello world!"
    assert message_text(None) == ""
    with pytest.raises(ValueError):
        message_text(42)
