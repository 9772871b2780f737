"""The extraction stage: an ``Article`` in, an ``Annotated`` out."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from ..desk.load import load_actors, with_actors, with_names
from ..errors import ItemError
from ..records import Annotated, Article, DateMention, Desk, Mention, Outlet, Sentence
from ..settings import Settings
from .dates import date_bounds, resolve_date
from .entities import RULER_PREFIX, EntityRecognizer
from .events import DateInfo, EventExtractor
from .nlp import (
    BULLETS,
    DOC_TEXT,
    add_fast_attributes,
    add_paragraph_breaks,
    doc_text,
    load_pipeline,
    register_lemmatizer,
)
from .places import Gazetteer
from .resolve import Resolver

log = logging.getLogger(__name__)

_TRIM = "".join(BULLETS) + " \t\r\n\u00a0"


class Extractor:
    """Runs recognition, resolution, places, dates and events over articles, in that order."""

    def __init__(
        self,
        desk: Desk,
        outlets: Mapping[str, Outlet],
        settings: Settings | None = None,
        nlp: Language | None = None,
        events: bool = True,
        known_names: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        self.settings = settings or Settings()
        self.with_events = events  # entities, places and dates alone when False
        self.desk = desk
        self.outlets = dict(outlets)
        self.nlp = nlp if nlp is not None else load_pipeline(self.settings.spacy_model)
        add_paragraph_breaks(self.nlp)
        self.gazetteer = Gazetteer(desk)
        # the desk's actors first, then the shared dictionary of the region's well-known actors
        known = with_actors(desk, load_actors()) if self.settings.common_actors else desk
        known = with_names(known, known_names)
        self.recognizer = EntityRecognizer(known, self.outlets, self.nlp, self.gazetteer)
        self.resolver = Resolver(known, self.outlets, self.gazetteer)
        self.events = EventExtractor(desk)
        # table look-ups instead of the attribute ruler; lemmas only where events need them
        register_lemmatizer(self.nlp)
        self._replaced = add_fast_attributes(self.nlp)

    @property
    def _disabled(self) -> list[str]:
        """Pipes not to run: other desks' rulers (they may be added to a shared pipeline later)."""
        return [
            n
            for n in self.nlp.pipe_names
            if n.startswith(RULER_PREFIX) and n != self.recognizer.ruler_name
        ] + self._replaced

    def annotate(self, article: Article) -> Annotated:
        """Annotate one article; raises ``ItemError`` naming the article when it cannot be processed."""
        doc = self.nlp(article.text, disable=self._disabled)
        return self._build(article, doc)

    def annotate_many(
        self, articles: Iterable[Article], batch_size: int = 32
    ) -> Iterator[Annotated]:
        """Annotate articles in batches through ``nlp.pipe``; same results as ``annotate``.

        An article that fails is logged and comes back with no annotations, so the rest goes on.
        """
        for result in self.results(articles, batch_size):
            if isinstance(result, ItemError):
                log.warning("%s", result)
                yield Annotated(article=result.article)  # type: ignore[attr-defined]
            else:
                yield result

    def results(
        self, articles: Iterable[Article], batch_size: int = 32
    ) -> Iterator[Annotated | ItemError]:
        """Like ``annotate_many`` but hands back an ``ItemError`` (with ``.article``) for a failed article."""
        it = iter(articles)
        while True:
            chunk = list(islice(it, batch_size))
            if not chunk:
                return
            docs = self.nlp.pipe(
                (a.text for a in chunk), batch_size=batch_size, disable=self._disabled
            )
            for article, doc in zip(chunk, docs):
                try:
                    yield self._build(article, doc)
                except ItemError as exc:
                    exc.article = article  # type: ignore[attr-defined]
                    yield exc

    def _build(self, article: Article, doc: Doc) -> Annotated:
        # spaCy keeps the text exactly; reading it back from the doc joins every token again
        doc.user_data[DOC_TEXT] = article.text
        try:
            sentences = tuple(_sentences(doc, article.id))
            mentions = self.recognizer.mentions(doc, article.id)
            mentions, entities = self.resolver.resolve(mentions, article)
            dates, infos = _dates(mentions, article)
            by_id = {e.id: e for e in entities}
            events = (
                self.events.events(
                    doc,
                    article.id,
                    article.outlet_id,
                    article.published,
                    sentences,
                    mentions,
                    by_id,
                    infos,
                )
                if self.with_events
                else []
            )
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
            raise ItemError(
                f"article {article.id}", f"extraction failed ({type(exc).__name__}: {exc})"
            ) from exc
        return Annotated(
            article=article,
            sentences=sentences,
            mentions=tuple(mentions),
            entities=tuple(entities),
            dates=tuple(dates),
            events=tuple(events),
        )


# Penn tags of a finite verb: past, present (3rd person and other) and modals.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _sentences(doc: Doc, article_id: str) -> Iterator[Sentence]:
    """Sentence records with offsets into the text, trimmed, never across a blank line.

    Each carries where its finite verbs start, from the tagger's parse.
    """
    text = doc_text(doc)
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        verbs = [t.idx for t in sent if t.tag_ in FINITE_TAGS]
        for piece_start, piece_end in _split_paragraphs(text, start, end):
            while piece_start < piece_end and text[piece_start] in _TRIM:
                piece_start += 1
            while piece_end > piece_start and text[piece_end - 1] in _TRIM:
                piece_end -= 1
            if piece_end > piece_start and any(ch.isalnum() for ch in text[piece_start:piece_end]):
                yield Sentence(
                    article_id,
                    piece_start,
                    piece_end,
                    text[piece_start:piece_end],
                    tuple(v for v in verbs if piece_start <= v < piece_end),
                )


def _split_paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    while True:
        brk = text.find("\n\n", cursor, end)
        if brk < 0:
            yield cursor, end
            return
        yield cursor, brk
        cursor = brk + 2


def _dates(mentions: list[Mention], article: Article) -> tuple[list[DateMention], list[DateInfo]]:
    dates: list[DateMention] = []
    infos: list[DateInfo] = []
    for m in mentions:
        if m.label != "DATE":
            continue
        value = resolve_date(m.text, article.published)
        dates.append(DateMention(article.id, m.start, m.end, m.text, value))
        infos.append(DateInfo(m.start, m.end, value, date_bounds(m.text, article.published)))
    return dates, infos
