"""Content-addressed store of fetched bodies: each distinct body kept once, named by its sha256.

Kept under the warehouse folder (raw/ab/abcdef…), so a page can be re-processed after a rule
change without fetching it again, and a 304 Not Modified still has its bytes at hand.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


class RawStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes (once) and return their sha256."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: a reader never sees half a body
        return sha

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()


def store_for(warehouse: Path | str) -> RawStore:
    return RawStore(Path(warehouse).resolve().parent / "raw")
