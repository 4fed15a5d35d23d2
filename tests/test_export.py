"""Exports, the schema listing and read-only queries, on the bundled sample's warehouse."""
import csv
import json

import duckdb
import pytest
from openpyxl import load_workbook

from cscetl.cli import main
from cscetl.export import export


@pytest.fixture(scope="module")
def warehouse(sample_run):
    return sample_run[1]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_every_table_and_view(warehouse, tmp_path, fmt):
    files = {p.stem: p for p in export(warehouse, fmt, tmp_path)}
    assert {"documents", "inspections", "metrics", "quotes", "judgements", "la_inspection_timeline", "metric_trends"} <= set(files)
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM '{files['quotes']}'").fetchone()[0]
    assert n == duckdb.connect(str(warehouse), read_only=True).execute("SELECT count(*) FROM quotes").fetchone()[0]


def test_export_xlsx(warehouse, tmp_path):
    (book,) = export(warehouse, "xlsx", tmp_path)
    wb = load_workbook(book, read_only=True)
    assert "la_inspection_timeline" in wb.sheetnames
    header = next(wb["metrics"].iter_rows(values_only=True))
    assert header[:4] == ("doc_id", "la_code", "la_name", "metric")


def test_schema_lists_comments(warehouse, capsys):
    assert main(["schema", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "la_inspection_timeline" in out and "merged across the documents" in out
    assert main(["schema", "--warehouse", str(warehouse), "--markdown"]) == 0
    assert "| clean_text | VARCHAR |" in capsys.readouterr().out


def test_every_table_and_view_has_a_comment(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    missing = con.execute(
        """SELECT table_name FROM duckdb_tables() WHERE comment IS NULL AND NOT temporary
           UNION ALL SELECT view_name FROM duckdb_views() WHERE comment IS NULL AND NOT internal AND NOT temporary"""
    ).fetchall()
    assert missing == []


def test_query_is_read_only_and_formats(warehouse, capsys):
    assert main(["query", "SELECT la_name, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1", "--warehouse", str(warehouse), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"la_name": "Reading", "n": 5} in rows
    assert main(["query", "DELETE FROM documents", "--warehouse", str(warehouse)]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    assert main(["query", "SELECT 1 AS x", "--warehouse", str(warehouse), "--format", "csv"]) == 0
    assert list(csv.reader(capsys.readouterr().out.splitlines())) == [["x"], ["1"]]


def test_query_refuses_writing_files_unless_allowed(warehouse, tmp_path, capsys):
    target = tmp_path / "documents.csv"
    copy = f"COPY documents TO '{target}'"
    assert main(["query", copy, "--warehouse", str(warehouse)]) == 1
    assert "query refused" in capsys.readouterr().err and not target.exists()
    assert main(["query", copy, "--warehouse", str(warehouse), "--allow-external-access"]) == 0
    assert target.exists()


def test_export_into_a_folder_with_a_quote_in_its_name(warehouse, tmp_path):
    # export's own connection is locked down to its output folder: the folder's name is SQL-quoted there
    out = tmp_path / "it's here"
    files = export(warehouse, "csv", out)
    assert files and all(p.parent == out and p.stat().st_size > 0 for p in files)
