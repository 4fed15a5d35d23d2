"""PDF → text per page, running headers/footers and page numbers dropped, pages rejoined.

Pages are read by PDFium (pypdfium2), with pypdf as the fallback for a file PDFium cannot open or
finds no text in. The clean-up after that was written against pypdf's lines, so PDFium's are
brought to the same form: its empty lines put back from the baselines, footnote marks put back on
their words, its line-end hyphen (U+FFFE) made a hyphen.

Reading (read_pages) runs in a reader process under memory and CPU limits (cscetl.pdf_sandbox),
after a look at the size of the content streams (cscetl.pdf_scan), and keeps at most
MAX_PAGE_CHARS of a page and MAX_CHARS of a document: what a small hostile file can cost is
bounded, and what was cut is said. The clean-up runs here, on the capped text.
"""
from __future__ import annotations

import ctypes
import io
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium

from cscetl import limits, pdf_sandbox
from cscetl.page import ParsedPage
from cscetl.pdf_scan import content_problem

# Module values, read at each call (a test may lower one): a longer PDF is cut at MAX_PAGES rather
# than parsed for minutes; text past MAX_PAGE_CHARS of a page or MAX_CHARS of the PDF is not kept.
MAX_PAGES = limits.MAX_PDF_PAGES
MAX_PAGE_CHARS = limits.MAX_PDF_PAGE_CHARS
MAX_CHARS = limits.MAX_PDF_CHARS

_PDFIUM_LOCK = threading.Lock()

_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]\s*$")


class PdfError(ValueError):
    pass


@dataclass
class ParsedPdf(ParsedPage):
    cuts: list[str] = field(default_factory=list)  # text not kept because of a cap, one line each


class _TextBudget:
    """How much text is kept: at most page_chars of one page, doc_chars in all."""

    def __init__(self, page_chars: int, doc_chars: int) -> None:
        self.page_chars, self.doc_chars, self.left = page_chars, doc_chars, doc_chars
        self.cuts: list[str] = []

    def take(self, page_no: int, count: int) -> int:
        """Characters to keep of a page that has count."""
        keep = min(count, self.page_chars, self.left)
        if keep < count and keep == self.page_chars:
            self.cuts.append(f"page {page_no}: text cut at {keep:,} of {count:,} characters (cap {self.page_chars:,} a page)")
        elif keep < count:
            self.cuts.append(f"page {page_no}: text cut at {keep:,} of {count:,} characters (cap {self.doc_chars:,} a PDF)")
        self.left -= keep
        return keep

    def spent(self, page_no: int, last: int) -> bool:
        """True, and the cut said, when nothing is left for pages page_no..last."""
        if self.left > 0:
            return False
        if page_no <= last:
            self.cuts.append(f"pages {page_no}-{last} not read (cap {self.doc_chars:,} characters a PDF)")
        return True


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


# PDFium gives a hyphen that ended a line as U+FFFE (and joins the word); pypdf gave "-" and the break
_PDFIUM_HYPHEN = "\ufffe"
# "10.Young people ...": PDFium adds no space after a two-digit paragraph number set in a narrow indent
_PARA_NUMBER_GLUED = re.compile(r"^(\s*\d{1,3}\.)(?=[A-Z‘“(])")
# Baseline to baseline, in font sizes, a line follows another at the page's usual pitch (1.2 in
# the real Ofsted reports, 1.4 in fpdf2's); an empty line between two lines makes it ~1.9 times
# that, space after a paragraph 1.2-1.6 times. pypdf gave the empty lines, not the spacing.
_SKIPPED_LINE = 1.7
_LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_MARK = re.compile(r"\d{1,2}")


def _pdfium_lines(textpage: pdfium.PdfTextPage, count: int = -1) -> tuple[list[str], list[float | None]]:
    """A page's lines (of its first count characters), and for each the distance from the baseline
    of the line with text above it, in font sizes (None at the top, or where PDFium has no
    position): one look-up per line."""
    raw, handle = pdfium.raw, textpage.raw
    char_index, origin, font_size = raw.FPDFText_GetCharIndexFromTextIndex, raw.FPDFText_GetCharOrigin, raw.FPDFText_GetFontSize
    text = (textpage.get_text_range(0, count) if count else "").replace(_PDFIUM_HYPHEN, "-")  # -1: all
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(x), ctypes.byref(y)
    rows: list[list] = []  # [line, baseline y, font size]; None, None for an empty line or no position
    offset = 0
    for chunk in text.splitlines(keepends=True):
        line = chunk.rstrip(_LINE_ENDS)
        lead = len(line) - len(line.lstrip())
        row = [line, None, None]
        if lead < len(line):
            if line[lead].isdigit():
                row[0] = _PARA_NUMBER_GLUED.sub(r"\1 ", line)
            ci = char_index(handle, offset + lead)
            if ci >= 0 and origin(handle, ci, px, py):
                row[1:] = y.value, font_size(handle, ci)
        rows.append(row)
        offset += len(chunk)
    rows = _attach_marks(rows)
    lines: list[str] = []
    gaps: list[float | None] = []
    prev = None
    for line, y0, size in rows:
        gap = None
        if y0 is not None:
            if prev is not None and size > 0:
                gap = (prev[0] - y0) / max(size, prev[1])
            prev = (y0, size)
        lines.append(line)
        gaps.append(gap)
    return lines, gaps


def _attach_marks(rows: list[list]) -> list[list]:
    """A footnote mark is raised and smaller, so PDFium gives it a line of its own: put it back as
    pypdf did, on the line it belongs to ("schools,3 of whom", "improve?1", "2 The local ...")."""
    out: list[list] = []
    for i, row in enumerate(rows):
        line, y0, size = row
        if y0 is None or not _MARK.fullmatch(line.strip()):
            out.append(row)
            continue
        prev = out[-1] if out and out[-1][1] is not None else None
        nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1][1] is not None else None
        if prev is not None and 0 < size < 0.8 * prev[2] and 0 < y0 - prev[1] < prev[2]:
            prev[0] = prev[0].rstrip() + line.strip()  # raised after a word: "schools,3", "improve?1"
            if nxt is not None and abs(nxt[1] - prev[1]) < 0.1 * prev[2]:
                prev[0] += " " + nxt[0].lstrip()  # and the line goes on after it
                rows[i + 1] = [None, None, None]
        elif nxt is not None and 0 < size < 0.8 * nxt[2] and 0 < y0 - nxt[1] < nxt[2]:
            rows[i + 1] = [line.strip() + " " + nxt[0].lstrip(), nxt[1], nxt[2]]  # opening a footnote
        else:
            out.append(row)
    return [r for r in out if r[0] is not None]


def _with_empty_lines(pages: list[tuple[list[str], list[float | None]]]) -> list[list[str]]:
    """An empty line wherever the gap above a line would hold another line, at the document's pitch.

    PDFium's text has no empty lines; pypdf's came from the empty paragraphs a word processor
    writes, and the reflow needs them to keep paragraphs, headings and table rows apart.
    """
    pitches = sorted(g for _, gaps in pages for g in gaps if g is not None and 0.8 <= g <= 3)
    skipped = _SKIPPED_LINE * (pitches[len(pitches) // 2] if pitches else 1.2)
    out_pages = []
    for lines, gaps in pages:
        out: list[str] = []
        for line, gap in zip(lines, gaps):
            if gap is not None and gap >= skipped and out and out[-1].strip():
                out.append("")
            out.append(line)
        out_pages.append(out)
    return out_pages


def _pdfium_pages(data: bytes, max_pages: int, budget: _TextBudget) -> tuple[int, list[list[str]], str | None]:
    """Page count, the lines of each page up to max_pages, and the title, read by PDFium.

    Raises PdfError for a password, pypdfium2.PdfiumError for anything else PDFium cannot open.
    """
    with _PDFIUM_LOCK:  # PDFium is not thread-safe, not even across documents
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if exc.err_code == pdfium.raw.FPDF_ERR_PASSWORD:
                raise PdfError("PDF is encrypted with a password") from None
            raise
        try:
            n = len(doc)
            raw_pages = []
            last = min(n, max_pages)
            for i in range(last):
                if budget.spent(i + 1, last):
                    break
                page = doc[i]
                try:
                    textpage = page.get_textpage()
                    try:
                        raw_pages.append(_pdfium_lines(textpage, budget.take(i + 1, textpage.count_chars())))
                    finally:
                        textpage.close()
                finally:
                    page.close()
            title = doc.get_metadata_value("Title") or None
        finally:
            doc.close()
    return n, _with_empty_lines(raw_pages), title


def _pypdf_pages(data: bytes, max_pages: int, budget: _TextBudget) -> tuple[int, list[list[str]], str | None]:
    """The same as _pdfium_pages, read by pypdf (pure Python, ~10 times slower): for what PDFium
    cannot open or finds no text in. Imported here, as most runs never need it."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

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
        last = min(n, max_pages)
        for i, page in enumerate(reader.pages):
            if i >= last or budget.spent(i + 1, last):
                break
            text = page.extract_text() or ""
            raw_pages.append(text[: budget.take(i + 1, len(text))].splitlines())
        info = reader.metadata or {}
    except PdfError:
        raise
    except (PyPdfError, ValueError, LookupError, TypeError, AttributeError, ArithmeticError, OSError,
            NotImplementedError, RecursionError) as exc:  # what pypdf raises on a damaged file
        raise PdfError(f"PDF cannot be read (truncated or damaged?): {type(exc).__name__}: {exc}") from None
    title = None
    try:
        title = (info.get("/Title") or None) if info else None
    except Exception:
        title = None
    return n, raw_pages, str(title) if title else None


def _has_text(raw_pages: list[list[str]]) -> bool:
    return any(ln.strip() for lines in raw_pages for ln in lines)


def read_pages(data: bytes, *, max_pages: int, page_chars: int, doc_chars: int, stream_bytes: int,
               content_bytes: int) -> tuple[int, list[list[str]], str | None, list[str]]:
    """Page count, each page's lines, the title and what was cut: what runs in the reader process."""
    problem = content_problem(data, stream_bytes, content_bytes)
    if problem:
        raise PdfError(f"PDF {problem}")
    budget = _TextBudget(page_chars, doc_chars)
    try:
        n, raw_pages, title = _pdfium_pages(data, max_pages, budget)
    except pdfium.PdfiumError:
        # PDFium could not open it (damaged, not a PDF, no pages, unsupported security): pypdf tries,
        # and gives the reason if it cannot read it either
        n, raw_pages, title = _pypdf_pages(data, max_pages, budget)
    else:
        if not _has_text(raw_pages):
            try:  # PDFium found no text: a scanned PDF, or one pypdf may still read
                again = _TextBudget(page_chars, doc_chars)
                n2, pages2, title2 = _pypdf_pages(data, max_pages, again)
                if _has_text(pages2):
                    n, raw_pages, title, budget = n2, pages2, title2, again
            except PdfError:
                pass
    return n, raw_pages, title, budget.cuts


def read_options() -> dict[str, int]:
    """read_pages' caps, as this module has them now (read at each call: a test may lower one)."""
    return {"max_pages": MAX_PAGES, "page_chars": MAX_PAGE_CHARS, "doc_chars": MAX_CHARS,
            "stream_bytes": limits.MAX_PDF_STREAM_BYTES, "content_bytes": limits.MAX_PDF_CONTENT_BYTES}


def parse_pdf(data: bytes) -> ParsedPdf:
    try:
        n, raw_pages, title, cuts = pdf_sandbox.read(data, read_options())  # type: ignore[misc]
    except pdf_sandbox.Refused as exc:
        raise PdfError(str(exc)) from None
    stripped = _strip_running_lines(raw_pages)
    lengths = sorted(len(ln.strip()) for lines in stripped for ln in lines if ln.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 80  # a full line, ignoring the longest outliers
    text = _join_pages([_reflow(lines, width) for lines in stripped])
    if not text.strip():
        raise PdfError(f"PDF has no extractable text ({n} pages; scanned images need OCR)")
    return ParsedPdf(format="pdf", text=text, title=title.strip() if title and title.strip() else None, pages=n,
                     cuts=cuts)
