#!/usr/bin/env python3
"""Size and write time of each ``--format`` at N realistic events, and of the sparse wide table.

    python benchmarks/bench_formats.py [--n 100000]

The events come from one ``collect`` of ``synthetic_events.py``'s table (real places, 100–200-character
evidence, URLs, 10 % geocoded), so every writer gets exactly what a build hands it; each writer runs
into a temporary folder (CPU and wall seconds). The sparse case is issue 11's: 2,000 rows, one of
them with 1,000 extra columns, against the same 2,000 rows without them.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic_events import write_csv as synthetic_csv  # noqa: E402

from geo import write  # noqa: E402
from geo.events import EventTable  # noqa: E402
from geo.pipeline import collect  # noqa: E402


def write_one(events: EventTable, fmt: str, path: Path) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    if fmt == "geojson":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            write.write_geojson(events, fh)
    elif fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            write.write_csv(events, fh)
    elif fmt == "gpkg":
        write.write_gpkg(events, path)
    else:
        write.write_parquet(events, path)
    return time.perf_counter() - w, time.process_time() - c


def sparse_tables() -> tuple[EventTable, EventTable]:
    base = [{"event_id": f"e{i}", "event_date": "2022-09-01", "event_type": "strike", "latitude": 47.0 + i / 1e4,
             "longitude": 33.0, "location_name": "Nikopol", "evidence": "Sample record: shelling overnight."}
            for i in range(2000)]
    wide = [dict(r) for r in base]
    wide[1000].update({f"extra_{j}": f"value {j}" for j in range(1000)})
    return EventTable.from_records(base), EventTable.from_records(wide)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        d = Path(tmp)
        src = synthetic_csv(d / "in.csv", args.n)
        t = time.perf_counter()
        res = collect([src])
        print(f"collect: {len(res.events):,} events in {time.perf_counter() - t:.1f} s "
              f"(load {os.getloadavg()[0]:.1f})")
        print(f"| format | {len(res.events):,} events: size | write wall / CPU |")
        print("| --- | --- | --- |")
        for fmt in write.FORMATS:
            p = d / f"events.{fmt}"
            wall, cpu = write_one(res.events, fmt, p)
            print(f"| {fmt} | {p.stat().st_size / 1e6:.1f} MB | {wall:.2f} / {cpu:.2f} s |")
        base, wide = sparse_tables()
        print("\n| format | 2,000 rows | + 1 row × 1,000 extras | write wall (wide) |")
        print("| --- | --- | --- | --- |")
        for fmt in write.FORMATS:
            sizes = []
            for name, tab in (("base", base), ("wide", wide)):
                p = d / f"sparse-{name}.{fmt}"
                wall, _ = write_one(tab, fmt, p)
                sizes.append(p.stat().st_size)
            print(f"| {fmt} | {sizes[0] / 1e3:.0f} KB | {sizes[1] / 1e3:.0f} KB | {wall:.2f} s |")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
