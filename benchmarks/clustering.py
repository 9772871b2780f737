"""Story clustering against ECB+: `dragoman cluster` beside a plain TF-IDF baseline, in one run.

    python benchmarks/clustering.py PATH/TO/ecbplus_docs_clusters.jsonl
        [--limit N] [--no-entities] [--orders file,shuffled] [--explore]

Each line of the input is ``{doc_id, topic, subtopic, story_cluster, text}`` with the text
space-tokenised; it is detokenised (quotes, punctuation, clitics, split hyphens) before use.
ECB+ documents carry no publication dates, so "date order" has to be chosen:

* ``file``: the order of the file, which groups the documents by topic (an easy stream,
  since the two confusable stories of a topic arrive together and nothing else between);
* ``shuffled``: sorted by the SHA-256 of the document id, a fixed shuffle that interleaves
  all topics (the harder and more realistic stream).

dragoman is run through the public ``dragoman cluster`` contract (``cluster_jsonl``) set up as
the command sets it up: settings from the environment, the shipped desk and sources, entities
on (``--no-entities`` turns them off), the MinHash reprint index. Documents are sent as
``{"id", "text"}``. Annotations are computed once and reused for the second order.

The baseline sees the same stream: every document is a TF-IDF vector (scikit-learn's
``TfidfVectorizer`` fitted once on all the documents, English stop words, sublinear tf, so
its IDF sees the future, which favours the baseline); it joins the existing cluster whose
centroid is most cosine-similar if that similarity reaches the threshold, else it opens a new
cluster. It is reported at a fixed threshold of 0.35 (dragoman's default) and at its best
threshold on a grid, which is an oracle choice.

Scores are B-cubed precision, recall and F1, averaged over documents, against
``story_cluster``. ``--explore`` re-clusters the cached annotations with a grid of
``StoryClusterer`` parameters and prints where the errors are (merged topics, split stories).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dragoman.records import Annotated, Article
from dragoman.settings import Settings
from dragoman.stories.cluster import StoryClusterer
from dragoman.stories.dedup import DuplicateIndex
from dragoman.stories.stream import cluster_jsonl

BASELINE_DEFAULT = 0.35
BASELINE_GRID = tuple(round(0.05 * i, 2) for i in range(1, 15))

Annotate = Callable[[list[Article]], list[Annotated]]

# --- input ---------------------------------------------------------------------------------

_CLITIC = re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m|’s|’re|’ve|’ll|’d|’m|')(?=\s|$)", re.IGNORECASE)
_BEFORE = re.compile(r" ([.,;:!?%)\]}”’]|\.\.\.)")
_AFTER = re.compile(r"([(\[{$“‘]) ")
_HYPHEN = re.compile(r"(?<=\w) - (?=[a-z0-9])")
_SLASH = re.compile(r"(?<=\S) / (?=\S)")
_CLOCK = re.compile(r"(?<=\d): (?=\d\d)")
_DOMAIN = re.compile(r"(?<=\w)\. (?=(?:com|org|net|gov|edu|co|uk|html?)\b)")


def detokenise(text: str) -> str:
    """Readable text from ECB+'s space-tokenised text, line by line."""
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("http"):
            # a URL line, tokenised at every punctuation mark
            out.append(line.replace(" ", ""))
            continue
        line = f" {line} "
        line = line.replace(" `` ", " “").replace(" '' ", "” ")
        # straight double quotes open and close in turn within a line
        parts = line.split(' " ')
        if len(parts) > 1:
            rebuilt = parts[0]
            for i, part in enumerate(parts[1:]):
                rebuilt += (' "' if i % 2 == 0 else '" ') + part
            line = rebuilt
        line = _CLITIC.sub(r"\1", line)
        line = _BEFORE.sub(r"\1", line)
        line = _AFTER.sub(r"\1", line)
        line = _HYPHEN.sub("-", line)
        line = _SLASH.sub("/", line)
        line = _CLOCK.sub(":", line)
        line = _DOMAIN.sub(".", line)
        out.append(re.sub(r"\s+", " ", line).strip())
    return "\n".join(out)


def load_docs(path: Path, limit: int | None) -> list[dict[str, Any]]:
    """ECB+ documents of a JSONL file, detokenised, in file order; bad lines are named and skipped."""
    docs: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                item = {
                    "id": str(doc["doc_id"]),
                    "topic": str(doc["topic"]),
                    "gold": str(doc["story_cluster"]),
                    "text": detokenise(str(doc["text"])),
                }
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                print(f"{path.name} line {n}: skipped, {exc!r}", file=sys.stderr)
                continue
            docs.append(item)
            if limit and len(docs) >= limit:
                break
    return docs


def ordered(docs: Sequence[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    """The stream in the named order: ``file`` or ``shuffled`` (by SHA-256 of the id)."""
    if order == "file":
        return list(docs)
    if order == "shuffled":
        return sorted(docs, key=lambda d: hashlib.sha256(d["id"].encode()).hexdigest())
    raise ValueError(f"unknown order {order!r}: use 'file' or 'shuffled'")


# --- scoring -------------------------------------------------------------------------------


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1, averaged over the gold documents."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for doc, label in gold.items():
        by_gold[label].add(doc)
        by_pred[pred.get(doc) or f"missing:{doc}"].add(doc)
    p = r = 0.0
    for doc, label in gold.items():
        mine = by_pred[pred.get(doc) or f"missing:{doc}"]
        theirs = by_gold[label]
        both = len(mine & theirs)
        p += both / len(mine)
        r += both / len(theirs)
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def diagnose(pred: dict[str, str], docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Where the errors are: topics whose two stories share a cluster, split stories, cross-topic clusters."""
    gold = {d["id"]: d["gold"] for d in docs}
    topic = {d["id"]: d["topic"] for d in docs}
    members: dict[str, list[str]] = defaultdict(list)
    for doc, label in pred.items():
        members[label].append(doc)
    merged_topics = set()
    cross_topic = 0
    for ids in members.values():
        topics = {topic[i] for i in ids}
        if len(topics) > 1:
            cross_topic += 1
        for t in topics:
            if len({gold[i] for i in ids if topic[i] == t}) > 1:
                merged_topics.add(t)
    # a story is split when its documents land in several clusters; count the pieces beyond one
    pieces: dict[str, set[str]] = defaultdict(set)
    for doc, label in pred.items():
        pieces[gold[doc]].add(label)
    split = {s: len(c) for s, c in pieces.items() if len(c) > 1}
    singletons = sum(1 for ids in members.values() if len(ids) == 1)
    return {
        "clusters": len(members),
        "singletons": singletons,
        "merged_topics": sorted(merged_topics, key=int),
        "cross_topic_clusters": cross_topic,
        "split_stories": len(split),
        "extra_pieces": sum(n - 1 for n in split.values()),
    }


# --- dragoman ------------------------------------------------------------------------------


class CachedAnnotator:
    """Annotates articles once and hands back the cached result on later streams."""

    def __init__(self, settings: Settings) -> None:
        from dragoman.desk import load_desk, load_sources
        from dragoman.extract import Extractor

        self.extractor = Extractor(load_desk(None), load_sources(), settings)
        self.cache: dict[str, Annotated] = {}
        self.seconds = 0.0

    def __call__(self, articles: list[Article]) -> list[Annotated]:
        missing = [a for a in articles if a.id not in self.cache]
        if missing:
            start = time.perf_counter()
            for ann in self.extractor.annotate_many(missing):
                self.cache[ann.article.id] = ann
            self.seconds += time.perf_counter() - start
        return [self.cache[a.id] for a in articles]


def run_dragoman(
    stream: Sequence[dict[str, Any]],
    settings: Settings,
    annotate: Annotate | None,
    clusterer: StoryClusterer | None = None,
) -> dict[str, str]:
    """Story ids of the stream through ``cluster_jsonl``, wired as ``dragoman cluster`` wires it."""
    if clusterer is None:
        clusterer = StoryClusterer(
            threshold=float(settings.story_threshold),
            window_days=float(settings.story_window_days),
        )
    dedup = DuplicateIndex(threshold=float(settings.duplicate_threshold))
    lines = (json.dumps({"id": d["id"], "text": d["text"]}) for d in stream)
    pred: dict[str, str] = {}
    for out in cluster_jsonl(
        lines, clusterer, annotate, dedup, on_error=lambda m: print(m, file=sys.stderr)
    ):
        # a document the contract rejects is its own story
        pred[str(out["id"])] = out["story"] or f"error:{out['id']}"
    return pred


# --- baseline ------------------------------------------------------------------------------


def tfidf_similarities(docs: Sequence[dict[str, Any]]) -> Any:
    """Cosine similarity of every pair of documents (rows and columns in the order given)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(
        d["text"] for d in docs
    )
    return (vectors @ vectors.T).toarray()


def run_baseline(ids: Sequence[str], sims: Any, threshold: float) -> dict[str, str]:
    """Centroid clustering of the stream: join the most similar cluster at ``threshold`` or open one."""
    import numpy as np

    label = np.full(len(ids), -1, dtype=np.int64)
    norm2: list[float] = []  # squared norm of each cluster's sum of (unit) document vectors
    for i in range(len(ids)):
        best, best_sim = -1, threshold
        if norm2:
            # dot product of the new document with each cluster's vector sum
            dots = np.bincount(label[:i], weights=sims[i, :i], minlength=len(norm2))
            cos = dots / np.sqrt(np.maximum(norm2, 1e-12))
            j = int(np.argmax(cos))
            if cos[j] >= best_sim:
                best, best_sim = j, float(cos[j])
        if best < 0:
            label[i] = len(norm2)
            norm2.append(1.0)
        else:
            dot = float(np.dot(sims[i, :i], label[:i] == best))
            norm2[best] += 2 * dot + 1.0
            label[i] = best
    return {doc: f"c{int(c)}" for doc, c in zip(ids, label)}


# --- exploration ---------------------------------------------------------------------------

EXPLORE = (
    # (threshold, text_weight, short_words, entities)
    (0.35, 0.7, 80, True),
    (0.25, 0.7, 80, True),
    (0.30, 0.7, 80, True),
    (0.40, 0.7, 80, True),
    (0.45, 0.7, 80, True),
    (0.50, 0.7, 80, True),
    (0.35, 0.5, 80, True),
    (0.35, 0.9, 80, True),
    (0.30, 0.5, 80, True),
    (0.40, 0.5, 80, True),
    (0.45, 0.5, 80, True),
    (0.35, 0.7, 1, True),
    (0.25, 1.0, 80, False),
    (0.30, 1.0, 80, False),
    (0.35, 1.0, 80, False),
    (0.40, 1.0, 80, False),
    (0.45, 1.0, 80, False),
)


def explore(
    streams: dict[str, list[dict[str, Any]]], settings: Settings, annotate: Annotate | None
) -> None:
    """B-cubed over a grid of clusterer parameters, on cached annotations."""
    print("\n### Parameter exploration (window_days and day_penalty have no effect: no dates)\n")
    print(
        "| order | entities | threshold | text_weight | short_words | P | R | F1 | clusters "
        "| merged topics | split stories | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for order, stream in streams.items():
        gold = {d["id"]: d["gold"] for d in stream}
        for threshold, weight, short, with_entities in EXPLORE:
            if with_entities and annotate is None:
                continue
            clusterer = StoryClusterer(
                threshold=threshold,
                window_days=float(settings.story_window_days),
                text_weight=weight,
                short_words=short,
            )
            start = time.perf_counter()
            pred = run_dragoman(stream, settings, annotate if with_entities else None, clusterer)
            seconds = time.perf_counter() - start
            p, r, f = bcubed(pred, gold)
            d = diagnose(pred, stream)
            print(
                f"| {order} | {'on' if with_entities else 'off'} | {threshold:.2f} | {weight} "
                f"| {short} | {p:.3f} | {r:.3f} | {f:.3f} | {d['clusters']} "
                f"| {len(d['merged_topics'])} | {d['split_stories']} | {seconds:.1f} |"
            )


# --- main ----------------------------------------------------------------------------------


def _row(name: str, pred: dict[str, str], stream: Sequence[dict[str, Any]], seconds: float) -> str:
    gold = {d["id"]: d["gold"] for d in stream}
    p, r, f = bcubed(pred, gold)
    d = diagnose(pred, stream)
    return (
        f"| {name} | {p:.3f} | {r:.3f} | **{f:.3f}** | {d['clusters']} | {d['singletons']} "
        f"| {len(d['merged_topics'])} | {d['split_stories']} (+{d['extra_pieces']}) | {seconds:.1f} |"
    )


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="ecbplus_docs_clusters.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="first N documents of the file")
    parser.add_argument("--no-entities", action="store_true", help="cluster on text alone")
    parser.add_argument("--orders", default="file,shuffled", help="file, shuffled or both")
    parser.add_argument("--explore", action="store_true", help="also run a parameter grid")
    parser.add_argument("--errors", action="store_true", help="list merged topics per order")
    args = parser.parse_args(list(argv) if argv is not None else None)

    if not args.data.is_file():
        parser.error(f"{args.data}: no such file")
    docs = load_docs(args.data, args.limit)
    if not docs:
        parser.error(f"{args.data}: no documents")
    orders = [o.strip() for o in args.orders.split(",") if o.strip()]
    streams = {o: ordered(docs, o) for o in orders}
    settings = Settings.load(None)
    annotate = None if args.no_entities else CachedAnnotator(settings)

    stories = len({d["gold"] for d in docs})
    words = sum(len(d["text"].split()) for d in docs)
    print(f"input: {args.data.name}, {len(docs)} documents, {words} words, {stories} gold stories")
    print(
        f"dragoman: threshold {settings.story_threshold}, window {settings.story_window_days} days, "
        f"entities {'off' if annotate is None else 'on'}\n"
    )
    print(
        "| order / system | B³ P | B³ R | B³ F1 | clusters | singletons | merged topics "
        "| split stories (extra pieces) | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    start = time.perf_counter()
    sims_all = tfidf_similarities(docs)
    tfidf_seconds = time.perf_counter() - start
    position = {d["id"]: i for i, d in enumerate(docs)}
    merged_lists: dict[str, list[str]] = {}
    for order, stream in streams.items():
        before = annotate.seconds if annotate else 0.0
        start = time.perf_counter()
        pred = run_dragoman(stream, settings, annotate)
        total = time.perf_counter() - start
        extraction = (annotate.seconds - before) if annotate else 0.0
        print(_row(f"{order}: dragoman", pred, stream, total))
        if extraction:
            print(f"| {order}: of which extraction | | | | | | | | {extraction:.1f} |")
        merged_lists[order] = diagnose(pred, stream)["merged_topics"]

        idx = [position[d["id"]] for d in stream]
        sims = sims_all[idx][:, idx]
        ids = [d["id"] for d in stream]
        gold = {d["id"]: d["gold"] for d in stream}
        start = time.perf_counter()
        base = run_baseline(ids, sims, BASELINE_DEFAULT)
        seconds = time.perf_counter() - start + tfidf_seconds
        print(_row(f"{order}: TF-IDF @ {BASELINE_DEFAULT}", base, stream, seconds))
        scored = [(bcubed(run_baseline(ids, sims, t), gold)[2], t) for t in BASELINE_GRID]
        best_t = max(scored)[1]
        print(
            _row(f"{order}: TF-IDF @ {best_t} (best)", run_baseline(ids, sims, best_t), stream, 0.0)
        )
    if args.errors:
        for order, topics in merged_lists.items():
            print(
                f"\n{order}: topics whose two stories share a cluster: {', '.join(topics) or 'none'}"
            )
    if args.explore:
        explore(streams, settings, annotate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
