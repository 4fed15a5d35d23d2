"""Row types that flow from the extractors to the warehouse.

Each field maps one-to-one to a column of the warehouse contract (../shared/spec/warehouse.md);
`la_code`/`la_name` are filled by the extractor from the sentence when it names a council, else
from the document's own council.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocContext:
    """What an extractor may know about the document besides its text."""

    kind: str = "other"  # news, press_release, ofsted_letter, ofsted_report, minutes, other
    published_date: date | None = None
    la_code: str | None = None  # the council the document is mainly about
    la_name: str | None = None
    title: str | None = None


@dataclass
class Inspection:
    inspection_type: str  # full_inspection, monitoring_visit, focused_visit, jtai, other
    start_date: date | None
    end_date: date | None
    date_precision: str | None  # day, month, year, or None when undated
    ordinal: int | None
    judgement: str | None  # outstanding, good, requires_improvement, inadequate, adequate
    evidence: str
    char_start: int
    char_end: int
    la_code: str | None = None
    la_name: str | None = None


@dataclass
class Judgement:
    inspection_type: str
    start_date: date | None
    area: str
    grade: str
    evidence: str = ""
    la_code: str | None = None
    la_name: str | None = None


@dataclass
class Metric:
    metric: str
    value: float
    unit: str  # count, percent, gbp, per_10k
    measure: str  # level, change, target
    as_of: date | None
    date_precision: str | None
    evidence: str
    char_start: int
    char_end: int
    denied: bool = False  # the sentence itself says the figure is not true
    la_code: str | None = None
    la_name: str | None = None


@dataclass
class Quote:
    speaker_name: str | None
    speaker_role: str | None
    speaker_org: str | None
    text: str
    char_start: int
    char_end: int
    la_code: str | None = None
    la_name: str | None = None


@dataclass
class Extracted:
    inspections: list[Inspection] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
