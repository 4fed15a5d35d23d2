"""Grade tables of Ofsted reports, in the shapes pypdf gives them (labels and grades on lines, wrapped
grades, varied casing), for a fictional council. Texts are written for the tests."""
from datetime import date

import pytest

from cscetl.extract.judgements import extract_judgements, grade_of, overall_grade, report_header
from cscetl.records import DocContext

REPORT = DocContext(kind="ofsted_report")

ILACS_2023 = """Inspection of Eastmarsh local authority
children's services
Inspection dates: 6 to 17 March 2023
Lead inspector: A Person, His Majesty's Inspector
Judgement Grade
The impact of leaders on social work
practice with children and families
Good
The experiences and progress of
children who need help and protection
Requires improvement to be good
The experiences and progress of
children in care
Good
The experiences and progress of care
leavers
Outstanding
Overall effectiveness Good
Since the last inspection in 2019, when services were judged to be requires improvement to be good, leaders have
"""

ILACS_2019 = """Eastmarsh County Council
Inspection of children's social care services
Inspection dates: 4 February 2019 to 15 February 2019
Lead inspector: A Person HMI
Judgement Grade
The impact of leaders on social work practice with children
and families Inadequate
The experiences and progress of children who need help
and protection Requires Improvement To
Be Good
The experiences and progress of children in care and care
leavers Requires improvement to
be good
Overall effectiveness Inadequate
"""

ILACS_2026 = """Inspection of Eastmarsh
local authority children's services
Inspection dates: 8 to 19 June 2026
Lead inspector: A Person, His Majesty's Inspector
Judgement Grade
The impact of leaders on practice with
children and families
Good
The experiences and progress of
children who need help and protection
Good
The experiences and progress of
children in care
Requires improvement to be good
The experiences and progress of care
leavers
Good
The experiences of children in Eastmarsh have improved since the previous inspection, when overall effectiveness was good.
"""

SIF = """Eastmarsh County Council
Inspection of services for children in need of help and
protection, children looked after and care leavers
Inspection date: 12 January 2016 – 4 February 2016
Report published: 21 March 2016
Children's services in Eastmarsh require improvement
It is Ofsted's expectation that all children and young people receive good help.
1. Children who need help and protection Inadequate
2. Children looked after and achieving
permanence Requires improvement
2.1 Adoption performance Good
2.2 Experiences and progress of care leavers Requires improvement
3. Leadership, management and governance Requires improvement
"""

SIF_OVERALL_LINE = SIF.replace("Children's services in Eastmarsh require improvement", "The overall judgement is Inadequate")

PRE_SIF = """Inspection of safeguarding and looked after children services
Eastmarsh County Council
Inspection dates: 5 – 16 March 2012
Reporting inspector A Person HMI
Published: 20 April 2012
About this inspection
1. The inspection judgements are made on a four point scale.
Record of main findings
Overall effectiveness Adequate
Capacity to improve Good
"""

JTAI = """Dear Eastmarsh Local Safeguarding Partnership
Joint targeted area inspection of Eastmarsh
This letter summarises the findings of the joint targeted area inspection (JTAI) of the multi-agency response.
This inspection took place from 9 to 13 May 2022.
"""

NEWS = """Eastmarsh children's services rated good
Overall effectiveness: Good. Ofsted inspected the council in March 2023.
"""

# (text, ctx, {area: grade}, start)
CASES = [
    (ILACS_2023, REPORT, {"impact_of_leaders": "good", "help_and_protection": "requires_improvement", "children_in_care": "good",
                          "care_leavers": "outstanding", "overall_effectiveness": "good"}, date(2023, 3, 6)),
    (ILACS_2019, REPORT, {"impact_of_leaders": "inadequate", "help_and_protection": "requires_improvement",
                          "children_in_care_and_care_leavers": "requires_improvement", "overall_effectiveness": "inadequate"}, date(2019, 2, 4)),
    (ILACS_2026, REPORT, {"impact_of_leaders": "good", "help_and_protection": "good", "children_in_care": "requires_improvement",
                          "care_leavers": "good"}, date(2026, 6, 8)),  # no overall grade from April 2026
    (SIF, REPORT, {"overall_effectiveness": "requires_improvement", "help_and_protection": "inadequate"}, date(2016, 1, 12)),
    (SIF_OVERALL_LINE, REPORT, {"overall_effectiveness": "inadequate", "help_and_protection": "inadequate"}, date(2016, 1, 12)),
    (PRE_SIF, REPORT, {"overall_effectiveness": "adequate"}, date(2012, 3, 5)),
    # the dates line is what makes a report, whatever kind the pipeline guessed
    (ILACS_2023, DocContext(kind="other"), {"impact_of_leaders": "good", "help_and_protection": "requires_improvement",
                                            "children_in_care": "good", "care_leavers": "outstanding", "overall_effectiveness": "good"}, date(2023, 3, 6)),
    # reflowed text (page lines joined) reads the same
    (" ".join(ILACS_2019.split()), REPORT, {"impact_of_leaders": "inadequate", "help_and_protection": "requires_improvement",
                                            "children_in_care_and_care_leavers": "requires_improvement", "overall_effectiveness": "inadequate"}, date(2019, 2, 4)),
]

# near misses: no grade table, no judgements
NONE = [
    (JTAI, REPORT),  # JTAIs are not graded
    (NEWS, DocContext(kind="news")),  # a news article's "Overall effectiveness: Good" is the inspection extractor's
    ("The experiences and progress of children in care were judged good at the last inspection.", REPORT),
]


@pytest.mark.parametrize("text,ctx,want,start", CASES)
def test_grade_table(text, ctx, want, start):
    rows = extract_judgements(text, ctx)
    assert {r.area: r.grade for r in rows} == want
    assert len(rows) == len(want)
    assert {r.start_date for r in rows} == {start}
    assert {r.inspection_type for r in rows} == {"full_inspection"}


@pytest.mark.parametrize("text,ctx", NONE)
def test_no_grades(text, ctx):
    assert extract_judgements(text, ctx) == []


def test_report_header():
    h = report_header(ILACS_2019)
    assert (h.start, h.end, h.precision, h.inspection_type) == (date(2019, 2, 4), date(2019, 2, 15), "day", "full_inspection")
    assert ILACS_2019[h.line_start: h.line_end] == "Inspection dates: 4 February 2019 to 15 February 2019"
    assert report_header(JTAI) is None
    assert report_header("Focused visit to Eastmarsh\nInspection dates: 2 and 3 May 2022\n").inspection_type == "focused_visit"


@pytest.mark.parametrize("text,want", [(ILACS_2023, "good"), (ILACS_2026, None), (SIF, "requires_improvement")])
def test_overall_grade(text, want):
    assert overall_grade(text) == want


@pytest.mark.parametrize("word,want", [
    ("Requires improvement to be good", "requires_improvement"), ("requires Improvement To\nbe Good", "requires_improvement"),
    ("‘Inadequate’", "inadequate"), ("Outstanding", "outstanding"), ("adequate", "adequate"), ("good enough", None), ("", None),
])
def test_grade_of(word, want):
    assert grade_of(word) == want
