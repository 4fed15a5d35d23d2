"""Read a sources.toml into Source records.

    [[sources]]
    path = "pages/a.html"        # relative to the sources file
    url = "https://example.org/a" # recorded as source_url; fetched when there is no path
    kind = "news"                 # optional: news, press_release, ofsted_letter, ofsted_report, minutes, other
    publisher = "Example Post"    # optional
    published = 2019-05-10        # optional (TOML date or "YYYY-MM-DD")
    listing = false               # optional: true for a listing page (see Source)

Every key is checked for its type; a bad entry is kept with its problem (and its line), the rest
load. A file with no entries, or a top-level table other than [[sources]] and [fetch], is refused.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

from cscetl.fetch import FetchSettings, settings_from_table

KINDS = ("news", "press_release", "ofsted_letter", "ofsted_report", "minutes", "other")


class SourcesError(ValueError):
    """The sources file cannot be used at all (as opposed to one bad entry)."""


@dataclass(frozen=True)
class Source:
    url: str | None
    path: Path | None  # absolute
    kind: str | None = None
    publisher: str | None = None
    published: date | None = None
    problem: str | None = None  # set when this entry is unusable; the run records it and goes on
    # A listing page (a tag page, a council's news page) is not loaded itself: the links on it that
    # match link_pattern become sources, with this entry's kind and publisher.
    listing: bool = False
    link_pattern: str | None = None
    max_links: int = 100

    @property
    def source_url(self) -> str:
        if self.url:
            return self.url
        return "file://" + str(self.path)

    @property
    def doc_id(self) -> str:
        """Stable id: the same URL (or, with no URL, the same absolute path) gives the same id on every run."""
        return hashlib.sha256(self.source_url.encode("utf-8")).hexdigest()[:16]

    @property
    def label(self) -> str:
        return self.url or (str(self.path) if self.path else "(entry with no usable url or path)")


# What each key of a [[sources]] entry must be. TOML already types its values; what is checked
# here is that each is the type the key means (listing = "no" is a string, not false).
FIELDS: dict[str, str] = {
    "url": "string",
    "path": "string",
    "kind": "string",
    "publisher": "string",
    "published": "date",
    "listing": "boolean",
    "link_pattern": "string",
    "max_links": "integer",
}
TOP_LEVEL = ("sources", "fetch")


def _toml_type(value: object) -> str:
    """The TOML name of a value's type, for messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "date-time"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _type_problem(key: str, value: object) -> str | None:
    want = FIELDS[key]
    got = _toml_type(value)
    if want == "date" and got in ("date", "date-time", "string"):
        return None  # a string is parsed below ("YYYY-MM-DD")
    if got == want:
        return None
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    hint = " (true or false, without quotes)" if want == "boolean" else ""
    return f"{key} must be {_a(want)}{hint}, not the {got} {shown}"


def did_you_mean(word: str, choices: tuple[str, ...] | list[str], form: str = "{}") -> str:
    """' (did you mean X?)' for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {form.format(close[0])}?)" if close else ""


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()  # TOML date-time → date
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _url_problem(url: str) -> str | None:
    if not url.lower().startswith(("http://", "https://")):
        return f"url must be http(s): {url!r}"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return f"url must not contain spaces or control characters: {url!r}"
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a port that is not a number under 65536
    except ValueError as exc:  # a malformed port or IPv6 literal
        return f"url is malformed ({exc}): {url!r}"
    if not host:
        return f"url has no host name: {url!r}"
    return None


def _local_path(base: Path, rel: str) -> tuple[Path | None, str | None]:
    """The entry's absolute path, or why it cannot be one. Reading it is acquire's job."""
    if not rel.strip():
        return None, f"path is blank: {rel!r}"
    if "\x00" in rel:
        return None, f"path contains a NUL byte: {rel!r}"
    joined = base / rel
    try:
        return joined.resolve(), None
    except (OSError, RuntimeError):
        # a symlink loop (RuntimeError before Python 3.13): keep the path as written, so reading it
        # fails with the system's reason, as that entry's problem
        return Path(os.path.abspath(joined)), None


def _entry(raw: object, base: Path, index: int, line: int | None) -> Source:
    where = f"sources[{index}]" + (f" (line {line})" if line else "")
    if not isinstance(raw, dict):
        return Source(None, None, problem=f"{where}: is {_a(_toml_type(raw))}, not a table")
    problems = []
    unknown = [k for k in raw if k not in FIELDS]
    for key in unknown:
        problems.append(f"unknown key {key!r}" + did_you_mean(key, tuple(FIELDS), "{!r}"))
    # a value of the wrong type is reported and then treated as absent
    values = {}
    for key, value in raw.items():
        if key in FIELDS:
            if (problem := _type_problem(key, value)) is None:
                values[key] = value
            else:
                problems.append(problem)
    url = values.get("url") or None  # an empty string stands for no url, as it always has
    rel = values.get("path") or None
    if url is None and rel is None and not any(k in raw for k in ("url", "path")):
        problems.append("needs a url or a path")
    if url is not None and (problem := _url_problem(url)) is not None:
        problems.append(problem)
    listing = values.get("listing", False)
    path = None
    if rel is not None and not listing:
        path, problem = _local_path(base, rel)
        if problem:
            problems.append(problem)
    kind = values.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append(f"kind {kind!r} is not one of {', '.join(KINDS)}" + did_you_mean(kind, KINDS, "{!r}"))
        kind = None
    try:
        published = _as_date(values.get("published"))
    except ValueError:
        problems.append(f"published {values.get('published')!r} is not a YYYY-MM-DD date")
        published = None
    pattern = values.get("link_pattern")
    if listing and not url:
        problems.append("a listing needs a url")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(f"link_pattern is not a valid regular expression: {exc}")
    max_links = values.get("max_links", 100)
    if max_links < 1:
        problems.append(f"max_links must be a positive whole number, not {max_links!r}")
        max_links = 100
    return Source(
        url=url,
        path=path,
        kind=kind,
        publisher=values.get("publisher"),
        published=published,
        problem=f"{where}: " + "; ".join(problems) if problems else None,
        listing=listing,
        link_pattern=pattern,
        max_links=max_links,
    )


def _read(sources_file: Path) -> tuple[str, dict]:
    """The file's text and its TOML; SourcesError (one line, with the line at fault) when unusable."""
    try:
        text = sources_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"sources file not found: {sources_file}") from None
    except UnicodeDecodeError as exc:
        raise SourcesError(f"{sources_file}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SourcesError(f"cannot read sources file {sources_file}: {exc.strerror or exc}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{sources_file}: not valid TOML: {exc}") from None


def _header_lines(text: str, name: str, array: bool) -> list[int]:
    """1-based lines of each [[name]] (or [name]) header; tomllib keeps no positions."""
    opening, closing = (r"\[\[", r"\]\]") if array else (r"\[(?!\[)", r"\](?!\])")
    pattern = re.compile(rf"""^[ \t]*{opening}[ \t]*(?:{re.escape(name)}|"{re.escape(name)}"|'{re.escape(name)}')[ \t]*{closing}""", re.M)
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


def _key_line(text: str, name: str) -> int | None:
    """The first line where top-level key `name` appears: as a table header or as `name = …`."""
    pattern = re.compile(rf"""^[ \t]*(?:\[\[?[ \t]*["']?{re.escape(name)}["']?[ \t]*[\].]|["']?{re.escape(name)}["']?[ \t]*[=.])""", re.M)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _check_top_level(sources_file: Path, text: str, data: dict) -> None:
    unknown = [k for k in data if k not in TOP_LEVEL]
    if not unknown:
        return
    messages = []
    for key in unknown:
        value = data[key]
        line = _key_line(text, key)
        at = f"line {line}: " if line else ""
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            what, form = f"table array [[{key}]]", "[[{}]]"
        elif isinstance(value, dict):
            what, form = f"table [{key}]", "[{}]"
        else:
            what, form = f"key {key!r}", "{}"
        close = difflib.get_close_matches(key, TOP_LEVEL, n=1, cutoff=0.6)
        hint = f" (did you mean {'[[sources]]' if close == ['sources'] else '[fetch]'}?)" if close else ""
        messages.append(f"{at}unknown {what}{hint}")
    raise SourcesError(
        f"{sources_file}: " + "; ".join(messages) + " — a sources file holds [[sources]] entries and an optional [fetch] table"
    )


def load_fetch_settings(sources_file: Path) -> FetchSettings:
    """The optional [fetch] table of the sources file (politeness, caps, private addresses)."""
    sources_file = Path(sources_file)
    try:
        text, data = _read(sources_file)
    except SourcesError:
        return FetchSettings()  # load_sources reports these
    table = data.get("fetch")
    if table is None:
        return FetchSettings()
    lines = _header_lines(text, "fetch", array=False)
    at = f"line {lines[0]}: " if len(lines) == 1 else ""
    if not isinstance(table, dict):
        raise SourcesError(f"{sources_file}: {at}fetch must be a table ([fetch]), not {_a(_toml_type(table))}")
    known = tuple(f.name for f in dataclasses.fields(FetchSettings))
    for key in table:
        if key not in known:
            raise SourcesError(f"{sources_file}: {at}unknown [fetch] key {key!r}" + did_you_mean(key, known, "{!r}")
                               + f" (known: {', '.join(known)})")
    try:
        return settings_from_table(table)
    except (ValueError, TypeError) as exc:
        raise SourcesError(f"{sources_file}: {at}{exc}") from None


def load_sources(sources_file: Path, allow_empty: bool = False) -> list[Source]:
    """All entries of the file, in order; an unusable entry comes back with `problem` set.

    Duplicates (same url or same path) are dropped after the first, so a doc_id is loaded once per run.
    A file with no entries is refused unless allow_empty: a run over it would mark every document
    removed, and an empty or mistyped file ([[source]]) is far likelier than that wish. A top-level
    key other than sources and fetch is always refused: it is a typo, and its entries would be lost.
    """
    sources_file = Path(sources_file)
    text, data = _read(sources_file)
    _check_top_level(sources_file, text, data)
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{sources_file}: [[sources]] must be an array of tables")
    if not entries and not allow_empty:
        raise SourcesError(
            f"{sources_file}: no [[sources]] entries, so nothing to load; a run would mark every document "
            f"already loaded as removed (if that is what you want, run with --allow-empty)"
        )
    lines = _header_lines(text, "sources", array=True)
    if len(lines) != len(entries):
        lines = []  # written as `sources = [ {...}, … ]`, or a header inside a string: no reliable lines
    base = sources_file.resolve().parent
    out: list[Source] = []
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        src = _entry(raw, base, i, lines[i] if lines else None)
        if src.problem is None:
            if src.doc_id in seen:
                continue
            seen.add(src.doc_id)
        out.append(src)
    return out
