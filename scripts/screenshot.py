"""Render events to an HTML map and take a headless-Chromium screenshot (for docs/map.png).

Usage: python scripts/screenshot.py [EVENTS.geojson|EVENTS.csv] [--out docs/map.png] [--date all|YYYY-MM-DD]
       [--frontline FOLDER] [--html map.html] [--size WxH]
       python scripts/screenshot.py --docs     # docs/map.png, docs/phone.png, docs/frontline.png

--docs remakes the README pictures: the seeds map as a newcomer opens it (``frontline-map build
../shared/seeds``), the same map on a phone (390x844), and a front-line view (synthetic events
of July 2024 over the ../shared/data/deepstate snapshot in force).

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


def shoot(html: Path, out: Path, size: tuple[int, int], hash_: str = "", js: str = "") -> int:
    """PNG of *html* at *size* (network blocked), after running *js*; returns its size in bytes."""
    import time

    from playwright.sync_api import sync_playwright

    from geo import _io
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(html.resolve().as_uri() + hash_)
        for _ in range(200):        # the page's CSP forbids eval: poll instead of wait_for_function
            if page.evaluate("!!(window.frontline && window.frontline.shownCount)"):
                break
            time.sleep(0.05)
        if js:
            page.evaluate(f"() => {{ {js}; return null; }}")
        page.wait_for_timeout(400)
        png = page.screenshot()
        browser.close()
    _io.write_bytes(out, png)
    return len(png)


def docs() -> int:
    """The three README pictures (needs ../shared)."""
    from geo.cli import main as cli
    from geo.render import synthetic_events
    shared = ROOT.parent / "shared"
    if not (shared / "seeds").exists():
        shared = Path("/work/shared")
    tmp = Path(tempfile.mkdtemp(prefix="fl_docs_"))
    assert cli(["build", str(shared / "seeds"), "-o", str(tmp / "seeds")]) == 0
    for name, size in (("map.png", (1400, 900)), ("phone.png", (390, 844))):
        n = shoot(tmp / "seeds" / "index.html", ROOT / "docs" / name, size)
        print(f"docs/{name}: {n // 1024} KB")
    df = synthetic_events(900, 28, start="2024-07-08", seed=4)
    df.to_csv(tmp / "july2024.csv", index=False)
    assert cli(["build", str(tmp / "july2024.csv"), "-o", str(tmp / "front"), "--title", "Synthetic events, July 2024",
                "--frontline", str(shared / "data" / "deepstate")]) == 0
    n = shoot(tmp / "front" / "index.html", ROOT / "docs" / "frontline.png", (1400, 900),
              js="frontline.setDate('2024-07-20'); frontline.setLayers({choro: false}); "
                 "frontline.map.setView([47.9, 37.3], 8, {animate: false});")
    print(f"docs/frontline.png: {n // 1024} KB")
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:] == ["--docs"] or argv == ["--docs"]:
        return docs()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", nargs="?", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "map.png")
    ap.add_argument("--date", default="all", help="'all' or an ISO date to show")
    ap.add_argument("--frontline", type=Path, help="folder of dated front-line GeoJSON files")
    ap.add_argument("--html", type=Path, help="also keep the HTML map here")
    ap.add_argument("--size", default="1400x900")
    a = ap.parse_args(argv)
    from geo.render import render_map

    df = load_events(a.events)
    front = None
    if a.frontline:
        from geo.frontline import load_frontline
        front = load_frontline(a.frontline).to_json()
    html = a.html or Path(tempfile.mkdtemp(prefix="fl_shot_")) / "map.html"
    render_map(df, html, title="frontline-map: sample events", basemap=basemap_for(df), frontline=front)
    w, h = (int(x) for x in a.size.split("x"))
    n = shoot(html, a.out, (w, h), hash_=f"#date={a.date}")
    print(f"{a.out}: {len(df)} events, {n // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
