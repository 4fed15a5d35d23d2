"""One person, one name: cluster speaker names as written across the warehouse.

"Tony Kildare" and "Antony Kildare", or "Cllr Terry" and "Liz Terry", are one person when their
surnames match and their first names are compatible (same, a known short form, or one absent).
The canonical name is the fullest form seen.
"""
from __future__ import annotations

import re
from collections import defaultdict

_TITLES = re.compile(r"^(?:(?:councillor|cllr|mr|mrs|ms|miss|dr|professor|prof|sir|dame|lord|lady|baroness|rev)\.?\s+)+", re.I)

_SHORT_FORMS = {
    "tony": {"anthony", "antony"}, "liz": {"elizabeth"}, "beth": {"elizabeth", "bethany"}, "lizzie": {"elizabeth"},
    "bob": {"robert"}, "rob": {"robert"}, "bill": {"william"}, "will": {"william"}, "jim": {"james"},
    "jimmy": {"james"}, "mike": {"michael"}, "mick": {"michael"}, "dave": {"david"}, "steve": {"stephen", "steven"},
    "chris": {"christopher", "christine", "christina"}, "andy": {"andrew"}, "kate": {"katherine", "catherine", "kathryn"},
    "katie": {"katherine", "catherine"}, "cathy": {"catherine"}, "sue": {"susan", "suzanne"}, "jenny": {"jennifer"},
    "nick": {"nicholas"}, "tom": {"thomas"}, "dan": {"daniel"}, "danny": {"daniel"}, "sam": {"samuel", "samantha"},
    "alex": {"alexander", "alexandra"}, "pat": {"patricia", "patrick"}, "jo": {"joanne", "joanna", "josephine"},
    "matt": {"matthew"}, "ben": {"benjamin"}, "tim": {"timothy"}, "pete": {"peter"}, "ed": {"edward"},
    "ted": {"edward"}, "maggie": {"margaret"}, "meg": {"margaret"}, "becky": {"rebecca"}, "debbie": {"deborah"},
    "deb": {"deborah"}, "jan": {"janet", "janice"}, "mandy": {"amanda"}, "nicky": {"nicola"}, "vicky": {"victoria"},
    "jon": {"jonathan"}, "phil": {"philip", "phillip"}, "rich": {"richard"}, "rick": {"richard"}, "dick": {"richard"},
    "gill": {"gillian"}, "val": {"valerie"}, "di": {"diane", "diana"}, "fran": {"frances", "francesca"},
}


def strip_title(name: str) -> str:
    return _TITLES.sub("", name.strip()).strip()


def _first_compatible(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    if not a or not b or a == b:
        return True
    if b in _SHORT_FORMS.get(a, ()) or a in _SHORT_FORMS.get(b, ()):
        return True
    # Tony/Antony: one is the end of the other; Liz/Elizabeth: a short form inside the full one
    short, full = sorted((a, b), key=len)
    return len(short) >= 3 and (full.endswith(short) or full.startswith(short))


def canonical_names(names: list[str]) -> dict[str, str]:
    """Map every name as written to its canonical form (names that are not people map to themselves)."""
    by_surname: dict[str, list[str]] = defaultdict(list)
    out: dict[str, str] = {}
    for name in sorted(set(n for n in names if n)):
        bare = strip_title(name)
        parts = bare.split()
        if name in ("Ofsted",) or name.endswith("spokesperson") or not parts:
            out[name] = name
            continue
        by_surname[parts[-1].lower()].append(name)
    for group in by_surname.values():
        clusters: list[list[str]] = []
        # full names first, so a bare surname joins a cluster rather than starting one
        for name in sorted(group, key=lambda n: (-len(strip_title(n).split()), n)):
            first = strip_title(name).split()[0] if len(strip_title(name).split()) > 1 else ""
            fits = [c for c in clusters if all(_first_compatible(first, _first(m)) for m in c)]
            if len(fits) == 1 or (fits and first):
                fits[0].append(name)
            else:
                clusters.append([name])
        for cluster in clusters:
            best = max((strip_title(m) for m in cluster), key=lambda s: (len(s.split()) > 1, len(s), s))
            for m in cluster:
                out[m] = best
    return out


def _first(name: str) -> str:
    parts = strip_title(name).split()
    return parts[0] if len(parts) > 1 else ""


def apply_canonical_names(con) -> int:
    """Rewrite quotes.speaker_name to canonical names over the whole warehouse; returns the people count."""
    written = [r[0] for r in con.execute("SELECT DISTINCT speaker_as_written FROM quotes WHERE speaker_as_written IS NOT NULL").fetchall()]
    mapping = canonical_names(written)
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM people")
    if mapping:
        con.executemany("INSERT INTO people VALUES (?, ?)", [[a, c] for a, c in sorted(mapping.items())])
    con.execute(
        "UPDATE quotes SET speaker_name = p.canonical_name FROM people p WHERE quotes.speaker_as_written = p.alias"
    )
    con.execute("COMMIT")
    return len(set(mapping.values()))
