-- la_inspection_timeline (a mart, materialised after every load so it answers in milliseconds): one row per council and Ofsted event, merged across every document
-- that reports it.
--   * Mentions match on council, type and start month.
--   * A month-only mention of a graded inspection or JTAI ("rated inadequate in August 2016")
--     up to four months after a dated one with a compatible grade is that inspection, reported
--     when it was published.
--   * A year-only mention ("rated inadequate in 2016") joins the one event of that council, type
--     and year when there is exactly one, else stands alone.
--   * An undated monitoring visit with an ordinal joins the dated visit with that ordinal.
CREATE OR REPLACE TABLE la_inspection_timeline AS
WITH ev AS (
    SELECT i.*, d.published_date,
           CASE WHEN i.date_precision IN ('day', 'month') THEN strftime(i.start_date, '%Y-%m') END AS ym,
           year(i.start_date) AS yr
    FROM inspections i JOIN documents d USING (doc_id)
    WHERE i.la_code IS NOT NULL AND d.removed_in_run IS NULL  -- a source no longer listed is not current
),
dated AS (
    SELECT DISTINCT la_code, inspection_type, start_date, ym, judgement FROM ev WHERE date_precision = 'day'
),
by_month AS (
    SELECT ev.*,
        CASE WHEN ev.date_precision = 'month' AND ev.inspection_type IN ('full_inspection', 'jtai') THEN coalesce((
            SELECT min(d.ym) FROM dated d
            WHERE d.la_code = ev.la_code AND d.inspection_type = ev.inspection_type
              AND (d.judgement = ev.judgement OR d.judgement IS NULL OR ev.judgement IS NULL)
              AND ev.start_date BETWEEN date_trunc('month', d.start_date) AND d.start_date + INTERVAL 4 MONTH
        ), ev.ym) ELSE ev.ym END AS month_key
    FROM ev
),
months_by_year AS (
    SELECT la_code, inspection_type, yr, min(month_key) AS month_key, count(DISTINCT month_key) AS months
    FROM by_month WHERE month_key IS NOT NULL GROUP BY ALL
),
dated_ordinals AS (
    SELECT la_code, inspection_type, ordinal, min(month_key) AS month_key
    FROM by_month WHERE month_key IS NOT NULL AND ordinal IS NOT NULL GROUP BY ALL
),
keyed AS (
    SELECT b.*,
        CASE
            WHEN b.month_key IS NOT NULL THEN b.month_key
            WHEN b.date_precision = 'year' AND y.months = 1 THEN y.month_key
            WHEN b.date_precision = 'year' THEN CAST(b.yr AS VARCHAR)
            WHEN b.ordinal IS NOT NULL THEN coalesce(o.month_key, 'ordinal ' || b.ordinal)
            ELSE 'undated ' || b.doc_id
        END AS event_key
    FROM by_month b
    LEFT JOIN months_by_year y
        ON y.la_code = b.la_code AND y.inspection_type = b.inspection_type AND y.yr = b.yr
    LEFT JOIN dated_ordinals o
        ON o.la_code = b.la_code AND o.inspection_type = b.inspection_type AND o.ordinal = b.ordinal
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
COMMENT ON TABLE la_inspection_timeline IS 'One row per council and Ofsted event, merged across the documents that report it, with judgement and source count.';
