"""Get a source's bytes: read the local path, or fetch the URL with httpx.

A failure is returned as a reason, never raised, so one broken source never stops a run.
"""
from __future__ import annotations

from dataclasses import dataclass

import httpx

from cscetl.sources import Source

MAX_BYTES = 50 * 1024 * 1024  # larger pages are refused rather than parsed for minutes
USER_AGENT = "cscetl/0.1 (+https://github.com/cscetl/cscetl; children's social care research ETL)"


@dataclass(frozen=True)
class Acquired:
    source: Source
    content: bytes | None
    content_type: str | None = None
    error: str | None = None
    not_modified: bool = False  # the server said 304: same as the version already loaded


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


def fetch(source: Source, client: httpx.Client) -> Acquired:
    url = source.url
    assert url is not None
    try:
        with client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                return Acquired(source, None, error=f"HTTP {resp.status_code} from {url}")
            chunks, total = [], 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > MAX_BYTES:
                    return Acquired(source, None, error=f"response over the {MAX_BYTES}-byte cap: {url}")
                chunks.append(chunk)
            data = b"".join(chunks)
            ctype = resp.headers.get("content-type")
    except httpx.TimeoutException:
        return Acquired(source, None, error=f"timed out fetching {url}")
    except httpx.HTTPError as exc:
        return Acquired(source, None, error=f"fetch failed for {url}: {type(exc).__name__}: {exc}")
    if not data.strip():
        return Acquired(source, None, error=f"empty response from {url}")
    return Acquired(source, data, content_type=ctype)


def acquire_all(sources: list[Source], timeout_s: float = 30.0) -> list[Acquired]:
    """Local paths are read from disk; sources with only a URL are fetched."""
    out: list[Acquired] = []
    client: httpx.Client | None = None
    try:
        for src in sources:
            if src.problem:
                out.append(Acquired(src, None, error=src.problem))
            elif src.path is not None:
                out.append(read_local(src))
            else:
                if client is None:
                    client = httpx.Client(
                        timeout=timeout_s, follow_redirects=True, max_redirects=5,
                        headers={"User-Agent": USER_AGENT},
                    )
                out.append(fetch(src, client))
    finally:
        if client is not None:
            client.close()
    return out
