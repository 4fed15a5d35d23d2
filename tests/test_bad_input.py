"""Bad input: each gets a clear recorded reason (or loads safely), and never raises out of process()."""
import pytest
from fpdf import FPDF

from cscetl.acquire import read_local
from cscetl.outcome import Document, Failure
from cscetl.pipeline import process
from cscetl.sources import Source


def pdf_bytes(pages: int, password: str | None = None) -> bytes:
    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="o", user_password=password)
    pdf.set_font("helvetica", size=11)
    for i in range(pages):
        pdf.add_page()
        words = ["leaders", "social workers", "care leavers", "foster carers", "managers", "partners", "families", "inspectors"][i % 8]
        body = (f"Page {i + 1}. Exampleton children's services were inspected by Ofsted.\n"
                f"This part of the report is about {words}, on its own page.\n"
                f"Its findings number {i * 7 + 3} in all, each one checked with {words} in turn.")
        pdf.multi_cell(0, 6, text=body, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def html(body: str, charset: str = "utf-8") -> bytes:
    return f'<html><head><meta charset="{charset}"><title>t</title></head><body><article>{body}</article></body></html>'.encode(charset, "replace")


PARA = "<p>Exampleton's children's services were visited by Ofsted inspectors, who found that leaders understand the service well.</p>"

CASES = [
    # name, bytes, expected ("fail", stage, reason fragment) or ("load", text fragment)
    ("empty.html", b"", ("fail", "acquire", "empty file")),
    ("junk.html", bytes(range(256)) * 40, ("fail", "parse", "binary data")),
    ("error-page.pdf", b"<html><body><h1>500 Internal Server Error</h1></body></html>", ("fail", "parse", "not a PDF")),
    ("locked.pdf", pdf_bytes(1, password="secret"), ("fail", "parse", "encrypted")),
    ("truncated.pdf", pdf_bytes(3)[:900], ("fail", "parse", "PDF")),
    ("huge.html", html(PARA * 100_000), ("fail", "parse", "over the 10 MB cap")),
    ("deep.html", html("<div>" * 5000 + PARA + "</div>" * 5000), ("load", "visited by Ofsted inspectors")),
    ("cp1252.txt", "The council’s “new” plan for children’s services was agreed on Tuesday.".encode("cp1252"), ("load", "council’s “new” plan")),
    ("latin1.html", html("<p>Caf\u00e9 owners and foster carers met the council’s director to discuss fostering.</p>", "latin-1"), ("load", "Café owners")),
    ("no-charset.html", b"<html><body><article><p>Foster carers met the council\x92s director to discuss fostering in the borough.</p></article></body></html>", ("load", "council’s director")),
]


@pytest.mark.parametrize("name,data,want", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, name, data, want):
    path = tmp_path / name
    path.write_bytes(data)
    out = process(read_local(Source(url=None, path=path)))
    if want[0] == "fail":
        assert isinstance(out, Failure), out
        assert out.stage == want[1] and want[2] in out.reason, out
    else:
        assert isinstance(out, Document), out
        assert want[1] in out.clean_text


def test_long_pdf_is_cut_at_the_page_cap_and_says_so(tmp_path, monkeypatch):
    import cscetl.parse_pdf as parse_pdf
    import cscetl.pipeline as pipeline

    monkeypatch.setattr(parse_pdf, "MAX_PAGES", 5)  # 500 pages would make the test slow; the mechanism is the same
    monkeypatch.setattr(pipeline, "MAX_PAGES", 5)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_bytes(8))
    out = process(read_local(Source(url=None, path=path)))
    assert isinstance(out, Document) and out.pages == 8
    assert "findings number 31 " in out.clean_text and "findings number 38 " not in out.clean_text  # pages 5 and 6
    assert [r.text for r in out.removed if r.rule == "page_cap"] == ["pages 6-8 not read (cap 5 pages)"]


def test_missing_file(tmp_path):
    out = process(read_local(Source(url=None, path=tmp_path / "nope.html")))
    assert isinstance(out, Failure) and "file not found" in out.reason


def test_a_document_over_its_time_budget_is_skipped_with_a_reason(tmp_path, monkeypatch):
    import time

    import cscetl.pipeline as pipeline

    def slow_parse(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(pipeline, "PROCESS_SECONDS", 0.3)
    monkeypatch.setattr(pipeline, "parse_bytes", slow_parse)
    path = tmp_path / "slow.html"
    path.write_bytes(html(PARA))
    began = time.monotonic()
    out = process(read_local(Source(url=None, path=path)))
    assert time.monotonic() - began < 2
    assert isinstance(out, Failure) and out.stage == "parse" and "took longer than 0.3 s" in out.reason
