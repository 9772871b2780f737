"""The gazetteer and the geocode JSONL contract (GeoNames data, no spaCy model)."""

from __future__ import annotations

import json
from pathlib import Path

from dragoman.extract.jsonl import geocode_jsonl
from dragoman.extract.places import Gazetteer

DATA = Path(__file__).resolve().parents[1] / "data" / "places"


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
    assert places[0]["precision"] == "exact"
    # an unknown name in a document with known places stands at the document's focus
    assert places[1]["name"] == places[0]["name"] and places[1]["precision"] == "context"
    assert places[2]["country"] == "SY" and places[2]["precision"] == "country"
    assert "error" in out[1] and "error" in out[2]
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1].startswith("line 3: span 0")


def _fixture() -> list[str]:
    return (DATA / "geocode.jsonl").read_text("utf-8").splitlines()


def test_geocode_jsonl_fixture(gazetteer: Gazetteer) -> None:
    errors: list[str] = []
    out = {o["id"]: o for o in geocode_jsonl(_fixture(), gazetteer, errors.append)}
    assert list(out) == ["levant", "libya", "border", "nola", "nowhere", "capital", "bad"]
    levant = out["levant"]["places"]
    assert [p["country"] for p in levant] == ["LB", "LB", "LB"]
    assert levant[2]["precision"] == "country"  # "Lebanese" names the country
    assert [p["country"] for p in out["libya"]["places"]] == ["LY", "LY", "LY"]
    border = out["border"]["places"]
    assert [p["country"] for p in border] == ["SY", "IQ", "SY"]
    assert all(p["lat"] is not None for p in border)
    nola = out["nola"]["places"]
    assert nola[0]["precision"] == "context" and nola[0]["name"] == "New Orleans"
    assert (nola[1]["country"], nola[1]["precision"]) == ("US", "exact")
    assert (nola[2]["name"], nola[2]["precision"]) == ("Louisiana", "region")
    assert (nola[3]["country"], nola[3]["precision"]) == ("IE", "country")
    nowhere = out["nowhere"]["places"][0]
    assert nowhere["lat"] is None and nowhere["lon"] is None and nowhere["country"] is None
    assert nowhere["name"] == "Qwertyville" and "precision" not in nowhere
    # only the text says which Springfield: "Ill." after the dateline's town
    capital = out["capital"]["places"]
    assert [(p["country"], round(p["lat"])) for p in capital] == [("US", 40), ("US", 40)]
    assert "error" in out["bad"] and errors == [
        "line 8: span 0 is not a [start, end] pair inside the text: [3, 1]"
    ]


def test_seed_bulletin_places_resolve(gazetteer: Gazetteer) -> None:
    expected = {
        "Albu Kamal": "SY",
        "Abu Kamal": "SY",
        "al-Bukamal": "SY",
        "al-Qaim": "IQ",
        "Deir ez-Zor": "SY",
        "Deir al-Zour": "SY",
        "Damascus": "SY",
        "Baghdad": "IQ",
        "Tehran": "IR",
        "Beirut": "LB",
        "Gaza": "PS",
        "Sanaa": "YE",
        "Strait of Hormuz": "",
    }
    for name, country in expected.items():
        place = gazetteer.resolve(name)
        assert place is not None and place.lat is not None, name
        assert place.country == country, name
    bukamal = {gazetteer.resolve(n) for n in ("Albu Kamal", "Abu Kamal", "al-Bukamal")}
    assert len(bukamal) == 1


def test_document_context_picks_the_tripoli(gazetteer: Gazetteer) -> None:
    lebanon = gazetteer.geocode(["Tripoli", "Beirut"])
    libya = gazetteer.geocode(["Tripoli", "Benghazi"])
    syria = gazetteer.geocode(["Tripoli"], context_countries=["LB"])
    assert lebanon[0] is not None and lebanon[0].country == "LB"
    assert libya[0] is not None and libya[0].country == "LY"
    assert syria[0] is not None and syria[0].country == "LB"


def test_demonyms_and_abbreviations_are_places(gazetteer: Gazetteer) -> None:
    irish, greek, kurdish, calif, english = gazetteer.geocode(
        ["Irish", "Greek", "Kurdish", "Calif.", "English"]
    )
    assert irish is not None and (irish.country, irish.precision) == ("IE", "country")
    assert greek is not None and greek.country == "GR"
    assert kurdish is not None and kurdish.precision == "region"
    assert calif is not None and (calif.name, calif.country) == ("California", "US")
    assert english is not None and english.name == "England"
    assert gazetteer.country_of("Greek") == "GR"
    assert gazetteer.country_of("Irish") == "IE"


def test_countries_beat_same_named_capitals_and_states_have_ids(gazetteer: Gazetteer) -> None:
    mexico, louisiana, new_york = gazetteer.geocode(["Mexico", "Louisiana", "New York City"])
    assert mexico is not None and mexico.precision == "country" and mexico.country == "MX"
    assert louisiana is not None and louisiana.precision == "region"
    assert louisiana.geonames_id == 4331987
    assert new_york is not None and new_york.precision == "exact"
    assert abs(new_york.lat - 40.71) < 0.1  # type: ignore[operator]


def test_feature_inside_a_known_place(gazetteer: Gazetteer) -> None:
    uni, district, official = gazetteer.geocode(
        ["Colorado State University", "Afrin District", "Republic of Armenia"]
    )
    assert uni is not None and (uni.name, uni.precision) == ("Colorado", "region")
    assert district is not None and district.country == "SY"
    assert official is not None and official.country == "AM"


def test_unknown_names_stay_unknown(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Qwertyville") is None
    assert gazetteer.geocode(["Qwertyville", "Zzyzxqq Plaza"]) == [None, None]
    assert gazetteer.geocode([]) == []
    assert gazetteer.geocode([""]) == [None]


def test_fallback_is_marked_as_context(gazetteer: Gazetteer) -> None:
    found = gazetteer.geocode(["Damascus", "Qwertyville", "Damascus", "Homs"])
    assert found[1] is not None and found[1].precision == "context"
    assert (found[1].name, found[1].country) == ("Damascus", "SY")
    assert found[0] is not None and found[0].precision == "exact"


def test_the_text_decides_between_same_named_towns(gazetteer: Gazetteer) -> None:
    illinois = gazetteer.geocode(["Springfield"], text="SPRINGFIELD, Ill. - Lawmakers met.")
    missouri = gazetteer.geocode(["Springfield"], text="Springfield, Mo., voted on Tuesday.")
    assert illinois[0] is not None and illinois[0].geonames_id == 4250542
    assert missouri[0] is not None and missouri[0].geonames_id == 4409896
    # repeats of one name do not vote for themselves; the state named beside them does
    again = gazetteer.geocode(["Springfield", "SPRINGFIELD", "Illinois", "Springfield"])
    assert {p.geonames_id for p in again if p and p.precision == "exact"} == {4250542}


def test_counties_of_the_same_name_follow_the_state(gazetteer: Gazetteer) -> None:
    morris, _ = gazetteer.geocode(["Morris County", "New Jersey"])
    assert morris is not None and morris.precision == "region"
    assert abs(morris.lat - 40.86) < 0.5 and abs(morris.lon + 74.54) < 0.5  # type: ignore[operator]


def test_state_or_country_decided_by_the_other_places(gazetteer: Gazetteer) -> None:
    us = gazetteer.geocode(["Georgia", "Alaska", "Seattle", "Texas", "Ohio"])
    caucasus = gazetteer.geocode(["Georgia", "Tbilisi", "Armenia"])
    assert us[0] is not None and (us[0].country, us[0].precision) == ("US", "region")
    assert caucasus[0] is not None and (caucasus[0].country, caucasus[0].precision) == (
        "GE",
        "country",
    )
    state = gazetteer.geocode(["Washington", "Seattle", "Spokane", "Tacoma"])[0]
    capital = gazetteer.geocode(["Washington", "Baltimore", "Virginia", "Maryland"])[0]
    assert state is not None and state.precision == "region" and state.lat > 46  # type: ignore[operator]
    assert capital is not None and capital.precision == "exact"
    assert abs(capital.lat - 38.9) < 0.1  # type: ignore[operator]


def test_region_and_country_demonyms(gazetteer: Gazetteer) -> None:
    sicilian, siberian, norwegian, belgian, kazakh, tamil = gazetteer.geocode(
        ["Sicilian", "Siberian", "Norwegian", "Belgian", "Kazakh", "Tamil"]
    )
    assert sicilian is not None and (sicilian.country, sicilian.precision) == ("IT", "region")
    assert siberian is not None and siberian.country == "RU"
    assert norwegian is not None and (norwegian.country, norwegian.precision) == ("NO", "country")
    assert belgian is not None and belgian.country == "BE"
    assert kazakh is not None and kazakh.country == "KZ"
    assert tamil is not None and tamil.country == "IN"
    assert gazetteer.country_of("Norwegian") == "NO"


def test_institution_words_are_not_places(gazetteer: Gazetteer) -> None:
    bank, uni, academy = gazetteer.geocode(
        ["Bank of Japan", "University of California", "Federal University of Technology"]
    )
    assert bank is not None and (bank.country, bank.precision) == ("JP", "country")
    assert uni is not None and (uni.name, uni.precision) == ("California", "region")
    assert academy is None  # no place inside the name, and none elsewhere to stand in


def test_text_evidence_counts_countries_and_states() -> None:
    from dragoman.extract.places import _text_evidence

    countries, states = _text_evidence(
        "Police in Allendale, N.J., and officials in New Jersey spoke to Norwegian reporters."
    )
    assert countries["US"] == 2 and states[("US", "NJ")] == 2
    assert countries["NO"] == 1
    assert _text_evidence("") == ({}, {})
