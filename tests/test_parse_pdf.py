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


def _laid_out_pdf() -> bytes:
    """A table, a hyphen that ends a line, a raised footnote mark, and empty lines between paragraphs."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in ["Judgement Grade", "Overall effectiveness Good", "",
                 "Leaders have put in place training and awareness-", "raising across the partnership.", ""]:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.write(6, "Of these, 18 live in residential special schools,")
    pdf.char_vpos = "SUP"
    pdf.write(6, "3")
    pdf.char_vpos = "LINE"
    pdf.write(6, " of whom 55% live out of the authority area.")
    pdf.ln(12)
    pdf.cell(0, 6, "Another paragraph after an empty line.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_layout_survives_extraction():
    text = parse_pdf(_laid_out_pdf()).text
    assert "Overall effectiveness Good\n\nLeaders" in text  # the empty line keeps the table apart
    assert "training and awareness-raising across" in text  # PDFium's line-end hyphen (U+FFFE) is a hyphen
    assert "schools,3 of whom 55%" in text  # a footnote mark stays on its word, as pypdf gave it
    assert "area.\n\nAnother paragraph" in text
    assert "\ufffe" not in text


def test_footnote_marks_go_back_on_their_lines():
    import cscetl.parse_pdf as pp

    rows = [["special schools,", 304.6, 12.0], ["3", 310.1, 8.0], ["of whom 55% live out", 304.6, 12.0],
            ["What needs to improve?", 664.4, 14.0], ["1", 669.5, 9.0], ["◼ The timeliness", 640.0, 12.0],
            ["average is 14%).", 128.2, 12.0], [" ", None, None], ["2", 104.0, 6.5], ["The local authority was", 100.6, 10.0],
            ["children in care", 90.0, 12.0], ["16", 76.0, 12.0]]  # a number of its own, not raised: left alone
    assert [r[0] for r in pp._attach_marks(rows)] == [
        "special schools,3 of whom 55% live out", "What needs to improve?1", "◼ The timeliness",
        "average is 14%).", " ", "2 The local authority was", "children in care", "16"]


def test_pypdf_reads_what_pdfium_cannot_open(monkeypatch):
    import pypdfium2

    import cscetl.parse_pdf as pp

    def refuse(*args, **kwargs):
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).", err_code=3)

    monkeypatch.setattr(pp.pdfium, "PdfDocument", refuse)
    page = parse_pdf(make_pdf([BODY[0], BODY[1], BODY[2]]))
    assert page.pages == 3 and "services well and act on what they find." in page.text.replace("\n", " ")
    with pytest.raises(PdfError, match="truncated or damaged"):
        parse_pdf(b"%PDF-1.4\n")


def test_pypdf_tried_when_pdfium_finds_no_text(monkeypatch):
    import cscetl.parse_pdf as pp

    monkeypatch.setattr(pp, "_pdfium_pages", lambda data: (3, [[], [" "], []], None))
    assert "Care leavers are supported" in parse_pdf(make_pdf(BODY)).text


def test_parsing_from_threads_gives_the_same_text():
    from concurrent.futures import ThreadPoolExecutor

    data = [make_pdf(BODY), make_pdf(BODY[::-1]), _laid_out_pdf()]
    want = [parse_pdf(d).text for d in data]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: parse_pdf(data[i % 3]).text, range(60)))
    assert got == [want[i % 3] for i in range(60)]
