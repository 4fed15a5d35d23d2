"""PDF → text per page, running headers/footers and page numbers dropped, pages rejoined."""
from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from cscetl.page import ParsedPage

MAX_PAGES = 400  # a longer PDF is cut there rather than parsed for minutes

_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]\s*$")


class PdfError(ValueError):
    pass


def _norm(line: str) -> str:
    # Running headers differ only in their page number ("Inspection of X ... 2", "... 3").
    return re.sub(r"\d+", "#", line.strip().lower())


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop lines that open or close many pages in the same form, and bare page numbers."""
    if len(pages) >= 3:
        edges: Counter[str] = Counter()
        for lines in pages:
            content = [ln for ln in lines if ln.strip()]
            for ln in set(content[:3] + content[-3:]):
                edges[_norm(ln)] += 1
        running = {k for k, n in edges.items() if n >= max(3, len(pages) // 2) and k}
    else:
        running = set()
    out = []
    for lines in pages:
        kept = []
        content_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(content_idx[:3] + content_idx[-3:])
        for i, ln in enumerate(lines):
            if i in edge and (_norm(ln) in running or _PAGE_NUMBER.match(ln)):
                continue
            kept.append(ln)
        out.append(kept)
    return out


# a letter's date, salutation and sign-off stand on their own lines
_OWN_LINE = re.compile(r"^(?:Dear|Yours)\s|^\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}$", re.I)
_BULLET_START = re.compile(r"^\s*(?:[•●▪◼■\-–*]|\d{1,2}[.)]\s)")


def _reflow(lines: list[str], width: int) -> list[str]:
    """Join the lines a PDF wrapped back into paragraphs.

    A line continues the one before when that one ran to near the full width without ending a
    sentence, or when it starts in lower case. Short lines (headings, table cells) stay apart.
    """
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        prev = out[-1] if out else ""
        wrapped = prev and not _SENTENCE_END.search(prev) and not _BULLET_START.match(line) and not _OWN_LINE.match(line) and (
            len(prev.rsplit("\n", 1)[-1]) >= 0.7 * width or line[:1].islower()
        )
        if wrapped:
            # "re-\ninvestment": keep the hyphen, drop the break
            out[-1] = prev + line if prev.endswith("-") and line[:1].islower() else prev + " " + line
        else:
            out.append(line)
    return out


def _join_pages(pages: list[list[str]]) -> str:
    """Rejoin a sentence a page break split; keep a paragraph break otherwise."""
    text = ""
    for lines in pages:
        body = "\n".join(ln.rstrip() for ln in lines).strip()
        if not body:
            continue
        if not text:
            text = body
        elif not _SENTENCE_END.search(text) and body[:1].islower():
            text += " " + body
        else:
            text += "\n\n" + body
    return text


def parse_pdf(data: bytes) -> ParsedPage:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise PdfError("PDF is encrypted with a password")
            except Exception as exc:  # pypdf raises several types for unsupported encryption
                raise PdfError(f"PDF is encrypted and cannot be read: {exc}") from None
        n = len(reader.pages)
        raw_pages = []
        for i, page in enumerate(reader.pages):
            if i >= MAX_PAGES:
                break
            raw_pages.append((page.extract_text() or "").splitlines())
        info = reader.metadata or {}
    except PdfError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise PdfError(f"PDF cannot be read (truncated or damaged?): {type(exc).__name__}: {exc}") from None
    stripped = _strip_running_lines(raw_pages)
    lengths = sorted(len(ln.strip()) for lines in stripped for ln in lines if ln.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 80  # a full line, ignoring the longest outliers
    text = _join_pages([_reflow(lines, width) for lines in stripped])
    if not text.strip():
        raise PdfError(f"PDF has no extractable text ({n} pages; scanned images need OCR)")
    title = None
    try:
        title = (info.get("/Title") or None) if info else None
    except Exception:
        title = None
    return ParsedPage(format="pdf", text=text, title=str(title).strip() if title else None, pages=n)
