"""Build the warehouse aside and publish it atomically, so readers never wait and never see half a run.

DuckDB lets one process hold a file for writing and then refuses every other process, readers
included. So a run works on a copy (`cscetl.duckdb.building`) and, when it has finished, renames
the copy over the published file in one step. Readers (dashboards, `cscetl query`) open the
published file read-only and keep working throughout; a run killed at any moment leaves the
published file as it was before the run, and the next run starts again from it.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class WarehouseBusy(RuntimeError):
    pass


def building_path(published: Path) -> Path:
    return published.with_name(published.name + ".building")


@contextmanager
def building(published: Path | str) -> Iterator[Path]:
    """Yield the path to write to; on success it replaces `published` atomically."""
    published = Path(published).resolve()
    published.parent.mkdir(parents=True, exist_ok=True)
    lock = open(published.with_name(published.name + ".lock"), "w")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(f"another run is writing {published}; try again when it has finished") from None
        work = building_path(published)
        for stale in (work, work.with_name(work.name + ".wal")):
            stale.unlink(missing_ok=True)  # left by a run that was killed: start again from the published file
        if published.exists():
            shutil.copyfile(published, work)
        yield work
        if not work.exists():
            return  # nothing was written: the published file stays as it is
        wal = work.with_name(work.name + ".wal")
        if wal.exists():
            raise RuntimeError(f"{wal} still exists: the build was not closed cleanly, so it is not published")
        with open(work, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(work, published)  # atomic on POSIX: readers see the old file or the new one
        dir_fd = os.open(published.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
