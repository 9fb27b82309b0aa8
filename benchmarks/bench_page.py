#!/usr/bin/env python3
"""One built map (a single file or a map folder) opened from disk in headless Chromium: the figures
of issue 10's targets that bench_cli.py does not report.

    python benchmarks/bench_page.py OUT/index.html [--switches 30]

First render (navigation start → ``frontline.ready`` + two animation frames), date switch median /
p95 and "all dates" (each until painted, as bench_cli.py), JS heap, the **renderer processes' peak
RSS** (VmHWM of Chromium's ``--type=renderer`` children, from /proc, Linux), the time from a click on a
shown point to its popup text, medians of ``--popups`` rounds, each at a new point whose chunk
nothing loaded yet (``popup_ms``: a real mouse click, which moves the pointer over the point first, so
a map folder starts loading the point's chunk on that hover, ~20-50 ms before the press;
``popup_cold_ms``: the map's click fired at the point, as a tap or a pointer that lands without
passing over it), and from a search to its result list. Page size = the page plus every
file beside it (a map folder), without events.geojson / rejects.csv.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_cli import ARGS, CHROMIUM, TIMED, _p95, open_offline, page_bytes  # noqa: E402

# a shown point drawn in view, alone on its spot (a stack would fan out instead of opening a popup),
# and not under the panel, the timeline or a control (the click must reach the map)
CLICK = """async (cold) => { const f = window.frontline, all = f.shownIds(), map = f.map;
  const box = map.getContainer().getBoundingClientRect();
  const at = id => map.latLngToContainerPoint([f.value(id, 'latitude'), f.value(id, 'longitude')]);
  const ids = all.slice(0, 3000).filter(id => !cold || !f.chunkLoaded || !f.chunkLoaded(id));
  const pts = ids.map(at), every = all.map(at);     // neighbours among every shown point: a stack fans out
  for (let k = 0; k < ids.length; k++) {
    const p = pts[k];
    if (p.x < 20 || p.y < 20 || p.x > box.width - 20 || p.y > box.height - 20) continue;
    if (every.filter(q => Math.abs(q.x - p.x) < 12 && Math.abs(q.y - p.y) < 12).length > 1) continue;
    if (f.pointAt && f.pointAt(p.x, p.y) !== ids[k]) continue;
    const e = document.elementFromPoint(box.left + p.x, box.top + p.y);
    if (!e || e.closest('.fl-panel, .fl-timebar, .leaflet-control, .leaflet-popup')) continue;
    return [box.left + p.x, box.top + p.y];
  }
  return null; }"""


# times an event (t0) and the first moment after it when *selector* is in the DOM (t1), in the page
WATCH = """([sel, ev]) => { const w = window.__flWatch = {};
  document.addEventListener(ev, () => { w.t0 = performance.now(); }, {capture: true, once: true});
  new MutationObserver((m, o) => { if (w.t0 !== undefined && document.querySelector(sel)) { w.t1 = performance.now(); o.disconnect(); } })
    .observe(document.body, {childList: true, subtree: true, characterData: true}); }"""


def synthetic_map(n: int, page: Path) -> Path:
    """The map of n rows of benchmarks/synthetic_events.py written by geo.render (no pipeline: the 10 %
    of rows left for geocoding get their place's coordinates, region columns are not joined)."""
    import pandas as pd
    from synthetic_events import places, rows

    from geo.render import render_map
    from geo.schema import event_id
    at = {p["name"]: (p["lat"], p["lon"]) for p in places()}
    df = pd.DataFrame(list(rows(n)))
    for k, c in enumerate(("latitude", "longitude")):
        v = pd.to_numeric(df[c], errors="coerce")
        df[c] = v.fillna(df["location_name"].map(lambda x, k=k: at[x][k]))
    df["geo_precision"], df["date_precision"], df["country"] = "settlement", "day", "UA"
    df.insert(0, "event_id", [event_id(r) for r in df.to_dict("records")])
    return render_map(df, page, title=f"{n} synthetic events")


def renderer_peak_mib() -> float:
    """Largest VmHWM (MiB) among Chromium renderer processes descending from this process (ours, not
    another program's browser). Chromium rewrites its command line into one string: search the bytes."""
    import os
    parent: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent[int(pid)] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    me, best = os.getpid(), 0

    def ours(pid: int) -> bool:
        while pid > 1:
            if pid == me:
                return True
            pid = parent.get(pid, 0)
        return False
    for pid in parent:
        try:
            if not ours(pid) or b"--type=renderer" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            continue
    return best / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", type=Path)
    ap.add_argument("--switches", type=int, default=30)
    ap.add_argument("--popups", type=int, default=5, help="popups timed per kind (medians reported)")
    ap.add_argument("--synthetic", type=int, metavar="N", help="first write an N-event map to PAGE in-process "
                    "(benchmarks/synthetic_events.py rows, all placed; faster than the CLI, for iterating)")
    a = ap.parse_args(argv)
    if a.synthetic:
        t = time.perf_counter()
        synthetic_map(a.synthetic, a.page)
        print(f"wrote {a.page} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    from playwright.sync_api import sync_playwright
    out: dict = {"page_mb": page_bytes(a.page.parent) / 1e6}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        ctx, page, errors, cdp, out["first_ms"] = open_offline(browser, a.page)
        out["opening"] = page.evaluate("[frontline.getDate(), frontline.shownCount(), frontline.drawnCount()]")
        days = page.evaluate("frontline.days")
        page.evaluate("frontline.setWindow(0)")
        step = max(1, len(days) // a.switches)
        times = [page.evaluate(TIMED.replace("STEP", "d => window.frontline.setDate(d)"), d)
                 for d in days[step // 2::step][:a.switches]]
        out["switch_median_ms"], out["switch_p95_ms"] = statistics.median(times), _p95(times)
        out["all_dates_ms"] = page.evaluate(TIMED.replace("STEP", "() => window.frontline.setDate(null)"), None)
        out["all_shown_drawn"] = page.evaluate("[frontline.shownCount(), frontline.drawnCount()]")
        page.evaluate("d => frontline.setDate(d)", days[len(days) // 2])
        page.evaluate("frontline.idsReady")             # a map folder's ids arrive after the opening view
        # each round a new point whose chunk nothing has loaded yet (the warm-up chunk and earlier
        # rounds' chunks excluded), so every round pays its own chunk; medians over --popups rounds
        real, cold = [], []
        for _ in range(a.popups):
            page.mouse.move(2, 2)                          # off the map's points: no hover before the click
            page.evaluate("frontline.map.closePopup()")
            time.sleep(0.3)
            xy = page.evaluate(CLICK, True)
            if not xy:
                break
            # in the page: the click's mousedown → the popup's text in the DOM (not "loading…"); the
            # wall time around Playwright's click adds its own round trips (~50–500 ms) and is reported too
            page.evaluate(WATCH, [".fl-popup", "mousedown"])
            t = time.perf_counter()
            page.mouse.click(*xy)
            try:
                page.wait_for_selector(".fl-popup", timeout=5_000)
            except Exception:                              # a fan-out (a stack under the point): not counted
                continue
            out["popup_wall_ms"] = (time.perf_counter() - t) * 1000
            real.append(page.evaluate("window.__flWatch.t1 - window.__flWatch.t0"))
        for _ in range(a.popups):
            # a click with no hover before it (a tap, or a pointer that lands without passing over the point):
            # the map's click event fired at a point whose chunk is not loaded yet, so nothing was preloaded
            page.evaluate("frontline.map.closePopup()")
            time.sleep(0.3)
            xy = page.evaluate(CLICK, True)
            if not xy:
                break
            v = page.evaluate("""([x, y]) => new Promise(res => {
              const map = frontline.map, r = map.getContainer().getBoundingClientRect(), t0 = performance.now();
              setTimeout(() => res(null), 5000);     // no popup (a fan-out): not counted
              new MutationObserver((m, o) => { if (document.querySelector('.fl-popup')) { o.disconnect(); res(performance.now() - t0); } })
                .observe(document.body, {childList: true, subtree: true});
              const cp = L.point(x - r.left, y - r.top);
              map.fire('click', {containerPoint: cp, latlng: map.containerPointToLatLng(cp), originalEvent: new MouseEvent('click')}); })""", xy)
            if v is not None:
                cold.append(v)
        # None: no isolated point in view whose chunk was not loaded (not measured)
        out["popup_ms"] = statistics.median(real) if real else None
        out["popup_cold_ms"] = statistics.median(cold) if cold else None
        out["popup_rounds"] = [round(v) for v in real]
        out["popup_cold_rounds"] = [round(v) for v in cold]
        q = page.evaluate("frontline.value(frontline.shownIds()[0], 'location_name')")
        page.fill(".fl-search", "")
        time.sleep(0.5)                              # past the search box's debounce
        page.evaluate(WATCH, [".fl-results li.fl-hit-count", "input"])
        t = time.perf_counter()
        page.fill(".fl-search", q)
        page.wait_for_selector(".fl-results li.fl-hit-count", timeout=60_000)
        out["search_wall_ms"] = (time.perf_counter() - t) * 1000
        # typing (the input event) → the list of matches shown, the box's debounce included
        out["search_ms"] = page.evaluate("window.__flWatch.t1 - window.__flWatch.t0")
        out["search_query"] = q
        out["search_matches"] = page.evaluate("document.querySelector('.fl-results li.fl-hit-count').textContent")
        heap = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}.get("JSHeapUsedSize")
        out["heap_mib"] = heap / 2**20 if heap else None
        out["renderer_peak_rss_mib"] = renderer_peak_mib()
        out["page_errors"] = errors[:3]
        browser.close()
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
