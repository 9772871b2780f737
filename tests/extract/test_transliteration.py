"""The transliteration table: spellings of one name match, look-alike names do not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dragoman.extract.names import loose_key, name_tokens, normalize_name, same_name

TABLE_PATH = Path(__file__).parent.parent / "data" / "names" / "transliteration.yaml"
# Floors, so that the table cannot shrink without someone noticing.
MIN_MATCH = 270
MIN_NO_MATCH = 175


def _load() -> dict[str, Any]:
    return yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))


TABLE = _load()
MATCH = [tuple(p) for p in TABLE["match"]]
NO_MATCH = [tuple(p) for p in TABLE["no_match"]]
LIMITS = TABLE.get("known_limits") or {}


def _ids(pairs: list[tuple[str, ...]]) -> list[str]:
    return [f"{a} ~ {b}" for a, b in pairs]


def test_table_keeps_its_size() -> None:
    assert len(MATCH) >= MIN_MATCH
    assert len(NO_MATCH) >= MIN_NO_MATCH


def test_table_is_well_formed() -> None:
    pairs = MATCH + NO_MATCH
    for pair in pairs:
        assert len(pair) == 2 and all(isinstance(x, str) and x.strip() for x in pair), pair
        assert pair[0] != pair[1], f"{pair}: a pair of one spelling tests nothing"
    seen = [frozenset(p) for p in pairs]
    assert len(seen) == len(set(seen)), "a pair is listed twice"


@pytest.mark.parametrize(("a", "b"), MATCH, ids=_ids(MATCH))
def test_spellings_of_one_name_match(a: str, b: str) -> None:
    assert same_name(a, b)
    assert same_name(b, a)
    # names that match must meet in the coarse index, or the resolver never compares them
    assert loose_key(a) == loose_key(b)


@pytest.mark.parametrize(("a", "b"), NO_MATCH, ids=_ids(NO_MATCH))
def test_look_alike_names_differ(a: str, b: str) -> None:
    assert not same_name(a, b)
    assert not same_name(b, a)
    assert normalize_name(a) != normalize_name(b)


@pytest.mark.parametrize(("a", "b"), LIMITS.get("match") or [], ids=_ids(LIMITS.get("match") or []))
@pytest.mark.xfail(reason="a known limit of the spelling rules", strict=False)
def test_known_misses(a: str, b: str) -> None:
    assert same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"), LIMITS.get("no_match") or [], ids=_ids(LIMITS.get("no_match") or [])
)
@pytest.mark.xfail(reason="a known limit of the spelling rules", strict=False)
def test_known_collisions(a: str, b: str) -> None:
    assert not same_name(a, b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheikh Naim Qassem", ("naim", "qasem")),
        ("Brigadier General Esmail Qaani", ("esmail", "qani")),
        ("General", ("general",)),
        ("", ()),
    ],
)
def test_name_tokens_drop_leading_titles(text: str, expected: tuple[str, ...]) -> None:
    assert name_tokens(text) == expected


def test_titles_inside_a_name_stay() -> None:
    # "Sayyid" is a title before a name, but a word of the group's name here
    assert not same_name("Kataib Sayyid al-Shuhada", "Kataib al-Shuhada")


def test_empty_and_punctuation_only_names_never_match() -> None:
    assert not same_name("", "")
    assert not same_name("—", "—")
    assert not same_name("Hezbollah", "")
    assert loose_key("") == ""


def test_case_and_spacing_do_not_matter() -> None:
    assert same_name("HASSAN  NASRALLAH", "hassan nasrallah")
    assert same_name(" Abu Kamal ", "ABU-KAMAL")


@pytest.mark.parametrize("bad", [None, 42, b"Hezbollah"])
def test_non_text_is_refused_with_a_clear_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="expected text"):
        same_name(bad, "Hezbollah")
    with pytest.raises(TypeError, match="expected text"):
        normalize_name(bad)
