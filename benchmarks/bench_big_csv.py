#!/usr/bin/env python3
"""Peak memory and time of `build` on a big generated CSV (issue 11: a 300 MB CSV must build in
bounded memory). Usage: bench_big_csv.py [--mb 300] [--dir /tmp]; prints input size, peak RSS
(from the child's rusage) and the ratio."""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(path: Path, mb: float, seed: int = 7) -> int:
    """Rows like a real export (~130 bytes): points over Ukraine, ISO dates, a short note."""
    rng = random.Random(seed)
    target = int(mb * 1e6)
    n = 0
    with path.open("w", newline="") as fh:
        fh.write("event_date,event_type,actor,location_name,latitude,longitude,source,notes\n")
        size = 0
        while size < target:
            line = (f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d},strike,RU,Place {n % 5000},"
                    f"{rng.uniform(44.5, 52):.5f},{rng.uniform(22.5, 40):.5f},https://example.org/r/{n},"
                    f"synthetic report number {n} of shelling near the place\n")
            fh.write(line)
            size += len(line)
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=300)
    ap.add_argument("--dir", type=Path, default=Path("/tmp"))
    a = ap.parse_args()
    src = a.dir / f"big-{a.mb:g}mb.csv"
    if not src.exists():
        rows = generate(src, a.mb)
        print(f"generated {src}: {rows} rows")
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "geo", "build", str(src), "-o", str(a.dir / "big-map")],
                       capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    size = src.stat().st_size
    print(r.stdout.strip().splitlines()[0] if r.stdout else r.stderr.strip()[-500:])
    print(f"input {size / 1e6:.0f} MB  time {dt:.1f} s  peak RSS {peak / 1e6:.0f} MB  ratio {peak / size:.1f}x")


if __name__ == "__main__":
    main()
