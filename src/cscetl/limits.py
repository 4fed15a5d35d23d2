"""Caps on what one page may cost, shared by the fetcher and the parsers so they cannot drift apart.

No imports: cscetl.fetch stays usable on its own with only this beside it.
"""
from __future__ import annotations

# One HTML or text page, as decoded bytes. A real article is well under this; a bigger "page" is a
# dump or an attack and would take minutes to parse. The fetcher refuses a body over it while
# decoding (a gzip bomb is never held whole), the parser refuses any page over it.
MAX_PAGE_BYTES = 10 * 1024 * 1024
