"""End to end: sample table → events.geojson, rejects.csv, index.html (no browser here)."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_events.csv"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    assert main(["build", str(SAMPLE), "-o", str(out)]) == 0
    events = json.loads((out / "events.geojson").read_text())["features"]
    rejects = list(csv.DictReader((out / "rejects.csv").open()))
    return out, events, rejects


def by_place(events, name):
    return [f["properties"] for f in events if f["properties"]["location_name"] == name]


def test_nothing_is_lost(sample_build):
    _, events, rejects = sample_build
    n_rows = sum(1 for _ in csv.DictReader(SAMPLE.open()))
    assert len(events) + len(rejects) == n_rows
    assert len(events) >= 40 and len({f["properties"]["event_date"] for f in events}) >= 10
    assert {r["field"] for r in rejects} >= {"event_date", "latitude", "location_name", "confidence"}
    assert all(r["file"].endswith("sample_events.csv") and r["line"].isdigit() and r["raw"] for r in rejects)


def test_geocoded_and_region_joined(sample_build):
    _, events, _ = sample_build
    for f in events:
        p = f["properties"]
        assert f["geometry"]["coordinates"] == [p["longitude"], p["latitude"]]
        assert p["country"] in ("UA", "RU") and p["admin1"], p
        assert p["event_id"] and p["confidence"] is not None
    bilo = by_place(events, "Bilohorivka")[0]
    assert bilo["admin1"] == "Luhansk Oblast" and bilo["geo_precision"] == "settlement"
    art = by_place(events, "Artemovsk")[0]
    assert abs(art["latitude"] - 48.59) < 0.05 and art["admin1"] == "Donetsk Oblast"
    region = by_place(events, "Donetsk Oblast")[0]
    assert region["geo_precision"] == "region" and region["admin1"] == "Donetsk Oblast"
    assert by_place(events, "Belgorod")[0]["admin1"] == "Belgorod Oblast"
    assert by_place(events, "Belgorod")[0]["country"] == "RU"
    assert by_place(events, "Sevastopol")[0]["admin1"] == "Sevastopol"
    assert by_place(events, "Sevastopol")[0]["country"] == "UA"
    assert by_place(events, "Kherson")[0]["admin1"] == "Kherson Oblast"   # coast town: nearest-region fallback
    toretsk = by_place(events, "Toretsk")[0]
    assert toretsk["event_type"] == "strike" and toretsk["event_type_original"].startswith("Shelling")


def test_ids_are_stable_and_unique(sample_build, tmp_path):
    _, events, _ = sample_build
    ids = [f["properties"]["event_id"] for f in events]
    assert len(set(ids)) == len(ids)
    assert main(["build", str(SAMPLE), "-o", str(tmp_path)]) == 0
    again = json.loads((tmp_path / "events.geojson").read_text())["features"]
    assert [f["properties"]["event_id"] for f in again] == ids


def test_map_is_self_contained(sample_build):
    out, _, _ = sample_build
    html = (out / "index.html").read_text()
    assert "L.map" in html or "L.Map" in html
    assert "<script src=\"http" not in html and "cdn." not in html.lower()


def test_corrections_survive_rebuild(sample_build, tmp_path):
    _, events, _ = sample_build
    first, second = events[0]["properties"], events[1]["properties"]
    corr = tmp_path / "corrections.csv"
    corr.write_text("event_id,action,latitude,longitude,location_name,event_type,field,value,note\n"
                    f"{first['event_id']},drop,,,,,,,duplicate\n"
                    f"{second['event_id']},move,50.6,36.6,Belgorod,,,,wrong town\n")
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "m"), "--corrections", str(corr)]) == 0
    got = {f["properties"]["event_id"]: f["properties"]
           for f in json.loads((tmp_path / "m" / "events.geojson").read_text())["features"]}
    assert first["event_id"] not in got and len(got) == len(events) - 1
    moved = got[second["event_id"]]
    assert moved["admin1"] == "Belgorod Oblast" and moved["country"] == "RU"   # region re-derived after the move


def test_crash_leaves_previous_map_intact(sample_build, tmp_path, monkeypatch):
    out, _, _ = sample_build
    target = tmp_path / "m"
    assert main(["build", str(SAMPLE), "-o", str(target)]) == 0
    def outputs():
        return {p.name: p.read_bytes() for p in target.iterdir() if not p.name.startswith(".")}
    before = outputs()
    assert set(before) == {"index.html", "events.geojson", "rejects.csv"}
    import geo.render

    def boom(*a, **k):
        raise RuntimeError("simulated crash while rendering")
    monkeypatch.setattr(geo.render, "render_page", boom)
    with pytest.raises(RuntimeError):
        main(["build", str(SAMPLE), "-o", str(target)])
    assert outputs() == before   # all three outputs untouched
    assert not [p for p in target.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".tmp")]
    assert len(list((target / ".frontline-map").glob("gen-*"))) == 1   # the failed generation is gone


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,foo\n2022-01-01,1\n")
    r = subprocess.run([sys.executable, "-m", "geo", "build", str(bad), "-o", str(tmp_path / "o")],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "bad.csv" in r.stderr and "missing column" in r.stderr
    assert "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "geo", "build", str(tmp_path / "none.csv"), "-o", "x"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no such file" in r.stderr


@pytest.mark.parametrize("cmd", [[], ["build"], ["extract"]])
def test_help_everywhere(cmd):
    r = subprocess.run([sys.executable, "-m", "geo", *cmd, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "usage:" in r.stdout


def test_uawardata_every_row_accounted_for(tmp_path):
    f = SHARED / "data" / "uawardata" / "units_all.csv"
    if not f.exists():
        pytest.skip("../shared not present")
    assert main(["build", str(f), "-o", str(tmp_path)]) == 0
    events = json.loads((tmp_path / "events.geojson").read_text())["features"]
    rejects = list(csv.DictReader((tmp_path / "rejects.csv").open()))
    assert len(events) + len(rejects) == 2269
    assert all(e["properties"]["country_input"] in ("ru", "ua") for e in events)


def test_unlocated_extracted_event_is_a_reject_not_a_silent_loss(tmp_path, monkeypatch):
    import geo.extract
    from geo.pipeline import collect

    class Ex:
        events = [{"event_date": "2024-05-01", "event_type": "strike", "location_name": "Nowhere",
                   "latitude": None, "longitude": None, "evidence": "It was shelled.", "articles": ["a.txt"]},
                  {"event_date": "2024-05-01", "event_type": "strike", "location_name": "Kherson",
                   "latitude": 46.6354, "longitude": 32.6169, "evidence": "Kherson was shelled.",
                   "articles": ["a.txt"]}]
        articles = [{"file": "a.txt", "warnings": []}]
    monkeypatch.setattr(geo.extract, "extract_paths", lambda *a, **k: Ex())
    (tmp_path / "a.txt").write_text("irrelevant")
    res = collect([tmp_path / "a.txt"])
    assert res.n_in == 2 and len(res.events) == 1 and len(res.rejects) == 1
    assert res.rejects[0].field == "latitude" and res.rejects[0].file == "a.txt"


def test_article_event_id_survives_a_new_source(tmp_path):
    from geo.pipeline import collect
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("date 2024-03-12\nRussian forces shelled Nikopol on Monday, damaging a school and two houses, "
                 "the regional governor said.\n")
    b.write_text("date 2024-03-12\nA school and two houses were damaged when Russian artillery shelled Nikopol "
                 "on Monday, local officials reported.\n")
    first = collect([a]).events
    both = collect([a, b]).events
    assert len(first) == len(both) == 1 and both[0]["source"] == "a.txt | b.txt"
    assert both[0]["event_id"] == first[0]["event_id"]         # a correction keyed by it still applies


def test_extract_writes_a_table_that_build_reads_back(tmp_path):
    table = tmp_path / "events.csv"
    assert main(["extract", str(ROOT / "data" / "articles"), "-o", str(table)]) == 0
    rows = list(csv.DictReader(table.open()))
    assert rows and all(r["source"].startswith("https://") for r in rows)   # urls from articles.csv
    assert main(["build", str(table), "-o", str(tmp_path / "m")]) == 0
    props = [f["properties"] for f in json.loads((tmp_path / "m" / "events.geojson").read_text())["features"]]
    assert [p["event_id"] for p in props] == [r["event_id"] for r in rows]
    for k in ("event_date", "date_precision", "event_type", "status", "geo_precision", "admin1"):
        assert [str(p[k]) for p in props] == [r[k] for r in rows], k


def test_build_writes_a_map_folder_above_the_single_file_size(tmp_path, monkeypatch):
    """Above SINGLE_FILE_MAX events the build's map is index.html + its data folder, switched with the
    other outputs as one generation; a rebuild with other data leaves exactly one data folder."""
    import geo.render
    monkeypatch.setattr(geo.render, "SINGLE_FILE_MAX", 3)
    out = tmp_path / "o"
    assert main(["build", str(SAMPLE), "-o", str(out)]) == 0
    data = [p for p in out.iterdir() if p.name.startswith("index.data-")]
    assert len(data) == 1 and (data[0] / "events.js").is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f'<script src="{data[0].name}/events.js">' in page and 'id="fl-events"' not in page
    n = len(json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"])
    assert f'"n":{n},' in (data[0] / "events.js").read_text(encoding="utf-8")      # an object literal
    # other data: a new data folder replaces the old one, no dangling link left
    half = tmp_path / "half.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    half.write_text("".join(lines[: max(6, len(lines) // 2)]), encoding="utf-8")
    assert main(["build", str(half), "-o", str(out)]) == 0
    data2 = [p for p in out.iterdir() if p.name.startswith("index.data-")]
    assert len(data2) == 1 and data2[0].name != data[0].name and (data2[0] / "events.js").is_file()
    assert f'<script src="{data2[0].name}/events.js">' in (out / "index.html").read_text(encoding="utf-8")
    assert all(p.exists() for p in out.iterdir())                      # no dangling links
