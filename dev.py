#!/usr/bin/env python3
"""One-command set-up on a fresh machine (needs only Python 3.11+).

    python3 dev.py run    # create .venv, install cscetl, run the pipeline on the bundled sample
    python3 dev.py test   # create .venv, install cscetl with its dev extra, run the test suite

Installs are pinned by constraints.txt (a known-good set) and redone only when pyproject.toml
or constraints.txt change.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".cscetl-installed"


def _fingerprint() -> str:
    h = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"cscetl needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    print("installing cscetl and its pinned dependencies ...", flush=True)
    subprocess.run(pip + ["-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_fingerprint())


def main() -> int:
    what = sys.argv[1] if len(sys.argv) > 1 else "help"
    if what not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    ensure_env()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    if what == "run":
        return subprocess.run([str(BIN / "cscetl"), "run", *sys.argv[2:]], cwd=ROOT, env=env).returncode
    if what == "test":
        return subprocess.run([str(BIN / "python"), "-m", "pytest", *sys.argv[2:]], cwd=ROOT, env=env).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
