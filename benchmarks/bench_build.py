#!/usr/bin/env python3
"""In-process build time and HTML size: the bundled sample, and N synthetic events over D dates.

A quick profile aid (build() in this process, gazetteer already loaded). What a user waits for is a
whole CLI process: benchmarks/bench_cli.py. Synthetic events are benchmarks/synthetic_events.py's
(real places, 10 % geocoded by name). With --passes: collect()'s passes one by one on the synthetic
table (wall and CPU seconds each, geocoding in rows/s). Usage:
bench_build.py [--events 10000] [--dates 100] [--passes]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.pipeline import build  # noqa: E402


def synthetic(path: Path, n: int, days: int, seed: int = 1) -> None:
    """The realistic table of benchmarks/synthetic_events.py (real places, 100–200-character evidence)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic_events import write_csv
    write_csv(path, n, days, seed)


def measure(label: str, inputs: list[Path], out: Path) -> None:
    t = time.perf_counter()
    res = build(inputs, out)
    dt = time.perf_counter() - t
    size = (out / "index.html").stat().st_size
    print(f"{label:<28} rows {res.n_in:>6}  events {len(res.events):>6}  rejects {len(res.rejects):>4}  "
          f"build {dt:6.2f} s  index.html {size / 1e6:6.2f} MB")


def passes(path: Path) -> None:
    """collect()'s passes timed one at a time (the same calls collect() makes, gazetteer warm)."""
    from geo import _passes
    from geo import dates as _dates
    from geo.pipeline import BuildResult, _read_tables
    res = BuildResult()
    def run(label, fn):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        dt, dc = time.perf_counter() - t, time.process_time() - c
        extra = f"  {n_rows / dt:,.0f} rows/s" if label.startswith("geocode") else ""
        print(f"  {label:<30} wall {dt:6.2f} s  cpu {dc:6.2f} s{extra}")
        return out
    b = run("read (chunked CSV → columns)", lambda: _read_tables(res, [path], None, None))
    n_rows = len(b.events)
    lo, hi = _dates.default_range()
    run("geocode", lambda: _passes.geocode(b, "offline"))
    run("ids", lambda: (_passes.assign_ids(b), _passes.unique_ids(b)))
    run("date range", lambda: _passes.in_range(b, lo, hi))
    run("regions", lambda: _passes.join_regions(b, None))
    run("located + hand-over", lambda: (_passes.located(b), _passes.finish(b)))
    print(f"  events {len(b.events)}  rejects {len(res.rejects)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--dates", type=int, default=100)
    ap.add_argument("--passes", action="store_true", help="time collect()'s passes instead of whole builds")
    a = ap.parse_args()
    if a.passes:
        from geo.gazetteer import load_gazetteer
        from geo.regions import load_regions
        load_gazetteer()
        load_regions()
        with tempfile.TemporaryDirectory() as tmp:
            syn = Path(tmp) / "synthetic.csv"
            synthetic(syn, a.events, a.dates)
            print(f"synthetic {a.events} events / {a.dates} dates")
            passes(syn)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        from geo.gazetteer import load_gazetteer
        t = time.perf_counter()
        load_gazetteer()
        print(f"gazetteer load (warm cache)  {time.perf_counter() - t:.2f} s")
        measure("sample (data/)", [ROOT / "data" / "sample_events.csv"], tmp / "s")
        measure("sample again (warm)", [ROOT / "data" / "sample_events.csv"], tmp / "s")
        syn = tmp / "synthetic.csv"
        synthetic(syn, a.events, a.dates)
        measure(f"synthetic {a.events} / {a.dates} dates", [syn], tmp / "y")


if __name__ == "__main__":
    main()
