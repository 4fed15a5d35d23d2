import pytest

from cscetl.detect import UnsupportedFormat, detect_format

CASES = [
    (b"%PDF-1.7\n...", "x.bin", "pdf"),
    (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "page.txt", "html"),
    (b"\xef\xbb\xbf<html><head><title>t</title></head></html>", "", "html"),
    (b"<!-- saved page --><div><p>a</p></div>", "", "html"),
    (b"Council news\n\nThe cabinet met on Tuesday.", "note.html", "text"),
]


@pytest.mark.parametrize("data,name,want", CASES)
def test_detect(data, name, want):
    assert detect_format(data, name) == want


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (b"PK\x03\x04rest", "a.html", "zip"),
        (b"\x89PNG\r\n", "a.pdf", "PNG"),
        (b"\x00\x01\x02\x03binary", "a.html", "binary"),
        (b"<html><body>Not Found</body></html>"[:0] + b"Error 404 not found", "report.pdf", "not a PDF"),
    ],
)
def test_refused_with_reason(data, name, reason):
    with pytest.raises(UnsupportedFormat, match=reason):
        detect_format(data, name)
