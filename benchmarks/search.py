"""Search latency under load: the web API over a generated store of many articles.

    python benchmarks/search.py DIR [--articles 100000] [--clients 20] [--requests 2000]
        [--reuse] [--warmup 200] [--think 0] [--corpus DIR] [--seed N]

DIR becomes a workspace (``dragoman init``) holding ``--articles`` generated articles; it
must be new or empty unless ``--reuse`` is given, which keeps a store built earlier. The
articles come from the demo corpus under ``examples/`` with the generator of
``benchmarks/stream.py``: each generated story takes one demo article, swaps most of its
names for made-up ones and a third of its word types for words of its own, and emits one
to a dozen perturbed copies over the following days, so the store spans about a year. The
outlets are the shipped registry's. One article in five gets entity annotations (its
names, resolved to entity ids) and one story in five is stored, so that the entity and
story filters have something to find. Everything goes in through the store's public
methods; no language model runs.

The app (``create_app``) is then served by uvicorn in a child process on a free loopback
port, one worker, as ``dragoman serve`` runs it. ``--clients`` threads, each with its own
keep-alive httpx client, send ``GET /api/articles`` requests back to back (``--think``
seconds apart) until ``--requests`` answers are in. The mix is drawn from the corpus's
vocabulary: common and mid-frequency words, two-word queries, quoted phrases, rare
generated names, prefix queries, and browsing without words, a third of them filtered by
outlet, period, entity or story, on pages 1 to 3. ``--warmup`` requests run first and are
not counted. Latency is measured by the clients, from sending a request to reading its
whole answer, so it includes the clients' own share of the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stream import START, Base, Generator, plan_stream

from dragoman.records import Annotated, Article, Entity, Story

ANNOTATED_EVERY = 5  # one article (and one story) in this many carries annotations
BATCH = 2000  # articles per write transaction
_SENT = re.compile(r"(?<=[.!?])\s+")
# Runs of capitalised words: the names the generator swaps (no spaCy here, so a rough cut).
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ](?:al-|bin |ibn )?[A-Z][a-z]+){0,3}\b")
_GROUP_WORDS = re.compile(
    r"\b(?:Forces|Force|Guard|Guards|Corps|Army|Ministry|Council|Party|Brigade|Brigades|Front|"
    r"Coalition|Committee|Organization|Agency|Movement|Hezbollah|Units)\b"
)
_SKIP = {
    "The",
    "In",
    "On",
    "At",
    "A",
    "An",
    "It",
    "He",
    "She",
    "They",
    "We",
    "This",
    "That",
    "But",
    "And",
    "According",
    "Meanwhile",
    "However",
    "After",
    "Before",
    "During",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


# --- the store ------------------------------------------------------------------------------


def load_bases(corpus: Path) -> tuple[list[Base], dict[str, str]]:
    """The demo corpus's articles as generator bases, and the outlet id of each by title."""
    from dragoman.collect import OutletResolver, collect_paths
    from dragoman.desk import load_sources

    articles = list(
        collect_paths(
            [corpus], OutletResolver(load_sources()), on_error=lambda e: print(e, file=sys.stderr)
        )
    )
    if not articles:
        raise SystemExit(f"{corpus}: no articles found")
    bases = []
    for a in articles:
        sentences = tuple(s.strip() for s in _SENT.split(a.text) if s.strip())
        seen: dict[str, tuple[str, str, str]] = {}
        for m in _NAME.finditer(a.title + ". " + a.text):
            name = m.group()
            if name in _SKIP or len(name) < 4:
                continue
            label = "ORG" if _GROUP_WORDS.search(name) else ("PERSON" if " " in name else "LOC")
            slug = re.sub(r"\W+", "-", name.lower()).strip("-")
            seen.setdefault(name, (name, label, f"demo:{label.lower()}:{slug}"))
        bases.append(Base(a.title, sentences, tuple(seen.values())))
    return bases, {a.title: a.outlet_id for a in articles}


def _entities(annotated: Annotated) -> tuple[Entity, ...]:
    """The entities an annotation's mentions resolve to, named as first mentioned."""
    names = {m.entity_id: (m.label, m.text) for m in annotated.mentions if m.entity_id}
    return tuple(Entity(id=i, type=label, name=text) for i, (label, text) in names.items())


def build_store(home: Path, n: int, corpus: Path, seed: int) -> dict[str, float]:
    """Generate ``n`` articles into a new workspace at ``home``; return counts and seconds."""
    from dragoman.desk import load_sources
    from dragoman.pipeline import DB_NAME, init_workspace
    from dragoman.store.sqlite import Store

    started = time.perf_counter()
    init_workspace(home)
    outlets = sorted(load_sources(home / "sources.yaml"))
    bases, _ = load_bases(corpus)
    gen = Generator(bases, seed)
    plan = plan_stream(n, n / 365.0, random.Random(seed))
    stories: dict[int, list[Article]] = {}
    annotated_count = 0
    with Store(home / DB_NAME) as store:
        batch: list[Article] = []
        notes: list[Annotated] = []
        for i, (when, number, k) in enumerate(plan, 1):
            article, annotated = gen.article(when, number, k)
            # outlets of the shipped registry, so the outlet filter names real ones
            outlet = outlets[zlib_index(article.id, len(outlets))]
            article = article.replace(
                outlet_id=outlet, url=f"https://{outlet}.example/{article.id}"
            )
            batch.append(article)
            if number % ANNOTATED_EVERY == 0:
                stories.setdefault(number, []).append(article)
            if i % ANNOTATED_EVERY == 0:
                ann = annotated.replace(article=article)
                notes.append(ann.replace(entities=_entities(ann)))
            if len(batch) >= BATCH or i == len(plan):
                store.add_articles(batch)
                for ann in notes:
                    store.save_annotations(ann)
                annotated_count += len(notes)
                batch, notes = [], []
                print(
                    f"  {i:>7,} articles stored  {time.perf_counter() - started:6.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
        for number, members in stories.items():
            members.sort(key=lambda a: (a.published or START, a.id))
            store.save_story(
                Story(
                    id=f"s-bench-{number:07d}",
                    article_ids=tuple(a.id for a in members),
                    first_seen=members[0].published,
                    last_seen=members[-1].published,
                    arena="syria" if number % 2 else "iraq",
                    credibility=3,
                    salience=float(len(members)),
                )
            )
        store.optimize_search()
    return {
        "articles": float(len(plan)),
        "annotated": float(annotated_count),
        "stories": float(len(stories)),
        "seconds": time.perf_counter() - started,
    }


def zlib_index(key: str, size: int) -> int:
    """A stable bucket of ``key`` in ``range(size)``."""
    import zlib

    return zlib.crc32(key.encode()) % size


# --- the query mix --------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str
    params: dict[str, str]


def query_mix(home: Path, corpus: Path, seed: int, count: int) -> list[Request]:
    """``count`` search requests drawn from the corpus vocabulary and the store's ids."""
    from dragoman.desk import load_sources
    from dragoman.pipeline import DB_NAME
    from dragoman.store.sqlite import Store

    rng = random.Random(f"{seed}:queries")
    bases, _ = load_bases(corpus)
    gen = Generator(bases, seed)
    counts: Counter[str] = Counter(
        w.lower() for b in bases for s in b.sentences for w in _WORD.findall(s)
    )
    ranked = [w for w, _ in counts.most_common()]
    common = ranked[:40]
    middle = ranked[40:400]
    phrases = sorted({m[0] for b in bases for m in b.mentions if " " in m[0]})
    # word pairs that stand side by side in the corpus, as a user would quote them
    bigrams = sorted(
        {
            f"{a} {b}"
            for base in bases
            for s in base.sentences
            for a, b in zip(s.split(), s.split()[1:])
            if _WORD.fullmatch(a) and _WORD.fullmatch(b)
        }
    )
    rare = [n for label in ("PERSON", "ORG", "LOC") for n in gen.pool[label]]
    outlets = sorted(load_sources(home / "sources.yaml"))
    with Store(home / DB_NAME) as store:
        entity_ids = sorted(e.id for e in store.entities())
        story_ids = sorted(store.story_ids())
        days = [a.published for a, _, _ in store.search_articles("", limit=1)[0]]
    last = days[0].date() if days and days[0] else (START + timedelta(days=365)).date()
    first = START.date()

    def period() -> tuple[date, date]:
        start = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
        return start, min(last, start + timedelta(days=rng.choice((1, 7, 30, 90))))

    kinds: list[tuple[str, float]] = [
        ("common word", 0.15),
        ("word", 0.20),
        ("two words", 0.15),
        ("quoted phrase", 0.15),
        ("rare name", 0.10),
        ("prefix", 0.05),
        ("or", 0.05),
        ("no words", 0.05),
        ("entity", 0.05),
        ("story", 0.05),
    ]
    names, weights = zip(*kinds)
    out: list[Request] = []
    for _ in range(count):
        kind = rng.choices(names, weights)[0]
        params: dict[str, str] = {}
        if kind == "common word":
            params["q"] = rng.choice(common)
        elif kind == "word":
            params["q"] = rng.choice(middle)
        elif kind == "two words":
            params["q"] = f"{rng.choice(common + middle)} {rng.choice(middle)}"
        elif kind == "quoted phrase":
            params["q"] = '"' + rng.choice(phrases + bigrams) + '"'
        elif kind == "rare name":
            params["q"] = rng.choice(rare)
        elif kind == "prefix":
            params["q"] = rng.choice(middle)[:4] + "*"
        elif kind == "or":
            params["q"] = f"{rng.choice(middle)} OR {rng.choice(middle)}"
        elif kind == "entity" and entity_ids:
            params["entity"] = rng.choice(entity_ids)
            if rng.random() < 0.5:
                params["q"] = rng.choice(common)
        elif kind == "story" and story_ids:
            params["story"] = rng.choice(story_ids)
        # a third of the requests narrow by outlet or period as well
        roll = rng.random()
        if roll < 0.15:
            params["outlet"] = rng.choice(outlets)
        elif roll < 0.30:
            start, end = period()
            params["from"], params["to"] = start.isoformat(), end.isoformat()
        elif roll < 0.33:
            params["outlet"] = rng.choice(outlets)
            start, end = period()
            params["from"], params["to"] = start.isoformat(), end.isoformat()
        page = rng.choices((1, 2, 3), (0.7, 0.2, 0.1))[0]
        if page > 1:
            params["page"] = str(page)
        filtered = any(k in params for k in ("outlet", "from"))
        out.append(Request(kind + (" + filter" if filtered else ""), params))
    return out


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(home: Path, port: int) -> None:
    """Run the app on loopback with one uvicorn worker (the child process)."""
    import uvicorn

    from dragoman.web.app import create_app

    uvicorn.run(
        create_app(home), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


def start_server(home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server child and wait until it answers; return it and its base URL."""
    import httpx

    port = free_port()
    with log.open("wb") as sink:
        child = subprocess.Popen(
            [sys.executable, __file__, str(home), "--serve", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(
                f"the server exited (code {child.returncode}):\n{log.read_text()[-2000:]}"
            )
        try:
            if httpx.get(f"{base}/api/status", timeout=2).status_code == 200:
                return child, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    child.terminate()
    raise SystemExit(f"the server did not answer within 60 s:\n{log.read_text()[-2000:]}")


# --- the load -------------------------------------------------------------------------------


def drive(
    base: str, requests: list[Request], clients: int, think: float
) -> tuple[list[tuple[str, float, int]], float]:
    """Send the requests from ``clients`` threads; return (kind, seconds, status) and wall time."""
    import httpx

    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    queue = iter(requests)
    ready = threading.Barrier(clients + 1)

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            ready.wait()
            while True:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                t0 = time.perf_counter()
                try:
                    status = http.get("/api/articles", params=item.params).status_code
                except httpx.HTTPError:
                    status = 0
                took = time.perf_counter() - t0
                with lock:
                    results.append((item.kind, took, status))
                if think:
                    time.sleep(think)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


_WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("DRAGOMAN_WRK_PATHS")) do paths[#paths + 1] = line end
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
local i = 0
function init(args)
  i = tonumber(wrk.thread:get("id")) * 7919
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %.3f %.3f %.3f %.3f %.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""


def drive_wrk(base: str, requests: list[Request], clients: int, seconds: float) -> dict[str, float]:
    """Send the requests with wrk (C, two threads, ``clients`` connections) for ``seconds``.

    wrk costs the machine far less CPU per request than Python clients, so more of the two
    cores is left to the server. The paths cycle through the same query mix.
    """
    import shutil
    from urllib.parse import urlencode

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("--driver wrk needs the wrk command (Debian package wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        paths = Path(tmp) / "paths.txt"
        paths.write_text(
            "".join(f"/api/articles?{urlencode(r.params)}\n" for r in requests), encoding="utf-8"
        )
        script = Path(tmp) / "mix.lua"
        script.write_text(_WRK_SCRIPT, encoding="utf-8")
        out = subprocess.run(
            [wrk, "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "DRAGOMAN_WRK_PATHS": str(paths)},
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    n, errors, micros, p50, p95, p99, top, mean = line.split()[1:]
    return {
        "requests": float(n),
        "errors": float(errors),
        "seconds": int(micros) / 1e6,
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "max": float(top),
        "mean": float(mean),
    }


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def store_bytes(home: Path) -> int:
    """Bytes of the database with its WAL file."""
    return sum(p.stat().st_size for p in home.glob("dragoman.db*") if p.is_file())


def report(
    results: list[tuple[str, float, int]],
    wall: float,
    args: argparse.Namespace,
    size: int,
    articles: int,
) -> None:
    """Print the figures as Markdown tables."""
    ms = [t * 1000 for _, t, _ in results]
    errors = sum(1 for _, _, s in results if s != 200)
    print(
        f"\n{articles:,} articles, store {size / 2**20:,.0f} MB; {args.clients} clients, "
        f"{len(results):,} requests after {args.warmup:,} warm-up requests, think time {args.think:g} s; "
        f"load average {os.getloadavg()[0]:.2f}\n"
    )
    print("| requests | p50 ms | p95 ms | p99 ms | max ms | mean ms | requests/s | errors |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(ms):,} | {pct(ms, 50):.1f} | **{pct(ms, 95):.1f}** | {pct(ms, 99):.1f} | {max(ms):.1f} "
        f"| {statistics.fmean(ms):.1f} | {len(ms) / wall:.0f} | {errors} |"
    )
    by_kind: dict[str, list[float]] = {}
    for kind, t, _ in results:
        by_kind.setdefault(kind.replace(" + filter", ""), []).append(t * 1000)
        if kind.endswith(" + filter"):
            by_kind.setdefault("(any, with outlet or period)", []).append(t * 1000)
    print("\n| kind | requests | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for kind, values in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        print(
            f"| {kind} | {len(values)} | {pct(values, 50):.1f} | {pct(values, 95):.1f} | {max(values):.1f} |"
        )


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="workspace folder to create (or reuse)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--warmup", type=int, default=200, help="requests sent first and not counted"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds each client waits between requests"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the store already in DIR")
    parser.add_argument(
        "--driver",
        choices=("python", "wrk"),
        default="python",
        help="the clients: Python threads (default) or wrk, which leaves more CPU to the server",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="how long wrk runs")
    parser.add_argument("--corpus", type=Path, default=ROOT / "examples", help="demo corpus folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        serve(args.home, args.serve)
        return 0
    for name in ("articles", "clients", "requests"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name}: must be positive")
    if args.warmup < 0 or args.think < 0:
        parser.error("--warmup and --think cannot be negative")
    db = args.home / "dragoman.db"
    if args.reuse and db.exists():
        print(f"reusing the store in {args.home}", file=sys.stderr)
    else:
        if args.home.exists() and any(args.home.iterdir()):
            parser.error(f"{args.home}: not empty; give a new folder, or --reuse to keep its store")
        built = build_store(args.home, args.articles, args.corpus, args.seed)
        print(
            f"generated {int(built['articles']):,} articles ({int(built['annotated']):,} annotated, "
            f"{int(built['stories']):,} stories) in {built['seconds']:.0f} s",
            file=sys.stderr,
        )
    from dragoman.store.sqlite import Store

    with Store(db) as store:
        articles = store.counts()["articles"]
    mix = query_mix(args.home, args.corpus, args.seed, args.warmup + args.requests)
    with tempfile.TemporaryDirectory() as tmp:
        child, base = start_server(args.home, Path(tmp) / "server.log")
        try:
            if args.warmup:
                drive(base, mix[: args.warmup], args.clients, 0.0)
            if args.driver == "wrk":
                got = drive_wrk(base, mix[args.warmup :], args.clients, args.seconds)
                print(
                    f"\n{articles:,} articles; wrk, {args.clients} connections on 2 threads, "
                    f"{args.seconds:g} s, load average {os.getloadavg()[0]:.2f}\n\n"
                    "| requests | p50 ms | p95 ms | p99 ms | max ms | mean ms | requests/s | errors |\n"
                    "|---|---|---|---|---|---|---|---|\n"
                    f"| {got['requests']:,.0f} | {got['p50']:.1f} | **{got['p95']:.1f}** | "
                    f"{got['p99']:.1f} | {got['max']:.1f} | {got['mean']:.1f} | "
                    f"{got['requests'] / got['seconds']:.0f} | {got['errors']:.0f} |"
                )
                return 0
            results, wall = drive(base, mix[args.warmup :], args.clients, args.think)
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    bad = Counter((k, s) for k, _, s in results if s != 200)
    if bad:
        print(f"non-200 answers: {dict(bad)}", file=sys.stderr)
    report(results, wall, args, store_bytes(args.home), articles)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
