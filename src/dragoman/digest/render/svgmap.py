"""An inline SVG map of the places a digest names, drawn over a small shipped base map.

Points are the places of the section bullets (``EntityLink.place`` with coordinates), sized by
how many bullets name them. The projection is equirectangular, scaled to the places' bounding
box plus a margin and kept inside the base map's extent. Place names come from articles and
are hostile input: every text and attribute value is escaped here, since the result is
inserted into the page as markup. ``svg_place_map`` draws any list of places the same way
(the web app's map of a period).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from ...records import Digest

__all__ = ["MapPoint", "load_basemap", "map_points", "on_map", "svg_map", "svg_place_map"]

WIDTH = 640.0
_MIN_SPAN = (10.0, 7.0)  # degrees of lon, lat: one place still shows its neighbours
_ASPECT = (0.45, 1.0)  # allowed height/width of the drawing
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FONT = 11.0
_CHAR_W = 0.56  # rough width of a character in font sizes, for label placement


@dataclass(frozen=True)
class MapPoint:
    """A place to draw: entity id, name, coordinates and how many bullets name it."""

    id: str
    name: str
    lat: float
    lon: float
    bullets: int
    country: str = ""


@dataclass(frozen=True)
class _View:
    lon0: float
    lat0: float
    lon1: float
    lat1: float
    kx: float  # cos of the middle latitude: keeps shapes true near the centre

    @property
    def height(self) -> float:
        return WIDTH * (self.lat1 - self.lat0) / ((self.lon1 - self.lon0) * self.kx)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.lon0) / (self.lon1 - self.lon0) * WIDTH
        y = (self.lat1 - lat) / (self.lat1 - self.lat0) * self.height
        return x, y


@lru_cache(maxsize=1)
def load_basemap() -> dict[str, Any]:
    """The shipped base map: extent, country outlines and reference cities."""
    text = resources.files("dragoman.digest").joinpath("data/basemap.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _extent() -> tuple[float, float, float, float]:
    e = load_basemap()["extent"]
    return float(e["lon_min"]), float(e["lat_min"]), float(e["lon_max"]), float(e["lat_max"])


def _coordinate(value: object, limit: float) -> float | None:
    """A finite number within ±limit, or None (JSON may bring strings, NaN or nonsense)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def map_points(digest: Digest) -> list[MapPoint]:
    """Each place of the section bullets with valid coordinates, most named first."""
    found: dict[str, dict[str, Any]] = {}
    bullets = [b for s in digest.sections for b in s.bullets] or list(digest.overview)
    for bullet in bullets:
        for link in bullet.entities:
            place = link.place
            if place is None:
                continue
            lat, lon = _coordinate(place.lat, 90.0), _coordinate(place.lon, 180.0)
            if lat is None or lon is None:
                continue
            entry = found.setdefault(
                link.id,
                {
                    "name": link.name or place.name or link.id,
                    "lat": lat,
                    "lon": lon,
                    "country": place.country,
                    "anchors": set(),
                },
            )
            entry["anchors"].add(bullet.anchor or id(bullet))
    points = [
        MapPoint(ident, e["name"], e["lat"], e["lon"], len(e["anchors"]), e["country"])
        for ident, e in found.items()
    ]
    return sorted(points, key=lambda p: (-p.bullets, p.name.casefold(), p.id))


def on_map(point: MapPoint) -> bool:
    """True when the point lies inside the base map's extent."""
    lon0, lat0, lon1, lat1 = _extent()
    return lon0 <= point.lon <= lon1 and lat0 <= point.lat <= lat1


def _fit(low: float, high: float, span: float, floor: float, ceil: float) -> tuple[float, float]:
    """A window of this span around [low, high], moved (or cut) to lie inside [floor, ceil]."""
    span = min(span, ceil - floor)
    mid = (low + high) / 2
    start = min(max(mid - span / 2, floor), ceil - span)
    return start, start + span


def _view(points: list[MapPoint]) -> _View:
    lon0, lat0, lon1, lat1 = _extent()
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    lon_span = max(max(lons) - min(lons), _MIN_SPAN[0])
    lat_span = max(max(lats) - min(lats), _MIN_SPAN[1])
    # Margin: room for the circles and their labels.
    lon_span, lat_span = lon_span * 1.3 + 1.0, lat_span * 1.3 + 1.0
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    # Keep the drawing neither a ribbon nor a tower: widen the short side.
    ratio = lat_span / (lon_span * kx)
    if ratio < _ASPECT[0]:
        lat_span = _ASPECT[0] * lon_span * kx
    elif ratio > _ASPECT[1]:
        lon_span = lat_span / (_ASPECT[1] * kx)
    x0, x1 = _fit(min(lons), max(lons), lon_span, lon0, lon1)
    y0, y1 = _fit(min(lats), max(lats), lat_span, lat0, lat1)
    return _View(x0, y0, x1, y1, math.cos(math.radians((y0 + y1) / 2)))


def _text(value: str, limit: int = 48) -> str:
    """Escaped text for an element or attribute; control characters dropped, long names cut."""
    clean = " ".join(_CONTROL.sub("", value).split())
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return escape(clean, quote=True)


def _path(rings: list[list[list[float]]], view: _View) -> str:
    parts = []
    for ring in rings:
        coords = [view.xy(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
    return "".join(parts)


def _anchor_point(ring: list[list[float]]) -> tuple[float, float]:
    """The centroid of a ring (shoelace), or its vertex mean when the ring is degenerate."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def _ring_area(ring: list[list[float]]) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def _radius(bullets: int) -> float:
    return 3.5 + 2.5 * math.sqrt(max(bullets, 1))


Box = tuple[float, float, float, float]


def _overlaps(box: Box, taken: list[Box]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in taken)


def _label_spot(
    x: float, y: float, r: float, text: str, size: float, taken: list[Box], height: float
) -> tuple[float, float, str] | None:
    """Where a label fits next to its point without covering another: x, y, text-anchor."""
    w = len(text) * size * _CHAR_W
    candidates = (
        (x + r + 3, y + size * 0.35, "start"),
        (x - r - 3, y + size * 0.35, "end"),
        (x, y - r - 4, "middle"),
        (x, y + r + size + 2, "middle"),
    )
    for lx, ly, anchor in candidates:
        left = {"start": lx, "end": lx - w, "middle": lx - w / 2}[anchor]
        box = (left, ly - size, left + w, ly + size * 0.25)
        if box[0] < 0 or box[2] > WIDTH or box[1] < 0 or box[3] > height:
            continue
        if not _overlaps(box, taken):
            taken.append(box)
            return lx, ly, anchor
    return None


def _label(x: float, y: float, anchor: str, text: str, cls: str) -> str:
    # A white copy underneath keeps the label readable over borders (no paint-order needed).
    common = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"'
    return (
        f'<text class="{cls} halo" {common} fill="none" stroke="#fff" stroke-width="3" '
        f'stroke-linejoin="round">{text}</text>'
        f'<text class="{cls}" {common}>{text}</text>'
    )


def svg_map(digest: Digest, targets: Mapping[str, str] | None = None) -> str:
    """The digest's places as an inline ``<svg>`` element, or "" when none can be drawn.

    ``targets`` maps an entity id to the HTML id of its index entry, so a point links there.
    """
    points = [p for p in map_points(digest) if on_map(p)]
    if not points:
        return ""
    links = {ident: f"#{target}" for ident, target in (targets or {}).items() if target}
    return _draw(
        points,
        "Places named in this digest; larger circles are named in more bullets",
        links,
        ("bullet", "bullets"),
    )


def svg_place_map(
    places: Iterable[tuple[str, object, object, int, str]],
    title: str = "Places named in the reports; larger circles are named in more reports",
) -> str:
    """Places given as (name, lat, lon, count, link) as an inline ``<svg>``, or "" if none fit.

    Each point links to ``link`` (a same-site path; anything else is left unlinked) and is
    sized by ``count``. Points with impossible coordinates or outside the base map are left
    out; the caller lists them in words if it wants to.
    """
    points: list[MapPoint] = []
    links: dict[str, str] = {}
    for name, lat, lon, count, link in places:
        y, x = _coordinate(lat, 90.0), _coordinate(lon, 180.0)
        if y is None or x is None:
            continue
        ident = f"p{len(points)}"
        point = MapPoint(ident, str(name), y, x, max(int(count), 1))
        if not on_map(point):
            continue
        points.append(point)
        # only paths of this site: a place name from an article must not become a link out
        if isinstance(link, str) and link.startswith("/") and not link.startswith("//"):
            links[ident] = link
    if not points:
        return ""
    points.sort(key=lambda p: (-p.bullets, p.name.casefold(), p.id))
    return _draw(points, title, links, ("report", "reports"))


def _draw(
    points: list[MapPoint], title: str, links: Mapping[str, str], nouns: tuple[str, str]
) -> str:
    """Points (already on the map) over the base map; ``links`` maps a point id to its href."""
    view = _view(points)
    height = view.height
    basemap = load_basemap()
    w, h = f"{WIDTH:.0f}", f"{height:.0f}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}" role="img" aria-labelledby="map-title" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{_FONT:.0f}">'
    )
    out = [head]
    out.append(f'<title id="map-title">{_text(title, 200)}</title>')
    out.append(f'<defs><clipPath id="map-clip"><rect width="{w}" height="{h}"/></clipPath></defs>')
    out.append(f'<rect class="sea" width="{w}" height="{h}" fill="#e8eef4"/>')
    out.append('<g clip-path="url(#map-clip)">')
    for country in basemap["countries"]:
        out.append(
            f'<path class="land" d="{_path(country["rings"], view)}" fill="#f6f3ea" '
            f'stroke="#9a9a9a" stroke-width="0.7"><title>{_text(country["name"])}</title></path>'
        )
    # Graticule every 5 degrees: a reader can tell where the window lies.
    lines = []
    for meridian in range(math.ceil(view.lon0 / 5) * 5, math.floor(view.lon1) + 1, 5):
        x, _ = view.xy(meridian, view.lat0)
        lines.append(f"M{x:.1f},0V{height:.1f}")
    for parallel in range(math.ceil(view.lat0 / 5) * 5, math.floor(view.lat1) + 1, 5):
        _, y = view.xy(view.lon0, parallel)
        lines.append(f"M0,{y:.1f}H{WIDTH:.1f}")
    if lines:
        out.append(
            f'<path class="graticule" d="{"".join(lines)}" fill="none" stroke="#b8c4cf" '
            'stroke-width="0.5" stroke-dasharray="2 3"/>'
        )
    taken: list[Box] = []
    drawn = []
    for p in points:
        x, y = view.xy(p.lon, p.lat)
        r = _radius(p.bullets)
        taken.append((x - r, y - r, x + r, y + r))
        drawn.append((p, x, y, r))
    place_labels = []
    for p, x, y, r in drawn:
        spot = _label_spot(x, y, r, p.name[:48], _FONT, taken, height)
        if spot is None:  # crowded: the label goes on the right even if it touches another
            spot = (x + r + 3, y + _FONT * 0.35, "start")
        place_labels.append(_label(*spot, _text(p.name), "place-label"))
    city_marks = []
    names = {p.name.casefold() for p in points}
    for city in basemap["cities"]:
        lon, lat = float(city["lon"]), float(city["lat"])
        if not (view.lon0 <= lon <= view.lon1 and view.lat0 <= lat <= view.lat1):
            continue
        if city["name"].casefold() in names:
            continue  # the digest's own point already marks it
        x, y = view.xy(lon, lat)
        if _overlaps((x - 2, y - 2, x + 2, y + 2), taken):
            continue
        taken.append((x - 2, y - 2, x + 2, y + 2))
        city_marks.append(
            f'<rect class="city" x="{x - 2:.1f}" y="{y - 2:.1f}" width="4" height="4" '
            'fill="#7a7a7a"/>'
        )
        spot = _label_spot(x, y, 2, city["name"], _FONT - 2, taken, height)
        if spot is not None:  # reference cities are context: drop a label that does not fit
            city_marks.append(_label(*spot, _text(city["name"]), "city-label"))
    # Country names last of all: only where nothing else is, as quiet background context.
    country_labels = []
    for country in basemap["countries"]:
        lon, lat = _anchor_point(max(country["rings"], key=_ring_area))
        if not (view.lon0 <= lon <= view.lon1 and view.lat0 <= lat <= view.lat1):
            continue
        x, y = view.xy(lon, lat)
        name = str(country["name"])
        box_w = len(name) * 10 * _CHAR_W
        box = (x - box_w / 2, y - 10, x + box_w / 2, y + 3)
        if box[0] < 0 or box[2] > WIDTH or box[1] < 0 or box[3] > height:
            continue
        if _overlaps(box, taken):
            continue
        taken.append(box)
        country_labels.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{_text(name)}</text>'
        )
    out.append(
        '<g class="country-labels" fill="#9d9686" font-size="10" letter-spacing="1">'
        + "".join(country_labels)
        + "</g>"
    )
    out.append('<g class="cities" fill="#6a6a6a" font-size="9">' + "".join(city_marks) + "</g>")
    out.append('<g class="places">')
    # Largest first, so a small circle is never hidden under a big one.
    for p, x, y, r in sorted(drawn, key=lambda d: -d[3]):
        noun = nouns[0] if p.bullets == 1 else nouns[1]
        title = _text(f"{p.name}: named in {p.bullets} {noun} ({p.lat:.2f}, {p.lon:.2f})", 120)
        circle = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#b03a2e" fill-opacity="0.75" '
            f'stroke="#fff" stroke-width="1"><title>{title}</title></circle>'
        )
        href = links.get(p.id)
        ident = _text(p.id, 200)
        if href:
            circle = f'<a href="{_text(href, 400)}">{circle}</a>'
        out.append(f'<g class="place" data-entity-id="{ident}" data-bullets="{p.bullets}">')
        out.append(circle + "</g>")
    out.append("</g>")
    out.append('<g class="labels" fill="#1b1b1b">' + "".join(place_labels) + "</g>")
    out.append("</g></svg>")
    return "".join(out)
