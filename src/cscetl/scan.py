"""Running a pattern only where a match can start.

Python's re tries a pattern at every character of the text unless the pattern's first item tells
it where a match may begin, and a leading \\b, an optional group or IGNORECASE hides that. Many of
our patterns can only start at a few kinds of place (a digit, a "£", a month name). Finding those
places with a fast search and trying the pattern only there gives the same matches in a fraction
of the time.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

# Letters that re.IGNORECASE matches to an ASCII letter though str.lower() does not turn them into
# it (ſ ~ s, ı ~ i; İ lowers to two characters and is caught by the length): such a text gets the full scan.
_ODD_FOLDS = re.compile("[\u017f\u0131\u0130]")
_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")


def finditer_at(rx: re.Pattern[str], text: str, starts: list[int], pos: int = 0,
                endpos: int | None = None) -> Iterator[re.Match[str]]:
    """rx.finditer(text, pos, endpos), given the sorted positions where a match may start (a
    superset). Only for patterns that never match the empty string."""
    end = len(text) if endpos is None else endpos
    for k in range(bisect_left(starts, pos), len(starts)):
        i = starts[k]
        if i >= end:
            return
        if i >= pos:
            m = rx.match(text, i, end)
            if m:
                yield m
                pos = m.end()


@lru_cache(maxsize=8)
def digit_positions(text: str) -> tuple[int, ...]:
    return tuple(m.start() for m in _DIGIT.finditer(text))


@lru_cache(maxsize=8)  # dates and figures ask about the same text
def digit_run_starts(text: str) -> tuple[int, ...]:
    """Where each run of digits begins: the only places a match opening with \\b and a digit can start."""
    return tuple(m.start() for m in _DIGIT_RUN.finditer(text))


def lowered(text: str) -> str | None:
    """text.lower(), when it keeps every offset and a lower-case search in it finds whatever an
    IGNORECASE pattern would; None otherwise (the caller then takes the full scan)."""
    low = text.lower()
    if len(low) != len(text) or _ODD_FOLDS.search(text):
        return None
    return low


def positions(low: str, words: tuple[str, ...]) -> list[int]:
    """Sorted start positions of every occurrence of the words in low."""
    out = []
    for w in words:
        i = low.find(w)
        while i >= 0:
            out.append(i)
            i = low.find(w, i + 1)
    return sorted(out)


# The three-letter word beginnings the extractors look for, declared by each (word_heads): one pass
# over a text finds them all.
_HEADS: set[str] = set()
_heads_rx: re.Pattern[str] | None = None


def word_heads(*heads: str) -> frozenset[str]:
    """Declare beginnings to look for with word_starts (lower-case, three letters each, so that no two
    can match at one place)."""
    global _heads_rx
    assert all(len(h) == 3 and h == h.lower() for h in heads)
    _HEADS.update(heads)
    _heads_rx = None
    _word_starts_by_head.cache_clear()
    return frozenset(heads)


@lru_cache(maxsize=8)
def _word_starts_by_head(text: str) -> dict[str, list[int]] | None:
    global _heads_rx
    low = lowered(text)
    if low is None:
        return None
    if _heads_rx is None:
        _heads_rx = re.compile("|".join(sorted(_HEADS)))  # plain literals: re scans for them fast
    out: dict[str, list[int]] = {}
    for m in _heads_rx.finditer(low):
        i = m.start()
        if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
            out.setdefault(m.group(0), []).append(i)
    return out


def word_starts(text: str, heads: frozenset[str]) -> list[int] | None:
    """Where a word begins with one of `heads` (declared with word_heads), case ignored, in text
    order; None when the text needs the full scan."""
    found = _word_starts_by_head(text)
    if found is None:
        return None
    return sorted(i for h in heads for i in found.get(h, ()))
