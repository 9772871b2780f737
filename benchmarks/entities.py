"""Entity recognition against re3d: the full extractor beside the plain spaCy model, in one run.

    python benchmarks/entities.py PATH/TO/re3d [--limit N] [--errors FILE]

re3d (Dstl's Relationship and Entity Extraction Evaluation Dataset) holds one folder per
source, each with ``documents.json`` and ``entities.json`` (one JSON object a line).
Gold annotations with confidence below 0.5 are dropped. re3d types are mapped to ours:
Person→PERSON, Organisation→ORG, Location→LOC, Nationality→NORP, Temporal→DATE,
Money→MONEY; the rest are not scored.

The system is scored through the public ``dragoman extract`` contract (``extract_jsonl``),
so the figures are those an outside scorer gets. The baseline is the same spaCy model
with its own labels mapped (GPE, LOC, FAC→LOC). Strict: same start, end and label.
Overlap: same label and at least one shared character, each gold and each predicted span
used once. The headline is micro F1 over PERSON, ORG and LOC.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TYPE_MAP = {
    "Person": "PERSON",
    "Organisation": "ORG",
    "Location": "LOC",
    "Nationality": "NORP",
    "Temporal": "DATE",
    "Money": "MONEY",
}
LABELS = ("PERSON", "ORG", "LOC", "NORP", "DATE", "MONEY")
HEADLINE = ("PERSON", "ORG", "LOC")

Span = tuple[int, int, str]


def _lines(path: Path) -> Iterable[dict]:
    for line in path.read_text("utf-8-sig").splitlines():
        if line.strip():
            yield json.loads(line)


def load_re3d(root: Path) -> tuple[dict[str, str], dict[str, set[Span]]]:
    """Document texts and gold spans by document id, from every source folder under ``root``."""
    texts: dict[str, str] = {}
    gold: dict[str, set[Span]] = defaultdict(set)
    for folder in sorted(p for p in root.iterdir() if (p / "documents.json").exists()):
        for doc in _lines(folder / "documents.json"):
            texts[doc["_id"]] = doc["text"]
        for ent in _lines(folder / "entities.json"):
            label = TYPE_MAP.get(ent["type"])
            if label is None or float(ent.get("confidence", 1)) < 0.5:
                continue
            gold[ent["documentId"]].add((int(ent["begin"]), int(ent["end"]), label))
    return texts, gold


def _match(pred: set[Span], gold: set[Span], strict: bool) -> dict[str, list[int]]:
    """Per label [true positives, predicted, gold]."""
    counts: dict[str, list[int]] = {label: [0, 0, 0] for label in LABELS}
    for _, _, label in pred:
        counts[label][1] += 1
    for _, _, label in gold:
        counts[label][2] += 1
    if strict:
        for span in pred & gold:
            counts[span[2]][0] += 1
        return counts
    used: set[Span] = set()
    for p in sorted(pred):
        for g in sorted(gold):
            if g in used or g[2] != p[2]:
                continue
            if p[0] < g[1] and g[0] < p[1]:
                used.add(g)
                counts[p[2]][0] += 1
                break
    return counts


def score(pred: dict[str, set[Span]], gold: dict[str, set[Span]], strict: bool) -> dict:
    """Precision, recall and F1 per label and micro over the headline labels."""
    total: dict[str, list[int]] = {label: [0, 0, 0] for label in LABELS}
    for doc_id in gold.keys() | pred.keys():
        for label, c in _match(pred.get(doc_id, set()), gold.get(doc_id, set()), strict).items():
            for i in range(3):
                total[label][i] += c[i]

    def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    out = {label: prf(*total[label]) for label in LABELS}
    head = [sum(total[label][i] for label in HEADLINE) for i in range(3)]
    out["micro"] = prf(*head)
    return out


def run_system(texts: dict[str, str]) -> tuple[dict[str, set[Span]], float]:
    """Spans from the public extract contract, and the seconds it took."""
    from dragoman.desk import load_desk, load_sources
    from dragoman.extract.annotate import Extractor
    from dragoman.extract.jsonl import extract_jsonl

    extractor = Extractor(load_desk(), load_sources())
    lines = [json.dumps({"id": doc_id, "text": text}) for doc_id, text in texts.items()]
    pred: dict[str, set[Span]] = defaultdict(set)
    started = time.perf_counter()
    for row in extract_jsonl(lines, extractor, on_error=lambda msg: print(msg, file=sys.stderr)):
        for ent in row.get("entities", ()):
            if ent["label"] in LABELS:
                pred[row["id"]].add((ent["start"], ent["end"], ent["label"]))
    return pred, time.perf_counter() - started


def run_baseline(texts: dict[str, str]) -> tuple[dict[str, set[Span]], float]:
    """Spans of the plain spaCy model with its labels mapped to ours."""
    from dragoman.extract.entities import LABEL_MAP
    from dragoman.extract.nlp import load_pipeline

    nlp = load_pipeline()
    pred: dict[str, set[Span]] = defaultdict(set)
    started = time.perf_counter()
    ids = list(texts)
    for doc_id, doc in zip(ids, nlp.pipe(texts[i] for i in ids), strict=True):
        for ent in doc.ents:
            label = LABEL_MAP.get(ent.label_)
            if label:
                pred[doc_id].add((ent.start_char, ent.end_char, label))
    return pred, time.perf_counter() - started


def _table(rows: dict[str, dict]) -> str:
    lines = [
        "| system | match | " + " | ".join(f"{lab} F1" for lab in LABELS) + " | P | R | micro F1 |",
        "|---|---|" + "---|" * (len(LABELS) + 3),
    ]
    for name, by_mode in rows.items():
        for mode, s in by_mode.items():
            cells = " | ".join(f"{s[lab][2]:.2f}" for lab in LABELS)
            p, r, f = s["micro"]
            lines.append(f"| {name} | {mode} | {cells} | {p:.3f} | {r:.3f} | **{f:.3f}** |")
    return "\n".join(lines)


def write_errors(path: Path, texts: dict[str, str], pred: dict, gold: dict) -> None:
    """Missed and spurious spans (strict), for reading."""
    with path.open("w", encoding="utf-8") as out:
        for doc_id, text in texts.items():
            p, g = pred.get(doc_id, set()), gold.get(doc_id, set())
            for s in sorted(g - p):
                if s[2] in HEADLINE:
                    out.write(f"MISS\t{s[2]}\t{text[s[0] : s[1]]!r}\n")
            for s in sorted(p - g):
                if s[2] in HEADLINE:
                    out.write(f"EXTRA\t{s[2]}\t{text[s[0] : s[1]]!r}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("re3d", type=Path, help="the re3d folder (one sub-folder per source)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N documents")
    parser.add_argument("--errors", type=Path, help="write strict misses and extras here")
    args = parser.parse_args(argv)
    texts, gold = load_re3d(args.re3d)
    if args.limit:
        texts = dict(list(texts.items())[: args.limit])
        gold = {k: v for k, v in gold.items() if k in texts}
    baseline, base_s = run_baseline(texts)
    system, sys_s = run_system(texts)
    rows = {
        "plain spaCy": {m: score(baseline, gold, m == "strict") for m in ("strict", "overlap")},
        "dragoman": {m: score(system, gold, m == "strict") for m in ("strict", "overlap")},
    }
    words = sum(len(t.split()) for t in texts.values())
    print(
        f"re3d: {len(texts)} documents, {words} words, "
        f"{sum(len(v) for v in gold.values())} gold spans (confidence >= 0.5)"
    )
    print(_table(rows))
    print(f"\nplain spaCy {base_s:.1f} s, dragoman {sys_s:.1f} s")
    if args.errors:
        write_errors(args.errors, texts, system, gold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
