"""Tell a page's format from its bytes (the extension and content-type only break ties)."""
from __future__ import annotations

import re

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article|section|table)\b", re.I | re.S)
_HTML_TAGS = re.compile(rb"<(html|body|p|div|article|br|span|a)\b[^>]*>", re.I)

# Magic numbers of formats that are surely not pages, so the error can say what the file is.
_BINARY_MAGIC = {
    b"PK\x03\x04": "a zip archive (or docx/xlsx)",
    b"\x1f\x8b": "gzip-compressed data",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
    b"\x7fELF": "an executable",
}


class UnsupportedFormat(ValueError):
    pass


def detect_format(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """'pdf', 'html' or 'text'; raises UnsupportedFormat with a reason for anything else."""
    head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedFormat(f"content is {what}, not a page")
    if b"\x00" in head:
        # UTF-16 text has NULs too; anything else with NULs is binary.
        if not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
            raise UnsupportedFormat("content is binary data, not HTML, PDF or text")
    if name.lower().endswith(".pdf") or (content_type or "").startswith("application/pdf"):
        # an error page saved or served under a PDF's name: the real document is missing
        what = "an HTML page" if _HTML_START.match(stripped) or _HTML_TAGS.search(head) else "text"
        raise UnsupportedFormat(f"named or served as PDF but the bytes are {what}, not a PDF (no %PDF- header)")
    if _HTML_START.match(stripped) or len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    # Control characters other than whitespace mean junk, not prose.
    sample = stripped[:2048]
    junk = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if sample and junk / len(sample) > 0.05:
        raise UnsupportedFormat("content is binary data, not HTML, PDF or text")
    return "text"
