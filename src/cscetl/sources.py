"""Read a sources.toml into Source records.

    [[sources]]
    path = "pages/a.html"        # relative to the sources file
    url = "https://example.org/a" # recorded as source_url; fetched when there is no path
    kind = "news"                 # optional: news, press_release, ofsted_letter, ofsted_report, minutes, other
    publisher = "Example Post"    # optional
    published = 2019-05-10        # optional (TOML date or "YYYY-MM-DD")
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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
        return self.url or str(self.path)


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()  # TOML datetime → date
    return date.fromisoformat(str(value).strip())


def _entry(raw: object, base: Path, index: int) -> Source:
    if not isinstance(raw, dict):
        return Source(None, None, problem=f"sources[{index}] is not a table")
    url = raw.get("url")
    rel = raw.get("path")
    path = (base / rel).resolve() if rel else None
    problems = []
    if not url and not rel:
        problems.append("needs a url or a path")
    if url and not str(url).lower().startswith(("http://", "https://")):
        problems.append(f"url must be http(s): {url!r}")
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        kind = None
    try:
        published = _as_date(raw.get("published"))
    except ValueError:
        problems.append(f"published {raw.get('published')!r} is not a YYYY-MM-DD date")
        published = None
    unknown = set(raw) - {"url", "path", "kind", "publisher", "published", "listing", "link_pattern", "max_links"}
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    listing = bool(raw.get("listing", False))
    pattern = raw.get("link_pattern")
    if listing and not url:
        problems.append("a listing needs a url")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            problems.append(f"link_pattern is not a valid regular expression: {exc}")
    max_links = raw.get("max_links", 100)
    if not isinstance(max_links, int) or isinstance(max_links, bool) or max_links < 1:
        problems.append(f"max_links must be a positive whole number, not {max_links!r}")
        max_links = 100
    return Source(
        url=str(url) if url else None,
        path=path if not listing else None,
        kind=kind,
        publisher=raw.get("publisher"),
        published=published,
        problem=f"sources[{index}]: " + "; ".join(problems) if problems else None,
        listing=listing,
        link_pattern=str(pattern) if pattern is not None else None,
        max_links=max_links,
    )


def load_fetch_settings(sources_file: Path) -> FetchSettings:
    """The optional [fetch] table of the sources file (politeness, caps, private addresses)."""
    try:
        data = tomllib.loads(Path(sources_file).read_text(encoding="utf-8"))
        return settings_from_table(data.get("fetch"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return FetchSettings()  # load_sources reports these
    except (ValueError, TypeError) as exc:
        raise SourcesError(f"{sources_file}: {exc}") from None


def load_sources(sources_file: Path) -> list[Source]:
    """All entries of the file, in order; an unusable entry comes back with `problem` set.

    Duplicates (same url or same path) are dropped after the first, so a doc_id is loaded once per run.
    """
    sources_file = Path(sources_file)
    try:
        data = tomllib.loads(sources_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"sources file not found: {sources_file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{sources_file}: not valid TOML: {exc}") from None
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{sources_file}: [[sources]] must be an array of tables")
    base = sources_file.resolve().parent
    out: list[Source] = []
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        src = _entry(raw, base, i)
        if src.problem is None:
            if src.doc_id in seen:
                continue
            seen.add(src.doc_id)
        out.append(src)
    return out
