"""Date mentions resolved against the article's publication date."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime

import dateparser

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTH_RE = re.compile(
    rf"\b({_MONTHS}|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?", re.IGNORECASE
)
_WEEKDAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE
)
_DAY_WORD = re.compile(r"\b(today|yesterday|tomorrow|tonight)\b", re.IGNORECASE)
_DAYS_AGO = re.compile(r"^\s*(\w+|\d+)\s+days?\s+ago\s*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMERIC = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
_DAY_NUMBER = re.compile(
    r"(?<![\d$])\b([0-3]?\d)(st|nd|rd|th)?\b(?![\d,]*\s*(%|percent))", re.IGNORECASE
)
_RANGE = re.compile(r"\b([0-3]?\d)\s*[-–]\s*[0-3]?\d\b")
_PART = re.compile(
    r"^\s*(?:the\s+)?(early|mid|middle of|late|end of|beginning of|start of)[\s-]+", re.IGNORECASE
)
# Words that make a phrase vague or relative to something other than the publication date.
_VAGUE = re.compile(
    r"\b(week|weeks|weekend|month|months|year|years|decade|decades|century|centuries|recent|"
    r"recently|soon|past|future|lately|period|season|time|times|few|several|coming|upcoming|"
    r"next|later|earlier|previous|following|days|hours|minutes|day|nights|era|ago)\b",
    re.IGNORECASE,
)
_PARSER_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


def _base(published: datetime | date | None) -> date | None:
    if published is None:
        return None
    return published.date() if isinstance(published, datetime) else published


@functools.lru_cache(maxsize=8192)
def _parse(text: str, base: date | None) -> date | None:
    settings = dict(_PARSER_SETTINGS)
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date() if parsed else None


def _day_precise(text: str) -> bool:
    if (
        _WEEKDAY.search(text)
        or _DAY_WORD.search(text)
        or _NUMERIC.search(text)
        or _DAYS_AGO.match(text)
    ):
        return True
    if _MONTH_RE.search(text):
        without_years = _YEAR.sub(" ", text)
        return bool(_DAY_NUMBER.search(without_years))
    return False


def resolve_date(text: str, published: datetime | date | None) -> date | None:
    """Calendar day a date phrase names, or None when it is vague, partial or relative without a base."""
    base = _base(published)
    phrase = _RANGE.sub(r"\1", text.strip())  # "July 29-30" -> the first day
    if not phrase or _PART.match(phrase) or not _day_precise(phrase):
        return None
    if _VAGUE.search(phrase) and not _DAYS_AGO.match(phrase):
        return None
    if base is None and not (_YEAR.search(phrase) or _NUMERIC.search(phrase)):
        return None  # "July 25" or "Monday" mean nothing without a publication date
    return _parse(phrase, base)


def date_bounds(text: str, published: datetime | date | None) -> tuple[date, date] | None:
    """First and last day a date phrase can mean ("late July 2019", "2018", "August 5"), or None."""
    exact = resolve_date(text, published)
    if exact is not None:
        return exact, exact
    base = _base(published)
    phrase = text.strip()
    part = _PART.match(phrase)
    rest = phrase[part.end() :] if part else phrase
    if _VAGUE.search(rest):
        return None
    month = _MONTH_RE.search(rest)
    year_match = _YEAR.search(rest)
    if month:
        month_no = _month_number(month.group(1))
        if year_match:
            year = int(year_match.group(1))
        elif base is not None:
            # the most recent such month, as for a day without a year
            year = base.year if month_no <= base.month else base.year - 1
        else:
            return None
        last = calendar.monthrange(year, month_no)[1]
        lo, hi = date(year, month_no, 1), date(year, month_no, last)
        if part:
            which = part.group(1).lower()
            if which.startswith(("early", "beginning", "start")):
                hi = date(year, month_no, 10)
            elif which.startswith("mid"):
                lo, hi = date(year, month_no, 11), date(year, month_no, 20)
            else:
                lo = date(year, month_no, 21)
        return lo, hi
    if year_match and not part and rest.strip() == year_match.group(0):
        year = int(year_match.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    return None


def _month_number(name: str) -> int:
    name = name.lower()[:3]
    return [m[:3] for m in _MONTHS.split("|")].index(name) + 1


def days_before(value: date, published: datetime | date | None) -> int | None:
    """How many days before publication ``value`` lies (negative when after), or None."""
    base = _base(published)
    return None if base is None else (base - value).days
