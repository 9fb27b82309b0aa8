"""The viewer as a newcomer meets it (issue 9), in headless Chromium with the network blocked:
the opening view, the timeline at any span, labels, phones and tablets, the honest front line,
stacked points, popups, the URL hash (also hostile ones) and the Content Security Policy."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from geo.cli import main
from geo.render import blob_sizes, render_html, render_map, synthetic_events

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
if not SEEDS.exists():
    SEEDS = Path("/work/shared/seeds")
DEEPSTATE = SEEDS.parent / "data" / "deepstate"

#: Every control a user may need (selectors of the panel and the timebar).
CONTROLS = [".fl-search", ".fl-type input", ".fl-actor input", ".fl-prec input", ".fl-choro input",
            ".fl-cluster input", ".fl-heat input", ".fl-export-csv", ".fl-export-geojson", ".fl-play",
            ".fl-speed", ".fl-prev", ".fl-next", ".fl-slider", ".fl-all input", ".fl-evstep input",
            ".fl-window input", ".fl-winn", ".fl-strip", ".fl-tzoom-in", ".fl-tzoom-out", ".fl-tzoom-all"]


def _clean(p) -> None:
    assert p.errors == [], p.errors
    assert p.requests == [], p.requests
    assert p.csp_violations() == [], p.csp_violations()


def _uncovered(p) -> dict:
    """Screen position of every shown event, and whether a control covers it or it is off screen."""
    return p.js("""() => {
        const map = frontline.map, r = map.getContainer().getBoundingClientRect(), out = {off: [], covered: []};
        const ctl = [...document.querySelectorAll('.fl-panel, .fl-timebar, .leaflet-control')]
            .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
        frontline.geojson().features.forEach(f => {
            const [lon, lat] = f.geometry.coordinates, pt = map.latLngToContainerPoint([lat, lon]);
            const x = r.left + pt.x, y = r.top + pt.y;
            if (x < r.left || y < r.top || x > r.right || y > r.bottom) out.off.push([lat, lon]);
            else if (ctl.some(c => x >= c.left && x <= c.right && y >= c.top && y <= c.bottom)) out.covered.push([lat, lon]);
        });
        return out; }""")


@pytest.fixture(scope="module")
def seeds_map(tmp_path_factory):
    if not SEEDS.exists():
        pytest.skip("../shared/seeds absent")
    out = tmp_path_factory.mktemp("seeds")
    assert main(["build", str(SEEDS), "-o", str(out)]) == 0
    return out / "index.html"


# ---- opening view, title, timeline ---------------------------------------------------------------

def test_seeds_map_opens_on_all_13_events_fitted_and_uncovered(offline_page, seeds_map):
    p = offline_page().open(seeds_map)
    assert p.js("frontline.getDate()") is None
    assert p.js("frontline.shownCount()") == p.js("frontline.drawnCount()") == 13
    assert p.page.text_content(".fl-count").startswith("13 of 13 events shown")
    assert p.page.text_content(".fl-title") == "Seeds" == p.page.title()     # derived from the input
    assert _uncovered(p) == {"off": [], "covered": []}
    _clean(p)


def test_sparse_timeline_bars_are_wide_and_step_through_dates_with_events(offline_page, seeds_map):
    p = offline_page().open(seeds_map)
    days = p.js("frontline.days")
    assert len(days) > 650                                          # 13 events over ~700 days
    dates = sorted({f["properties"]["event_date"] for f in p.js("frontline.geojson()")["features"]})
    bars = p.js("frontline.timelineBars()")
    assert bars and min(b["w"] for b in bars) >= 8                   # every clickable bar ≥ 8 px
    for b in [b for b in bars if b["count"]]:
        p.page.mouse.click(b["x"] + b["w"] / 2, b["y"])              # a click on a bar hits it
        d = p.js("frontline.getDate()")
        assert d in dates and b["from"] <= d <= b["to"]
    assert p.page.is_checked(".fl-evstep input")                     # sparse: step through event dates
    p.js("frontline.setDate(null)")
    seen = []
    for _ in dates:
        p.page.click(".fl-next")
        seen.append(p.js("frontline.getDate()"))
    assert seen == dates
    p.page.click(".fl-prev")
    assert p.js("frontline.getDate()") == dates[-2]
    # zoom in: days get wider until one bar is one day; a drag brushes a range
    for _ in range(6):
        p.page.click(".fl-tzoom-in")
    bars = p.js("frontline.timelineBars()")
    assert all(b["from"] == b["to"] for b in bars) and min(b["w"] for b in bars) >= 8
    p.page.click(".fl-tzoom-all")
    bars = p.js("frontline.timelineBars()")
    a, z = bars[0], bars[-1]
    p.page.mouse.move(a["x"] + 1, a["y"])
    p.page.mouse.down()
    p.page.mouse.move((a["x"] + z["x"]) / 2, a["y"], steps=4)
    p.page.mouse.move(z["x"] + z["w"] - 1, z["y"], steps=4)
    p.page.mouse.up()
    assert p.js("frontline.getDate()") == days[-1] and p.js("frontline.state.win") == len(days)
    assert p.js("frontline.shownCount()") == 13
    _clean(p)


def test_dense_data_opens_on_the_last_7_days_with_events(offline_page, tmp_path):
    df = synthetic_events(20_500, 365, seed=2)
    df = df[~df["event_date"].isin(sorted(df["event_date"].unique())[-3:-1])]   # a gap near the end
    path = tmp_path / "dense.html"
    render_map(df, path)
    p = offline_page().open(path)
    days = sorted(df["event_date"].unique())
    assert p.js("frontline.getDate()") == days[-1]
    lo, hi = p.page.text_content(".fl-date").split(" – ")
    assert (lo, hi) == (days[-7], days[-1])
    assert p.js("frontline.shownCount()") == int(df["event_date"].isin(days[-7:]).sum())
    assert not p.page.is_checked(".fl-evstep input")                 # dense: step by day
    bars = p.js("frontline.timelineBars()")
    assert min(b["w"] for b in bars) >= 8
    assert f"win={p.js('frontline.state.win')}" in p.js("location.hash") and p.js("frontline.state.win") == 9
    q = offline_page().open(path, hash=f"#date={days[-3]}")     # a shared one-day link stays one day
    assert q.js("frontline.getDate()") == days[-3] and q.js("frontline.state.win") == 0
    _clean(p)
    _clean(q)


# ---- phones and tablets --------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [(390, 844), (768, 1024)])
def test_phone_and_tablet_every_control_reachable_and_map_fitted(offline_page, seeds_map, viewport):
    p = offline_page(viewport=viewport).open(seeds_map)
    narrow = viewport[0] < 700
    assert p.js("document.querySelector('.fl-panel').classList.contains('fl-closed')") == narrow
    assert _uncovered(p) == {"off": [], "covered": []}              # fitted, nothing under a control
    assert p.js("frontline.map.getZoom()") >= 5                     # Ukraine is not a stamp
    if narrow:
        p.page.click(".fl-panel-toggle")                            # open the panel
    for sel in CONTROLS:
        loc = p.page.locator(sel).first
        loc.scroll_into_view_if_needed()
        box = loc.bounding_box()
        assert box and box["width"] >= 8 and box["height"] >= 8, sel
        assert 0 <= box["x"] and box["x"] + box["width"] <= viewport[0] + 1, sel
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport[1] + 1, sel
        hit = p.js("""([s, x, y]) => { const e = document.querySelector(s), h = document.elementFromPoint(x, y);
            return !!h && (e === h || e.contains(h) || h.contains(e) || h === e.closest('label')); }""",
                   [sel, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit, f"{sel} is covered"
    p.page.click(".fl-type[data-type=strike] input")                 # and they work
    assert p.js("frontline.state.types.strike") is False
    closed = "document.querySelector('.fl-panel').classList.contains('fl-closed')"
    before = p.js(closed)
    p.page.click(".fl-panel-toggle")
    assert p.js(closed) != before
    _clean(p)


# ---- labels --------------------------------------------------------------------------------------

def test_labels_by_zoom_and_their_size(offline_page, seeds_map):
    page = seeds_map.read_text(encoding="utf-8")
    assert blob_sizes(page)["labels"] <= 1_000_000
    labels = json.loads(re.search(r'id="fl-labels">(.*?)</script>', page, re.S).group(1))["labels"]
    tier: dict[str, int] = {}
    for name, _lat, _lon, t, _kind in labels:
        tier[name] = min(t, tier.get(name, 9))
    p = offline_page().open(seeds_map)
    shown = {}
    for z in (6, 7, 9):
        p.js("z => frontline.map.setView([48.6, 37.6], z, {animate: false}) && null", z)
        shown[z] = set(p.js("frontline.labelsShown()"))
        assert all(z >= (0, 7, 9)[tier[n]] for n in shown[z]), z      # no town before its zoom
    assert {"Kharkiv", "Donetsk", "Zaporizhzhya", "Russia"} <= shown[6]  # oblast centres, neighbours
    assert any(tier[n] == 1 for n in shown[7]) and any(tier[n] == 2 for n in shown[9])
    _clean(p)


# ---- front line ----------------------------------------------------------------------------------

def _events_near(dates: list[str], lat=47.5, lon=37.5) -> pd.DataFrame:
    df = synthetic_events(len(dates), 1, seed=1)
    df["event_date"], df["latitude"], df["longitude"] = dates, lat, lon
    return df


def test_build_with_old_or_new_snapshots_is_honest(offline_page, tmp_path, capsys):
    if not DEEPSTATE.exists():
        pytest.skip("../shared/data/deepstate absent")
    table = tmp_path / "ev.csv"
    _events_near(["2022-03-01", "2024-07-20", "2024-09-20", "2024-10-02"]).to_csv(table, index=False)
    out = tmp_path / "m"
    assert main(["build", str(table), "-o", str(out), "--frontline", str(DEEPSTATE)]) == 0
    err = capsys.readouterr().err
    assert "no front-line snapshot covers 2 of 4 dated events" in err
    occ = {f["properties"]["event_date"]: f["properties"].get("occupied")
           for f in json.loads((out / "events.geojson").read_text())["features"]}
    assert occ["2022-03-01"] is None and occ["2024-09-20"] is None    # 74 days after 2024-07-08
    assert isinstance(occ["2024-07-20"], bool) and isinstance(occ["2024-10-02"], bool)
    p = offline_page().open(out / "index.html")
    assert p.js("frontline.frontlineDate()") is None                 # all dates: none drawn
    for d, fl in {"2022-03-01": None, "2024-07-20": "2024-07-08", "2024-09-20": None, "2024-10-02": "2024-10-01"}.items():
        p.js("d => frontline.setDate(d)", d)
        assert p.js("frontline.frontlineDate()") == fl
        note = p.page.text_content(".fl-front-note")
        assert note == f"front line of {fl}" if fl else note.startswith(f"no front line covers {d}")
    p.js("frontline.setDate('2024-09-20')")
    assert "74 days older (limit 31)" in p.page.text_content(".fl-front-note")
    eid = p.js("frontline.shownIds()[0]")
    text = p.js("id => frontline.openPopup(id).getPopup().getElement().textContent", eid)
    assert "not known: no front-line snapshot within 31 days" in text
    _clean(p)
    out2 = tmp_path / "m2"                                            # a longer limit covers more
    assert main(["build", str(table), "-o", str(out2), "--frontline", str(DEEPSTATE), "--frontline-max-age", "80"]) == 0
    assert "1 of 4" in capsys.readouterr().err


# ---- stacked points, choropleth, popups ----------------------------------------------------------

def test_stacked_points_fan_out_and_each_opens(offline_page, tmp_path):
    df = _events_near(["2024-03-01"] * 3 + ["2024-03-02"], lat=46.6354, lon=32.6169)
    df.loc[3, ["latitude", "longitude"]] = [47.0, 33.5]
    df["location_name"] = ["Kherson A", "Kherson B", "Kherson C", "Elsewhere"]
    df["geo_precision"] = "settlement"
    path = tmp_path / "stack.html"
    render_map(df, path)
    p = offline_page().open(path)
    p.js("frontline.map.setView([46.6354, 32.6169], 12, {animate: false}) && null")
    xy = p.js("""() => { const pt = frontline.map.latLngToContainerPoint([46.6354, 32.6169]),
        r = frontline.map.getContainer().getBoundingClientRect(); return [r.left + pt.x, r.top + pt.y]; }""")
    p.page.mouse.click(*xy)
    assert sorted(p.js("frontline.spidered()")) == sorted(df["event_id"][:3])
    feet = p.js("""() => frontline.spiderMarkers().map(m => { const pt = frontline.map.latLngToContainerPoint(m.getLatLng()),
        r = frontline.map.getContainer().getBoundingClientRect(); return [r.left + pt.x, r.top + pt.y]; })""")
    assert len(feet) == 3 and min(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a in feet for b in feet if a != b) >= 12
    names = set()
    for x, y in feet:
        p.page.wait_for_timeout(350)              # a closing popup fades out over its spot (0.2 s)
        p.page.mouse.click(x, y)
        p.page.wait_for_selector(".leaflet-popup-content .fl-popup-title")
        names.add(p.page.text_content(".leaflet-popup-content .fl-popup-title"))
        p.js("frontline.map.closePopup()")
    assert names == {"Kherson A", "Kherson B", "Kherson C"}
    p.js("frontline.setLayers({cluster: true}); frontline.map.setView([46.6354, 32.6169], 18, {animate: false})")
    p.wait("document.querySelectorAll('.marker-cluster').length > 0")
    p.page.click(".marker-cluster")                                  # at the last zoom: fans out
    p.wait("!!frontline.clusterLayer()._spiderfied && frontline.clusterLayer()._spiderfied.getChildCount() === 3")
    _clean(p)


def test_popup_shows_only_filled_user_fields_and_why(offline_page, tmp_path):
    df = _events_near(["2024-03-01", "2024-03-01"])
    df.loc[0, ["weapon", "status"]] = ["", ""]
    df["input_file"], df["admin1_code"] = "/home/me/secret.csv", "UA.05"
    df["why"] = ["strike verb near a place name", ""]
    df["unit"] = ["", "93rd brigade"]
    path = tmp_path / "pop.html"
    render_map(df, path)
    p = offline_page().open(path)
    ids = list(df["event_id"])
    t0 = p.js("id => frontline.openPopup(id).getPopup().getElement().innerText", ids[0])
    assert "Weapon" not in t0 and "Status" not in t0                 # empty rows are left out
    assert "secret.csv" not in t0 and "UA.05" not in t0 and "input_file" not in t0
    assert "Why" in t0 and "strike verb near a place name" in t0
    assert "more" in t0 and "Event id" in p.js("document.querySelector('.leaflet-popup-content').textContent")
    p.js("id => frontline.openPopup(id)", ids[1])
    assert p.page.locator(".fl-more td", has_text="93rd brigade").count() == 1
    assert not p.page.locator(".fl-more td", has_text="93rd brigade").is_visible()   # behind "more"
    p.page.click(".fl-more summary")
    assert p.page.locator(".fl-more td", has_text="93rd brigade").is_visible()
    _clean(p)


# ---- URL hash --------------------------------------------------------------------------------------

def test_every_toggle_is_kept_in_the_hash(offline_page, seeds_map):
    p = offline_page().open(seeds_map)
    d = p.js("frontline.days")[-1]
    p.js("d => { frontline.setDate(d); frontline.setLayers({cluster: true, heat: true, choro: false}); frontline.setStepMode(false); }", d)
    h = p.js("location.hash")
    for part in ("cluster=1", "heat=1", "choro=0", "step=days", f"date={d}"):
        assert part in h
    q = offline_page().open(seeds_map, hash=h)
    st = q.js("frontline.state")
    assert (st["cluster"], st["heat"], st["choro"], st["evstep"]) == (True, True, False, False)
    assert q.js("frontline.getDate()") == d
    assert q.page.is_checked(".fl-cluster input") and not q.page.is_checked(".fl-choro input")
    _clean(p)
    _clean(q)


HOSTILE_HASHES = ["#%", "#types=strike%", "#date=%E0%A4%A", "#<img src=x onerror=window.__x=1>",
                  "#javascript:window.__x=1", "#date=<script>window.__x=1</script>", "#z=99&c=1e999,5",
                  "#c=NaN,NaN&z=5", "#types=strike&types=%", "#__proto__=1", "#constructor=x&date=all",
                  "#" + "a=1&" * 3000, "#z=-1&c=91,181", "#date=2023-02-30&win=-5", "#win=99999999999"]


@pytest.mark.parametrize("h", HOSTILE_HASHES, ids=range(len(HOSTILE_HASHES)))
def test_hostile_hash_is_no_state_and_no_error(offline_page, seeds_map, h):
    p = offline_page().open(seeds_map, hash=h)
    assert p.js("frontline.getDate()") is None and p.js("frontline.shownCount()") == 13
    assert p.js("typeof window.__x") == "undefined"
    assert p.js("Object.values(frontline.state.types).every(Boolean)")
    _clean(p)


# ---- Content Security Policy ---------------------------------------------------------------------

def test_page_has_a_strict_csp_and_our_js_no_eval(seeds_map):
    page = seeds_map.read_text(encoding="utf-8")
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m, "no CSP"
    policy = m.group(1).replace("&#x27;", "'")
    assert policy.startswith("default-src 'none'")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "https:" not in policy
    assert page.index("Content-Security-Policy") < page.index("<script")
    ours = "".join(p.read_text() for p in (ROOT / "geo" / "assets" / "js").glob("*.mjs"))
    assert not re.search(r"\beval\s*\(|new\s+Function|set(Timeout|Interval)\s*\(\s*['\"`]|innerHTML", ours)


def test_csp_allows_tiles_and_counts_violations(offline_page, tmp_path):
    df = _events_near(["2024-03-01"])
    page = render_html(df, tiles="https://tile.example.org/{z}/{x}/{y}.png")
    assert "img-src data: blob: https://tile.example.org" in page.replace("&#x27;", "'")
    bad = tmp_path / "bad.html"                    # a script the policy does not know is blocked and counted
    bad.write_text(page.replace("</body>", "<script>window.__x = 1</script></body>"), encoding="utf-8")
    p = offline_page().open(bad)
    assert p.js("typeof window.__x") == "undefined"
    assert any("script-src" in v for v in p.csp_violations())


def test_a_map_composed_in_python_works_in_the_browser(offline_page, tmp_path):
    import folium

    from geo.render import Filters, Points, UrlHash, build_map, render_page
    df = _events_near(["2024-03-01", "2024-03-02"])
    m = build_map(df, features=[Filters(), Points(), UrlHash()])            # no timeline, no base map
    folium.CircleMarker([47.0, 36.0], radius=9, color="#000", tooltip="my own layer").add_to(m)
    path = tmp_path / "composed.html"
    path.write_text(render_page(m), encoding="utf-8")
    p = offline_page().open(path)
    assert p.js("frontline.shownCount()") == 2 and p.page.locator(".fl-timebar").count() == 0
    assert p.js("typeof frontline.setDate") == "undefined" and p.page.locator(".fl-type").count() == 5
    p.page.click(".fl-type[data-type=strike] input")
    assert p.js("frontline.shownCount()") == int((df["event_type"] != "strike").sum())
    assert p.js("(() => { let n = 0; frontline.map.eachLayer(l => { if (l instanceof L.CircleMarker && l._fl === undefined) n++; }); return n; })()") == 1
    _clean(p)
