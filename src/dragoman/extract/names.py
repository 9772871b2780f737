"""Names: one comparable form for the many spellings of a transliterated name, and a matcher.

Two levels of folding:

* ``normalize_name`` is an index key. Case, accents, ayn/hamza marks, Arabic articles,
  doubled letters and the listed spelling variants are folded, so equal keys mean "same
  name". The resolver and the gazetteer index by it.
* ``same_name`` decides the cases one key cannot. It spells each word of both names by
  sound (q/gh/k, dh/z/d, th/s/t, w/v, ai/ei/ay, ou/u, final -eh/-ah, -ullah/-ollah, Abu/Bu,
  Abdul/Abd al-) and pairs the words of the two names in order. Paired words must have the
  same consonants; vowels may differ only where transliterations disagree (e/a, e/i,
  diphthong or not), and a vowel written on one side only never matches (Hossein/Hosseini,
  Nasr/Nasser), save one first-syllable case (Sweida/Suwayda). A word may pair with two
  joined words ("Abu Kamal"/"Bukamal"), but every word must find its partner: a given name
  alone never matches a full name.
* ``loose_key`` is a coarse key (the consonants) shared by any two names ``same_name``
  accepts, for finding candidates before checking them.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "loose_key",
    "name_tokens",
    "normalize_name",
    "same_name",
    "slugify",
    "strip_accents",
]

# Apostrophe-like marks that transliterations use for ayn and hamza, plus quotes.
_MARKS = "'’‘ʿʾʼ`´′\"“”"
_MARK_RE = re.compile("[" + _MARKS + "]")
_POSSESSIVE = re.compile(r"[" + _MARKS + r"]s$")
# Letters of scholarly romanisation that stand for two letters in news spelling.
_SCHOLARLY = str.maketrans(
    {
        "š": "sh",
        "ḫ": "kh",
        "ẖ": "kh",
        "ṯ": "th",
        "ḏ": "dh",
        "ǧ": "j",
        "ġ": "gh",
        "č": "ch",
        "ž": "zh",
    }
)
# Persian ezafe joined by a hyphen: "Sepah-e Pasdaran", "Velayat-e Faqih".
_EZAFE = re.compile(r"(?<=\w)-y?e\b")
_ARTICLE = re.compile(
    r"\b(?:al|el|ad|ed|as|es|ash|esh|an|en|ar|er|at|et|az|ez|ud|ul|un|ut|ol)-(?=\w)"
)
_ARTICLE_SPACED = re.compile(r"(?:^|(?<=\s))(?:al|el)\s+(?=\w)")
# A sun-letter article written apart takes the first consonant of its noun: "Dayr az Zawr".
_SUN_SPACED = re.compile(r"(?:^|(?<=\s))[aeu](sh|[tdrzsnl])\s+(?=\1)")
_LEADING_THE = re.compile(r"^(?:the)\s+")
_NON_WORD = re.compile(r"[^\w\s]+")
_DOUBLE = re.compile(r"(\w)\1+")

# --- sound spelling (same_name, loose_key) ---------------------------------------------------
_ALLAH = re.compile(r"(?<=[a-z])[aeiou]lah")  # Nasrullah, Nasrollah, Nasrallah: one ending
_ALLAH_H = re.compile(r"alah(?![aeiou])")  # the h of Allah is silent inside words: Allahdadi
_ABD = re.compile(r"^abd[aeiu]l(?!ah)(?=[a-z]{3})")  # Abdulaziz, Abdelaziz: Abd + Aziz
_ABD_ALONE = frozenset({"abdel", "abdul", "abdal", "abd"})
_DIN = re.compile(r"^(?P<base>[a-z]{3,}?)(?:[ue]|[aue]l)(?P<din>d(?:in|ine))$")  # Salahuddin
_SUN_ATTACHED = re.compile(r"^[aeiu]([tdrzsnl])\1(?=[a-z]{2})")  # "Ezzor" = "ez-Zor"
_DIGRAPHS = (
    ("kh", "x"),
    ("gh", "q"),
    ("sh", "$"),
    ("ch", "C"),
    ("th", "T"),
    ("dh", "D"),
    ("zh", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("ck", "q"),
    ("k", "q"),
    ("c", "q"),  # Lebanese and French spelling: Wafic, Baalbeck
)
_FINAL_H = re.compile(r"(?<=[aeiou])h$")  # Raqqah/Raqqa, Fatemeh/Fatima
_VOWELS = frozenset("aeiou")
_SOUND_VOWELS = frozenset("aeiu")
# Consonants that one letter is written with: dh for d or z, th for t or s, and jim as g in
# Egyptian and Lebanese spelling (Gebran/Jibran).
_CLOSE = frozenset({("D", "d"), ("D", "z"), ("T", "t"), ("T", "s"), ("g", "j")})
_CLOSE = _CLOSE | {(b, a) for a, b in _CLOSE}
_LOOSE = str.maketrans({"D": "d", "z": "d", "T": "t", "s": "t", "g": "j"})
# Cost of two different vowel sounds in one place; pairs not listed never match.
# "e" is the ambiguous Persian-style vowel (Mohammed/Mohammad, Qasem/Qasim), "Y" and "W"
# are diphthongs (Husayn/Hussein, Kowsari/Kosari).
_VOWEL_COST = {
    frozenset("ei"): 0.0,
    frozenset("ae"): 0.25,
    frozenset("eY"): 0.5,
    frozenset("iY"): 0.5,
    frozenset("uW"): 0.5,
}
_FAR = 9.0
_ELIDED = frozenset("eiu")
_JOINS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1))


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data/names.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("extract/data/names.yaml: expected a mapping at the top level")
    return data


@functools.lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    variants = _data().get("variants") or {}
    if not isinstance(variants, dict):
        raise ValueError("extract/data/names.yaml: 'variants' must map a spelling to a list")
    table: dict[str, str] = {}
    for key, forms in variants.items():
        if not isinstance(forms, list | None):
            raise ValueError(f"extract/data/names.yaml: variants of {key!r} must be a list")
        target = _fold_word(str(key))
        for form in [key, *(forms or ())]:
            table[_fold_word(str(form))] = target
    return table


@functools.lru_cache(maxsize=1)
def _honorifics() -> frozenset[str]:
    titles = _data().get("honorifics") or []
    if not isinstance(titles, list):
        raise ValueError("extract/data/names.yaml: 'honorifics' must be a list of words")
    return frozenset(_key_word(str(w).lower()) for w in titles)


def _fold_word(word: str) -> str:
    # "Qassem" and "Qasem" differ only by a doubled letter; "ou" and "u" by spelling habit.
    word = word.lower().replace("ou", "u").replace("oo", "u").replace("ee", "i")
    word = _DOUBLE.sub(r"\1", word)
    if word.startswith("gh"):
        word = "q" + word[2:]
    return word


@functools.lru_cache(maxsize=65536)
def _key_word(word: str) -> str:
    folded = _fold_word(word)
    return _variants().get(folded, folded)


def strip_accents(text: str) -> str:
    """Drop diacritics ("Ālbū Kamāl" -> "Albu Kamal")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """Lower-case words of a name, articles, marks and punctuation removed, before folding."""
    if not isinstance(text, str):
        raise TypeError(f"name {text!r}: expected text, got {type(text).__name__}")
    s = text.lower()
    if not s.isascii():
        s = strip_accents(s.translate(_SCHOLARLY))
    s = s.strip()
    s = _POSSESSIVE.sub("", s)
    s = _MARK_RE.sub("", s)
    s = _LEADING_THE.sub("", s)
    s = _EZAFE.sub("", s)
    s = _ARTICLE.sub("", s)
    s = _ARTICLE_SPACED.sub("", s)
    s = _SUN_SPACED.sub("", s)
    s = s.replace("-", " ").replace(".", "").replace("isation", "ization")
    s = _NON_WORD.sub(" ", s)
    return tuple(s.split())


@functools.lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """Index key of a name: case, accents, ayn/hamza marks, articles and variants folded."""
    return " ".join(_key_word(w) for w in _words(text))


def name_tokens(text: str) -> tuple[str, ...]:
    """Words of a name's key without leading titles ("Sheikh Naim Qassem" -> naim, qasem)."""
    words = normalize_name(text).split()
    titles = _honorifics()
    start = 0
    while start < len(words) - 1 and words[start] in titles:
        start += 1
    return tuple(words[start:])


@functools.lru_cache(maxsize=65536)
def _sound_word(word: str) -> str:
    """A key word spelt by sound: one letter per consonant, vowels in four kinds (a e i u)."""
    w = _ALLAH_H.sub("ala", _ALLAH.sub("alah", word)).replace("o", "u")
    if w in _ABD_ALONE:
        w = "abd"
    else:
        w = _ABD.sub("abd", w)
    if w == "abu":
        w = "bu"  # Gulf usage: Bu Kamal, Albu Kamal, Abu Kamal
    elif w.startswith("abu") and len(w) >= 6:
        w = "bu" + w[3:]
    for pair, letter in _DIGRAPHS:
        w = w.replace(pair, letter)
    w = _FINAL_H.sub("", _DOUBLE.sub(r"\1", w))
    out: list[str] = []
    for i, ch in enumerate(w):
        if ch in "yw":
            before_vowel = i + 1 < len(w) and w[i + 1] in _VOWELS
            if not before_vowel:
                out.append("i" if ch == "y" else "u")  # Husayn, Zawr: part of a diphthong
            elif not (ch == "y" and i and w[i - 1] == "i"):
                out.append("y" if ch == "y" else "v")  # Sayyid, Musawi: a consonant
            # "iya" reads as "ia": Nasiriyah / Nasiria, Dahiyeh / Dahieh
        else:
            out.append(ch)
    return "".join(out)


def _run(run: str) -> str:
    run = _DOUBLE.sub(r"\1", run)
    if len(run) > 1 and run[0] in "ae":
        if "i" in run[1:] or "e" in run[1:]:
            return "Y"
        if run[0] == "a" and "u" in run[1:]:
            return "W"
    return run


@functools.lru_cache(maxsize=65536)
def _shape(sound: str) -> tuple[str, tuple[str, ...]]:
    """Consonants of a sound spelling, and the vowel run before, between and after them."""
    consonants: list[str] = []
    slots: list[str] = []
    run = ""
    for ch in _DOUBLE.sub(r"\1", sound):
        if ch in _SOUND_VOWELS:
            run += ch
        else:
            slots.append(_run(run))
            consonants.append(ch)
            run = ""
    slots.append(_run(run))
    return "".join(consonants), tuple(slots)


def _vowel_cost(x: str, y: str) -> float:
    if x == y:
        return 0.0
    if not x or not y or len(x) != len(y):
        return _FAR  # a vowel only one side writes: Nasr/Nasser, Hossein/Hosseini
    if len(x) == 1:
        return _VOWEL_COST.get(frozenset((x, y)), _FAR)
    return sum(_vowel_cost(a, b) for a, b in zip(x, y, strict=True))


@functools.lru_cache(maxsize=65536)
def _sounds_alike(a: str, b: str) -> bool:
    if a == b:
        return True
    ca, sa = _shape(a)
    cb, sb = _shape(b)
    if len(ca) != len(cb) or not ca:
        return False
    if any(x != y and (x, y) not in _CLOSE for x, y in zip(ca, cb, strict=True)):
        return False
    cost = sum(_vowel_cost(x, y) for x, y in zip(sa, sb, strict=True))
    if len(ca) >= 3 and (sa[1] == "") != (sb[1] == "") and (sa[1] or sb[1]) in _ELIDED:
        # Levantine speech drops the short vowel of a first syllable: Sweida/Suwayda
        cost += 1.0 - _FAR
    elif len(ca) >= 4 and {sa[1], sb[1]} == {"a", "i"}:
        # the first vowel of a long word is the one that spoken forms change: Takrit/Tikrit
        cost += 1.0 - _FAR
    # short words have fewer letters to tell them apart (Saad/Saeed, Ali/Ala)
    return cost <= (0.5 if len(ca) <= 2 else 1.0)


@functools.lru_cache(maxsize=16384)
def _prepared(text: str) -> tuple[tuple[str, ...], ...]:
    """Each word of a name as its sound spellings (the main one first), titles dropped."""
    raw = _words(text)
    titles = _honorifics()
    start = 0
    while start < len(raw) - 1 and _key_word(raw[start]) in titles:
        start += 1
    words: list[tuple[str, ...]] = []
    for word in raw[start:]:
        din = _DIN.match(_key_word(word))
        parts = [din.group("base"), "din"] if din else [word]
        for part in parts:
            alts = [_sound_word(_key_word(part))]
            if _SUN_ATTACHED.match(part):
                alt = _sound_word(_key_word(part[2:]))
                if alt != alts[0]:
                    alts.append(alt)
            words.append(tuple(alts))
    return tuple(words)


def _spans_alike(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> bool:
    joined_a = {"".join(p) for p in itertools.product(*a)}
    joined_b = {"".join(p) for p in itertools.product(*b)}
    return any(_sounds_alike(x, y) for x in joined_a for y in joined_b)


def _align(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> bool:
    """True when the words of a and b pair up in order, one word with one, two or three."""

    @functools.cache
    def step(i: int, j: int) -> bool:
        if i == len(a) or j == len(b):
            return i == len(a) and j == len(b)
        for p, q in _JOINS:
            if i + p <= len(a) and j + q <= len(b):
                if _spans_alike(a[i : i + p], b[j : j + q]) and step(i + p, j + q):
                    return True
        return False

    return step(0, 0)


def same_name(a: str, b: str) -> bool:
    """True when a and b are spellings of one name (every word paired, titles aside)."""
    key_a, key_b = normalize_name(a), normalize_name(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    return _align(_prepared(a), _prepared(b))


@functools.lru_cache(maxsize=65536)
def loose_key(text: str) -> str:
    """Coarse key (consonants by sound class) that any two names same_name accepts share."""
    sound = "".join(w[0] for w in _prepared(text))
    consonants = "".join(ch for ch in sound if ch not in _SOUND_VOWELS).translate(_LOOSE)
    return _DOUBLE.sub(r"\1", consonants)


def slugify(key: str) -> str:
    """Readable id part from a normalised name ("qasem soleimani" -> "qasem-soleimani")."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "unnamed"
