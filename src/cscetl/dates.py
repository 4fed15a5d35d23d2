"""Finding and parsing dates in the phrasings of news, letters and reports.

find_dates() returns every date or date range in a text with its precision ('day', 'month',
'year'). A day and month with no year ("June 26-27", "Aug 5th") takes `default_year` (the
document's own year) and is skipped when there is none: a year is never guessed, so with no
`default_year` "June 26-27" yields no match at all (not a match with a missing year).
find_relative_dates() adds what only a reference date can place: a bare month ("in February") and
"last year" / "this year".
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cscetl.scan import digit_run_starts, finditer_at, word_heads, word_starts_by_head

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
_TO = rf"\s*(?:-|–|—|to|and|&|until|till)\s*{_WD}"
_OF = r"(?:\s+of)?"


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    date: date
    precision: str  # day, month, year
    end_date: date | None = None

_NOT_DIGITS = re.compile(r"\D")
_SENTENCE_BREAK = re.compile(r"[.!?]\s")

def _day(s: str) -> int:
    return int(_NOT_DIGITS.sub("", s))


def _mk(y: int | None, m: int, d: int | None) -> date | None:
    if y is None:
        return None
    try:
        return date(y, m, d or 1)
    except ValueError:
        return None


def _mon(s: str) -> int:
    return _MONTHS[s.lower().rstrip(".")]


# Each pattern: (regex, handler(match, default_year) -> (start_date, end_date, precision) | None, the
# kinds of place a match can start at: d a digit, D a digit with a month after it, m a month, w a
# weekday, s a season)
_PATTERNS: list[tuple[re.Pattern[str], object, str]] = []


def _pattern(rx: str, starts: str):
    def register(fn):
        _PATTERNS.append((re.compile(rx, re.I), fn, starts))
        return fn
    return register


@_pattern(rf"\b{_WD}(?P<d1>{_D}){_OF}\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_TO}(?P<d2>{_D}){_OF}\s+(?P<m2>{_M}),?\s+(?P<y2>{_Y})\b", "Dw")
def _range_two_months(m, dy):  # "8 July 2019 to 12 July 2019", "30 June to 4 July 2025"
    y2 = int(m["y2"])
    y1 = int(m["y1"]) if m["y1"] else y2
    a, b = _mk(y1, _mon(m["m1"]), _day(m["d1"])), _mk(y2, _mon(m["m2"]), _day(m["d2"]))
    return (a, b, "day") if a and b else None


@_pattern(rf"\b{_WD}(?P<d1>{_D}){_OF}\s+(?P<m1>{_M}){_TO}(?P<m2>{_M})\s+(?P<d2>{_D}),?\s+(?P<y>{_Y})\b", "Dw")
def _range_mixed(m, dy):  # "23rd May and June 15th 2016"
    y = int(m["y"])
    a, b = _mk(y, _mon(m["m1"]), _day(m["d1"])), _mk(y, _mon(m["m2"]), _day(m["d2"]))
    return (a, b, "day") if a and b else None


@_pattern(rf"\b{_WD}(?P<d1>{_D}){_TO}(?P<d2>{_D}){_OF}\s+(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b", "Dw")
def _range_same_month(m, dy):  # "21 and 22 February 2017", "11 – 22 July 2022"
    y = int(m["y"]) if m["y"] else dy
    a, b = _mk(y, _mon(m["m"]), _day(m["d1"])), _mk(y, _mon(m["m"]), _day(m["d2"]))
    return (a, b, "day") if a and b and a <= b else None


@_pattern(rf"\b{_WD}(?P<m>{_M})\s+(?P<d1>{_D}){_TO}(?P<d2>{_D})(?:,?\s+(?P<y>{_Y}))?\b", "mw")
def _range_month_first(m, dy):  # "June 26-27", "March 12-13, 2019"
    y = int(m["y"]) if m["y"] else dy
    a, b = _mk(y, _mon(m["m"]), _day(m["d1"])), _mk(y, _mon(m["m"]), _day(m["d2"]))
    return (a, b, "day") if a and b and a <= b else None


@_pattern(rf"\b{_WD}(?P<d>{_D})(?:\s+of)?\s+(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b", "Dw")
def _day_month(m, dy):  # "24 March 2017", "23rd May", "8th Jun 2018"
    y = int(m["y"]) if m["y"] else dy
    d = _mk(y, _mon(m["m"]), _day(m["d"]))
    return (d, None, "day") if d else None


@_pattern(rf"\b{_WD}(?P<m>{_M})\s+(?P<d>{_D})(?!\s*(?:-|–)\s*\d)(?:,?\s+(?P<y>{_Y}))?\b", "mw")
def _month_day(m, dy):  # "May 23rd 2016", "Friday, May 10, 2019", "Aug 5th"
    y = int(m["y"]) if m["y"] else dy
    d = _mk(y, _mon(m["m"]), _day(m["d"]))
    return (d, None, "day") if d else None


@_pattern(rf"\b(?P<m1>{_M})\s*(?:-|–|—|to|and|&|until)\s*(?P<m2>{_M})\s+(?:of\s+)?(?P<y>{_Y})\b", "m")
def _month_range(m, dy):  # "November and December 2019" (from November); "December 2018 to January 2019" is two dates
    y, m1, m2 = int(m["y"]), _mon(m["m1"]), _mon(m["m2"])
    a = _mk(y if m1 <= m2 else y - 1, m1, 1)
    return (a, _mk(y, m2, 1), "month") if a else None


@_pattern(rf"\b(?P<m>{_M})\s+(?:of\s+)?(?P<y>{_Y})\b", "m")
def _month_year(m, dy):  # "March 2015"
    d = _mk(int(m["y"]), _mon(m["m"]), 1)
    return (d, None, "month") if d else None


@_pattern(r"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)?\d\d)\b", "d")
def _slashed(m, dy):  # "19/04/23", "05/09/2022" — UK order
    y = int(m["y"])
    y = y + 2000 if y < 100 else y
    d = _mk(y, int(m["m"]), int(m["d"])) if 1 <= int(m["m"]) <= 12 else None
    return (d, None, "day") if d else None


@_pattern(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b", "d")
def _iso(m, dy):
    d = _mk(int(m["y"]), int(m["m"]), int(m["d"]))
    return (d, None, "day") if d else None


@_pattern(r"(?<![£$\d.,/-])(?:\b(?:spring|summer|autumn|winter)\s+(?:of\s+)?)?\b(?P<y>(?:19[5-9]|20[0-4])\d)\b(?![\d%]|\s?per\s?cent|,\d)", "ds")
def _year(m, dy):  # "in 2016", "its 2019 level", "the summer of 2016" (a season is year precision)
    return (date(int(m["y"]), 1, 1), None, "year")


# Where a date can start: a number, or a word opening like a month, a weekday or a season
_WORD_KINDS = {
    **{w: "m" for w in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")},
    **{w: "w" for w in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    **{w: "s" for w in ("spr", "sum", "aut", "win")},
}
word_heads(*_WORD_KINDS)


@lru_cache(maxsize=8)
def _starts(text: str) -> dict[str, list[int]] | None:
    """Positions where a match may begin, by kind (d, m, w, s), in text order; None when the text
    needs the full scan."""
    heads = word_starts_by_head(text)
    if heads is None:
        return None
    at: dict[str, list[int]] = {"d": list(digit_run_starts(text)), "m": [], "w": [], "s": []}
    for head, kind in _WORD_KINDS.items():
        at[kind] += heads.get(head, ())
    for kind in "mws":
        at[kind].sort()
    at["D"] = [i for i in at["d"] if _day_before_month(text, i, at["m"])]
    return at


# Between a day and its month, only more of the date: "21 and 22 ", "30 June to Friday 4 " stops at June
_DAY_TO_MONTH = re.compile(
    r"(?:[\d\s,&\-–—]|st|nd|rd|th|of|to|and|until|till|monday|tuesday|wednesday|thursday|friday|saturday|sunday)*", re.I)


def _day_before_month(text: str, i: int, months: list[int]) -> bool:
    """Could the number at i be a day whose month follows (the next month word, with only date words between)?"""
    k = bisect_right(months, i)
    return k < len(months) and _DAY_TO_MONTH.fullmatch(text, i, months[k]) is not None


@lru_cache(maxsize=8)  # one scan serves every default year asked for
def _scan(text: str) -> tuple[tuple[re.Match[str], object], ...]:
    """Every pattern's matches with their handlers."""
    at = _starts(text)
    out = []
    for rx, handler, kinds in _PATTERNS:
        if at is None:
            matches = rx.finditer(text)
        else:
            starts = sorted(i for k in kinds for i in at[k]) if len(kinds) > 1 else at[kinds]
            matches = finditer_at(rx, text, starts)
        out += [(m, handler) for m in matches]
    return tuple(out)


def find_dates(text: str, default_year: int | None = None) -> list[DateMatch]:
    """Every date in the text, longest reading first, non-overlapping, in text order."""
    return list(_find_dates(text, default_year))


@lru_cache(maxsize=32)  # the extractors of one document ask for the same text's dates several times
def _find_dates(text: str, default_year: int | None) -> tuple[DateMatch, ...]:
    found: list[DateMatch] = []
    for m, handler in _scan(text):
        got = handler(m, default_year)
        if got:
            found.append(DateMatch(m.start(), m.end(), got[0], got[2], got[1]))
    found.sort(key=lambda d: (-(d.end - d.start), d.start))
    taken: list[DateMatch] = []
    used = bytearray(len(text))  # 1 under every character a taken date covers
    for d in found:
        if used.find(1, d.start, d.end) < 0:
            taken.append(d)
            used[d.start: d.end] = b"\x01" * (d.end - d.start)
    return tuple(sorted(taken, key=lambda d: d.start))


def parse_date(s: str, default_year: int | None = None) -> tuple[date, str] | None:
    """The date a whole string states ("Friday, May 10, 2019", "Published: 8th Jun 2018"), else None."""
    s = s.strip().strip(".,")
    s = re.sub(r"^(?:published|updated|posted|date|first published)\s*(?:on)?\s*[:\-]?\s*", "", s, flags=re.I)
    for d in find_dates(s, default_year):
        if d.start == 0 and d.end >= len(s.rstrip(".,")):
            return d.date, d.precision
    return None


# "in February", "early March", "in July that year": a month with no year, after a word that makes it one
_BARE_MONTH = re.compile(
    rf"\b(?:in|during|on|from|since|until|by|of|last|this|early|late|mid-?|(?:at the )?(?:start|end|beginning) of)\s+"
    rf"(?:the\s+)?(?P<m>{_M})(?!\s*(?:\d|{_M}))\b(?P<that>\s+(?:of\s+)?(?:that|the same) year)?",
    re.I,
)
# "last year", "earlier this year"; not "in the last year" (the past twelve months)
_RELATIVE_YEAR = re.compile(r"(?<!the )\b(?P<which>last|this) year\b", re.I)


_LONGEST_LEAD = len("at the beginning of")


def _bare_months(text: str):
    """_BARE_MONTH.finditer(text), tried only at the words just before a month (see cscetl.scan)."""
    at = _starts(text)
    if at is None:
        return _BARE_MONTH.finditer(text)
    starts: set[int] = set()
    for q in at["m"]:
        for j in _lead_ends(text, q):
            starts.update(p for p in range(max(0, j - _LONGEST_LEAD), j) if p == 0 or not _is_word(text[p - 1]))
    return finditer_at(_BARE_MONTH, text, sorted(starts))


def _lead_ends(text: str, q: int) -> list[int]:
    """Where the word leading to a month at q may end: before the spaces ahead of it, or before "the" and its spaces."""
    j = _skip_space_back(text, q)
    if j == q:
        return []
    ends = [j]
    if text[j - 3: j].lower() == "the":
        k = _skip_space_back(text, j - 3)
        if k < j - 3:
            ends.append(k)
    return ends


def _skip_space_back(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _relative_years(text: str):
    """_RELATIVE_YEAR.finditer(text), tried only five characters before each "year"."""
    if _starts(text) is None:
        return _RELATIVE_YEAR.finditer(text)
    low, starts, i = text.lower(), [], 0
    while (i := low.find("year", i)) >= 0:
        if i >= 5:
            starts.append(i - 5)  # "last year", "this year"
        i += 4
    return finditer_at(_RELATIVE_YEAR, text, starts)


def find_relative_dates(text: str, reference: date | None) -> list[DateMatch]:
    """Dates placed by a reference date (the document's): "in February" (the latest February on or
    before the reference month, unless the sentence named a year just before: "in 2019, when an
    inspection in September ..."), "last year", "this year"; "in July that year" takes the year of
    the nearest full date before it. With no reference, only the months a year in the text places.
    Spans overlapping a find_dates() match are the caller's to drop."""
    out: list[DateMatch] = []
    explicit = [d for d in find_dates(text) if d.precision in ("day", "month", "year")]
    for m in _bare_months(text):
        month = _mon(m["m"])
        before = [d for d in explicit if d.end <= m.start()]
        # "in 2019, when an inspection in September ...": a year earlier in the same sentence
        same = [d for d in before if m.start() - d.end <= 150 and not _SENTENCE_BREAK.search(text[d.end: m.start()])]
        if m["that"] or same:
            if not (same or before):
                continue
            year = (same or before)[-1].date.year
        elif reference is not None:
            year = reference.year if month <= reference.month else reference.year - 1
        else:
            continue
        out.append(DateMatch(m.start("m"), m.end(), date(year, month, 1), "month"))
    for m in _relative_years(text) if reference else ():
        year = reference.year if m["which"].lower() == "this" else reference.year - 1
        out.append(DateMatch(m.start(), m.end(), date(year, 1, 1), "year"))
    return sorted(out, key=lambda d: d.start)
