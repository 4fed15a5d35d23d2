-- la_judgement_history (table): one row per council and graded full inspection in
-- la_inspection_timeline, newest first (recency 1 = the current grade), with the grade before it.
-- la_latest_judgement (view): one row per council, its current grade, dated, how old it is today
-- and how many sources report it.
-- The history is a table like the other marts (rebuilt after every load); the latest grade stays
-- a view so age_days is always as of today.
CREATE OR REPLACE TABLE la_judgement_history AS
SELECT
    la_code,
    la_name,
    judgement,
    start_date AS judgement_date,
    date_precision,
    source_count,
    doc_ids,
    -- a tie on the date: the better-reported event counts as the later
    row_number() OVER newest_first AS recency,
    lead(judgement) OVER newest_first AS previous_judgement,
    lead(start_date) OVER newest_first AS previous_judgement_date
FROM la_inspection_timeline
WHERE inspection_type = 'full_inspection' AND judgement IS NOT NULL AND start_date IS NOT NULL
WINDOW newest_first AS (PARTITION BY la_code ORDER BY start_date DESC, source_count DESC, event_key)
ORDER BY la_code, recency;
COMMENT ON TABLE la_judgement_history IS 'One row per council and graded full inspection (from la_inspection_timeline), newest first (recency 1 = current), with the grade before it.';

CREATE OR REPLACE VIEW la_latest_judgement AS
SELECT
    la_code,
    la_name,
    judgement,
    judgement_date,
    date_precision,
    date_diff('day', judgement_date, current_date) AS age_days,
    source_count,
    doc_ids,
    previous_judgement,
    previous_judgement_date
FROM la_judgement_history
WHERE recency = 1
ORDER BY la_code;
COMMENT ON VIEW la_latest_judgement IS 'One row per council: its latest full-inspection grade (from la_inspection_timeline), dated, its age in days today, the number of sources, and the grade before it.';
