"""Sentence spans over clean text, for evidence and offsets."""
from __future__ import annotations

import re
from functools import lru_cache

from cscetl.scan import finditer_at

# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) before whitespace and a
# capital, digit or opening quote — or at a line break. Abbreviations and decimals are not ends.
_END = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(]?[A-Z0-9£])|\n+""")
_ABBREV = re.compile(r"\b(mr|mrs|ms|dr|cllr|prof|st|no|nos|vol|para|paras|fig|e\.g|i\.e|etc|vs|approx|inc|ltd|co|rev|hon|gov|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$", re.I)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; whitespace is trimmed from both ends."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=8)  # the extractors of one document split the same text
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in finditer_at(_END, text, _end_starts(text)):
        if "\n" not in m.group(0) and _ABBREV.search(text[max(start, m.start() - 8) : m.start()]):
            continue
        # a closing quote or bracket stays with its sentence
        _push(text, start, m.start() + _closing_len(m.group(0)), spans)
        start = m.end()
    _push(text, start, len(text), spans)
    return tuple(spans)


_END_MARK = re.compile(r"[.!?\n]")


def _end_starts(text: str) -> list[int]:
    """Where an _END match can start: just after . ! ? (its lookbehind) or at a line break."""
    return [m.start() if m.group(0) == "\n" else m.end() for m in _END_MARK.finditer(text)]


def _closing_len(sep: str) -> int:
    n = 0
    for ch in sep:
        if ch in "\"'”’)]":
            n += 1
        else:
            break
    return n


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
