#!/usr/bin/env python3
"""End-to-end benchmark of the real Prefect flow over synthetic pages.

    .venv/bin/python bench/pipeline.py [--n 1000] [--rerun] [--workdir /tmp/cscetl-bench] [--seed 7]

1. Generates N pages with bench/synthetic.py (~80% HTML news and press releases of 5-20 KB,
   ~10% PDFs, ~10% plain text) in a child process, cached in WORKDIR/pages-n{N}-s{SEED}/.
2. Calls the real flow (`flows.etl.cscetl_pipeline`) in Prefect's ephemeral mode, with its own
   PREFECT_HOME (WORKDIR/prefect-home, emptied, then prepared by one trivial flow run in a child
   process, as a scheduled machine's would be; --fresh-prefect-home skips that) and a fresh
   warehouse (WORKDIR/warehouse-n{N}.duckdb).
3. With --rerun, calls the flow a second time in the same process with nothing changed: Prefect's
   one-off server start is then already paid.
4. Times trafilatura.extract (defaults) over the same HTML pages in the same process: the floor.

What is timed (wrappers installed in this process before the flow runs; nothing in the package
changes):

    stage          wrapped function (as the flow or cscetl.pipeline.process looks it up)
    parse          cscetl.pipeline.parse_bytes            (detect, decode, trafilatura + metadata / pypdf)
    clean          cscetl.pipeline.clean_text             (boilerplate rules)
    extract        cscetl.pipeline.extract_all            (inspections, judgements, metrics, quotes, councils)
    process other  flows.etl.process_batch (wall, in the flow's process) minus parse + clean + extract
                   when they ran in-process; with the package's process pool (workers > 1) it is the
                   batch's wall time beyond the workers' own: shipping, pickling, waiting
    load           cscetl.run.load_outcomes               (DuckDB, a transaction per document)
    models         cscetl.run.run_models                  (the SQL files)
    finish other   cscetl.run.finish_run minus models     (mark_removed, canonical names, counts)
    acquire        flows.etl.acquire_all                  (reading the files)
    bookkeeping    flows.etl.load_sources, flows.etl.load_fetch_settings, cscetl.warehouse.known_documents,
                   cscetl.warehouse.previous_fetches, cscetl.run.begin_run, cscetl.run.record_fetches
    publish        flows.etl.building (entering: lock + copy of the published file; leaving: fsync + rename)

parse, clean and extract run in the package's process pool when the flow has more than one worker
(cscetl.pipeline._process_chunk in forkserver workers). There the wrappers are installed by
`_bench_chunk`, which replaces cscetl.pipeline._process_chunk (pickled by reference, so the workers
import this script as __mp_main__ and run it); each worker writes its cumulative stage times to
WORKDIR/stage-stats/<pid>.json. Stage seconds are then summed over workers (core-seconds), and
each stage prints its CPU seconds (thread_time) beside its wall seconds: on a busy machine the
wall seconds grow and the CPU seconds do not.

Prefect overhead = flow wall time minus the time covered by the wrapped top-level functions above
(the union of their spans: batches are parsed in worker threads while the flow acquires and loads
others, so time in two of them at once counts once). It is what Prefect itself costs on the
critical path: client and server calls, task and flow run states, logging.
The "narrow" figure, flow wall minus (parse + clean + extract + load + models + acquire), also
prints; it counts the unwrapped plain work as overhead too. The first flow call's time before
its first task body starts ("time to first task") includes the ephemeral server start; on the
rerun the same gap is the per-run cost, and the difference is the one-off start.

The machine's load average at the start and end of each flow call prints; a load above the number
of cores means other processes took CPU and every wall figure is inflated. CPU seconds of this
process, of the pool workers and of the Prefect server subprocess print per flow call.

Peak RSS is this process's ru_maxrss after the flow calls (before the trafilatura floor) plus the
peaks (VmHWM) of the package's forkserver and pool workers; the Prefect server subprocess's own peak
prints beside it and is not in the figure.

Last line, machine-readable:
    bench: docs=N seconds=S docs_per_s=X extract_docs_per_s=E prefect_overhead_pct=P peak_rss_mb=M rerun_seconds=R trafilatura_ratio=T
seconds is the first flow call's wall time (including the server start), docs_per_s = N / seconds,
extract_docs_per_s = documents processed / (clean + extract seconds) on one core, and
trafilatura_ratio = seconds / trafilatura-floor seconds. rerun_seconds is -1 without --rerun.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------ timers

class Timers:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.secs: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.spans: dict[str, list[tuple[float, float]]] = {}  # (start, end) of each call, for overlap-aware sums
        self.first_entry: float | None = None  # perf_counter at the first task body of the current flow call
        self.progress_total = 0
        self.progress_done = 0
        self.progress_t0 = 0.0

    def add(self, name: str, dt: float, cpu: float = 0.0, end: float | None = None) -> None:
        with self.lock:
            if end is not None:
                self.spans.setdefault(name, []).append((end - dt, end))
            self.secs[name] = self.secs.get(name, 0.0) + dt
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu
            self.calls[name] = self.calls.get(name, 0) + 1

    def reset(self) -> None:
        with self.lock:
            self.secs, self.cpu, self.calls, self.first_entry = {}, {}, {}, None
            self.spans = {}
            self.progress_done = 0
            self.progress_t0 = time.perf_counter()

    def get(self, name: str) -> float:
        return self.secs.get(name, 0.0)


T = Timers()


class GcTimer:
    """Time spent in Python's cyclic garbage collector in this process (gc.callbacks)."""

    def __init__(self) -> None:
        import gc

        self.seconds, self.collections, self._t0 = 0.0, [0, 0, 0], 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._t0
            self.collections[info["generation"]] += 1

    def snapshot(self) -> tuple[float, list[int]]:
        return self.seconds, list(self.collections)


GC = GcTimer()

TOP_LEVEL = ("read_sources", "fetch_settings", "known_documents", "previous_fetches", "begin", "acquire",
             "record_fetches", "process_batch", "load", "finish", "publish")


def _timed(name: str, fn, mark_first: bool = False):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t0, c0 = time.perf_counter(), time.thread_time()
        if mark_first and T.first_entry is None:
            T.first_entry = t0
        try:
            return fn(*args, **kwargs)
        finally:
            t1 = time.perf_counter()
            T.add(name, t1 - t0, time.thread_time() - c0, end=t1)

    return wrapper


def covered(spans: list[tuple[float, float]]) -> float:
    """Seconds covered by the union of the spans: batches are parsed in threads while the flow
    acquires and loads others, so summing their durations would count overlapping time twice."""
    total, reach = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b > reach:
            total += b - max(a, reach)
            reach = b
    return total


STAGES = ("parse", "clean", "extract")
_ORIG_CHUNK = None  # cscetl.pipeline._process_chunk as it was, in the flow's process
_WORKER_READY = False


def _install_stage_timers() -> None:
    import cscetl.pipeline as pl

    pl.parse_bytes = _timed("parse", pl.parse_bytes)
    pl.clean_text = _timed("clean", pl.clean_text)
    pl.extract_all = _timed("extract", pl.extract_all)


def _bench_chunk(chunk, known):
    """Stands in for cscetl.pipeline._process_chunk: in a pool worker it times the stages and
    writes the worker's running totals to $CSCETL_BENCH_STATS/<pid>.json."""
    global _WORKER_READY
    if _ORIG_CHUNK is not None:  # the flow's own process (a batch too small for the pool)
        return _ORIG_CHUNK(chunk, known)
    import json

    import cscetl.pipeline as pl

    if not _WORKER_READY:
        _install_stage_timers()
        _WORKER_READY = True
    t0, c0 = time.perf_counter(), time.thread_time()
    try:
        return pl._process_chunk(chunk, known)  # the worker's module is unpatched: the real one
    finally:
        T.add("worker_chunk", time.perf_counter() - t0, time.thread_time() - c0)
        out = Path(os.environ["CSCETL_BENCH_STATS"]) / f"{os.getpid()}.json"
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps({"secs": T.secs, "cpu": T.cpu, "calls": T.calls}))
        os.replace(tmp, out)


def worker_stats(stats_dir: Path) -> dict[str, dict[str, float]]:
    """Sum of every pool worker's cumulative totals."""
    import json

    tot: dict[str, dict[str, float]] = {"secs": {}, "cpu": {}, "calls": {}}
    for f in stats_dir.glob("*.json"):
        try:
            d = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        for part in tot:
            for k, v in d.get(part, {}).items():
                tot[part][k] = tot[part].get(k, 0.0) + v
    return tot


def _diff(a: dict, b: dict) -> dict:
    return {part: {k: v - a.get(part, {}).get(k, 0.0) for k, v in b[part].items()} for part in b}


def install_timers() -> None:
    """Wrap the plain functions where the flow and cscetl.pipeline look them up."""
    import cscetl.pipeline as pl
    import cscetl.run as runner
    import cscetl.warehouse as wh
    import flows.etl as etl

    global _ORIG_CHUNK
    _install_stage_timers()
    if hasattr(pl, "_process_chunk"):  # the package's process pool (workers > 1)
        _ORIG_CHUNK = pl._process_chunk
        pl._process_chunk = _bench_chunk
    etl.process_batch = _timed("process_batch", etl.process_batch)
    etl.acquire_all = _timed("acquire", etl.acquire_all)
    etl.load_sources = _timed("read_sources", etl.load_sources, mark_first=True)
    etl.load_fetch_settings = _timed("fetch_settings", etl.load_fetch_settings)
    wh.known_documents = _timed("known_documents", wh.known_documents)
    wh.previous_fetches = _timed("previous_fetches", wh.previous_fetches)
    runner.begin_run = _timed("begin", runner.begin_run)
    runner.record_fetches = _timed("record_fetches", runner.record_fetches)
    runner.run_models = _timed("models", runner.run_models)
    runner.finish_run = _timed("finish", runner.finish_run)

    load = runner.load_outcomes

    def load_with_progress(warehouse, outcomes, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return load(warehouse, outcomes, *args, **kwargs)
        finally:
            t1 = time.perf_counter()
            T.add("load", t1 - t0, end=t1)
            T.progress_done += len(outcomes)
            if T.progress_total >= 2000 and T.progress_done % 1000 < len(outcomes):
                el = time.perf_counter() - T.progress_t0
                # not print(): the flow's log_prints sends print() to Prefect's logger
                sys.__stderr__.write(f"  [bench] {T.progress_done}/{T.progress_total} documents, {el:.0f}s, "
                                     f"load average {os.getloadavg()[0]:.1f}, RSS {current_rss_mb():.0f} MB (peak {rss_mb():.0f})\n")
                sys.__stderr__.flush()

    runner.load_outcomes = load_with_progress

    building = etl.building

    @contextlib.contextmanager
    def timed_building(published):
        t0 = time.perf_counter()
        cm = building(published)
        work = cm.__enter__()
        t1 = time.perf_counter()
        T.add("publish", t1 - t0, end=t1)
        try:
            yield work
        except BaseException:
            if not cm.__exit__(*sys.exc_info()):
                raise
        else:
            t1 = time.perf_counter()
            cm.__exit__(None, None, None)
            t2 = time.perf_counter()
            T.add("publish", t2 - t1, end=t2)

    etl.building = timed_building


# ------------------------------------------------------------------------------------------ helpers

def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _children(pid: str) -> list[str]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                out += (task / "children").read_text().split()
            except OSError:
                pass
    except OSError:
        pass
    return out


def descendants_hwm_mb() -> dict[int, tuple[str, float]]:
    """Peak RSS (VmHWM) of every live descendant: the Prefect server, the forkserver, pool workers."""
    out: dict[int, tuple[str, float]] = {}
    stack = _children("self")
    while stack:
        pid = stack.pop()
        stack += _children(pid)
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            kind = "prefect server" if b"uvicorn" in cmd else "pool" if b"forkserver" in cmd else "resource tracker" if b"resource_tracker" in cmd else "other"
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[int(pid)] = (kind, int(line.split()[1]) / 1024)
        except OSError:
            pass
    return out


def server_cpu_s() -> float:
    """CPU seconds of this process's live uvicorn children (Prefect's ephemeral server)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path("/proc/self/task").iterdir():
        try:
            pids = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                if b"uvicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
    return total


def self_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_flow(flow, sources: Path, warehouse: Path, n: int, stats_dir: Path, kwargs: dict) -> tuple[float, dict, object]:
    T.reset()
    T.progress_total = n
    before = worker_stats(stats_dir)
    load0, cpu0, srv0 = os.getloadavg()[0], self_cpu_s(), server_cpu_s()
    gc0, gcn0 = GC.snapshot()
    t0 = time.perf_counter()
    summary = flow(sources=str(sources), warehouse=str(warehouse), **kwargs)
    wall = time.perf_counter() - t0
    stats = dict(T.secs)
    cpu = dict(T.cpu)
    stats["_spans"] = {k: list(v) for k, v in T.spans.items()}
    w = _diff(before, worker_stats(stats_dir))
    for k in STAGES:  # pool workers' stage times join the in-process ones (core-seconds)
        stats[k] = stats.get(k, 0.0) + w["secs"].get(k, 0.0)
        cpu[k] = cpu.get(k, 0.0) + w["cpu"].get(k, 0.0)
    stats["_cpu"] = cpu
    stats["_docs_parsed"] = T.calls.get("parse", 0) + w["calls"].get("parse", 0)
    stats["_worker_wall"] = w["secs"].get("worker_chunk", 0.0)
    stats["_worker_cpu"] = w["cpu"].get("worker_chunk", 0.0)
    stats["_wall"] = wall
    stats["_to_first_task"] = (T.first_entry - t0) if T.first_entry else float("nan")
    stats["_load"] = (load0, os.getloadavg()[0])
    stats["_self_cpu"] = self_cpu_s() - cpu0
    stats["_server_cpu"] = server_cpu_s() - srv0
    gc1, gcn1 = GC.snapshot()
    stats["_gc"] = (gc1 - gc0, [b - a for a, b in zip(gcn0, gcn1)])
    return wall, stats, summary


def report(label: str, n: int, st: dict) -> tuple[float, float]:
    wall = st["_wall"]
    g = lambda k: st.get(k, 0.0)  # noqa: E731
    cpu = st.get("_cpu", {})
    pooled = st.get("_worker_wall", 0.0) > 0
    stages = sum(g(k) for k in STAGES)
    # in the pool: the workers' time beyond the three stages (sha256, kind, byline, main council);
    # in-process: process_batch beyond the three stages
    process_other = (st["_worker_wall"] if pooled else g("process_batch")) - stages  # summed: core-seconds
    finish_other = g("finish") - g("models")
    bookkeeping = sum(g(k) for k in ("read_sources", "fetch_settings", "known_documents", "previous_fetches", "begin", "record_fetches"))
    spans = st.get("_spans", {})
    union = lambda names: covered([s for k in names for s in spans.get(k, [])])  # noqa: E731
    process_wall = union(["process_batch"])
    overhead = wall - union(TOP_LEVEL)
    narrow = wall - union(("process_batch", "load", "models", "acquire"))
    rows = [
        ("parse", g("parse"), cpu.get("parse")), ("clean", g("clean"), cpu.get("clean")),
        ("extract", g("extract"), cpu.get("extract")), ("process other", process_other, None),
        ("process (wall)", process_wall, None),
        ("load", g("load"), cpu.get("load")), ("models", g("models"), cpu.get("models")),
        ("finish other", finish_other, None), ("acquire", g("acquire"), cpu.get("acquire")),
        ("bookkeeping", bookkeeping, None), ("publish", g("publish"), None), ("prefect overhead", overhead, None),
    ]
    cores = os.cpu_count() or 1
    load0, load1 = st["_load"]
    print(f"{label}: {wall:.2f}s wall for {n} documents ({n / wall:.1f} documents/s); "
          f"time to first task {st['_to_first_task']:.2f}s; load average {load0:.1f} -> {load1:.1f} on {cores} cores"
          + ("  (BUSY MACHINE: wall figures inflated)" if max(load0, load1) > cores + 0.5 else ""))
    if pooled:
        print(f"  parse/clean/extract ran in the package's process pool ({st['_worker_wall']:.2f} worker-seconds, "
              f"{st['_worker_cpu']:.2f} CPU): parse, clean, extract and process other are summed over workers "
              f"(core-seconds); 'process (wall)' is the flow's wait for them")
    else:
        print("  parse/clean/extract ran in the flow's process; 'process (wall)' includes them")
    for name, secs, c in rows:
        extra = f"  cpu {c:7.2f}s" if c is not None else ""
        print(f"  {name:<17}{secs:8.2f}s {100 * secs / wall:5.1f}%  {1000 * secs / n:7.2f} ms/doc{extra}")
    print(f"  CPU seconds: this process {st['_self_cpu']:.2f}, pool workers {st.get('_worker_cpu', 0.0):.2f}, "
          f"prefect server {st['_server_cpu']:.2f}; garbage collection in this process {st['_gc'][0]:.2f}s "
          f"(collections by generation {st['_gc'][1]})")
    print(f"  prefect overhead {100 * overhead / wall:.1f}% of the flow's wall time (wall minus every wrapped function); "
          f"narrow definition, wall minus process/load/models/acquire: {narrow:.2f}s, {100 * narrow / wall:.1f}%")
    return overhead, narrow


def trafilatura_floor(pages_dir: Path) -> tuple[int, float]:
    import trafilatura

    htmls = [p.read_bytes().decode("utf-8") for p in sorted(pages_dir.glob("*.html"))]
    t0, c0 = time.perf_counter(), time.thread_time()
    for h in htmls:
        trafilatura.extract(h)
    return len(htmls), time.perf_counter() - t0, time.thread_time() - c0


# ------------------------------------------------------------------------------------------ main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rerun", action="store_true", help="time a second flow call with nothing changed")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/cscetl-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--fresh-prefect-home", action="store_true",
                    help="time the first flow call on an empty Prefect home (database creation included)")
    ap.add_argument("--batch-size", type=int, default=None, help="documents per batch (default: the flow's own)")
    ap.add_argument("--workers", type=int, default=None,
                    help="passed to the flow when it takes `workers` (default: the flow's own default, every core)")
    args = ap.parse_args()
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)

    # pages: generated in a child process (its memory is not ours), cached between runs
    pages_root = workdir / f"pages-n{args.n}-s{args.seed}"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(pages_root), "--n", str(args.n),
                    "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
    gen_s = time.perf_counter() - t0
    sources = pages_root / "sources.toml"
    pages = sorted((pages_root / "pages").iterdir())
    by_ext: dict[str, int] = {}
    for p in pages:
        by_ext[p.suffix] = by_ext.get(p.suffix, 0) + 1
    total_mb = sum(p.stat().st_size for p in pages) / 1e6
    print(f"pages: {len(pages)} ({', '.join(f'{k[1:]} {v}' for k, v in sorted(by_ext.items()))}; {total_mb:.1f} MB) "
          f"in {pages_root} (ready in {gen_s:.1f}s)")

    # Prefect: ephemeral mode, its own home, quiet, offline
    home = workdir / "prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.pop("PREFECT_API_URL", None)
    if not args.fresh_prefect_home:
        # a daily run finds Prefect's database created and migrated by the runs before it; a fresh
        # home would add that one-off (~5 s) to the server start being measured
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from prefect import flow\nflow(lambda: None, name='warm-up')()"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"prefect home prepared (database created and migrated, one flow run) in {time.perf_counter() - t0:.1f}s, "
              f"in a child process; --fresh-prefect-home measures the very first run instead")
    sys.path.insert(0, str(ROOT))
    stats_dir = workdir / "stage-stats"
    shutil.rmtree(stats_dir, ignore_errors=True)
    stats_dir.mkdir()
    os.environ["CSCETL_BENCH_STATS"] = str(stats_dir)  # inherited by the package's forkserver pool

    warehouse = workdir / f"warehouse-n{args.n}.duckdb"
    for p in (warehouse, warehouse.with_name(warehouse.name + ".building"), warehouse.with_name(warehouse.name + ".building.wal"),
              warehouse.with_name(warehouse.name + ".wal")):
        p.unlink(missing_ok=True)

    t0 = time.perf_counter()
    from flows.etl import cscetl_pipeline  # noqa: E402

    import_s = time.perf_counter() - t0
    install_timers()
    flow = cscetl_pipeline
    from cscetl.version import code_version

    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--short", "--untracked-files=no"], capture_output=True, text=True).stdout.split("\n")
    print(f"code: {head}; cscetl {code_version()}; {len([d for d in dirty if d.strip()])} modified tracked files")
    print(f"import flows.etl (prefect, cscetl): {import_s:.2f}s")
    import inspect

    kwargs = {"batch_size": args.batch_size} if args.batch_size else {}
    if "workers" in inspect.signature(cscetl_pipeline.fn).parameters:
        kwargs["workers"] = args.workers if args.workers is not None else 0
        print(f"flow workers: {kwargs['workers'] or os.cpu_count()} ({'every core' if not kwargs['workers'] else 'as asked'})")

    wall, st, summary = run_flow(flow, sources, warehouse, args.n, stats_dir, kwargs)
    print(f"summary: {summary.status}, loaded {summary.loaded}, unchanged {summary.unchanged}, failed {len(summary.failures)}; "
          f"rows {summary.rows}")
    for f in summary.failures[:5]:
        print(f"  FAILED [{f.stage}] {f.source}: {f.reason}")
    overhead, narrow = report("first run", args.n, st)
    docs_processed = int(st["_docs_parsed"]) or args.n
    clean_extract = st.get("clean", 0.0) + st.get("extract", 0.0)
    extract_dps = docs_processed / clean_extract if clean_extract else float("nan")
    size = warehouse.stat().st_size / 1e6 if warehouse.exists() else 0.0
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    avg_text = con.execute("SELECT avg(length(clean_text)) FROM documents").fetchone()[0] or 0
    con.close()
    ce_cpu = st["_cpu"].get("clean", 0.0) + st["_cpu"].get("extract", 0.0)
    print(f"clean + extract: {clean_extract:.2f}s for {docs_processed} documents = {extract_dps:.0f} documents/s per core "
          f"({docs_processed / max(ce_cpu, 1e-9):.0f}/s by CPU time) "
          f"(mean clean text {avg_text / 1000:.1f} K characters; parse alone {docs_processed / max(st.get('parse', 0), 1e-9):.0f} documents/s)")
    print(f"warehouse: {size:.1f} MB; this process after the first run: RSS {current_rss_mb():.0f} MB, peak {rss_mb():.0f} MB")

    rerun_s = -1.0
    to_first_rerun = None
    if args.rerun:
        rwall, rst, rsummary = run_flow(flow, sources, warehouse, args.n, stats_dir, kwargs)
        rerun_s = rwall
        to_first_rerun = rst["_to_first_task"]
        print(f"rerun summary: {rsummary.status}, loaded {rsummary.loaded}, unchanged {rsummary.unchanged}, failed {len(rsummary.failures)}")
        report("rerun (nothing changed)", args.n, rst)
        print(f"this process after the rerun: RSS {current_rss_mb():.0f} MB, peak {rss_mb():.0f} MB")
    first_gap = st["_to_first_task"]
    if to_first_rerun is not None:
        print(f"prefect server start (one-off): first call {first_gap:.2f}s to its first task, rerun {to_first_rerun:.2f}s "
              f"→ start ≈ {first_gap - to_first_rerun:.2f}s; first run without it {wall - (first_gap - to_first_rerun):.2f}s "
              f"({args.n / (wall - (first_gap - to_first_rerun)):.1f} documents/s), prefect overhead without it "
              f"{100 * (overhead - (first_gap - to_first_rerun)) / (wall - (first_gap - to_first_rerun)):.1f}%")
    else:
        print(f"prefect server start (one-off): first call {first_gap:.2f}s to its first task (includes the per-run setup)")

    own = rss_mb()
    procs = descendants_hwm_mb()
    server = sum(m for kind, m in procs.values() if kind == "prefect server")
    pool = sum(m for kind, m in procs.values() if kind != "prefect server")
    peak = own + pool
    print(f"peak RSS: {peak:.0f} MB = this process {own:.0f} MB + process pool {pool:.0f} MB "
          f"({', '.join(f'{k} {m:.0f}' for k, m in procs.values() if k != 'prefect server') or 'none'}); "
          f"prefect server {server:.0f} MB besides (sums of per-process peaks: an upper bound)")

    load = os.getloadavg()[0]
    n_html, traf_s, traf_cpu = trafilatura_floor(pages_root / "pages")
    ratio = wall / traf_s if traf_s else float("nan")
    print(f"trafilatura.extract floor (one core): {traf_s:.2f}s wall, {traf_cpu:.2f}s CPU for {n_html} HTML pages "
          f"({n_html / traf_s:.1f} pages/s; load average {load:.1f} -> {os.getloadavg()[0]:.1f}); "
          f"full run / floor = {ratio:.2f} (first run {wall:.1f}s)")
    print(f"bench: docs={args.n} seconds={wall:.2f} docs_per_s={args.n / wall:.1f} extract_docs_per_s={extract_dps:.1f} "
          f"prefect_overhead_pct={100 * overhead / wall:.1f} peak_rss_mb={peak:.0f} rerun_seconds={rerun_s:.2f} "
          f"trafilatura_ratio={ratio:.2f}", flush=True)


if __name__ == "__main__":
    main()
