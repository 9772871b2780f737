"""Fixtures of the extraction tests: a small desk and outlet registry built in code, one pipeline."""

from __future__ import annotations

import pytest
from extract_support import make_desk, make_outlets


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from dragoman.extract.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def extractor(nlp):  # type: ignore[no-untyped-def]
    from dragoman.extract.annotate import Extractor

    return Extractor(make_desk(), make_outlets(), nlp=nlp)


@pytest.fixture(scope="session")
def gazetteer():  # type: ignore[no-untyped-def]
    from dragoman.extract.places import Gazetteer

    return Gazetteer(make_desk())
