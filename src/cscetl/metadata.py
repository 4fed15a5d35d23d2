"""Document metadata the page does not declare in markup: kind, title, byline and date from the
text itself (plain-text pages, PDFs, letters)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from cscetl.dates import parse_date

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


def infer_kind(text: str, fmt: str, url: str | None = None) -> str:
    """news, press_release, ofsted_letter, ofsted_report or minutes, from the page's own structure."""
    head = text[:3000]
    if _REPORT.search(head) and not _LETTER_OPEN.search(head):
        return "ofsted_report"
    if _LETTER_OPEN.search(text[:1500]) and _OFSTED_LETTER.search(text):
        return "ofsted_letter"
    if len(_MINUTES.findall(text)) >= 2:
        return "minutes"
    if _PRESS.search(text) or _PRESS_HEAD.search(text[:500]):
        return "press_release"
    if fmt == "pdf" and _INSPECTORATE.search(head):
        return "ofsted_report"
    host = (urlparse(url).hostname or "") if url else ""
    if host and _COUNCIL_SITE.search(host) and "ofsted" not in host:
        return "press_release"  # a council's own news page
    return "news"


def publisher_from_url(url: str | None) -> str | None:
    """The site a URL belongs to, when the page names no publisher: 'www.example.co.uk' → 'example.co.uk'."""
    host = (urlparse(url).hostname or "") if url and url.startswith("http") else ""
    return re.sub(r"^www\d?\.", "", host) or None


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
