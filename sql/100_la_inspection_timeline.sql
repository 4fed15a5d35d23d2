-- la_inspection_timeline: one row per council and Ofsted event, merged across every document
-- that reports it. Events match on council, type and start month (day/month precision); a
-- year-only mention ("rated inadequate in 2016") folds into the finer event of the same council,
-- type and year when there is exactly one, else stands alone. Undated monitoring visits with an
-- ordinal fold into the dated visit with that ordinal.
CREATE OR REPLACE VIEW la_inspection_timeline AS
WITH ev AS (
    SELECT i.*, d.published_date,
           CASE WHEN i.date_precision IN ('day', 'month') THEN strftime(i.start_date, '%Y-%m') END AS ym,
           year(i.start_date) AS yr
    FROM inspections i JOIN documents d USING (doc_id)
    WHERE i.la_code IS NOT NULL
),
fine_by_year AS (
    SELECT la_code, inspection_type, yr, min(ym) AS ym, count(DISTINCT ym) AS months
    FROM ev WHERE ym IS NOT NULL GROUP BY ALL
),
dated_ordinals AS (
    SELECT la_code, inspection_type, ordinal, min(ym) AS ym
    FROM ev WHERE ym IS NOT NULL AND ordinal IS NOT NULL GROUP BY ALL
),
keyed AS (
    SELECT ev.*,
        CASE
            WHEN ev.ym IS NOT NULL THEN ev.ym
            WHEN ev.date_precision = 'year' AND fy.months = 1 THEN fy.ym
            WHEN ev.date_precision = 'year' THEN CAST(ev.yr AS VARCHAR)
            WHEN ev.ordinal IS NOT NULL THEN coalesce(o.ym, 'ordinal ' || ev.ordinal)
            ELSE 'undated ' || ev.doc_id
        END AS event_key
    FROM ev
    LEFT JOIN fine_by_year fy
        ON fy.la_code = ev.la_code AND fy.inspection_type = ev.inspection_type AND fy.yr = ev.yr
    LEFT JOIN dated_ordinals o
        ON o.la_code = ev.la_code AND o.inspection_type = ev.inspection_type AND o.ordinal = ev.ordinal
)
SELECT
    la_code,
    any_value(la_name) AS la_name,
    inspection_type,
    event_key,
    -- the most precise date any source gives
    arg_min(start_date, CASE date_precision WHEN 'day' THEN 1 WHEN 'month' THEN 2 WHEN 'year' THEN 3 ELSE 4 END) AS start_date,
    max(end_date) AS end_date,
    arg_min(date_precision, CASE date_precision WHEN 'day' THEN 1 WHEN 'month' THEN 2 WHEN 'year' THEN 3 ELSE 4 END) AS date_precision,
    max(ordinal) AS ordinal,
    mode(judgement) AS judgement,
    count(DISTINCT doc_id) AS source_count,
    list(DISTINCT doc_id ORDER BY doc_id) AS doc_ids,
    min(published_date) AS first_reported
FROM keyed
GROUP BY la_code, inspection_type, event_key
ORDER BY la_code, start_date NULLS LAST, inspection_type;
COMMENT ON VIEW la_inspection_timeline IS 'One row per council and Ofsted event, merged across the documents that report it, with judgement and source count.';
