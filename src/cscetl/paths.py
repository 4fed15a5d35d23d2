"""Default locations: the bundled sample, the warehouse files, and the project folder for deployments.

The bundled sample and the project's own sources get separate warehouses, so trying the quick start
never touches the warehouse the scheduled runs keep (a run marks every document its sources no
longer list as removed: one shared file would flip between the two sets on every run).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

PROJECT_WAREHOUSE = Path("warehouse") / "cscetl.duckdb"  # what your sources (and the deployments) load into
SAMPLE_WAREHOUSE = Path("warehouse") / "sample.duckdb"  # what the bundled sample loads into


def default_sources() -> Path:
    return Path(str(resources.files("cscetl").joinpath("sample", "sources.toml")))


def is_bundled_sample(sources: str | Path | None) -> bool:
    """Whether a run over `sources` (None: not given) reads the bundled sample."""
    if sources is None or str(sources) == "":
        return True
    try:
        return Path(sources).resolve() == default_sources().resolve()
    except (OSError, ValueError):  # a path that cannot even be resolved is not the sample
        return False


def default_warehouse(sources: str | Path | None = None) -> Path:
    """Where a run over `sources` writes when no warehouse is given: the sample's own file for the
    bundled sample, the project's warehouse for anything else."""
    return SAMPLE_WAREHOUSE if is_bundled_sample(sources) else PROJECT_WAREHOUSE


def reading_warehouse() -> Path:
    """What query, export, schema and the dashboard open when no warehouse is given: the project's
    warehouse once a run has written it, else the sample's (right after the quick start)."""
    if not PROJECT_WAREHOUSE.exists() and SAMPLE_WAREHOUSE.exists():
        return SAMPLE_WAREHOUSE
    return PROJECT_WAREHOUSE


def project_folder(directory: str = ".") -> dict[str, str]:
    """A `prefect deploy` build step (see prefect.yaml): the absolute folder deploy runs from.

    A process worker starts each flow run in a new temporary folder; the deployments' pull step
    moves the run into this folder, so relative parameters (sources.toml, warehouse/…) mean the
    same files wherever the worker itself was started.
    """
    return {"directory": str(Path(directory).resolve())}
