"""The command line end to end: a real `cscetl run` process, real files, a real HTTP server on 127.0.0.1."""
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from cscetl.cli import main

PAGE = """<html><head><title>Exampleton foster carers</title></head><body><article>
<h1>Exampleton recruits more foster carers</h1>
<p>Exampleton's fostering service has approved 31 new households this year, the council said on Monday.</p>
<p>READ MORE: Exampleton market to move for the summer</p>
<p>Councillor Iris Vance said: "Every new carer means a child can stay close to school and friends."</p>
</article></body></html>"""


@pytest.fixture()
def http_root(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "story.html").write_text(PAGE.replace("Exampleton", "Bury"), encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def make_sources(tmp_path: Path, base_url: str) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_text(PAGE, encoding="utf-8")
    (pages / "empty.html").write_bytes(b"")
    (pages / "junk.html").write_bytes(bytes(range(256)) * 8)
    (pages / "error-page.pdf").write_bytes(b"<html><body><h1>404 Not Found</h1></body></html>")
    (pages / "latin1.txt").write_bytes("Council news\n\nThe council’s “new” plan was agreed by the cabinet on Tuesday evening.".encode("cp1252"))
    src = tmp_path / "sources.toml"
    src.write_text(f"""
[fetch]
allow_private_addresses = true   # the test's server is on 127.0.0.1
timeout_s = 5.0
retries = 0

[[sources]]
path = "pages/good.html"

[[sources]]
path = "pages/empty.html"

[[sources]]
path = "pages/junk.html"

[[sources]]
path = "pages/error-page.pdf"

[[sources]]
path = "pages/missing.html"

[[sources]]
path = "pages/latin1.txt"

[[sources]]
url = "{base_url}/story.html"
publisher = "Test Server"

[[sources]]
url = "{base_url}/nope.html"
""", encoding="utf-8")
    return src


def test_cli_run_records_failures_and_loads_the_rest(tmp_path, http_root):
    sources = make_sources(tmp_path, http_root)
    warehouse = tmp_path / "wh.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.pop("PREFECT_API_URL", None)  # the CLI runs Prefect in its own ephemeral mode
    done = subprocess.run(
        [sys.executable, "-m", "cscetl.cli", "run", "--sources", str(sources), "--warehouse", str(warehouse)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "documents loaded 3 (new 3, changed 0), unchanged 0, failed 5" in out
    for reason in ("empty file", "binary data", "not a PDF", "file not found", "HTTP 404"):
        assert reason in out
    con = duckdb.connect(str(warehouse), read_only=True)
    errors = dict(con.execute("SELECT regexp_extract(source, '[^/]+$'), reason FROM source_errors").fetchall())
    assert set(errors) == {"empty.html", "junk.html", "error-page.pdf", "missing.html", "nope.html"}
    docs = dict(con.execute("SELECT regexp_extract(source_url, '[^/]+$'), la_name FROM documents").fetchall())
    assert docs == {"good.html": None, "latin1.txt": None, "story.html": "Bury"}
    text = con.execute("SELECT clean_text FROM documents WHERE source_url LIKE '%latin1.txt'").fetchone()[0]
    assert "council’s “new” plan" in text  # cp1252 curly quotes decoded
    assert con.execute("SELECT publisher, source_path FROM documents WHERE source_url LIKE 'http%'").fetchone() == ("Test Server", None)
    assert con.execute("SELECT speaker_name FROM quotes WHERE doc_id IN (SELECT doc_id FROM documents WHERE source_url LIKE 'http%')").fetchall() == [("Iris Vance",)]
    assert con.execute("SELECT count(*) FROM documents WHERE clean_text LIKE '%READ MORE%'").fetchone() == (0,)


def test_malformed_sources_file_names_the_line(tmp_path, capsys):
    bad = tmp_path / "sources.toml"
    bad.write_text('[[sources]]\npath = "a.html"\nkind = news\n', encoding="utf-8")
    assert main(["run", "--sources", str(bad), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "line 3" in capsys.readouterr().err


def test_every_source_failing_exits_1(prefect_harness, tmp_path, capsys):
    src = tmp_path / "sources.toml"
    src.write_text('[[sources]]\npath = "nothing-here.html"\n', encoding="utf-8")
    assert main(["run", "--sources", str(src), "--warehouse", str(tmp_path / "w.duckdb")]) == 1
    assert "file not found" in capsys.readouterr().out


def _table_digest(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    digests = {}
    for table, cols in {
        "documents": "doc_id, source_url, kind, publisher, title, author, published_date, la_code, clean_text, content_sha256",
        "inspections": "*", "judgements": "*", "metrics": "*", "quotes": "*", "removed_text": "*", "people": "*",
    }.items():
        digests[table] = con.execute(f"SELECT count(*), sum(hash({cols.replace('*', 'COLUMNS(*)') if cols == '*' else cols})) FROM {table}").fetchall() if cols != "*" else \
            con.execute(f"SELECT count(*), bit_xor(hash(t)) FROM {table} t").fetchall()
    con.close()
    return digests


def test_rerun_gives_identical_tables(prefect_harness, tmp_path, sample_sources):
    from flows.etl import cscetl_pipeline

    warehouse = tmp_path / "twice.duckdb"
    cscetl_pipeline(sources=str(sample_sources), warehouse=str(warehouse))
    first = _table_digest(warehouse)
    summary = cscetl_pipeline(sources=str(sample_sources), warehouse=str(warehouse))
    assert (summary.status, summary.loaded, summary.unchanged, summary.models) == ("ok", 0, 15, [])
    assert "nothing changed since the last run" in summary.render()
    assert _table_digest(warehouse) == first
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (2,)


def test_changed_page_replaces_its_rows(prefect_harness, tmp_path):
    from flows.etl import cscetl_pipeline

    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    src = tmp_path / "sources.toml"
    src.write_text('[[sources]]\npath = "story.html"\n', encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    first = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (first.new, first.changed, first.unchanged) == (1, 0, 0)
    page.write_text(PAGE.replace("Iris Vance", "Iris Vane-Tempest"), encoding="utf-8")
    second = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (second.new, second.changed, second.unchanged) == (0, 1, 0)
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT speaker_name FROM quotes").fetchall() == [("Iris Vane-Tempest",)]
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_fetched_sources_use_conditional_get_and_the_raw_store(prefect_harness, tmp_path, http_root):
    from flows.etl import cscetl_pipeline

    src = tmp_path / "sources.toml"
    src.write_text(f'[fetch]\nallow_private_addresses = true\n\n[[sources]]\nurl = "{http_root}/story.html"\n', encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    first = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (first.new, first.unchanged) == (1, 0)
    second = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (second.new, second.changed, second.unchanged) == (0, 0, 1)
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT status, not_modified, sha256 FROM fetches ORDER BY fetched_at").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(200, False), (304, True)]
    sha = rows[0][2]
    assert (tmp_path / "raw" / sha[:2] / sha).read_bytes().startswith(b"<html>")
    assert con.execute("SELECT content_sha256 FROM documents").fetchone() == (sha,)


def test_private_addresses_refused_unless_allowed(prefect_harness, tmp_path, http_root):
    from flows.etl import cscetl_pipeline

    src = tmp_path / "sources.toml"
    src.write_text(f'[[sources]]\nurl = "{http_root}/story.html"\n', encoding="utf-8")
    summary = cscetl_pipeline(sources=str(src), warehouse=str(tmp_path / "w.duckdb"))
    assert summary.status == "failed"
    assert "loopback" in summary.failures[0].reason and "allow_private_addresses" in summary.failures[0].reason


def test_bad_fetch_setting_is_refused_before_the_run(tmp_path, capsys):
    src = tmp_path / "sources.toml"
    src.write_text('[fetch]\nper_host_concurency = 4\n\n[[sources]]\npath = "a.html"\n', encoding="utf-8")
    assert main(["run", "--sources", str(src), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "per_host_concurency" in capsys.readouterr().err


def test_removed_source_is_marked_not_kept_as_current(prefect_harness, tmp_path):
    from flows.etl import cscetl_pipeline

    for name in ("a", "b"):
        (tmp_path / f"{name}.html").write_text(PAGE.replace("Iris Vance", f"Iris Vance{name.upper()}x"), encoding="utf-8")
    src = tmp_path / "sources.toml"
    src.write_text('[[sources]]\npath = "a.html"\n[[sources]]\npath = "b.html"\n', encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    src.write_text('[[sources]]\npath = "a.html"\n', encoding="utf-8")
    summary = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert summary.removed == 1 and "marked removed" in summary.render()
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = dict(con.execute("SELECT regexp_extract(source_url, '[^/]+$'), removed_in_run IS NOT NULL FROM documents").fetchall())
    assert rows == {"a.html": False, "b.html": True}  # kept, marked
    assert con.execute("SELECT count(*) FROM quotes_by_speaker").fetchone() == (1,)  # the views leave it out


def test_unknown_task_runner_is_refused_before_the_run(tmp_path, capsys, sample_sources):
    code = main(["run", "--sources", str(sample_sources), "--warehouse", str(tmp_path / "w.duckdb"), "--task-runner", "spark"])
    assert code == 2
    assert "unknown task runner 'spark'" in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()


def test_unknown_task_runner_in_the_environment_is_refused_clearly(tmp_path, sample_sources):
    env = dict(os.environ, CSCETL_TASK_RUNNER="spark")
    out = subprocess.run([sys.executable, "-m", "cscetl.cli", "run", "--sources", str(sample_sources), "--warehouse", str(tmp_path / "w.duckdb")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 2
    assert "unknown task runner 'spark'" in out.stderr and "Traceback" not in out.stderr


# ---- the run path's operational behaviour: lock, bad warehouse paths, full disks, progress, serve ----

from test_publish import LOCKER, _garble, _real_warehouse, _truncate, tmpfs  # noqa: E402


def run_cli(tmp_path: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), **(env or {}))
    full_env.pop("PREFECT_API_URL", None)  # Prefect's ephemeral mode, as a user's first run
    return subprocess.run([sys.executable, "-m", "cscetl.cli", "run", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def one_line_error(done: subprocess.CompletedProcess, code: int) -> str:
    assert done.returncode == code, (done.returncode, done.stdout[-1000:], done.stderr[-3000:])
    assert "Traceback" not in done.stderr and "leaked" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cscetl: "), done.stderr[-3000:]
    return lines[0]


def prefect_started(tmp_path: Path) -> bool:
    return (tmp_path / "prefect-home" / "prefect.db").exists()  # the ephemeral server's database


def test_a_busy_warehouse_is_refused_before_prefect_starts(tmp_path, sample_sources):
    pub = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", LOCKER, str(pub) + ".lock", "120"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        began = time.monotonic()
        done = run_cli(tmp_path, "--sources", str(sample_sources), "--warehouse", str(pub))
        took = time.monotonic() - began
    finally:
        holder.kill()
        holder.wait()
    line = one_line_error(done, 3)
    assert line == f"cscetl: another run is writing {pub}; try again when it has finished"
    assert not prefect_started(tmp_path) and took < 30  # Prefect's start-up alone was ~10-20 s here


def _plant_symlinked_lock(tmp_path: Path) -> list[str]:
    (tmp_path / "victim.txt").write_text("precious\n")
    (tmp_path / "w.duckdb.lock").symlink_to(tmp_path / "victim.txt")
    return ["--warehouse", str(tmp_path / "w.duckdb")]


# what is at --sources / --warehouse → exit code and words of the one-line error (nothing else is created)
BAD_RUN_PATHS = [
    ("sources is a folder", lambda t: ["--sources", str(t / "pages")], 2, "is a folder"),
    ("warehouse is a folder", lambda t: ["--warehouse", str(t / "pages")], 2, "is a folder"),
    ("warehouse under a file", lambda t: ["--warehouse", str(t / "pages" / "a.html" / "w.duckdb")], 2,
     "part of that path is a file"),
    ("warehouse is a CSV", lambda t: (t.joinpath("w.duckdb").write_text("la,score\nBury,3\n"),
                                      ["--warehouse", str(t / "w.duckdb")])[1], 4, "not a DuckDB header"),
    ("warehouse is empty", lambda t: (t.joinpath("w.duckdb").write_bytes(b""), ["--warehouse", str(t / "w.duckdb")])[1],
     4, "(empty)"),
    ("header garbled", lambda t: (_real_warehouse(t / "w.duckdb"), _garble(0, 4096)(t / "w.duckdb"),
                                  ["--warehouse", str(t / "w.duckdb")])[2], 4, "not a DuckDB header"),
    ("checksum wrong", lambda t: (_real_warehouse(t / "w.duckdb"), _garble(4096, 8192)(t / "w.duckdb"),
                                  ["--warehouse", str(t / "w.duckdb")])[2], 4, "checksum"),
    ("truncated", lambda t: (_real_warehouse(t / "w.duckdb"), _truncate(t / "w.duckdb"),
                             ["--warehouse", str(t / "w.duckdb")])[2], 4, "truncated"),
    ("lock is a symlink", _plant_symlinked_lock, 4, "is a symbolic link"),
]


@pytest.mark.parametrize("case,setup,code,words", BAD_RUN_PATHS, ids=[c[0] for c in BAD_RUN_PATHS])
def test_a_bad_path_is_one_line_with_its_own_exit_code_and_leaves_nothing(tmp_path, sample_sources, case, setup, code, words):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text(PAGE, encoding="utf-8")
    args = setup(tmp_path)
    if "--sources" not in args:
        args = ["--sources", str(sample_sources), *args]
    before = {p: (p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*")}
    line = one_line_error(run_cli(tmp_path, *args), code)
    assert words in line and ".building" not in line
    if code == 4:
        assert "restore it from a backup" in line or "remove it" in line
    after = {p: (p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*")
             if "prefect-home" not in p.parts}
    assert after == before  # nothing created beside it (no .lock, no .building), nothing changed
    assert not prefect_started(tmp_path)


@pytest.mark.parametrize("room", ["read-only", "too small for the copy"])
def test_a_warehouse_folder_that_cannot_take_the_run_exits_5(tmp_path, sample_sources, room):
    made = _real_warehouse(tmp_path / "made.duckdb")
    size = made.stat().st_size
    with tmpfs(tmp_path / "disk", f"{size * 3 // 2 // 1024}k", read_only=room == "read-only") as disk:
        if room == "too small for the copy":
            shutil.copyfile(made, disk / "w.duckdb")  # two thirds of the disk: its build copy cannot fit
        before = sorted(disk.iterdir())
        line = one_line_error(run_cli(tmp_path, "--sources", str(sample_sources), "--warehouse", str(disk / "w.duckdb")), 5)
        assert ("read-only file system" if room == "read-only" else "no space left on device") in line
        assert str(disk) in line and sorted(disk.iterdir()) == before
    assert not prefect_started(tmp_path)


def _long_texts(tmp_path: Path, n: int = 14) -> Path:
    """Plain-text council news, ~250 KB each: their rows do not fit a 3 MB disk."""
    rng = __import__("random").Random(5)
    places = ["Bury", "Leeds", "Derby", "Luton", "Sefton", "Wigan", "Halton"]
    (tmp_path / "texts").mkdir()
    entries = []
    for i in range(n):
        sentences = [f"The council in {rng.choice(places)} said on Monday that {rng.randint(10, 900)} children were "
                     f"looked after in {rng.randint(2015, 2024)}, and that the fostering service approved "
                     f"{rng.randint(5, 90)} new households after a review of placements." for _ in range(1600)]
        (tmp_path / "texts" / f"story{i}.txt").write_text("Council news\n\n" + "\n\n".join(sentences), encoding="utf-8")
        entries.append(f'[[sources]]\npath = "texts/story{i}.txt"\n')
    (tmp_path / "long.toml").write_text("\n".join(entries), encoding="utf-8")
    return tmp_path / "long.toml"


@pytest.mark.parametrize("stage", ["at the checkpoint", "while loading"])
def test_a_full_disk_ends_the_run_with_exit_5_and_leaves_no_build(tmp_path, sample_sources, stage):
    """Before: while loading, every document was recorded as failed with "cannot rollback - no
    transaction is active" and the run ended 0; at the checkpoint it said "….building.wal still
    exists"; the build copy was left behind."""
    sources = sample_sources if stage == "at the checkpoint" else _long_texts(tmp_path)
    with tmpfs(tmp_path / "disk", "3m") as disk:
        done = run_cli(tmp_path, "--sources", str(sources), "--warehouse", str(disk / "w.duckdb"))
        line = one_line_error(done, 5)
        assert "no space left on device" in line and str(disk / "w.duckdb") in line
        assert "rollback" not in done.stdout + done.stderr and "still exists" not in line
        assert sorted(p.name for p in disk.iterdir()) == ["w.duckdb.lock"]  # no build, no WAL, nothing published


def _pty_run(args: list[str], env: dict, timeout: float = 300) -> tuple[int, str]:
    """Run with stdout on a pseudo-terminal, as a user at a terminal does; (exit code, what it showed)."""
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    shown, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    code = proc.wait(timeout=30)
    proc.stderr.close()
    return code, shown.decode("utf-8", "replace")


def test_a_run_at_a_terminal_shows_a_progress_bar_of_processed_documents(tmp_path, sample_sources):
    """Also the near miss of the bad paths: a warehouse folder that does not exist yet is created."""
    pub = tmp_path / "new" / "folder" / "w.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), COLUMNS="120")
    env.pop("PREFECT_API_URL", None)
    code, shown = _pty_run([sys.executable, "-m", "cscetl.cli", "run", "--sources", str(sample_sources), "--warehouse",
                            str(pub), "--batch-size", "5"], env)
    assert code == 0, shown[-3000:]
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    bars = [ln for ln in re.split(r"[\r\n]+", plain) if ln.startswith("processed ")]
    assert bars and "━" in bars[-1]
    assert re.search(r"15/15 documents [\d.,]+/s \d:\d\d:\d\d", bars[-1]), bars[-1]  # count, rate, elapsed
    counts = [int(m.group(1)) for ln in bars if (m := re.search(r"(\d+)/15 documents", ln))]
    assert counts == sorted(counts) and set(counts) >= {0, 15}
    assert plain.count("cscetl run ") == 1 and pub.exists()


@pytest.mark.parametrize("verbose", [False, True])
def test_a_run_in_a_log_prints_processed_counts_and_one_summary(tmp_path, sample_sources, verbose):
    """Not a terminal: plain lines (every CSCETL_PROGRESS_SECONDS; 0 here, so one per batch) of
    documents processed, not fetched; the summary once, with -v too."""
    done = run_cli(tmp_path, "--sources", str(sample_sources), "--warehouse", str(tmp_path / "w.duckdb"),
                   "--batch-size", "5", *(["-v"] if verbose else []), env={"CSCETL_PROGRESS_SECONDS": "0"})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("processed ")]
    assert [ln.split(" documents")[0] for ln in lines] == ["processed 5/15", "processed 10/15", "processed 15/15"]
    assert all(re.search(r"documents \(\d+%\), [\d.]+/s, \d:\d\d:\d\d elapsed$", ln) for ln in lines), lines
    assert "\x1b[" not in done.stdout and "fetched" not in done.stdout
    assert (done.stdout + done.stderr).count("cscetl run ") == 1
    assert done.stdout.index("processed 15/15") < done.stdout.index("cscetl run ")


def test_a_source_put_back_is_in_the_views_again(prefect_harness, tmp_path):
    from flows.etl import cscetl_pipeline

    for name in ("a", "b"):
        (tmp_path / f"{name}.html").write_text(PAGE.replace("Iris Vance", f"Iris Vance{name.upper()}x"), encoding="utf-8")
    both = '[[sources]]\npath = "a.html"\n[[sources]]\npath = "b.html"\n'
    src = tmp_path / "sources.toml"
    src.write_text(both, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    src.write_text('[[sources]]\npath = "a.html"\n', encoding="utf-8")
    assert cscetl_pipeline(sources=str(src), warehouse=str(warehouse)).removed == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT sum(documents) FROM quotes_by_speaker").fetchone() == (1,)  # b left the views
    con.close()
    src.write_text(both, encoding="utf-8")
    back = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))
    assert (back.loaded, back.unchanged, back.removed, back.restored) == (0, 2, 0, 1)
    assert back.models and "nothing changed" not in back.render() and "1 documents whose source is listed again" in back.render()
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM documents WHERE removed_in_run IS NOT NULL").fetchone() == (0,)
    assert con.execute("SELECT sum(documents) FROM quotes_by_speaker").fetchone() == (2,)  # b is in the views again
    con.close()
    again = cscetl_pipeline(sources=str(src), warehouse=str(warehouse))  # near miss: now nothing changed
    assert (again.restored, again.models) == (0, []) and "nothing changed" in again.render()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("api", ["refused", "none"])
def test_serve_without_a_prefect_api_says_so_in_one_line(tmp_path, api):
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.pop("PREFECT_API_URL", None)
    if api == "refused":
        env["PREFECT_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api"
    done = subprocess.run([sys.executable, "-m", "cscetl.cli", "serve", "--warehouse", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, env=env, timeout=120)
    line = one_line_error(done, 6)
    assert ("does not answer" in line and env["PREFECT_API_URL"] in line) if api == "refused" else "PREFECT_API_URL" in line


def test_serve_ends_with_one_line_when_its_server_goes(tmp_path):
    """Before: Prefect's serve loop retried the lost server for ever, and Ctrl-C hung at
    "Pausing all deployments..."."""
    import signal
    import urllib.request

    port = _closed_port()
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen([str(Path(sys.executable).with_name("prefect")), "server", "start", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    serve = None
    try:
        url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the Prefect server did not start"
                time.sleep(1)
        out = tmp_path / "serve.out"
        with open(out, "w") as fh:
            serve = subprocess.Popen([sys.executable, "-m", "cscetl.cli", "serve", "--warehouse", str(tmp_path / "w.duckdb")],
                                     stdout=fh, stderr=subprocess.PIPE, text=True, env=dict(env, PREFECT_API_URL=url),
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while "being served" not in out.read_text():
            assert serve.poll() is None and time.monotonic() < deadline, out.read_text()[-2000:]
            time.sleep(1)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        code = serve.wait(timeout=120)  # the watcher allows the API ~30 s to come back
        err = serve.stderr.read()
        assert code == 6, err[-2000:]
        assert err.strip().splitlines()[-1].startswith(f"cscetl: lost the Prefect API at {url}")
    finally:
        for proc in (serve, server):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_the_readme_lists_every_exit_code():
    import cscetl.cli as cli

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    listed = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)}
    codes = {value for name, value in vars(cli).items() if name.startswith("EXIT_")}
    assert codes and codes | {0, 141} == listed
