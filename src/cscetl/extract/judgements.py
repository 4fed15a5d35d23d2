"""Graded areas of an Ofsted report: clean text in, Judgement rows out.

Page 1 of an ILACS report is a table of areas and grades, which pypdf gives as label lines
followed by grade lines, sometimes wrapped ("Requires improvement to\\nbe good"). SIF reports
(2013–2018) number their areas under a headline ("Children's services in X are inadequate",
"The overall judgement is ..."); older reports state "Overall effectiveness" in a findings table.

Only areas with an ILACS counterpart are emitted (overall effectiveness, leaders, help and
protection, children in care, care leavers, or the 2018–2022 combined children in care and care
leavers). SIF's "children looked after and achieving permanence", its numbered sub-judgements
(adoption, care leavers) and "leadership, management and governance" measure different things and
are left out. This module also holds the grade vocabulary the inspection extractor shares.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cscetl.dates import DateMatch, find_dates
from cscetl.records import DocContext, Judgement

GRADE = r"(?:outstanding|good|require[sd]?\s+improvement(?:\s+to\s+be\s+good)?|requiring\s+improvement|inadequate|adequate)"


def grade_of(word: str) -> str | None:
    """'Requires improvement to be good' → requires_improvement; anything not a grade → None."""
    w = re.sub(r"\s+", " ", word.lower()).strip(" '‘’\"“”")
    if w.startswith(("require", "requiring")):
        return "requires_improvement"
    return w if w in ("outstanding", "good", "inadequate", "adequate") else None


# --- the report's own inspection: "Inspection dates: 11 to 22 July 2022" near the top -----------------

# "Inspection dates:" (the colon may be lost, but then the label starts a line); text may be reflowed
_DATES_LINE = re.compile(r"\binspection dates?[ \t]*:[ \t]*|^[ \t]*inspection dates?[ \t]+", re.I | re.M)
_HEAD_CHARS = 5000  # the dates line sits under the title on page 1


@dataclass(frozen=True)
class ReportHeader:
    start: date
    end: date | None
    precision: str
    inspection_type: str
    line_start: int  # offsets of "Inspection dates: ...", for evidence
    line_end: int


def _title_type(title: str) -> str:
    """What kind of event the report's title names (the text above its dates line)."""
    if re.search(r"joint targeted area inspection", title, re.I):
        return "jtai"
    if re.search(r"focus?sed visit", title, re.I):
        return "focused_visit"
    if re.search(r"monitoring visit", title, re.I):
        return "monitoring_visit"
    return "full_inspection"


def _dates_line(text: str) -> tuple[re.Match[str], DateMatch] | None:
    for m in _DATES_LINE.finditer(text, 0, _HEAD_CHARS):
        found = find_dates(text[m.end(): m.end() + 120])
        if found and found[0].start <= 3:
            return m, found[0]
    return None


@lru_cache(maxsize=8)  # both extractors ask, the table twice
def report_header(text: str) -> ReportHeader | None:
    """The report's 'Inspection dates:' line, its first date, and the event type its title names."""
    got = _dates_line(text)
    if not got:
        return None
    m, d = got
    title = text[max(0, m.start() - 600): m.start()]
    return ReportHeader(d.date, d.end_date, d.precision, _title_type(title), m.start(), m.end() + d.end)


# --- the grade table ------------------------------------------------------------------------------------

_G = rf"['‘“]?(?P<grade>{GRADE})\b"
# Area → label; the grade must follow the label directly (table cells, whitespace-joined).
_AREAS: list[tuple[str, re.Pattern[str]]] = [
    ("impact_of_leaders", re.compile(rf"impact of leaders on (?:social work )?practice with children and families\s*{_G}", re.I)),
    ("help_and_protection", re.compile(rf"children who need help and protection\s*{_G}", re.I)),
    ("children_in_care_and_care_leavers", re.compile(rf"experiences and progress of children in care and care leavers\s*{_G}", re.I)),
    ("children_in_care", re.compile(rf"experiences and progress of children in care\s*{_G}", re.I)),
    ("care_leavers", re.compile(rf"experiences and progress of care leavers\s*{_G}", re.I)),
    ("overall_effectiveness", re.compile(rf"overall effectiveness\s*{_G}", re.I)),
]
# SIF headline: "Children's services in X are inadequate" / "... require improvement", "The overall judgement is Inadequate"
_HEADLINE = re.compile(rf"children['’]s services in [\w ,&'’-]{{2,60}}? (?:(?:are|is)\s+{_G}|(?P<grade3>require\s+improvement)\b)|the overall judgement is\s+{_G.replace('grade>', 'grade2>')}", re.I)
# Older reports, anywhere: "Overall effectiveness Inadequate", "Overall effectiveness of services for
# looked after children and young people Grade 4 (inadequate)"
_OLD_OVERALL = re.compile(rf"overall effectiveness(?: of [a-z ]{{3,80}}?)?\s+(?:grade \d\s*\(\s*)?{_G}", re.I)
_SUB_JUDGEMENT = re.compile(r"\b\d\.\d\s*$")  # "2.2 Experiences and progress of care leavers" (SIF)


def _grade(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    return grade_of(g.get("grade") or g.get("grade2") or g.get("grade3") or "")


def overall_grade(text: str) -> str | None:
    """The report's overall effectiveness grade (None for post-April-2026 reports, which have none)."""
    return next((grade for area, grade, _ in _table(text) if area == "overall_effectiveness"), None)


def _table(text: str) -> list[tuple[str, str, str]]:
    """(area, grade, evidence) from the top of a report."""
    header = report_header(text)
    at = header.line_end if header else 0
    head = re.sub(r"\s+", " ", text[at: at + 4000])
    out: dict[str, tuple[str, str, str]] = {}
    for area, rx in _AREAS:
        for m in rx.finditer(head):
            if _SUB_JUDGEMENT.search(head[max(0, m.start() - 8): m.start()]):
                continue
            grade = _grade(m)
            if grade and area not in out:
                out[area] = (area, grade, m.group(0))
    ilacs = any(a != "overall_effectiveness" and a != "help_and_protection" for a in out)
    if "overall_effectiveness" not in out and not ilacs:
        # SIF headline on page 1; failing that, an older report's findings table further on
        m = _HEADLINE.search(head) or _OLD_OVERALL.search(re.sub(r"\s+", " ", text))
        if m and _grade(m):
            out["overall_effectiveness"] = ("overall_effectiveness", _grade(m), m.group(0))
    if "children_in_care_and_care_leavers" in out:
        out.pop("children_in_care", None)
    return list(out.values())


def extract_judgements(text: str, ctx: DocContext) -> list[Judgement]:
    header = report_header(text)
    if header is None and ctx.kind != "ofsted_report":
        return []  # only reports carry a grade table; news prose about grades is the inspection extractor's
    start = header.start if header else None
    itype = header.inspection_type if header else "full_inspection"
    if itype in ("jtai", "monitoring_visit", "focused_visit"):
        return []  # ungraded by design
    return [Judgement(itype, start, area, grade, evidence=ev[:300]) for area, grade, ev in _table(text)]
