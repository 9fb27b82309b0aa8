"""The HTML map in headless Chromium, offline: every non-file request is aborted and must not happen."""
from __future__ import annotations

import csv
import io
import json

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


def _count(df: pd.DataFrame, date: str | None, **eq) -> int:
    sub = df if date is None else df[df["event_date"] == date]
    for k, v in eq.items():
        sub = sub[sub[k].isin(v if isinstance(v, list) else [v])]
    return len(sub)


def _days(df):
    return sorted(d for d in df["event_date"].unique() if d)


def _screen_xy(p, event_id: str) -> tuple[float, float]:
    """Page coordinates of an event's marker (to click it like a user)."""
    return tuple(p.js("""id => { const m = frontline.markerOf(id), map = frontline.map;
        const pt = map.latLngToContainerPoint(m.getLatLng()), r = map.getContainer().getBoundingClientRect();
        return [r.left + pt.x, r.top + pt.y]; }""", event_id))


# ---- milestone 1: offline render, per-date layers, popups ------------------------------------------

def test_renders_offline_and_marker_count_follows_the_date(page, events):
    p = page
    days = _days(events)
    assert p.js("frontline.days") == days                       # contiguous synthetic days
    assert p.js("frontline.getDate()") == days[-1]              # opens on the latest date
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
    p.page.click(".fl-all input")                               # "all dates" on
    assert p.js("frontline.getDate()") is None and p.js("frontline.drawnCount()") == len(events)
    p.page.click(".fl-all input")                               # and off again → latest date
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
    p.js("id => frontline.map.setView(frontline.markerOf(id).getLatLng(), 12, {animate: false})", row["event_id"])
    x, y = _screen_xy(p, row["event_id"])
    p.page.mouse.click(x, y)
    p.page.wait_for_selector(".leaflet-popup-content .fl-popup")
    text = p.page.text_content(".leaflet-popup-content")
    for field in ("event_date", "date_precision", "weapon", "actor", "status", "location_name", "admin1",
                  "geo_precision", "evidence"):
        assert str(row[field]) in text, field
    assert row["event_type"].replace("_", " ") in text or row["event_type"] in text
    assert str(row["confidence"]) in text
    assert ["yes", "no", "unknown"][10 % 3] in text             # occupied column
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
