#!/usr/bin/env python3
"""Incremental rebuild: whole `frontline-map build` processes over N articles with the extraction cache.

    python benchmarks/bench_incremental.py [--articles 500] [--json OUT.json]

Corpus: benchmarks/article_corpus.py (N distinct articles). Runs, each one child process, in order:
cold (empty cache: every article extracted), unchanged (nothing to extract), +1 (one new article),
edit 1 (one article changed), the same corpus with --no-cache for comparison, then `frontline-map
extract` alone (the map's rendering is most of a warm build): unchanged, and with one more new article. The counts come
from the CLI's own line ("re-extracted 1 of 501 articles (500 from cache)"); outputs (events.geojson,
rejects.csv) of the cached +1 build must equal the --no-cache build byte for byte.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from article_corpus import run_cli, write_corpus  # noqa: E402

NOTE = re.compile(r"(?:re-)?extracted (\d+) of (\d+) articles?(?: \((\d+) from cache\))?")


def run(args: list[str]) -> dict:
    wall, cpu, stderr = run_cli(args)
    m = NOTE.search(stderr)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "said": m.group(0) if m else "", "extracted": int(m.group(1)) if m else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    n = a.articles
    res: dict = {"articles": n, "load_before": os.getloadavg()[0], "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, cache = tmp / "corpus", tmp / "cache"
        paths = write_corpus(corpus, n)

        def build(label: str, *flags: str) -> None:
            r = run(["build", str(corpus), "-o", str(tmp / label), *flags])
            res["runs"][label] = r
            print(f"{label:>14}: {r['wall_s']:6.1f} s wall, {r['cpu_s']:6.1f} s CPU  {r['said']}", flush=True)

        build("cold", "--cache", str(cache))
        build("unchanged", "--cache", str(cache))
        write_corpus(corpus, 1, start=n)                        # one new article
        build("plus_one", "--cache", str(cache))
        p = paths[n // 2]
        p.write_text(p.read_text(encoding="utf-8") + "\nRussian artillery shelled Nikopol on Monday.\n",
                     encoding="utf-8")
        build("edit_one", "--cache", str(cache))
        build("no_cache", "--no-cache")
        for label in ("extract_unchanged", "extract_plus_one"):
            if label == "extract_plus_one":
                write_corpus(corpus, 1, start=n + 1)
            r = run(["extract", str(corpus), "-o", str(tmp / "x.csv"), "--cache", str(cache)])
            res["runs"][label] = r
            print(f"{label:>17}: {r['wall_s']:6.1f} s wall, {r['cpu_s']:6.1f} s CPU  {r['said']}", flush=True)
        same = all((tmp / "edit_one" / f).read_bytes() == (tmp / "no_cache" / f).read_bytes()
                   for f in ("events.geojson", "rejects.csv"))
        res["identical_to_no_cache"] = same
        res["cache_mb"] = round(sum(f.stat().st_size for f in cache.rglob("*.json")) / 1e6, 2)
        res["cache_entries"] = sum(1 for _ in cache.rglob("*.json"))
    want = {"cold": n, "unchanged": 0, "plus_one": 1, "edit_one": 1, "no_cache": n + 1, "extract_unchanged": 0,
            "extract_plus_one": 1}
    res["counts_ok"] = all(res["runs"][k]["extracted"] == v for k, v in want.items())
    res["load_after"] = os.getloadavg()[0]
    print(json.dumps(res, indent=1))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))
    if not (same and res["counts_ok"]):
        raise SystemExit("counts or outputs wrong")


if __name__ == "__main__":
    main()
