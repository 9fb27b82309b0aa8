"""The benchmark's synthetic table is as realistic as benchmarks/bench_cli.py claims (and readable by build)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
synthetic_events = pytest.importorskip("synthetic_events")
bench_cli = pytest.importorskip("bench_cli")


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    p = synthetic_events.write_csv(tmp_path_factory.mktemp("bench") / "e.csv", 5000, days=365, seed=3)
    with open(p, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_real_places_dates_text_and_urls(rows):
    names = {p["name"] for p in synthetic_events.places()}  # GeoNames settlements of UA and RU border regions
    assert len(names) > 5000
    assert all(r["location_name"] in names for r in rows)
    assert len({r["location_name"] for r in rows}) > 1000
    assert len({r["event_date"] for r in rows}) == 365
    assert all(100 <= len(r["evidence"]) <= 200 for r in rows)
    assert all(r["source"].startswith("https://") and len(r["source"]) > 40 for r in rows)
    located = [r for r in rows if r["latitude"]]
    assert 0.08 <= 1 - len(located) / len(rows) <= 0.12  # ~10 % geocoded by name only
    lats, lons = [float(r["latitude"]) for r in located], [float(r["longitude"]) for r in located]
    assert 43 <= min(lats) and max(lats) <= 56 and 22 <= min(lons) and max(lons) <= 48  # UA + RU border


def test_deterministic_for_a_seed():
    a = list(synthetic_events.rows(50, seed=9))
    assert a == list(synthetic_events.rows(50, seed=9)) and a != list(synthetic_events.rows(50, seed=10))


@pytest.mark.parametrize("text,n", [("10k", 10_000), ("1M", 1_000_000), ("2.5k", 2_500), ("300", 300)])
def test_sizes_parse(text, n):
    assert bench_cli.parse_size(text) == n
