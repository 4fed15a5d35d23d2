"""Official statistics as reference tables: the packaged CSVs of data/official/ → official_* tables.

The CSVs are derived facts (council code, year, values) built by scripts/build_official.py from
the DfE and Ofsted publications; every la_code is a current ONS code of data/councils.csv.
load_official(con) (re)creates every table from them: idempotent, and fast enough to call before
every model run (the SQL models compare stated figures with these tables).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class OfficialTable:
    name: str
    csv: str
    columns: dict[str, str]  # name → DuckDB type, in file order
    comment: str  # also in sql/125_official_values.sql, for the empty placeholders


TABLES: list[OfficialTable] = [
    OfficialTable("official_cla", "cla.csv", {
        "la_code": "VARCHAR", "year": "INTEGER", "children_looked_after": "INTEGER",
        "children_looked_after_rate": "DOUBLE", "child_population": "INTEGER",
        "started_in_year": "INTEGER", "ceased_in_year": "INTEGER",
    }, "DfE children looked after per council and statistics year (the year ending 31 March): number and "
       "rate per 10,000 at 31 March, child population estimate, starts and ends."),
    OfficialTable("official_cin", "cin.csv", {
        "la_code": "VARCHAR", "year": "INTEGER", "children_in_need": "INTEGER", "episodes_in_year": "INTEGER",
        "episodes_started": "INTEGER", "episodes_ended": "INTEGER",
    }, "DfE children in need per council and statistics year (the year ending 31 March): open at 31 March, "
       "open at any point, started and ended."),
    OfficialTable("official_referrals", "referrals.csv", {
        "la_code": "VARCHAR", "year": "INTEGER", "referrals": "INTEGER", "re_referrals": "INTEGER",
        "re_referrals_pct": "DOUBLE", "no_further_action_pct": "DOUBLE",
    }, "DfE referrals to children's social care per council and statistics year (the year ending 31 March), "
       "with re-referrals within 12 months."),
    OfficialTable("official_cp_plans", "cp_plans.csv", {
        "la_code": "VARCHAR", "year": "INTEGER", "child_protection_plans": "INTEGER", "plans_started": "INTEGER",
        "subsequent_plan_pct": "DOUBLE",
    }, "DfE child protection plans per council and statistics year (the year ending 31 March): at 31 March, "
       "started, share second or subsequent."),
    OfficialTable("official_workforce", "workforce.csv", {
        "la_code": "VARCHAR", "year": "INTEGER", "social_workers_fte": "DOUBLE",
        "social_workers_headcount": "INTEGER", "starters_fte": "DOUBLE", "leavers_fte": "DOUBLE",
        "turnover_pct": "DOUBLE", "agency_fte": "DOUBLE", "agency_headcount": "INTEGER", "agency_pct": "DOUBLE",
        "vacancy_fte": "DOUBLE", "vacancy_pct": "DOUBLE", "caseload": "DOUBLE", "absence_pct": "DOUBLE",
        "reported_with": "VARCHAR",
    }, "DfE social work workforce per council and year (as at 30 September; turnover over the year to it). "
       "reported_with: councils reported jointly, whose counts are of the joint service."),
    OfficialTable("official_inspection_outcomes", "inspection_outcomes.csv", {
        "la_code": "VARCHAR", "framework": "VARCHAR", "start_date": "DATE", "end_date": "DATE",
        "published_date": "DATE", "area": "VARCHAR", "grade": "VARCHAR", "source": "VARCHAR",
    }, "One row per graded area of an ILACS inspection: Ofsted official statistics to March 2025 (source "
       "ofsted_statistics), later ones from the published reports (report_scrape)."),
    OfficialTable("statistical_neighbours", "statistical_neighbours.csv", {
        "la_code": "VARCHAR", "neighbour_rank": "INTEGER", "neighbour_la_code": "VARCHAR", "closeness": "VARCHAR",
    }, "DfE statistical neighbours (April 2021): the ten councils most like each council, nearest first, "
       "with the closeness band."),
]


def official_dir() -> Path:
    return Path(str(resources.files("cscetl").joinpath("data", "official")))


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def load_official(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every official_* table (and statistical_neighbours) from the packaged CSVs; returns their names."""
    folder = official_dir()
    for t in TABLES:
        columns = "{" + ", ".join(f"{_sql_string(c)}: {_sql_string(ty)}" for c, ty in t.columns.items()) + "}"
        con.execute(
            f"CREATE OR REPLACE TABLE {t.name} AS SELECT * FROM read_csv({_sql_string(str(folder / t.csv))}, "
            f"header = true, columns = {columns}, dateformat = '%Y-%m-%d')"
        )
        con.execute(f"COMMENT ON TABLE {t.name} IS {_sql_string(t.comment)}")
    return [t.name for t in TABLES]
