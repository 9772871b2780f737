"""Tests for the shared dictionary of the region's well-known actors (extract/data/actors.yaml)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from dragoman.desk import alias_key, load_desk, load_sources, parse_desk
from dragoman.records import Actor, Desk

# The parser reads whole desks; these keys, appended after the list, make the file one.
# Appending (not prepending) keeps the line numbers in any error those of the file itself.
_DESK_TAIL = "\nid: common\ntitle: Common actors\narenas:\n  - {id: all, title: All}\n"

SECTORS = frozenset(
    ("GOV", "MIL", "militia", "party", "religious", "media", "intl", "business", "research", "ngo")
)


def _path() -> Path:
    return Path(str(resources.files("dragoman.extract").joinpath("data", "actors.yaml")))


@pytest.fixture(scope="module")
def common() -> Desk:
    text = _path().read_text(encoding="utf-8")
    return parse_desk(text + _DESK_TAIL, str(_path()))


@pytest.fixture(scope="module")
def iran() -> Desk:
    return load_desk()


@pytest.fixture(scope="module")
def owners(common: Desk) -> dict[str, str]:
    """alias_key of every name form -> the id of the actor it belongs to."""
    return {alias_key(form): a.id for a in common.actors for form in (a.name, *a.aliases)}


def _forms(actor: Actor) -> tuple[str, ...]:
    return (actor.name, *actor.aliases)


def _actor_block(text: str) -> str:
    """The items of a YAML file's top-level `actors:` list, as written."""
    lines = text.split("\n")
    start = lines.index("actors:") + 1
    end = next(
        (i for i in range(start, len(lines)) if lines[i][:1].isalpha()),
        len(lines),
    )
    return "\n".join(lines[start:end])


def test_file_starts_with_a_comment_and_has_only_actors() -> None:
    text = _path().read_text(encoding="utf-8")
    assert text.startswith("# ")
    top = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top == ["actors"]


def test_at_least_two_hundred_actors_of_every_kind(common: Desk) -> None:
    kinds = Counter(a.type for a in common.actors)
    assert len(common.actors) >= 200
    assert kinds["ORG"] >= 150 and kinds["PERSON"] >= 60 and kinds["NORP"] >= 1
    # Places belong to the gazetteer, not here.
    assert kinds["LOC"] == 0


def test_every_actor_is_well_formed(common: Desk) -> None:
    from dragoman.extract.entities import name_forms

    for actor in common.actors:
        # Communities have no sector; everyone else does.
        allowed = {""} if actor.type == "NORP" else SECTORS
        assert actor.sector in allowed, f"{actor.id}: sector {actor.sector!r}"
        assert actor.lat is None and actor.lon is None, actor.id
        # An alias the loader would generate from another form (a case variant) is noise.
        for alias in actor.aliases:
            made = {f for other in _forms(actor) if other != alias for f in name_forms(other)}
            assert alias not in made, f"{actor.id}: {alias!r} is generated from another form"


def test_no_name_form_is_shared_with_the_iran_desk(common: Desk, iran: Desk) -> None:
    iran_ids = {a.id for a in iran.actors}
    iran_forms = {alias_key(form): a.id for a in iran.actors for form in _forms(a)}
    clashes = [
        (a.id, form, iran_forms[alias_key(form)])
        for a in common.actors
        for form in _forms(a)
        if alias_key(form) in iran_forms
    ]
    assert clashes == []
    assert not iran_ids & {a.id for a in common.actors}


def test_the_two_files_load_together_as_one_desk(iran: Desk) -> None:
    # The desk parser rejects a name form that two actors claim, so one list proves uniqueness.
    shipped = Path(str(resources.files("dragoman.desk").joinpath("data", "iran.yaml")))
    both = [_actor_block(p.read_text(encoding="utf-8")) for p in (shipped, _path())]
    text = "actors:\n" + "\n".join(both) + _DESK_TAIL
    joined = parse_desk(text, "iran.yaml + actors.yaml")
    assert len(joined.actors) > len(iran.actors) + 200


def test_surface_forms_given_to_the_ruler_stay_unique(common: Desk, iran: Desk) -> None:
    # name_forms drops "the" and adds case variants; those must not collide either,
    # with each other, with the Iran desk or with an outlet's name.
    from dragoman.extract.entities import name_forms

    seen: dict[str, str] = {}
    for actor in (*iran.actors, *common.actors):
        for name in _forms(actor):
            for form in name_forms(name):
                other = seen.setdefault(alias_key(form), actor.id)
                assert other == actor.id, f"{form!r} of {actor.id} also belongs to {other}"
    ours = {a.id for a in common.actors}
    for outlet in load_sources().values():
        for name in (outlet.name, *outlet.citation_names):
            for form in name_forms(name):
                assert seen.get(alias_key(form)) not in ours, f"{form!r} is outlet {outlet.id}"


def test_people_have_roles_with_sane_dates(common: Desk) -> None:
    today = date.today()
    for actor in common.actors:
        if actor.type != "PERSON":
            assert not actor.roles, f"{actor.id}: only people hold roles here"
            continue
        assert actor.roles, f"{actor.id}: a person needs at least one role"
        assert actor.country, f"{actor.id}: a person needs a country"
        for role in actor.roles:
            assert role.title and role.organization, actor.id
            for day in (role.start, role.end):
                assert day is None or date(1960, 1, 1) <= day <= today, f"{actor.id}: {day}"
            if role.start and role.end:
                assert role.start <= role.end, f"{actor.id}: {role.title}"


@pytest.mark.parametrize(
    ("form", "actor_id"),
    [
        ("ISIL", "isil"),
        ("Daesh", "isil"),
        ("Da'esh", "isil"),
        ("Islamic State of Iraq and the Levant", "isil"),
        ("Islamic State of Iraq and Levant", "isil"),
        ("Islamic State in Iraq and the Levant", "isil"),
        ("al-Qa'ida", "al-qaeda"),
        ("AQI", "al-qaeda-in-iraq"),
        ("Jabhat Fatah al-Sham", "jabhat-al-nusra"),
        ("HTS", "hayat-tahrir-al-sham"),
        ("CJTF-OIR", "cjtf-oir"),
        ("Operation Inherent Resolve", "cjtf-oir"),
        ("Coalition", "global-coalition"),
        ("YPG", "ypg"),
        ("Ansar Allah", "houthis"),
        ("Pentagon", "us-department-of-defense"),
        ("Syria Civil Defence", "white-helmets"),
        ("Haidar al-Abadi", "haider-al-abadi"),
        ("Abu Mohammad al-Jolani", "abu-mohammad-al-julani"),
        ("Abu Bakr al-Baghdadi", "abu-bakr-al-baghdadi"),
        ("Staffan de Mistura", "staffan-de-mistura"),
    ],
)
def test_well_known_forms_point_at_the_right_actor(
    owners: dict[str, str], form: str, actor_id: str
) -> None:
    assert owners.get(alias_key(form)) == actor_id


def test_one_family_name_is_not_given_to_two_people(owners: dict[str, str]) -> None:
    # Shared surnames must stay unresolved rather than guess between relatives.
    for surname in ("Barzani", "Hariri", "Talabani", "Assad", "Abbas", "Sadr"):
        assert alias_key(surname) not in owners, surname
