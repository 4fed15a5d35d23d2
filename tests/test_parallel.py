"""Parallel parse/clean/extract gives exactly what the in-process path gives."""
from cscetl.acquire import Acquired
from cscetl.pipeline import process_batch
from cscetl.sources import Source

PAGE = """<html><body><article><h1>Story {i}</h1>
<p>Exampleton Council's children's services were rated inadequate in March 2023 after an inspection.</p>
<p>As at 31 March 2024, {n} children were looked after by the council.</p>
<p>Councillor Ada Brook said: "We are working hard to improve services for every child in the borough."</p>
</article></body></html>"""


def batch(n):
    return [Acquired(Source(url=f"https://news.example/{i}", path=None), PAGE.format(i=i, n=100 + i).encode()) for i in range(n)]


def test_workers_give_the_same_rows_as_one_process():
    items = batch(40)
    one = process_batch(items, {}, workers=1)
    two = process_batch(items, {}, workers=2)
    assert [d.doc_id for d in two] == [d.doc_id for d in one]
    assert [(m.metric, m.value) for d in two for m in d.extracted.metrics] == [(m.metric, m.value) for d in one for m in d.extracted.metrics]
    assert [q.speaker_name for d in two for q in d.extracted.quotes] == ["Ada Brook"] * 40
