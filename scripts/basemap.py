"""Build the digest map's base layer from Natural Earth's 1:110m countries and populated places.

The source is the copy of Natural Earth (public domain) that geopandas 0.14 ships inside its
wheel: ``geopandas/datasets/naturalearth_lowres`` and ``naturalearth_cities``. Get the wheel
with ``pip download --no-deps geopandas==0.14.4`` and run::

    python scripts/basemap.py geopandas-0.14.4-py3-none-any.whl \
        src/dragoman/digest/data/basemap.json

The shapefiles are read with the standard library alone; country outlines are clipped to the
region (lon 25..65, lat 10..45), simplified (Douglas-Peucker) and rounded, so the result stays a few tens of KB.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Region drawn by the map (lon/lat degrees), and a margin clipped in so that the straight
# cut edges of clipped countries fall outside anything the map shows.
EXTENT = (25.0, 10.0, 65.0, 45.0)
MARGIN = 1.0
TOLERANCE = 0.04  # degrees; well under a pixel at the map's usual scale
DIGITS = 2

Point = tuple[float, float]
Ring = list[Point]


def _shapes(data: bytes) -> Iterator[list[Ring]]:
    """Each polygon record of a .shp file as its rings (parts); other shapes give []."""
    pos = 100  # fixed-size file header
    while pos + 8 <= len(data):
        _number, words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        (kind,) = struct.unpack("<i", content[:4])
        if kind not in (5, 15, 25):  # polygon, polygonZ, polygonM
            yield []
            continue
        n_parts, n_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", content[44 : 44 + 4 * n_parts]))
        base = 44 + 4 * n_parts
        coords = struct.unpack(f"<{2 * n_points}d", content[base : base + 16 * n_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        bounds = [*parts, n_points]
        yield [points[bounds[i] : bounds[i + 1]] for i in range(n_parts)]


def _records(data: bytes) -> list[dict[str, str]]:
    """The rows of a .dbf table as text fields."""
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        start = header_len + i * record_len + 1  # skip the deletion flag
        row = {}
        for name, length in fields:
            row[name] = data[start : start + length].decode("utf-8", "replace").strip()
            start += length
        rows.append(row)
    return rows


def _clip(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clipping of one closed ring to a rectangle."""
    x0, y0, x1, y1 = box

    def cut(
        pts: Ring, inside: Callable[[Point], bool], cross: Callable[[Point, Point], Point]
    ) -> Ring:
        out: Ring = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        return out

    def at_x(x: float) -> Callable[[Point, Point], Point]:
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y: float) -> Callable[[Point, Point], Point]:
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    pts = ring
    for inside, cross in (
        (lambda p: p[0] >= x0, at_x(x0)),
        (lambda p: p[0] <= x1, at_x(x1)),
        (lambda p: p[1] >= y0, at_y(y0)),
        (lambda p: p[1] <= y1, at_y(y1)),
    ):
        if not pts:
            break
        pts = cut(pts, inside, cross)
    return pts


def _simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on an open polyline (first and last points kept)."""
    if len(points) < 3:
        return points
    (ax, ay), (bx, by) = points[0], points[-1]
    dx, dy = bx - ax, by - ay
    norm = math.hypot(dx, dy)
    best, far = -1.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        if norm == 0:
            dist = math.hypot(px - ax, py - ay)
        else:
            dist = abs(dy * px - dx * py + bx * ay - by * ax) / norm
        if dist > best:
            best, far = dist, i
    if best <= tolerance:
        return [points[0], points[-1]]
    left = _simplify(points[: far + 1], tolerance)
    return left[:-1] + _simplify(points[far:], tolerance)


def _ring(ring: Ring) -> list[list[float]] | None:
    box = (EXTENT[0] - MARGIN, EXTENT[1] - MARGIN, EXTENT[2] + MARGIN, EXTENT[3] + MARGIN)
    clipped = _clip(ring[:-1] if ring and ring[0] == ring[-1] else ring, box)
    if len(clipped) < 3:
        return None
    # Close the ring for simplification so its first point is kept as an anchor.
    simple = _simplify([*clipped, clipped[0]], TOLERANCE)[:-1]
    rounded: list[list[float]] = []
    for x, y in simple:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded if len(rounded) >= 3 else None


def _read(source: Path, member: str) -> bytes:
    """A file of geopandas' bundled datasets, from the wheel or an unpacked directory."""
    inner = f"geopandas/datasets/{member}"
    if source.is_file():
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(inner)
    path = source / inner if (source / inner).exists() else source / member
    return path.read_bytes()


def build(source: Path) -> dict[str, object]:
    """The base map document: extent, source note, clipped countries and reference cities."""
    shp = _read(source, "naturalearth_lowres/naturalearth_lowres.shp")
    dbf = _read(source, "naturalearth_lowres/naturalearth_lowres.dbf")
    countries = []
    for row, rings in zip(_records(dbf), _shapes(shp), strict=True):
        kept = [r for r in (_ring(ring) for ring in rings) if r]
        if kept:
            name, iso3 = row.get("name", ""), row.get("iso_a3", "")
            countries.append({"name": name, "iso3": iso3, "rings": kept})
    countries.sort(key=lambda c: str(c["name"]))
    cities = []
    city_rows = _records(_read(source, "naturalearth_cities/naturalearth_cities.dbf"))
    city_shp = _read(source, "naturalearth_cities/naturalearth_cities.shp")
    for row, (x, y) in zip(city_rows, _points(city_shp), strict=True):
        if EXTENT[0] <= x <= EXTENT[2] and EXTENT[1] <= y <= EXTENT[3]:
            cities.append({"name": row.get("name", ""), "lon": round(x, 3), "lat": round(y, 3)})
    cities.sort(key=lambda c: str(c["name"]))
    return {
        "source": "Natural Earth 1:110m admin-0 countries and populated places (public domain), "
        "as bundled with geopandas 0.14; clipped, simplified and rounded by scripts/basemap.py",
        "extent": dict(zip(("lon_min", "lat_min", "lon_max", "lat_max"), EXTENT, strict=True)),
        "countries": countries,
        "cities": cities,
    }


def _points(data: bytes) -> Iterator[Point]:
    """Each point record of a .shp file."""
    pos = 100
    while pos + 8 <= len(data):
        _number, words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        x, y = struct.unpack("<dd", content[4:20])
        yield (x, y)


def main(argv: list[str] | None = None) -> int:
    """Command line: source wheel or directory, output JSON path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="geopandas 0.14 wheel, or its unpacked tree")
    parser.add_argument("output", type=Path, help="where to write basemap.json")
    args = parser.parse_args(argv)
    doc = build(args.source)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")
    countries, cities = doc["countries"], doc["cities"]
    assert isinstance(countries, list) and isinstance(cities, list)
    print(f"{args.output}: {len(countries)} countries, {len(cities)} cities, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
