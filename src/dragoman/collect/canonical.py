"""Canonical forms shared by every reader: URLs, text, hashes, ids and publication dates.

Two copies of one report must get the same id whichever way they arrived, so URLs lose
what does not identify the page (tracking parameters, fragments, ``www.``, default ports)
and texts are compared after whitespace, case and invisible characters are normalised.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import ItemError

log = logging.getLogger("dragoman.collect")

# Query parameters that track a click rather than name a page.
_TRACKING_EXACT = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"\s+")
_SCHEMELESS_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/|$)")

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def _is_tracking(key: str) -> bool:
    low = key.lower()
    return low.startswith("utm_") or low in _TRACKING_EXACT


def canonical_url(url: str) -> str:
    """Return the form of ``url`` used to recognise the same page under different spellings."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url and not url.startswith("//") and _SCHEMELESS_HOST.match(url):
        url = "https://" + url  # "example.com/x" as people paste it
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    path = parts.path
    while path.endswith("/"):
        path = path[:-1]
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def strip_tracking(url: str) -> str:
    """Drop tracking parameters and the fragment from ``url``, keeping the rest as written."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if not parts.query and not parts.fragment:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def url_host(url: str) -> str:
    """Return the lower-case host of ``url`` without ``www.``, or "" when it has none."""
    canon = canonical_url(url)
    host = urlsplit(canon).hostname or ""
    return host


def is_web_url(url: str) -> bool:
    """Tell whether ``url`` is an absolute http(s) address with a host."""
    parts = urlsplit((url or "").strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def clean_text(text: str, *, unescape: bool = True, lines_are_paragraphs: bool = False) -> str:
    """Normalise text to plain paragraphs separated by one blank line.

    Single line breaks inside a paragraph are wrapping and become spaces, unless
    ``lines_are_paragraphs`` (chat posts, where each line stands on its own).
    """
    if not text:
        return ""
    if unescape:
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (other than line breaks and tabs) are noise from bad encodings.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    blocks = text.split("\n") if lines_are_paragraphs else _BLANK_LINE.split(text)
    paragraphs = (_SPACES.sub(" ", block).strip() for block in blocks)
    return "\n\n".join(p for p in paragraphs if p)


def clean_line(text: str, *, unescape: bool = True) -> str:
    """Normalise text that must fit on one line (titles, names)."""
    return clean_text(text, unescape=unescape).replace("\n\n", " ")


def content_hash(text: str) -> str:
    """Return the sha256 of ``text`` after whitespace, case and entity normalisation."""
    normal = " ".join(clean_text(text).casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def article_id(url: str | None, text: str) -> str:
    """Return a 16-hex-digit id: from the canonical URL, or from the text when there is none."""
    canon = canonical_url(url or "")
    basis = canon if canon else content_hash(text)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def drop_repeated_title(text: str, title: str) -> str:
    """Remove a first paragraph that only repeats the headline (Markdown ``#`` titles, ``<h1>``)."""
    first, sep, rest = text.partition("\n\n")
    if sep and title and _title_key(first) == _title_key(title):
        return rest
    return text


def _title_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def title_from_text(text: str, limit: int = 120) -> str:
    """Make a title from the first line of ``text`` when the source gave none."""
    first = text.strip().split("\n", 1)[0].strip() if text else ""
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-") + "…"


def _parse_string_date(value: str) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)  # RFC 2822, as in RSS
    except (TypeError, ValueError, IndexError):
        pass
    if not re.search(r"\d{4}", text):
        return None  # no year: refuse rather than let a parser guess one
    import dateparser  # imported late: it is slow to load and only needed for odd formats

    return dateparser.parse(
        text,
        settings={"STRICT_PARSING": True, "TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True},
    )


def parse_published(value: object, item: str, *, now: datetime | None = None) -> datetime:
    """Turn a publication date (ISO, RFC 2822, date, datetime or Unix time) into aware UTC.

    Naive values are taken as UTC. Raises ItemError naming ``item`` when the date is
    missing, unparseable, before 1990 or more than a day in the future.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ItemError(item, "missing date")
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            parsed = datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            parsed = None
    elif isinstance(value, str):
        parsed = _parse_string_date(value)
    else:
        parsed = None
    if parsed is None:
        raise ItemError(item, f"unparseable date {_show(value)}")
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    now = now or datetime.now(UTC)
    if parsed > now + FUTURE_SLACK:
        raise ItemError(item, f"date {_show(value)} is in the future")
    if parsed < EARLIEST:
        raise ItemError(item, f"date {_show(value)} is before 1990")
    return parsed


def _show(value: object) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def one_line(exc: BaseException) -> str:
    """Render an exception as one line, for ItemError reasons."""
    return " ".join(str(exc).split()) or type(exc).__name__


def json_problem(exc: ValueError) -> str:
    """Describe a JSONDecodeError in one line: what and where."""
    msg = getattr(exc, "msg", str(exc)).removesuffix(" at")
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    return f"{msg} at line {line} column {col}" if line is not None else msg


def report(on_error: Callable[[ItemError], None] | None, error: ItemError) -> None:
    """Hand ``error`` to the caller's callback, or log it when there is none."""
    if on_error is None:
        log.warning("%s", error)
    else:
        on_error(error)
