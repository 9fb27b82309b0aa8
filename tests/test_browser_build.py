"""The map `frontline-map build` writes, in headless Chromium offline: it shows exactly events.geojson."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from geo.cli import main

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_events.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("built")
    assert main(["build", str(SAMPLE), "-o", str(out)]) == 0
    props = [f["properties"] for f in json.loads((out / "events.geojson").read_text())["features"]]
    return out / "index.html", props


def test_built_map_draws_each_dates_events(offline_page, built):
    html, props = built
    p = offline_page().open(html)
    per_day = Counter(e["event_date"] for e in props)
    days = sorted(d for d in per_day if d)
    assert p.js("frontline.days") == days
    drawn = {}
    for d in days[::3] + [days[-1]]:
        p.js("d => frontline.setDate(d)", d)
        drawn[d] = p.js("frontline.drawnCount()")
        assert set(p.js("frontline.shownIds()")) == {e["event_id"] for e in props if e["event_date"] == d}
    assert drawn == {d: per_day[d] for d in drawn}
    assert len(set(drawn.values())) > 1 or len(drawn) == 1      # moving the date changes what is drawn
    p.js("frontline.setDate(null)")
    assert p.js("frontline.drawnCount()") == len(props)
    assert p.errors == [] and p.requests == []


def test_untrusted_sample_row_is_inert(offline_page, built):
    html, props = built
    p = offline_page().open(html)
    bad = next(e for e in props if "onerror" in e["evidence"])
    p.js("d => frontline.setDate(d)", bad["event_date"])
    p.js("id => frontline.openPopup(id)", bad["event_id"]) if p.js("typeof frontline.openPopup") == "function" \
        else p.js("id => frontline.markerOf(id).openPopup()", bad["event_id"])
    popup = p.page.locator(".leaflet-popup-content")
    assert "<img src=x onerror=alert(1)>" in popup.inner_text()
    assert popup.locator("img").count() == 0 and popup.locator("a[href^='javascript']").count() == 0
    assert p.errors == [] and p.requests == []
