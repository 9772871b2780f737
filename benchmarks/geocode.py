"""Geocoding quality on GeoWebNews: given toponym spans, and end to end from raw text.

    python benchmarks/geocode.py PATH/TO/geowebnews [--limit N] [--no-end-to-end]

The folder holds ``GWN.xml`` (article texts and typed toponyms) and ``gwn_full.txt``
(one line per article, in the order the articles appear in the XML; each line lists the
geocoded toponyms as ``Name,,Mention,,lat,,lon,,start,,end`` joined by ``||``).

Measures
  given spans   the gold spans go through ``geocode_jsonl`` (the ``dragoman geocode``
                contract) one article a line; every gold toponym counts, and one left
                unresolved counts as wrong.
  end to end    the ``Extractor`` runs on the article text; its LOC mentions (and any other
                mention it placed on the map, such as a people or a country that acts) are the
                toponyms found. Recognition precision/recall match system and gold spans
                that overlap; the resolution shares are over all gold toponyms (a toponym
                the system missed counts as wrong), with the shares over found toponyms
                beside them.

  within 161 km  the great-circle distance to the gold point is at most 161 km (100 miles).
  exact          the same GeoNames feature (when both sides carry an id), else within 1 km.
  country        the same ISO country as the gold point; the gold country is the one of the
                 GeoNames feature named in the XML when the gazetteer knows it, otherwise
                 that of the nearest town to the gold point.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dragoman.extract.jsonl import geocode_jsonl
from dragoman.extract.places import Gazetteer, gazetteer_index
from dragoman.records import Article, Desk, Place

NEAR_KM = 161.0
EXACT_KM = 1.0


@dataclass
class Toponym:
    start: int
    end: int
    mention: str
    name: str
    lat: float
    lon: float
    geonames_id: int | None = None
    country: str = ""


@dataclass
class Doc:
    id: str
    text: str
    toponyms: list[Toponym] = field(default_factory=list)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def load(folder: Path) -> tuple[list[Doc], int]:
    """Articles with their gold toponyms, and how many gold lines were dropped as unusable."""
    root = ET.parse(folder / "GWN.xml").getroot()
    articles = root.findall("article")
    lines = (folder / "gwn_full.txt").read_text("utf-8").split("\n")
    docs: list[Doc] = []
    dropped = 0
    for art, line in zip(articles, lines):
        text = art.findtext("text") or ""
        ids: dict[tuple[int, int], int] = {}
        for t in art.iter("toponym"):
            gid = (t.findtext("geonamesID") or "").strip()
            if gid.isdigit():
                ids[(int(t.findtext("start") or -1), int(t.findtext("end") or -1))] = int(gid)
        doc = Doc(id=art.get("file") or str(len(docs)), text=text)
        for item in line.split("||"):
            if not item.strip():
                continue
            parts = item.split(",,")
            if len(parts) != 6:
                dropped += 1
                continue
            name, mention, lat, lon, start, end = parts
            s, e = int(start), int(end)
            # a few gold lines carry offsets that do not point at their mention
            if not (0 <= s < e <= len(text)) or text[s:e] != mention:
                dropped += 1
                continue
            doc.toponyms.append(
                Toponym(s, e, mention, name, float(lat), float(lon), ids.get((s, e)))
            )
        doc.toponyms.sort(key=lambda t: t.start)
        docs.append(doc)
    return docs, dropped


class CountryOf:
    """Country of a gold toponym: its GeoNames feature if known, else the nearest town."""

    def __init__(self) -> None:
        self.by_id: dict[int, str] = {}
        self.grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
        for cands in gazetteer_index().values():
            for c in cands:
                p = c.place
                if p.geonames_id is not None and p.country:
                    self.by_id.setdefault(p.geonames_id, p.country)
                if p.feature_class == "P" and p.lat is not None and p.lon is not None:
                    cell = (math.floor(p.lat), math.floor(p.lon))
                    self.grid.setdefault(cell, []).append((p.lat, p.lon, p.country))

    def __call__(self, t: Toponym) -> str:
        if t.geonames_id in self.by_id:
            return self.by_id[t.geonames_id]  # type: ignore[index]
        for reach in (0, 1, 2, 4, 8):
            best: tuple[float, str] | None = None
            for dy in range(-reach, reach + 1):
                for dx in range(-reach, reach + 1):
                    for lat, lon, cc in self.grid.get(
                        (math.floor(t.lat) + dy, math.floor(t.lon) + dx), ()
                    ):
                        d = km(t.lat, t.lon, lat, lon)
                        if best is None or d < best[0]:
                            best = (d, cc)
            if best is not None:
                return best[1]
        return ""


@dataclass
class Score:
    total: int = 0
    near: int = 0
    exact: int = 0
    country: int = 0
    unresolved: int = 0

    def add(
        self, gold: Toponym, lat: float | None, lon: float | None, cc: str | None, gid: int | None
    ) -> bool:
        """Count one answer; True when it is within 161 km."""
        self.total += 1
        if lat is None or lon is None:
            self.unresolved += 1
            return False
        d = km(gold.lat, gold.lon, lat, lon)
        near = d <= NEAR_KM
        self.near += near
        same = gid is not None and gold.geonames_id is not None
        self.exact += (gid == gold.geonames_id) if same else d <= EXACT_KM
        self.country += bool(cc) and cc == gold.country
        return near

    def share(self, n: int) -> str:
        return f"{n / self.total:.3f}" if self.total else "–"


def given_spans(docs: list[Doc], gazetteer: Gazetteer) -> tuple[Score, Counter, list[str]]:
    """Resolve the gold spans through the geocode contract."""
    lines = [
        json.dumps({"id": d.id, "text": d.text, "spans": [[t.start, t.end] for t in d.toponyms]})
        for d in docs
    ]
    errors: list[str] = []
    score = Score()
    precisions: Counter = Counter()
    misses: list[str] = []
    for doc, out in zip(docs, geocode_jsonl(lines, gazetteer, errors.append)):
        for gold, got in zip(doc.toponyms, out.get("places", ())):
            precisions[got.get("precision") or "none"] += 1
            ok = score.add(gold, got["lat"], got["lon"], got["country"], got.get("geonames_id"))
            if not ok:
                where = (
                    f"{got['name']} {got['country']} {got['lat']:.2f},{got['lon']:.2f}"
                    if got["lat"] is not None
                    else "unresolved"
                )
                misses.append(
                    f"{doc.id}\t{gold.mention!r} -> {where} "
                    f"[{got.get('precision')}]; gold {gold.name} {gold.country} "
                    f"{gold.lat:.2f},{gold.lon:.2f}"
                )
    for e in errors:
        print("error:", e, file=sys.stderr)
    return score, precisions, misses


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def end_to_end(docs: list[Doc], gazetteer: Gazetteer) -> tuple[Score, Score, Score, int, int, int]:
    """Run the Extractor; score recognition of LOC spans and resolution of the found ones.

    The found spans are resolved twice: by the Extractor itself (what ``dragoman extract``
    writes) and by handing them to ``geocode_jsonl`` (what ``dragoman geocode`` would say).
    """
    from dragoman.extract.annotate import Extractor

    desk, outlets = load_desk()
    extractor = Extractor(desk, outlets)
    articles = [
        Article(id=d.id, outlet_id="", url="", published=None, title="", text=d.text) for d in docs
    ]
    over_all, over_found, via_geocode = Score(), Score(), Score()
    found = correct_sys = n_sys = 0
    spans_of: list[list[tuple[int, int]]] = []
    for doc, ann in zip(docs, extractor.annotate_many(articles)):
        entities = {e.id: e for e in ann.entities}
        system: list[tuple[int, int, Place | None]] = []
        for m in ann.mentions:
            if m.source in ("nominal", "coreference"):
                continue  # "the city", "it": they point at a toponym, they are not one
            ent = entities.get(m.entity_id or "")
            place = ent.place if ent else None
            # a toponym found is a place mention, or any mention the system put on the map:
            # a country that acts ("Washington said") or a people ("Irish" is Ireland)
            if m.label != "LOC" and place is None:
                continue
            system.append((m.start, m.end, place))
        n_sys += len(system)
        spans_of.append([(s, e) for s, e, _ in system])
        correct_sys += sum(
            any(overlaps((s, e), (t.start, t.end)) for t in doc.toponyms) for s, e, _ in system
        )
        for gold in doc.toponyms:
            hit = [p for s, e, p in system if overlaps((s, e), (gold.start, gold.end))]
            place = next((p for p in hit if p is not None), None)
            if hit:
                found += 1
            args = (
                (place.lat, place.lon, place.country, place.geonames_id)
                if place is not None
                else (None, None, None, None)
            )
            over_all.add(gold, *args)
            if hit:
                over_found.add(gold, *args)
    lines = [
        json.dumps({"id": d.id, "text": d.text, "spans": [list(sp) for sp in spans]})
        for d, spans in zip(docs, spans_of)
    ]
    for doc, spans, out in zip(docs, spans_of, geocode_jsonl(lines, gazetteer, lambda _: None)):
        for gold in doc.toponyms:
            span = (gold.start, gold.end)
            got = next(
                (p for sp, p in zip(spans, out.get("places", ())) if overlaps(sp, span)), None
            )
            if got is None:
                via_geocode.add(gold, None, None, None, None)
            else:
                via_geocode.add(
                    gold, got["lat"], got["lon"], got["country"], got.get("geonames_id")
                )
    return over_all, over_found, via_geocode, found, correct_sys, n_sys


def load_desk() -> tuple[Desk, dict]:
    """The shipped desk and outlets, as ``dragoman geocode`` and ``extract`` use them."""
    try:
        from dragoman.desk import load_desk as desk_loader
        from dragoman.desk import load_sources

        return desk_loader(), load_sources()
    except Exception:
        return Desk(id="empty", title="empty"), {}


def row(label: str, s: Score) -> str:
    return (
        f"| {label} | {s.total} | {s.share(s.near)} | {s.share(s.exact)} | "
        f"{s.share(s.country)} | {s.share(s.unresolved)} |"
    )


def main(argv: Iterable[str] | None = None) -> None:
    """Parse arguments, run both measures and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folder", type=Path, help="GeoWebNews folder (GWN.xml and gwn_full.txt)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--no-end-to-end", action="store_true", help="skip the Extractor run")
    ap.add_argument("--misses", type=Path, help="write the given-spans misses to this file")
    args = ap.parse_args(list(argv) if argv is not None else None)

    docs, dropped = load(args.folder)
    if args.limit:
        docs = docs[: args.limit]
    t0 = time.perf_counter()
    gazetteer = Gazetteer(load_desk()[0])
    gazetteer.resolve("Paris")  # the first look-up builds the indexes
    gazetteer.geocode(["Paris"], text="Paris")  # and the first geocode opens the town store
    load_s = time.perf_counter() - t0
    country = CountryOf()
    for d in docs:
        for t in d.toponyms:
            t.country = country(t)
    n = sum(len(d.toponyms) for d in docs)
    print(f"{len(docs)} articles, {n} gold toponyms ({dropped} gold lines dropped: bad offsets)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # kB on Linux
    print(f"gazetteer load: {load_s:.1f} s (peak RSS so far {peak} MB)\n")

    t0 = time.perf_counter()
    given, precisions, misses = given_spans(docs, gazetteer)
    given_s = time.perf_counter() - t0
    if args.misses:
        args.misses.write_text("\n".join(misses) + "\n", "utf-8")

    print("| measure | toponyms | within 161 km | exact | country | unresolved |")
    print("|---|---|---|---|---|---|")
    print(row("given spans (`geocode_jsonl`)", given))
    if not args.no_end_to_end:
        t0 = time.perf_counter()
        over_all, over_found, via_geocode, found, correct_sys, n_sys = end_to_end(docs, gazetteer)
        e2e_s = time.perf_counter() - t0
        print(row("end to end (`extract` geo), over all gold toponyms", over_all))
        print(row("end to end (`extract` geo), over the toponyms found", over_found))
        print(row("end to end (found spans through `geocode_jsonl`), over all gold", via_geocode))
        p = correct_sys / n_sys if n_sys else 0.0
        r = found / n if n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print("\n| recognition (LOC spans, overlap) | precision | recall | F1 |")
        print("|---|---|---|---|")
        print(f"| {n_sys} system spans, {n} gold | {p:.3f} | {r:.3f} | {f:.3f} |")
        print(f"\nend to end: {e2e_s:.1f} s")
    total = sum(precisions.values())
    shares = ", ".join(f"{k} {v / total:.3f}" for k, v in precisions.most_common())
    print(f"\ngiven spans: {given_s:.1f} s; precision of the answers: {shares}")


if __name__ == "__main__":
    main()
