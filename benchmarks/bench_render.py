"""Render benchmark: 100k synthetic events over 365 dates in headless Chromium, vs naive folium.

Usage: python benchmarks/bench_render.py [--events 100000] [--days 365] [--naive 20000] [--switches 40]

Measures HTML size (events / front line / rest), build time, first render (navigation start
until markers are painted: two animation frames after load) and date switch (setDate until
painted, two animation frames), median and p95. The naive build is one folium.Marker per event
in per-date FeatureGroups (what folium examples do), Leaflet inlined so it renders offline.
Targets: HTML <= 25 MB, first render <= 1.5 s, switch <= 50 ms, build <= 10 s.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium

from geo import _io
from geo._map_plugins import InlineLeaflet, Raw as _Raw
from geo.render import blob_sizes, render_html, synthetic_events

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
# [JS time of the call, time until painted]; the second includes waiting for two frames (17-33 ms at 60 Hz)
SWITCH = """d => { const t0 = performance.now(); SET(d); const t1 = performance.now() - t0;
  return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r([t1, performance.now() - t0])))); }"""


def synthetic_frontline(days: list[str], vertices: int = 1100) -> dict:
    """One wobbly polygon per day around the Donbas (a DeepStateMap day is ~1100 vertices)."""
    geoms = []
    for k, _ in enumerate(days):
        ring = []
        for j in range(vertices):
            a = 2 * math.pi * j / vertices
            r = 1.2 + 0.05 * math.sin(7 * a + k / 20) + 0.002 * k
            ring.append([round(37.8 + 1.6 * r * math.cos(a), 4), round(47.8 + r * math.sin(a), 4)])
        ring.append(ring[0])
        geoms.append({"type": "Polygon", "coordinates": [ring]})
    return {"dates": days, "geometries": geoms}


def naive_folium_html(df) -> tuple[str, list[str], list[str]]:
    """One folium.Marker per event in per-date FeatureGroups; returns (html, dates, group names)."""
    m = folium.Map(location=[48.5, 33.0], zoom_start=6, tiles=None)
    m.default_js, m.default_css = [], []
    InlineLeaflet().add_to(m)
    # folium popups call jQuery's $(html)[0]; a 1-line stand-in keeps the page offline (no jQuery copy)
    m.get_root().header.add_child(_Raw("<script>window.$ = s => { const t = document.createElement('template');"
                                       " t.innerHTML = s.trim(); return [t.content.firstChild]; };</script>"))
    dates = sorted(d for d in df["event_date"].unique() if d)
    groups = {d: folium.FeatureGroup(name=d, show=(d == dates[-1])).add_to(m) for d in dates}
    for r in df.itertuples(index=False):
        if r.event_date:
            folium.Marker([r.latitude, r.longitude], tooltip=r.location_name,
                          popup=f"{r.event_date} {r.event_type} {r.evidence}").add_to(groups[r.event_date])
    return m.get_root().render(), dates, [groups[d].get_name() for d in dates]


def measure(browser, path: Path, dates: list[str], set_js: str, switches: int,
            extras: dict[str, str] | None = None) -> dict:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    first = page.evaluate(PAINTED)
    step = max(1, len(dates) // switches)
    times = [page.evaluate(SWITCH.replace("SET", set_js), d) for d in dates[::step][:switches]]
    extra = {label: page.evaluate(SWITCH.replace("SET", js), None)[1] for label, js in (extras or {}).items()}
    ctx.close()
    if errors:
        raise RuntimeError(f"page errors: {errors[:3]}")
    p95 = lambda xs: sorted(xs)[min(len(xs) - 1, int(0.95 * len(xs)))]  # noqa: E731
    js, times = [t[0] for t in times], [t[1] for t in times]
    return {"first_ms": first, "switch_median_ms": statistics.median(times), "switch_p95_ms": p95(times),
            "switch_js_median_ms": statistics.median(js), "switch_js_p95_ms": p95(js), "switches": len(times),
            "extra": extra}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--naive", type=int, default=20_000, help="events in the naive folium build (0: skip)")
    ap.add_argument("--switches", type=int, default=40)
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    df = synthetic_events(a.events, a.days, seed=1)
    dates = sorted(d for d in df["event_date"].unique() if d)
    front = synthetic_frontline(dates)
    t0 = time.perf_counter()
    page = render_html(df, frontline=front)
    build_s = time.perf_counter() - t0
    sizes = blob_sizes(page)
    total = len(page.encode("utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="bench_render_"))
    ours_path = tmp / "ours.html"
    _io.write_text(ours_path, page)
    print(f"ours: {a.events} events, {len(dates)} dates, build {build_s:.2f} s, HTML {total / 1e6:.1f} MB "
          f"(events {sizes['events'] / 1e6:.1f} MB, frontline {sizes['frontline'] / 1e6:.1f} MB, "
          f"other {(total - sizes['events'] - sizes['frontline']) / 1e6:.2f} MB)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        extras = {  # viewer features at scale, each until painted
            "all dates (every event)": "(() => frontline.setDate(null))",
            "back to one date": f"(() => frontline.setDate({dates[len(dates) // 2]!r}))",
            "30-day window": "(() => frontline.setWindow(30))",
            "cluster on (30-day window)": "(() => frontline.setLayers({cluster: true}))",
            "next date, clustered": f"(() => frontline.setDate({dates[len(dates) // 2 + 1]!r}))",
            "heatmap on (30-day window)": "(() => frontline.setLayers({cluster: false, heat: true}))",
        }
        ours = measure(browser, ours_path, dates, "frontline.setDate", a.switches, extras)
        print(f"ours: first render {ours['first_ms']:.0f} ms, date switch median {ours['switch_median_ms']:.1f} ms, "
              f"p95 {ours['switch_p95_ms']:.1f} ms ({ours['switches']} switches; JS part median "
              f"{ours['switch_js_median_ms']:.1f} ms, p95 {ours['switch_js_p95_ms']:.1f} ms, the rest is frame wait)")
        print("ours, features: " + ", ".join(f"{k} {v:.0f} ms" for k, v in ours["extra"].items()))
        targets = {"HTML <= 25 MB": total <= 25e6, "first render <= 1.5 s": ours["first_ms"] <= 1500,
                   "switch <= 50 ms": ours["switch_p95_ms"] <= 50, "build <= 10 s": build_s <= 10}
        print("targets: " + ", ".join(f"{k}: {'ok' if v else 'MISSED'}" for k, v in targets.items()))
        if a.naive:
            nd = df.iloc[: a.naive]
            t0 = time.perf_counter()
            html, ndates, names = naive_folium_html(nd)
            nbuild = time.perf_counter() - t0
            npath = tmp / "naive.html"
            _io.write_text(npath, html)
            # switch = hide the shown group, show the next (what a LayerControl click does)
            set_js = ("(d => { const names = " + repr(names) + ", ds = " + repr(ndates) + ";"
                      " const m = Object.values(window).find(v => v instanceof L.Map);"
                      " names.forEach(n => m.hasLayer(window[n]) && m.removeLayer(window[n]));"
                      " m.addLayer(window[names[ds.indexOf(d)]]); })")
            naive = measure(browser, npath, ndates, set_js, a.switches)
            nsize = len(html.encode("utf-8"))
            per = lambda x, n: x / n * 1000  # noqa: E731 - per 1000 events
            ours_ev_size = sizes["events"] + (total - sizes["events"] - sizes["frontline"])
            print(f"naive folium: {a.naive} events, build {nbuild:.2f} s, HTML {nsize / 1e6:.1f} MB, first render "
                  f"{naive['first_ms']:.0f} ms, switch median {naive['switch_median_ms']:.1f} ms, "
                  f"p95 {naive['switch_p95_ms']:.1f} ms")
            print(f"ratios naive/ours per 1000 events: size {per(nsize, a.naive) / per(ours_ev_size, a.events):.1f}x, "
                  f"build {per(nbuild, a.naive) / per(build_s, a.events):.1f}x, first render "
                  f"{per(naive['first_ms'], a.naive) / per(ours['first_ms'], a.events):.1f}x; "
                  f"switch (absolute, {a.naive / len(ndates):.0f} vs {a.events / len(dates):.0f} events/date) "
                  f"{naive['switch_median_ms'] / ours['switch_median_ms']:.1f}x")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
