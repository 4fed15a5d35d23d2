"""The real Prefect flow on the bundled sample, into a temporary DuckDB file."""
from datetime import date

import duckdb
import pytest

CONTRACT = {
    "documents": ["doc_id", "source_url", "source_path", "kind", "publisher", "title", "author", "published_date",
                  "la_code", "la_name", "clean_text", "content_sha256"],
    "inspections": ["doc_id", "la_code", "la_name", "inspection_type", "start_date", "end_date", "date_precision",
                    "ordinal", "judgement", "evidence"],
    "metrics": ["doc_id", "la_code", "la_name", "metric", "value", "unit", "measure", "as_of", "date_precision",
                "evidence", "char_start", "char_end"],
    "quotes": ["quote_id", "doc_id", "la_code", "la_name", "speaker_name", "speaker_role", "speaker_org", "text",
               "char_start", "char_end"],
    "judgements": ["doc_id", "la_code", "la_name", "inspection_type", "start_date", "area", "grade"],
}


@pytest.fixture(scope="module")
def con(sample_run):
    summary, warehouse = sample_run
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


def one(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def test_run_summary(sample_run):
    summary, _ = sample_run
    assert summary.status == "ok"
    assert summary.sources == summary.loaded == 13
    assert summary.failures == []
    assert summary.models == ["100_la_inspection_timeline.sql", "110_metric_trends.sql", "120_quotes_by_speaker.sql"]


@pytest.mark.parametrize("table,columns", CONTRACT.items())
def test_contract_columns(con, table, columns):
    have = [r[0] for r in one(con, f"DESCRIBE {table}")]
    assert have[: len(columns)] == columns or set(columns) <= set(have)


@pytest.mark.parametrize("table", ["documents", "inspections", "judgements", "metrics", "quotes",
                                   "la_inspection_timeline", "metric_trends", "quotes_by_speaker"])
def test_every_table_and_view_has_rows(con, table):
    assert one(con, f"SELECT count(*) FROM {table}")[0][0] > 0


def test_named_quote_with_speaker(con):
    rows = one(con, "SELECT speaker_role, speaker_org, la_name FROM quotes WHERE speaker_name = 'Keeley Marsh' ORDER BY char_start")
    assert rows[0] == ("director of operations", "Slough Children First", "Slough")
    assert len(rows) == 2  # "...," she added resolves to the same person


def test_pronoun_and_ofsted_quotes(con):
    assert one(con, "SELECT count(*) FROM quotes WHERE speaker_name = 'Ofsted' AND text LIKE 'Children are not yet getting help%'")[0][0] == 1


def test_metric_with_value_unit_and_date(con):
    rows = one(con, """SELECT value, unit, measure, as_of FROM metrics m JOIN documents d USING (doc_id)
                       WHERE m.la_name = 'Reading' AND metric = 'child_protection_plans' ORDER BY value""")
    assert rows == [(204.0, "count", "level", date(2015, 3, 1)), (256.0, "count", "level", date(2016, 5, 23))]
    assert one(con, "SELECT value FROM metrics WHERE metric = 'grant'") == [(2900000.0,)]
    assert one(con, "SELECT measure FROM metrics WHERE metric = 'permanent_social_workers_pct' AND value = 80") == [("target",)]


def test_denied_figure_is_flagged(con):
    assert one(con, "SELECT denied FROM metrics WHERE metric = 'children_not_visited'") == [(True,)]


def test_offsets_index_clean_text(con):
    bad = one(con, """SELECT count(*) FROM metrics m JOIN documents d USING (doc_id)
                      WHERE substr(d.clean_text, m.char_start + 1, m.char_end - m.char_start) <> m.evidence""")
    assert bad == [(0,)]
    bad = one(con, """SELECT count(*) FROM quotes q JOIN documents d USING (doc_id)
                      WHERE substr(d.clean_text, q.char_start + 1, q.char_end - q.char_start) <> q.text""")
    assert bad == [(0,)]


def test_inspection_with_date_and_judgement(con):
    assert one(con, """SELECT start_date, end_date, date_precision, judgement FROM inspections
                       WHERE la_name = 'Knowsley' AND start_date = DATE '2024-11-18' AND doc_id IN
                       (SELECT doc_id FROM documents WHERE kind = 'ofsted_report')""") == [
        (date(2024, 11, 18), date(2024, 11, 29), "day", "inadequate")]
    assert one(con, "SELECT ordinal, start_date FROM inspections WHERE la_name = 'Reading' AND ordinal = 9") == [(9, date(2019, 6, 26))]


def test_report_grades(con):
    rows = dict(one(con, "SELECT area, grade FROM judgements WHERE la_name = 'Knowsley'"))
    assert rows == {"impact_of_leaders": "inadequate", "help_and_protection": "inadequate",
                    "children_in_care": "requires_improvement", "care_leavers": "inadequate",
                    "overall_effectiveness": "inadequate"}


def test_boilerplate_gone_content_kept(con):
    texts = " ".join(r[0] for r in one(con, "SELECT clean_text FROM documents"))
    for furniture in ("READ MORE", "Hide Ad", "From £14 / month", "Archive of more than 45,000 articles",
                      "For media enquiries", "Clive House 70 Petty France", "We use cookies", "Photo: Alex Penrose"):
        assert furniture not in texts
    # a look-alike READ MORE link about a school became neither text nor an inspection
    assert "primary school rated good" not in texts
    assert texts.count("Partners meeting at County Hall in Taunton") == 1
    # content that looks like furniture stays: a press release's notes for editors hold figures
    assert "256 children were the subject of a child protection plan" in texts


def test_removal_audit(con):
    rules = {r[0] for r in one(con, "SELECT DISTINCT rule FROM removed_text")}
    assert {"read_more", "advert", "subscription_block", "repeated_block", "letterhead", "media_contact"} <= rules


def test_document_metadata(con):
    rows = {r[0]: r[1:] for r in one(con, """SELECT regexp_extract(coalesce(source_path, source_url), '[^/]+$'),
                                            kind, published_date, la_name, author FROM documents""")}
    assert rows["reading-monitoring-letter-2017.pdf"][:3] == ("ofsted_letter", date(2017, 3, 24), "Reading")
    assert rows["reading-eighth-visit.txt"][:3] == ("news", date(2019, 5, 10), "Reading")  # HTML under a .txt name
    assert rows["reading-press-release-2016.html"][0] == "press_release"
    assert rows["reading-committee-minutes-2017.html"][0] == "minutes"
    assert rows["birmingham-trust-rated-good.html"][1:] == (date(2023, 4, 18), "Birmingham", "Harpreet Sandhu")


def test_source_url_recorded(con):
    urls = {r[0] for r in one(con, "SELECT source_url FROM documents")}
    assert "https://www.reading.gov.uk/news/council-responds-to-ofsted-2016" in urls
    assert any(u.startswith("file:///") and u.endswith("knowsley-inadequate.html") for u in urls)


def test_timeline_merges_events_across_documents(con):
    rows = one(con, """SELECT source_count, judgement FROM la_inspection_timeline
                       WHERE la_name = 'Knowsley' AND inspection_type = 'full_inspection' AND start_date = DATE '2024-11-18'""")
    assert rows == [(2, "inadequate")]  # the news story and the report itself
    rows = one(con, """SELECT source_count FROM la_inspection_timeline
                       WHERE la_name = 'Reading' AND inspection_type = 'monitoring_visit' AND ordinal = 2""")
    assert rows == [(2,)]  # the letter and the committee minutes


def test_metric_trends_and_speakers(con):
    rows = one(con, """SELECT value, previous_value, change FROM metric_trends
                       WHERE la_name = 'Reading' AND metric = 'children_looked_after' ORDER BY period""")
    assert rows[-1] == (266.0, 236.0, 30.0)
    assert one(con, "SELECT quotes, documents FROM quotes_by_speaker WHERE speaker_name = 'Rosalind Hurst'") == [(3, 2)]


def test_pipeline_run_recorded(con):
    rows = one(con, "SELECT status, sources_total, documents_loaded, documents_failed FROM pipeline_runs")
    assert rows == [("ok", 13, 13, 0)]
