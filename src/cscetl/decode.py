"""Bytes to str for text and HTML pages with missing or wrong charsets."""
from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)

# Longest first: a UTF-32LE BOM begins with the UTF-16LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when the bytes start with a Unicode byte-order mark."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for BOM-less UTF-16 that is plainly Latin-script text, else None.

    Such text has a NUL in the high byte of nearly every character and almost never in the low
    byte. Only that pattern is trusted: BOM-less UTF-16 of other scripts cannot be told from binary
    data cheaply, and binary data that happens to fit must still decode without control characters.
    """
    head = data[:4096]
    head = head[: len(head) - len(head) % 2]
    if len(head) < 32:
        return None
    even, odd = head[0::2], head[1::2]
    for codec, low, high in (("utf-16-le", even, odd), ("utf-16-be", odd, even)):
        if high.count(0) >= 0.7 * len(high) and low.count(0) <= 0.02 * len(low):
            text = head.decode(codec, errors="replace")
            controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
            if text.count("\ufffd") <= 1 and controls <= 0.01 * len(text):
                return codec
    return None


def unicode_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, bytes to skip) for UTF-16/UTF-32 text, by its BOM or, without one, by its NUL pattern."""
    found = bom_encoding(data)
    if found is not None:
        return None if found[0] == "utf-8" else found
    codec = utf16_without_bom(data)
    return (codec, 0) if codec else None


def decode_bytes(data: bytes, content_type: str | None = None) -> str:
    """UTF-8 when it decodes cleanly, else a declared charset, else cp1252 (what most 'latin-1' pages really are)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    wide = unicode_encoding(data)
    if wide is not None:
        # checked before UTF-8: ASCII in UTF-16 is valid UTF-8 too, with a NUL after every letter
        codec, skip = wide
        return data[skip:].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=")[-1].split(";")[0].strip(" \"'")
    if not declared:
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii") if m else None
    for enc in (declared, "cp1252", "latin-1"):
        if not enc or enc.lower().replace("-", "") in ("utf8",):
            continue
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")
