"""Finding and parsing dates in the phrasings of news, letters and reports.

find_dates() returns every date or date range in a text with its precision ('day', 'month',
'year'). A day and month with no year ("June 26-27", "Aug 5th") takes `default_year` (the
document's own year) and is skipped when there is none: a year is never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# Capitalised only: "may", "mar" and "dec" are also ordinary words.
_M = r"(?-i:(?:January|February|March|April|May|June|July|August|September|October|November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_D = r"(?:[0-3]\s?\d|\d)(?:st|nd|rd|th)?"  # "1 9 June": pypdf sometimes splits a day's digits
_Y = r"(?:19|20)\d\d"
_WD = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
_TO = r"\s*(?:-|–|—|to|and|until|till)\s*"


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    date: date
    precision: str  # day, month, year
    end_date: date | None = None


def _day(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def _mk(y: int | None, m: int, d: int | None) -> date | None:
    if y is None:
        return None
    try:
        return date(y, m, d or 1)
    except ValueError:
        return None


def _mon(s: str) -> int:
    return _MONTHS[s.lower().rstrip(".")]


# Each pattern: (regex, handler(match, default_year) -> (start_date, end_date, precision) | None)
_PATTERNS: list[tuple[re.Pattern[str], object]] = []


def _pattern(rx: str):
    def register(fn):
        _PATTERNS.append((re.compile(rx, re.I), fn))
        return fn
    return register


@_pattern(rf"\b{_WD}(?P<d1>{_D})\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_TO}(?P<d2>{_D})\s+(?P<m2>{_M}),?\s+(?P<y2>{_Y})\b")
def _range_two_months(m, dy):  # "8 July 2019 to 12 July 2019", "30 June to 4 July 2025"
    y2 = int(m["y2"])
    y1 = int(m["y1"]) if m["y1"] else y2
    a, b = _mk(y1, _mon(m["m1"]), _day(m["d1"])), _mk(y2, _mon(m["m2"]), _day(m["d2"]))
    return (a, b, "day") if a and b else None


@_pattern(rf"\b{_WD}(?P<d1>{_D})\s+(?P<m1>{_M}){_TO}(?P<m2>{_M})\s+(?P<d2>{_D}),?\s+(?P<y>{_Y})\b")
def _range_mixed(m, dy):  # "23rd May and June 15th 2016"
    y = int(m["y"])
    a, b = _mk(y, _mon(m["m1"]), _day(m["d1"])), _mk(y, _mon(m["m2"]), _day(m["d2"]))
    return (a, b, "day") if a and b else None


@_pattern(rf"\b{_WD}(?P<d1>{_D}){_TO}(?P<d2>{_D})\s+(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b")
def _range_same_month(m, dy):  # "21 and 22 February 2017", "11 – 22 July 2022"
    y = int(m["y"]) if m["y"] else dy
    a, b = _mk(y, _mon(m["m"]), _day(m["d1"])), _mk(y, _mon(m["m"]), _day(m["d2"]))
    return (a, b, "day") if a and b and a <= b else None


@_pattern(rf"\b{_WD}(?P<m>{_M})\s+(?P<d1>{_D}){_TO}(?P<d2>{_D})(?:,?\s+(?P<y>{_Y}))?\b")
def _range_month_first(m, dy):  # "June 26-27", "March 12-13, 2019"
    y = int(m["y"]) if m["y"] else dy
    a, b = _mk(y, _mon(m["m"]), _day(m["d1"])), _mk(y, _mon(m["m"]), _day(m["d2"]))
    return (a, b, "day") if a and b and a <= b else None


@_pattern(rf"\b{_WD}(?P<d>{_D})(?:\s+of)?\s+(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b")
def _day_month(m, dy):  # "24 March 2017", "23rd May", "8th Jun 2018"
    y = int(m["y"]) if m["y"] else dy
    d = _mk(y, _mon(m["m"]), _day(m["d"]))
    return (d, None, "day") if d else None


@_pattern(rf"\b{_WD}(?P<m>{_M})\s+(?P<d>{_D})(?!\s*(?:-|–)\s*\d)(?:,?\s+(?P<y>{_Y}))?\b")
def _month_day(m, dy):  # "May 23rd 2016", "Friday, May 10, 2019", "Aug 5th"
    y = int(m["y"]) if m["y"] else dy
    d = _mk(y, _mon(m["m"]), _day(m["d"]))
    return (d, None, "day") if d else None


@_pattern(rf"\b(?P<m>{_M})\s+(?:of\s+)?(?P<y>{_Y})\b")
def _month_year(m, dy):  # "March 2015"
    d = _mk(int(m["y"]), _mon(m["m"]), 1)
    return (d, None, "month") if d else None


@_pattern(r"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)?\d\d)\b")
def _slashed(m, dy):  # "19/04/23", "05/09/2022" — UK order
    y = int(m["y"])
    y = y + 2000 if y < 100 else y
    d = _mk(y, int(m["m"]), int(m["d"])) if 1 <= int(m["m"]) <= 12 else None
    return (d, None, "day") if d else None


@_pattern(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
def _iso(m, dy):
    d = _mk(int(m["y"]), int(m["m"]), int(m["d"]))
    return (d, None, "day") if d else None


@_pattern(r"(?<![£$\d.,/-])\b(?P<y>(?:19[5-9]|20[0-4])\d)\b(?![\d%]|\s?per\s?cent|,\d)")
def _year(m, dy):  # "in 2016", "its 2019 level"
    return (date(int(m["y"]), 1, 1), None, "year")


_SEASON_OF = re.compile(r"\b(?:the\s+)?(?:spring|summer|autumn|winter)\s+of\s+$", re.I)


def find_dates(text: str, default_year: int | None = None) -> list[DateMatch]:
    """Every date in the text, longest reading first, non-overlapping, in text order."""
    found: list[DateMatch] = []
    for rx, handler in _PATTERNS:
        for m in rx.finditer(text):
            got = handler(m, default_year)
            if got:
                found.append(DateMatch(m.start(), m.end(), got[0], got[2], got[1]))
    found.sort(key=lambda d: (-(d.end - d.start), d.start))
    taken: list[DateMatch] = []
    for d in found:
        if all(d.end <= t.start or d.start >= t.end for t in taken):
            taken.append(d)
    return sorted(taken, key=lambda d: d.start)


def parse_date(s: str, default_year: int | None = None) -> tuple[date, str] | None:
    """The date a whole string states ("Friday, May 10, 2019", "Published: 8th Jun 2018"), else None."""
    s = s.strip().strip(".,")
    s = re.sub(r"^(?:published|updated|posted|date|first published)\s*(?:on)?\s*[:\-]?\s*", "", s, flags=re.I)
    for d in find_dates(s, default_year):
        if d.start == 0 and d.end >= len(s.rstrip(".,")):
            return d.date, d.precision
    return None
