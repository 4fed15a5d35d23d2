-- The warehouse tables. Names and types of the contract (../shared/spec/warehouse.md) hold;
-- extra columns come after them. Every row table carries doc_id so a document's rows can be
-- replaced together in one transaction.

CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    source_url VARCHAR,
    source_path VARCHAR,
    kind VARCHAR,
    publisher VARCHAR,
    title VARCHAR,
    author VARCHAR,
    published_date DATE,
    la_code VARCHAR,
    la_name VARCHAR,
    clean_text VARCHAR,
    content_sha256 VARCHAR,
    format VARCHAR,
    pages INTEGER,
    loaded_at TIMESTAMP,
    run_id VARCHAR
);
-- added after the first release: older warehouses gain the column in place
ALTER TABLE documents ADD COLUMN IF NOT EXISTS processed_with VARCHAR;
-- a source no longer in the sources file: its rows stay, marked, and views leave them out
ALTER TABLE documents ADD COLUMN IF NOT EXISTS removed_in_run VARCHAR;
COMMENT ON TABLE documents IS 'One row per source document (latest version): metadata, council and the clean text every extractor reads.';

CREATE TABLE IF NOT EXISTS inspections (
    doc_id VARCHAR,
    la_code VARCHAR,
    la_name VARCHAR,
    inspection_type VARCHAR,
    start_date DATE,
    end_date DATE,
    date_precision VARCHAR,
    ordinal INTEGER,
    judgement VARCHAR,
    evidence VARCHAR,
    char_start INTEGER,
    char_end INTEGER
);
COMMENT ON TABLE inspections IS 'One row per Ofsted inspection event a document mentions (its own and past ones).';

CREATE TABLE IF NOT EXISTS judgements (
    doc_id VARCHAR,
    la_code VARCHAR,
    la_name VARCHAR,
    inspection_type VARCHAR,
    start_date DATE,
    area VARCHAR,
    grade VARCHAR,
    evidence VARCHAR
);
COMMENT ON TABLE judgements IS 'One row per graded area of an inspection report.';

CREATE TABLE IF NOT EXISTS metrics (
    doc_id VARCHAR,
    la_code VARCHAR,
    la_name VARCHAR,
    metric VARCHAR,
    value DOUBLE,
    unit VARCHAR,
    measure VARCHAR,
    as_of DATE,
    date_precision VARCHAR,
    evidence VARCHAR,
    char_start INTEGER,
    char_end INTEGER,
    denied BOOLEAN
);
COMMENT ON TABLE metrics IS 'One row per catalogued figure a document states; denied = the sentence itself says it is not so.';

CREATE TABLE IF NOT EXISTS quotes (
    quote_id VARCHAR,
    doc_id VARCHAR,
    la_code VARCHAR,
    la_name VARCHAR,
    speaker_name VARCHAR,
    speaker_role VARCHAR,
    speaker_org VARCHAR,
    text VARCHAR,
    char_start INTEGER,
    char_end INTEGER,
    speaker_as_written VARCHAR
);
COMMENT ON TABLE quotes IS 'One row per direct quotation (a quotation over several paragraphs: one row per paragraph).';

CREATE TABLE IF NOT EXISTS removed_text (
    doc_id VARCHAR,
    rule VARCHAR,
    text VARCHAR
);
COMMENT ON TABLE removed_text IS 'Audit of boilerplate removal: which rule took which line out of which document.';

CREATE TABLE IF NOT EXISTS people (
    alias VARCHAR PRIMARY KEY,
    canonical_name VARCHAR
);
COMMENT ON TABLE people IS 'Speaker names as written, each with the one canonical name used in quotes.speaker_name.';

CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    sources_file VARCHAR,
    status VARCHAR,
    sources_total INTEGER,
    documents_loaded INTEGER,
    documents_failed INTEGER,
    inspections INTEGER,
    judgements INTEGER,
    metrics INTEGER,
    quotes INTEGER
);
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS documents_unchanged INTEGER;
COMMENT ON TABLE pipeline_runs IS 'One row per pipeline run, with its counts.';

CREATE TABLE IF NOT EXISTS source_errors (
    run_id VARCHAR,
    doc_id VARCHAR,
    source VARCHAR,
    stage VARCHAR,
    reason VARCHAR,
    failed_at TIMESTAMP
);
COMMENT ON TABLE source_errors IS 'Sources that could not be loaded in a run: which, at what stage, and why.';

CREATE TABLE IF NOT EXISTS fetches (
    run_id VARCHAR,
    url VARCHAR,
    final_url VARCHAR,
    fetched_at TIMESTAMP,
    status INTEGER,
    etag VARCHAR,
    last_modified VARCHAR,
    sha256 VARCHAR,
    bytes BIGINT,
    not_modified BOOLEAN,
    error VARCHAR,
    attempts INTEGER,
    elapsed_s DOUBLE
);
COMMENT ON TABLE fetches IS 'One row per HTTP fetch of a source URL: status, validators for the next conditional GET, the body''s sha256 in the raw store, or the error.';

CREATE TABLE IF NOT EXISTS discovered_links (
    listing_url VARCHAR,
    url VARCHAR,
    first_seen_run VARCHAR,
    first_seen_at TIMESTAMP,
    last_seen_run VARCHAR,
    last_seen_at TIMESTAMP,
    PRIMARY KEY (listing_url, url)
);
COMMENT ON TABLE discovered_links IS 'Every article link a listing page has shown: when it was first and last seen.';
