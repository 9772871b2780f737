"""Extraction: sentences, entities, places, dates and events from an article's text."""

from .annotate import Extractor
from .dates import date_bounds, resolve_date
from .entities import EntityRecognizer, build_patterns, name_forms
from .events import EventExtractor
from .jsonl import annotated_to_json, extract_jsonl, geocode_jsonl
from .names import normalize_name, slugify
from .nlp import load_pipeline
from .places import Gazetteer
from .resolve import Resolver

__all__ = [
    "EntityRecognizer",
    "EventExtractor",
    "Extractor",
    "Gazetteer",
    "Resolver",
    "annotated_to_json",
    "build_patterns",
    "date_bounds",
    "extract_jsonl",
    "geocode_jsonl",
    "load_pipeline",
    "name_forms",
    "normalize_name",
    "resolve_date",
    "slugify",
]
