"""Graded areas of an Ofsted report: clean text in, Judgement rows out.

Page 1 of an ILACS report is a table of areas and grades, which pypdf gives as label lines
followed by grade lines, sometimes wrapped ("Requires improvement to\nbe good"). SIF reports
number their areas; older reports state the overall grade in prose or a findings table.
"""
from __future__ import annotations

import re

from cscetl.dates import find_dates
from cscetl.extract.grades import GRADE, grade_of
from cscetl.records import DocContext, Judgement

_G = rf"['‘“]?(?P<grade>{GRADE})\b"
# Area label → pattern; the grade must follow the label directly (table cells, joined).
AREAS: list[tuple[str, re.Pattern[str]]] = [
    ("impact_of_leaders", re.compile(rf"impact of leaders on (?:social work )?practice with children and families\s*{_G}", re.I)),
    ("help_and_protection", re.compile(rf"(?:experiences and progress of )?children who need help and protection\s*{_G}", re.I)),
    ("children_in_care_and_care_leavers", re.compile(rf"experiences and progress of children in care and care leavers\s*{_G}", re.I)),
    ("children_in_care", re.compile(rf"experiences and progress of children in care\s*{_G}", re.I)),
    ("care_leavers", re.compile(rf"experiences and progress of care leavers\s*{_G}", re.I)),
    ("overall_effectiveness", re.compile(rf"overall effectiveness\s*{_G}|the overall judgement is\s*{_G.replace('grade>', 'grade2>')}", re.I)),
]
# "Children's services in Norfolk are inadequate" — the SIF's headline sentence
_HEADLINE = re.compile(rf"children['’]s services in [\w ,&'’-]{{2,60}}? (?:are|is)\s+{_G}", re.I)
_DATES_LINE = re.compile(r"inspection dates?\s*:?\s*", re.I)


def report_start(text: str) -> tuple:
    """The first day of the report's own inspection ('Inspection dates: ...'), with its precision."""
    m = _DATES_LINE.search(text[:4000])
    if not m:
        return None, None
    found = find_dates(text[m.end(): m.end() + 120])
    if found and found[0].start < 10:
        return found[0].date, found[0].precision
    return None, None


def extract_judgements(text: str, ctx: DocContext) -> list[Judgement]:
    if ctx.kind not in ("ofsted_report", "other") and not _DATES_LINE.search(text[:4000]):
        return []
    head = re.sub(r"\s+", " ", text[:6000])
    start, _ = report_start(text)
    inspection_type = "jtai" if re.search(r"joint targeted area inspection", head, re.I) else "full_inspection"
    rows: list[Judgement] = []
    seen: set[str] = set()
    for area, rx in AREAS:
        m = rx.search(head)
        if area == "overall_effectiveness" and not m:
            m = _HEADLINE.search(head) or rx.search(re.sub(r"\s+", " ", text))  # older reports: findings at the end
        if not m:
            continue
        if re.search(r"\d\.\d\s*$", head[max(0, m.start() - 8): m.start()]):
            continue  # a SIF sub-judgement ("2.2 Experiences and progress of care leavers"), not an area of its own
        grade = grade_of(m.group("grade") if m.groupdict().get("grade") else m.group("grade2"))
        if grade and area not in seen:
            seen.add(area)
            rows.append(Judgement(inspection_type, start, area, grade, evidence=m.group(0)[:300]))
    if "children_in_care_and_care_leavers" in seen:
        rows = [r for r in rows if r.area not in ("children_in_care",)]
    return rows
