"""PDF parsing on PDFs built by the test: running headers/footers, page numbers, split sentences,
and hostile PDFs, whose cost the content scan, the text caps and the reader process bound."""
import time
import zlib
from functools import cache

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


def _read_here(data: bytes):
    """read_pages in this process, where the reader process would run it: (pages, lines, title, cuts)."""
    import cscetl.parse_pdf as pp

    return pp.read_pages(data, **pp.read_options())


def test_pypdf_reads_what_pdfium_cannot_open(monkeypatch):
    import pypdfium2

    import cscetl.parse_pdf as pp

    def refuse(*args, **kwargs):
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).", err_code=3)

    monkeypatch.setattr(pp.pdfium, "PdfDocument", refuse)
    n, pages, _, cuts = _read_here(make_pdf([BODY[0], BODY[1], BODY[2]]))
    assert n == 3 and cuts == [] and "act on what they find." in "\n".join(pages[1])
    with pytest.raises(PdfError, match="truncated or damaged"):
        _read_here(b"%PDF-1.4\n")


def test_pypdf_tried_when_pdfium_finds_no_text(monkeypatch):
    import cscetl.parse_pdf as pp

    monkeypatch.setattr(pp, "_pdfium_pages", lambda data, max_pages, budget: (3, [[], [" "], []], None))
    n, pages, _, _ = _read_here(make_pdf(BODY))
    assert "Care leavers are supported" in "\n".join(pages[2])


def test_parsing_from_threads_gives_the_same_text():
    from concurrent.futures import ThreadPoolExecutor

    data = [make_pdf(BODY), make_pdf(BODY[::-1]), _laid_out_pdf()]
    want = [parse_pdf(d).text for d in data]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: parse_pdf(data[i % 3]).text, range(60)))
    assert got == [want[i % 3] for i in range(60)]


# --- hostile PDFs: what a small file may cost ----------------------------------------------------
# Written byte by byte, as an attacker would: fpdf2 will not write millions of operators, a stream
# that inflates to gigabytes, or forms drawing forms.

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
RESOURCES = b"/Resources << /Font << /F1 3 0 R >> >>"


def _assemble(objects: list[bytes]) -> bytes:
    """Objects 1..n (1 the catalog, 2 the page tree), then a cross-reference table that finds them."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"/Filter /FlateDecode") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def raw_pdf(contents: list[bytes], entries: bytes = b"/Filter /FlateDecode", shared: int = 0) -> bytes:
    """One page per content stream (bytes as stored: deflated unless entries say otherwise), or
    `shared` pages all drawing the one stream given."""
    pages = shared or len(contents)
    first_page = 4 + len(contents)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages), FONT]
    objects += [_stream(c, entries) for c in contents]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents %d 0 R >>"
                % (RESOURCES, 4 + (0 if shared else i)) for i in range(pages)]
    return _assemble(objects)


def forms_pdf(depth: int, fan: int) -> bytes:
    """Form k draws form k-1 `fan` times, form 0 shows two letters: fan**depth text objects."""
    names = b" ".join(b"/X%d %d 0 R" % (k, 6 + k) for k in range(depth + 1))
    resources = b"<< /Font << /F1 3 0 R >> /XObject << %s >> >>" % names
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", FONT,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents 5 0 R >>" % resources,
               _stream(b"/X%d Do" % depth, b"")]
    for k in range(depth + 1):
        body = b"BT /F1 1 Tf 1 1 Td (ab) Tj ET" if k == 0 else b"/X%d Do " % (k - 1) * fan
        objects.append(_stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + resources))
    return _assemble(objects)


def text_ops(n: int) -> bytes:
    return b"BT /F1 1 Tf 10 10 Td " + b"(a)Tj " * n + b"ET"


def shown(text: bytes) -> bytes:
    # in strings of 20,000 at most: PDFium keeps only the first 32,767 bytes of a string
    strings = b"".join(b"(" + text[i : i + 20_000] + b") Tj " for i in range(0, len(text), 20_000))
    return b"BT /F1 10 Tf 72 720 Td " + strings + b"ET "


def deflate(data: bytes) -> bytes:
    return zlib.compress(data, 9)


MIB = 1024 * 1024
_HOSTILE = {  # built once: some take a second to compress
    "32 MiB of spaces in one stream": lambda: raw_pdf([deflate(b" " * 32 * MIB)]),
    "6 M text operators in one stream": lambda: raw_pdf([deflate(text_ops(6_000_000))]),
    "nine streams of 7.5 MiB": lambda: raw_pdf([deflate(b" " * (15 * MIB // 2))] * 9),
    "one stream of 7.5 MiB": lambda: raw_pdf([deflate(shown(b"Inspection of Exampleton") + b" " * (15 * MIB // 2))]),
    "text hidden as an image": lambda: raw_pdf([deflate(text_ops(1_300_000))], b"/Subtype /Image /Filter /FlateDecode"),
    "forms drawing forms": lambda: forms_pdf(7, 10),
    "400 pages of q Q": lambda: raw_pdf([deflate(b"q Q " * (7 * MIB // 4))], shared=400),
}


@cache
def hostile(name: str) -> bytes:
    data = _HOSTILE[name]()
    assert len(data) < 1_000_000, f"{name}: {len(data)} bytes"
    return data


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("32 MiB of spaces in one stream", "PDF content stream inflates to over 8 MiB (the cap for one stream); not read"),
        ("6 M text operators in one stream", "PDF content stream inflates to over 8 MiB (the cap for one stream); not read"),
        ("nine streams of 7.5 MiB", "PDF content streams inflate to over 64 MiB in all (the cap for one PDF); not read"),
        ("one stream of 7.5 MiB", None),  # under both caps: read
    ],
)
def test_inflated_content_is_capped_before_parsing(name, error):
    began = time.monotonic()
    if error is None:
        assert parse_pdf(hostile(name)).text == "Inspection of Exampleton"
    else:
        with pytest.raises(PdfError) as caught:
            parse_pdf(hostile(name))
        assert str(caught.value) == error
    assert time.monotonic() - began < 15


@pytest.mark.parametrize("name", ["text hidden as an image", "forms drawing forms"])
def test_the_reader_process_stops_at_its_memory_limit(name):
    # The content scan cannot see these (a content stream that calls itself an image; 10 M text
    # objects from 3 KB of forms): PDFium would take gigabytes, and is stopped at 400 MB.
    from cscetl import pdf_sandbox

    parse_pdf(make_pdf(BODY))
    before = pdf_sandbox._READER.proc.pid
    began = time.monotonic()
    with pytest.raises(PdfError, match=r"^PDF reading stopped \(signal SIGABRT\): past its 400 MB memory limit"):
        parse_pdf(hostile(name))
    assert time.monotonic() - began < 15
    assert "Care leavers are supported" in parse_pdf(make_pdf(BODY)).text  # a new reader for the next PDF
    assert pdf_sandbox._READER.proc.pid != before


@pytest.mark.parametrize(
    ("cpu_s", "wall_s", "error"),
    [
        (1, 30.0, "PDF reading used more than 1 s of CPU; not read"),
        (20, 0.5, "PDF reading took longer than 0.5 s; not read"),
    ],
)
def test_the_reader_process_stops_at_its_time_limits(monkeypatch, cpu_s, wall_s, error):
    # 70 KB, 400 pages drawing one 7 MiB stream of save/restore pairs: ~100 s of PDFium. The limits
    # are lowered so the test is quick; they are enforced the same way (RLIMIT_CPU; a kill).
    from cscetl import pdf_sandbox

    data = hostile("400 pages of q Q")
    parse_pdf(make_pdf(BODY))  # the reader started outside the timing
    monkeypatch.setattr(pdf_sandbox, "PDF_CPU_SECONDS", cpu_s)
    monkeypatch.setattr(pdf_sandbox, "PDF_WALL_SECONDS", wall_s)
    began = time.monotonic()
    with pytest.raises(PdfError) as caught:
        parse_pdf(data)
    assert str(caught.value) == error
    assert time.monotonic() - began < 6
    assert "Care leavers are supported" in parse_pdf(make_pdf(BODY)).text


def _letters_pdf(pages: list[int]) -> bytes:
    """Page i shows one run of `pages[i]` copies of its own letter."""
    return raw_pdf([deflate(shown(bytes([97 + i % 26]) * n)) for i, n in enumerate(pages)])


@pytest.mark.parametrize(
    ("pages", "kept", "cuts"),
    [
        ([100_000], 100_000, []),  # at the page cap
        ([300_000], 100_000, ["page 1: text cut at 100,000 of 300,000 characters (cap 100,000 a page)"]),
        ([90_000] * 22, 22 * 90_000, []),  # 1.98 M: under the PDF's cap
        ([90_000] * 25, 2_000_000, ["page 23: text cut at 20,000 of 90,000 characters (cap 2,000,000 a PDF)",
                                    "pages 24-25 not read (cap 2,000,000 characters a PDF)"]),
    ],
)
def test_text_is_capped_per_page_and_per_pdf(pages, kept, cuts):
    page = parse_pdf(_letters_pdf(pages))
    assert sum(c.isalpha() for c in page.text) == kept
    assert page.cuts == cuts


def test_a_cut_is_recorded_with_the_document(tmp_path):
    from cscetl.acquire import read_local
    from cscetl.outcome import Document
    from cscetl.pipeline import process
    from cscetl.sources import Source

    path = tmp_path / "wide.pdf"
    path.write_bytes(raw_pdf([deflate(shown(b"Inspection of Exampleton children's services. " + b"a" * 150_000))]))
    out = process(read_local(Source(url=None, path=path)))
    assert isinstance(out, Document), out
    assert [(r.rule, r.text) for r in out.removed if r.rule == "text_cap"] == [
        ("text_cap", "page 1: text cut at 100,000 of 150,046 characters (cap 100,000 a page)")]


def test_one_reader_process_serves_every_pdf():
    from cscetl import pdf_sandbox

    parse_pdf(make_pdf(BODY))
    reader = pdf_sandbox._READER.proc.pid
    for body in (BODY, BODY[::-1]):
        parse_pdf(make_pdf(body))
    assert pdf_sandbox._READER.proc.pid == reader
