"""Python's cyclic garbage collector, tuned for the length of a run."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

# A run's process holds a large long-lived heap (Prefect, lxml, the gazetteer) and takes in rows by
# the hundred thousand. With the default thresholds (700, 10, 10) the collector ran ~800 times per
# 1,000 documents and walked that heap each time: a third of the flow process's CPU. Frozen, and
# with young collections every 10,000 new objects instead of 700, it costs half as much; higher
# thresholds let cyclic garbage (Prefect's run objects) pile up for longer.
RUN_THRESHOLDS = (10_000, 10, 10)


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect less often during the block: the heap built so far is frozen out of the collector's
    walks, and a collection waits for many more new objects. Rows are freed by reference counting
    anyway (they hold no cycles); the collector still runs, only less often."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
