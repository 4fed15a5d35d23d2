"""Deployments as the README runs them: `prefect deploy --all` from the project folder, a process
worker started from somewhere else, `prefect deployment run`, and the warehouse the run loaded.
Also the two warehouses: the quick start's sample file and the scheduled runs' file stay apart."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from cscetl.paths import PROJECT_WAREHOUSE, SAMPLE_WAREHOUSE, default_sources, default_warehouse, reading_warehouse
from cscetl.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]
PREFECT = [sys.executable, "-m", "prefect"]
# what a fresh clone holds that a deployment run reads (the flow's code comes from the installed package)
CLONED = ("prefect.yaml", "sources.toml", "flows", "src/cscetl/sample")


def _spec() -> dict:
    return yaml.safe_load((ROOT / "prefect.yaml").read_text())


def _deployment(name: str) -> dict:
    return next(d for d in _spec()["deployments"] if d["name"] == name)


def test_prefect_yaml_declares_a_daily_scheduled_deployment():
    daily = _deployment("daily")
    assert daily["schedules"][0]["cron"] == "0 6 * * *"
    assert set(daily["parameters"]) == {"sources", "warehouse", "batch_size"}
    weekly = _deployment("weekly-full-refresh")
    assert weekly["parameters"]["full_refresh"] is True and weekly["schedules"][0]["cron"] == "0 3 * * 0"


def test_every_deployment_imports_the_flow_from_the_package_not_a_file():
    # a file entrypoint resolves against the worker's temporary run folder, where it is not found
    for d in _spec()["deployments"]:
        assert d["entrypoint"] == "flows.etl.cscetl_pipeline", d["name"]


def test_the_daily_sources_file_ships_and_every_entry_loads():
    daily = _deployment("daily")
    sources = ROOT / daily["parameters"]["sources"]
    entries = load_sources(sources)
    assert entries, "the example sources file lists nothing"
    assert [e.problem for e in entries if e.problem] == []
    assert all(e.path.is_file() for e in entries if e.path is not None)


def test_the_sample_and_the_scheduled_runs_keep_separate_warehouses():
    daily, weekly, sample = (_deployment(n)["parameters"] for n in ("daily", "weekly-full-refresh", "sample"))
    assert daily["warehouse"] == weekly["warehouse"] == str(PROJECT_WAREHOUSE)
    assert sample["warehouse"] == str(SAMPLE_WAREHOUSE) != daily["warehouse"]
    assert "sources" not in sample  # the bundled sample


@pytest.mark.parametrize("sources, expected", [
    (None, SAMPLE_WAREHOUSE),                                   # `cscetl run`: the quick start
    ("", SAMPLE_WAREHOUSE),
    ("BUNDLED", SAMPLE_WAREHOUSE),                             # the sample named explicitly
    ("sources.toml", PROJECT_WAREHOUSE),                       # near miss: same file name, not the sample
    ("BUNDLED_DIR/../sample/sources.toml", SAMPLE_WAREHOUSE),  # the sample by a roundabout path
    ("my-sources.toml", PROJECT_WAREHOUSE),
])
def test_where_a_run_writes_without_a_warehouse(sources, expected):
    if sources and sources.startswith("BUNDLED_DIR"):
        sources = sources.replace("BUNDLED_DIR", str(default_sources().parent))
    elif sources == "BUNDLED":
        sources = str(default_sources())
    assert default_warehouse(sources) == expected


@pytest.mark.parametrize("present, expected", [
    ((), PROJECT_WAREHOUSE),                                    # nothing yet: the error names the project's file
    ((SAMPLE_WAREHOUSE,), SAMPLE_WAREHOUSE),                    # right after the quick start
    ((PROJECT_WAREHOUSE,), PROJECT_WAREHOUSE),
    ((SAMPLE_WAREHOUSE, PROJECT_WAREHOUSE), PROJECT_WAREHOUSE),  # both: the project's
])
def test_what_readers_open_without_a_warehouse(tmp_path, monkeypatch, present, expected):
    monkeypatch.chdir(tmp_path)  # the defaults are relative to the folder cscetl runs in
    for p in present:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")
    assert reading_warehouse() == expected


def _documents(warehouse: Path) -> tuple[int, int]:
    """(documents, documents marked removed) of a published warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select count(*), count(removed_in_run) from documents").fetchone()
    finally:
        con.close()


def test_cscetl_run_with_no_arguments_loads_the_sample_into_its_own_warehouse(prefect_harness, tmp_path, monkeypatch, capsys):
    from cscetl.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", "--workers", "1"]) == 0
    docs, removed = _documents(tmp_path / SAMPLE_WAREHOUSE)
    assert docs == len(load_sources(default_sources())) and removed == 0
    assert not (tmp_path / PROJECT_WAREHOUSE).exists()
    capsys.readouterr()
    assert main(["query", "select count(*) as n from documents", "--format", "csv"]) == 0  # finds the sample's file
    assert capsys.readouterr().out.split() == ["n", str(docs)]


def _descendants(pid: int) -> list[int]:
    """Every process under pid (Linux /proc): flow runs start in sessions of their own."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _stop(proc: subprocess.Popen) -> None:
    """Stop the worker, its flow runs and their process pools: SIGTERM, then SIGKILL what is left."""
    groups = {proc.pid} | {os.getpgid(p) for p in _descendants(proc.pid) if _exists(p)}
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            try:
                os.killpg(group, sig)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass


def _exists(pid: int) -> bool:
    try:
        os.getpgid(pid)
        return True
    except ProcessLookupError:
        return False


@pytest.fixture(scope="module")
def deployed(prefect_harness, tmp_path_factory):
    """A fresh clone (the files a run reads) deployed with `prefect deploy --all` from its folder."""
    from prefect.settings import PREFECT_API_URL

    clone = tmp_path_factory.mktemp("clone")
    for name in CLONED:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, clone / name)
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), COLUMNS="250")  # wide enough that names are not cut
    pool = subprocess.run(PREFECT + ["work-pool", "create", "cscetl-pool", "--type", "process", "--overwrite"],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    done = subprocess.run(PREFECT + ["--no-prompt", "deploy", "--all"], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return clone, env


def test_prefect_deploy_accepts_the_file(deployed):
    clone, env = deployed
    listing = subprocess.run(PREFECT + ["deployment", "ls"], cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    for name in ("daily", "sample", "weekly-full-refresh"):
        assert f"cscetl-pipeline/{name}" in listing.stdout


def _start_run(name: str, cwd: Path, env: dict) -> str:
    out = subprocess.run(PREFECT + ["deployment", "run", f"cscetl-pipeline/{name}"], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    found = re.search(r"UUID:\s*([0-9a-f-]{36})", out.stdout)
    assert found, out.stdout
    return found.group(1)


def test_a_worker_started_elsewhere_runs_the_deployments_and_loads(deployed, tmp_path):
    from uuid import UUID

    from prefect.client.orchestration import get_client

    clone, env = deployed
    elsewhere = tmp_path / "elsewhere"  # not the project folder: where the worker is started is not where runs work
    elsewhere.mkdir()
    runs = {name: _start_run(name, elsewhere, env) for name in ("sample", "daily")}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(PREFECT + ["worker", "start", "--pool", "cscetl-pool", "--limit", "2"], cwd=elsewhere,
                              env=dict(env, PREFECT_WORKER_QUERY_SECONDS="2"), stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        states: dict[str, str] = {}
        deadline = time.monotonic() + 420
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline:
                states = {n: client.read_flow_run(UUID(i)).state.type.value for n, i in runs.items()}
                if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states.values()):
                    break
                assert worker.poll() is None, "the worker exited"
                time.sleep(1)
    finally:
        _stop(worker)
        log.close()
    assert states == {"sample": "COMPLETED", "daily": "COMPLETED"}, (tmp_path / "worker.log").read_text()[-6000:]
    # relative parameters meant the project folder, not the worker's
    sample_docs, sample_removed = _documents(clone / SAMPLE_WAREHOUSE)
    assert sample_docs == len(load_sources(default_sources())) and sample_removed == 0
    daily_docs, daily_removed = _documents(clone / PROJECT_WAREHOUSE)
    assert daily_docs == len(load_sources(clone / "sources.toml")) and daily_removed == 0
    assert not (elsewhere / "warehouse").exists()
