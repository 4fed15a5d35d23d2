"""Caps on what one page may cost, shared by the fetcher and the parsers so they cannot drift apart.

No imports: cscetl.fetch stays usable on its own with only this beside it.
"""
from __future__ import annotations

# One HTML or text page, as decoded bytes. A real article is well under this; a bigger "page" is a
# dump or an attack and would take minutes to parse. The fetcher refuses a body over it while
# decoding (a gzip bomb is never held whole), the parser refuses any page over it.
MAX_PAGE_BYTES = 10 * 1024 * 1024

# PDFs are capped by what reading them costs rather than by their size (a real 50 MB scan is
# cheap, a 60 KB file of text operators is not). Real Ofsted reports: at most 46 KB of decoded
# page content and 3,500 characters a page, 125,000 characters a document.
MAX_PDF_PAGES = 400  # a longer PDF is cut there rather than parsed for minutes
MAX_PDF_STREAM_BYTES = 8 * 1024 * 1024  # one content stream, decoded
MAX_PDF_CONTENT_BYTES = 64 * 1024 * 1024  # all content streams of one PDF, decoded
MAX_PDF_PAGE_CHARS = 100_000  # text kept from one page
MAX_PDF_CHARS = 2_000_000  # text kept from one PDF
# The process that reads a PDF is stopped past these, whatever the file does to get there.
PDF_MEMORY_BYTES = 400 * 1024 * 1024  # address space of that process (its RSS stays below)
PDF_CPU_SECONDS = 20  # CPU time for one PDF
PDF_WALL_SECONDS = 25.0  # wall-clock time for one PDF, waiting included
