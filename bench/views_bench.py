#!/usr/bin/env python3
"""How fast the SQL models build and the views answer on a large warehouse.

    .venv/bin/python bench/views_bench.py [--docs 100000] [--runs 5] [--warehouse PATH] [--seed 7]

1. Builds a warehouse of N synthetic documents (default 100,000) in a temporary DuckDB file, all in
   SQL over range() (no row-by-row inserts), in the proportions of the bundled sample: per document
   ~2.5 inspection mentions, ~4.7 figures and ~2.3 quotes, about real councils
   (src/cscetl/data/councils.csv); texts of ~2.5 KB drawn from sentences that mention the themes.
   Mentions point at ~30 underlying Ofsted events per council, at day, month or year precision,
   so la_inspection_timeline has real merging to do; figures cluster on the official reference
   dates (31 March, 30 September) so the duplicate checks have real groups.
2. Loads the official tables (cscetl.official.load_official) and runs every model file, timing each.
3. Times every view and mart (best of --runs): the whole result fetched (as Arrow), COUNT(*), and a
   typical dashboard query (one council's rows).
4. Runs the models again with nothing changed (the incremental theme scan does no work) and with
   1% of the documents changed.

Prints a table and a last machine-readable line (bench: ...). Goal: < 100 ms per view.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

import duckdb

from cscetl.models import model_files
from cscetl.official import load_official

VIEWS = [
    "la_inspection_timeline", "metric_trends", "quotes_by_speaker", "official_values", "la_latest_judgement",
    "monitoring_visit_cadence", "targets_vs_actuals", "theme_trends", "data_quality_flags", "metrics_vs_official",
]

SENTENCES = [
    "Social worker caseloads have risen again this year, inspectors said.",
    "The council relies on agency staff to fill one in three posts.",
    "Staff turnover remains high and children have had several changes of social worker.",
    "Management oversight of frontline practice is not consistently strong.",
    "Children who go missing from home are not always offered a return home interview.",
    "Leaders have a clear understanding of the risks of exploitation, including county lines.",
    "A recruitment campaign has brought in forty new social workers.",
    "There is a shortage of foster carers and sufficiency of placements is a concern.",
    "Early help services are well established across the borough.",
    "Some cases were unallocated for several weeks during the summer.",
    "Care leavers say their personal advisers know them well.",
    "Drift in planning for some children means they wait too long for permanence.",
    "Neglect is recognised earlier than at the last inspection.",
    "Domestic abuse is the most common reason for referral.",
    "Access to mental health support through CAMHS remains a problem.",
    "The service is forecasting an overspend of four million pounds.",
    "The cabinet member thanked staff for their hard work over a difficult year.",
    "Councillors will discuss the report at a meeting next month.",
    "The authority has invested in a new case management system.",
    "Families told inspectors that workers listened to them.",
    "Partnership working with the police and health services has improved.",
    "The director said the service was on a journey of improvement.",
    "Court work is of a good standard and timeliness has improved.",
    "A new residential home for children will open in the spring.",
    "The local safeguarding partnership published its annual report.",
]

METRICS = [  # metric, unit, typical value
    ("children_looked_after", "count", 450), ("children_looked_after_rate", "per_10k", 70),
    ("children_in_need", "count", 2500), ("child_protection_plans", "count", 300), ("referrals", "count", 4000),
    ("re_referrals_pct", "percent", 22), ("social_workers", "count", 200), ("agency_social_workers_pct", "percent", 18),
    ("permanent_social_workers_pct", "percent", 80), ("social_worker_turnover_pct", "percent", 16),
    ("social_worker_vacancy_pct", "percent", 18), ("social_worker_caseload", "count", 17),
    ("child_population", "count", 50000), ("unallocated_cases", "count", 20), ("investment", "gbp", 2000000),
]


def build(con: duckdb.DuckDBPyConnection, docs: int, seed: int) -> dict[str, float]:
    """The synthetic warehouse; returns seconds per step."""
    t: dict[str, float] = {}
    began = time.perf_counter()
    con.execute(resources.files("cscetl").joinpath("schema.sql").read_text(encoding="utf-8"))
    councils = str(resources.files("cscetl").joinpath("data", "councils.csv"))
    con.execute(f"""CREATE TEMP TABLE councils AS
        SELECT row_number() OVER (ORDER BY ons_code) - 1 AS n, ons_code AS la_code, name AS la_name
        FROM read_csv('{councils}', all_varchar = true) WHERE abolished IS NULL""")
    n_councils = con.execute("SELECT count(*) FROM councils").fetchall()[0][0]
    # hx: a row's pseudo-random draws, a function of its keys and the seed whatever the thread schedule
    con.execute("CREATE OR REPLACE TEMP MACRO hx(a, b, c := 0, d := 0) AS CAST(hash(a, b, c, d) % 1000000007 AS BIGINT)")
    sentences = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in SENTENCES) + "]"
    con.execute(f"""
        INSERT INTO documents (doc_id, source_url, kind, publisher, title, published_date, la_code, la_name,
                               clean_text, content_sha256, format, loaded_at, run_id, processed_with)
        SELECT 'd' || i, 'https://example.org/news/' || i,
               ['news', 'press_release', 'ofsted_letter', 'minutes'][1 + hx(i, {seed}, 1) % 4],
               'Example Post', 'Story ' || i,
               DATE '2014-01-01' + CAST(hx(i, {seed}, 2) % 4380 AS INTEGER),
               c.la_code, c.la_name,
               array_to_string(list_transform(range(25), lambda k: {sentences}[1 + hx(i, k, {seed}) % {len(SENTENCES)}]), ' '),
               md5('d' || i), 'html', now()::TIMESTAMP, 'bench', 'bench'
        FROM range({docs}) r(i) JOIN councils c ON c.n = hx(i, {seed}, 3) % {n_councils}""")
    t["documents"] = time.perf_counter() - began

    began = time.perf_counter()
    # ~30 events per council: full inspections every ~3 years, monitoring and focused visits between
    con.execute(f"""CREATE TEMP TABLE events AS
        SELECT c.la_code, c.la_name, e AS event_no,
               CASE WHEN e % 6 = 0 THEN 'full_inspection' WHEN e % 6 IN (1, 2, 3) THEN 'monitoring_visit'
                    WHEN e % 6 = 4 THEN 'focused_visit' ELSE 'jtai' END AS inspection_type,
               DATE '2012-01-05' + CAST(e * 150 + hx(c.la_code, e) % 60 AS INTEGER) AS start_date,
               CASE WHEN e % 6 = 0 THEN ['outstanding', 'good', 'requires_improvement', 'inadequate'][1 + hx(c.la_code, e, 9) % 4] END AS judgement,
               CASE WHEN e % 6 IN (1, 2, 3) THEN (e % 6) + 3 * (e // 6) END AS ordinal
        FROM councils c, range(30) r(e)""")
    con.execute(f"""
        INSERT INTO inspections (doc_id, la_code, la_name, inspection_type, start_date, end_date, date_precision,
                                 ordinal, judgement, evidence, char_start, char_end)
        WITH picks AS (
            SELECT d.doc_id, d.la_code, j, hx(d.doc_id, j, {seed}) AS h
            FROM documents d, range(5) r(j)
            WHERE j < 2 + hx(d.doc_id, {seed}, 4) % 2     -- 2 or 3 mentions a document
        )
        SELECT p.doc_id, e.la_code, e.la_name, e.inspection_type,
               CASE WHEN p.h % 10 < 7 THEN e.start_date WHEN p.h % 10 < 9 THEN date_trunc('month', e.start_date)::DATE
                    ELSE date_trunc('year', e.start_date)::DATE END,
               CASE WHEN p.h % 10 < 7 THEN e.start_date + 4 END,
               CASE WHEN p.h % 10 < 7 THEN 'day' WHEN p.h % 10 < 9 THEN 'month' ELSE 'year' END,
               e.ordinal, e.judgement, 'Ofsted visited in ' || e.start_date, 100 * p.j, 100 * p.j + 80
        FROM picks p JOIN events e ON e.la_code = p.la_code AND e.event_no = p.h % 30""")
    t["inspections"] = time.perf_counter() - began

    began = time.perf_counter()
    # most figures repeat the official value (or, with none, one true value per council, metric and
    # date), as real ones do; some are a little off, a few far off
    load_official(con)
    con.execute(next(p for p in model_files() if p.name.startswith("125_")).read_text(encoding="utf-8"))
    metrics = "[" + ", ".join(f"{{'metric': '{m}', 'unit': '{u}', 'base': {v}}}" for m, u, v in METRICS) + "]"
    con.execute(f"""
        INSERT INTO metrics (doc_id, la_code, la_name, metric, value, unit, measure, as_of, date_precision,
                             evidence, char_start, char_end, denied)
        WITH picks AS (
            SELECT d.doc_id, d.la_code, d.la_name, d.published_date, j, hx(d.doc_id, j, {seed}, 6) AS h,
                   {metrics}[1 + hx(d.doc_id, j, {seed}, 7) % {len(METRICS)}] AS m
            FROM documents d, range(7) r(j)
            WHERE j < 3 + hx(d.doc_id, {seed}, 8) % 4     -- 3 to 6 figures, ~4.5 a document
        ),
        dated AS (
            SELECT *, CASE WHEN h % 5 = 0 THEN NULL   -- undated: the document's date stands in
                           ELSE last_day(make_date(year(published_date) - CAST(h % 2 AS INTEGER),
                                                   CASE WHEN m.metric LIKE '%social_worker%' THEN 9 ELSE 3 END, 1)) END AS as_of
            FROM picks
        )
        SELECT p.doc_id, p.la_code, p.la_name, p.m.metric,
               round(coalesce(o.value, p.m.base * (0.8 + hx(p.la_code, p.m.metric, coalesce(p.as_of, p.published_date)) % 400 / 1000.0))
                     * CASE WHEN p.h % 20 < 16 THEN 1 WHEN p.h % 20 < 19 THEN 0.97 + (p.h % 61) / 1000.0
                            ELSE 0.7 + (p.h % 601) / 1000.0 END, 1),
               p.m.unit,
               CASE WHEN p.h % 23 = 0 THEN 'target' WHEN p.h % 23 = 1 THEN 'change' ELSE 'level' END,
               p.as_of, CASE WHEN p.as_of IS NOT NULL THEN 'day' END,
               p.m.metric || ' was ' || (p.h % 1000), 200 + 60 * p.j, 250 + 60 * p.j, p.h % 100 = 0
        FROM dated p
        LEFT JOIN official_metrics c ON c.metric = p.m.metric AND c.unit = p.m.unit
        LEFT JOIN official_values o
          ON o.la_code = p.la_code AND o.metric = p.m.metric
         AND o.year = stats_year(coalesce(p.as_of, p.published_date), c.year_end_month, c.snapshot)""")
    t["metrics"] = time.perf_counter() - began

    began = time.perf_counter()
    con.execute(f"""
        INSERT INTO quotes (quote_id, doc_id, la_code, la_name, speaker_name, speaker_role, speaker_org, text,
                            char_start, char_end, speaker_as_written)
        SELECT d.doc_id || '-q' || j, d.doc_id, d.la_code, d.la_name,
               'Speaker ' || (hx(d.doc_id, j, {seed}, 10) % 3000),
               ['director of children''s services', 'lead member', 'Ofsted inspector'][1 + hx(d.doc_id, j) % 3],
               d.la_name || ' Council', 'We are determined to improve services for children, number ' || j || '.',
               1000 + 100 * j, 1080 + 100 * j, NULL
        FROM documents d, range(4) r(j)
        WHERE j < 1 + hx(d.doc_id, {seed}, 11) % 3 + CASE WHEN hx(d.doc_id, {seed}, 12) % 3 = 0 THEN 1 ELSE 0 END""")
    con.execute("UPDATE documents SET removed_in_run = 'bench-removed' WHERE hx(doc_id, 13) % 200 = 0")
    t["quotes"] = time.perf_counter() - began
    con.execute("CHECKPOINT")
    return t


def run_models_timed(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    out = {}
    began = time.perf_counter()
    load_official(con)
    out["load_official"] = time.perf_counter() - began
    for path in model_files():
        began = time.perf_counter()
        con.execute(path.read_text(encoding="utf-8"))
        out[path.name] = time.perf_counter() - began
    return out


def best_ms(con: duckdb.DuckDBPyConnection, sql: str, runs: int, arrow: bool = False) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        if arrow:
            con.sql(sql).to_arrow_table()
        else:
            con.execute(sql).fetchall()
        times.append(time.perf_counter() - began)
    return min(times) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--warehouse", type=Path, help="DuckDB file to build (default: a temporary one)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.warehouse or Path(tmp) / "views-bench.duckdb"
        path.unlink(missing_ok=True)
        con = duckdb.connect(str(path))
        steps = build(con, args.docs, args.seed)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("documents", "inspections", "metrics", "quotes")}
        print("warehouse: " + ", ".join(f"{t} {n:,}" for t, n in counts.items())
              + f"  (built in {sum(steps.values()):.1f}s)")

        first = run_models_timed(con)
        print("\nmodels, first run (s):")
        for name, s in first.items():
            print(f"  {name:34} {s:7.3f}")
        print(f"  {'total':34} {sum(first.values()):7.3f}")

        council, name = con.execute("SELECT la_code, any_value(la_name) FROM documents GROUP BY 1 "
                                    "ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()[0]
        by_council = {"quotes_by_speaker": f"list_contains(councils, '{name}')"}  # one row per speaker, not council
        print(f"\nviews (best of {args.runs}, ms): whole result as Arrow, COUNT(*), one council ({council})")
        print(f"  {'view':26} {'rows':>9} {'fetch':>8} {'count':>8} {'council':>8}")
        results = {}
        for view in VIEWS:
            rows = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
            fetch = best_ms(con, f"SELECT * FROM {view}", args.runs, arrow=True)
            count = best_ms(con, f"SELECT count(*) FROM {view}", args.runs)
            one = best_ms(con, f"SELECT * FROM {view} WHERE {by_council.get(view, f'la_code = {council!r}')}", args.runs)
            results[view] = (rows, fetch, count, one)
            flag = "" if max(fetch, count, one) < 100 else "  > 100 ms"
            print(f"  {view:26} {rows:9,} {fetch:8.1f} {count:8.1f} {one:8.1f}{flag}")

        again = run_models_timed(con)
        con.execute("""UPDATE documents SET content_sha256 = md5(content_sha256), clean_text = clean_text || ' Neglect.'
                       WHERE hx(doc_id, 14) % 100 = 0""")
        changed = run_models_timed(con)
        print(f"\nmodels again, nothing changed: {sum(again.values()):.3f}s "
              f"(160_theme_trends.sql {again['160_theme_trends.sql']:.3f}s); "
              f"1% of documents changed: {sum(changed.values()):.3f}s "
              f"(160_theme_trends.sql {changed['160_theme_trends.sql']:.3f}s)")
        con.close()

    worst = max(max(r[1:]) for r in results.values())
    fields = [f"docs={counts['documents']}", f"models_first_s={sum(first.values()):.2f}",
              f"models_rerun_s={sum(again.values()):.2f}", f"models_1pct_changed_s={sum(changed.values()):.2f}"]
    fields += [f"{v}_ms={max(r[1:]):.1f}" for v, r in results.items()]
    fields.append(f"worst_view_ms={worst:.1f}")
    print("bench: " + " ".join(fields))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
