import json
from pathlib import Path

import pytest

from geo._errors import InputError
from geo.read import column_mapping, normalise_type, read_table

SHARED = Path(__file__).resolve().parents[2] / "shared"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_foreign_column_names_are_mapped_and_extras_kept(tmp_path):
    p = write(tmp_path, "acled.csv",
              "event_date,location,admin1,latitude,longitude,notes,sub_event_type,fatalities,country\n"
              "16 September 2022,Kherson,Kherson,46.6354,32.6169,\"Strike, with a comma\",Air/drone strike,3,Ukraine\n")
    t = read_table(p)
    assert t.n_in == 1 and not t.rejects
    r = t.rows[0]
    assert r["event_date"] == "2022-09-16" and r["date_precision"] == "day"
    assert r["location_name"] == "Kherson" and r["latitude"] == 46.6354
    assert r["evidence"] == "Strike, with a comma"
    assert r["event_type"] == "strike" and r["event_type_original"] == "Air/drone strike"
    assert r["fatalities"] == "3"             # extra column kept
    assert r["country_input"] == "Ukraine"    # ours is derived from coordinates; theirs kept aside
    assert "country" not in r


def test_lat_lng_date_place_link_names():
    m = column_mapping(["Date", "lat", "lng", "place", "description", "link"])
    assert m == {"event_date": "Date", "latitude": "lat", "longitude": "lng", "location_name": "place",
                 "evidence": "description", "source": "link"}


def test_bad_rows_become_rejects_with_line_and_field(tmp_path):
    p = write(tmp_path, "e.csv",
              "date,lat,lon,place\n"
              "2022-09-01,46.6,32.6,Kherson\n"
              "2022-02-30,46.6,32.6,Kherson\n"
              "2022-09-01,abc,32.6,Kherson\n"
              "2022-09-01,,,\n"
              "\n"
              "2022-09-01,46.6,32.6\n"
              "\"2022-09-02\",\"46.6\",\"32.6\",\"multi\nline\"\n"
              "2022-09-01,46.6,190,Kherson\n")
    t = read_table(p)
    assert t.n_in == 7 and len(t.rows) == 2 and len(t.rejects) == 5
    by_line = {r.line: r for r in t.rejects}
    assert by_line[3].field == "date" and "no such date" in by_line[3].reason
    assert by_line[4].field == "lat" and "abc" in by_line[4].raw
    assert by_line[5].field == "place"
    assert "cells" in by_line[7].reason
    assert by_line[10].field == "lon"
    assert t.rows[1]["location_name"] == "multi\nline" and t.rows[1]["_line"] == 8


def test_missing_columns_and_unreadable_files_are_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="missing column"):
        read_table(write(tmp_path, "a.csv", "date,foo\n2022-01-01,1\n"))
    with pytest.raises(InputError, match="longitude"):
        read_table(write(tmp_path, "b.csv", "date,lat,place\n2022-01-01,1,X\n"))
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    bad = tmp_path / "c.csv"
    bad.write_bytes(b"date,lat,lon\n\xff\xfe,1,2\n")
    with pytest.raises(InputError, match="UTF-8"):
        read_table(bad)
    with pytest.raises(InputError, match=r"g\.geojson:3: malformed JSON"):
        read_table(write(tmp_path, "g.geojson", '{"type": "FeatureCollection",\n "features": [\n oops]}'))
    with pytest.raises(InputError, match="unsupported"):
        read_table(write(tmp_path, "x.xlsx", ""))


def test_geojson_points_and_non_points(tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.58, 50.6]},
         "properties": {"date": "2022-09-08", "type": "drone strike", "note": "x"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
         "properties": {"date": "2022-09-08"}},
        {"type": "Feature", "geometry": None, "properties": {"date": "2022-09-08", "place": "Kharkiv"}},
    ]}
    t = read_table(write(tmp_path, "e.geojson", json.dumps(fc)))
    assert t.n_in == 3 and len(t.rows) == 2
    assert t.rows[0]["latitude"] == 50.6 and t.rows[0]["event_type"] == "strike"
    assert t.rows[1]["latitude"] is None and t.rows[1]["location_name"] == "Kharkiv"
    assert t.rejects[0].line == 1 and t.rejects[0].field == "geometry"


def test_geopackage_and_parquet_round_trip(tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point
    gdf = gpd.GeoDataFrame({"date": ["2022-09-01", "2022-09-02"], "label": ["a", "b"]},
                           geometry=[Point(30.5, 50.45), Point(36.23, 49.99)], crs="EPSG:4326")
    gdf.to_file(tmp_path / "e.gpkg")
    gdf.to_parquet(tmp_path / "e.parquet")
    for name in ("e.gpkg", "e.parquet"):
        t = read_table(tmp_path / name)
        assert [r["latitude"] for r in t.rows] == [50.45, 49.99]
        assert [r["label"] for r in t.rows] == ["a", "b"]


@pytest.mark.parametrize("label,ours", [
    ("strike", "strike"), ("Shelling/artillery/missile attack", "strike"), ("Armed clash", "attack"),
    ("Remote explosive/landmine/IED", "explosion"), ("Headquarters", "other"), ("", "other"),
    ("destroyed equipment", "destroyed_equipment"),
])
def test_event_type_labels(label, ours):
    assert normalise_type(label)[0] == ours


def test_uawardata_table_reads_whole():
    f = SHARED / "data" / "uawardata" / "units_all.csv"
    if not f.exists():
        pytest.skip("../shared not present")
    t = read_table(f)
    assert t.n_in == 2269 and len(t.rows) + len(t.rejects) == 2269
    r = t.rows[0]
    assert r["country_input"] in ("ru", "ua") and r["unit"] and r["event_type"] == "other"
