"""Renderers of a Digest: Markdown, HTML and JSON (PDF joins later as ``pdf.py``)."""

from __future__ import annotations

import importlib
import importlib.util

from ...records import Digest

__all__ = ["FORMATS", "render"]

# Format name -> module of this package exposing ``render(digest) -> str | bytes``.
FORMATS: dict[str, str] = {"md": "markdown", "html": "html", "json": "json", "pdf": "pdf"}
_ALIASES = {"markdown": "md", "htm": "html"}


def render(digest: Digest, fmt: str) -> str | bytes:
    """Render a digest in one format: md, html or json (text) or pdf (bytes, when available)."""
    name = _ALIASES.get(fmt.strip().lower(), fmt.strip().lower())
    if name not in FORMATS:
        raise ValueError(f"unknown digest format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    try:
        module = importlib.import_module(f"{__name__}.{FORMATS[name]}")
    except ModuleNotFoundError as exc:
        # Only the renderer module itself being absent means the format is not built yet.
        if exc.name != f"{__name__}.{FORMATS[name]}":
            raise
        available = [f for f in FORMATS if importlib.util.find_spec(f"{__name__}.{FORMATS[f]}")]
        raise ValueError(
            f"digest format {fmt!r} is not available in this version; "
            f"choose one of: {', '.join(available)}"
        ) from None
    result: str | bytes = module.render(digest)
    return result
