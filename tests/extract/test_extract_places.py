"""The gazetteer and the geocode JSONL contract (GeoNames data, no spaCy model)."""

from __future__ import annotations

import json

from dragoman.extract.jsonl import geocode_jsonl
from dragoman.extract.places import Gazetteer


def test_albu_kamal_and_abu_kamal_are_one_town(gazetteer: Gazetteer) -> None:
    a = gazetteer.resolve("Albu Kamal")
    b = gazetteer.resolve("Abu Kamal")
    assert a is not None and b is not None
    assert a == b
    assert a.country == "SY" and a.feature_class == "P" and a.precision == "exact"
    assert abs(a.lat - 34.45) < 0.2 and abs(a.lon - 40.92) < 0.2  # type: ignore[operator]


def test_country_has_country_precision(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("Syria")
    assert place is not None
    assert (place.country, place.feature_class, place.precision) == ("SY", "A", "country")
    assert place.lat is not None and place.lon is not None


def test_context_country_picks_among_same_named_towns(gazetteer: Gazetteer) -> None:
    default = gazetteer.resolve("Tripoli")
    in_lebanon = gazetteer.resolve("Tripoli", ["LB"])
    assert default is not None and default.country == "LY"  # the most populous
    assert in_lebanon is not None and in_lebanon.country == "LB"


def test_desk_place_with_coordinates_takes_precedence(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("al-Qaim crossing")
    assert place is not None and (place.lat, place.lon) == (34.38, 41.0)
    assert gazetteer.desk_actor_id("Al Qaim crossing") == "al-qaim-crossing"


def test_unknown_name_is_none_and_demonyms_map_to_countries(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Soleimani") is None
    assert gazetteer.resolve("") is None
    assert gazetteer.country_of("Iranian") == "IR"
    assert gazetteer.country_of("Lebanese") == "LB"
    assert gazetteer.country_of("pro-Iranian") == "IR"


def test_geocode_jsonl_contract(gazetteer: Gazetteer) -> None:
    text = "Fighters moved from Albu Kamal to Qwertyville in Syria."
    lines = [
        json.dumps({"id": "g1", "text": text, "spans": [[20, 30], [34, 45], [49, 54]]}),
        "{broken",
        json.dumps({"id": "g3", "text": "short", "spans": [[0, 99]]}),
    ]
    errors: list[str] = []
    out = list(geocode_jsonl(lines, gazetteer, errors.append))
    assert [o["id"] for o in out] == ["g1", None, "g3"]
    places = out[0]["places"]
    assert [(p["start"], p["end"]) for p in places] == [(20, 30), (34, 45), (49, 54)]
    assert places[0]["country"] == "SY" and places[0]["geonames_id"] == 174448
    assert (
        places[1]["lat"] is None and places[1]["lon"] is None and places[1]["name"] == "Qwertyville"
    )
    assert places[2]["country"] == "SY"
    assert "error" in out[1] and "error" in out[2]
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1].startswith("line 3: span 0")
