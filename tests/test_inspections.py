"""Inspection events: each phrasing with the rows it gives, compactly "type period [#ordinal] [grade]"
(period: YYYY-MM-DD for day precision, YYYY-MM for month, YYYY for year, None when undated), and
near misses that give none. Councils and sentences are written for the tests."""
from datetime import date

import pytest

from cscetl.extract.inspections import extract_inspections
from cscetl.records import DocContext


def show(row) -> str:
    period = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    out = f"{row.inspection_type} {row.start_date.strftime(period[row.date_precision]) if row.start_date else None}"
    if row.ordinal:
        out += f" #{row.ordinal}"
    if row.judgement:
        out += f" {row.judgement}"
    return out


def run(text: str, published: str | None = None, kind: str = "news") -> list[str]:
    """Rows for a text; a lone sentence gets a byline, as a page about Ofsted would have (see test_off_topic)."""
    ctx = DocContext(kind=kind, published_date=date.fromisoformat(published) if published else None)
    if "\n" not in text:
        text += "\nSource: Ofsted."
    return sorted(show(r) for r in extract_inspections(text, ctx))


# (text, published date, expected rows)
SENTENCES = [
    # grades with dates, in their usual phrasings
    ("Westshire's children's services were rated 'inadequate' in October 2017 after failings were found.", None,
     ["full_inspection 2017-10 inadequate"]),
    ("Rotherfield was rated inadequate in 2014 following a damning report.", None, ["full_inspection 2014 inadequate"]),
    ("Following the inspection in June 2022, Ofsted rated the council as 'requires improvement to be good'.", None,
     ["full_inspection 2022-06 requires_improvement"]),
    ("Ofsted has rated Eastmarsh's children's services 'inadequate' following an inspection in March.", "2019-05-01",
     ["full_inspection 2019-03 inadequate"]),
    ("Its previous ILACS inspection, in March 2019, rated services good.", None, ["full_inspection 2019-03 good"]),
    ("In its last inspection in 2015, Ofsted judged Northwick's services to be 'requires improvement'.", None,
     ["full_inspection 2015 requires_improvement"]),
    ("The council was last inspected in 2019, when it was rated good.", None, ["full_inspection 2019 good"]),
    ("The service was judged 'adequate' at its last inspection in June 2012.", None, ["full_inspection 2012-06 adequate"]),
    ("Ofsted inspected Westshire's children's services from 8 to 19 October 2018 and judged them good.", None,
     ["full_inspection 2018-10-08 good"]),
    ("Ofsted inspectors visited the council's children's services between 8 and 19 July 2019 and rated them 'good'.", None,
     ["full_inspection 2019-07-08 good"]),
    ("Ofsted rated the council outstanding last year.", "2021-06-01", ["full_inspection 2020 outstanding"]),
    ("Three years earlier, in 2016, the council had been rated inadequate.", None, ["full_inspection 2016 inadequate"]),
    ("Northwick was judged inadequate in September 2022 following an inspection in July that year.", None,
     ["full_inspection 2022-07 inadequate"]),
    ("As a result, the council's rating was held at its 2018 level: 'requires improvement to be good'.", None,
     ["full_inspection 2018 requires_improvement"]),
    # two verdicts in one sentence
    ("In 2017 the service was rated 'inadequate'; in 2020 it was rated 'good'.", None,
     ["full_inspection 2017 inadequate", "full_inspection 2020 good"]),
    ("The service improved from 'inadequate' in 2017 to 'good' in 2021.", None,
     ["full_inspection 2017 inadequate", "full_inspection 2021 good"]),
    ("Ofsted rated the children's services department requires improvement in 2019 and inadequate in 2022.", None,
     ["full_inspection 2019 requires_improvement", "full_inspection 2022 inadequate"]),
    ("Children's services in Eastmarsh have been rated good by Ofsted, up from requires improvement in 2016.", "2019-06-01",
     ["full_inspection 2016 requires_improvement", "full_inspection None good"]),
    # undated verdicts
    ("Ofsted: Northwick children's services 'outstanding'", None, ["full_inspection None outstanding"]),
    ("Ofsted's verdict: children's services in Westshire require improvement to be good.", None,
     ["full_inspection None requires_improvement"]),
    ("Inspectors judged the overall effectiveness of children's services to be 'inadequate'.", None, ["full_inspection None inadequate"]),
    ("Eastmarsh has been told by Ofsted that it 'requires improvement'.", None, ["full_inspection None requires_improvement"]),
    ("Ofsted has downgraded Westshire's children's services from 'good' to 'requires improvement'.", None,
     ["full_inspection None requires_improvement"]),
    ("Westshire was rated 'good' overall, with 'outstanding' leadership.", None, ["full_inspection None good"]),
    # visits, ordinals, other types
    ("Ofsted carried out its fourth monitoring visit on 5 and 6 December 2018.", "2019-01-20", ["monitoring_visit 2018-12-05 #4"]),
    ("Its ninth monitoring visit took place on 2 and 3 May.", "2019-06-01", ["monitoring_visit 2019-05-02 #9"]),
    ("The eighth monitoring visit to Northwick took place on 30 and 31 January 2018.", None, ["monitoring_visit 2018-01-30 #8"]),
    ("The monitoring visit to Westshire on 24 and 25 April 2019 was the seventh since the council was judged inadequate in 2017.", None,
     ["full_inspection 2017 inadequate", "monitoring_visit 2019-04-24 #7"]),
    ("Ofsted carried out a monitoring visit on 4 and 5 December; the report was published on 10 January.", "2019-01-10",
     ["monitoring_visit 2018-12-04"]),
    ("The council has had six monitoring visits since being judged inadequate in 2017.", None, ["full_inspection 2017 inadequate"]),
    ("The report on the focused visit, which took place on 14 and 15 January 2020, was published today.", "2020-02-20",
     ["focused_visit 2020-01-14"]),
    ("In February 2020, a focused visit looked at the front door.", None, ["focused_visit 2020-02"]),
    ("The council received two focused visits, in October 2022 and January 2023.", None, ["focused_visit 2022-10", "focused_visit 2023-01"]),
    ("Hackwell was judged 'good' in 2016, but a focused visit in 2021 raised concerns.", None,
     ["focused_visit 2021", "full_inspection 2016 good"]),
    ("The joint targeted area inspection (JTAI) in Northwick in March 2018 looked at children living with domestic abuse.", None,
     ["jtai 2018-03"]),
    ("A local area SEND inspection in November 2018 identified significant weaknesses.", None, ["other 2018-11"]),
    ("Ofsted and the CQC carried out a joint inspection of the local area's SEND provision in March 2019.", None, ["other 2019-03"]),
    ("During the assurance visit in October 2020, inspectors looked at how the council had responded to the pandemic.", None,
     ["other 2020-10"]),
    ("Ofsted inspected the service in November and December 2019.", None, ["full_inspection 2019-11"]),
    ("The council, which had not been inspected since 2012, was rated inadequate in May 2016.", None, ["full_inspection 2016-05 inadequate"]),
    ("Schools in the borough were rated good, while children's services were rated inadequate in 2018.", None,
     ["full_inspection 2018 inadequate"]),
]

# near misses: sentences that hold no event
NEVER = [
    ("The council's 12 children's homes were all rated good or outstanding in 2018.", None),
    ("Oakfield Primary School was rated outstanding in its inspection in May 2019.", None),
    ("A school in the borough, which was inspected in March 2019, was rated inadequate.", None),
    ("A GP surgery in Westshire has been rated 'inadequate' by the CQC.", None),
    ("Ofsted judged the council's adoption service to be outstanding in 2014.", None),
    ("An Ofsted inspection of the council's fostering service in May 2019 rated it good.", None),
    ("The council's response was judged inadequate by the ombudsman in 2019.", None),
    ("Inspectors will return for a monitoring visit in the autumn.", None),
    ("The next full inspection is expected in 2021.", None),
    ("Inspectors will carry out a full inspection by December 2020.", None),
    ("The authority aims to be judged outstanding at its next inspection.", None),
    ("The service needs to improve in order to be judged as 'good'.", None),
    ("Leaders want the service to be outstanding by 2025.", None),
    ("Westshire's children's services have not yet been judged to be good.", None),
    ("The service would be rated inadequate if it were inspected today, the director warned.", None),
    ("Services for children in care were judged to be good.", None),  # one area, not the inspection's grade
    ("Inspectors said services were good in many areas.", None),
    ("Councils judged 'good' or 'outstanding' get more freedom.", None),
    ("The inspection framework changed in January 2018.", None),
    ("Figures show 62% of social workers were permanent in March 2019, the inspection found.", None),
    ("Mr Smith, who joined the council in March 2015, said the inspection was positive.", None),
    ("Ofsted's annual conversation with the council took place in May.", "2019-06-01"),
    ("Social workers made home visits on 3 and 4 June.", "2019-07-01"),
    ("READ MORE: Westshire school rated outstanding in 2019", None),
    ("The visit was carried out under section 136 of the Education and Inspections Act 2006.", None),
]

# whole documents: several mentions of one event are one row
DOCUMENTS = [
    # a news story with no publication date: "June 26-27" takes the year after the latest full date in the text
    ("""Northwick Children's Trust took over children's services from the council in October 2018.

It was the sixth monitoring visit since the services were judged inadequate in 2017.

The letter, published after the visit on June 26-27, says progress is too slow.

The director said: "We know what we have to do."
""", None, ["full_inspection 2017 inadequate", "monitoring_visit 2019-06-26 #6"]),
    # the same visit named three ways, its number in a later sentence
    ("""Ofsted's letter reviews findings from a monitoring visit on March 12-13. This was the fifth monitoring visit since
the local authority was judged inadequate. Inspectors said the improvements seen in the 2018 monitoring visit had held.""",
     "2019-05-10", ["monitoring_visit 2018", "monitoring_visit 2019-03-12 #5"]),
    # an Ofsted monitoring letter: heading, dated mention, ordinal, past inspection and later generic mentions
    ("""Monitoring visit of Westshire County Council children's services

This letter summarises the findings of the monitoring visit to Westshire County Council children's services on 7 and 8 November 2017.

The visit was the third monitoring visit since the local authority was judged inadequate in December 2016.

Since the last monitoring visit, leaders have appointed a permanent director. Improvements since the inspection in the autumn of 2016
have been slow.
""", "2017-12-05", ["full_inspection 2016-12 inadequate", "monitoring_visit 2017-11-07 #3"]),
    # a press release: the grade in one sentence, the dates in the notes
    ("""Council responds to Ofsted report

The 'inadequate' rating published today (Sept 2nd) follows a full Ofsted inspection.

Notes to editors
- Inspectors carried out their inspection of Eastmarsh Borough Council's children's services between 4th July and July 26th 2016.
- The council was judged as 'adequate' at its last inspection in May 2012.
- In Eastmarsh, the previous inspection judged services for children to be 'adequate'.
""", None, ["full_inspection 2012-05 adequate", "full_inspection 2016-07-04 inadequate"]),
    # a focused visit with a background grade, and an undated visit
    ("""Leaders still need to improve practice in order to be judged as 'good', Ofsted said.
The grade for children's services stays at its 2019 level: 'requires improvement to be good'.
The director said the council welcomes the focused visit and its findings.
Other recent inspections of our services have been rated 'Good' or better.
The inspection was conducted in February.""", None, ["focused_visit None", "full_inspection 2019 requires_improvement"]),
    # a JTAI letter: heading and generic dated mention
    ("""Dear Westshire Local Safeguarding Partnership
Joint targeted area inspection of Westshire
This letter summarises the findings of the joint targeted area inspection (JTAI) of the multi-agency response to children at risk.
This inspection took place from 9 to 13 May 2022. It was carried out by inspectors from Ofsted, the CQC and the police inspectorate.
""", "2022-07-01", ["jtai 2022-05-09"]),
    # a news story whose own inspection is dated by "Inspectors visited ..."
    ("""Eastmarsh children's services rated inadequate
Children's services in Eastmarsh have been rated inadequate by Ofsted after an inspection that found children left at risk.
Inspectors visited the council's social care teams from 18 to 29 November 2024 and published their report today.
The borough was rated requires improvement to be good when it was last inspected in October 2021, and Ofsted made focused visits in October 2022 and January 2024.
""", "2025-01-20", ["focused_visit 2022-10", "focused_visit 2024-01", "full_inspection 2021-10 requires_improvement",
                   "full_inspection 2024-11-18 inadequate"]),
    # committee minutes: a dated heading and the visit's days
    ("""33. Ofsted monitoring visit, February 2017
The Director reported on the second monitoring visit since the inspection in 2016, which took place on 21 and 22 February 2017.
Resolved: that the next meeting be held on 6 July 2017.""", "2017-03-29", ["full_inspection 2016", "monitoring_visit 2017-02-21 #2"]),
    # a committee report, wrapped as a PDF gives it: the table's overall grade grades the dated inspection
    ("""1.1 This report informs members of the outcome of the Ofsted inspection of local
authority children's services (ILACS) which took place between 14 and 25 March 2022.
1.2 The inspection judgements were:
Overall effectiveness: Good
The impact of leaders on social work practice with children and families: Outstanding
The experiences and progress of children in care and care leavers: Requires
improvement to be good
1.3 This is an improvement on the previous inspection in January 2018, when the
Council was judged to require improvement to be good overall. A focused visit
took place in November 2020 and found no areas for priority action.
1.4 The next ILACS inspection is expected in 2025.
""", "2022-07-10", ["focused_visit 2020-11", "full_inspection 2018-01 requires_improvement", "full_inspection 2022-03-14 good"]),
    # a round-up of several councils (the pipeline assigns each row the council its sentence names)
    ("""Westshire County Council's children's services were rated 'good' after an inspection in May, an improvement on the 'requires improvement' grade it received in 2019.
Meanwhile, Eastmarsh remains 'inadequate' following a monitoring visit in June, its fourth since the damning 2021 inspection.
Across England, 12 councils were rated outstanding last year.
""", "2022-07-10", ["full_inspection 2019 requires_improvement", "full_inspection 2021 inadequate", "full_inspection 2022-05 good",
                   "monitoring_visit 2022-06 #4"]),
    # the visits a story counts: "The fourth visit, in April" is another one; "the second visit since the
    # trust took charge" counts from something else
    ("""Ofsted's fifth monitoring visit to Northwick since it was judged inadequate in 2022 began on 31 July.
The fourth visit, in April, looked at children in care.
It was the second visit since the trust took charge of the service.""", "2024-09-02",
     ["full_inspection 2022 inadequate", "monitoring_visit 2024-04 #4", "monitoring_visit 2024-07-31 #5"]),
    # the inspection's days and the month its verdict came out are one event
    ("""Ofsted inspected Eastmarsh's children's services between 4 and 15 July 2016.
The council was judged inadequate in September 2016.""", None, ["full_inspection 2016-07-04 inadequate"]),
    # a report: "Inspection dates" and the grade table make the main event; lines are wrapped as pypdf gives them
    ("""Inspection of Eastmarsh local authority
children's services
Inspection dates: 11 to 22 July 2022
Lead inspector: A Person, His Majesty's Inspector
Judgement Grade
The impact of leaders on social work
practice with children and families
Requires improvement to be good
Overall effectiveness Inadequate
Since the last inspection in 2018, when the local authority was judged to be good, a focused visit in
March 2020 found weaknesses in the front door.
""", "2022-09-05", ["focused_visit 2020-03", "full_inspection 2018 good", "full_inspection 2022-07-11 inadequate"]),
    # from April 2026 reports have no overall grade: the event has none either, whatever the prose says
    ("""Inspection of Westshire local authority children's services
Inspection dates: 8 to 19 June 2026
Judgement Grade
The impact of leaders on practice with children and families Good
Children's services in Westshire are good, inspectors found.
""", "2026-08-03", ["full_inspection 2026-06-08"]),
]


@pytest.mark.parametrize("text,published,want", SENTENCES)
def test_sentence(text, published, want):
    assert run(text, published) == sorted(want)


@pytest.mark.parametrize("text,published", NEVER)
def test_not_an_event(text, published):
    assert run(text, published) == []


@pytest.mark.parametrize("text,published,want", DOCUMENTS)
def test_document(text, published, want):
    assert run(text, published) == sorted(want)


def test_evidence_is_the_sentence_at_its_offsets():
    text = "Councillors met on Monday.\nThe service was rated 'good' by Ofsted in June\n2019 after a full inspection.\nEnd."
    (row,) = extract_inspections(text, DocContext(kind="news"))
    assert text[row.char_start: row.char_end] == row.evidence
    assert row.evidence.startswith("The service was rated") and row.evidence.endswith("full inspection.")


def test_report_event_dates_and_evidence():
    text = "Inspection of Eastmarsh local authority children's services\nInspection dates: 6 to 17 March 2023\nOverall effectiveness Good\n"
    (row,) = extract_inspections(text, DocContext(kind="ofsted_report"))
    assert (row.start_date, row.end_date, row.date_precision, row.judgement) == (date(2023, 3, 6), date(2023, 3, 17), "day", "good")
    assert row.evidence == "Inspection dates: 6 to 17 March 2023"


def test_off_topic_page():
    text = "The restaurant on the High Street was rated 1 after an inspection in May 2019. It was rated good in 2017."
    assert extract_inspections(text, DocContext(kind="news")) == []


def test_previous_sentence_names_the_subject():
    text = "Ofsted visited Oakfield Primary School last month.\nIt was rated 'good' in March 2019."
    assert extract_inspections(text, DocContext(kind="news")) == []
    text = "Ofsted looked at Westshire's children's services.\nThey were rated 'good' in March 2019."
    assert run(text) == ["full_inspection 2019-03 good"]
