"""Date finding and parsing: each phrasing with the date, precision and end it gives, and the near
misses that must not be dates. Strings are written for the tests."""
from datetime import date

import pytest

from cscetl.dates import find_dates, find_relative_dates, parse_date

D = date

# (text, default_year, [(matched text, start, precision, end)])
FIND = [
    ("The letter is dated 14 October 2021.", None, [("14 October 2021", D(2021, 10, 14), "day", None)]),
    ("inspectors visited on 3 and 4 March 2020", None, [("3 and 4 March 2020", D(2020, 3, 3), "day", D(2020, 3, 4))]),
    ("a visit on September 9-10", 2021, [("September 9-10", D(2021, 9, 9), "day", D(2021, 9, 10))]),
    ("between 14th June and July 2nd 2018", None, [("14th June and July 2nd 2018", D(2018, 6, 14), "day", D(2018, 7, 2))]),
    ("Inspection dates: 4 – 15 October 2021", None, [("4 – 15 October 2021", D(2021, 10, 4), "day", D(2021, 10, 15))]),
    ("2 May 2022 to 6 May 2022 and 16 May 2022 to 17 May 2022", None,
     [("2 May 2022 to 6 May 2022", D(2022, 5, 2), "day", D(2022, 5, 6)), ("16 May 2022 to 17 May 2022", D(2022, 5, 16), "day", D(2022, 5, 17))]),
    ("from 28 February to 11 March 2022", None, [("28 February to 11 March 2022", D(2022, 2, 28), "day", D(2022, 3, 11))]),
    ("on October 3-4", 2018, [("October 3-4", D(2018, 10, 3), "day", D(2018, 10, 4))]),
    ("published on Nov 9th", 2020, [("Nov 9th", D(2020, 11, 9), "day", None)]),
    ("As at April 1st 2017, there were", None, [("April 1st 2017", D(2017, 4, 1), "day", None)]),
    ("a rise since January 2014", None, [("January 2014", D(2014, 1, 1), "month", None)]),
    ("rated good in 2012", None, [("2012", D(2012, 1, 1), "year", None)]),
    ("during the autumn of 2019", None, [("autumn of 2019", D(2019, 1, 1), "year", None)]),
    ("Tuesday, June 4, 2019", None, [("Tuesday, June 4, 2019", D(2019, 6, 4), "day", None)]),
    ("Posted 12th Feb 2021", None, [("12th Feb 2021", D(2021, 2, 12), "day", None)]),
    ("Date: 07/11/22", None, [("07/11/22", D(2022, 11, 7), "day", None)]),
    ("Inspection dates: 2 6 April to 1 May 2026", None, [("2 6 April to 1 May 2026", D(2026, 4, 26), "day", D(2026, 5, 1))]),
    ("updated 2021-09-30", None, [("2021-09-30", D(2021, 9, 30), "day", None)]),
    ("on 8th & 9th December 2016", None, [("8th & 9th December 2016", D(2016, 12, 8), "day", D(2016, 12, 9))]),
    ("from 5th-7th of July 2023", None, [("5th-7th of July 2023", D(2023, 7, 5), "day", D(2023, 7, 7))]),
    ("Monday 10 January to Friday 14 January 2022", None, [("Monday 10 January to Friday 14 January 2022", D(2022, 1, 10), "day", D(2022, 1, 14))]),
    ("visits in November and December 2019", None, [("November and December 2019", D(2019, 11, 1), "month", D(2019, 12, 1))]),
]

# near misses: (text, default_year) that hold no date
NOT_DATES = [
    ("a visit on September 9-10", None),  # no year known: never guessed
    ("Aug 5th", None),
    ("a budget of £2016 and 2016% growth", None),
    ("May we ask what the plan is?", 2019),  # the modal verb, not the month
    ("Councillors met in the march to the town hall.", 2019),
    ("the 2,016 children in care", None),
    ("call 0118 937 4289", None),
]

# (text, reference, [(matched text, start, precision)])
RELATIVE = [
    ("The inspection was carried out in February.", D(2021, 5, 3), [("February", D(2021, 2, 1), "month")]),
    ("Inspectors visited in November.", D(2021, 1, 20), [("November", D(2020, 11, 1), "month")]),
    ("rated good at its inspection last year", D(2021, 5, 3), [("last year", D(2020, 1, 1), "year")]),
    ("judged inadequate in May 2019 after an inspection in March that year", D(2021, 5, 3), [("March that year", D(2019, 3, 1), "month")]),
    ("in 2019, when an inspection in September found", D(2024, 7, 1), [("September", D(2019, 9, 1), "month")]),
    ("in 2019, when an inspection in September found", None, [("September", D(2019, 9, 1), "month")]),
]

NOT_RELATIVE = [
    ("Over the last year, referrals rose.", D(2021, 5, 3)),  # the past twelve months
    ("The inspection was carried out in February.", None),  # no reference, no year in the text
]


@pytest.mark.parametrize("text,year,want", FIND)
def test_find_dates(text, year, want):
    got = [(text[d.start: d.end], d.date, d.precision, d.end_date) for d in find_dates(text, default_year=year)]
    assert got == want


@pytest.mark.parametrize("text,year", NOT_DATES)
def test_not_dates(text, year):
    assert find_dates(text, default_year=year) == []


@pytest.mark.parametrize("text,ref,want", RELATIVE)
def test_relative_dates(text, ref, want):
    got = [(text[d.start: d.end], d.date, d.precision) for d in find_relative_dates(text, ref)]
    assert got == want


@pytest.mark.parametrize("text,ref", NOT_RELATIVE)
def test_not_relative(text, ref):
    assert find_relative_dates(text, ref) == []


@pytest.mark.parametrize("s,want", [
    ("Friday, May 10, 2019", (D(2019, 5, 10), "day")),
    ("Published: 8th Jun 2018", (D(2018, 6, 8), "day")),
    ("Updated on 3 March 2021.", (D(2021, 3, 3), "day")),
    ("March 2015", (D(2015, 3, 1), "month")),
    ("19/04/23", (D(2023, 4, 19), "day")),
    ("2020-01-31", (D(2020, 1, 31), "day")),
])
def test_parse_date(s, want):
    assert parse_date(s) == want


@pytest.mark.parametrize("s", ["Published by the council on 8 June 2018 at noon", "next Tuesday", "31/02/2020", ""])
def test_parse_date_rejects(s):
    assert parse_date(s) is None
