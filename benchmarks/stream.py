"""Clustering speed on a long generated stream: seconds per 10,000 articles and peak memory.

    python benchmarks/stream.py [--sizes 10000,50000,100000] [--per-day 300] [--budget 540]
        [--corpus DIR] [--seed N]

The stream is generated from the demo corpus under ``examples/`` (read with the collectors).
The base articles are annotated once by the real ``Extractor``; that extraction is not timed.
Each generated story takes one base article, replaces most of its named people, groups and
places (in the text and in the entity ids) with names from a synthetic pool, and starts at a
random moment; it then emits one to a dozen articles over the next six days, each a perturbed
copy (sentences dropped and reordered, about one word in ten replaced by another word of the
corpus, some entity mentions lost). A third of the story's word types are also replaced by
made-up words of its own, the same in all its articles, so that stories drawn from one base
article are told apart by their wording as real stories are. Stories start at a steady
rate, so the stream carries about ``--per-day`` articles a day (300 by default: 100,000
articles span about a year), and a shorter stream is the beginning of a longer one. Articles are fed in date order to
``StoryClusterer.add`` (default parameters) with these synthetic annotations: no spaCy
at clustering time, and only the ``add`` calls are timed, not the generation.

One child process clusters the longest stream and notes the time, the stories and the peak
resident memory (VmHWM: ``ru_maxrss`` would inherit the parent's spaCy peak) every 1,000
articles up to 10,000, every 10,000 after, and at each requested size. It stops early after ``--budget`` seconds. Everything
is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dragoman.records import Annotated, Article, Mention

LABELS = ("PERSON", "ORG", "LOC", "NORP")
REPLACED = ("PERSON", "ORG", "LOC")  # NORP (Iranian, Syrian) stays: the pool has no nations
START = datetime(2019, 1, 1, tzinfo=UTC)
MEAN_STORY = (
    3.0  # articles a generated story holds on average (1 + int of an exponential of mean 2.5)
)
_SENT = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"[A-Za-z][a-z]{3,}")


@dataclass(frozen=True)
class Base:
    """One demo article reduced to what the generator needs."""

    title: str
    sentences: tuple[str, ...]
    # (surface text, label, entity id) of each entity mention the clusterer would use
    mentions: tuple[tuple[str, str, str], ...]


# --- base articles (parent process) ---------------------------------------------------------


def load_bases(corpus: Path) -> tuple[list[Base], float]:
    """The demo corpus's articles with their clustering entities, and the seconds extraction took."""
    from dragoman.collect import OutletResolver, collect_paths
    from dragoman.desk import load_desk, load_sources
    from dragoman.extract import Extractor
    from dragoman.stories.cluster import cluster_entities

    sources = load_sources()
    articles = list(
        collect_paths(
            [corpus], OutletResolver(sources), on_error=lambda e: print(e, file=sys.stderr)
        )
    )
    if not articles:
        raise SystemExit(f"{corpus}: no articles found")
    start = time.perf_counter()
    extractor = Extractor(load_desk(None), sources)
    annotated = list(extractor.annotate_many(articles))
    seconds = time.perf_counter() - start
    bases = []
    for ann in annotated:
        keep = cluster_entities(ann)
        seen: dict[str, tuple[str, str, str]] = {}
        for m in ann.mentions:
            if m.entity_id in keep and m.label in LABELS:
                seen.setdefault(m.text, (m.text, m.label, m.entity_id or ""))
        text = ann.article.text
        sentences = tuple(s.strip() for s in _SENT.split(text) if s.strip())
        bases.append(Base(ann.article.title, sentences, tuple(seen.values())))
    return bases, seconds


# --- generation (child process) -------------------------------------------------------------

_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v", "z", "sh", "kh", "j")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)).capitalize()


def name_pool(rng: random.Random) -> dict[str, list[str]]:
    """Synthetic names by label: 5,000 people, 1,500 groups, 2,000 places."""
    people = [f"{_word(rng, 2)} {_word(rng, 3)}" for _ in range(5000)]
    kinds = ("Brigade", "Company", "Party", "Front", "Council", "Bank", "Ministry")
    groups = [f"{_word(rng, 3)} {rng.choice(kinds)}" for _ in range(1500)]
    places = [_word(rng, 3) + rng.choice(("abad", "iya", "kan", "shahr", "")) for _ in range(2000)]
    return {"PERSON": people, "ORG": groups, "LOC": places}


@dataclass(frozen=True)
class StoryPlan:
    """What every article of one generated story shares."""

    base: int
    start: datetime
    size: int
    seed: int


def plan_stream(n: int, per_day: float, rng: random.Random) -> list[tuple[datetime, int, int]]:
    """(published, story number, article number) of ``n`` articles arriving at ``per_day``, in date order."""
    items: list[tuple[datetime, int, int]] = []
    when = START
    story = 0
    stories_per_day = per_day / MEAN_STORY
    while len(items) < n + 50 * MEAN_STORY:  # a margin, so the last days are complete
        when += timedelta(days=rng.expovariate(stories_per_day))
        # most stories are small, a few are big
        size = min(12, 1 + int(rng.expovariate(1 / 2.5)))
        for k in range(size):
            delay = 0.0 if k == 0 else min(6.0, rng.expovariate(1.0))
            items.append((when + timedelta(days=delay), story, k))
        story += 1
    items.sort()
    return items[:n]


class Generator:
    """Builds each article of the stream on demand from its story's plan."""

    def __init__(self, bases: list[Base], seed: int) -> None:
        self.bases = bases
        self.seed = seed
        self.pool = name_pool(random.Random(seed))
        self.vocab = sorted(
            {w.lower() for b in bases for s in b.sentences for w in _WORDS.findall(s)}
        )

    def story(self, number: int) -> tuple[int, dict[str, tuple[str, str]]]:
        """Base article and name substitutions (surface → (new name, new entity id)) of a story."""
        rng = random.Random(f"{self.seed}:story:{number}")
        base = rng.randrange(len(self.bases))
        subs: dict[str, tuple[str, str]] = {}
        for text, label, entity_id in self.bases[base].mentions:
            if label in REPLACED and rng.random() < 0.75:
                k = rng.randrange(len(self.pool[label]))
                subs[text] = (self.pool[label][k], f"gen:{label.lower()}:{k}")
            else:
                subs[text] = (text, entity_id)
        return base, subs

    def _own_word(self, number: int, word: str) -> str:
        """A story's stand-in for ``word`` (a third of the time) or the word itself."""
        key = zlib.crc32(f"{self.seed}:{number}:{word.lower()}".encode())
        if key % 3:
            return word
        made = _word(random.Random(key), 3).lower()
        return made.capitalize() if word[0].isupper() else made

    def article(self, when: datetime, number: int, k: int) -> tuple[Article, Annotated]:
        """One perturbed article of a story and its synthetic annotation."""
        base_no, subs = self.story(number)
        base = self.bases[base_no]
        rng = random.Random(f"{self.seed}:article:{number}:{k}")
        sentences = [s for s in base.sentences if rng.random() > 0.25] or list(base.sentences[:1])
        if len(sentences) > 2 and rng.random() < 0.5:
            i = rng.randrange(1, len(sentences))
            sentences[0], sentences[i] = sentences[i], sentences[0]
        text = " ".join(sentences)
        title = base.title
        for old, (new, _) in subs.items():
            if old != new:
                text = text.replace(old, new)
                title = title.replace(old, new)

        # the story's own wording: a third of the word types are swapped for words of its own,
        # the same in every article of the story, so that stories from one base article differ
        def swap(m):
            return self._own_word(number, m.group())

        text = _WORDS.sub(swap, text)
        title = _WORDS.sub(swap, title)
        words = text.split(" ")
        for i in range(len(words)):
            if rng.random() < 0.1:
                words[i] = rng.choice(self.vocab)
        text = " ".join(words)
        article_id = f"a{number}-{k}"
        article = Article(
            id=article_id,
            outlet_id=f"outlet{rng.randrange(40)}",
            url="",
            published=when,
            title=title,
            text=text,
        )
        mentions = []
        for old, label, _ in base.mentions:
            if rng.random() < 0.85:  # a copy loses some names with the sentences it drops
                new, entity_id = subs[old]
                mentions.append(Mention(article_id, 0, 0, new, label, entity_id, source="model"))
        return article, Annotated(article=article, mentions=tuple(mentions))


def rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux's VmHWM first: ``ru_maxrss`` keeps the parent's peak across fork and exec, and the
    parent holds the spaCy model.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_child(
    bases_file: Path, sizes: list[int], seed: int, per_day: float, budget: float
) -> dict[str, object]:
    """Cluster the longest stream, noting time, stories and peak memory at each size reached."""
    from dragoman.stories.cluster import StoryClusterer

    with bases_file.open("rb") as handle:
        bases = pickle.load(handle)
    gen = Generator(bases, seed)
    plan = plan_stream(max(sizes), per_day, random.Random(seed))
    clusterer = StoryClusterer()
    rss_before = rss_mb()
    # every 1,000 articles up to 10,000 (the window fills up), then every 10,000
    last = max(sizes)
    marks = (
        set(sizes)
        | set(range(1000, min(last, 10000) + 1, 1000))
        | set(range(10000, last + 1, 10000))
    )
    points: list[dict[str, float]] = []
    spent = 0.0
    started = time.perf_counter()
    for i, (when, number, k) in enumerate(plan, 1):
        article, annotated = gen.article(when, number, k)
        t0 = time.perf_counter()
        clusterer.add(article, annotated)
        spent += time.perf_counter() - t0
        over = time.perf_counter() - started > budget
        if i in marks or over:
            point = {
                "articles": i,
                "seconds": spent,
                "stories": len(clusterer.stories),
                "true_stories": len({n for _, n, _ in plan[:i]}),
                "purity": _purity(clusterer, plan[:i]),
                "rss_mb": rss_mb(),
                "days": (when - START).total_seconds() / 86400,
            }
            points.append(point)
            print(
                f"  {i:>7} articles  {spent:8.1f} s clustering  {time.perf_counter() - started:8.1f} s "
                f"wall  {len(clusterer.stories):>7} stories  {point['rss_mb']:7.0f} MB peak",
                file=sys.stderr,
                flush=True,
            )
        if over:
            break
    return {"rss_before_mb": rss_before, "points": points}


def _purity(clusterer: object, plan: list[tuple[datetime, int, int]]) -> float:
    """Share of articles whose story holds mostly their own generated story (a sanity check)."""
    from collections import Counter

    story_of = clusterer.story_of  # type: ignore[attr-defined]
    majority: dict[str, Counter[int]] = {}
    for _, number, k in plan:
        majority.setdefault(story_of[f"a{number}-{k}"], Counter())[number] += 1
    return sum(c.most_common(1)[0][1] for c in majority.values()) / max(1, len(plan))


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,50000,100000", help="stream lengths, comma-separated"
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "examples", help="demo corpus folder")
    parser.add_argument("--per-day", type=float, default=300.0, help="articles a day in the stream")
    parser.add_argument("--budget", type=float, default=540.0, help="stop after this many seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", metavar="BASES", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes: expected integers separated by commas, got {args.sizes!r}")
    if not sizes or sizes[0] <= 0:
        parser.error("--sizes: give at least one positive size")
    if args.per_day <= 0:
        parser.error("--per-day: must be positive")
    if args.child:
        print(json.dumps(run_child(Path(args.child), sizes, args.seed, args.per_day, args.budget)))
        return 0

    bases, extraction = load_bases(args.corpus)
    mentions = sum(len(b.mentions) for b in bases)
    print(
        f"base: {len(bases)} articles from {args.corpus.name}, {mentions} entity names, "
        f"extraction {extraction:.1f} s (not counted below); {args.per_day:g} articles a day"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bases_file = Path(tmp) / "bases.pickle"
        with bases_file.open("wb") as handle:
            pickle.dump(bases, handle)
        # a child process without spaCy, so that its peak memory is the stream's alone
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(bases_file),
                "--sizes",
                args.sizes,
                "--seed",
                str(args.seed),
                "--per-day",
                str(args.per_day),
                "--budget",
                str(args.budget),
            ],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    if child.returncode != 0:
        print(f"the stream run failed (exit {child.returncode})", file=sys.stderr)
        return 1
    result = json.loads(child.stdout.strip().splitlines()[-1])
    points = result["points"]
    print(f"\nmemory before the stream: {result['rss_before_mb']:.0f} MB\n")
    print(
        "| articles | days | clustering s | s per 10k (cumulative) | s per 10k (last slice) "
        "| stories made | stories generated | majority purity | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    previous = {"articles": 0, "seconds": 0.0}
    for p in points:
        n = int(p["articles"])
        rate = p["seconds"] * 10000 / n
        step = (p["seconds"] - previous["seconds"]) * 10000 / max(1, n - int(previous["articles"]))
        bold = "**" if n in sizes else ""
        print(
            f"| {bold}{n:,}{bold} | {p['days']:.0f} | {p['seconds']:.1f} | {bold}{rate:.1f}{bold} | {step:.1f} "
            f"| {int(p['stories']):,} | {int(p['true_stories']):,} | {p['purity']:.3f} | {p['rss_mb']:.0f} |"
        )
        previous = p
    if points and int(points[-1]["articles"]) < sizes[-1]:
        print(f"\nstopped after {args.budget:g} s at {int(points[-1]['articles']):,} articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
