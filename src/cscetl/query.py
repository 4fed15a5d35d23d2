"""Ad-hoc, read-only SQL over the published warehouse: works while a run is building the next one.

Every reader (query, schema, export, dashboard) opens the warehouse through `reading()`, which
  * refuses SQL that reaches outside the warehouse (COPY ... TO, EXPORT DATABASE, ATTACH, read_csv of
    other files, INSTALL/LOAD) unless the caller opts in, and locks DuckDB's configuration so SQL
    cannot SET it back;
  * turns a damaged or non-DuckDB warehouse into one `WarehouseUnusable` that names the file and
    says what to do, whether DuckDB notices at open time or only when a query reaches a bad block.
"""
from __future__ import annotations

import csv
import io
import json
import time
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import duckdb

REBUILD = "restore it from a backup, or rebuild with `cscetl run --full-refresh --warehouse NEW_FILE`"

# DuckDB's own sandbox. enable_external_access=false stops every file, network and extension access
# except the database's own files (and any allowed_directories); autoinstall/autoload off so a query
# cannot pull an extension in by naming one of its functions; lock_configuration so that
# `SET enable_external_access = true` (or any other SET) is refused for the rest of the connection.
LOCKED_DOWN = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class WarehouseUnusable(Exception):
    """The published warehouse exists but cannot be read (damaged, not DuckDB, not readable)."""


def one_line(exc: BaseException) -> str:
    """DuckDB's messages run over several lines (LINE 1: ..., hints): one line for a terminal or a log."""
    return " ".join(part.strip() for part in str(exc).splitlines() if part.strip())


def refused_by_lock_down(exc: duckdb.Error) -> bool:
    """Whether DuckDB refused a statement because of LOCKED_DOWN (not because the SQL is wrong)."""
    msg = str(exc)
    return (isinstance(exc, duckdb.PermissionException)  # a file, URL, ATTACH or INSTALL/LOAD
            or "configuration has been locked" in msg  # a SET
            # a function of an extension that is not loaded, which autoinstall would have fetched
            or (isinstance(exc, duckdb.CatalogException) and "but it exists in the" in msg and "extension" in msg))


def _damaged(path: Path, detail: str) -> WarehouseUnusable:
    return WarehouseUnusable(f"the warehouse {path} is damaged ({detail[:200]}): {REBUILD}")


def _is_damage(exc: duckdb.Error, path: Path) -> bool:
    """Whether a DuckDB error is the warehouse file's fault rather than the query's."""
    msg = str(exc)
    if "Corrupt database file" in msg or "not a valid DuckDB database file" in msg:
        return True
    # a truncated file: DuckDB names the file it could not read; only the warehouse's own files count
    # (with --allow-external-access a query may read a short file of its own)
    return isinstance(exc, duckdb.IOException) and "Could not read" in msg and str(path.resolve()) in msg


def _check_header(path: Path) -> None:
    """Refuse what is plainly not a DuckDB file before DuckDB tries to (it would try extensions for a
    SQLite file, and report a directory as a read error)."""
    if path.is_dir():
        raise WarehouseUnusable(f"the warehouse {path} is a directory, not a DuckDB file: {REBUILD}")
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError as exc:
        raise WarehouseUnusable(f"cannot read the warehouse {path}: {exc.strerror or exc}") from None
    if len(head) < 12:
        raise _damaged(path, f"{len(head)} bytes long: empty or truncated")
    if head[8:12] != DUCKDB_MAGIC:
        raise WarehouseUnusable(f"the warehouse {path} is damaged or not a DuckDB database (no DuckDB header): {REBUILD}")


def open_read_only(path: Path | str, attempts: int = 20, external_access: bool = False,
                   allowed_directories: list[Path] = ()) -> duckdb.DuckDBPyConnection:
    """A read-only connection, locked down unless `external_access`; `allowed_directories` are the only
    other places a locked-down connection may read or write (export's output folder).

    Retried briefly in case a writer holds the file (an older cscetl)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `cscetl run` first")
    _check_header(path)
    config: dict = {}
    if not external_access:
        config = dict(LOCKED_DOWN)
        if allowed_directories:
            # DuckDB takes allowed_directories only once the database is open and while external
            # access is still on: this connection is locked down by SET, right after it opens
            del config["enable_external_access"]
        else:
            config["lock_configuration"] = True
    for i in range(attempts):
        try:
            con = duckdb.connect(str(path), read_only=True, config=config)
        except duckdb.Error as exc:
            lower = str(exc).lower()
            if "could not set lock" in lower or "conflicting lock" in lower:
                if i < attempts - 1:
                    time.sleep(0.1 * (i + 1))
                    continue
                raise
            if _is_damage(exc, path):
                raise _damaged(path, one_line(exc)) from None
            raise WarehouseUnusable(f"cannot open the warehouse {path}: {one_line(exc)}") from None
        if allowed_directories and not external_access:
            dirs = ", ".join("'" + (str(Path(d).resolve()) + "/").replace("'", "''") + "'" for d in allowed_directories)
            try:
                con.execute(f"SET allowed_directories = [{dirs}]; SET enable_external_access = false; "
                            "SET lock_configuration = true")
            except BaseException:
                con.close()
                raise
        return con
    raise AssertionError("unreachable")


@contextmanager
def reading(path: Path | str, external_access: bool = False,
            allowed_directories: list[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for a block; a damaged block met by any query in it becomes
    WarehouseUnusable, other DuckDB errors (the query's own) pass through."""
    path = Path(path)
    con = open_read_only(path, external_access=external_access, allowed_directories=allowed_directories)
    try:
        yield con
    except duckdb.Error as exc:
        if _is_damage(exc, path):
            raise _damaged(path, one_line(exc)) from None
        raise
    finally:
        con.close()


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def run_query(warehouse: Path | str, sql: str, fmt: str = "table", external_access: bool = False) -> str:
    with reading(warehouse, external_access=external_access) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if names else []
    if fmt == "json":
        return json.dumps([{n: _plain(v) for n, v in zip(names, r)} for r in rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(names)
        w.writerows([[_plain(v) for v in r] for r in rows])
        return buf.getvalue()
    widths = [max([len(n)] + [len(str(_plain(r[i]))[:60]) for r in rows]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths)), "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(str(_plain(v))[:60].ljust(w) for v, w in zip(r, widths)) for r in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)
