#!/usr/bin/env python3
"""Score a run on the bundled sample against src/cscetl/sample/EXPECTED.md with the shared scorer.

Builds a temporary corpus (sources.toml, docs/, gold/ from EXPECTED.md's JSON blocks) and runs
../shared/eval/score.py on it. Development tooling: the test suite has its own checks.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "cscetl" / "sample"


def gold_blocks() -> list[dict]:
    text = (SAMPLE / "EXPECTED.md").read_text(encoding="utf-8")
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", text, re.S)]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="cscetl-sample-") as tmp:
        corpus = Path(tmp)
        shutil.copytree(SAMPLE / "pages", corpus / "docs")
        (corpus / "sources.toml").write_text(
            (SAMPLE / "sources.toml").read_text(encoding="utf-8").replace('path = "pages/', 'path = "docs/'), encoding="utf-8")
        (corpus / "gold").mkdir()
        for g in gold_blocks():
            (corpus / "gold" / (Path(g["file"]).stem + ".json")).write_text(json.dumps(g), encoding="utf-8")
        score = ROOT.parent / "shared" / "eval" / "score.py"
        return subprocess.run([sys.executable, str(score), "--corpus", str(corpus), *sys.argv[1:]]).returncode


if __name__ == "__main__":
    sys.exit(main())
