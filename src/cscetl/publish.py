"""Build the warehouse aside and publish it atomically, so readers never wait and never see half a run.

DuckDB lets one process hold a file for writing and then refuses every other process, readers
included. So a run works on a copy (`cscetl.duckdb.building`) and, when it has finished, renames
the copy over the published file in one step. Readers (dashboards, `cscetl query`) open the
published file read-only and keep working throughout; a run killed at any moment leaves the
published file as it was before the run, and the next run starts again from it.

A run that fails (a full disk, a damaged file) removes its build copy and says which file is at
fault and what to do; a warehouse path that cannot be a warehouse is refused before anything is
created beside it.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from cscetl.warehouse import (WarehouseDamaged, WarehouseError, WarehousePathError, WarehouseUnwritable, one_line,
                              problem)

__all__ = ["WarehouseBusy", "WarehouseDamaged", "WarehouseError", "WarehousePathError", "WarehouseUnwritable",
           "building", "building_path", "check_published", "lock_path", "reserved"]

DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class WarehouseBusy(WarehouseError):
    pass


def building_path(published: Path) -> Path:
    return published.with_name(published.name + ".building")


def lock_path(published: Path) -> Path:
    return published.with_name(published.name + ".lock")


def _resolved(published: Path | str) -> Path:
    try:
        return Path(published).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a loop of links, a NUL byte
        raise WarehousePathError(f"the warehouse path {published!r} cannot be used: {exc}", published) from None


def _damaged(published: Path, why: str) -> WarehouseDamaged:
    # the same advice as the read-side commands give (cscetl.query)
    return WarehouseDamaged(
        f"the warehouse {published} is damaged or not DuckDB ({why[:200]}): restore it from a backup, or rebuild "
        f"with `cscetl run --full-refresh --warehouse NEW_FILE` (if it is some other file, give --warehouse "
        f"another path)", published)


def check_published(published: Path) -> None:
    """Refuse a published file that is not a whole DuckDB database, naming it (not the build copy).

    The header says whether it is DuckDB at all; opening it read-only (≈40 ms) catches a damaged
    header; DuckDB's own count of the blocks in use against the file's size catches a truncated file,
    which would otherwise open and fail only when a missing block is read, deep into the run.
    """
    import duckdb

    try:
        with open(published, "rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise WarehouseUnwritable(f"cannot read the warehouse {published}: {exc.strerror or exc}", published) from None
    if len(head) < 12 or head[8:12] != DUCKDB_MAGIC:
        raise _damaged(published, "empty" if not head else "its first bytes are not a DuckDB header")
    try:
        con = duckdb.connect(str(published), read_only=True)
        try:
            block_size, blocks = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchone()
        finally:
            con.close()
    except duckdb.ConnectionException:
        return  # open for writing elsewhere in this process (a caller's own connection): not a sign of damage
    except duckdb.Error as exc:
        raise _damaged(published, one_line(exc)) from None
    # each block in use has its own slot in the file (free ones past the end may have been cut off)
    size = published.stat().st_size
    if size < block_size * blocks:
        raise _damaged(published, f"truncated: {size} bytes, its {blocks} blocks in use need {block_size * blocks}")


def _prepare(published: Path) -> None:
    """Check the warehouse path and create its folder (as `mkdir -p` would), before any lock or copy."""
    if published.is_dir():
        raise WarehousePathError(f"the warehouse {published} is a folder, not a file: give a file path such as "
                                 f"{published / 'cscetl.duckdb'}", published)
    try:
        published.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise WarehousePathError(f"cannot create the warehouse's folder {published.parent}: part of that path is a "
                                 "file", published) from None
    except OSError as exc:
        raise problem(exc, published.parent) or WarehousePathError(
            f"cannot create the warehouse's folder {published.parent}: {exc.strerror}", published) from None
    if published.exists():
        if not published.is_file():
            raise WarehousePathError(f"the warehouse {published} is not a regular file", published)
        check_published(published)
        _check_room(published)


def _check_room(published: Path) -> None:
    """Refuse now, not after a partial copy, a run whose build copy cannot fit beside the published file."""
    size = published.stat().st_size
    try:
        vfs = os.statvfs(published.parent)
    except OSError:
        return  # cannot tell: the copy will say
    free = vfs.f_bavail * vfs.f_frsize
    if free < size:
        raise WarehouseUnwritable(
            f"no space left on device for the build copy of {published}: it needs {size / 1e6:.1f} MB, "
            f"{free / 1e6:.1f} MB free: free some space (or give --warehouse on a bigger disk) and run again",
            published)


def _take_lock(published: Path) -> int:
    """Lock the warehouse for this run, or refuse: busy, or a lock path that is not a plain file.

    The lock file is opened without following a link and without truncating: a lock planted as a
    link to another file must not let a run overwrite that file.
    """
    path = lock_path(published)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WarehouseError(f"the lock file {path} is a symbolic link, which a run will not follow (it could "
                                 "overwrite the file it points to): remove it and run again", path) from None
        raise problem(exc, path) or WarehousePathError(f"cannot create the lock file {path}: {exc.strerror}",
                                                       path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise WarehouseError(f"the lock file {path} is not a regular file: remove it and run again", path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(f"another run is writing {published}; try again when it has finished", published) from None
    except BaseException:
        os.close(fd)
        raise
    return fd


_reserved: dict[Path, int] = {}  # published path → lock fd taken by reserved(), for the building() that follows


@contextmanager
def reserved(published: Path | str) -> Iterator[Path]:
    """Check the warehouse path and take its lock now, for the building() that follows in this process.

    `cscetl run` calls this before Prefect starts (≈10 s), so a busy or unusable warehouse is
    refused at once. (flock locks belong to an open file: building() must use this one, as a
    second open of the lock file in the same process would be refused as another run.)
    """
    published = _resolved(published)
    _prepare(published)
    fd = _take_lock(published)
    _reserved[published] = fd
    try:
        yield published
    finally:
        _reserved.pop(published, None)
        os.close(fd)  # closing the file releases the lock


def _discard(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # removed by the next run's start anyway


@contextmanager
def building(published: Path | str) -> Iterator[Path]:
    """Yield the path to write to; on success it replaces `published` atomically.

    On failure the build copy is removed, and an exception that is a warehouse problem (no space,
    not writable, damaged) is raised as a WarehouseError naming the file at fault.
    """
    published = _resolved(published)
    fd = _reserved.pop(published, None)
    borrowed = fd is not None
    if not borrowed:
        _prepare(published)
        fd = _take_lock(published)
    work = building_path(published)
    wal = work.with_name(work.name + ".wal")
    existed = published.exists()
    try:
        _discard(work, wal)  # left by a run that was killed: start again from the published file
        if existed:
            shutil.copyfile(published, work)
        yield work
        if not work.exists():
            return  # nothing was written: the published file stays as it is
        if wal.exists():
            raise WarehouseError(f"{wal} still exists: the build was not closed cleanly, so it is not published", wal)
        with open(work, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(work, published)  # atomic on POSIX: readers see the old file or the new one
        dir_fd = os.open(published.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except Exception as exc:
        _discard(work, wal)
        found = problem(exc, work)
        if found is None or found is exc:
            raise
        if isinstance(found, WarehouseDamaged) and existed:
            # the build copy is the published file byte for byte: the damage is the published file's
            raise _damaged(published, found.detail.replace(str(work), str(published))) from exc
        raise found from exc
    except BaseException:  # Ctrl-C, a time limit: no half build left behind
        _discard(work, wal)
        raise
    finally:
        if borrowed:
            _reserved[published] = fd  # reserved() releases it
        else:
            os.close(fd)
