"""Ofsted events about a council's children's services: clean text in, Inspection rows out.

Sentence by sentence, an event is a type word (monitoring visit, focused visit, JTAI, or an
inspection/rating of children's services) with what the sentence says of it: a date, an
ordinal ("ninth monitoring visit"), a grade ("rated inadequate in 2016"). A clause after
"since" is a past event of its own. Mentions of one event across sentences are then merged:
"the visit on June 26-27" dates the document's own visit, an undated "'inadequate' rating"
grades the dated inspection it refers to. Schools, children's homes and the like are not events.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from cscetl.dates import DateMatch, find_dates
from cscetl.extract.grades import GRADE, grade_of
from cscetl.extract.judgements import extract_judgements, report_start
from cscetl.records import DocContext, Inspection
from cscetl.sentences import sentence_spans

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
}
_ORD = r"(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|\d{1,2}(?:st|nd|rd|th))"

_TYPES = [
    ("jtai", re.compile(r"\bjoint targeted area inspections?\b|\bJTAIs?\b", re.I)),
    ("monitoring_visit", re.compile(r"\bmonitoring visits?\b", re.I)),
    ("focused_visit", re.compile(r"\bfocused visits?\b", re.I)),
    ("full_inspection", re.compile(r"\b(?:re-?)?inspection\b|\binspected\b|\b(?:was|were|been|being|is|are|be)\s+(?:rated|judged|graded|ranked|found to be|deemed)\b|\brating\b|\brated\b", re.I)),
]
_ORDINAL_RX = re.compile(rf"\b{_ORD}\s+(?:such\s+|Ofsted\s+)?(?:monitoring\s+)?(?:visit|inspection)\b|\bthe\s+{_ORD.replace('ord>', 'ord2>')}\s+of\s+(?:\w+\s+)?(?:monitoring\s+)?visits\b", re.I)
# A grade given as a rating: "rated inadequate", "judged as 'adequate'", "'inadequate' Ofsted rating",
# "the rating ... was kept at its 2019 level: 'requires improvement to be good'"
_RATED = re.compile(
    rf"\b(?:rated|judged|graded|ranked|deemed|found to be|rating of|judgement of|grade of)\s+(?:as\s+|to be\s+|being\s+)?['‘“\"]?(?P<g1>{GRADE})\b"
    rf"|['‘“\"]?(?P<g2>{GRADE})['’”\"]?\s+(?:Ofsted\s+)?(?:rating|judgement|grade|overall)\b"
    rf"|\b(?:rating|judgement|grade)\b[^.;]{{0,80}}?[:,]\s*['‘“\"]?(?P<g3>{GRADE})\b"
    rf"|\b(?:services?|authority|council|it)\s+(?:was|were|is|are|remains?|remained)\s+['‘“\"](?P<g4>{GRADE})['’”\"]"
    rf"|\b(?:services?|authority|council)\s+(?:(?:was|were|is|are|remains?|remained)\s+)?(?P<g5>inadequate|outstanding|requires?\s+improvement(?:\s+to\s+be\s+good)?)\b",
    re.I,
)
_ASPIRATION = re.compile(r"\b(?:to be|in order to be|aim(?:s|ing)? to be|want(?:s)? to be|become|becoming|would be|could be)\s+(?:judged|rated|graded)?\s*(?:as\s+)?['‘“\"]?$", re.I)
_AREA_WORDS = re.compile(r"\b(?:adoption|care leavers|experiences? and progress|help and protection|leadership|leaders|children in care|looked after|fostering|practice)\b[^.]{0,40}$", re.I)
# Places Ofsted also inspects that are not a council's children's services.
_NOT_CSC = re.compile(
    r"\b(?:schools?|academy|academies|nurser(?:y|ies)|college|pupil referral|GP|surgery|hospital|children['’]s homes?|care homes?|"
    r"residential homes?|fostering (?:agency|service)|adoption (?:agency|service)|independent fostering|childminders?|"
    r"special school|sixth form|prison|young offender|youth offending|police force|trust school)\b",
    re.I,
)
_CSC = re.compile(r"\b(?:children['’]?s services|children['’]?s social care|local authority|council|social care|children['’]s trust)\b", re.I)
_PLURAL_GENERIC = re.compile(r"\binspections\b(?!\s+of\s+\w+\s+(?:council|local authority))", re.I)
_SINCE = re.compile(r"\bsince\b", re.I)
_NOT_EVENT_DATE = re.compile(r"(?:\b(?:prior to|before|until|by|published(?:\s+today)?|appointed|appointment|took over|set up|founded|created|since)\s*\(?\s*(?:(?:on|in|the)\s+)?|\bAct\s+|\bRegulations\s+)$", re.I)
_GENERIC_DATED = re.compile(r"\b(?:the|this|our|their|its|a|latest|recent)\s+(?:visit|inspection|inspectors?['’]? visit)\b|\binspection dates?\b|\btook place\b|\bcarried out\b|\bvisited\b", re.I)
_PAST_CONTEXT = re.compile(r"\b(?:previous|last|earlier|prior|former)\s+(?:full\s+)?(?:inspection|visit|rating|judgement)\b", re.I)


@dataclass
class _Event:
    type: str
    start: date | None
    end: date | None
    precision: str | None
    ordinal: int | None
    judgement: str | None
    s0: int
    s1: int
    generic: bool = False  # "the visit on June 26-27": a date for whichever event the document is about
    past: bool = False


def _ordinal(s: str) -> int | None:
    s = s.lower()
    return _ORDINALS.get(s) or (int(re.sub(r"\D", "", s)) if re.match(r"\d", s) else None)


_TOOK_PLACE = re.compile(r"\b(?:took place|was held|were held|carried out|conducted|visited us)\s+(?:on|from|between|in|during)?\s*$", re.I)


def _event_dates(text: str, a: int, b: int, dates: list[DateMatch]) -> list[DateMatch]:
    """Dates inside [a, b) that date an event (not 'appointed in', 'prior to', 'published')."""
    out = []
    for d in dates:
        if a <= d.start and d.end <= b and not _NOT_EVENT_DATE.search(text[max(a, d.start - 30): d.start]):
            out.append(d)
    return out


def _nearest(text: str, ds: list[DateMatch], m0: int, m1: int) -> DateMatch | None:
    """The date that belongs to a mention: one the sentence says it 'took place on', else the
    first after it within a few words, else the closest."""
    if not ds:
        return None
    stated = [d for d in ds if _TOOK_PLACE.search(text[max(0, d.start - 30): d.start])]
    if stated:
        return stated[0]
    after = [d for d in ds if 0 <= d.start - m1 <= 60]
    if after:
        return after[0]
    return min(ds, key=lambda d: min(abs(d.start - m1), abs(m0 - d.end)))


def _grade(text: str, a: int, b: int) -> str | None:
    for m in _RATED.finditer(text, a, b):
        g = next(x for x in (m.group("g1"), m.group("g2"), m.group("g3"), m.group("g4"), m.group("g5")) if x)
        before = text[a: m.start()]
        if _ASPIRATION.search(before + text[m.start(): m.start() + m.group(0).lower().find(g.lower()[:4])]):
            continue
        if _AREA_WORDS.search(before[-60:]) and not re.search(r"\boverall\b|children['’]?s services", before[-60:], re.I):
            continue  # a graded area ("adoption performance was ranked ..."), not the overall grade
        return grade_of(g)
    return None


def _clause_events(text: str, a: int, b: int, dates: list[DateMatch], past: bool) -> list[_Event]:
    clause = text[a:b]
    if _NOT_CSC.search(clause) and not _CSC.search(clause):
        return []
    found: list[_Event] = []
    for etype, rx in _TYPES:
        m = rx.search(clause) or (_RATED.search(clause) if etype == "full_inspection" else None)
        if not m:
            continue
        if etype == "full_inspection":
            if any(e.type != "full_inspection" for e in found) and not _RATED.search(clause):
                continue  # "the monitoring visit ... inspection" talks of one event
            if _PLURAL_GENERIC.search(clause) and not _RATED.search(clause):
                continue
        ds = _event_dates(text, a, b, dates)
        d = _nearest(text, ds, a + m.start(), a + m.end())
        om = _ORDINAL_RX.search(clause)
        ord_word = (om.group("ord") or om.group("ord2")) if om else None
        ordinal = _ordinal(ord_word) if ord_word and etype == "monitoring_visit" else None
        grade = _grade(text, a, b) if etype == "full_inspection" else None
        generic = etype == "full_inspection" and grade is None and not re.search(r"\b(?:full|ILACS|SIF|standard|short)\b", clause) \
            and bool(_GENERIC_DATED.search(clause))
        found.append(_Event(etype, d.date if d else None, d.end_date if d else None, d.precision if d else None,
                            ordinal, grade, a, b, generic=generic, past=past or bool(_PAST_CONTEXT.search(clause))))
    if not found and (_GENERIC_DATED.search(clause) or re.search(r"\bvisit\b", clause, re.I)):
        ds = _event_dates(text, a, b, dates)
        if ds and re.search(r"\bvisit(?:ed)?\b|\binspection\b", clause, re.I):
            d = ds[0]
            found.append(_Event("generic", d.date, d.end_date, d.precision, None, None, a, b, generic=True))
    return found


def _default_year(text: str, ctx: DocContext) -> int | None:
    if ctx.published_date:
        return ctx.published_date.year
    return None


def _infer_year_from_context(text: str) -> date | None:
    """With no document date, the latest fully dated mention bounds the year of 'June 26-27'."""
    full = [d.date for d in find_dates(text) if d.precision in ("day", "month")]
    return max(full) if full else None


def extract_inspections(text: str, ctx: DocContext) -> list[Inspection]:
    dy = _default_year(text, ctx)
    dates = find_dates(text, default_year=dy)
    if dy is None:
        latest = _infer_year_from_context(text)
        if latest:
            dates = _dedupe(dates, text, latest)
    events: list[_Event] = []
    for s0, s1 in sentence_spans(text):
        sentence = text[s0:s1]
        if re.match(r"^\s*(?:read more|related)\b", sentence, re.I):
            continue
        sm = _SINCE.search(sentence)
        if sm and re.search(r"\b(?:which|that) took place\b", sentence[sm.end():], re.I):
            sm = None  # the relative clause dates the event of the main clause
        if sm:
            events += _clause_events(text, s0, s0 + sm.start(), dates, past=False)
            since = _clause_events(text, s0 + sm.end(), s1, dates, past=True)
            events += [e for e in since if e.judgement]  # "since it was rated inadequate in 2016"
        else:
            events += _clause_events(text, s0, s1, dates, past=False)
    if ctx.kind in ("ofsted_report",):
        # the report's own inspection: page 1's dates, and the overall grade of its table
        start, precision = report_start(text)
        if start:
            overall = next((j.grade for j in extract_judgements(text, ctx) if j.area == "overall_effectiveness"), None)
            etype = "jtai" if re.search(r"joint targeted area inspection", text[:600], re.I) else "full_inspection"
            events = [e for e in events if not (e.type == etype and e.start and _key_month_of(e.start, e.precision) == _key_month_of(start, precision))]
            events.insert(0, _Event(etype, start, None, precision, None, overall, 0, 0))
    return [_row(text, e) for e in _merge(events, ctx, text)]


def _dedupe(base: list[DateMatch], text: str, latest: date) -> list[DateMatch]:
    """Dates with their year from the text; day-month dates without one take the year that puts them after `latest`."""
    out = list(base)
    taken = [(d.start, d.end) for d in base]
    for d in find_dates(text, default_year=latest.year):
        if any(not (d.end <= a or d.start >= b) for a, b in taken):
            continue
        if d.date < latest:
            d = DateMatch(d.start, d.end, d.date.replace(year=latest.year + 1), d.precision,
                          d.end_date.replace(year=latest.year + 1) if d.end_date else None)
        out.append(d)
    return sorted(out, key=lambda d: d.start)


def _key_month_of(start: date | None, precision: str | None) -> str | None:
    if start is None:
        return None
    return start.strftime("%Y-%m") if precision in ("day", "month") else str(start.year)


def _key_month(e: _Event) -> str | None:
    return _key_month_of(e.start, e.precision)


def _better(a: _Event, b: _Event) -> _Event:
    """Merge b into a: the most precise date, any ordinal and judgement."""
    rank = {"day": 0, "month": 1, "year": 2, None: 3}
    if rank[b.precision] < rank[a.precision]:
        a.start, a.end, a.precision = b.start, b.end, b.precision
    a.ordinal = a.ordinal or b.ordinal
    a.judgement = a.judgement or b.judgement
    a.past = a.past and b.past
    return a


def _merge(events: list[_Event], ctx: DocContext, text: str) -> list[_Event]:
    def g_text(e: _Event) -> str:
        return text[e.s0: e.s1]

    typed = [e for e in events if e.type != "generic" and not e.generic]
    generic = [e for e in events if e.type == "generic" or e.generic]
    merged: list[_Event] = []
    # 1. same type and same month (or year) are one event; a year-only mention joins a finer one of that year
    for e in sorted(typed, key=lambda e: {"day": 0, "month": 1, "year": 2, None: 3}[e.precision]):
        target = None
        for m in merged:
            if m.type != e.type or e.start is None:
                continue
            if _key_month(m) == _key_month(e) or (e.precision == "year" and m.start and m.start.year == e.start.year):
                if e.judgement and m.judgement and e.judgement != m.judgement:
                    continue
                target = m
                break
        if target:
            _better(target, e)
        else:
            merged.append(e)
    # 2. the document's own event: undated typed mentions and generic dated mentions ("the visit on ...")
    dated = [m for m in merged if m.start is not None]
    undated = [m for m in merged if m.start is None]
    main_types = ("monitoring_visit", "focused_visit", "jtai")
    own = next((m for m in undated if m.type in main_types and not m.past), None)
    for g in generic:
        if g.start is None:
            continue
        word = "visit" if re.search(r"\bvisit", g_text(g), re.I) else "inspection"
        fits_own = own is not None and (word == "visit") == (own.type != "jtai")
        if fits_own and not any(d.type == own.type and _key_month(d) == _key_month(g) for d in dated):
            own.start, own.end, own.precision = g.start, g.end, g.precision
            dated.append(own)
            undated.remove(own)
            own = None
        elif g.type == "full_inspection" and not any(d.type == "full_inspection" and _key_month(d) == _key_month(g) for d in dated):
            e = replace(g, generic=False)
            dated.append(e)
    out = list(dated)
    for u in undated:
        same = [d for d in out if d.type == u.type]
        if u.type == "full_inspection":
            if not u.judgement:
                continue  # "a full Ofsted inspection" with neither date nor grade adds nothing
            fit = [d for d in same if d.judgement == u.judgement] or [d for d in same if d.judgement is None]
            if fit:
                _better(max(fit, key=lambda d: d.start), u)
            continue
        if u.type in ("focused_visit", "jtai") and any(d.start for d in same) and not u.past:
            _better(max((d for d in same if d.start), key=lambda d: d.start), u)
            continue
        if u.type == "monitoring_visit" and same:
            # "the ninth monitoring visit": the one dated visit without an ordinal, if there is one
            fit = [d for d in same if d.ordinal is None and not d.past] if u.ordinal else same
            # the most precisely dated, latest visit is the one the document is about
            fit.sort(key=lambda d: ({"day": 0, "month": 1}.get(d.precision, 2), -(d.start or date.min).toordinal()))
            if fit:
                _better(fit[0], u)
                continue
            if not u.ordinal:
                continue
        if any(o.type == u.type and o.start is None and (o.ordinal == u.ordinal or not u.ordinal) for o in out):
            continue
        out.append(u)
    return sorted(out, key=lambda e: e.s0)


def _row(text: str, e: _Event) -> Inspection:
    return Inspection(
        inspection_type=e.type, start_date=e.start, end_date=e.end, date_precision=e.precision if e.start else None,
        ordinal=e.ordinal, judgement=e.judgement, evidence=text[e.s0: e.s1], char_start=e.s0, char_end=e.s1,
    )
