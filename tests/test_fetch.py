"""cscetl.fetch against a real threaded HTTP server on 127.0.0.1 (no other network)."""
from __future__ import annotations

import asyncio
import gzip
import itertools
import json
import threading
import time
import zlib
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from cscetl import fetch, pipeline
from cscetl.fetch import FetchRequest, FetchResult, FetchSettings, fetch_many, settings_from_table
from cscetl.limits import MAX_PAGE_BYTES

PAGE = b"<html><body><p>Council children's services rated good.</p></body></html>" * 20
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"
ROBOTS_RULES = b"User-agent: *\nDisallow: /private/\n"
BOMB_INFLATED = 64 * 1024 * 1024
# Locations no redirect may take a fetch past (name → Location): a scheme that is not fetched,
# URLs httpx cannot parse, a host the idna codec refuses, a port out of range, 70 KB of path.
BAD_LOCATIONS = {
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "mailto": "mailto:someone@example.org",
    "JAVASCRIPT": "JAVASCRIPT://%0aalert(1)",
    "bad-ipv6": "http://[::1",
    "bad-ipv4": "http://999.1.1.1/",
    "bad-a-label": "http://xn--/",
    "empty-label": "http://a..b/",
    "port": "http://127.0.0.1:99999/",
    "too-long": "/" + "x" * 70_000,
    "nul": "http://a\x00b/",
}
# Rules past the first 512 KiB of a robots.txt are ignored (RFC 9309 §2.5), so this one is not seen.
ROBOTS_LONG = ROBOTS_RULES + b"Disallow: /x/\n" * 50_000 + b"Disallow: /late/\n"
ROBOTS_BOMB = ROBOTS_RULES + b"Disallow: /x/\n" * 400_000  # 5.6 MB of rules once inflated


@cache
def bomb(encoding: str) -> bytes:
    zeros = bytes(BOMB_INFLATED)
    if encoding == "br":
        import brotli

        return brotli.compress(zeros, quality=1)
    return gzip.compress(zeros, compresslevel=9)


def encode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "rawdeflate":  # what some servers send under the "deflate" label
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return squeezer.compress(body) + squeezer.flush()
    if encoding == "br":
        import brotli

        return brotli.compress(body)
    raise AssertionError(encoding)


class State:
    """What the server saw, for assertions: hits per path, concurrency, start times."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.max_active: Counter[str] = Counter()
        self.starts: dict[str, list[float]] = {}
        self.robots = "rules"  # "rules" | "missing" | "error"

    def enter(self, group: str) -> None:
        with self.lock:
            self.active[group] += 1
            self.max_active[group] = max(self.max_active[group], self.active[group])
            self.starts.setdefault(group, []).append(time.monotonic())

    def leave(self, group: str) -> None:
        with self.lock:
            self.active[group] -= 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with state.lock:
            state.hits[self.path] += 1
            hits = state.hits[self.path]
        route = getattr(self, "route_" + parts.path.strip("/").split("/")[0].replace(".", "_").replace("-", "_"), None)
        try:
            if route is None:
                self.reply(404, b"no such route")
            else:
                route(parts.path, query, hits)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts, caps): expected
            self.close_connection = True

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              length: bool = True) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:  # close-delimited body: the client cannot know the size up front
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    # routes -------------------------------------------------------------------------------

    def route_robots_txt(self, path, query, hits):
        mode = self.server.state.robots
        if mode == "rules":
            self.reply(200, ROBOTS_RULES, {"Content-Type": "text/plain"})
        elif mode in ("long", "bomb"):
            body = gzip.compress(ROBOTS_LONG if mode == "long" else ROBOTS_BOMB, compresslevel=9)
            self.reply(200, body, {"Content-Type": "text/plain", "Content-Encoding": "gzip"})
        elif mode == "missing":
            self.reply(404, b"not found")
        else:
            self.reply(500, b"robots broke")

    def route_page(self, path, query, hits):
        if self.headers.get("If-None-Match") == ETAG:
            self.reply(304, headers={"ETag": ETAG})
            return
        self.reply(200, PAGE, {"Content-Type": "text/html; charset=utf-8", "ETag": ETAG,
                               "Last-Modified": LAST_MODIFIED})

    def route_private(self, path, query, hits):
        self.reply(200, PAGE, {"Content-Type": "text/html"})

    def route_redirect(self, path, query, hits):
        # /redirect?status=301&to=...: relative or absolute Location
        self.reply(int(query.get("status", "302")), headers={"Location": query["to"]} if "to" in query else {})

    def route_badloc(self, path, query, hits):
        self.reply(302, headers={"Location": BAD_LOCATIONS[query["case"]]})  # sent as listed, NUL included

    def route_body(self, path, query, hits):
        # /body?n=5000&pdf=1&coding=gzip: n bytes, starting like a PDF or like HTML
        n = int(query["n"])
        head = b"%PDF-1.4\n" if query.get("pdf") == "1" else b"<html><body><p>"
        data = (head + b"a" * n)[:n]
        headers = {"Content-Type": "application/pdf" if query.get("pdf") == "1" else "text/html"}
        if "coding" in query:
            data, headers["Content-Encoding"] = encode(data, query["coding"]), query["coding"]
        self.reply(200, data, headers, length=query.get("length", "1") == "1")

    def route_loop(self, path, query, hits):
        self.reply(302, headers={"Location": "/loop"})

    def route_status(self, path, query, hits):
        # /status?code=500&then=200&retry_after=1: `code` on the first hit, `then` afterwards
        code = int(query["code"]) if hits == 1 or "then" not in query else int(query["then"])
        headers = {"Content-Type": "text/html"}
        if code != 200 and "retry_after" in query:
            headers["Retry-After"] = query["retry_after"]
        self.reply(code, PAGE if code == 200 else b"error", headers)

    def route_slow(self, path, query, hits):
        time.sleep(float(query.get("s", "1")))
        self.reply(200, PAGE, {"Content-Type": "text/html"})

    def route_drip(self, path, query, hits):
        # headers at once, then one byte every 0.1 s: never idle long enough to trip a read timeout
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "50")
        self.end_headers()
        for _ in range(50):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.1)

    def route_encoded(self, path, query, hits):
        coding = query["coding"]
        self.reply(200, encode(PAGE, coding), {"Content-Type": "text/html",
                                               "Content-Encoding": "deflate" if coding == "rawdeflate" else coding})

    def route_big(self, path, query, hits):
        self.reply(200, b"a" * int(query["n"]), {"Content-Type": "text/plain"}, length=query.get("length") == "1")

    def route_bomb(self, path, query, hits):
        coding = query["coding"]
        self.reply(200, bomb(coding), {"Content-Type": "text/html", "Content-Encoding": coding})

    def route_typed(self, path, query, hits):
        headers = {"Content-Type": query["type"]} if "type" in query else {}
        self.reply(200, b"\x89PNG..." if "image" in query.get("type", "") else PAGE, headers)

    def route_concurrent(self, path, query, hits):
        group = query["group"]
        self.server.state.enter(group)
        try:
            time.sleep(float(query.get("s", "0.15")))
        finally:
            self.server.state.leave(group)
        self.reply(200, PAGE, {"Content-Type": "text/html"})

    def route_echo(self, path, query, hits):
        self.reply(200, json.dumps(dict(self.headers.items())).encode(), {"Content-Type": "text/plain"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    state: State


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.state = State()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def state(server) -> State:
    server.state.robots = "rules"
    return server.state


@pytest.fixture
def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def settings() -> FetchSettings:
    return FetchSettings(allow_private_addresses=True, timeout_s=2.0, retries=2, backoff_s=0.01,
                         max_retry_after_s=5.0)


def one(url: str, settings: FetchSettings, **kw: str) -> FetchResult:
    [result] = fetch_many([FetchRequest(url, **kw)], settings)
    return result


# --- success paths ---------------------------------------------------------------------------


def test_200_with_validators_then_304(base, settings):
    first = one(f"{base}/page", settings)
    assert first.error is None and first.status == 200 and not first.not_modified
    assert first.content == PAGE
    assert first.content_type == "text/html; charset=utf-8"
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    assert first.final_url == f"{base}/page" and first.attempts == 1
    assert first.fetched_at.tzinfo is not None and abs(datetime.now(UTC) - first.fetched_at) < timedelta(minutes=1)

    again = one(f"{base}/page", settings, etag=first.etag, last_modified=first.last_modified)
    assert again.error is None and again.status == 304 and again.not_modified
    assert again.content is None
    assert (again.etag, again.last_modified) == (ETAG, LAST_MODIFIED)  # kept for the next round


def test_redirect_chain_301_302_200(base, settings):
    final = f"{base}/page"
    second = f"/redirect?status=302&to={final}"  # absolute Location
    first = f"{base}/redirect?status=301&to=" + second.replace("&", "%26").replace("?", "%3F")  # relative
    result = one(first, settings)
    assert result.error is None, result.error
    assert result.status == 200 and result.final_url == final and result.content == PAGE
    assert result.url == first


@pytest.mark.parametrize("coding", ["gzip", "deflate", "rawdeflate", "br"])
def test_content_encodings_are_decoded(base, settings, coding):
    if coding == "br" and not fetch._HAVE_BROTLI:
        pytest.skip("brotli (>=1.2) not installed")
    result = one(f"{base}/encoded?coding={coding}", settings)
    assert result.error is None, result.error
    assert result.content == PAGE


def test_missing_content_type_is_accepted(base, settings):
    result = one(f"{base}/typed", settings)
    assert result.error is None and result.content == PAGE and result.content_type is None


def test_request_headers(base, settings):
    result = one(f"{base}/echo", replace(settings, contact="data@example.org"), etag='W/"x"',
                 last_modified=LAST_MODIFIED)
    sent = {k.lower(): v for k, v in json.loads(result.content).items()}
    assert sent["user-agent"] == f"{settings.user_agent}; contact: data@example.org"
    assert {"gzip", "deflate"} <= {c.strip() for c in sent["accept-encoding"].split(",")}
    assert sent["if-none-match"] == 'W/"x"' and sent["if-modified-since"] == LAST_MODIFIED


def test_results_keep_request_order_and_progress_is_reported(base, settings):
    urls = [f"{base}/slow?s=0.3&order=1", f"{base}/page", f"{base}/status?code=404&order=1"]
    seen: list[tuple[int, int]] = []
    results = fetch_many([FetchRequest(u) for u in urls], settings, progress=lambda d, t: seen.append((d, t)))
    assert [r.url for r in results] == urls
    assert [r.status for r in results] == [200, 200, 404]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_fetch_many_from_a_worker_thread_and_from_a_running_loop(base, settings):
    box: list[list[FetchResult]] = []
    worker = threading.Thread(target=lambda: box.append(fetch_many([FetchRequest(f"{base}/page")], settings)))
    worker.start()
    worker.join(10)
    assert box and box[0][0].content == PAGE

    async def inside_a_loop() -> list[FetchResult]:
        return fetch_many([FetchRequest(f"{base}/page")], settings)

    assert asyncio.run(inside_a_loop())[0].content == PAGE


def test_empty_request_list(settings):
    assert fetch_many([], settings) == []


# --- failures: HTTP status, retries ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "error", "attempts", "hits"),
    [
        ("/status?code=404", 404, "HTTP 404 Not Found", 1, 1),  # other 4xx: never retried
        ("/status?code=403", 403, "HTTP 403 Forbidden", 1, 1),
        ("/status?code=500&then=200", 200, None, 2, 2),  # 5xx: retried, succeeds on attempt 2
        ("/status?code=502", 502, "HTTP 502 Bad Gateway (after 3 attempts)", 3, 3),  # retries=2 → 3 tries
        ("/redirect?status=302", 302, "HTTP 302 redirect without a Location header", 1, 1),
    ],
)
def test_status_handling(base, settings, state, path, status, error, attempts, hits):
    path += f"&case={time.monotonic_ns()}"  # a fresh hit counter for this case
    result = one(base + path, settings)
    assert (result.status, result.error, result.attempts) == (status, error, attempts)
    assert state.hits[path] == hits
    assert (result.content == PAGE) if error is None else (result.content is None)


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_honoured(base, settings, state, code):
    path = f"/status?code={code}&then=200&retry_after=1&case={time.monotonic_ns()}"
    began = time.monotonic()
    result = one(base + path, settings)
    assert result.error is None and result.status == 200 and result.attempts == 2
    assert time.monotonic() - began >= 0.95
    assert state.hits[path] == 2


def test_retry_after_is_capped(base, settings):
    began = time.monotonic()
    result = one(f"{base}/status?code=429&then=200&retry_after=3600&case={time.monotonic_ns()}",
                 replace(settings, max_retry_after_s=0.2))
    assert result.error is None and result.attempts == 2
    assert time.monotonic() - began < 2


def test_timeout_retries_then_reports(base, settings):
    result = one(f"{base}/slow?s=1&case={time.monotonic_ns()}", replace(settings, timeout_s=0.3))
    assert result.error is not None and "timed out" in result.error and "after 3 attempts" in result.error
    assert result.attempts == settings.retries + 1 and result.status is None and result.content is None


def test_slow_drip_is_cut_by_max_duration(base, settings):
    began = time.monotonic()
    result = one(f"{base}/drip?case={time.monotonic_ns()}", replace(settings, timeout_s=1.0, max_duration_s=0.5))
    assert result.error == "took longer than 0.5 s (max_duration_s)"
    assert result.attempts == 1 and time.monotonic() - began < 2


def test_connection_refused_is_retried(settings):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = one(f"http://127.0.0.1:{port}/page", settings)
    assert result.error is not None and result.error.startswith("connection failed")
    assert result.attempts == 3 and "after 3 attempts" in result.error


# --- failures: redirects, schemes, addresses -------------------------------------------------


def test_redirect_loop(base, settings):
    result = one(f"{base}/loop", settings)
    assert result.error == "too many redirects (more than 5)"
    assert result.status == 302 and result.attempts == 1


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/file.pdf", "file:///etc/passwd", "javascript:alert(1)", "mailto:someone@example.org"],
)
def test_only_http_urls(settings, url):
    result = one(url, settings)
    assert result.error == "only http(s) URLs can be fetched"
    assert result.status is None and result.attempts == 1


def test_redirect_to_other_scheme_is_refused(base, settings):
    result = one(f"{base}/redirect?to=ftp://127.0.0.1/x", settings)
    assert result.error == "only http(s) URLs can be fetched" and result.status == 302


def _one_line(error: str | None) -> None:
    assert error is not None
    assert not error.startswith("unexpected error"), error
    assert "\n" not in error and "\x00" not in error and len(error) <= 320, error


@pytest.mark.parametrize(
    ("case", "error", "attempts"),
    [
        ("javascript", "only http(s) URLs can be fetched", 1),
        ("data", "only http(s) URLs can be fetched", 1),
        ("mailto", "only http(s) URLs can be fetched", 1),
        ("JAVASCRIPT", "only http(s) URLs can be fetched", 1),
        ("bad-ipv6", "bad redirect Location 'http://[::1': Invalid port", 1),
        ("bad-ipv4", "bad redirect Location 'http://999.1.1.1/': Invalid IPv4 address", 1),
        ("bad-a-label", "invalid URL 'http://xn--/': ", 1),
        ("empty-label", "invalid host name 'a..b': ", 1),  # refused before any DNS look-up
        ("port", "invalid URL 'http://127.0.0.1:99999/': port 99999 out of range", 1),
        ("too-long", "bad redirect Location '/xxxx", 1),
        # a NUL makes the header line itself illegal: the HTTP parser refuses it, as a broken
        # connection (retried, like any protocol error), still one line with the NUL escaped
        ("nul", "connection broke: illegal header line", 3),  # and no status: the response was not read
    ],
)
def test_bad_redirect_location_is_a_one_line_error(base, settings, case, error, attempts):
    result = one(f"{base}/badloc?case={case}", settings)
    _one_line(result.error)
    assert result.error.startswith(error), result.error
    assert (result.status, result.attempts, result.content) == (302 if case != "nul" else None, attempts, None)


@pytest.mark.parametrize(
    "location",
    ["/page?near=relative", " /page?near=spaces ", "//127.0.0.1:{port}/page?near=scheme-relative",
     "HTTP://127.0.0.1:{port}/page?near=upper-case-scheme", "http://127.0.0.1:{port}/page?near=%00-escaped"],
)
def test_good_redirect_locations_still_work(base, server, settings, location):
    to = location.format(port=server.server_address[1]).replace("?", "%3F").replace("&", "%26")
    to = to.replace("%00", "%2500").replace(" ", "%20")
    result = one(f"{base}/redirect?to={to}", settings)
    assert result.error is None and result.content == PAGE, result.error


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://exa\x00mple.org/", "invalid URL 'http://exa\\x00mple.org/': "),
        ("http://xn--/", "invalid URL 'http://xn--/': "),
        ("http://a..b/", "invalid host name 'a..b': "),
        ("http://127.0.0.1:99999/", "invalid URL 'http://127.0.0.1:99999/': port 99999 out of range"),
        ("http://127.0.0.1/" + "x" * 70_000, "invalid URL 'http://127.0.0.1/xxxx"),
        ("http://[::1/", "invalid URL 'http://[::1/': "),
        ("http:///no-host", "invalid URL 'http:///no-host': no host"),
    ],
)
def test_bad_urls_are_one_line_errors(settings, url, error):
    result = one(url, settings)
    _one_line(result.error)
    assert result.error.startswith(error), result.error
    assert result.attempts == 1 and result.status is None


def test_loopback_refused_by_default(base, server, state):
    settings = FetchSettings(timeout_s=2.0, retries=2, backoff_s=0.01)
    port = server.server_address[1]
    path = f"/page?case={time.monotonic_ns()}"
    cases = {
        f"http://127.0.0.1:{port}{path}": "refused: 127.0.0.1 is a loopback address",
        f"http://[::1]:{port}{path}": "refused: ::1 is a loopback address",
        f"http://localhost:{port}{path}": "refused: localhost resolves to ",
    }
    results = fetch_many([FetchRequest(u) for u in cases], settings)
    for result, expected in zip(results, cases.values(), strict=True):
        assert result.error is not None and result.error.startswith(expected), result.error
        assert result.error.endswith("(set allow_private_addresses = true to allow)")
        assert result.attempts == 1 and result.status is None
    assert state.hits[path] == 0


def test_redirect_to_loopback_is_refused(base, server, state, monkeypatch):
    # Pretend 127.0.0.1 is public so the first hop goes through; the redirect points at another
    # loopback address, which must be refused on its own hop before any connection is made.
    real = fetch._address_problem
    monkeypatch.setattr(fetch, "_address_problem", lambda a: None if a == "127.0.0.1" else real(a))
    settings = FetchSettings(timeout_s=2.0, retries=0)
    port = server.server_address[1]
    result = one(f"{base}/redirect?to=http://127.0.0.2:{port}/page", settings)
    assert result.error == "refused: 127.0.0.2 is a loopback address (set allow_private_addresses = true to allow)"
    assert result.status == 302 and result.final_url == f"http://127.0.0.2:{port}/page"


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata
        ("fe80::1%eth0", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fc00::1", "a private address"),
        ("240.0.0.1", "a private address"),  # reserved (Python files 240/4 under is_private too)
        ("100.64.0.1", "a non-public address"),  # carrier-grade NAT
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_address_policy(address, problem):
    assert fetch._address_problem(address) == problem


# --- failures: bodies and content types -------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_body_over_max_bytes(base, settings, declared):
    result = one(f"{base}/big?n=5000&length={int(declared)}", replace(settings, max_bytes=1000))
    assert result.error is not None and result.error.startswith("body over the 1000-byte cap")
    assert result.content is None and result.status == 200 and result.attempts == 1


def test_body_at_max_bytes_is_fine(base, settings):
    result = one(f"{base}/big?n=1000&length=0", replace(settings, max_bytes=1000))
    assert result.error is None and result.content == b"a" * 1000


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_decompression_bomb_is_stopped_quickly(base, settings, coding):
    if coding == "br" and not fetch._HAVE_BROTLI:
        pytest.skip("brotli (>=1.2) not installed")
    bomb(coding)  # build it before timing
    began = time.monotonic()
    result = one(f"{base}/bomb?coding={coding}", replace(settings, max_decompressed_bytes=1024 * 1024))
    took = time.monotonic() - began
    assert result.error == "decoded body over the 1048576-byte page cap (max_decompressed_bytes)"
    assert result.content is None and result.attempts == 1
    assert took < 1.0, f"took {took:.2f} s: the bomb was inflated too far"


def test_page_cap_is_the_parsers():
    assert FetchSettings().max_decompressed_bytes == MAX_PAGE_BYTES == pipeline.MAX_PAGE_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_bomb_is_refused_at_the_page_cap_by_default(base, settings, coding):
    # 64 MiB once inflated: under the old 100 MiB cap it was held whole for the batch
    if coding == "br" and not fetch._HAVE_BROTLI:
        pytest.skip("brotli (>=1.2) not installed")
    result = one(f"{base}/bomb?coding={coding}", settings)  # the default max_decompressed_bytes
    assert result.error == f"decoded body over the {MAX_PAGE_BYTES}-byte page cap (max_decompressed_bytes)"
    assert result.content is None and result.status == 200 and result.attempts == 1


@pytest.mark.parametrize(
    ("query", "max_bytes", "error"),
    [
        ("n=1000", 10_000, None),  # at the page cap
        ("n=1001", 10_000, "decoded body over the 1000-byte page cap (max_decompressed_bytes)"),
        ("n=1001&length=0", 10_000, "decoded body over the 1000-byte page cap (max_decompressed_bytes)"),
        ("n=1001&coding=gzip", 10_000, "decoded body over the 1000-byte page cap (max_decompressed_bytes)"),
        # a PDF sent as it is costs the server what it costs us: it may go on to max_bytes
        ("n=5000&pdf=1", 10_000, None),
        ("n=5000&pdf=1&length=0", 10_000, None),
        ("n=5000&pdf=1&length=0", 4_000, "body over the 4000-byte cap"),
        # ... but not when compressed: that is how a bomb would pass as a PDF
        ("n=5000&pdf=1&coding=gzip", 10_000, "decoded body over the 1000-byte page cap (max_decompressed_bytes)"),
        ("n=5000&pdf=1&coding=deflate", 10_000, "decoded body over the 1000-byte page cap (max_decompressed_bytes)"),
    ],
)
def test_page_cap_while_streaming(base, settings, query, max_bytes, error):
    result = one(f"{base}/body?{query}", replace(settings, max_decompressed_bytes=1000, max_bytes=max_bytes))
    assert result.error == error
    if error is None:
        n = int(query.split("&")[0][2:])
        assert result.content is not None and len(result.content) == n
    else:
        assert result.content is None and result.status == 200


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_decoders_inflate_in_bounded_steps(coding):
    # The caps are checked between steps, so a step must stay small whatever the ratio.
    if coding == "br" and not fetch._HAVE_BROTLI:
        pytest.skip("brotli (>=1.2) not installed")
    decoder = fetch._decoder_for(coding)
    pieces = decoder.feed(bomb(coding)[:65536])  # ~64 MB of zeros once inflated
    sizes = [len(next(pieces)) for _ in range(3)]
    assert all(0 < size <= 2 * fetch._DECODE_STEP for size in sizes), sizes


def test_wrong_content_type(base, settings):
    result = one(f"{base}/typed?type=image/png", settings)
    assert result.error == "content-type image/png is not a page"
    assert result.content is None and result.status == 200


def test_content_types_setting_is_case_insensitive(base, settings):
    result = one(f"{base}/typed?type=Text/HTML;+charset=UTF-8", replace(settings, content_types=("TEXT/HTML",)))
    assert result.error is None


# --- robots.txt -------------------------------------------------------------------------------


def test_robots_disallow_is_obeyed_and_fetched_once(base, settings, state):
    before = state.hits["/robots.txt"]
    urls = [f"{base}/private/secret", f"{base}/page", f"{base}/echo", f"{base}/private/other"]
    results = fetch_many([FetchRequest(u) for u in urls], settings)
    assert [r.error for r in results] == ["disallowed by robots.txt", None, None, "disallowed by robots.txt"]
    assert results[0].attempts == 1 and results[0].status is None
    assert state.hits["/private/secret"] == 0 and state.hits["/private/other"] == 0
    assert state.hits["/robots.txt"] == before + 1


@pytest.mark.parametrize("mode", ["missing", "error"])
def test_unusable_robots_allows_all(base, settings, state, mode):
    state.robots = mode
    path = f"/private/secret?case={time.monotonic_ns()}"
    result = one(base + path, settings)
    assert result.error is None and result.content == PAGE
    assert state.hits[path] == 1


def test_robots_txt_is_read_up_to_512_kib_decoded(base, settings, state):
    # 700 KB of rules once inflated (4 KB gzipped): what comes after 512 KiB is not read, as RFC
    # 9309 allows; the rules before it still hold.
    state.robots = "long"
    stamp = time.monotonic_ns()
    results = fetch_many([FetchRequest(f"{base}/private/x?case={stamp}"), FetchRequest(f"{base}/late/x?case={stamp}")],
                         settings)
    assert [r.error for r in results] == ["disallowed by robots.txt", "HTTP 404 Not Found"]


def test_robots_parsing_does_not_stall_other_fetches(base, settings, state):
    # A gzipped robots.txt of 400,000 rules (5.6 MB inflated): reading it must not hold the event
    # loop, where every other fetch of the run waits.
    state.robots = "bomb"
    gaps: list[float] = []

    async def run() -> list[FetchResult]:
        async def ticker() -> None:
            last = time.monotonic()
            while True:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        beat = asyncio.create_task(ticker())
        try:
            stamp = time.monotonic_ns()
            return await fetch.fetch_all([FetchRequest(f"{base}/private/x?case={stamp}"),
                                          FetchRequest(f"{base}/page?case={stamp}")], settings)
        finally:
            beat.cancel()

    began = time.monotonic()
    results = asyncio.run(run())
    assert [r.error for r in results] == ["disallowed by robots.txt", None]
    assert max(gaps) < 0.5, f"event loop held for {max(gaps):.2f} s"
    assert time.monotonic() - began < 10


def test_robots_can_be_ignored(base, settings, state):
    path = f"/private/secret?case={time.monotonic_ns()}"
    result = one(base + path, replace(settings, respect_robots=False))
    assert result.error is None and state.hits[path] == 1


# --- politeness -------------------------------------------------------------------------------


@pytest.mark.parametrize(("per_host", "global_", "expected"), [(2, 16, 2), (4, 1, 1), (3, 32, 3)])
def test_concurrency_limits(base, settings, state, per_host, global_, expected):
    group = f"g{per_host}-{global_}-{time.monotonic_ns()}"
    urls = [f"{base}/concurrent?group={group}&i={i}" for i in range(8)]
    results = fetch_many([FetchRequest(u) for u in urls],
                         replace(settings, per_host_concurrency=per_host, global_concurrency=global_))
    assert all(r.error is None for r in results)
    assert state.max_active[group] == expected  # never above the limit, and the limit is used


def test_per_host_delay_spaces_request_starts(base, settings, state):
    group = f"delay-{time.monotonic_ns()}"
    urls = [f"{base}/concurrent?group={group}&s=0&i={i}" for i in range(4)]
    results = fetch_many([FetchRequest(u) for u in urls],
                         replace(settings, per_host_concurrency=4, per_host_delay_s=0.2))
    assert all(r.error is None for r in results)
    starts = sorted(state.starts[group])
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 3 and min(gaps) >= 0.18, gaps


# --- settings ---------------------------------------------------------------------------------


def test_settings_from_table_defaults_and_values():
    assert settings_from_table(None) == FetchSettings()
    assert settings_from_table({}) == FetchSettings()
    got = settings_from_table({"per_host_concurrency": 4, "timeout_s": 10, "contact": "data@example.org",
                               "content_types": ["text/html", "application/pdf"], "respect_robots": False})
    assert got.per_host_concurrency == 4 and got.timeout_s == 10.0 and isinstance(got.timeout_s, float)
    assert got.content_types == ("text/html", "application/pdf") and got.respect_robots is False
    assert got.full_user_agent.endswith("; contact: data@example.org")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"per_host_concurency": 2}, "per_host_concurency"),  # typo: unknown key
        ({"retries": "3"}, "retries"),
        ({"retries": True}, "retries"),  # TOML true is not a number
        ({"timeout_s": "30"}, "timeout_s"),
        ({"respect_robots": 1}, "respect_robots"),
        ({"content_types": "text/html"}, "content_types"),
        ({"content_types": ["text/html", 3]}, "content_types"),
        ({"per_host_concurrency": 0}, "per_host_concurrency"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"contact": "a@b\r\nX-Evil: 1"}, "contact"),
    ],
)
def test_settings_from_table_rejects(table, key):
    with pytest.raises(ValueError, match=key):
        settings_from_table(table)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        (" 120 ", 120.0),
        (None, None),
        ("soon", None),
        ("-5", None),
        (format_datetime(datetime(2030, 1, 1, 0, 0, 30, tzinfo=UTC), usegmt=True), 30.0),
        (format_datetime(datetime(2029, 12, 31, tzinfo=UTC), usegmt=True), 0.0),  # in the past
    ],
)
def test_retry_after_parsing(value, expected):
    assert fetch._retry_after_s(value, now=datetime(2030, 1, 1, tzinfo=UTC)) == expected
