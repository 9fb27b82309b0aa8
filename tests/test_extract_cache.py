"""The incremental-rebuild cache (geo._cache): counted by re-extractions, never timed; outputs identical
with and without it; what lies in the cache folder is data, never code."""
from __future__ import annotations

import csv
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from geo import _cache
from geo._cache import ExtractCache
from geo.cli import main
from geo.extract import extract_paths

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "articles" / "dev"
# six dated articles; d08/d09 report the same Odesa port strike (merged across articles)
SIX = ["d01_wire_kherson_shelling.txt", "d03_mod_claims.txt", "d05_belgorod_governor.txt",
       "d06_sevastopol_fleet_hq.txt", "d08_odesa_port_strike.txt", "d09_odesa_followup.txt"]
SEVENTH = "d12_kursk_incursion.txt"


@pytest.fixture(scope="module")
def gaz():
    from geo.gazetteer import load_gazetteer
    return load_gazetteer()


@pytest.fixture(autouse=True)
def _own_cache_home(tmp_path, monkeypatch):
    """The CLI's default cache goes to a temporary folder, never the user's."""
    monkeypatch.setenv("FRONTLINE_MAP_EXTRACT_CACHE", str(tmp_path / "default-cache"))


def _corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = {r["file"]: r for r in csv.DictReader((DEV / "articles.csv").open(newline="", encoding="utf-8"))}
    with (folder / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "published", "url", "outlet"], lineterminator="\n")
        w.writeheader()
        for n in names:
            shutil.copy(DEV / n, folder / n)
            w.writerow(rows[n])
    return folder


def _run(folder: Path, cache: Path | None) -> object:
    store = ExtractCache(cache) if cache is not None else None
    return extract_paths([folder], cache=store)


def _dump(ex) -> str:
    return json.dumps([ex.events, ex.articles], ensure_ascii=False, sort_keys=True)


def test_rebuild_counts(tmp_path, monkeypatch):
    arts, cache = _corpus(tmp_path / "a", SIX), tmp_path / "cache"
    first = _run(arts, cache)
    assert (first.n_extracted, first.n_cached) == (6, 0)
    assert first.summary == "re-extracted 6 of 6 articles (0 from cache)"
    assert any(len(e["articles"]) == 2 for e in first.events)       # the Odesa strike, told twice, merged
    again = _run(arts, cache)
    assert (again.n_extracted, again.n_cached) == (0, 6) and _dump(again) == _dump(first)
    _corpus(arts, [SEVENTH])
    rows = (DEV / "articles.csv").read_text(encoding="utf-8").splitlines()
    (arts / "articles.csv").write_text("\n".join([rows[0]] + [r for r in rows if r.split(",")[0] in SIX + [SEVENTH]]) + "\n",
                                       encoding="utf-8")
    added = _run(arts, cache)
    assert added.summary == "re-extracted 1 of 7 articles (6 from cache)"
    p = arts / SIX[0]
    p.write_text(p.read_text(encoding="utf-8") + "\nRussian artillery also shelled Beryslav on Friday.\n", encoding="utf-8")
    edited = _run(arts, cache)
    assert (edited.n_extracted, edited.n_cached) == (1, 6)
    assert any(e["location_name"] == "Beryslav" for e in edited.events)
    fresh = extract_paths([arts])                        # no cache at all: the same events
    assert _dump(edited) == _dump(fresh)
    monkeypatch.setattr(_cache, "extractor_version", lambda: "some-other-extractor")
    changed = _run(arts, cache)
    assert (changed.n_extracted, changed.n_cached) == (7, 0) and _dump(changed) == _dump(fresh)


def test_options_that_change_a_result_are_in_the_key(tmp_path):
    arts, cache = _corpus(tmp_path / "a", SIX[:2]), ExtractCache(tmp_path / "cache")
    extract_paths([arts], cache=cache)
    assert extract_paths([arts], cache=cache).n_cached == 2
    other_date = extract_paths([arts], cache=cache, published=date(2024, 6, 1))
    assert other_date.n_extracted == 2 and all(a["published"] == "2024-06-01" for a in other_date.articles)
    assert extract_paths([arts], cache=cache, encoding="utf-8").n_extracted == 2
    table = (arts / "articles.csv").read_text(encoding="utf-8")
    (arts / "articles.csv").write_text(table.replace("2024-03-02", "2024-03-05"), encoding="utf-8")
    moved = extract_paths([arts], cache=cache)
    assert (moved.n_extracted, moved.n_cached) == (1, 1)     # only the article whose row changed


def test_the_extractor_version_covers_the_code_it_runs():
    files = {p.relative_to(ROOT / "geo").as_posix() for p in _cache.source_closure("geo.extract")}
    # the extractor's modules, the gazetteer's lookup code it calls and the helpers they import
    assert {"extract/__init__.py", "extract/roles.py", "extract/incidents.py", "gazetteer.py",
            "_names.py", "__init__.py"} <= files
    assert "render.py" not in files and "cli.py" not in files      # unrelated code does not invalidate it
    v = _cache.extractor_version()
    assert len(v) == 16 and v == _cache.extractor_version()


def test_a_planted_pickle_is_never_run_and_is_replaced(tmp_path, capsys):
    arts, root = _corpus(tmp_path / "a", SIX[:2]), tmp_path / "cache"
    store = ExtractCache(root)
    first = extract_paths([arts], cache=store)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    name = SIX[0]
    data = (arts / name).read_bytes()
    row = {r["file"]: r for r in csv.DictReader((arts / "articles.csv").open(newline=""))}[name]
    key = store.key(data=data, name=name, encoding=None, published=None,
                    row={"published": row["published"], "url": row["url"], "outlet": row["outlet"]})
    entry = store._path(key)
    assert entry.is_file()                                  # (the key is the one the run used)
    entry.write_bytes(pickle.dumps(Evil()))
    other = store._path(next(p.stem for p in store.dir.glob("*/*.json") if p.stem != key))
    other.write_bytes(other.read_bytes()[:40])              # a truncated entry (a crash mid-write)
    again = extract_paths([arts], cache=ExtractCache(root))
    assert not marker.exists()
    assert (again.n_extracted, again.n_cached) == (2, 0) and _dump(again) == _dump(first)
    assert len(again.warnings) == 2 and all(w.startswith("cache: ignored damaged entry") for w in again.warnings)
    assert json.loads(entry.read_text(encoding="utf-8"))["key"] == key      # rewritten as JSON
    assert extract_paths([arts], cache=ExtractCache(root)).n_cached == 2


def test_foreign_or_hostile_json_entries_are_misses(tmp_path):
    arts, root = _corpus(tmp_path / "a", SIX[:1]), tmp_path / "cache"
    store = ExtractCache(root)
    extract_paths([arts], cache=store)
    (entry,) = store.dir.glob("*/*.json")
    doc = json.loads(entry.read_text(encoding="utf-8"))
    for bad in ({**doc, "key": "0" * 64}, {**doc, "events": [{"latitude": 1}]}, [1, 2], "x" * 10,
                {**doc, "format": 99}):
        entry.write_text(json.dumps(bad), encoding="utf-8")
        ex = extract_paths([arts], cache=ExtractCache(root))
        assert (ex.n_extracted, ex.n_cached) == (1, 0) and len(ex.warnings) == 1, bad
    entry.unlink()
    os.mkfifo(entry)                                        # a FIFO would hang a plain open()
    ex = extract_paths([arts], cache=ExtractCache(root))
    assert ex.n_extracted == 1 and "not a regular file" in ex.warnings[0]


def test_a_clock_dependent_result_expires(tmp_path):
    store = ExtractCache(tmp_path / "cache")
    ev = []
    art = {"file": "a.txt", "warnings": []}
    store.put("k" * 64, ev, art, valid_until=date(2030, 1, 2))
    assert store.get("k" * 64, today=date(2030, 1, 1)) is not None
    assert store.get("k" * 64, today=date(2030, 1, 2)) is None
    # an undated article resolves "yesterday" against today's clock: cached for today only
    arts = tmp_path / "u"
    arts.mkdir()
    (arts / "u.txt").write_text("Russian forces shelled Nikopol yesterday, the governor said.\n", encoding="utf-8")
    extract_paths([arts], cache=ExtractCache(tmp_path / "c2"))
    (entry,) = (tmp_path / "c2").glob("*/*/*.json")
    assert json.loads(entry.read_text(encoding="utf-8"))["valid_until"] == (date.today() + timedelta(days=1)).isoformat()
    dated = tmp_path / "d"
    _corpus(dated, SIX[:1])
    extract_paths([dated], cache=ExtractCache(tmp_path / "c3"))
    (entry,) = (tmp_path / "c3").glob("*/*/*.json")
    assert json.loads(entry.read_text(encoding="utf-8"))["valid_until"] is None


def test_growth_is_bounded(tmp_path):
    root = tmp_path / "cache"
    store = ExtractCache(root)
    for i in range(10):
        store.put(f"{i:064x}", [], {"file": f"{i}.txt", "warnings": []})
    old = ExtractCache(root, extractor="old-code")
    old.put("f" * 64, [], {"file": "x.txt", "warnings": []})
    month_ago = time.time() - 30 * 86400
    os.utime(old.dir / ".used", (month_ago, month_ago))
    for i, p in enumerate(sorted(store.dir.glob("*/*.json"))):
        os.utime(p, (month_ago + i, month_ago + i))          # entry i used at time i: 0 is the least recent
    size = sum(p.stat().st_size for p in store.dir.glob("*/*.json"))
    gone = store.prune(force=True, max_bytes=int(size * 0.6))
    assert not old.dir.exists()                              # a version unused for 30 days: deleted whole
    left = sorted(p.stem for p in store.dir.glob("*/*.json"))
    assert gone == 1 + (10 - len(left)) and 0 < len(left) < 10
    assert left == [f"{i:064x}" for i in range(10 - len(left), 10)]       # the least recently used went
    assert store.prune() == 0                                # at most once a day


def test_an_unwritable_cache_costs_a_warning_not_the_run(tmp_path):
    arts = _corpus(tmp_path / "a", SIX[:1])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ex = extract_paths([arts], cache=ExtractCache(blocker))
    assert ex.n_extracted == 1 and ex.events and ex.warnings[0].startswith("cache: cannot write")


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("FRONTLINE_MAP_CACHE", raising=False)
    monkeypatch.delenv("FRONTLINE_MAP_EXTRACT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.default_dir() == tmp_path / "frontline-map" / "extract"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert _cache.default_dir() == Path.home() / ".cache" / "frontline-map" / "extract"
    monkeypatch.setenv("FRONTLINE_MAP_CACHE", str(tmp_path / "fm"))
    assert _cache.default_dir() == tmp_path / "fm" / "extract"
    monkeypatch.setenv("FRONTLINE_MAP_EXTRACT_CACHE", str(tmp_path / "x"))
    assert _cache.default_dir() == tmp_path / "x"


def test_cli_says_what_it_did_and_outputs_match(tmp_path, capsys):
    arts = _corpus(tmp_path / "a", SIX)
    outs = {}
    for run, flags in (("none", ["--no-cache"]), ("cold", []), ("warm", []), ("dir", ["--cache", str(tmp_path / "c")])):
        out = tmp_path / f"{run}.csv"
        assert main(["extract", str(arts), "-o", str(out), *flags]) == 0
        err = capsys.readouterr().err
        outs[run] = (out.read_bytes(), [ln for ln in err.splitlines() if not ln.startswith("note:")])
        note = [ln for ln in err.splitlines() if ln.startswith("note: ")]
        want = {"none": "note: extracted 6 of 6 articles", "cold": "note: re-extracted 6 of 6 articles (0 from cache)",
                "warm": "note: re-extracted 0 of 6 articles (6 from cache)",
                "dir": "note: re-extracted 6 of 6 articles (0 from cache)"}[run]
        assert note == [want], err
    assert (tmp_path / "default-cache").is_dir() and (tmp_path / "c").is_dir()
    assert len({v for v in outs.values() for v in [v[0]]}) == 1                 # byte-identical CSVs
    assert len({tuple(v[1]) for v in outs.values()}) == 1                        # the same warnings
    # build: events.geojson and rejects.csv the same with a warm cache as without one
    b = {}
    for run, flags in (("none", ["--no-cache"]), ("warm", [])):
        assert main(["build", str(arts), "-o", str(tmp_path / run), *flags]) == 0
        err = capsys.readouterr().err
        b[run] = [(tmp_path / run / f).read_bytes() for f in ("events.geojson", "rejects.csv")]
        assert ("re-extracted 0 of 6 articles (6 from cache)" in err) == (run == "warm"), err
    assert b["none"] == b["warm"]


def test_flags_are_exclusive(capsys):
    for argv in (["extract", "x.txt", "-o", "o.csv", "--cache", "d", "--no-cache"],
                 ["extract", "x.txt", "-o", "o.csv", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
                 ["build", "x.txt", "-o", "m", "--workers", "0"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
    capsys.readouterr()


def test_the_serial_path_never_imports_dask(tmp_path):
    arts = _corpus(tmp_path / "a", SIX[:1])
    code = ("import sys; from geo.cli import main; "
            f"rc = main(['extract', {str(arts)!r}, '-o', {str(tmp_path / 'o.csv')!r}, '--cache', {str(tmp_path / 'c')!r}]); "
            "assert rc == 0; bad = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]; "
            "assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
