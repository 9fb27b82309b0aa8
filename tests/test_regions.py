"""Region join on the real (vendored) Natural Earth polygons: known cities, coasts, sea, abroad."""
from __future__ import annotations

import json
import math
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import _vendor, regions
from geo._errors import InputError
from geo.admin1 import UKRAINE, name_of

PLACES = {  # name: (lat, lon, expected admin1, expected country)
    "Sevastopol": (44.6, 33.52, "Sevastopol", "UA"),
    "Simferopol": (44.95, 34.10, "Autonomous Republic of Crimea", "UA"),
    "Kerch": (45.36, 36.47, "Autonomous Republic of Crimea", "UA"),
    "Belgorod": (50.6, 36.58, "Belgorod Oblast", "RU"),
    "Kursk": (51.73, 36.19, "Kursk Oblast", "RU"),
    "Kherson": (46.636, 32.615, "Kherson Oblast", "UA"),   # outside the coarse coast: fallback
    "Kyiv": (50.4501, 30.5234, "Kyiv City", "UA"),
    "Donetsk": (48.0159, 37.8028, "Donetsk Oblast", "UA"),
    "Odesa": (46.4825, 30.7233, "Odesa Oblast", "UA"),
    "Zaporizhzhia": (47.8388, 35.1396, "Zaporizhzhia Oblast", "UA"),
    "Black Sea": (44.0, 34.0, "", ""),
    "Warsaw": (52.2297, 21.0122, "", "PL"),
    "Minsk": (53.9, 27.5667, "", "BY"),
    "Geneva": (46.2044, 6.1432, "", ""),
}


def _frame(names):
    return pd.DataFrame({"location_name": list(names),
                         "latitude": [PLACES[n][0] for n in names],
                         "longitude": [PLACES[n][1] for n in names],
                         "admin1": "stale", "country": "XX"})


def test_known_places():
    out = regions.join_regions(_frame(PLACES)).set_index("location_name")
    for name, (_, _, admin1, country) in PLACES.items():
        assert (out.at[name, "admin1"], out.at[name, "country"]) == (admin1, country), name
        code = out.at[name, "admin1_code"]
        assert (name_of(code) if code else "") == admin1


def test_kherson_needs_the_fallback_and_max_km_limits_it():
    df = _frame(["Kherson"])
    assert regions.join_regions(df, max_km=0)["admin1"].iat[0] == ""
    assert regions.join_regions(df, max_km=0.05)["admin1"].iat[0] == ""  # ~200 m off the coast
    assert regions.join_regions(df, max_km=1)["admin1_code"].iat[0] == "UA.08"


def test_missing_and_invalid_coordinates_give_empty_strings():
    df = pd.DataFrame({"latitude": [None, "", "abc", 95.0, 50.45, float("nan")],
                       "longitude": [30.5, 30.5, 30.5, 30.5, None, 30.5], "admin1": "Kyiv City"})
    out = regions.join_regions(df)
    assert (out[["country", "admin1", "admin1_code"]] == "").all().all()
    assert df["admin1"].eq("Kyiv City").all()  # input untouched


def test_custom_columns_string_coordinates_and_index_kept():
    df = pd.DataFrame({"lat": ["50.6"], "lon": ["36.58"]}, index=[42])
    out = regions.join_regions(df, lat="lat", lon="lon")
    assert out.index.tolist() == [42] and out.at[42, "admin1"] == "Belgorod Oblast"
    with pytest.raises(InputError, match="latitude"):
        regions.join_regions(pd.DataFrame({"lon": [1.0]}))


def test_ukraine_has_27_units_with_official_names():
    g = regions.load_regions()
    assert list(g.columns) == ["code", "admin1", "country", "geometry"] and g.crs.to_epsg() == 4326
    ua = g[g["country"] == "UA"]
    assert sorted(ua["code"]) == sorted(a.code for a in UKRAINE)
    assert set(ua["admin1"]) == {a.name for a in UKRAINE}
    for name in ("Kyiv City", "Zaporizhzhia Oblast", "Odesa Oblast", "Autonomous Republic of Crimea"):
        assert name in set(ua["admin1"])
    named = g[g["code"] != ""]
    assert (named["admin1"] == named["code"].map(name_of)).all()
    assert named["code"].is_unique
    assert (g.loc[~g["country"].isin(["UA", "RU"]), ["code", "admin1"]] == "").all().all()


def test_russia_covers_no_crimea_and_its_minor_islands_get_an_oblast():
    g = regions.load_regions()
    ru = g[g["country"] == "RU"]
    assert (ru["code"] != "").all() and len(ru) == 83
    crimea = g[g["code"].isin(["UA.11", "UA.20"])].union_all()
    assert shapely.area(shapely.intersection(ru.geometry.values, crimea)).sum() < 1e-9
    raw = gpd.read_file(_vendor.path("rus.json"))
    islands = shapely.get_parts(raw.loc[raw["gn_a1_code"] == "RU.", "geometry"].values)
    assert len(islands) > 5
    pts = shapely.point_on_surface(islands)
    out = regions.join_regions(pd.DataFrame({"latitude": shapely.get_y(pts), "longitude": shapely.get_x(pts)}),
                               max_km=0)
    assert (out["country"] == "RU").all() and (out["admin1"] != "").all()


def test_cache_file_is_written_and_reused(tmp_path, monkeypatch):
    for stem in regions.SOURCES:
        (tmp_path / f"{stem}.json").write_bytes(_vendor.path(f"{stem}.json").read_bytes())
    monkeypatch.setenv("FRONTLINE_MAP_VENDOR", str(tmp_path))
    monkeypatch.setenv("FRONTLINE_MAP_CACHE", str(tmp_path))   # the cache lives outside the package folder
    regions._regions.cache_clear()
    try:
        first = regions.load_regions()
        assert len(list(tmp_path.glob("regions-*.parquet"))) == 1
        regions._regions.cache_clear()
        with monkeypatch.context() as m:
            m.setattr(regions, "_build", lambda paths: pytest.fail("cache not used"))
            again = regions.load_regions()
        assert again["code"].tolist() == first["code"].tolist()
        assert again.geometry.geom_equals(first.geometry).all()
        regions._regions.cache_clear()
        (tmp_path / "rus.json").write_text("not json")  # a changed source invalidates the cache
        with pytest.raises(InputError, match="rus.json"):
            regions.load_regions()
    finally:
        regions._regions.cache_clear()


def test_region_centroids_lie_inside_their_unit():
    cents = regions.region_centroids()
    g = regions.load_regions().set_index("code")
    assert len(cents) == 27 + 83
    for code, (lat, lon) in cents.items():
        assert g.loc[code, "geometry"].intersects(shapely.Point(lon, lat)), code
    assert abs(cents["UA.12"][0] - 50.45) < 0.2 and abs(cents["UA.12"][1] - 30.52) < 0.3


def test_basemap_is_small_rounded_and_limited_by_bbox():
    bm = regions.basemap_geojson((30.0, 44.0, 40.0, 52.0))
    assert bm["type"] == "FeatureCollection"
    props = [f["properties"] for f in bm["features"]]
    ua = [p for p in props if p["country"] == "UA"]
    assert len(ua) == 27 and all(p["kind"] == "admin1" for p in ua)
    assert {p["name"] for p in ua} == {a.name for a in UKRAINE}
    ru_codes = {p["code"] for p in props if p["country"] == "RU"}
    assert {"RU.09", "RU.41", "RU.10", "RU.61"} <= ru_codes and "RU.92" not in ru_codes  # no Kamchatka
    countries = [p for p in props if p["kind"] == "country"]
    assert "BY" in {p["country"] for p in countries} and all(p["code"] == "" for p in countries)
    assert next(p for p in countries if p["country"] == "BY")["name"] == "Belarus"
    text = json.dumps(bm)
    assert len(text) < 400_000
    coords = np.concatenate([np.asarray(shapely.get_coordinates(shapely.geometry.shape(f["geometry"])))
                             for f in bm["features"]])
    assert np.allclose(coords, np.round(coords, 4), atol=1e-9)
    full = regions.basemap_geojson()
    assert sum(f["properties"]["country"] == "RU" for f in full["features"]) == 83
    assert len(json.dumps(full)) > len(text)


def test_basemap_units_still_share_borders():
    """Coverage simplification: neighbouring oblasts keep a common edge (no slivers)."""
    bm = regions.basemap_geojson((30.0, 44.0, 40.0, 52.0))
    geoms = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in bm["features"]
             if f["properties"]["code"]}
    shared = geoms["UA.05"].intersection(geoms["UA.14"])  # Donetsk / Luhansk
    assert shared.length > 1.0
    assert geoms["UA.05"].intersection(geoms["UA.14"]).area < 1e-6


def test_100k_points_join_fast():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"latitude": rng.uniform(44.5, 52.0, 100_000), "longitude": rng.uniform(22.5, 40.0, 100_000)})
    regions.join_regions(df.head(10))  # load and index outside the timing
    t = time.process_time()
    out = regions.join_regions(df)
    took = time.process_time() - t
    assert took < 4.0, took  # CPU s, ~0.3-0.8 here (a point-by-point join took minutes); CPU, not wall: load-proof
    assert math.isclose((out["country"] == "UA").mean(), 0.6, abs_tol=0.2)


def test_repeated_points_are_located_once_with_each_rows_own_answer():
    """locate() works on distinct points: every row gets what locating it alone gives (coast fallbacks,
    sea, abroad, invalid values and repeats shuffled together)."""
    rng = np.random.default_rng(5)
    base = [PLACES[n][:2] for n in PLACES] + [(float("nan"), 30.0), (95.0, 30.0), (50.0, float("inf"))]
    base += [(rng.uniform(44, 53), rng.uniform(22, 41)) for _ in range(60)]
    pick = rng.integers(0, len(base), 2000)
    lat = np.array([base[i][0] for i in pick])
    lon = np.array([base[i][1] for i in pick])
    got = regions.locate(lat, lon)
    alone = {i: int(regions.locate(np.array([base[i][0]]), np.array([base[i][1]]))[0]) for i in set(pick.tolist())}
    assert got.tolist() == [alone[i] for i in pick.tolist()]
    assert (got >= 0).sum() > 1000 and (got < 0).any()
