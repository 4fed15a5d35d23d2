"""The cscetl pipeline as a Prefect flow: stages as tasks over batches of documents.

Prefect lives here only; every task calls a plain function of the cscetl package. Tasks take
paths and plain data, never open connections, and skip input hashing (NO_CACHE): inputs are
page bytes, and a rerun must re-read the sources anyway.
"""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from cscetl import run as runner
from cscetl.acquire import Acquired, acquire_all
from cscetl.outcome import Document, Failure
from cscetl.paths import default_sources, default_warehouse
from cscetl.pipeline import process_batch
from cscetl.sources import Source, load_sources


@task(cache_policy=NO_CACHE)
def read_sources(sources_file: str) -> list[Source]:
    return load_sources(Path(sources_file))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def acquire_batch(batch: list[Source]) -> list[Acquired]:
    return acquire_all(batch)


@task(cache_policy=NO_CACHE)
def process_documents(batch: list[Acquired]) -> list[Document | Failure]:
    return process_batch(batch)


@task(cache_policy=NO_CACHE)
def load_batch(warehouse: str, outcomes: list[Document | Failure], run_id: str) -> tuple[int, list[Failure]]:
    return runner.load_outcomes(Path(warehouse), outcomes, run_id)


@task(cache_policy=NO_CACHE)
def begin(warehouse: str, sources_file: str, total: int) -> str:
    return runner.begin_run(Path(warehouse), sources_file, total)


@task(cache_policy=NO_CACHE)
def finish(warehouse: str, run_id: str, sources: int, loaded: int, failures: list[Failure]) -> runner.RunSummary:
    return runner.finish_run(Path(warehouse), run_id, sources, loaded, failures)


@flow(name="cscetl-pipeline", log_prints=True)
def cscetl_pipeline(sources: str | None = None, warehouse: str | None = None, batch_size: int = 100) -> runner.RunSummary:
    """Read the sources, then acquire → parse/clean/extract → load in batches, then build the models."""
    sources_file = str(Path(sources).resolve()) if sources else str(default_sources())
    warehouse_file = str(Path(warehouse).resolve()) if warehouse else str(default_warehouse())
    entries = read_sources(sources_file)
    run_id = begin(warehouse_file, sources_file, len(entries))
    loaded, failures = 0, []
    for i in range(0, len(entries), batch_size):
        acquired = acquire_batch(entries[i : i + batch_size])
        outcomes = process_documents(acquired)
        n, failed = load_batch(warehouse_file, outcomes, run_id)
        loaded += n
        failures += failed
    summary = finish(warehouse_file, run_id, len(entries), loaded, failures)
    get_run_logger().info(summary.render())
    return summary


if __name__ == "__main__":
    cscetl_pipeline()
