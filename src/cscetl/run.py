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
from cscetl.official import load_official
from cscetl.outcome import Document, Failure, Unchanged
from cscetl.discover import discover
from cscetl.fetch import FetchSettings
from cscetl.people import apply_canonical_names
from cscetl.sources import Source


@dataclass
class BatchResult:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)

    def __add__(self, other: "BatchResult") -> "BatchResult":
        return BatchResult(self.new + other.new, self.changed + other.changed, self.unchanged + other.unchanged,
                           self.failures + other.failures)


@dataclass
class RunSummary:
    run_id: str
    status: str
    sources: int
    loaded: int  # new + changed
    failures: list[Failure] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # warehouse totals after the run
    models: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    new_links: int = 0
    warehouse: str = ""
    removed: int = 0  # documents whose source left the sources file (marked, not deleted)
    restored: int = 0  # documents marked removed before whose source is listed again

    def render(self) -> str:
        lines = [
            f"cscetl run {self.run_id}: {self.status}",
            f"  sources {self.sources}: documents loaded {self.loaded} (new {self.new}, changed {self.changed}), "
            f"unchanged {self.unchanged}, failed {len(self.failures)}",
            "  warehouse rows: " + ", ".join(f"{k} {v}" for k, v in self.rows.items()),
            "  models: " + (", ".join(self.models) if self.models else "not rebuilt (nothing changed)"),
        ]
        if self.removed:
            lines.append(f"  {self.removed} documents whose source is no longer listed were marked removed")
        if self.restored:
            lines.append(f"  {self.restored} documents whose source is listed again are back in the views")
        if self.new_links:
            lines.append(f"  listing pages showed {self.new_links} new links")
        if self.unchanged and not self.loaded and not self.failures and not self.models:
            lines.append("  nothing changed since the last run: no page was parsed and no row rewritten")
        for f in self.failures:
            lines.append(f"  FAILED [{f.stage}] {f.source}: {f.reason}")
        return "\n".join(lines)


def begin_run(warehouse: Path, sources_file: str, total: int) -> str:
    run_id = uuid.uuid4().hex[:12]
    with wh.opened(warehouse) as con:
        wh.start_run(con, run_id, sources_file, total)
    return run_id


def discover_sources(warehouse: Path, run_id: str, listings: list[Source], settings: FetchSettings) -> tuple[list[Source], int, list[Failure]]:
    """The article sources behind the listing pages, how many links are new, and listings that failed."""
    articles, found, failed = discover(listings, settings, wh.seen_links(warehouse))
    failures = [Failure(src.doc_id, src.label, "discover", reason) for src, reason in failed]
    with wh.opened(warehouse) as con:
        new_links = wh.record_links(con, found, run_id)
        wh.record_failures(con, failures, run_id)
    return articles, new_links, failures


def record_fetches(warehouse: Path, acquired: list, run_id: str) -> int:
    if not any(a.fetch is not None for a in acquired):
        return 0
    with wh.opened(warehouse) as con:
        return wh.record_fetches(con, acquired, run_id)


def load_outcomes(warehouse: Path, outcomes: list[Document | Failure | Unchanged], run_id: str,
                  known: dict[str, tuple[str, str]] | None = None) -> BatchResult:
    """Load every document (each in its own transaction) and record every failure."""
    result = BatchResult(failures=[o for o in outcomes if isinstance(o, Failure)])
    result.unchanged = sum(isinstance(o, Unchanged) for o in outcomes)
    docs = [o for o in outcomes if isinstance(o, Document)]
    if not docs and not result.failures:
        return result  # nothing to write: leave the file alone
    with wh.opened(warehouse) as con:
        try:
            wh.load_documents(con, docs, run_id)
            loaded = docs
        except Exception as exc:
            if wh.problem(exc, warehouse) is not None:
                raise  # a full disk or a damaged file is no document's fault: the run stops, nothing is published
            # something in the batch is unloadable: load one by one to keep the rest and name the culprit
            loaded = []
            for doc in docs:
                try:
                    wh.load_document(con, doc, run_id)
                    loaded.append(doc)
                except Exception as exc:
                    if wh.problem(exc, warehouse) is not None:
                        raise
                    result.failures.append(Failure(doc.doc_id, doc.source_path or doc.source_url, "load", f"{type(exc).__name__}: {exc}"))
        for doc in loaded:
            if known and doc.doc_id in known:
                result.changed += 1
            else:
                result.new += 1
        wh.record_failures(con, result.failures, run_id)
    return result


def finish_run(warehouse: Path, run_id: str, sources: int, result: BatchResult, current: list[str] | None = None) -> RunSummary:
    """Removed sources marked, canonical speaker names and SQL models (when anything changed), and the run's closing row.

    current: the doc_ids of every source of this run (None: do not mark removals).
    """
    loaded = result.new + result.changed
    with wh.opened(warehouse) as con:
        removed, restored = wh.mark_removed(con, current, run_id) if current is not None else (0, 0)
        models: list[str] = []
        # a removal flag set or cleared changes what the models show, as a load does
        if loaded or removed or restored or not wh.has_models(con):
            apply_canonical_names(con)
            load_official(con)  # the official statistics the comparison and quality models read
            models = run_models(con)
        counts = wh.finish_run(con, run_id, loaded, result.unchanged, len(result.failures))
    status = counts.pop("status")
    return RunSummary(run_id, status, sources, loaded, result.failures, counts, models,
                      result.new, result.changed, result.unchanged, removed=removed, restored=restored)
