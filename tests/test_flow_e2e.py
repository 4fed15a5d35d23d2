"""The real Prefect flow on the bundled sample (src/cscetl/sample, see EXPECTED.md), into a temporary DuckDB file."""
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
    _, warehouse = sample_run
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


def q(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def doc(con, name):
    """doc_id of the sample page with this file name."""
    return q(con, "SELECT doc_id FROM documents WHERE coalesce(source_path, source_url) LIKE ?", f"%/{name}")[0][0]


def test_run_summary(sample_run):
    summary, _ = sample_run
    assert (summary.status, summary.sources, summary.loaded, summary.failures) == ("ok", 15, 15, [])
    from cscetl.models import model_files

    assert summary.models[:3] == ["100_la_inspection_timeline.sql", "110_metric_trends.sql", "120_quotes_by_speaker.sql"]
    assert summary.models == [p.name for p in model_files()]


@pytest.mark.parametrize("table,columns", CONTRACT.items())
def test_contract_columns(con, table, columns):
    have = [r[0] for r in q(con, f"DESCRIBE {table}")]
    assert have[: len(columns)] == columns


@pytest.mark.parametrize("table", ["documents", "inspections", "judgements", "metrics", "quotes",
                                   "la_inspection_timeline", "metric_trends", "quotes_by_speaker"])
def test_every_table_and_view_has_rows(con, table):
    assert q(con, f"SELECT count(*) FROM {table}")[0][0] > 0


def test_formats_and_kinds(con):
    assert dict(q(con, "SELECT format, count(*) FROM documents GROUP BY ALL")) == {"html": 12, "pdf": 2, "text": 1}
    assert dict(q(con, "SELECT kind, count(*) FROM documents GROUP BY ALL")) == {
        "news": 11, "press_release": 1, "minutes": 1, "ofsted_letter": 1, "ofsted_report": 1}


@pytest.mark.parametrize(
    "name,kind,published,la,author",
    [
        ("reading-eighth-visit-cpw.txt", "news", date(2019, 5, 10), "Reading", "Martha Quinlan"),  # HTML named .txt
        ("birmingham-focused-visit-2024", "news", date(2024, 10, 24), "Birmingham", "Owen Pritchard"),  # no extension
        ("nottingham-monitoring-letter-2024.pdf", "ofsted_letter", date(2024, 1, 9), "Nottingham", "Aled Pryce"),
        ("sunderland-ilacs-report-2025.pdf", "ofsted_report", date(2025, 3, 11), "Sunderland", None),
        ("somerset-jtai-newsletter.txt", "news", date(2024, 7, 18), "Somerset", "Anna Treloar"),
        ("bromley-outstanding.html", "news", date(2024, 1, 12), "Bromley", "Ciara Duffield"),
    ],
)
def test_document_metadata(con, name, kind, published, la, author):
    assert q(con, "SELECT kind, published_date, la_name, author FROM documents WHERE doc_id = ?", doc(con, name)) == [
        (kind, published, la, author)]


def test_source_url_recorded(con):
    urls = {r[0] for r in q(con, "SELECT source_url FROM documents")}
    assert "https://www.reading.gov.uk/news/council-sets-out-action-on-childrens-services-after-ofsted-report" in urls
    assert any(u.startswith("file:///") and u.endswith("slough-focused-visit.html") for u in urls)


def test_named_quote_with_speaker_role_and_org(con):
    rows = q(con, "SELECT speaker_role, speaker_org, la_name FROM quotes WHERE speaker_name = 'Imogen Sayle'")
    assert rows == [("portfolio holder for children, education and families", "Bromley Council", "Bromley")] * 2
    # the name after the role: "..., Bromley's director of children's services, Graham Otley, said."
    assert q(con, "SELECT speaker_role FROM quotes WHERE speaker_name = 'Graham Otley'") == [("director of children's services",)]


def test_ofsted_and_multi_paragraph_quotes(con):
    assert q(con, "SELECT count(*) FROM quotes WHERE speaker_name = 'Ofsted'") == [(3,)]
    # one quotation over three paragraphs: three rows, one speaker
    rows = q(con, "SELECT speaker_name FROM quotes WHERE doc_id = ? ORDER BY char_start", doc(con, "reading-ninth-monitoring-visit.html"))
    assert [r[0] for r in rows].count("Helena Marsh-Okafor") == 3


def test_metrics_with_value_unit_measure_and_date(con):
    rows = q(con, "SELECT metric, value, unit, measure, as_of FROM metrics WHERE doc_id = ? ORDER BY char_start, value",
             doc(con, "slough-focused-visit.html"))
    assert ("social_worker_vacancy_pct", 29.6, "percent", "level", date(2023, 9, 1)) in rows
    assert ("social_worker_vacancy_pct", 36.3, "percent", "level", date(2022, 9, 1)) in rows  # "down from ... a year earlier"
    assert ("overspend", 4000000.0, "gbp", "level", date(2022, 1, 1)) in rows
    assert q(con, "SELECT measure FROM metrics WHERE metric = 'permanent_social_workers_pct' AND value = 80") == [("target",)]


def test_denied_figure_is_flagged(con):
    assert q(con, "SELECT value, denied FROM metrics WHERE metric = 'children_not_visited'") == [(191.0, True)]


def test_offsets_index_clean_text(con):
    for table, col in (("metrics", "evidence"), ("quotes", "text"), ("inspections", "evidence")):
        bad = q(con, f"""SELECT count(*) FROM {table} t JOIN documents d USING (doc_id)
                         WHERE substr(d.clean_text, t.char_start + 1, t.char_end - t.char_start) <> t.{col}""")
        assert bad == [(0,)], table


def test_inspections_with_dates_ordinals_and_judgements(con):
    assert q(con, """SELECT start_date, end_date, date_precision, judgement FROM inspections
                     WHERE doc_id = ? AND inspection_type = 'full_inspection' AND date_precision = 'day'""",
             doc(con, "sunderland-ilacs-report-2025.pdf")) == [(date(2025, 1, 27), date(2025, 1, 31), "day", "outstanding")]
    assert q(con, "SELECT start_date, ordinal FROM inspections WHERE doc_id = ? AND inspection_type = 'monitoring_visit'",
             doc(con, "nottingham-monitoring-letter-2024.pdf")) == [(date(2023, 11, 22), 3)]
    # a READ MORE link to a school "rated good" is neither text nor an event
    assert q(con, "SELECT count(*) FROM inspections WHERE evidence ILIKE '%school%'") == [(0,)]


def test_report_grades(con):
    assert dict(q(con, "SELECT area, grade FROM judgements WHERE doc_id = ?", doc(con, "sunderland-ilacs-report-2025.pdf"))) == {
        "impact_of_leaders": "outstanding", "help_and_protection": "outstanding", "children_in_care": "outstanding",
        "care_leavers": "good", "overall_effectiveness": "outstanding"}


def test_boilerplate_gone_content_kept(con):
    texts = " ".join(r[0] for r in q(con, "SELECT clean_text FROM documents"))
    for furniture in ("READ MORE", "Hide Ad", "From £15 / month", "For media enquiries", "We use cookies", "Most Read"):
        assert furniture not in texts, furniture
    assert "primary school rated good" not in texts.lower()
    # content that looks like furniture stays: a press release's notes for editors hold figures
    assert "Notes for editors" in texts or "Notes to editors" in texts
    assert "1,724" in texts


def test_removal_audit(con):
    rules = {r[0] for r in q(con, "SELECT DISTINCT rule FROM removed_text")}
    assert {"read_more", "advert", "subscription_block", "repeated_block", "letterhead", "media_contact", "byline"} <= rules


def test_timeline_merges_events_across_documents(con):
    # Sunderland's January 2025 inspection: the report and the news page
    assert q(con, """SELECT source_count, judgement, date_precision FROM la_inspection_timeline
                     WHERE la_name = 'Sunderland' AND start_date = DATE '2025-01-27'""") == [(2, "outstanding", "day")]
    # Reading's 2016 inspection, reported by date, by month of publication and by year in five documents
    assert q(con, """SELECT source_count, start_date FROM la_inspection_timeline WHERE la_name = 'Reading'
                     AND inspection_type = 'full_inspection' AND year(start_date) = 2016""") == [(5, date(2016, 5, 23))]


def test_metric_trends_and_speakers(con):
    rows = q(con, """SELECT value, previous_value, change FROM metric_trends
                     WHERE la_name = 'Reading' AND metric = 'children_looked_after' ORDER BY period""")
    assert rows == [(205.0, None, None), (236.0, 205.0, 31.0), (250.0, 236.0, 14.0)]
    assert q(con, "SELECT quotes, documents FROM quotes_by_speaker WHERE speaker_name = 'Nadia Farrant'") == [(3, 1)]


def test_pipeline_run_recorded(con):
    assert q(con, "SELECT status, sources_total, documents_loaded, documents_failed FROM pipeline_runs") == [("ok", 15, 15, 0)]
