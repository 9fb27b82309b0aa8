"""Extraction speed after the gazetteer is loaded: articles per second on one core.

    python scripts/bench_extract.py [FOLDER ...] [--min-articles 300]

Default corpus: tests/fixtures/articles/{dev,heldout}/ (never the final held-out split) plus
../shared/seeds when present, repeated until at
least --min-articles texts. Prints the gazetteer load time, the first pass (cold name caches)
and the steady-state rate separately, since repeated texts hit the fuzzy-lookup cache.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*")
    ap.add_argument("--min-articles", type=int, default=300)
    args = ap.parse_args()
    folders = [Path(f) for f in args.folders] or [
        ROOT / "tests/fixtures/articles/dev", ROOT / "tests/fixtures/articles/heldout", ROOT.parent / "shared/seeds"]
    files = [f for d in folders if d.is_dir() for f in sorted(d.glob("*.txt"))]
    if not files:
        raise SystemExit("no .txt articles found")
    from geo.extract.articles import first_line_date, read_text
    texts = [first_line_date(read_text(f))[1] for f in files]

    t0 = time.perf_counter()
    from geo.gazetteer import load_gazetteer
    gaz = load_gazetteer()
    t_load = time.perf_counter() - t0

    from geo.extract import extract_text
    from datetime import date
    pub = date(2024, 6, 4)
    t0 = time.perf_counter()
    n_ev = sum(len(extract_text(t, published=pub, source="bench", gazetteer=gaz)) for t in texts)
    first = time.perf_counter() - t0
    reps = max(1, -(-args.min_articles // len(texts)))
    t0 = time.perf_counter()
    for _ in range(reps):
        for t in texts:
            extract_text(t, published=pub, source="bench", gazetteer=gaz)
    steady = time.perf_counter() - t0
    print(f"corpus: {len(texts)} articles, {sum(map(len, texts)) / len(texts):.0f} chars avg, {n_ev} events")
    print(f"gazetteer load: {t_load:.2f} s")
    print(f"first pass: {len(texts) / first:.0f} articles/s ({1000 * first / len(texts):.1f} ms/article)")
    print(f"steady state ({reps * len(texts)} articles): {reps * len(texts) / steady:.0f} articles/s "
          f"({1000 * steady / (reps * len(texts)):.1f} ms/article)")


if __name__ == "__main__":
    main()
