"""Run the SQL models: the plain .sql files of sql/, in file-name order, after every load."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb


FALLBACK_MEMORY_LIMIT = "75%"  # of the machine's RAM


def sql_dir() -> Path:
    """The packaged copy of sql/ in an installed wheel, else the repository's own sql/ (editable installs)."""
    packaged = resources.files("cscetl").joinpath("sql")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "sql"


def model_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or sql_dir()).glob("*.sql"))


def run_models(con: duckdb.DuckDBPyConnection, directory: Path | None = None) -> list[str]:
    """Execute every model in order; returns the file names run."""
    done = []
    for path in model_files(directory):
        sql = path.read_text(encoding="utf-8")
        try:
            try:
                con.execute(sql)
            except duckdb.OutOfMemoryException:
                # the run's memory cap (cscetl.warehouse.MEMORY_LIMIT) keeps loads lean; a model over
                # a warehouse far bigger than measured may need more: lift the cap and try once more
                con.execute(f"SET memory_limit = '{FALLBACK_MEMORY_LIMIT}'")
                con.execute(sql)
        except duckdb.Error as exc:
            raise RuntimeError(f"SQL model {path.name} failed: {exc}") from exc
        done.append(path.name)
    return done
