#!/usr/bin/env python3
"""Pages per second of the parse + clean stage (HTML main text, metadata, boilerplate rules).

    python bench/clean_speed.py [DIR_OF_HTML_OR_HTML_GZ]   (default: ../shared/bench/article-extraction/html)

Prints one line per measure and a last machine-readable line.
"""
from __future__ import annotations

import gzip
import sys
import time
from pathlib import Path

from cscetl.clean import clean_text
from cscetl.decode import decode_bytes
from cscetl.parse_html import parse_html


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "bench" / "article-extraction" / "html"
    pages = []
    for p in sorted(folder.iterdir()):
        data = p.read_bytes()
        pages.append(decode_bytes(gzip.decompress(data) if p.suffix == ".gz" else data))
    began = time.perf_counter()
    parsed = [parse_html(h) for h in pages]
    parse_s = time.perf_counter() - began
    began = time.perf_counter()
    for page in parsed:
        clean_text(page.text)
    clean_s = time.perf_counter() - began
    n = len(pages)
    print(f"pages {n}")
    print(f"parse (trafilatura + metadata) {parse_s:.2f}s  {n / parse_s:.1f} pages/s")
    print(f"clean rules                    {clean_s:.3f}s  {n / clean_s:.0f} pages/s")
    print(f"bench: pages={n} parse_clean_pages_per_s={n / (parse_s + clean_s):.1f} clean_rules_pages_per_s={n / clean_s:.0f}")


if __name__ == "__main__":
    main()
