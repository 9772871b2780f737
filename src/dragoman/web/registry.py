"""Editing an outlet's grade in the workspace's sources.yaml, keeping its comments and layout."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..desk import load_sources
from ..errors import ConfigError, DragomanError
from ..records import RELIABILITY_GRADES, Outlet


def _outlet_node(root: yaml.Node | None, outlet_id: str, path: Path) -> MappingNode:
    outlets = None
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "outlets":
                outlets = value
    if not isinstance(outlets, SequenceNode):
        raise ConfigError(str(path), "has no outlets list")
    for item in outlets.value:
        if not isinstance(item, MappingNode):
            continue
        for key, value in item.value:
            if key.value == "id" and isinstance(value, ScalarNode) and value.value == outlet_id:
                return item
    raise DragomanError(f"outlet {outlet_id!r} is not in {path}")


def _scalar(value: str) -> str:
    if value in RELIABILITY_GRADES:
        return value
    # a JSON string is a valid YAML double-quoted scalar
    return json.dumps(value, ensure_ascii=True)


def set_outlet_fields(path: Path, outlet_id: str, changes: dict[str, str]) -> Outlet:
    """Write new values of scalar keys of one outlet into sources.yaml and return it reloaded.

    Present keys are replaced in place; missing ones are added after the outlet's id.
    The file is checked by loading it again, and left as it was if that fails.
    """
    if "reliability" in changes and changes["reliability"] not in RELIABILITY_GRADES:
        raise DragomanError(
            f"reliability {changes['reliability']!r} must be one of {', '.join(RELIABILITY_GRADES)}"
        )
    original = path.read_text(encoding="utf-8")
    node = _outlet_node(yaml.compose(original), outlet_id, path)
    edits: list[tuple[int, int, str]] = []  # (start, end, text) character spans
    id_end, indent = 0, 0
    for key, value in node.value:
        if key.value == "id":
            id_end, indent = value.end_mark.index, key.start_mark.column
        if key.value in changes:
            if not isinstance(value, ScalarNode):
                raise ConfigError(str(path), f"{outlet_id}: {key.value} is not a plain value")
            start, end = value.start_mark.index, value.end_mark.index
            span = original[start:end]
            # a block scalar's span runs into the next line: keep its line breaks
            trailing = span[len(span.rstrip()) :]
            edits.append((start, end, _scalar(changes[key.value]) + trailing))
    present = {k.value for k, _ in node.value}
    added = "".join(
        f"\n{' ' * indent}{name}: {_scalar(v)}"
        for name, v in changes.items()
        if name not in present
    )
    if added:
        edits.append((id_end, id_end, added))
    text = original
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    path.write_text(text, encoding="utf-8")
    try:
        return load_sources(path)[outlet_id]
    except Exception:
        path.write_text(original, encoding="utf-8")
        raise
