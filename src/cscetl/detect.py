"""Tell a page's format from its bytes (the extension and content-type only break ties).

Also refuses "text" that is not language (random or encoded bytes served as a page): see
check_language.
"""
from __future__ import annotations

import re
import unicodedata

from cscetl.decode import decode_bytes, unicode_encoding

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


def _head(data: bytes) -> bytes:
    """The first 4 KB as UTF-8, so UTF-16/UTF-32 text (NULs in every character) is judged as text."""
    wide = unicode_encoding(data)
    if wide is None:
        return data[:4096]
    codec, skip = wide
    text = data[skip : skip + 4096].decode(codec, errors="replace")
    # binary data behind a BOM decodes to unassigned, private-use and control characters
    junk = sum(1 for ch in text if unicodedata.category(ch)[0] == "C" and ch not in "\t\n\r\f") + text.count("\ufffd")
    if junk > 0.05 * len(text):
        raise UnsupportedFormat("content is binary data, not HTML, PDF or text")
    return text.encode("utf-8")


def detect_format(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """'pdf', 'html' or 'text'; raises UnsupportedFormat with a reason for anything else."""
    raw = data[:4096]
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-") or b"%PDF-" in raw[:1024]:
        return "pdf"
    for magic, what in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise UnsupportedFormat(f"content is {what}, not a page")
    head = _head(data)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\x00" in head:
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
    check_language(_without_markup(_text_sample(data, content_type)), "text")
    return "text"


# --- Is it language? -------------------------------------------------------------------------
#
# Prose, tables of figures, lists and minutes are made of tokens (whitespace-separated) that look
# like words or numbers: letters and digits, with punctuation only at their edges or as a joiner
# (children's, co-operation, 3.4%, £1,200, 10:30, 2019/20, e.g.). Random or encoded bytes are not:
# their tokens run long or carry symbols inside. On the 181 real pages of the article-extraction
# benchmark, the Ofsted reports and the dev corpus, at least 96% of token characters are in
# word-like tokens (Japanese, Portuguese and table-heavy pages included); random printable bytes
# score under 20%. A page is refused below half, and only when there is enough text to judge.

SAMPLE_CHARS = 20_000  # the start of the text is judged: cheap, and junk is junk from the start
MIN_JUDGED = 400  # characters of tokens: a shorter text is never refused
MIN_WORDY = 0.5

# A page that did not start like HTML may still hold markup: its scripts, styles and tags are not
# words and do not count against it (on the benchmark pages judged this way, raw: 83% and up).
_MARKUP_BLOCK = re.compile(r"<!--|<(script|style|svg|noscript|template)\b", re.I)
_TAG = re.compile(r"<[^<>]*>")


def _without_markup(text: str) -> str:
    """Text with comments, script/style/svg blocks and tags taken out; linear (no backtracking)."""
    parts, pos = [], 0
    while (m := _MARKUP_BLOCK.search(text, pos)) is not None:
        parts.append(text[pos : m.start()])
        end_tag = r"-->" if m.group(1) is None else r"</" + m.group(1) + r"\s*>"
        end = re.compile(end_tag, re.I).search(text, m.end())
        if end is None:
            pos = len(text)  # unclosed: the rest is inside it
            break
        pos = end.end()
    parts.append(text[pos:])
    return _TAG.sub(" ", " ".join(parts))


_EDGE = "\"'“”‘’«»„‚()[]{}<>.,;:!?¡¿…*•·|#~^_=+/\\-–—@&%$£€"
_JOIN = frozenset("'’‘-‐‑–./,:;&%+£$€@°#_×")
_MAX_WORD = 45  # longer than any word in use (hyphenated compounds included), shorter than a base64 line


def _unspaced(ch: str) -> bool:
    """Characters of scripts written without spaces between words (CJK, kana, Thai, …)."""
    o = ord(ch)
    return (0x3000 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x0E00 <= o <= 0x0EFF or 0x1000 <= o <= 0x109F or 0x1780 <= o <= 0x17FF)


def _wordlike(token: str) -> bool | None:
    """Whether a token looks like a word or number; None for bare punctuation (a dash, a bullet, |)."""
    core = token.strip(_EDGE)
    if not core:
        return None
    if len(core) <= _MAX_WORD and core.isalnum():
        return True  # most words: one C-speed test
    if "://" in core or core.startswith("www."):
        return True
    if sum(map(_unspaced, core)) * 2 >= len(core):
        # a whole clause of Japanese or Chinese is one "token": judged by its characters instead
        kinds = [unicodedata.category(ch)[0] for ch in core]
        return "C" not in kinds and kinds.count("S") * 10 <= len(core)
    if len(core) > _MAX_WORD:
        return False
    letters = 0
    for ch in core:
        if ch.isalnum() or unicodedata.category(ch)[0] == "M":
            letters += 1
        elif ch not in _JOIN:
            return False
    return letters * 2 >= len(core)


def wordy_share(text: str) -> tuple[float, int]:
    """(share of judged characters that are in word-like tokens, characters judged) for the text's start.

    Bare punctuation tokens weigh a quarter: a rule of dashes or a table's bars is not prose, but
    a page may have many; a page of nothing else is still refused.
    """
    good = bad = 0.0
    for token in text[:SAMPLE_CHARS].split():
        verdict = _wordlike(token)
        if verdict is None:
            bad += len(token) / 4 if len(token) > 3 else 0
        elif verdict:
            good += len(token)
        else:
            bad += len(token)
    judged = good + bad
    return (good / judged if judged else 1.0), int(judged)


def check_language(text: str, what: str) -> None:
    """Raise UnsupportedFormat when `text` is long enough to judge and is not language."""
    share, judged = wordy_share(text)
    if judged >= MIN_JUDGED and share < MIN_WORDY:
        raise UnsupportedFormat(
            f"{what} does not read as language: only {share:.0%} of it is word-like tokens (random or encoded data?)"
        )


def _text_sample(data: bytes, content_type: str | None) -> str:
    """The start of the text, decoded as the whole would be, cut where no character is split."""
    if unicode_encoding(data) is None:
        cut = data[: SAMPLE_CHARS * 2]
        if len(data) > len(cut):
            # a space or newline byte is never inside a UTF-8 (or cp1252) character
            end = max(cut.rfind(b" "), cut.rfind(b"\n"))
            cut = cut[:end] if end > 0 else cut
        return decode_bytes(cut, content_type)
    return decode_bytes(data[: SAMPLE_CHARS * 4], content_type)
