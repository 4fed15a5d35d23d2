-- quotes_by_speaker (a mart, materialised after every load): one row per canonical speaker, with how often and where they were quoted.
CREATE OR REPLACE TABLE quotes_by_speaker AS
SELECT
    q.speaker_name,
    mode(q.speaker_role) AS speaker_role,
    mode(q.speaker_org) AS speaker_org,
    count(*) AS quotes,
    count(DISTINCT q.doc_id) AS documents,
    list(DISTINCT q.la_name ORDER BY q.la_name) FILTER (WHERE q.la_name IS NOT NULL) AS councils,
    min(d.published_date) AS first_published,
    max(d.published_date) AS last_published,
    arg_max(q.text, coalesce(d.published_date, DATE '1900-01-01')) AS latest_quote
FROM quotes q JOIN documents d USING (doc_id)
WHERE q.speaker_name IS NOT NULL AND d.removed_in_run IS NULL
GROUP BY q.speaker_name
ORDER BY quotes DESC, q.speaker_name;
COMMENT ON TABLE quotes_by_speaker IS 'One row per canonical speaker: number of quotes, documents, councils and the latest quote.';
