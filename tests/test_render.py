"""geo.render without a browser: escaping, link policy, compact data, a self-contained page."""
from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from geo import render
from geo.render import blob_sizes, events_blob, is_web_url, json_for_html, render_html, render_map


def _decode(col):
    return [col["d"][i] for i in col["i"]] if isinstance(col, dict) else col


def _blob(page: str, key: str):
    m = re.search(rf'<script type="application/json" id="fl-{key}">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_json_for_html_cannot_close_the_script_and_round_trips():
    obj = {"e": "</script><script>alert(1)</script>", "a": "a & b <!-- \u2028\u2029 ${x} {{ 7*7 }}"}
    s = json_for_html(obj)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in s
    assert json.loads(s) == obj


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a", True), ("http://x.y", True), ("HTTPS://Example.org", True),
    ("javascript:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,x", False),
    ("http:/x", False), ("//example.org", False), ("report.csv", False), ("", False), (None, False),
    (" https://example.org", False), ("https:// x", False),
])
def test_only_http_urls_are_links(url, ok):
    assert is_web_url(url) is ok


def test_events_blob_drops_unplaceable_rows_and_encodes_compactly():
    df = render.synthetic_events(200, 5, undated=3)
    df.loc[0, "latitude"] = float("nan")
    df.loc[1, "longitude"] = 500.0
    df["extra_note"] = ["note"] * len(df)
    df.loc[2, "confidence"] = float("nan")
    blob, dropped = events_blob(df)
    assert dropped == 2 and blob["n"] == 198
    cols = blob["cols"]
    assert isinstance(cols["event_type"], dict)                       # dictionary-encoded
    assert _decode(cols["event_type"]) == df["event_type"].iloc[2:].tolist()
    assert _decode(cols["event_id"]) == df["event_id"].iloc[2:].tolist()
    assert cols["confidence"][0] is None                              # NaN → null, not NaN
    assert "extra_note" in blob["order"] and _decode(cols["extra_note"])[0] == "note"
    assert all(v == "1" for v in _decode(cols["_link"]))             # all synthetic sources are https
    assert json.loads(json_for_html(blob)) == blob                   # valid JSON (no NaN)


def test_page_is_self_contained_and_data_is_literal(tmp_path):
    df = render.synthetic_events(30, 3)
    df.loc[0, "evidence"] = "{{ 7*7 }} {% raw %} </script><script>window.__x=1</script>"
    df.loc[1, "source"] = "javascript:window.__x=1"
    out = tmp_path / "sub" / "index.html"
    render_map(df, out, title="<b>War</b> map", basemap={"type": "FeatureCollection", "features": []},
               frontline={"dates": ["2024-01-02", "2024-01-01"], "geometries": [{"type": "Point", "coordinates": [1, 2]}, None]})
    page = out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["index.html"]   # atomic write left no temp file
    # nothing loaded from the network: no src/href to http(s), no CDN link tags
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "cdn.jsdelivr" not in page and "<link" not in page
    assert "L.version" in page or "Leaflet" in page                  # Leaflet inlined
    assert page.count("</script>") == len(re.findall(r"<script\b", page))   # no breakout
    assert "<title>&lt;b&gt;War&lt;/b&gt; map</title>" in page
    ev = _blob(page, "events")
    assert _decode(ev["cols"]["evidence"])[0] == df.loc[0, "evidence"]       # not evaluated as Jinja
    assert _decode(ev["cols"]["_link"])[1] == ""
    fl = _blob(page, "frontline")
    assert fl["dates"] == ["2024-01-01", "2024-01-02"] and fl["geometries"][1]["type"] == "Point"
    assert set(blob_sizes(page)) == {"config", "events", "basemap", "frontline"}
    assert "window.frontline = frontlineViewer(map_" in page


def test_tiles_are_only_used_when_asked():
    df = render.synthetic_events(5, 1)
    assert "tile.example" not in render_html(df)
    assert "https://tile.example/{z}/{x}/{y}.png" in render_html(df, tiles="https://tile.example/{z}/{x}/{y}.png")


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://t/{z}\"</script>", "file:///tiles/{z}.png"])
def test_tiles_must_be_a_plain_web_url(bad):
    from geo._errors import InputError
    with pytest.raises(InputError):
        render_html(render.synthetic_events(3, 1), tiles=bad)


def test_geodataframe_points_are_placed():
    gpd = pytest.importorskip("geopandas")
    df = render.synthetic_events(10, 2)
    gdf = gpd.GeoDataFrame(df.drop(columns=["latitude", "longitude"]),
                           geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs=4326)
    blob, dropped = events_blob(gdf)
    assert dropped == 0 and blob["cols"]["latitude"] == df["latitude"].tolist()
    assert "geometry" not in blob["order"]


def test_empty_events_still_render():
    page = render_html(pd.DataFrame(columns=["event_date", "latitude", "longitude"]))
    assert _blob(page, "events")["n"] == 0


def test_synthetic_events_are_valid():
    df = render.synthetic_events(100, 10, undated=4)
    assert (df["event_date"] == "").sum() == 4
    assert df["latitude"].between(44, 53).all() and not any(math.isnan(x) for x in df["longitude"])
    assert df["event_id"].is_unique


def test_front_line_is_packed_as_integer_deltas():
    from geo.render import FRONT_SCALE, _pack_geometry
    poly = {"type": "Polygon", "coordinates": [[[37.12345, 47.5], [38.0, 47.5], [38.0, 48.25], [37.12345, 47.5]]]}
    packed = _pack_geometry(poly)["p"]
    flat = packed[0][0]
    xs, ys, x, y = [], [], 0, 0
    for dx, dy in zip(flat[::2], flat[1::2]):
        x, y = x + dx, y + dy
        xs.append(x / FRONT_SCALE)
        ys.append(y / FRONT_SCALE)
    assert xs == [37.1234, 38.0, 38.0, 37.1234] or xs == [37.1235, 38.0, 38.0, 37.1235]
    assert ys == [47.5, 47.5, 48.25, 47.5]
    assert all(isinstance(v, int) for v in flat)
    assert _pack_geometry({"type": "Point", "coordinates": [1, 2]}) == {"type": "Point", "coordinates": [1, 2]}
