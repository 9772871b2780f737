"""Tests for loading and validating source registries and desks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dragoman.desk import (
    EVENT_TYPES,
    alias_key,
    default_desk_path,
    default_sources_path,
    load_desk,
    load_grade_notes,
    load_sources,
    parse_desk,
    parse_sources,
)
from dragoman.errors import ConfigError
from dragoman.records import RELIABILITY_GRADES, Desk, Outlet

DATA = Path(__file__).resolve().parent.parent / "data" / "desk"

REGISTRY_IDS = [
    "deirezzor24", "anadolu", "fatimiyoun-telegram", "tasnim", "mehr", "fars", "irna",
    "channel12", "filasteen-alyoum", "sana", "al-mayadeen", "alsumaria", "al-watan",
    "daily-sabah", "ifpnews",
]  # fmt: skip

# How the seed bulletin names its sources in citations and in running text.
SEED_CITATIONS = {
    "DeirEzzor24": "deirezzor24",
    "the Turkish Anadolu Agency": "anadolu",
    "the Telegram channel of the Fatimiyoun Brigade": "fatimiyoun-telegram",
    "Tasnim": "tasnim",
    "Mehr": "mehr",
    "Fars": "fars",
    "IRNA": "irna",
    "the Islamic Republic News Agency (IRNA)": "irna",
    "Israeli Channel 12": "channel12",
    "the newspaper Filasteen Al-Youm": "filasteen-alyoum",
}


@pytest.fixture(scope="module")
def outlets() -> dict[str, Outlet]:
    return load_sources()


@pytest.fixture(scope="module")
def desk() -> Desk:
    return load_desk()


def _error(call, *args) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        call(*args)
    return info.value


# --- the shipped registry ---------------------------------------------------------------


def test_shipped_files_exist() -> None:
    assert default_sources_path().name == "sources.yaml"
    assert default_desk_path().name == "iran.yaml"
    assert default_sources_path().is_file() and default_desk_path().is_file()


def test_shipped_registry_has_every_outlet_in_order(outlets: dict[str, Outlet]) -> None:
    assert list(outlets) == REGISTRY_IDS
    for outlet_id, outlet in outlets.items():
        assert outlet.id == outlet_id
        assert outlet.reliability in RELIABILITY_GRADES
        assert outlet.orientation, outlet_id
        assert outlet.domains, outlet_id
        assert len(outlet.country) == 2


def test_shipped_registry_display_names_and_grades(outlets: dict[str, Outlet]) -> None:
    assert outlets["anadolu"].name == "the Turkish Anadolu Agency"
    assert outlets["anadolu"].kind == "agency"
    assert "AA" in outlets["anadolu"].citation_names
    assert outlets["fatimiyoun-telegram"].kind == "telegram"
    assert outlets["fatimiyoun-telegram"].reliability == "D"
    assert "t.me/fatemiyoun_brigade" in outlets["fatimiyoun-telegram"].domains
    assert outlets["irna"].name == "IRNA"
    assert "IRGC" in outlets["tasnim"].orientation
    # Two outlets close to one body count once for corroboration.
    assert outlets["tasnim"].owner and outlets["tasnim"].owner == outlets["fars"].owner
    for feed in outlets["mehr"].feeds:
        assert feed.url.startswith("https://") and feed.kind == "rss"


def test_every_shipped_outlet_has_a_grade_note(outlets: dict[str, Outlet]) -> None:
    notes = load_grade_notes()
    assert set(notes) == set(outlets)
    assert all(len(note) > 20 for note in notes.values())


def test_every_seed_cited_outlet_is_in_the_registry(outlets: dict[str, Outlet]) -> None:
    by_name: dict[str, str] = {}
    for outlet in outlets.values():
        for form in (outlet.name, *outlet.citation_names):
            by_name[form.casefold()] = outlet.id
    for cited, outlet_id in SEED_CITATIONS.items():
        assert by_name.get(cited.casefold()) == outlet_id, cited


# --- the shipped desk ---------------------------------------------------------------------


def test_shipped_desk_header_and_arenas(desk: Desk) -> None:
    assert (desk.id, desk.title, desk.cadence_days) == ("iran", "Spotlight on Iran", 14)
    got = [(a.id, a.title, a.involves, a.concerns, a.priority) for a in desk.arenas]
    assert got == [
        ("syria", "Iranian Involvement in Syria", ("IR",), ("SY",), 1),
        ("iraq", "Iranian Involvement in Iraq", ("IR",), ("IQ",), 2),
        ("palestinian", "Iranian Involvement in the Palestinian Arena", ("IR",), ("PS",), 3),
    ]
    assert {"Hamas", "Palestinian Islamic Jihad", "Gaza", "West Bank", "Palestinian"} <= set(
        desk.arenas[2].keywords
    )


def test_shipped_desk_terms_themes_and_verbs(desk: Desk) -> None:
    assert {"IR", "SY", "IQ", "PS", "IL", "US", "LB", "TR", "AF"} <= set(desk.country_terms)
    assert {"Iran", "Tehran", "IRGC", "Qods Force", "Quds Force", "Majlis"} <= set(
        desk.country_terms["IR"]
    )
    assert {"Albu Kamal", "Deir Ezzor", "Damascus"} <= set(desk.country_terms["SY"])
    assert {"al-Qaim", "Popular Mobilization", "Baghdad"} <= set(desk.country_terms["IQ"])
    # Matching ignores case, so a bare "US" would fire on the pronoun.
    assert "US" not in desk.country_terms["US"]
    assert set(desk.themes) == {"economy", "military", "diplomacy", "religion", "militias"}
    consult = ("meet", "visit", "host", "discuss", "receive", "hold talks", "tour")
    assert desk.verbs["CONSULT"] == consult
    assert desk.verbs["STATEMENT"][:3] == ("say", "state", "declare")
    assert set(desk.verbs) == {
        "CONSULT", "AGREE", "THREATEN", "STATEMENT", "COOPERATE", "REQUEST", "ACCUSE",
    }  # fmt: skip


def test_shipped_desk_actors(desk: Desk) -> None:
    assert len(desk.actors) >= 50
    by_id = {a.id: a for a in desk.actors}
    soleimani = by_id["qasem-soleimani"]
    for form in ("Qassem Suleimani", "Ghasem Soleimani", "Kassem Soleimani", "Haj Qassem"):
        assert form in soleimani.aliases
    role = soleimani.roles[0]
    assert role.organization == "IRGC Qods Force"
    assert role.start is not None and role.start.year == 1998
    assert role.end == date(2020, 1, 3)
    masjedi = by_id["iraj-masjedi"].roles[0]
    assert (masjedi.title, masjedi.posting) == ("Ambassador", "Baghdad")
    assert (masjedi.start, masjedi.end) == (date(2017, 1, 1), date(2022, 12, 31))
    assert {"Abu Kamal", "al-Bukamal", "Bukamal"} <= set(by_id["albu-kamal"].aliases)
    assert {"Nujaba", "Harakat Hezbollah al-Nujaba"} <= set(by_id["harakat-al-nujaba"].aliases)
    assert {"PMF", "Hashd al-Shaabi"} <= set(by_id["popular-mobilization-units"].aliases)
    types = {a.type for a in desk.actors}
    assert types == {"PERSON", "ORG", "LOC", "NORP"}


def test_shipped_desk_names_seed_people_and_places(desk: Desk) -> None:
    names = {alias_key(a.name) for a in desk.actors}
    for wanted in (
        "Adnan Hassan Mahmoud", "Bahman Hosseinzadeh", "Hassan Danaeifar", "Bouthaina Shaaban",
        "Naser Behzad", "Nasr al-Shammari", "Alireza Arafi", "Mojtaba Zolnour",
        "Yahya Rahim Safavi", "Saeed Jalili", "Mohsen Rezaei", "Mohammed al-Halbousi",
        "Ali Larijani", "Abdullah Luaibi", "Salah al-Arouri", "Amir Mousavi", "Ali Khamenei",
        "Hamas", "Hezbollah", "Supreme National Security Council", "Majlis",
        "Expediency Discernment Council", "Iran International Exhibitions Company",
        "Tartous", "Qom", "Karbala", "Najaf", "Beirut", "Gaza Strip", "al-Qaim",
    ):  # fmt: skip
        assert alias_key(wanted) in names, wanted


def test_shipped_places_have_coordinates(desk: Desk) -> None:
    places = [a for a in desk.actors if a.type == "LOC"]
    assert len(places) >= 12
    for place in places:
        assert place.lat is not None and place.lon is not None, place.id
        # The desk covers the Middle East: a swapped lat/lon would fall outside this box.
        assert 28 < place.lat < 40 and 33 < place.lon < 55, place.id


def test_shipped_aliases_point_at_one_actor_each(desk: Desk) -> None:
    owner: dict[str, str] = {}
    for actor in desk.actors:
        for form in (actor.name, *actor.aliases):
            key = alias_key(form)
            assert owner.setdefault(key, actor.id) == actor.id, (form, owner[key], actor.id)


def test_outlets_are_not_desk_actors(desk: Desk, outlets: dict[str, Outlet]) -> None:
    actor_names = {alias_key(a.name) for a in desk.actors}
    for outlet in outlets.values():
        assert outlet.id not in {a.id for a in desk.actors}
        assert alias_key(outlet.name) not in actor_names


# --- valid fixtures ----------------------------------------------------------------------


def test_small_registry_loads_with_defaults() -> None:
    outlets = load_sources(DATA / "sources_ok.yaml")
    assert list(outlets) == ["alpha", "beta"]
    alpha, beta = outlets["alpha"], outlets["beta"]
    assert alpha.citation_names == ("Alpha Agency", "Alpha")
    assert [(f.url, f.kind) for f in alpha.feeds] == [
        ("https://alpha.example/rss", "rss"),
        ("https://alpha.example/atom", "rss"),
    ]
    assert (beta.language, beta.feeds, beta.owner, beta.country) == ("en", (), "", "NO")
    assert load_grade_notes(DATA / "sources_ok.yaml") == {
        "alpha": "Official; reports its own side's doings."
    }


def test_unquoted_norway_stays_a_country_code() -> None:
    text = "outlets:\n  - {id: x, name: X, country: NO, kind: news, reliability: A}\n"
    assert parse_sources(text)["x"].country == "NO"


def test_small_desk_loads() -> None:
    desk = load_desk(DATA / "desk_ok.yaml")
    assert (desk.id, desk.cadence_days) == ("test", 7)
    # Priority defaults to the arena's position; an explicit one wins.
    assert [(a.id, a.priority) for a in desk.arenas] == [("north", 1), ("south", 5)]
    envoy, town = desk.actors
    assert envoy.aliases == ("Iraj Masjidi", "Masjedi")
    adviser = envoy.roles[1]
    assert (adviser.start, adviser.end) == (date(2016, 3, 1), date(2016, 4, 30))
    assert (town.lat, town.lon, town.roles) == (34.45, 40.92, ())
    assert desk.verbs == {"CONSULT": ("meet", "hold talks"), "STATEMENT": ("say",)}
    assert desk.themes == {"economy": ("trade", "fair")}


def test_event_types_include_statement() -> None:
    assert "STATEMENT" in EVENT_TYPES and "CONSULT" in EVENT_TYPES


# --- errors name the file and the line -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "fragment"),
    [
        ("sources_bad_grade.yaml", 11, "outlet 'tasnim': reliability must be one of A–F, got 'G'"),
        ("sources_unknown_key.yaml", 6, "unknown key 'reliablity'; did you mean 'reliability'?"),
        ("sources_missing_key.yaml", 8, "outlet 'beta': missing required key 'name'"),
        ("sources_duplicate_id.yaml", 7, "outlet id 'alpha' is used twice (first on line 2)"),
        ("sources_bad_yaml.yaml", 5, "malformed YAML"),
        ("sources_wrong_type.yaml", 7, "outlet 'alpha': domains must be a list"),
    ],
)
def test_registry_errors_name_the_line(name: str, line: int, fragment: str) -> None:
    path = DATA / name
    err = _error(load_sources, path)
    assert err.line == line
    assert err.path == str(path)
    assert fragment in err.reason
    assert str(err).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize(
    ("name", "line", "fragment"),
    [
        ("desk_bad_country.yaml", 7, "arena 'north': concerns: unknown country code 'XX'"),
        ("desk_duplicate_alias.yaml", 14, "alias 'soleimani' already belongs to actor 'one'"),
    ],
)
def test_desk_errors_name_the_line(name: str, line: int, fragment: str) -> None:
    err = _error(load_desk, DATA / name)
    assert (err.line, err.path) == (line, str(DATA / name))
    assert fragment in err.reason


DESK_HEAD = """\
id: test
title: Test
country_terms:
  IR: [Iran]
  SY: [Syria]
arenas:
  - {id: north, title: North, involves: [IR], concerns: [SY]}
"""
ROLE_HEAD = "actors:\n  - id: a\n    name: A\n    type: PERSON\n    roles:\n"


@pytest.mark.parametrize(
    ("tail", "line", "fragment"),
    [
        ("cadence_days: two weeks\n", 8, "cadence_days must be a whole number, got 'two weeks'"),
        ("verbs:\n  GREET: [wave]\n", 9, "verbs: event type must be one of"),
        ("themes: [economy]\n", 8, "themes must be a mapping"),
        ("actors:\n  - {id: a, name: A, type: CITY}\n", 9, "actor 'a': type must be one of"),
        ("actors:\n  - {id: a, name: A, type: LOC, lat: 34.1}\n", 9, "give both lat and lon"),
        ("actors:\n  - {id: a, name: A, type: LOC, lat: 95, lon: 3}\n", 9, "lat must lie between"),
        ("actors:\n  - {id: A B, name: A, type: ORG}\n", 9, "id must be lower-case"),
        ("actors:\n  - {id: a, name: A, type: ORG, country: ir}\n", 9, "(use upper case)"),
        (
            "actors:\n  - {id: a, name: A, type: ORG}\n  - {id: a, name: B, type: ORG}\n",
            10,
            "actor id 'a' is used twice (first on line 9)",
        ),
        (
            ROLE_HEAD + "      - {title: Envoy, start: 2019, end: 2018}\n",
            13,
            "actor 'a': role 1: end (2018-12-31) comes before start (2019-01-01)",
        ),
        (
            ROLE_HEAD + "      - {title: Envoy, start: last spring}\n",
            13,
            "start must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
        ),
    ],
)
def test_desk_value_errors(tail: str, line: int, fragment: str) -> None:
    err = _error(parse_desk, DESK_HEAD + tail, "desk.yaml")
    assert (err.path, err.line) == ("desk.yaml", line)
    assert fragment in err.reason


def test_arena_country_needs_country_terms() -> None:
    text = DESK_HEAD.replace("concerns: [SY]", "concerns: [IQ]")
    err = _error(parse_desk, text)
    assert err.line == 7
    assert "'IQ', which has no entry in country_terms" in err.reason


def test_desk_needs_an_arena_and_a_title() -> None:
    assert "missing required key 'title'" in _error(parse_desk, "id: x\narenas: []\n").reason
    assert "at least one arena" in _error(parse_desk, "id: x\ntitle: X\narenas: []\n").reason


def test_duplicate_yaml_key_is_reported() -> None:
    text = "outlets:\n  - id: a\n    name: A\n    name: B\n"
    err = _error(parse_sources, text)
    assert err.line == 4 and "key 'name' appears twice (first on line 3)" in err.reason


def test_feed_errors() -> None:
    base = (
        "outlets:\n  - id: a\n    name: A\n    country: IR\n    kind: agency\n    reliability: B\n"
    )
    err = _error(parse_sources, base + "    feeds:\n      - {url: ftp://a.example/rss}\n")
    assert err.line == 8 and "feed 1: url must start with http" in err.reason
    err = _error(parse_sources, base + "    feeds:\n      - {url: https://a.example, kind: mail}\n")
    assert err.line == 8 and "feed 1: kind must be one of rss" in err.reason


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "the file is empty"),
        ("- 1\n- 2\n", 1, "the source registry must be a mapping"),
        ("outlets:\n\t- x\n", 2, "malformed YAML"),
        ("outlets: {}\n", 1, "outlets must be a list"),
        ("outlets:\n  - just a name\n", 2, "outlet 1 must be a mapping"),
        ("sources: []\n", 1, "unknown key 'sources'"),
        (
            "outlets:\n  - {id: a, name: A, country: IR, kind: blog, reliability: B}\n",
            2,
            "kind must be one of",
        ),
        (
            "outlets:\n  - {id: a, name: [A], country: IR, kind: tv, reliability: B}\n",
            2,
            "name must be text, got a list",
        ),
        (
            "outlets:\n  - {id: a, name: '  ', country: IR, kind: tv, reliability: B}\n",
            2,
            "name must not be empty",
        ),
    ],
)
def test_registry_shape_errors(text: str, line: int, fragment: str) -> None:
    err = _error(parse_sources, text)
    assert (err.path, err.line) == ("<string>", line)
    assert fragment in err.reason


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    err = _error(load_sources, missing)
    assert err.path == str(missing) and err.line is None and "not found" in err.reason
    assert "is a folder" in _error(load_desk, tmp_path).reason
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("outlets:\n  - name: Caf\xe9\n".encode("latin-1"))
    assert "UTF-8" in _error(load_sources, latin).reason


def test_a_copied_registry_loads_from_any_path(tmp_path: Path) -> None:
    copy = tmp_path / "sources.yaml"
    copy.write_text(default_sources_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert list(load_sources(copy)) == REGISTRY_IDS
    assert list(load_sources(str(copy))) == REGISTRY_IDS


def test_alias_key_ignores_case_apostrophes_and_hyphens() -> None:
    assert alias_key("Harakat al-Nujaba\u2019") == alias_key("harakat al nujaba")
    assert alias_key("Shi'ites") == alias_key("Shiites")
    assert alias_key("Qasem") != alias_key("Qassem")


def test_every_key_is_documented() -> None:
    from dragoman.desk import load

    doc = (Path(__file__).resolve().parents[2] / "docs" / "desks-and-sources.md").read_text(
        encoding="utf-8"
    )
    keys = {"outlets", "url", "kind"}
    for group in (
        load._OUTLET_REQUIRED, load._OUTLET_OPTIONAL, load._DESK_REQUIRED, load._DESK_OPTIONAL,
        load._ARENA_REQUIRED, load._ARENA_OPTIONAL, load._ACTOR_REQUIRED, load._ACTOR_OPTIONAL,
        load._ROLE_REQUIRED, load._ROLE_OPTIONAL,
    ):  # fmt: skip
        keys.update(group)
    for key in sorted(keys):
        assert f"`{key}`" in doc, f"key {key!r} is not documented"
    for kind in (*EVENT_TYPES, *load.OUTLET_KINDS, *load.FEED_KINDS, *load.ACTOR_TYPES):
        assert f"`{kind}`" in doc, f"{kind!r} is not documented"
