"""PDF parsing on PDFs built by the test: running headers/footers, page numbers, split sentences."""
import pytest
from fpdf import FPDF

from cscetl.parse_pdf import PdfError, parse_pdf

BODY = [
    "Inspection of Exampleton local authority children's services. Leaders know their services well and",
    "act on what they find. Children in care see their social workers often.",
    "Care leavers are supported into work and training by a dedicated team.",
]


class _Doc(FPDF):
    def header(self):
        self.set_font("helvetica", size=9)
        self.cell(0, 8, "Exampleton children's services inspection report", new_x="LMARGIN", new_y="NEXT")

    def footer(self):
        self.set_y(-15)
        self.set_font("helvetica", size=9)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def make_pdf(pages: list[str], password: str | None = None) -> bytes:
    pdf = _Doc()
    pdf.alias_nb_pages()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for body in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, body)
    return bytes(pdf.output())


def test_running_lines_dropped_and_sentence_rejoined():
    data = make_pdf([BODY[0], BODY[1], BODY[2]])
    page = parse_pdf(data)
    assert page.pages == 3
    assert "inspection report" not in page.text
    assert "Page 2 of 3" not in page.text
    assert "services well and act on what they find." in page.text.replace("\n", " ")
    assert "Care leavers are supported" in page.text


def test_encrypted_pdf_gives_a_reason():
    with pytest.raises(PdfError, match="encrypted"):
        parse_pdf(make_pdf(["Secret text on the only page."], password="s3cret"))


def test_truncated_pdf_gives_a_reason():
    data = make_pdf(BODY)
    with pytest.raises(PdfError):
        parse_pdf(data[: len(data) // 3])


def test_html_named_pdf_is_not_parsed_as_pdf():
    with pytest.raises(PdfError):
        parse_pdf(b"<html><body>404 Not Found</body></html>")
