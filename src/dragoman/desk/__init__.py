"""Desks and the source registry: the YAML files that describe what dragoman watches."""

from .load import (
    ACTOR_TYPES,
    EVENT_TYPES,
    FEED_KINDS,
    OUTLET_KINDS,
    alias_key,
    default_desk_path,
    default_sources_path,
    load_desk,
    load_grade_notes,
    load_sources,
    parse_desk,
    parse_sources,
)

__all__ = [
    "ACTOR_TYPES",
    "EVENT_TYPES",
    "FEED_KINDS",
    "OUTLET_KINDS",
    "alias_key",
    "default_desk_path",
    "default_sources_path",
    "load_desk",
    "load_grade_notes",
    "load_sources",
    "parse_desk",
    "parse_sources",
]
