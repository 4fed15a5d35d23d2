"""Get a source's bytes: read the local path, or fetch the URL (cscetl.fetch, politely, in bulk).

A failure is returned as a reason, never raised, so one broken source never stops a run. Fetched
bodies go to the raw store; a 304 Not Modified brings back the stored bytes of the last fetch.
"""
from __future__ import annotations

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


def read_local(source: Source) -> Acquired:
    path = source.path
    assert path is not None
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Acquired(source, None, error=f"file not found: {path}")
    except OSError as exc:
        return Acquired(source, None, error=f"cannot read {path}: {exc.strerror}")
    if not path.is_file():
        return Acquired(source, None, error=f"not a file: {path}")
    if size > MAX_BYTES:
        return Acquired(source, None, error=f"file is {size} bytes, over the {MAX_BYTES}-byte cap")
    data = path.read_bytes()
    if not data.strip():
        return Acquired(source, None, error=f"empty file: {path}")
    return Acquired(source, data)


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
