"""find_dates tries its patterns only where a date can start; that must find what a full scan finds."""
import random

import pytest

from cscetl import dates

TOKENS = ["1", "12", "3 1", "31st", "June", "JUNE", "june", "Jun.", "Sept", "May", "may", "Monday,", "monday", "SUNDAY",
          "summer", "Spring", "of", "to", "-", "–", "and", "&", "2019", "19", "/", "05/09/2022", "2022-09-05", "£2019",
          "x2019", "_2019", "2019%", "\n", "ſunday", "wınter", "Wednesday", "autumn of 2016", "monitoring",
          "until", "till", "—", "Friday", "TUESDAY", "2nd", "of the", "Mar", "MAY"]


def _full_scan(text):
    return [(m.span(), h.__name__) for rx, h, _ in dates._PATTERNS for m in rx.finditer(text)]


def _shortcut(text):
    return [(m.span(), h.__name__) for m, h in dates._scan(text)]


def _texts():
    rng = random.Random(7)
    for _ in range(2000):
        yield "".join(rng.choice(TOKENS) + rng.choice([" ", "", ", "]) for _ in range(rng.randint(3, 30)))


def test_shortcut_finds_what_a_full_scan_finds():
    for text in _texts():
        assert _shortcut(text) == _full_scan(text), text


@pytest.mark.parametrize("text", ["On ſunday 3 June 2019", "In wınter 2016", "İn June 2019, on Monday 4 March 2019"])
def test_odd_case_folds_take_the_full_scan(text):
    assert _shortcut(text) == _full_scan(text)


def test_results_are_fresh_lists():
    text = "On 3 June 2019. Then in July 2020."
    a = dates.find_dates(text)
    assert len(a) == 2
    a.clear()  # a caller changing its list must not change the next caller's
    assert len(dates.find_dates(text)) == 2


def _ranges():
    rng = random.Random(5)
    pick = rng.choice
    days = ["1", "8", "30", "3 1", "1st", "22nd"]
    months = ["July", "June", "Jun.", "MAY", "Sept"]
    joins = ["to", "-", "–", "—", "and", "&", "until", "till"]
    for _ in range(1500):
        to = pick(joins) + pick([" ", ""]) + pick(["", "Friday, ", "monday "])
        yield pick([
            f"{pick(days)}{pick(['', ' of'])} {pick(months)}{pick(['', ', 2019'])} {to}{pick(days)} {pick(months)}, 2025",
            f"{pick(days)} {pick(months)} {to}{pick(months)} {pick(days)} 2016",
            f"in {pick(days)} {to}{pick(days)}{pick(['', ' of'])}\n{pick(months)} 2019.",
        ])


def test_shortcut_finds_date_ranges_as_a_full_scan_does():
    for text in _ranges():
        assert _shortcut(text) == _full_scan(text), text
