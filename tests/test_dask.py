"""Scale-out on Dask: the same flow, its batches run on a local two-worker Dask cluster, builds the
same warehouse as the default task runner."""
import duckdb
import pytest

from cscetl.sources import load_sources

pytest.importorskip("prefect_dask")

# what a document and its rows are, without when and by which run they were loaded
CONTENT = {
    "documents": "doc_id, kind, publisher, title, author, published_date, la_code, clean_text, content_sha256, format",
    "inspections": "doc_id, la_code, inspection_type, start_date, end_date, judgement, char_start",
    "judgements": "doc_id, la_code, inspection_type, start_date, area, grade",
    "metrics": "doc_id, la_code, metric, value, unit, as_of, char_start",
    "quotes": "quote_id, doc_id, speaker_name, speaker_role, text, char_start",
}


def content(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall() for t, cols in CONTENT.items()}
    finally:
        con.close()


def test_dask_cluster_builds_the_same_warehouse(sample_run, sample_sources, tmp_path):
    from prefect_dask import DaskTaskRunner

    from flows.etl import cscetl_pipeline

    summary, reference = sample_run
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True})
    warehouse = tmp_path / "dask.duckdb"
    # small batches, so several are in flight on the two workers at once
    dasked = cscetl_pipeline.with_options(task_runner=runner)(sources=str(sample_sources), warehouse=str(warehouse), batch_size=3)
    assert (dasked.loaded, dasked.failures) == (summary.loaded, summary.failures)
    assert dasked.loaded == len(load_sources(sample_sources))
    assert content(warehouse) == content(reference)


def test_task_runner_setting_names_a_runner():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.etl import task_runner_from

    assert isinstance(task_runner_from(""), ThreadPoolTaskRunner)
    assert isinstance(task_runner_from("threads"), ThreadPoolTaskRunner)
    local = task_runner_from("dask")
    assert isinstance(local, DaskTaskRunner) and local.address is None
    remote = task_runner_from("tcp://10.0.0.5:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    with pytest.raises(ValueError, match="unknown task runner"):
        task_runner_from("spark")
