#!/usr/bin/env python3
"""Benchmark what a user runs: whole `frontline-map build` processes on realistic data, then the built
map opened from disk in headless Chromium, beside naive folium and TimestampedGeoJson in the same run.

    python benchmarks/bench_cli.py [--sizes 10k,100k[,1M]] [--compare 20k] [--switches 40]
                                   [--markdown] [--json OUT.json] [--keep DIR]

Data: benchmarks/synthetic_events.py (real Ukrainian/Russian place names and coordinates, 365 dates,
100–200-character evidence, URLs, 10 % of rows geocoded by name only).

Per size, the build is one child process (`frontline-map build CSV -o OUT`): wall time, CPU time
(user + system) and peak RSS of that process, from /usr/bin/time. Output size is the whole output
folder's index.html plus any files beside it that the page loads (everything but events.geojson and
rejects.csv). Then, in Chromium (Debian's /usr/bin/chromium via Playwright; every non-file request
blocked), from the file:// URL:

- first render: navigation start → the opening view drawn: ``window.frontline.ready`` (a promise or a
  flag) when the page has it, else the load event; then two animation frames (a paint).
- date switch: ``window.frontline.setDate(d)`` over ``--switches`` dates spread across the year, until
  painted (two animation frames, which alone cost 17–33 ms at 60 Hz: so the floor is ~17 ms); median, p95;
  one date shown (``setWindow(0)``), like a folium page's per-date layer. Above 20 k events our map opens
  on the last 7 days, and a switch keeps that window: timed first, as "switch in the opening view".
- all dates: ``setDate(null)`` until painted.
- JS heap: Chromium's JSHeapUsedSize (DevTools Performance metrics) after "all dates".

At ``--compare`` events (default 20 k) the same CSV is also built by our CLI and by two folium scripts
(benchmarks/folium_baselines.py, whole processes too), and each page measured the same way: naive folium
switches by removing a date's FeatureGroup and adding the next (a LayerControl click), "all dates" adds
every group; TimestampedGeoJson switches with its time dimension's setCurrentTime and has no "all
dates". Ratios are folium / ours (> 1: ours is better).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic_events import write_csv  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
#: npm packages the TimestampedGeoJson page needs offline: package@version -> {tar member: file name}
JS = {
    "jquery@3.7.1": {"package/dist/jquery.min.js": "jquery.min.js"},
    "iso8601-js-period@0.2.1": {"package/iso8601.js": "iso8601.min.js"},  # the CDN minifies it; same code
    "leaflet-timedimension@1.1.1": {"package/dist/leaflet.timedimension.min.js": "leaflet.timedimension.min.js",
                                    "package/dist/leaflet.timedimension.control.css":
                                        "leaflet.timedimension.control.css"},
    "moment@2.18.1": {"package/min/moment.min.js": "moment.min.js"},
}
PAINT = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
# the opening view: frontline.ready when the page has it (a promise or a flag), else the load event
FIRST = """async () => {
  const f = window.frontline;
  if (f && 'ready' in f) {
    if (f.ready && typeof f.ready.then === 'function') await f.ready;
    else while (!window.frontline.ready) await new Promise(r => requestAnimationFrame(r));
  }
  return await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))));
}"""
TIMED = """async (d) => { const t0 = performance.now(); await (STEP)(d);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); return performance.now() - t0; }"""
STEPS = {
    "ours": {"dates": "() => window.frontline.days", "switch": "d => window.frontline.setDate(d)",
             # above 20 k events the map opens on a 7-day window: switches are timed in it first (what a
             # user steps through), then on one date, as the per-date layers of the folium pages are
             "one_date": "() => window.frontline.setWindow(0)",
             "all": "() => window.frontline.setDate(null)",
             "count": "() => window.frontline.shownCount ? window.frontline.shownCount() : null",
             # viewer features, each until painted, in this order (skipped where the page lacks them)
             "extras": {"back to one date": "() => window.frontline.setDate(window.frontline.days[180])",
                        "30-day window": "() => window.frontline.setWindow(30)",
                        "clusters on (30 days)": "() => window.frontline.setLayers({cluster: true})",
                        "heatmap on (30 days)": "() => window.frontline.setLayers({cluster: false, heat: true})"}},
    "naive": {"dates": "() => window.benchInfo.dates",
              "switch": """d => { const b = window.benchInfo, m = window[b.map];
                  b.groups.forEach(g => m.hasLayer(window[g]) && m.removeLayer(window[g]));
                  m.addLayer(window[b.groups[b.dates.indexOf(d)]]); }""",
              "all": """() => { const b = window.benchInfo, m = window[b.map];
                  b.groups.forEach(g => m.hasLayer(window[g]) || m.addLayer(window[g])); }""",
              "count": None},
    "timestamped": {"dates": "() => window.benchInfo.dates",
                    "switch": "d => window[window.benchInfo.map].timeDimension.setCurrentTime(Date.parse(d))",
                    "all": None, "count": None},
}


def parse_size(s: str) -> int:
    s = s.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1:], 1)
    return int(float(s[:-1] if s[-1:] in "km" else s) * mult)


def label(n: int) -> str:
    return f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n // 1000} k" if n % 1000 == 0 else str(n)


def fetch_js(dest: Path | None = None) -> Path:
    """The baselines' JS from the npm registry (npm pack), cached; never committed."""
    dest = dest or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "frontline-map" / "bench_js"
    want = [name for files in JS.values() for name in files.values()]
    if all((dest / n).is_file() for n in want):
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for pkg, files in JS.items():
            out = subprocess.run(["npm", "pack", pkg, "--silent"], cwd=tmp, capture_output=True, text=True,
                                 check=True).stdout.strip().splitlines()[-1]
            with tarfile.open(Path(tmp) / out) as tar:
                for member, name in files.items():
                    (dest / name).write_bytes(tar.extractfile(member).read())
    return dest


def run_process(cmd: list[str], log: Path) -> dict:
    """One child process: wall s, CPU s (user + sys), peak RSS MiB, as /usr/bin/time reports them.

    Why /usr/bin/time and not our own wait4: Linux carries the parent's RSS high-water mark into a
    child across fork+exec, so a child of this (large) benchmark process would report our RSS as its
    own; /usr/bin/time is a small parent, so its child's figure is the child's."""
    stats = log.with_suffix(".time")
    with open(log, "w") as fh:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats), *cmd], stdout=fh,
                           stderr=subprocess.STDOUT, cwd=ROOT)
        wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} … exited {p.returncode}; see {log}:\n{log.read_text()[-2000:]}")
    _e, user, system, max_kib = stats.read_text().split()[-4:]
    return {"wall_s": wall, "cpu_s": float(user) + float(system), "rss_mib": int(max_kib) / 1024}


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("frontline-map")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "geo"]


def page_bytes(outdir: Path) -> int:
    """index.html plus whatever it loads beside it (a map folder); not the side tables."""
    skip = {"events.geojson", "rejects.csv"}
    return sum(p.stat().st_size for p in outdir.rglob("*") if p.is_file() and p.name not in skip)


def build_ours(csv_path: Path, outdir: Path) -> dict:
    r = run_process([*_cli(), "build", str(csv_path), "-o", str(outdir)], outdir.with_suffix(".log"))
    r["page"] = outdir / "index.html"
    r["bytes"] = page_bytes(outdir)
    return r


def build_folium(kind: str, csv_path: Path, out_html: Path, js_dir: Path) -> dict:
    r = run_process([sys.executable, str(HERE / "folium_baselines.py"), kind, str(csv_path), str(out_html),
                     "--js-dir", str(js_dir)], out_html.with_suffix(".log"))
    r["page"], r["bytes"] = out_html, out_html.stat().st_size
    return r


def _p95(xs: list[float]) -> float:
    return sorted(xs)[min(len(xs) - 1, int(0.95 * len(xs)))]


def open_offline(browser, path: Path):
    """Open a built map from disk as a user would, offline (every network request fails). Returns the context,
    the page, its list of page errors (filled as they happen), a CDP session with Performance enabled,
    and the first-render time in ms."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    # offline by emulation, not by routing: any ctx.route() sends every request, file:// ones too,
    # through Playwright's interception, which adds 50–200 ms to each data script a map folder loads
    ctx.set_offline(True)
    page = ctx.new_page()
    page.set_default_timeout(900_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(path.resolve().as_uri(), wait_until="load", timeout=900_000)
    return ctx, page, errors, cdp, page.evaluate(FIRST)


def measure_page(browser, path: Path, kind: str, switches: int) -> dict:
    steps = STEPS[kind]
    ctx, page, errors, cdp, first = open_offline(browser, path)
    dates = page.evaluate(steps["dates"])
    step = max(1, len(dates) // switches)
    picks = dates[step // 2::step][:switches]
    opening = None
    if steps.get("one_date"):
        win = [page.evaluate(TIMED.replace("STEP", steps["switch"]), d) for d in picks]
        opening = {"median_ms": statistics.median(win), "p95_ms": _p95(win)}
        page.evaluate(steps["one_date"])
    times = [page.evaluate(TIMED.replace("STEP", steps["switch"]), d) for d in picks]
    all_ms = page.evaluate(TIMED.replace("STEP", steps["all"]), None) if steps["all"] else None
    shown = page.evaluate(steps["count"]) if steps["count"] else None
    core_errors = list(errors)  # the measured path must be clean; errors in the feature toggles are reported
    extras = {}
    for name, js in steps.get("extras", {}).items():
        fn = js.split("window.frontline.")[1].split("(")[0]
        if page.evaluate(f"() => typeof window.frontline.{fn} === 'function'"):
            extras[name] = page.evaluate(TIMED.replace("STEP", js), None)
    heap = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}.get("JSHeapUsedSize")
    ctx.close()
    if core_errors:
        raise RuntimeError(f"{path.name}: page errors: {core_errors[:3]}")
    return {"first_ms": first, "switch_median_ms": statistics.median(times), "switch_p95_ms": _p95(times),
            "switches": len(times), "opening_switch": opening, "all_dates_ms": all_ms,
            "heap_mib": heap / 2**20 if heap else None,
            "shown_all": shown, "extras_ms": extras, "extras_page_errors": errors[len(core_errors):][:3]}


def _fmt(v, unit: str = "", digits: int = 0) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}{unit}"


def _mb(b: int) -> str:
    return f"{b / 1e6:.1f} MB"


def _s(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms / 1000:.2f} s"


ROWS = [
    ("build wall / CPU", lambda r: f"{r['wall_s']:.1f} / {r['cpu_s']:.1f} s"),
    ("build peak RSS", lambda r: f"{r['rss_mib']:.0f} MiB"),
    ("page size", lambda r: _mb(r["bytes"])),
    ("first render", lambda r: _s(r["first_ms"])),
    ("date switch median / p95", lambda r: f"{r['switch_median_ms']:.0f} / {r['switch_p95_ms']:.0f} ms"),
    ("switch in the opening view", lambda r: "n/a" if not r.get("opening_switch") else
     f"{r['opening_switch']['median_ms']:.0f} / {r['opening_switch']['p95_ms']:.0f} ms"),
    ('"all dates"', lambda r: _s(r["all_dates_ms"])),
    ("JS heap after all dates", lambda r: _fmt(r["heap_mib"], " MiB")),
]


def table(columns: dict[str, dict], markdown: bool) -> str:
    heads = ["", *columns]
    body = [[name, *(fn(r) for r in columns.values())] for name, fn in ROWS]
    if markdown:
        return "\n".join(["| " + " | ".join(heads) + " |", "| " + " | ".join("---" for _ in heads) + " |",
                          *("| " + " | ".join(row) + " |" for row in body)])
    w = [max(len(str(x)) for x in col) for col in zip(heads, *body)]
    return "\n".join("  ".join(str(c).ljust(w[i]) for i, c in enumerate(row)) for row in [heads, *body])


def ratios(ours: dict, other: dict) -> dict[str, float | None]:
    def q(a, b):
        return None if a is None or b is None or b == 0 else a / b
    return {"build wall": q(other["wall_s"], ours["wall_s"]), "build peak RSS": q(other["rss_mib"], ours["rss_mib"]),
            "page size": q(other["bytes"], ours["bytes"]), "first render": q(other["first_ms"], ours["first_ms"]),
            "date switch median": q(other["switch_median_ms"], ours["switch_median_ms"]),
            "date switch p95": q(other["switch_p95_ms"], ours["switch_p95_ms"]),
            '"all dates"': q(other["all_dates_ms"], ours["all_dates_ms"]),
            "JS heap": q(other["heap_mib"], ours["heap_mib"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k", help="event counts for our CLI, e.g. 10k,100k,1M")
    ap.add_argument("--compare", default="20k", help="size of the folium comparison (0: skip)")
    ap.add_argument("--switches", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=1, help="browser measurements per page (median reported)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    ap.add_argument("--json", type=Path, help="write every measurement to this JSON file")
    ap.add_argument("--keep", type=Path, help="keep data and outputs in this folder")
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    sizes = [parse_size(s) for s in a.sizes.split(",") if s.strip()]
    cmp_n = parse_size(a.compare)
    work = a.keep or Path(tempfile.mkdtemp(prefix="bench_cli_"))
    work.mkdir(parents=True, exist_ok=True)
    js_dir = fetch_js() if cmp_n else None
    # a private gazetteer cache, built once before anything is timed: the shared one may be rebuilt by
    # another checkout's code at any time, and a user's builds run warm (setup builds it)
    from geo._gazetteer_build import ru_wheel
    wheel = ru_wheel()   # the user's fetched registry wheel (setup.sh): without it Russian villages go missing
    os.environ["FRONTLINE_MAP_CACHE"] = str(work / "cache")
    if wheel is not None:
        os.environ["FRONTLINE_MAP_RU_WHEEL"] = str(wheel)
    warm = work / "warmup.csv"
    write_csv(warm, 200, seed=a.seed)
    t0 = time.perf_counter()
    run_process([*_cli(), "build", str(warm), "-o", str(work / "warmup")], work / "warmup.log")
    print(f"warm-up build (fills the gazetteer cache; not counted) {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)
    results: dict[str, dict] = {}
    errors: dict[str, str] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

        def run(key: str, n: int, builder) -> None:
            """Build, then measure in the browser; a failure is reported and the run goes on."""
            csv_path = work / f"events_{n}.csv"
            if not csv_path.exists():
                write_csv(csv_path, n, seed=a.seed)
            print(f"[{key}] building {label(n)} events … (load average {os.getloadavg()[0]:.1f})",
                  file=sys.stderr, flush=True)
            try:
                r = builder(csv_path)
                print(f"[{key}] built in {r['wall_s']:.1f} s; opening in Chromium …", file=sys.stderr, flush=True)
                page = r.pop("page")
                rounds = [measure_page(browser, page, key, a.switches) for _ in range(a.rounds)]
            except Exception as e:  # noqa: BLE001 - one size failing (e.g. out of memory) must not lose the rest
                print(f"[{key}] {label(n)} FAILED: {e}", file=sys.stderr, flush=True)
                errors[f"{key} {label(n)}"] = str(e)
                return
            # median over rounds of each browser figure (the machine is shared; one round can be unlucky)
            r.update({k: (statistics.median(x[k] for x in rounds) if isinstance(rounds[0][k], (int, float))
                          and all(x[k] is not None for x in rounds) else rounds[-1][k]) for k in rounds[0]},
                     events=n, rounds=len(rounds), load_avg_1min=os.getloadavg()[0])
            results[f"{key} {label(n)}"] = r
            if a.json:
                a.json.write_text(json.dumps({"results": results, "errors": errors}, indent=1, default=str))

        if cmp_n:  # the side-by-side first: same CSV, same browser, minutes apart
            run("ours", cmp_n, lambda c: build_ours(c, work / f"ours_{cmp_n}"))
            run("naive", cmp_n, lambda c: build_folium("naive", c, work / f"naive_{cmp_n}.html", js_dir))
            run("timestamped", cmp_n, lambda c: build_folium("timestamped", c, work / f"tgj_{cmp_n}.html", js_dir))
        for n in sorted(set(sizes) - {cmp_n}):
            run("ours", n, lambda c, n=n: build_ours(c, work / f"ours_{n}"))
        browser.close()
    print(f"frontline-map build (CLI, whole process) and the map in headless Chromium; {os.cpu_count()} cores, "
          f"load average during the run {min(r['load_avg_1min'] for r in results.values()):.1f}–"
          f"{max(r['load_avg_1min'] for r in results.values()):.1f}" if results else "no results")
    ours_cols = {label(n): results[f"ours {label(n)}"] for n in sorted(sizes) if f"ours {label(n)}" in results}
    print(table(ours_cols, a.markdown))
    for k, v in ours_cols.items():
        if v.get("extras_ms"):
            print(f"{k}, viewer features until painted: " + ", ".join(f"{n} {ms:.0f} ms"
                                                                     for n, ms in v["extras_ms"].items())
                  + (f"; page errors during them: {v['extras_page_errors']}" if v.get("extras_page_errors") else ""))
    c = label(cmp_n) if cmp_n else None
    if c and all(f"{k} {c}" in results for k in ("ours", "naive", "timestamped")):
        trio = {f"frontline-map {c}": results[f"ours {c}"], f"naive folium {c}": results[f"naive {c}"],
                f"TimestampedGeoJson {c}": results[f"timestamped {c}"]}
        print(f"\nat {c} events, same CSV (folium drops the rows it cannot geocode):")
        print(table(trio, a.markdown))
        rn, rt = ratios(results[f"ours {c}"], results[f"naive {c}"]), ratios(results[f"ours {c}"],
                                                                          results[f"timestamped {c}"])
        print("\nratios folium / ours (> 1: ours is better):")
        rows = [[k, _fmt(rn[k], "x", 1), _fmt(rt[k], "x", 1)] for k in rn]
        if a.markdown:
            print("| | naive folium / ours | TimestampedGeoJson / ours |\n| --- | --- | --- |")
            print("\n".join(f"| {r[0]} | {r[1]} | {r[2]} |" for r in rows))
        else:
            print("\n".join(f"  {r[0]:<20} naive {r[1]:>7}   TimestampedGeoJson {r[2]:>7}" for r in rows))
    for k, e in errors.items():
        print(f"FAILED {k}: {e[:300]}")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
