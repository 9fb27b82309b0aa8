"""Render events to an HTML map and take a headless-Chromium screenshot (for docs/map.png).

Usage: python scripts/screenshot.py [EVENTS.geojson|EVENTS.csv] [--out docs/map.png] [--date all|YYYY-MM-DD]
       [--frontline FOLDER] [--html map.html]

Without EVENTS it uses the bundled data/sample_events.csv as is (rows without coordinates are not
drawn), or synthetic events if that is absent. docs/map.png is made from the geocoded sample:
    frontline-map build data/sample_events.csv -o /tmp/out && python scripts/screenshot.py /tmp/out/events.geojson
Independent of geo.cli on purpose: only geo.render (plus geo.regions for borders when available).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def load_events(path: Path | None) -> pd.DataFrame:
    from geo.render import synthetic_events

    if path is None:
        path = ROOT / "data" / "sample_events.csv"
        if not path.exists():
            return synthetic_events(400, 30, seed=7)
    if path.suffix.lower() in (".geojson", ".json"):
        fc = json.loads(path.read_text(encoding="utf-8"))
        rows = []
        for f in fc.get("features", []):
            props = dict(f.get("properties") or {})
            geom = f.get("geometry") or {}
            if geom.get("type") == "Point":
                props.setdefault("longitude", geom["coordinates"][0])
                props.setdefault("latitude", geom["coordinates"][1])
            rows.append(props)
        df = pd.DataFrame(rows)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "geo_precision" not in df:
        df["geo_precision"] = "settlement"      # tables with coordinates are usually of places
    try:
        from geo.regions import join_regions
        df = join_regions(df)                   # admin1 for the choropleth
    except Exception as e:  # noqa: BLE001 - borders are decoration here; the map still renders
        print(f"note: no region join ({e})", file=sys.stderr)
    return df


def basemap_for(df: pd.DataFrame) -> dict | None:
    try:
        from geo.regions import basemap_geojson
    except ImportError:
        return None
    lat = pd.to_numeric(df["latitude"], errors="coerce").dropna()
    lon = pd.to_numeric(df["longitude"], errors="coerce").dropna()
    bbox = (lon.min(), lat.min(), lon.max(), lat.max()) if len(lat) else None
    return basemap_geojson(bbox)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", nargs="?", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "map.png")
    ap.add_argument("--date", default="all", help="'all' or an ISO date to show")
    ap.add_argument("--frontline", type=Path, help="folder of dated front-line GeoJSON files")
    ap.add_argument("--html", type=Path, help="also keep the HTML map here")
    ap.add_argument("--size", default="1400x900")
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from geo import _io
    from geo.render import render_map

    df = load_events(a.events)
    front = None
    if a.frontline:
        from geo.frontline import load_frontline
        front = load_frontline(a.frontline).to_json()
    html = a.html or Path(tempfile.mkdtemp(prefix="fl_shot_")) / "map.html"
    render_map(df, html, title="frontline-map: sample events", basemap=basemap_for(df), frontline=front)
    w, h = (int(x) for x in a.size.split("x"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": w, "height": h})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(html.resolve().as_uri() + f"#date={a.date}")
        page.wait_for_function("window.frontline && window.frontline.shownCount")
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        png = page.screenshot()
        browser.close()
    _io.write_bytes(a.out, png)
    print(f"{a.out}: {len(df)} events, {len(png) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
