"""Fixtures of the digest tests: one corpus and the digest written from it."""

from __future__ import annotations

import pytest
from digest_corpus import Corpus, make_corpus

from dragoman.records import Digest


@pytest.fixture
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture
def digest(corpus: Corpus) -> Digest:
    return corpus.digest()
