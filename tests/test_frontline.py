"""Front-line snapshots: file discovery and errors, date lookup, point-in-polygon per date, JSON."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from geo._errors import InputError
from geo.frontline import Frontline, load_frontline

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "deepstate"


def _square(x0, y0, x1, y1):
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def _write(folder: Path, name: str, *geoms: dict, crs: str | None = None) -> Path:
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": {}, "geometry": g} for g in geoms]}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path = folder / name
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def two_days(tmp_path):
    _write(tmp_path, "deepstatemap_data_20240201.geojson",
           {"type": "MultiPolygon", "coordinates": [_square(30, 45, 32, 47)]},
           {"type": "Polygon", "coordinates": _square(35, 45, 36, 46)}, crs="urn:ogc:def:crs:OGC:1.3:CRS84")
    _write(tmp_path, "deepstatemap_data_20240101.geojson", {"type": "Polygon", "coordinates": _square(30, 45, 31, 46)})
    (tmp_path / "LICENSE").write_text("not a snapshot")
    (tmp_path / "notes.geojson").write_text("{}")  # no date in the name: ignored
    return load_frontline(tmp_path)


def test_dates_sorted_from_file_names_and_features_merged(two_days):
    assert two_days.dates == ["2024-01-01", "2024-02-01"]
    later = two_days.geometries[1]
    assert later.contains(shapely.Point(35.5, 45.5)) and later.contains(shapely.Point(31.5, 46.5))
    assert not two_days.geometries[0].contains(shapely.Point(31.5, 46.5))


def test_on_picks_latest_snapshot_on_or_before(two_days):
    assert two_days.on("2023-12-31") is None
    assert two_days.on("2024-01-01") == 0
    assert two_days.on("2024-01-31") == 0
    assert two_days.on("2024-02-01T08:00:00") == 1
    assert two_days.on("2024-03-03") == 1                       # 31 days after the last: still in force
    assert two_days.on("2024-03-04") is None                    # 32 days: too old to be drawn as "the" line
    assert two_days.on("2030-01-01") is None
    long = Frontline(two_days.dates, two_days.geometries, max_age_days=10_000)
    assert long.on("2030-01-01") == 1
    assert two_days.on("") is None and two_days.on("yesterday") is None


def test_occupied_uses_the_polygon_in_force_on_each_date(two_days):
    df = pd.DataFrame({
        "latitude": [46.5, 46.5, 45.5, 45.5, None, 45.5, 40.0],
        "longitude": [31.5, 31.5, 30.5, 30.5, 30.5, 30.5, 20.0],
        "event_date": ["2024-01-15", "2024-02-15", "2023-12-31", "", "2024-01-15", None, "2024-03-01"],
    }, index=list("abcdefg"))
    got = two_days.occupied(df)
    assert got.index.tolist() == list("abcdefg")
    assert got.tolist() == [False, True, None, None, None, None, False]
    df["event_date"] = pd.to_datetime(df["event_date"], errors="coerce")
    assert two_days.occupied(df).tolist() == [False, True, None, None, None, None, False]
    other = df.rename(columns={"latitude": "y", "longitude": "x", "event_date": "day"})
    assert two_days.occupied(other, lat="y", lon="x", date="day").tolist() == got.tolist()
    with pytest.raises(InputError, match="event_date"):
        two_days.occupied(df.drop(columns="event_date"))


def test_to_json_rounds_and_round_trips(tmp_path):
    ring = [[30 + math.cos(a / 100) * 1.23456789, 45 + math.sin(a / 100) * 1.23456789] for a in range(629)]
    ring.append(ring[0])
    _write(tmp_path, "x_20240301.geojson", {"type": "Polygon", "coordinates": [ring]})
    raw = load_frontline(tmp_path, tolerance_deg=0)
    simple = load_frontline(tmp_path, tolerance_deg=0.01)
    assert shapely.get_num_coordinates(raw.geometries[0]) == 630
    assert shapely.get_num_coordinates(simple.geometries[0]) < 100
    assert simple.geometries[0].is_valid
    assert simple.geometries[0].symmetric_difference(raw.geometries[0]).area < 0.05
    out = simple.to_json(precision=3)
    assert out["dates"] == ["2024-03-01"] and len(out["geometries"]) == 1
    coords = shapely.get_coordinates(shape(out["geometries"][0]))
    assert all(abs(v * 1000 - round(v * 1000)) < 1e-6 for v in coords.ravel())
    assert json.loads(json.dumps(out)) == out
    assert max(len(d) for d in re.findall(r"\.(\d+)", json.dumps(out))) <= 3
    tiny = Frontline(["2024-01-01"], [shapely.box(30, 45, 30.00001, 45.00001)]).to_json()
    assert tiny["geometries"] == [{"type": "MultiPolygon", "coordinates": []}]


def test_feature_bare_geometry_and_null_geometries_are_read(tmp_path):
    poly = {"type": "Polygon", "coordinates": _square(30, 45, 31, 46)}
    (tmp_path / "a_20240101.geojson").write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": poly}))
    (tmp_path / "a_20240102.geojson").write_text(json.dumps(poly))
    _write(tmp_path, "a_20240103.geojson", None, poly)  # a feature without geometry is skipped
    fl = load_frontline(tmp_path)
    assert fl.dates == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert all(g.equals(shape(poly)) for g in fl.geometries)


@pytest.mark.parametrize("name,content,message", [
    ("a_20240101.geojson", "{not json", "not readable GeoJSON"),
    ("a_20241301.geojson", None, "bad date"),
    ("a_20240101.geojson", {"type": "LineString", "coordinates": [[30, 45], [31, 46]]}, "expected"),
    ("a_20240101.geojson", {"type": "Polygon", "coordinates": _square(3e6, 5e6, 3.1e6, 5.1e6)}, "longitude"),
    ("a_20240101.geojson", {"type": "FeatureCollection", "features": []}, "no polygon"),
])
def test_bad_file_names_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        content = {"type": "Polygon", "coordinates": _square(30, 45, 31, 46)}
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(InputError, match=message) as err:
        load_frontline(tmp_path)
    assert name in str(err.value)


def test_folder_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_frontline(tmp_path / "missing")
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(InputError, match="is a file"):
        load_frontline(tmp_path / "x.txt")
    (tmp_path / "x.txt").unlink()
    with pytest.raises(InputError, match="no \\*_YYYYMMDD"):
        load_frontline(tmp_path)
    _write(tmp_path, "a_20240101.geojson", {"type": "Polygon", "coordinates": _square(30, 45, 31, 46)})
    _write(tmp_path, "b_20240101.geojson", {"type": "Polygon", "coordinates": _square(30, 45, 31, 46)})
    with pytest.raises(InputError, match="second snapshot"):
        load_frontline(tmp_path)
    (tmp_path / "mercator").mkdir()
    _write(tmp_path / "mercator", "c_20240101.geojson", {"type": "Polygon", "coordinates": _square(0, 0, 1, 1)},
           crs="EPSG:3857")
    with pytest.raises(InputError, match="not WGS84"):
        load_frontline(tmp_path / "mercator")


def test_frontline_can_be_built_directly():
    fl = Frontline(["2024-01-01"], [shapely.box(30, 45, 31, 46)])
    df = pd.DataFrame({"latitude": [45.5, 45.5], "longitude": [30.5, 30.5], "event_date": ["2024-01-20", "2024-06-01"]})
    assert fl.occupied(df).tolist() == [True, None]             # 152 days later: not known, not "yes"
    fl = Frontline(["2024-01-01"], [shapely.box(30, 45, 31, 46)], max_age_days=200)
    assert fl.occupied(df).tolist() == [True, True]


def test_coverage_warning_names_the_uncovered_events_and_the_option():
    fl = Frontline(["2024-07-08", "2024-10-01"], [shapely.box(30, 45, 31, 46)] * 2)
    assert fl.coverage_warning(["2024-07-20", "2024-10-02", None, ""]) is None
    w = fl.coverage_warning(["2022-03-01", "2022-05-01", "2024-07-20"])
    assert w.startswith("no front-line snapshot covers 2 of 3 dated events (2022-03-01..2022-05-01;")
    assert "--frontline-max-age" in w and "31 days" in w
    assert fl.coverage_warning(["2022-03-01"]).startswith("no front-line snapshot covers the events")
    assert fl.to_json()["max_age_days"] == 31


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/deepstate absent")
def test_real_deepstate_snapshots():
    fl = load_frontline(SHARED)
    assert len(fl.dates) >= 2 and fl.dates[0] == "2024-07-08" and fl.dates == sorted(fl.dates)
    df = pd.DataFrame({
        "latitude": [48.0159, 50.4501, 44.95, 46.636, 48.0159],
        "longitude": [37.8028, 30.5234, 34.10, 32.615, 37.8028],
        "event_date": ["2024-07-08", "2024-07-08", "2024-10-20", "2024-07-08", "2024-07-07"],
    })  # Donetsk, Kyiv, Simferopol, Kherson city (liberated 2022), Donetsk before the first file
    assert fl.occupied(df).tolist() == [True, False, True, False, None]
    df.loc[2, "event_date"] = "2025-01-01"                      # 92 days after 2024-10-01: not covered
    assert fl.occupied(df).tolist()[2] is None
    assert load_frontline(SHARED, max_age_days=100).occupied(df).tolist()[2] is True
    raw = sum(p.stat().st_size for p in SHARED.glob("*_????????.geojson"))
    simplified = sum(len(json.dumps(g, separators=(",", ":"))) for g in fl.to_json()["geometries"])
    assert simplified < raw / 2
