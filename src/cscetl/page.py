"""The parsed page: main text plus the metadata found in the page itself."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class ParsedPage:
    format: str  # html, pdf, text
    text: str  # main text, paragraphs separated by newlines, before our boilerplate rules
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    pages: int | None = None  # PDFs only
