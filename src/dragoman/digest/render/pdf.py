"""PDF rendering of a digest: the HTML page laid out on A4 by WeasyPrint.

The page's print stylesheet gives the running header (title and period, from the second page
on) and the "page N of M" footer. WeasyPrint is never allowed to fetch anything: the page
needs no resource, and one that article text might smuggle in is refused, not fetched.
"""

from __future__ import annotations

from typing import Any

from ...errors import DragomanError
from ...records import Digest
from . import html

__all__ = ["data_only_fetcher", "render"]


def _refuse(url: str) -> None:
    if not url.strip().lower().startswith("data:"):
        raise ValueError(f"digest PDF: refused to fetch {url[:80]!r}: a digest loads nothing")


def data_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and refuses every other one."""
    import weasyprint

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint 67 and later: a fetcher class

        class DataOnly(weasyprint.URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                _refuse(url)
                return super().fetch(url, headers)

        return DataOnly(allowed_protocols={"data"})

    from weasyprint.urls import default_url_fetcher  # older releases: a plain function

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        _refuse(url)
        return default_url_fetcher(url, *args, **kwargs)

    return fetch


def render(digest: Digest) -> bytes:
    """The digest as an A4 PDF with a running header and page numbers."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise DragomanError(
            f"PDF digests need WeasyPrint and the Pango library ({exc}): pip install weasyprint"
        ) from exc
    page = html.render(digest, for_print=True)
    document = HTML(string=page, url_fetcher=data_only_fetcher(), base_url=None)
    pdf: bytes = document.write_pdf()
    return pdf
