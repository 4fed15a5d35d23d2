-- metric_trends (a mart, materialised after every load): one row per council, metric and stated figure, in date order, with the previous
-- figure of the same series and the change. A series is (council, metric, unit, measure). A figure
-- is dated by its own as_of, else by its document's publication date. Figures the text itself
-- denies are left out.
CREATE OR REPLACE TABLE metric_trends AS
WITH dated AS (
    SELECT m.la_code, m.la_name, m.metric, m.unit, m.measure, m.value,
           coalesce(m.as_of, d.published_date) AS period,
           CASE WHEN m.as_of IS NOT NULL THEN 'as_of' WHEN d.published_date IS NOT NULL THEN 'published' END AS dated_by,
           m.doc_id  -- the evidence sentence is one join away (metrics); leaving it out keeps the mart small
    FROM metrics m JOIN documents d USING (doc_id)
    WHERE m.la_code IS NOT NULL AND NOT coalesce(m.denied, false) AND d.removed_in_run IS NULL
)
SELECT *,
    lag(value) OVER series AS previous_value,
    lag(period) OVER series AS previous_period,
    value - lag(value) OVER series AS change
FROM dated
WINDOW series AS (PARTITION BY la_code, metric, unit, measure ORDER BY period NULLS FIRST, value)
ORDER BY la_code, metric, period NULLS FIRST;
COMMENT ON TABLE metric_trends IS 'Per council and metric: each stated figure over time with the previous figure and the change.';
