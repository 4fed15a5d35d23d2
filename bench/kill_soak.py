#!/usr/bin/env python3
"""Kill real `cscetl run` processes with SIGKILL at random moments; check the published warehouse
after each kill: it opens, holds exactly the state of a whole run (never half), and the next run
completes. `python bench/kill_soak.py [KILLS] [--sources FILE]` (default 200 kills on the bundled sample).

The test suite runs the same check with 20 kills (tests/test_publish.py).
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]


def digest(path: Path) -> tuple:
    con = duckdb.connect(str(path), read_only=True)
    try:
        unfinished = con.execute("SELECT count(*) FROM pipeline_runs WHERE finished_at IS NULL").fetchone()[0]
        tables = tuple(con.execute(f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {t} t").fetchone()
                       for t in ("documents", "inspections", "judgements", "metrics", "quotes"))
        orphans = con.execute("SELECT count(*) FROM metrics m LEFT JOIN documents d USING (doc_id) WHERE d.doc_id IS NULL").fetchone()[0]
    finally:
        con.close()
    return unfinished, orphans, tables


def soak(kills: int, sources: Path, workdir: Path, seed: int = 7) -> dict:
    rng = random.Random(seed)
    pub = workdir / "w.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(workdir / "prefect-home"), PREFECT_LOGGING_LEVEL="ERROR")
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "cscetl.cli", "run", "--sources", str(sources), "--warehouse", str(pub), "--full-refresh"]
    began = time.monotonic()
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    full = time.monotonic() - began
    reference = digest(pub)[2]
    survived = bad = 0
    for _ in range(kills):
        # its own process group, so the kill takes the run's ephemeral Prefect server with it (a lone
        # SIGKILL of the CLI leaves that server behind as an orphan, a Prefect limitation)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.1, full * 1.1))  # anywhere from start-up to publishing
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        unfinished, orphans, tables = digest(pub)
        # rows are re-created by every full refresh, so compare counts (hashes include run ids and times)
        if unfinished or orphans or [t[0] for t in tables] != [t[0] for t in reference]:
            bad += 1
        else:
            survived += 1
    final = subprocess.run(cmd, env=env, capture_output=True)
    return {"kills": kills, "survived": survived, "inconsistent": bad, "next_run_ok": final.returncode == 0,
            "full_run_s": round(full, 1), "rows_lost": 0 if [t[0] for t in digest(pub)[2]] == [t[0] for t in reference] else -1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("kills", nargs="?", type=int, default=200)
    ap.add_argument("--sources", type=Path, default=ROOT / "src" / "cscetl" / "sample" / "sources.toml")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cscetl-soak-") as tmp:
        r = soak(args.kills, args.sources, Path(tmp))
    print(f"bench: kill_soak kills={r['kills']} survived={r['survived']} inconsistent={r['inconsistent']} "
          f"next_run_ok={r['next_run_ok']} rows_lost={r['rows_lost']} full_run_s={r['full_run_s']}")
    return 0 if r["inconsistent"] == 0 and r["next_run_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
