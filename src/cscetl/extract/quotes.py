"""Direct quotations and who said them: clean text in, Quote rows out.

A quotation is five words or more inside straight or curly, double or single marks. A quotation
running over several paragraphs (each opening with a mark, closing only at the end) gives one
row per paragraph, all with the same speaker. Speakers come from the attribution around the
quote ("X, role, said:", "..., said X", "..., she added", "It reads:", a "X said:" line before
it); pronouns resolve to the person last named; the inspectorate, its report and its letters
are 'Ofsted'.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cscetl.records import DocContext, Quote
from cscetl.scan import finditer_at

MIN_WORDS = 5

_OPEN_D, _CLOSE_D = "“\"", "”\""
_OPEN_S, _CLOSE_S = "‘'", "’'"

VERBS = (
    r"said|says|say|added|adds|continued|continues|explained|explains|commented|comments|stated|states|"
    r"told|tells|noted|notes|warned|warns|insisted|insists|admitted|admits|reads|read|writes|wrote|argued|"
    r"argues|acknowledged|acknowledges|confirmed|confirms|responded|replied|remarked|stressed|stresses|"
    r"emphasised|emphasized|claimed|claims|concluded|concludes|highlighted|highlights|observed|observes|"
    r"found|finds|reported|reports|described|describes|believes|believed|announced|urged|pledged|promised|"
    r"welcomed|welcomes|revealed|reveals|went on|goes on"
)
_VERB = rf"(?:{VERBS})"
_TITLE = r"(?:Councillor|Cllr\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Professor|Prof\.?|Sir|Dame|Lord|Lady|Baroness|Rev\.?|Judge)"
_NAME_WORD = r"(?:[A-Z][a-zà-ÿ]+(?:[-'’][A-Z]?[a-zà-ÿ]+)*|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+|O['’][A-Z][a-z]+)"
_PERSON = re.compile(rf"\b(?:(?P<title>{_TITLE})\s+)?(?P<name>{_NAME_WORD}(?:\s+(?:[A-Z]\.\s*)?{_NAME_WORD}){{0,3}})")
_FULL_PERSON = re.compile(rf"^(?:{_TITLE}\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}$")
_ROLE_SUBJECT = re.compile(r"^(?:the|our|its|their|his|her)\s+(?:[a-z'’-]+\s+){0,8}?(?:holder|director|member|leader|chief|executive|manager|head|chair|councillor|commissioner|officer|spokes\w+)\b", re.I)
_OFSTED_SUBJECT = re.compile(r"\b(report|letter|inspectors?|inspectorate|ofsted|hmi|findings|it)\b", re.I)
_PRONOUN = re.compile(r"^(?:he|she|they)$", re.I)
_SPOKES = re.compile(r"\b(spokes(?:person|man|woman)|representative|source)\b", re.I)
# Capitalised words that start sentences or name things, never people.
_NOT_NAMES = set(
    "The This That These Those It He She They We I A An In On At For But And However Also Inspectors Inspector "
    "Ofsted Council Councils Report Letter Children Children's Services Service Trust Department Government "
    "Brighter Futures Together Borough County City Reading Leader Director Chief Executive Minister Mayor "
    "Social Care Education Health Our Their His Her Its A Local Authority Authorities Partnership Staff Officers Lead Member".split()
)

_WORD = re.compile(r"[A-Za-z0-9£%’']+")
_COMMA = re.compile(r",\s*")
_CLAUSE_BREAK = re.compile(r"[.!?][”\"’']?\s+|[”\"]\s*")

@dataclass
class _Seg:
    start: int  # first character inside the marks
    end: int  # one past the last character inside
    open_at: int  # position of the opening mark
    close_at: int | None  # position of the closing mark (None: the paragraph ended first)
    para: int  # paragraph index
    continues: bool = False  # a paragraph of the previous quotation


@dataclass
class _Speaker:
    name: str | None
    role: str | None = None
    org: str | None = None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + len(line.rstrip())))
        pos += len(line) + 1
    return spans


def _is_open(text: str, i: int, single: bool) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    if single:
        return prev.isspace() or prev in "(—–-:\"“" and (nxt.isalpha() or nxt.isdigit())
    return prev.isspace() or prev in "(—–-:[" or i == 0


def _is_close(text: str, i: int, single: bool) -> bool:
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prev = text[i - 1] if i > 0 else " "
    if prev.isspace():
        return False
    if single and (nxt.isalpha() or nxt.isdigit()):
        return False  # an apostrophe inside a word: "isn't"
    return nxt.isspace() or nxt in ".,;:!?)—–-\"”"


# The marks, for jumping from one to the next instead of stepping through every character
_MARKS = {False: (re.compile(f"[{_OPEN_D}]"), re.compile(f"[{_CLOSE_D}]")),
          True: (re.compile(f"[{_OPEN_S}]"), re.compile(f"[{_CLOSE_S}]"))}


def _segments(text: str, paras: list[tuple[int, int]], single: bool) -> list[_Seg]:
    opens, closes = _MARKS[single]
    segs: list[_Seg] = []
    for pi, (p0, p1) in enumerate(paras):
        i = p0
        while (o := opens.search(text, i, p1)) is not None:
            i = o.start()
            if not _is_open(text, i, single):
                i += 1
                continue
            close = _closing_mark(text, i, p1, closes, single)
            cont = bool(segs) and segs[-1].close_at is None and segs[-1].para == pi - 1 and i == p0
            segs.append(_Seg(i + 1, close if close is not None else p1, i, close, pi, cont))
            i = (close + 1) if close is not None else p1
    return segs


def _closing_mark(text: str, i: int, p1: int, closes: re.Pattern[str], single: bool) -> int | None:
    """The mark that closes the quotation opened at i, before the paragraph ends at p1."""
    j = i + 1
    while (c := closes.search(text, j, p1)) is not None:
        j = c.start()
        if _is_close(text, j, single) and j > i + 1:
            return j
        j += 1
    return None


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _split_subject(phrase: str) -> _Speaker | None:
    """'Councillor Liz Terry, Reading Borough Council's lead councillor for X' → name, role, org."""
    phrase = phrase.strip(" ,:;-–—\n")
    if not phrase:
        return None
    parts = [p.strip() for p in _COMMA.split(phrase) if p.strip()]
    # "Bromley's director of children's services, Graham Otley": the name may come after the role
    named = [i for i, p in enumerate(parts) if _FULL_PERSON.match(p)]
    if named and named[0] > 0:
        i = named[0]
        role = ", ".join(parts[:i] + parts[i + 1:]) or None
        return _person_or_role(parts[i], role)
    head, role = parts[0], (", ".join(parts[1:]) or None)
    return _person_or_role(head, role)


_ORG = r"[A-Z][\w'’&-]*(?:\s+(?:(?:for|of|and|the|&)\s+)?[A-Z][\w'’&-]*)*"


_ORG_ENDINGS = ("Council", "Trust", "Children", "Ofsted", "Partnership", "Board", "Company", "First", "Service", "Services", "NHS")


def _org_from_role(role: str | None) -> tuple[str | None, str | None]:
    if not role:
        return None, None
    m = re.match(r"^(?:the|its|their|his|her)\s+[a-z]+['’]s\s+(?P<role>.+)$", role)
    if m:  # "the trust's chief executive": the organisation is named elsewhere, if at all
        return m.group("role").strip(), None
    m = re.match(r"^(?P<org>.+?)['’]s\s+(?P<role>.+)$", role)
    if m and m.group("org")[:1].isupper():  # "Reading Borough Council's lead member", not "director of Children's Services"
        return m.group("role").strip(), m.group("org").strip()
    m = re.match(rf"^(?P<role>.+?)\s+at\s+(?:the\s+)?(?P<org>{_ORG})$", role)
    if m:  # "director of operations at Slough Children First"
        return m.group("role").strip(), m.group("org").strip()
    m = re.match(rf"^(?P<role>.+?)\s+(?:of|for)\s+(?:the\s+)?(?P<org>{_ORG})$", role)
    if m and m.group("org").endswith(_ORG_ENDINGS):  # "chief executive of Brighter Futures for Children"
        return m.group("role").strip(), m.group("org").strip()
    return role, None


def _person_or_role(head: str, role: str | None) -> _Speaker | None:
    low = head.lower()
    if _PRONOUN.match(low):
        return _Speaker("<pronoun>")
    if _SPOKES.search(head):
        org = re.sub(r"^(?:an?|the)\s+", "", re.sub(_SPOKES, "", head), flags=re.I).strip(" ,") or None
        m = re.search(r"\bfor\s+(?:the\s+)?(.+)$", head)
        if m:
            org = m.group(1).strip()
        return _Speaker("spokesperson" if not org else f"{org} spokesperson", "spokesperson", org)
    if _ROLE_SUBJECT.match(head) and not _SPOKES.search(head):
        return _Speaker("<role>", head)  # "The portfolio holder for children added:": resolved to a person named earlier
    m = _PERSON.search(head)
    if m and m.group("name").split()[0] not in _NOT_NAMES and len(m.group("name").split()) >= 1:
        name = m.group("name")
        if len(name.split()) == 1 and not m.group("title"):
            name = name  # a bare surname ("Gavin said:"): resolved against the document's people later
        r, org = _org_from_role(role)
        return _Speaker(name, r, org)
    if _OFSTED_SUBJECT.search(head):
        return _Speaker("Ofsted", None, "Ofsted")
    return None


_OBJECT = r"(?:that|in a statement|in the report|in its report|in a letter|in an? (?:interview|email|post|blog)|on (?:Twitter|X|Facebook|social media)|to [A-Z][\w ]{0,40}|(?:the\s+)?(?:[A-Z][\w'’-]*|Local|Democracy|Reporting|Service)(?:\s+[A-Z][\w'’-]*){0,5})"
_BEFORE = re.compile(rf"(?P<subj>[^.!?“”\"]{{1,200}}?)\s+(?:{_VERB})(?:\s+{_OBJECT})?\s*[:,]\s*$")
_ACCORDING = re.compile(r"\baccording to\s+(?P<subj>[^.!?“”\",]{2,120}?)\s*,\s*$", re.I)
# reported speech running into a quotation: 'She said the council would "do all it can to put this right".'
_REPORTED = re.compile(rf"(?:^|[,;]\s+|\band\s+)(?P<subj>(?:[A-Z][\w'’.-]*\s+){{0,4}}?[A-Za-z][\w'’.-]*)\s+(?:{_VERB})\b(?:\s+that)?[^“”\":]{{0,140}}$")
_AFTER_VERB_FIRST = re.compile(rf"^\s*[,.]?\s*(?:{_VERB})\s+(?P<subj>[^.!?“”\"]{{1,160}})")
_AFTER_SUBJ_FIRST = re.compile(rf"^\s*[,.]?\s*(?P<subj>[^.!?“”\"]{{1,200}}?),?\s+(?:{_VERB})\s*[.,;:]?\s*$|^\s*[,.]?\s*(?P<subj2>[^.!?“”\",]{{1,80}}?)\s+(?:{_VERB})\b")
_LINE_INTRO = re.compile(rf"(?P<subj>[^.!?“”\"]{{1,200}}?)\s+(?:{_VERB})\s*:?\s*$")


def _attribution(text: str, seg: _Seg, paras: list[tuple[int, int]]) -> _Speaker | None:
    p0, p1 = paras[seg.para]
    before = text[p0 : seg.open_at]
    # only the clause right before the quote can introduce it
    before = _CLAUSE_BREAK.split(before)[-1]
    m = _BEFORE.search(before) if before.strip() else None
    if m:
        sp = _split_subject(m.group("subj"))
        if sp:
            return sp
    if seg.close_at is not None:
        after = text[seg.close_at + 1 : p1]
        m = _AFTER_SUBJ_FIRST.match(after)
        if m:
            sp = _split_subject(m.group("subj") or m.group("subj2"))
            if sp:
                return sp
        m = _AFTER_VERB_FIRST.match(after)
        if m:
            sp = _split_subject(m.group("subj"))
            if sp:
                return sp
    if before.strip():
        m = _ACCORDING.search(before) or _REPORTED.search(before)
        if m:
            sp = _split_subject(m.group("subj"))
            if sp:
                return sp
    if not before.strip() and seg.para > 0:
        q0, q1 = paras[seg.para - 1]
        prev = text[q0:q1]
        if prev.rstrip().endswith(":") and not re.search(r"[“”\"]", prev):
            m = _LINE_INTRO.search(prev.rstrip(" :"))
            if m:
                return _split_subject(m.group("subj"))
    return None


def _people_in(text: str) -> list[tuple[int, str]]:
    """(position, full name) of every 'Title First Last' or 'First Last,' person mention."""
    out = []
    for m in finditer_at(_PERSON, text, _capitals(text)):
        words = m.group("name").split()
        if words[0] in _NOT_NAMES or (len(words) < 2 and not m.group("title")):
            continue
        if any(w in _NOT_NAMES for w in words):
            continue
        out.append((m.start(), m.group("name")))
    return out


_CAPITAL_AFTER_NON_WORD = re.compile(r"\W[A-Z]")


def _capitals(text: str) -> list[int]:
    """Where a capitalised word starts: the only places a _PERSON match can (it has no IGNORECASE)."""
    first = [0] if text[:1].isascii() and text[:1].isupper() else []
    return first + [m.start() + 1 for m in _CAPITAL_AFTER_NON_WORD.finditer(text)]


def extract_quotes(text: str, ctx: DocContext) -> list[Quote]:
    paras = _paragraphs(text)
    segs = sorted(_segments(text, paras, single=False), key=lambda s: s.open_at)
    taken = [(s.open_at, s.end) for s in segs]
    for s in _segments(text, paras, single=True):
        if not any(a <= s.open_at < b for a, b in taken):
            segs.append(s)
    segs.sort(key=lambda s: s.open_at)
    people = _people_in(text)
    rows: list[Quote] = []
    last: _Speaker | None = None
    last_para_quoted = -2
    for seg in segs:
        inner = text[seg.start : seg.end].strip()
        if _words(inner) < MIN_WORDS:
            continue
        sp = None if seg.continues else _attribution(text, seg, paras)
        p0 = paras[seg.para][0]
        if sp is None and last is not None and (seg.continues or (seg.para - last_para_quoted == 1 and seg.open_at == p0) or seg.para == last_para_quoted):
            sp = last  # a further paragraph of the same speaker
        if sp is not None and sp.name == "<pronoun>":
            sp = _resolve_pronoun(text, seg, paras, people, last)
        elif sp is not None and sp.name == "<role>":
            sp = _resolve_role(sp.role, rows, last)
        if sp is not None and sp.name and len(sp.name.split()) == 1 and sp.name not in ("Ofsted", "spokesperson"):
            full = next((n for _, n in reversed(people) if len(n.split()) > 1 and n.split()[-1] == sp.name), None)
            if full:
                sp = _Speaker(full, sp.role, sp.org)
        if sp is None:
            continue  # a quotation nobody in the text is said to have said
        last = sp
        last_para_quoted = seg.para
        rows.append(Quote(sp.name, sp.role, sp.org, inner, seg.start, seg.end))
    return rows


def _resolve_pronoun(text, seg, paras, people, last):
    p0 = paras[seg.para][0]
    # a person named earlier in the same paragraph is who "he" or "she" is
    here = [n for pos, n in people if p0 <= pos < seg.open_at]
    if here:
        return _Speaker(here[-1])
    if last is not None and last.name not in (None, "Ofsted"):
        return last
    earlier = [n for pos, n in people if pos < seg.open_at]
    return _Speaker(earlier[-1]) if earlier else None


def _resolve_role(role: str | None, rows: list[Quote], last: _Speaker | None) -> _Speaker | None:
    """'The portfolio holder ... added': the speaker quoted earlier with that role, else the last named one."""
    words = set(re.findall(r"[a-z]{4,}", (role or "").lower())) - {"their", "added", "said"}
    best = None
    for q in rows:
        if q.speaker_role and q.speaker_name not in (None, "Ofsted"):
            overlap = len(words & set(re.findall(r"[a-z]{4,}", q.speaker_role.lower())))
            if overlap and (best is None or overlap >= best[0]):
                best = (overlap, q)
    if best:
        q = best[1]
        return _Speaker(q.speaker_name, q.speaker_role, q.speaker_org)
    if last is not None and last.name not in (None, "Ofsted") and not last.name.endswith("spokesperson"):
        return _Speaker(last.name, role, last.org)
    return None
