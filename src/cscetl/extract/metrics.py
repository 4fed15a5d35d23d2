"""Figures about a council's children's services: clean text in, Metric rows out.

A figure is a number with its unit (count, percent, gbp, per_10k). It becomes a row only when
the words of its own clause name a catalogue metric; dates, years, ages, durations, ordinals,
section numbers, phone numbers and postcodes are never figures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cscetl.dates import find_dates
from cscetl.extract.metric_catalogue import classify, classify_near
from cscetl.records import DocContext, Metric
from cscetl.scan import digit_positions, digit_run_starts, finditer_at, word_heads, word_starts
from cscetl.sentences import sentence_spans

# Number words ("eight social workers"); "one" and "a" are left out: too often not a figure.
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_WORD_NUM = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_NUMBER = re.compile(
    rf"(?P<gbp>£\s?)?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b{_WORD_NUM}\b(?=\s+(?:['‘\"][\w -]+['’\"]\s+|new\s+|more\s+|permanent\s+|agency\s+|qualified\s+)?[a-z]))"
    r"(?P<scale>\s?(?:million|mn|m|bn|billion|k|thousand)\b)?"
    r"(?P<pct>\s?(?:%|per\s?cent\b|percent\b))?"
    r"(?P<rate>\s+(?:per|for every)\s+10,?000\b)?",
    re.I,
)
# How the number words open, for finding where a figure may start (see cscetl.scan)
_NUMBER_WORD_HEADS = word_heads(*{w[:3] for w in _WORDS if w not in ("zero", "one")})
_SCALE = {"million": 1e6, "mn": 1e6, "m": 1e6, "bn": 1e9, "billion": 1e9, "k": 1e3, "thousand": 1e3}

# Spans that hold digits but no figure.
_PHONE = re.compile(r"\b0\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b")  # UK phone numbers
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_ADDRESS = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+")
_TIME = re.compile(r"\b\d{1,2}([:.]\d\d)?\s?(am|pm)\b|\b\d{1,2}:\d\d\b", re.I)
_AGE = re.compile(r"\bage[sd]?\s+(?:of\s+)?\d{1,2}(?:\s*(?:to|-|–|and|or)\s*\d{1,2})?\b|\b\d{1,2}\s*(?:to|-|–)\s*\d{1,2}[- ]year[- ]olds?\b", re.I)
_RESOLUTION = re.compile(r"^\s*\(\d{1,2}\)|(?<=\n)\s*\(\d{1,2}\)")  # "(2) That the report be noted": a numbered resolution
_MASKS = [_PHONE, _POSTCODE, _ADDRESS, _TIME, _AGE, _RESOLUTION]
_AGE_HEAD = word_heads("age")
_DURATION_AFTER = re.compile(r"^\s*(?:-|to|and|or)?\s*(?:\d+\s*)?-?\s*(?:working\s+|calendar\s+|school\s+)?(?:years?|months?|weeks?|days?|hours?|minutes?|yrs?)\b(?!\s+(?:olds?\b))|^-year-olds?\b|^\s*(?:st|nd|rd|th)\b", re.I)
_NOT_FIGURE_BEFORE = re.compile(
    r"(?:\b(?:aged|ages?|under|section|sections|clause|paragraph|para|paras|page|pages|regulation|item|chapter|act|no\.?|number|year|years|key stage|ks|room|tel|telephone|phone|minute|minutes|appendix|annex|table|figure|rule|article|standard|level|grade|stage|phase|version|route|junction|ward)\s*|[A-Za-z]-?|[\d.,]|#)$",
    re.I,
)
_LIST_MARKER = re.compile(r"(?:^|\n)\s*$")
_CHANGE_AFTER = re.compile(r"^\s*(?:per\s?cent\s+|%\s*)?(?:increase|rise|jump|growth|surge|fall|decrease|drop|reduction|decline|cut|uplift)\b", re.I)
_CHANGE_BEFORE = re.compile(r"\b(?:increased|increase|rose|risen|grown|grew|fell|fallen|decreased|dropped|reduced|cut|up|down|rise|fall)\s+by\s+(?:around\s+|about\s+|almost\s+|nearly\s+|some\s+)?$", re.I)
_TARGET = re.compile(r"\bwill be\b|\bby (?:the )?(?:end of |autumn|spring|summer|winter|next|\d{4})|\btarget(?:s|ed)?\b|\baims? (?:to|for)\b|\bgoal\b|\bambition\b", re.I)
_COMPARISON = re.compile(r"\b(?:an? (?:increase|rise|decrease|fall|drop|reduction) (?:from|on)|compared (?:with|to)|up from|down from|from a (?:figure|total|level) of|than)\b", re.I)
_NEXT_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas|although|though|with)\b|;|\s[–—-]\s")
# "... in need and 198 were subject to a plan": a figure after a connective starts its own clause
_CONNECTIVE_BEFORE = re.compile(r"\b(?:and|while|but|whereas|with|although)\s+(?:an?\s+|the\s+|some\s+)?$", re.I)
_YEAR_EARLIER = re.compile(r"^\s*(?:a|one|twelve months|12 months)\s+(?:year\s+)?(?:earlier|before)\b|^\s*(?:the )?(?:previous|year before)\b", re.I)
_OPENING_DATE = re.compile(r"^\s*(?:in|during|by)\s+$", re.I)  # "In 2022 the company was overspending ..."
_NOT_WORKFORCE = re.compile(r"^\s*(?:['‘\"][\w -]+['’\"]\s+|\w+\s+){0,2}?(?:trainee|student|newly[- ]qualified|apprentice|home[- ]grown|aspiring)\b", re.I)
_SAME_DATE = re.compile(r"\b(?:on|at|by) (?:the same|that) (?:date|day|point|time)\b", re.I)
_AS_AT = re.compile(r"\b(?:as (?:at|of)|(?:at|for|by) the end of|in the (?:year|twelve months|12 months) (?:to|ending)|on|at)\s*$", re.I)
_AT_VISIT = re.compile(r"\bat the time of (?:the|this|our|my) (?:visit|inspection)\b", re.I)
_DENIED = re.compile(r"\bwhich (?:was|is) not (?:in fact |actually )?(?:the case|true|correct|accurate)\b|\b(?:was|were|is) (?:later )?(?:found to be )?(?:wrong|incorrect|inaccurate|an error)\b|\bnot (?:in fact )?the case\b", re.I)


@dataclass
class _Figure:
    start: int
    end: int
    value: float
    unit: str


def _masked(text: str, default_year: int | None) -> list[tuple[int, int]]:
    runs = digit_run_starts(text)
    spans = [(m.start(), m.end()) for rx in _MASKS for m in _mask_matches(rx, text, runs)]
    spans += [(d.start, d.end) for d in find_dates(text, default_year=default_year)]
    return spans


def _mask_matches(rx: re.Pattern[str], text: str, runs: tuple[int, ...]):
    """rx.finditer(text), tried only where a match of that mask can start (see cscetl.scan); runs:
    where the text's runs of digits start."""
    if rx is _PHONE or rx is _TIME:  # \b and a digit
        return finditer_at(rx, text, runs)
    if rx is _POSTCODE:  # one or two capitals, then a run of digits
        return finditer_at(rx, text, sorted({i - k for i in runs for k in (1, 2) if i >= k}))
    if rx is _ADDRESS:
        return rx.finditer(text) if ("@" in text or "http" in text or "www." in text) else ()
    if rx is _AGE:
        ages = word_starts(text, _AGE_HEAD)
        return rx.finditer(text) if ages is None else finditer_at(rx, text, sorted(ages + list(runs)))
    if rx is _RESOLUTION:
        return rx.finditer(text) if "(" in text else ()
    return rx.finditer(text)


_POUND = re.compile("£")


def _number_starts(text: str) -> list[int] | None:
    """Where a figure may start: a digit, a "£" or a number word; None when the text needs the full scan."""
    words = word_starts(text, _NUMBER_WORD_HEADS)
    if words is None:
        return None
    pounds = [m.start() for m in _POUND.finditer(text)]
    return sorted([*digit_positions(text), *pounds, *words])


def _figures(text: str, s0: int, s1: int, masked: set[int], starts: list[int] | None) -> list[_Figure]:
    """The figures of the sentence [s0, s1); masked holds every character position inside a mask."""
    out = []
    numbers = _NUMBER.finditer(text, s0, s1) if starts is None else finditer_at(_NUMBER, text, starts, s0, s1)
    for m in numbers:
        a, b = m.start("num"), m.end("num")
        if a in masked:
            continue
        before = text[max(s0, a - 40) : m.start()]
        unit = "gbp" if m.group("gbp") else "percent" if m.group("pct") else "per_10k" if m.group("rate") else "count"
        raw = m.group("num").replace(",", "")
        if raw[0].isalpha():
            if unit != "count":
                continue  # "forty per cent" is rare; "£ten" never
            parts = raw.lower().split("-")
            value = float(_WORDS[parts[0]] + (_WORDS[parts[1]] if len(parts) > 1 else 0))
            raw = str(int(value))
        else:
            value = float(raw)
        if m.group("scale"):
            scale = m.group("scale").strip().lower()
            if unit != "gbp" and scale in ("m", "k"):
                continue  # "4m" without £ is a distance or a model name, not a figure
            value *= _SCALE[scale]
        if unit == "count":
            if _NOT_FIGURE_BEFORE.search(before) or _DURATION_AFTER.match(text[m.end() : m.end() + 30]):
                continue
            if "," not in m.group("num") and "." not in raw and 1900 <= value <= 2099:
                continue  # a year
            if _LIST_MARKER.search(text[max(s0, a - 6) : a]) and re.match(r"[.)]\s", text[b : b + 2]):
                continue  # "3. Apologies" — a list or minute number
            if "." in raw and re.match(r"\.\d", text[b : b + 2]):
                continue  # "3.2.1" clause numbering
        elif unit == "per_10k" and _NOT_FIGURE_BEFORE.search(before[-3:] if before else ""):
            continue
        out.append(_Figure(m.start(), m.end(), value, unit))
    return out


def extract_metrics(text: str, ctx: DocContext, event_date: date | None = None) -> list[Metric]:
    """Every catalogued figure in the text.

    event_date is the date of the document's own inspection or visit; a letter's figures
    ("at the time of the visit") are as of then.
    """
    default_year = ctx.published_date.year if ctx.published_date else None
    masked = {i for x, y in _masked(text, default_year) for i in range(x, y)}
    starts = _number_starts(text)
    dates = find_dates(text, default_year=default_year)
    rows: list[Metric] = []
    last_as_of: tuple | None = None
    for s0, s1 in sentence_spans(text):
        figures = _figures(text, s0, s1, masked, starts)
        sentence = text[s0:s1]
        denied = bool(figures) and bool(_DENIED.search(sentence))  # only rows carry it
        named: list[tuple[_Figure, str]] = []
        for i, fig in enumerate(figures):
            prev_end = figures[i - 1].end if i else s0
            next_start = figures[i + 1].start if i + 1 < len(figures) else s1
            after = text[fig.end : next_start]
            before = text[prev_end : fig.start]
            figure_text = text[fig.start : fig.end]
            own_after = _NEXT_CLAUSE.split(after, maxsplit=1)[0]  # ", and agency staff make up 11.9%" is the next figure's
            own_before = "" if i and _CONNECTIVE_BEFORE.search(before) else before[-60:]
            compared = _comparison(text, s0, fig.start)
            metric = classify_near(own_before, figure_text, own_after, fig.unit)
            if metric is None and compared:
                # "... compared with 205 (27 per 10,000)", "down from 36.3%": the measure of the last figure of this unit
                metric = next((name for f, name in reversed(named) if f.unit == fig.unit), None)
            metric = metric or classify(text[s0 : fig.start] + " " + after, fig.unit)
            if metric is None:
                continue
            if metric == "social_workers" and _NOT_WORKFORCE.match(after):
                continue  # "eight trainee social workers": people not yet on the workforce
            named.append((fig, metric))
            measure = "level"
            if _CHANGE_AFTER.match(text[fig.end : fig.end + 30]) or _CHANGE_BEFORE.search(before[-40:]):
                measure = "change"
            elif fig.unit != "gbp" and _TARGET.search(after):
                measure = "target"
            as_of, precision = _as_of(text, s0, fig, compared, dates, sentence, ctx, event_date)
            if as_of is None and not compared and last_as_of and _SAME_DATE.search(sentence):
                as_of, precision = last_as_of
            if as_of is not None and not compared:
                last_as_of = (as_of, precision)
            rows.append(
                Metric(
                    metric=metric, value=fig.value, unit=fig.unit, measure=measure, as_of=as_of,
                    date_precision=precision, evidence=sentence, char_start=s0, char_end=s1, denied=denied,
                )
            )
    return rows


def _comparison(text: str, s0: int, pos: int):
    """The comparison marker ("an increase from", "compared with", "down from") whose clause holds pos."""
    found = None
    for m in _COMPARISON.finditer(text, s0, pos):
        found = m
    if found and not _NEXT_CLAUSE.search(text[found.end() : pos]):
        return found
    return None


def _as_of(text, s0, fig, compared, dates, sentence, ctx, event_date):
    in_sentence = [d for d in dates if s0 <= d.start and d.end <= s0 + len(sentence)]
    if compared:
        # the comparison figure carries its own date: "an increase from 1,394 in March 2015"
        later = [d for d in in_sentence if d.start >= fig.end]
        if later:
            return later[0].date, later[0].precision
        if _YEAR_EARLIER.match(text[fig.end : fig.end + 40]):
            # "down from 36.3% a year earlier": a year before the sentence's own date
            own = _as_of(text, s0, fig, None, dates, sentence, ctx, event_date)
            if own[0] is not None:
                try:
                    return own[0].replace(year=own[0].year - 1), own[1]
                except ValueError:  # 29 February
                    return own[0].replace(year=own[0].year - 1, day=28), own[1]
        if not compared.group(0).lower().startswith("than"):
            return None, None  # an earlier figure with no date of its own
        # "higher than the reported average of 22": a figure of the same time as the sentence
    for d in in_sentence:
        if _comparison(text, s0, d.start) is not None:
            continue
        if _AS_AT.search(text[max(s0, d.start - 24) : d.start]) or _OPENING_DATE.match(text[s0 : d.start]):
            return d.date, d.precision  # "As at 31 March 2024, ...", "... at the end of March 2024", "In 2022 ..."
    if event_date and (ctx.kind in ("ofsted_letter",) or _AT_VISIT.search(sentence)):
        return event_date, "day"
    return None, None
