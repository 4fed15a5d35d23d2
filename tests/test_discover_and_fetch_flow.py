"""Fetching inside the real flow: listing pages, conditional GETs, and every failure recorded with a reason.

A real HTTP server on 127.0.0.1, started by the tests; no mocked transport.
"""
import gzip
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from cscetl.discover import extract_links
from cscetl.limits import MAX_PAGE_BYTES

ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>Exampleton Council's children's services were visited by Ofsted inspectors this month, the council said.</p>
<p>Councillor Rhea Lomax said: "We are pleased that inspectors saw the progress our social workers have made."</p>
</article></body></html>"""


@cache
def gzip_bomb() -> bytes:
    """16 MiB of page once inflated, 16 KB on the wire: over the page cap, under the old 100 MiB one."""
    return gzip.compress(b"<html><body><p>" + bytes(16 * 1024 * 1024), compresslevel=9)


class Site:
    """What the server serves; tests change it between runs."""

    def __init__(self):
        self.listing_links = ["/news/2024/visit-one.html", "/news/2024/visit-two.html"]
        self.hits: dict[str, int] = {}


def make_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path
            n = site.hits[path] = site.hits.get(path, 0) + 1
            if path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            if path == "/news":
                links = "".join(f'<li><a href="{u}">{u}</a></li>' for u in site.listing_links)
                body = f'<html><body><ul>{links}</ul><a href="/about.html">About</a><a href="https://elsewhere.example/news/2024/x.html">x</a></body></html>'
                return self.send(200, body.encode())
            if path.startswith("/news/2024/"):
                body = ARTICLE.format(title=path.rsplit("/", 1)[-1]).encode()
                etag = f'"{abs(hash(body))}"'
                if self.headers.get("If-None-Match") == etag:
                    return self.send(304, headers=[("ETag", etag)])
                return self.send(200, body, headers=[("ETag", etag)])
            if path == "/flaky.html":  # 500 then 200
                return self.send(500, b"oops") if n == 1 else self.send(200, ARTICLE.format(title="flaky").encode())
            if path == "/busy.html":  # 429 with Retry-After, then 200
                return self.send(429, b"slow down", headers=[("Retry-After", "1")]) if n == 1 else self.send(200, ARTICLE.format(title="busy").encode())
            if path == "/gzip.html":
                return self.send(200, gzip.compress(ARTICLE.format(title="gzip").encode()), headers=[("Content-Encoding", "gzip")])
            if path == "/slow.html":
                time.sleep(3)
                return self.send(200, ARTICLE.format(title="slow").encode())
            if path == "/huge.html":
                return self.send(200, b"<html><body>" + b"x" * 300_000 + b"</body></html>")
            if path == "/image.png":
                return self.send(200, b"\x89PNG....", "image/png")
            if path == "/bombs":  # a listing of gzip bombs, one real article and one javascript: redirect
                links = "".join(f'<a href="/bomb/{i}.html">{i}</a>' for i in range(5))
                return self.send(200, f'<html><body>{links}<a href="/bomb/ok.html">ok</a><a href="/bomb/js.html">js</a></body></html>'.encode())
            if path == "/bomb/ok.html":
                return self.send(200, ARTICLE.format(title="ok").encode())
            if path == "/bomb/js.html":
                return self.send(302, headers=[("Location", "javascript:alert(1)")])
            if path.startswith("/bomb/"):
                return self.send(200, gzip_bomb(), headers=[("Content-Encoding", "gzip")])
            if path == "/moved":
                return self.send(301, headers=[("Location", "/moved-again")])
            if path == "/moved-again":
                return self.send(302, headers=[("Location", "/news/2024/visit-one.html")])
            return self.send(404, b"not here")

    return Handler


@pytest.fixture()
def site():
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(s))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield s
    server.shutdown()


FETCH = "[fetch]\nallow_private_addresses = true\ntimeout_s = 1.0\nretries = 2\nbackoff_s = 0.05\nmax_bytes = 200000\n\n"


def test_listing_page_links_become_sources(prefect_harness, tmp_path, site):
    from flows.etl import cscetl_pipeline

    src = tmp_path / "sources.toml"
    src.write_text(FETCH + f'[[sources]]\nurl = "{site.base}/news"\nlisting = true\nlink_pattern = "/news/\\\\d{{4}}/"\nkind = "press_release"\n', encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    first = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (first.new, first.new_links, first.failures) == (2, 2, [])
    site.listing_links.append("/news/2024/visit-three.html")
    second = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (second.new, second.unchanged, second.new_links, second.failures) == (1, 2, 1, [])
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM discovered_links").fetchone() == (3,)
    assert {r[0] for r in con.execute("SELECT kind FROM documents").fetchall()} == {"press_release"}
    assert con.execute("SELECT count(*) FROM documents WHERE source_url LIKE '%/news'").fetchone() == (0,)  # the listing itself is not a document
    statuses = [r[0] for r in con.execute("SELECT status FROM fetches WHERE url LIKE '%visit-one%' ORDER BY fetched_at").fetchall()]
    assert statuses == [200, 304]


def test_every_fetch_failure_is_recorded_and_the_rest_load(prefect_harness, tmp_path, site):
    from flows.etl import cscetl_pipeline

    names = ["flaky.html", "busy.html", "gzip.html", "moved", "slow.html", "huge.html", "image.png", "private/x.html", "missing.html"]
    entries = "".join(f'[[sources]]\nurl = "{site.base}/{n}"\n\n' for n in names)
    src = tmp_path / "sources.toml"
    src.write_text(FETCH + entries, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    summary = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert summary.status == "partial" and summary.loaded == 4  # flaky (500 then 200), busy (429 then 200), gzip, moved (301 → 302 → 200)
    con = duckdb.connect(str(warehouse), read_only=True)
    reasons = dict(con.execute("SELECT regexp_extract(source, '[^/]+$'), reason FROM source_errors").fetchall())
    assert "timed out" in reasons["slow.html"]
    assert "cap" in reasons["huge.html"]
    assert "image/png" in reasons["image.png"]
    assert "robots.txt" in reasons["x.html"]
    assert "404" in reasons["missing.html"]
    assert site.hits.get("/private/x.html") is None  # robots.txt said no: never requested
    assert site.hits["/missing.html"] == 1  # a 404 is not retried
    assert site.hits["/flaky.html"] == 2 and site.hits["/busy.html"] == 2
    rendered = summary.render()
    for name in ("slow.html", "huge.html", "image.png", "x.html", "missing.html"):
        assert name in rendered


def test_a_listing_of_gzip_bombs_is_refused_while_fetching(prefect_harness, tmp_path, site):
    """Each bomb is stopped at the page cap as it is inflated: never held for the batch, kept in
    raw/ or shipped to a worker; a javascript: redirect is that link's one-line error."""
    from flows.etl import cscetl_pipeline

    src = tmp_path / "sources.toml"
    src.write_text(FETCH + f'[[sources]]\nurl = "{site.base}/bombs"\nlisting = true\nlink_pattern = "/bomb/"\n', encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    summary = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert summary.status == "partial" and summary.loaded == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    reasons = dict(con.execute("SELECT regexp_extract(source, '[^/]+$'), reason FROM source_errors").fetchall())
    capped = f"decoded body over the {MAX_PAGE_BYTES}-byte page cap (max_decompressed_bytes)"
    assert {name: capped in reason for name, reason in reasons.items() if name != "js.html"} == {f"{i}.html": True for i in range(5)}
    assert "only http(s) URLs can be fetched" in reasons["js.html"]
    assert all("\n" not in r and "unexpected" not in r for r in reasons.values())
    stored = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert stored and max(p.stat().st_size for p in stored) < 100_000  # the listing and the article only


@pytest.mark.parametrize(
    "html,pattern,want",
    [
        ('<a href="/news/2024/a.html">a</a><a href="/about">b</a>', r"/news/\d{4}/", ["http://site.example/news/2024/a.html"]),
        ('<a href="a.html#top">a</a><a href="a.html">again</a>', None, ["http://site.example/news/a.html"]),
        ('<a href="https://other.example/news/2024/x">x</a><a href="mailto:x@y">m</a>', None, []),
        ('<a href="javascript:void(0)">js</a><a href="/news/">self</a>', None, []),
    ],
)
def test_extract_links(html, pattern, want):
    assert extract_links(html, "http://site.example/news/", pattern) == want
