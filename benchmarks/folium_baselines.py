#!/usr/bin/env python3
"""What a user would write with folium instead of frontline-map: the baselines bench_cli.py times.

    python benchmarks/folium_baselines.py naive|timestamped EVENTS.csv OUT.html --js-dir DIR

``naive``: one ``folium.CircleMarker`` (with a popup) per event, in one ``FeatureGroup`` per date, the
latest date shown (what folium's examples do). ``timestamped``: folium's ``TimestampedGeoJson``, one
point feature per event with ``times=[date]``, a one-day period and a one-hour duration so that a step
shows exactly one date's events, no autoplay. Both are run as whole processes on the same CSV as
``frontline-map build``. Neither can geocode a bare place name, so rows without coordinates are dropped
(reported). To open from disk as our map does, folium's CDN scripts are replaced by inlined copies:
Leaflet from the project's npm-fetched vendor folder, jQuery, Leaflet.TimeDimension, iso8601-js-period
and moment from ``--js-dir`` (see bench_cli.fetch_js; npm registry, cached, never committed). jQuery UI
and highlight.js, which TimestampedGeoJson also links, are not needed to draw and are left out.

The page gets ``window.benchInfo``: the map's variable name, the dates, and (naive) the group names, so
the benchmark can switch dates the way a LayerControl click or the time slider does.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import folium
import pandas as pd
from branca.element import Element

COLORS = {"strike": "#d62728", "explosion": "#ff7f0e", "attack": "#9467bd", "destroyed_equipment": "#1f77b4",
          "other": "#7f7f7f"}


def _inline(m: folium.Map, js: list[Path], css: list[Path]) -> None:
    """Drop folium's CDN links, inline the given files instead (offline, like our page)."""
    m.default_js, m.default_css = [], []
    head = m.get_root().header
    for p in css:
        head.add_child(Element(f"<style>{p.read_text(encoding='utf-8')}</style>"))
    for p in js:
        head.add_child(Element(f"<script>{p.read_text(encoding='utf-8')}</script>"))


def _read(csv_path: Path) -> tuple[pd.DataFrame, int]:
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    ok = (df["latitude"] != "") & (df["longitude"] != "")
    df = df[ok].copy()
    df["lat"], df["lon"] = df["latitude"].astype(float), df["longitude"].astype(float)
    return df, int((~ok).sum())


def _leaflet() -> tuple[Path, Path]:
    from geo import _vendor
    return _vendor.path("leaflet.js"), _vendor.path("leaflet.css")


def naive(csv_path: Path, out: Path, js_dir: Path) -> str:
    df, dropped = _read(csv_path)
    m = folium.Map(location=[48.5, 33.0], zoom_start=6, tiles=None)
    ljs, lcss = _leaflet()
    _inline(m, [ljs, js_dir / "jquery.min.js"], [lcss])
    dates = sorted(df["event_date"].unique())
    groups = {d: folium.FeatureGroup(name=d, show=(d == dates[-1])).add_to(m) for d in dates}
    for r in df.itertuples(index=False):
        folium.CircleMarker([r.lat, r.lon], radius=5, color=COLORS.get(r.event_type, "#333"), fill=True,
                            popup=folium.Popup(f"{r.event_date} {r.event_type} {r.location_name}: {r.evidence}",
                                               max_width=300)).add_to(groups[r.event_date])
    info = {"map": m.get_name(), "dates": dates, "groups": [groups[d].get_name() for d in dates]}
    m.get_root().html.add_child(Element(f"<script>window.benchInfo = {json.dumps(info)};</script>"))
    m.save(str(out))
    return f"naive folium: {len(df)} markers, {len(dates)} groups, {dropped} rows without coordinates dropped"


def timestamped(csv_path: Path, out: Path, js_dir: Path) -> str:
    from folium.plugins import TimestampedGeoJson
    df, dropped = _read(csv_path)
    m = folium.Map(location=[48.5, 33.0], zoom_start=6, tiles=None)
    ljs, lcss = _leaflet()
    _inline(m, [ljs, js_dir / "jquery.min.js", js_dir / "iso8601.min.js", js_dir / "leaflet.timedimension.min.js",
                js_dir / "moment.min.js"], [lcss, js_dir / "leaflet.timedimension.control.css"])
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
              "properties": {"times": [r.event_date], "icon": "circle", "popup":
                             f"{r.event_date} {r.event_type} {r.location_name}: {r.evidence}",
                             "iconstyle": {"radius": 5, "color": COLORS.get(r.event_type, "#333"),
                                           "fillOpacity": 0.6}}}
             for r in df.itertuples(index=False)]
    tg = TimestampedGeoJson({"type": "FeatureCollection", "features": feats}, period="P1D", duration="PT1H",
                            auto_play=False, add_last_point=False, loop=False)
    tg.default_js, tg.default_css = [], []
    tg.add_to(m)
    dates = sorted(df["event_date"].unique())
    info = {"map": m.get_name(), "dates": dates}
    m.get_root().html.add_child(Element(f"<script>window.benchInfo = {json.dumps(info)};</script>"))
    m.save(str(out))
    return f"TimestampedGeoJson: {len(feats)} features, {len(dates)} dates, {dropped} rows without coordinates dropped"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=("naive", "timestamped"))
    ap.add_argument("events", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--js-dir", type=Path, required=True)
    a = ap.parse_args(argv)
    print((naive if a.kind == "naive" else timestamped)(a.events, a.output, a.js_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
