"""The DuckDB warehouse: schema, per-document replace-in-one-transaction loads, run bookkeeping."""
from __future__ import annotations

import errno
import hashlib
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

from cscetl.outcome import Document, Failure

ROW_TABLES = ("inspections", "judgements", "metrics", "quotes", "removed_text")


class WarehouseError(RuntimeError):
    """The warehouse, not a source, is at fault: the run cannot go on, and says what to do in one line."""

    def __init__(self, message: str, path: Path | str | None = None, detail: str = ""):
        super().__init__(message)
        self.path = str(path) if path is not None else None
        self.detail = detail  # the underlying error, on one line


class WarehousePathError(WarehouseError):
    """The warehouse path cannot be a warehouse file (a folder, or under a file)."""


class WarehouseDamaged(WarehouseError):
    """The file at the warehouse path is not a readable DuckDB database: damaged, or another kind of file."""


class WarehouseUnwritable(WarehouseError):
    """The warehouse folder cannot be written: no space left, read-only, or not allowed."""


# errno values and DuckDB's wording of them (DuckDB reports an OS error inside its own message)
_NO_SPACE = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
             errno.EFBIG: "file too large for this file system or limit"}
_NOT_WRITABLE = {errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
                 errno.EPERM: "operation not permitted"}
_DUCKDB_WORDING = {"no space left on device": errno.ENOSPC, "disk quota exceeded": errno.EDQUOT,
                   "file too large": errno.EFBIG, "read-only file system": errno.EROFS,
                   "permission denied": errno.EACCES}
# how DuckDB says a file is not, or no longer, a whole database
_DAMAGE_WORDING = ("not a valid duckdb database file", "corrupt database file", "could not read enough bytes",
                   "does not match stored checksum")


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen and len(seen) < 10:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def problem(exc: BaseException, path: Path | str | None = None) -> WarehouseError | None:
    """The warehouse problem behind an exception (no space, not writable, damaged), or None when it is
    something else (a bug, a document DuckDB will not take: those stay what they are).

    path: the file being written, named when the error itself does not name one.
    """
    for e in _chain(exc):
        if isinstance(e, WarehouseError):
            return e
        code, where = None, path
        if isinstance(e, OSError) and (e.errno in _NO_SPACE or e.errno in _NOT_WRITABLE):
            code, where = e.errno, e.filename2 or e.filename or path  # filename2: a copy's or a rename's target
        elif isinstance(e, duckdb.Error):
            text = str(e).lower()
            code = next((c for words, c in _DUCKDB_WORDING.items() if words in text), None)
            if code is None and any(words in text for words in _DAMAGE_WORDING):
                return WarehouseDamaged(f"{path or 'the warehouse'} is damaged ({one_line(e)})", path, one_line(e))
        if code in _NO_SPACE:
            return WarehouseUnwritable(f"{_NO_SPACE[code]} writing {where or 'the warehouse'}: free some space "
                                       "(or give --warehouse on a bigger disk) and run again", where)
        if code in _NOT_WRITABLE:
            return WarehouseUnwritable(f"cannot write {where or 'the warehouse'}: {_NOT_WRITABLE[code]} (give "
                                       "--warehouse a folder this user can write)", where)
    return None


def describes_problem(message: str) -> bool:
    """Whether a message (a Prefect state's, which carries no exception) reports a warehouse problem."""
    text = message.lower()
    return (any(words in text for words in _DUCKDB_WORDING) or any(words in text for words in _DAMAGE_WORDING)
            or any(name.lower() in text for name in ("WarehouseError", "WarehouseBusy", "WarehouseDamaged",
                                                     "WarehouseUnwritable", "WarehousePathError")))


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (DuckDB's span several: the error, then hints)."""
    return " ".join(str(exc).split()) or type(exc).__name__


# DuckDB's buffer pool defaults to 80% of RAM: a run would keep the whole warehouse cached. A run
# needs little: batches of a few hundred documents, and the models peaked at ~320 MB over 10,000
# bench documents (250,000 figures) and ran in 4 s under this cap at 100,000 (bench/views_bench.py).
# Bigger work spills to disk; a model that still runs out lifts the cap (cscetl.models).
MEMORY_LIMIT = "384MB"


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # SET rather than connect(config=): another connection to the file in this process (a test, a
    # query) with a different config would make DuckDB refuse to open it
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(resources.files("cscetl").joinpath("schema.sql").read_text(encoding="utf-8"))
    return con


_held: dict[str, duckdb.DuckDBPyConnection] = {}


@contextmanager
def held(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Keep one connection to the warehouse open for a whole run.

    Every open and close of a DuckDB file costs a schema check and a checkpoint (~0.1 s each): a
    run that loads fifty batches would pay it fifty times. Inside this block, opened() hands out
    cursors on the held connection instead; the checkpoint happens once, at the end.
    """
    key = str(Path(path).resolve())
    con = connect(path)
    _held[key] = con
    try:
        yield con
        # checkpoint here, not in close(): close() gives up on a checkpoint that fails (a full disk)
        # without a word and leaves the WAL behind; here the real error is raised
        con.execute("CHECKPOINT")
    finally:
        _held.pop(key, None)
        con.close()


@contextmanager
def opened(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one piece of work: a cursor on the run's held connection (see held()), or a
    new connection closed after.

    A cursor is a connection of its own to the already open database: it costs no reopen and no
    checkpoint, and behaves as a fresh connection (no statement of earlier work left pending).
    """
    hold = _held.get(str(Path(path).resolve()))
    con = hold.cursor() if hold is not None else connect(path)
    try:
        yield con
    finally:
        con.close()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def quote_id(doc_id: str, char_start: int) -> str:
    return hashlib.sha256(f"{doc_id}:{char_start}".encode()).hexdigest()[:16]


def load_document(con: duckdb.DuckDBPyConnection, doc: Document, run_id: str) -> None:
    """Replace every row of this document in one transaction: all of its rows change, or none."""
    load_documents(con, [doc], run_id)


# Column order of each table as loaded, and how a document fills it (one list per table, Arrow-built).
_DOC_COLUMNS = ["doc_id", "source_url", "source_path", "kind", "publisher", "title", "author", "published_date",
                "la_code", "la_name", "clean_text", "content_sha256", "format", "pages", "loaded_at", "run_id",
                "processed_with"]
_ROW_COLUMNS = {
    "inspections": ["doc_id", "la_code", "la_name", "inspection_type", "start_date", "end_date", "date_precision",
                    "ordinal", "judgement", "evidence", "char_start", "char_end"],
    "judgements": ["doc_id", "la_code", "la_name", "inspection_type", "start_date", "area", "grade", "evidence"],
    "metrics": ["doc_id", "la_code", "la_name", "metric", "value", "unit", "measure", "as_of", "date_precision",
                "evidence", "char_start", "char_end", "denied"],
    "quotes": ["quote_id", "doc_id", "la_code", "la_name", "speaker_name", "speaker_role", "speaker_org", "text",
               "char_start", "char_end", "speaker_as_written"],
    "removed_text": ["doc_id", "rule", "text"],
}


def _rows_of(doc: Document, now, run_id: str) -> dict[str, list[tuple]]:
    x = doc.extracted
    return {
        "documents": [(doc.doc_id, doc.source_url, doc.source_path, doc.kind, doc.publisher, doc.title, doc.author,
                       doc.published_date, doc.la_code, doc.la_name, doc.clean_text, doc.content_sha256, doc.format,
                       doc.pages, now, run_id, doc.processed_with)],
        "inspections": [(doc.doc_id, r.la_code, r.la_name, r.inspection_type, r.start_date, r.end_date, r.date_precision,
                         r.ordinal, r.judgement, r.evidence, r.char_start, r.char_end) for r in x.inspections],
        "judgements": [(doc.doc_id, r.la_code, r.la_name, r.inspection_type, r.start_date, r.area, r.grade, r.evidence)
                       for r in x.judgements],
        "metrics": [(doc.doc_id, r.la_code, r.la_name, r.metric, r.value, r.unit, r.measure, r.as_of, r.date_precision,
                     r.evidence, r.char_start, r.char_end, r.denied) for r in x.metrics],
        "quotes": [(quote_id(doc.doc_id, r.char_start), doc.doc_id, r.la_code, r.la_name, r.speaker_name, r.speaker_role,
                    r.speaker_org, r.text, r.char_start, r.char_end, r.speaker_name) for r in x.quotes],
        "removed_text": [(doc.doc_id, r.rule, r.text) for r in doc.removed],
    }


_schemas: dict[tuple[str, tuple[str, ...]], object] = {}


def _arrow_schema(con: duckdb.DuckDBPyConnection, table: str, cols: list[str]):
    """The Arrow schema of the table's columns (fixed by schema.sql, so read once per process)."""
    key = (table, tuple(cols))
    if key not in _schemas:
        con.complete()
        _schemas[key] = con.sql(f"SELECT {', '.join(cols)} FROM {table} LIMIT 0").to_arrow_table().schema
    return _schemas[key]


def load_documents(con: duckdb.DuckDBPyConnection, docs: list[Document], run_id: str) -> None:
    """Replace the rows of a batch of documents in one transaction, inserting through Arrow.

    Row by row (executemany) DuckDB takes ~2.4k rows/s; from Arrow it takes millions, which is the
    difference between minutes and a second at 10,000 documents.
    """
    import pyarrow as pa

    if not docs:
        return
    now = _now()
    columns = {"documents": _DOC_COLUMNS, **_ROW_COLUMNS}
    rows: dict[str, list[tuple]] = {t: [] for t in columns}
    for doc in docs:
        for table, r in _rows_of(doc, now, run_id).items():
            rows[table].extend(r)
    con.execute("BEGIN TRANSACTION")
    try:
        ids = pa.table({"doc_id": [d.doc_id for d in docs]})
        con.complete()
        con.register("batch_ids", ids)
        # a first load of new documents has nothing to replace: skip five table scans
        if con.execute("SELECT count(*) FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_ids)").fetchone()[0]:
            for table in ("documents",) + ROW_TABLES:
                con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM batch_ids)")
        for table, cols in columns.items():
            if not rows[table]:
                continue
            schema = _arrow_schema(con, table, cols)
            data = pa.Table.from_arrays([pa.array(col, type=field.type) for col, field in zip(zip(*rows[table]), schema)],
                                        schema=schema)
            con.complete()  # DuckDB 2: register() and relations wait for the last statement's result
            con.register("batch_rows", data)
            con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM batch_rows")
            con.complete()
            con.unregister("batch_rows")
        con.unregister("batch_ids")
        con.execute("COMMIT")
    except Exception:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a fatal error (a full disk) has already ended the transaction: raise the real error, not this
        raise


def record_failures(con: duckdb.DuckDBPyConnection, failures: list[Failure], run_id: str) -> None:
    if failures:
        con.executemany(
            "INSERT INTO source_errors VALUES (?, ?, ?, ?, ?, ?)",
            [[run_id, f.doc_id, f.source, f.stage, f.reason, _now()] for f in failures],
        )


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, sources_file: str, total: int) -> None:
    con.execute(
        "INSERT INTO pipeline_runs (run_id, started_at, sources_file, status, sources_total) VALUES (?, ?, ?, 'running', ?)",
        [run_id, _now(), sources_file, total],
    )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, loaded: int, unchanged: int, failed: int) -> dict:
    """Close the run's row with the warehouse's counts and return them."""
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "inspections", "judgements", "metrics", "quotes")}
    status = "failed" if loaded + unchanged == 0 and failed > 0 else ("partial" if failed else "ok")
    con.execute(
        """UPDATE pipeline_runs SET finished_at = ?, status = ?, documents_loaded = ?, documents_unchanged = ?,
           documents_failed = ?, inspections = ?, judgements = ?, metrics = ?, quotes = ? WHERE run_id = ?""",
        [_now(), status, loaded, unchanged, failed, counts["inspections"], counts["judgements"], counts["metrics"],
         counts["quotes"], run_id],
    )
    return {"status": status, **counts}


def known_documents(path: Path | str) -> dict[str, tuple[str, str]]:
    """doc_id → (content_sha256, processed_with) of every loaded document; empty for a new warehouse."""
    if not Path(path).exists():
        return {}
    with opened(path) as con:
        rows = con.execute("SELECT doc_id, content_sha256, coalesce(processed_with, '') FROM documents").fetchall()
    return {d: (sha, ver) for d, sha, ver in rows}


def has_models(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the SQL models' views exist yet (a new warehouse needs them built even with no rows)."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'la_inspection_timeline'").fetchone()[0])


def record_fetches(con: duckdb.DuckDBPyConnection, acquired: list, run_id: str) -> int:
    """One fetches row per URL fetched in this batch."""
    rows = []
    for a in acquired:
        f = a.fetch
        if f is None:
            continue
        size = len(a.content) if a.content is not None and not f.not_modified else None
        rows.append([run_id, f.url, f.final_url, f.fetched_at.replace(tzinfo=None), f.status, f.etag, f.last_modified,
                     a.sha256, size, f.not_modified, f.error, f.attempts, f.elapsed_s])
    if rows:
        con.executemany("INSERT INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def previous_fetches(path: Path | str) -> dict:
    """url → PreviousFetch of its latest successful fetch (validators and body sha256)."""
    from cscetl.acquire import PreviousFetch

    if not Path(path).exists():
        return {}
    with opened(path) as con:
        rows = con.execute(
            """SELECT url, arg_max(etag, fetched_at), arg_max(last_modified, fetched_at), arg_max(sha256, fetched_at)
               FROM fetches WHERE error IS NULL AND sha256 IS NOT NULL GROUP BY url"""
        ).fetchall()
    return {url: PreviousFetch(etag, lm, sha) for url, etag, lm, sha in rows}


def seen_links(path: Path | str) -> dict[str, list[str]]:
    """listing URL → every link it has shown, oldest first."""
    if not Path(path).exists():
        return {}
    with opened(path) as con:
        rows = con.execute("SELECT listing_url, url FROM discovered_links ORDER BY first_seen_at, url").fetchall()
    out: dict[str, list[str]] = {}
    for listing, url in rows:
        out.setdefault(listing, []).append(url)
    return out


def record_links(con: duckdb.DuckDBPyConnection, found: dict[str, list[str]], run_id: str) -> int:
    """Remember the links each listing shows now; returns how many were new."""
    now = _now()
    before = con.execute("SELECT count(*) FROM discovered_links").fetchone()[0]
    for listing, links in found.items():
        for url in links:
            con.execute(
                """INSERT INTO discovered_links VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (listing_url, url) DO UPDATE SET last_seen_run = excluded.last_seen_run,
                   last_seen_at = excluded.last_seen_at""",
                [listing, url, run_id, now, run_id, now],
            )
    return con.execute("SELECT count(*) FROM discovered_links").fetchone()[0] - before


def mark_removed(con: duckdb.DuckDBPyConnection, current: list[str], run_id: str) -> tuple[int, int]:
    """Mark documents whose source is gone from the sources file; un-mark any that came back.

    Returns (marked, restored): either one changes what the views show.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE current_sources (doc_id VARCHAR)")
    if current:
        con.executemany("INSERT INTO current_sources VALUES (?)", [[d] for d in current])
    restored = con.execute(
        "UPDATE documents SET removed_in_run = NULL WHERE removed_in_run IS NOT NULL AND doc_id IN (SELECT doc_id FROM current_sources) RETURNING doc_id"
    ).fetchall()
    marked = con.execute(
        "UPDATE documents SET removed_in_run = ? WHERE removed_in_run IS NULL AND doc_id NOT IN (SELECT doc_id FROM current_sources) RETURNING doc_id",
        [run_id],
    ).fetchall()
    return len(marked), len(restored)
