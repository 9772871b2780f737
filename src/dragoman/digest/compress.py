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
    "has_finite_verb",
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


# Finite verbs without a parser: auxiliaries and modals, common irregular past forms, and
# regular past forms where a noun phrase cannot be read instead. Missing a verb only keeps
# a clause that could have been cut; taking a noun for a verb could leave a fragment, so
# every rule errs towards "no verb here".
_AUXILIARIES = frozenset(
    [
        "am",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "hasn't",
        "haven't",
        "hadn't",
        "doesn't",
        "didn't",
        "won't",
        "wouldn't",
        "can't",
        "cannot",
        "couldn't",
        "shouldn't",
        "mustn't",
    ]
)
_IRREGULAR_PAST = frozenset(
    [
        "said",
        "told",
        "met",
        "held",
        "made",
        "took",
        "gave",
        "went",
        "came",
        "sent",
        "led",
        "left",
        "saw",
        "got",
        "brought",
        "bought",
        "built",
        "kept",
        "found",
        "began",
        "became",
        "won",
        "lost",
        "paid",
        "struck",
        "fought",
        "spoke",
        "wrote",
        "ran",
        "rose",
        "fell",
        "stood",
        "thought",
        "felt",
        "meant",
        "sought",
        "taught",
        "caught",
        "drew",
        "flew",
        "grew",
        "knew",
        "threw",
        "chose",
        "broke",
        "stole",
        "hid",
        "bore",
        "swore",
        "tore",
        "wore",
        "shot",
        "fled",
        "fed",
        "dealt",
        "lent",
        "spent",
        "sold",
        "heard",
        "understood",
        "withdrew",
        "undertook",
        "overtook",
        "arose",
        "sank",
        "sang",
        "slew",
        "spun",
        "sprang",
        "stuck",
        "stung",
        "strove",
        "swept",
        "swung",
        "woke",
        "forbade",
        "forgave",
        "foresaw",
        "overcame",
        "overthrew",
        "upheld",
        "withheld",
    ]
)
# Present forms common in reports whose -s cannot be a plural noun's after a name.
_PRESENT = frozenset(
    [
        "says",
        "tells",
        "adds",
        "notes",
        "claims",
        "insists",
        "believes",
        "wants",
        "needs",
        "seeks",
        "plans",
        "aims",
        "remains",
        "continues",
        "hopes",
        "expects",
        "intends",
        "warns",
        "urges",
        "faces",
        "offers",
        "holds",
        "leads",
        "opposes",
        "supports",
        "rejects",
        "denies",
        "accuses",
        "threatens",
        "considers",
        "includes",
        "stresses",
        "argues",
        "sees",
        "knows",
        "lies",
        "stands",
        "runs",
        "hosts",
        "controls",
    ]
)
_PREPOSITIONS = frozenset(
    [
        "to",
        "of",
        "for",
        "with",
        "by",
        "from",
        "in",
        "on",
        "at",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "against",
        "between",
        "among",
        "near",
        "across",
        "along",
        "through",
        "during",
    ]
)
_NOT_AFTER = _PREPOSITIONS | frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
        "our",
        "my",
        "your",
        "whose",
    ]
)
# Where a subordinate clause starts; its verbs do not make the main clause whole.
_SUBORDINATE = frozenset(
    [
        "who",
        "whom",
        "whose",
        "which",
        "where",
        "while",
        "when",
        "whenever",
        "if",
        "because",
        "although",
        "though",
        "unless",
        "until",
        "whereas",
    ]
)

# The verbs a clause of attribution is built on, whoever the speaker.
_SPEECH = (
    r"(?:told|said|says|reported|reports|stated|added|noted|confirmed|claimed|revealed|"
    r"disclosed|explained|announced|wrote|quoted)"
)
# Only these can come before their subject ("…, said Tasnim."); "…, told IRNA" never
# inverts: its subject is the name before the comma, and cutting it leaves that name alone.
_INVERTIBLE = frozenset(
    [
        "said",
        "says",
        "reported",
        "reports",
        "wrote",
        "writes",
        "added",
        "noted",
        "stated",
        "announced",
        "claimed",
    ]
)
# Who heard the words: an outlet, reporters, a correspondent ("told Alsumaria News").
_HEARD = r"(?:[A-Z0-9][\w'’.&-]*|reporters?|journalists?|media|correspondents?|news|agency|channel|website|TV)"
_HEARER = rf"(?:\s+(?:to\s+)?(?:(?:the|an?|its)\s+)?{_HEARD}(?:\s+{_HEARD}){{0,5}})?"
# A speaker the bulletin's own "… sources reported that" can stand for: unnamed sources.
_ANONYMOUS = re.compile(
    r"\b(?:sources?|insiders?|residents?|activists?|witnesses|eyewitnesses|observers|"
    r"informants?|locals|people\s+(?:close|familiar))\b|^(?:an?|some|several|two|three|"
    r"many|other)\s+(?:[\w-]+\s+){0,3}officials?\b|^(?:[\w-]+\s+){0,3}officials\b",
    re.IGNORECASE,
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
    sourced: tuple[re.Pattern[str], ...]  # "…, <anyone> told <outlet>." and its inversions


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
    who = r"[^,;:\"“”]{2,100}?"
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
        sourced=(
            re.compile(rf",\s+(?P<who>{who})\s+(?P<verb>{_SPEECH}){_HEARER}{tail}{end}"),
            re.compile(rf",\s+(?P<verb>{_SPEECH})\s+(?P<who>{who}){tail}{end}"),
            re.compile(rf",\s+according\s+to\s+(?P<who>{who}){tail}{end}", re.IGNORECASE),
        ),
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


def reporting_outlets(outlets: Sequence[Outlet]) -> list[Outlet]:
    """The outlets that report a story, leaving out groups' own channels (``voice: party``).

    A militia's channel speaks for itself: the citation names it, but it is not one of the
    "Syrian and Turkish sources" that reported the development, unless only such channels
    carry the story.
    """
    media = [o for o in outlets if o.voice != "party"]
    return media if media else list(outlets)


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


def _lowercase_ok(word: str, lowers: frozenset[str]) -> bool:
    if not word or not word[0].isupper() or (word.isupper() and len(word) > 1):
        return False
    low = word.lower()
    return low in _COMMON_STARTS or low in lowers


def _short_name(name: str) -> str:
    words = name.split()
    return words[-1] if words else name


def has_finite_verb(text: str) -> bool:
    """True when the main clause of a text plainly has a finite verb; False when unsure.

    No parse is at hand, so this reads words: auxiliaries and modals, common irregular
    past forms, regular past and present forms in a verb's place (not after "the", "to" or
    a preposition, not opening a comma-separated phrase, not before "by"). Words inside a
    subordinate clause ("who …", "which …", "that …") up to its comma do not count.
    """
    # A bracket is an aside: "… Corps (IRGC) visited …" reads on without it.
    plain = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)
    for piece_no, piece in enumerate(re.split(r"[,;:()\[\]–—]|\s-\s", plain)):
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", piece)
        for i, raw in enumerate(words):
            word = raw.replace("’", "'")
            low = word.lower()
            if low in _SUBORDINATE or (low == "that" and i > 0):
                break  # the rest of this phrase belongs to a subordinate clause
            if word != low:
                continue  # "May", "United", "Will": a name or a title, not a verb here
            prev = words[i - 1].lower().replace("’", "'") if i else ""
            following = words[i + 1].lower() if i + 1 < len(words) else ""
            if low in _AUXILIARIES and prev != "to":
                return True
            if low in _IRREGULAR_PAST and prev not in _NOT_AFTER:
                return True
            if "-" in low or (prev in _NOT_AFTER and i > 0) or prev.endswith("'s"):
                continue
            if i == 0 and (piece_no == 0 or following in _PREPOSITIONS):
                # "Backed by Iran, …", "…, stationed in Albu Kamal": a participle's phrase;
                # "…, the commander, visited the area" is the sentence's verb.
                continue
            if following == "by":
                continue
            if (low.endswith("ed") and len(low) >= 5) or low in _PRESENT:
                return True
    return False


def _anonymous(who: str, start: int, end: int, mentions: Sequence[Mention]) -> bool:
    """True for a speaker that names no one ("sources inside the militias")."""
    if any(m.label == "PERSON" and m.start < end and start < m.end for m in mentions):
        return False
    return bool(_ANONYMOUS.search(who.strip()))


def _own_attribution(
    text: str, lead: int, e: int, pats: _Patterns
) -> tuple[re.Match[str], int] | None:
    """The clause at the end of a sentence that says who told the outlet, and where it starts.

    "…, sources inside the militias told DeirEzzor24.", "…, said a source in Anbar.",
    "…, according to a security official."; the speaker may be anyone.
    """
    rest = text[lead:e]
    for pat in pats.sourced:
        found = [m for m in pat.finditer(rest) if m.start() > 0]
        if not found:
            continue
        m = found[-1]
        who = m["who"].strip()
        first = who.split()[0].lower() if who.split() else ""
        if len(who.split()) > 12 or first in _SUBORDINATE or first in ("and", "but", "as"):
            continue
        if has_finite_verb(who):
            continue  # "…, the minister said the deal was signed": a clause, not a source
        verb = m.groupdict().get("verb")
        if verb is not None and pat is pats.sourced[1] and verb.lower() not in _INVERTIBLE:
            continue
        return m, lead + m.start()
    return None


def _keeps_capital(
    word: str, at: int, mentions: Sequence[Mention], entities: Mapping[str, Entity]
) -> bool | None:
    """Whether a sentence's first word is a proper noun; None when only the word can tell."""
    if word == "I" or re.match(r"[A-Z]{2}", word) or re.match(r"[A-Z][a-z]*[A-Z]", word):
        return True  # "I", "IRGC's", "US-backed", "McDonald"
    for m in mentions:
        if m.start != at or m.label in ("ROLE", "DATE", "MONEY"):
            continue
        if m.source in _REFERRING:
            continue  # "The commander …", "He": a description or a pronoun, no name
        if word.lower() in ("the", "a", "an"):
            # "The Hague" keeps its article; "the Islamic Republic" does not need it.
            entity = entities.get(m.entity_id or "")
            if entity is None or not entity.name.startswith(word + " "):
                continue
        return True
    return None


def compress(
    ref: SentenceRef, ctx: SentenceContext, lowers: frozenset[str] = frozenset()
) -> SentenceRef | None:
    """The sentence as the bullet prints it, or None when it cannot stand where it is.

    Every cut of attribution is checked: what is left must still hold a finite verb of its
    own, so "…, Naser Behzad, told IRNA on Monday." keeps "told IRNA" (it is the sentence's
    verb). When dragoman's own attribution opens the bullet, a closing clause that names the
    sentence's source ("…, sources inside the militias told DeirEzzor24.") is cut when its
    speaker is unnamed and the rest stands; otherwise the sentence keeps its own words and
    gets no lead-in, so no sentence says twice who reported it.
    """
    text = ctx.article.text or ""
    s, e = ref.start, ref.end
    pats = _patterns_for(ctx.outlet, ctx.article.outlet_id)
    mentions = ctx.annotated.mentions if ctx.annotated is not None else ()
    prefix = ctx.prefix if ctx.first else ""
    cuts: list[Edit] = []
    lead = s  # where the printed sentence starts, after leading cuts

    def leading(keep_own: bool) -> int:
        """Cut connectors and the outlet's own framing at the start; the new start."""
        pos = s
        m = _CONNECTORS.match(text[pos:e])
        if m and (ctx.first or not ctx.adjacent):
            cuts.append(Edit(pos, pos + m.end()))
            pos += m.end()
        if not keep_own:
            for pat in (pats.speaking, pats.back_said, pats.according, pats.leading):
                m = pat.match(text[pos:e])
                # "Tasnim reported that …": the citation says so already.
                if (
                    m
                    and m.end() > 0
                    and e - (pos + m.end()) > 20
                    and has_finite_verb(text[pos + m.end() : e])
                ):
                    cuts.append(Edit(pos, pos + m.end()))
                    pos += m.end()
        return pos

    sourced = _own_attribution(text, s, e, pats) if prefix else None
    lead = leading(keep_own=ctx.first and ctx.attribute and not prefix)
    if sourced is not None:
        match, at = sourced
        who_start = at + match.start("who") - match.start()
        safe = (
            at > lead
            and _anonymous(match["who"], who_start, who_start + len(match["who"]), mentions)
            and has_finite_verb(text[lead:at])
        )
        if safe:
            cuts.append(Edit(at, at + match.end() - match.start()))
        else:
            # The sentence says who told whom in its own words: they stay, and no lead-in.
            prefix = ""
            cuts.clear()
            lead = leading(keep_own=ctx.first and ctx.attribute)
    keep_own = ctx.first and ctx.attribute and not prefix
    rest = text[lead:e]
    if (_ANAPHORA.match(rest) or _DEPENDENT.match(rest)) and not ctx.adjacent:
        return None
    if not keep_own:
        for pat in (pats.trailing, pats.inverted, pats.according):
            found = [x for x in pat.finditer(rest) if x.start() > 0]
            if not found:
                continue
            x = found[-1]
            verb = re.match(rf",\s+({_VERBS})\b", x.group(0), re.IGNORECASE)
            if pat is pats.inverted and (
                verb is None or verb.group(1).split()[-1].lower() not in _INVERTIBLE
            ):
                continue  # "…, Naser Behzad, told IRNA": "told" is the sentence's verb
            if pat is pats.inverted and any(
                m.label == "PERSON" and m.end == lead + len(rest[: x.start()].rstrip())
                for m in mentions
            ):
                continue  # "…, Naser Behzad, said IRNA": the name is the verb's subject
            if has_finite_verb(rest[: x.start()]) and not any(
                c.start <= lead + x.start() < c.end for c in cuts
            ):
                cuts.append(Edit(lead + x.start(), lead + x.end()))
            break
        for m in pats.middle.finditer(rest):
            kept = rest[: m.start()] + rest[m.end() :]
            if has_finite_verb(kept) and not any(
                c.start < lead + m.end() and lead + m.start() < c.end for c in cuts
            ):
                cuts.append(Edit(lead + m.start(), lead + m.end()))

    def is_cut(a: int, b: int) -> bool:
        return any(c.start <= a and b <= c.end for c in cuts) or a < lead

    subs: list[Edit] = []
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
    if prefix:
        edits.append(Edit(lead, lead, prefix, "attribution"))
        word = _first_word(text, lead)
        entities = {x.id: x for x in ctx.annotated.entities} if ctx.annotated else {}
        proper = _keeps_capital(word, lead, mentions, entities)
        if proper is None:
            # No name starts here: a word the articles also write in lower case, or one
            # of the usual openings, is a common word ("The", "Preparations").
            proper = not _lowercase_ok(word, lowers)
        if not starts_with_sub and not proper and first_char.isupper():
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
