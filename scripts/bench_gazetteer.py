"""Gazetteer timings: cold build, warm load (fresh process), lookups.

Usage: python scripts/bench_gazetteer.py [--cold]   (--cold also times a full index build)
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time

WARM = """
import time, resource
t0 = time.perf_counter()
from geo.gazetteer import Gazetteer
t1 = time.perf_counter()
g = Gazetteer(cache_dir={cache!r})
t2 = time.perf_counter()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}} {{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}}")
"""


def _per_call_us(fn, items, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for x in items:
            fn(x)
        best = min(best, time.perf_counter() - t)
    return best / len(items) * 1e6


def main() -> None:
    from geo._names import key
    from geo.gazetteer import Gazetteer, build_index, load_index

    with tempfile.TemporaryDirectory() as tmp:
        cache = tmp if "--cold" in sys.argv else None
        t = time.perf_counter()
        ix = load_index(cache) if cache is None else None
        if cache is not None:
            ix = build_index()
            print(f"cold build: {time.perf_counter() - t:.2f} s  {ix['stats']}")
            load_index(cache)  # writes the cache for the warm runs
        runs = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", WARM.format(cache=cache)], capture_output=True,
                                 text=True, check=True).stdout.split()
            runs.append(tuple(float(x) for x in out))
        imp, load, rss = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"warm: import {imp:.3f} s + load index {load:.3f} s = {imp + load:.3f} s; peak RSS {rss:.0f} MB")
        from geo._gazetteer_build import cache_dir, source_signature
        npz = cache_dir(cache) / f"gazetteer-{source_signature(cache)}.npz"
        if npz.is_file():
            print(f"cache: {npz.name}, {npz.stat().st_size / 1e6:.1f} MB (numpy .npz, no pickle)")

        g = Gazetteer(cache_dir=cache)
        names = [g._name[i] for i in range(0, len(g._name), 97)]
        keys = [key(n) for n in names]
        print(f"index: {len(g._name)} places, {len(g._loose)} keys, {len(g._exact)} exact spellings, "
              f"max_words={g.max_words}")
        print(f"lookup_key: {_per_call_us(g.lookup_key, keys):.1f} us/call ({len(keys)} keys)")
        print(f"candidates(name): {_per_call_us(lambda n: g.candidates(n, fuzzy=False), names):.1f} us/call")
        ctx = [(48.0, 37.8), (47.5, 35.8)]
        print(f"candidates(name, near=2 points): "
              f"{_per_call_us(lambda n: g.candidates(n, fuzzy=False, near=ctx), names):.1f} us/call")
        print(f"key(): {_per_call_us(lambda n: key.__wrapped__(n), names):.1f} us/call (uncached)")
        print(f"geocode(name): {_per_call_us(g.geocode, names[:300]):.1f} us/call")
        hinted = ["Kostiantynivka, Donetsk Oblast", "Bilohorivka, Luhansk region", "Shevchenkove, Kharkiv Oblast"]
        print(f"geocode(name, hint): {_per_call_us(g.geocode, hinted * 50):.1f} us/call")
        typos = ["Malotaranovi", "Rabotino", "Kramatorks", "Sievierodonetks", "Zaporizhzja"]
        g._fuzzy("warmup")
        print(f"geocode(misspelling -> fuzzy): {_per_call_us(g.geocode, typos, 1) / 1000:.1f} ms/call")
    print(f"this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
