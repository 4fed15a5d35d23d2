"""Bad input: each gets a clear recorded reason (or loads safely), and never raises out of process()."""
import pytest
from fpdf import FPDF

from cscetl.acquire import read_local
from cscetl.outcome import Document, Failure
from cscetl.pipeline import process
from cscetl.sources import Source


def pdf_bytes(pages: int, password: str | None = None) -> bytes:
    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="o", user_password=password)
    pdf.set_font("helvetica", size=11)
    for i in range(pages):
        pdf.add_page()
        words = ["leaders", "social workers", "care leavers", "foster carers", "managers", "partners", "families", "inspectors"][i % 8]
        body = (f"Page {i + 1}. Exampleton children's services were inspected by Ofsted.\n"
                f"This part of the report is about {words}, on its own page.\n"
                f"Its findings number {i * 7 + 3} in all, each one checked with {words} in turn.")
        pdf.multi_cell(0, 6, text=body, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def html(body: str, charset: str = "utf-8") -> bytes:
    return f'<html><head><meta charset="{charset}"><title>t</title></head><body><article>{body}</article></body></html>'.encode(charset, "replace")


PARA = "<p>Exampleton's children's services were visited by Ofsted inspectors, who found that leaders understand the service well.</p>"

CASES = [
    # name, bytes, expected ("fail", stage, reason fragment) or ("load", text fragment)
    ("empty.html", b"", ("fail", "acquire", "empty file")),
    ("junk.html", bytes(range(256)) * 40, ("fail", "parse", "binary data")),
    ("error-page.pdf", b"<html><body><h1>500 Internal Server Error</h1></body></html>", ("fail", "parse", "not a PDF")),
    ("locked.pdf", pdf_bytes(1, password="secret"), ("fail", "parse", "encrypted")),
    ("truncated.pdf", pdf_bytes(3)[:900], ("fail", "parse", "PDF")),
    ("huge.html", html(PARA * 100_000), ("fail", "parse", "over the 10 MB cap")),
    ("deep.html", html("<div>" * 5000 + PARA + "</div>" * 5000), ("load", "visited by Ofsted inspectors")),
    ("cp1252.txt", "The council’s “new” plan for children’s services was agreed on Tuesday.".encode("cp1252"), ("load", "council’s “new” plan")),
    ("latin1.html", html("<p>Caf\u00e9 owners and foster carers met the council’s director to discuss fostering.</p>", "latin-1"), ("load", "Café owners")),
    ("no-charset.html", b"<html><body><article><p>Foster carers met the council\x92s director to discuss fostering in the borough.</p></article></body></html>", ("load", "council’s director")),
]


@pytest.mark.parametrize("name,data,want", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, name, data, want):
    path = tmp_path / name
    path.write_bytes(data)
    out = process(read_local(Source(url=None, path=path)))
    if want[0] == "fail":
        assert isinstance(out, Failure), out
        assert out.stage == want[1] and want[2] in out.reason, out
    else:
        assert isinstance(out, Document), out
        assert want[1] in out.clean_text


def test_long_pdf_is_cut_at_the_page_cap_and_says_so(tmp_path, monkeypatch):
    import cscetl.parse_pdf as parse_pdf
    import cscetl.pipeline as pipeline

    monkeypatch.setattr(parse_pdf, "MAX_PAGES", 5)  # 500 pages would make the test slow; the mechanism is the same
    monkeypatch.setattr(pipeline, "MAX_PAGES", 5)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_bytes(8))
    out = process(read_local(Source(url=None, path=path)))
    assert isinstance(out, Document) and out.pages == 8
    assert "findings number 31 " in out.clean_text and "findings number 38 " not in out.clean_text  # pages 5 and 6
    assert [r.text for r in out.removed if r.rule == "page_cap"] == ["pages 6-8 not read (cap 5 pages)"]


def test_missing_file(tmp_path):
    out = process(read_local(Source(url=None, path=tmp_path / "nope.html")))
    assert isinstance(out, Failure) and "file not found" in out.reason


def test_a_document_over_its_time_budget_is_skipped_with_a_reason(tmp_path, monkeypatch):
    import time

    import cscetl.pipeline as pipeline

    def slow_parse(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(pipeline, "PROCESS_SECONDS", 0.3)
    monkeypatch.setattr(pipeline, "parse_bytes", slow_parse)
    path = tmp_path / "slow.html"
    path.write_bytes(html(PARA))
    began = time.monotonic()
    out = process(read_local(Source(url=None, path=path)))
    assert time.monotonic() - began < 2
    assert isinstance(out, Failure) and out.stage == "parse" and "took longer than 0.3 s" in out.reason


# --- Local files that cannot be read: each is that source's problem, never the run's -------------

import os  # noqa: E402
import shutil  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402



def _fifo(tmp_path):
    path = tmp_path / "pipe.html"
    os.mkfifo(path)
    return path


def _loop(tmp_path):
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    return tmp_path / "loop-a"


def _under_a_file(tmp_path):
    (tmp_path / "plain.html").write_text("x")
    return tmp_path / "plain.html" / "page.html"


def _directory(tmp_path):
    (tmp_path / "folder.html").mkdir()
    return tmp_path / "folder.html"


UNREADABLE = [
    # name, how to make the path, reason fragment
    ("kernel refuses the read", lambda tmp: Path("/proc/self/mem"), "cannot read"),
    ("fifo", _fifo, "named pipe"),
    ("symlink loop", _loop, "symbolic links"),
    ("path under a file", _under_a_file, "Not a directory"),
    ("directory", _directory, "directory"),
    ("device", lambda tmp: Path("/dev/zero"), "device"),
]


@pytest.mark.parametrize("name,make,reason", UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable_local_file_is_that_sources_failure(tmp_path, name, make, reason):
    path = make(tmp_path)
    got: list = []
    reader = threading.Thread(target=lambda: got.append(process(read_local(Source(url=None, path=path)))), daemon=True)
    reader.start()
    reader.join(10)
    assert got, f"reading {name} did not return within 10 s"  # a FIFO must not wait for a writer
    out = got[0]
    assert isinstance(out, Failure) and out.stage == "acquire", out
    assert reason in out.reason, out.reason


def test_mode_000_file_is_that_sources_failure(tmp_path):
    """Root reads a mode-000 file anyway, so as root the reading is done by a child running as nobody."""
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cscetl-mode000-"))  # under /tmp, which nobody may traverse
    try:
        folder.chmod(0o755)
        path = folder / "locked.html"
        path.write_bytes(html(PARA))
        path.chmod(0)
        code = ("import sys; from pathlib import Path; from cscetl.acquire import read_local; from cscetl.sources import Source;"
                "a = read_local(Source(url=None, path=Path(sys.argv[1]))); print(a.error if a.content is None else 'READ')")
        if os.geteuid() == 0:
            try:
                done = subprocess.run([sys.executable, "-c", code, str(path)], user=65534, group=65534, extra_groups=[],
                                      capture_output=True, text=True, timeout=60, cwd="/")
            except PermissionError:
                pytest.skip("cannot switch to an unprivileged user here")
            assert done.returncode == 0, done.stderr
            error = done.stdout.strip()
        else:
            error = read_local(Source(url=None, path=path)).error
        assert error == f"cannot read {path}: Permission denied"
    finally:
        path.chmod(0o644)
        shutil.rmtree(folder)


def test_a_readable_file_next_to_unreadable_ones_still_loads(tmp_path):
    good = tmp_path / "good.html"
    good.write_bytes(html(PARA))
    outs = [process(read_local(Source(url=None, path=p))) for p in (_fifo(tmp_path), good, _loop(tmp_path))]
    assert [type(o).__name__ for o in outs] == ["Failure", "Document", "Failure"]


# --- End to end: the real flow over a sources file with one of each broken entry ----------------

def _serve(root: Path):
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


PROSE = ("Exampleton's children's services were judged good by Ofsted inspectors, who said that leaders understand "
         "the service well and that social workers know the children they help. ")


def test_flow_loads_the_rest_when_entries_are_broken(prefect_harness, tmp_path):
    import random
    import string

    import duckdb

    from flows.etl import cscetl_pipeline

    site = tmp_path / "site"
    site.mkdir()
    rnd = random.Random(7)
    (site / "noise.html").write_bytes("".join(rnd.choice(string.printable) for _ in range(200_000)).encode())  # served as text/html
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_bytes(html(PARA))
    (pages / "utf16.txt").write_bytes(b"\xff\xfe" + (PROSE * 4).encode("utf-16-le"))
    os.mkfifo(pages / "pipe.html")
    (pages / "folder.html").mkdir()
    (pages / "loop-a").symlink_to(pages / "loop-b")
    (pages / "loop-b").symlink_to(pages / "loop-a")
    server = _serve(site)
    try:
        src = tmp_path / "sources.toml"
        src.write_text(f"""
[fetch]
allow_private_addresses = true   # the test's server is on 127.0.0.1
retries = 0

[[sources]]
path = "pages/good.html"

[[sources]]
path = "pages/utf16.txt"

[[sources]]
path = "/proc/self/mem"

[[sources]]
path = "pages/pipe.html"

[[sources]]
path = "pages/folder.html"

[[sources]]
path = "pages/loop-a"

[[sources]]
path = 1

[[sources]]
path = "pages/a\\u0000.html"

[[sources]]
url = "https://news.example/listing"
listing = "no"

[[sources]]
path = "pages/good.html"
url = "https://news.example/good"
publisher = 5

[[sources]]
path = "pages/good.html"
url = "https://news.example/good-again"
publsher = "Example Post"

[[sources]]
url = "http://127.0.0.1:{server.server_address[1]}/noise.html"
""", encoding="utf-8")
        warehouse = tmp_path / "w.duckdb"
        summary = cscetl_pipeline(sources=str(src), warehouse=str(warehouse), workers=1)
    finally:
        server.shutdown()
    assert summary.loaded == 2, summary.render()
    con = duckdb.connect(str(warehouse), read_only=True)
    docs = {row[0].rsplit("/", 1)[-1]: row[1] for row in con.execute("SELECT source_url, clean_text FROM documents").fetchall()}
    assert set(docs) == {"good.html", "utf16.txt"}
    assert "judged good by Ofsted inspectors" in docs["utf16.txt"]
    reasons = [r for (r,) in con.execute("SELECT reason FROM source_errors ORDER BY reason").fetchall()]
    expected = ["mem: Input/output error", "is a named pipe", "is a directory", "symbolic links",
                "(line 24): path must be a string, not the integer 1", "(line 27): path contains a NUL byte",
                "(line 30): listing must be a boolean", "(line 34): publisher must be a string, not the integer 5",
                "(line 39): unknown key 'publsher' (did you mean 'publisher'?)", "does not read as language"]
    assert len(reasons) == len(expected), reasons
    for fragment in expected:
        assert sum(fragment in r for r in reasons) == 1, (fragment, reasons)


def test_flow_refuses_a_sources_file_with_no_entries_and_marks_nothing_removed(prefect_harness, tmp_path, capsys):
    import duckdb

    from cscetl.cli import main
    from cscetl.sources import SourcesError
    from flows.etl import cscetl_pipeline

    (tmp_path / "good.html").write_bytes(html(PARA))
    src = tmp_path / "sources.toml"
    src.write_text('[[sources]]\npath = "good.html"\n', encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert cscetl_pipeline(sources=str(src), warehouse=str(warehouse), workers=1).loaded == 1

    def state():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return con.execute("SELECT count(*), count(removed_in_run), (SELECT count(*) FROM pipeline_runs) FROM documents").fetchone()
        finally:
            con.close()

    for body in ("", "sources = []\n", "# all commented out\n# [[sources]]\n", '[[source]]\npath = "good.html"\n'):
        src.write_text(body, encoding="utf-8")
        with pytest.raises(SourcesError, match=r"no \[\[sources\]\] entries|did you mean \[\[sources\]\]"):
            cscetl_pipeline(sources=str(src), warehouse=str(warehouse), workers=1)
        assert state() == (1, 0, 1)  # nothing marked removed, no run recorded
        assert not list(tmp_path.glob("*.building*"))  # refused before the warehouse was copied
    src.write_text("", encoding="utf-8")
    assert main(["run", "--sources", str(src), "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cscetl: ") and "--allow-empty" in err
    assert state() == (1, 0, 1)
    # asked for: the run goes ahead and marks the document removed
    assert main(["run", "--sources", str(src), "--warehouse", str(warehouse), "--allow-empty"]) == 0
    assert state() == (1, 1, 2)
