"""The canvas point layer (big maps, issue 10) in headless Chromium, offline: exact counts per
date, every event's point painted (pixels of the layer's canvas), hover and click through the
hit grid, popups, search, and the base map on its own pane."""
from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from geo import _io, render
from geo.render import (
    CanvasPoints,
    Choropleth,
    Clusters,
    Export,
    Filters,
    Search,
    Timeline,
    UrlHash,
    build_map,
    render_page,
    synthetic_events,
)

pytestmark = pytest.mark.browser

BASEMAP = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "UA.05", "name": "Donetsk Oblast", "country": "UA", "kind": "admin1"},
     "geometry": {"type": "Polygon", "coordinates": [[[36, 46], [39, 46], [39, 51], [36, 51], [36, 46]]]}}]}


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return synthetic_events(1000, 20, seed=11)


@pytest.fixture(scope="module")
def map_file(tmp_path_factory, events):
    m = build_map(events, title="Canvas", basemap=BASEMAP,
                  features=[Search(), Filters(), Timeline(), Choropleth(BASEMAP), Clusters(), CanvasPoints(),
                            Export(), UrlHash()])
    path = tmp_path_factory.mktemp("canvas") / "index.html"
    _io.write_text(path, render_page(m))
    return path


@pytest.fixture
def page(offline_page, map_file):
    p = offline_page().open(map_file)
    yield p
    assert p.errors == [], p.errors
    assert p.requests == [], p.requests
    assert p.csp_violations() == []


def _painted(p) -> list[bool]:
    """For each shown event: is the pixel at its centre painted on the points canvas?"""
    return p.js("""() => {
        const map = frontline.map, cv = document.querySelector('.fl-points-canvas'), g = cv.getContext('2d');
        const cr = cv.getBoundingClientRect(), mr = map.getContainer().getBoundingClientRect();
        const dpr = cv.width / cr.width, data = g.getImageData(0, 0, cv.width, cv.height).data;
        return frontline.geojson().features.map(f => {
            const [lon, lat] = f.geometry.coordinates, pt = map.latLngToContainerPoint([lat, lon]);
            const x = Math.round((pt.x + mr.left - cr.left) * dpr), y = Math.round((pt.y + mr.top - cr.top) * dpr);
            return data[(y * cv.width + x) * 4 + 3] > 0;
        }); }""")


def test_counts_per_date_are_exact_and_every_point_is_painted(page, events):
    p = page
    assert p.js("frontline.pointLayer") == "canvas"
    assert p.js("frontline.getDate()") is None
    assert p.js("frontline.drawnCount()") == p.js("frontline.shownCount()") == len(events)
    painted = _painted(p)
    assert len(painted) == len(events) and all(painted)
    for d in sorted(events["event_date"].unique())[:6]:
        p.js("d => frontline.setDate(d)", d)
        want = events[events["event_date"] == d]
        assert p.js("frontline.drawnCount()") == p.js("frontline.shownCount()") == len(want)
        assert sorted(p.js("frontline.shownIds()")) == sorted(want["event_id"])
        assert 0 < p.js("frontline.paintedCount()") <= len(want)
        assert all(_painted(p))
    p.js("frontline.setFilter('prec', ['settlement'])")
    d = p.js("frontline.getDate()")
    want = events[(events["event_date"] == d) & (events["geo_precision"] == "settlement")]
    assert p.js("frontline.drawnCount()") == len(want)
    p.js("frontline.setDate(null)")
    assert p.js("frontline.drawnCount()") == (events["geo_precision"] == "settlement").sum()


def test_points_of_other_dates_are_not_painted(page, events):
    p = page
    days = sorted(events["event_date"].unique())
    p.js("d => frontline.setDate(d)", days[0])
    shown = set(p.js("frontline.shownIds()"))
    # settlement dots (radius 5) of other dates far from every shown point: their pixel is empty
    lat, lon = events["latitude"].to_numpy(), events["longitude"].to_numpy()
    on = events["event_id"].isin(shown).to_numpy()
    far = [eid for k, eid in enumerate(events["event_id"]) if not on[k]
           and ((lat[on] - lat[k]) ** 2 + (lon[on] - lon[k]) ** 2).min() > 0.6 ** 2]
    assert far, "fixture has no isolated point"
    blank = p.js("""ids => { const map = frontline.map, cv = document.querySelector('.fl-points-canvas'),
        g = cv.getContext('2d'), cr = cv.getBoundingClientRect(), mr = map.getContainer().getBoundingClientRect(),
        dpr = cv.width / cr.width;
        return ids.map(id => { const m = frontline.markerOf(id), pt = map.latLngToContainerPoint(m.getLatLng());
            m.remove();
            const x = Math.round((pt.x + mr.left - cr.left) * dpr), y = Math.round((pt.y + mr.top - cr.top) * dpr);
            return g.getImageData(x, y, 1, 1).data[3] === 0; }); }""", far[:20])
    assert all(blank)


def test_hover_and_click_open_the_point_under_the_pointer(page, events):
    p = page
    p.js("frontline.setFilter('prec', ['settlement'])")
    p.js("frontline.setDate(null)")
    lat, lon = events["latitude"].to_numpy(), events["longitude"].to_numpy()
    settle = (events["geo_precision"] == "settlement").to_numpy()
    best, k = 0.0, None         # the settlement point farthest from any other
    for j in range(len(events)):
        if settle[j]:
            d2 = ((lat[settle] - lat[j]) ** 2 + (lon[settle] - lon[j]) ** 2)
            d = sorted(d2)[1]
            if d > best:
                best, k = d, j
    row = events.iloc[k]
    x, y = p.js("""ll => { const map = frontline.map, pt = map.latLngToContainerPoint(ll),
        r = map.getContainer().getBoundingClientRect(); return [r.left + pt.x, r.top + pt.y]; }""",
                [row["latitude"], row["longitude"]])
    mr = p.js("(() => { const r = frontline.map.getContainer().getBoundingClientRect(); return [r.left, r.top]; })()")
    assert p.js("([x, y]) => frontline.pointAt(x, y)", [x - mr[0], y - mr[1]]) == row["event_id"]
    assert p.js("([x, y]) => frontline.pointAt(x, y)", [x - mr[0] + 12, y - mr[1] + 12]) is None
    p.page.mouse.move(x, y)
    tip = p.wait("(() => { const t = document.querySelector('.leaflet-tooltip'); return t && t.textContent; })()")
    assert row["location_name"] in tip
    t0 = time.monotonic()
    p.page.mouse.click(x, y)
    text = p.wait("(() => { const e = document.querySelector('.fl-popup'); return e && e.textContent; })()")
    assert time.monotonic() - t0 < 1.0
    assert row["evidence"] in text and row["location_name"] in text
    # a click on empty map opens nothing new and keeps counts
    assert p.js("frontline.drawnCount()") == settle.sum()


def test_search_goes_to_a_canvas_point_and_opens_it(page, events):
    p = page
    row = events.iloc[123]
    p.js("d => frontline.setDate(d)", row["event_date"])
    assert p.js("q => frontline.search(q)", row["evidence"]) >= 1
    p.page.click(".fl-results li.fl-hit")
    text = p.wait("(() => { const e = document.querySelector('.fl-popup'); return e && e.textContent; })()", timeout=5)
    assert row["evidence"] in text


def test_base_map_has_its_own_pane_and_canvas(page):
    p = page
    assert p.js("!!document.querySelector('.leaflet-fl-base-pane canvas')")
    assert p.js("!!document.querySelector('.leaflet-fl-points-pane .fl-points-canvas')")


def test_big_maps_get_the_canvas_layer_by_default():
    small = render.render_html(synthetic_events(50, 3))
    assert "frontlineFeatures.points" in small and "frontlineFeatures.canvaspoints" not in small
    feats = render.default_features(basemap=None, frontline=None, n_events=render.CANVAS_FROM + 1)
    assert any(isinstance(f, CanvasPoints) for f in feats)
    assert not any(type(f).__name__ == "Points" for f in feats)


# ---- the map folder (above SINGLE_FILE_MAX events): page + data script, opened from disk ----------

def test_map_folder_opens_from_disk_with_exact_counts_and_is_replaced_whole(offline_page, tmp_path):
    ev = synthetic_events(300, 6, seed=5)
    ev["extra_note"] = None                                  # a sparse extra: one filled cell
    ev.loc[7, "extra_note"] = "only here"
    canvas = render.default_features(basemap=BASEMAP, frontline=None, n_events=render.CANVAS_FROM + 1)
    page_path = render.render_map(ev, tmp_path / "index.html", single_file_max=100, basemap=BASEMAP, chunk_events=64,
                                  features=canvas)
    data_dirs = [d for d in tmp_path.iterdir() if d.name.startswith("index.data-")]
    assert len(data_dirs) == 1 and (data_dirs[0] / "events.js").exists()
    chunks = sorted(p.name for p in data_dirs[0].glob("chunk-*.js"))
    assert chunks == [f"chunk-{k}.js" for k in range(5)]     # 300 events / 64 a chunk
    html = page_path.read_text(encoding="utf-8")
    text = (data_dirs[0] / "events.js").read_text()
    core = json.dumps(json.loads(text[text.index("] = ") + 4:].rstrip().rstrip(";")))
    # evidence and sources are not in the page nor in the core data: only (compressed) in the chunks
    assert ev.loc[0, "evidence"] not in html and ev.loc[0, "evidence"] not in core
    assert ev.loc[0, "source"] not in core and ev.loc[0, "location_name"] in core
    assert f'<script src="{data_dirs[0].name}/events.js">' in html
    p = offline_page().open(page_path)
    assert p.js("frontline.shownCount()") == p.js("frontline.drawnCount()") == len(ev)
    assert (data_dirs[0] / "ids.js").exists() and ev.loc[0, "event_id"] not in text
    p.js("frontline.idsReady")                               # ids come after the opening view
    painted = p.js("""() => { const map = frontline.map, cv = document.querySelector('.fl-points-canvas'),
        g = cv.getContext('2d'), cr = cv.getBoundingClientRect(), mr = map.getContainer().getBoundingClientRect(),
        dpr = cv.width / cr.width, data = g.getImageData(0, 0, cv.width, cv.height).data;
        return frontline.shownIds().map(id => { const m = frontline.markerOf(id), pt = map.latLngToContainerPoint(m.getLatLng());
            m.remove();
            const x = Math.round((pt.x + mr.left - cr.left) * dpr), y = Math.round((pt.y + mr.top - cr.top) * dpr);
            return data[(y * cv.width + x) * 4 + 3] > 0; }); }""")
    assert len(painted) == len(ev) and all(painted)
    for d in sorted(ev["event_date"].unique()):
        p.js("d => frontline.setDate(d)", d)
        assert p.js("frontline.drawnCount()") == (ev["event_date"] == d).sum()
        assert sorted(p.js("frontline.shownIds()")) == sorted(ev.loc[ev["event_date"] == d, "event_id"])
    p.js("frontline.setDate(null)")
    assert p.js("frontline.allLoaded()") is False               # nothing loaded the chunks yet
    with pytest.raises(Exception, match="loadAll"):
        p.js("frontline.csvText()")
    # a popup loads its chunk: "loading…", then the text (evidence, the sparse extra under "more")
    p.js("id => frontline.openPopup(id)", ev.loc[7, "event_id"])
    text = p.wait("(() => { const e = document.querySelector('.fl-popup'); return e && e.textContent; })()")
    assert ev.loc[7, "evidence"] in text and "only here" in text
    assert p.js("id => frontline.value(id, 'evidence')", ev.loc[250, "event_id"]) is None or \
        p.js("frontline.allLoaded()") is False
    # search: a place at once (core data), evidence through every chunk
    row = ev.iloc[200]
    assert p.js("q => frontline.searchAll(q)", row["evidence"]) == (ev["evidence"] == row["evidence"]).sum()
    assert p.js("frontline.allLoaded()") is True
    assert row["evidence"][:60] in p.js("document.querySelector('.fl-results').textContent")
    csv = p.js("frontline.csvText()")
    assert csv.count("\r\n") == len(ev) + 1 and ev.loc[299, "evidence"] in csv and "only here" in csv
    assert p.errors == [] and p.requests == [] and p.csp_violations() == []
    # a new build: new data folder in, old one out, no temporary folder left
    ev2 = synthetic_events(200, 4, seed=6)
    render.render_map(ev2, tmp_path / "index.html", single_file_max=100)
    left = sorted(d.name for d in tmp_path.iterdir())
    assert len([n for n in left if n.startswith("index.data-")]) == 1 and data_dirs[0].name not in left
    assert not [n for n in left if n.endswith(".tmp")]
    p2 = offline_page().open(page_path)
    assert p2.js("frontline.shownCount()") == len(ev2)
    p2.js("frontline.idsReady")
    assert sorted(p2.js("frontline.shownIds()")) == sorted(ev2["event_id"])
    assert p2.errors == [] and p2.csp_violations() == []
    # small maps stay one self-contained file
    files = render.render_files(ev2, single_file_max=1000)
    assert list(files) == ["index.html"]


def test_map_folder_export_button_loads_the_chunks_first(offline_page, tmp_path):
    ev = synthetic_events(150, 3, seed=8)
    page_path = render.render_map(ev, tmp_path / "index.html", single_file_max=100, chunk_events=50)
    p = offline_page().open(page_path)
    with p.page.expect_download() as dl:
        p.page.click(".fl-export-csv")
    text = open(dl.value.path(), encoding="utf-8", newline="").read()
    assert text.count("\r\n") == len(ev) + 1 and ev.loc[149, "evidence"] in text
    assert p.errors == [] and p.requests == [] and p.csp_violations() == []


def test_map_folder_keyed_by_place_draws_and_counts_exactly(offline_page, tmp_path):
    """A map folder whose core columns go by place (geo/_map_places.py): every date draws exactly its
    events, on their own coordinates, with their place names, and regions count as in a one-file map."""
    import numpy as np
    ev = synthetic_events(3000, 12, seed=21)
    k = np.random.default_rng(21).integers(0, 150, len(ev))
    ev["latitude"], ev["longitude"] = (46.2 + k * 0.03).round(5), (35.5 + k * 0.02).round(5)
    ev["location_name"] = [f"Spot {j}" for j in k]
    ev["admin1"], ev["geo_precision"] = ["Donetsk Oblast" if j % 2 else "" for j in k], "settlement"
    canvas = render.default_features(basemap=BASEMAP, frontline=None, n_events=render.CANVAS_FROM + 1)
    page_path = render.render_map(ev, tmp_path / "f" / "index.html", single_file_max=100, basemap=BASEMAP,
                                  features=canvas)
    text = next((tmp_path / "f").glob("index.data-*/events.js")).read_text()
    assert '"place"' in text and '"via":1' in text                  # this layout is what is tested
    one = render.render_map(ev, tmp_path / "one" / "index.html", basemap=BASEMAP,
                            features=render.default_features(basemap=BASEMAP, frontline=None, n_events=render.CANVAS_FROM + 1))
    p1 = offline_page().open(one)
    regions_one = {d: None for d in sorted(ev["event_date"].unique())}
    for d in regions_one:
        p1.js("d => frontline.setDate(d)", d)
        regions_one[d] = p1.js("frontline.regionCounts()")
    p = offline_page().open(page_path)
    p.js("frontline.idsReady")
    for d in sorted(ev["event_date"].unique()):
        p.js("d => frontline.setDate(d)", d)
        day = ev[ev["event_date"] == d]
        assert p.js("frontline.drawnCount()") == p.js("frontline.shownCount()") == len(day)
        assert p.js("frontline.regionCounts()") == regions_one[d] and regions_one[d]["UA.05"] > 0
    for i in (0, 1234, 2999):
        row = ev.iloc[i]
        got = p.js("""id => { const m = frontline.markerOf(id), ll = m.getLatLng();
            return [ll.lat, ll.lng, frontline.value(id, 'location_name'), frontline.value(id, 'admin1')]; }""", row["event_id"])
        assert got == [row["latitude"], row["longitude"], row["location_name"], row["admin1"]]
    assert p.errors == [] and p.requests == [] and p.csp_violations() == []
