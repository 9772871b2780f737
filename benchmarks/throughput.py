"""Extraction speed: the full Extractor against a bare spaCy NER pass over the same texts.

    python benchmarks/throughput.py [--input FILE.jsonl|DIR] [--repeat N]

With no input it reads the demo corpus under examples/ (JSONL, .txt and .md files), or
the extraction test fixture when the corpus is absent. Prints articles/s and words/s of
the full Extractor, of the Extractor without events (recognition, resolution, places and
dates), of the bare NER pass and of the plain spaCy pipeline, and the speed ratios of the
two Extractor passes to the bare NER pass. The passes take turns over several rounds and
each keeps its best round.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dragoman.extract.annotate import Extractor
from dragoman.extract.nlp import load_pipeline
from dragoman.records import Article, Desk

# the model's own components (the "spaCy all components" pass), as the model ships them
MODEL_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
FALLBACK = ROOT / "tests" / "data" / "extract" / "bulletin.txt"


def read_texts(path: Path) -> list[str]:
    """Texts of a JSONL file (its "text" fields), a text file, or every such file under a folder."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".txt", ".md"))
        if path.is_dir()
        else [path]
    )
    texts: list[str] = []
    for file in files:
        raw = file.read_text("utf-8", errors="replace")
        if file.suffix == ".jsonl":
            for line in raw.splitlines():
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(doc, dict) and isinstance(doc.get("text"), str):
                    texts.append(doc["text"])
        elif raw.strip():
            texts.append(raw)
    return texts


def load_desk() -> tuple[Desk, dict]:
    """The shipped desk and outlets when they load, else an empty desk."""
    try:
        from dragoman.desk import load_desk as desk_loader
        from dragoman.desk import load_sources

        return desk_loader(), load_sources()
    except Exception:
        return Desk(id="empty", title="empty"), {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=None, help="JSONL file, text file or folder")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the texts (default 3)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    args = parser.parse_args(argv)

    source = args.input or ROOT / "examples"
    texts = read_texts(source) if source.exists() else []
    if not texts:
        source, texts = FALLBACK, read_texts(FALLBACK)
    texts = texts * max(1, args.repeat)
    words = sum(len(t.split()) for t in texts)
    articles = [
        Article(id=f"b{i}", outlet_id="", url="", published=None, title="", text=t)
        for i, t in enumerate(texts)
    ]

    desk, outlets = load_desk()
    nlp = load_pipeline()
    extractor = Extractor(desk, outlets, nlp=nlp)
    # the "whole extraction": recognition, resolution, places and dates, no events
    entities_only = Extractor(desk, outlets, nlp=nlp, events=False)
    # warm up once-per-process costs: gazetteer indexes, date parser tables, model weights
    extractor.gazetteer.resolve("Qwertyville")
    list(extractor.annotate_many(articles[:4]))
    with nlp.select_pipes(enable=["ner"]):
        list(nlp.pipe(texts[:4]))

    model_pipes = [n for n in nlp.pipe_names if n in MODEL_PIPES]

    def full_pass() -> None:
        for _ in extractor.annotate_many(articles, batch_size=args.batch_size):
            pass

    def entities_pass() -> None:
        for _ in entities_only.annotate_many(articles, batch_size=args.batch_size):
            pass

    def bare_pass() -> None:
        with nlp.select_pipes(enable=["ner"]):
            for _ in nlp.pipe(texts, batch_size=args.batch_size):
                pass

    def model_pass() -> None:
        with nlp.select_pipes(enable=model_pipes):
            for _ in nlp.pipe(texts, batch_size=args.batch_size):
                pass

    # the passes take turns, and each keeps its best round, so that a busy moment on a shared
    # machine does not count against one pass only
    passes = (
        ("full", full_pass),
        ("entities", entities_pass),
        ("bare", bare_pass),
        ("model", model_pass),
    )
    best = {name: float("inf") for name, _ in passes}
    for _ in range(max(1, args.rounds)):
        for name, run in passes:
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    full, bare, model = best["full"], best["bare"], best["model"]
    entities = best["entities"]

    print(f"input: {source}  ({len(texts)} articles, {words} words, repeat {args.repeat})")
    print(f"{'pass':<24}{'seconds':>10}{'articles/s':>14}{'words/s':>12}")
    rows = (
        ("Extractor (full)", full),
        ("Extractor, no events", entities),
        ("spaCy all components", model),
        ("spaCy NER only", bare),
    )
    print(f"best of {max(1, args.rounds)} alternating rounds")
    for name, seconds in rows:
        print(f"{name:<24}{seconds:>10.2f}{len(texts) / seconds:>14.1f}{words / seconds:>12.0f}")
    print(f"entities, places and dates / NER-only speed ratio: {bare / entities:.2f}")
    print(f"full (with events) / NER-only speed ratio: {bare / full:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
