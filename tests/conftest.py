import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from cscetl.paths import default_sources  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect server for the whole session (starting one costs ~10 s)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def sample_sources() -> Path:
    return default_sources()


@pytest.fixture(scope="session")
def sample_run(prefect_harness, tmp_path_factory, sample_sources):
    """The real flow over the bundled sample, once per session: (summary, warehouse path)."""
    from flows.etl import cscetl_pipeline

    warehouse = tmp_path_factory.mktemp("wh") / "sample.duckdb"
    summary = cscetl_pipeline(sources=str(sample_sources), warehouse=str(warehouse))
    return summary, warehouse


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
