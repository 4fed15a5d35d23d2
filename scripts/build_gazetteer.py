#!/usr/bin/env python3
"""Derive src/cscetl/data/councils.csv from the official tables in ../shared/reference.

Run again when the reference moves:  python scripts/build_gazetteer.py [REFERENCE_DIR]
The project reads only the generated CSV (plus the hand-kept council_aliases_extra.csv).
"""
from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "cscetl" / "data" / "councils.csv"

# Names as people write them, where the ONS form differs.
TIDY = {
    "Bristol, City of": "Bristol",
    "Kingston Upon Hull, City of": "Kingston upon Hull",
    "St. Helens": "St Helens",
    "Bedford Borough": "Bedford",
    "Durham": "County Durham",
}
ABOLISHED = {"Cumbria": 2023, "Northamptonshire": 2021, "Poole": 2019}


def main(ref: Path) -> None:
    lookup = list(csv.DictReader(open(ref / "ofsted_provider_lookup.csv", encoding="utf-8-sig")))
    # Former codes: any other code the official tables have used for the same council.
    codes: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(open(ref / "cla_number_and_rate_per_10k_children.csv", encoding="utf-8-sig")):
        if row["geographic_level"] == "Local authority" and row["new_la_code"]:
            codes[row["old_la_code"]].add(row["new_la_code"])
    for row in csv.DictReader(open(ref / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv", encoding="utf-8-sig")):
        codes[row["UTLA23NM"]].add(row["UTLA23CD"])
    rows = []
    for r in lookup:
        ons_name = r["local_authority_ons_name"].strip()
        name = TIDY.get(ons_name, ons_name)
        aliases = {ons_name, r["ofsted_ilacs_scrape_la_name"].strip()} if r["ofsted_ilacs_scrape_la_name"].strip().isalpha() else {ons_name}
        aka = r["also_known_as"].strip().strip("[]")
        aliases |= {a.strip() for a in aka.split(",") if a.strip()} if aka and "Christchurch" not in aka else set()
        former = (codes.get(r["la_code"], set()) | codes.get(ons_name, set())) - {r["la_code_new"]}
        rows.append({
            "name": name,
            "ons_code": r["la_code_new"],
            "former_ons_codes": ";".join(sorted(c for c in former if c.startswith("E"))),
            "dfe_code": r["la_code"],
            "region": r["region_name"],
            "domain": r["domain"],
            "abolished": ABOLISHED.get(name, ""),
            "aliases": ";".join(sorted(a for a in aliases if a and a != name and len(a) > 3)),
        })
    rows.sort(key=lambda x: x["name"])
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} councils to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
