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
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as _C, _parser  # to read a pattern's literals (required_words)

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
    if text.isascii():
        return low
    if len(low) != len(text) or _ODD_FOLDS.search(text):
        return None
    return low


@lru_cache(maxsize=8)
def _lowered_whole(text: str) -> str | None:
    return lowered(text)


def lowered_part(text: str, a: int, b: int) -> str | None:
    """lowered(text)[a:b], lowering the whole text once for all its parts (None: the full scan)."""
    low = _lowered_whole(text)
    return low[a:b] if low is not None else None


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
    word_starts_by_head.cache_clear()
    return frozenset(heads)


@lru_cache(maxsize=8)
def word_starts_by_head(text: str) -> dict[str, list[int]] | None:
    """head → where a word begins with it (case ignored), for the heads declared with word_heads;
    None when the text needs the full scan."""
    global _heads_rx
    low = lowered(text)
    if low is None:
        return None
    if _heads_rx is None:
        # a head after a character that is no ASCII word character (re scans for that class fast)
        _heads_rx = re.compile(f"[^a-z0-9_]({'|'.join(sorted(_HEADS))})")
    out: dict[str, list[int]] = {}
    if low[:3] in _HEADS:
        out[low[:3]] = [0]
    for m in _heads_rx.finditer(low):
        i = m.start(1)
        if not (text[i - 1].isalnum() or text[i - 1] == "_"):  # "é" is a word character too
            out.setdefault(m.group(1), []).append(i)
    return out


def word_starts(text: str, heads: frozenset[str]) -> list[int] | None:
    """Where a word begins with one of `heads` (declared with word_heads), case ignored, in text
    order; None when the text needs the full scan."""
    found = word_starts_by_head(text)
    if found is None:
        return None
    return sorted(i for h in heads for i in found.get(h, ()))


# --- literal prefilters ------------------------------------------------------------------------------
# Most stretches of text cannot match most of our patterns, and a pattern is much slower to run than a
# test for a word. required_words() reads a pattern and names words one of which any match must hold;
# may_match() tests for them in lower-cased text first.

_MAX_STRINGS = 64  # a literal run that could be spelled more ways than this is not worth tracking


@dataclass(frozen=True)
class _Info:
    exact: frozenset[str] | None  # the item matches exactly one of these strings (lower-cased)
    needs: tuple[frozenset[str], ...] = ()  # any match holds a word of each of these sets


def _usable(words: frozenset[str] | None) -> bool:
    return bool(words) and "" not in words


def _best(sets) -> frozenset[str] | None:
    """The most selective of the sets: longest shortest word, then fewest words."""
    ok = [x for x in sets if _usable(x)]
    return max(ok, key=lambda x: (min(map(len, x)), -len(x))) if ok else None


def _seq_info(items) -> _Info:
    run: frozenset[str] = frozenset({""})
    needs: list[frozenset[str]] = []
    whole = True
    for item in items:
        info = _item_info(item)
        if info.exact is not None and len(run) * len(info.exact) <= _MAX_STRINGS:
            run = frozenset(r + e for r in run for e in info.exact)
            continue
        whole = False
        needs += [x for x in (run, *info.needs) if _usable(x)]
        run = info.exact if info.exact is not None else frozenset({""})
    needs += [run] if _usable(run) else []
    return _Info(run if whole else None, tuple(needs))


def _char_set(items) -> frozenset[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is _C.LITERAL:
            out.add(chr(av).lower())
        elif op is _C.RANGE and av[1] - av[0] < 10:
            out.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        else:
            return None  # a category, a negation or a wide range
    return frozenset(out)


def _item_info(item) -> _Info:
    op, av = item
    if op is _C.LITERAL:
        return _Info(frozenset({chr(av).lower()}))
    if op is _C.IN:
        return _Info(_char_set(av))
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return _Info(frozenset({""}))  # zero width: a literal run goes on through it
    if op is _C.SUBPATTERN:
        return _seq_info(av[-1])
    if op is _C.BRANCH:
        alts = [_seq_info(alt) for alt in av[1]]
        exact = None
        if all(a.exact is not None for a in alts):
            exact = frozenset().union(*(a.exact for a in alts))
            exact = exact if len(exact) <= _MAX_STRINGS else None
        # each alternative brings its most selective set; the branch needs a word of one of them
        each = [_best([a.exact, *a.needs]) for a in alts]
        needs = (frozenset().union(*each),) if all(each) else ()
        return _Info(exact, needs)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        info = _seq_info(sub)
        if lo == 0:
            return _Info(info.exact | {""} if hi == 1 and info.exact is not None else None)
        if lo == hi == 1:
            return info
        return _Info(None, tuple(x for x in (info.exact, *info.needs) if _usable(x)))
    return _Info(None)  # any character, a negated literal, a category, a back-reference


def _minimal(words: frozenset[str]) -> frozenset[str]:
    """The words without those holding another of them (the shorter one is there whenever they are)."""
    return frozenset(w for w in words if not any(v != w and v in w for v in words))


@lru_cache(maxsize=None)
def required_words(rx: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of lower-case words: every match of rx holds a word of each set (the two most selective
    sets are kept; none when the pattern promises nothing)."""
    info = _seq_info(_parser.parse(rx.pattern, rx.flags))
    sets = {_minimal(x) for x in (info.exact, *info.needs) if _usable(x)}
    ranked = sorted(sets, key=lambda x: (min(map(len, x)), -len(x)), reverse=True)
    return tuple(ranked[:2])


# pattern id → (the pattern, a search per required set): a dict by id, since hashing a compiled
# pattern reads its whole program
_TESTS: dict[int, tuple[re.Pattern[str], tuple]] = {}


def _word_tests(rx: re.Pattern[str]) -> tuple:
    got = _TESTS.get(id(rx))
    if got is None or got[0] is not rx:
        searches = tuple(re.compile("|".join(re.escape(w) for w in sorted(words))).search  # literals: a fast scan
                         for words in required_words(rx))
        got = _TESTS[id(rx)] = (rx, searches)
    return got[1]


def may_match(rx: re.Pattern[str], low: str | None) -> bool:
    """False only when rx cannot match in the text whose lowered() form is low (None: unknown)."""
    if low is None:
        return True
    for search in _word_tests(rx):
        if search(low) is None:
            return False
    return True
