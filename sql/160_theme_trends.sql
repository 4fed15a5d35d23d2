-- theme_trends: one row per council, year (of publication) and theme mentioned in that year's
-- documents: how many times, in how many documents, out of how many documents of the council
-- that year. Themes are regular expressions over documents.clean_text (theme_patterns below,
-- case-insensitive RE2; use (?:...) groups).
--
-- Scanning every text on every run would cost seconds at 100,000 documents, so the counts are kept
-- per document (theme_document_mentions) and only a new or changed document (bytes, code version)
-- is scanned again; editing the patterns rescans everything. One pass finds all the themes at once
-- (the patterns joined by |) and each stretch found counts for every theme whose pattern matches
-- it whole.

CREATE OR REPLACE VIEW theme_patterns AS
SELECT * FROM (VALUES
    ('workforce_turnover',    '\bturnover\b|\bchurn\b|\bchanges? (?:of|in) social workers?\b|\bstaff (?:instability|leaving)\b'),
    ('caseloads',             '\bcase ?loads?\b'),
    ('agency_staff',          '\bagency (?:social workers?|workers?|staff)\b|\blocums?\b'),
    ('management_oversight',  '\bmanage(?:ment|rial|rs?[''’]?) oversight\b|\bsupervision\b'),
    ('missing_children',      '\bmissing (?:from (?:home|care|education)|children|episodes?)\b|\b(?:go|goes|going|gone|went) missing\b|\breturn[- ]home interviews?\b'),
    ('exploitation',          '\bexploit(?:ation|ed)\b|\bcounty lines\b|\bgrooming\b|\bCSE\b|\bCCE\b'),
    ('recruitment',           '\brecruit(?:s|ed|ing|ment|ers?)?\b'),
    ('placement_sufficiency', '\bsufficiency\b|\bshortage of (?:foster(?:ing)? (?:carers|placements|homes)|placements|carers|homes)\b|\bunregistered (?:placements?|homes?|children[''’]s homes?)\b|\bout[- ]of[- ](?:area|borough|county) placements?\b'),
    ('early_help',            '\bearly help\b|\bearly intervention\b'),
    ('unallocated_cases',     '\bunallocated\b|\bawaiting allocation\b|\bwithout an allocated social worker\b'),
    ('care_leavers',          '\bcare leavers?\b|\bleaving care\b'),
    ('drift_and_delay',       '\bdrift\b|\bdelays? (?:in|for) (?:children|permanence|decisions?|planning)\b'),
    ('neglect',               '\bneglect(?:ed|ful)?\b'),
    ('domestic_abuse',        '\bdomestic (?:abuse|violence)\b'),
    ('mental_health',         '\bmental health\b|\bCAMHS\b|\bemotional (?:health|wellbeing|well-being)\b'),
    ('budget_pressure',       '\boverspen(?:d|ds|t|ding)\b|\bbudget pressures?\b|\bdeficit\b|\bsavings\b')
) AS t(theme, pattern);
COMMENT ON VIEW theme_patterns IS 'The themes theme_trends counts: one case-insensitive regular expression (RE2) per theme.';

-- every pattern at once, as a constant so RE2 compiles it once; and its hash, for scan keys
SET VARIABLE theme_regex = (SELECT '(?i)' || string_agg('(?:' || pattern || ')', '|' ORDER BY theme) FROM theme_patterns);
SET VARIABLE theme_rules = md5(getvariable('theme_regex'));

CREATE TABLE IF NOT EXISTS theme_scans (doc_id VARCHAR, scan_key VARCHAR);
COMMENT ON TABLE theme_scans IS 'Documents counted in theme_document_mentions; scan_key: their bytes'' hash, code version and the patterns'' hash when counted.';
CREATE TABLE IF NOT EXISTS theme_document_mentions (doc_id VARCHAR, theme VARCHAR, mentions INTEGER);
COMMENT ON TABLE theme_document_mentions IS 'One row per document and theme it mentions (theme_patterns), with the number of mentions.';

-- forget scans of documents gone or changed (and of every document when the patterns change)
DELETE FROM theme_scans s
WHERE NOT EXISTS (
    SELECT 1 FROM documents d
    WHERE d.doc_id = s.doc_id
      AND s.scan_key = concat_ws('|', coalesce(d.content_sha256, ''), coalesce(d.processed_with, ''), getvariable('theme_rules'))
);
DELETE FROM theme_document_mentions WHERE doc_id NOT IN (SELECT doc_id FROM theme_scans);

CREATE OR REPLACE TEMP TABLE theme_new_hits AS
SELECT d.doc_id,
       concat_ws('|', coalesce(d.content_sha256, ''), coalesce(d.processed_with, ''), getvariable('theme_rules')) AS scan_key,
       regexp_extract_all(d.clean_text, getvariable('theme_regex')) AS hits
FROM documents d
WHERE d.doc_id NOT IN (SELECT doc_id FROM theme_scans);

INSERT INTO theme_document_mentions
WITH hits AS (
    SELECT doc_id, lower(unnest(hits)) AS hit FROM theme_new_hits
),
kinds AS (  -- the distinct stretches found are few: classify those, not every hit
    SELECT h.hit, p.theme
    FROM (SELECT DISTINCT hit FROM hits) h
    JOIN theme_patterns p ON regexp_full_match(h.hit, '(?i)(?:' || p.pattern || ')')
)
SELECT doc_id, theme, count(*)::INTEGER AS mentions
FROM hits JOIN kinds USING (hit)
GROUP BY doc_id, theme;

INSERT INTO theme_scans SELECT doc_id, scan_key FROM theme_new_hits;
DROP TABLE theme_new_hits;

-- the mart: a table (rebuilt from the kept counts, cheap) so dashboards read it instantly
CREATE OR REPLACE TABLE theme_trends AS
WITH docs AS (
    SELECT doc_id, la_code, la_name, year(published_date) AS year
    FROM documents
    WHERE la_code IS NOT NULL AND published_date IS NOT NULL AND removed_in_run IS NULL
),
per_year AS (
    SELECT la_code, year, max(la_name) AS la_name, count(*) AS documents_in_year FROM docs GROUP BY ALL
)
SELECT d.la_code, y.la_name, d.year, m.theme,
       sum(m.mentions)::INTEGER AS mentions,
       count(*)::INTEGER AS documents,
       y.documents_in_year::INTEGER AS documents_in_year
FROM docs d
JOIN theme_document_mentions m USING (doc_id)
JOIN per_year y USING (la_code, year)
GROUP BY d.la_code, y.la_name, d.year, m.theme, y.documents_in_year
ORDER BY d.la_code, d.year, m.theme;
COMMENT ON TABLE theme_trends IS 'One row per council, publication year and theme (theme_patterns): mentions, documents mentioning it, and the council''s documents that year.';
