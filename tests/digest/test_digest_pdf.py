"""The PDF digest, checked as a person sees it: pages rasterised by pdftoppm and read by OCR."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from digest_corpus import make_corpus
from test_svgmap import with_places

from dragoman.digest import render
from dragoman.digest.cite import format_citations
from dragoman.records import Bullet, Digest

TOOLS = ("pdftoppm", "pdfinfo", "pdftotext", "tesseract")
missing = [t for t in TOOLS if shutil.which(t) is None]
if importlib.util.find_spec("weasyprint") is None:
    missing.append("weasyprint (pip install weasyprint)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        bool(missing),
        reason=f"PDF checks need {', '.join(missing)} (Debian: poppler-utils, tesseract-ocr)",
    ),
]


def run(*args: str) -> str:
    # One OCR thread: the tests share a small machine, and one page is quick either way.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60, env=env)
    return done.stdout


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces folded, and OCR's dash variants unified."""
    return " ".join(text.replace("—", "-").replace("–", "-").split())


def squeeze(text: str) -> str:
    """Text without any white space: a line may break inside "</script>" after the slash."""
    return re.sub(r"\s+", "", text)


def opening(bullet: Bullet, words: int = 10) -> str:
    """The first words the bullet prints (its wording belongs to the writer, not to us)."""
    ref = bullet.sentences[0]
    return " ".join(str(getattr(ref, "shown", ref.text)).split()[:words])


class Rendered:
    """One PDF of the test digest, its page images and what OCR and pdftotext read on them."""

    def __init__(self, folder: Path, digest: Digest) -> None:
        self.digest = digest
        self.pdf = folder / "digest.pdf"
        data = render(digest, "pdf")
        assert isinstance(data, bytes)
        self.pdf.write_bytes(data)
        self.info = run("pdfinfo", str(self.pdf))
        pages = re.search(r"^Pages:\s+(\d+)", self.info, re.MULTILINE)
        assert pages is not None, self.info
        self.pages = int(pages.group(1))
        run("pdftoppm", "-r", "80", "-png", str(self.pdf), str(folder / "page"))
        self.images = sorted(folder.glob("page-*.png"))
        self._ocr: dict[int, str] = {}

    def ocr(self, page: int) -> str:
        """What tesseract reads on one page image (1-based), cached."""
        if page not in self._ocr:
            self._ocr[page] = run("tesseract", str(self.images[page - 1]), "-", "--psm", "3")
        return self._ocr[page]

    def text(self, page: int) -> str:
        """The PDF's own text layer of one page, as laid out."""
        return run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(self.pdf), "-")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return Rendered(tmp_path_factory.mktemp("pdf"), with_places(make_corpus().digest()))


def test_generic_render_writes_a_pdf(rendered: Rendered) -> None:
    assert rendered.pdf.read_bytes().startswith(b"%PDF-")
    assert rendered.pages >= 1 and len(rendered.images) == rendered.pages


def test_pages_are_a4(rendered: Rendered) -> None:
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", rendered.info)
    assert size is not None
    width, height = float(size.group(1)), float(size.group(2))
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1


def test_first_page_reads_as_a_bulletin(rendered: Rendered) -> None:
    seen = flat(rendered.ocr(1))
    digest = rendered.digest
    assert seen.startswith("Spotlight on Iran")
    assert "July 28 - August 11, 2019" in seen
    assert "Overview" in seen and digest.sections[0].title in seen
    # The first overview bullet's words and its citation, as printed.
    first = digest.overview[0]
    assert opening(first) in seen
    cited = format_citations(first.citations, digest.period_from, digest.period_to)
    assert cited.startswith("(the Turkish Anadolu Agency") and cited in seen
    assessed = next(b for b in digest.overview if b.assessment)
    assert str(assessed.assessment).split(". ")[0] in seen


def test_every_page_is_numbered(rendered: Rendered) -> None:
    assert f"page 1 of {rendered.pages}" in flat(rendered.ocr(1))
    for page in range(1, rendered.pages + 1):
        assert f"page {page} of {rendered.pages}" in flat(rendered.text(page))


def test_running_header_from_the_second_page(rendered: Rendered) -> None:
    assert rendered.pages >= 2, "the test digest should need more than one page"
    first = rendered.text(1).strip().splitlines()
    # Page one opens with the title itself, not a header above it.
    assert first[0].strip() == "Spotlight on Iran"
    assert flat(rendered.text(1)).count("Spotlight on Iran") == 1
    for page in range(2, rendered.pages + 1):
        top = flat(rendered.text(page).strip().splitlines()[0])
        assert top.startswith("Spotlight on Iran") and top.endswith("July 28 - August 11, 2019")
    # OCR reads the header's period on the rendered second page too.
    assert "August 11, 2019" in flat(rendered.ocr(2)).split("Iranian")[0]


def test_pages_are_not_blank(rendered: Rendered) -> None:
    from PIL import Image

    for path in rendered.images:
        with Image.open(path) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark / (grey.width * grey.height) > 0.005, f"{path.name} looks blank"


def test_map_is_drawn_with_its_places(rendered: Rendered) -> None:
    from PIL import Image

    page = next(p for p in range(1, rendered.pages + 1) if "Map of the period" in rendered.text(p))
    text = flat(rendered.text(page))
    for name in ("Albu Kamal", "Baghdad", "Damascus"):
        assert name in text
    with Image.open(rendered.images[page - 1]) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
    # The place circles' red and the sea's blue are both on the page.
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 110 and b < 110)
    sea = sum(n for n, (r, g, b) in colours if (r, g, b) == (0xE8, 0xEE, 0xF4))
    assert red > 30 and sea > 500


def test_hostile_text_is_printed_as_text(rendered: Rendered) -> None:
    text = squeeze("".join(rendered.text(p) for p in range(1, rendered.pages + 1)))
    assert "<script>alert(1)</script>" in text
    assert squeeze("<img src=x onerror=alert(2)>") in text
    # Provenance notes are for the screen: none is printed.
    assert "Source:" not in text and "open the article" not in text


def test_the_pdf_fetches_nothing() -> None:
    from dragoman.digest.render.pdf import data_only_fetcher

    fetch = data_only_fetcher()
    for url in ("https://example.org/x.png", "file:///etc/passwd", "ftp://x/y", "//x/y"):
        with pytest.raises(ValueError, match="refused to fetch"):
            fetch(url)
    served = fetch("data:text/plain,hello")
    body = served["string"] if isinstance(served, dict) else served.read()
    assert body == b"hello"


def test_rendering_refuses_what_a_page_would_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from dragoman.digest.render import pdf

    outcome: dict[str, str] = {}
    made = pdf.data_only_fetcher
    if not hasattr(made(), "fetch"):
        pytest.skip("WeasyPrint before 67 takes a plain fetcher function")

    def recording() -> object:
        fetcher = made()

        class Recorder(type(fetcher)):  # type: ignore[misc]
            def fetch(self, url: str, headers: object = None) -> object:
                try:
                    served = super().fetch(url, headers)
                except ValueError:
                    outcome[url] = "refused"
                    raise
                outcome[url] = "served"
                return served

        return Recorder(allowed_protocols={"data"})

    page = (
        "<html><head><style>@import url('https://fonts.example/f.css');</style></head><body>"
        "<h1>Loads</h1><img src='https://example.org/x.png'><img src='file:///etc/hostname'>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='></body></html>"
    )
    monkeypatch.setattr(pdf.html, "render", lambda digest, for_print=False: page)
    monkeypatch.setattr(pdf, "data_only_fetcher", recording)
    data = pdf.render(make_corpus().digest())
    assert data.startswith(b"%PDF-")
    assert outcome["https://example.org/x.png"] == "refused"
    assert outcome["file:///etc/hostname"] == "refused"
    assert outcome["https://fonts.example/f.css"] == "refused"
    assert [v for k, v in outcome.items() if k.startswith("data:")] == ["served"]
