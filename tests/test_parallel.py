"""Extraction on Dask (geo._parallel): byte-identical to the serial path, cross-article merging included;
bounded in flight; a crashed worker or a failing task is one warning line. One module-scoped local
cluster (2 worker processes) serves every test here but one, which runs the CLI's own --workers."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from geo import _parallel  # noqa: E402
from geo.cli import main  # noqa: E402
from geo.extract import extract_paths  # noqa: E402
from geo.extract._article import ArticleJob  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "articles"
SEEDS = ROOT.parent / "shared" / "seeds"
CRASH, RAISE = "d04_isw_donetsk.txt", "d07_sumy_oblast_day.txt"
# six dev articles; d08/d09 report the same Odesa port strike (merged across articles)
SIX = [FIX / "dev" / n for n in ("d01_wire_kherson_shelling.txt", "d03_mod_claims.txt", "d05_belgorod_governor.txt",
                                 "d06_sevastopol_fleet_hq.txt", "d08_odesa_port_strike.txt", "d09_odesa_followup.txt")]


@pytest.fixture(scope="module")
def scheduler():
    import cloudpickle
    cloudpickle.register_pickle_by_value(sys.modules[__name__])   # workers get this module's test tasks by value
    with _parallel._client(2, None) as client:                      # the --workers code path, once
        yield client.scheduler.address


@pytest.fixture(scope="module")
def dev_serial():
    return extract_paths([FIX / "dev"])


@pytest.fixture(autouse=True)
def _own_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_MAP_EXTRACT_CACHE", str(tmp_path / "default-cache"))


def _dump(ex) -> str:
    return json.dumps([ex.events, ex.articles], ensure_ascii=False)


def test_same_events_as_serial_with_cross_article_merging(scheduler, dev_serial):
    serial = dev_serial
    dask = extract_paths([FIX / "dev"], scheduler=scheduler)
    assert dask.workers.startswith(scheduler) and dask.n_extracted == len(dask.articles) == 19
    assert _dump(dask) == _dump(serial)
    merged = [e for e in dask.events if len(e["articles"]) > 1]
    assert merged and {"d08_odesa_port_strike.txt", "d09_odesa_followup.txt"} <= set(merged[0]["articles"]) | {
        a for e in merged for a in e["articles"]}


def _loads():
    from geo import _parallel as p
    return p._LOADS


def test_each_worker_loads_the_gazetteer_once(scheduler):
    from distributed import Client
    extract_paths(SIX, scheduler=scheduler)
    extract_paths(SIX[:2], scheduler=scheduler)
    with Client(scheduler) as c:
        assert list(c.run(_loads).values()) == [1, 1]


@pytest.mark.skipif(not (SEEDS / "articles.csv").is_file(), reason="../shared/seeds absent")
def test_same_events_as_serial_on_the_seeds(scheduler):
    serial = extract_paths([SEEDS], articles_table=SEEDS / "articles.csv")
    dask = extract_paths([SEEDS], articles_table=SEEDS / "articles.csv", scheduler=scheduler)
    assert len(serial.events) > 5 and _dump(dask) == _dump(serial)


def test_cli_outputs_byte_identical(scheduler, tmp_path, capsys):
    arts = [str(p) for p in SIX]
    runs = {}
    for run, flags in (("serial", []), ("dask", ["--scheduler", scheduler])):
        assert main(["extract", *arts, "-o", str(tmp_path / f"{run}.csv"), "--no-cache", *flags]) == 0
        e1 = capsys.readouterr().err
        assert main(["build", *arts, "-o", str(tmp_path / run), "--no-cache", *flags]) == 0
        e2 = capsys.readouterr().err
        runs[run] = ([(tmp_path / f"{run}.csv").read_bytes()] +
                     [(tmp_path / run / f).read_bytes() for f in ("events.geojson", "rejects.csv")],
                     [ln for ln in (e1 + e2).splitlines() if not ln.startswith("note: extracted")])
        assert "Traceback" not in e1 + e2
    assert runs["serial"] == runs["dask"]
    assert b"d08_odesa_port_strike.txt | d09_odesa_followup.txt" in runs["dask"][0][0]   # merged across


def test_only_cache_misses_go_to_the_cluster(scheduler, tmp_path, dev_serial):
    from geo._cache import ExtractCache
    store = tmp_path / "cache"
    names = sorted(p.name for p in (FIX / "dev").glob("*.txt"))
    serial = dev_serial
    extract_paths([FIX / "dev" / n for n in names if n != "d09_odesa_followup.txt"], cache=ExtractCache(store))
    ex = extract_paths([FIX / "dev"], cache=ExtractCache(store), scheduler=scheduler)
    assert ex.summary == f"re-extracted 1 of {len(names)} articles ({len(names) - 1} from cache) on {ex.workers}"
    assert _dump(ex) == _dump(serial)
    warm = extract_paths([FIX / "dev"], cache=ExtractCache(store), scheduler=scheduler)
    assert warm.n_extracted == 0 and warm.workers == ""       # nothing to do: no task, no client


def _test_task(jobs):
    """Worker-side: die on one article, raise on another, else the real task."""
    if any(job.name == CRASH for job in jobs):
        os._exit(3)
    if any(job.name == RAISE for job in jobs):
        raise RuntimeError("boom")
    from geo._parallel import extract_task
    return extract_task(jobs)


def test_a_dead_worker_or_a_raising_task_costs_one_article(scheduler, monkeypatch, tmp_path, capfd):
    names = ["d01_wire_kherson_shelling.txt", CRASH, RAISE, "d08_odesa_port_strike.txt", "d09_odesa_followup.txt"]
    paths = [FIX / "dev" / n for n in names]
    serial = extract_paths(paths)
    monkeypatch.setattr(_parallel, "extract_task", _test_task)
    ex = extract_paths(paths, scheduler=scheduler)
    monkeypatch.undo()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "distributed" not in err, err        # dask's own lines stay quiet
    warned = {a["file"]: a["warnings"] for a in ex.articles}
    assert warned[CRASH] == ["extraction failed (worker process died); no events from this text"]
    assert warned[RAISE] == ["extraction failed (RuntimeError: boom); no events from this text"]
    others = [a for a in ex.articles if a["file"] not in (CRASH, RAISE)]
    assert others == [a for a in serial.articles if a["file"] not in (CRASH, RAISE)]     # the rest are whole
    assert [e for e in ex.events if CRASH not in e["articles"] and RAISE not in e["articles"]] == \
        [e for e in serial.events if CRASH not in e["articles"] and RAISE not in e["articles"]]


def test_the_serial_warning_for_a_failing_extraction_is_the_same_line(monkeypatch, tmp_path):
    from geo.extract import _article
    monkeypatch.setattr(_article, "extract_candidates", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    (tmp_path / "a.txt").write_text("date 2024-03-02\nKherson was shelled.\n", encoding="utf-8")
    ex = extract_paths([tmp_path])
    assert ex.articles[0]["warnings"] == ["extraction failed (RuntimeError: boom); no events from this text"]


def test_in_flight_jobs_are_bounded_and_results_come_back_by_index(scheduler):
    read, finished, most = [], [], [0]

    def jobs():
        for i in range(300):
            read.append(i)
            most[0] = max(most[0], len(read) - len(finished))
            yield i, ArticleJob(name=f"{i}.txt", where=f"{i}.txt", data=f"Kherson was shelled {i} times.".encode())

    def done(i, res):
        finished.append(i)
        return True
    _parallel.run_jobs(jobs(), done, scheduler=scheduler)
    assert sorted(finished) == list(range(300))
    assert most[0] <= max(_parallel.MIN_WINDOW, 2 * _parallel.WINDOW_PER_THREAD) * _parallel.BATCH_ARTICLES
    assert most[0] < 300


def test_an_undecodable_file_is_the_same_error(scheduler, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("date 2024-03-02\nKherson was shelled.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Обстріл Херсона".encode("cp1251"))
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe\xfa broken too")
    lines = []
    for flags in ([], ["--scheduler", scheduler]):
        assert main(["extract", str(tmp_path), "-o", str(tmp_path / "o.csv"), "--encoding", "utf-8",
                     "--no-cache", *flags]) == 1
        lines.append(capsys.readouterr().err.strip().splitlines())
    assert lines[0] == lines[1] and lines[0][-1].startswith(f"error: {tmp_path / 'b.txt'}: not valid utf-8")


def test_a_worker_with_other_code_is_refused(scheduler, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(_parallel, "versions", lambda: ("other-extractor", "other-gazetteer"))
    assert main(["extract", str(FIX / "dev"), "-o", str(tmp_path / "o.csv"), "--no-cache",
                 "--scheduler", scheduler]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Dask worker runs another frontline-map" in err


def test_an_unreachable_scheduler_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(_parallel, "CONNECT_TIMEOUT", 1)
    assert main(["extract", str(FIX / "dev"), "-o", str(tmp_path / "o.csv"), "--no-cache",
                 "--scheduler", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: tcp://127.0.0.1:9: cannot reach the Dask scheduler")


def test_cli_workers_reaches_a_local_cluster_of_that_size(scheduler, monkeypatch, tmp_path, capsys):
    """--workers N asks for a LocalCluster of N (the module's cluster was started by that same code,
    _client(2, None)); here it is handed the module's cluster instead of starting a second one."""
    import contextlib

    from distributed import Client
    asked = []

    @contextlib.contextmanager
    def fake(workers, scheduler_address):
        asked.append((workers, scheduler_address))
        with Client(scheduler) as c:
            yield c
    monkeypatch.setattr(_parallel, "_client", fake)
    files = [str(p) for p in SIX[-2:]]
    assert main(["extract", *files, "-o", str(tmp_path / "o.csv"), "--workers", "2", "--cache", str(tmp_path / "c")]) == 0
    err = capsys.readouterr().err
    assert asked == [(2, None)]
    assert "note: re-extracted 2 of 2 articles (0 from cache) on 2 workers\n" in err and "Traceback" not in err
    assert main(["extract", *files, "-o", str(tmp_path / "s.csv"), "--no-cache"]) == 0
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "o.csv").read_bytes()


def test_python_m_geo_can_be_reimported_by_a_spawned_worker():
    """multiprocessing's spawn re-imports the parent's main module as __mp_main__: `python -m geo`
    must not run the CLI again there (it would start a cluster in every worker)."""
    import runpy
    runpy.run_module("geo", run_name="__mp_main__")     # returns: no SystemExit, no CLI run
