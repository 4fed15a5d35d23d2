"""A run holds a few batches at a time, not every page and row to the end."""
import gc
import shutil
import weakref

from cscetl import run as runner
from cscetl.outcome import Document


def test_loaded_batches_are_freed_during_the_run(prefect_harness, sample_sources, tmp_path, monkeypatch):
    from flows.etl import cscetl_pipeline

    # 80 pages (the sample's pages under new names): five batches of 16, parsed in the process pool
    pages = sorted(p for p in (sample_sources.parent / "pages").iterdir() if p.suffix in (".html", ".pdf", ".txt"))
    entries = []
    for copy in range(6):
        for p in pages:
            dst = tmp_path / "pages" / f"{copy}-{p.name}"
            dst.parent.mkdir(exist_ok=True)
            shutil.copy(p, dst)
            entries.append(f'[[sources]]\npath = "{dst}"\n')
    sources = tmp_path / "sources.toml"
    sources.write_text("\n".join(entries[:80]), encoding="utf-8")

    loaded: list[list[weakref.ref]] = []
    alive_at_last_load: list[int] = []
    load = runner.load_outcomes

    def watching(warehouse, outcomes, *args, **kwargs):
        if len(loaded) == 4:  # the last batch: the four before it are loaded and done with
            gc.collect()
            alive_at_last_load.append(sum(r() is not None for refs in loaded for r in refs))
        loaded.append([weakref.ref(o) for o in outcomes if isinstance(o, Document)])
        return load(warehouse, outcomes, *args, **kwargs)

    monkeypatch.setattr(runner, "load_outcomes", watching)
    summary = cscetl_pipeline(sources=str(sources), warehouse=str(tmp_path / "w.duckdb"), batch_size=16, workers=2)
    assert summary.loaded == 80 and not summary.failures
    assert [len(refs) for refs in loaded] == [16] * 5
    assert alive_at_last_load == [0]
