#!/usr/bin/env python3
"""Peak memory and time of `build` on a big generated CSV (issue 11: a 300 MB CSV must build in
bounded memory, ≤ 4× the input). Usage: bench_big_csv.py [--mb 300] [--dir /tmp] [--collect-only];
prints input size, wall and CPU time, peak RSS (from the child's rusage) and the ratio, for the whole
CLI `build` and for `collect()` alone (reading to the EventTable, without writers and page).
Run it under `flock /tmp/frontline-big.lock` on a shared machine."""
from __future__ import annotations

import argparse
import random
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
    ap.add_argument("--collect-only", action="store_true", help="only collect(), not the whole CLI build")
    a = ap.parse_args()
    src = a.dir / f"big-{a.mb:g}mb.csv"
    if not src.exists():
        rows = generate(src, a.mb)
        print(f"generated {src}: {rows} rows")
    size = src.stat().st_size
    collect = [sys.executable, "-c", "import sys; from geo.pipeline import collect; r = collect([sys.argv[1]]); "
               "print(f'rows in: {r.n_in}; events: {len(r.events)}; rejects: {len(r.rejects)}')", str(src)]
    runs = [("collect()", collect)]
    if not a.collect_only:
        runs.append(("CLI build", [sys.executable, "-m", "geo", "build", str(src), "-o", str(a.dir / "big-map")]))
    for label, cmd in runs:   # each in its own child process: rusage gives that child's peak
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *cmd], capture_output=True, text=True, cwd=ROOT)
        dt = time.perf_counter() - t
        kb, user, sys_ = r.stderr.strip().splitlines()[-1].split()
        peak = int(kb) * 1024
        print(f"{label}: " + (r.stdout.strip().splitlines()[0] if r.stdout.strip() else r.stderr.strip()[-500:]))
        print(f"  input {size / 1e6:.0f} MB  wall {dt:.1f} s  cpu {float(user) + float(sys_):.1f} s  "
              f"peak RSS {peak / 1e6:.0f} MB  ratio {peak / size:.2f}x")


if __name__ == "__main__":
    main()
