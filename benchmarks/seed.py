"""The seed bulletin's names against a hand-written gold file: recognised, typed, linked, placed.

    python benchmarks/seed.py PATH/TO/seed.txt [--gold tests/data/seed/entities.yaml]
                              [--published 2019-08-11]

The whole text is one document run through the public ``dragoman extract`` contract with the
shipped desk and source registry. Every whole-word occurrence of every gold surface form is
looked up among the output's PERSON, ORG, LOC and NORP mentions (an occurrence inside a longer
gold form belongs to that form only). An occurrence is

- recognised when some mention overlaps it,
- typed when that mention carries the gold type,
- linked when its entity is the gold one (``null``: any id, with ``expect_name`` if given;
  ``new``: an id that is not a known actor or outlet),
- placed (LOC only) when the mention has coordinates in the gold country, if one is given.

A gold entry with a ``role`` also needs one mention of its form whose role contains it.
``references`` (descriptions such as "the Speaker") are scored the same way, apart from the
names. The gold format is described at the top of ``tests/data/seed/entities.yaml``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_GOLD = ROOT / "tests" / "data" / "seed" / "entities.yaml"
TYPES = ("PERSON", "ORG", "LOC", "NORP")
NEW = "new"
# Typographic quotes and apostrophes count as straight ones; one character each, so offsets hold.
_QUOTES = str.maketrans("\u2018\u2019\u201b\u02bc\u02bb\u201c\u201d", "'''''\"\"")
CAUSES = ("not recognised", "wrong type", "wrong link", "not placed", "role missing")


class GoldError(ValueError):
    """A gold file that cannot be read, naming the file and item."""


@dataclass(frozen=True)
class GoldItem:
    """One gold surface form (a name, or a description when ``reference``)."""

    text: str
    type: str
    entity: str | None
    expect_name: str | None = None
    countries: tuple[str, ...] = ()
    role: str | None = None
    nth: int | None = None
    reference: bool = False

    def expected(self) -> str:
        """The expectation in one line, for failure lists."""
        what = self.entity if self.entity is not None else "any id"
        if self.expect_name:
            what += f" named {self.expect_name!r}"
        if self.countries:
            what += " in " + "/".join(self.countries)
        return f"{self.type} {what}"


@dataclass(frozen=True)
class Gold:
    """A gold file: names, references and the document's publication date."""

    entities: tuple[GoldItem, ...]
    references: tuple[GoldItem, ...]
    published: str | None = None


@dataclass
class Occurrence:
    """One place in the text where a gold form occurs, and what the system made of it."""

    item: GoldItem
    start: int
    end: int
    got: dict[str, Any] | None
    causes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong with this occurrence."""
        return not self.causes


@dataclass(frozen=True)
class Failure:
    """A failed occurrence or a missing role, ready to print."""

    cause: str
    item: GoldItem
    start: int
    got: str

    def __str__(self) -> str:
        where = f" @{self.start}" if self.start >= 0 else ""
        return f"{self.item.text!r}{where}: expected {self.item.expected()}; got {self.got}"


@dataclass
class Result:
    """Scored occurrences and role checks for one list of gold items."""

    occurrences: list[Occurrence]
    roles: dict[GoldItem, bool]
    missing: list[GoldItem]

    def failures(self) -> list[Failure]:
        """Every failure, the occurrence's first cause deciding its group."""
        out = [
            Failure(o.causes[0], o.item, o.start, describe(o.got, o.causes))
            for o in self.occurrences
            if o.causes
        ]
        out += [Failure("not recognised", i, -1, "the form does not occur") for i in self.missing]
        for item, found in self.roles.items():
            if not found:
                out.append(Failure("role missing", item, -1, "no mention carries this role"))
        return out

    def shares(self, type_: str | None = None) -> dict[str, tuple[int, int]]:
        """(hits, total) per check, for one gold type or all."""
        occ = [o for o in self.occurrences if type_ is None or o.item.type == type_]
        found = [o for o in occ if o.got is not None]
        loc = [o for o in occ if o.item.type == "LOC"]
        items = {o.item for o in occ} | {i for i in self.missing if type_ in (None, i.type)}
        bad = {o.item for o in occ if o.causes} | set(self.missing)
        bad |= {i for i, ok in self.roles.items() if not ok}
        roles = {i: ok for i, ok in self.roles.items() if type_ in (None, i.type)}
        return {
            "recognised": (len(found), len(occ)),
            "right type": (sum("wrong type" not in o.causes for o in found), len(occ)),
            "linked": (sum("wrong link" not in o.causes for o in found), len(occ)),
            "placed": (
                sum(o.got is not None and "not placed" not in o.causes for o in loc),
                len(loc),
            ),
            "role": (sum(roles.values()), len(roles)),
            "all right (occurrences)": (sum(o.ok for o in occ), len(occ)),
            "all right (entries)": (len(items - bad), len(items)),
        }


def fold(text: str) -> str:
    """The text with curly quotes made straight, same length."""
    return text.translate(_QUOTES)


def parse_item(raw: Any, where: str, reference: bool) -> GoldItem:
    """One gold item from its YAML mapping; raises ``GoldError`` naming ``where``."""
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: expected a mapping with text, type and entity")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GoldError(f"{where}: missing text")
    where = f"{where} ({text!r})"
    type_ = raw.get("type")
    if type_ not in TYPES:
        raise GoldError(f"{where}: type must be one of {', '.join(TYPES)}, got {type_!r}")
    if "entity" not in raw:
        raise GoldError(f"{where}: missing entity (an id, null or {NEW!r})")
    entity = raw["entity"]
    if entity is not None and not (isinstance(entity, str) and entity.strip()):
        raise GoldError(f"{where}: entity must be an id, null or {NEW!r}, got {entity!r}")
    country = raw.get("country") or ()
    countries = (country,) if isinstance(country, str) else tuple(country)
    if not all(isinstance(c, str) and len(c) == 2 for c in countries):
        raise GoldError(f"{where}: country must be a two-letter code or a list of them")
    nth = raw.get("nth")
    if nth is not None and (not isinstance(nth, int) or isinstance(nth, bool) or nth < 1):
        raise GoldError(f"{where}: nth must be a whole number from 1, got {nth!r}")
    role = raw.get("role")
    if role is not None and not isinstance(role, str):
        raise GoldError(f"{where}: role must be a string")
    expect_name = raw.get("expect_name")
    if expect_name is not None and not isinstance(expect_name, str):
        raise GoldError(f"{where}: expect_name must be a string")
    return GoldItem(
        text=fold(text.strip()),
        type=type_,
        entity=entity.strip() if isinstance(entity, str) else None,
        expect_name=expect_name,
        countries=tuple(c.upper() for c in countries),
        role=fold(role) if role else None,
        nth=nth,
        reference=reference,
    )


def load_gold(path: Path) -> Gold:
    """Read and check a gold file; raises ``GoldError`` naming the file and the bad item."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GoldError(f"gold file {path}: cannot be read ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise GoldError(f"gold file {path}: expected a mapping with an 'entities' list")
    lists: dict[str, tuple[GoldItem, ...]] = {}
    for key in ("entities", "references"):
        raw = data.get(key) or []
        if not isinstance(raw, list):
            raise GoldError(f"gold file {path}: {key!r} must be a list")
        lists[key] = tuple(
            parse_item(r, f"gold file {path}, {key} item {n}", key == "references")
            for n, r in enumerate(raw, 1)
        )
    seen: set[str] = set()
    for item in lists["entities"]:
        if item.text in seen:
            raise GoldError(f"gold file {path}: the form {item.text!r} is listed twice")
        seen.add(item.text)
    published = data.get("published")
    return Gold(lists["entities"], lists["references"], str(published) if published else None)


def _spans(text: str, form: str, ignore_case: bool) -> list[tuple[int, int]]:
    pattern = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.I if ignore_case else 0)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def find_occurrences(
    text: str, items: Iterable[GoldItem]
) -> tuple[list[tuple[GoldItem, int, int]], list[GoldItem]]:
    """Where each gold form occurs, and the items that do not occur at all.

    Names: case matters and a longer form claims its span ("Iran" inside "Iran International
    Exhibitions Company" is not scored as Iran). References: case ignored, ``nth`` picks one.
    """
    text = fold(text)
    found: list[tuple[GoldItem, int, int]] = []
    missing: list[GoldItem] = []
    taken: list[tuple[int, int]] = []
    for item in sorted(items, key=lambda i: (-len(i.text), i.text)):
        spans = _spans(text, item.text, ignore_case=item.reference)
        if item.nth is not None:
            spans = spans[item.nth - 1 : item.nth]
        if not item.reference:
            spans = [s for s in spans if not any(s[0] < e and b < s[1] for b, e in taken)]
            taken += spans
        if not spans:
            missing.append(item)
        found += [(item, s, e) for s, e in spans]
    found.sort(key=lambda f: (f[1], f[2]))
    return found, missing


def _linked(item: GoldItem, mention: Mapping[str, Any], known: set[str]) -> bool:
    entity = mention.get("entity") or {}
    ident = str(entity.get("id") or "")
    if item.entity == NEW:
        return bool(ident) and ident not in known
    if item.entity is not None:
        return ident == item.entity
    if item.expect_name:
        return str(entity.get("name", "")).casefold() == item.expect_name.casefold()
    return bool(ident)


def _placed(item: GoldItem, mention: Mapping[str, Any]) -> bool:
    geo = mention.get("geo") or {}
    if geo.get("lat") is None or geo.get("lon") is None:
        return False
    return not item.countries or (geo.get("country") or "") in item.countries


def _acting_country(item: GoldItem, mention: Mapping[str, Any]) -> bool:
    """A country that acts is an ORG mention of the country's own place entity: a LOC as well."""
    return (
        item.type == "LOC"
        and mention.get("label") == "ORG"
        and (mention.get("entity") or {}).get("type") == "LOC"
    )


def check(
    item: GoldItem, start: int, end: int, mentions: list[Mapping[str, Any]], known: set[str]
) -> Occurrence:
    """Score one occurrence against the mentions of the document."""
    over = [
        m for m in mentions if m.get("label") in TYPES and m["start"] < end and start < m["end"]
    ]
    if not over:
        return Occurrence(item, start, end, None, ["not recognised"])

    def rank(m: Mapping[str, Any]) -> tuple[bool, bool, int, int]:
        shared = min(end, m["end"]) - max(start, m["start"])
        extra = (m["end"] - m["start"]) - shared
        typed = m["label"] == item.type or _acting_country(item, m)
        return (_linked(item, m, known), typed, shared, -extra)

    best = max(over, key=rank)
    causes = []
    if best["label"] != item.type and not _acting_country(item, best):
        causes.append("wrong type")
    if not _linked(item, best, known):
        causes.append("wrong link")
    if item.type == "LOC" and not _placed(item, best):
        causes.append("not placed")
    return Occurrence(item, start, end, dict(best), causes)


def _role_found(item: GoldItem, spans: list[tuple[int, int]], mentions: list[Mapping]) -> bool:
    want = (item.role or "").casefold()
    for m in mentions:
        role = fold(str(m.get("role") or "")).casefold()
        if role and want in role and any(m["start"] < e and s < m["end"] for s, e in spans):
            return True
    return False


def score(
    text: str, mentions: list[Mapping[str, Any]], items: Iterable[GoldItem], known: set[str]
) -> Result:
    """Score the ``entities`` of one ``dragoman extract`` output line against gold items."""
    found, missing = find_occurrences(text, items)
    occurrences = [check(item, s, e, mentions, known) for item, s, e in found]
    roles: dict[GoldItem, bool] = {}
    for item in {i for i, _, _ in found if i.role}:
        spans = [(s, e) for i, s, e in found if i == item]
        roles[item] = _role_found(item, spans, mentions)
    return Result(occurrences, roles, missing)


def describe(mention: Mapping[str, Any] | None, causes: Iterable[str] = ()) -> str:
    """What the system gave for an occurrence, in one line."""
    if mention is None:
        return "no mention"
    entity = mention.get("entity") or {}
    out = f"{mention.get('label')} {mention.get('text')!r} -> {entity.get('id')}"
    if entity.get("name"):
        out += f" ({entity['name']})"
    geo = mention.get("geo")
    if geo:
        out += f" at {geo.get('lat')},{geo.get('lon')} {geo.get('country') or '??'}"
    elif mention.get("label") == "LOC":
        out += " without coordinates"
    if mention.get("role"):
        out += f" role={mention['role']!r}"
    extra = [c for c in causes][1:]
    if extra:
        out += f" [also {', '.join(extra)}]"
    return out


def known_ids(desk: Any, outlets: Mapping[str, Any]) -> set[str]:
    """Ids of every actor dragoman knows (the desk and the shared dictionary) and every outlet."""
    from dragoman.desk.load import load_actors

    ids = {a.id for a in desk.actors} | {a.id for a in load_actors()}
    return ids | {f"outlet:{k}" for k in outlets}


def extract(text: str, published: str | None, extractor: Any) -> list[dict[str, Any]]:
    """The ``entities`` of ``dragoman extract`` for one document."""
    from dragoman.extract.jsonl import extract_jsonl

    doc: dict[str, Any] = {"id": "seed", "text": text}
    if published:
        doc["published"] = published
    errors: list[str] = []
    rows = list(extract_jsonl([json.dumps(doc)], extractor, on_error=errors.append))
    if errors or "error" in rows[0]:
        raise RuntimeError(f"document seed: extraction failed ({'; '.join(errors)})")
    return list(rows[0]["entities"])


def extras(mentions: list[Mapping[str, Any]], results: Iterable[Result], text: str) -> list[str]:
    """PERSON, ORG and LOC mentions that touch no gold occurrence (read them: some are noise)."""
    spans = [(o.start, o.end) for r in results for o in r.occurrences]
    out = []
    for m in mentions:
        if m.get("label") not in ("PERSON", "ORG", "LOC"):
            continue
        if not any(m["start"] < e and s < m["end"] for s, e in spans):
            out.append(describe(m))
    return out


def _pct(hit: int, total: int) -> str:
    return f"{hit / total:.2f} ({hit}/{total})" if total else "-"


def report(results: Mapping[str, Result]) -> str:
    """Shares per type and overall, then every failure grouped by cause."""
    lines: list[str] = []
    for title, result in results.items():
        checks = list(result.shares())
        lines.append(f"\n## {title}\n")
        lines.append("| type | " + " | ".join(checks) + " |")
        lines.append("|---|" + "---|" * len(checks))
        present = [t for t in TYPES if any(o.item.type == t for o in result.occurrences)]
        for type_ in (*present, None):
            shares = result.shares(type_)
            name = type_ or "**all**"
            lines.append(f"| {name} | " + " | ".join(_pct(*shares[c]) for c in checks) + " |")
        failures = result.failures()
        lines.append(f"\n{len(failures)} failures")
        for cause in CAUSES:
            group = [f for f in failures if f.cause == cause]
            if group:
                lines.append(f"\n### {cause} ({len(group)})")
                lines += [f"- {f}" for f in group]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=Path, help="the seed bulletin as plain text")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="the gold YAML file")
    parser.add_argument("--published", help="publication date (default: the gold file's)")
    parser.add_argument("--extras", action="store_true", help="also list mentions not in gold")
    args = parser.parse_args(argv)
    try:
        gold = load_gold(args.gold)
        text = args.seed.read_text(encoding="utf-8")
    except (GoldError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from dragoman.desk import load_desk, load_sources
    from dragoman.extract.annotate import Extractor

    desk, outlets = load_desk(), load_sources()
    extractor = Extractor(desk, outlets)
    mentions = extract(text, args.published or gold.published, extractor)
    known = known_ids(desk, outlets)
    results = {
        "names": score(text, mentions, gold.entities, known),
        "references": score(text, mentions, gold.references, known),
    }
    print(
        f"{args.seed.name}: {len(text.split())} words, {len(gold.entities)} gold names, "
        f"{len(gold.references)} references, {len(mentions)} mentions from dragoman"
    )
    print(report(results))
    if args.extras:
        found = extras(mentions, results.values(), text)
        print(f"\n## mentions outside the gold ({len(found)})\n")
        print("\n".join(f"- {line}" for line in found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
