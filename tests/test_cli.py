"""The command line end to end: a real `cscetl run` process, real files, a real HTTP server on 127.0.0.1."""
import os
import subprocess
import sys
import threading
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
