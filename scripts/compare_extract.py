"""Dump the extractor's output on every benchmark text and article folder, or diff it against a dump.

    python scripts/compare_extract.py --dump /tmp/before.json      # before a change (outside the repo)
    python scripts/compare_extract.py --against /tmp/before.json   # after: exit 1 and list every difference

Why: a speed-up of the extractor must not change what it extracts. The dump holds, per text of
scripts/bench_extract.py's default corpus (fixtures, ../shared seeds, realdev articles, realdev short texts;
read in place, the dump stays outside the repository), the events of ``extract_text`` with a fixed
publication date, and per folder the events and article warnings of ``extract_paths`` (the evaluation
script's path: articles tables, first-line dates, cross-article merging). Keys are file paths relative to
their folder plus a hash of the text, never the text itself.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_extract import SHARED, corpus  # noqa: E402


def folders() -> list[Path]:
    """The bench's default folders (those present)."""
    return [d for d in [*sorted((ROOT / "tests/fixtures/articles").glob("*/")), SHARED / "seeds",
                        SHARED / "realdev/articles", SHARED / "realdev/short/texts"] if d.is_dir()]


def dump() -> dict:
    """Everything the extractor returns on the corpus, as JSON-ready data."""
    from geo.extract import extract_paths, extract_text
    from geo.gazetteer import load_gazetteer
    gaz = load_gazetteer()
    pub = date(2024, 6, 4)
    texts = {}
    for t in corpus(folders()):
        key = hashlib.sha256(t.encode()).hexdigest()[:16]
        texts[key] = extract_text(t, published=pub, source="bench", gazetteer=gaz)
    paths = {}
    for d in folders():
        table = d / "articles.csv"
        res = extract_paths([d], articles_table=table if table.is_file() else None, gazetteer=gaz)
        paths[str(d.relative_to(d.parents[1]))] = {"events": res.events, "articles": res.articles}
    return {"texts": texts, "paths": paths}


def diff(old, new, where: str = "", out: list[str] | None = None, limit: int = 200) -> list[str]:
    """Paths at which two JSON values differ (at most `limit`)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            if k not in new:
                out.append(f"{where}/{k}: removed")
            elif k not in old:
                out.append(f"{where}/{k}: added {json.dumps(new[k])[:300]}")
            else:
                diff(old[k], new[k], f"{where}/{k}", out, limit)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{where}: {len(old)} items → {len(new)}: "
                       f"{json.dumps(old)[:400]}  →  {json.dumps(new)[:400]}")
        else:
            for i, (a, b) in enumerate(zip(old, new)):
                diff(a, b, f"{where}[{i}]", out, limit)
    elif old != new:
        out.append(f"{where}: {json.dumps(old)[:300]} → {json.dumps(new)[:300]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--dump", metavar="FILE", help="write the extractor's output here")
    g.add_argument("--against", metavar="FILE", help="diff the extractor's output with this dump")
    args = ap.parse_args()
    now = json.loads(json.dumps(dump()))  # tuples → lists, as in the file
    if args.dump:
        Path(args.dump).write_text(json.dumps(now, indent=0, sort_keys=True), encoding="utf-8")
        n = sum(len(v) for v in now["texts"].values())
        print(f"dumped {len(now['texts'])} texts ({n} events) and {len(now['paths'])} folders to {args.dump}")
        return
    before = json.loads(Path(args.against).read_text(encoding="utf-8"))
    d = diff(before, now)
    for line in d:
        print(line)
    print(f"{len(d)} difference(s)" + (" (first 200)" if len(d) >= 200 else "") +
          f" over {len(now['texts'])} texts and {len(now['paths'])} folders")
    sys.exit(1 if d else 0)


if __name__ == "__main__":
    main()
