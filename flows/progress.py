"""Progress of a run, shown at the edge: documents processed (loaded, unchanged or failed) of the run's total.

The flow says what it has finished; how that is shown is its caller's choice. `cscetl run` on a
terminal draws a rich progress bar (rich comes with Prefect); anywhere else (a log file, a
deployment's run) a plain line at most every CSCETL_PROGRESS_SECONDS (default 10 s), so logs stay
quiet. A count of documents processed, not fetched: fetching runs ahead of parsing and loading,
so a count of fetches reaches the total long before the run has finished.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Protocol, TextIO

DEFAULT_EVERY_S = 10.0


class Reporter(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, n: int) -> None: ...
    def fetched(self, done: int, total: int) -> None: ...  # fetches of the batch being acquired
    def finish(self) -> None: ...


def every_s(default: float = DEFAULT_EVERY_S) -> float:
    """Seconds between two plain progress lines (CSCETL_PROGRESS_SECONDS; 0: a line per batch)."""
    try:
        return max(0.0, float(os.environ.get("CSCETL_PROGRESS_SECONDS", default)))
    except ValueError:
        return default


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Lines:
    """A plain line at most every `every` seconds (and none for a run shorter than that)."""

    def __init__(self, write: Callable[[str], None], every: float = DEFAULT_EVERY_S):
        self._write, self._every = write, every
        self._lock = threading.Lock()  # fetch progress comes from the fetcher's thread
        self.total = self.done = 0
        self._fetch: tuple[int, int] | None = None
        self._started = self._last = time.monotonic()

    def start(self, total: int) -> None:
        self.total = total
        self._started = self._last = time.monotonic()

    def advance(self, n: int) -> None:
        with self._lock:
            self.done += n
            self._fetch = None
        self._maybe_write()

    def fetched(self, done: int, total: int) -> None:
        with self._lock:
            self._fetch = (done, total) if done < total else None
        self._maybe_write()

    def finish(self) -> None:
        pass  # the run's summary follows

    def _maybe_write(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self._every:
                return
            self._last = now
            elapsed = now - self._started
            pct = f" ({100 * self.done // self.total}%)" if self.total else ""
            line = (f"processed {self.done}/{self.total} documents{pct}, {self.done / max(elapsed, 1e-9):.1f}/s, "
                    f"{_clock(elapsed)} elapsed")
            if self._fetch:
                line += f"; fetching {self._fetch[0]}/{self._fetch[1]} of the next batch"
        self._write(line)


def stream_writer(stream: TextIO) -> Callable[[str], None]:
    """Write whole lines straight to `stream`: not print(), which a flow with log_prints sends to its logger."""
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()
    return write


class Bar:
    """A rich progress bar: documents processed of the total, rate, elapsed and remaining time."""

    def __init__(self, file: TextIO | None = None):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class Rate(ProgressColumn):
            # the average since the start: batches finish in bursts, a windowed speed jumps about
            def render(self, task) -> Text:
                elapsed = (task.finished_time if task.finished else task.elapsed) or 0.0
                return Text(f"{task.completed / elapsed:,.1f}/s" if elapsed > 0 else "", style="progress.data.speed")

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("documents"), Rate(),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.fields[note]}"),
            console=Console(file=file or sys.stdout), transient=False,
        )
        self._task = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("processed", total=total, note="")

    def advance(self, n: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=n, note="")

    def fetched(self, done: int, total: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, note=f"fetching {done}/{total}" if done < total else "")

    def finish(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, note="")
        self._progress.stop()


_shown_by_caller: list[Reporter] = []


@contextmanager
def shown_by(reporter: Reporter) -> Iterator[Reporter]:
    """For the caller of a flow in this process (`cscetl run`): the run's progress goes to `reporter`,
    and the caller prints the run's summary itself (the flow does not log it a second time)."""
    _shown_by_caller.append(reporter)
    try:
        yield reporter
    finally:
        _shown_by_caller.remove(reporter)
        reporter.finish()


def caller_shows() -> bool:
    return bool(_shown_by_caller)


_active: list[Reporter] = []


@contextmanager
def for_run(default: Callable[[], Reporter]) -> Iterator[Reporter]:
    """The reporter of this run: the caller's (see shown_by), else `default()` (a deployment's log)."""
    reporter = _shown_by_caller[-1] if _shown_by_caller else default()
    _active.append(reporter)
    try:
        yield reporter
    finally:
        _active.remove(reporter)
        if not _shown_by_caller:
            reporter.finish()


def fetched(done: int, total: int) -> None:
    """Fetch progress, from inside the acquire task (it has no reporter of its own)."""
    if _active:
        _active[-1].fetched(done, total)


def started(total: int) -> None:
    """The run's total, once the listings have been read."""
    if _active:
        _active[-1].start(total)


def advanced(n: int) -> None:
    """n more documents processed: loaded, unchanged or failed."""
    if _active:
        _active[-1].advance(n)
