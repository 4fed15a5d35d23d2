"""Which acquired sources need parsing and which are settled already, decided in the flow's process."""
import hashlib

import pytest

from cscetl.acquire import Acquired
from cscetl.outcome import Failure, Unchanged
from cscetl.pipeline import settled, triage
from cscetl.sources import Source
from cscetl.version import code_version

SRC = Source(url="https://news.example/a", path=None)
BODY = b"<html><body><p>Some page</p></body></html>"
SHA = hashlib.sha256(BODY).hexdigest()


@pytest.mark.parametrize("acq, known, want", [
    # same bytes, same code as the loaded version: nothing to do
    (Acquired(SRC, BODY), {SRC.doc_id: (SHA, code_version())}, Unchanged),
    # a fetched body carries the hash the raw store gave it
    (Acquired(SRC, BODY, sha256=SHA), {SRC.doc_id: (SHA, code_version())}, Unchanged),
    # the server said 304 and the raw store had no copy: still unchanged, nothing to parse
    (Acquired(SRC, None, not_modified=True), {SRC.doc_id: (SHA, code_version())}, Unchanged),
    # new bytes, a new code version, or a document never loaded: parse it
    (Acquired(SRC, BODY + b" "), {SRC.doc_id: (SHA, code_version())}, None),
    (Acquired(SRC, BODY), {SRC.doc_id: (SHA, "0.0.0+older")}, None),
    (Acquired(SRC, BODY), {}, None),
    (Acquired(SRC, BODY), None, None),
    # nothing acquired: a failure with the acquirer's reason
    (Acquired(SRC, None, error="HTTP 404"), {}, Failure),
])
def test_settled(acq, known, want):
    got = settled(acq, known)
    assert (got is None) if want is None else isinstance(got, want)


def test_triage_splits_a_batch_and_keeps_reasons():
    other = Source(url="https://news.example/b", path=None)
    gone = Source(url="https://news.example/c", path=None)
    batch = [Acquired(SRC, BODY), Acquired(other, BODY), Acquired(gone, None, error="HTTP 410")]
    todo, done = triage(batch, {SRC.doc_id: (SHA, code_version())})
    assert [a.source for a in todo] == [other]
    assert [type(o) for o in done] == [Unchanged, Failure]
    assert done[1].reason == "HTTP 410" and done[1].stage == "acquire"
