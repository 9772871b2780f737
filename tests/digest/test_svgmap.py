"""The inline SVG map of a digest's places, and the base map shipped with it."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from importlib import resources

import pytest
from digest_corpus import make_corpus

from dragoman.digest import render
from dragoman.digest.render.svgmap import load_basemap, map_points, svg_map
from dragoman.records import Digest, EntityLink, Place

SVG = "{http://www.w3.org/2000/svg}"

# Where the test corpus's places are (lat, lon, country).
COORDS = {
    "albu-kamal": (34.4531, 40.9184, "SY"),
    "syria": (35.0, 38.0, "SY"),
    "iraq": (33.0, 44.0, "IQ"),
    "baghdad": (33.3152, 44.3661, "IQ"),
    "damascus": (33.5102, 36.2913, "SY"),
}


def with_places(digest: Digest, coords: dict[str, tuple[float, float, str]] = COORDS) -> Digest:
    """The digest with coordinates on the entity links of the places it names."""

    def place(link: EntityLink) -> EntityLink:
        if link.id not in coords:
            return link
        lat, lon, country = coords[link.id]
        return link.replace(place=Place(link.name, lat, lon, country, "P", None, "exact"))

    sections = tuple(
        s.replace(
            bullets=tuple(b.replace(entities=tuple(map(place, b.entities))) for b in s.bullets)
        )
        for s in digest.sections
    )
    overview = tuple(b.replace(entities=tuple(map(place, b.entities))) for b in digest.overview)
    return digest.replace(sections=sections, overview=overview)


def add_place(digest: Digest, link: EntityLink) -> Digest:
    """The digest with one more place link on its first section bullet."""
    first = digest.sections[0]
    bullet = first.bullets[0].replace(entities=(*first.bullets[0].entities, link))
    return digest.replace(
        sections=(first.replace(bullets=(bullet, *first.bullets[1:])), *digest.sections[1:])
    )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def circles(root: ET.Element) -> dict[str, ET.Element]:
    """Circle of each drawn place, by entity id."""
    out = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "place":
            found = list(group.iter(f"{SVG}circle"))
            assert len(found) == 1
            out[group.get("data-entity-id", "")] = found[0]
    return out


def labels(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "place-label"]


@pytest.fixture
def placed() -> Digest:
    return with_places(make_corpus().digest())


def test_no_places_no_map(digest: Digest) -> None:
    assert map_points(digest) == []
    assert svg_map(digest) == ""
    page = render(digest, "html")
    assert 'id="map"' not in page and "<svg" not in page


def test_points_are_sized_by_the_bullets_that_name_them(placed: Digest) -> None:
    counts = {p.id: p.bullets for p in map_points(placed)}
    # Iraq is named by the Soleimani bullet and the Masjedi bullet; the others once.
    assert counts == {"iraq": 2, "albu-kamal": 1, "baghdad": 1, "damascus": 1, "syria": 1}
    root = parse(svg_map(placed))
    drawn = circles(root)
    assert set(drawn) == set(counts)
    radius = {k: float(c.get("r", 0)) for k, c in drawn.items()}
    assert radius["iraq"] > radius["baghdad"] == radius["damascus"]
    # Each place is labelled (with a halo copy underneath).
    assert sorted(set(labels(root))) == ["Albu Kamal", "Baghdad", "Damascus", "Iraq", "Syria"]
    titles = [t.text for c in drawn.values() for t in c.iter(f"{SVG}title")]
    assert "Iraq: named in 2 bullets (33.00, 44.00)" in titles


def test_projection_keeps_north_up_and_east_right(placed: Digest) -> None:
    root = parse(svg_map(placed))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    drawn = circles(root)
    xy = {k: (float(c.get("cx", 0)), float(c.get("cy", 0))) for k, c in drawn.items()}
    assert xy["damascus"][0] < xy["albu-kamal"][0] < xy["baghdad"][0]  # west to east
    assert xy["syria"][1] < xy["albu-kamal"][1] < xy["baghdad"][1]  # north to south
    for x, y in xy.values():
        assert 0 < x < width and 0 < y < height
    # Equirectangular with true scale at the centre: one degree of longitude is shorter
    # than one of latitude by the cosine of the latitude.
    dx = (xy["baghdad"][0] - xy["damascus"][0]) / (44.3661 - 36.2913)
    dy = (xy["baghdad"][1] - xy["syria"][1]) / (35.0 - 33.3152)
    assert 0.7 < dx / dy < 0.9
    assert 0.45 <= height / width <= 1.0


def test_points_link_to_their_index_entries(placed: Digest) -> None:
    page = render(placed, "html")
    assert '<section id="map">' in page
    assert page.index('id="map"') < page.index('id="index"')
    root = parse(page[page.index("<svg") : page.index("</svg>") + 6])
    hrefs = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert "#entity-baghdad" in hrefs and 'id="entity-baghdad"' in page
    assert "Natural Earth" in page


def test_one_place_still_shows_its_surroundings(digest: Digest) -> None:
    one = with_places(digest, {"baghdad": COORDS["baghdad"]})
    root = parse(svg_map(one))
    assert list(circles(root)) == ["baghdad"]
    # The base map around it is drawn: several countries and a reference city.
    lands = [p for p in root.iter(f"{SVG}path") if p.get("class") == "land"]
    assert len(lands) >= 3
    assert any(r.get("class") == "city" for r in root.iter(f"{SVG}rect"))


def test_hostile_place_names_are_escaped(placed: Digest) -> None:
    name = '<script>alert(1)</script> "Kamal" & <img src=x onerror=alert(2)>\x07'
    hostile = EntityLink(
        id='loc:"><script>x</script>',
        name=name,
        type="LOC",
        place=Place(name, 34.0, 42.0, "IQ"),
    )
    svg = svg_map(add_place(placed, hostile), {'loc:"><script>x</script>': 'e"><b>'})
    root = parse(svg)  # well-formed: nothing broke out of its text or attribute
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert "<script" not in svg and "<img" not in svg
    assert any("<script>alert(1)</script>" in t for t in labels(root))
    assert 'loc:"><script>x</script>' in circles(root)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(math.nan, 40.0), (34.0, math.inf), (95.0, 40.0), (34.0, 200.0), (None, 40.0)],
)
def test_impossible_coordinates_are_skipped(
    placed: Digest, lat: float | None, lon: float | None
) -> None:
    bad = EntityLink(id="loc:bad", name="Nowhere", type="LOC", place=Place("Nowhere", lat, lon))
    points = map_points(add_place(placed, bad))
    assert "loc:bad" not in {p.id for p in points} and len(points) == 5


def test_coordinates_from_json_strings_are_read(placed: Digest) -> None:
    odd = Place.from_dict({"name": "Mosul", "lat": "36.34", "lon": "43.13"})
    link = EntityLink(id="loc:mosul", name="Mosul", type="LOC", place=odd)
    assert "loc:mosul" in circles(parse(svg_map(add_place(placed, link))))


def test_places_outside_the_region_are_named_under_the_map(placed: Digest) -> None:
    far = EntityLink(
        id="washington", name="Washington", type="LOC", place=Place("Washington", 38.9, -77.0)
    )
    digest = add_place(placed, far)
    root = parse(svg_map(digest))
    assert "washington" not in circles(root) and "Washington" not in labels(root)
    page = render(digest, "html")
    assert "Outside the map: Washington." in page
    # Only places outside the region: no map at all.
    alone = with_places(make_corpus().digest(), {})
    assert svg_map(add_place(alone, far)) == ""


def test_shipped_basemap_is_small_and_covers_the_region() -> None:
    raw = resources.files("dragoman.digest").joinpath("data/basemap.json").read_bytes()
    assert len(raw) < 200_000
    data = json.loads(raw)
    assert data == load_basemap()
    assert "Natural Earth" in data["source"]
    extent = data["extent"]
    assert (extent["lon_min"], extent["lat_min"], extent["lon_max"], extent["lat_max"]) == (
        25.0,
        10.0,
        65.0,
        45.0,
    )
    names = {c["name"] for c in data["countries"]}
    assert {"Iran", "Iraq", "Syria", "Turkey", "Saudi Arabia", "Yemen", "Israel"} <= names
    for country in data["countries"]:
        for ring in country["rings"]:
            assert len(ring) >= 3
            for lon, lat in ring:
                assert 24.0 <= lon <= 66.0 and 9.0 <= lat <= 46.0
    cities = {c["name"]: (c["lat"], c["lon"]) for c in data["cities"]}
    lat, lon = cities["Tehran"]
    assert abs(lat - 35.7) < 0.2 and abs(lon - 51.4) < 0.2
    assert all(re.fullmatch(r"[A-Za-z .'-]+", name) for name in cities)
