"""Property tests: the cleaner and every extractor never raise, offsets index their evidence inside
the text, values are finite and dates are in range — on arbitrary text and on text built from the
genre's own pieces. Cases that once failed are kept in tests/fuzz_corpus/ and replayed here."""
import math
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscetl.clean import clean_text
from cscetl.extract.inspections import extract_inspections
from cscetl.extract.judgements import extract_judgements
from cscetl.extract.metrics import extract_metrics
from cscetl.extract.quotes import extract_quotes
from cscetl.records import DocContext

CORPUS = Path(__file__).parent / "fuzz_corpus"

PIECES = [
    "Reading", "Ofsted", "monitoring visit", "the ninth", "rated", "inadequate", "requires improvement to be good",
    "on 21 and 22 February 2017", "June 26-27", "in 2016", "As at 31 March 2024,", "62%", "62 per cent", "£1.4 million",
    "£2.9m", "1,724", "68 per 10,000 children", "children looked after", "social workers", "caseloads", "an increase from",
    "compared with", "said:", "she added", "“", "”", '"', "'", "‘", "’", ", ", ". ", "\n", "\n\n", "READ MORE: ",
    "Councillor Jan Example", "the report states", "It reads:", "(", ")", "–", "Inspection dates: 11 to 22 July 2022",
    "Overall effectiveness", "Good", "Inadequate", "section 136", "aged 16", "0118 937 4289", "RG1 2LU", "eight",
]
genre_text = st.lists(st.sampled_from(PIECES), min_size=0, max_size=80).map(" ".join)
any_text = st.text(max_size=2000)
contexts = st.builds(
    DocContext,
    kind=st.sampled_from(["news", "press_release", "ofsted_letter", "ofsted_report", "minutes", "other"]),
    published_date=st.one_of(st.none(), st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31))),
)
# the suite runs a few hundred examples; bench/fuzz.py runs the same properties for many thousands
FUZZ = settings(max_examples=int(os.environ.get("CSCETL_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def check_rows(text: str, ctx: DocContext) -> None:
    for row in extract_inspections(text, ctx):
        assert text[row.char_start:row.char_end] == row.evidence
        for d in (row.start_date, row.end_date):
            assert d is None or date(1950, 1, 1) <= d <= date(2100, 1, 1)
        assert row.date_precision in (None, "day", "month", "year")
    for row in extract_metrics(text, ctx):
        assert text[row.char_start:row.char_end] == row.evidence
        assert math.isfinite(row.value)
        assert row.unit in ("count", "percent", "gbp", "per_10k") and row.measure in ("level", "change", "target")
        assert row.as_of is None or date(1950, 1, 1) <= row.as_of <= date(2100, 1, 1)
    for row in extract_quotes(text, ctx):
        assert text[row.char_start:row.char_end].strip() == row.text
    for row in extract_judgements(text, ctx):
        assert row.grade in ("outstanding", "good", "requires_improvement", "inadequate", "adequate")


@FUZZ
@given(text=st.one_of(any_text, genre_text))
def test_cleaner_never_raises_and_only_removes(text):
    out, removed = clean_text(text)
    assert isinstance(out, str)
    for r in removed:
        assert r.text.strip()


@FUZZ
@given(text=st.one_of(any_text, genre_text), ctx=contexts)
def test_extractors_never_raise_and_keep_their_promises(text, ctx):
    clean, _ = clean_text(text)
    check_rows(clean, ctx)


@pytest.mark.parametrize("case", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_fuzz_corpus(case):
    text = case.read_text(encoding="utf-8")
    clean, _ = clean_text(text)
    for kind in ("news", "ofsted_letter", "ofsted_report"):
        check_rows(clean, DocContext(kind=kind, published_date=date(2020, 1, 1)))
