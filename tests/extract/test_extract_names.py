"""Name keys, dates and the gazetteer: fast checks that need no spaCy model."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dragoman.errors import DragomanError
from dragoman.extract.dates import date_bounds, resolve_date
from dragoman.extract.names import normalize_name, slugify
from dragoman.extract.nlp import load_pipeline

PUBLISHED = datetime(2019, 7, 29, 10, 0)  # a Monday


@pytest.mark.parametrize(
    "variant",
    [
        "Qassem Soleimani",
        "Ghasem Soleimani",
        "Kassem Sulaimani",
        "Qasem Suleimani",
        "QASEM SOLEIMANI",
        "Qasem Soleimani’s",
    ],
)
def test_soleimani_spellings_share_a_key(variant: str) -> None:
    assert normalize_name(variant) == normalize_name("Qasem Soleimani")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Albu Kamal", "Abu Kamal"),
        ("Ālbū Kamāl", "Albu Kamal"),
        ("Harakat al-Nujaba’", "Harakat Al Nujaba"),
        ("Al-Mayadeen", "al Mayadeen"),
        ("Salah al-‘Arouri", "Salah al-Arouri"),
        ("Deir ez-Zor", "Deir Ezzor"),
    ],
)
def test_transliteration_variants_share_a_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dayr az Zawr", "Deir ez-Zor"),  # a sun-letter article written apart
        ("Ash Sham", "Sham"),
        ("Sepah-e Pasdaran", "Sepah Pasdaran"),  # Persian ezafe
        ("Khatam ol-Anbiya", "Khatam al-Anbiya"),
        ("Šāriqah", "Shariqah"),  # scholarly letters spell two letters
        ("Badr Organisation", "Badr Organization"),
        ("Mohammed ibn Salman", "Mohammed bin Salman"),
        ("Islamic Revolutionary Guards Corps", "Islamic Revolutionary Guard Corps"),
    ],
)
def test_keys_fold_articles_ezafe_and_spelling_habits(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_keys_are_cached_and_stable() -> None:
    assert normalize_name("Qasem Soleimani") == "qasem soleimani"
    assert normalize_name("Hezbollah") == "hizbalah"
    assert normalize_name.cache_info().maxsize


def test_different_names_keep_different_keys() -> None:
    assert normalize_name("Iraj Masjedi") != normalize_name("Iraj Mousavi")
    assert normalize_name("Iran") != normalize_name("Iraq")
    # a spaced sun-letter article goes only before the letter it assimilates to
    assert normalize_name("Umm as Sabat") == "um sabat"
    assert normalize_name("Bani as Kamal") == "bani as kamal"


def test_slug_is_readable() -> None:
    assert slugify(normalize_name("Qasem Soleimani")) == "qasem-soleimani"
    assert slugify("") == "unnamed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 25", date(2019, 7, 25)),
        ("Monday", date(2019, 7, 22)),
        ("Sunday", date(2019, 7, 28)),
        ("yesterday", date(2019, 7, 28)),
        ("July 29-30", date(2019, 7, 29)),
        ("August 5, 2019", date(2019, 8, 5)),
        ("last week", None),
        ("recently", None),
        ("a few months", None),
        ("the next day", None),
        ("late July", None),
    ],
)
def test_dates_resolve_against_publication(text: str, expected: date | None) -> None:
    assert resolve_date(text, PUBLISHED) == expected


def test_dates_without_publication_keep_only_absolute_days() -> None:
    assert resolve_date("July 25", None) is None
    assert resolve_date("Monday", None) is None
    assert resolve_date("August 5, 2019", None) == date(2019, 8, 5)


def test_date_bounds_cover_partial_dates() -> None:
    assert date_bounds("late July 2019", PUBLISHED) == (date(2019, 7, 21), date(2019, 7, 31))
    assert date_bounds("2018", PUBLISHED) == (date(2018, 1, 1), date(2018, 12, 31))
    assert date_bounds("recently", PUBLISHED) is None


def test_missing_pipeline_names_what_was_tried() -> None:
    with pytest.raises(DragomanError) as info:
        load_pipeline("no_such_model_a,no_such_model_b")
    message = str(info.value)
    assert "no_such_model_a" in message and "no_such_model_b" in message
    assert "pip install" in message
