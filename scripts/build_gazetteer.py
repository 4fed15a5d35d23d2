#!/usr/bin/env python3
"""Derive src/cscetl/data/councils.csv from the official tables in ../shared/reference.

    python scripts/build_gazetteer.py [REFERENCE_DIR]

Re-run when the reference moves, or after editing src/cscetl/data/council_aliases_extra.csv (hand-kept
aliases: children's trusts and companies, short forms, acronyms), which this script merges in.
At run time the package reads only the generated councils.csv.

Sources: ofsted_provider_lookup.csv (one row per council Ofsted inspects: DfE and ONS codes, region),
LTLA-UTLA_Apr23 (which ONS codes are current upper-tier councils, and ONS's own spelling), the DfE
statistics tables (old_la_code/new_la_code/la_name per year: former ONS codes, pre-2019 Dorset councils),
ofsted_region_mapping_corrections.csv (region where the lookup has none) and ofsted_csc_ilacs_history.csv
(the scraper's names, kept as aliases where they are unambiguous).
"""
from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "cscetl" / "data"
OUT = DATA / "councils.csv"
EXTRA = DATA / "council_aliases_extra.csv"
STATS = ("b1_children_in_need_2013_to_2025.csv", "cla_number_and_rate_per_10k_children.csv",
         "d5_cpps_at31march_by_duration_2013_to_2025.csv")

# The name people write, where the official one differs ("Bristol, City of" is a sort form).
TIDY = {
    "Bristol, City of": "Bristol",
    "Kingston Upon Hull, City of": "Kingston upon Hull",
    "Kingston upon Hull, City of": "Kingston upon Hull",
    "Herefordshire, County of": "Herefordshire",
    "St. Helens": "St Helens",
    "Bedford Borough": "Bedford",
    "Durham": "County Durham",
}
# Councils abolished by reorganisation (year of abolition, 1 April), by DfE code. Their reports stay in
# the archive, so they stay in the gazetteer. The DfE tables keep listing some of them after abolition,
# so the year cannot be derived.
ABOLISHED = {"836": 2019, "837": 2019, "928": 2021, "909": 2023}  # Poole, Bournemouth, Northamptonshire, Cumbria
# A council whose DfE code changed without a change of name: the old code is a former code of the new.
RENUMBERED = {"835": "838"}  # Dorset County Council -> Dorset Council (2019)
# Cities whose council styles itself "X City Council" / "City of X".
CITIES = {
    "Birmingham", "Bradford", "Brighton and Hove", "Bristol", "Coventry", "Derby", "Doncaster", "Kingston upon Hull",
    "Leeds", "Leicester", "Liverpool", "Manchester", "Milton Keynes", "Newcastle upon Tyne", "Nottingham",
    "Peterborough", "Plymouth", "Portsmouth", "Salford", "Sheffield", "Southampton", "Southend-on-Sea",
    "Stoke-on-Trent", "Sunderland", "Wakefield", "Westminster", "Wolverhampton", "York",
}
ROYAL = {"Greenwich", "Kensington and Chelsea", "Kingston upon Thames", "Windsor and Maidenhead"}
# Unitary councils that are (or were) counties and call themselves "X County Council" or "X Council".
COUNTY_UNITARIES = {
    "Buckinghamshire", "Cornwall", "County Durham", "Dorset", "Herefordshire", "Isle of Wight", "North Yorkshire",
    "Northumberland", "Rutland", "Shropshire", "Somerset", "Wiltshire",
}


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def key(s: str) -> str:
    """The comparison form the resolver uses (see cscetl.gazetteer._key)."""
    s = s.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def split_aka(aka: str, full: str) -> list[str]:
    """"[BCP, Bournemouth, Christchurch & Poole]" -> ["BCP", "Bournemouth, Christchurch & Poole"]: a comma
    splits names except inside the council's own name."""
    out: list[str] = []
    for piece in (p.strip() for p in aka.strip().strip("[]").split(",")):
        if out and key(out[-1]) != key(full) and key(full).startswith(key(f"{out[-1]} {piece}")):
            out[-1] += ", " + piece
        elif piece:
            out.append(piece)
    return out


def styled(name: str, la_type: str) -> set[str]:
    """How a council names itself: "Reading Borough Council", "London Borough of Barnet", ..."""
    bare = name.removeprefix("County ")  # "Durham County Council", not "County Durham County Council"
    out = {f"{name} Council"}
    if name in ("City of London", "Isles of Scilly"):
        pass  # sui generis: their own styles are in council_aliases_extra.csv
    elif name in CITIES:
        pass  # "Leeds City Council", "City of Westminster": below
    elif la_type == "London Borough":
        out |= {f"London Borough of {name}", f"{name} London Borough Council"}
    elif la_type == "Metropolitan District":
        out |= {f"{name} Metropolitan Borough Council", f"{name} Borough Council", f"Metropolitan Borough of {name}"}
    elif la_type == "County" or name in COUNTY_UNITARIES or name.endswith("shire"):
        out |= {f"{bare} County Council"}
    else:  # other unitaries are mostly boroughs
        out |= {f"{name} Borough Council", f"Borough of {name}"}
    if name in CITIES:
        out |= {f"{name} City Council", f"City of {name}", f"City of {name} Council"}
    if name in ROYAL:
        out |= {f"Royal Borough of {name}"}
    return out


def main(ref: Path) -> None:
    lookup = read(ref / "ofsted_provider_lookup.csv")
    utla = {r["UTLA23CD"]: r["UTLA23NM"] for r in read(ref / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv")
            if r["UTLA23CD"].startswith("E")}
    corrections = {r["la_name"]: r["region_name_correct"] for r in read(ref / "ofsted_region_mapping_corrections.csv")}

    # Every ONS code, name and region the statistics have used for each DfE code.
    stats: dict[str, dict] = defaultdict(lambda: {"ons": set(), "names": set(), "region": ""})
    for fname in STATS:
        for r in read(ref / fname):
            dfe, ons = r["old_la_code"].strip(), r["new_la_code"].strip()
            if r["geographic_level"] != "Local authority" or "/" in dfe or not dfe:
                continue  # "314 / 318": Kingston and Richmond reported together
            s = stats[RENUMBERED.get(dfe, dfe)]
            s["ons"].add(ons)
            s["names"].add(r["la_name"].strip())
            s["region"] = s["region"] or r["region_name"]
            if dfe in RENUMBERED:
                s.setdefault("former_dfe", set()).add(dfe)

    rows: list[dict] = []
    for r in lookup:
        ons_name = r["local_authority_ons_name"].strip()
        name = TIDY.get(ons_name, ons_name)
        dfe, ons = r["la_code"].strip(), r["la_code_new"].strip()
        la_type = r["ons_la_type"].strip() or ("County" if name.endswith("shire") else "Unitary Authority")
        s = stats.get(dfe, {"ons": set(), "names": set(), "former_dfe": set()})
        former = set(s["ons"])
        former |= {c for c, n in utla.items() if TIDY.get(n, n) == name}  # Apr-23 file predates Barnsley's new code
        aliases = {ons_name, *s["names"], utla.get(ons, ons_name)} | styled(name, la_type)
        aliases |= set(split_aka(r["also_known_as"], ons_name))
        if name == "Bournemouth, Christchurch and Poole":
            aliases.discard("Bournemouth")  # a council of its own until 2019
        region = r["region_name"].strip() or corrections.get(name, "").replace("Inner ", "").replace("Outer ", "")
        rows.append({
            "name": name, "ons_code": ons, "former_ons_codes": former - {ons}, "dfe_code": dfe,
            "former_dfe_codes": s.get("former_dfe", set()), "region": region.replace("The Humber", "the Humber"),
            "abolished": ABOLISHED.get(dfe, ""), "domain": r["domain"].strip().lower(), "aliases": aliases,
        })

    # Councils the statistics know and the Ofsted lookup no longer lists (Bournemouth before BCP).
    known = {r["dfe_code"] for r in rows}
    for dfe, s in sorted(stats.items()):
        if dfe not in known:
            (name,) = s["names"]
            (ons,) = s["ons"]
            assert dfe in ABOLISHED, f"council {name} ({dfe}) is in the statistics only: add it to ABOLISHED"
            rows.append({
                "name": name, "ons_code": ons, "former_ons_codes": set(), "dfe_code": dfe, "former_dfe_codes": set(),
                "region": s["region"], "abolished": ABOLISHED[dfe], "domain": "",
                "aliases": styled(name, "Unitary Authority"),
            })

    by_name = {r["name"]: r for r in rows}
    taken = {key(a): r["name"] for r in rows for a in (r["name"], *r["aliases"])}
    # The scraper's names ("london corporation", "telford & wrekin"), where they do not name another council.
    urn_name = {r["urn"]: TIDY.get(r["local_authority_ons_name"].strip(), r["local_authority_ons_name"].strip())
                for r in lookup}
    for h in read(ref / "ofsted_csc_ilacs_history.csv"):
        target = urn_name.get(h["urn"])
        if target and taken.setdefault(key(h["local_authority"]), target) == target:
            if key(h["local_authority"]) != key(target):
                by_name[target]["aliases"].add(h["local_authority"].title().replace(" And ", " and "))

    # Hand-kept aliases. An alias listed for two councils is ambiguous: the resolver leaves it to context.
    for e in read(EXTRA):
        assert e["council"] in by_name, f"{EXTRA.name}: unknown council {e['council']!r}"
        by_name[e["council"]]["aliases"].add(e["alias"].strip())

    domains = [r["domain"] for r in rows if not r["abolished"]]
    for r in rows:
        seen = {r["name"].lower()}  # drop empty and case-only variants ("Kingston Upon Hull")
        r["aliases"] = {a for a in sorted(r["aliases"]) if a and not (a.lower() in seen or seen.add(a.lower()))}
        if r["abolished"] and r["domain"] in domains:
            r["domain"] = ""  # Poole's old lookup row points at BCP's site
    rows.sort(key=lambda x: (x["name"], x["abolished"] != ""))
    check(rows, set(utla))
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ";".join(sorted(v)) if isinstance(v, set) else v for k, v in r.items()})
    current = sum(1 for r in rows if not r["abolished"])
    print(f"wrote {len(rows)} councils ({current} current) to {OUT.relative_to(ROOT)}")


def check(rows: list[dict], utla_codes: set[str]) -> None:
    """Fail rather than ship a table the resolver would misread."""
    for col in ("name", "ons_code", "dfe_code"):
        seen = [r[col] for r in rows]
        dupes = {v for v in seen if seen.count(v) > 1}
        assert not dupes, f"duplicate {col}: {dupes}"
    codes = [c for r in rows for c in (r["ons_code"], *r["former_ons_codes"])]
    assert len(codes) == len(set(codes)), "an ONS code belongs to two councils"
    for r in rows:
        assert re.fullmatch(r"E(06|08|09|10)\d{6}", r["ons_code"]), r
        assert re.fullmatch(r"\d{3}", r["dfe_code"]), r
        assert r["region"], f"no region for {r['name']}"
        if not r["abolished"]:
            assert r["ons_code"] in utla_codes or r["former_ons_codes"] & utla_codes, f"{r['name']} is not a UTLA"
    names = {key(r["name"]): r["name"] for r in rows}
    for r in rows:
        for a in r["aliases"]:
            other = names.get(key(a))
            assert other in (None, r["name"]), f"alias {a!r} of {r['name']} is the name of {other}"


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
