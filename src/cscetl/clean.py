"""Boilerplate removal: page text in, clean text and an audit of what went (rule, text) out.

General extractors keep furniture that sits inside the article body ("READ MORE:" links,
subscription promos, captions printed twice, media-contact lines, letterheads); these rules take
it out line by line. Every removal is recorded so a user can see why a line went.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_BULLET = r"[\s•●▪◼■\-–—*·]*"

# One regex per rule, matched against a whole stripped line. Order matters only for the audit name.
LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    # "READ MORE" and kin stand at the head of a line; looser words ("latest", "related") only with a colon
    ("read_more", re.compile(rf"^{_BULLET}(read more|also read|read next|related (articles?|stories|topics|links)|more on this story|you may also like|recommended for you)\b\s*[:\-–|]?.{{0,200}}$"
                             rf"|^{_BULLET}(related|recommended)$|^{_BULLET}(more|related|recommended|latest|don['’]t miss|see also|more from[\w ]{{0,30}})\s*[:|–-]\s*.{{0,200}}$", re.I)),
    ("advert", re.compile(r"^(advertisement|advertising|hide ad|sponsored( content)?|ad feature|story continues below( advertisement)?|continue reading below)\s*[.:]?$", re.I)),
    ("newsletter", re.compile(r"^.{0,80}\b(sign up (to|for) (our|the|free)\b.{0,60}(newsletter|email|alerts?)|subscribe to (our|the)\b.{0,40}newsletter|get the latest news (sent|delivered)|newsletter sign[- ]?up|get (the|our) biggest\b.{0,60}by email)\b.{0,120}$"
                            r"|^(we use your sign-?up to provide content\b.*|thank you for subscribing!?.*|we have more newsletters.*|see our privacy notice.*|invalid email.*|something went wrong,? please try again later\.?|show me|enter your email( address)?\.?)$", re.I)),
    ("paywall", re.compile(r"^(register now to continue reading|sign in here\b.*|already (a subscriber|have an account)\??.{0,60}|subscribe( now| today)?[.!]?|log ?in to continue reading.*|this article is for subscribers only.*|to continue reading.{0,60}(subscribe|register|sign in).*)$", re.I)),
    ("price", re.compile(r"^(from |only |just )?£\s?\d+(\.\d\d)?\s*(/|a|per)\s*(month|week|year|mo)\b.{0,30}$", re.I)),
    # a media-contact line names a way to get in touch, which a sentence about media enquiries does not
    ("media_contact", re.compile(r"^(for (all )?(media|press) (enquiries|inquiries|contacts?)|media (enquiries|contact|inquiries)\b|press office\s*[:\-]|for further information,? (please )?contact)\b(?=.{0,200}(contact|call|e-?mail|phone|ring|@|\b0\d{3}))(?!.{0,200}\b(noted|said|found|reported)\b).{0,200}$", re.I)),
    ("photo_credit", re.compile(r"^(\(?(photo|picture|image|pic|credit|photograph)( credit)?\s*[:(,]\s*.{1,80}\)?|image source,.{0,80}|image caption,.{0,300}|media caption,.{0,300}|.{0,250}\((photo |image |picture )?credit:.{1,80}\)|.{0,250}\((image|photo|picture|pic)s?:\s*[^)]{1,80}\))$", re.I)),
    ("video_promo", re.compile(r"^((watch|video|listen)\s*[:|]\s*.{0,150}|play video|watch (the )?video\b.{0,80}|video (duration|length)\b.{0,30}|\d{1,2}:\d{2}\s*(video|watch)?)$", re.I)),
    ("weather", re.compile(r"^(weather( forecast)?|-?\d{1,2}\s?°\s?[CF]?\b.{0,40}|(sunny|cloudy|light rain|heavy rain|showers|sunny intervals|overcast)( intervals)?\s*-?\d{0,2}°?[CF]?)$", re.I)),
    ("breadcrumb", re.compile(r"^home\s*[>/»|›]\s*\w[\w\s'’&-]{0,40}([>/»|›]\s*\w[\w\s'’&-]{0,40})*$", re.I)),
    ("job_ads", re.compile(r"^(jobs?( of the (week|day))?|latest jobs|featured jobs|more jobs|search jobs|job alerts?|vacancies|view all jobs|salary:\s*£.{0,60}|closing date:\s*.{0,40})$", re.I)),
    ("share", re.compile(r"^(share (this|on)\b.{0,40}|follow us on\b.{0,60}|(\d+\s+)?comments?|copy link|email this( article)?|print this( page| article)?|click here to\b.{0,60})$", re.I)),
    ("site_furniture", re.compile(r"^(most read|most popular|trending( now)?|top stories|more like this|latest news|features|elsewhere on the bbc|was this page useful\??.*|is this page useful\??.*|we use cookies\b.*|accept (all )?cookies|cookie (settings|policy)|skip to (main )?content|back to top|jump to\b.{0,40}|breadcrumbs?|you are here:.*|share this page|copyright \d{4}\b.{0,80}|©.{0,100}|published\s+\d+\s+(minutes?|hours?|days?)\s+ago|listen to this article|support (our|local) journalism\b.{0,120}|our journalism\b.{0,40}(free|support)\b.{0,100})$", re.I)),
]

# All rules in one pattern: re tries them in order, so the first alternative to match is the first
# rule that matches, found in one call instead of one per rule
assert all(rx.flags & re.I for _, rx in LINE_RULES)
_ANY_RULE = re.compile("|".join(f"(?P<{name}>{rx.pattern})" for name, rx in LINE_RULES), re.I)

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_PHONE = re.compile(r"(\bT:?\s*|tel(ephone)?:?\s*|\b)0\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b", re.I)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\bwww\.[\w.-]+|https?://\S+", re.I)

# A subscription block opens with a membership heading and runs on through short promo lines.
_PROMO_HEAD = re.compile(r"\b(digital (membership|subscription|edition)|subscribe|subscription|membership|magazine|print edition|become a (member|subscriber))\b", re.I)
_PROMO_LINE = re.compile(r"^(?:[•●▪◼■\-–—*·]\s*)?\S.{0,70}$")


@dataclass(frozen=True)
class Removal:
    rule: str
    text: str


_NOT_KEPT = re.compile(r"[^a-z0-9£%]+")


def _norm(line: str) -> str:
    line = unicodedata.normalize("NFKC", line).lower()
    return _NOT_KEPT.sub(" ", line).strip()


def _repeated(line: str, key: str, last_key: str, seen: dict[str, int], index: int, counts: dict[str, int]) -> bool:
    """A caption or headline printed twice: right after itself (last_key: the last kept line's), or a
    few lines on when it reads like a caption (no closing full stop) and the page prints it only
    twice. Lines a page repeats on purpose (a meal plan's items, a refrain) come back more often or
    far apart, and stay."""
    if len(key) > 20 and last_key == key:
        return True
    return (
        len(key) > 40 and key in seen and counts.get(key, 0) == 2 and index - seen[key] <= 8
        and not line.rstrip().endswith((".", "!", "?", ".”", '."'))
    )


def _glued_half(line: str) -> str | None:
    """'Caption text.Caption text.' (a caption glued to itself) → its first half, else None."""
    n = len(line)
    if n < 30:
        return None
    low = line.lower() if line.isascii() else None
    first = _first_kept(low)
    for mid in (n // 2, (n + 1) // 2, n // 2 - 1, n // 2 + 1):
        if low is not None and (first is None or _first_kept(low, mid) != first):
            continue  # an ASCII line whose halves start differently has no glued repeat here: spare the normalising
        a, b = line[:mid].strip(), line[mid:].strip()
        if a and _norm(a) == _norm(b) and len(_norm(a)) > 12:
            return a
    return None


_KEPT = re.compile(r"[a-z0-9%]")  # what _norm keeps of a lower-cased ASCII line (for ASCII, NFKC changes nothing)


def _first_kept(low: str | None, pos: int = 0) -> str | None:
    m = _KEPT.search(low, pos) if low is not None else None
    return low[m.start()] if m else None


# What each signal's pattern cannot do without: a cheap first look, most lines have fewer than two
_MAY_BE_POSTCODE = re.compile(r"[A-Z]\d")
_MAY_BE_PHONE = re.compile(r"0\d")


def _is_letterhead(line: str) -> bool:
    """An address block: postcode with a phone, email or web address, and little else."""
    low = line.lower()
    may_contact = "@" in line or "www." in low or "http" in low
    if bool(_MAY_BE_POSTCODE.search(line)) + bool(_MAY_BE_PHONE.search(line)) + may_contact < 2:
        return False
    signals = bool(_POSTCODE.search(line)) + bool(_PHONE.search(line)) + bool(_CONTACT.search(line))
    return signals >= 2 and len(line) < 300 and not re.search(r"[.!?]\s+[A-Z]", line)


def _promo_block_end(lines: list[str], i: int) -> int:
    """If lines[i] opens a subscription promo, the index after its last line, else i."""
    head = lines[i].strip()
    if not (len(head) <= 60 and not head.endswith(".") and _PROMO_HEAD.search(head)):
        return i
    j, priced = i + 1, False
    while j < len(lines):
        s = lines[j].strip()
        if not s:
            j += 1
            continue
        if not _PROMO_LINE.match(s) or (s.endswith(".") and len(s.split()) > 6):
            break
        priced |= bool(LINE_RULES[4][1].match(s)) or s.lower().startswith("subscribe")
        j += 1
    # Only a block that sells something (a price or a Subscribe button) is a promo.
    return j if priced else i


def clean_text(text: str) -> tuple[str, list[Removal]]:
    """Apply the rules; returns the clean text (blank-line runs collapsed) and the removals."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    removed: list[Removal] = []
    kept: list[str] = []
    seen: dict[str, int] = {}  # normalised line → index of its first appearance
    counts: dict[str, int] = {}
    norms = [_norm(ln) if ln else "" for ln in lines]  # most pages have as many blank lines as text ones
    for k in norms:
        counts[k] = counts.get(k, 0) + 1
    last_key = ""  # the last kept line's normal form
    i = 0
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if not s:
            kept.append("")
            i += 1
            continue
        end = _promo_block_end(lines, i)
        if end > i:
            for ln in lines[i:end]:
                if ln.strip():
                    removed.append(Removal("subscription_block", ln.strip()))
            i = end
            continue
        ruled = _ANY_RULE.match(s)
        rule = ruled.lastgroup if ruled else None
        if rule is None and _is_letterhead(s):
            rule = "letterhead"
        key = norms[i] if s == raw else _norm(s)
        if rule is None and _repeated(s, key, last_key, seen, i, counts):
            rule = "repeated_block"  # a caption or headline printed twice
        if rule is None:
            half = _glued_half(s)
            if half is not None:
                removed.append(Removal("glued_repeat", s[len(half):].strip()))
                s, key = half, _norm(half)
        if rule is not None:
            removed.append(Removal(rule, s))
        else:
            kept.append(s)
            last_key = key
            seen.setdefault(key, i)
        i += 1
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return out, removed
