"""Which English council a text is about: the packaged council table and a resolver.

data/councils.csv is derived from the official Ofsted/ONS/DfE tables by scripts/build_gazetteer.py, which
also merges data/council_aliases_extra.csv (hand-kept: children's trusts and companies, short forms).
An alias that belongs to several councils ("Achieving for Children": Kingston, Richmond, Windsor and
Maidenhead; "Northamptonshire Children's Trust": North and West Northamptonshire) is resolved to whichever
of them the same text names on its own; when it names none or several equally, the mention is dropped
and main_council may return None. lookup() returns None for such an alias.

Matching is one compiled regex (a character trie of every name and alias, with optional "London Borough
of ..." / "... Borough Council" around it) run over the text once. Each hit then passes a few context checks
for names that are also ordinary words, surnames or parts of other names ("Reading the letter",
"Clark Kent", "Bury St Edmunds"). Known limits: "Richmond" and "Kingston" are taken as the London boroughs
(not Richmond in North Yorkshire or Kingston upon Hull); a place named only as part of another body
("Avon and Somerset Police", "Birmingham University") does not count; a lone mention in a long text
(score below 2) is not enough for main_council.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlparse


@dataclass(frozen=True)
class Council:
    name: str
    ons_code: str
    dfe_code: str
    region: str
    aliases: tuple[str, ...]
    former_ons_codes: tuple[str, ...] = ()
    former_dfe_codes: tuple[str, ...] = ()
    domain: str = ""
    abolished: int | None = None  # year of abolition (1 April), for councils kept for older reports


@dataclass(frozen=True)
class CouncilMention:
    council: Council
    start: int
    end: int
    surface: str


# ---------------------------------------------------------------------------------------------- table

@lru_cache(maxsize=4096)  # called on every mention's surface; the names are few
def _key(s: str) -> str:
    """Comparison form: case, spacing, punctuation, apostrophes and "&" vs "and" ignored."""
    s = s.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def all_councils() -> list[Council]:
    """Every council in the table, current and abolished (see Council.abolished)."""
    return list(_councils())


@lru_cache(maxsize=1)
def _councils() -> tuple[Council, ...]:
    text = resources.files("cscetl").joinpath("data", "councils.csv").read_text(encoding="utf-8")

    def split(v: str) -> tuple[str, ...]:
        return tuple(x for x in v.split(";") if x)

    return tuple(
        Council(
            name=r["name"], ons_code=r["ons_code"], dfe_code=r["dfe_code"], region=r["region"],
            aliases=split(r["aliases"]), former_ons_codes=split(r["former_ons_codes"]),
            former_dfe_codes=split(r["former_dfe_codes"]), domain=r["domain"],
            abolished=int(r["abolished"]) if r["abolished"] else None,
        )
        for r in csv.DictReader(io.StringIO(text))
    )


# Optional words around a name that make it unmistakably the council ("London Borough of Barnet",
# "Bury Metropolitan Borough Council"). Stripped by lookup(), matched around names by find_councils().
_PREFIX = r"(?:(?:london|royal|metropolitan)\s+)?borough\s+of\s+|city\s+of\s+|county\s+of\s+"
_SUFFIX = r"\s+(?:(?:metropolitan\s+)?(?:borough|district)\s+|city\s+|county\s+)?council\b"
_PREFIX_KEY = re.compile(r"^(?:the )?(?:(?:london|royal|metropolitan) )?(?:borough|city|county) of ")
_SUFFIX_KEY = re.compile(r" (?:(?:metropolitan )?(?:borough|district) |city |county )?council$")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[Council, ...]], dict[str, Council]]:
    """name/alias key -> councils (several = ambiguous alias); code -> council."""
    names: dict[str, list[Council]] = defaultdict(list)
    codes: dict[str, Council] = {}
    for c in _councils():
        for s in (c.name, *c.aliases):
            if c not in names[_key(s)]:
                names[_key(s)].append(c)
        for code in (c.ons_code, c.dfe_code, *c.former_ons_codes, *c.former_dfe_codes):
            codes.setdefault(code.upper(), c)
    # A council's own name beats another council's alias.
    own = {_key(c.name): c for c in _councils()}
    return {k: (own[k],) if k in own else tuple(v) for k, v in names.items()}, codes


def lookup(name: str) -> Council | None:
    """A council by canonical name, alias, ONS code (current or former) or DfE code; None if unknown
    or ambiguous. Tolerates case, spacing, "&"/"and", a leading "the", and council styles
    ("London Borough of X", "X Metropolitan Borough Council")."""
    if not name or not name.strip():
        return None
    names, codes = _index()
    if name.strip().upper() in codes:
        return codes[name.strip().upper()]
    k = re.sub(r"^the ", "", _key(name))
    for cand in (k, _SUFFIX_KEY.sub("", k), _PREFIX_KEY.sub("", k), _PREFIX_KEY.sub("", _SUFFIX_KEY.sub("", k))):
        hit = names.get(cand)
        if hit:
            return hit[0] if len(hit) == 1 else None
    return None


# --------------------------------------------------------------------------------------------- matching

# Phrases that contain a council's name but are something else. They are matched like names and then
# dropped; the regex prefers the longest alternative, so "Bury St Edmunds" beats "Bury".
_NOT_COUNCILS = (
    "Bury St Edmunds", "Sutton Coldfield", "Newcastle under Lyme", "New York", "New Brighton", "Old Trafford",
    "Old Kent Road", "Greater Manchester", "Greater London", "Duke of York", "Archbishop of York",
    "Brent Cross", "Brent crude", "University of Reading", "Reading Festival", "Durham University",
    "Harrow School", "Richmond Park", "AFC Bournemouth", "Kingston University", "Kingston Hospital", "Sutton Trust",
)
# Words that may be lower case inside a name ("Kingston upon Hull", "the council of the Isles of Scilly");
# every other word must be capitalised, so "reading the report" is not Reading.
_LOWER_OK = {"and", "upon", "on", "of", "with", "the", "under", "in", "le", "by", "for", "council", "borough",
             "city", "county", "children", "childrens", "children's", "children’s", "trust", "services", "first"}
# Names that are also ordinary words, and what follows them when they are the word: "Reading the letter".
# Only checked where the word would be capitalised anyway (sentence start, headline, capitals): mid-sentence,
# "in Reading over the years" is the place.
_WORD_USE: dict[str, re.Pattern[str]] = {k: re.compile(rf"\s+(?:{v})\b", re.I) for k, v in {
    "reading": r"the|a|an|this|that|these|those|through|about|between|it|them|his|her|their|our|my|your|its|"
               r"aloud|out|up|over|to|with|for|and\s+writing|and\s+maths|ages?|lists?|materials?|skills?|"
               r"books?|glasses|levels?|tests?|comprehension|difficult\w*|recovery|schemes?|time|age",
    "bury": r"the|a|an|this|that|these|those|it|them|his|her|their|our|my|your|its|him|me|us",
    "bath": r"time|water|tub|towel|toys?|the|a",
    "slough": r"off|of|the",
    "hull": r"of",
    "harrow": r"the|a",
}.items()}
# Lower-case words after a name that make it something else wherever it stands: "a Cumberland sausage".
_NOT_AFTER: dict[str, re.Pattern[str]] = {k: re.compile(rf"\s+(?:{v})\b") for k, v in {
    "cumberland": r"sausages?",
    "derby": r"day|winner|race|hat",
    "durham": r"miners?",
}.items()}
# At a sentence start, what may follow either the place or the word ("Reading is ..."): such a mention
# counts only when the text names the council elsewhere.
_EITHER_AT_START: dict[str, re.Pattern[str]] = {
    "reading": re.compile(r"\s+(?:is|was|can|could|helps?|should|must|matters?|remains|and|or|improves|opens|"
                          r"allows|builds|together|gives|makes|develops|brings|becomes)\b"),
}
# A capitalised word after a one-word name that makes it something else: "Reading Road", "Wigan Athletic".
_NEXT_NOT = re.compile(
    r"[ \t]+(?:Road|Street|St|Lane|Avenue|Way|Close|Drive|Crescent|Place|Square|Gardens|Terrace|Hill|Park|"
    r"Station|Gate|Bridge|Common|Heath|Harbour|Hospitals?|University|College|School|Grammar|Academy|"
    r"Cathedral|Castle|Abbey|Minster|Museum|Festival|Crown|Magistrates|Prison|Airport|FC|AFC|RFC|United|"
    r"City|Town|Rovers|Wanderers|Wednesday|Athletic|Albion|Argyle|Villa|County|Forest|Dons|Rangers|Rugby|"
    r"Chiefs|Tigers|Warriors|Rhinos|Crude|Spa|Police|Constabulary|Echo|Post|Chronicle|Gazette|Herald|"
    r"Telegraph|Mail|Examiner|Observer|Argus|Star|Live|Online|Evening|Daily|Standard|Times|Journal|"
    r"Advertiser|Mercury|Trust|Teaching|Cup|Marathon)\b")
# Capitalised words after a one-word name that keep it the council: "Kent Children's Services".
_NEXT_OK = {
    "Borough", "Metropolitan", "Children", "Children's", "Children’s", "Childrens", "Safeguarding", "Local",
    "Family", "Families", "Youth", "Early", "Education", "Social", "Care", "Services", "Service", "Ofsted",
    "Council's", "Council’s", "Councillor", "Councillors", "Corporate", "Cabinet", "Virtual", "Fostering",
    "Adoption", "Partnership", "Director", "Leader", "Area", "Region", "Is", "Has", "Was", "Will",
}
# Capitalised words before a one-word name that do not make it part of a person's or another place's name.
_PREV_OK = {
    "In", "Of", "For", "At", "To", "From", "Across", "Within", "Throughout", "Around", "Near", "Outside",
    "Inside", "By", "With", "Without", "And", "Or", "But", "Both", "Nor", "Like", "Unlike", "Than", "Whereas",
    "While", "Whilst", "Since", "When", "Where", "As", "If", "Although", "Though", "Because", "The", "A", "An",
    "This", "That", "These", "Those", "Between", "Into", "Over", "Under", "After", "Before", "During", "Beyond",
    "Dear", "Visit", "Visiting", "Serving", "Ofsted", "Inspection", "Report", "Council", "Councils", "Borough",
    "County", "City", "North", "South", "East", "West", "Mid", "Central", "Local", "Authority", "Authorities",
    "Children", "Services", "Including", "Only", "Also", "Then", "Now", "Today", "Yesterday", "Neighbouring",
}
_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Cllr|Councillor|Sir|Dame|Lord|Lady|Rev)\.?[ \t]+\Z")
_COUNCILISH_AFTER = re.compile(
    r"['’]s\s+(?:children|social|council|safeguarding|fostering|family|local\s+authority)|"
    r"(?:\s+city)?\s+(?:children['’]?s\s+(?:services|social)|local\s+authority|borough\b|safeguarding)", re.I)
_SENTENCE_START = re.compile(r"[.!?:;\"“‘(\n][\s\"“‘]*\Z")
_WORD = re.compile(r"[A-Za-z][\w'’]*")
_SEP = r"[\s,\-‐–]+"


@dataclass(frozen=True)
class _Entry:
    councils: tuple[Council, ...]  # () for a look-alike phrase; several for an ambiguous alias
    spelling: str                  # as the table writes it, for the capitalisation check
    acronym: bool                  # "BCP", "AfC": case must match exactly


def _units(spelling: str) -> list[str]:
    """A spelling as regex pieces, one per character (plus separators), for a character trie."""
    words = ["and" if w == "&" else w.lower().replace("’", "'") for w in re.findall(r"[A-Za-z0-9'’]+|&", spelling)]
    out: list[str] = []
    for i, w in enumerate(words):
        if i and w == "and":
            out.append(rf"(?:{_SEP}and{_SEP}|\s*&\s*)")  # "Brighton and Hove", "Brighton & Hove"
            continue
        if i and words[i - 1] != "and":
            out.append(_SEP)
        if w == "st":
            out += ["s", "t", r"\.?"]  # "St Helens", "St. Helens"
            continue
        out += [r"['’]?" if ch == "'" else re.escape(ch) for ch in w]  # "Children's", "Childrens"
    return out


def _trie_rx(spellings: set[str]) -> str:
    """One alternation for all spellings as a character trie: the engine tests a handful of first letters
    per position instead of hundreds of names. Longer continuations come first, so the first full match
    is the longest."""
    trie: dict[str, dict] = {}
    for spelling in spellings:
        node = trie
        for unit in _units(spelling):
            node = node.setdefault(unit, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [unit + emit(child) for unit, child in sorted(node.items()) if unit] + ([""] if "" in node else [])
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, _Entry]]:
    """The regex (run on ASCII-lower-cased text; case is checked on the original afterwards) and what
    each matched key means."""
    names, _ = _index()
    entries: dict[str, _Entry] = {}
    spelled: dict[str, str] = {}
    for c in _councils():
        for s in (c.name, *c.aliases):
            spelled.setdefault(_key(s), s)
    for k, councils in names.items():
        core = _PREFIX_KEY.sub("", _SUFFIX_KEY.sub("", k))
        if core != k and names.get(core) == councils:
            continue  # "Reading Borough Council" is "Reading" plus _SUFFIX
        s = spelled[k]
        entries[k] = _Entry(councils, s, " " not in s and sum(ch.isupper() for ch in s) >= 2)
    for s in _NOT_COUNCILS:
        entries[_key(s)] = _Entry((), s, False)
    core_rx = _trie_rx({e.spelling for e in entries.values()})
    rx = re.compile(rf"(?<![\w\-&])(?P<pre>{_PREFIX})?(?P<core>{core_rx})(?![\w\-])(?P<suf>{_SUFFIX})?")
    return rx, entries


_ASCII_LOWER = {i: i + 32 for i in range(ord("A"), ord("Z") + 1)}  # keeps offsets, unlike str.lower()
# The only characters str.lower() turns into ASCII ones (İ into two): without them, lower() puts the
# same ASCII letters at the same offsets as the translation, and the name pattern reads only those
_LOWERS_TO_ASCII = re.compile("[\u0130\u212a]")


def _lower_ascii(text: str) -> str:
    """text with A-Z lower-cased, offsets kept (other letters may be lower-cased too: no name has them)."""
    low = text.lower()  # much faster than translate()
    if text.isascii() or (len(low) == len(text) and not _LOWERS_TO_ASCII.search(text)):
        return low
    return text.translate(_ASCII_LOWER)


def _case_ok(surface: str, entry: _Entry) -> bool:
    """'Reading' and 'READING' but not 'reading'; acronyms exactly as written ("AfC", not "AFC")."""
    if entry.acronym:
        return re.sub(r"\W", "", surface) == re.sub(r"\W", "", entry.spelling)
    significant = [w for w in _WORD.findall(surface) if w.lower() not in _LOWER_OK]
    return bool(significant) and all(w[0].isupper() for w in significant)


def _title_case_line(text: str, pos: int) -> bool:
    """A headline ("Ofsted Praises Kent Foster Carers") capitalises every word: no clue there."""
    start, end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    words = [w for w in _WORD.findall(text[start: end if end >= 0 else len(text)]) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


_PREV_WORD = re.compile(r"\b([A-Z][a-z]+)[ \t]+\Z")
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][a-z]+(?:['’]s)?)\b")
_TRUSTISH = re.compile(r"children|trust", re.I)


def _grade(text: str, m: re.Match[str], entry: _Entry) -> str:
    """'strong' (unmistakably the council), 'ok', 'weak' (counts only with support elsewhere) or 'no'.
    m is a match on the lower-cased text; the checks read the original."""
    core = text[m.start("core"): m.end("core")]
    if not entry.councils or not _case_ok(core, entry):
        return "no"
    after = text[m.end(): m.end() + 60]
    if m.group("pre") or m.group("suf") or _COUNCILISH_AFTER.match(after):
        return "strong"  # "Reading Borough Council", "London Borough of Sutton", "Kent's children's services"
    if _NEXT_NOT.match(after):
        return "no"
    if len(_WORD.findall(core)) > 1 or entry.acronym:
        return "ok"  # "Milton Keynes", "Brighter Futures for Children", "BCP" are distinctive
    # One word: a place, or a surname, a club, a verb ...
    word = _key(core)
    before = ("\n" if m.start() < 40 else "") + text[max(0, m.start() - 40): m.start()]
    sentence_start = bool(_SENTENCE_START.search(before))
    headline = _title_case_line(text, m.start())
    # Capitalised mid-sentence, the name is the place ("in Reading over the years"); the word use
    # ("Reading the letter") is capitalised only where every word may be.
    if word in _WORD_USE and (sentence_start or headline or core.isupper()) and _WORD_USE[word].match(after):
        return "no"
    if word in _NOT_AFTER and _NOT_AFTER[word].match(after):
        return "no"
    if _TITLE.search(before):
        return "no"  # "Ms Sutton"
    if not headline:
        prev = _PREV_WORD.search(before)
        if prev and prev.group(1) not in _PREV_OK:
            return "no"  # "Clark Kent", "Greater Manchester"
        nxt = _NEXT_WORD.match(after)
        if nxt and nxt.group(1) not in _NEXT_OK and nxt.group(1) not in _PREV_OK:
            return "no"  # "Dudley Moore", "Kent Brockman"
    if word in _EITHER_AT_START and sentence_start and _EITHER_AT_START[word].match(after):
        return "weak"  # "Reading is ...": the town or the skill
    return "ok"


def _mentions(text: str) -> list[tuple[CouncilMention, str]]:
    """find_councils() with each mention's grade."""
    rx, entries = _matcher()
    hits = []
    low = _lower_ascii(text)
    for m in rx.finditer(low):
        entry = entries.get(_key(m.group("core")))
        grade = _grade(text, m, entry) if entry else "no"
        if grade != "no":
            hits.append((m, entry, grade))
    named = Counter(e.councils[0] for _, e, g in hits if len(e.councils) == 1 and g != "weak")
    out = []
    for m, e, grade in hits:
        if len(e.councils) == 1:
            if grade == "weak" and not named[e.councils[0]]:
                continue
            council = e.councils[0]
        else:  # ambiguous alias: the candidate the text names most often on its own, if there is one
            ranked = sorted(e.councils, key=lambda c: named[c], reverse=True)
            if not named[ranked[0]] or named[ranked[0]] == named[ranked[1]]:
                continue
            council = ranked[0]
        out.append((CouncilMention(council, m.start(), m.end(), text[m.start(): m.end()]), grade))
    return out


def find_councils(text: str) -> list[CouncilMention]:
    """Every mention of a council, in text order; the longest name wins and mentions do not overlap.

    A one-word name that is also an ordinary word, at a sentence start ("Reading is ..."), counts only
    when the text names the same council elsewhere. An ambiguous alias ("Achieving for Children") counts
    for whichever of its councils the text names most often on its own, and not at all on a tie or none."""
    return [mention for mention, _ in _mentions(text)]


@lru_cache(maxsize=256)  # a document's rows often share a sentence
def only_council_in(sentence: str) -> Council | None:
    """The council a sentence names, when it names exactly one (by ONS code), else None."""
    found = {m.council.ons_code: m.council for m in find_councils(sentence)}
    return next(iter(found.values())) if len(found) == 1 else None


# ----------------------------------------------------------------------------------------- documents

# Where an Ofsted report or letter names its council on page 1: "Inspection of X local authority children's
# services", "Local authority: X", "Joint targeted area inspection of X", "Monitoring visit to X".
_HEADER_BEFORE = re.compile(r"(?:inspection|visit)\s+(?:of|to)\s+(?:the\s+)?\Z|local\s+authority:\s*\Z", re.I)
_HEADER_AFTER = re.compile(r"\s+(?:local\s+authority|children['’]s\s+services)\b", re.I)


def main_council(text: str, title: str | None = None, url: str | None = None) -> Council | None:
    """The council a document is mainly about, or None when nothing credible is found or two tie.

    Each mention scores 1, +2 when council-like ("X Council", "X's children's services", a trust's name),
    +1 in the first 600 characters, +10 in an Ofsted page-1 header ("Inspection of X local authority");
    a council named in the title +8, the URL on a council's domain +4. The best needs at least 2."""
    score: Counter[Council] = Counter()
    for mention, grade in _mentions(text):
        start, tail = mention.start, text[mention.end: mention.end + 60]
        w = 1
        if grade == "strong" or _TRUSTISH.search(mention.surface):
            w += 2
        if start < 600:
            w += 1
        if start < 3000 and (_HEADER_BEFORE.search(text[max(0, start - 40): start]) or _HEADER_AFTER.match(tail)):
            w += 10
        score[mention.council] += w
    for council in {m.council for m in find_councils(title or "")}:
        score[council] += 8
    host = (urlparse(url).hostname or "").lower() if url else ""
    for c in _councils() if host else ():
        if c.domain and (host == c.domain or host.endswith("." + c.domain)):
            score[c] += 4
    ranked = score.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]
