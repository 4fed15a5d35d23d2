"""Ad-hoc, read-only SQL over the published warehouse: works while a run is building the next one."""
from __future__ import annotations

import csv
import io
import json
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb


def open_read_only(path: Path | str, attempts: int = 20) -> duckdb.DuckDBPyConnection:
    """A read-only connection; retried briefly in case a writer holds the file (an older cscetl)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `cscetl run` first")
    for i in range(attempts):
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or i == attempts - 1:
                raise
            time.sleep(0.1 * (i + 1))
    raise AssertionError("unreachable")


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def run_query(warehouse: Path | str, sql: str, fmt: str = "table") -> str:
    con = open_read_only(warehouse)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if names else []
    finally:
        con.close()
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
