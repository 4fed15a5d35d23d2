"""The cscetl pipeline as a Prefect flow: stages as tasks over batches of documents.

Prefect lives here only; every task calls a plain function of the cscetl package. Tasks take
paths and plain data, never open connections, and skip input hashing (NO_CACHE): inputs are
page bytes, and a rerun must re-read the sources anyway.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from cscetl import run as runner
from cscetl import warehouse as wh
from cscetl.acquire import Acquired, PreviousFetch, acquire_all
from cscetl.fetch import FetchSettings
from cscetl.outcome import Document, Failure, Unchanged
from cscetl.paths import default_sources, default_warehouse
from cscetl.publish import building
from cscetl.pipeline import process_batch
from cscetl.raw_store import store_for
from cscetl.sources import Source, load_fetch_settings, load_sources


@task(cache_policy=NO_CACHE)
def read_sources(sources_file: str) -> list[Source]:
    return load_sources(Path(sources_file))


@task(cache_policy=NO_CACHE)
def known_documents(warehouse: str) -> dict[str, tuple[str, str]]:
    return wh.known_documents(Path(warehouse))


@task(cache_policy=NO_CACHE)
def previous_fetches(warehouse: str) -> dict[str, PreviousFetch]:
    return wh.previous_fetches(Path(warehouse))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def acquire_batch(batch: list[Source], settings: FetchSettings, previous: dict[str, PreviousFetch], warehouse: str) -> list[Acquired]:
    # the fetcher retries each URL itself; Prefect's retries cover a crash of the whole batch
    return acquire_all(batch, settings, previous, store_for(warehouse), progress=_progress)


def _progress(done: int, total: int) -> None:
    if total >= 20 and (done == total or done % max(1, total // 10) == 0):
        print(f"fetched {done}/{total}", flush=True)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def discover_sources(warehouse: str, run_id: str, listings: list[Source], settings: FetchSettings):
    return runner.discover_sources(Path(warehouse), run_id, listings, settings)


@task(cache_policy=NO_CACHE)
def record_fetches(warehouse: str, acquired: list[Acquired], run_id: str) -> int:
    return runner.record_fetches(Path(warehouse), acquired, run_id)


@task(cache_policy=NO_CACHE)
def process_documents(batch: list[Acquired], known: dict[str, tuple[str, str]], workers: int) -> list[Document | Failure | Unchanged]:
    return process_batch(batch, known, workers)


@task(cache_policy=NO_CACHE)
def load_batch(warehouse: str, outcomes: list[Document | Failure | Unchanged], run_id: str,
               known: dict[str, tuple[str, str]]) -> runner.BatchResult:
    return runner.load_outcomes(Path(warehouse), outcomes, run_id, known)


@task(cache_policy=NO_CACHE)
def begin(warehouse: str, sources_file: str, total: int) -> str:
    return runner.begin_run(Path(warehouse), sources_file, total)


@task(cache_policy=NO_CACHE)
def finish(warehouse: str, run_id: str, sources: int, result: runner.BatchResult, current: list[str] | None) -> runner.RunSummary:
    return runner.finish_run(Path(warehouse), run_id, sources, result, current)


@flow(name="cscetl-pipeline", log_prints=True)
def cscetl_pipeline(sources: str | None = None, warehouse: str | None = None, batch_size: int = 100,
                    full_refresh: bool = False, workers: int = 0) -> runner.RunSummary:
    """Read the sources, then acquire → parse/clean/extract → load in batches, then build the models.

    A document whose bytes and code version match the loaded one is not parsed or loaded again,
    unless full_refresh is set (the weekly deployment does, so rule changes reach every page).
    """
    sources_file = str(Path(sources).resolve()) if sources else str(default_sources())
    published = Path(warehouse).resolve() if warehouse else default_warehouse().resolve()
    workers = workers or os.cpu_count() or 1  # 0: every core
    with building(published) as work:
        summary = _run(sources_file, str(work), batch_size, full_refresh, workers)
    summary.warehouse = str(published)
    get_run_logger().info(summary.render())
    _artifact(summary)
    return summary


def _run(sources_file: str, warehouse_file: str, batch_size: int, full_refresh: bool, workers: int) -> runner.RunSummary:
    """The run itself, writing to the build copy of the warehouse."""
    entries = read_sources(sources_file)
    settings = load_fetch_settings(Path(sources_file))
    known = {} if full_refresh else known_documents(warehouse_file)
    previous = previous_fetches(warehouse_file)
    run_id = begin(warehouse_file, sources_file, len(entries))
    result = runner.BatchResult()
    listings = [s for s in entries if s.listing and not s.problem]
    new_links = 0
    if listings:
        articles, new_links, failed = discover_sources(warehouse_file, run_id, listings, settings)
        result.failures += failed
        have = {s.doc_id for s in entries}
        entries = [s for s in entries if not (s.listing and not s.problem)] + [a for a in articles if a.doc_id not in have]
    started, done = time.monotonic(), 0
    for i in range(0, len(entries), batch_size):
        acquired = acquire_batch(entries[i : i + batch_size], settings, previous, warehouse_file)
        record_fetches(warehouse_file, acquired, run_id)
        outcomes = process_documents(acquired, known, workers)
        result = result + load_batch(warehouse_file, outcomes, run_id, known)
        done += len(acquired)
        if len(entries) > batch_size:
            rate = done / max(time.monotonic() - started, 1e-9)
            print(f"documents {done}/{len(entries)} ({rate:.1f}/s)", flush=True)
    # only a run that could read every listing knows which sources are gone
    listings_ok = not any(f.stage == "discover" for f in result.failures)
    summary = finish(warehouse_file, run_id, len(entries), result, [s.doc_id for s in entries] if listings_ok else None)
    summary.new_links = new_links
    return summary


def _artifact(summary: runner.RunSummary) -> None:
    """A markdown summary of the run in Prefect's UI (artifacts need a run context; skip quietly without one)."""
    try:
        from prefect.artifacts import create_markdown_artifact

        rows = "\n".join(f"| {k} | {v} |" for k, v in summary.rows.items())
        failures = "\n".join(f"- [{f.stage}] {f.source}: {f.reason}" for f in summary.failures) or "none"
        create_markdown_artifact(
            key="cscetl-run-summary",
            markdown=(
                f"# cscetl run {summary.run_id}: {summary.status}\n\n"
                f"Sources {summary.sources}: new {summary.new}, changed {summary.changed}, unchanged {summary.unchanged}, "
                f"failed {len(summary.failures)}; new links on listing pages {summary.new_links}.\n\n"
                f"| table | rows |\n|---|---|\n{rows}\n\n## Failures\n\n{failures}\n"
            ),
            description="Documents and rows of this run",
        )
    except Exception as exc:  # an artifact is a convenience; never fail a run for it
        get_run_logger().warning(f"could not create the run artifact: {exc}")


if __name__ == "__main__":
    cscetl_pipeline()
