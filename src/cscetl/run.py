"""Run bookkeeping and loading, as plain functions the flow's tasks call.

Each function opens the warehouse for as short a time as it needs: DuckDB lets one process
hold a file for writing, so the connection is never kept across stages.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cscetl import warehouse as wh
from cscetl.models import run_models
from cscetl.outcome import Document, Failure
from cscetl.people import apply_canonical_names


@dataclass
class RunSummary:
    run_id: str
    status: str
    sources: int
    loaded: int
    failures: list[Failure] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # warehouse totals after the run
    models: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"cscetl run {self.run_id}: {self.status}",
            f"  sources {self.sources}, documents loaded {self.loaded}, failed {len(self.failures)}",
            "  warehouse rows: " + ", ".join(f"{k} {v}" for k, v in self.rows.items()),
            "  models: " + ", ".join(self.models),
        ]
        for f in self.failures:
            lines.append(f"  FAILED [{f.stage}] {f.source}: {f.reason}")
        return "\n".join(lines)


def begin_run(warehouse: Path, sources_file: str, total: int) -> str:
    run_id = uuid.uuid4().hex[:12]
    con = wh.connect(warehouse)
    try:
        wh.start_run(con, run_id, sources_file, total)
    finally:
        con.close()
    return run_id


def load_outcomes(warehouse: Path, outcomes: list[Document | Failure], run_id: str) -> tuple[int, list[Failure]]:
    """Load every document (each in its own transaction) and record every failure."""
    failures = [o for o in outcomes if isinstance(o, Failure)]
    loaded = 0
    con = wh.connect(warehouse)
    try:
        for doc in (o for o in outcomes if isinstance(o, Document)):
            try:
                wh.load_document(con, doc, run_id)
                loaded += 1
            except Exception as exc:  # one bad row must not lose the rest of the batch
                failures.append(Failure(doc.doc_id, doc.source_path or doc.source_url, "load", f"{type(exc).__name__}: {exc}"))
        wh.record_failures(con, failures, run_id)
    finally:
        con.close()
    return loaded, failures


def finish_run(warehouse: Path, run_id: str, sources: int, loaded: int, failures: list[Failure]) -> RunSummary:
    """Canonical speaker names, SQL models, and the run's closing row."""
    con = wh.connect(warehouse)
    try:
        apply_canonical_names(con)
        models = run_models(con)
        counts = wh.finish_run(con, run_id, loaded, len(failures))
    finally:
        con.close()
    status = counts.pop("status")
    return RunSummary(run_id, status, sources, loaded, failures, counts, models)
