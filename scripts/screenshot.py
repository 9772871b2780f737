"""Make the README's picture: the top of the demo bulletin as a browser shows it.

Writes the demo's HTML bulletin (or takes one given with ``--html``), opens it in headless
Chromium through Playwright, photographs the top of the page and stores it as a small
palette PNG::

    python scripts/screenshot.py -o docs/images/bulletin.png

Needs Playwright's Python package and a Chromium binary (Debian: ``/usr/bin/chromium``);
nothing is downloaded, and the page itself loads nothing.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from dragoman.browser import launch


def demo_html(folder: Path) -> Path:
    """Run the demo into ``folder`` and return its HTML bulletin."""
    from dragoman.pipeline import demo

    (path,) = demo(folder, formats=("html",))
    return path


def photograph(html: Path, chromium: str, width: int, height: int) -> bytes:
    """A PNG of the page's top ``height`` pixels at ``width`` CSS pixels."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw, chromium)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.resolve().as_uri())
            png: bytes = page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height})
        finally:
            browser.close()
    return png


def shrink(png: bytes, colours: int) -> bytes:
    """The image with a palette of ``colours`` colours: text pages lose nothing visible."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(
        colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, photograph the bulletin and write the PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/images/bulletin.png"))
    parser.add_argument("--html", type=Path, help="bulletin to photograph (default: run the demo)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--colours", type=int, default=64, help="palette size of the PNG")
    args = parser.parse_args(argv)
    if args.html is not None and not args.html.is_file():
        parser.error(f"{args.html}: no such file")
    with tempfile.TemporaryDirectory() as tmp:
        html = args.html or demo_html(Path(tmp))
        png = photograph(html, args.chromium, args.width, args.height)
    data = shrink(png, args.colours)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data) // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
