"""The extraction scorer itself, on tiny synthetic references and predictions (no extractor needed)."""
from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("evaluate_extraction", ROOT / "scripts" / "evaluate_extraction.py")
ev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ev)

KHERSON = (46.63695, 32.61458)
SPLITS = ("dev", "heldout", "heldout2", "heldout3", "heldout4")  # shipped annotated splits under tests/fixtures/articles/


def gold(place="Kherson", lat=KHERSON[0], lon=KHERSON[1], prec="settlement", admin1="Kherson Oblast",
         date="2024-03-01", alt=(), typ="strike", status="reported", file="a.txt", dprec="day"):
    return {"file": file, "place": place, "latitude": lat, "longitude": lon, "geo_precision": prec,
            "admin1": admin1, "event_type": typ, "event_date": date, "alt_dates": tuple(alt),
            "date_precision": dprec, "weapon": "", "actor": "RU", "status": status, "note": ""}


def pred(name="Kherson", lat=KHERSON[0], lon=KHERSON[1], admin1="Kherson Oblast", date="2024-03-01",
         typ="strike", status="reported", articles=("a.txt",), dprec="day"):
    return {"location_name": name, "latitude": lat, "longitude": lon, "admin1": admin1, "event_date": date,
            "date_precision": dprec, "event_type": typ, "weapon": "", "actor": "RU", "status": status,
            "evidence": "", "source": "", "articles": list(articles)}


def north(km: float) -> float:
    """Latitude of a point `km` north of Kherson."""
    return KHERSON[0] + km / 111.195


def test_haversine_known_distance():
    # Kyiv–Kharkiv is about 410 km great-circle
    assert ev.haversine_km(50.4547, 30.5238, 49.9818, 36.2548) == pytest.approx(411, abs=3)


@pytest.mark.parametrize("km,matches", [(0.0, True), (9.8, True), (10.3, False), (50.0, False)])
def test_settlement_matches_only_within_10_km(km, matches):
    m = ev.match_article([gold()], [pred(lat=north(km))])
    assert (len(m) == 1) is matches
    if matches:
        assert m[0][2] == pytest.approx(km, abs=0.05)


def test_prediction_without_coordinates_never_matches_a_settlement():
    assert ev.match_article([gold()], [pred(lat=None, lon=None)]) == []


def test_region_reference_matches_any_prediction_in_same_admin1_only():
    g = [gold(place="Poltava Oblast", lat=49.6, lon=33.9, prec="region", admin1="Poltava Oblast")]
    far_same = pred(name="Kremenchuk", lat=49.06, lon=33.40, admin1="Poltava Oblast")  # ~65 km away
    near_other = pred(name="X", lat=49.6, lon=33.9, admin1="Kharkiv Oblast")
    assert ev.match_article(g, [near_other]) == []
    assert [(gi, pi) for gi, pi, _ in ev.match_article(g, [near_other, far_same])] == [(0, 1)]


def test_one_prediction_matches_only_one_reference():
    g = [gold(place="Kherson"), gold(place="Antonivka", lat=46.67666, lon=32.73061)]  # ~9.6 km apart
    m = ev.match_article(g, [pred()])
    assert len(m) == 1 and m[0][:2] == (0, 0)  # the nearer reference wins


def test_greedy_nearest_first_not_input_order():
    g = [gold(place="A", lat=north(0)), gold(place="B", lat=north(6))]
    p = [pred(lat=north(5)), pred(lat=north(0.5))]  # p0 is near B, p1 is near A
    assert [(gi, pi) for gi, pi, _ in ev.match_article(g, p)] == [(0, 1), (1, 0)]


def test_settlement_reference_takes_precedence_over_region_reference():
    g = [gold(place="Kherson Oblast", lat=46.7, lon=33.5, prec="region"), gold()]
    m = ev.match_article(g, [pred()])
    assert [(gi, pi) for gi, pi, _ in m] == [(1, 0)]


def test_two_incidents_at_one_place_pair_by_type():
    g = [gold(typ="attack"), gold(typ="strike")]
    p = [pred(typ="strike"), pred(typ="attack")]
    assert [(gi, pi) for gi, pi, _ in ev.match_article(g, p)] == [(0, 1), (1, 0)]


@pytest.mark.parametrize("got,ok", [("2024-03-01", True), ("2024-03-02", True), ("2024-03-02T00:00", True),
                                    ("2024-02-28", False), ("", False)])
def test_date_with_alternatives(got, ok):
    assert ev.date_ok(gold(alt=("2024-03-02",)), {"event_date": got}) is ok


def test_alternatives_given_as_text_and_undated_reference():
    assert ev.date_ok({"event_date": "2024-03-01", "alt_dates": "2024-02-28;2024-02-29"}, {"event_date": "2024-02-29"})
    assert ev.date_ok(gold(date=""), {"event_date": ""})
    assert not ev.date_ok(gold(date=""), {"event_date": "2024-03-01"})


def test_score_counts_and_attribute_rates():
    g = [gold(), gold(place="Beryslav", lat=46.83851, lon=33.42664, date="2024-02-29"),
         gold(place="Odesa", lat=46.4857, lon=30.7438, file="b.txt", status="claimed")]
    by_file = {"a.txt": [pred(date="2024-03-01"), pred(name="Beryslav", lat=46.84, lon=33.43, date="2024-03-01",
                                                      typ="attack")],
               "b.txt": [pred(name="Odesa", lat=46.4857, lon=30.7438, status="reported"),
                         pred(name="Kyiv", lat=50.45, lon=30.52)]}
    r = ev.score(g, by_file, [{"file": "b.txt", "mention": "Kyiv did not comment", "why": "metonym"}],
                 ["a.txt", "b.txt"])
    assert (r["gold"], r["predicted"], r["matched"]) == (3, 4, 3)
    assert r["precision"] == 0.75 and r["recall"] == 1.0 and r["f1"] == pytest.approx(0.857, abs=1e-3)
    assert r["date_right_pct"] == pytest.approx(66.7) and r["type_right_pct"] == pytest.approx(66.7)
    assert r["status_right_pct"] == pytest.approx(66.7)
    assert r["trap_false_positives"] == [{"file": "b.txt", "location_name": "Kyiv", "mention": "Kyiv did not comment"}]
    assert r["per_article"][1]["false_positives"] == ["Kyiv"]


def test_trap_hit_uses_whole_words_not_substrings():
    traps = [{"file": "a", "mention": "Air raid sirens sounded in Kyiv", "why": "sirens"}]
    assert ev.trap_hit(pred(name="Kyiv City"), traps) == traps[0]["mention"]
    assert ev.trap_hit(pred(name="Kyivskyi"), traps) is None


def test_merged_event_counts_in_every_listed_article():
    e = pred(articles=("dir/a.txt", "b.txt"))
    assert set(ev.group_by_article([e])) == {"a.txt", "b.txt"}


def _write_split(d: Path, gold_rows, files=("a.txt",)):
    d.mkdir(parents=True)
    with open(d / "articles.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "published", "url", "outlet"])
        w.writerows([[f, "2024-03-02", "", ""] for f in files])
    with open(d / "gold.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, ev.GOLD_COLUMNS)
        w.writeheader()
        w.writerows([{**r, "alt_dates": ";".join(r["alt_dates"])} for r in gold_rows])
    (d / "traps.csv").write_text("file,mention,why\n")


def test_cli_with_saved_predictions_and_thresholds(tmp_path, capsys):
    _write_split(tmp_path / "dev", [gold(), gold(place="Odesa", lat=46.4857, lon=30.7438)])
    preds = tmp_path / "p.json"
    preds.write_text(json.dumps([pred()]))
    args = ["--fixtures", str(tmp_path), "--predictions", str(preds)]
    assert ev.main(args + ["--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert (rep["matched"], rep["recall"], rep["precision"]) == (1, 0.5, 1.0)
    assert ev.main(args + ["--min-recall", "0.6"]) == 1
    assert ev.main(args + ["--min-recall", "0.5", "--min-precision", "1.0", "--verbose"]) == 0
    assert "a.txt" in capsys.readouterr().out


def test_bad_gold_file_is_a_one_line_error(tmp_path, capsys):
    _write_split(tmp_path / "dev", [gold(lat="north")])
    assert ev.main(["--fixtures", str(tmp_path), "--predictions", str(tmp_path / "none.json")]) == 2
    assert ev.main(["--fixtures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "gold.csv:2: field 'latitude'" in err


def test_split_names_are_folders_and_all_takes_every_split(tmp_path, capsys):
    assert [d.name for d in ev.split_dirs("all")] == sorted(SPLITS)
    assert ev.split_dirs("heldout2") == [ev.FIXTURES / "heldout2"]
    _write_split(tmp_path / "mine", [gold()])
    assert ev.split_dirs("all", tmp_path) == [tmp_path / "mine"]
    assert ev.main(["--fixtures", str(tmp_path), "--split", "nope"]) == 2
    assert "no such split" in capsys.readouterr().err


def test_fixture_set_is_complete_and_consistent():
    """The shipped annotations load, have the promised size, and every trap quotes its article."""
    total = 0
    for split in SPLITS:
        d = ev.FIXTURES / split
        s = ev.load_split(d)
        total += len(s["gold"])
        for a in s["articles"]:
            words = len((d / a["file"]).read_text(encoding="utf-8").split())
            assert 80 <= words <= 400, a["file"]
        for t in s["traps"]:
            assert t["mention"] in (d / t["file"]).read_text(encoding="utf-8"), t
    assert total >= 100


def _as_prediction(g: dict) -> dict:
    return {"location_name": g["place"], "latitude": g["latitude"], "longitude": g["longitude"], "admin1": "",
            "geo_precision": g["geo_precision"], "event_date": g["event_date"],
            "date_precision": g["date_precision"], "event_type": g["event_type"], "weapon": g["weapon"],
            "actor": g["actor"], "status": g["status"], "evidence": "", "source": "", "articles": [g["file"]]}


def test_gold_as_predictions_scores_perfectly_and_coordinates_agree_with_admin1():
    """A perfect extractor must score 1.0; admin1 is recomputed from the gold coordinates, so a
    reference whose coordinates lie outside its stated admin-1 unit would fail here."""
    pytest.importorskip("geo.regions")
    for split in SPLITS:
        s = ev.load_split(ev.FIXTURES / split)
        preds = ev.fill_admin1([_as_prediction(g) for g in s["gold"]])
        assert [p["admin1"] for p in preds] == [g["admin1"] for g in s["gold"]]
        r = ev.score(s["gold"], ev.group_by_article(preds), s["traps"], [a["file"] for a in s["articles"]])
        assert (r["precision"], r["recall"], r["date_right_pct"], r["type_right_pct"]) == (1.0, 1.0, 100.0, 100.0)
        shifted = [{**p, "latitude": p["latitude"] + 5.0} for p in preds if p["geo_precision"] == "settlement"]
        r2 = ev.score(s["gold"], ev.group_by_article(shifted), s["traps"], [a["file"] for a in s["articles"]])
        assert r2["settlement_matched_10km_pct"] == 0.0


# ---------- accuracy floors (the .ci/run gate), on synthetic scores ----------

FLOORS = {"_about": "x", "realdev": {"recall": {"min": 0.56}, "precision": {"min": 0.79}},
          "realdev-short": {"recall25": {"min": 0.47}, "far_rate": {"max": 0.12}},
          "dev": {"recall": {"min": 0.9}}}


def test_floor_check_passes_at_and_above_floors():
    scores = {"realdev": {"recall": 0.56, "precision": 0.9}, "realdev-short": {"recall25": 0.5, "far_rate": 0.12},
              "dev": {"recall": 0.95, "date": 0.1}}  # an ungated metric may be anything
    assert ev.check_floors(scores, FLOORS) == []


def test_floor_check_names_every_metric_below_its_floor_or_above_its_ceiling():
    scores = {"realdev": {"recall": 0.559, "precision": 0.5}, "realdev-short": {"recall25": 0.6, "far_rate": 0.13},
              "dev": {"recall": 0.95}}
    bad = ev.check_floors(scores, FLOORS)
    assert len(bad) == 3
    assert any(b.startswith("realdev recall 0.559 is below its floor 0.560") for b in bad)
    assert any(b.startswith("realdev precision 0.500 is below") for b in bad)
    assert any(b.startswith("realdev-short far_rate 0.130 is above its ceiling 0.120") for b in bad)


def test_floor_check_skips_absent_splits_but_fails_a_vanished_metric():
    assert ev.check_floors({"dev": {"recall": 0.95}}, FLOORS) == []  # real splits absent: not checked
    assert ev.check_floors({"dev": {"precision": 1.0}}, FLOORS) == ["dev recall: not measured (floor {'min': 0.9})"]


def test_floors_from_scores_subtracts_the_margin_and_adds_it_to_ceilings():
    fl = ev.floors_from({"realdev-short": {"recall25": 0.497, "far_rate": 0.09}, "dev": {"recall": 0.01}},
                        old={"_about": "old", "heldout": {"recall": {"min": 0.5}}})
    assert fl["realdev-short"] == {"far_rate": {"max": 0.12}, "recall25": {"min": 0.467}}
    assert fl["dev"] == {"recall": {"min": 0.0}}  # clipped to [0, 1]
    assert fl["heldout"] == {"recall": {"min": 0.5}}  # a split not measured keeps its floors
    # scores exactly at a freshly written floor pass; a drop of more than the margin fails
    assert ev.check_floors({"realdev-short": {"recall25": 0.497, "far_rate": 0.09}}, fl) == []
    assert len(ev.check_floors({"realdev-short": {"recall25": 0.46, "far_rate": 0.121}}, fl)) == 2


def test_summary_maps_each_kind_of_report_to_its_gated_metrics():
    assert ev.summary({"split": "realdev", "recall": 0.5, "precision": 0.8, "date": 0.9, "type": 0.7}) == \
        {"recall": 0.5, "precision": 0.8, "date": 0.9}
    assert ev.summary({"split": "realdev-short", "recall25": 0.4, "far_rate": 0.1, "recall10": 0.3}) == \
        {"recall25": 0.4, "far_rate": 0.1}
    assert ev.summary({"split": "dev", "recall": 1.0, "precision": 0.5, "date_right_pct": 97.5}) == \
        {"precision": 0.5, "recall": 1.0, "date": 0.975}


def test_committed_floors_file_is_valid_and_covers_every_split():
    fl = ev.read_floors(ev.FLOORS)
    assert set(k for k in fl if not k.startswith("_")) == set(ev.REAL_SPLITS) | set(SPLITS)
    assert set(fl["realdev"]) == {"recall", "precision", "date"}
    assert fl["realdev-short"]["far_rate"].keys() == {"max"} and fl["realdev-short"]["recall25"].keys() == {"min"}
    for split in SPLITS:
        assert set(fl[split]) == {"precision", "recall", "date"}


def test_bad_floors_file_is_a_one_line_error(tmp_path, capsys):
    bad = tmp_path / "floors.json"
    bad.write_text('{"dev": {"recall": 0.9}}')
    assert ev.main(["--check", "--floors", str(bad)]) == 2
    assert "floors.json" in capsys.readouterr().err


def test_check_exits_nonzero_below_floor_and_zero_at_it(tmp_path, capsys):
    _write_split(tmp_path / "dev", [gold(), gold(place="Odesa", lat=46.4857, lon=30.7438)])
    preds = tmp_path / "p.json"
    preds.write_text(json.dumps([pred()]))  # recall 0.5, precision 1.0, date 1.0
    floors = tmp_path / "floors.json"
    args = ["--fixtures", str(tmp_path), "--predictions", str(preds), "--split", "dev", "--floors", str(floors)]
    floors.write_text(json.dumps({"dev": {"recall": {"min": 0.6}, "precision": {"min": 0.9}}}))
    assert ev.main(args + ["--check"]) == 1
    assert "dev recall 0.500 is below its floor 0.600" in capsys.readouterr().err
    floors.write_text(json.dumps({"dev": {"recall": {"min": 0.5}, "precision": {"min": 1.0}}}))
    assert ev.main(args + ["--check"]) == 0
    assert ev.main(args + ["--write-floors"]) == 0
    assert json.loads(floors.read_text())["dev"] == {"date": {"min": 0.97}, "precision": {"min": 0.97},
                                                     "recall": {"min": 0.47}}


def test_real_splits_are_skipped_with_a_note_when_shared_data_is_absent(tmp_path, capsys):
    assert ev.real_split_paths("realdev", tmp_path) is None
    assert ev.main(["--split", "realdev-short", "--shared", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().err


FAKE_SCORER = """import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[-1], encoding="utf-8")))
assert {"event_date", "latitude", "longitude", "location_name", "source"} <= set(rows[0]), rows[0].keys()
print(json.dumps({"recall": round(len(rows) / 10, 3), "precision": 1.0, "date": 0.5,
                  "args": len(sys.argv) - 1, "places": sorted({r["location_name"] for r in rows})}))
"""


def test_real_split_runs_the_cli_and_calls_the_shared_scorer_on_its_csv(tmp_path, capsys):
    """A stand-in ../shared/realdev (our own sentence, a scorer that reads the CLI's CSV): the split runs
    `frontline-map extract -o`, hands the CSV to the scorer and gates on what the scorer printed."""
    pytest.importorskip("geo.extract")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "101.txt").write_text(
        "date 2024-03-02\n\nRussian artillery shelled Kherson on Friday, the regional governor said.\n")
    (tmp_path / "score.py").write_text(FAKE_SCORER)
    rep = ev.evaluate_real("realdev", tmp_path)
    assert rep["articles"] == 1 and rep["args"] == 1 and "Kherson" in rep["places"]
    assert ev.summary(rep) == {"recall": rep["recall"], "precision": 1.0, "date": 0.5}
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"realdev": {"date": {"min": 0.6}}}))
    assert ev.main(["--split", "realdev", "--shared", str(tmp_path), "--check", "--floors", str(floors)]) == 1
    assert "realdev date 0.500 is below its floor 0.600" in capsys.readouterr().err
