"""Readers during writes, and runs that die: the published warehouse is always a whole run."""
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cscetl.publish import WarehouseBusy, building, building_path
from cscetl.query import run_query


def test_publish_replaces_atomically_and_keeps_old_on_failure(tmp_path):
    pub = tmp_path / "w.duckdb"
    with building(pub) as work:
        con = duckdb.connect(str(work))
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        con.close()
    assert run_query(pub, "SELECT x FROM t", "csv") == "x\r\n1\r\n"
    with pytest.raises(RuntimeError):
        with building(pub) as work:
            con = duckdb.connect(str(work))
            con.execute("INSERT INTO t VALUES (2)")
            con.close()
            raise RuntimeError("the run died")
    assert run_query(pub, "SELECT count(*) AS n FROM t", "json").replace(" ", "").replace("\n", "") == '[{"n":1}]'


def test_a_second_writer_is_refused(tmp_path):
    pub = tmp_path / "w.duckdb"
    with building(pub):
        with pytest.raises(WarehouseBusy, match="another run"):
            with building(pub):
                pass


def test_stale_build_from_a_killed_run_is_discarded(tmp_path):
    pub = tmp_path / "w.duckdb"
    building_path(pub).write_bytes(b"half-written junk")
    with building(pub) as work:
        assert not work.exists()  # started again from nothing (no published file yet)
        duckdb.connect(str(work)).close()
    assert pub.exists()


READER = """
import sys, time, duckdb
path, stop = sys.argv[1], float(sys.argv[2])
errors = snapshots = 0
bad = []
while time.time() < stop:
    try:
        con = duckdb.connect(path, read_only=True)
        runs = con.execute("SELECT count(*) FROM pipeline_runs WHERE finished_at IS NULL").fetchone()[0]
        orphans = con.execute("SELECT count(*) FROM quotes q LEFT JOIN documents d USING (doc_id) WHERE d.doc_id IS NULL").fetchone()[0]
        con.close()
        snapshots += 1
        if runs or orphans:
            bad.append((runs, orphans))
    except Exception as exc:
        errors += 1
        print("ERROR", exc, file=sys.stderr)
    time.sleep(0.02)
print(snapshots, errors, len(bad))
"""


def test_reader_in_another_process_never_fails_during_a_run(tmp_path, sample_sources):
    pub = tmp_path / "w.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "ph"))
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "cscetl.cli", "run", "--sources", str(sample_sources), "--warehouse", str(pub)]
    assert subprocess.run(cmd, env=env, capture_output=True, timeout=300).returncode == 0  # a first published state
    reader = subprocess.Popen([sys.executable, "-c", READER, str(pub), str(time.time() + 25)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run = subprocess.run(cmd + ["--full-refresh"], env=env, capture_output=True, text=True, timeout=300)
    out, err = reader.communicate(timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    snapshots, errors, inconsistent = map(int, out.split())
    assert snapshots > 50 and errors == 0 and inconsistent == 0, err[-2000:]


def test_twenty_kills_leave_the_published_warehouse_whole(tmp_path, sample_sources):
    """SIGKILL 20 real `cscetl run` processes at random moments (bench/kill_soak.py does 200)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from kill_soak import soak

    result = soak(20, sample_sources, tmp_path)
    assert result["kills"] == 20 and result["survived"] == 20 and result["inconsistent"] == 0
    assert result["next_run_ok"] and result["rows_lost"] == 0
