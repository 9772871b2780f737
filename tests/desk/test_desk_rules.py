"""Tests for the credibility: and salience: sections of a desk."""

from __future__ import annotations

from pathlib import Path

import pytest

from dragoman.desk import load_desk, parse_desk
from dragoman.errors import ConfigError
from dragoman.records import Desk
from dragoman.stories.assess import (
    CREDIBILITY_SETTINGS,
    SALIENCE_SETTINGS,
    SEVERITY,
    CredibilityRules,
    SalienceWeights,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "desk"
HEAD = "id: d\ntitle: D\narenas:\n  - {id: a, title: A}\n"  # lines 1-4


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_desk(HEAD + text, "desk.yaml")
    return info.value


def test_settings_tables_match_the_rule_fields() -> None:
    assert set(CREDIBILITY_SETTINGS) == set(CredibilityRules.__dataclass_fields__)
    assert set(SALIENCE_SETTINGS) == set(SalienceWeights.__dataclass_fields__)


def test_a_desk_without_the_sections_uses_the_defaults() -> None:
    desk = parse_desk(HEAD)
    assert desk.credibility == {} and desk.salience == {}
    assert CredibilityRules.from_desk(desk) == CredibilityRules()
    assert SalienceWeights.from_desk(desk) == SalienceWeights()
    assert parse_desk(HEAD + "credibility:\nsalience:\n").credibility == {}


def test_the_shipped_desk_states_the_defaults() -> None:
    desk = load_desk()
    assert desk.credibility["confirmed_outlets"] == 3
    assert CredibilityRules.from_desk(desk) == CredibilityRules()
    assert SalienceWeights.from_desk(desk) == SalienceWeights()


def test_given_settings_override_and_the_rest_default() -> None:
    desk = load_desk(DATA / "desk_rules_ok.yaml")
    rules = CredibilityRules.from_desk(desk)
    assert rules.confirmed_outlets == 4 and rules.probable_outlets == 3
    assert rules.single_outlet_grades == {"A": 3, "B": 3, "C": 4, "D": 4, "E": 4, "F": 5}
    assert rules.anonymous_phrases == ("a person close to the militia", "sources on the ground")
    assert rules.builtin_anonymous_phrases is False
    assert rules.contradiction_days == 1 and rules.contradiction_km == 25.5
    assert rules.figure_ratio == 2.0 and rules.anonymous_grade == 6
    weights = SalienceWeights.from_desk(desk)
    assert weights.independent_outlets == 2.0 and weights.repeat_penalty == 0.0
    assert weights.severity_table["CONSULT"] == 0.9
    assert weights.severity_table["ASSAULT"] == SEVERITY["ASSAULT"]
    assert weights.desk_actors == 0.25


def test_desk_settings_survive_a_round_trip() -> None:
    desk = load_desk(DATA / "desk_rules_ok.yaml")
    again = Desk.from_dict(desk.to_dict())
    assert CredibilityRules.from_desk(again) == CredibilityRules.from_desk(desk)
    assert SalienceWeights.from_desk(again) == SalienceWeights.from_desk(desk)


def test_a_bad_file_names_the_file_and_line() -> None:
    path = DATA / "desk_rules_bad.yaml"
    with pytest.raises(ConfigError) as info:
        load_desk(path)
    assert info.value.line == 8
    assert str(info.value) == f"{path}:8: credibility: figure_ratio must be greater than 1, got 0.8"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "credibility:\n  confirmed_outlet: 3\n",
            6,
            "unknown key 'confirmed_outlet'; did you mean 'confirmed_outlets'?",
        ),
        (
            "credibility:\n  probable_outlets: 4\n",
            6,
            "confirmed_outlets (3) must not be smaller than probable_outlets (4)",
        ),
        ("credibility:\n  probable_outlets: 1\n", 6, "probable_outlets must be at least 2"),
        (
            "credibility:\n  contradiction_days: 0\n",
            6,
            "contradiction_days must be at least 1, got 0",
        ),
        (
            "credibility:\n  contradiction_km: two\n",
            6,
            "contradiction_km must be a number, got 'two'",
        ),
        (
            "credibility:\n  anonymous_grade: 7\n",
            6,
            "anonymous_grade must be a credibility grade from 1 to 6, got 7",
        ),
        (
            "credibility:\n  single_outlet_grades: {G: 3}\n",
            6,
            "single_outlet_grades: reliability must be one of A, B, C, D, E, F, got 'G'",
        ),
        (
            "credibility:\n  single_outlet_grades:\n    A: 0\n",
            7,
            "single_outlet_grades: A must be at least 1, got 0",
        ),
        (
            "credibility:\n  anonymous_phrases: informed\n",
            6,
            "anonymous_phrases must be a list, got 'informed'",
        ),
        (
            "credibility:\n  builtin_anonymous_phrases: maybe\n",
            6,
            "builtin_anonymous_phrases must be true or false",
        ),
        ("credibility: strict\n", 5, "credibility must be a mapping"),
        (
            "salience:\n  severity_table: {KILL: 1}\n",
            6,
            "severity_table: event type must be one of",
        ),
        (
            "salience:\n  severity_table: {ASSAULT: -1}\n",
            6,
            "severity_table: ASSAULT must be at least 0, got -1",
        ),
        ("salience:\n  repeat_penalty: -0.5\n", 6, "repeat_penalty must be at least 0, got -0.5"),
        ("salience:\n  max_desk_actors: 2.5\n", 6, "max_desk_actors must be a whole number"),
    ],
)
def test_bad_settings_are_named_with_their_line(text: str, line: int, words: str) -> None:
    err = _error(text)
    assert err.line == line
    assert words in str(err)
    assert str(err).startswith(f"desk.yaml:{line}: ")
