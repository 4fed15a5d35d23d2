#!/usr/bin/env python3
"""Development check: run the pure inspection/judgement extractors over the shared corpora.

Prints, per document, the misses and false positives against gold, then tp/fp/fn totals for
inspections and judgements, matched the way ../shared/eval/score.py matches them (council names
are left out: the extractors do not assign them). Not a test: tests never read ../shared.

    .venv/bin/python scripts/check_extract.py [dev|ofsted|sample|all] [-v] [--clean]

-v also lists every extracted row; --clean runs the pipeline's boilerplate removal first. `sample` is
the bundled sample (src/cscetl/sample), its gold the JSON blocks of EXPECTED.md, its pages read the
way the pipeline reads them (parse, clean, the page's own date when the gold has none).
"""
from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

from cscetl.extract.inspections import extract_inspections
from cscetl.extract.judgements import extract_judgements
from cscetl.records import DocContext

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLE = Path(__file__).resolve().parents[1] / "src" / "cscetl" / "sample"


def pdf_text(path: Path) -> str:
    import pypdf

    return "\n\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def same_period(got: date | None, want: str | None, precision: str | None) -> bool:
    if want is None:
        return True
    if got is None:
        return False
    return str(got)[:4] == want[:4] if precision == "year" else str(got)[:7] == want[:7]


def fits(row, want: dict, strict: bool) -> bool:
    if row.inspection_type != want["type"] or not same_period(row.start_date, want.get("start"), want.get("precision")):
        return False
    if strict and want.get("judgement") and row.judgement != want["judgement"]:
        return False
    if strict and want.get("ordinal") and row.ordinal != want["ordinal"]:
        return False
    return True


def brief(row) -> str:
    return f"{row.inspection_type} {row.start_date} {row.date_precision} #{row.ordinal} {row.judgement} | {row.evidence[:80]!r}"


def score_doc(name: str, gold: dict, text: str, verbose: bool, tally: dict, ctx: DocContext | None = None) -> None:
    pub = gold.get("published_date")
    ctx = ctx or DocContext(kind=gold.get("kind", "other"), published_date=date.fromisoformat(pub) if pub else None)
    rows = extract_inspections(text, ctx)
    grades = extract_judgements(text, ctx)
    lines: list[str] = []
    wanted, optional = gold.get("inspections", []), gold.get("optional_inspections", [])
    got = rows
    if gold.get("score_precision") is False:  # only the main event is annotated
        got = [r for r in rows if any(fits(r, w, False) for w in wanted)]
    matched: set[int] = set()
    for r in got:
        fitting = sorted((i for i, w in enumerate(wanted) if fits(r, w, True)),
                         key=lambda i: (i in matched, wanted[i].get("start") is None))
        if fitting:
            matched.add(fitting[0])
        elif not any(fits(r, w, False) for w in optional):
            tally["inspections"][1] += 1
            lines.append(f"  FP   {brief(r)}")
    tally["inspections"][0] += len(matched)
    for i, w in enumerate(wanted):
        if i not in matched:
            tally["inspections"][2] += 1
            lines.append(f"  MISS {w['type']} {w['start']} {w['precision']} #{w['ordinal']} {w['judgement']}")
    if gold.get("judgements") is not None:
        want_j = gold["judgements"]
        start = (wanted or [{}])[0].get("start")
        have: dict[str, str] = {}
        for j in grades:
            if not start or same_period(j.start_date, start, "month"):
                have.setdefault(j.area, j.grade)
        for area, grade in want_j.items():
            ok = have.get(area) == grade
            tally["judgements"][0 if ok else 2] += 1
            if not ok:
                lines.append(f"  MISS judgement {area}={grade} (got {have.get(area)})")
        for area, grade in have.items():
            if want_j.get(area) != grade:
                tally["judgements"][1] += 1
                lines.append(f"  FP   judgement {area}={grade}")
        if not start and grades:
            lines.append("  note: gold has no main start date")
        bad_start = [j for j in grades if start and not same_period(j.start_date, start, "month")]
        if bad_start:
            lines.append(f"  FP?  judgements dated {bad_start[0].start_date}, want {start}")
    if verbose:
        lines += [f"  got  {brief(r)}" for r in rows] + [f"  got  judgement {j.area}={j.grade} {j.start_date}" for j in grades]
    if lines:
        print(f"== {name}")
        print("\n".join(lines))


def sample_docs():
    """(gold, clean text, context) for each page of the bundled sample, read as the pipeline reads it."""
    from cscetl.clean import clean_text
    from cscetl.pipeline import parse_bytes

    expected = (SAMPLE / "EXPECTED.md").read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)\n```", expected, re.S):
        gold = json.loads(block)
        if "file" not in gold:
            continue
        path = SAMPLE / "pages" / gold["file"]
        page = parse_bytes(path.read_bytes(), path.name, None, gold.get("url"))
        pub = gold.get("published_date")
        published = date.fromisoformat(pub) if pub else page.published
        yield gold, clean_text(page.text)[0], DocContext(kind=gold.get("kind", "other"), published_date=published)


def main(argv: list[str]) -> None:
    which = next((a for a in argv if not a.startswith("-")), "all")
    verbose, clean = "-v" in argv, "--clean" in argv
    corpora = ["dev", "ofsted", "sample"] if which == "all" else [which]
    for corpus in corpora:
        tally = {"inspections": [0, 0, 0], "judgements": [0, 0, 0]}
        if corpus == "sample":
            for gold, text, ctx in sample_docs():
                score_doc(gold["file"], gold, text, verbose, tally, ctx)
            print(f"## {corpus}: " + "  ".join(f"{k} tp={v[0]} fp={v[1]} fn={v[2]}" for k, v in tally.items()))
            continue
        root = SHARED / corpus
        for gpath in sorted((root / "gold").glob("*.json")):
            gold = json.loads(gpath.read_text(encoding="utf-8"))
            doc = root / "docs" / gold["file"]
            text = pdf_text(doc) if doc.suffix == ".pdf" else doc.read_text(encoding="utf-8", errors="replace")
            if clean:
                from cscetl.clean import clean_text

                text = clean_text(text)[0]
            score_doc(gold["file"], gold, text, verbose, tally)
        print(f"## {corpus}: " + "  ".join(f"{k} tp={v[0]} fp={v[1]} fn={v[2]}" for k, v in tally.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
