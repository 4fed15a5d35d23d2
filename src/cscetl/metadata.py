"""Document metadata the page does not declare in markup: kind, title, byline and date from the
text itself (plain-text pages, PDFs, letters)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from cscetl.dates import parse_date
from cscetl.scan import finditer_at, lowered_part, positions

_REPORT = re.compile(
    r"\binspection of [\w ,&'’-]{2,80}?\s+local\s+authority\s+children['’]?s\s+services\b"
    r"|\binspection of (?:services for )?(?:looked after children|children in need|safeguarding)\b"
    r"|\binspection dates?\s*:"
    r"|\bsingle inspection framework\b",
    re.I,
)
_LETTER_OPEN = re.compile(r"(?:^|\n)\s*Dear\s+\S|\bDear\s+(?:Mr|Mrs|Ms|Miss|Dr|Director|Councillor|Sir|Madam)\b")
_INSPECTORATE = re.compile(r"\b(ofsted|his majesty['’]s inspector|her majesty['’]s inspector|HMI|joint targeted area inspection|care quality commission)\b", re.I)
# what only the inspectorate's own letters say (a reader's letter may mention Ofsted too)
_OFSTED_LETTER = re.compile(r"\b(?:his|her) majesty['’]s inspector|\bHMI\b|\bthis letter (?:summarises|sets out)\b|\bmonitoring visit\b|\bfocused visit\b|\bjoint targeted area inspection\b|ofsted\.gov\.uk", re.I)
_MINUTES = re.compile(r"\bminutes of (?:the|a)\b.{0,60}\bmeeting\b|^\s*present\s*:|^\s*apologies\b|^\s*resolved\s*(?:that|:)|\bagenda item\b|\bchair(?:man|person)?\s*:|\bdeclarations? of interests?\b", re.I | re.M)
# Structural marks of a press release (a news story may mention "a press release" or "the press office")
_PRESS = re.compile(r"^\s*notes? (?:to|for) editors\b|^\s*for (?:media|press) enquiries\b|^\s*-*\s*ends\s*-*\s*$", re.I | re.M)
_PRESS_HEAD = re.compile(r"^\s*(?:press|media|news) release\b", re.I | re.M)
_COUNCIL_SITE = re.compile(r"(?:^|\.)(?:[a-z0-9-]+\.gov\.uk|[a-z0-9-]+council\.[a-z.]+)$")
_BYLINE = re.compile(r"^(?:(?i:by)\s+)?(?P<name>[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2})$")
_BY_PREFIX = re.compile(r"^(?i:by)\s+")
_SIGN_OFF = re.compile(r"^\s*yours (?:sincerely|faithfully)\s*,?\s*$", re.I | re.M)
_PUBLISHED = re.compile(r"^(?:published|updated|posted|date|first published)\s*(?:on)?\s*[:\-]?\s*(?P<date>.+)$", re.I)
_LETTER_SUBJECT = re.compile(r"^(?:monitoring visit|focused visit|joint targeted area inspection|inspection)\s+(?:of|to)\b.{5,150}$", re.I)
_NOT_NAME = {"Notes", "Editors", "Ofsted", "Inspection", "Council", "Children", "Services", "Overview", "Report", "Monitoring", "Dear"}


@dataclass
class HeaderMeta:
    title: str | None = None
    author: str | None = None
    published: date | None = None
    header_lines: list[str] = field(default_factory=list)  # byline and date lines that leave the body


# Where a match of each pattern may start, for scan.finditer_at: its words, in lower-cased text.
_REPORT_WORDS = ("inspection", "single")
_MINUTES_WORDS = ("minutes", "agenda", "chair", "declaration")
_MINUTES_LINE_WORDS = ("present", "apologies", "resolved")  # after ^\s*: the match starts before them


def _line_starts_before(low: str, words: tuple[str, ...]) -> list[int]:
    """Every position from the start of the whitespace run before each occurrence of the words up to it
    (a superset of where a line-start, whitespace, then the word can match)."""
    out = []
    for i in positions(low, words):
        j = i
        while j > 0 and low[j - 1].isspace():
            j -= 1
        out.extend(range(j, i + 1))
    return out


def _minutes_marks(text: str, low: str | None, enough: int = 2) -> int:
    """len(_MINUTES.findall(text)), counting no further than `enough`."""
    if low is None:
        return len(_MINUTES.findall(text))
    starts = positions(low, _MINUTES_WORDS)
    if any(w in low for w in _MINUTES_LINE_WORDS):
        starts = sorted(set(starts).union(_line_starts_before(low, _MINUTES_LINE_WORDS)))
    n = 0
    for _ in finditer_at(_MINUTES, text, starts):
        n += 1
        if n >= enough:
            break
    return n


_PRESS_WORDS = ("editors", "enquiries", "ends")  # every _PRESS match holds one
_INSPECTORATE_WORDS = ("ofsted", "majesty", "hmi", "joint targeted area inspection", "care quality commission")


def _may_hold(low: str | None, words: tuple[str, ...]) -> bool:
    """False only when low (lowered() text; None: unknown) holds none of the words."""
    return low is None or any(w in low for w in words)


def _press_marked(text: str, low: str | None) -> bool:
    return _may_hold(low, _PRESS_WORDS) and _PRESS.search(text) is not None


def infer_kind(text: str, fmt: str, url: str | None = None) -> str:
    """news, press_release, ofsted_letter, ofsted_report or minutes, from the page's own structure."""
    head = text[:3000]
    low = lowered_part(text, 0, len(text))  # None: the full scans
    low_head = low[:3000] if low is not None else None
    if low_head is None:
        report = _REPORT.search(head)
    else:
        report = next(finditer_at(_REPORT, head, positions(low_head, _REPORT_WORDS)), None)
    dear_head = "Dear" in head  # _LETTER_OPEN is case-sensitive and every match holds "Dear"
    if report and not (dear_head and _LETTER_OPEN.search(head)):
        return "ofsted_report"
    if dear_head and _LETTER_OPEN.search(text[:1500]) and _OFSTED_LETTER.search(text):
        return "ofsted_letter"
    if _minutes_marks(text, low) >= 2:
        return "minutes"
    if _press_marked(text, low) or _PRESS_HEAD.search(text[:500]):
        return "press_release"
    if fmt == "pdf" and _may_hold(low_head, _INSPECTORATE_WORDS) and _INSPECTORATE.search(head):
        return "ofsted_report"
    host = (urlparse(url).hostname or "") if url else ""
    if host and _COUNCIL_SITE.search(host) and "ofsted" not in host:
        return "press_release"  # a council's own news page
    return "news"


def publisher_from_url(url: str | None) -> str | None:
    """The site a URL belongs to, when the page names no publisher: 'www.example.co.uk' → 'example.co.uk'."""
    host = (urlparse(url).hostname or "") if url and url.startswith("http") else ""
    return re.sub(r"^www\d?\.", "", host) or None


_TITLE_RUN_ON = re.compile(r"\s+(?:inspection dates?|dates? of (?:the )?inspection|date published|published)\s*:.*$", re.I)


def header_metadata(text: str, kind: str = "news") -> HeaderMeta:
    """Title, byline and date from the first lines of a page or a letter.

    A letter's name lines are its addressee, not its author: its author signs it off.
    """
    meta = HeaderMeta()
    letter = kind in ("ofsted_letter", "ofsted_report")
    lines = [ln.strip() for ln in text.splitlines()]
    content = [ln for ln in lines if ln][:10]
    if content and len(content[0]) <= 200 and not content[0].endswith((".", ":", "”", '"')) and len(content[0].split()) >= 3:
        meta.title = content[0]
    for ln in content[:10]:
        if len(ln) > 60:
            continue
        m = _PUBLISHED.match(ln)
        candidate = m.group("date") if m else ln
        parsed = parse_date(candidate)
        if parsed and parsed[1] == "day" and meta.published is None:
            meta.published = parsed[0]
            meta.header_lines.append(ln)
            continue
        b = None if letter else _BYLINE.match(ln)
        if b and meta.author is None and ln != meta.title and not (set(ln.split()) & _NOT_NAME):
            meta.author = b.group("name")
            meta.header_lines.append(ln)
    subject = next((ln for ln in content if _LETTER_SUBJECT.match(ln)), None)
    if subject:
        meta.title = subject  # a letter's subject line says what it is about better than its first line
    if meta.title:
        # a report's first line can run on into its dates ("… children's services Inspection dates: …")
        meta.title = _TITLE_RUN_ON.sub("", meta.title) or meta.title
    if meta.author and not meta.published and not any(_BY_PREFIX.match(x) for x in meta.header_lines):
        meta.header_lines.remove(next(x for x in meta.header_lines if meta.author in x))
        meta.author = None  # a lone name line with no date or "By" is too weak a byline
    if letter:
        meta.author = letter_signatory(text)
    return meta


def letter_signatory(text: str) -> str | None:
    """The name under 'Yours sincerely' at the end of a letter."""
    m = None
    for m in _SIGN_OFF.finditer(text):
        pass
    if not m:
        return None
    for ln in text[m.end():].splitlines()[:4]:
        name = re.sub(r"\s+(?:HMI|CBE|OBE|MBE)\b.*$", "", ln.strip()).split(",")[0].strip()
        b = _BYLINE.match(name)
        if b:
            return b.group("name")
    return None


def pdf_published(text: str) -> date | None:
    """An Ofsted report's 'Published: 16 August 2013' line, if present."""
    for m in re.finditer(r"\bPublished\s*(?:on)?\s*:?\s*(.{6,30})", text[:5000]):
        parsed = parse_date(m.group(1).strip())
        if parsed and parsed[1] == "day":
            return parsed[0]
    return None


_NAME_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/_.](?P<m>0[1-9]|1[0-2])[-/_.](?P<d>0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_name(name: str | None) -> date | None:
    """A publication date written into a URL or file name (/2019/05/10/, report-2023-10-27.pdf)."""
    if not name:
        return None
    m = _NAME_DATE.search(name)
    if not m:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
