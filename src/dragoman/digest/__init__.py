"""The digest stage: from assessed stories to a sourced bulletin, and its renderings."""

from __future__ import annotations

from .cite import citations_for, format_citations, format_date, format_period
from .links import entity_links
from .render import FORMATS, render
from .render.json import digest_to_json, load_schema
from .write import assessment_for, build_digest

__all__ = [
    "FORMATS",
    "assessment_for",
    "build_digest",
    "citations_for",
    "digest_to_json",
    "entity_links",
    "format_citations",
    "format_date",
    "format_period",
    "load_schema",
    "render",
]
