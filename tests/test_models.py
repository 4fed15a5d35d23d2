"""SQL models on a tiny literal warehouse: every view's exact rows.

The fixture is a handful of rows written here (three Reading documents, a Nottingham letter, a
Slough page, a removed source and one with no council), the official tables loaded from the
packaged CSVs, then every model of sql/ run in order.
"""
from __future__ import annotations

from datetime import date
from importlib import resources

import duckdb
import pytest

from cscetl.models import run_models
from cscetl.official import TABLES, load_official

READING, NOTTINGHAM, SLOUGH = "E06000038", "E06000018", "E06000039"
NAMES = {READING: "Reading", NOTTINGHAM: "Nottingham", SLOUGH: "Slough", None: None}
D = date

# doc_id, la_code, published_date, clean_text, removed_in_run
DOCUMENTS = [
    ("r16", READING, D(2016, 8, 5), "Caseloads are high and agency staff cover many posts. The council is recruiting. "
                                    "Caseload pressure remains.", None),
    ("r17", READING, D(2017, 2, 28), "Inspectors found drift in planning and weak management oversight. Children "
                                     "going missing were not offered return home interviews.", None),
    ("r19", READING, D(2019, 7, 1), "Exploitation, including county lines, is a growing concern; early help is "
                                    "stronger. Agency staff now cover fewer posts.", None),
    ("n24", NOTTINGHAM, D(2024, 1, 9), "Care leavers said their personal advisers changed too often. Turnover "
                                       "is high. Most care leavers are in touch.", None),
    ("s23", SLOUGH, D(2023, 10, 2), "Slough has cut its use of agency social workers.", None),
    ("gone", READING, D(2024, 2, 1), "Caseloads, caseloads, caseloads.", "run-2"),  # no longer a source
    ("anon", None, None, "Caseloads everywhere.", None),                             # no council, no date
]

# doc_id, la_code, inspection_type, start_date, date_precision, ordinal, judgement
INSPECTIONS = [
    ("r16", READING, "full_inspection", D(2016, 5, 23), "day", None, "inadequate"),
    ("r17", READING, "full_inspection", D(2016, 5, 23), "day", None, "inadequate"),
    ("r17", READING, "monitoring_visit", D(2016, 11, 1), "day", None, None),
    ("r17", READING, "monitoring_visit", D(2017, 2, 21), "day", 2, None),
    ("r19", READING, "monitoring_visit", D(2019, 3, 12), "day", 8, None),
    ("r19", READING, "full_inspection", D(2019, 9, 1), "month", None, "requires_improvement"),
    ("r19", READING, "monitoring_visit", D(2020, 1, 10), "day", None, None),  # after the re-inspection
    ("n24", NOTTINGHAM, "full_inspection", D(2014, 1, 1), "year", None, "good"),
    ("n24", NOTTINGHAM, "full_inspection", D(2022, 7, 1), "month", None, "inadequate"),
    ("n24", NOTTINGHAM, "monitoring_visit", D(2023, 11, 22), "day", 3, None),
    ("s23", SLOUGH, "full_inspection", D(2023, 1, 1), "month", None, "requires_improvement"),
    ("gone", READING, "full_inspection", D(2024, 1, 15), "day", None, "outstanding"),
]

# doc_id, la_code, metric, value, unit, measure, as_of, date_precision, char_start, denied
METRICS = [
    ("r16", READING, "children_looked_after", 236, "count", "level", D(2016, 5, 23), "day", 10, False),
    ("r16", READING, "children_looked_after_rate", 68, "per_10k", "level", D(2016, 5, 23), "day", 20, False),
    ("r16", READING, "child_population", 35850, "count", "level", None, None, 30, False),
    ("r16", READING, "child_protection_plans", 256, "count", "level", D(2016, 5, 23), "day", 40, False),
    ("r16", READING, "permanent_social_workers_pct", 55, "percent", "level", D(2016, 7, 1), "month", 50, False),
    ("r16", READING, "permanent_social_workers_pct", 80, "percent", "target", None, None, 60, False),
    ("r17", READING, "permanent_social_workers_pct", 62, "percent", "level", D(2017, 2, 21), "day", 10, False),
    ("r17", READING, "children_in_need", 1724, "count", "level", D(2016, 5, 23), "day", 20, False),
    ("r17", READING, "children_not_visited", 191, "count", "level", None, None, 30, True),
    ("r19", READING, "children_in_need", 2000, "count", "level", D(2016, 5, 23), "day", 10, False),
    ("r19", READING, "permanent_social_workers_pct", 120, "percent", "level", D(2019, 6, 1), "month", 20, False),
    ("r19", READING, "children_looked_after", 236, "count", "level", D(2019, 3, 31), "day", 30, False),
    ("r19", READING, "children_looked_after_rate", 90, "per_10k", "level", D(2019, 3, 31), "day", 40, False),
    ("r19", READING, "child_population", 35850, "count", "level", None, None, 50, False),
    ("n24", NOTTINGHAM, "children_looked_after", 719, "count", "level", D(2023, 3, 1), "month", 10, False),
    ("n24", NOTTINGHAM, "children_looked_after_rate", 150, "per_10k", "level", D(2023, 3, 1), "month", 20, False),
    ("n24", NOTTINGHAM, "agency_social_workers_pct", 17, "percent", "level", D(2023, 11, 22), "day", 30, False),
    ("n24", NOTTINGHAM, "referrals", 5692, "count", "level", D(2023, 3, 31), "day", 40, False),
    ("n24", NOTTINGHAM, "referrals", 85, "percent", "change", None, None, 50, False),
    ("n24", NOTTINGHAM, "social_worker_caseload", 30, "count", "level", D(2023, 11, 22), "day", 60, False),
    ("n24", NOTTINGHAM, "social_worker_caseload", 12, "count", "target", None, None, 70, False),
    ("s23", SLOUGH, "social_worker_vacancy_pct", 29.6, "percent", "level", D(2023, 9, 1), "month", 10, False),
    ("gone", READING, "children_looked_after", 999, "count", "level", D(2016, 5, 23), "day", 10, False),
]

# quote_id, doc_id, la_code, speaker_name, speaker_role, text
QUOTES = [
    ("q1", "r16", READING, "Jane Ashdown", "director of children's services", "We know there is a long way to go."),
    ("q2", "r19", READING, "Jane Ashdown", "director of children's services", "We are a different service now."),
    ("q3", "n24", NOTTINGHAM, "Ofsted", None, "Leaders understand the scale of the task."),
    ("q4", "s23", SLOUGH, "Priya Okafor", "lead member", "Our social workers are staying."),
    ("q5", "gone", READING, "Jane Ashdown", "director of children's services", "A removed source."),
]


def insert_fixture(con: duckdb.DuckDBPyConnection) -> None:
    for doc_id, la, published, text, removed in DOCUMENTS:
        con.execute("""INSERT INTO documents (doc_id, source_url, kind, published_date, la_code, la_name, clean_text,
                       content_sha256, processed_with, removed_in_run) VALUES (?, ?, 'news', ?, ?, ?, ?, ?, 'v1', ?)""",
                    [doc_id, f"https://example.org/{doc_id}", published, la, NAMES[la], text, f"sha-{doc_id}", removed])
    for doc_id, la, itype, start, precision, ordinal, judgement in INSPECTIONS:
        con.execute("""INSERT INTO inspections (doc_id, la_code, la_name, inspection_type, start_date, date_precision,
                       ordinal, judgement) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    [doc_id, la, NAMES[la], itype, start, precision, ordinal, judgement])
    for doc_id, la, metric, value, unit, measure, as_of, precision, start, denied in METRICS:
        con.execute("""INSERT INTO metrics (doc_id, la_code, la_name, metric, value, unit, measure, as_of, date_precision,
                       evidence, char_start, char_end, denied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [doc_id, la, NAMES[la], metric, value, unit, measure, as_of, precision,
                     f"{metric} {value}", start, start + 5, denied])
    for quote_id, doc_id, la, speaker, role, text in QUOTES:
        con.execute("""INSERT INTO quotes (quote_id, doc_id, la_code, la_name, speaker_name, speaker_role, text)
                       VALUES (?, ?, ?, ?, ?, ?, ?)""", [quote_id, doc_id, la, NAMES[la], speaker, role, text])


def schema_sql() -> str:
    return resources.files("cscetl").joinpath("schema.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = duckdb.connect(str(tmp_path_factory.mktemp("models") / "fixture.duckdb"))
    c.execute(schema_sql())
    insert_fixture(c)
    load_official(c)
    run_models(c)
    yield c
    c.close()


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def today(con) -> date:
    return con.execute("SELECT current_date").fetchone()[0]


# ------------------------------------------------------------------------------------------ existing views

def test_la_inspection_timeline(con):
    got = rows(con, """SELECT la_name, inspection_type, event_key, start_date, date_precision, ordinal, judgement,
                              source_count, doc_ids FROM la_inspection_timeline ORDER BY la_code, start_date""")
    assert got == [
        ("Nottingham", "full_inspection", "2014", D(2014, 1, 1), "year", None, "good", 1, ["n24"]),
        ("Nottingham", "full_inspection", "2022-07", D(2022, 7, 1), "month", None, "inadequate", 1, ["n24"]),
        ("Nottingham", "monitoring_visit", "2023-11", D(2023, 11, 22), "day", 3, None, 1, ["n24"]),
        ("Reading", "full_inspection", "2016-05", D(2016, 5, 23), "day", None, "inadequate", 2, ["r16", "r17"]),
        ("Reading", "monitoring_visit", "2016-11", D(2016, 11, 1), "day", None, None, 1, ["r17"]),
        ("Reading", "monitoring_visit", "2017-02", D(2017, 2, 21), "day", 2, None, 1, ["r17"]),
        ("Reading", "monitoring_visit", "2019-03", D(2019, 3, 12), "day", 8, None, 1, ["r19"]),
        ("Reading", "full_inspection", "2019-09", D(2019, 9, 1), "month", None, "requires_improvement", 1, ["r19"]),
        ("Reading", "monitoring_visit", "2020-01", D(2020, 1, 10), "day", None, None, 1, ["r19"]),
        ("Slough", "full_inspection", "2023-01", D(2023, 1, 1), "month", None, "requires_improvement", 1, ["s23"]),
    ]


def test_metric_trends(con):
    got = rows(con, """SELECT la_name, metric, unit, measure, value, period, dated_by, previous_value, change
                       FROM metric_trends ORDER BY la_code, metric, unit, measure, period, value""")
    assert got == [
        ("Nottingham", "agency_social_workers_pct", "percent", "level", 17, D(2023, 11, 22), "as_of", None, None),
        ("Nottingham", "children_looked_after", "count", "level", 719, D(2023, 3, 1), "as_of", None, None),
        ("Nottingham", "children_looked_after_rate", "per_10k", "level", 150, D(2023, 3, 1), "as_of", None, None),
        ("Nottingham", "referrals", "count", "level", 5692, D(2023, 3, 31), "as_of", None, None),
        ("Nottingham", "referrals", "percent", "change", 85, D(2024, 1, 9), "published", None, None),
        ("Nottingham", "social_worker_caseload", "count", "level", 30, D(2023, 11, 22), "as_of", None, None),
        ("Nottingham", "social_worker_caseload", "count", "target", 12, D(2024, 1, 9), "published", None, None),
        ("Reading", "child_population", "count", "level", 35850, D(2016, 8, 5), "published", None, None),
        ("Reading", "child_population", "count", "level", 35850, D(2019, 7, 1), "published", 35850, 0),
        ("Reading", "child_protection_plans", "count", "level", 256, D(2016, 5, 23), "as_of", None, None),
        ("Reading", "children_in_need", "count", "level", 1724, D(2016, 5, 23), "as_of", None, None),
        ("Reading", "children_in_need", "count", "level", 2000, D(2016, 5, 23), "as_of", 1724, 276),
        ("Reading", "children_looked_after", "count", "level", 236, D(2016, 5, 23), "as_of", None, None),
        ("Reading", "children_looked_after", "count", "level", 236, D(2019, 3, 31), "as_of", 236, 0),
        ("Reading", "children_looked_after_rate", "per_10k", "level", 68, D(2016, 5, 23), "as_of", None, None),
        ("Reading", "children_looked_after_rate", "per_10k", "level", 90, D(2019, 3, 31), "as_of", 68, 22),
        ("Reading", "permanent_social_workers_pct", "percent", "level", 55, D(2016, 7, 1), "as_of", None, None),
        ("Reading", "permanent_social_workers_pct", "percent", "level", 62, D(2017, 2, 21), "as_of", 55, 7),
        ("Reading", "permanent_social_workers_pct", "percent", "level", 120, D(2019, 6, 1), "as_of", 62, 58),
        ("Reading", "permanent_social_workers_pct", "percent", "target", 80, D(2016, 8, 5), "published", None, None),
        ("Slough", "social_worker_vacancy_pct", "percent", "level", 29.6, D(2023, 9, 1), "as_of", None, None),
    ]


def test_quotes_by_speaker(con):
    got = rows(con, "SELECT speaker_name, speaker_role, quotes, documents, councils, first_published, "
                    "last_published, latest_quote FROM quotes_by_speaker")
    assert got == [
        ("Jane Ashdown", "director of children's services", 2, 2, ["Reading"], D(2016, 8, 5), D(2019, 7, 1),
         "We are a different service now."),
        ("Ofsted", None, 1, 1, ["Nottingham"], D(2024, 1, 9), D(2024, 1, 9), "Leaders understand the scale of the task."),
        ("Priya Okafor", "lead member", 1, 1, ["Slough"], D(2023, 10, 2), D(2023, 10, 2), "Our social workers are staying."),
    ]


# ------------------------------------------------------------------------------------------ new views

def test_la_latest_judgement(con):
    got = rows(con, """SELECT la_code, la_name, judgement, judgement_date, date_precision, age_days, source_count,
                              doc_ids, previous_judgement, previous_judgement_date FROM la_latest_judgement""")
    now = today(con)
    assert got == [
        (NOTTINGHAM, "Nottingham", "inadequate", D(2022, 7, 1), "month", (now - D(2022, 7, 1)).days, 1, ["n24"],
         "good", D(2014, 1, 1)),
        # the outstanding grade of the removed source is not current
        (READING, "Reading", "requires_improvement", D(2019, 9, 1), "month", (now - D(2019, 9, 1)).days, 1, ["r19"],
         "inadequate", D(2016, 5, 23)),
        (SLOUGH, "Slough", "requires_improvement", D(2023, 1, 1), "month", (now - D(2023, 1, 1)).days, 1, ["s23"],
         None, None),
    ]


def test_la_judgement_history(con):
    got = rows(con, """SELECT la_name, judgement, judgement_date, recency, previous_judgement, previous_judgement_date
                       FROM la_judgement_history""")
    assert got == [
        ("Nottingham", "inadequate", D(2022, 7, 1), 1, "good", D(2014, 1, 1)),
        ("Nottingham", "good", D(2014, 1, 1), 2, None, None),
        ("Reading", "requires_improvement", D(2019, 9, 1), 1, "inadequate", D(2016, 5, 23)),
        ("Reading", "inadequate", D(2016, 5, 23), 2, None, None),
        ("Slough", "requires_improvement", D(2023, 1, 1), 1, None, None),
    ]


def test_monitoring_visit_cadence(con):
    got = rows(con, """SELECT la_name, inadequate_date, visit_number, ordinal, visit_date, previous_visit_number,
                              previous_date, days_since_previous, reinspection_date, source_count
                       FROM monitoring_visit_cadence""")
    assert got == [
        # only the third visit is known: counted from the inadequate inspection
        ("Nottingham", D(2022, 7, 1), 3, 3, D(2023, 11, 22), 0, D(2022, 7, 1), 509, None, 1),
        ("Reading", D(2016, 5, 23), 1, None, D(2016, 11, 1), 0, D(2016, 5, 23), 162, D(2019, 9, 1), 1),  # rank
        ("Reading", D(2016, 5, 23), 2, 2, D(2017, 2, 21), 1, D(2016, 11, 1), 112, D(2019, 9, 1), 1),
        ("Reading", D(2016, 5, 23), 8, 8, D(2019, 3, 12), 2, D(2017, 2, 21), 749, D(2019, 9, 1), 1),
        # the 2020 visit came after the re-inspection: not listed
    ]


def test_targets_vs_actuals(con):
    got = rows(con, """SELECT la_name, metric, unit, target_value, target_date, target_published, target_doc_id,
                              baseline_value, baseline_date, actual_value, actual_date, actual_doc_id, gap, target_met
                       FROM targets_vs_actuals""")
    assert got == [
        ("Nottingham", "social_worker_caseload", "count", 12, None, D(2024, 1, 9), "n24",
         30, D(2023, 11, 22), None, None, None, None, None),
        # the next level after 5 August 2016 is February 2017's 62%, not the later 120%
        ("Reading", "permanent_social_workers_pct", "percent", 80, None, D(2016, 8, 5), "r16",
         55, D(2016, 7, 1), 62, D(2017, 2, 21), "r17", -18, False),
    ]


def test_theme_trends(con):
    got = rows(con, "SELECT la_name, year, theme, mentions, documents, documents_in_year FROM theme_trends")
    assert got == [
        ("Nottingham", 2024, "care_leavers", 2, 1, 1),
        ("Nottingham", 2024, "workforce_turnover", 1, 1, 1),
        ("Reading", 2016, "agency_staff", 1, 1, 1),
        ("Reading", 2016, "caseloads", 2, 1, 1),
        ("Reading", 2016, "recruitment", 1, 1, 1),
        ("Reading", 2017, "drift_and_delay", 1, 1, 1),
        ("Reading", 2017, "management_oversight", 1, 1, 1),
        ("Reading", 2017, "missing_children", 2, 1, 1),
        ("Reading", 2019, "agency_staff", 1, 1, 1),
        ("Reading", 2019, "early_help", 1, 1, 1),
        ("Reading", 2019, "exploitation", 2, 1, 1),
        ("Slough", 2023, "agency_staff", 1, 1, 1),
    ]


@pytest.mark.parametrize("theme,text,mentions", [
    ("workforce_turnover", "High staff turnover and churn", 2),
    ("caseloads", "caseloads, case loads and a caseload", 3),
    ("agency_staff", "agency social workers, agency staff and locums", 3),
    ("agency_staff", "a travel agency", 0),
    ("management_oversight", "Managers’ oversight was weak; supervision irregular", 2),
    ("missing_children", "children missing from home; two went missing", 2),
    ("exploitation", "child sexual exploitation (CSE) and county lines", 3),
    ("recruitment", "recruited 12 and recruitment continues", 2),
    ("placement_sufficiency", "a sufficiency strategy; unregistered children's homes", 2),
    ("early_help", "Early Help and early intervention", 2),
    ("unallocated_cases", "cases unallocated or awaiting allocation", 2),
    ("care_leavers", "care leavers and young people leaving care", 2),
    ("drift_and_delay", "drift and delays in permanence", 2),
    ("neglect", "neglect and neglected children", 2),
    ("domestic_abuse", "domestic abuse and domestic violence", 2),
    ("mental_health", "mental health support from CAMHS", 2),
    ("budget_pressure", "a £4m overspend and savings", 2),
])
def test_theme_patterns(con, theme, text, mentions):
    pattern = con.execute("SELECT pattern FROM theme_patterns WHERE theme = ?", [theme]).fetchone()[0]
    got = con.execute("SELECT len(regexp_extract_all(?, '(?i)(?:' || ? || ')'))", [text, pattern]).fetchone()[0]
    assert got == mentions


def test_data_quality_flags(con):
    got = rows(con, """SELECT reason, doc_id, la_name, metric, value, unit, measure, as_of, compared_value, detail,
                              compared_doc_ids FROM data_quality_flags""")
    assert got == [
        ("differs_from_official", "n24", "Nottingham", "children_looked_after_rate", 150, "per_10k", "level",
         D(2023, 3, 1), 108, "official children_looked_after_rate for 2023: 108", None),
        ("rate_does_not_fit", "n24", "Nottingham", "children_looked_after_rate", 150, "per_10k", "level", D(2023, 3, 1),
         107.8, "719 looked after / 66706 children (official) x 10,000", None),
        ("differs_from_official", "n24", "Nottingham", "social_worker_caseload", 30, "count", "level",
         D(2023, 11, 22), 15.3, "official social_worker_caseload for 2023: 15.3", None),
        ("conflicting_figures", "r17", "Reading", "children_in_need", 1724, "count", "level", D(2016, 5, 23),
         2000, "other documents state 2000", ["r19"]),
        ("conflicting_figures", "r19", "Reading", "children_in_need", 2000, "count", "level", D(2016, 5, 23),
         1724, "other documents state 1724", ["r17"]),
        ("rate_does_not_fit", "r19", "Reading", "children_looked_after_rate", 90, "per_10k", "level", D(2019, 3, 31),
         65.8, "236 looked after / 35850 children (stated) x 10,000", None),
        ("denied", "r17", "Reading", "children_not_visited", 191, "count", "level", None,
         None, "the sentence denies it", None),
        ("differs_from_official", "r19", "Reading", "permanent_social_workers_pct", 120, "percent", "level",
         D(2019, 6, 1), 67.2, "official permanent_social_workers_pct for 2019: 67.2", None),
        ("percent_over_100", "r19", "Reading", "permanent_social_workers_pct", 120, "percent", "level",
         D(2019, 6, 1), 100, "a percentage over 100", None),
    ]


def test_metrics_vs_official(con):
    got = rows(con, """SELECT la_name, metric, unit, value, period, dated_by, official_year, official_as_at,
                              official_value, difference, pct_difference FROM metrics_vs_official""")
    assert got == [
        ("Nottingham", "agency_social_workers_pct", "percent", 17, D(2023, 11, 22), "as_of", 2023, D(2023, 9, 30),
         17.2, -0.2, -1.2),
        ("Nottingham", "children_looked_after", "count", 719, D(2023, 3, 1), "as_of", 2023, D(2023, 3, 31), 719, 0, 0),
        ("Nottingham", "children_looked_after_rate", "per_10k", 150, D(2023, 3, 1), "as_of", 2023, D(2023, 3, 31),
         108, 42, 38.9),
        # a flow: the year to 31 March 2023
        ("Nottingham", "referrals", "count", 5692, D(2023, 3, 31), "as_of", 2023, D(2023, 3, 31), 5692, 0, 0),
        ("Nottingham", "social_worker_caseload", "count", 30, D(2023, 11, 22), "as_of", 2023, D(2023, 9, 30),
         15.3, 14.7, 96.1),
        # before the CLA series (2021): no official value
        ("Reading", "child_population", "count", 35850, D(2016, 8, 5), "published", 2016, None, None, None, None),
        ("Reading", "child_population", "count", 35850, D(2019, 7, 1), "published", 2019, None, None, None, None),
        # a snapshot of 23 May 2016 is compared with 31 March 2016
        ("Reading", "child_protection_plans", "count", 256, D(2016, 5, 23), "as_of", 2016, D(2016, 3, 31), 252, 4, 1.6),
        ("Reading", "children_in_need", "count", 1724, D(2016, 5, 23), "as_of", 2016, D(2016, 3, 31), 1869, -145, -7.8),
        ("Reading", "children_in_need", "count", 2000, D(2016, 5, 23), "as_of", 2016, D(2016, 3, 31), 1869, 131, 7.0),
        ("Reading", "children_looked_after", "count", 236, D(2016, 5, 23), "as_of", 2016, None, None, None, None),
        ("Reading", "children_looked_after", "count", 236, D(2019, 3, 31), "as_of", 2019, None, None, None, None),
        ("Reading", "children_looked_after_rate", "per_10k", 68, D(2016, 5, 23), "as_of", 2016, None, None, None, None),
        ("Reading", "children_looked_after_rate", "per_10k", 90, D(2019, 3, 31), "as_of", 2019, None, None, None, None),
        ("Reading", "permanent_social_workers_pct", "percent", 55, D(2016, 7, 1), "as_of", 2016, None, None, None, None),
        ("Reading", "permanent_social_workers_pct", "percent", 62, D(2017, 2, 21), "as_of", 2016, None, None, None, None),
        ("Reading", "permanent_social_workers_pct", "percent", 120, D(2019, 6, 1), "as_of", 2019, D(2019, 9, 30),
         67.2, 52.8, 78.6),
        ("Slough", "social_worker_vacancy_pct", "percent", 29.6, D(2023, 9, 1), "as_of", 2023, D(2023, 9, 30),
         29.6, 0, 0),
    ]


@pytest.mark.parametrize("d,year_end_month,snapshot,year", [
    (D(2023, 3, 31), 3, False, 2023),   # the last day of the year ending 31 March 2023
    (D(2023, 4, 1), 3, False, 2024),
    (D(2023, 9, 30), 3, True, 2023),    # nearer 31 March 2023 than 2024
    (D(2023, 10, 1), 3, True, 2024),
    (D(2023, 9, 30), 9, False, 2023),
    (D(2023, 10, 1), 9, False, 2024),
    (D(2024, 3, 31), 9, True, 2023),    # nearer 30 September 2023
    (D(2024, 4, 1), 9, True, 2024),
])
def test_stats_year(con, d, year_end_month, snapshot, year):
    assert con.execute("SELECT stats_year(?::DATE, ?, ?)", [d, year_end_month, snapshot]).fetchone()[0] == year


# ------------------------------------------------------------------------------------------ behaviour

def test_every_model_object_has_a_comment(con):
    views = dict(rows(con, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"))
    tables = dict(rows(con, "SELECT table_name, comment FROM duckdb_tables()"))
    for name in ["la_latest_judgement", "official_values", "official_metrics", "theme_patterns"]:
        assert views.get(name), name
    # marts materialised as tables (fast to read), the theme counts kept between runs, the official tables
    for name in ["la_judgement_history", "monitoring_visit_cadence", "targets_vs_actuals", "theme_trends",
                 "data_quality_flags", "metrics_vs_official", "theme_scans", "theme_document_mentions",
                 *(t.name for t in TABLES)]:
        assert tables.get(name), name


def test_models_rerun_same_rows(con):
    views = ["la_latest_judgement", "monitoring_visit_cadence", "targets_vs_actuals", "theme_trends",
             "data_quality_flags", "metrics_vs_official"]
    before = {v: rows(con, f"SELECT * FROM {v}") for v in views}
    run_models(con)
    load_official(con)
    assert {v: rows(con, f"SELECT * FROM {v}") for v in views} == before


def fresh(tmp_path, official: bool = True) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    c.execute(schema_sql())
    insert_fixture(c)
    if official:
        load_official(c)
    run_models(c)
    return c


def test_theme_counts_scan_only_new_or_changed_documents(tmp_path):
    c = fresh(tmp_path)
    # a stale count left in place proves an unchanged document is not scanned again
    c.execute("UPDATE theme_document_mentions SET mentions = 40 WHERE doc_id = 'r17' AND theme = 'drift_and_delay'")
    c.execute("""UPDATE documents SET clean_text = 'Neglect, neglect.', content_sha256 = 'sha-r16-b' WHERE doc_id = 'r16'""")
    c.execute("DELETE FROM documents WHERE doc_id = 's23'")
    run_models(c)
    assert rows(c, "SELECT year, theme, mentions FROM theme_trends WHERE la_code = ? AND year < 2019", READING) == [
        (2016, "neglect", 2), (2017, "drift_and_delay", 40), (2017, "management_oversight", 1),
        (2017, "missing_children", 2)]
    assert rows(c, "SELECT count(*) FROM theme_scans WHERE doc_id = 's23'") == [(0,)]
    # scanned with other patterns (the key hashes them): everything is counted again
    c.execute("UPDATE theme_scans SET scan_key = 'other patterns'")
    run_models(c)
    assert rows(c, "SELECT mentions FROM theme_trends WHERE la_code = ? AND year = 2017 AND theme = 'drift_and_delay'",
                READING) == [(1,)]
    c.close()


def test_models_build_before_official_tables_are_loaded(tmp_path):
    c = fresh(tmp_path, official=False)
    assert rows(c, "SELECT count(*), count(official_value) FROM metrics_vs_official") == [(18, 0)]
    assert rows(c, "SELECT DISTINCT reason FROM data_quality_flags ORDER BY 1") == [
        ("conflicting_figures",), ("denied",), ("percent_over_100",), ("rate_does_not_fit",)]
    # the placeholders have the loaded tables' columns, types and comments
    def shapes():
        return {t.name: (rows(c, f"SELECT column_name, column_type FROM (DESCRIBE {t.name})"),
                         rows(c, "SELECT comment FROM duckdb_tables() WHERE table_name = ?", t.name)) for t in TABLES}
    placeholders = shapes()
    load_official(c)
    assert shapes() == placeholders
    run_models(c)  # the marts are tables: they see the official values from the next model run
    assert rows(c, "SELECT count(official_value) FROM metrics_vs_official") == [(10,)]
    c.close()


# ------------------------------------------------------------------------------------------ official tables

def test_load_official_is_idempotent(tmp_path):
    c = duckdb.connect(str(tmp_path / "o.duckdb"))
    assert load_official(c) == [t.name for t in TABLES]
    counts = {t.name: rows(c, f"SELECT count(*) FROM {t.name}")[0][0] for t in TABLES}
    load_official(c)
    assert {t.name: rows(c, f"SELECT count(*) FROM {t.name}")[0][0] for t in TABLES} == counts
    assert all(n > 0 for n in counts.values())
    c.close()


@pytest.mark.parametrize("sql,expected", [
    ("SELECT children_looked_after, children_looked_after_rate, child_population FROM official_cla "
     "WHERE la_code = 'E06000018' AND year = 2023", [(719, 108.0, 66706)]),
    ("SELECT children_in_need FROM official_cin WHERE la_code = 'E06000038' AND year = 2016", [(1869,)]),
    ("SELECT referrals, re_referrals_pct FROM official_referrals WHERE la_code = 'E06000018' AND year = 2023",
     [(5692, 24.6)]),
    ("SELECT child_protection_plans FROM official_cp_plans WHERE la_code = 'E06000038' AND year = 2016", [(252,)]),
    ("SELECT agency_pct, caseload, reported_with FROM official_workforce WHERE la_code = 'E06000018' AND year = 2023",
     [(17.2, 15.3, None)]),
    # Barnsley's statistics use its former code E08000016: stored under the current one
    ("SELECT count(*) FROM official_cla WHERE la_code = 'E08000016'", [(0,)]),
    ("SELECT count(*) > 0 FROM official_cla WHERE la_code = 'E08000038'", [(True,)]),
    # North and West Northamptonshire's workforce is reported as one
    ("SELECT la_code, reported_with FROM official_workforce WHERE year = 2025 AND la_code IN ('E06000061', 'E06000062') "
     "ORDER BY 1", [("E06000061", "E06000062"), ("E06000062", "E06000061")]),
    ("SELECT area, grade FROM official_inspection_outcomes WHERE la_code = 'E06000038' AND start_date = '2024-04-22' "
     "ORDER BY area", [("care_leavers", "good"), ("children_in_care", "good"), ("help_and_protection", "requires_improvement"),
                       ("impact_of_leaders", "requires_improvement"), ("overall_effectiveness", "requires_improvement")]),
    ("SELECT count(*), count(DISTINCT neighbour_la_code) FROM statistical_neighbours WHERE la_code = 'E06000038'",
     [(10, 10)]),
])
def test_official_facts(con, sql, expected):
    assert rows(con, sql) == expected


def test_official_codes_are_current_council_codes(con):
    import csv
    with resources.files("cscetl").joinpath("data", "councils.csv").open(encoding="utf-8") as f:
        current = {r["ons_code"] for r in csv.DictReader(f)}
    for t in TABLES:
        codes = {r[0] for r in rows(con, f"SELECT DISTINCT la_code FROM {t.name}")}
        assert codes <= current, (t.name, codes - current)


def test_a_model_out_of_memory_under_the_run_cap_is_retried_with_more(tmp_path):
    from cscetl.models import run_models

    # one aggregate that cannot spill: a single list of 300,000 strings (~20 MB) under a 4 MB cap
    (tmp_path / "100_big.sql").write_text(
        "CREATE OR REPLACE TABLE big AS SELECT list(repeat('x', 50) || range::VARCHAR) AS l FROM range(300000);", encoding="utf-8")
    con = duckdb.connect()
    con.execute("SET memory_limit = '4MB'")
    assert run_models(con, tmp_path) == ["100_big.sql"]
    assert con.execute("SELECT len(l) FROM big").fetchone() == (300000,)
