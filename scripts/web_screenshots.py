"""Make the README's pictures of the web pages: search, story and digest editor.

Serves a workspace (by default a fresh copy of the demo: the demo corpus collected and
processed in a temporary folder) on a free loopback port, drives headless Chromium through
Playwright and stores each page's top as a small palette PNG::

    python scripts/web_screenshots.py -o docs/images
    python scripts/web_screenshots.py --home demo-output/workspace -o docs/images

A workspace given with ``--home`` is copied first: writing the draft digest changes it.
Needs Playwright's Python package and a Chromium binary (Debian: ``/usr/bin/chromium``);
nothing is downloaded.
"""

from __future__ import annotations

import argparse
import io
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dragoman.browser import launch

DEMO_FROM, DEMO_TO = "2019-07-25", "2019-08-07"


def demo_workspace(folder: Path) -> Path:
    """The demo corpus collected and processed into a new workspace under ``folder``."""
    from dragoman.pipeline import collect, examples_dir, init_workspace, open_workspace, process

    home = init_workspace(folder / "workspace")
    with open_workspace(home) as ws:
        collect(ws, [examples_dir()])
        process(ws)
    return home


@contextmanager
def serving(home: Path) -> Iterator[str]:
    """The app over ``home`` under uvicorn in a thread; yields its base URL."""
    import uvicorn

    from dragoman.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(home), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def shrink(png: bytes, colours: int, height: int) -> bytes:
    """The image cut to at most ``height`` pixels, its empty bottom trimmed, as a palette PNG."""
    from PIL import Image, ImageChops

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.crop((0, 0, image.width, min(image.height, height)))
    background = Image.new("RGB", image.size, image.getpixel((image.width - 1, image.height - 1)))
    box = ImageChops.difference(image, background).getbbox()
    if box is not None:  # keep a small margin under the last thing drawn
        image = image.crop((0, 0, image.width, min(image.height, box[3] + 16)))
    small = image.quantize(
        colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def photograph(base: str, chromium: str, width: int, height: int) -> dict[str, bytes]:
    """PNGs of the search, story and digest editor pages, by picture name."""
    from playwright.sync_api import sync_playwright

    shots: dict[str, bytes] = {}
    with sync_playwright() as pw:
        browser = launch(pw, chromium)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/?q=%22Albu+Kamal%22")
            shots["search"] = page.screenshot(full_page=True)
            page.click("article.hit h3 a")  # the best hit, then its story
            page.click("a[href^='/stories/']")
            page.wait_for_selector("#credibility")
            shots["story"] = page.screenshot(full_page=True)
            page.goto(f"{base}/digests/new")
            page.fill("input[name=from]", DEMO_FROM)
            page.fill("input[name=to]", DEMO_TO)
            page.click("#new-digest button[type=submit]")
            page.wait_for_selector("#publish-form", timeout=120_000)
            _hide_notice(page)
            shots["digest-editor"] = page.screenshot(full_page=True)
        finally:
            browser.close()
    return shots


def _hide_notice(page: Any) -> None:
    """The 'draft written' notice is for the moment of writing, not for the picture."""
    page.goto(page.url.split("?")[0])


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, photograph the pages and write the PNGs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/images"))
    parser.add_argument("--home", type=Path, help="workspace to show (default: a fresh demo)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1000, help="most pixels kept of a page")
    parser.add_argument("--colours", type=int, default=64, help="palette size of the PNGs")
    args = parser.parse_args(argv)
    if args.home is not None and not (args.home / "dragoman.db").is_file():
        parser.error(f"{args.home}: not a dragoman workspace (no dragoman.db)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.home is not None:
            home = Path(shutil.copytree(args.home, Path(tmp) / "workspace"))
        else:
            home = demo_workspace(Path(tmp))
        with serving(home) as base:
            shots = photograph(base, args.chromium, args.width, args.height)
    args.output.mkdir(parents=True, exist_ok=True)
    for name, png in shots.items():
        data = shrink(png, args.colours, args.height)
        path = args.output / f"{name}.png"
        path.write_bytes(data)
        print(f"wrote {path} ({len(data) // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
