"""The HTML map in headless Chromium, offline: every non-file request is aborted and must not happen."""
from __future__ import annotations

import csv
import io
import json
import time

import pandas as pd
import pytest

from geo.render import render_map, synthetic_events

pytestmark = pytest.mark.browser

N_DAYS = 20


def _square(lon: float, lat: float, code: str, name: str, kind: str = "admin1") -> dict:
    ring = [[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]
    return {"type": "Feature", "properties": {"code": code, "name": name, "country": "UA", "kind": kind},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


#: Regions north of the events (51–52°N), so hovering them never hits a marker.
BASEMAP = {"type": "FeatureCollection", "features": [
    _square(31.0, 51.0, "UA.05", "Donetsk Oblast"), _square(32.0, 51.0, "UA.07", "Kharkiv Oblast"),
    _square(29.0, 51.0, "", "Belarus", "country")]}
FRONTLINE = {"dates": ["2024-01-05", "2024-01-12"], "geometries": [
    {"type": "Polygon", "coordinates": [[[37, 47], [38, 47], [38, 48], [37, 48], [37, 47]]]},
    {"type": "Polygon", "coordinates": [[[36, 47], [38, 47], [38, 48.5], [36, 48.5], [36, 47]]]}]}


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    df = synthetic_events(600, N_DAYS, seed=3, undated=9)
    df["occupied"] = [True, False, None] * 200
    df.loc[5, "evidence"] = "=HYPERLINK(\"http://evil\")"
    df.loc[6, "location_name"] = "Robotyne"
    df.loc[7, "source"] = "report-7.pdf"
    return df


@pytest.fixture(scope="module")
def map_file(tmp_path_factory, events):
    path = tmp_path_factory.mktemp("map") / "index.html"
    render_map(events, path, title="Test map", basemap=BASEMAP, frontline=FRONTLINE)
    return path


@pytest.fixture
def page(offline_page, map_file):
    p = offline_page().open(map_file)
    yield p
    assert p.errors == [], p.errors
    assert p.requests == [], p.requests
    assert p.csp_violations() == []


def _count(df: pd.DataFrame, date: str | None, **eq) -> int:
    sub = df if date is None else df[df["event_date"] == date]
    for k, v in eq.items():
        sub = sub[sub[k].isin(v if isinstance(v, list) else [v])]
    return len(sub)


def _days(df):
    return sorted(d for d in df["event_date"].unique() if d)


def _screen_xy(p, lat: float, lon: float) -> tuple[float, float]:
    """Page coordinates of a point on the map (to hover or click there like a user)."""
    return tuple(p.js("""ll => { const map = frontline.map, pt = map.latLngToContainerPoint(ll),
        r = map.getContainer().getBoundingClientRect(); return [r.left + pt.x, r.top + pt.y]; }""", [lat, lon]))


# ---- milestone 1: offline render, per-date layers, popups ------------------------------------------

def test_renders_offline_and_marker_count_follows_the_date(page, events):
    p = page
    days = _days(events)
    assert p.js("frontline.days") == days                       # contiguous synthetic days
    assert p.js("frontline.getDate()") is None                  # opens on all dates (≤ 20,000 events)
    assert p.js("frontline.shownCount()") == len(events)
    for d in (days[0], days[7], days[-1]):
        p.js("d => frontline.setDate(d)", d)
        assert p.js("frontline.drawnCount()") == _count(events, d) > 0
        assert p.js("frontline.shownCount()") == _count(events, d)
    p.js("frontline.setDate(null)")                             # undated rows only under "all dates"
    assert p.js("frontline.drawnCount()") == len(events)
    assert (events["event_date"] == "").sum() == 9
    assert sum(_count(events, d) for d in days) == len(events) - 9


def test_date_controls_change_what_is_drawn(page, events):
    p, days = page, _days(events)
    assert p.js("frontline.getDate()") is None and p.js("frontline.drawnCount()") == len(events)
    p.page.click(".fl-all input")                               # "all dates" off → latest date
    assert p.js("frontline.getDate()") == days[-1]
    before = p.js("frontline.shownIds()")
    p.page.click(".fl-prev")
    assert p.js("frontline.getDate()") == days[-2]
    assert p.page.text_content(".fl-date") == days[-2]
    after = p.js("frontline.shownIds()")
    assert set(after) != set(before) and len(after) == p.js("frontline.drawnCount()") == _count(events, days[-2])
    p.page.focus(".fl-slider")
    for _ in range(3):
        p.page.keyboard.press("ArrowLeft")
    assert p.js("frontline.getDate()") == days[-5]
    assert p.js("frontline.drawnCount()") == _count(events, days[-5])
    p.page.click(".fl-next")
    assert p.js("frontline.getDate()") == days[-4]
    p.page.click(".fl-all input")
    assert p.js("frontline.getDate()") is None and p.js("frontline.drawnCount()") == len(events)
    assert p.page.text_content(".fl-date") == "All dates"


def test_clicking_a_marker_opens_a_full_popup(page, events):
    p = page
    row = events.iloc[10]
    p.js("d => frontline.setDate(d)", row["event_date"])
    p.js("ll => frontline.map.setView(ll, 12, {animate: false}) && null", [row["latitude"], row["longitude"]])
    x, y = _screen_xy(p, row["latitude"], row["longitude"])
    p.page.mouse.move(x, y)                                      # hover: tooltip with place and date
    p.page.wait_for_selector(".leaflet-tooltip .fl-tip")
    assert row["location_name"] in p.page.text_content(".leaflet-tooltip")
    p.page.mouse.click(x, y)
    p.page.wait_for_selector(".leaflet-popup-content .fl-popup")
    text = p.page.text_content(".leaflet-popup-content")
    for field in ("event_date", "weapon", "actor", "status", "location_name", "admin1",
                  "geo_precision", "evidence"):
        assert str(row[field]) in text, field
    assert row["date_precision"] == "day" or f"({row['date_precision']})" in text
    assert row["event_type"].replace("_", " ") in text or row["event_type"] in text
    assert str(row["confidence"]) in text
    assert ["Occupiedyes", "Occupiedno", "Occupiednot known"][10 % 3] in text   # occupied column
    href = p.page.get_attribute(".leaflet-popup-content a.fl-source", "href")
    assert href == row["source"]


def test_non_url_source_is_text_not_link(page, events):
    p = page
    row = events.iloc[7]
    p.js("d => frontline.setDate(d)", row["event_date"] or None)
    p.js("id => frontline.markerOf(id).openPopup()", row["event_id"])
    p.page.wait_for_selector(".leaflet-popup-content .fl-popup")
    assert "report-7.pdf" in p.page.text_content(".leaflet-popup-content")
    assert p.page.query_selector(".leaflet-popup-content a") is None


def test_legend_lists_every_type_with_its_count(page, events):
    p = page
    p.js("frontline.setDate(null)")
    for t in ("strike", "explosion", "attack", "destroyed_equipment", "other"):
        assert p.page.text_content(f".fl-type[data-type={t}] .fl-tcount") == str(_count(events, None, event_type=t))
    assert p.page.text_content(".fl-count").startswith(f"{len(events)} of {len(events)}")


# ---- milestone 2: the analyst viewer ------------------------------------------------------------

def test_play_pause_speed_and_window_mode(page, events):
    p, days = page, _days(events)
    p.js("d => frontline.setDate(d)", days[0])
    p.page.select_option(".fl-speed", "8")
    p.page.click(".fl-play")
    p.wait("d => frontline.getDate() >= d", arg=days[3])
    p.page.click(".fl-play")                                     # pause
    stopped = p.js("frontline.getDate()")
    p.page.wait_for_timeout(300)
    assert p.js("frontline.getDate()") == stopped != days[0]
    p.js("d => frontline.setDate(d)", days[10])
    p.page.click(".fl-window input")
    p.page.fill(".fl-winn", "3")
    p.page.dispatch_event(".fl-winn", "change")
    want = sum(_count(events, d) for d in days[8:11])
    assert p.js("frontline.shownCount()") == p.js("frontline.drawnCount()") == want
    assert p.page.text_content(".fl-date") == f"{days[8]} – {days[10]}"
    today = events[events["event_date"] == days[10]].iloc[0]
    older = events[events["event_date"] == days[9]].iloc[0]
    op = "id => frontline.markerOf(id).options.fillOpacity"
    assert p.js(op, today["event_id"]) > p.js(op, older["event_id"])   # new events stand out
    assert "win=3" in p.js("location.hash")


def test_timeline_strip_click_jumps_to_that_day(page, events):
    p, days = page, _days(events)
    box = p.page.locator(".fl-strip").bounding_box()
    for k in (2, 13):
        p.page.mouse.click(box["x"] + (k + 0.5) / len(days) * box["width"], box["y"] + box["height"] / 2)
        assert p.js("frontline.getDate()") == days[k]
        assert p.js("frontline.drawnCount()") == _count(events, days[k])


def test_legend_actor_and_precision_filters(page, events):
    p = page
    p.js("frontline.setDate(null)")
    p.page.click(".fl-type[data-type=strike] input")
    rest = len(events) - _count(events, None, event_type="strike")
    assert p.js("frontline.drawnCount()") == rest
    assert p.page.text_content(".fl-count").startswith(f"{rest} of")
    assert "types=explosion,attack,destroyed_equipment,other" in p.js("location.hash")
    p.page.click(".fl-actor[data-actor=RU] input")
    p.page.click(".fl-prec[data-prec=region] input")
    sub = events[(events.event_type != "strike") & (events.actor != "RU") & (events.geo_precision != "region")]
    assert p.js("frontline.drawnCount()") == p.js("frontline.shownCount()") == len(sub)


def test_precision_is_visible_in_the_marker_style(page, events):
    p = page
    p.js("frontline.setDate(null)")
    styles = {}
    for prec in ("settlement", "region", "country"):
        eid = events[events.geo_precision == prec].iloc[0]["event_id"]
        styles[prec] = p.js("id => { const o = frontline.markerOf(id).options; return [o.radius, o.dashArray, o.fillOpacity]; }", eid)
    assert styles["settlement"][0] < styles["region"][0] < styles["country"][0]
    assert styles["settlement"][1] is None and styles["region"][1] and styles["country"][1]
    assert styles["region"][1] != styles["country"][1]
    assert styles["settlement"][2] > styles["region"][2] > styles["country"][2]


def test_clustering_and_heatmap(page, events):
    p = page
    p.js("frontline.setDate(null)")
    p.js("frontline.map.setView([48.3, 34.5], 6, {animate: false}) && null")
    p.page.click(".fl-cluster input")
    p.page.wait_for_selector(".marker-cluster")
    assert p.js("frontline.clusterLayer().getLayers().length") == len(events)
    assert p.js("frontline.drawnCount()") < len(events)           # most dots are inside clusters
    z = p.js("frontline.map.getZoom()")
    p.page.click(".marker-cluster >> nth=0")
    p.wait("z => frontline.map.getZoom() > z || document.querySelector('.leaflet-cluster-spider-leg, .leaflet-marker-icon.leaflet-cluster-anim')", arg=z)
    p.page.click(".fl-cluster input")
    assert p.page.query_selector(".marker-cluster") is None
    p.page.click(".fl-heat input")
    assert p.page.query_selector("canvas.leaflet-heatmap-layer") is not None
    p.page.click(".fl-heat input")
    assert p.page.query_selector("canvas.leaflet-heatmap-layer") is None


def test_region_choropleth_counts_and_hover(page, events):
    p, days = page, _days(events)
    for d in (None, days[4]):
        p.js("d => frontline.setDate(d)", d)
        counts = p.js("frontline.regionCounts()")
        local = ["settlement", "region"]          # country-precision events are in no one region
        assert counts["UA.05"] == _count(events, d, admin1="Donetsk Oblast", geo_precision=local) > 0
        assert counts["UA.07"] == _count(events, d, admin1="Kharkiv Oblast", geo_precision=local) > 0
    p.js("frontline.map.setView([51.5, 32], 7, {animate: false}) && null")
    xy = _screen_xy(p, 51.5, 31.5)
    p.page.mouse.move(*xy)
    p.page.wait_for_selector(".leaflet-tooltip")
    tip = p.page.text_content(".leaflet-tooltip")
    n = _count(events, days[4], admin1='Donetsk Oblast', geo_precision=["settlement", "region"])
    assert "Donetsk Oblast" in tip and f"{n} events" in tip


def test_front_line_follows_the_date(page, events):
    p, days = page, _days(events)
    expected = {days[0]: None, days[4]: "2024-01-05", days[8]: "2024-01-05", days[11]: "2024-01-12",
                days[19]: "2024-01-12", None: None}             # "all dates": no single-date line
    for d, fl in expected.items():
        p.js("d => frontline.setDate(d)", d)
        assert p.js("frontline.frontlineDate()") == fl
        assert len(p.page.query_selector_all(".leaflet-fl-front-pane path")) == (0 if fl is None else 1)
    assert p.page.text_content(".fl-front-note").startswith("All dates: no single-date front line")
    p.js("d => frontline.setDate(d)", days[0])                   # before the first snapshot: says so
    assert p.page.text_content(".fl-front-note") == "no front line covers 2024-01-01: the first snapshot is 2024-01-05"
    p.js("d => frontline.setDate(d)", days[8])
    assert p.page.text_content(".fl-front-note") == "front line of 2024-01-05"
    p.js("frontline.setDate(null); frontline.setLayers({frontall: true})")   # asked for: the latest
    assert p.js("frontline.frontlineDate()") == "2024-01-12"
    # the packed polygon decodes to the input's extent (second snapshot: lon 36..38, lat 47..48.5)
    bounds = p.js("""(() => { let b = null; frontline.map.eachLayer(l => {
        if (l.options && l.options.pane === 'fl-front' && l.getBounds) b = l.getBounds(); });
        return b && [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()""")
    assert bounds == [36, 47, 38, 48.5]


def test_search_lists_matches_and_flies_there(page, events):
    p = page
    row = events.iloc[6]
    p.js("d => frontline.setDate(d)", _days(events)[0] if row["event_date"] != _days(events)[0] else _days(events)[1])
    p.page.fill(".fl-search", "robotyne")
    p.page.wait_for_selector(".fl-hit")
    assert p.page.text_content(".fl-hit >> nth=0").startswith("Robotyne")
    p.page.click(".fl-hit >> nth=0")
    p.page.wait_for_selector(".leaflet-popup-content .fl-popup")
    assert "Robotyne" in p.page.text_content(".leaflet-popup-content")
    assert p.js("frontline.getDate()") == (row["event_date"] or None)
    c = p.js("[frontline.map.getCenter().lat, frontline.map.getCenter().lng]")
    assert abs(c[0] - row["latitude"]) < 0.2 and abs(c[1] - row["longitude"]) < 0.2
    p.page.fill(".fl-search", "report 123 of")                  # evidence text
    p.wait("document.querySelector('.fl-hit-count') && document.querySelector('.fl-hit-count').textContent === '1 match'")


def test_url_hash_round_trip(page, events):
    p, days = page, _days(events)
    p.js("d => frontline.setDate(d)", days[3])
    assert f"date={days[3]}" in p.js("location.hash")
    p.js(f"location.hash = '#date={days[5]}&types=strike,explosion&z=9&c=48.5,35'")
    p.wait("d => frontline.getDate() === d", arg=days[5])
    assert p.js("frontline.shownCount()") == _count(events, days[5], event_type=["strike", "explosion"])
    assert not p.page.is_checked(".fl-type[data-type=attack] input")
    assert p.js("frontline.map.getZoom()") == 9
    p.js("frontline.map.setView([47, 33], 8, {animate: false}) && null")
    assert p.js("location.hash").endswith("z=8&c=47.0000,33.0000")


def test_export_csv_and_geojson_of_shown_events(page, events):
    p = page
    row = events.iloc[5]
    p.js("d => frontline.setDate(d)", row["event_date"])
    with p.page.expect_download() as dl:
        p.page.click(".fl-export-csv")
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    assert len(rows) == _count(events, row["event_date"]) == p.js("frontline.shownCount()")
    mine = next(r for r in rows if r["event_id"] == row["event_id"])
    assert mine["evidence"] == "'" + row["evidence"]              # formula injection neutralised
    assert float(mine["longitude"]) == pytest.approx(row["longitude"])
    with p.page.expect_download() as dl:
        p.page.click(".fl-export-geojson")
    gj = json.load(open(dl.value.path(), encoding="utf-8"))
    assert len(gj["features"]) == len(rows)
    f = next(f for f in gj["features"] if f["properties"]["event_id"] == row["event_id"])
    assert f["geometry"]["coordinates"] == pytest.approx([row["longitude"], row["latitude"]])


def test_the_network_guard_sees_tile_requests(offline_page, tmp_path, events):
    """Proves the zero-requests assertions can fail: an online tile layer is requested (and blocked)."""
    path = tmp_path / "tiles.html"
    render_map(events.iloc[:20], path, tiles="https://tile.example/{z}/{x}/{y}.png")
    p = offline_page().open(path)
    p.wait("document.querySelectorAll('img.leaflet-tile').length > 0")
    p.page.wait_for_timeout(200)
    assert any(u.startswith("https://tile.example/") for u in p.requests)
    assert p.errors == []


# ---- hostile input --------------------------------------------------------------------------------

PAYLOADS = ["<img src=x onerror=window.__x=1>", "</script><script>window.__x=1</script>",
            "${window.__x=1}", "\"><svg onload=window.__x=1>", "{{ 7*7 }}"]


def test_xss_payloads_stay_text(offline_page, tmp_path):
    text_cols = ["event_date", "date_precision", "event_type", "event_type_original", "weapon", "actor",
                 "status", "location_name", "admin1", "country", "geo_precision", "source", "evidence",
                 "extra_col"]
    rows = []
    for k, pl in enumerate(PAYLOADS):
        r = {c: pl for c in text_cols}
        r.update(event_id=f"x{k}{pl}", latitude=48.0 + k * 0.01, longitude=35.0, confidence=0.5)
        rows.append(r)
    rows.append(dict(rows[0], event_id="js", source="javascript:window.__x=1", latitude=48.2))
    df = pd.DataFrame(rows)
    basemap = {"type": "FeatureCollection", "features": [_square(31.0, 51.0, PAYLOADS[0], PAYLOADS[3])]}
    path = tmp_path / "xss.html"
    render_map(df, path, title=PAYLOADS[1], basemap=basemap)
    p = offline_page().open(path)
    assert p.js("frontline.getDate()") is None                    # no valid date: everything under "all"
    assert p.js("frontline.drawnCount()") == len(rows)
    assert p.js("document.title") == PAYLOADS[1]
    for r in rows:
        text = p.js("id => frontline.markerOf(id).openPopup().getPopup().getElement().textContent", r["event_id"])
        src = r["source"]
        assert r["evidence"] in text and src in text
        links = p.js("id => [...frontline.markerOf(id).getPopup().getElement().querySelectorAll('.fl-popup a')].map(a => a.href)", r["event_id"])
        assert links == []                                        # no payload (incl. javascript:) is a link
        tip = p.js("id => frontline.markerOf(id).closePopup().openTooltip().getTooltip().getElement().textContent", r["event_id"])
        assert r["location_name"] in tip
        p.js("id => { frontline.markerOf(id).closeTooltip(); }", r["event_id"])
    p.js("frontline.map.setView([51.5, 31.5], 7, {animate: false}) && null")
    xy = _screen_xy(p, 51.5, 31.5)
    shown = "t => [...document.querySelectorAll('.leaflet-tooltip')].some(e => e.textContent.includes(t))"
    for k in range(60):                                   # hover until the region's tooltip shows (a loaded
        p.page.mouse.move(5, 5)                           # machine may not have redrawn at the first move):
        p.page.mouse.move(xy[0] + k % 3, xy[1], steps=3)  # leave and re-enter, so each try is a new mouseover
        if p.js(shown, PAYLOADS[3]):
            break
        time.sleep(0.15)
    p.wait(shown, arg=PAYLOADS[3])                        # the region's name, as text
    p.page.fill(".fl-search", "onerror")
    p.page.wait_for_selector(".fl-hit")
    assert PAYLOADS[0] in p.page.text_content(".fl-results")
    assert p.page.text_content(".fl-title") == PAYLOADS[1]
    assert p.js("typeof window.__x") == "undefined"
    assert p.page.query_selector("img[src=x], .leaflet-popup svg[onload]") is None
    assert p.errors == [] and p.requests == []


def test_minimal_table_renders_and_is_usable(offline_page, tmp_path):
    """Only coordinates and a date: popups, tooltips, search and export still work."""
    df = pd.DataFrame({"latitude": [48.0, 49.0, 50.0], "longitude": [35.0, 36.0, 37.0],
                       "event_date": ["2024-02-01", "2024-02-03", ""]})
    path = tmp_path / "min.html"
    render_map(df, path)
    p = offline_page().open(path)
    assert p.js("frontline.days") == ["2024-02-01", "2024-02-02", "2024-02-03"]
    assert p.js("frontline.drawnCount()") == 3                  # opens on all dates
    p.js("frontline.setDate('2024-02-01')")
    assert p.js("frontline.drawnCount()") == 1
    p.js("frontline.setDate(null)")
    assert p.js("frontline.drawnCount()") == 3
    text = p.js("frontline.markerOf(0).openPopup().getPopup().getElement().textContent")
    assert "2024-02-01" in text
    assert "undated" in p.js("frontline.markerOf(2).openTooltip().getTooltip().getElement().textContent")
    p.page.fill(".fl-search", "zz")
    p.page.wait_for_selector(".fl-hit-count")
    assert len(p.js("frontline.csvText()").strip().split("\r\n")) == 4
    assert p.errors == [] and p.requests == []


def test_choropleth_with_the_real_basemap(offline_page, tmp_path):
    """Events joined by geo.regions land in the matching basemap features (codes and names agree)."""
    regions = pytest.importorskip("geo.regions")
    df = regions.join_regions(synthetic_events(300, 3, seed=5))
    bm = regions.basemap_geojson((30.5, 46.3, 38.5, 50.3))
    path = tmp_path / "real.html"
    render_map(df, path, basemap=bm)
    p = offline_page().open(path)
    p.js("frontline.setDate(null)")
    counts = {k: v for k, v in p.js("frontline.regionCounts()").items() if v}
    local = df[(df["admin1_code"] != "") & (df["geo_precision"] != "country")]
    want = local.groupby("admin1_code").size().to_dict()
    assert counts == want and sum(want.values()) > 250
    assert p.errors == [] and p.requests == []


def test_toggling_during_chunked_clustering_raises_no_page_error(offline_page, tmp_path):
    """Clustering ~15k markers loads in chunks (timers); a heatmap toggle right after it redraws and
    removes the half-loaded cluster layer: no page error, and the final state is still right."""
    df = synthetic_events(15_000, n_days=3, seed=3)
    path = tmp_path / "chunked.html"
    render_map(df, path, title="chunked")
    p = offline_page().open(path)
    p.js("frontline.setDate(null)")
    p.page.click(".fl-cluster input")
    p.page.click(".fl-heat input")                   # redraw while the cluster layer is still loading
    p.page.click(".fl-cluster input")                # and off again mid-load
    p.page.wait_for_timeout(1500)
    assert p.errors == []
    assert p.js("frontline.clusterLayer()") is None
    assert p.page.query_selector("canvas.leaflet-heatmap-layer") is not None
