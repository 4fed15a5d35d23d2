"""Get a source's bytes: read the local path, or fetch the URL (cscetl.fetch, politely, in bulk).

A failure is returned as a reason, never raised, so one broken source never stops a run. Fetched
bodies go to the raw store; a 304 Not Modified brings back the stored bytes of the last fetch.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Callable

from cscetl.fetch import FetchRequest, FetchResult, FetchSettings, fetch_many
from cscetl.raw_store import RawStore
from cscetl.sources import Source

MAX_BYTES = 50 * 1024 * 1024  # larger local files are refused rather than parsed for minutes


@dataclass(frozen=True)
class PreviousFetch:
    etag: str | None
    last_modified: str | None
    sha256: str | None


@dataclass(frozen=True)
class Acquired:
    source: Source
    content: bytes | None
    content_type: str | None = None
    error: str | None = None
    not_modified: bool = False  # the server said 304: same as the version already loaded
    fetch: FetchResult | None = None  # how it was fetched (None for local files)
    sha256: str | None = None  # of content, for fetched bodies (their name in the raw store)


def _not_regular(mode: int) -> str | None:
    """What a path is when it is not a regular file (reading a FIFO or a device could block forever)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_local(source: Source) -> Acquired:
    """The file's bytes, or why not: every failure (permissions, a loop of links, a directory, a
    FIFO, a file the kernel will not read) is this source's error, never an exception."""
    path = source.path
    assert path is not None
    try:
        size = _check_regular(os.stat(path), path)
        # O_NONBLOCK: if a FIFO was swapped in after the stat, opening it must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            _check_regular(os.fstat(fd), path)
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(MAX_BYTES + 1)  # a file that grew past the cap since the stat is refused too
        finally:
            os.close(fd)
    except _Refused as exc:
        return Acquired(source, None, error=str(exc))
    except FileNotFoundError:
        return Acquired(source, None, error=f"file not found: {path}")
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Acquired(source, None, error=f"cannot read {path}: {reason}")
    if len(data) > MAX_BYTES:
        size = max(size, len(data))
        return Acquired(source, None, error=f"file is {size} bytes, over the {MAX_BYTES}-byte cap")
    if not data.strip():
        return Acquired(source, None, error=f"empty file: {path}")
    return Acquired(source, data)


class _Refused(Exception):
    pass


def _check_regular(st: os.stat_result, path: object) -> int:
    what = _not_regular(st.st_mode)
    if what is not None:
        raise _Refused(f"not a file: {path} is {what}" if what != "not a regular file" else f"not a regular file: {path}")
    if st.st_size > MAX_BYTES:
        raise _Refused(f"file is {st.st_size} bytes, over the {MAX_BYTES}-byte cap")
    return st.st_size


def _from_fetch(src: Source, res: FetchResult, prev: PreviousFetch | None, store: RawStore | None) -> Acquired:
    if res.not_modified:
        data = store.get(prev.sha256) if store is not None and prev and prev.sha256 else None
        return Acquired(src, data, None, None, not_modified=True, fetch=res, sha256=prev.sha256 if prev else None)
    if res.error is not None or res.content is None:
        return Acquired(src, None, error=res.error or f"no body from {src.url}", fetch=res)
    if not res.content.strip():
        return Acquired(src, None, error=f"empty response from {src.url}", fetch=res)
    sha = store.put(res.content) if store is not None else None
    return Acquired(src, res.content, res.content_type, fetch=res, sha256=sha)


def acquire_all(
    sources: list[Source],
    settings: FetchSettings | None = None,
    previous: dict[str, PreviousFetch] | None = None,
    store: RawStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Acquired]:
    """Local paths are read from disk; sources with only a URL are fetched together, in parallel.

    previous holds what the last fetch of each URL returned: its validators are sent (conditional
    GET) only when the raw store still has that body.
    """
    previous = previous or {}
    out: dict[int, Acquired] = {}
    to_fetch: list[tuple[int, Source]] = []
    for i, src in enumerate(sources):
        if src.problem:
            out[i] = Acquired(src, None, error=src.problem)
        elif src.path is not None:
            out[i] = read_local(src)
        else:
            to_fetch.append((i, src))
    if to_fetch:
        requests = []
        for _, src in to_fetch:
            prev = previous.get(src.url or "")
            usable = prev is not None and prev.sha256 and store is not None and store.has(prev.sha256)
            requests.append(FetchRequest(src.url or "", prev.etag if usable else None, prev.last_modified if usable else None))
        results = fetch_many(requests, settings or FetchSettings(), progress)
        for (i, src), res in zip(to_fetch, results):
            out[i] = _from_fetch(src, res, previous.get(src.url or ""), store)
    return [out[i] for i in range(len(sources))]
