#!/usr/bin/env python3
"""Check cscetl.gazetteer.main_council against the real documents in ../shared/corpus (not a test:
tests must not read ../shared).

    python scripts/check_gazetteer.py [CORPUS_DIR]

dev/docs/*.txt are all about Reading; ofsted/docs/*.pdf have their council in ofsted/index.tsv (`la`, and
`la_code` where given: it must be the council's current or former ONS code). Each document is also tried
without its first 3,000 characters (no page-1 header, no title) to show that the body alone suffices.
Prints one line per document and exits non-zero on any miss.
"""
from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from cscetl.gazetteer import lookup, main_council

ROOT = Path(__file__).resolve().parents[1]


def main(corpus: Path) -> int:
    cases: list[tuple[str, str, str, str]] = [(p.name, p.read_text(encoding="utf-8"), "Reading", "")
                                              for p in sorted((corpus / "dev" / "docs").glob("*.txt"))]
    with open(corpus / "ofsted" / "index.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            reader = PdfReader(corpus / "ofsted" / "docs" / row["file"])
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            cases.append((row["file"], text, row["la"], row["la_code"]))
    misses = body_misses = 0
    for name, text, expected, code in cases:
        want = lookup(expected)
        assert want is not None, f"lookup({expected!r}) found nothing"
        assert not code or code in (want.ons_code, *want.former_ons_codes), f"{code} is not {want.name}'s"
        t0 = time.perf_counter()
        got = main_council(text)
        ms = (time.perf_counter() - t0) * 1000
        body = main_council(text[3000:])
        ok, body_ok = got == want, body == want
        misses += not ok
        body_misses += not body_ok
        print(f"{'ok  ' if ok else 'MISS'} {name:52} want {want.name!r:38} got {got.name if got else None!r}"
              f" ({len(text) // 1000} KB, {ms:.1f} ms); body only: {'ok' if body_ok else body}")
    print(f"{len(cases) - misses}/{len(cases)} documents resolved to the expected council; "
          f"{len(cases) - body_misses}/{len(cases)} from the body alone")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"))
