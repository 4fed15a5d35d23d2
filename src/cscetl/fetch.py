"""A polite, robust HTTP fetcher for news pages and Ofsted reports.

Self-contained on purpose (nothing from the rest of cscetl but its caps, cscetl.limits) so it can
be tested alone. One `fetch_all` call owns one httpx.AsyncClient, one DNS cache,
one robots.txt cache and one set of per-host gates; a single URL's failure becomes
`FetchResult.error`, never an exception.

Safety and politeness, and why:
- Every hop of a redirect chain is checked (scheme, private address, robots.txt, hop count), so
  a public page cannot bounce us into 127.0.0.1 or a cloud metadata address.
- The addresses we check are the addresses we connect to: the connection pool's network backend
  dials the IPs pinned by the check instead of resolving the name again (no DNS rebinding gap).
- Bodies are read raw and decoded here, so both the on-the-wire cap and the decoded cap hold
  while streaming: a gzip bomb is stopped at the page cap (the parser's, 10 MiB), before it is
  held for a batch, stored or shipped to a worker, not after 10 GB. robots.txt is cut at 512 KiB
  decoded and parsed off the event loop.
- A URL or redirect Location that cannot be fetched (javascript:, data:, malformed, NUL, too long)
  is that URL's error, never an exception: httpx is not shown a Location at all (see _hide_location).
- Requests to one host are limited in number and spaced out; 429/503 Retry-After holds the
  whole host, not just the one URL that got it.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import email.utils
import ipaddress
import logging
import random
import re
import socket
import ssl
import time
import typing
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib import robotparser

import certifi
import httpcore
import httpx

from cscetl.limits import MAX_PAGE_BYTES

try:  # 'br' is offered only when the installed brotli can bound its output (1.2+: zip-bomb safe)
    import brotli

    _HAVE_BROTLI = hasattr(brotli.Decompressor(), "can_accept_more_data")
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None
    _HAVE_BROTLI = False

__all__ = ["FetchRequest", "FetchResult", "FetchSettings", "fetch_all", "fetch_many", "settings_from_table"]

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB; the rest is ignored
_ROBOTS_INLINE_RULES = 1000  # more rules than this: each check costs milliseconds, so it runs in a thread
_MAX_ERROR_CHARS = 300  # an error is one line of a log and a table cell, whatever the server sent
_DECODE_STEP = 64 * 1024  # decoders emit at most about this much per step, so caps are checked often


@dataclass(frozen=True)
class FetchSettings:
    per_host_concurrency: int = 2
    global_concurrency: int = 16
    per_host_delay_s: float = 0.0  # minimum gap between two request starts to the same host
    timeout_s: float = 30.0  # connect/read timeout per attempt
    retries: int = 3  # extra attempts on connect errors, timeouts, 429 and 5xx; never on other 4xx
    backoff_s: float = 0.5  # exponential backoff base, with full jitter
    max_retry_after_s: float = 60.0  # cap on a server's Retry-After (and on our own backoff)
    max_redirects: int = 5
    max_bytes: int = 50 * 1024 * 1024  # cap on the body as received, streamed: abort past it
    # Cap on a page after gzip/deflate/br decoding (zip bombs): the parser's page cap, as a bigger
    # page is refused anyway. Only a PDF sent uncompressed may go past it, up to max_bytes.
    max_decompressed_bytes: int = MAX_PAGE_BYTES
    max_duration_s: float = 300.0  # wall-clock cap on one request: a slow-drip server never trips timeout_s
    user_agent: str = "cscetl/0.1 (+contact: set [fetch] contact in sources.toml)"
    contact: str | None = None  # appended to the User-Agent ("; contact: ...")
    allow_private_addresses: bool = False  # loopback/private/link-local/reserved targets (tests, local mirrors)
    respect_robots: bool = True
    content_types: tuple[str, ...] = (
        "text/html",
        "application/xhtml+xml",
        "application/pdf",
        "text/plain",
        "application/octet-stream",
    )

    def __post_init__(self) -> None:
        # Fail at configuration time, naming the key, rather than deep inside a run.
        for name in ("per_host_concurrency", "global_concurrency", "max_bytes", "max_decompressed_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"fetch setting {name} must be at least 1")
        for name in ("retries", "max_redirects", "per_host_delay_s", "backoff_s", "max_retry_after_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"fetch setting {name} must not be negative")
        for name in ("timeout_s", "max_duration_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"fetch setting {name} must be positive")
        for name in ("user_agent", "contact"):
            value = getattr(self, name)
            if value is not None and any(c in value for c in "\r\n"):
                raise ValueError(f"fetch setting {name} must be a single line")

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent}; contact: {self.contact}" if self.contact else self.user_agent


def settings_from_table(table: dict[str, object] | None) -> FetchSettings:
    """Settings from the optional [fetch] table of sources.toml (absent → defaults)."""
    if not table:
        return FetchSettings()
    hints = typing.get_type_hints(FetchSettings)
    known = {f.name for f in dataclasses.fields(FetchSettings)}
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in known:
            raise ValueError(f"unknown [fetch] key {key!r} (known: {', '.join(sorted(known))})")
        values[key] = _coerce(key, value, hints[key])
    return FetchSettings(**values)  # type: ignore[arg-type]


def _coerce(key: str, value: object, hint: object) -> object:
    """Check one TOML value against the field's type; bools are not numbers here."""
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is bool and isinstance(value, bool):
        return value
    if hint is str and isinstance(value, str):
        return value
    if hint == (str | None) and (value is None or isinstance(value, str)):
        return value
    if hint == tuple[str, ...] and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip().lower() for v in value)
    expected = getattr(hint, "__name__", None) or str(hint)
    raise ValueError(f"[fetch] key {key!r} must be {expected}, not {type(value).__name__} {value!r}")


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None  # from the previous fetch: sent as If-None-Match
    last_modified: str | None = None  # sent as If-Modified-Since


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested
    final_url: str | None  # after redirects (the last URL tried, on failure)
    status: int | None  # last HTTP status seen (None when no response)
    content: bytes | None  # decoded body (None on error or 304)
    content_type: str | None  # the full header, charset included
    etag: str | None
    last_modified: str | None
    not_modified: bool  # 304: unchanged since the etag/last_modified we sent
    error: str | None  # a clear, human reason when it failed
    attempts: int
    elapsed_s: float  # from this URL's first request start (queueing excluded) to its end
    fetched_at: datetime  # UTC

    @property
    def ok(self) -> bool:
        return self.error is None


def fetch_many(
    requests: list[FetchRequest],
    settings: FetchSettings,
    progress: Callable[[int, int], None] | None = None,
) -> list[FetchResult]:
    """Blocking wrapper around fetch_all, usable from plain code, worker threads and event loops."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: the normal case (scripts, Prefect sync tasks, threads)
        return asyncio.run(fetch_all(requests, settings, progress))
    # Called from inside a running loop (async task, notebook): asyncio.run would refuse, so use a thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch_all(requests, settings, progress)).result()


async def fetch_all(
    requests: list[FetchRequest],
    settings: FetchSettings,
    progress: Callable[[int, int], None] | None = None,
) -> list[FetchResult]:
    """Fetch every request politely; results come back in request order."""
    if not requests:
        return []
    resolver = _Resolver(settings.allow_private_addresses)
    async with _make_client(settings, resolver) as client:
        fetcher = _Fetcher(settings, client, resolver)
        done = 0

        async def one(request: FetchRequest) -> FetchResult:
            nonlocal done
            result = await fetcher.fetch(request)
            done += 1
            if progress is not None:
                progress(done, len(requests))
            return result

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(r)) for r in requests]
    return [t.result() for t in tasks]


# --- failures --------------------------------------------------------------------------------


class _Failure(Exception):
    """Why one request failed; `retryable` decides whether another attempt is worth it."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.final_url: str | None = None


def _http_failure(status: int, reason: str, retry_after: float | None) -> _Failure:
    phrase = reason or _status_phrase(status)
    retryable = status == 429 or 500 <= status <= 599
    return _Failure(f"HTTP {status} {phrase}".rstrip(), retryable=retryable, status=status,
                    retry_after=retry_after if status in (429, 503) else None)


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _transport_failure(exc: httpx.HTTPError, timeout_s: float) -> _Failure:
    """Map httpx's exceptions to a reason; network trouble is worth retrying, misuse is not."""
    if isinstance(exc, httpx.TimeoutException):
        kind = {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read", httpx.WriteTimeout: "write",
                httpx.PoolTimeout: "pool"}.get(type(exc), "")
        return _Failure(f"timed out ({kind} timeout {timeout_s:g} s)".replace("( ", "("), retryable=True)
    if isinstance(exc, httpx.ConnectError):
        return _Failure(f"connection failed: {exc or type(exc).__name__}", retryable=True)
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.CloseError, httpx.RemoteProtocolError)):
        return _Failure(f"connection broke: {exc or type(exc).__name__}", retryable=True)
    return _Failure(f"{type(exc).__name__}: {exc}")


def _retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# --- addresses ---------------------------------------------------------------------------------


_ADDRESS_KINDS = (  # order matters: the most specific, most telling name first
    ("is_loopback", "a loopback address"),
    ("is_unspecified", "an unspecified address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_private", "a private address"),
    ("is_reserved", "a reserved address"),
)


def _address_problem(address: str) -> str | None:
    """Why we must not connect to this IP by default, or None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    for attribute, kind in _ADDRESS_KINDS:
        if getattr(ip, attribute):
            return kind
    if not ip.is_global:  # e.g. 100.64.0.0/10 (carrier-grade NAT): not the public internet either
        return "a non-public address"
    return None


class _Resolver:
    """Resolves hosts once per fetch_all, refuses non-public addresses, and pins what it checked."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._cache: dict[tuple[str, int], list[str]] = {}

    async def addresses(self, host: str, port: int) -> list[str]:
        key = (host, port)
        if key not in self._cache:
            addresses = await self._lookup(host, port)
            if not self._allow_private:
                self._refuse_non_public(host, addresses)
            self._cache[key] = addresses
        return self._cache[key]

    @staticmethod
    async def _lookup(host: str, port: int) -> list[str]:
        try:  # getaddrinfo blocks, so it runs in a worker thread
            infos = await asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            # EAI_AGAIN is a temporary DNS failure; "no such host" will not get better by retrying.
            raise _Failure(f"cannot resolve host {host} ({exc.strerror})",
                           retryable=exc.errno == socket.EAI_AGAIN) from None
        except (UnicodeError, ValueError) as exc:  # "a..b": the idna codec refuses an empty label
            raise _Failure(f"invalid host name {host!r}: {exc}") from None
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    @staticmethod
    def _refuse_non_public(host: str, addresses: list[str]) -> None:
        for address in addresses:  # every address: a name with one private A record is refused whole
            kind = _address_problem(address)
            if kind is None:
                continue
            what = f"{host} is {kind}" if host == address else f"{host} resolves to {address}, {kind}"
            raise _Failure(f"refused: {what} (set allow_private_addresses = true to allow)")


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Dials the addresses the resolver checked, so no second DNS answer can slip past the check."""

    def __init__(self, resolver: _Resolver) -> None:
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[typing.Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolver.addresses(host, port)
        except _Failure as failure:
            if failure.message.startswith("refused"):
                raise  # reaches fetch code unchanged (httpx re-raises exceptions it does not know)
            raise httpcore.ConnectError(failure.message) from None
        last: Exception | None = None
        for address in addresses:  # like a browser: the next address when one refuses the connection
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[typing.Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _make_client(settings: FetchSettings, resolver: _Resolver) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=settings.global_concurrency,
                          max_keepalive_connections=settings.global_concurrency)
    tls = ssl.create_default_context(cafile=certifi.where())  # what httpx itself uses by default
    transport = httpx.AsyncHTTPTransport(verify=tls, limits=limits, trust_env=False)
    # httpx 0.28 has no public hook for the network backend; its transport delegates everything to
    # `_pool`, so swap in a pool that dials pinned addresses (httpx is pinned <0.29 in pyproject).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=tls,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_PinnedBackend(resolver),
    )
    accept = ", ".join([*settings.content_types, "*/*;q=0.1"])
    headers = {"User-Agent": settings.full_user_agent, "Accept": accept, "Accept-Encoding": _accept_encoding()}
    # trust_env=False: an HTTP(S)_PROXY from the environment would connect somewhere we did not check.
    return httpx.AsyncClient(transport=transport, headers=headers, timeout=httpx.Timeout(settings.timeout_s),
                             follow_redirects=False, trust_env=False,
                             event_hooks={"response": [_hide_location]})


_LOCATION = "cscetl.location"  # where _hide_location puts a redirect's Location


async def _hide_location(response: httpx.Response) -> None:
    """Take a redirect's Location out of httpx's hands before it looks at it.

    Even with follow_redirects=False, httpx builds the next request of every redirect and raises on
    a Location it cannot use: InvalidURL for javascript:/data:/mailto: (not an HTTPError), an idna
    error for a bad host, a "protocol error" (retried as if the connection broke) for a malformed
    or 64 KB one. We follow redirects ourselves, checking each hop, so httpx need not see it.
    """
    if response.status_code in _REDIRECTS and "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


# --- bodies ------------------------------------------------------------------------------------


def _accept_encoding() -> str:
    return "gzip, deflate, br" if _HAVE_BROTLI else "gzip, deflate"


class _Decoder(typing.Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip or deflate, inflated in bounded steps so a caller can stop a bomb between steps."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                piece = self._inflater.decompress(data, _DECODE_STEP)
            except zlib.error:
                if self._started or self._wbits != zlib.MAX_WBITS:
                    raise
                # Some servers label raw deflate (no zlib header) as "deflate": start over as raw.
                self._wbits, self._inflater = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._started = True
            if piece:
                yield piece
            data = self._inflater.unconsumed_tail
            # A full step may leave output pending inside zlib even with no input left: ask again.
            if not data and len(piece) < _DECODE_STEP:
                return

    def flush(self) -> Iterator[bytes]:
        rest = self._inflater.flush()  # small: feed() already drained every full step
        if rest:
            yield rest


class _Brotli:
    def __init__(self) -> None:
        assert brotli is not None
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield self._decompressor.process(data, output_buffer_limit=_DECODE_STEP)
        while not self._decompressor.can_accept_more_data():  # output was capped: drain it step by step
            yield self._decompressor.process(b"", output_buffer_limit=_DECODE_STEP)

    def flush(self) -> Iterator[bytes]:
        return iter(())


def _decoder_for(content_encoding: str | None) -> _Decoder:
    coding = (content_encoding or "").strip().lower()
    if coding in ("", "identity"):
        return _Identity()
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS)
    if coding == "br" and _HAVE_BROTLI:
        return _Brotli()
    # Includes stacked codings ("gzip, br"): we never ask for them, so refusing is safer than guessing.
    raise _Failure(f"unsupported content-encoding {coding}")


async def _read_body(response: httpx.Response, raw_cap: int, decoded_cap: int, *, truncate: bool = False) -> bytes:
    """Stream the raw body, decoding as it comes, and stop as soon as a cap is passed.

    decoded_cap holds for every body but an uncompressed PDF, which may go on to raw_cap: its bytes
    are as sent, so it costs the server what it costs us. truncate: keep what fits in the caps, up
    to the last whole line, instead of failing (robots.txt).
    """
    declared = response.headers.get("content-length", "").strip()
    if not truncate and declared.isdigit() and int(declared) > raw_cap:  # refuse before reading a byte
        raise _Failure(f"body over the {raw_cap}-byte cap (Content-Length {declared})")
    decoder = _decoder_for(response.headers.get("content-encoding"))
    body = bytearray()
    received = 0
    cap = decoded_cap
    try:
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > raw_cap:
                if truncate:
                    return _whole_lines(body, cap)
                raise _Failure(f"body over the {raw_cap}-byte cap")
            while _append_capped(body, decoder.feed(chunk), cap):
                if truncate:
                    return _whole_lines(body, cap)
                if cap < raw_cap and isinstance(decoder, _Identity) and _PDF_MAGIC in body[:1024]:
                    cap, chunk = raw_cap, b""  # this piece is already in: go on with the raw cap only
                    continue
                raise _Failure(f"decoded body over the {cap}-byte page cap (max_decompressed_bytes)")
        if _append_capped(body, decoder.flush(), cap):
            if truncate:
                return _whole_lines(body, cap)
            raise _Failure(f"decoded body over the {cap}-byte page cap (max_decompressed_bytes)")
    except zlib.error as exc:
        raise _Failure(f"corrupt {response.headers.get('content-encoding')} body: {exc}") from None
    except Exception as exc:  # brotli.error has no stable import path across versions
        if brotli is not None and isinstance(exc, brotli.error):
            raise _Failure(f"corrupt br body: {exc}") from None
        raise
    return bytes(body)


_PDF_MAGIC = b"%PDF-"  # where cscetl.detect looks for it: in the first 1,024 bytes


def _append_capped(body: bytearray, pieces: Iterator[bytes], cap: int) -> bool:
    """Append decoded pieces until the body passes cap; True if it did (the rest is not decoded)."""
    for piece in pieces:
        body += piece
        if len(body) > cap:
            return True
    return False


def _whole_lines(body: bytearray, cap: int) -> bytes:
    """The first cap bytes, cut after their last line break (a half rule is no rule)."""
    del body[cap:]
    return bytes(body[: body.rfind(b"\n") + 1])


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


# --- the fetcher -------------------------------------------------------------------------------


@dataclass
class _HostGate:
    """Per-host politeness: at most N requests in flight, starts spaced by a minimum gap."""

    slots: asyncio.Semaphore
    delay_s: float
    start_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = float("-inf")
    not_before: float = float("-inf")  # set by Retry-After: the host asked everyone to wait

    def hold_for(self, seconds: float) -> None:
        self.not_before = max(self.not_before, time.monotonic() + seconds)


@dataclass
class _Hop:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes | None = None
    location: httpx.URL | None = None


@dataclass
class _Clock:
    started: float | None = None  # monotonic time of this URL's first request start


class _Fetcher:
    def __init__(self, settings: FetchSettings, client: httpx.AsyncClient, resolver: _Resolver) -> None:
        self._settings = settings
        self._client = client
        self._resolver = resolver
        self._global_slots = asyncio.Semaphore(settings.global_concurrency)
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, asyncio.Task[_Robots | None]] = {}
        self._page_types = frozenset(t.strip().lower() for t in settings.content_types)

    async def fetch(self, request: FetchRequest) -> FetchResult:
        clock = _Clock()
        attempts = 0
        try:
            while True:
                attempts += 1
                try:
                    hop = await self._follow(request.url, _conditional_headers(request), clock, page=True)
                    return self._success(request, hop, attempts, clock)
                except _Failure as failure:
                    if not failure.retryable or attempts > self._settings.retries:
                        return self._failed(request, failure, attempts, clock)
                    wait = self._retry_wait(failure, attempts)
                    log.debug("retrying %s in %.2f s: %s", request.url, wait, failure.message)
                    await asyncio.sleep(wait)
        except Exception as exc:  # a bug here must cost one URL, not the whole run
            log.exception("unexpected error fetching %s", request.url)
            return self._failed(request, _Failure(f"unexpected error: {type(exc).__name__}: {exc}"), attempts, clock)

    def _retry_wait(self, failure: _Failure, attempts: int) -> float:
        cap = self._settings.max_retry_after_s
        if failure.retry_after is not None:
            return min(failure.retry_after, cap)
        # Full jitter (0..base·2^n) spreads retries so a recovering server is not hit in lockstep.
        return random.uniform(0.0, min(cap, self._settings.backoff_s * 2 ** (attempts - 1)))

    async def _follow(self, url: str, headers: dict[str, str], clock: _Clock, *, page: bool) -> _Hop:
        """One attempt: the whole redirect chain, each hop checked as if it were the first."""
        current, last_status = url, None
        for _ in range(self._settings.max_redirects + 1):
            try:
                target = _parse_url(current)
                await self._check_address(target)
                if page and self._settings.respect_robots and not await self._robots_allow(target):
                    raise _Failure("disallowed by robots.txt")
                hop = await self._exchange(target, headers, clock, page=page)
            except _Failure as failure:
                failure.final_url = failure.final_url or current
                failure.status = failure.status or last_status
                raise
            if hop.location is None:
                return hop
            current, last_status = str(hop.location), hop.status
        too_many = _Failure(f"too many redirects (more than {self._settings.max_redirects})", status=last_status)
        too_many.final_url = current
        raise too_many

    async def _check_address(self, url: httpx.URL) -> None:
        port = url.port or (443 if url.scheme == "https" else 80)
        await self._resolver.addresses(url.raw_host.decode("ascii"), port)

    async def _exchange(self, url: httpx.URL, headers: dict[str, str], clock: _Clock, *, page: bool) -> _Hop:
        """One HTTP request and its response, inside the host's and the global limits."""
        settings = self._settings
        async with self._slot(url.host):
            if clock.started is None:
                clock.started = time.monotonic()
            try:
                async with asyncio.timeout(settings.max_duration_s):
                    response = await self._client.send(self._client.build_request("GET", url, headers=headers),
                                                       stream=True)
                    try:
                        return await self._handle(url, response, page=page)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise _Failure(f"took longer than {settings.max_duration_s:g} s (max_duration_s)") from None
            except httpx.HTTPError as exc:
                raise _transport_failure(exc, settings.timeout_s) from None

    async def _handle(self, url: httpx.URL, response: httpx.Response, *, page: bool) -> _Hop:
        status, headers = response.status_code, response.headers
        location = response.extensions.get(_LOCATION)
        if status in _REDIRECTS and location:
            try:
                return _Hop(str(url), status, headers, location=url.join(location.strip()))
            except (httpx.InvalidURL, ValueError, TypeError) as exc:  # ValueError: idna's errors
                raise _Failure(f"bad redirect Location {_shown(location)}: {exc}", status=status) from None
        if status == 304:
            return _Hop(str(url), status, headers)
        if not 200 <= status <= 299:
            retry_after = _retry_after_s(headers.get("retry-after"))
            if status in (429, 503) and retry_after is not None:
                self._gate(url.host).hold_for(min(retry_after, self._settings.max_retry_after_s))
            if status in _REDIRECTS:
                raise _Failure(f"HTTP {status} redirect without a Location header", status=status)
            raise _http_failure(status, response.reason_phrase, retry_after)
        media_type = _media_type(headers.get("content-type"))
        if page and media_type is not None and media_type not in self._page_types:
            raise _Failure(f"content-type {media_type} is not a page", status=status)
        if page:
            raw_cap, decoded_cap = self._settings.max_bytes, self._settings.max_decompressed_bytes
        else:  # robots.txt: the RFC 9309 limit, on the decoded rules as well as on the wire
            raw_cap = decoded_cap = min(self._settings.max_bytes, _ROBOTS_MAX_BYTES)
        try:
            content = await _read_body(response, raw_cap, decoded_cap, truncate=not page)
        except _Failure as failure:
            failure.status = status
            raise
        return _Hop(str(url), status, headers, content=content)

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = _HostGate(asyncio.Semaphore(self._settings.per_host_concurrency), self._settings.per_host_delay_s)
            self._gates[host] = gate
        return gate

    @contextlib.asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """Host slot first, then the start gap, then a global slot.

        Taking the host slot first keeps a request that must wait for its host from sitting on a
        global slot other hosts could use. The start lock is held until the global slot is ours,
        so the recorded start is the real one and the gap between starts really is >= the delay.
        """
        gate = self._gate(host)
        async with gate.slots:
            async with gate.start_lock:
                wait = max(gate.last_start + gate.delay_s, gate.not_before) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._global_slots.acquire()
                gate.last_start = time.monotonic()
            try:
                yield
            finally:
                self._global_slots.release()

    async def _robots_allow(self, url: httpx.URL) -> bool:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        task = self._robots.get(origin)
        if task is None:  # one fetch per origin; concurrent pages of that origin await the same task
            task = asyncio.ensure_future(self._load_robots(origin))
            self._robots[origin] = task
        robots = await asyncio.shield(task)  # one page being cancelled must not cancel the shared load
        if robots is None:
            return True
        if robots.rules > _ROBOTS_INLINE_RULES:  # each check walks every rule: not in the event loop
            return await asyncio.to_thread(robots.parser.can_fetch, self._settings.user_agent, str(url))
        return robots.parser.can_fetch(self._settings.user_agent, str(url))

    async def _load_robots(self, origin: str) -> _Robots | None:
        """The origin's rules, or None for allow-all (missing, 4xx, 5xx, unreachable or unreadable)."""
        try:
            hop = await self._follow(f"{origin}/robots.txt", {}, _Clock(), page=False)
        except _Failure as failure:
            log.debug("robots.txt of %s not used (%s): allowing all", origin, failure.message)
            return None
        except Exception:  # robots.txt is advisory: a bug reading it must not block every page
            log.exception("robots.txt of %s could not be read: allowing all", origin)
            return None
        if hop.status != 200 or hop.content is None:
            return None
        # Half a second of pure Python for 512 KiB of rules: in a thread, so other fetches go on.
        return await asyncio.to_thread(_parse_robots, f"{origin}/robots.txt", hop.content)

    def _success(self, request: FetchRequest, hop: _Hop, attempts: int, clock: _Clock) -> FetchResult:
        not_modified = hop.status == 304
        return FetchResult(
            url=request.url,
            final_url=hop.url,
            status=hop.status,
            content=None if not_modified else hop.content,
            content_type=None if not_modified else hop.headers.get("content-type"),
            # A 304 may omit the validators: keep the ones we sent so the caller can send them again.
            etag=hop.headers.get("etag") or (request.etag if not_modified else None),
            last_modified=hop.headers.get("last-modified") or (request.last_modified if not_modified else None),
            not_modified=not_modified,
            error=None,
            attempts=attempts,
            elapsed_s=_elapsed(clock),
            fetched_at=datetime.now(UTC),
        )

    def _failed(self, request: FetchRequest, failure: _Failure, attempts: int, clock: _Clock) -> FetchResult:
        message = _one_line(failure.message)
        if failure.retryable and attempts > 1:
            message = _after_attempts(message, attempts)
        return FetchResult(url=request.url, final_url=failure.final_url, status=failure.status, content=None,
                           content_type=None, etag=None, last_modified=None, not_modified=False, error=message,
                           attempts=attempts, elapsed_s=_elapsed(clock), fetched_at=datetime.now(UTC))


@dataclass(frozen=True)
class _Robots:
    parser: robotparser.RobotFileParser
    rules: int  # Allow/Disallow lines kept: what one can_fetch may have to walk


def _parse_robots(url: str, content: bytes) -> _Robots:
    parser = robotparser.RobotFileParser(url)
    parser.parse(content.decode("utf-8", errors="replace").splitlines())
    entries = [*parser.entries, *([parser.default_entry] if parser.default_entry else [])]
    return _Robots(parser, sum(len(e.rulelines) for e in entries))


def _after_attempts(message: str, attempts: int) -> str:
    # "timed out (read timeout 30 s)" → "timed out after 4 attempts (read timeout 30 s)"
    if message.startswith("timed out"):
        return message.replace("timed out", f"timed out after {attempts} attempts", 1)
    return f"{message} (after {attempts} attempts)"


def _elapsed(clock: _Clock) -> float:
    return 0.0 if clock.started is None else time.monotonic() - clock.started


def _conditional_headers(request: FetchRequest) -> dict[str, str]:
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
        host, port = parsed.host, parsed.port  # .host decodes an xn-- label, and may fail doing it
    except (httpx.InvalidURL, TypeError, ValueError) as exc:  # ValueError: idna's errors on a host
        raise _Failure(f"invalid URL {_shown(url)}: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise _Failure("only http(s) URLs can be fetched")
    if not host:
        raise _Failure(f"invalid URL {_shown(url)}: no host")
    if port is not None and not 0 < port < 65536:
        raise _Failure(f"invalid URL {_shown(url)}: port {port} out of range")
    return parsed


def _shown(text: object, limit: int = 120) -> str:
    """A URL or header value as it may appear in an error: quoted, escaped, and cut short."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(message: str) -> str:
    """Control characters escaped and the length bounded: part of an error is chosen by a server."""
    flat = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)
    return flat if len(flat) <= _MAX_ERROR_CHARS else flat[: _MAX_ERROR_CHARS - 1] + "…"
