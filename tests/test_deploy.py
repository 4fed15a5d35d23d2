"""prefect.yaml is valid for `prefect deploy`: deploy it for real against a temporary Prefect server."""
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_prefect_yaml_declares_a_daily_scheduled_deployment():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    daily = next(d for d in spec["deployments"] if d["name"] == "daily")
    assert daily["entrypoint"] == "flows/etl.py:cscetl_pipeline"
    assert daily["schedules"][0]["cron"] == "0 6 * * *"
    assert set(daily["parameters"]) == {"sources", "warehouse", "batch_size"}
    weekly = next(d for d in spec["deployments"] if d["name"] == "weekly-full-refresh")
    assert weekly["parameters"]["full_refresh"] is True and weekly["schedules"][0]["cron"] == "0 3 * * 0"


def test_prefect_deploy_accepts_the_file(prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), COLUMNS="250")  # wide enough that names are not cut
    prefect = [sys.executable, "-m", "prefect"]
    pool = subprocess.run(prefect + ["work-pool", "create", "cscetl-pool", "--type", "process"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    done = subprocess.run(prefect + ["--no-prompt", "deploy", "--all"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    listing = subprocess.run(prefect + ["deployment", "ls"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "cscetl-pipeline/daily" in listing.stdout
    assert "cscetl-pipeline/sample" in listing.stdout
    assert "cscetl-pipeline/weekly-full-refresh" in listing.stdout
