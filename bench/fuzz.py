#!/usr/bin/env python3
"""Long fuzz campaign over the cleaner and the extractors (the suite runs a short one).

    python bench/fuzz.py [EXAMPLES]   (default 20000 per property)

Prints inputs tried and failures; a failure's input should be added to tests/fuzz_corpus/.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

n = sys.argv[1] if len(sys.argv) > 1 else "20000"
root = Path(__file__).resolve().parents[1]
began = time.monotonic()
done = subprocess.run(
    [sys.executable, "-m", "pytest", "-q", "-x", str(root / "tests" / "test_fuzz.py"), "-p", "no:cacheprovider"],
    env=dict(os.environ, CSCETL_FUZZ_EXAMPLES=n), capture_output=True, text=True,
)
seconds = time.monotonic() - began
print(done.stdout[-3000:])
ok = done.returncode == 0
print(f"bench: fuzz examples_per_property={n} properties=2 inputs_tried={int(n) * 2} seconds={seconds:.0f} failures={0 if ok else 1}")
sys.exit(done.returncode)
