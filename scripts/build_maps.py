#!/usr/bin/env python3
"""Regenerate maps/ from data/: run this whenever new material arrives.

maps/sample/   the bundled event table (data/sample_events.csv) with data/corrections.csv applied
maps/articles/ the bundled example articles in data/articles/ (if present)
maps/seeds/    the real seed articles in ../shared/seeds (if present beside the repository)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.cli import main  # noqa: E402


def jobs() -> list[list[str]]:
    data, maps = ROOT / "data", ROOT / "maps"
    out = [["build", str(data / "sample_events.csv"), "-o", str(maps / "sample"), "--title",
            "frontline-map: sample events", "--corrections", str(data / "corrections.csv")]]
    if (data / "articles").is_dir():
        out.append(["build", str(data / "articles"), "-o", str(maps / "articles"), "--title",
                    "frontline-map: example articles"])
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        out.append(["build", str(seeds), "-o", str(maps / "seeds"), "--title", "frontline-map: seed articles"])
    return out


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    codes = [main(j) for j in jobs()]
    sys.exit(max(codes))
