"""Recognition: the model's named entities, a dictionary of desk actors and outlets, roles and acronyms."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..records import Desk, Mention, Outlet
from .nlp import doc_text
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
        "officer",
        "sergeant",
        "corporal",
        "major",
        "commodore",
        "lt.",
        "gen.",
        "col.",
        "maj.",
        "capt.",
        "sgt.",
        "cpl.",
        "adm.",
        "brig.",
        "cmdr.",
        "pvt.",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "citizen",
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
    {
        "in",
        "at",
        "near",
        "from",
        "to",
        "into",
        "outside",
        "toward",
        "towards",
        "across",
        "around",
        "of",
        "between",
        "inside",
        "within",
        "through",
        "west",
        "east",
        "north",
        "south",
    }
)
# Last words of a facility's or a landform's name: "the Samarra Barrage", "Incirlik Air Base".
_FACILITY_HEADS = frozenset(
    [
        "barrage",
        "dam",
        "base",
        "airbase",
        "airport",
        "airfield",
        "bridge",
        "lake",
        "lakes",
        "river",
        "mountain",
        "mountains",
        "valley",
        "desert",
        "crossing",
        "camp",
        "border",
        "square",
        "street",
        "road",
        "highway",
        "canal",
        "strait",
        "gulf",
        "bay",
        "island",
        "islands",
        "plain",
        "plains",
        "refinery",
        "port",
        "harbour",
        "harbor",
        "depression",
    ]
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
_CONFIDENCE = {
    "dictionary": 1.0,
    "pattern": 0.85,
    "model": 0.7,
    "nominal": 0.6,
    "coreference": 0.6,
}
# Mentions that describe or point rather than name: linked to a named antecedent when there is one.
REFERRING = frozenset({"nominal", "coreference"})
_DETERMINERS = frozenset({"the", "a", "an"})
# Heads of a noun phrase that names a body of people: "the Iraqi government", "ISIL fighters".
_GROUP_HEADS = frozenset(
    [
        "government",
        "governments",
        "forces",
        "force",
        "military",
        "army",
        "armies",
        "navy",
        "regime",
        "coalition",
        "troops",
        "authorities",
        "police",
        "militia",
        "militias",
        "ministry",
        "fighters",
        "terrorists",
        "insurgents",
        "insurgency",
        "rebels",
        "jihadists",
        "militants",
        "state",
        "people",
        "parliament",
        "opposition",
        "leadership",
        "administration",
        "cabinet",
        "embassy",
        "consulate",
        "delegation",
        "intelligence",
        "soldiers",
        "officials",
        "diplomats",
        "partners",
        "allies",
        "units",
        "unit",
        "officers",
        "citizens",
        "organisations",
        "organizations",
        "parties",
        "population",
        "community",
        "communities",
        "residents",
        "clan",
        "tribe",
        "tribes",
    ]
)
# Heads of a noun phrase that stands for one person by office: "the Prime Minister", "the Iraqi commander".
OFFICE_HEADS = frozenset(
    [
        "minister",
        "president",
        "secretary",
        "commander",
        "general",
        "ambassador",
        "envoy",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "governor",
        "mayor",
        "king",
        "emir",
        "prince",
        "premier",
        "chancellor",
        "speaker",
        "chairman",
        "colonel",
        "admiral",
        "attaché",
        "attache",
        "consul",
        "leader",
        "chief",
        "director",
        "officer",
        "deputy",
        "adviser",
        "advisor",
    ]
)
# Heads of common noun phrases that stand for a site or a body of people in conflict reporting.
_SITE_HEADS = frozenset(
    [
        "city",
        "town",
        "village",
        "area",
        "areas",
        "hospital",
        "building",
        "buildings",
        "compound",
        "facility",
        "facilities",
        "position",
        "positions",
        "bridge",
        "bridges",
        "route",
        "routes",
        "tunnel",
        "tunnels",
        "headquarters",
        "airfield",
        "site",
        "location",
        "territory",
        "neighborhood",
        "neighborhoods",
        "neighbourhood",
        "neighbourhoods",
        "station",
        "factory",
        "cache",
        "caches",
        "checkpoint",
        "checkpoints",
        "base",
        "bases",
        "border",
        "region",
        "province",
        "district",
        "camp",
        "camps",
        "depot",
        "warehouse",
        "mosque",
        "school",
        "market",
        "complex",
        "structure",
        "structures",
        "fortifications",
        "highway",
        "road",
        "roads",
        "island",
        "port",
        "airport",
        "capital",
        "countryside",
        "target",
        "targets",
        "villages",
        "entrance",
        "entrances",
        "infrastructure",
        "terrain",
    ]
)
# Heads of phrases that name a standing body of a state or group ("the Iraqi government").
_STATE_HEADS = frozenset(
    [
        "government",
        "military",
        "army",
        "navy",
        "regime",
        "parliament",
        "ministry",
        "embassy",
        "consulate",
        "cabinet",
        "administration",
        "police",
        "intelligence",
        "forces",
        "force",
        "coalition",
        "opposition",
        "leadership",
        "state",
    ]
)
# Plural heads that stand alone for a body of people ("civilians fled").
_LONE_BODIES = frozenset(
    [
        "civilians",
        "militants",
        "insurgents",
        "fighters",
        "refugees",
        "terrorists",
        "rebels",
        "jihadists",
        "extremists",
        "troops",
    ]
)
# Heads whose owner may be a person: "the Assad regime", "Maliki's government".
_RULE_HEADS = frozenset(["regime", "government", "administration", "forces", "loyalists"])
_BODY_HEADS = frozenset(
    [
        "regime",
        "coalition",
        "enemy",
        "militants",
        "insurgents",
        "rebels",
        "fighters",
        "terrorists",
        "troops",
        "civilians",
        "forces",
        "government",
        "military",
        "militia",
        "militias",
        "group",
        "groups",
        "partners",
        "allies",
        "soldiers",
        "police",
        "army",
        "authorities",
        "jihadists",
        "extremists",
        "population",
        "residents",
        "refugees",
        "community",
        "parties",
        "countries",
        "nations",
        "members",
        "personnel",
        "teams",
        "team",
        "leaders",
        "backers",
        "supporters",
    ]
)
# Words that place a name within its country or region; they belong to the place's mention.
_COMPASS = frozenset(
    [
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north-eastern",
        "north-western",
        "south-eastern",
        "south-western",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "upper",
        "lower",
        "greater",
        "rural",
    ]
)
_PLACE_KINDS = frozenset(
    [
        "city",
        "town",
        "village",
        "province",
        "governorate",
        "district",
        "region",
        "island",
        "port",
        "suburb",
        "neighbourhood",
        "neighborhood",
        "county",
        "vicinity",
        "outskirts",
    ]
)
_PLACE_SUFFIXES = frozenset(["province", "governorate", "district", "region", "countryside"])
# Personal pronouns that stand for a person or, in the first person plural, a body of people.
_PRONOUNS = {
    "he": "PERSON",
    "she": "PERSON",
    "i": "PERSON",
    "me": "PERSON",
    "we": "ORG",
    "they": "ORG",
}
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


# Lower-case words that begin a name ("bin Laden", "al Qaeda", "de Mistura"), not descriptors.
_NAME_PARTICLES = frozenset(
    {
        "al",
        "el",
        "ad",
        "as",
        "ash",
        "an",
        "ar",
        "at",
        "az",
        "bin",
        "ibn",
        "bint",
        "abu",
        "de",
        "di",
        "da",
        "du",
        "del",
        "der",
        "le",
        "la",
        "van",
        "von",
    }
)


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
    while (
        len(words) > 1
        and words[0].islower()
        and words[0].isalpha()
        and words[0] not in _NAME_PARTICLES
    ):
        words = words[1:]
    if not words:
        return forms
    base = " ".join(words)
    forms.add(base)
    if any(q in base for q in "'’‘"):
        # typeset and typed apostrophes are the same mark ("Da'esh", "Da’esh", "al-‘Arouri")
        plain = base.replace("’", "'").replace("‘", "'")
        forms.update({plain, plain.replace("'", "’"), plain.replace("'", "‘")})
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
            # the name exactly as given too: an analyst's alias may be all lower case
            for form in name_forms(name) | {" ".join(name.split())}:
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
        self._places_taken_for_people(doc, spans)
        spans.extend(self._unlabelled_places(doc, spans))
        spans.extend(self._acronyms(doc, spans))
        spans.extend(_surnames(doc, spans))
        people = {i for s in spans if s.label == "PERSON" for i in range(s.start, s.end)}
        for span in spans:
            if span.label == "PERSON":
                self._role(doc, span, people, roles)
        spans = _nominals(doc, spans, roles)
        spans.extend(_pronouns(doc, spans))
        spans.extend(_coordinates(doc, spans))
        _extents(doc, spans, roles)
        spans = self._qualified_places(doc, spans)
        spans = _outermost(spans)
        spans.extend(roles)
        spans.sort(key=lambda s: (s.start, -s.end))
        text = doc_text(doc)
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
        while start < end and (
            doc[start].lower_ in ("the", "a", "an")
            or doc[start].is_space
            or (
                source == "model"
                and end - start > 1
                and (doc[start].pos_ == "ADP" or doc[start].lower_ in _LOCATIVE_BEFORE)
            )
        ):
            start += 1
        # a reference mark or an opening bracket glued to the name ("al-Freiji.[2")
        for i in range(start, end):
            if "[" in doc[i].text and i > start:
                end = i
                break
        while end > start and (
            doc[end - 1].lower_ in ("'s", "’s", "'", "’")
            or doc[end - 1].is_punct
            or doc[end - 1].is_space
        ):
            end -= 1
        if start >= end:
            return None
        if doc[start].text in _SHIP_PREFIXES or (
            start > 0 and doc[start - 1].text in _SHIP_PREFIXES
        ):
            return None  # a ship ("USS Mahan", "FS Forbin") is not an actor
        if (
            label == "PERSON"
            and end + 1 < len(doc)
            and doc[end - 1].lower_ in _NAME_PARTICLES
            and doc[end].text in ("-", "‐")
            and doc[end + 1].text[:1].isupper()
        ):
            end += 2  # "Bashar al" + "-" + "Assad": the model stopped at the hyphen
        span = _Span(start, end, label, source, ent.ent_id_ if source == "dictionary" else "")
        if doc[start].lower_ == "operation" and end - start > 1:
            return None  # a military campaign ("Operation Inherent Resolve") is not an actor
        if source == "dictionary":
            return span
        text = doc[start:end].text
        if label in ("PERSON", "ORG") and doc[end - 1].lower_ in _FACILITY_HEADS:
            span.label = label = "LOC"
        if label == "PERSON" and doc[end - 1].lower_ in _ORG_HEADS:
            span.label = label = "ORG"
        if label == "NORP" and self._city_not_people(text):
            span.label = label = "LOC"
        if label == "NORP" and doc[end - 1].tag_ in ("NNPS", "NNS"):
            span.label = label = "ORG"  # "the Iraqis": a body of people, not a description
        if label == "LOC" and self._acting_country(doc, span):
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
        if label in ("ORG", "PERSON", "LOC") and (
            doc[start].lower_ == "operation" or text.upper() in _NOT_ACTORS
        ):
            return None  # a military operation or a weapon is not an actor
        if label in ("PERSON", "ORG") and self._looks_like_place(doc, span):
            span.label = "LOC"
        return span

    def _countries(self, doc: Doc, spans: list[_Span]) -> set[str]:
        """Countries the text names (ISO2), found once per doc."""
        if self.gazetteer is None:
            return set()
        cached = doc.user_data.get("dragoman_countries")
        if cached is None:
            text = doc_text(doc)
            found = {
                self.gazetteer.is_country(
                    text[doc[s.start].idx : doc[s.end - 1].idx + len(doc[s.end - 1])]
                )
                for s in spans
                if s.label in ("LOC", "ORG")
            }
            cached = doc.user_data["dragoman_countries"] = {c for c in found if c}
        return cached

    def _unlabelled_places(self, doc: Doc, spans: list[_Span]) -> list[_Span]:
        """Proper names the model left unlabelled that are towns of a country the text names."""
        countries = self._countries(doc, spans)
        if not countries or not doc.has_annotation("DEP"):
            return []
        taken = {i for s in spans for i in range(s.start, s.end)}
        found = []
        for chunk in _chunks(doc):
            root = chunk.root
            if root.pos_ != "PROPN" or root.i in taken:
                continue
            if any(i in taken for i in range(chunk.start, chunk.end)):
                continue
            names = [
                t
                for t in chunk
                if t.pos_ == "PROPN" or (t.i > chunk.start and t.lower_ in _NAME_PARTICLES)
            ]
            if not names:
                continue
            start, end = names[0].i, names[-1].i + 1
            if end - start > 3 or end - 1 != chunk.root.i or not doc[start].text[:1].isupper():
                continue
            if any(
                not t.text[:1].isupper() and t.lower_ not in _NAME_PARTICLES for t in doc[start:end]
            ):
                continue
            place = self.gazetteer.resolve(doc[start:end].text) if self.gazetteer else None
            if place is not None and place.country in countries and place.feature_class in "PA":
                found.append(_Span(start, end, "LOC", "pattern"))
                taken.update(range(start, end))
        return found

    def _places_taken_for_people(self, doc: Doc, spans: list[_Span]) -> None:
        """Relabel a model "person" that is a town of a country the text speaks of ("Tal Afar")."""
        if self.gazetteer is None:
            return
        countries = self._countries(doc, spans)
        if not countries:
            return
        surnames = {
            doc[s.end - 1].lower_ for s in spans if s.label == "PERSON" and s.end - s.start >= 2
        }
        for s in spans:
            if s.label not in ("PERSON", "ORG") or s.source != "model" or s.role:
                continue
            if s.end - s.start > (3 if s.label == "PERSON" else 2):
                continue
            if s.end - s.start == 1 and doc[s.start].lower_ in surnames:
                continue
            text = doc[s.start : s.end].text
            if s.label == "ORG" and (text.isupper() or self.gazetteer.is_country(text)):
                continue  # an acronym, or a country acting: not a town
            place = self.gazetteer.resolve(text)
            if place is not None and place.country in countries and place.feature_class in "PA":
                s.label = "LOC"

    def _qualified_places(self, doc: Doc, spans: list[_Span]) -> list[_Span]:
        """One mention for a place and the country or state that qualifies it ("Cibolo, Texas")."""
        if self.gazetteer is None:
            return spans
        ordered = sorted(spans, key=lambda s: (s.start, -s.end))
        gone: set[int] = set()
        for first, second in itertools.pairwise(ordered):
            if (
                first.label != "LOC"
                or second.label not in ("LOC", "ORG")
                or id(first) in gone
                or second.start != first.end + 1
                or doc[first.end].text != ","
                or second.end - second.start > 3
            ):
                continue
            after = doc[second.end] if second.end < len(doc) else None
            if after is not None and not (
                after.is_punct or after.pos_ in ("ADP", "CCONJ", "VERB", "AUX")
            ):
                continue
            if self.gazetteer.is_country(doc[first.start : first.end].text):
                continue  # "Canada, Denmark": a list, not a qualified place
            qualifier = doc[second.start : second.end].text
            place = self.gazetteer.resolve(qualifier)
            if place is None or place.feature_class != "A":
                continue  # only a country or a province qualifies a place
            first.end = second.end
            gone.add(id(second))
        return [s for s in spans if id(s) not in gone]

    def _city_not_people(self, text: str) -> bool:
        """A "nationality" that is a town's name and describes no people ("Aleppo")."""
        if self.gazetteer is None or self.gazetteer.country_of(text):
            return False
        place = self.gazetteer.resolve(text)
        return (
            place is not None
            and place.feature_class in ("P", "A")
            and not self.gazetteer.is_country(text)
        )

    def _acting_country(self, doc: Doc, span: _Span) -> bool:
        """A country that does something ("France agreed", "the UK's forces") is an actor."""
        if self.gazetteer is None:
            return False
        root = doc[span.start : span.end].root
        while root.dep_ == "conj" and root.head is not root:
            root = root.head
        if root.dep_ not in ("nsubj", "nsubjpass", "poss", "compound"):
            return False
        if root.dep_ == "compound" and root.head.lower_ in _FACILITY_HEADS | _PLACE_KINDS:
            return False
        return self.gazetteer.is_country(doc[span.start : span.end].text) is not None

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
        # a bracket glued to the last word ("Qanbar(Arabic") is not part of the name
        cut = min(
            (text.find(ch, start_char + 1, end_char) for ch in "(["), key=lambda i: (i < 0, i)
        )
        if cut > start_char and text.count(")", start_char, end_char) == 0:
            end_char = cut
            while end_char > start_char and not text[end_char - 1].isalnum():
                end_char -= 1
        return Mention(
            article_id=article_id,
            start=start_char,
            end=end_char,
            text=text[start_char:end_char],
            label=s.label,
            entity_id=s.ent_id or None,
            confidence=_CONFIDENCE.get(s.source, 0.7),
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
    if not first_seen:
        return []
    strings = doc.vocab.strings
    wanted = {strings.add(text): seen for text, seen in first_seen.items()}
    added = []
    # compare word ids in one array rather than building a Token per word
    for i, orth in enumerate(doc.to_array("ORTH").tolist()):
        seen = wanted.get(orth)
        if seen is not None and i >= seen and i not in covered:
            added.append(_Span(i, i + 1, "PERSON", "pattern"))
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
    if doc[k].pos_ in ("VERB", "AUX"):
        return None  # ", said Col. X": a clause, not an apposition
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


def _chunks(doc: Doc) -> list[Span]:
    """The doc's noun chunks, found once (they are read by several rules)."""
    cached = doc.user_data.get("dragoman_chunks")
    if cached is None:
        cached = list(doc.noun_chunks) if doc.has_annotation("DEP") else []
        doc.user_data["dragoman_chunks"] = cached
    return cached


def _nominals(doc: Doc, spans: list[_Span], roles: Sequence[_Span] = ()) -> list[_Span]:
    """Noun phrases that stand for a body of people ("the Iraqi government") or an office holder."""
    if not doc.has_annotation("DEP"):
        return spans
    owner: dict[int, _Span] = {}
    for s in spans:
        for i in range(s.start, s.end):
            owner[i] = s
    drop: set[int] = set()
    added: list[_Span] = []
    in_roles = {i for r in roles for i in range(r.start, r.end)}
    for chunk in _chunks(doc):
        root = chunk.root
        if root.lower_ not in _ANY_HEAD:
            continue  # most noun phrases stand for nothing these rules look for
        start, end = chunk.start, root.i + 1
        while start < end and (
            doc[start].is_punct or doc[start].lower_ in _QUANTIFIERS or doc[start].tag_ == "PRP$"
        ):
            start += 1
        if root.i in owner or end - start > 8 or end <= start:
            continue
        head = root.lower_
        single = end - start == 1
        if single and not (head in _LONE_BODIES and root.tag_ == "NNS"):
            continue
        inner = {id(owner[i]): owner[i] for i in range(start, end) if i in owner}
        if any(s.start < start or s.end > end for s in inner.values()):
            continue
        people = [s for s in inner.values() if s.label == "PERSON"]
        if people and head not in _RULE_HEADS:
            continue
        if any("\n" in t.text_with_ws for t in doc[start : end - 1]):
            continue
        if (
            head in _GROUP_HEADS | _BODY_HEADS
            and end + 1 < len(doc)
            and doc[end].lower_ == "of"
            and end + 1 in owner
            and owner[end + 1].start == end + 1
            and owner[end + 1].label in ("LOC", "ORG")
        ):
            # "the government of Iraq", "the people of Mosul"
            of = owner[end + 1]
            inner[id(of)] = of
            end = of.end
        words = doc[start:end]
        named = [s for s in inner.values() if s.label in ("NORP", "ORG", "LOC", "PERSON")]
        proper = [t for t in words if t.i != root.i and t.pos_ == "PROPN"]
        if head in _FACILITY_HEADS and (named or proper) and not people:
            # "the Mosul Dam", "the Hamrin mountains"
            added.append(_Span(start, end, "LOC", "pattern"))
            drop.update(id(s) for s in inner.values())
        elif head in _GROUP_HEADS and (named or proper):
            # "the Iraqi government", "ISIL fighters", "the Assad regime"
            ent_id = next((s.ent_id for s in named if s.label == "ORG" and s.ent_id), "")
            # "an ISIL tactical unit", "three ISIL units": the unit, without article or number
            while end - start > 2 and (doc[start].lower_ in ("a", "an") or doc[start].like_num):
                start += 1
            # "the Iraqi government" names a standing body; "Iranian officials" only describes
            source = "pattern" if ent_id or head in _STATE_HEADS else "nominal"
            added.append(_Span(start, end, "ORG", source, ent_id))
            drop.update(id(s) for s in inner.values())
        elif head in _SITE_HEADS and root.pos_ == "NOUN" and not single and not people:
            if (
                end + 1 < len(doc)
                and doc[end].lower_ == "of"
                and owner.get(end + 1, _NO_SPAN).label == "LOC"
            ):
                continue  # "the city of Mosul" is one place mention, made below
            places = [s for s in named if s.label == "LOC"]
            if places:
                # "the Albu Kamal region": the named place, with the word for its extent
                ent_id = places[0].ent_id
                added.append(_Span(start, end, "LOC", "pattern", ent_id))
                drop.update(id(s) for s in inner.values())
                continue
            # a site named by what it is: "two fighting positions", "an ISIL-held building"
            added.append(_Span(start, end, "LOC", "nominal"))
            drop.update(id(s) for s in inner.values())
        elif inner and head not in OFFICE_HEADS:
            continue
        elif head in _BODY_HEADS and root.pos_ == "NOUN":
            added.append(_Span(start, end, "ORG", "nominal"))
        elif head in OFFICE_HEADS and root.tag_ in ("NN", "NNP") and not people and not single:
            first = doc[start]
            if first.lower_ not in _DETERMINERS and not first.text[:1].isupper():
                continue
            if end < len(doc) and (doc[end].ent_type_ == "PERSON" or doc[end].text == ","):
                continue  # a title before a name or an apposition: the name's role, not a mention
            if any(i in in_roles for i in range(start, end)):
                continue  # already the role of a named person
            # "the Iranian Ambassador to Baghdad": the posting belongs to the office (its role),
            # while the town stays a place of its own
            post = owner.get(end + 1) if end + 1 < len(doc) else None
            posting = ""
            if (
                post is not None
                and doc[end].lower_ in ("to", "in", "at")
                and post.start == end + 1
                and post.label == "LOC"
                and post.end - start <= 10
            ):
                posting = " " + doc[end : post.end].text
            body = start + 1 if first.lower_ in _DETERMINERS else start
            span = _Span(start, end, "PERSON", "nominal")
            span.role = doc[body:end].text + posting
            added.append(span)
            # "a Foreign Office spokesman": the office's body is part of the title
            drop.update(id(s) for s in inner.values())
    if not added:
        return spans
    kept = [s for s in spans if id(s) not in drop]
    return kept + added


_COORDINATE = re.compile(
    r"-?\d{1,3}(?:\.\d+)?°\s*(?:\d{1,2}(?:\.\d+)?[′']\s*)?(?:\d{1,2}(?:\.\d+)?[″\"]\s*)?[NS]"
    r"[,;\s]+-?\d{1,3}(?:\.\d+)?°\s*(?:\d{1,2}(?:\.\d+)?[′']\s*)?(?:\d{1,2}(?:\.\d+)?[″\"]\s*)?[EW]"
    r"|\b-?\d{1,2}\.\d{3,}\s*[;,]\s*-?\d{1,3}\.\d{3,}\b"
)


def _coordinates(doc: Doc, spans: list[_Span]) -> list[_Span]:
    """Map coordinates written in the text ("33°30′21″N 36°16′11″E", "33.783; 44.500") are places."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    found = []
    for match in _COORDINATE.finditer(doc_text(doc)):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        found.append(_Span(span.start, span.end, "LOC", "pattern"))
        taken.update(range(span.start, span.end))
    return found


def _pronouns(doc: Doc, spans: list[_Span]) -> list[_Span]:
    """Personal pronouns, to be linked to the person or body they stand for by the resolver."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    strings = doc.vocab.strings
    wanted = {strings.add(word): label for word, label in _PRONOUNS.items()}
    found = []
    for i, lower in enumerate(doc.to_array("LOWER").tolist()):
        label = wanted.get(lower)
        if label and i not in taken and doc[i].pos_ == "PRON":
            found.append(_Span(i, i + 1, label, "coreference"))
    return found


_QUANTIFIERS = frozenset(
    {"all", "both", "some", "many", "most", "several", "other", "these", "those"}
)
# Acronyms of weapons and platforms that the model takes for organisations.
_NOT_ACTORS = frozenset(
    [
        "IED",
        "IEDS",
        "VBIED",
        "VBIEDS",
        "SVBIED",
        "SVBIEDS",
        "PBIED",
        "UAV",
        "UAVS",
        "UAS",
        "RPG",
        "RPGS",
        "MANPADS",
        "ATGM",
        "ATGMS",
        "DDG",
        "SAM",
        "SAMS",
        "HIMARS",
        "MLRS",
        "APC",
        "APCS",
        "MRAP",
        "AK-47",
        "TOW",
    ]
)


_NO_SPAN = _Span(0, 0, "", "")
_SHIP_PREFIXES = frozenset(
    {
        "USS",
        "USNS",
        "HMS",
        "HMAS",
        "HMCS",
        "HMNZS",
        "FS",
        "INS",
        "ITS",
        "ESPS",
        "HNLMS",
        "FGS",
        "TCG",
        "RFS",
        "KRI",
        "ROKS",
        "JS",
        "HDMS",
        "HNoMS",
        "HSwMS",
    }
)


# every head word some rule of ``_nominals`` reads
_ANY_HEAD = _GROUP_HEADS | _BODY_HEADS | _SITE_HEADS | OFFICE_HEADS | _FACILITY_HEADS | _LONE_BODIES


def _outermost(spans: list[_Span]) -> list[_Span]:
    """Drop a mention lying inside a wider one ("Foreign Office" in "Foreign Office Minister X")."""
    named = sorted(
        (s for s in spans if s.label != "ROLE"), key=lambda s: (s.start, -(s.end - s.start))
    )
    gone: set[int] = set()
    reach_end, reach = -1, None
    for s in named:
        if reach is not None and s.start >= reach.start and s.end <= reach_end and s is not reach:
            gone.add(id(s))
            continue
        if s.end > reach_end:
            reach_end, reach = s.end, s
    return [s for s in spans if id(s) not in gone]


_COURTESY = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."})


def _extents(doc: Doc, spans: list[_Span], roles: list[_Span]) -> None:
    """Widen mentions to the whole name as written: determiner, title before a name, region words."""
    role_ending: dict[int, _Span] = {}
    for r in roles:
        if r.end not in role_ending or r.start < role_ending[r.end].start:
            role_ending[r.end] = r
    taken = {i for s in spans for i in range(s.start, s.end)}
    for s in spans:
        if s.source in REFERRING or s.label not in ("PERSON", "ORG", "LOC"):
            if s.source == "nominal":
                taken.update(range(s.start, s.end))
            continue
        if s.label == "PERSON":
            role = role_ending.get(s.start)
            if role is not None:
                s.start = role.start
                if s.role is None and doc[role.start : role.end].text.lower() not in _COURTESY:
                    s.role = doc[role.start : role.end].text
        elif s.label == "LOC":
            while s.start > 0 and doc[s.start - 1].lower_ in _COMPASS and s.start - 1 not in taken:
                s.start -= 1
            if (
                s.start >= 2
                and doc[s.start - 1].lower_ == "of"
                and doc[s.start - 2].lower_ in _PLACE_KINDS
                and s.start - 2 not in taken
            ):
                s.start -= 2
            if s.end < len(doc) and doc[s.end].lower_ in _PLACE_SUFFIXES and s.end not in taken:
                s.end += 1
            if (
                s.start >= 2
                and doc[s.start - 1].lower_ == "of"
                and doc[s.start - 2].text[:1].isupper()
                and doc[s.start - 2].lower_ in _FACILITY_HEADS | {"sea", "republic"}
                and s.start - 2 not in taken
            ):
                s.start -= 2
        modifier = doc[s.start : s.end].root.dep_ in ("compound", "amod", "nmod")
        if (
            s.start > 0
            and doc[s.start - 1].lower_ == "the"
            and s.start - 1 not in taken
            and not modifier
        ):
            s.start -= 1
        taken.update(range(s.start, s.end))


_CORE_STRIP = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_PLACE_PREFIX = re.compile(
    r"^(?:(?:" + "|".join(sorted(_COMPASS, key=len, reverse=True)) + r")\s+)+"
    r"|^(?:" + "|".join(sorted(_PLACE_KINDS, key=len, reverse=True)) + r")\s+of\s+",
    re.IGNORECASE,
)
_PLACE_SUFFIX = re.compile(r"\s+(?:" + "|".join(sorted(_PLACE_SUFFIXES)) + r")$", re.IGNORECASE)


def core_name(text: str, label: str, role: str | None = None) -> str:
    """The name inside a mention's extent: without determiner, title, or region words."""
    name = _CORE_STRIP.sub("", text.strip())
    if role and label == "PERSON" and name.startswith(role) and len(name) > len(role) + 1:
        name = name[len(role) :].lstrip(" ,")
    if label == "LOC":
        name = name.split(",")[0].strip()  # "Palmyra, Syria": the qualifier only tells which
        bare = _PLACE_SUFFIX.sub("", _PLACE_PREFIX.sub("", name))
        name = bare or name
    return name
