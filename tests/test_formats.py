"""``build --format``: events as GeoJSON, GeoPackage, GeoParquet and CSV, each read back by ``build`` itself.

A round trip is: build a table → ``events.<fmt>`` → build that file → the same events (ids,
dates, coordinates to 1e-6°, types, extras) and no rejects. Plus what each format promises on its
own: GeoParquet's ``geo`` metadata, the GeoPackage layer and CRS, typed columns, formula-safe CSV,
a sparse GeoJSON that does not balloon, and a clear warning where a dense format cannot hold
thousands of sparse extras.
"""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import write
from geo.cli import main
from geo.events import EventTable
from geo.pipeline import build, collect

FORMATS = ("geojson", "gpkg", "parquet", "csv")

#: cells that must survive every format: formulas, quotes, delimiters, line breaks, Cyrillic, numbers as text
TRICKY = ["=HYPERLINK(\"http://x\")", "-3.5", "+380 44 000", "@risk", "'quoted", "a,b;c|d\te", "line1\nline2",
          "Обстріл, «Київ»", "  ", "12", "0042"]


def table(path: Path) -> Path:
    """A table of every kind of cell the writers must keep: extras dense and sparse, month dates, ids."""
    rows = [["event_id", "date", "type", "lat", "lon", "place", "notes", "source", "confidence", "unit", "casualties",
             "rare"]]
    for i in range(40):
        rows.append([f"ID-{i:03d}" if i % 3 else "", f"2022-09-{1 + i % 28:02d}" if i % 7 else "2022-10",
                     ["strike", "Shelling", "attack", "explosion"][i % 4], f"{46 + i / 37:.6f}", f"{32 + i / 29:.6f}",
                     f"Place {i}", TRICKY[i % len(TRICKY)] + f" #{i}" if i % 2 else TRICKY[i % len(TRICKY)],
                     f"https://example.org/{i}", "" if i % 5 == 0 else f"{(i % 10) / 10:.1f}",
                     f"{i % 6}th brigade" if i % 2 else "", str(i * 3) if i % 4 == 0 else "",
                     "only here" if i == 17 else ""])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def comparable(events: EventTable) -> dict[str, dict]:
    """event_id → what a round trip must keep: our columns as read, extras, coordinates to 1e-6°."""
    out = {}
    for e in events:
        d = {k: v for k, v in e.items() if k not in ("input_file", "input_line", "country_input", "admin1_input")}
        for k in ("latitude", "longitude"):
            d[k] = round(d[k], 6)
        out[e["event_id"]] = d
    return out


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    d = tmp_path_factory.mktemp("formats")
    res = build([table(d / "in.csv")], d / "out", formats=FORMATS)
    return d, res


def test_build_writes_every_format_and_reports_them(first):
    d, res = first
    assert not res.rejects and len(res.events) == 40
    for f in FORMATS:
        p = d / "out" / f"events.{f}"
        assert p.is_symlink() and p.resolve().is_file() and res.outputs[f"events.{f}"] == p
    assert res.outputs["events"] == d / "out" / "events.geojson"


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_through_build(first, fmt, tmp_path):
    d, res = first
    again = build([d / "out" / f"events.{fmt}"], tmp_path / "again", formats=(fmt,))
    assert again.rejects == [] and again.n_in == len(again.events) == len(res.events)
    a, b = comparable(res.events), comparable(again.events)
    assert set(a) == set(b)
    for i in a:
        assert b[i] == a[i], (fmt, i, {k: (a[i].get(k), b[i].get(k)) for k in set(a[i]) | set(b[i])
                                       if a[i].get(k) != b[i].get(k)})
    # the columns a second pass derives again are the same values under their input names
    for e in again.events:
        assert e.get("country_input") == (e["country"] or None)
    # and a third pass changes nothing more
    third = build([tmp_path / "again" / f"events.{fmt}"], tmp_path / "third", formats=(fmt,))
    assert comparable(third.events) == b


def test_round_trip_keeps_tricky_text_exactly(first):
    d, res = first
    notes = {e["event_id"]: e["evidence"] for e in res.events}
    assert any(n.startswith("=HYPERLINK") for n in notes.values())
    assert any("\n" in n for n in notes.values())
    for fmt in FORMATS:
        back = collect([d / "out" / f"events.{fmt}"])
        assert {e["event_id"]: e["evidence"] for e in back.events} == notes, fmt


def test_geoparquet_metadata(first):
    import pyarrow.parquet as pq
    d, _ = first
    pf = pq.ParquetFile(d / "out" / "events.parquet")
    meta = json.loads(pf.schema_arrow.metadata[b"geo"])
    assert meta["version"].startswith("1.")
    assert meta["primary_column"] == "geometry"
    col = meta["columns"]["geometry"]
    assert col["encoding"] == "WKB" and col["geometry_types"] == ["Point"]
    assert col["crs"]["id"] == {"authority": "EPSG", "code": 4326}
    schema = pf.schema_arrow
    assert str(schema.field("event_date").type) in ("string", "large_string")
    assert str(schema.field("event_id").type) in ("string", "large_string")
    assert str(schema.field("latitude").type) == str(schema.field("longitude").type) == "double"
    assert str(schema.field("confidence").type) == "double"
    assert pf.metadata.num_rows == 40


def test_geopackage_layer_crs_and_types(first):
    import pyogrio
    d, res = first
    info = pyogrio.read_info(d / "out" / "events.gpkg", layer=write.LAYER)
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point" and info["features"] == 40
    types = dict(zip(info["fields"], info["ogr_types"]))
    assert types["event_date"] == types["event_id"] == types["unit"] == "OFTString"
    assert types["latitude"] == types["longitude"] == types["confidence"] == "OFTReal"
    gdf = pyogrio.read_dataframe(d / "out" / "events.gpkg", layer=write.LAYER)
    e = res.events.core.set_index("event_id")
    got = gdf.set_index("event_id")
    assert np.allclose(got.geometry.x, e.loc[got.index, "longitude"], atol=1e-6, rtol=0)
    assert np.allclose(got.geometry.y, e.loc[got.index, "latitude"], atol=1e-6, rtol=0)


def test_csv_is_formula_safe_and_numbers_stay_numbers(first):
    d, _ = first
    text = (d / "out" / "events.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 40
    for r in rows:
        for k, v in r.items():
            assert not v.startswith(("=", "+", "@", "\t", "\r")), (k, v)
            assert not v.startswith("-") or k in ("latitude", "longitude") or v == "-3.5", (k, v)
        float(r["latitude"]), float(r["longitude"])
        assert r["confidence"] == "" or 0 <= float(r["confidence"]) <= 1
    assert any(r["evidence"] == "'=HYPERLINK(\"http://x\")" for r in rows)
    assert any(r["evidence"] == "-3.5" for r in rows)              # a number stays a number


def test_geojson_is_streamed_from_columns_and_equals_the_record_view():
    """Chunks of 7 events (boundaries inside the table); a dict per event only as the reference."""
    rows = [{"event_id": f"e{i}", "event_date": "2022-09-01", "latitude": 46.1234567 + i, "longitude": 32.5,
             "evidence": "q\"uote\\ «ї»" if i % 2 else None, "confidence": math.nan if i % 3 else 0.5,
             **({"extra_a": f"v{i}"} if i % 4 == 0 else {}), **({"extra_b": i} if i == 9 else {})}
            for i in range(23)]
    t = EventTable.from_records(rows)
    buf = io.StringIO()
    write.write_geojson(t, buf, chunk=7)
    ref = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": e["event_id"], "geometry": {"type": "Point", "coordinates": [e["longitude"],
                                                                                             e["latitude"]]},
         "properties": e} for e in t]}
    assert json.loads(buf.getvalue()) == ref
    assert buf.getvalue() == json.dumps(ref, ensure_ascii=False)     # byte for byte what json.dumps writes


def test_sparse_table_does_not_balloon():
    """2,000 events, one of them with 1,000 extras: the file grows by about that one event's cells."""
    base = [{"event_id": f"e{i}", "event_date": "2022-09-01", "latitude": 47.0, "longitude": 33.0,
             "evidence": "x"} for i in range(2000)]
    wide = [dict(r) for r in base]
    wide[1234].update({f"col{j}": f"value {j}" for j in range(1000)})
    sizes = {}
    for name, rows in (("base", base), ("wide", wide)):
        buf = io.StringIO()
        write.write_geojson(EventTable.from_records(rows), buf)
        sizes[name] = len(buf.getvalue().encode())
    cells = len(json.dumps({f"col{j}": f"value {j}" for j in range(1000)}))
    assert sizes["wide"] - sizes["base"] <= cells + 100, sizes


def test_thousands_of_sparse_extras_fold_into_json_with_a_warning(tmp_path, monkeypatch):
    """Beyond the dense formats' budget the sparsest extras go to one JSON column, said in a warning;
    GeoJSON keeps them all as properties. (Limits lowered to keep the test fast; the rule is the same.)"""
    monkeypatch.setattr(write, "MAX_DENSE_EXTRAS", 50)
    rows = ["date,lat,lon,notes," + ",".join(f"c{j}" for j in range(120))]
    for i in range(3):
        cells = [f"v{i}-{j}" if j % 3 == i else "" for j in range(120)]
        rows.append(f"2022-09-0{i + 1},46.{i},32.{i},row {i}," + ",".join(cells))
    (tmp_path / "wide.csv").write_text("\n".join(rows) + "\n")
    res = build([tmp_path / "wide.csv"], tmp_path / "out", formats=FORMATS)
    warned = [w for w in res.warnings if write.EXTRAS_JSON in w]
    assert {w.split(":")[0] for w in warned} == {"events.gpkg", "events.parquet", "events.csv"}, res.warnings
    import geopandas as gpd
    for f in ("gpkg", "parquet"):
        df = gpd.read_file(tmp_path / "out" / "events.gpkg") if f == "gpkg" else \
            gpd.read_parquet(tmp_path / "out" / "events.parquet")
        kept = [c for c in df.columns if c.startswith("c") and c[1:].isdigit()]
        assert len(kept) == 50 and write.EXTRAS_JSON in df
        for _, r in df.iterrows():
            folded = json.loads(r[write.EXTRAS_JSON]) if isinstance(r[write.EXTRAS_JSON], str) else {}
            assert len(folded) + sum(1 for c in kept if isinstance(r[c], str) and r[c]) == 40
    gj = json.loads((tmp_path / "out" / "events.geojson").read_text())
    assert all(sum(1 for k in f["properties"] if k.startswith("c") and k[1:].isdigit()) == 40 for f in gj["features"])


def test_a_thousand_extras_fit_a_geopackage(tmp_path):
    """At the real limits: 1,000 sparse extras are 1,000 GeoPackage fields (SQLite stops near 2,000)."""
    rows = [{"event_id": f"e{i}", "event_date": "2022-09-01", "latitude": 47.0, "longitude": 33.0} for i in range(20)]
    rows[3].update({f"k{j}": str(j) for j in range(1000)})
    t = EventTable.from_records(rows)
    warnings: list[str] = []
    write.write_gpkg(t, tmp_path / "w.gpkg", warnings=warnings)
    import pyogrio
    info = pyogrio.read_info(tmp_path / "w.gpkg")
    assert len(info["fields"]) == len(t.columns()) and not warnings


def test_unpaired_surrogates_round_trip_in_geojson_and_are_replaced_elsewhere(tmp_path):
    """A lone surrogate (what ``json.loads`` makes of a ``"\\ud800"`` escape) in a text cell or an
    extra's name: GeoJSON escapes it exactly, the UTF-8-only formats write U+FFFD and say so — never
    a UnicodeEncodeError. (Object columns: pandas' Arrow-backed ``str`` cannot hold one at all.)"""
    core = pd.DataFrame({"event_id": ["a"], "event_date": ["2022-09-01"], "latitude": [46.5], "longitude": [32.5],
                         "evidence": pd.Series(["bad \ud800 text"], dtype=object)})
    t = EventTable(core, {"odd\udfff": pd.Series(["x"], index=[0], dtype=object)})
    with open(tmp_path / "s.geojson", "w", encoding="utf-8") as fh:      # strict UTF-8, as publish opens it
        write.write_geojson(t, fh)
    props = json.loads((tmp_path / "s.geojson").read_text())["features"][0]["properties"]
    assert props["evidence"] == "bad \ud800 text" and props["odd\udfff"] == "x"
    warnings: list[str] = []
    write.write_gpkg(t, tmp_path / "s.gpkg", warnings=warnings)
    write.write_parquet(t, tmp_path / "s.parquet", warnings=warnings)
    with open(tmp_path / "s.csv", "w", encoding="utf-8", newline="") as fh:
        write.write_csv(t, fh, warnings=warnings, name="events.csv")
    for f in ("gpkg", "parquet", "csv"):
        assert any(w.startswith(f"events.{f}") and "U+FFFD" in w for w in warnings), (f, warnings)
        ev = collect([tmp_path / f"s.{f}"]).events[0]
        assert ev["evidence"] == "bad \ufffd text" and ev["odd\ufffd"] == "x", f


def test_awkward_column_names_are_renamed_for_geopackage_and_parquet(tmp_path):
    rows = [{"event_id": "a", "event_date": "2022-09-01", "latitude": 47.0, "longitude": 33.0,
             "geometry": "g", "FID": "f", "Unit": "u1", "unit": "u2", "": "empty"}]
    t = EventTable.from_records(rows)
    for f, fn in (("gpkg", write.write_gpkg), ("parquet", write.write_parquet)):
        warnings: list[str] = []
        fn(t, tmp_path / f"n.{f}", warnings=warnings)
        assert any("renamed" in w for w in warnings), warnings
        import geopandas as gpd
        df = gpd.read_file(tmp_path / "n.gpkg") if f == "gpkg" else gpd.read_parquet(tmp_path / "n.parquet")
        assert {"geometry_2", "FID_2", "Unit", "unit_2", "unnamed"} <= set(df.columns), df.columns
        assert df["unit_2"].iat[0] == "u2" and df["geometry_2"].iat[0] == "g"


def test_empty_build_writes_empty_files_of_every_format(tmp_path):
    (tmp_path / "e.csv").write_text("date,lat,lon\n2022-09-01,abc,32\n")
    res = build([tmp_path / "e.csv"], tmp_path / "out", formats=FORMATS)
    assert len(res.events) == 0 and len(res.rejects) == 1
    assert json.loads((tmp_path / "out" / "events.geojson").read_text())["features"] == []
    import geopandas as gpd
    assert len(gpd.read_parquet(tmp_path / "out" / "events.parquet")) == 0
    assert len(gpd.read_file(tmp_path / "out" / "events.gpkg")) == 0
    assert (tmp_path / "out" / "events.csv").read_text().startswith("event_id,event_date")


def test_cli_format_option(tmp_path, capsys):
    t = table(tmp_path / "in.csv")
    assert main(["build", str(t), "-o", str(tmp_path / "out"), "--format", "parquet, CSV,parquet"]) == 0
    out = capsys.readouterr().out
    assert "events.parquet" in out and "events.csv" in out and "events.geojson" not in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith("events")) == \
        ["events.csv", "events.parquet"]
    # a later build with other formats leaves no dangling link to the old ones
    assert main(["build", str(t), "-o", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith("events")) == ["events.geojson"]
    with pytest.raises(SystemExit):
        main(["build", str(t), "-o", str(tmp_path / "out"), "--format", "shapefile"])
    assert "unknown format shapefile" in capsys.readouterr().err


def test_dense_frame_types():
    rows = [{"event_id": 7, "event_date": "2022-09-01", "latitude": 47.1234567891, "longitude": 33.0,
             "confidence": "0.5", "input_line": 3, "occupied": True, "n": "4"},
            {"event_id": "b", "event_date": "2022-09", "latitude": 47.0, "longitude": 33.0, "input_line": "",
             "occupied": None, "mixed": 1},
            {"event_id": "c", "event_date": None, "latitude": 47.0, "longitude": 33.0, "mixed": "x"}]
    df = write.dense_frame(EventTable.from_records(rows), "parquet")
    assert df["event_id"].tolist() == ["7", "b", "c"]
    assert df["event_date"].tolist() == ["2022-09-01", "2022-09", None]
    assert df["latitude"].dtype == np.float64 and df["latitude"].iat[0] == 47.123457
    assert df["confidence"].dtype == np.float64 and df["confidence"].iat[0] == 0.5
    assert str(df["input_line"].dtype) == "Int64" and str(df["occupied"].dtype) == "boolean"
    assert df["mixed"].tolist() == [None, "1", "x"] and df["n"].tolist() == ["4", None, None]
    assert isinstance(df, pd.DataFrame)


def test_geojson_fast_paths_write_what_json_dumps_writes():
    """The Arrow encoder's paths — unique text (escaped only where needed), dictionary-coded text, floats
    printed by Arrow (whole numbers, tiny and huge values handed to ``repr``), ints, an object column of
    mixed values, a column outside our schema that is empty in some rows — against ``json.dumps``."""
    rng = np.random.default_rng(7)
    n = 700
    weird = ["plain", 'a "quote"', "back\\slash", "tab\there", "nl\nx", "\x00\x01\x1f", "\x7f del", "ї «ß» 𝄞",
             "\u2028sep", ""]
    conf = np.concatenate([rng.uniform(0, 1, n - 8), [0.0, -0.0, 1.0, 1e-5, 2.5e-7, 123456.789, 3e15, 7.0]])
    rows = [{"event_id": f"id{i}", "event_date": f"2022-09-{1 + i % 28:02d}", "latitude": float(rng.uniform(44, 52)),
             "longitude": float(rng.uniform(22, 40)) if i % 50 else -0.0,
             "evidence": weird[i % len(weird)] + f" {i}",                     # unique: the direct path
             "actor": weird[i % len(weird)] or None,                         # repetitive: the coded path
             "confidence": float(conf[i]), "input_line": i * 1000,
             "geocode_match": ("" if i % 3 == 0 else None if i % 3 == 1 else weird[i % len(weird)])}
            for i in range(n)]
    t = EventTable.from_records(rows)
    t.core["why"] = pd.Series([i if i % 2 else "text" for i in range(n)], dtype=object)   # mixed objects
    for chunk in (n, 97):
        buf = io.StringIO()
        write.write_geojson(t, buf, chunk=chunk)
        ref = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": e["event_id"], "geometry": {"type": "Point", "coordinates": [e["longitude"],
                                                                                                 e["latitude"]]},
             "properties": e} for e in t]}
        assert buf.getvalue() == json.dumps(ref, ensure_ascii=False)
