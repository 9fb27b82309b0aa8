"""Extraction speed after the gazetteer is loaded: articles per second on one core, on distinct texts.

    python scripts/bench_extract.py [FOLDER ...] [--min-articles 400] [--long-line 1000000]

Default corpus: every distinct text of tests/fixtures/articles/*/ plus, where present, ../shared/seeds,
../shared/realdev/articles and ../shared/realdev/short/texts (read in place, never copied). Each text is
extracted once (no repeats, so name caches cannot flatter the rate); fewer than --min-articles distinct
texts is an error. --long-line also times one text made of the corpus joined into a single line of that
many characters (extraction must stay linear in text length whatever the line length).
"""
from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def corpus(folders: list[Path]) -> list[str]:
    from geo.extract.articles import first_line_date, read_text
    files = [f for d in folders if d.is_dir() for f in sorted(d.glob("*.txt"))]
    seen: set[str] = set()
    texts = []
    for f in files:
        t = first_line_date(read_text(f))[1]
        if t.strip() and t not in seen:
            seen.add(t)
            texts.append(t)
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*")
    ap.add_argument("--min-articles", type=int, default=400)
    ap.add_argument("--long-line", type=int, default=0, metavar="CHARS")
    ap.add_argument("--cold", action="store_true",
                    help="leave the gazetteer's first-use indexes (the fuzzy matcher's) to the first "
                         "text that needs them, i.e. inside the timed extraction")
    args = ap.parse_args()
    folders = [Path(f) for f in args.folders] or [
        *sorted((ROOT / "tests/fixtures/articles").glob("*/")), SHARED / "seeds",
        SHARED / "realdev/articles", SHARED / "realdev/short/texts"]
    texts = corpus(folders)
    if len(texts) < args.min_articles:
        raise SystemExit(f"only {len(texts)} distinct texts (need --min-articles {args.min_articles}); "
                         "pass more folders")

    t0 = time.perf_counter()
    from geo.gazetteer import load_gazetteer
    gaz = load_gazetteer()
    t_load = time.perf_counter() - t0
    t_first = 0.0
    if not args.cold:
        # the gazetteer builds some indexes on first use (~0.2 s CPU): a one-off cost of a process, not a
        # per-article one, timed apart so that it does not dilute the rate of a ~500-text corpus
        t0 = time.process_time()
        getattr(gaz, "warm_up", lambda: None)()
        gaz.candidates("Qzxwvk", fuzzy=True)
        getattr(gaz, "admin2_centre", lambda c: None)("UA.00:none")
        getattr(gaz, "resolve_hromada", lambda t: None)("Qzxwvk hromada")
        t_first = time.process_time() - t0

    from geo.extract import extract_text
    pub = date(2024, 6, 4)
    # CPU time of this process: "per core", and fair on a machine other jobs share
    t0, w0 = time.process_time(), time.perf_counter()
    n_ev = sum(len(extract_text(t, published=pub, source="bench", gazetteer=gaz)) for t in texts)
    dt, wall = time.process_time() - t0, time.perf_counter() - w0
    chars = sum(map(len, texts))
    print(f"corpus: {len(texts)} distinct texts, {chars / len(texts):.0f} chars avg, {n_ev} events")
    print(f"gazetteer load: {t_load:.2f} s" + (" (first-use indexes inside the extraction: --cold)" if args.cold
                                               else f", first-use indexes {t_first:.2f} s CPU"))
    print(f"extraction: {len(texts) / dt:.0f} articles/s ({1000 * dt / len(texts):.1f} ms/article, "
          f"{chars / dt / 1000:.0f} kB/s of CPU time; wall {wall:.1f} s)")
    if args.long_line:
        joined = " ".join(t.replace("\n", " ") for t in texts)
        line = (joined * (args.long_line // len(joined) + 1))[:args.long_line]
        t0 = time.process_time()
        n = len(extract_text(line, published=pub, source="bench", gazetteer=gaz))
        print(f"one line of {len(line):,} chars: {time.process_time() - t0:.1f} s CPU, {n} events")


if __name__ == "__main__":
    main()
