"""The code version rows were made with: a document is re-processed when its bytes or this change."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

from cscetl import __version__


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus a hash of every module and data file of the package (cheap: ~100 files)."""
    h = hashlib.sha256(__version__.encode())
    root = resources.files("cscetl")
    stack = [root]
    files = []
    while stack:
        node = stack.pop()
        for child in node.iterdir():
            if child.is_dir():
                if child.name not in ("__pycache__", "sample"):
                    stack.append(child)
            elif child.name.endswith((".py", ".csv", ".sql")):
                files.append(child)
    for f in sorted(files, key=lambda f: str(f)):
        h.update(str(f).rsplit("cscetl", 1)[-1].encode())
        h.update(f.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"
