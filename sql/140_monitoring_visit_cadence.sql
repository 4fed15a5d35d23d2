-- monitoring_visit_cadence (table): one row per council and dated monitoring visit since its last
-- inadequate full inspection (and before the re-inspection that ended monitoring, when there
-- is one), from la_inspection_timeline.
--   * visit_number: the ordinal the sources state ("ninth monitoring visit"), else the visit's
--     rank by date since the inadequate inspection.
--   * days_since_previous: since the previous visit the warehouse knows of, or, for the first,
--     since the inadequate inspection (its start date stands for the judgement);
--     previous_visit_number says which (0 = the inadequate inspection), so gaps in what the
--     sources report stay visible.
-- A table, rebuilt after every load, like la_inspection_timeline under it.
CREATE OR REPLACE TABLE monitoring_visit_cadence AS
WITH full_inspections AS (
    SELECT la_code, start_date, judgement
    FROM la_inspection_timeline
    WHERE inspection_type = 'full_inspection' AND start_date IS NOT NULL
),
inadequate AS (
    SELECT la_code, max(start_date) AS inadequate_date
    FROM full_inspections WHERE judgement = 'inadequate' GROUP BY la_code
),
periods AS (
    SELECT i.la_code, i.inadequate_date, min(f.start_date) AS reinspection_date
    FROM inadequate i
    LEFT JOIN full_inspections f ON f.la_code = i.la_code AND f.start_date > i.inadequate_date
    GROUP BY ALL
),
visits AS (
    SELECT t.la_code, t.la_name, p.inadequate_date, p.reinspection_date, t.start_date, t.date_precision,
           t.ordinal, t.source_count, t.doc_ids,
           coalesce(t.ordinal, row_number() OVER by_date) AS visit_number
    FROM la_inspection_timeline t
    JOIN periods p USING (la_code)
    WHERE t.inspection_type = 'monitoring_visit'
      AND t.start_date > p.inadequate_date
      AND (p.reinspection_date IS NULL OR t.start_date < p.reinspection_date)
    WINDOW by_date AS (PARTITION BY t.la_code ORDER BY t.start_date, t.ordinal)
)
SELECT
    la_code,
    la_name,
    inadequate_date,
    visit_number,
    ordinal,
    start_date AS visit_date,
    date_precision,
    coalesce(lag(visit_number) OVER by_date, 0) AS previous_visit_number,
    coalesce(lag(start_date) OVER by_date, inadequate_date) AS previous_date,
    date_diff('day', coalesce(lag(start_date) OVER by_date, inadequate_date), start_date) AS days_since_previous,
    reinspection_date,
    source_count,
    doc_ids
FROM visits
WINDOW by_date AS (PARTITION BY la_code ORDER BY start_date, ordinal)
ORDER BY la_code, visit_date;
COMMENT ON TABLE monitoring_visit_cadence IS 'One row per council and monitoring visit since its last inadequate full inspection: visit number, date, and days since the previous visit (or since the inadequate inspection for the first).';
