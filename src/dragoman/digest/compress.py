"""Light compression of a bullet's sentences, every change recorded.

A sentence of a bullet is an article span with a few cuts and substitutions: attribution
boilerplate the citation already carries is cut ("…, the agency reported."), a connector
or a pronoun that has lost its antecedent is cut or replaced by the name it stands for, a
bare surname at a person's first mention becomes the full name (and the role the articles
or the desk give), and the bullet's first sentence may open with dragoman's own attribution
("Syrian and Turkish sources reported that …"). What is kept is listed as article spans
(``SentenceRef.parts``) and what was put in their place as ``SentenceRef.replacements``, so
undoing the replacements gives back the kept spans word for word (see ``trace.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..records import Annotated, Article, Entity, Mention, Outlet, Replacement, SentenceRef

__all__ = [
    "Edit",
    "SentenceContext",
    "apply_edits",
    "attribution_prefix",
    "compress",
    "demonym",
    "outlet_aliases",
    "role_phrase",
    "self_attributed",
]

# Adjectives for the outlet countries a bulletin most often meets; others fall back to the
# desk's country terms or to the outlets' names.
DEMONYMS = {
    "AE": "Emirati", "AF": "Afghan", "AM": "Armenian", "AZ": "Azerbaijani", "BH": "Bahraini",
    "CN": "Chinese", "DE": "German", "EG": "Egyptian", "FR": "French", "GB": "British",
    "IL": "Israeli", "IN": "Indian", "IQ": "Iraqi", "IR": "Iranian", "JO": "Jordanian",
    "KW": "Kuwaiti", "LB": "Lebanese", "LY": "Libyan", "OM": "Omani", "PK": "Pakistani",
    "PS": "Palestinian", "QA": "Qatari", "RU": "Russian", "SA": "Saudi", "SY": "Syrian",
    "TR": "Turkish", "UA": "Ukrainian", "US": "American", "YE": "Yemeni",
}  # fmt: skip

# Mentions that stand for a name without being one: "he", "the ambassador".
_REFERRING = ("coreference", "nominal")
# How a bulletin introduces a single outlet's report, by the kind of outlet.
_PREPOSITION = {"tv": "on", "website": "on", "telegram": "on", "newspaper": "in"}

_VERBS = (
    r"(?:has\s+|have\s+|had\s+)?(?:reported|reports|said|says|noted|added|wrote|writes|stated|"
    r"learned|learnt|announced|quoted|cited|told|confirmed|claimed|revealed|disclosed)"
)
_GENERIC = (
    r"(?:it|reports|media\s+reports|the\s+(?:news\s+)?(?:agency|report|reports|website|site|"
    r"channel|newspaper|paper|outlet|station|network|broadcaster))"
)
_BACK_SOURCE = r"(?:the\s+(?:same\s+)?(?:source|sources|informed\s+source|official\s+source))"
# Connectors that only join this sentence to the one before: cut when it is not there.
_CONNECTORS = re.compile(
    r"^(?:Meanwhile|In addition|Moreover|Furthermore|Also|Separately|Besides|Likewise|"
    r"Similarly|Additionally|At the same time|Later|Earlier|For (?:his|her|its|their) part)"
    r"\s*,\s*"
)
# Connectors whose sentence argues from the one before: it cannot stand without it.
_DEPENDENT = re.compile(
    r"^(?:However|Instead|Nevertheless|Nonetheless|Still|Therefore|Thus|Hence|Consequently|"
    r"Accordingly|In turn|Otherwise|Rather|In response|As a result|By contrast|But|And|Yet|So)"
    r"\b"
)
# Openings that point back at something the reader of the bullet has not seen.
_ANAPHORA = re.compile(
    r"^(?:This|These|That|Those|Such|The two|Both|The latter|The former|The same|Another|"
    r"It|They|Their|Its|Them|We|Our|The other)\b"
)
_COMMON_STARTS = frozenset(
    [
        "a",
        "an",
        "the",
        "in",
        "on",
        "at",
        "during",
        "after",
        "before",
        "since",
        "following",
        "last",
        "this",
        "that",
        "these",
        "those",
        "while",
        "when",
        "as",
        "amid",
        "despite",
        "according",
        "over",
        "under",
        "about",
        "some",
        "many",
        "several",
        "senior",
        "local",
        "military",
        "security",
        "preparations",
        "officials",
        "an",
        "earlier",
        "later",
        "recently",
        "meanwhile",
    ]
)


@dataclass(frozen=True)
class Edit:
    """One change to an article span: [start, end) of the article becomes ``text``."""

    start: int
    end: int
    text: str = ""  # "" cuts the span
    kind: str = "cut"  # cut | name | pronoun | attribution | case
    entity_id: str | None = None


@dataclass
class SentenceContext:
    """What compressing one sentence needs to know about the bullet around it."""

    article: Article
    annotated: Annotated | None
    outlet: Outlet | None
    first: bool = False  # the bullet's first sentence
    adjacent: bool = False  # follows its own predecessor in the article
    prefix: str = ""  # dragoman's attribution, for the first sentence only
    attribute: bool = False  # the bullet must say who reported it (prefix or own words)
    named: set[str] = field(default_factory=set)  # people already printed by name
    roles: Mapping[str, str] = field(default_factory=dict)  # entity id -> role phrase
    names: Mapping[str, str] = field(default_factory=dict)  # entity id -> full name


def demonym(country: str, country_terms: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """The adjective of a country code ("SY" -> "Syrian"), or None when unknown."""
    code = country.upper()
    if code in DEMONYMS:
        return DEMONYMS[code]
    for term in (country_terms or {}).get(code, ()):
        # A desk's terms list the adjective beside the name: "Iran", "Iranian", ...
        if re.fullmatch(r"[A-Z][a-z]+(?:ian|ean|an|ese|ish|i|ic)", term):
            return term
    return None


def outlet_aliases(outlet: Outlet | None, outlet_id: str = "") -> list[str]:
    """The forms an article may use to name its own outlet, longest first."""
    forms: set[str] = set()
    names = [outlet.name, *outlet.citation_names] if outlet is not None else []
    for name in [*names, outlet_id]:
        name = " ".join(name.split())
        if len(name) < 2:
            continue
        forms.add(name)
        bare = re.sub(
            r"^the\s+(?:newspaper\s+|website\s+|channel\s+)?", "", name, flags=re.IGNORECASE
        )
        forms.add(bare)
        # "the Turkish Anadolu Agency" is "Anadolu Agency" in its own copy
        forms.add(re.sub(r"^(?:[A-Z][a-z]+\s+)(?=[A-Z])", "", bare))
        forms.add(re.sub(r"\s+(?:News\s+Agency|Agency|News|TV)$", "", bare))
    return sorted((f for f in forms if len(f) >= 2), key=len, reverse=True)


def _alias_pattern(aliases: Sequence[str]) -> str:
    if not aliases:
        return r"(?!x)x"
    names = "|".join(re.escape(a) for a in aliases)
    return (
        rf"(?:the\s+)?(?:{names})(?:\s+(?:News(?:\s+Agency)?|Agency|TV|Online|website|channel|"
        rf"newspaper|news\s+website))?"
    )


@dataclass(frozen=True)
class _Patterns:
    own: str  # the article's outlet, by any of its names
    speaker: str  # the outlet itself or a generic stand-in for it
    trailing: re.Pattern[str]
    inverted: re.Pattern[str]
    leading: re.Pattern[str]
    according: re.Pattern[str]
    middle: re.Pattern[str]
    speaking: re.Pattern[str]
    back_said: re.Pattern[str]


def _patterns(outlet: Outlet | None, outlet_id: str) -> _Patterns:
    own = _alias_pattern(outlet_aliases(outlet, outlet_id))
    staff = r"(?:correspondents?|reporters?|sources|team|office)"
    speaker = rf"(?:{_GENERIC}|{own}(?:['’]s\s+{staff}(?:\s+[^,;:]{{0,80}}?)?)?)"
    told = rf"(?:{_BACK_SOURCE}\s+{_VERBS}\s+{own})"
    time = r"(?:\s+(?:on|in|late|early|this|last)\s+[\w ,]{1,30}?|\s+today|\s+yesterday)?"
    tail = (
        rf"{time}(?:\s+(?:on\s+condition\s+of\s+anonymity[^,;:]*?|in\s+a\s+statement|"
        rf"on\s+its\s+(?:website|telegram\s+channel)|in\s+a\s+report))?"
    )
    end = r"(?=\s*[.!?][\"”’']?\s*$)"
    return _Patterns(
        own=own,
        speaker=speaker,
        trailing=re.compile(rf",\s+(?:(?:{speaker})\s+{_VERBS}|{told}){tail}{end}", re.IGNORECASE),
        inverted=re.compile(rf",\s+{_VERBS}\s+(?:{speaker}){tail}{end}", re.IGNORECASE),
        leading=re.compile(rf"^(?:{speaker})\s+{_VERBS}{time}(?:\s+that)?[,:]?\s+", re.IGNORECASE),
        according=re.compile(
            rf"^According\s+to\s+(?:{speaker}|{_BACK_SOURCE}){time}\s*,\s*"
            rf"|,\s+according\s+to\s+(?:{speaker}|{_BACK_SOURCE}){time}{end}",
            re.IGNORECASE,
        ),
        middle=re.compile(
            rf",\s+(?:{speaker}|{_BACK_SOURCE})\s+{_VERBS}{time},(?=\s)", re.IGNORECASE
        ),
        speaking=re.compile(
            rf"^Speaking\s+(?:to|with)\s+(?:an?\s+|the\s+)?{own}(?:['’]s)?"
            rf"(?:\s+(?:correspondent|reporter|journalist)s?)?{time}\s*,\s*",
            re.IGNORECASE,
        ),
        back_said=re.compile(rf"^{_BACK_SOURCE}\s+{_VERBS}{time}(?:\s+that)?\s+", re.IGNORECASE),
    )


_CACHE: dict[tuple[str, str], _Patterns] = {}


def _patterns_for(outlet: Outlet | None, outlet_id: str) -> _Patterns:
    key = (outlet.to_dict().__repr__() if outlet is not None else "", outlet_id)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = _patterns(outlet, outlet_id)
    return _CACHE[key]


def self_attributed(text: str, outlet: Outlet | None, outlet_id: str = "") -> bool:
    """True when a sentence's own words say who reported it ("…, an Arab source told N12")."""
    pats = _patterns_for(outlet, outlet_id)
    if re.search(r"\baccording to\b", text, re.IGNORECASE):
        return True
    if re.search(rf"\b{_VERBS}\s+(?:{pats.own})\b", text, re.IGNORECASE):
        return True
    return bool(re.search(rf"(?:{pats.own})\s+{_VERBS}\b", text, re.IGNORECASE))


def attribution_prefix(
    outlets: Sequence[Outlet],
    involves: Iterable[str],
    reports: int = 1,
    country_terms: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """dragoman's words introducing a bullet from these independent outlets, or "".

    Nothing is added when every outlet comes from a country the arena involves: its own
    side speaking about itself, which the citation attributes. An outlet of unknown country
    is not known to be that side, so it is named.
    """
    if not outlets:
        return ""
    own = {c.upper() for c in involves}
    if own and all(o.country.upper() in own for o in outlets):
        return ""
    if len(outlets) == 1:
        outlet = outlets[0]
        prep = _PREPOSITION.get(outlet.kind, "by")
        noun = "a report" if reports <= 1 else "reports"
        return f"According to {noun} {prep} {outlet.name}, "
    adjectives: list[str] = []
    for o in outlets:
        adj = demonym(o.country, country_terms) if o.country else None
        if adj is None:
            names = _and([o.name for o in outlets])
            return f"{names[:1].upper()}{names[1:]} reported that "
        if adj not in adjectives:
            adjectives.append(adj)
    return f"{_and(adjectives)} sources reported that "


def _and(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def role_phrase(
    entity: Entity | None, on: date | None, country_terms: Mapping[str, Sequence[str]] | None = None
) -> str:
    """A desk role of a person valid on a day, written for apposition, or ""."""
    if entity is None:
        return ""
    for raw in entity.attributes.get("roles") or ():
        if not isinstance(raw, Mapping):
            continue
        title = " ".join(str(raw.get("title") or "").split())
        org = " ".join(str(raw.get("organization") or "").split())
        posting = " ".join(str(raw.get("posting") or "").split())
        start, end = raw.get("start"), raw.get("end")
        if on is not None and (
            (start and str(start)[:10] > on.isoformat()) or (end and str(end)[:10] < on.isoformat())
        ):
            continue
        if not title:
            continue
        code = _country_code(org, country_terms)
        if code is not None:
            adj = demonym(code, country_terms)
            words = f"{adj} {title}" if adj else f"{title} of {org}"
            where = ""
            if posting:
                where = f" to {posting}" if "ambassador" in title.lower() else f" in {posting}"
            return f"the {words}{where}"
        if org:
            lead = "" if org.lower().startswith("the ") else "the "
            return f"{title} of {lead}{org}"
        return title
    return ""


def _country_code(name: str, country_terms: Mapping[str, Sequence[str]] | None) -> str | None:
    if not name:
        return None
    for code, terms in (country_terms or {}).items():
        if terms and name.casefold() == str(terms[0]).casefold():
            return code
    for code, adj in DEMONYMS.items():
        # "Syria" for "Syrian", "Iran" for "Iranian", "Iraq" for "Iraqi"
        if adj.casefold().startswith(name.casefold()) and len(name) >= 4:
            return code
    return None


def usable_role(role: str | None) -> bool:
    """True for a role that reads on its own ("commander of the Quds Force"), not "the envoy"."""
    if not role:
        return False
    words = role.split()
    if len(words) < 2 or words[0].lower() in ("who", "which", "that", "a", "an", "the"):
        return False
    # "executive director of the chamber": the chamber was named earlier in the article
    if re.search(r"\bthe\s+[a-z][\w'-]*$", role):
        return False
    # "Mehr correspondent on Tuesday": the extractor took the reporter's words for a title
    if re.search(r"\b(?:on|correspondent|reporter|told|said)\b|day\b", role):
        return False
    # "… ties between Iran": the mention stopped at a comma of "Iran, Syria and Iraq"
    return not re.search(r"\bbetween\s+(?!.*\band\b)", role)


def apply_edits(ref: SentenceRef, article_text: str, edits: Sequence[Edit]) -> SentenceRef:
    """The sentence with these edits made, its kept spans and replacements recorded."""
    start, end = ref.start, ref.end
    ordered = sorted(edits, key=lambda e: (e.start, e.end != e.start, e.end))
    kept: list[tuple[int, int]] = []
    written: list[str] = []
    replacements: list[Replacement] = []
    pos = start
    length = 0
    for ed in ordered:
        if ed.start < pos or ed.end > end:
            continue  # overlaps an earlier edit: the first one wins
        if ed.start > pos:
            kept.append((pos, ed.start))
            written.append(article_text[pos : ed.start])
            length += ed.start - pos
        if ed.text:
            replacements.append(
                Replacement(
                    length,
                    length + len(ed.text),
                    article_text[ed.start : ed.end],
                    ed.kind,
                    ed.entity_id,
                )
            )
            written.append(ed.text)
            length += len(ed.text)
            if ed.end > ed.start:
                kept.append((ed.start, ed.end))
        pos = ed.end
    if pos < end:
        kept.append((pos, end))
        written.append(article_text[pos:end])
    parts: list[tuple[int, int]] = []
    for s, e in kept:
        if parts and parts[-1][1] == s:
            parts[-1] = (parts[-1][0], e)
        elif e > s:
            parts.append((s, e))
    text = "".join(written)
    if text == ref.text:
        return ref
    return ref.replace(written=text, parts=tuple(parts), replacements=tuple(replacements))


def _first_word(text: str, pos: int) -> str:
    m = re.match(r"[\w'’-]+", text[pos:])
    return m.group(0) if m else ""


def _lowercase_ok(word: str, text: str, lowers: frozenset[str]) -> bool:
    if not word or not word[0].isupper() or word.isupper() and len(word) > 1:
        return False
    low = word.lower()
    return low in _COMMON_STARTS or low in lowers


def _short_name(name: str) -> str:
    words = name.split()
    return words[-1] if words else name


def compress(
    ref: SentenceRef, ctx: SentenceContext, lowers: frozenset[str] = frozenset()
) -> SentenceRef | None:
    """The sentence as the bullet prints it, or None when it cannot stand where it is."""
    text = ctx.article.text or ""
    s, e = ref.start, ref.end
    body = text[s:e]
    pats = _patterns_for(ctx.outlet, ctx.article.outlet_id)
    cuts: list[Edit] = []
    lead = s  # where the printed sentence starts, after leading cuts

    def cut_lead(length: int) -> None:
        nonlocal lead
        cuts.append(Edit(lead, lead + length))
        lead += length

    # The bullet's attribution may rest on this sentence's own words: then they stay.
    keep_own = ctx.first and ctx.attribute and not ctx.prefix
    # Connectors and back-references at the start lose their meaning out of their place.
    m = _CONNECTORS.match(text[lead:e])
    if m and (ctx.first or not ctx.adjacent):
        cut_lead(m.end())
    if not keep_own:
        for pat in (pats.speaking, pats.back_said, pats.according, pats.leading):
            m = pat.match(text[lead:e])
            # "Tasnim reported that …": the citation says so already.
            if m and m.end() > 0 and e - (lead + m.end()) > 20:
                cut_lead(m.end())
    rest = text[lead:e]
    if (_ANAPHORA.match(rest) or _DEPENDENT.match(rest)) and not ctx.adjacent:
        return None
    if not keep_own:
        for pat in (pats.trailing, pats.inverted, pats.according):
            found = [x for x in pat.finditer(rest) if x.start() > 0]
            if found:
                cuts.append(Edit(lead + found[-1].start(), lead + found[-1].end()))
                break
        for m in pats.middle.finditer(rest):
            cuts.append(Edit(lead + m.start(), lead + m.end()))

    def is_cut(a: int, b: int) -> bool:
        return any(c.start <= a and b <= c.end for c in cuts) or a < lead

    subs: list[Edit] = []
    mentions = ctx.annotated.mentions if ctx.annotated is not None else ()
    people = sorted(
        (m for m in mentions if m.label == "PERSON" and s <= m.start < m.end <= e),
        key=lambda m: m.start,
    )
    named_here = False  # a person named earlier in this very sentence
    for mention in people:
        if is_cut(mention.start, mention.end):
            continue
        sub = _name_edit(mention, ctx, text, lead, named_here)
        by_name = mention.source not in _REFERRING or sub is not None
        named_here = named_here or by_name
        if sub is not None:
            subs.append(sub)
        elif mention.source == "coreference" and mention.start == lead and not ctx.adjacent:
            return None  # "He said …" after someone else's words: whose words?
        if mention.entity_id and by_name:
            ctx.named.add(mention.entity_id)
    # A pronoun opening the sentence with no person of its own left unresolved: drop it.
    if (
        not ctx.adjacent
        and re.match(r"(?:He|She|His|Her)\b", text[lead:e])
        and not any(sub.start == lead for sub in subs)
    ):
        return None
    edits = cuts + subs
    starts_with_sub = any(sub.start == lead for sub in subs)
    first_char = text[lead : lead + 1]
    if ctx.first and ctx.prefix:
        edits.append(Edit(lead, lead, ctx.prefix, "attribution"))
        word = _first_word(text, lead)
        named_start = any(m.start == lead for m in mentions)
        if not starts_with_sub and not named_start and _lowercase_ok(word, body, lowers):
            edits.append(Edit(lead, lead + 1, first_char.lower(), "case"))
    elif first_char.islower() and not starts_with_sub:
        edits.append(Edit(lead, lead + 1, first_char.upper(), "case"))
    return apply_edits(ref, text, edits)


def _name_edit(
    mention: Mention, ctx: SentenceContext, text: str, lead: int, named_here: bool = False
) -> Edit | None:
    """A full name (and role) for a pronoun or bare surname at a person's first mention."""
    ident = mention.entity_id
    full = ctx.names.get(ident or "", "")
    if not ident or not full:
        return None
    surface = text[mention.start : mention.end]
    low = surface.lower()
    at_start = mention.start == lead
    if mention.source == "coreference":
        if low not in ("he", "she"):
            return None  # "they", "we": a group's name rarely fits the verb's number
        if ctx.adjacent or named_here:
            return None  # the name was just printed: the pronoun reads as in the article
        name = _short_name(full) if ident in ctx.named else full
        role = ctx.roles.get(ident, "") if ident not in ctx.named and at_start else ""
        shown = f"{name}, {role}," if role and _subject(text, mention.end) else name
        return Edit(mention.start, mention.end, shown, "pronoun", ident)
    if ident in ctx.named:
        return None
    if mention.source == "nominal":
        # "The ambassador urged …" opening a bullet: say which ambassador.
        if not at_start or ctx.adjacent or len(full.split()) < 2 or "@" in ident:
            return None
        role = ctx.roles.get(ident, "")
        shown = f"{full}, {role}," if role and _subject(text, mention.end) else full
        return Edit(mention.start, mention.end, shown, "name", ident)
    words = surface.split()
    full_words = full.split()
    if len(words) != 1 or len(full_words) < 2 or surface.casefold() == full.casefold():
        return None
    if surface.casefold() not in {w.casefold() for w in full_words} and not any(
        w.casefold().endswith(surface.casefold().lstrip("al-")) for w in full_words[-1:]
    ):
        return None
    role = ctx.roles.get(ident, "") if at_start else ""
    shown = f"{full}, {role}," if role and _subject(text, mention.end) else full
    return Edit(mention.start, mention.end, shown, "name", ident)


def _subject(text: str, end: int) -> bool:
    """True when a name is followed by its verb ("Soleimani met"), so an apposition fits."""
    return re.match(r" [a-z]", text[end : end + 2]) is not None
