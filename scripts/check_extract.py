#!/usr/bin/env python3
"""Development check: run the pure extractors over the shared corpora and list misses/false positives.

Not a test (tests never read ../shared); the real measure is ../shared/eval/score.py.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from cscetl.acquire import read_local
from cscetl.pipeline import process
from cscetl.sources import load_sources

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main(corpus: str) -> None:
    root = SHARED / corpus
    for src in load_sources(root / "sources.toml"):
        doc = process(read_local(src))
        gold = json.loads((root / "gold" / (src.path.stem + ".json")).read_text())
        if not hasattr(doc, "extracted"):
            print(src.path.name, "FAILED", doc)
            continue
        print(f"== {src.path.name} kind={doc.kind} la={doc.la_name} published={doc.published_date}")
        for i in doc.extracted.inspections:
            print(f"   got  {i.inspection_type:16} {i.start_date} {i.date_precision} #{i.ordinal} {i.judgement}  | {i.evidence[:70]!r}")
        for w in gold.get("inspections", []):
            print(f"   want {w['type']:16} {w['start']} {w['precision']} #{w['ordinal']} {w['judgement']}")
        if "-v" in sys.argv:
            for m in doc.extracted.metrics:
                print(f"   metric {m.metric}={m.value} {m.unit} {m.measure} {m.as_of}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dev")
