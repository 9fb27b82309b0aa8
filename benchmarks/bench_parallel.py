#!/usr/bin/env python3
"""Article extraction serial vs on Dask: whole `frontline-map extract` processes on N distinct articles.

    python benchmarks/bench_parallel.py [--articles 2000] [--workers 1,2] [--json OUT.json]

Corpus: benchmarks/article_corpus.py (../shared realdev + seeds when present, plus our fixture prose,
each repeated with a distinct date line, paragraph order and closing line). Each run is one child
process with ``--no-cache``: wall time and CPU seconds (user + system of it and its children, the Dask
worker processes included). Every run's CSV must equal the serial one byte for byte.

Start-up: the same command on one article, serial and with ``--workers N``; the difference is what a
cluster costs before and after any work (spawning worker processes, loading the gazetteer in each,
shutting down). Then an in-process breakdown of that cost (import, cluster up, gazetteer warm, close).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from article_corpus import run_cli, write_corpus  # noqa: E402


def run(args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one child process (its own children included)."""
    wall, cpu, _ = run_cli(args)
    return wall, cpu


def breakdown(n: int) -> dict[str, float]:
    """Seconds to import distributed, start a LocalCluster of n, warm the gazetteer in each, close it."""
    out = {}
    t = time.perf_counter()
    import distributed  # noqa: F401

    from geo import _parallel
    out["import"] = time.perf_counter() - t
    t = time.perf_counter()
    with _parallel._client(n, None) as client:
        out["cluster up"] = time.perf_counter() - t
        t = time.perf_counter()
        client.run(_parallel._warm)
        out["gazetteer in workers"] = time.perf_counter() - t
        t = time.perf_counter()
    out["close"] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    ns = [int(x) for x in a.workers.split(",")]
    res: dict = {"articles": a.articles, "cpus": os.cpu_count(), "load_before": os.getloadavg()[0], "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = write_corpus(corpus, a.articles)
        res["corpus_mb"] = round(sum(p.stat().st_size for p in paths) / 1e6, 2)
        one = Path(tmp) / "one"
        one.mkdir()
        (one / paths[0].name).write_bytes(paths[0].read_bytes())
        digests = {}
        for label, flags in [("serial", [])] + [(f"{n} worker{'s' * (n > 1)}", ["--workers", str(n)]) for n in ns]:
            out = Path(tmp) / f"{label}.csv"
            wall, cpu = run(["extract", str(corpus), "-o", str(out), "--no-cache", *flags])
            w1, c1 = run(["extract", str(one), "-o", str(Path(tmp) / "one.csv"), "--no-cache", *flags])
            digests[label] = hashlib.sha256(out.read_bytes()).hexdigest()
            res["runs"][label] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                                  "articles_per_s": round(a.articles / wall, 1), "one_article_wall_s": round(w1, 2)}
            print(f"{label:>10}: {wall:7.1f} s wall, {cpu:7.1f} s CPU, {a.articles / wall:6.1f} articles/s; "
                  f"1 article: {w1:5.1f} s", flush=True)
        res["identical_to_serial"] = len(set(digests.values())) == 1
        base = res["runs"]["serial"]
        for r in res["runs"].values():
            r["startup_s"] = round(r["one_article_wall_s"] - base["one_article_wall_s"], 2)
            r["speedup_vs_serial"] = round(base["wall_s"] / r["wall_s"], 2)
        res["breakdown_2"] = {k: round(v, 2) for k, v in breakdown(max(ns)).items()}
    res["load_after"] = os.getloadavg()[0]
    print(json.dumps(res, indent=1))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))
    if not res["identical_to_serial"]:
        raise SystemExit("outputs differ from the serial run")


if __name__ == "__main__":
    main()
