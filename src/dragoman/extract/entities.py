"""Recognition: the model's named entities, a dictionary of desk actors and outlets, roles and acronyms."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..records import Desk, Mention, Outlet
from .places import Gazetteer

RULER_PREFIX = "dragoman_ruler_"

# spaCy labels kept, and what they become; everything else is dropped.
LABEL_MAP = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "DATE": "DATE",
    "MONEY": "MONEY",
}
NAMED = ("PERSON", "ORG", "LOC", "NORP")

# Words that name an office, rank or standing; a phrase holding one before or after a name is a role.
TITLE_WORDS = frozenset(
    [
        "ambassador",
        "minister",
        "president",
        "vice-president",
        "speaker",
        "commander",
        "commander-in-chief",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "secretary",
        "secretary-general",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "adviser",
        "advisor",
        "attaché",
        "attache",
        "ayatollah",
        "sheikh",
        "shaykh",
        "hojatoleslam",
        "hojjatoleslam",
        "general",
        "brigadier",
        "colonel",
        "lieutenant",
        "captain",
        "admiral",
        "marshal",
        "leader",
        "deputy",
        "head",
        "chief",
        "member",
        "governor",
        "mayor",
        "king",
        "queen",
        "prince",
        "princess",
        "emir",
        "imam",
        "cleric",
        "diplomat",
        "envoy",
        "consul",
        "representative",
        "official",
        "officer",
        "judge",
        "prosecutor",
        "founder",
        "editor",
        "correspondent",
        "premier",
        "chancellor",
        "senator",
        "lawmaker",
        "mp",
        "undersecretary",
        "counselor",
        "counsellor",
        "aide",
        "coordinator",
        "negotiator",
        "mufti",
        "mullah",
        "cardinal",
        "patriarch",
        "bishop",
        "rabbi",
        "pope",
        "sultan",
        "monarch",
        "analyst",
        "researcher",
        "journalist",
        "activist",
        "commissioner",
        "chargé",
        "attorney-general",
        "emissary",
        "minister-counselor",
    ]
)
# Titles that may stand inside a name span ("Ayatollah Alireza Arafi").
HONORIFICS = frozenset(
    [
        "ayatollah",
        "hojatoleslam",
        "hojjatoleslam",
        "sheikh",
        "shaykh",
        "imam",
        "mullah",
        "mufti",
        "dr",
        "dr.",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "gen",
        "gen.",
        "general",
        "brigadier",
        "colonel",
        "col.",
        "lt.",
        "lieutenant",
        "captain",
        "admiral",
        "president",
        "minister",
        "ambassador",
        "king",
        "prince",
        "emir",
        "sultan",
        "sayyed",
        "sayed",
        "seyyed",
        "grand",
    ]
)
# Lower-case words that may sit inside a role phrase before its title word.
_MODIFIERS = frozenset(
    [
        "former",
        "senior",
        "deputy",
        "acting",
        "late",
        "then",
        "chief",
        "top",
        "veteran",
        "prominent",
        "outgoing",
        "incoming",
        "new",
        "current",
        "assistant",
        "executive",
        "supreme",
        "grand",
        "military",
        "political",
        "religious",
        "foreign",
    ]
)
_CONNECTORS = frozenset(
    {"of", "the", "to", "for", "and", "on", "in", "at", "'s", "’s", "-", "(", ")", "&"}
)
_LOCATIVE_BEFORE = frozenset(
    {"in", "at", "near", "from", "to", "into", "outside", "toward", "towards", "across"}
)
_LOCATIVE_AFTER = frozenset(
    {
        "crossing",
        "border",
        "region",
        "city",
        "area",
        "province",
        "governorate",
        "district",
        "town",
        "countryside",
    }
)
# Head words of organisations; a "person" ending in one was misread by the model ("Qods Force").
_ORG_HEADS = frozenset(
    [
        "force",
        "forces",
        "corps",
        "brigade",
        "brigades",
        "army",
        "council",
        "ministry",
        "agency",
        "party",
        "movement",
        "front",
        "units",
        "unit",
        "committee",
        "company",
        "organization",
        "organisation",
        "office",
        "guard",
        "guards",
        "militia",
        "battalion",
        "division",
        "parliament",
        "assembly",
        "government",
        "court",
        "bank",
        "university",
        "center",
        "centre",
        "institute",
        "foundation",
    ]
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,8}s?")
_ACRONYM_FORM = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[A-Z][A-Z0-9&.]{1,9})\)$")


@dataclass
class _Span:
    """A mention under construction (token and character bounds kept together)."""

    start: int  # token index
    end: int
    label: str
    source: str
    ent_id: str = ""
    role: str | None = None


def name_forms(name: str) -> set[str]:
    """Surface forms of a dictionary name: without "the", split from its acronym, in common cases."""
    name = " ".join(name.split())
    forms: set[str] = set()
    paren = _ACRONYM_FORM.match(name)
    if paren:
        forms |= (
            name_forms(paren.group("short")) if _ACRONYM.fullmatch(paren.group("short")) else set()
        )
        name = paren.group("long")
    elif "(" in name:
        # "Al-Watan (Syria)": the bracket only tells similar names apart
        name = name.split("(")[0].strip()
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    # "newspaper Filasteen Al-Youm": a lower-case descriptor before the proper name is not part of it
    while len(words) > 1 and words[0].islower() and words[0].isalpha():
        words = words[1:]
    if not words:
        return forms
    base = " ".join(words)
    forms.add(base)
    if not (base.isupper() and len(words) == 1):
        forms.add(" ".join(w[:1].upper() + w[1:] for w in words))
        if len(base) > 3:
            forms.add(base.upper())
    return forms


def build_patterns(desk: Desk | None, outlets: Mapping[str, Outlet]) -> list[dict[str, str]]:
    """EntityRuler patterns for the desk's actors and the outlets' names, each with its id."""
    patterns: dict[str, dict[str, str]] = {}
    for outlet in outlets.values():
        for name in (outlet.name, *outlet.citation_names):
            for form in name_forms(name):
                patterns.setdefault(
                    form, {"label": "ORG", "pattern": form, "id": f"outlet:{outlet.id}"}
                )
    for actor in desk.actors if desk else ():
        label = actor.type if actor.type in NAMED else "ORG"
        for name in (actor.name, *actor.aliases):
            for form in name_forms(name):
                # an actor's own name outranks an outlet's alias of the same spelling
                patterns[form] = {"label": label, "pattern": form, "id": actor.id}
    return sorted(patterns.values(), key=lambda p: p["pattern"])


def add_ruler(nlp: Language, patterns: list[dict[str, str]]) -> str:
    """Add (once per set of patterns) an EntityRuler before ``ner``; returns its component name."""
    digest = hashlib.sha1(json.dumps(patterns, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    name = RULER_PREFIX + digest
    if name not in nlp.pipe_names:
        where = {"before": "ner"} if "ner" in nlp.pipe_names else {"last": True}
        ruler = nlp.add_pipe(
            "entity_ruler", name=name, config={"overwrite_ents": True, "validate": False}, **where
        )
        ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return name


class EntityRecognizer:
    """Turns a parsed ``Doc`` into mentions: model entities corrected by rules, dictionary hits, roles."""

    def __init__(
        self,
        desk: Desk | None,
        outlets: Mapping[str, Outlet],
        nlp: Language,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.patterns = build_patterns(desk, outlets)
        self.ruler_name = add_ruler(nlp, self.patterns)
        self.gazetteer = gazetteer
        self._dictionary_ids = {p["id"] for p in self.patterns}

    def mentions(self, doc: Doc, article_id: str) -> list[Mention]:
        """All mentions of ``doc`` (PERSON, ORG, LOC, NORP, DATE, MONEY, ROLE), in text order."""
        spans: list[_Span] = []
        roles: list[_Span] = []
        for ent in doc.ents:
            label = LABEL_MAP.get(ent.label_)
            if label is None:
                continue
            source = "dictionary" if ent.ent_id_ in self._dictionary_ids else "model"
            fixed = self._fix(doc, ent, label, source, roles)
            if fixed is not None:
                spans.append(fixed)
        spans.extend(self._acronyms(doc, spans))
        spans.extend(_surnames(doc, spans))
        people = {i for s in spans if s.label == "PERSON" for i in range(s.start, s.end)}
        for span in spans:
            if span.label == "PERSON":
                self._role(doc, span, people, roles)
        spans.extend(roles)
        spans.sort(key=lambda s: (s.start, -s.end))
        text = doc.text  # built by joining tokens on every access: read it once
        return [self._mention(doc, text, s, article_id) for s in spans]

    # --- corrections ------------------------------------------------------------------------

    def _fix(
        self, doc: Doc, ent: Span, label: str, source: str, roles: list[_Span]
    ) -> _Span | None:
        start, end = ent.start, ent.end
        if source == "model":
            # a span running over a line break holds a heading or list marker: keep its last line
            for i in range(end - 1, start - 1, -1):
                if "\n" in doc[i].text_with_ws and i < end - 1:
                    start = i + 1
                    break
            # an opening bracket without its closing one: the model swallowed an acronym's start
            for i in range(start, end):
                if doc[i].text == "(" and not any(doc[j].text == ")" for j in range(i, end)):
                    end = i
                    break
        while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_space):
            start += 1
        while end > start and (
            doc[end - 1].lower_ in ("'s", "’s", "'", "’")
            or doc[end - 1].is_punct
            or doc[end - 1].is_space
        ):
            end -= 1
        if start >= end:
            return None
        span = _Span(start, end, label, source, ent.ent_id_ if source == "dictionary" else "")
        if source == "dictionary":
            return span
        text = doc[start:end].text
        if label == "PERSON" and doc[end - 1].lower_ in _ORG_HEADS:
            span.label = label = "ORG"
        if label == "PERSON":
            if not any(ch.isupper() for ch in text):
                return None
            # "Ayatollah Alireza Arafi": the title is a role, the rest the name
            peel = start
            while peel < end - 1 and doc[peel].lower_ in HONORIFICS | TITLE_WORDS:
                peel += 1
            if peel > start:
                roles.append(_Span(start, peel, "ROLE", "pattern"))
                span.start = peel
                span.role = doc[start:peel].text
        if label == "ORG" and doc[end - 1].lower_ in TITLE_WORDS:
            return None  # "The Iranian Trade Attaché" is a role, not an organisation
        if label in ("PERSON", "ORG") and self._looks_like_place(doc, span):
            span.label = "LOC"
        return span

    def _looks_like_place(self, doc: Doc, span: _Span) -> bool:
        if self.gazetteer is None or span.end - span.start > 4:
            return False
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        after = doc[span.end].lower_ if span.end < len(doc) else ""
        if before not in _LOCATIVE_BEFORE and after not in _LOCATIVE_AFTER:
            return False
        return self.gazetteer.resolve(doc[span.start : span.end].text) is not None

    # --- acronyms -----------------------------------------------------------------------------

    def _acronyms(self, doc: Doc, spans: list[_Span]) -> list[_Span]:
        """Mentions for an acronym defined after its long form, and its later bare uses."""
        covered: set[int] = set()
        for s in spans:
            covered.update(range(s.start, s.end))
        added: list[_Span] = []
        defined: dict[str, str] = {}
        for s in spans:
            if s.label not in ("ORG", "LOC") or s.end + 2 >= len(doc):
                continue
            if doc[s.end].text != "(" or doc[s.end + 2].text != ")":
                continue
            short = doc[s.end + 1]
            if not _ACRONYM.fullmatch(short.text) or short.text[0] != _initial(
                doc[s.start : s.end]
            ):
                continue
            defined[short.text] = s.label
            if short.i not in covered:
                added.append(_Span(short.i, short.i + 1, s.label, "pattern"))
                covered.add(short.i)
        if defined:
            for token in doc:
                if token.text in defined and token.i not in covered:
                    added.append(_Span(token.i, token.i + 1, defined[token.text], "pattern"))
                    covered.add(token.i)
        return added

    # --- roles --------------------------------------------------------------------------------

    def _role(self, doc: Doc, person: _Span, people: set[int], roles: list[_Span]) -> None:
        """Find the office named before or after a person and record it as a ROLE mention."""
        found = _role_before(doc, person.start, people) or _role_after(doc, person.end)
        if found is None:
            return
        start, end = found
        if any(r.start == start and r.end == end for r in roles):
            return
        roles.append(_Span(start, end, "ROLE", "pattern"))
        person.role = doc[start:end].text

    @staticmethod
    def _mention(doc: Doc, text: str, s: _Span, article_id: str) -> Mention:
        start_char = doc[s.start].idx
        end_char = doc[s.end - 1].idx + len(doc[s.end - 1].text)
        return Mention(
            article_id=article_id,
            start=start_char,
            end=end_char,
            text=text[start_char:end_char],
            label=s.label,
            entity_id=s.ent_id or None,
            confidence=1.0 if s.source == "dictionary" else 0.85 if s.source == "pattern" else 0.7,
            source=s.source,
            role=s.role,
        )


def _surnames(doc: Doc, spans: list[_Span]) -> list[_Span]:
    """Bare surnames of people named in full earlier that the model missed ("Later Masjedi left")."""
    covered = {i for s in spans for i in range(s.start, s.end)}
    first_seen: dict[str, int] = {}
    for s in spans:
        if s.label == "PERSON" and s.end - s.start >= 2 and doc[s.end - 1].text[:1].isupper():
            first_seen.setdefault(doc[s.end - 1].text, s.end)
    added = []
    for token in doc:
        seen = first_seen.get(token.text)
        if seen is not None and token.i >= seen and token.i not in covered:
            added.append(_Span(token.i, token.i + 1, "PERSON", "pattern"))
    return added


def _initial(span: Span) -> str:
    words = [t for t in span if t.text[:1].isupper()]
    return words[0].text[0] if words else ""


def _is_title(token: Token) -> bool:
    return token.lower_ in TITLE_WORDS or token.lower_.rstrip("s") in TITLE_WORDS


def _role_before(doc: Doc, start: int, people: set[int]) -> tuple[int, int] | None:
    """Token bounds of a role phrase ending just before a name ("the Syrian Ambassador to Tehran, X")."""
    j = start - 1
    if j >= 0 and doc[j].text == ",":
        j -= 1
    run: list[Token] = []
    while j >= 0 and len(run) < 14:
        t = doc[j]
        if t.i in people:
            break
        ok = (
            t.lower_ in _CONNECTORS
            or _is_title(t)
            or t.lower_ in _MODIFIERS
            or (t.text[:1].isupper() and t.pos_ in ("PROPN", "ADJ", "NOUN"))
        )
        if not ok:
            break
        run.append(t)
        if t.is_sent_start:
            break
        j -= 1
    run.reverse()
    titles = [i for i, t in enumerate(run) if _is_title(t)]
    if not titles:
        return None
    first = titles[0]
    # extend left from the first title over its modifiers ("former Iranian diplomat")
    while first > 0:
        prev = run[first - 1]
        if prev.lower_ in _MODIFIERS or (prev.text[:1].isupper() and prev.pos_ in ("PROPN", "ADJ")):
            first -= 1
        else:
            break
    last = len(run)
    while last > first and run[last - 1].lower_ in _CONNECTORS - {")"}:
        last -= 1
    if last <= first:
        return None
    return run[first].i, run[last - 1].i + 1


def _role_after(doc: Doc, end: int) -> tuple[int, int] | None:
    """Token bounds of an appositive role after a name ("X, the Chairman of the committee")."""
    if end + 2 >= len(doc) or doc[end].text != ",":
        return None
    k = end + 1
    if doc[k].lower_ in ("the", "a", "an"):
        k += 1
    head = k
    # the title must come within the first few words of the apposition
    if not any(_is_title(t) for t in doc[head : min(len(doc), head + 5)]):
        return None
    stop = head
    while stop < len(doc) and stop - head < 16:
        t = doc[stop]
        if (
            t.text in (",", ".", ";", ":", "(", ")", "\u201c", '"')
            or "\n" in t.text
            or (stop > head and t.is_sent_start)
        ):
            break
        stop += 1
    while stop > head and doc[stop - 1].lower_ in _CONNECTORS:
        stop -= 1
    return (head, stop) if stop > head else None


def outlet_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    """The mentions that name an outlet."""
    return [m for m in mentions if (m.entity_id or "").startswith("outlet:")]
