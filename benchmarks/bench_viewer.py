#!/usr/bin/env python3
"""Viewer speed before/after: the whole CLI build of N synthetic events over D dates (realistic
fields, base map on), each page opened in headless Chromium (network blocked).

Measures, for this tree and for a git ref (default ``main``, exported with ``git archive`` into a
temp folder, so nothing in the repository changes), in one run:
- build time of ``frontline-map build``;
- page size;
- first render: navigation start → the opening view drawn (``window.frontline`` set, then two
  animation frames), median of --loads fresh page loads;
- date switch: ``frontline.setDate(d)`` → drawn (two animation frames), median of --switches dates,
  one date at a time (window 0) in both trees.

Usage: bench_viewer.py [--events 100000] [--dates 365] [--ref main] [--loads 5] [--switches 20]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

#: Records when the opening view is drawn: an injected (CSP-exempt) script polls every frame.
INIT = """(() => { const tick = () => { if (window.frontline && window.frontline.shownCount) {
  requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawn = performance.now(); })); }
  else requestAnimationFrame(tick); }; requestAnimationFrame(tick); })();"""
SWITCH = """async d => { const t = performance.now(); frontline.setDate(d);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); return performance.now() - t; }"""


def export_ref(ref: str, dest: Path) -> Path:
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def build(tree: Path, table: Path, out: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1",
               FRONTLINE_MAP_VENDOR=os.environ.get("FRONTLINE_MAP_VENDOR", str(ROOT / "geo" / "_vendor")))
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "geo", "build", str(table), "-o", str(out)], cwd=tree, env=env,
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"build failed in {tree}:\n{r.stderr[-2000:]}")
    return time.perf_counter() - t


def measure(browser, html: Path, loads: int, switches: int, seed: int = 0) -> dict:
    """One round on one page: *loads* fresh loads (first render each), then *switches* dates."""
    firsts, sw = [], []
    for k in range(loads):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page = ctx.new_page()
        page.add_init_script(INIT)
        page.goto(html.resolve().as_uri())
        for _ in range(1200):
            v = page.evaluate("window.__drawn || 0")
            if v:
                break
            time.sleep(0.05)
        firsts.append(v)
        if k == 0:
            shown = page.evaluate("[frontline.getDate(), frontline.shownCount()]")
            page.evaluate("frontline.setWindow(0)")       # the same work in both trees: one date at a time
            days = page.evaluate("frontline.days")
            for d in random.Random(seed).sample(days, min(switches, len(days))):
                sw.append(page.evaluate(SWITCH, d))
        ctx.close()
    return {"first": firsts, "switch": sw, "opening": shown, "bytes": html.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--dates", type=int, default=365)
    ap.add_argument("--ref", default="main")
    ap.add_argument("--loads", type=int, default=3, help="page loads per tree and round")
    ap.add_argument("--switches", type=int, default=15, help="date switches per tree and round")
    ap.add_argument("--rounds", type=int, default=3, help="rounds, alternating the trees (a busy machine is noisy)")
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from geo.render import synthetic_events
    tmp = Path(tempfile.mkdtemp(prefix="fl_bench_viewer_"))
    table = tmp / "events.csv"
    synthetic_events(a.events, a.dates, seed=11).to_csv(table, index=False)
    trees = {a.ref: export_ref(a.ref, tmp / "ref"), "this tree": ROOT}
    results = {}
    for name, tree in trees.items():
        out = tmp / ("out_" + str(len(results)))
        results[name] = {"build_s": round(build(tree, table, out), 1), "html": out / "index.html"}
    samples: dict[str, dict] = {n: {"first": [], "switch": []} for n in trees}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for rnd in range(a.rounds):
            for name in (list(trees) if rnd % 2 == 0 else list(trees)[::-1]):
                m = measure(browser, results[name]["html"], a.loads, a.switches, seed=rnd)
                samples[name]["first"] += m["first"]
                samples[name]["switch"] += m["switch"]
                results[name]["opening"], results[name]["bytes"] = m["opening"], m["bytes"]
        browser.close()
    for name, r in results.items():
        r.pop("html")
        r["first_render_ms"] = round(statistics.median(samples[name]["first"]))
        r["date_switch_ms"] = round(statistics.median(samples[name]["switch"]))
        r["n"] = [len(samples[name]["first"]), len(samples[name]["switch"])]
    print(f"{a.events} events over {a.dates} dates (medians; first render = navigation → opening view drawn)")
    for name, r in results.items():
        print(f"{name:>10}: build {r['build_s']} s, page {r['bytes'] / 1e6:.1f} MB, first render "
              f"{r['first_render_ms']:.0f} ms, date switch {r['date_switch_ms']:.0f} ms, opens on {r['opening']}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
