#!/usr/bin/env python3
"""Derive the packaged official-statistics CSVs (src/cscetl/data/official/) from ../shared/reference.

    .venv/bin/python scripts/build_official.py [--reference ../shared/reference] [--out src/cscetl/data/official]

Only derived facts go into the package (council code, year or date, values): no prose, no names.
Every council is given its current ONS code from src/cscetl/data/councils.csv (an old code maps
through former_ons_codes, a DfE number through dfe_code / former_dfe_codes); a row whose code
maps to no council stops the build, as does a council with two rows for one year.

| file                       | from                                                        | one row per |
|----------------------------|-------------------------------------------------------------|-------------|
| cla.csv                    | cla_number_and_rate_per_10k_children.csv                    | council, year ending 31 March |
| cin.csv                    | b1_children_in_need_2013_to_2025.csv                        | council, year ending 31 March |
| referrals.csv              | c1_children_in_need_referrals_and_rereferrals_2013_to_2025  | council, year ending 31 March |
| cp_plans.csv               | d5_cpps_at31march_by_duration + d3_cpps_subsequent_plan     | council, year ending 31 March |
| workforce.csv              | csww_indicators_2017_to_2025.csv                            | council, year to 30 September |
| inspection_outcomes.csv    | LA_Inspection_Outcomes_as_at_31_March_2025.ods (ILACS history), then ofsted_csc_ilacs_history.csv for later inspections | graded area of an ILACS inspection |
| statistical_neighbours.csv | New_Statistical_Neighbour_Groupings_April_2021.csv          | council and neighbour (1-10) |

Suppressed or not-applicable cells (c, x, z, u, low, ...) become empty (NULL).
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
COUNCILS = ROOT / "src" / "cscetl" / "data" / "councils.csv"


# ------------------------------------------------------------------------------------------ codes

def council_codes() -> tuple[dict[str, str], dict[str, str]]:
    """(any ONS code → current ONS code, any DfE number → current ONS code)."""
    ons: dict[str, str] = {}
    dfe: dict[str, str] = {}
    with COUNCILS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["ons_code"]
            for old in [code, *filter(None, row["former_ons_codes"].split(";"))]:
                ons[old.strip()] = code
            for old in [row["dfe_code"], *filter(None, row["former_dfe_codes"].split(";"))]:
                dfe[old.strip()] = code
    return ons, dfe


class Unmapped(Exception):
    pass


def current_code(code: str, ons: dict[str, str]) -> str:
    try:
        return ons[code.strip()]
    except KeyError:
        raise Unmapped(f"ONS code {code!r} is no council of councils.csv (add it, or its successor's former_ons_codes)") from None


# ------------------------------------------------------------------------------------------ DfE tables

NUM = "TRY_CAST(nullif(trim({c}), '') AS DOUBLE)"  # suppressed cells (c, x, z, low, ...) → NULL


def dfe_rows(con: duckdb.DuckDBPyConnection, path: Path, select: dict[str, str], where: str = "true") -> list[tuple]:
    """Local-authority rows of a DfE open-data CSV: (new_la_code, year, *select values)."""
    cols = ", ".join(f"{expr} AS {name}" for name, expr in select.items())
    return con.execute(f"""
        SELECT new_la_code, CAST(time_period AS INTEGER) AS year, {cols}
        FROM read_csv(?, all_varchar = true)
        WHERE geographic_level = 'Local authority' AND {where}
        ORDER BY 1, 2""", [str(path)]).fetchall()


def recode(rows: list[tuple], ons: dict[str, str], split_joint: bool = False) -> list[tuple]:
    """Current ONS codes. A joint row ("E06000061 / E06000062": DfE reports two councils as one)
    becomes one row per council with the other code(s) in a last column when split_joint, else stops."""
    out = []
    for code, year, *values in rows:
        parts = [p.strip() for p in code.split("/")]
        if len(parts) > 1 and not split_joint:
            raise Unmapped(f"joint code {code!r} in a table that should have none")
        mapped = [current_code(p, ons) for p in parts]
        for c in mapped:
            row = (c, year, *values)
            if split_joint:
                row += (";".join(m for m in mapped if m != c) or None,)
            out.append(row)
    keys = [(r[0], r[1]) for r in out]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise Unmapped(f"two rows for one council and year after recoding: {sorted(dupes)[:5]}")
    return sorted(out, key=lambda r: (r[0], r[1]))


def cla(con, ref: Path, ons) -> tuple[list[str], list[tuple]]:
    f = ref / "cla_number_and_rate_per_10k_children.csv"
    def part(population_type: str, value: str) -> dict:
        rows = dfe_rows(con, f, {"v": NUM.format(c=value)}, f"population_type = '{population_type}'")
        return {(c, y): v for c, y, v in rows}
    at31 = "Children looked after on 31 March each year"
    count, rate = part(at31, "children_count"), part(at31, "rate_per_10000")
    population = part(at31, "population_estimate")
    starting = part("Children starting to be looked after each year", "children_count")
    ceasing = part("Children ceasing to be looked after each year", "children_count")
    rows = [(c, y, count[c, y], rate[c, y], population[c, y], starting.get((c, y)), ceasing.get((c, y)))
            for c, y in sorted(count)]
    return (["la_code", "year", "children_looked_after", "children_looked_after_rate", "child_population",
             "started_in_year", "ceased_in_year"], recode(rows, ons))


def cin(con, ref: Path, ons):
    rows = dfe_rows(con, ref / "b1_children_in_need_2013_to_2025.csv", {
        "at31": NUM.format(c="At31_episodes"), "in_year": NUM.format(c="Anypoint_episodes"),
        "started": NUM.format(c="Started_episodes"), "ended": NUM.format(c="Ended_episodes")})
    return ["la_code", "year", "children_in_need", "episodes_in_year", "episodes_started", "episodes_ended"], recode(rows, ons)


def referrals(con, ref: Path, ons):
    rows = dfe_rows(con, ref / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", {
        "referrals": NUM.format(c="referral_count"), "re_referrals": NUM.format(c="rereferral_count"),
        "re_referrals_pct": NUM.format(c="rereferral_percent"), "nfa_pct": NUM.format(c="no_further_action_percent")})
    return ["la_code", "year", "referrals", "re_referrals", "re_referrals_pct", "no_further_action_pct"], recode(rows, ons)


def cp_plans(con, ref: Path, ons):
    at31 = recode(dfe_rows(con, ref / "d5_cpps_at31march_by_duration_2013_to_2025.csv", {"v": NUM.format(c="CPP_At31")}), ons)
    starts = recode(dfe_rows(con, ref / "d3_cpps_subsequent_plan_2013_to_2025.csv", {
        "started": NUM.format(c="CPP_start"), "subsequent_pct": NUM.format(c="CPP_subsequent_percent")}), ons)
    by_key = {(c, y): rest for c, y, *rest in starts}
    rows = [(c, y, v, *by_key.get((c, y), (None, None))) for c, y, v in at31]
    return ["la_code", "year", "child_protection_plans", "plans_started", "subsequent_plan_pct"], rows


def workforce(con, ref: Path, ons):
    cols = {
        "social_workers_fte": "inpost_fte", "social_workers_headcount": "inpost_headcount",
        "starters_fte": "starters_fte", "leavers_fte": "leavers_fte", "turnover_pct": "turnover_rate_fte",
        "agency_fte": "agency_fte", "agency_headcount": "agency_headcount", "agency_pct": "agency_rate_fte",
        "vacancy_fte": "vacancy_fte", "vacancy_pct": "vacancy_rate_fte", "caseload": "caseload_fte",
        "absence_pct": "absence_rate_fte",
    }
    rows = dfe_rows(con, ref / "csww_indicators_2017_to_2025.csv", {k: NUM.format(c=v) for k, v in cols.items()})
    return ["la_code", "year", *cols, "reported_with"], recode(rows, ons, split_joint=True)


# ------------------------------------------------------------------------------------------ inspections

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def ods_sheet(path: Path, name: str) -> list[list[str]]:
    """One sheet of an .ods file as rows of strings (dates as ISO, numbers as written)."""
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    for table in root.iter(_T + "table"):
        if table.get(_T + "name") != name:
            continue
        rows = []
        for r in table.iter(_T + "table-row"):
            cells: list[str] = []
            for c in r:
                if c.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                    continue
                value = c.get(_O + "date-value") or c.get(_O + "value")
                if value is None:
                    value = "\n".join("".join(p.itertext()) for p in c.iter(_TEXT + "p"))
                cells.extend([value] * min(int(c.get(_T + "number-columns-repeated", "1")), 50))
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append(cells)
        return rows
    raise KeyError(f"{path.name} has no sheet {name!r}")


def grade(text: str | None) -> str | None:
    """Official wording → the warehouse's grade vocabulary (None for blanks and scrape markers)."""
    t = (text or "").strip().lower()
    if t.startswith("requires improvement"):
        return "requires_improvement"
    return t if t in ("outstanding", "good", "inadequate", "adequate") else None


def areas(overall, leaders, help_protection, in_care, care_leavers) -> list[tuple[str, str]]:
    """(area, grade) as in the judgements table: before the care-leavers judgement (2023) the
    in-care grade covered children in care and care leavers together."""
    g = {"overall_effectiveness": grade(overall), "impact_of_leaders": grade(leaders),
         "help_and_protection": grade(help_protection)}
    if grade(care_leavers):
        g |= {"children_in_care": grade(in_care), "care_leavers": grade(care_leavers)}
    else:
        g["children_in_care_and_care_leavers"] = grade(in_care)
    return [(a, v) for a, v in g.items() if v]


FRAMEWORK = {"ILACS Standard Inspection": "ilacs_standard", "ILACS Short Inspection": "ilacs_short",
             "standard": "ilacs_standard", "short": "ilacs_short"}


def inspection_outcomes(ref: Path, ons):
    """Official ILACS history; the scrape adds inspections that started after its last one."""
    out = []
    rows = ods_sheet(ref / "LA_Inspection_Outcomes_as_at_31_March_2025.ods", "ILACS_inspection_history")
    header = rows.index(next(r for r in rows if r and r[0] == "Web link"))
    for r in rows[header + 1:]:
        r = r + [""] * (13 - len(r))
        code, start, published, itype = r[1], r[5][:10], r[6][:10], r[7]
        for area, g in areas(*r[8:13]):
            out.append((current_code(code, ons), FRAMEWORK[itype], date.fromisoformat(start), None,
                        date.fromisoformat(published) if published else None, area, g, "ofsted_statistics"))
    last_official = max(r[2] for r in out)

    urn_code = {}
    with (ref / "ofsted_provider_lookup.csv").open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            urn_code[r["urn"]] = r["la_code_new"]
    day = lambda s: datetime.strptime(s, "%d/%m/%Y").date() if s else None  # noqa: E731
    with (ref / "ofsted_csc_ilacs_history.csv").open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            start = day(r["inspection_start_date"])
            if start is None or start <= last_official or r["inspection_framework"] not in FRAMEWORK:
                continue
            published = datetime.strptime(r["publication_date"], "%d/%m/%y").date()
            for area, g in areas(r["overall_effectiveness_grade"], r["impact_of_leaders_grade"],
                                 r["help_and_protection_grade"], r["in_care_grade"], r["care_leavers_grade"]):
                out.append((current_code(urn_code[r["urn"]], ons), FRAMEWORK[r["inspection_framework"]], start,
                            day(r["inspection_end_date"]), published, area, g, "report_scrape"))
    out.sort(key=lambda r: (r[0], r[2], r[5]))
    return ["la_code", "framework", "start_date", "end_date", "published_date", "area", "grade", "source"], out


def statistical_neighbours(ref: Path, dfe):
    out = []
    with (ref / "New_Statistical_Neighbour_Groupings_April_2021.csv").open(encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        for r in reader:
            if not r or not r[0].strip():
                continue
            la = dfe.get(r[0].strip())
            if la is None:
                raise Unmapped(f"DfE number {r[0]!r} is no council of councils.csv")
            for rank in range(1, 11):
                i = header.index(f"SN{rank}")
                neighbour, closeness = r[i].strip(), r[i + 1].strip()
                if neighbour:
                    out.append((la, rank, dfe[neighbour], re.sub(r"\W+", "_", closeness.lower()).strip("_")))
    return ["la_code", "neighbour_rank", "neighbour_la_code", "closeness"], sorted(out)


# ------------------------------------------------------------------------------------------ main

def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def write(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows([fmt(v) for v in r] for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "cscetl" / "data" / "official")
    args = ap.parse_args(argv)
    ons, dfe = council_codes()
    con = duckdb.connect()
    args.out.mkdir(parents=True, exist_ok=True)
    builds = {
        "cla.csv": lambda: cla(con, args.reference, ons),
        "cin.csv": lambda: cin(con, args.reference, ons),
        "referrals.csv": lambda: referrals(con, args.reference, ons),
        "cp_plans.csv": lambda: cp_plans(con, args.reference, ons),
        "workforce.csv": lambda: workforce(con, args.reference, ons),
        "inspection_outcomes.csv": lambda: inspection_outcomes(args.reference, ons),
        "statistical_neighbours.csv": lambda: statistical_neighbours(args.reference, dfe),
    }
    total = 0
    for name, build in builds.items():
        try:
            header, rows = build()
        except Unmapped as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return 1
        write(args.out / name, header, rows)
        size = (args.out / name).stat().st_size
        total += size
        print(f"{name:28} {len(rows):6} rows {size / 1024:7.1f} KB")
    print(f"total {total / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
