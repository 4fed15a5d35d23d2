"""Metric extraction: each phrasing with its catalogue name, value, unit and measure; and the
numbers that are never figures. Sentences are written for the tests."""
from datetime import date

import pytest

from cscetl.extract.metrics import extract_metrics
from cscetl.records import DocContext

CTX = DocContext(kind="news", published_date=date(2024, 6, 1))

# (sentence, [(metric, value, unit, measure)])
CASES = [
    ("Exampleton has seen a 72% increase in referrals to children's social care this year.", [("referrals", 72, "percent", "change")]),
    ("There was also a 35% increase in social worker caseloads.", [("social_worker_caseload", 35, "percent", "change")]),
    ("The campaign has secured 27 permanent social workers and managers.", [("permanent_staff_recruited", 27, "count", "level")]),
    ("75 per cent of the county's social workers will be permanent by the spring.", [("permanent_social_workers_pct", 75, "percent", "target")]),
    ("Permanent social workers now make up 64% of the workforce.", [("permanent_social_workers_pct", 64, "percent", "level")]),
    ("Agency staff make up 31% of the social work workforce.", [("agency_social_workers_pct", 31, "percent", "level")]),
    ("The cabinet agreed an additional £2.3 million investment in early help.", [("investment", 2300000, "gbp", "level")]),
    ("The trust was set up with a £4.1m government grant.", [("grant", 4100000, "gbp", "level")]),
    ("Children's services are heading for a £9m overspend.", [("overspend", 9000000, "gbp", "level")]),
    ("About 41,200 children and young people under 18 live in the borough.", [("child_population", 41200, "count", "level")]),
    ("Children make up 21.7 per cent of the total population.", [("child_population_pct", 21.7, "percent", "level")]),
    ("Some 312 children were being looked after by the council (a rate of 59 per 10,000 children).",
     [("children_looked_after", 312, "count", "level"), ("children_looked_after_rate", 59, "per_10k", "level")]),
    ("In all, 188 children were the subject of a child protection plan.", [("child_protection_plans", 188, "count", "level")]),
    ("Nine cases were waiting, and 12 cases were unallocated at the time.", [("unallocated_cases", 12, "count", "level")]),
    ("Only 61% of children agree to a return home interview.", [("return_home_interviews_accepted_pct", 61, "percent", "level")]),
    ("Caseloads were above the reported average of 19.", [("social_worker_caseload", 19, "count", "level")]),
    ("Turnover of social workers was 18% last year.", [("social_worker_turnover_pct", 18, "percent", "level")]),
    ("The vacancy rate stands at 26%.", [("social_worker_vacancy_pct", 26, "percent", "level")]),
    # the figure after a connective starts its own clause
    ("In all 1,100 children were in need and 150 were subject to a child protection plan.",
     [("children_in_need", 1100, "count", "level"), ("child_protection_plans", 150, "count", "level")]),
    ("The service saw a 30% increase in referrals and a 12% increase in social worker caseloads.",
     [("referrals", 30, "percent", "change"), ("social_worker_caseload", 12, "percent", "change")]),
    ("The council received 4,020 referrals, and re-referrals stood at 19.5%.",
     [("referrals", 4020, "count", "level"), ("re_referrals_pct", 19.5, "percent", "level")]),
    # "down from": the measure of the figure it compares with
    ("The vacancy rate was 22.1%, down from 30.4% a year earlier, and agency staff made up 14%.",
     [("social_worker_vacancy_pct", 22.1, "percent", "level"), ("social_worker_vacancy_pct", 30.4, "percent", "level"),
      ("agency_social_workers_pct", 14, "percent", "level")]),
    ("The trust is overspending its budget by £2m this year.", [("overspend", 2000000, "gbp", "level")]),
    ("Children's services have a budget of £95m.", [("budget", 95000000, "gbp", "level")]),
    # number words
    ("The campaign recruited twenty-five permanent social workers.", [("permanent_staff_recruited", 25, "count", "level")]),
    ("Nine cases were waiting for a social worker.", [("unallocated_cases", 9, "count", "level")]),
]

# sentences whose numbers are never figures
NEVER = [
    "The visit took place on 14 and 15 March 2023.",
    "Young people aged 16 and 17 were seen by inspectors.",
    "Return interviews were completed within three working days in 2019.",
    "The visit was carried out under section 136 of the Education and Inspections Act 2006.",
    "Call the duty desk on 01632 960 123 or write to EX1 2AB.",
    "It was the fifth monitoring visit, the 3rd this year.",
    "Plans were reviewed over the past 12 months.",
    "Inspectors met 15 managers during the week.",
    "Inspectors looked at support for care leavers aged 18 to 25.",
    "Young people leave care at the age of 18 in most cases.",
    "(2) That the report on children in need be noted.",
    "She said eight trainee social workers would qualify in the summer.",
    "Two of the managers left in the spring.",
    "The visit lasted three working days.",
]


@pytest.mark.parametrize("sentence,want", CASES)
def test_metric(sentence, want):
    got = [(m.metric, m.value, m.unit, m.measure) for m in extract_metrics(sentence, CTX)]
    assert got == [(n, pytest.approx(v), u, me) for n, v, u, me in want]


@pytest.mark.parametrize("sentence", NEVER)
def test_not_a_figure(sentence):
    assert extract_metrics(sentence, CTX) == []


def test_as_at_and_comparison_dates():
    text = ("As at 31 March 2024, 1,510 children had been identified as in need of help and protection "
            "– an increase from 1,322 in March 2023.")
    rows = extract_metrics(text, CTX)
    assert [(r.metric, r.value, r.as_of) for r in rows] == [
        ("children_in_need", 1510, date(2024, 3, 31)),
        ("children_in_need", 1322, date(2023, 3, 1)),
    ]


def test_comparison_inherits_measure():
    text = "Some 240 children were looked after (a rate of 70 per 10,000 children) compared with 210 (61 per 10,000 children) in March 2022."
    rows = extract_metrics(text, CTX)
    assert [(r.metric, r.value) for r in rows] == [
        ("children_looked_after", 240), ("children_looked_after_rate", 70),
        ("children_looked_after", 210), ("children_looked_after_rate", 61),
    ]
    assert rows[2].as_of == date(2022, 3, 1)


def test_letter_figures_are_as_of_the_visit():
    ctx = DocContext(kind="ofsted_letter")
    rows = extract_metrics("At the time of the visit, 14 cases were unallocated.", ctx, event_date=date(2023, 2, 7))
    assert [(r.metric, r.as_of) for r in rows] == [("unallocated_cases", date(2023, 2, 7))]


def test_denied_figure_is_flagged():
    rows = extract_metrics("Data suggested 120 children had not been seen by a social worker, which was not in fact the case.", CTX)
    assert [(r.metric, r.value, r.denied) for r in rows] == [("children_not_visited", 120, True)]


def test_offsets_index_the_evidence():
    text = "Opening line.\n\nThe trust was set up with a £4.1m government grant. Another sentence."
    (row,) = extract_metrics(text, CTX)
    assert text[row.char_start : row.char_end] == row.evidence == "The trust was set up with a £4.1m government grant."


@pytest.mark.parametrize(
    "text,want",
    [
        ("At the end of September 2023 the vacancy rate was 22.1%, down from 30.4% a year earlier.",
         [date(2023, 9, 1), date(2022, 9, 1)]),
        ("Government figures for the end of September 2022 show agency staff at 19%.", [date(2022, 9, 1)]),
        ("The council received 4,020 referrals in the year to 31 March 2023.", [date(2023, 3, 31)]),
        ("In 2022 the company was overspending by £4m.", [date(2022, 1, 1)]),
        ("As at 31 March 2024, 300 children were in care. On the same date 120 children were subject to a child protection plan.",
         [date(2024, 3, 31), date(2024, 3, 31)]),
        # near miss: a date that is not what the figure describes
        ("The director, appointed in 2022, said 300 children were in care.", [None]),
    ],
)
def test_as_of_phrasings(text, want):
    assert [m.as_of for m in extract_metrics(text, CTX)] == want
