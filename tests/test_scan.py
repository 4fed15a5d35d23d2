"""The shortcuts in cscetl.scan must find exactly what the plain patterns find."""
import random
import re

import pytest

from cscetl import clean, scan
from cscetl.extract import inspections, metric_catalogue

PATTERNS = ([rx for _, rx in inspections._TYPES] + inspections._GRADE_PHRASES + [inspections._NOT_CSC, inspections._CSC]
            + [r.pattern for r in metric_catalogue.CATALOGUE] + [rx for _, rx in clean.LINE_RULES])
WORDS = ["rated", "inadequate", "Good", "'good'", "children's services", "council", "school", "looked after", "in care",
         "caseload", "monitoring visit", "JTAI", "inspection", "read more:", "Subscribe", "related", "from", "to", "it",
         "remains", "overall", "social workers", "agency", "referrals", "30%", "£4m", "per 10,000", "ſ", "ı", "İ"]


def _texts(n=3000):
    rng = random.Random(11)
    for _ in range(n):
        yield " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))


@pytest.mark.parametrize("rx", PATTERNS, ids=lambda rx: rx.pattern[:30])
def test_required_words_are_in_every_match(rx):
    for text in _texts(400):
        if rx.search(text):
            assert scan.may_match(rx, scan.lowered(text)), text


def test_required_words_of_a_plain_pattern():
    assert scan.required_words(re.compile(r"\bmonitoring\s+visits?\b", re.I)) == (frozenset({"monitoring"}), frozenset({"visit"}))
    assert scan.required_words(re.compile(r"\d+")) == ()


def test_finditer_at_matches_finditer():
    rx = re.compile(r"\b\d+(?:\.\d+)?")
    for text in _texts(300):
        text = text.replace("o", "0 ")
        starts = [m.start() for m in re.finditer(r"\d", text)]
        assert [m.span() for m in scan.finditer_at(rx, text, starts)] == [m.span() for m in rx.finditer(text)]


def test_lowered_refuses_letters_that_fold_oddly():
    assert scan.lowered("Reading") == "reading"
    assert scan.lowered("ſunday") is None and scan.lowered("İnspection") is None
