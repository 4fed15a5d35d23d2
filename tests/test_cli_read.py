"""The read-side commands (query, schema, export, dashboard) as a user runs them: real `cscetl`
processes, real warehouse files (whole, damaged, locked down), real pipes, real HTTP on 127.0.0.1."""
import os
import random
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

CSCETL = str(Path(sys.executable).with_name("cscetl"))  # the console script installed in the venv
README = Path(__file__).resolve().parents[1] / "README.md"
REBUILD_HINT = "cscetl run --full-refresh --warehouse NEW_FILE"


def cscetl(*args: str, env: dict | None = None, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CSCETL, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env=dict(os.environ, **(env or {})))


def assert_one_line_error(done: subprocess.CompletedProcess, code: int) -> str:
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cscetl: "), done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def warehouse(sample_run, tmp_path_factory) -> Path:
    """A copy of the bundled sample's warehouse, never damaged (each test damages its own copy)."""
    path = tmp_path_factory.mktemp("read") / "sample.duckdb"
    shutil.copyfile(sample_run[1], path)
    return path


# ---------------------------------------------------------------- 1. query is locked in the warehouse

def _fake_extension_repo(root: Path) -> Path:
    """A local extension repository holding one (invalid) extension, so INSTALL needs no network."""
    con = duckdb.connect()
    platform = con.execute("PRAGMA platform").fetchone()[0]
    folder = root / "repo" / f"v{duckdb.__version__}" / platform
    folder.mkdir(parents=True)
    (folder / "fake.duckdb_extension").write_bytes(random.Random(1).randbytes(4096))
    return folder / "fake.duckdb_extension"


ATTACKS = [  # (name, SQL; {out} is an empty folder, {secret} a file outside the warehouse)
    ("copy table to a file", "COPY documents TO '{out}/documents.csv'"),
    ("copy a query to parquet", "COPY (SELECT * FROM quotes) TO '{out}/quotes.parquet' (FORMAT parquet)"),
    ("export database", "EXPORT DATABASE '{out}/dump'"),
    ("attach a new file read-write", "ATTACH '{out}/new.duckdb' AS x (READ_WRITE)"),
    ("attach and write", "ATTACH '{out}/new.duckdb' AS x; CREATE TABLE x.t AS SELECT 1 AS a"),
    ("install an extension", "INSTALL fake FROM '{repo}'"),
    ("load an extension file", "LOAD '{extension}'"),
    ("read another file", "SELECT * FROM read_text('{secret}')"),
    ("read another file as csv", "SELECT * FROM read_csv('{secret}')"),
    ("re-enable external access, then copy", "SET enable_external_access = true; COPY documents TO '{out}/d.csv'"),
    ("unlock the configuration", "SET lock_configuration = false"),
    ("widen allowed directories", "SET allowed_directories = ['{out}']; COPY documents TO '{out}/d.csv'"),
    ("log queries to a file", "SET log_query_path = '{out}/log.txt'; SELECT 42"),
    ("turn autoinstall back on", "SET autoinstall_known_extensions = true"),
    ("auto-install by naming an extension's function", "SELECT * FROM sqlite_scan('{secret}', 'x')"),
]


@pytest.mark.parametrize("name,sql", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_query_refuses_sql_that_reaches_outside_the_warehouse(warehouse, tmp_path, name, sql):
    out, home = tmp_path / "out", tmp_path / "home"
    out.mkdir()
    home.mkdir()
    extension = _fake_extension_repo(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("name,password\nroot,hunter2\n")
    sql = sql.format(out=out, repo=tmp_path / "repo", extension=extension, secret=secret)
    # HOME: where DuckDB would install extensions, so an INSTALL that got through would show there
    done = cscetl("query", sql, "--warehouse", str(warehouse), env={"HOME": str(home)})
    line = assert_one_line_error(done, 1)
    assert "refused" in line and "--allow-external-access" in line
    assert "hunter2" not in done.stdout
    assert list(out.iterdir()) == [] and list(home.iterdir()) == []  # nothing written, nothing installed


def _readme_queries() -> list[list[str]]:
    """The `cscetl query` examples in the README, as argument lists (a shell redirection cut off)."""
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith(".venv/bin/cscetl query "):
            args = shlex.split(line, comments=True)[1:]
            found.append(args[:args.index(">")] if ">" in args else args)
    return found


NORMAL = [  # near misses: read-only SQL, some of it naming the same statements as text
    ["query", "SELECT la_name, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1", "--format", "json"],
    ["query", "SELECT 'COPY documents TO ''/tmp/x.csv''' AS text, 'INSTALL httpfs' AS other", "--format", "csv"],
    ["query", "SELECT count(*) FROM information_schema.tables"],
    ["query", "SELECT current_setting('enable_external_access') AS external"],
    ["query", "WITH q AS (SELECT * FROM quotes) SELECT count(*) FROM q JOIN documents USING (doc_id)"],
    ["query", "SELECT strftime(max(start_date), '%d %B %Y') FROM la_inspection_timeline"],
    ["query", "SELECT json_object('n', count(*)) FROM metric_trends"],
]


def test_readme_has_query_examples_with_the_opt_in():
    examples = _readme_queries()
    assert len(examples) >= 3 and any("--allow-external-access" in e for e in examples)


@pytest.mark.parametrize("args", _readme_queries() + NORMAL, ids=lambda a: a[1][:50])
def test_read_only_queries_and_readme_examples_work(warehouse, tmp_path, args):
    done = cscetl(*args, "--warehouse", str(warehouse), cwd=tmp_path)  # an example may write a file
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout.strip()


def test_allow_external_access_lets_copy_write_a_file(warehouse, tmp_path):
    target = tmp_path / "documents.csv"
    done = cscetl("query", f"COPY documents TO '{target}' (HEADER true)", "--warehouse", str(warehouse),
                  "--allow-external-access")
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("doc_id,")
    # the opt-in still opens the warehouse itself read-only
    done = cscetl("query", "DELETE FROM documents", "--warehouse", str(warehouse), "--allow-external-access")
    assert "read-only" in assert_one_line_error(done, 1).lower()


# ---------------------------------------------------------------- 2. dashboard port in use

def test_dashboard_port_in_use_is_one_line_and_exit_7(warehouse):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cscetl("dashboard", "--warehouse", str(warehouse), "--port", str(port), timeout=60)
    line = assert_one_line_error(done, 7)
    assert f"127.0.0.1:{port}" in line and "in use" in line.lower() and "--port" in line


# ---------------------------------------------------------------- 3. a reader that goes away

@pytest.fixture(scope="module")
def wide_warehouse(tmp_path_factory) -> Path:
    """Hundreds of long-named, commented tables: every listing is far bigger than a pipe's buffer,
    so the writer is certain to meet the closed pipe after `head -1` has gone."""
    path = tmp_path_factory.mktemp("wide") / "wide.duckdb"
    con = duckdb.connect(str(path))
    for i in range(400):
        name = f"t{i:03d}_" + "x" * 190
        con.execute(f'CREATE TABLE "{name}" AS SELECT 1 AS a')
        con.execute(f"""COMMENT ON TABLE "{name}" IS '{"one row per thing, described at length " * 8}'""")
    con.close()
    return path


PIPED = [  # (name, arguments after `cscetl`; {w} the warehouse, {out} a folder)
    ("schema", ["schema", "--warehouse", "{w}"]),
    ("schema --markdown", ["schema", "--markdown", "--warehouse", "{w}"]),
    ("query", ["query", "SELECT range AS n, repeat('x', 100) AS pad FROM range(20000)", "--warehouse", "{w}"]),
    ("query csv", ["query", "SELECT range AS n FROM range(200000)", "--format", "csv", "--warehouse", "{w}"]),
    ("export listing", ["export", "--format", "csv", "--out", "{out}", "--warehouse", "{w}"]),
]


@pytest.mark.parametrize("name,args", PIPED, ids=[p[0] for p in PIPED])
def test_output_piped_to_head_stops_quietly(wide_warehouse, tmp_path, name, args):
    args = [a.format(w=wide_warehouse, out=tmp_path / "out") for a in args]
    cli = subprocess.Popen([CSCETL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.Popen(["head", "-1"], stdin=cli.stdout, stdout=subprocess.PIPE)
    cli.stdout.close()  # only head reads it now: when head exits, the pipe is closed
    first, _ = head.communicate(timeout=120)
    err = cli.stderr.read().decode()
    cli.stderr.close()
    assert cli.wait(timeout=120) == 141, err  # 128 + SIGPIPE, as a shell reports a program ended by it
    assert err == ""  # no traceback, no "Exception ignored" at exit
    assert first.count(b"\n") == 1


def test_whole_output_to_a_pipe_still_exits_0(wide_warehouse):
    done = subprocess.run(f"{shlex.quote(CSCETL)} schema --warehouse {shlex.quote(str(wide_warehouse))} | wc -l",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "400" and done.stderr == ""


# ---------------------------------------------------------------- 4. a damaged published warehouse

def _damage(kind: str, good: bytes, path: Path) -> None:
    """Make `path` a damaged warehouse of the given kind (the good file's bytes as the starting point)."""
    if path.is_dir():
        path.rmdir()
    rnd = random.Random(kind)
    if kind == "truncated":
        path.write_bytes(good[:20_000])  # headers kept, catalogue cut off
    elif kind == "truncated to the first block":
        path.write_bytes(good[:100])
    elif kind == "garbled file header":
        path.write_bytes(rnd.randbytes(4096) + good[4096:])
    elif kind == "garbled database headers":
        path.write_bytes(good[:4096] + rnd.randbytes(8192) + good[12288:])
    elif kind == "zeroed":
        path.write_bytes(bytes(len(good)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text file":
        path.write_text("doc_id,la_code\n1,E06000038\n" * 100)
    elif kind == "sqlite database":
        path.unlink(missing_ok=True)
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE documents (doc_id TEXT)")
        con.commit()
        con.close()
    elif kind == "directory":
        path.unlink(missing_ok=True)
        path.mkdir()
    else:
        raise AssertionError(kind)


DAMAGE = ["truncated", "truncated to the first block", "garbled file header", "garbled database headers",
          "zeroed", "empty", "text file", "sqlite database", "directory"]
READERS = [  # (name, arguments; {w} the warehouse, {out} a folder)
    ("query", ["query", "SELECT count(*) FROM documents", "--warehouse", "{w}"]),
    ("schema", ["schema", "--warehouse", "{w}"]),
    ("schema --markdown", ["schema", "--markdown", "--warehouse", "{w}"]),
    ("export csv", ["export", "--format", "csv", "--out", "{out}", "--warehouse", "{w}"]),
    ("export xlsx", ["export", "--format", "xlsx", "--out", "{out}", "--warehouse", "{w}"]),
]


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("reader,args", READERS, ids=[r[0] for r in READERS])
def test_damaged_warehouse_is_named_with_what_to_do_exit_4(warehouse, tmp_path, kind, reader, args):
    damaged = tmp_path / "cscetl.duckdb"
    _damage(kind, warehouse.read_bytes(), damaged)
    done = cscetl(*[a.format(w=damaged, out=tmp_path / "out") for a in args])
    line = assert_one_line_error(done, 4)
    assert str(damaged) in line and REBUILD_HINT in line and "backup" in line


@pytest.mark.parametrize("args", [["query", "SELECT sum(length(clean_text)) FROM documents"],
                                  ["export", "--format", "parquet", "--out", "{out}"]], ids=["query", "export"])
def test_damage_met_mid_query_is_exit_4(warehouse, tmp_path, args):
    """A truncated file whose catalogue survives opens; the first query to reach a missing block says so."""
    damaged = tmp_path / "cscetl.duckdb"
    good = warehouse.read_bytes()
    damaged.write_bytes(good[:len(good) // 10])
    assert cscetl("schema", "--warehouse", str(damaged)).returncode == 0  # near miss: the catalogue is whole
    done = cscetl(*[a.format(out=tmp_path / "out") for a in args], "--warehouse", str(damaged))
    line = assert_one_line_error(done, 4)
    assert str(damaged) in line and REBUILD_HINT in line


@pytest.mark.parametrize("reader,args", READERS, ids=[r[0] for r in READERS])
def test_whole_and_missing_warehouses_near_misses(warehouse, tmp_path, reader, args):
    done = cscetl(*[a.format(w=warehouse, out=tmp_path / "out") for a in args])
    assert done.returncode == 0 and done.stderr == "", done.stderr
    missing = tmp_path / "nowhere.duckdb"
    line = assert_one_line_error(cscetl(*[a.format(w=missing, out=tmp_path / "out2") for a in args]), 2)
    assert f"no warehouse at {missing}" in line and "cscetl run" in line


def _get(url: str) -> tuple[int | None, str]:
    """(status, body); (None, reason) for a connection closed without a reply."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")
    except (ConnectionError, urllib.error.URLError, OSError) as e:  # an empty reply
        return None, repr(e)


@pytest.fixture()
def dashboard(warehouse, tmp_path):
    """A real `cscetl dashboard` process on a free port, over a copy of the warehouse."""
    path = tmp_path / "cscetl.duckdb"
    shutil.copyfile(warehouse, path)
    proc = subprocess.Popen([CSCETL, "dashboard", "--warehouse", str(path), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert match, (first, proc.stderr.read() if proc.poll() is not None else "")
        yield f"http://127.0.0.1:{match.group(1)}", path, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


PAGES = ["/", "/council/E06000038", "/quotes?q=care", "/no-such-page"]


def test_dashboard_answers_503_for_a_damaged_warehouse_and_recovers(dashboard, warehouse):
    url, path, proc = dashboard
    good = warehouse.read_bytes()
    assert _get(url + "/")[0] == 200
    for kind in DAMAGE:
        _damage(kind, good, path)
        for page in PAGES:
            status, body = _get(url + page)
            assert status == 503, (kind, page, status, body[:300])
            assert "Warehouse unusable" in body and str(path) in body and REBUILD_HINT in body, (kind, page)
        # fixed (restored from a backup): the next page is whole again, from the same process
        if path.is_dir():
            path.rmdir()
        shutil.copyfile(warehouse, path)
        status, body = _get(url + "/council/E06000038")
        assert status == 200 and "Inspection timeline" in body, (kind, status)
    assert proc.poll() is None


def test_dashboard_damage_met_mid_page_is_503_not_an_empty_reply(dashboard, warehouse):
    url, path, _ = dashboard
    good = warehouse.read_bytes()
    path.write_bytes(good[:len(good) // 10])
    answers = {page: _get(url + page) for page in PAGES}
    for page, (status, body) in answers.items():
        assert status in (200, 404, 503), (page, status, body[:300])
        if status == 503:
            assert str(path) in body and REBUILD_HINT in body
    assert any(status == 503 for status, _ in answers.values())
    shutil.copyfile(warehouse, path)
    assert _get(url + "/")[0] == 200


def test_dashboard_missing_warehouse_keeps_its_message(dashboard, warehouse):
    url, path, _ = dashboard
    path.unlink()
    status, body = _get(url + "/")
    assert status == 503 and "No warehouse yet" in body and "cscetl run" in body
    shutil.copyfile(warehouse, path)
    deadline = time.monotonic() + 10
    while _get(url + "/")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _get(url + "/")[0] == 200
