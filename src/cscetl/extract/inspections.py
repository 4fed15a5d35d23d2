"""Ofsted events about a council's children's services: clean text in, Inspection rows out.

Each sentence is cut into clauses (a clause after "since" is a past event of its own). In a clause
the extractor finds anchors: a type phrase (monitoring visit, focused visit, JTAI, SEND or
assurance inspections as 'other', or an inspection of children's services) or a grade phrase
("rated inadequate", "an 'inadequate' rating", "services require improvement"). Each date goes to
the anchor it belongs to (the nearest before it, else one just after), an ordinal to the visit it
qualifies, a grade to the inspection it sits beside. Mentions of one event across sentences are
then merged: same type and month, "the visit on June 26-27" dating the document's own event (an
Ofsted report's is its "Inspection dates:" line, graded by its table's overall effectiveness),
"This was the eighth monitoring visit" numbering it, an undated "'inadequate' rating" grading it.
Schools, children's homes, fostering agencies and the like are not events; aims ("to be judged
good"), denials and futures ("the next inspection") are not verdicts or events.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from cscetl.dates import DateMatch, find_dates, find_relative_dates
from cscetl.extract.judgements import GRADE, grade_of, overall_grade, report_header
from cscetl.records import DocContext, Inspection
from cscetl.scan import lowered, lowered_part, may_match, positions
from cscetl.sentences import sentence_spans

# --- vocabulary ----------------------------------------------------------------------------------------

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
}
_ORD = rf"(?P<ord>{'|'.join(_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))"
# "ninth monitoring visit", "the 9th Ofsted monitoring visit"
_ORDINAL_BEFORE = re.compile(rf"\b{_ORD}\s+(?:(?:such|Ofsted|formal|consecutive|successive|full)\s+)?$", re.I)
# "This was the eighth visit": the word alone numbers the document's own visit only in a copula
_ORDINAL_OF_THIS = re.compile(rf"\b(?:this|it|which|the visit)\s+(?:was|is|marks)\s+(?:the|their|its|our)\s+{_ORD}\s+(?:such\s+)?$", re.I)
# "The visit to Kent on 24 April was the seventh since ...", "..., its fourth since": the number after the mention
_ORDINAL_AFTER = re.compile(
    rf"(?:\b(?:was|is|marks|marked)\s+(?:the|its|their)|,\s*(?:its|their|the))\s+{_ORD}\b(?=\s+(?:such\s+|monitoring\s+)?(?:visit\b|since\b|of\b|to\b)|\s*[.,;])", re.I)

# Specific types first: their words must not also count as a bare "inspection".
_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("jtai", re.compile(r"\b(?:joint\s+)?targeted\s+area\s+inspections?\b|\bjoint\s+(?:targeted\s+)?(?:area\s+)?inspections?\b|\bJTAIs?\b", re.I)),
    ("monitoring_visit", re.compile(r"\bmonitoring\s+visits?\b", re.I)),
    ("focused_visit", re.compile(r"\bfocus?sed\s+visits?\b", re.I)),
    ("other", re.compile(
        r"\b(?:local\s+area\s+)?(?:SEND|special educational needs(?:\s+and\s+disabilit(?:y|ies))?(?:\s*\(SEND\))?)\s+"
        r"(?:area\s+)?(?:re-?)?inspections?\b|\blocal\s+area\s+inspections?\b|\bassurance\s+visits?\b", re.I)),
    # a bare inspection of children's services (not a framework, an Act, or a plural in general)
    ("full_inspection", re.compile(
        r"\b(?:re-?)?inspection(?!s?\s+(?:framework|regime|handbook|methodology|criteria|system|programme|"
        r"readiness|preparation|Act|and\s+Regulation))\b|\binspections?\s+of\s+(?:\w+\s+){0,4}?children['’]s\s+services\b|"
        r"\b(?:re-?)?inspected\b|\bILACS\b|\bSIF\b",
        re.I)),
    ("visit", re.compile(r"\b(?:visit|(?:Ofsted|inspectors?|HMI|they)\s+(?:\w+\s+)?visited)\b(?!\s+(?:to\s+)?(?:schools?|homes?|families|family|children))", re.I)),
]

_Q = "['‘’“”\"]"
_G = rf"{_Q}?(?P<g>{GRADE}){_Q}?"
_MID = r"(?P<mid>(?:\s+(?!(?:that|which|who|when|while|where|if|whether|because|but|a|an|not|and)\b)[\w'’&-]+){0,7}?)"
# Phrases that give a grade to an inspection of the council's services.
_GRADE_PHRASES: list[re.Pattern[str]] = [
    # "rated inadequate", "judged Reading's children's services to be good", "rated by Ofsted as 'good'"
    re.compile(rf"\b(?:re-?rated|rated|judged|graded|ranked|deemed|branded|labell?ed|classed)\b{_MID}\s+(?:as\s+|to\s+be\s+|to\s+have\s+been\s+|being\s+)?{_G}", re.I),
    # "found services to be inadequate", "considered as good"
    re.compile(rf"\b(?:found|considered|assessed|judges?|rates?)\b{_MID}\s+(?:to\s+be|as)\s+{_G}", re.I),
    # "an 'inadequate' Ofsted rating", "good overall rating", "inadequate-rated"
    re.compile(rf"{_G}[\s-]+(?:Ofsted\s+)?(?:overall\s+)?(?:rating|judgement|judgment|grade|grading|verdict|rated)\b", re.I),
    re.compile(rf"{_Q}(?P<g>{GRADE}){_Q}\s+overall\b|\b(?P<g2>{GRADE})\s+overall\b(?=\s*(?:[.,;)]|$|\s(?:in|at|by|when|after|following|from|since)\b))", re.I),
    # "a rating of good", "judgement was 'inadequate'", "the rating ... was kept at its 2019 level: 'requires improvement'"
    re.compile(rf"\b(?:rating|judgement|judgment|grade|grading|verdict)\s+(?:of|as|was|is|remains?|remained|stays?|stayed|at)\s+{_G}", re.I),
    re.compile(rf"\b(?:rating|judgement|judgment|grade|verdict)\b[^.;:]{{0,80}}?[:–]\s*{_G}", re.I),
    # "children's services in Reading are 'inadequate'", "the service remains inadequate", "services require improvement"
    re.compile(rf"\b(?:services?|authority|council|department|trust)(?:\s+in\s+[A-Z][\w'’ -]{{1,40}}?)?"
               rf"(?:\s+(?:as a whole|overall|now|still|again|also|both|all))*\s+"
               rf"(?:(?:is|are|was|were|has been|have been|had been|remains?|remained|stays?|stayed|continues? to be|became|becomes)\s+)?"
               rf"(?:now\s+|still\s+|again\s+|also\s+)?"
               rf"(?:{_Q}(?P<g>{GRADE}){_Q}|(?P<g2>inadequate|outstanding|require[sd]?\s+improvement(?:\s+to\s+be\s+good)?)\b)", re.I),
    # "improved from 'requires improvement' to 'good'", "upgraded to good", "downgraded to inadequate"
    re.compile(rf"\bfrom\s+{_Q}?(?P<g>{GRADE}){_Q}?(?=\s+(?:in\s+[^,;]{{0,25}}?\s+)?to\s+{_Q}?{GRADE})", re.I),
    re.compile(rf"(?:\b(?:upgraded|downgraded|improved|moved|raised|lifted|rose|risen|dropped|fell|fallen|slipped|jumped|climbed|"
               rf"returned)\b(?:\s+[\w'’-]+){{0,4}}?\s+|{GRADE}{_Q}?(?:\s+in\s+[^,;]{{0,25}}?)?\s+)(?P<to>to)\s+{_G}", re.I),
    # "Overall effectiveness: Good", "the overall judgement was inadequate"
    re.compile(rf"\boverall(?:\s+effectiveness)?(?:\s+(?:judgement|judgment|grade|rating))?\s*(?:[:–-]|was|is|remains|of)\s*"
               rf"(?:judged\s+|rated\s+)?(?:as\s+|to\s+be\s+)?{_Q}?(?P<g>{GRADE})", re.I),
    # "Eastmarsh remains 'inadequate'", "told it 'requires improvement'": in quotation marks only
    re.compile(rf"\b(?:remains?|remained|stays?|stayed)\s+(?:rated\s+)?{_Q}(?P<g>{GRADE}){_Q}", re.I),
    re.compile(rf"\b(?:it|they)\s+(?:is\s+|are\s+|was\s+|were\s+|remains?\s+|still\s+|now\s+)*{_Q}(?P<g>{GRADE}){_Q}", re.I),
    # "rated good, up from requires improvement in 2016"
    re.compile(rf"\b(?:up|down|improv\w+|moved|moving|upgraded|downgraded|rising|risen|falling|fallen)\s+from\s+{_G}", re.I),
]
# "rated requires improvement in 2019 and inadequate in 2022": a second grade, counted after a first
_GRADE_CONTINUED = re.compile(rf"\b(?:and|but|then|before)\s+(?:was\s+|were\s+)?{_Q}?(?P<g>{GRADE}){_Q}?(?=\s+(?:in|at|by|after|following)\s)", re.I)
# Words before a grade that make it an aim ("in order to be judged good"), anywhere in the run-up...
_ASPIRATION = re.compile(
    r"\b(?:in order to be|aim(?:s|ing|ed)? (?:to|for)|wants? to|hopes? to|hoping to|expects? to|expected to|ambitions?|aspir\w+|"
    r"striv\w+|towards|journey|route to|path to|road to|way to|on track|target|ready to|fall short|short of)\b[^.;]{0,45}$", re.I)
# ... or a condition, a future or a denial ("would be rated", "has not been judged to be good"), just before
_HEDGED = re.compile(
    r"\b(?:needs? to|would|could|should|might|will|can|to become|becoming|become|until|unless|if|whether|not|never|no longer|"
    r"yet to|failed to)\b(?:\s+[\w'’]+){0,4}\s*(?:as\s+|to\s+be\s+)?['‘“\"]?$", re.I)
# A grade for one area ("adoption performance was ranked...") is not the inspection's overall grade
_AREA_BEFORE = re.compile(
    r"\b(?:adoption|care leavers|experiences? and progress|help and protection|leadership|leaders|children in care|looked after|"
    r"fostering|practice|permanence|front door|early help|safeguarding board|LSCB|area of)\b[^.;]{0,50}$", re.I)
_OVERALL = re.compile(r"\boverall\b|children['’]?s services|social care", re.I)
_DISJUNCTION = re.compile(rf"^{_Q}?\s*(?:(?:or|and/or|/)\s+{_Q}?{GRADE}|or\s+(?:above|better|higher|below|worse|lower)\b)", re.I)
# After an unquoted grade word, a noun means the word is an adjective ("judged good practice")
_AFTER_VERDICT = re.compile(
    r"^\s*(?:$|[.,;:!?)\]'’”\"–—-]|(?:in|at|by|for|overall|and|or|with|after|following|since|when|on|from|to|across|under|as|but|"
    r"while|earlier|previously|again|once|now|last|this|the|rating|judgement|judgment|grade|Ofsted|following)\b)", re.I)

# Who a sentence is about: a council's children's services, or something else Ofsted inspects
_NOT_CSC = re.compile(
    r"\b(?:schools?|academy|academies|nurser(?:y|ies)|pre-?school|college|universit(?:y|ies)|pupil referral|GP|surgery|"
    r"hospitals?|CQC|NHS|children['’]s homes?|care homes?|residential (?:homes?|special)|secure (?:children['’]s )?(?:homes?|units?)|"
    r"fostering (?:agency|agencies|service|provider)|adoption (?:agency|agencies|service)|independent fostering|childminders?|"
    r"sixth form|prison|young offender|youth (?:offending|justice)|probation|police|constabulary|fire (?:and rescue )?service|"
    r"(?:multi-)?academy trust|foundation trust|hospital trust|ombudsman|coroner|court|tribunal|auditors?|HMICFRS|HMIP|"
    r"restaurants?|takeaways?|food|hygiene|premises|landlords?|"
    r"councils|authorities)\b", re.I)  # plural councils: a statement about councils in general
_CSC = re.compile(
    r"\b(?:children['’]?s services|services for children|children['’]?s social care|social care|(?:local )?authority|council|borough|children['’]s trust|"
    r"children first|brighter futures|safeguarding partnership)\b(?!['’]s)", re.I)

# Dates that do not date an event
_NOT_EVENT_DATE = re.compile(
    r"(?:\b(?:prior to|before|until|by|published|publication|released|issued|announced|dated|appointed|appointment|took over|"
    r"set up|founded|created|since|as at|as of|at the end of|year to|year ending|end of|in post|joined|started|left)\s*\(?\s*"
    r"(?:(?:on|in|the|of)\s+)?(?:today\s*\(?\s*)?|\bAct\s+|\bRegulations\s+|\d\s*%\s+(?:in|for)\s+)$", re.I)
_FUTURE = re.compile(r"\b(?:next|upcoming|forthcoming|future|expected|anticipated|due(?! to)|planned|impending|awaiting|ahead of|prepar\w+ for|will)\b[^.;]{0,25}$", re.I)
_PAST = re.compile(r"\b(?:previous|previously|last|earlier|prior|former|formerly|preceding|past)\s+(?:\w+\s+){0,2}$", re.I)
_GENERIC_DET = re.compile(r"\b(?:the|this|that|its|their|our|his|her|latest|recent|today['’]s|most recent)\s+(?:Ofsted\s+)?$", re.I)
_QUALIFIED = re.compile(r"\b(?:full|ILACS|SIF|standard|short|graded|judgement|single)\s+(?:Ofsted\s+)?$", re.I)
# the main clause's verb of time, after a "since" clause or a relative one: "... since it was judged
# inadequate in 2022 began on 31 July", "... since the inspection in 2016, which took place on ..."
_WHICH_TOOK_PLACE = re.compile(
    r"\b(?:(?:which|that)\s+)?(?:took place|was held|was carried out|were carried out|happened|began|started|ran)\s+"
    r"(?:on|in|from|between|during|over)\b", re.I)
_SKIP_SENTENCE = re.compile(r"^\W*(?:read more|related|see also|more on this|you may also like)\b", re.I)
_SINCE = re.compile(r"\bsince\b(?!\s+(?:then|when)\b)", re.I)
_NOT_INSPECTION_VISIT = re.compile(
    r"\b(?:home|social work(?:er)?|statutory|family|school|site|ministerial|royal|follow-up|weekly|monthly|regular|"
    r"face-to-face|virtual|unannounced|return|practice)\s+$", re.I)
_TOPIC = re.compile(r"\bOfsted\b|children['’]?s (?:services|social care)|social care|looked after|care leavers|safeguarding|\bJTAI\b", re.I)
_LOCATIVE = re.compile(r"\b(?:in|across|throughout|within|around)\s+(?:the\s+|this\s+)?$", re.I)
_SINCE_OTHER = re.compile(r"\s+since\b(?![^.;]{0,100}\b(?:inspect\w*|judged|rated|graded|inadequate|ILACS|SIF)\b)", re.I)
_ADJACENT = re.compile(r"(?:['’]s)?(?:\s+(?!(?:and|or|at|in|on|of|to|the|a|an|by|for|from|with|was|were|is|are)\b)[\w-]+){0,2}\s*", re.I)
_PRONOUN = re.compile(r"\b(?:it|its|they|their|this|these)\b", re.I)
_SEND = re.compile(r"\bSEND\b|special educational needs", re.I)
_PART = re.compile(r",\s*(?:while|whereas|but|and|although|though)\b|\s(?:while|whereas|but)\s|;|\s[–—]\s")
_FIGURE = re.compile(r"\d|%|£")
# Words every grade phrase and every type phrase contains: a clause with neither holds no anchor, and
# these cheap searches spare it the big patterns
_GRADE_WORDS = ("outstanding", "good", "requir", "adequate")
_TYPE_WORDS = ("inspect", "visit", "jtai", "ilacs", "sif")
_GRADE_WORD = re.compile("|".join(_GRADE_WORDS), re.I)
_TYPE_WORD = re.compile("|".join(_TYPE_WORDS), re.I)

# (compiled once: they run for every anchor)
_FROM_JUST_BEFORE = re.compile(r"\bfrom\s+\S*$", re.I)
_GRADE_OR_BEFORE = re.compile(rf"{GRADE}{_Q}?\s*(?:or|/)\s*{_Q}?$", re.I)
_FUTURE_AFTER = re.compile(r"\s+(?:will|is due|is expected)\b")
_LIST_GAP = re.compile(r"[\s,]*(?:and|&|then)?[\s,]*(?:in|on)?\s*")
_OPENING_PREPOSITION = re.compile(r"(?:^|[,;:])\W*(?:(?:back|then|and|but|earlier|later)\s+)?(?:in|during|on|between|from)\s+$", re.I)

@dataclass
class _Anchor:
    kind: str  # a type, "grade" or "visit" (the word alone)
    a: int
    b: int
    grade: str | None = None
    ordinal: int | None = None
    plural: bool = False
    past: bool = False
    generic: bool = False  # "the inspection", "this visit": the document's own event, whatever its type
    dates: list[DateMatch] = field(default_factory=list)


@dataclass
class _Event:
    type: str
    start: date | None
    end: date | None
    precision: str | None
    ordinal: int | None
    judgement: str | None
    s0: int
    s1: int
    past: bool = False
    generic: bool = False
    word: str = ""  # for generic mentions: "visit" or "inspection"
    locked: bool = False  # a report's own event: its grade is the table's, nothing else

    @property
    def key(self) -> str | None:
        if self.start is None:
            return None
        return self.start.strftime("%Y-%m") if self.precision in ("day", "month") else str(self.start.year)


_RANK = {"day": 0, "month": 1, "year": 2, None: 3}
_VISITS = ("monitoring_visit", "focused_visit")


# --- text → sentences → clauses -----------------------------------------------------------------------

# a line that stops on one of these goes on: "... rated 'good' in June\n2019 after ..." (a dateline does not)
_OPEN_END = re.compile(
    r"\b(?:in|on|of|to|from|and|between|the|a|an|at|by|for|with|than|since|January|February|March|April|May|June|July|"
    r"August|September|October|November|December)$")


_CLOSED_LINE = re.compile(r"[.!?:;\"”’')]$")
_SENTENCE_END = re.compile(r"[.!?:;]['’\"”)]?$")
_LIST_ITEM = re.compile(r"[•●▪◼■\-–—*·]|\d+\.\s")


def _unwrap(text: str) -> str:
    """The text with the line breaks of wrapped paragraphs (PDFs) turned to spaces, same length."""
    lines = text.split("\n")
    long = [ln.rstrip() for ln in lines if len(ln.strip()) >= 40]
    # (both end patterns span at most three characters: searching the last three is enough)
    wrapped = bool(long) and sum(not _CLOSED_LINE.search(ln, len(ln) - 3) for ln in long) / len(long) > 0.4
    out = list(text)
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        this, nxt = line.strip(), lines[i + 1].strip()
        soft = bool(this and nxt) and not _SENTENCE_END.search(this, len(this) - 3) and not _LIST_ITEM.match(nxt)
        if soft and (nxt[0].islower() or (nxt[0].isdigit() and _OPEN_END.search(this)) or (wrapped and len(this) >= 30)):
            out[pos] = " "
        pos += 1
    return "".join(out)


_SINCE_OR_SEMICOLON = re.compile(rf"{_SINCE.pattern}|;", re.I)


def _clauses(text: str, s0: int, s1: int) -> list[tuple[int, int, tuple[int, int] | None]]:
    """(start, end, past span) pieces of a sentence, split at ';' and before 'since': what follows
    'since' is a past event of its own. When the main clause goes on after it ("... since it was judged
    inadequate in 2022 began on 31 July") the sentence stays whole, its 'since' part marked past."""
    out: list[tuple[int, int, tuple[int, int] | None]] = []
    a, past = s0, None
    for m in _SINCE_OR_SEMICOLON.finditer(text[s0:s1]):
        at = s0 + m.start()
        if m.group(0) != ";":
            verb = _WHICH_TOOK_PLACE.search(text, at, s1)
            if verb:
                out.append((a, s1, (at, verb.start())))
                return out
        out.append((a, at, past))
        a, past = s0 + m.end(), ((s0 + m.end(), s1) if m.group(0) != ";" else past)
    out.append((a, s1, past))
    return [c for c in out if c[1] > c[0]]


# --- anchors in a clause --------------------------------------------------------------------------------

def _grade_anchors(text: str, a: int, b: int) -> list[_Anchor]:
    out: list[_Anchor] = []
    low = lowered_part(text, a, b)
    for rx in _GRADE_PHRASES:
        if not may_match(rx, low):
            continue
        for m in rx.finditer(text, a, b):
            gname = "g" if m.group("g") else "g2" if "g2" in rx.groupindex and m.group("g2") else None
            if gname is None:
                continue
            g0, g1 = m.span(gname)
            if any(x.a <= g0 < x.b or g0 <= x.a < g1 for x in out):
                continue
            if not _verdict(text, a, m.start(), g0, g1, quoted=text[g0 - 1: g0] in "'‘’“”\"" and g0 > 0):
                continue
            past = bool(_FROM_JUST_BEFORE.search(text[m.start(): g0])) or bool(_PAST.search(text[a:m.start()]))
            start = m.start("to") if "to" in rx.groupindex and m.group("to") else m.start()
            out.append(_Anchor("grade", start, g1, grade=grade_of(m.group(gname)), past=past))
    if out:
        first = min(x.a for x in out)
        for m in _GRADE_CONTINUED.finditer(text, first, b):
            if not any(x.a <= m.start("g") < x.b for x in out) and _verdict(text, a, m.start(), m.start("g"), m.end("g"), quoted=True):
                out.append(_Anchor("grade", m.start(), m.end("g"), grade=grade_of(m.group("g"))))
    return out


def _verdict(text: str, a: int, m0: int, g0: int, g1: int, quoted: bool) -> bool:
    """Is the grade word at [g0, g1) a verdict on the council's services (not an aim, an area, a list)?"""
    before = text[max(a, g0 - 90): g0]
    if _ASPIRATION.search(before) or _HEDGED.search(before):
        return False
    if _AREA_BEFORE.search(text[max(a, m0 - 60): g0]) and not _OVERALL.search(text[max(a, m0 - 60): g0]):
        return False
    after = text[g1: g1 + 40]
    if _DISJUNCTION.match(after.lstrip("'’”\"")) or _GRADE_OR_BEFORE.search(text[max(a, g0 - 40): g0]):
        return False  # "good or outstanding": a band, not a verdict
    if not quoted and not _AFTER_VERDICT.match(after.lstrip("'’”\"")):
        return False
    return True


def _type_anchors(text: str, a: int, b: int, taken: list[tuple[int, int]]) -> list[_Anchor]:
    out: list[_Anchor] = []
    low = lowered_part(text, a, b)
    for kind, rx in _TYPES:
        if not may_match(rx, low):
            continue
        for m in rx.finditer(text, a, b):
            if any(m.start() < y and x < m.end() for x, y in taken):
                continue
            before = text[max(a, m.start() - 40): m.start()]
            if _FUTURE.search(before) or _FUTURE_AFTER.match(text[m.end(): m.end() + 20]):
                continue
            word = m.group(0).lower()
            if kind == "jtai" and "target" not in word and _SEND.search(text, a, b):
                kind = "other"  # "a joint inspection of the local area's SEND provision" (Ofsted and CQC)
            anchor = _Anchor(kind, m.start(), m.end(), plural=word.endswith("s") and not word.endswith("ss") and "inspected" not in word)
            anchor.past = bool(_PAST.search(before))
            om = _ORDINAL_BEFORE.search(before) if kind != "visit" else \
                (_ORDINAL_OF_THIS.search(before) or _ORDINAL_BEFORE.search(before))
            if kind == "visit" and _SINCE_OTHER.match(text, m.end()):
                om = None  # "the second visit since the company took charge": a count from something else
            if om and kind in ("monitoring_visit", "focused_visit", "visit", "other"):
                anchor.ordinal = _ORDINALS.get(om["ord"].lower()) or int(re.sub(r"\D", "", om["ord"]))
            if kind == "visit" and _NOT_INSPECTION_VISIT.search(before):
                continue  # "social work visits on ...": practice, not inspectors
            if kind in ("full_inspection", "visit"):
                anchor.generic = bool(_GENERIC_DET.search(before)) and not _QUALIFIED.search(before) and not anchor.past
            out.append(anchor)
            taken.append((m.start(), m.end()))
    return out


def _assign_dates(text: str, anchors: list[_Anchor], dates: list[DateMatch], clause_start: int) -> None:
    """Each date to its anchor: the nearest before it (a relative 'which took place' skips back to one
    still undated), else the one it introduces ("In 2016, Ofsted rated ...", "the 2019 inspection").
    Figures in between break the link ("62% in March 2019, the inspection found")."""
    anchors.sort(key=lambda x: x.a)

    def figure(i: int, j: int) -> bool:  # a number between i and j that is not itself a date
        gap = list(text[i:j])
        for o in dates:
            for k in range(max(i, o.start), min(j, o.end)):
                gap[k - i] = " "
        return bool(_FIGURE.search("".join(gap)))

    for d in dates:
        inside = [x for x in anchors if x.a <= d.start and d.end <= x.b and not x.dates]
        if inside:  # "the rating ... was kept at its 2019 level: 'requires improvement'"
            inside[0].dates.append(d)
            continue
        before = [x for x in anchors if x.b <= d.start and d.start - x.b <= 110 and not figure(x.b, d.start)]
        target = None
        if before:
            near = before[-1]
            if not near.dates:
                target = near
            elif near.plural and _LIST_GAP.fullmatch(text[near.dates[-1].end: d.start]):
                target = near  # "two focused visits, in October 2022 and January 2023"
            elif _WHICH_TOOK_PLACE.search(text[near.b: d.start]):
                target = next((x for x in reversed(before) if not x.dates), None)
        if target is None:
            after = [x for x in anchors if x.a >= d.end and not x.dates]
            if after:
                gap = text[d.end: after[0].a]
                lead = text[clause_start: d.start]
                adjacent = bool(_ADJACENT.fullmatch(gap))  # "the 2019 inspection", "its March 2018 monitoring visit"
                opening = _OPENING_PREPOSITION.search(lead) \
                    and len(gap) <= 60 and not figure(d.end, after[0].a)  # "In 2020, Ofsted conducted a focused visit"
                if adjacent or opening:
                    target = after[0]
        if target is not None:
            target.dates.append(d)


def _about_other(text: str, anchor: _Anchor, s0: int, s1: int, prev: tuple[int, int] | None) -> bool:
    """Is the anchor about a school, a home, an agency... rather than the council's services? In the
    anchor's part of the sentence, a verdict is on the last thing named before it ("Schools were rated
    good, while children's services were rated inadequate"), an inspection on the first thing named;
    failing that, the nearest in the sentence, or for "it"/"they" what the previous sentence named last.
    Places ("in the borough") are not subjects."""
    def named(a: int, b: int) -> tuple[tuple[int, int, bool], ...]:
        return _named(text, a, b)

    cut0 = max([m.end() for m in _PART.finditer(text, s0, anchor.a)], default=s0)
    cut1 = next((m.start() for m in _PART.finditer(text, anchor.b, s1)), s1)
    if anchor.kind == "grade":
        subject = named(cut0, anchor.a)
        if subject:
            return not subject[-1][2]
    part = named(cut0, cut1)
    if part:
        return not part[0][2]
    ents = named(s0, s1)
    if ents:
        dist = lambda e: min(abs(e[0] - anchor.b), abs(anchor.a - e[1]))
        return not min(ents, key=dist)[2]
    if not prev or not _PRONOUN.search(text, s0, anchor.a):
        return False
    ents = named(*prev)  # "It was rated good": what the previous sentence spoke of last
    return bool(ents) and not ents[-1][2]


def _dates_within(dates: list[DateMatch], a: int, b: int, starts: list[int] | None) -> list[DateMatch]:
    """The dates (sorted by start; starts: their starts) that lie within [a, b)."""
    starts = starts if starts is not None else [d.start for d in dates]
    out = []
    for k in range(bisect_left(starts, a), len(dates)):
        d = dates[k]
        if d.start >= b:
            break
        if d.end <= b:
            out.append(d)
    return out


@lru_cache(maxsize=32)  # the anchors of one sentence ask about the same stretches
def _named(text: str, a: int, b: int) -> tuple[tuple[int, int, bool], ...]:
    """(start, end, is the council's) of what [a, b) names: a council's services or something else."""
    low = lowered_part(text, a, b)
    found = [(m.start(), m.end(), False) for m in _NOT_CSC.finditer(text, a, b)] if may_match(_NOT_CSC, low) else []
    found += [(m.start(), m.end(), True) for m in _CSC.finditer(text, a, b)] if may_match(_CSC, low) else []
    return tuple(sorted(e for e in found if not _LOCATIVE.search(text, max(a, e[0] - 20), e[0])))


def _clause_events(text: str, a: int, b: int, past: tuple[int, int] | None, dates: list[DateMatch],
                   sent: tuple[int, int], prev: tuple[int, int] | None, words: _Words | None = None,
                   date_starts: list[int] | None = None) -> list[_Event]:
    """The events a clause [a, b) mentions. words and date_starts (the dates' starts) are the
    document's, computed once; found here when not given."""
    words = words or _Words(text)
    grades = _grade_anchors(text, a, b) if words.grade_in(a, b) else []
    taken = [(g.a, g.b) for g in grades]
    anchors = _type_anchors(text, a, b, taken) if words.type_in(a, b) else []
    if not grades and not anchors:
        return []
    # a JTAI or a SEND inspection is multi-agency by nature: police and health do not make it someone else's
    everything = [x for x in grades + anchors
                  if x.kind in ("jtai", "other") or not _about_other(text, x, sent[0], sent[1], prev)]
    if not everything:
        return []
    ds = [d for d in _dates_within(dates, a, b, date_starts) if not _NOT_EVENT_DATE.search(text[max(a, d.start - 40): d.start])]
    _assign_dates(text, everything, ds, a)
    visits = [x for x in everything if x.kind in ("monitoring_visit", "focused_visit") and not x.plural]
    if len(visits) == 1 and visits[0].ordinal is None:
        om = _ORDINAL_AFTER.search(text, a, min(len(text), b + 12))
        if om and om.start() > visits[0].b:
            visits[0].ordinal = _ORDINALS.get(om["ord"].lower()) or int(re.sub(r"\D", "", om["ord"]))
    specific = any(x.kind not in ("full_inspection", "grade", "visit") for x in everything)
    s0, s1 = sent
    events: list[_Event] = []

    def add(kind: str, x: _Anchor, d: DateMatch | None, grade: str | None = None, generic: bool = False, word: str = "") -> None:
        events.append(_Event(kind, d.date if d else None, d.end_date if d else None, d.precision if d else None,
                             x.ordinal, grade, s0, s1, past=x.past or bool(past and past[0] <= x.a < past[1]),
                             generic=generic, word=word))

    # grades join the plain "inspection" word beside them: "judged inadequate ... after an inspection in July"
    words = [x for x in everything if x.kind == "full_inspection"]
    partnered: set[int] = set()
    for g in (x for x in everything if x.kind == "grade"):
        mates = [w for w in words if id(w) not in partnered and max(w.a - g.b, g.a - w.b) <= 120
                 and not any(o.kind == "grade" and min(w.a, g.a) < o.a < max(w.a, g.a) for o in everything)]
        mate = min(mates, key=lambda w: abs(w.a - g.a)) if mates else None
        if mate is not None:
            partnered.add(id(mate))
            g.past = g.past or mate.past
            if mate.plural and not mate.dates:
                continue  # "inspections ... rated good": inspections in general
        d = (mate.dates[0] if mate and mate.dates else None) or (g.dates[0] if g.dates else None)
        add("full_inspection", g, d, grade=g.grade)
    for x in everything:
        if x.kind == "grade" or id(x) in partnered:
            continue
        if x.kind == "visit":
            if x.dates or x.ordinal:
                add("generic", x, x.dates[0] if x.dates else None, generic=True, word="visit")
            continue
        if x.kind == "full_inspection":
            if specific and not x.dates:
                continue  # "the monitoring visit ... the inspection": one event
            if x.plural and not x.dates:
                continue  # inspections in general
            add("full_inspection", x, x.dates[0] if x.dates else None, generic=x.generic, word="inspection")
            continue
        if x.plural and not x.dates:
            continue  # "three monitoring visits": a count, not an event
        for d in x.dates or [None]:
            add(x.kind, x, d)
    return events


# --- dates for the whole document -----------------------------------------------------------------------

def _shift(d: DateMatch, years: int) -> DateMatch:
    def move(x: date) -> date:
        return x.replace(year=x.year + years) if (x.month, x.day) != (2, 29) else date(x.year + years, 2, 28)
    return DateMatch(d.start, d.end, move(d.date), d.precision, move(d.end_date) if d.end_date else None)


def _document_dates(text: str, ctx: DocContext) -> list[DateMatch]:
    """Every date, with a year for 'June 26-27': the document's own year (rolled back a year when that
    would put the date after publication); with no document date, the first such day on or after the
    latest fully dated mention in the text. Bare months and "last year" need the document's date."""
    pub = ctx.published_date
    if pub:
        dates = []
        for d in find_dates(text, default_year=pub.year):
            if d.date > pub + timedelta(days=7) and not re.search(r"\d{4}", text[d.start: d.end]):
                d = _shift(d, -1)
            dates.append(d)
        extra = find_relative_dates(text, pub)
    else:
        dates = find_dates(text)
        known = [d.date for d in dates if d.precision in ("day", "month")]
        extra = []
        if known:
            latest = max(known)
            for d in find_dates(text, default_year=latest.year):
                if d.date < latest:
                    d = _shift(d, 1)
                extra.append(d)
        extra += find_relative_dates(text, None)
    for d in extra:
        if all(d.end <= x.start or d.start >= x.end for x in dates):
            dates.append(d)
    return sorted(dates, key=lambda d: d.start)


# --- merging mentions into events -----------------------------------------------------------------------

def _absorb(into: _Event, e: _Event) -> None:
    """Merge e into `into`: the more precise date (and its sentence), any ordinal and grade."""
    finer = _RANK[e.precision] < _RANK[into.precision]
    earlier = e.precision == into.precision and e.start and into.start and e.start < into.start and into.type == "full_inspection"
    if (finer or earlier) and not into.locked:
        into.start, into.end, into.precision, into.s0, into.s1 = e.start, e.end, e.precision, e.s0, e.s1
    into.ordinal = into.ordinal or e.ordinal
    if not into.locked:
        into.judgement = into.judgement or e.judgement
    into.past = into.past and e.past


def _compatible(x: _Event, e: _Event) -> bool:
    if x.type != e.type or x.start is None or e.start is None:
        return False
    if x.ordinal and e.ordinal and x.ordinal != e.ordinal:
        return False
    if x.judgement and e.judgement and x.judgement != e.judgement:
        return False
    if x.key == e.key:
        return True
    coarse, fine = (x, e) if _RANK[x.precision] > _RANK[e.precision] else (e, x)
    if coarse.precision == "year":
        return coarse.start.year == fine.start.year
    # "inspected 23 May to 15 June" and "judged inadequate in August" (the month the report came out)
    months = abs((x.start.year - e.start.year) * 12 + x.start.month - e.start.month)
    return x.type == "full_inspection" and months <= 3 and bool(x.judgement or e.judgement)


def _current(e: _Event) -> bool:
    """Could this mention be the document's own event (not a past one, not an empty 'inspection')?"""
    return not e.past and (e.type != "full_inspection" or bool(e.start or e.judgement))


def _merge(mentions: list[_Event], own: _Event | None) -> list[_Event]:
    typed = [e for e in mentions if not e.generic and e.type != "generic"]
    generic = [e for e in mentions if e.generic or e.type == "generic"]
    if own is None:  # the document's own event: its first current mention
        own = next((e for e in typed if _current(e)), None)
    events: list[_Event] = [own] if own is not None else []
    # 1. dated mentions: same type and month (a year-only mention joins a finer one of that year)
    for e in sorted((e for e in typed if e.start), key=lambda e: _RANK[e.precision]):
        if e is own:
            continue
        target = next((x for x in events if _compatible(x, e)), None)
        if target is None:
            events.append(e)
        else:
            _absorb(target, e)
    # the heading "Monitoring visit of X" and "the monitoring visit to X on 21 and 22 February" are one event
    if own is not None and own.start is None:
        dated = [x for x in events if x is not own and x.type == own.type and x.start and not x.past
                 and x.ordinal in (None, own.ordinal) and x.judgement in (None, own.judgement)]
        if dated:
            first = min(dated, key=lambda x: x.s0)
            _absorb(first, own)
            events.remove(own)
            own = first
    # 2. generic dated mentions ("the visit on June 26-27", "This inspection took place from ...") date the
    # current event that has no date yet, the document's own first
    waiting = [e for e in ([own] if own else []) + typed if e.start is None and _current(e)]
    for g in (g for g in generic if g.start):
        if g.ordinal and own is not None and own.ordinal and g.ordinal != own.ordinal and own.type in _VISITS:
            # "The fourth visit, in April, ...": another of the visits the document counts
            e = _Event(own.type, g.start, g.end, g.precision, g.ordinal, None, g.s0, g.s1, past=True)
            target = next((x for x in events if _compatible(x, e)), None)
            _absorb(target, e) if target else events.append(e)
            continue
        known = [x for x in events if x.start and (x.key == g.key or (g.precision == "year" and x.start.year == g.start.year))
                 and (x is own or g.word == "inspection" or x.type != "full_inspection")]
        target = None if g.past else next((w for w in waiting if w.start is None), None)
        if known:
            _absorb(known[0], g)  # "Ofsted monitoring visit, February 2017" ... "The visit took place on 21 and 22 February"
        elif target is not None:
            target.start, target.end, target.precision, target.s0, target.s1 = g.start, g.end, g.precision, g.s0, g.s1
            target.ordinal = target.ordinal or g.ordinal
            if target not in events:
                events.append(target)
        elif g.word == "inspection":
            events.append(_Event("full_inspection", g.start, g.end, g.precision, None, None, g.s0, g.s1, past=g.past))
    # 3. undated mentions number, grade or stand for an event already found
    for u in [e for e in typed if e.start is None and e is not own] + [g for g in generic if g.start is None and g.ordinal]:
        utype = own.type if u.type == "generic" and own is not None else u.type
        same = [x for x in events if x.type == utype]
        if utype == "full_inspection":
            if not u.judgement:
                continue  # "a full Ofsted inspection" with neither date nor grade adds nothing
            fit = [x for x in same if x.judgement == u.judgement and x.start]
            if not fit and own in same and own.judgement is None and not own.locked and not u.past:
                fit = [own]
            if not fit:  # "X remains 'inadequate'": the grade of the inspection already found, if it has none
                open_ = [x for x in same if x.judgement is None and x.start and not x.locked]
                fit = [x for x in open_ if x.past == u.past] or open_
            if fit:
                _absorb(max(fit, key=lambda x: x.start), u)
            elif not u.past and not any(x.judgement == u.judgement for x in same):
                events.append(u)
            continue
        if u.ordinal and u.past:
            fit = [x for x in same if x.ordinal == u.ordinal]
            if fit:
                _absorb(fit[0], u)
            continue  # "since the first monitoring visit": another visit, undated
        if u.ordinal:
            fit = [x for x in same if x.ordinal == u.ordinal] or \
                ([own] if own in same and own.ordinal is None else []) or \
                sorted((x for x in same if x.ordinal is None and not x.past and x.start),
                       key=lambda x: (_RANK[x.precision], -x.start.toordinal()))
            if fit:
                _absorb(fit[0], u)
                continue
        elif same or u.past:
            continue
        if u.type != "generic":
            events.append(u)
    return [e for e in events if e.start or e.judgement or e.ordinal or e.type != "full_inspection"]


class _Words:
    """Where the text has a grade word or a type word, found once: a stretch with neither holds no anchor."""

    def __init__(self, text: str):
        self.text = text
        low = lowered(text)
        self.grades = positions(low, _GRADE_WORDS) if low is not None else None
        self.types = positions(low, _TYPE_WORDS) if low is not None else None

    def grade_in(self, a: int, b: int) -> bool:
        if self.grades is None:
            return bool(_GRADE_WORD.search(self.text, a, b))
        return _any_in(self.grades, a, b)

    def type_in(self, a: int, b: int) -> bool:
        if self.types is None:
            return bool(_TYPE_WORD.search(self.text, a, b))
        return _any_in(self.types, a, b)


def _any_in(starts: list[int], a: int, b: int) -> bool:
    """Does a word start in [a, b)? (One that runs past b can only add a needless look.)"""
    i = bisect_left(starts, a)
    return i < len(starts) and starts[i] < b


# --- entry point ----------------------------------------------------------------------------------------

def extract_inspections(text: str, ctx: DocContext) -> list[Inspection]:
    if not _TOPIC.search(text):
        return []  # a page that never speaks of Ofsted or children's social care holds no such event
    dates = _document_dates(text, ctx)
    unwrapped = _unwrap(text)
    mentions: list[_Event] = []
    prev = None
    words = _Words(unwrapped)
    date_starts = [d.start for d in dates]
    for s0, s1 in sentence_spans(unwrapped):
        if not _SKIP_SENTENCE.match(text[s0:s1]) and (words.grade_in(s0, s1) or words.type_in(s0, s1)):
            for a, b, past in _clauses(unwrapped, s0, s1):
                mentions += _clause_events(unwrapped, a, b, past, dates, (s0, s1), prev, words, date_starts)
        prev = (s0, s1)
    own = None
    header = report_header(text)
    if header:  # a report's own inspection: page 1's dates, and the overall grade of its table
        grade = overall_grade(text) if header.inspection_type == "full_inspection" else None
        own = _Event(header.inspection_type, header.start, header.end, header.precision, None, grade,
                     header.line_start, header.line_end, locked=True)
    events = _merge(mentions, own)
    if ctx.published_date:  # nothing that starts after publication has happened yet
        events = [e for e in events if e.start is None or e.start <= ctx.published_date + timedelta(days=7)]
    events.sort(key=lambda e: e.s0)
    return [Inspection(e.type, e.start, e.end, e.precision if e.start else None, e.ordinal, e.judgement,
                       text[e.s0: e.s1], e.s0, e.s1) for e in events]
