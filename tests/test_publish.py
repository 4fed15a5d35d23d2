"""Readers during writes, and runs that die: the published warehouse is always a whole run."""
import os
import subprocess
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from cscetl import warehouse as wh
from cscetl.publish import (WarehouseBusy, WarehouseDamaged, WarehouseError, WarehousePathError, WarehouseUnwritable,
                            building, building_path, lock_path, reserved)
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


def test_a_reserved_lock_is_lent_to_one_build_only(tmp_path):
    """`cscetl run` takes the lock before Prefect starts; the flow's build uses that lock, and a
    second build in the same process is still refused (a second open of the file would be)."""
    pub = tmp_path / "w.duckdb"
    with reserved(pub):
        with building(pub) as work:
            duckdb.connect(str(work)).close()
            with pytest.raises(WarehouseBusy):
                with building(pub):
                    pass
        with building(pub):  # given back after the first build: a retry in the same run may build again
            pass
        locker = subprocess.run([sys.executable, "-c", LOCKER, str(lock_path(pub)), "0"], capture_output=True, text=True)
        assert locker.stdout.strip() == "busy"  # another process is refused throughout
    assert subprocess.run([sys.executable, "-c", LOCKER, str(lock_path(pub)), "0"], capture_output=True,
                          text=True).stdout.strip() == "locked"


LOCKER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("busy", flush=True)
    sys.exit(0)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.parametrize("target", ["file", "dangling"])
def test_a_lock_planted_as_a_symlink_is_refused_and_its_target_untouched(tmp_path, target):
    pub = tmp_path / "w.duckdb"
    victim = tmp_path / "victim.txt"
    if target == "file":
        victim.write_text("precious\n")
    lock_path(pub).symlink_to(victim)
    with pytest.raises(WarehouseError, match="symbolic link"):
        with building(pub):
            pass
    assert (victim.read_text() == "precious\n") if target == "file" else not victim.exists()
    assert not building_path(pub).exists() and not pub.exists()


def test_an_existing_lock_file_is_not_truncated(tmp_path):
    pub = tmp_path / "w.duckdb"
    lock_path(pub).write_text("left by an operator\n")  # near miss: a plain file is used as it is
    with building(pub) as work:
        duckdb.connect(str(work)).close()
    assert lock_path(pub).read_text() == "left by an operator\n" and pub.exists()


def _real_warehouse(path: Path) -> Path:
    """A real warehouse: the schema and a few hundred rows, several DuckDB blocks long."""
    con = wh.connect(path)
    con.execute("CREATE TABLE filler AS SELECT range AS i, repeat(md5(range::VARCHAR), 20) AS s FROM range(20000)")
    con.close()
    return path


def _garble(at: int, n: int):
    def damage(path: Path) -> None:
        with open(path, "r+b") as fh:
            fh.seek(at)
            fh.write(bytes((i * 37 + 11) % 256 for i in range(n)))
    return damage


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


# what is at the warehouse path → what building() raises and what the message must say
BAD_TARGETS = [
    ("a folder", lambda p: p.mkdir(), WarehousePathError, "is a folder"),
    ("not DuckDB", lambda p: p.write_text("name,score\nada,1\n"), WarehouseDamaged, "not a DuckDB header"),
    ("empty", lambda p: p.write_bytes(b""), WarehouseDamaged, "empty"),
    ("garbled header", lambda p: (_real_warehouse(p), _garble(0, 4096)(p)), WarehouseDamaged, "not a DuckDB header"),
    ("garbled, magic kept", lambda p: (_real_warehouse(p), _garble(16, 4000)(p)), WarehouseDamaged, "checksum"),
    ("database header garbled", lambda p: (_real_warehouse(p), _garble(4096, 8192)(p)), WarehouseDamaged, "checksum"),
    ("truncated", lambda p: (_real_warehouse(p), _truncate(p)), WarehouseDamaged, "truncated"),
]


@pytest.mark.parametrize("case,make,error,words", BAD_TARGETS, ids=[c[0] for c in BAD_TARGETS])
def test_an_unusable_warehouse_is_named_and_nothing_is_left_beside_it(tmp_path, case, make, error, words):
    pub = tmp_path / "w.duckdb"
    make(pub)
    before = sorted(tmp_path.iterdir())
    content = pub.read_bytes() if pub.is_file() else None
    with pytest.raises(error, match=words) as caught:
        with building(pub):
            pytest.fail("a build over an unusable warehouse must not start")
    message = str(caught.value)
    assert str(pub) in message and ".building" not in message and "\n" not in message
    if error is WarehouseDamaged:
        assert "restore it from a backup" in message and "--full-refresh" in message
    assert sorted(tmp_path.iterdir()) == before  # no .lock, no .building
    assert (pub.read_bytes() if pub.is_file() else None) == content


def test_a_whole_warehouse_passes_the_checks(tmp_path):
    """The near miss of the table above: a real, whole warehouse builds and publishes."""
    pub = _real_warehouse(tmp_path / "w.duckdb")
    with building(pub) as work:
        con = duckdb.connect(str(work))
        con.execute("INSERT INTO filler VALUES (-1, 'x')")
        con.close()
    assert run_query(pub, "SELECT count(*) AS n FROM filler", "csv") == "n\r\n20001\r\n"


def test_a_missing_folder_is_created_and_a_file_in_the_way_refused(tmp_path):
    with building(tmp_path / "new" / "deeper" / "w.duckdb") as work:
        duckdb.connect(str(work)).close()
    assert (tmp_path / "new" / "deeper" / "w.duckdb").exists()
    (tmp_path / "plain").write_text("x")
    with pytest.raises(WarehousePathError, match="part of that path is a file"):
        with building(tmp_path / "plain" / "w.duckdb"):
            pass


def test_a_failed_build_is_removed(tmp_path):
    pub = _real_warehouse(tmp_path / "w.duckdb")
    content = pub.read_bytes()
    with pytest.raises(ZeroDivisionError):
        with building(pub) as work:
            con = duckdb.connect(str(work))
            con.execute("INSERT INTO filler VALUES (-1, 'x')")
            con.close()
            1 / 0
    assert not building_path(pub).exists() and pub.read_bytes() == content


FSIZE_CHILD = """
import resource, signal, sys
from cscetl.publish import WarehouseUnwritable, building
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over the limit, write() fails with EFBIG instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
try:
    with building(sys.argv[1]):
        print("built")
except WarehouseUnwritable as exc:
    print("unwritable:", exc)
"""


def test_a_copy_that_cannot_be_written_is_reported_and_removed(tmp_path):
    """The build copy hits a real OS limit (RLIMIT_FSIZE, EFBIG) half way: the message says so and
    names the file, the half copy is removed, the published file is untouched."""
    pub = _real_warehouse(tmp_path / "w.duckdb")
    content = pub.read_bytes()
    child = subprocess.run([sys.executable, "-c", FSIZE_CHILD, str(pub), str(len(content) // 2)],
                           capture_output=True, text=True, timeout=60)
    assert child.stdout.startswith("unwritable: file too large"), child.stdout + child.stderr[-2000:]
    assert f"{pub}.building" in child.stdout and "Traceback" not in child.stderr
    assert not building_path(pub).exists() and pub.read_bytes() == content


def test_a_full_disk_while_loading_stops_the_load_instead_of_failing_documents(tmp_path):
    """A full disk is no document's fault: the real error comes up (not "cannot rollback - no
    transaction is active", which is what the rollback said), and the loader does not go on to
    record every document as failed."""
    from cscetl.run import load_outcomes

    with tmpfs(tmp_path / "small", "2m") as small:
        pub = small / "w.duckdb"
        docs = [_big_document(i) for i in range(12)]
        with pytest.raises(WarehouseUnwritable, match="no space left on device") as caught:
            with building(pub) as work, wh.held(work):
                load_outcomes(work, docs, "run-1")
        assert "rollback" not in str(caught.value) and str(building_path(pub)) in str(caught.value)
        failed_in = [frame.f_code.co_name for frame, _ in traceback.walk_tb(caught.value.__cause__.__traceback__)]
        assert "load_documents" in failed_in  # the load itself met the full disk, not the opening
        assert sorted(p.name for p in small.iterdir()) == ["w.duckdb.lock"]


def _big_document(i: int):
    from cscetl.records import Extracted
    from cscetl.outcome import Document

    text = " ".join(f"Paragraph {j} of story {i}: the council reviewed {i * j} placements." for j in range(4000))
    return Document(doc_id=f"d{i}", source_url=f"file:///d{i}", source_path=None, kind="news", publisher=None,
                    title=f"Story {i}", author=None, published_date=None, la_code=None, la_name=None,
                    clean_text=text, content_sha256=f"{i:064d}", format="html", pages=None, extracted=Extracted(),
                    removed=[], processed_with="test")


@contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False):
    """A real small file system (we run as root in CI); skipped where mounting is not allowed."""
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root: the disk-full test cannot make a small disk here")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): the disk-full test needs a small disk")
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


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
