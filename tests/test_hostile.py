"""Hostile and careless input (issue 11): each finding reproduced, each now a one-line error or rejects.

Every test here failed on the code before the fix (a traceback, a hang, a silent loss or a wrong count).
"""
from __future__ import annotations

import csv
import errno
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from geo._errors import InputError
from geo.cli import main
from geo.read import read_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_events.csv"
HEAD = "date,lat,lon,place,notes\n"
ROW = "2022-09-01,46.6354,32.6169,Kherson,shelled\n"


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_cli(*args, timeout=120, subprocess_=False):
    """The CLI in-process (an uncaught exception fails the test, as a traceback would), or as a process."""
    if subprocess_:
        r = subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True,
                           timeout=timeout, cwd=ROOT)
        assert "Traceback" not in r.stderr, r.stderr
        return r
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Result(code, out.getvalue(), err.getvalue())


def one_line_error(r, *needles):
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, r.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def outputs(d: Path) -> dict:
    return {n: json.loads((d / n).read_text()) if n.endswith("json") else (d / n).read_text()
            for n in ("events.geojson", "rejects.csv")}


# ---------------------------------------------------------------- GeoJSON shapes

def test_geojson_odd_geometries_and_properties_are_rejects(tmp_path):
    """Before: geometry a string / properties a list → AttributeError tracebacks."""
    good = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [32.6, 46.6]},
            "properties": {"date": "2022-09-01", "place": "Kherson"}}
    odd = [
        {"type": "Feature", "geometry": "POINT(32 46)", "properties": {"date": "2022-09-01"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [32.6, 46.6]}, "properties": [1, 2]},
        {"type": "Feature", "geometry": {"type": "GeometryCollection", "geometries": [
            {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}]}]},
         "properties": {}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": "32,46"}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [[32, 46], [1, 2]]}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [True, None]}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1e308, -1e308]}, "properties": {}},
        {"type": "Feature", "geometry": {"coordinates": [1, 2]}, "properties": {"place": "Kherson"}},
        "not a feature", 42, None,
    ]
    p = tmp_path / "odd.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [good, *odd]}))
    t = read_table(p)
    assert t.n_in == 1 + len(odd) and len(t.rows) == 1 and len(t.rejects) == len(odd)
    fields = [r.field for r in t.rejects]
    assert fields[:4] == ["geometry", "properties", "geometry", "geometry"]
    assert all(r.reason for r in t.rejects)
    # the whole build too: every row an event or a reject
    assert main(["build", str(p), "-o", str(tmp_path / "m")]) == 0
    out = outputs(tmp_path / "m")
    assert len(out["events.geojson"]["features"]) + len(list(csv.DictReader(out["rejects.csv"].splitlines()))) \
        == 1 + len(odd)


def test_geojson_nested_deeply_is_one_line_error(tmp_path):
    """Before: RecursionError traceback."""
    p = tmp_path / "deep.geojson"
    depth = 100_000
    p.write_text('{"type": "FeatureCollection", "features": [' + "[" * depth + "]" * depth + "]}")
    with pytest.raises(InputError, match="nested too deeply"):
        read_table(p)
    one_line_error(run_cli("build", p, "-o", tmp_path / "m"), "deep.geojson", "nested too deeply")


@pytest.mark.parametrize("text,needle", [
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geom', "malformed JSON"),
    ('{"type": "FeatureCollection", "features": [' + "1" * 5000 + "]}", "malformed JSON"),
    ('[1, 2, 3]', "not a GeoJSON FeatureCollection"),
    ('', "malformed JSON"),
])
def test_truncated_or_odd_json_is_one_line_error(tmp_path, text, needle):
    p = tmp_path / "t.geojson"
    p.write_text(text)
    with pytest.raises(InputError, match=needle):
        read_table(p)


# ---------------------------------------------------------------- files that are not files

def test_symlink_loop_is_one_line_error(tmp_path):
    loop = tmp_path / "loop.csv"
    os.symlink(loop, loop)
    one_line_error(run_cli("build", loop, "-o", tmp_path / "m"), "loop.csv", "symlink loop")


def test_fifo_and_device_are_refused_at_once(tmp_path):
    """Before: a FIFO hung forever; a link to /dev/zero exhausted memory."""
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.geojson"
    os.symlink("/dev/zero", zero)
    art = tmp_path / "a.txt"
    os.mkfifo(art)
    for p in (fifo, zero, art):
        t0 = time.monotonic()
        r = run_cli("build", p, "-o", tmp_path / "m", timeout=30, subprocess_=True)
        one_line_error(r, p.name, "not a regular file")
        assert time.monotonic() - t0 < 20
    # nobody ever opened the FIFO for writing: the reader must not have waited for one
    with pytest.raises(InputError, match="not a regular file"):
        read_table(fifo)


def test_same_file_twice_is_read_once_with_a_warning(tmp_path):
    """Before: events silently doubled."""
    p = tmp_path / "e.csv"
    p.write_text(HEAD + ROW)
    link = tmp_path / "link.csv"
    os.symlink(p, link)
    r = run_cli("build", p, p, link, "-o", tmp_path / "m")
    assert r.returncode == 0, r.stderr
    assert "rows in: 1 " in r.stdout and r.stderr.count("given twice") == 2
    assert len(outputs(tmp_path / "m")["events.geojson"]["features"]) == 1


# ---------------------------------------------------------------- -o and the output disk

def test_output_naming_an_existing_file_is_one_line_error(tmp_path):
    """Before: FileExistsError traceback."""
    f = tmp_path / "taken"
    f.write_text("mine")
    (tmp_path / "e.csv").write_text(HEAD + ROW)
    one_line_error(run_cli("build", tmp_path / "e.csv", "-o", f), "taken", "is a file")
    one_line_error(run_cli("build", tmp_path / "e.csv", "-o", f / "sub"), "taken")
    one_line_error(run_cli("extract", ROOT / "data" / "articles", "-o", tmp_path), "is a folder")
    assert f.read_text() == "mine"


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_full_or_read_only_disk_is_one_line_error_and_old_map_survives(tmp_path, monkeypatch, capsys, err):
    """Before: OSError tracebacks. (Simulated: the tests run as root, which ignores permissions.)"""
    (tmp_path / "e.csv").write_text(HEAD + ROW)
    out = tmp_path / "m"
    assert main(["build", str(tmp_path / "e.csv"), "-o", str(out)]) == 0
    before = {n: (out / n).read_bytes() for n in ("index.html", "events.geojson", "rejects.csv")}
    import geo._outputs
    real = os.fsync

    def failing(fd):
        raise OSError(err, os.strerror(err))
    monkeypatch.setattr(geo._outputs.os, "fsync", failing)
    capsys.readouterr()
    assert main(["build", str(tmp_path / "e.csv"), "-o", str(out)]) == 1
    msg = capsys.readouterr().err.strip()
    assert msg.count("\n") == 0 and msg.startswith("error: ") and "cannot write" in msg
    monkeypatch.setattr(geo._outputs.os, "fsync", real)
    assert {n: (out / n).read_bytes() for n in before} == before
    assert len(list((out / ".frontline-map").glob("gen-*"))) == 1


def test_extract_output_on_a_full_disk_is_one_line_error(tmp_path, monkeypatch, capsys):
    import geo._io

    def failing(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(geo._io.os, "fsync", failing)
    assert main(["extract", str(ROOT / "data" / "articles"), "-o", str(tmp_path / "e.csv")]) == 1
    err = capsys.readouterr().err
    assert "error: " in err and "disk full" in err and not list(tmp_path.iterdir())


# ---------------------------------------------------------------- big and wide

def test_ten_megabyte_cell_is_read(tmp_path):
    """Before: the whole file refused: "field larger than field limit (131072)"."""
    p = tmp_path / "big.csv"
    note = "x" * 10_000_000
    p.write_text(HEAD + f'2022-09-01,46.6354,32.6169,Kherson,"{note}"\n' + ROW)
    t = read_table(p)
    assert len(t.rows) == 2 and t.rows[0]["evidence"] == note


def test_hundred_thousand_columns(tmp_path):
    """Before: never finished (duplicate-column check quadratic in the number of columns)."""
    p = tmp_path / "wide.csv"
    n = 100_000
    extra = [f"c{i}" for i in range(n)]
    p.write_text(",".join(["date", "lat", "lon", "place", *extra]) + "\n"
                 + "2022-09-01,46.6354,32.6169,Kherson," + ",".join("" for _ in extra[:-1]) + ",last\n"
                 + "2022-09-01,47.5666,34.3957,Nikopol," + ",".join("" for _ in extra) + "\n")
    t0 = time.monotonic()
    r = run_cli("build", p, "-o", tmp_path / "m")
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - t0 < 60
    feats = outputs(tmp_path / "m")["events.geojson"]["features"]
    assert [f["properties"].get(f"c{n - 1}") for f in feats] == ["last", None]
    assert (tmp_path / "m" / "events.geojson").stat().st_size < 1_000_000


def test_duplicate_columns_named_once(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("date,lat,lon,place,x,x\n2022-09-01,1,2,A,3,4\n")
    with pytest.raises(InputError, match="duplicate column name.*x"):
        read_table(p)


# ---------------------------------------------------------------- dates in articles

def test_article_dated_9999_12_31_does_not_crash_extract(tmp_path):
    """Before: OverflowError traceback; the whole `extract` run failed."""
    a = tmp_path / "a.txt"
    a.write_text("date 9999-12-31\nRussian forces shelled Nikopol on Monday, damaging a school, "
                 "the regional governor said.\n")
    b = tmp_path / "b.txt"
    b.write_text("date 2024-03-12\nRussian forces shelled Nikopol on Monday, damaging a school, "
                 "the regional governor said.\n")
    r = run_cli("extract", a, b, "-o", tmp_path / "e.csv")
    assert r.returncode == 0, r.stderr
    assert "a.txt: publication date 9999-12-31 is outside the plausible range 1900-01-01.." in r.stderr
    assert "2 articles" in r.stdout


def test_future_publication_date_is_warned(tmp_path):
    soon = date.today() + timedelta(days=20)
    a = tmp_path / "a.txt"
    a.write_text(f"date {soon.isoformat()}\nRussian forces shelled Nikopol on Monday, damaging a school.\n")
    r = run_cli("extract", a, "-o", tmp_path / "e.csv")
    assert r.returncode == 0 and "in the future of this machine's clock" in r.stderr


def test_no_date_column_is_warned_naming_the_columns(tmp_path):
    """Before: every row mapped undated, silently."""
    p = tmp_path / "e.csv"
    p.write_text("lat,lon,place,when_it_happened\n46.6354,32.6169,Kherson,yesterday\n")
    t = read_table(p)
    assert len(t.rows) == 1 and t.rows[0]["event_date"] == ""
    assert len(t.warnings) == 1 and "no date column" in t.warnings[0] and "when_it_happened" in t.warnings[0]
    r = run_cli("build", p, "-o", tmp_path / "m")
    assert "warning:" in r.stderr and "no date column" in r.stderr and "when_it_happened" in r.stderr


def test_event_outside_date_range_is_a_reject(tmp_path):
    """Before: one row dated 9999-12-31 among September 2022 stretched the timeline over 8,000 years."""
    p = tmp_path / "e.csv"
    p.write_text(HEAD + ROW + "9999-12-31,46.6354,32.6169,Kherson,far\n" + "2013-12-31,46.6,32.6,Kherson,early\n"
                 + "2022,46.6,32.6,Kherson,a year\n")
    r = run_cli("build", p, "-o", tmp_path / "m")
    assert r.returncode == 0 and "rows in: 4 " in r.stdout and "events: 2;" in r.stdout and "rejects: 2" in r.stdout
    rej = list(csv.DictReader((tmp_path / "m" / "rejects.csv").open()))
    assert {x["line"] for x in rej} == {"3", "4"} and all(x["field"] == "event_date" for x in rej)
    assert all("outside --date-range 2014-01-01.." in x["reason"] for x in rej)
    r = run_cli("build", p, "-o", tmp_path / "m2", "--date-range", "2022-09-02..2022-12-31")
    assert "events: 1;" in r.stdout and "rejects: 3" in r.stdout   # the year 2022 overlaps the range: kept


# ---------------------------------------------------------------- the count promise

def test_dropped_by_corrections_is_counted(tmp_path):
    """Before: 56 in, 49 events + 6 rejects out (the dropped event was nowhere)."""
    out = tmp_path / "m"
    assert main(["build", str(SAMPLE), "-o", str(out)]) == 0
    first = json.loads((out / "events.geojson").read_text())["features"][0]["properties"]["event_id"]
    fixes = tmp_path / "c.csv"
    fixes.write_text("event_id,action,latitude,longitude\n"
                     f"{first},drop,,\n"
                     f"{first},move,abc,1\n"
                     "nosuchid,drop,,\n"
                     f"{first},explode,,\n")
    r = run_cli("build", SAMPLE, "-o", out, "--corrections", fixes)
    assert r.returncode == 0, r.stderr
    n_in = int(r.stdout.split("rows in: ")[1].split()[0])
    n_ev = int(r.stdout.split("events: ")[1].split(";")[0])
    n_rej = int(r.stdout.split("rejects: ")[1].split(";")[0])
    n_drop = int(r.stdout.split("dropped by corrections: ")[1].split()[0])
    assert n_drop == 1 and n_in == n_ev + n_rej + n_drop == 56
    rej = list(csv.DictReader((out / "rejects.csv").open()))
    bad = [x for x in rej if x["file"] == str(fixes)]
    assert sorted((x["line"], x["field"]) for x in bad) == [("3", "latitude"), ("4", "event_id"), ("5", "action")]
    assert "corrections: 3 bad lines" in r.stdout


def test_geopackage_in_web_mercator_is_reprojected(tmp_path):
    """Before: every row rejected as out of range (EPSG:3857 metres read as degrees)."""
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point
    gdf = gpd.GeoDataFrame({"date": ["2022-09-01"], "place": ["Kherson"]}, geometry=[Point(32.6169, 46.6354)],
                           crs="EPSG:4326").to_crs("EPSG:3857")
    gdf.to_file(tmp_path / "e.gpkg")
    t = read_table(tmp_path / "e.gpkg")
    assert not t.rejects and abs(t.rows[0]["latitude"] - 46.6354) < 1e-6 and abs(t.rows[0]["longitude"] - 32.6169) < 1e-6


def test_folders_each_keep_their_articles_csv(tmp_path):
    """Before: `build dirA dirB` kept only the last folder's articles.csv (the others' dates lost)."""
    text = "Russian forces shelled Nikopol on Monday, damaging a school and two houses, the governor said.\n"
    for d, pub in (("A", "2024-03-12"), ("B", "2024-05-20")):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same_name.txt").write_text(text)
        (tmp_path / d / "articles.csv").write_text(f"file,published,url\nsame_name.txt,{pub},https://e.org/{d}\n")
    from geo.pipeline import collect
    res = collect([tmp_path / "A", tmp_path / "B"])
    dates = sorted(e["event_date"][:7] for e in res.events)
    assert dates == ["2024-03", "2024-05"], [(e["event_date"], e["source"]) for e in res.events]
    assert sorted(e["source"] for e in res.events) == ["https://e.org/A", "https://e.org/B"]


# ---------------------------------------------------------------- encodings

UK_ROWS = [("2022-09-01", "46.6354", "32.6169", "Херсон", "обстріл житлових кварталів, пошкоджено школу"),
           ("2022-09-02", "47.5666", "34.3957", "Нікополь", "артилерія; двоє поранених")]
RU_ROWS = [("2022-09-01", "46.6354", "32.6169", "Херсон", "обстрел жилых кварталов, повреждена школа"),
           ("2022-09-02", "47.5666", "34.3957", "Никополь", "артиллерия; двое раненых")]


def table_text(rows, eol="\n"):
    return eol.join([HEAD.strip()] + [",".join(r[:4]) + f',"{r[4]}"' for r in rows]) + eol


@pytest.mark.parametrize("enc,rows", [("cp1251", UK_ROWS), ("koi8_r", RU_ROWS), ("koi8_u", UK_ROWS),
                                      ("utf-16", UK_ROWS), ("utf-16-le", UK_ROWS), ("utf-16-be", RU_ROWS),
                                      ("utf-8-sig", UK_ROWS)])
def test_tables_in_the_encodings_people_have(tmp_path, enc, rows):
    """Before: refused whole: "not UTF-8 text (byte 67)"; no encoding named."""
    p = tmp_path / "e.csv"
    p.write_bytes(table_text(rows).encode(enc))
    t = read_table(p)
    assert not t.rejects and [r["evidence"] for r in t.rows] == [r[4] for r in rows]
    assert t.encoding.replace("_", "-").lower().startswith(enc.replace("_", "-")[:6])
    if enc not in ("utf-8-sig",):
        r = run_cli("build", p, "-o", tmp_path / "m")
        assert r.returncode == 0 and f"read as {t.encoding}" in r.stderr


def test_mixed_line_endings(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes((HEAD.strip() + "\r\n" + ",".join(UK_ROWS[0][:4]) + ",a\r" + ",".join(UK_ROWS[1][:4]) + ",b\n"
                   + ROW.strip() + "\r\n").encode("cp1251"))
    t = read_table(p)
    assert len(t.rows) == 3 and [r["_line"] for r in t.rows] == [2, 3, 4] and not t.rejects


def test_undecidable_encoding_names_the_likely_one_and_the_option(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(table_text([(a, b, c, d.upper(), e.upper()) for a, b, c, d, e in RU_ROWS]).encode("koi8_r"))
    r = run_cli("build", p, "-o", tmp_path / "m")
    if r.returncode == 0:       # detection may decide all-capitals KOI8; then it must say so
        assert "read as koi8" in r.stderr, r.stderr
    else:
        one_line_error(r, "e.csv", "--encoding")
    r = run_cli("build", p, "-o", tmp_path / "m", "--encoding", "koi8-r")
    assert r.returncode == 0 and "events: 2" in r.stdout
    rnd = tmp_path / "r.csv"
    rnd.write_bytes(HEAD.encode() + bytes(range(0x80, 0x100)) * 3 + b"\n")
    one_line_error(run_cli("build", rnd, "-o", tmp_path / "m"), "r.csv", "not UTF-8", "--encoding")
    one_line_error(run_cli("build", p, "-o", tmp_path / "m", "--encoding", "nonsense-9"), "unknown encoding")


@pytest.mark.parametrize("text,lang", [
    ("Російські війська обстріляли Нікополь у понеділок, пошкоджено школу та два будинки, "
     "повідомив голова обласної військової адміністрації.", "Ukrainian"),
    ("Российские войска обстреляли Никополь в понедельник, повреждены школа и два жилых дома, "
     "сообщил губернатор области.", "Russian"),
])
@pytest.mark.parametrize("enc", ["utf-8", "cp1251", "utf-16"])
def test_cyrillic_articles_are_decoded_and_warned(tmp_path, text, lang, enc):
    """Before: 0 events and no warning (or a decode error for cp1251)."""
    a = tmp_path / "a.txt"
    a.write_bytes(("date 2024-03-12\r\n" + text + "\r\n").encode(enc))
    r = run_cli("extract", a, "-o", tmp_path / "e.csv")
    assert r.returncode == 0, r.stderr
    assert f"text is {lang}" in r.stderr and "0 events" in r.stdout


def test_english_article_in_utf16_still_extracts(tmp_path):
    a = tmp_path / "a.txt"
    a.write_bytes("date 2024-03-12\r\nRussian forces shelled Nikopol on Monday, damaging a school and two "
                  "houses, the regional governor said.\r\n".encode("utf-16"))
    r = run_cli("extract", a, "-o", tmp_path / "e.csv")
    assert r.returncode == 0 and "1 article -> 1 event:" in r.stdout, (r.stdout, r.stderr)


# ---------------------------------------------------------------- nothing runs in a spreadsheet

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "'=quoted"]


def test_rejects_csv_neutralises_formulas(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text(HEAD + "".join(f'2022-09-01,abc,32.6,"{f}","{f}"\n' for f in FORMULAS), encoding="utf-8")
    assert main(["build", str(p), "-o", str(tmp_path / "m")]) == 0
    with (tmp_path / "m" / "rejects.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(FORMULAS)
    for r in rows:
        for v in r.values():
            assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), v
    assert rows[0]["line"] == "2"     # numbers stay numbers


def test_extract_csv_neutralises_formulas_and_build_reads_it_back_losslessly(tmp_path, monkeypatch):
    import geo.extract
    from geo.extract import Extraction
    evs = [{"event_id": "", "event_date": "2024-03-11", "date_precision": "day", "event_type": "strike",
            "event_type_original": "", "weapon": "", "actor": "RU", "status": "reported",
            "location_name": "Nikopol", "admin1": "", "country": "UA", "latitude": 47.5666 + i / 100,
            "longitude": 34.3957, "geo_precision": "settlement", "source": "a.txt", "evidence": f,
            "confidence": 0.8, "trigger": f, "geocode_match": "exact", "articles": ["a.txt"]}
           for i, f in enumerate(FORMULAS + ["-3.5", "plain"])]
    monkeypatch.setattr(geo.extract, "extract_paths",
                        lambda *a, **k: Extraction(events=[dict(e) for e in evs], articles=[]))
    (tmp_path / "a.txt").write_text("x")
    table = tmp_path / "events.csv"
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(table)]) == 0
    with table.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        assert not r["evidence"].startswith(("=", "+", "@", "\t")) and not r["trigger"].startswith("=")
    assert rows[-2]["evidence"] == "-3.5" and rows[0]["latitude"] == "47.5666"  # numbers stay numbers
    assert main(["build", str(table), "-o", str(tmp_path / "m"), "--date-range", "2014-01-01.."]) == 0
    props = [f["properties"] for f in json.loads((tmp_path / "m" / "events.geojson").read_text())["features"]]
    assert [p["evidence"] for p in props] == [f.strip() for f in FORMULAS + ["-3.5", "plain"]]


# ---------------------------------------------------------------- rows end only at CR/LF

def test_cells_with_unicode_line_separators_do_not_split_rows(tmp_path):
    """Before: rows split on \\x0b \\x0c \\x1c-\\x1e \\x85 U+2028 U+2029 (str.splitlines)."""
    seps = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    p = tmp_path / "e.csv"
    p.write_text(HEAD + "".join(f"2022-09-01,46.6354,32.6169,Kherson,a{s}b\n" for s in seps) + ROW,
                 encoding="utf-8", newline="")
    t = read_table(p)
    assert t.n_in == len(seps) + 1 and not t.rejects
    assert [r["evidence"] for r in t.rows[:-1]] == [f"a{s}b" for s in seps]
    assert [r["_line"] for r in t.rows] == list(range(2, len(seps) + 3))


def test_sparse_wide_table_costs_what_its_filled_cells_cost(tmp_path):
    """Before: 1,000 extra columns filled on one row of 2,000: build 5 s → 57 s, events.geojson 1.2 → 28 MB."""
    n_rows, n_extra = 2000, 1000
    p = tmp_path / "e.csv"
    cols = [f"x{i}" for i in range(n_extra)]
    with p.open("w") as fh:
        fh.write(",".join(["date", "lat", "lon", "place", *cols]) + "\n")
        fh.write("2022-09-01,46.6354,32.6169,Kherson," + ",".join("v" for _ in cols) + "\n")
        blanks = "," * (n_extra - 1)
        for i in range(n_rows - 1):
            fh.write(f"2022-09-{1 + i % 28:02d},{46 + i / 1e4:.4f},32.6169,Kherson,{blanks}\n")
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run_cli("build", p, "-o", tmp_path / "m")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert r.returncode == 0 and f"events: {n_rows};" in r.stdout, r.stdout
    size = (tmp_path / "m" / "events.geojson").stat().st_size
    assert size < 3_000_000, size
    # CPU seconds of the build process (steady on a loaded machine, unlike wall time): a dense
    # rows x columns path costs ~50 s here; the sparse one a few seconds
    assert cpu < 30, cpu


# ---------------------------------------------------------------- run time never fetches; caches

def test_vendor_path_never_fetches_at_run_time(tmp_path, monkeypatch):
    """Before: a missing asset made `_vendor.path()` run `npm pack` in the middle of a build."""
    import subprocess as sp

    from geo import _vendor
    monkeypatch.setenv("FRONTLINE_MAP_VENDOR", str(tmp_path / "empty"))

    def no_fetch(*a, **k):
        raise AssertionError("fetched at run time")
    monkeypatch.setattr(sp, "run", no_fetch)
    with pytest.raises(InputError, match="run scripts/setup.sh") as e:
        _vendor.path("leaflet.js")
    assert str(e.value).count("\n") == 0


def test_region_cache_lives_outside_the_package_and_says_when_it_cannot(tmp_path, monkeypatch, caplog):
    """Before: the cache went into the package folder and was silently rebuilt on every run when read-only."""
    import geo
    from geo import regions
    pkg = Path(geo.__file__).parent
    monkeypatch.setenv("FRONTLINE_MAP_CACHE", str(tmp_path / "cache"))
    regions._regions.cache_clear()
    try:
        before = set(pkg.rglob("regions-*.parquet"))
        assert len(regions.load_regions()) > 100
        made = list((tmp_path / "cache").glob("regions-*.parquet"))
        assert len(made) == 1 and set(pkg.rglob("regions-*.parquet")) == before
        assert made[0].read_bytes()[:4] == b"PAR1"        # Parquet data, not a pickle
        (tmp_path / "file").write_text("in the way")
        monkeypatch.setenv("FRONTLINE_MAP_CACHE", str(tmp_path / "file" / "cache"))
        regions._regions.cache_clear()
        with caplog.at_level("WARNING", logger="geo"):
            regions.load_regions()
        assert any("cannot cache admin-1 regions" in r.getMessage() for r in caplog.records)
    finally:
        monkeypatch.undo()
        regions._regions.cache_clear()


def test_library_code_does_not_print():
    """Library modules report through return values and logging; only the CLI prints."""
    import ast

    import geo
    pkg = Path(geo.__file__).parent
    allowed = {"cli.py"}
    offenders = []
    for f in sorted(pkg.rglob("*.py")):
        if f.name in allowed:
            continue
        tree = ast.parse(f.read_text())
        main_blocks = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
        skip = {id(x) for b in main_blocks for x in ast.walk(b)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print" and id(node) not in skip:
                offenders.append(f"{f.relative_to(pkg)}:{node.lineno}")
    assert offenders == []


def test_lone_surrogate_escapes_in_geojson_become_replacement_characters(tmp_path):
    """Before: a GeoJSON "\\ud800" escape (in a value or a key) crashed build with UnicodeEncodeError."""
    p = tmp_path / "e.geojson"
    p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", '
                 '"coordinates": [30.5, 50.4]}, "properties": {"date": "2024-01-02", "place": "K\\ud800yiv", '
                 '"type": "strike", "note\\udc00": ["a\\udfff"], "ok": "\\ud83d\\ude00"}}]}', encoding="utf-8")
    r = run_cli("build", p, "-o", tmp_path / "m", "--format", "geojson,parquet,gpkg,csv")
    assert r.returncode == 0 and "events: 1;" in r.stdout, r.stdout + r.stderr
    props = json.loads((tmp_path / "m" / "events.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert props["location_name"] == "K\ufffdyiv" and props["note\ufffd"] == '["a\ufffd"]'
    assert props["ok"] == "\U0001f600"          # a proper surrogate pair is a character, kept
