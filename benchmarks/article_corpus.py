"""A corpus of N distinct article files for the extraction benchmarks, from texts already on this machine.

Sources: ../shared/realdev/articles and ../shared/seeds (real reports; read in place, never copied into
the repository) when present, and the repository's own fixture prose (tests/fixtures/articles/*).
Article k is source k mod S with a publication-date first line (a date spread over 2023–2024), its
paragraphs rotated by k // S and a numbered closing line, so every file's bytes differ (no cache or
memo can see two as one) while the reporting stays real.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def sources() -> list[str]:
    dirs = [SHARED / "realdev" / "articles", SHARED / "seeds", *sorted((ROOT / "tests" / "fixtures" / "articles").iterdir())]
    out = []
    for d in dirs:
        if d.is_dir():
            out += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(d.glob("*.txt"))]
    return out


def _variant(text: str, k: int, n_src: int) -> str:
    lines = text.splitlines()
    if lines and lines[0].lstrip().lower().startswith("date"):
        lines = lines[1:]                       # our own first line replaces any there was
    paras = [p for p in "\n".join(lines).split("\n\n") if p.strip()] or [text]
    r = (k // n_src) % len(paras)
    body = "\n\n".join(paras[r:] + paras[:r]) if r else "\n\n".join(paras)
    pub = date(2023, 1, 1) + timedelta(days=(k * 37) % 700)
    return f"date {pub.isoformat()}\n{body}\n\nThis is report number {k} of the series.\n"


def write_corpus(folder: Path, n: int, start: int = 0) -> list[Path]:
    """Articles start..start+n-1 as folder/a_<k>.txt (created); returns their paths."""
    src = sources()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(start, start + n):
        p = folder / f"a_{k:05d}.txt"
        p.write_text(_variant(src[k % len(src)], k, len(src)), encoding="utf-8")
        paths.append(p)
    return paths


CLI = [sys.executable, "-m", "geo"]


def run_cli(args: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s, stderr) of one `python -m geo ARGS` child process (its own children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(CLI + args, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{r.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), r.stderr
