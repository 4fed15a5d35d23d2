"""Which English council a text is about: the packaged council table and a resolver.

data/councils.csv is derived from the official Ofsted/ONS tables (scripts/build_gazetteer.py);
data/council_aliases_extra.csv holds hand-kept aliases: children's trusts and companies that run
a council's children's services, and the short names people use.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
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
    aliases: tuple[str, ...] = ()
    former_ons_codes: tuple[str, ...] = ()
    domain: str = ""
    abolished: int | None = None


@dataclass(frozen=True)
class CouncilMention:
    council: Council
    start: int
    end: int
    surface: str


def _read(name: str) -> list[dict]:
    text = resources.files("cscetl").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _key(name: str) -> str:
    name = name.lower().replace("&", " and ").replace(".", " ")
    name = re.sub(r"^(the|city of|london borough of|royal borough of)\s+", "", name.strip())
    name = re.sub(r"\s+(metropolitan borough|borough|city|county|district)?\s*council$", "", name)
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


@lru_cache(maxsize=1)
def all_councils() -> list[Council]:
    extra: dict[str, list[str]] = defaultdict(list)
    for row in _read("council_aliases_extra.csv"):
        extra[row["council"]].append(row["alias"])
    out = []
    for row in _read("councils.csv"):
        aliases = [a for a in row["aliases"].split(";") if a] + extra.get(row["name"], [])
        out.append(Council(
            name=row["name"], ons_code=row["ons_code"], dfe_code=row["dfe_code"], region=row["region"],
            aliases=tuple(dict.fromkeys(aliases)),
            former_ons_codes=tuple(c for c in row["former_ons_codes"].split(";") if c),
            domain=row["domain"], abolished=int(row["abolished"]) if row["abolished"] else None,
        ))
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, Council]:
    idx: dict[str, Council] = {}
    for c in all_councils():
        for key in (c.name, *c.aliases):
            idx.setdefault(_key(key), c)
        for code in (c.ons_code, c.dfe_code, *c.former_ons_codes):
            idx.setdefault(code.lower(), c)
    return idx


def lookup(name: str) -> Council | None:
    """A council by canonical name, alias, ONS code (current or former) or DfE code."""
    if not name:
        return None
    return _index().get(name.strip().lower()) or _index().get(_key(name))


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, Council]]:
    surfaces: dict[str, Council] = {}
    for c in all_councils():
        for s in (c.name, *c.aliases):
            if "," in s and s != c.name and "Christchurch" not in s:
                continue  # "Bristol, City of" is a sort form, not how text names it
            surfaces.setdefault(s, c)
            if " and " in s:
                surfaces.setdefault(s.replace(" and ", " & "), c)
    alts = sorted(surfaces, key=len, reverse=True)  # longest first: "North Somerset" before "Somerset"
    body = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in alts)
    rx = re.compile(rf"(?<![\w-])(?:{body})(?![\w-]|['’]?\w*-)")
    return rx, {re.sub(r"\s+", " ", s): c for s, c in surfaces.items()}


# Mentions that are not the council: the verb "Reading ...", New York, a person called Brent Smith.
_GERUND_AFTER = re.compile(r"^\s+(?:the|a|an|this|that|these|through|about|between|it|them|and|or|of)\b")
_PLACE_PREFIX = re.compile(r"(?:New|Old|Great|Little)\s+$")
_FORENAME_LIKE = {"Brent", "Kent", "Sutton", "Merton", "Barnet", "Bury", "Halton", "Derby", "Bedford", "Durham", "Lincoln"}


def find_councils(text: str) -> list[CouncilMention]:
    rx, by_surface = _pattern()
    out = []
    for m in rx.finditer(text):
        surface = re.sub(r"\s+", " ", m.group(0))
        council = by_surface.get(surface)
        if council is None:
            continue
        after = text[m.end(): m.end() + 20]
        if surface == "Reading" and _GERUND_AFTER.match(after):
            continue
        if _PLACE_PREFIX.search(text[max(0, m.start() - 7): m.start()]):
            continue
        if surface in _FORENAME_LIKE and re.match(r"^\s+[A-Z][a-z]+\b(?<!Council)", after) and not re.match(
            r"^\s+(?:Council|Borough|County|City|Children|Safeguarding|Family|Ofsted)\b", after
        ):
            continue
        out.append(CouncilMention(council, m.start(), m.end(), surface))
    return out


_COUNCILISH_AFTER = re.compile(r"^['’]?s?\s*(?:(?:Metropolitan\s+)?(?:Borough|City|County|District)\s+)?(?:Council|council)\b|^['’]s\s+children|^\s+children['’]?s\s+services|^\s+local\s+authority", re.I)
_REPORT_LA = re.compile(r"\binspection of\s+(?P<la>.{2,60}?)\s+local\s+authority\b|\blocal authority:\s*(?P<la2>[^\n]{2,60})", re.I)


def main_council(text: str, title: str | None = None, url: str | None = None) -> Council | None:
    """The council a document is mainly about, or None when nothing credible is named."""
    score: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    councils = {c.ons_code: c for c in all_councils()}
    for m in _REPORT_LA.finditer(text[:3000]):
        c = lookup(m.group("la") or m.group("la2"))
        if c:
            score[c.ons_code] += 20  # an Ofsted report names its council on page 1
    for mention in find_councils(text):
        code = mention.council.ons_code
        weight = 1.0
        if _COUNCILISH_AFTER.match(text[mention.end: mention.end + 40]) or mention.surface in mention.council.aliases and len(mention.surface) > 12:
            weight += 2  # "Reading Borough Council", "Reading's children's services", a trust's name
        if mention.start < 600:
            weight += 1
        score[code] += weight
        first.setdefault(code, mention.start)
    for mention in find_councils(title or ""):
        score[mention.council.ons_code] += 5
        first.setdefault(mention.council.ons_code, -1)
    host = urlparse(url).hostname or "" if url else ""
    for c in all_councils():
        if host and c.domain and (host == c.domain or host.endswith("." + c.domain)):
            score[c.ons_code] += 5
            first.setdefault(c.ons_code, -1)
    if not score:
        return None
    best = max(score, key=lambda k: (score[k], -first.get(k, 10**9)))
    return councils[best]
