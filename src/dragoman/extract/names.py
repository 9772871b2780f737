"""Name keys: one comparable form for the many spellings of a transliterated name."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

import yaml

# Apostrophe-like marks that transliterations use for ayn and hamza, plus quotes.
_MARKS = "'’‘ʿʾʼ`´′\"“”"
_POSSESSIVE = re.compile(r"[" + _MARKS + r"]s$")
_ARTICLE = re.compile(r"\b(?:al|el|ad|ed|as|es|ash|esh|an|en|ar|er|at|et|az|ez|ud|ul|un)-(?=\w)")
_ARTICLE_SPACED = re.compile(r"(?:^|(?<=\s))(?:al|el)\s+(?=\w)")
_LEADING_THE = re.compile(r"^(?:the)\s+")
_NON_WORD = re.compile(r"[^\w\s]+")
_DOUBLE = re.compile(r"(\w)\1+")


@functools.lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    data = yaml.safe_load(
        resources.files(__package__).joinpath("data/names.yaml").read_text("utf-8")
    )
    table: dict[str, str] = {}
    for key, forms in (data.get("variants") or {}).items():
        target = _fold_word(str(key))
        for form in [key, *forms]:
            table[_fold_word(str(form))] = target
    return table


def _fold_word(word: str) -> str:
    # "Qassem" and "Qasem" differ only by a doubled letter; "ou" and "u" by spelling habit.
    word = _DOUBLE.sub(r"\1", word.lower())
    word = word.replace("ou", "u").replace("oo", "u").replace("ee", "i")
    if word.startswith("gh"):
        word = "q" + word[2:]
    return word


def strip_accents(text: str) -> str:
    """Drop diacritics ("Ālbū Kamāl" -> "Albu Kamal")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """Comparable key of a name: case, accents, ayn/hamza marks, articles and spelling variants folded."""
    s = strip_accents(text).lower().strip()
    s = _POSSESSIVE.sub("", s)
    s = re.sub("[" + _MARKS + "]", "", s)
    s = _LEADING_THE.sub("", s)
    s = _ARTICLE.sub("", s)
    s = _ARTICLE_SPACED.sub("", s)
    s = s.replace("-", " ").replace(".", "")
    s = _NON_WORD.sub(" ", s)
    table = _variants()
    words = []
    for word in s.split():
        folded = _fold_word(word)
        words.append(table.get(folded, folded))
    return " ".join(words)


def slugify(key: str) -> str:
    """Readable id part from a normalised name ("qasem soleimani" -> "qasem-soleimani")."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "unnamed"
