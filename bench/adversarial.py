#!/usr/bin/env python3
"""Hostile and broken input, each run through the real CLI, with the peak memory and time it costs.

    python bench/adversarial.py                  # every case; writes the table to docs/robustness.md
    python bench/adversarial.py --only pdf       # cases whose name contains "pdf"; prints the table only

Each case builds its own folder (a sources.toml, files, and for fetched cases a page served by a
local HTTP server on 127.0.0.1), runs `cscetl run` (or `query`) in a child process group, and
samples the RSS of that process tree every 20 ms. The Prefect server that `cscetl run` starts for
itself (ephemeral mode, the same ~200 MB whatever the input) is measured apart, so the figure is
what the input costs the run. The goal: no input under 1 MB costs more than 500 MB or 30 s.
"""
from __future__ import annotations

import argparse
import gzip
import http.server
import os
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import psutil

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "cscetl.cli"]
RSS_LIMIT_MB, TIME_LIMIT_S, SMALL_INPUT = 500, 30.0, 1_000_000
PROSE = ("Exampleton Council's children's services were visited by Ofsted inspectors in May, "
         "who found that leaders understand their services well and that caseloads have fallen. ")


# ---- inputs ---------------------------------------------------------------------------------

def page(body: str) -> bytes:
    return f"<html><head><title>Exampleton news</title></head><body><article><p>{body}</p></article></body></html>".encode()


def raw_pdf(content: bytes | Callable[[], bytes], compressed: bool = True, deflated: bytes | None = None) -> bytes:
    """A one-page PDF whose page content stream is `content` (Flate-compressed when asked), or the
    already-deflated stream `deflated`."""
    if deflated is not None:
        data, compressed = deflated, True
    else:
        stream = content() if callable(content) else content
        data = zlib.compress(stream, 9) if compressed else stream
    filt = b"/Filter /FlateDecode " if compressed else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< " + filt + b"/Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def many_text_operators() -> bytes:
    # millions of tiny text-showing operators: ~70 KB compressed
    return b"BT /F1 12 Tf 72 700 Td " + b"(a) Tj " * 3_000_000 + b"ET"


def huge_content_stream() -> bytes:
    # a 1 GB content stream of spaces, compressed to about 1 MB
    comp = zlib.compressobj(9)
    chunk = b" " * (16 * 1024 * 1024)
    parts = [comp.compress(b"BT /F1 12 Tf 72 700 Td (x) Tj ET ")]
    for _ in range(64):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    return b"".join(parts)


def fpdf_pdf(password: str | None = None, pages: int = 2) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="o", user_password=password)
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, text=PROSE, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def gzip_bomb(size: int, prefix: bytes = b"<html><body><p>") -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    chunk = b" " * (1024 * 1024)
    parts = [comp.compress(prefix)]
    for _ in range(size // len(chunk)):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    return b"".join(parts)


# ---- a local web server with crafted answers --------------------------------------------------

class Routes(dict):
    """path → (status, headers, body)"""


def serve(routes: Routes) -> tuple[socketserver.TCPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            status, headers, body = routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# ---- cases ----------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    what: str
    build: Callable[[Path, str], tuple[list[str], int]]  # (folder, base url) → (CLI args, input bytes)
    routes: Callable[[], Routes] | None = None
    notes: list[str] = field(default_factory=list)


FETCH = "[fetch]\nallow_private_addresses = true\nretries = 0\n"


def local(filename: str, data: bytes | Callable[[], bytes], extra: str = "") -> Callable[[Path, str], tuple[list[str], int]]:
    def build(d: Path, base: str):
        body = data() if callable(data) else data
        (d / filename).write_bytes(body)
        (d / "good.html").write_bytes(page(PROSE))
        (d / "sources.toml").write_text(f'[[sources]]\npath = "{filename}"\n{extra}\n[[sources]]\npath = "good.html"\n')
        return run_args(d), len(body)
    return build


def toml_only(text: str, size_from: str | None = None) -> Callable[[Path, str], tuple[list[str], int]]:
    def build(d: Path, base: str):
        (d / "good.html").write_bytes(page(PROSE))
        (d / "sources.toml").write_text(text)
        return run_args(d), len(text)
    return build


def special_path(make: Callable[[Path], str]) -> Callable[[Path, str], tuple[list[str], int]]:
    def build(d: Path, base: str):
        target = make(d)
        (d / "good.html").write_bytes(page(PROSE))
        (d / "sources.toml").write_text(f'[[sources]]\npath = {target}\n\n[[sources]]\npath = "good.html"\n')
        return run_args(d), 0
    return build


def fetched(paths: list[str], listing: str | None = None) -> Callable[[Path, str], tuple[list[str], int]]:
    def build(d: Path, base: str):
        entries = "".join(f'[[sources]]\nurl = "{base}{p}"\n\n' for p in paths)
        if listing:
            entries += f'[[sources]]\nurl = "{base}{listing}"\nlisting = true\nlink_pattern = "/bomb/"\nmax_links = 100\n\n'
        (d / "good.html").write_bytes(page(PROSE))
        (d / "sources.toml").write_text(FETCH + "\n" + entries + '[[sources]]\npath = "good.html"\n')
        return run_args(d), 0
    return build


def run_args(d: Path, *extra: str) -> list[str]:
    return ["run", "--sources", str(d / "sources.toml"), "--warehouse", str(d / "w" / "w.duckdb"), *extra]


def _mkfifo(d: Path) -> str:
    os.mkfifo(d / "pipe.html")
    return '"pipe.html"'


def _loop(d: Path) -> str:
    os.symlink(d / "loop-b.html", d / "loop-a.html")
    os.symlink(d / "loop-a.html", d / "loop-b.html")
    return '"loop-a.html"'


def _unreadable(d: Path) -> str:
    p = d / "secret.html"
    p.write_bytes(page(PROSE))
    p.chmod(0)
    return '"secret.html"'


def warehouse_case(prepare: Callable[[Path], Path]) -> Callable[[Path, str], tuple[list[str], int]]:
    def build(d: Path, base: str):
        (d / "good.html").write_bytes(page(PROSE))
        (d / "sources.toml").write_text('[[sources]]\npath = "good.html"\n')
        w = prepare(d)
        return ["run", "--sources", str(d / "sources.toml"), "--warehouse", str(w)], 0
    return build


def _garbled(d: Path) -> Path:
    w = d / "garbled.duckdb"
    w.write_bytes(b"\x00" * 4096 + os.urandom(8192))
    return w


def _not_duckdb(d: Path) -> Path:
    w = d / "notes.duckdb"
    w.write_text("my notes, not a warehouse\n")
    return w


def _lock_symlink(d: Path) -> Path:
    victim = d / "precious.txt"
    victim.write_text("do not truncate me\n")
    (d / "w").mkdir()
    os.symlink(victim, d / "w" / "w.duckdb.lock")
    return d / "w" / "w.duckdb"


def query_case(sql_of: Callable[[Path], str]) -> Callable[[Path, str], tuple[list[str], int]]:
    def build(d: Path, base: str):
        import duckdb

        w = d / "q.duckdb"
        con = duckdb.connect(str(w))
        con.execute("CREATE TABLE documents AS SELECT 1 AS doc_id")
        con.close()
        return ["query", sql_of(d), "--warehouse", str(w)], 0
    return build


def routes_bombs() -> Routes:
    r = Routes()
    bomb = gzip_bomb(99 * 1024 * 1024)
    links = "".join(f'<a href="/bomb/{i}.html">story {i}</a>' for i in range(30))
    r["/news"] = (200, {"Content-Type": "text/html"}, f"<html><body>{links}</body></html>".encode())
    for i in range(30):
        r[f"/bomb/{i}.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    return r


def routes_robots() -> Routes:
    return Routes({"/robots.txt": (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
                                   gzip_bomb(99 * 1024 * 1024, prefix=b"User-agent: *\nAllow: /\n")),
                   "/story.html": (200, {"Content-Type": "text/html"}, page(PROSE))})


def routes_misc() -> Routes:
    import random

    rng = random.Random(5)
    printable = bytes(rng.choice(range(33, 127)) for _ in range(200_000))
    return Routes({
        "/random.html": (200, {"Content-Type": "text/html"}, printable),
        "/js-redirect": (302, {"Location": "javascript:alert(1)"}, b""),
        "/data-redirect": (302, {"Location": "data:text/html,<p>hi</p>"}, b""),
    })


def _bytes_of(f: Callable[[], bytes]) -> Callable[[], bytes]:
    cache: list[bytes] = []

    def get() -> bytes:
        if not cache:
            cache.append(f())
        return cache[0]
    return get


CASES = [
    Case("sample", "the bundled sample (15 pages): the baseline", lambda d, b: (["run", "--warehouse", str(d / "w.duckdb")], 0)),
    Case("empty-file", "an empty file", local("empty.html", b"")),
    Case("binary", "random binary bytes as .html", local("junk.html", os.urandom(200_000))),
    Case("html-as-pdf", "an HTML error page saved as .pdf", local("report.pdf", b"<html><body><h1>500</h1></body></html>")),
    Case("encrypted-pdf", "a password-protected PDF", local("locked.pdf", lambda: fpdf_pdf(password="secret"))),
    Case("truncated-pdf", "a PDF cut off after 900 bytes", local("cut.pdf", lambda: fpdf_pdf()[:900])),
    Case("pdf-text-operators", "a 70 KB PDF with 3 million text operators", local("ops.pdf", _bytes_of(lambda: raw_pdf(many_text_operators)))),
    Case("pdf-1gb-stream", "a ~1 MB PDF whose content stream inflates to 1 GB", local("big.pdf", _bytes_of(lambda: raw_pdf(b"", deflated=huge_content_stream())))),
    Case("page-11mb", "an 11 MB HTML page", local("huge.html", lambda: page(PROSE * 60_000))),
    Case("deep-nesting", "HTML nested 5,000 divs deep", local("deep.html", page("<div>" * 5000 + PROSE + "</div>" * 5000))),
    Case("utf16-bom", "UTF-16 text with a byte-order mark", local("letter.txt", ("\ufeff" + PROSE * 5).encode("utf-16-le"))),
    Case("unreadable", "a file with mode 000 (root reads it anyway)", special_path(_unreadable)),
    Case("proc-mem", "path = /proc/self/mem", special_path(lambda d: '"/proc/self/mem"')),
    Case("symlink-loop", "a symlink loop", special_path(_loop)),
    Case("directory", "a directory as a path", special_path(lambda d: '"."')),
    Case("fifo", "a named pipe as a path", special_path(_mkfifo)),
    Case("path-int", "path = 1", special_path(lambda d: "1")),
    Case("path-nul", "a NUL byte in a path", special_path(lambda d: '"a\\u0000b.html"')),
    Case("listing-no", 'listing = "no"', toml_only('[[sources]]\nurl = "https://example.org/news"\nlisting = "no"\n\n[[sources]]\npath = "good.html"\n')),
    Case("publisher-int", "publisher = 5", toml_only('[[sources]]\npath = "good.html"\npublisher = 5\n')),
    Case("unknown-key", "a misspelt key (publsher)", toml_only('[[sources]]\npath = "good.html"\npublsher = "X"\n')),
    Case("source-typo", "[[source]] instead of [[sources]]", toml_only('[[source]]\npath = "good.html"\n')),
    Case("no-sources", "an empty sources file", toml_only("")),
    Case("sources-dir", "--sources a directory", lambda d, b: (["run", "--sources", str(d), "--warehouse", str(d / "w.duckdb")], 0)),
    Case("warehouse-dir", "--warehouse a directory", warehouse_case(lambda d: d)),
    Case("warehouse-missing-parent", "--warehouse in a folder that does not exist", warehouse_case(lambda d: d / "no" / "such" / "w.duckdb")),
    Case("warehouse-not-duckdb", "--warehouse an existing text file", warehouse_case(_not_duckdb)),
    Case("warehouse-garbled", "--warehouse a garbled DuckDB file", warehouse_case(_garbled)),
    Case("lock-symlink", "the lock file is a symlink to another file", warehouse_case(_lock_symlink)),
    Case("random-printable", "200 KB of random printable bytes served as text/html", fetched(["/random.html"]), routes_misc),
    Case("redirect-javascript", "a redirect to javascript:", fetched(["/js-redirect", "/data-redirect"]), routes_misc),
    Case("gzip-bomb-listing", "a listing of 30 gzip bombs (~100 KB each, 99 MB decoded)", fetched([], listing="/news"), routes_bombs),
    Case("gzip-bomb-robots", "a gzip-bombed robots.txt (~100 KB, 99 MB decoded)", fetched(["/story.html"]), routes_robots),
    Case("query-copy", "cscetl query \"COPY … TO file\"", query_case(lambda d: f"COPY documents TO '{d / 'leak.csv'}'")),
    Case("query-attach", "cscetl query \"ATTACH … (READ_WRITE)\"", query_case(lambda d: f"ATTACH '{d / 'other.duckdb'}' AS o")),
    Case("query-install", "cscetl query \"INSTALL httpfs\"", query_case(lambda d: "INSTALL httpfs")),
]


# ---- measuring ------------------------------------------------------------------------------

def _is_prefect_server(p: psutil.Process) -> bool:
    try:
        cmd = " ".join(p.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return "uvicorn" in cmd or "prefect.server" in cmd or "server start" in cmd


def measure(args: list[str], cwd: Path, env: dict, timeout: float = 300) -> dict:
    began = time.monotonic()
    proc = subprocess.Popen(CLI + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, text=True)
    root = psutil.Process(proc.pid)
    peak = server_peak = 0
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(proc.communicate()), daemon=True)
    reader.start()
    while proc.poll() is None and time.monotonic() - began < timeout:
        total = server = 0
        try:
            procs = [root] + root.children(recursive=True)
        except psutil.NoSuchProcess:
            break
        servers = {c.pid for c in procs if _is_prefect_server(c)}
        for c in procs:
            try:
                rss = c.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            if c.pid in servers or any(a.pid in servers for a in _parents(c)):
                server += rss
            else:
                total += rss
        peak, server_peak = max(peak, total), max(server_peak, server)
        time.sleep(0.02)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    reader.join(30)
    seconds = time.monotonic() - began
    stdout, stderr = (out + ["", ""])[:2]
    return {"rc": proc.returncode, "seconds": seconds, "peak_mb": peak / 2**20, "server_mb": server_peak / 2**20,
            "stdout": stdout, "stderr": stderr}


def _parents(p: psutil.Process) -> list[psutil.Process]:
    try:
        return p.parents()
    except psutil.NoSuchProcess:
        return []


def outcome(r: dict) -> str:
    """The line a user would read: the failure reason for the bad source, else the first error line."""
    lines = [ln.strip() for ln in (r["stdout"] + "\n" + r["stderr"]).splitlines() if ln.strip()]
    failed = [ln for ln in lines if ln.startswith("FAILED")]
    if failed:
        return " / ".join(failed)[:300]
    errors = [ln for ln in lines if ln.startswith("cscetl:") or "Error" in ln or "error" in ln]
    if errors:
        return errors[-1][:300]
    loaded = [ln for ln in lines if ln.startswith("sources ")]
    return (loaded[0] if loaded else (lines[-1] if lines else ""))[:300]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "robustness.md")
    a = ap.parse_args()
    cases = [c for c in CASES if not a.only or a.only in c.name]
    rows, over = [], []
    with tempfile.TemporaryDirectory(prefix="cscetl-adv-") as tmp:
        home = Path(tmp) / "prefect-home"
        env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PREFECT_LOGGING_LEVEL="ERROR", COLUMNS="200")
        env.pop("PREFECT_API_URL", None)
        subprocess.run(CLI + ["run", "--warehouse", str(Path(tmp) / "warm.duckdb")], env=env, capture_output=True)  # Prefect home prepared
        for case in cases:
            d = Path(tmp) / case.name
            d.mkdir()
            server = None
            base = ""
            if case.routes:
                server, base = serve(case.routes())
            try:
                args, size = case.build(d, base)
                r = measure(args, d, env)
            finally:
                if server:
                    server.shutdown()
            size_text = f"{size / 1e6:.2f} MB" if size >= 100_000 else (f"{size:,} B" if size else "")
            row = (case.name, case.what, size_text, r["rc"], outcome(r), r["peak_mb"], r["seconds"], r["server_mb"])
            rows.append(row)
            if size < SMALL_INPUT and case.name != "sample" and (r["peak_mb"] > RSS_LIMIT_MB or r["seconds"] > TIME_LIMIT_S):
                over.append(case.name)
            print(f"{case.name:26} rc={r['rc']} peak={r['peak_mb']:.0f}MB t={r['seconds']:.1f}s  {row[4]}", flush=True)
            shutil.rmtree(d, ignore_errors=True)
    table = render(rows, over)
    if a.only:
        print(table)
    else:
        a.out.write_text(table)
        print(f"written {a.out}")
    print(f"bench: adversarial cases={len(rows)} over_limits={len(over)} {' '.join(over)}")
    return 1 if over else 0


def render(rows: list[tuple], over: list[str]) -> str:
    head = [
        "# Robustness: hostile and broken input",
        "",
        "Every input below was run through the real CLI by `python bench/adversarial.py` (a fresh folder",
        "per case, a good page beside the bad one, fetched cases served from 127.0.0.1). *Peak RSS* is the",
        "run's process tree (the flow process and its workers); the Prefect server that `cscetl run`",
        "starts for itself in ephemeral mode is shown apart (it costs the same whatever the input). *Time*",
        "includes that server's start. Goal: no input under 1 MB costs more than 500 MB or 30 s.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores. Inputs over the limits: {', '.join(over) or 'none'}.",
        "",
        "| case | input | size | exit | what the user reads | peak RSS (MB) | time (s) | Prefect server (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    body = [f"| {n} | {w} | {s} | {rc} | {o.replace('|', '/')} | {p:.0f} | {t:.1f} | {sv:.0f} |" for n, w, s, rc, o, p, t, sv in rows]
    return "\n".join(head + body) + "\n"


if __name__ == "__main__":
    sys.exit(main())
