"""What processing one source gives: a document ready to load, an unchanged one, or a failure with its reason."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cscetl.clean import Removal
from cscetl.records import Extracted


@dataclass
class Document:
    doc_id: str
    source_url: str
    source_path: str | None
    kind: str
    publisher: str | None
    title: str | None
    author: str | None
    published_date: date | None
    la_code: str | None
    la_name: str | None
    clean_text: str
    content_sha256: str
    format: str
    pages: int | None
    extracted: Extracted = field(default_factory=Extracted)
    removed: list[Removal] = field(default_factory=list)
    processed_with: str = ""  # code version that produced the rows (see cscetl.version)


@dataclass(frozen=True)
class Failure:
    doc_id: str
    source: str
    stage: str  # sources, acquire, parse, clean, extract, load
    reason: str


@dataclass(frozen=True)
class Unchanged:
    """Same bytes, same code as the loaded version: nothing to parse or load."""

    doc_id: str
    source: str
