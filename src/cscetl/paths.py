"""Default locations: the bundled sample and the project's warehouse file."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_sources() -> Path:
    return Path(str(resources.files("cscetl").joinpath("sample", "sources.toml")))


def default_warehouse() -> Path:
    return Path("warehouse") / "cscetl.duckdb"
