"""Headless Chromium for pictures and checks of rendered pages.

dragoman never downloads a browser: it drives the system's Chromium (Debian's ``chromium``
package, or the one ``DRAGOMAN_CHROMIUM`` names) through Playwright's Python package. The
flags keep it from reaching out to the network on its own.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

CHROMIUM = os.environ.get("DRAGOMAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def missing() -> list[str]:
    """What is lacking to drive the browser, as one phrase each (empty when all is there)."""
    out = []
    if not os.path.exists(CHROMIUM):
        out.append(f"{CHROMIUM} (Debian package chromium)")
    if importlib.util.find_spec("playwright") is None:
        out.append("playwright (pip install playwright; never `playwright install`)")
    return out


def launch(playwright: Any, executable: str | None = None) -> Any:
    """A headless Chromium browser from a started Playwright (``sync_playwright()``)."""
    return playwright.chromium.launch(
        executable_path=executable or CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
    )
