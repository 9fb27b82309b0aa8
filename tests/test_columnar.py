"""The columnar build (geo/_csv_chunks.py, geo/_columns.py, geo/_passes.py): chunk edges, memos,
sparse extras, late rejects' raw text, and the memory an event costs."""
from __future__ import annotations

import random
import tracemalloc

import pytest
from geopy.location import Location
from geopy.point import Point

import geo._csv_chunks as chunks
from geo.corrections import read_corrections
from geo.geocode import place_names
from geo.pipeline import collect
from geo.read import read_columns, read_table

HEAD = "date,lat,lon,place,notes\n"


def _rows(t):
    return [{k: v for k, v in r.items()} for r in t.rows], [r.as_row() for r in t.rejects]


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_chunk_edges_keep_rows_line_numbers_and_rejects(tmp_path, monkeypatch, size):
    """A quoted multi-line cell, a malformed row and a bad row across chunk edges read exactly as in one chunk."""
    p = tmp_path / "e.csv"
    p.write_text(HEAD
                 + "2022-09-01,46.6,32.6,Kherson,one\n"
                 + '2022-09-02,46.6,32.6,"Multi\nline\r\nplace",two\n'      # lines 3-5
                 + "2022-09-03,abc,32.6,Kherson,bad lat\n"                 # line 6
                 + "\n"
                 + '2022-09-04,46.6,32.6,"Kher"son",malformed\n'           # line 8
                 + "2022-09-05,46.6,32.6,Kherson,'=SUM(A1)\n"              # line 9
                 + '2022-09-06,46.6,32.6,Kherson,"a\n\nb"\n'               # lines 10-12
                 + "2022-09-07,46.6,32.6,Kherson,last\n", encoding="utf-8", newline="")
    whole = _rows(read_table(p))
    monkeypatch.setattr(chunks, "CHUNK_ROWS", size)
    t = read_table(p)
    assert _rows(t) == whole
    assert [r["_line"] for r in t.rows] == [2, 3, 9, 10, 13]
    assert t.rows[1]["location_name"] == "Multi\nline\r\nplace" and t.rows[2]["evidence"] == "=SUM(A1)"
    assert t.rows[3]["_raw"] == '2022-09-06,46.6,32.6,Kherson,"a\n\nb"'
    assert [(r.line, r.field) for r in t.rejects] == [(6, "lat"), (8, "")]
    assert t.n_in == 7


def test_day_first_order_settled_by_a_later_chunk(tmp_path, monkeypatch):
    """Numeric dates are ambiguous until a later row (in another chunk) says day-first: earlier rows follow it."""
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 1)
    p = tmp_path / "e.csv"
    p.write_text(HEAD + "01/02/2022,46.6,32.6,Kherson,a\n03/04/2022,46.6,32.6,Kherson,b\n"
                 "13/02/2022,46.6,32.6,Kherson,c\n")
    assert [r["event_date"] for r in read_table(p).rows] == ["2022-02-01", "2022-04-03", "2022-02-13"]
    q = tmp_path / "f.csv"
    q.write_text(HEAD + "01/02/2022,46.6,32.6,Kherson,a\n")
    from geo._errors import InputError
    with pytest.raises(InputError, match="every numeric date is ambiguous"):
        read_table(q)
    assert read_table(q, dayfirst=False).rows[0]["event_date"] == "2022-01-02"


def test_extras_from_reading_are_sparse_columns(tmp_path):
    """1,000 extra columns filled on one row of 2,000: 1,000 cells stored, not 2,000,000."""
    cols = [f"x{i}" for i in range(1000)]
    p = tmp_path / "w.csv"
    with p.open("w") as fh:
        fh.write(",".join(["date", "lat", "lon", "place", "country", *cols]) + "\n")
        for i in range(2000):
            filled = ",".join("v" for _ in cols) if i == 7 else "," * (len(cols) - 1)
            fh.write(f"2022-09-01,46.6,32.6,Kherson,{'UA' if i % 2 else ''},{filled}\n")
    t = read_columns(p).events
    assert len(t) == 2000
    assert sum(len(s) for k, s in t.extras.items() if k.startswith("x")) == 1000
    assert list(t.extras["x999"].index) == [7] and t.extras["x999"].iloc[0] == "v"
    assert len(t.extras["country_input"]) == 1000          # "country" is ours to derive: kept aside
    assert "country" not in t.extras and set(t.core["country"].dropna()) == set()


class CountingGeocoder:
    """A geocoder with region hints, counting calls (names ending in "?" have namesakes)."""

    def __init__(self):
        self.calls, self.resolved = [], []

    def resolve_admin1(self, hint):
        self.resolved.append(hint)
        return {"kherson oblast": "UA.08", "donetsk oblast": "UA.05"}.get(hint.lower())

    def geocode(self, query, *, admin1=None, country_codes=None, near=None, exactly_one=True):
        self.calls.append((query, admin1, bool(near)))
        if query.lower().startswith("nowhere"):
            return None
        lat = 46.0 + len(query) / 10 + (0.5 if near else 0)
        return Location(query, Point(lat, 33.0), {"admin1": admin1 or "", "match": "exact",
                                                   "ambiguous": query.endswith("?"), "name": query})


def test_geocoding_is_memoised_per_name_and_hint():
    g = CountingGeocoder()
    names = ["Kherson", "kherson", "Kherson", "Nowhere", "Nowhere", "Sadove?", "Sadove?"] * 1000
    hints = ["Kherson Oblast", "KHERSON OBLAST", "", "", "", "Kherson Oblast", "Kherson Oblast"] * 1000
    groups = [("t.csv", "2022-09-01" if i < 3500 else "2022-09-02") for i in range(len(names))]
    given = {("t.csv", "2022-09-01"): [(46.6, 32.6)], ("t.csv", "2022-09-02"): [(47.0, 33.0)]}
    locs, whys = place_names(names, hints, groups, g, lambda wanted: {k: list(v) for k, v in given.items()
                                                                       if k in wanted})
    plain = [c for c in g.calls if not c[2]]
    assert len(plain) == 4                       # Kherson+hint, Kherson, Nowhere, Sadove?+hint
    assert len([c for c in g.calls if c[2]]) == 2   # context: once per (name, hint, file and date)
    assert sorted(set(g.resolved)) == ["Kherson Oblast"] and len(g.resolved) == 1   # "KHERSON OBLAST" is the same key
    assert locs[3] is None and "place not found" in whys[3]
    # context of day 1: its one given point and its 1,500 unambiguous Kherson answers
    assert locs[5].raw["context_points"] == 1501 and locs[5].latitude == pytest.approx(46.0 + 0.7 + 0.5)
    assert locs[5] is locs[6] and locs[5] is not locs[-1]      # one answer per day, each with its own count


def test_late_rejects_get_their_rows_raw_text(tmp_path):
    """A row rejected after reading (date range) gets its own line as raw text, re-read from the file;
    a multi-line row its whole text (kept from reading)."""
    p = tmp_path / "e.csv"
    p.write_text(HEAD + "2022-09-01,46.6,32.6,Kherson,fine\n"
                 "9999-12-31,46.6,32.6,Kherson,far\n"
                 '2013-01-01,46.6,32.6,Kherson,"multi\nline"\n')
    res = collect([p])
    assert len(res.events) == 1 and res.n_rows_in == 3
    raws = {r.line: r.raw for r in res.rejects}
    assert raws == {3: "9999-12-31,46.6,32.6,Kherson,far", 4: '2013-01-01,46.6,32.6,Kherson,"multi\nline"'}


def test_set_coordinate_to_text_is_a_correction_reject(tmp_path):
    """Before: `set latitude abc` ended in a traceback while joining regions."""
    p = tmp_path / "c.csv"
    p.write_text("event_id,action,field,value\na,set,latitude,abc\nb,set,longitude,200\nc,set,latitude,47.5\n")
    fixes = read_corrections(p)
    assert [(r.line, r.field) for r in fixes.rejects] == [(2, "value"), (3, "value")]
    assert [c.event_id for c in fixes] == ["c"]


def _table(path, n, seed=3):
    rng = random.Random(seed)
    with path.open("w") as fh:
        fh.write("event_date,event_type,actor,location_name,latitude,longitude,source,notes\n")
        for i in range(n):
            fh.write(f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d},strike,RU,Place {i % 500},"
                     f"{rng.uniform(44.5, 52):.5f},{rng.uniform(22.5, 40):.5f},https://example.org/r/{i},"
                     f"synthetic report number {i} of shelling near the place\n")


def test_collect_costs_under_2_kb_per_event(tmp_path):
    """Peak Python allocations of collect() on 50,000 rows, per event (it was ~9 KB with row dicts).

    What an event must cost: its strings (a 60-character note ~110 B, a URL ~80 B, its 16-character id
    ~65 B; place names and labels shared), three floats and a line number in arrays (32 B) and ~20
    object pointers (160 B): ~450 B kept. While reading, one chunk's cells are alive too (50,000
    rows × 8 cells ≈ 25 MB, ~500 B per event at this size, less for bigger tables), and the region
    join copies a few columns. 2,000 B leaves room for that and catches a return to per-row dicts.
    """
    p, warm = tmp_path / "t.csv", tmp_path / "warm.csv"
    n = 50_000
    _table(p, n)
    _table(warm, 10)
    collect([warm])    # the region index and imports load once, outside the measurement
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        res = collect([p])
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert len(res.events) == n and not res.rejects
    print(f"collect: {peak / n:.0f} bytes per event")
    assert peak / n < 2000, f"{peak / n:.0f} bytes per event"
