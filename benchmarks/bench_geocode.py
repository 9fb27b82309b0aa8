#!/usr/bin/env python3
"""Geocoding speed of a build, warm (gazetteer loaded): the geocode pass alone in rows/s, and collect().

Tables are benchmarks/synthetic_events.py's (real places, 10 % of rows carry only a place name, so
those are geocoded with the day's other rows as context). Prints, per size: the geocode pass's CPU
seconds, table rows/s and geocoded rows/s through it, then collect()'s CPU seconds for the whole
build in this process. Run it with PYTHONPATH pointing at another checkout to measure that one.
Usage: bench_geocode.py [--events 10000 100000] [--days 365] [--repeat 1]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(1, str(HERE))
if not os.environ.get("PYTHONPATH"):       # else measure the checkout PYTHONPATH names (a "before")
    sys.path.insert(1, str(HERE.parent))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=1, help="best of N geocode-pass runs")
    a = ap.parse_args(argv)
    import numpy as np
    from synthetic_events import write_csv

    import geo
    from geo import _passes, pipeline
    from geo.gazetteer import load_gazetteer
    print(f"geo from {Path(geo.__file__).parent}")
    load_gazetteer().geocode("Kyiv")          # warm: index loaded
    with tempfile.TemporaryDirectory() as tmp:
        for n in a.events:
            path = write_csv(Path(tmp) / f"syn{n}.csv", n, a.days)
            best = None
            for _ in range(a.repeat):
                res = pipeline.BuildResult()
                batch = pipeline._read_tables(res, [path], None, None)
                todo = int(np.isnan(batch.events.core["latitude"].to_numpy(dtype=float)).sum())
                t0 = time.process_time()
                _passes.geocode(batch, "offline")
                cpu = time.process_time() - t0
                best = cpu if best is None else min(best, cpu)
            t0 = time.process_time()
            pipeline.collect([path])
            total = time.process_time() - t0
            print(f"{n:>8} rows ({todo} to geocode): geocode pass {best:.2f} s CPU = {n / best:,.0f} rows/s "
                  f"({todo / best:,.0f} geocoded rows/s); collect() {total:.2f} s CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
