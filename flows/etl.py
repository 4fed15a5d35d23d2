"""The cscetl pipeline as a Prefect flow: stages as tasks over batches of documents.

Prefect lives here only; every task calls a plain function of the cscetl package. Tasks take
paths and plain data, never open connections, and skip input hashing (NO_CACHE): inputs are
page bytes, and a rerun must re-read the sources anyway. Batches of pages and rows go to tasks
wrapped in quote(): Prefect would otherwise walk every object in them looking for futures.

Where extraction runs is the flow's task runner (see task_runner_from): by default the batches are
submitted to Prefect's thread pool and spread over the package's own process pool, one worker per
core; with prefect-dask they run on a Dask cluster, local or remote, one batch per Dask worker.
"""
from __future__ import annotations

import os
from collections import deque
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from cscetl import run as runner
from cscetl import warehouse as wh
from cscetl.acquire import Acquired, PreviousFetch, acquire_all
from cscetl.fetch import FetchSettings
from cscetl.gctune import relaxed_gc
from cscetl.outcome import Document, Failure, Unchanged
from cscetl.paths import default_sources, default_warehouse
from cscetl.publish import building
from cscetl.pipeline import MIN_PARALLEL, process_batch, triage
from cscetl.raw_store import store_for
from cscetl.sources import Source, load_fetch_settings, load_sources
from flows import progress


@task(cache_policy=NO_CACHE)
def read_sources(sources_file: str, allow_empty: bool = False) -> list[Source]:
    # a file with no entries is refused unless allow_empty: a run over it would mark every document removed
    return load_sources(Path(sources_file), allow_empty=allow_empty)


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
    progress.fetched(done, total)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def discover_sources(warehouse: str, run_id: str, listings: list[Source], settings: FetchSettings):
    return runner.discover_sources(Path(warehouse), run_id, listings, settings)


@task(cache_policy=NO_CACHE)
def record_fetches(warehouse: str, acquired: list[Acquired], run_id: str) -> int:
    return runner.record_fetches(Path(warehouse), acquired, run_id)


@task(cache_policy=NO_CACHE)
def process_documents(batch: list[Acquired], workers: int) -> list[Document | Failure | Unchanged]:
    return process_batch(batch, None, workers)


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


def task_runner_from(spec: str | None):
    """The task runner a setting names (CLI --task-runner, or CSCETL_TASK_RUNNER for deployments).

    "" or "threads": Prefect's thread pool, with the package's process pool doing the CPU work;
    "dask": a local Dask cluster with a worker per core; "tcp://host:8786" (any address): that
    existing Dask cluster. Dask needs the prefect-dask package (installed with cscetl).
    """
    spec = (spec or "").strip()
    if spec in ("", "threads", "local"):
        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner

    if spec == "dask":
        return DaskTaskRunner(cluster_kwargs={"n_workers": os.cpu_count() or 1, "threads_per_worker": 1, "processes": True})
    if "://" in spec:
        return DaskTaskRunner(address=spec)
    raise ValueError(f"unknown task runner {spec!r}: use threads, dask, or a Dask scheduler address like tcp://host:8786")


@flow(name="cscetl-pipeline", log_prints=True, task_runner=task_runner_from(os.environ.get("CSCETL_TASK_RUNNER")))
def cscetl_pipeline(sources: str | None = None, warehouse: str | None = None, batch_size: int = 500,
                    full_refresh: bool = False, workers: int = 0, allow_empty: bool = False) -> runner.RunSummary:
    """Read the sources, then acquire → parse/clean/extract → load in batches, then build the models.

    A document whose bytes and code version match the loaded one is not parsed or loaded again,
    unless full_refresh is set (the weekly deployment does, so rule changes reach every page).
    workers: processes for parse/clean/extract with the default task runner (0: every core).
    allow_empty: run over a sources file with no entries (every loaded document is marked removed);
    without it such a file, or a mistyped table such as [[source]], fails the run before it starts.
    """
    sources_file = str(Path(sources).resolve()) if sources else str(default_sources())
    published = Path(warehouse).resolve() if warehouse else default_warehouse(sources).resolve()
    workers = workers or os.cpu_count() or 1  # 0: every core
    entries = read_sources(sources_file, allow_empty)  # before the warehouse is copied or locked
    # progress goes where the caller shows it (cscetl run: a bar or plain lines), else to the run's log
    default = lambda: progress.Lines(get_run_logger().info, progress.every_s())  # noqa: E731
    with relaxed_gc(), progress.for_run(default), building(published) as work, wh.held(work):
        summary = _run(sources_file, entries, str(work), batch_size, full_refresh, workers)
    summary.warehouse = str(published)
    if not progress.caller_shows():  # cscetl run prints the summary itself: once
        get_run_logger().info(summary.render())
    _artifact(summary)
    return summary


def with_task_runner(spec: str | None):
    """cscetl_pipeline on the task runner `spec` names (see task_runner_from)."""
    if not spec:
        return cscetl_pipeline
    return cscetl_pipeline.with_options(task_runner=task_runner_from(spec))


def _own_pool() -> bool:
    """Whether this flow run spreads batches over the package's process pool (thread-pool runner)
    or leaves the spreading to its task runner (Dask: a batch per worker, processed in the worker)."""
    ctx = FlowRunContext.get()
    return ctx is None or isinstance(ctx.task_runner, ThreadPoolTaskRunner)


def _run(sources_file: str, entries: list[Source], warehouse_file: str, batch_size: int, full_refresh: bool,
         workers: int) -> runner.RunSummary:
    """The run itself, writing to the build copy of the warehouse.

    Batches stream: while one batch is parsed (in workers), the next is acquired and the one
    before is loaded; at most a few batches are held at once, so memory does not grow with the run.
    """
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
    own_pool = _own_pool()
    in_flight = 2 if own_pool else max(2, workers)  # batches being parsed while the flow acquires and loads
    pending: deque = deque()
    progress.started(len(entries))
    for i in range(0, len(entries), batch_size):
        batch = entries[i : i + batch_size]
        wanted = {s.url for s in batch if s.url}
        acquired = acquire_batch(batch, settings, quote({u: p for u, p in previous.items() if u in wanted}), warehouse_file)
        if any(a.fetch is not None for a in acquired):
            record_fetches(warehouse_file, quote(acquired), run_id)
        todo, settled = triage(acquired, known)
        mine = {a.source.doc_id: known[a.source.doc_id] for a in todo if a.source.doc_id in known}
        pending.append((_process(todo, workers, own_pool), todo, settled, mine))
        acquired.clear()  # see _load: the pages go once parsed, not at the end of the run
        while len(pending) > in_flight:
            result = result + _counted(_load(warehouse_file, run_id, *pending.popleft()))
    while pending:
        result = result + _counted(_load(warehouse_file, run_id, *pending.popleft()))
    # only a run that could read every listing knows which sources are gone
    listings_ok = not any(f.stage == "discover" for f in result.failures)
    summary = finish(warehouse_file, run_id, len(entries), result, [s.doc_id for s in entries] if listings_ok else None)
    summary.new_links = new_links
    return summary


def _counted(batch: runner.BatchResult) -> runner.BatchResult:
    """Report a loaded batch's documents as processed (loaded, unchanged or failed: one each)."""
    progress.advanced(batch.new + batch.changed + batch.unchanged + len(batch.failures))
    return batch


def _process(todo: list[Acquired], workers: int, own_pool: bool) -> PrefectFuture | list:
    """Start parsing a batch: submitted to the task runner, or (small batch, one worker) done here
    on the main thread, where the per-document time limit can interrupt it."""
    if not todo:
        return []
    if own_pool and (workers <= 1 or len(todo) < MIN_PARALLEL):
        return process_documents(quote(todo), 1)
    if own_pool:
        return process_documents.submit(quote(todo), workers)
    # Dask pickles a quote() into a bare tuple that Prefect no longer unwraps: send the list itself
    return process_documents.submit(todo, 1)


def _load(warehouse_file: str, run_id: str, processing: PrefectFuture | list, todo: list, settled: list,
          known: dict) -> runner.BatchResult:
    """Wait for a batch's parsing and load it.

    Prefect 3.8 keeps every task run's engine, with the arguments it was given and the value it
    returned, until the flow run ends (for rollback hooks): a 10,000-page run held every page and
    row to the end (~0.5 GB). Emptying the lists passed in and got back once loaded frees them now.
    """
    parsed = processing.result() if isinstance(processing, PrefectFuture) else processing
    outcomes = list(parsed) + settled
    try:
        if not any(isinstance(o, (Document, Failure)) for o in outcomes):
            # nothing to write (all unchanged): count them without a task run
            return runner.BatchResult(unchanged=len(outcomes))
        return load_batch(warehouse_file, quote(outcomes), run_id, quote(known))
    finally:
        for items in (parsed, todo, outcomes):
            items.clear()


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
