"""A cheap look at a PDF's compressed content before PDFium parses it.

PDFium inflates a page's content stream whole and makes an object of every operator in it, so a
1 MB file whose stream inflates to 1 GB, or a 60 KB one holding millions of text operators, costs
gigabytes. Here every FlateDecode stream that may be page content is inflated in bounded steps,
counted and thrown away: one that passes MAX_PDF_STREAM_BYTES, or content adding up past
MAX_PDF_CONTENT_BYTES, refuses the file before anything is parsed. About 2 ms for a real report.

Streams are told apart by their dictionary only (images, fonts, embedded files, object and xref
streams are not content and are skipped), so a file can hide content from this scan: it is the
first line, not the last; cscetl.pdf_sandbox's memory and CPU limits hold whatever gets past it.
"""
from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_NOT_CONTENT = re.compile(
    rb"/(?:Image|Length[123]|EmbeddedFile|ObjStm|XRef|Metadata|FontFile[23]?|Type1C|CIDFontType0C|OpenType)\b"
)
_DICT_LOOKBACK = 2048  # bytes before "stream" searched for its dictionary
_IN_STEP = 16 * 1024  # compressed bytes fed at a time: zlib stops at the stream's own end
_OUT_STEP = 1024 * 1024  # decoded bytes produced at a time, so a bomb is stopped between steps


def content_problem(data: bytes, stream_cap: int, total_cap: int) -> str | None:
    """Why this PDF's content is too big to parse ("content stream inflates to over …"), or None."""
    view = memoryview(data)
    total = 0
    for match in _STREAM.finditer(data):
        start = match.start()
        if data[start - 3 : start] == b"end":
            continue
        head = data[max(0, start - _DICT_LOOKBACK) : start]
        head = head[head.rfind(b"obj") + 1 :]  # this object's dictionary (the whole window if none)
        if b"/FlateDecode" not in head or _NOT_CONTENT.search(head):
            continue
        size = _inflated_size(view, match.end(), stream_cap)
        if size > stream_cap:
            return f"content stream inflates to over {_mib(stream_cap)} (the cap for one stream); not read"
        total += size
        if total > total_cap:
            return f"content streams inflate to over {_mib(total_cap)} in all (the cap for one PDF); not read"
    return None


def _inflated_size(view: memoryview, pos: int, cap: int) -> int:
    """Decoded size of the deflate stream at pos, counted up to just past cap (0 if not deflate).

    The compressed bytes are fed from the file until zlib reaches the stream's end, so neither a
    wrong /Length nor an "endstream" planted inside the data changes what is counted.
    """
    inflater = zlib.decompressobj()
    size = 0
    try:
        while not inflater.eof and size <= cap:
            piece = view[pos : pos + _IN_STEP]
            out = inflater.decompress(piece, _OUT_STEP)
            size += len(out)
            pos += len(piece) - len(inflater.unconsumed_tail)
            if not piece and len(out) < _OUT_STEP:
                break  # the file ended inside the stream, and zlib has nothing more to give
    except zlib.error:
        pass  # damaged or not deflate: PDFium decides what it is
    return size


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:g} MiB"
