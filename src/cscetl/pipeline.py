"""The stages as plain functions over batches; flows/ wraps them in Prefect tasks.

source → bytes (acquire) → parsed page (parse) → clean text (clean) → rows (extract) → warehouse (load).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from cscetl import gazetteer
from cscetl.acquire import Acquired
from cscetl.clean import Removal, clean_text
from cscetl.decode import decode_bytes
from cscetl.detect import UnsupportedFormat, detect_format
from cscetl.extract.inspections import extract_inspections
from cscetl.extract.judgements import extract_judgements
from cscetl.extract.metrics import extract_metrics
from cscetl.extract.quotes import extract_quotes
from cscetl.limits import MAX_PAGE_BYTES
from cscetl.metadata import date_in_name, header_metadata, infer_kind, pdf_published, publisher_from_url
from cscetl.outcome import Document, Failure, Unchanged
from cscetl.page import ParsedPage
from cscetl.parse_html import parse_html
from cscetl.parse_pdf import MAX_PAGES, PdfError, parse_pdf
from cscetl.records import DocContext, Extracted, Inspection
from cscetl.timelimit import TimeLimitExceeded, time_limit
from cscetl.version import code_version


class StageError(Exception):
    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage, self.reason = stage, reason


def parse_bytes(data: bytes, name: str, content_type: str | None, url: str | None) -> ParsedPage:
    try:
        fmt = detect_format(data, name, content_type)
    except UnsupportedFormat as exc:
        raise StageError("parse", str(exc)) from None
    if fmt == "pdf":
        try:
            return parse_pdf(data)
        except PdfError as exc:
            raise StageError("parse", str(exc)) from None
    if len(data) > MAX_PAGE_BYTES:  # HTML and text; PDFs are capped by what reading them costs
        # a real article is well under this; a bigger "page" is a dump or an attack, and would take minutes
        raise StageError("parse", f"{fmt} page is {len(data) / 1e6:.1f} MB, over the {MAX_PAGE_BYTES / 1e6:.0f} MB cap for one page")
    text = decode_bytes(data, content_type)
    if fmt == "html":
        page = parse_html(text, url=url)
        if not page.text.strip():
            raise StageError("parse", "HTML page has no readable text")
        return page
    return ParsedPage(format="text", text=text)


def _council_of(sentence: str, doc: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """The council a row's own sentence names (when it names exactly one), else the document's."""
    c = gazetteer.only_council_in(sentence)
    return (c.ons_code, c.name) if c is not None else doc


def _main_event_date(inspections: list[Inspection]) -> date | None:
    dated = [i for i in inspections if i.date_precision == "day" and i.inspection_type != "other"]
    return min(dated, key=lambda i: i.char_start).start_date if dated else None


def extract_all(text: str, ctx: DocContext) -> Extracted:
    inspections = extract_inspections(text, ctx)
    judgements = extract_judgements(text, ctx)
    metrics = extract_metrics(text, ctx, event_date=_main_event_date(inspections))
    quotes = extract_quotes(text, ctx)
    doc_la = (ctx.la_code, ctx.la_name)
    for row in inspections + metrics:
        row.la_code, row.la_name = _council_of(row.evidence, doc_la)
    for row in judgements:
        row.la_code, row.la_name = doc_la
    for row in quotes:
        row.la_code, row.la_name = doc_la
    return Extracted(inspections, judgements, metrics, quotes)


PROCESS_SECONDS = 120.0  # budget for one document's parse, clean and extract


def content_sha256(acq: Acquired) -> str:
    # a local file's bytes have no hash yet; a fetched body was hashed when the raw store took it
    return acq.sha256 or hashlib.sha256(acq.content or b"").hexdigest()


def settled(acq: Acquired, known: dict[str, tuple[str, str]] | None) -> Failure | Unchanged | None:
    """The outcome of a source that needs no parsing: nothing acquired, or the same bytes already
    loaded by the same code. None: it must be processed."""
    src = acq.source
    if acq.content is None:
        if acq.not_modified:
            return Unchanged(src.doc_id, src.label)
        return Failure(src.doc_id, src.label, "sources" if src.problem else "acquire", acq.error or "no content")
    if known and src.doc_id in known and known[src.doc_id] == (content_sha256(acq), code_version()):
        return Unchanged(src.doc_id, src.label)
    return None


def triage(batch: list[Acquired], known: dict[str, tuple[str, str]] | None) -> tuple[list[Acquired], list[Failure | Unchanged]]:
    """Split a batch into what must be parsed and what is settled already.

    Done where the bytes are (the flow's process), so unchanged pages are never shipped to workers.
    """
    todo: list[Acquired] = []
    done: list[Failure | Unchanged] = []
    for acq in batch:
        outcome = settled(acq, known)
        if outcome is None:
            todo.append(acq)
        else:
            done.append(outcome)
    return todo, done


def process(acq: Acquired, known: dict[str, tuple[str, str]] | None = None) -> Document | Failure | Unchanged:
    """process_one within the per-document time budget."""
    try:
        with time_limit(PROCESS_SECONDS):
            return process_one(acq, known)
    except TimeLimitExceeded as exc:
        return Failure(acq.source.doc_id, acq.source.label, "parse", f"document {exc}; skipped")


def process_one(acq: Acquired, known: dict[str, tuple[str, str]] | None = None) -> Document | Failure | Unchanged:
    """One source through parse, clean and extract. Never raises: a problem becomes a Failure.

    known maps doc_id → (content_sha256, code version) of what the warehouse holds: the same bytes
    processed by the same code are not processed again.
    """
    done = settled(acq, known)
    if done is not None:
        return done
    src = acq.source
    label = src.label
    sha = content_sha256(acq)
    stage = "parse"
    try:
        name = src.path.name if src.path else (src.url or "")
        page = parse_bytes(acq.content, name, acq.content_type, src.url)
        stage = "clean"
        text, removed = clean_text(page.text)
        if page.pages and page.pages > MAX_PAGES:
            removed.append(Removal("page_cap", f"pages {MAX_PAGES + 1}-{page.pages} not read (cap {MAX_PAGES} pages)"))
        removed += [Removal("text_cap", cut) for cut in getattr(page, "cuts", ())]  # a PDF's text past its caps
        kind = src.kind or infer_kind(page.text, page.format, src.url)
        header = header_metadata(text, kind)
        text, byline = _drop_lines(text, header.header_lines)
        removed += byline
        if not text.strip():
            raise StageError("clean", "no text left after boilerplate removal")
        # a report's first dated line is its inspection dates, not its publication
        header_date = header.published if kind != "ofsted_report" else None
        published = src.published or page.published or header_date
        if published is None:
            published = date_in_name(src.url) or date_in_name(src.path.name if src.path else None)
        if published is None and page.format == "pdf":
            published = pdf_published(page.text)
        title = page.title or header.title
        if page.format == "pdf" and kind in ("ofsted_report", "ofsted_letter") and header.title:
            # a report's own heading, not its file's Title field (often a template's: "LA NAME - report")
            title = header.title
        council = gazetteer.main_council(text, title=title, url=src.url)
        stage = "extract"
        ctx = DocContext(
            kind=kind, published_date=published, title=title,
            la_code=council.ons_code if council else None, la_name=council.name if council else None,
        )
        extracted = extract_all(text, ctx)
    except StageError as exc:
        return Failure(src.doc_id, label, exc.stage, exc.reason)
    except TimeLimitExceeded:
        raise
    except Exception as exc:  # a bug or a pathological page must not stop the run; record it
        return Failure(src.doc_id, label, stage, f"{type(exc).__name__}: {exc}")
    return Document(
        doc_id=src.doc_id,
        source_url=src.source_url,
        source_path=str(src.path) if src.path else None,
        kind=kind,
        publisher=src.publisher or page.publisher or publisher_from_url(src.url),
        title=title,
        author=page.author or header.author,
        published_date=published,
        la_code=ctx.la_code,
        la_name=ctx.la_name,
        clean_text=text,
        content_sha256=sha,
        format=page.format,
        pages=page.pages,
        extracted=extracted,
        removed=removed,
        processed_with=code_version(),
    )


def _drop_lines(text: str, lines: list[str]) -> tuple[str, list[Removal]]:
    """Byline and date lines become metadata and leave the body (first occurrence only)."""
    removed = []
    for ln in lines:
        pos = text.find(ln)
        if pos >= 0:
            text = text[:pos] + text[pos + len(ln):]
            removed.append(Removal("byline", ln))
    return re.sub(r"\n{3,}", "\n\n", text).strip(), removed


_POOL: ProcessPoolExecutor | None = None
_POOL_WORKERS = 0
MIN_PARALLEL = 16  # below this a batch is quicker in-process than shipped to workers


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool per process, reused across batches (starting workers costs about a second)."""
    global _POOL, _POOL_WORKERS
    if _POOL is None or _POOL_WORKERS != workers:
        if _POOL is not None:
            _POOL.shutdown(cancel_futures=True)
        # forkserver, not fork: Prefect's threads may hold locks that a forked child would inherit
        _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
        _POOL_WORKERS = workers
    return _POOL


def _process_chunk(chunk: list[Acquired], known: dict[str, tuple[str, str]]) -> list[Document | Failure | Unchanged]:
    return [process(a, known) for a in chunk]


def process_batch(batch: list[Acquired], known: dict[str, tuple[str, str]] | None = None,
                  workers: int = 1) -> list[Document | Failure | Unchanged]:
    """Parse, clean and extract a batch; across `workers` processes when it is worth it.

    Extraction is pure CPU work in Python, so threads would not help; processes use every core.
    """
    known = known or {}
    if workers <= 1 or len(batch) < MIN_PARALLEL:
        return _process_chunk(batch, known)
    mine = {a.source.doc_id: known[a.source.doc_id] for a in batch if a.source.doc_id in known}
    size = max(1, len(batch) // (workers * 4))
    chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
    try:
        futures = [_pool(workers).submit(_process_chunk, c, mine) for c in chunks]
        return [row for f in futures for row in f.result()]
    except BrokenProcessPool:
        global _POOL
        _POOL = None  # a worker died (out of memory, killed): finish this batch in-process
        return _process_chunk(batch, known)
