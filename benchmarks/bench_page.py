#!/usr/bin/env python3
"""One built map (a single file or a map folder) opened from disk in headless Chromium: the figures
of issue 10's targets that bench_cli.py does not report.

    python benchmarks/bench_page.py OUT/index.html [--switches 30]

First render (navigation start → ``frontline.ready`` + two animation frames), date switch median /
p95 and "all dates" (each until painted, as bench_cli.py), JS heap, the **renderer processes' peak
RSS** (VmHWM of Chromium's ``--type=renderer`` children, from /proc, Linux), the time from a click on a
shown point to its popup text, and from a search to its result list. Page size = the page plus every
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

CLICK = """async () => { const f = window.frontline, ids = f.shownIds();
  const map = f.map, box = map.getContainer().getBoundingClientRect();
  for (const id of ids.slice(0, 200)) {                 // a shown point that is drawn in view
    const m = f.markerOf(id); if (!m) continue;
    const p = map.latLngToContainerPoint(m.getLatLng()); m.remove();
    if (f.pointAt && f.pointAt(p.x, p.y) !== id) continue;
    if (p.x < 300 || p.y < 100 || p.x > box.width - 20 || p.y > box.height - 120) continue;
    return [box.left + p.x, box.top + p.y];
  }
  return null; }"""


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
    a = ap.parse_args(argv)
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
        xy = page.evaluate(CLICK)
        if xy:
            t = time.perf_counter()
            page.mouse.click(*xy)
            page.wait_for_selector(".fl-popup", timeout=60_000)
            out["popup_ms"] = (time.perf_counter() - t) * 1000
        q = page.evaluate("frontline.geojson().features[0].properties.location_name")
        page.fill(".fl-search", "")
        time.sleep(0.5)                              # past the search box's debounce
        t = time.perf_counter()
        page.fill(".fl-search", q)
        page.wait_for_selector(".fl-results li.fl-hit-count", timeout=60_000)
        out["search_ms"] = (time.perf_counter() - t) * 1000
        heap = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}.get("JSHeapUsedSize")
        out["heap_mib"] = heap / 2**20 if heap else None
        out["renderer_peak_rss_mib"] = renderer_peak_mib()
        out["page_errors"] = errors[:3]
        browser.close()
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
