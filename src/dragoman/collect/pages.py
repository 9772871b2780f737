"""HTML article pages (files or fetched URLs), read with trafilatura, and HTML fragments.

Only text nodes ever reach an article: markup, attributes (event handlers, ``javascript:``
links) and the content of script, style, iframe and similar elements are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from ..errors import ItemError
from ..records import Article
from .canonical import (
    article_id,
    clean_line,
    clean_text,
    content_hash,
    is_web_url,
    one_line,
    parse_published,
    report,
    strip_tracking,
    title_from_text,
)
from .outlets import OutletResolver, name_key

# Elements whose content is never reader-visible prose.
_SKIP = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "template",
        "svg",
        "math",
        "object",
        "canvas",
        "video",
        "audio",
        "head",
        "title",
        "select",
        "textarea",
        "button",
        "frameset",
    }
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "table",
        "tr",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "dl",
        "hr",
        "main",
        "address",
        "details",
        "summary",
    }
)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
)
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl")


class _TextParser(HTMLParser):
    """Collects the visible text of an HTML fragment, one paragraph per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag not in _VOID:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag not in _VOID:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # Line breaks in HTML source are not breaks on the page.
            self.parts.append(data.replace("\n", " "))


def html_to_text(fragment: str) -> str:
    """Reduce an HTML fragment (a feed entry's content) to plain paragraphs."""
    parser = _TextParser()
    parser.feed(fragment or "")
    parser.close()
    # Entities were decoded by the parser; decoding again would turn "&amp;lt;" into "<".
    return clean_text("".join(parser.parts), unescape=False)


class _MetaParser(HTMLParser):
    """Collects the metadata of a page head: title, canonical link, Open Graph and dates."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            content = values.get("content", "").strip()
            if key and content:
                self.meta.setdefault(key.lower(), content)
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href", "").strip()
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _decode(html: str | bytes) -> str:
    if isinstance(html, str):
        return html
    for encoding in ("utf-8", "cp1252"):
        try:
            return html.decode(encoding)
        except UnicodeDecodeError:
            continue
    return html.decode("utf-8", errors="replace")


def _page_url(meta: _MetaParser, base: str | None) -> str:
    """The page's own address: canonical link, then og:url, then where it was fetched."""
    for candidate in (meta.canonical, meta.meta.get("og:url", "")):
        if candidate:
            absolute = urljoin(base, candidate) if base else candidate
            if is_web_url(absolute):
                return absolute
    return base if base and is_web_url(base) else ""


def _body_text(text: str, title: str) -> str:
    """Plain paragraphs of trafilatura's output, without a leading repeat of the headline."""
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and title and name_key(lines[0]) == name_key(title):
        lines = lines[1:]
    return clean_text("\n\n".join(lines), unescape=False)


def parse_page(
    html: str | bytes,
    origin: str,
    resolver: OutletResolver,
    *,
    url: str | None = None,
    outlet_id: str | None = None,
    now: datetime | None = None,
) -> Article:
    """Read one HTML article page into an Article; raises ItemError naming ``origin``."""
    import trafilatura  # imported late: loading it pulls in lxml and its language data

    source = _decode(html)
    if not source.strip():
        raise ItemError(origin, "empty page")
    meta = _MetaParser()
    try:
        meta.feed(source)
        meta.close()
    except Exception as exc:  # html.parser rarely fails, but a page must never stop a run
        raise ItemError(origin, f"could not parse the page ({one_line(exc)})") from exc
    page_url = _page_url(meta, url)
    try:
        doc = trafilatura.bare_extraction(
            source,
            url=page_url or None,
            with_metadata=True,
            include_comments=False,
            include_links=False,
            include_images=False,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise ItemError(origin, f"could not parse the page ({one_line(exc)})") from exc
    extracted = getattr(doc, "text", None) if doc is not None else None
    title = clean_line(
        (getattr(doc, "title", None) or "") or meta.meta.get("og:title", "") or meta.title
    )
    text = _body_text(extracted or "", title)
    if not text:
        raise ItemError(origin, "no article text found in the page")
    raw_date: object = next((meta.meta[k] for k in _DATE_META if meta.meta.get(k)), None)
    if raw_date is None:
        raw_date = getattr(doc, "date", None)
    if raw_date is None:
        raise ItemError(origin, "missing date (no article:published_time or other date found)")
    published = parse_published(raw_date, origin, now=now)
    site_name = clean_line(
        meta.meta.get("og:site_name", "") or (getattr(doc, "sitename", "") or "")
    )
    outlet = outlet_id or resolver.match(name=site_name or None, url=page_url or None)
    author = getattr(doc, "author", None) or next(
        (meta.meta[k] for k in _AUTHOR_META if meta.meta.get(k)), ""
    )
    return Article(
        id=article_id(page_url, text),
        outlet_id=outlet,
        url=strip_tracking(page_url),
        published=published,
        title=title or title_from_text(text),
        text=text,
        language="en",
        collected_at=datetime.now(UTC),
        content_hash=content_hash(text),
        author=clean_line(author),
        origin=origin,
    )


def read_page_file(
    path: str | Path,
    resolver: OutletResolver,
    on_error: Callable[[ItemError], None] | None = None,
    *,
    now: datetime | None = None,
) -> Iterator[Article]:
    """Yield the article of one saved HTML page (nothing, after on_error, when it is unreadable)."""
    origin = str(path)
    try:
        data = Path(path).read_bytes()
        yield parse_page(data, origin, resolver, now=now)
    except OSError as exc:
        report(on_error, ItemError(origin, f"cannot read file ({exc.strerror or exc})"))
    except ItemError as exc:
        report(on_error, exc)
