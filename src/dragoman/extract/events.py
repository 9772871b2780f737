"""Events: who did what to whom, where and when, in which mode, and on whose word."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any

import yaml
from spacy.symbols import VERB
from spacy.tokens import Doc, Token

from ..records import Desk, Entity, Event, EventArg, Mention, Sentence
from .nlp import doc_text, lemma_of

# Verbs that introduce what someone said or reported.
REPORTING = frozenset(
    [
        "say",
        "report",
        "state",
        "tell",
        "add",
        "announce",
        "claim",
        "declare",
        "remark",
        "note",
        "stress",
        "confirm",
        "quote",
        "reveal",
        "assert",
        "indicate",
        "write",
        "publish",
        "mention",
        "explain",
        "emphasize",
        "emphasise",
        "underscore",
        "reiterate",
        "assess",
        "warn",
    ]
)
_RESUMED = frozenset({"it", "they", "he", "she", "we"})
_HYPOTHETICAL_AUX = frozenset({"could", "would", "may", "might", "should"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_ANNOUNCING_AUX = _FUTURE_AUX | {"would", "'d"}
_FUTURE_HEADS = frozenset(
    {"plan", "intend", "set", "expect", "prepare", "aim", "schedule", "go", "due"}
)
_CONDITIONS = frozenset({"if", "unless", "whether"})
_TARGET_PREPS = frozenset({"with", "to", "on", "against"})
_PLACE_PREPS = frozenset({"in", "at", "near", "inside", "outside"})
_ARG_LABELS = ("PERSON", "ORG", "LOC", "NORP")
_ARG_RANK = {"PERSON": 0, "ORG": 1, "LOC": 2, "NORP": 2}
# Spans the model marks as numbers or times are never an event's participants.
_NOT_ARGS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY"})
HISTORICAL_DAYS = 30
_EXTRA_TARGET_PREPS = frozenset({"from", "for", "between", "toward", "towards", "over", "into"})
_INTENT_HEADS = frozenset(
    {"offer", "promise", "pledge", "agree", "willing", "ready", "prepared", "commit", "vow",
     "decide", "threaten", "able", "determined", "eager"}
)  # fmt: skip
_REFUSAL_HEADS = frozenset({"fail", "refuse", "decline", "unwilling", "reluctant"})
_COOPERATIVE = ("CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT")
_HOSTILE = ("SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "PROTEST")
# (type, stance) -> (type, CAMEO code) for events announced rather than done
_INTENT: dict[tuple[str, str], tuple[str, str]] = {
    **{
        (k, "intent"): ("AGREE", c)
        for k, c in zip(_COOPERATIVE, ("036", "032", "031", "033", "035", "0356"), strict=True)
    },
    **{
        (k, "intent"): ("THREATEN", c)
        for k, c in zip(_HOSTILE, ("130", "137", "138", "138", "133"), strict=True)
    },
    **{
        (k, "refusal"): ("REJECT", c)
        for k, c in zip(
            (*_COOPERATIVE, "AGREE"), ("125", "120", "121", "121", "124", "124", "120"), strict=True
        )
    },
}


@functools.lru_cache(maxsize=1)
def default_vocabulary() -> dict[str, Any]:
    """The shipped event vocabulary (verbs per type, CAMEO codes)."""
    text = resources.files(__package__).joinpath("data/events.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@functools.lru_cache(maxsize=1)
def _quantity_nouns() -> frozenset[str]:
    """Words that count people rather than name them ("thousands of students")."""
    return frozenset(str(v).lower() for v in default_vocabulary().get("quantity_nouns") or ())


@dataclass(frozen=True)
class DateInfo:
    """A date mention with its resolved day and the range it may mean."""

    start: int
    end: int
    value: date | None
    bounds: tuple[date, date] | None


class EventExtractor:
    """Finds desk verbs in parsed sentences and fills in their arguments and mode."""

    def __init__(self, desk: Desk | None = None) -> None:
        vocab = default_vocabulary()
        self._single: dict[str, str] = {}
        self._multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        # the desk's lists come first so that a lemma it types differently keeps the desk's type;
        # the shipped vocabulary fills in every verb the desk does not mention
        sources: list[Mapping[str, Sequence[str]]] = [vocab["verbs"]]
        if desk is not None and desk.verbs:
            sources.insert(0, desk.verbs)
        for verbs in sources:
            for kind, lemmas in verbs.items():
                for lemma in lemmas:
                    words = tuple(str(lemma).lower().split())
                    if len(words) == 1:
                        self._single.setdefault(words[0], kind)
                    elif words:
                        self._multi.setdefault(words[0], []).append((words[1:], kind))
        self._nouns: dict[str, str] = {}
        for kind, nouns in (vocab.get("nouns") or {}).items():
            for noun in nouns:
                self._nouns.setdefault(" ".join(str(noun).lower().split()), kind)
        # the type each shipped lemma has, so a lemma's fine CAMEO code is only used under it
        self._shipped: dict[str, str] = dict(self._nouns)
        for kind, lemmas in vocab["verbs"].items():
            for lemma in lemmas:
                self._shipped.setdefault(" ".join(str(lemma).lower().split()), kind)
        self._light = frozenset(str(v).lower() for v in vocab.get("light") or ())
        self.actor_nouns = frozenset(str(v).lower() for v in vocab.get("actor_nouns") or ())
        cameo = vocab.get("cameo") or {}
        self._cameo_types: dict[str, str] = {
            k: str(v) for k, v in (cameo.get("types") or {}).items()
        }
        self._cameo_lemmas: dict[str, str] = {
            k: str(v) for k, v in (cameo.get("lemmas") or {}).items()
        }

    def classify(self, token: Token) -> tuple[str, str] | None:
        """(event type, matched lemma or noun) when ``token`` is a verb the vocabulary covers."""
        if token.pos_ not in ("VERB",):
            return None
        lemma = lemma_of(token).lower()
        for rest, kind in self._multi.get(lemma, ()):
            words = {c.lower_ for c in token.children} | {
                lemma_of(c).lower() for c in token.children
            }
            if all(w in words for w in rest):
                return kind, " ".join((lemma, *rest))
        own = self._single.get(lemma)
        if own is None or own == "STATEMENT" or lemma in self._light:
            # "held talks", "staged a protest", "declared a ceasefire": the object names the event
            noun = self._object_noun(token)
            if noun is not None:
                return noun
        if own is not None:
            return own, lemma
        return None

    def _actors_in_event_noun(self, ctx: _Context, verb: Token) -> list[Any]:
        """Named sides of an event noun the verb is attributed to ("killed in Israeli shelling")."""
        for c in verb.children:
            if c.dep_ != "prep" or c.lower_ not in ("in", "during", "by"):
                continue
            for p in c.children:
                if p.dep_ == "pobj" and (
                    lemma_of(p).lower() in self._nouns or lemma_of(p).lower() in self.actor_nouns
                ):
                    named = [m for m in _mentions_at(ctx, p) if isinstance(m, Mention)]
                    if named:
                        return named
        return []

    def _object_noun(self, verb: Token) -> tuple[str, str] | None:
        for c in verb.children:
            if c.dep_ not in ("dobj", "obj", "nsubjpass", "attr"):
                continue
            noun = lemma_of(c).lower()
            for m in c.children:
                if m.dep_ in ("compound", "amod"):
                    pair = f"{lemma_of(m).lower()} {noun}"
                    if pair in self._nouns:
                        return self._nouns[pair], pair
            if noun in self._nouns:
                return self._nouns[noun], noun
        return None

    def cameo(self, kind: str, lemma: str) -> str | None:
        """CAMEO code for a matched lemma, else for its type."""
        fine = self._cameo_lemmas.get(lemma) if self._shipped.get(lemma, kind) == kind else None
        return fine or self._cameo_types.get(kind)

    def events(
        self,
        doc: Doc,
        article_id: str,
        outlet_id: str | None,
        published: datetime | date | None,
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        entities: Mapping[str, Entity],
        dates: Sequence[DateInfo],
    ) -> list[Event]:
        """Every event in ``doc``, in text order."""
        ctx = _Context(doc, mentions, entities, dates, sentences, published, outlet_id)
        found: list[Event] = []
        verbs = [i for i, pos in enumerate(doc.to_array("POS").tolist()) if pos == VERB]
        for i in verbs:
            token = doc[i]
            match = self.classify(token)
            if match is None:
                continue
            kind, lemma = match
            found.extend(self._event(ctx, token, kind, lemma, article_id))
        return found

    def _event(
        self, ctx: _Context, verb: Token, kind: str, lemma: str, article_id: str
    ) -> list[Event]:
        """The events one verb codes: its own, preceded by the intent when it is announced."""
        sentence = ctx.sentence_of(verb.idx)
        if sentence is None:
            return []
        actors, targets = _arguments(ctx, verb, self.actor_nouns)
        if not actors:
            actors = self._actors_in_event_noun(ctx, verb)
        if not actors and not targets:
            return []
        used = {a.entity_id for a in actors + targets}
        place = _place(ctx, verb, sentence, used, targets)
        when = ctx.date_near(sentence, verb.idx)
        mode = _mode(ctx, verb, sentence)
        if kind == "STATEMENT" and _demands(verb):
            kind, lemma = "REQUEST", "must"  # "X said Y must withdraw": X demands it of Y
        if kind == "REQUEST" and not targets:
            # "X demanded that Y withdraw": the one asked is the clause's subject
            targets = _demanded_of(ctx, verb, self.actor_nouns)
        codings = [(kind, self.cameo(kind, lemma))]
        intent = _INTENT.get((kind, _stance(verb, mode)))
        if intent is not None:
            # what an actor says it will do is coded first as the intent (CAMEO 03x, 12x, 13x);
            # the announced action follows with its own type so a search by type still finds it
            codings.insert(0, intent)
        reporter = _reporter(ctx, verb, sentence)
        return [
            Event(
                article_id=article_id,
                start=sentence.start,
                end=sentence.end,
                type=k,
                cameo=code,
                mode=mode,
                actors=tuple(ctx.arg(m) for m in actors),
                targets=tuple(ctx.arg(m) for m in targets),
                place=place,
                date=when.value if when else None,
                reported_by=reporter,
                trigger=verb.text,
            )
            for k, code in codings
        ]


def in_brackets(text: str, pos: int) -> bool:
    """True when ``pos`` lies inside an open bracket on its line ("(DeirEzzor24, July 29; the ...")."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text.rfind("(", line_start, pos) > text.rfind(")", line_start, pos)


class _Context:
    """Lookups over one article shared by the event rules."""

    def __init__(
        self,
        doc: Doc,
        mentions: Sequence[Mention],
        entities: Mapping[str, Entity],
        dates: Sequence[DateInfo],
        sentences: Sequence[Sentence],
        published: datetime | date | None,
        outlet_id: str | None,
    ) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        # appositions by the token they explain; walking a token's children is costly on long trees
        self.appositions: dict[int, list[Token]] = {}
        appos = doc.vocab.strings.add("appos")
        for i, dep in enumerate(doc.to_array("DEP").tolist()):
            if dep == appos:
                t = doc[i]
                self.appositions.setdefault(t.head.i, []).append(t)
        self.entities = entities
        self.dates = sorted(dates, key=lambda d: d.start)
        self.sentences = sorted(sentences, key=lambda s: s.start)
        self._starts = [s.start for s in self.sentences]
        self.published = published.date() if isinstance(published, datetime) else published
        self.outlet_id = outlet_id or None
        self.named = [m for m in mentions if m.label in _ARG_LABELS and m.entity_id]
        self.by_token: dict[int, Mention] = {}
        for m in self.named:
            if (m.entity_id or "").startswith("outlet:") and in_brackets(self.text, m.start):
                continue  # a bracketed citation "(Tasnim, July 31)" names a source, not a participant
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for t in span:
                    self.by_token.setdefault(t.i, m)

    def sentence_of(self, char: int) -> Sentence | None:
        i = bisect.bisect_right(self._starts, char) - 1
        if i >= 0 and self.sentences[i].start <= char < self.sentences[i].end:
            return self.sentences[i]
        return None

    def date_near(self, sentence: Sentence, char: int) -> DateInfo | None:
        inside = [d for d in self.dates if sentence.start <= d.start < sentence.end and d.value]
        return min(inside, key=lambda d: abs(d.start - char)) if inside else None

    def arg(self, m: Mention | _Phrase) -> EventArg:
        if isinstance(m, _Phrase):
            return EventArg(text=m.text)
        entity = self.entities.get(m.entity_id or "")
        country = None
        if entity is not None:
            country = entity.attributes.get("country") or (
                entity.place.country if entity.place else None
            )
        return EventArg(text=m.text, entity_id=m.entity_id, country=country or None)

    def reporter_id(self, m: Mention) -> str | None:
        entity_id = m.entity_id or ""
        return entity_id[7:] if entity_id.startswith("outlet:") else entity_id or None


@dataclass(frozen=True)
class _Phrase:
    """An argument with no entity behind it ("the delegation")."""

    text: str
    entity_id: str | None = None
    head: Token | None = None


def _subject(verb: Token) -> tuple[Token | None, bool, Token]:
    """(subject, passive, verb that carries it); a coordinated or controlled verb borrows its head's."""
    v = verb
    for _ in range(4):
        for c in v.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c, False, v
        for c in v.children:
            if c.dep_ == "nsubjpass":
                return c, True, v
        if v.dep_ in ("conj", "xcomp", "advcl", "acomp") and v.head.i != v.i:
            v = v.head
        else:
            break
    return None, False, verb


def _speaker_subject(carrier: Token) -> Token | None:
    """The subject of the reporting verb whose clause ``carrier`` is ("Iraq said it would ...")."""
    v = carrier
    for _ in range(3):
        if v.dep_ not in ("ccomp", "conj", "xcomp", "advcl") or v.head.i == v.i:
            return None
        v = v.head
        if v.pos_ == "VERB" and lemma_of(v).lower() in REPORTING:
            subject, passive, _ = _subject(v)
            return None if passive else subject
    return None


def _arguments(
    ctx: _Context, verb: Token, actor_nouns: frozenset[str] = frozenset()
) -> tuple[list[Any], list[Any]]:
    subject, passive, carrier = _subject(verb)
    if subject is not None and subject.pos_ == "PRON" and subject.lower_ in _RESUMED:
        # "Syria says it is willing to withdraw": the pronoun resumes the speaker
        speaker = _speaker_subject(carrier)
        if speaker is not None and speaker.pos_ != "PRON":
            subject = speaker
    actors: list[Any] = []
    targets: list[Any] = []
    if passive:
        if subject is not None:
            targets = _mentions_at(ctx, subject)
        for c in verb.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        actors = _mentions_at(ctx, p)
    elif subject is not None:
        actors = _mentions_at(ctx, subject)
    if not passive:
        targets += _objects(ctx, verb)
    if not any(isinstance(t, Mention) for t in targets):
        # "agreed to provide aid to Romania": the controlled verb's participants count
        for c in verb.children:
            if c.dep_ == "xcomp":
                targets += _objects(ctx, c)
                for g in c.children:
                    if g.dep_ == "xcomp":
                        targets += _objects(ctx, g)
    if not any(isinstance(t, Mention) for t in targets):
        # "set up a centre in Tokyo", "withdraw from Lebanon": the place is the one affected
        for v in (verb, *(c for c in verb.children if c.dep_ == "xcomp")):
            targets += _objects(ctx, v, _PLACE_PREPS, places_only=True)
    actor_ids = {a.entity_id for a in actors if a.entity_id}
    targets = [
        t
        for t in _unique(targets)
        if (t.entity_id is None or t.entity_id not in actor_ids) and _is_participant(t, actor_nouns)
    ]
    actors = [a for a in _unique(actors) if _is_participant(a, actor_nouns)]
    return actors, targets


def _is_participant(arg: Any, actor_nouns: frozenset[str]) -> bool:
    """Named entities always; a common noun phrase only when it names people or institutions."""
    if not isinstance(arg, _Phrase) or not actor_nouns or arg.head is None:
        return True
    head = arg.head
    for _ in range(3):
        # "tens of thousands of students": the counted noun decides
        if not (head.pos_ == "NUM" or lemma_of(head).lower() in _quantity_nouns()):
            break
        counted = [
            p for c in head.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"
        ]
        if not counted:
            break
        head = counted[0]
    lemma = lemma_of(head).lower()
    # "activists", "civilians": words for kinds of people
    return head.pos_ in ("PROPN", "PRON") or lemma in actor_nouns or lemma.endswith(("ist", "ian"))


def _objects(
    ctx: _Context, verb: Token, preps: frozenset[str] | None = None, places_only: bool = False
) -> list[Any]:
    """Participants in the verb's objects and prepositional phrases (and those of its object)."""
    found: list[Any] = []
    allowed = preps if preps is not None else _TARGET_PREPS | _EXTRA_TARGET_PREPS
    heads = [verb]
    for c in verb.children:
        if c.dep_ in ("dobj", "dative", "obj"):
            if preps is None:
                found += _mentions_at(ctx, c)
            heads.append(c)  # "lift the ban on the party", "open an office in Baghdad"
    for h in heads:
        # "rejected calls by Belarus": who made what the verb answers
        here = allowed | {"by"} if h is not verb and preps is None else allowed
        for c in h.children:
            if c.dep_ in ("prep", "prt", "dative") and c.lower_ in here:
                for p in c.children:
                    if p.dep_ == "pobj":
                        found += _mentions_at(ctx, p)
    if places_only:
        found = [m for m in found if isinstance(m, Mention) and m.label == "LOC"]
    return found


def _unique(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for item in items:
        key = item.entity_id or item.text
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _mentions_at(ctx: _Context, token: Token) -> list[Any]:
    """Entity mentions a noun phrase stands for, following conjunctions and appositions."""
    group = [token, *token.conjuncts]
    for t in list(group):
        group.extend(ctx.appositions.get(t.i, ()))
    direct = {t.i for t in group if t.i in ctx.by_token}
    found: list[Any] = []
    for t in group:
        if t.i in direct:
            found.append(ctx.by_token[t.i])
            continue
        if any(c.i in direct for c in ctx.appositions.get(t.i, ())):
            continue  # "the Syrian Ambassador, Adnan Hassan Mahmoud": the name stands for the phrase
        if t.pos_ == "PRON" and t.lower_ in ("he", "she", "him", "her"):
            person = _previous_person(ctx, t)
            found.append(person if person is not None else _Phrase(t.text, head=t))
            continue
        # "Iranian officials", "members of Harakat al-Nujaba": an entity inside the phrase
        inner = [
            ctx.by_token[d.i]
            for d in t.subtree
            if d.i in ctx.by_token and _inside_phrase(ctx, d, t)
        ]
        if inner:
            # "the Iraqi Speaker Mohammed al-Halbousi" is the person; a nationality only when alone
            best = min(_ARG_RANK[m.label] for m in inner)
            found.extend(dict.fromkeys(m for m in inner if _ARG_RANK[m.label] == best))
        elif t.dep_ != "appos" and t.pos_ in ("NOUN", "PROPN") and t.ent_type_ not in _NOT_ARGS:
            found.append(_Phrase(_phrase_text(t), head=t))
    return found


def _inside_phrase(ctx: _Context, d: Token, head: Token) -> bool:
    # stay within the noun phrase: modifiers and "of" attachments, not clauses hanging off it
    t = d
    while t.i != head.i:
        if t.dep_ == "conj" and t.head.i in ctx.by_token:
            t = t.head  # "officers from Syria, Iraq and Iran": the coordinated names count too
            continue
        if t.dep_ in ("relcl", "acl", "advcl", "conj", "ccomp"):
            return False
        if t.dep_ == "prep" and t.lower_ not in ("of", "from"):
            return False
        t = t.head
    return True


def _phrase_text(token: Token) -> str:
    left = token.left_edge.i
    while left < token.i and token.doc[left].lower_ in ("the", "a", "an"):
        left += 1
    return token.doc[left : token.i + 1].text


def _previous_person(ctx: _Context, pronoun: Token) -> Mention | None:
    """The person a "he"/"she" most likely means: the last person who was a subject, a few sentences back."""
    sentence = ctx.sentence_of(pronoun.idx)
    if sentence is None:
        return None
    index = ctx.sentences.index(sentence)
    window_start = ctx.sentences[max(0, index - 3)].start
    best = None
    for m in ctx.named:
        if m.label != "PERSON" or not (window_start <= m.start < pronoun.idx):
            continue
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        if root.dep_ == "appos":
            root = root.head
        if root.dep_ in ("nsubj", "nsubjpass"):
            best = m
    return best


def _place(
    ctx: _Context, verb: Token, sentence: Sentence, used: set[str | None], targets: list[Any]
) -> str | None:
    locs = [
        m
        for m in ctx.named
        if m.label == "LOC" and sentence.start <= m.start < sentence.end and m.entity_id not in used
    ]
    for m in locs:
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and span.root.head.lower_ in _PLACE_PREPS:
            return m.entity_id
    if locs:
        return min(locs, key=lambda m: abs(m.start - verb.idx)).entity_id
    for t in targets:
        if getattr(t, "label", "") == "LOC":
            return str(t.entity_id)
    return None


def _mode(ctx: _Context, verb: Token, sentence: Sentence) -> str:
    chain = [verb]
    v = verb
    while v.dep_ in ("xcomp", "conj") and v.head.i != v.i and len(chain) < 4:
        v = v.head
        chain.append(v)
    if any(c.dep_ == "neg" for t in chain for c in t.children):
        return "negated"
    if any(c.lower_ in _CONDITIONS and c.dep_ == "mark" for c in verb.children):
        return "hypothetical"
    if any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in c.children)
        for c in verb.children
    ):
        return "hypothetical"
    if any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_AUX for t in chain for c in t.children):
        return "hypothetical"
    if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for t in chain for c in t.children):
        return "future"
    if any(t.dep_ == "xcomp" and lemma_of(t.head).lower() in _FUTURE_HEADS for t in chain):
        return "future"
    if _historical(ctx, sentence, verb):
        return "historical"
    return "asserted"


def _stance(verb: Token, mode: str) -> str:
    """Whether the verb is announced ("intent"), announced as not to be done ("refusal"), or "done"."""
    chain = [verb]
    v = verb
    while v.dep_ in ("xcomp", "conj", "acomp") and v.head.i != v.i and len(chain) < 4:
        v = v.head
        chain.append(v)
    heads = {lemma_of(t).lower() for t in chain[1:]}
    # "will" announces, as does "would" in reported speech ("said it would allow"); "may",
    # "could" or "might" only say it is possible, which is no intent
    modal = any(c.dep_ == "aux" and c.lower_ in _ANNOUNCING_AUX for t in chain for c in t.children)
    if heads & _REFUSAL_HEADS:
        return "refusal"  # "failed to reach agreement", "refused to meet"
    announced = modal or bool(heads & (_INTENT_HEADS | _FUTURE_HEADS))
    if not announced:
        return "done"
    return "refusal" if mode == "negated" else "intent"


def _demands(verb: Token) -> bool:
    """True when a reporting verb's clause says what someone must do ("said Iraq must comply")."""
    return any(
        c.dep_ == "ccomp"
        and any(a.dep_ == "aux" and a.lower_ in ("must", "should") for a in c.children)
        for c in verb.children
    )


def _demanded_of(ctx: _Context, verb: Token, actor_nouns: frozenset[str]) -> list[Any]:
    """Who a reported "must" clause is addressed to: its subject."""
    for c in verb.children:
        if c.dep_ == "ccomp":
            subject, _, _ = _subject(c)
            if subject is not None and subject.pos_ != "PRON":
                return [m for m in _mentions_at(ctx, subject) if _is_participant(m, actor_nouns)]
    return []


def _historical(ctx: _Context, sentence: Sentence, verb: Token) -> bool:
    if ctx.published is None:
        return False
    inside = [d for d in ctx.dates if sentence.start <= d.start < sentence.end and d.bounds]
    if not inside:
        return False
    nearest = min(inside, key=lambda d: abs(d.start - verb.idx))
    assert nearest.bounds is not None
    return (ctx.published - nearest.bounds[1]).days > HISTORICAL_DAYS


def _reporter(ctx: _Context, verb: Token, sentence: Sentence) -> str | None:
    """Who the event is reported by: a governing speaker, "according to", a cited outlet, the article."""
    v = verb
    for _ in range(6):
        if v.head.i == v.i:
            break
        v = v.head
        if v.pos_ == "VERB" and lemma_of(v).lower() in REPORTING:
            if lemma_of(v).lower() == "tell":
                for c in v.children:
                    if c.dep_ in ("dobj", "dative") and c.i in ctx.by_token:
                        m = ctx.by_token[c.i]
                        if (m.entity_id or "").startswith("outlet:"):
                            return ctx.reporter_id(m)
            subject, _, _ = _subject(v)
            if subject is not None:
                speakers = [
                    m
                    for m in _mentions_at(ctx, subject)
                    if isinstance(m, Mention) and m.label in ("PERSON", "ORG")
                ]
                if speakers:
                    return ctx.reporter_id(speakers[0])
            break
    for t in ctx.doc.char_span(sentence.start, sentence.end, alignment_mode="expand") or ():
        if t.lower_ == "according":
            for to in t.children:
                for p in to.children:
                    if p.dep_ == "pobj":
                        found = [m for m in _mentions_at(ctx, p) if isinstance(m, Mention)]
                        if found:
                            return ctx.reporter_id(found[0])
    cited = _cited_outlet(ctx, sentence)
    return cited or ctx.outlet_id


def _cited_outlet(ctx: _Context, sentence: Sentence) -> str | None:
    """An outlet cited in brackets in the sentence or later in its paragraph ("(Tasnim, July 31)")."""
    text = ctx.text
    line_end = text.find("\n", sentence.start)
    stop = len(text) if line_end < 0 else max(line_end, sentence.end)
    for m in ctx.named:
        if not (sentence.start <= m.start < stop):
            continue
        if not (m.entity_id or "").startswith("outlet:"):
            continue
        if in_brackets(text, m.start):
            return ctx.reporter_id(m)
    return None
