-- Staging for the comparisons with official statistics (metrics_vs_official, data_quality_flags).
--
-- The official_* tables are loaded by cscetl.official.load_official from the packaged CSVs. They
-- are created here, empty, only when it has not run, so every model still builds (and finds no
-- official values). Keep their columns and comments as official.TABLES declares them
-- (tests/test_models.py checks).
CREATE TABLE IF NOT EXISTS official_cla (la_code VARCHAR, year INTEGER, children_looked_after INTEGER,
    children_looked_after_rate DOUBLE, child_population INTEGER, started_in_year INTEGER, ceased_in_year INTEGER);
CREATE TABLE IF NOT EXISTS official_cin (la_code VARCHAR, year INTEGER, children_in_need INTEGER,
    episodes_in_year INTEGER, episodes_started INTEGER, episodes_ended INTEGER);
CREATE TABLE IF NOT EXISTS official_referrals (la_code VARCHAR, year INTEGER, referrals INTEGER,
    re_referrals INTEGER, re_referrals_pct DOUBLE, no_further_action_pct DOUBLE);
CREATE TABLE IF NOT EXISTS official_cp_plans (la_code VARCHAR, year INTEGER, child_protection_plans INTEGER,
    plans_started INTEGER, subsequent_plan_pct DOUBLE);
CREATE TABLE IF NOT EXISTS official_workforce (la_code VARCHAR, year INTEGER, social_workers_fte DOUBLE,
    social_workers_headcount INTEGER, starters_fte DOUBLE, leavers_fte DOUBLE, turnover_pct DOUBLE,
    agency_fte DOUBLE, agency_headcount INTEGER, agency_pct DOUBLE, vacancy_fte DOUBLE, vacancy_pct DOUBLE,
    caseload DOUBLE, absence_pct DOUBLE, reported_with VARCHAR);
CREATE TABLE IF NOT EXISTS official_inspection_outcomes (la_code VARCHAR, framework VARCHAR, start_date DATE,
    end_date DATE, published_date DATE, area VARCHAR, grade VARCHAR, source VARCHAR);
CREATE TABLE IF NOT EXISTS statistical_neighbours (la_code VARCHAR, neighbour_rank INTEGER,
    neighbour_la_code VARCHAR, closeness VARCHAR);

-- (the same comments as official.TABLES: whichever wrote last, a table says what it holds)
COMMENT ON TABLE official_cla IS 'DfE children looked after per council and statistics year (the year ending 31 March): number and rate per 10,000 at 31 March, child population estimate, starts and ends.';
COMMENT ON TABLE official_cin IS 'DfE children in need per council and statistics year (the year ending 31 March): open at 31 March, open at any point, started and ended.';
COMMENT ON TABLE official_referrals IS 'DfE referrals to children''s social care per council and statistics year (the year ending 31 March), with re-referrals within 12 months.';
COMMENT ON TABLE official_cp_plans IS 'DfE child protection plans per council and statistics year (the year ending 31 March): at 31 March, started, share second or subsequent.';
COMMENT ON TABLE official_workforce IS 'DfE social work workforce per council and year (as at 30 September; turnover over the year to it). reported_with: councils reported jointly, whose counts are of the joint service.';
COMMENT ON TABLE official_inspection_outcomes IS 'One row per graded area of an ILACS inspection: Ofsted official statistics to March 2025 (source ofsted_statistics), later ones from the published reports (report_scrape).';
COMMENT ON TABLE statistical_neighbours IS 'DfE statistical neighbours (April 2021): the ten councils most like each council, nearest first, with the closeness band.';

-- stats_year: the statistics year a figure dated d is compared with, for a collection whose year
-- ends in year_end_month (3: the year ending 31 March; 9: the year to 30 September).
--   * a flow over the year (referrals, turnover): the year d falls in (2023-04-01 → 2024);
--   * a snapshot (children looked after at 31 March, vacancies at 30 September): the nearest
--     reference date, so "256 plans on 23 May 2016" is compared with 31 March 2016, not 2017.
CREATE OR REPLACE MACRO stats_year(d, year_end_month, snapshot) AS
    year(d + to_months(12 - year_end_month - CASE WHEN snapshot THEN 6 ELSE 0 END));

-- official_metrics: one row per catalogue metric (and unit) the official statistics publish.
CREATE OR REPLACE VIEW official_metrics AS
SELECT * FROM (VALUES
    ('children_looked_after',        'count',   3, true,  'official_cla.children_looked_after'),
    ('children_looked_after_rate',   'per_10k', 3, true,  'official_cla.children_looked_after_rate'),
    ('child_population',             'count',   3, true,  'official_cla.child_population'),
    ('children_in_need',             'count',   3, true,  'official_cin.children_in_need'),
    ('children_in_need_rate',        'per_10k', 3, true,  'official_cin.children_in_need / official_cla.child_population'),
    ('child_protection_plans',       'count',   3, true,  'official_cp_plans.child_protection_plans'),
    ('child_protection_plan_rate',   'per_10k', 3, true,  'official_cp_plans.child_protection_plans / official_cla.child_population'),
    ('referrals',                    'count',   3, false, 'official_referrals.referrals'),
    ('referrals_rate',               'per_10k', 3, false, 'official_referrals.referrals / official_cla.child_population'),
    ('re_referrals_pct',             'percent', 3, false, 'official_referrals.re_referrals_pct'),
    ('social_workers',               'count',   9, true,  'official_workforce.social_workers_headcount'),
    ('agency_social_workers',        'count',   9, true,  'official_workforce.agency_headcount'),
    ('agency_social_workers_pct',    'percent', 9, true,  'official_workforce.agency_pct'),
    ('permanent_social_workers_pct', 'percent', 9, true,  '100 - official_workforce.agency_pct'),
    ('social_worker_turnover_pct',   'percent', 9, false, 'official_workforce.turnover_pct'),
    ('social_worker_vacancy_pct',    'percent', 9, true,  'official_workforce.vacancy_pct'),
    ('social_worker_caseload',       'count',   9, true,  'official_workforce.caseload')
) AS t(metric, unit, year_end_month, snapshot, official_source);
COMMENT ON VIEW official_metrics IS 'Catalogue metrics with an official counterpart: unit, the month the statistics year ends (3 or 9), whether it is a snapshot at that date or a flow over the year, and where the value comes from.';

-- official_values: one row per council, statistics year and catalogue metric with an official
-- value. Rates per 10,000 that DfE publishes elsewhere are computed from the counts and the CLA
-- child population (as DfE does). A joint workforce return (reported_with) gives its rates to
-- both councils but no counts: those are of the joint service.
CREATE OR REPLACE VIEW official_values AS
WITH pop AS (SELECT la_code, year, child_population FROM official_cla WHERE child_population > 0),
long AS (
    SELECT la_code, year, 'children_looked_after' AS metric, children_looked_after::DOUBLE AS value FROM official_cla
    UNION ALL SELECT la_code, year, 'children_looked_after_rate', children_looked_after_rate FROM official_cla
    UNION ALL SELECT la_code, year, 'child_population', child_population FROM official_cla
    UNION ALL SELECT la_code, year, 'children_in_need', children_in_need FROM official_cin
    UNION ALL SELECT la_code, year, 'children_in_need_rate', round(children_in_need / child_population * 10000, 1)
        FROM official_cin JOIN pop USING (la_code, year)
    UNION ALL SELECT la_code, year, 'child_protection_plans', child_protection_plans FROM official_cp_plans
    UNION ALL SELECT la_code, year, 'child_protection_plan_rate', round(child_protection_plans / child_population * 10000, 1)
        FROM official_cp_plans JOIN pop USING (la_code, year)
    UNION ALL SELECT la_code, year, 'referrals', referrals FROM official_referrals
    UNION ALL SELECT la_code, year, 'referrals_rate', round(referrals / child_population * 10000, 1)
        FROM official_referrals JOIN pop USING (la_code, year)
    UNION ALL SELECT la_code, year, 're_referrals_pct', re_referrals_pct FROM official_referrals
    UNION ALL SELECT la_code, year, 'social_workers', social_workers_headcount FROM official_workforce WHERE reported_with IS NULL
    UNION ALL SELECT la_code, year, 'agency_social_workers', agency_headcount FROM official_workforce WHERE reported_with IS NULL
    UNION ALL SELECT la_code, year, 'agency_social_workers_pct', agency_pct FROM official_workforce
    UNION ALL SELECT la_code, year, 'permanent_social_workers_pct', round(100 - agency_pct, 1) FROM official_workforce
    UNION ALL SELECT la_code, year, 'social_worker_turnover_pct', turnover_pct FROM official_workforce
    UNION ALL SELECT la_code, year, 'social_worker_vacancy_pct', vacancy_pct FROM official_workforce
    UNION ALL SELECT la_code, year, 'social_worker_caseload', caseload FROM official_workforce
)
SELECT l.la_code, l.year, l.metric, m.unit, l.value,
       -- the date the figure describes: 31 March, or 30 September for the workforce
       last_day(make_date(l.year, m.year_end_month, 1)) AS as_at,
       m.official_source
FROM long l JOIN official_metrics m USING (metric)
WHERE l.value IS NOT NULL;
COMMENT ON VIEW official_values IS 'One row per council, statistics year and catalogue metric with an official value (DfE statistics), dated as at 31 March or 30 September.';
