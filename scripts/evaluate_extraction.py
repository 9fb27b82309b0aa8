#!/usr/bin/env python3
"""Score the article → events extractor: on real text (realdev) first, on our own prose as regression.

Usage: scripts/evaluate_extraction.py [--split SPLIT|all] [--json] [--verbose] [--predictions FILE.json]
                                      [--min-recall R] [--min-precision P]
                                      [--check] [--write-floors] [--floors FILE.json]

Splits:
  realdev         ../shared/realdev/articles/*.txt (48 real news articles), scored by
                  ../shared/realdev/score.py (that scorer, run as it is: recall, precision, date, ...)
  realdev-short   ../shared/realdev/short/texts/*.txt (358 real analyst one-liners), scored by
                  ../shared/realdev/short/score.py (recall25 = placed within 25 km on the right day,
                  far_rate = share of events more than 100 km off)
  dev, heldout, … our own annotated prose in tests/fixtures/articles/ (regression only: written by us,
                  so it flatters the extractor), scored here (below)
  all             every split above, one summary table

The real splits run the extractor exactly as a user does: ``frontline-map extract PATHS -o CSV`` (the CLI
entry point, called in-process), then the shared scorer on that CSV. A split whose data is absent (no
../shared) is skipped with a note, never failed.

--check compares the scores with the floors in scripts/accuracy_floors.json (a floor per split and metric;
``max`` entries are ceilings) and exits 1 naming every metric past its floor. --write-floors runs the
splits and writes score − 0.03 (ceilings: score + 0.03) into that file.

Own-split matching is per article (a prediction belongs to every article listed in its ``articles``),
greedy, nearest first: a settlement reference matches a prediction within 10 km; a region reference
matches a prediction whose admin-1 unit is the same (the prediction's ``admin1`` name, or computed from
its coordinates with ``geo.regions.join_regions`` when empty). Each prediction matches at most one
reference. It is a report: exit 0, unless --check or --min-recall/--min-precision are given and not met.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo._errors import InputError  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
# ../shared (the project's read-only data beside the checkout); FRONTLINE_MAP_SHARED overrides it
SHARED = Path(os.environ.get("FRONTLINE_MAP_SHARED") or ROOT.parent / "shared") / "realdev"
FLOORS = ROOT / "scripts" / "accuracy_floors.json"
MARGIN = 0.03  # a floor is the measured score minus this (a ceiling: plus)
REAL_SPLITS = ("realdev", "realdev-short")
MAX_KM = 10.0
GOLD_COLUMNS = ("file", "place", "latitude", "longitude", "geo_precision", "admin1", "event_type",
                "event_date", "alt_dates", "date_precision", "weapon", "actor", "status", "note")
_GENERIC = {"oblast", "region", "city", "krai", "republic", "of", "the", "autonomous", "district"}


# ---------- reading the annotations (I/O edge) ----------

def _read_csv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError(str(path), "file not found")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            raise InputError(str(path), f"missing columns: {', '.join(missing)}", line=1)
        return [dict(r) for r in reader]


def load_split(split_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """articles, gold (coordinates as floats, alt_dates as a tuple) and traps of one split folder."""
    articles = _read_csv(split_dir / "articles.csv", ("file", "published", "url", "outlet"))
    gold = _read_csv(split_dir / "gold.csv", GOLD_COLUMNS)
    traps = _read_csv(split_dir / "traps.csv", ("file", "mention", "why"))
    files = {a["file"] for a in articles}
    for i, g in enumerate(gold, start=2):
        if g["file"] not in files:
            raise InputError(str(split_dir / "gold.csv"), f"unknown article {g['file']!r}", line=i, field="file")
        try:
            g["latitude"], g["longitude"] = float(g["latitude"]), float(g["longitude"])
        except ValueError:
            raise InputError(str(split_dir / "gold.csv"), "coordinates must be numbers", line=i,
                             field="latitude") from None
        if g["geo_precision"] not in ("settlement", "region"):
            raise InputError(str(split_dir / "gold.csv"), "geo_precision must be settlement|region",
                             line=i, field="geo_precision")
        g["alt_dates"] = tuple(d.strip() for d in g["alt_dates"].split(";") if d.strip())
    return {"articles": articles, "gold": gold, "traps": traps}


def split_dirs(split: str, root: Path = FIXTURES) -> list[Path]:
    """One split folder under ``root`` by name; ``all`` is every folder that has an articles.csv."""
    if split == "all":
        return sorted(d for d in root.iterdir() if (d / "articles.csv").is_file())
    if not (root / split / "articles.csv").is_file():
        raise InputError(str(root / split), "no such split (want a folder with articles.csv, or 'all')")
    return [root / split]


# ---------- pure matching and scoring ----------

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _coords(ev: Mapping[str, Any]) -> tuple[float, float] | None:
    try:
        lat, lon = float(ev.get("latitude")), float(ev.get("longitude"))
    except (TypeError, ValueError):
        return None
    return None if math.isnan(lat) or math.isnan(lon) else (lat, lon)


def date_ok(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Reference date or one of its alternatives; an undated reference wants an undated prediction."""
    got = str(pred.get("event_date") or "")[:10]
    want = str(gold.get("event_date") or "")
    if not want:
        return got == ""
    alts = gold.get("alt_dates") or ()
    if isinstance(alts, str):
        alts = tuple(a.strip() for a in alts.split(";") if a.strip())
    return got == want or got in alts


def _distance(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
    """Distance used for ranking, or None when the pair is not allowed to match."""
    pc = _coords(pred)
    gc = (float(gold["latitude"]), float(gold["longitude"]))
    if gold.get("geo_precision") == "region":
        if (pred.get("admin1") or "") != gold.get("admin1"):
            return None
        return haversine_km(*gc, *pc) if pc else 1e6
    if pc is None:
        return None
    d = haversine_km(*gc, *pc)
    return d if d <= MAX_KM else None


def match_article(gold: Sequence[Mapping[str, Any]], preds: Sequence[Mapping[str, Any]]
                  ) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching, nearest first: (gold index, prediction index, km).

    Settlement references are served before region references (the more specific claim wins a
    shared prediction); within 1 km, pairs that agree on type and then on date go first, so two
    incidents at one place pair with the right predictions.
    """
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            d = _distance(g, p)
            if d is None:
                continue
            region = g.get("geo_precision") == "region"
            pairs.append(((region, round(d), p.get("event_type") != g.get("event_type"),
                           not date_ok(g, p), d), gi, pi, d))
    pairs.sort(key=lambda t: t[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi, d in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi, d))
    return sorted(out)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.lower()))


def trap_hit(pred: Mapping[str, Any], traps: Iterable[Mapping[str, Any]]) -> str | None:
    """The trap mention a false positive came from: a word of its place name occurs in the mention,
    or the mention occurs in its evidence."""
    names = _words(str(pred.get("location_name") or "")) - _GENERIC
    evidence = " ".join(str(pred.get("evidence") or "").split()).lower()
    for t in traps:
        mention = str(t["mention"])
        if (names and names & _words(mention)) or (evidence and mention.lower() in evidence):
            return mention
    return None


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def _weapon_ok(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    gw, pw = str(g.get("weapon") or "").lower(), str(p.get("weapon") or "").lower()
    return bool(pw) and (gw in pw or pw in gw)


def score(gold: Sequence[Mapping[str, Any]], preds_by_file: Mapping[str, Sequence[Mapping[str, Any]]],
          traps: Sequence[Mapping[str, Any]], files: Sequence[str]) -> dict[str, Any]:
    """All metrics over the given articles; pure (no I/O)."""
    per_article = []
    n_gold = n_pred = n_match = 0
    dists: list[float] = []
    settle_gold = settle_match = 0
    right = {"date": 0, "date_precision": 0, "type": 0, "status": 0, "actor": 0}
    weapon_n = weapon_ok = 0
    trap_fps: list[dict[str, str]] = []
    for f in files:
        g = [r for r in gold if r["file"] == f]
        p = list(preds_by_file.get(f, ()))
        m = match_article(g, p)
        n_gold, n_pred, n_match = n_gold + len(g), n_pred + len(p), n_match + len(m)
        settle_gold += sum(r["geo_precision"] == "settlement" for r in g)
        for gi, pi, d in m:
            gr, pr = g[gi], p[pi]
            if gr["geo_precision"] == "settlement":
                settle_match += 1
                dists.append(d)
            right["date"] += date_ok(gr, pr)
            right["date_precision"] += ((gr.get("date_precision") == "day")
                                        == (pr.get("date_precision") == "day"))
            right["type"] += pr.get("event_type") == gr.get("event_type")
            right["status"] += pr.get("status") == gr.get("status")
            right["actor"] += (pr.get("actor") or "") == (gr.get("actor") or "")
            if gr.get("weapon"):
                weapon_n += 1
                weapon_ok += _weapon_ok(gr, pr)
        matched_p = {pi for _, pi, _ in m}
        matched_g = {gi for gi, _, _ in m}
        fps = [p[i] for i in range(len(p)) if i not in matched_p]
        ftraps = [t for t in traps if t["file"] == f]
        for fp in fps:
            hit = trap_hit(fp, ftraps)
            if hit:
                trap_fps.append({"file": f, "location_name": str(fp.get("location_name") or ""), "mention": hit})
        per_article.append({
            "file": f, "gold": len(g), "predicted": len(p), "matched": len(m),
            "missed": [g[i]["place"] for i in range(len(g)) if i not in matched_g],
            "false_positives": [str(x.get("location_name") or "?") for x in fps],
        })
    prec = n_match / n_pred if n_pred else 0.0
    rec = n_match / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "articles": len(files), "gold": n_gold, "predicted": n_pred, "matched": n_match,
        "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3),
        "settlement_gold": settle_gold, "settlement_matched_10km_pct": _pct(settle_match, settle_gold),
        "median_km": round(statistics.median(dists), 2) if dists else None,
        "within_2km_pct": _pct(sum(d <= 2 for d in dists), len(dists)),
        "date_right_pct": _pct(right["date"], n_match),
        "date_precision_right_pct": _pct(right["date_precision"], n_match),
        "type_right_pct": _pct(right["type"], n_match),
        "status_right_pct": _pct(right["status"], n_match),
        "actor_right_pct": _pct(right["actor"], n_match),
        "weapon_right_pct": _pct(weapon_ok, weapon_n),
        "trap_false_positives": trap_fps,
        "per_article": per_article,
    }


def group_by_article(events: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """file name → predictions; an event merged from several articles counts in each of them."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for ev in events:
        arts = ev.get("articles") or ([ev["source"]] if ev.get("source") else [])
        for a in dict.fromkeys(Path(str(a)).name for a in arts):
            out.setdefault(a, []).append(ev)
    return out


# ---------- running the extractor (I/O edge) ----------

def fill_admin1(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Compute admin1 from coordinates for predictions that left it empty."""
    todo = [i for i, e in enumerate(events) if not e.get("admin1") and _coords(e)]
    if not todo:
        return events
    import pandas as pd

    from geo.regions import join_regions
    df = pd.DataFrame({"latitude": [float(events[i]["latitude"]) for i in todo],
                       "longitude": [float(events[i]["longitude"]) for i in todo]})
    names = join_regions(df)["admin1"].tolist()
    out = [dict(e) for e in events]
    for i, name in zip(todo, names):
        out[i]["admin1"] = name or ""
    return out


def run_extractor(split_dir: Path) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Run geo.extract.extract_paths on one split; timings exclude gazetteer/regions loading."""
    from geo.extract import extract_paths
    from geo.gazetteer import load_gazetteer
    timing: dict[str, float] = {}
    t = time.perf_counter()
    load_gazetteer()
    timing["gazetteer_load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    try:
        from geo.regions import load_regions
        load_regions()
    except ImportError:
        pass
    timing["regions_load_s"] = time.perf_counter() - t
    table = split_dir / "articles.csv"
    files = [split_dir / r["file"] for r in _read_csv(table, ("file",))]
    t = time.perf_counter()
    res = extract_paths(files, articles_table=table)
    timing["extract_s"] = time.perf_counter() - t
    return [dict(e) for e in res.events], timing


def format_report(rep: Mapping[str, Any], verbose: bool = False) -> str:
    def pc(v: Any) -> str:
        return "n/a" if v is None else f"{v}%"
    lines = [
        f"split {rep['split']}: {rep['articles']} articles",
        f"events  gold {rep['gold']}  predicted {rep['predicted']}  matched {rep['matched']}",
        f"precision {rep['precision']:.3f}  recall {rep['recall']:.3f}  F1 {rep['f1']:.3f}",
        f"settlement refs matched within {MAX_KM:g} km: {pc(rep['settlement_matched_10km_pct'])} "
        f"of {rep['settlement_gold']}; median {rep['median_km']} km; within 2 km {pc(rep['within_2km_pct'])}",
        f"of matched: dates right {pc(rep['date_right_pct'])}  date precision right "
        f"{pc(rep['date_precision_right_pct'])}  types right {pc(rep['type_right_pct'])}  "
        f"claimed/reported right {pc(rep['status_right_pct'])}  actor right {pc(rep['actor_right_pct'])}  "
        f"weapon right {pc(rep['weapon_right_pct'])}",
        f"false positives on trap mentions: {len(rep['trap_false_positives'])}",
    ]
    lines += [f"  {t['file']}: {t['location_name']} <- {t['mention']!r}" for t in rep["trap_false_positives"]]
    tm = rep.get("timing") or {}
    if tm:
        aps = rep["articles"] / tm["extract_s"] if tm.get("extract_s") else float("nan")
        lines.append(f"gazetteer load {tm['gazetteer_load_s']:.2f} s, regions load {tm['regions_load_s']:.2f} s, "
                     f"extract {tm['extract_s']:.2f} s = {aps:.1f} articles/s")
    if verbose:
        lines.append(f"{'file':45} gold pred match  missed | false positives")
        for a in rep["per_article"]:
            lines.append(f"{a['file']:45} {a['gold']:4} {a['predicted']:4} {a['matched']:5}  "
                         f"{', '.join(a['missed']) or '-'} | {', '.join(a['false_positives']) or '-'}")
    return "\n".join(lines)


def evaluate(split: str, predictions: Path | None = None, root: Path = FIXTURES) -> dict[str, Any]:
    """Load the split(s), get predictions (saved JSON or a live extractor run), score."""
    gold: list[dict[str, Any]] = []
    traps: list[dict[str, Any]] = []
    files: list[str] = []
    events: list[dict[str, Any]] = []
    timing = {"gazetteer_load_s": 0.0, "regions_load_s": 0.0, "extract_s": 0.0}
    saved = None
    if predictions is not None:
        try:
            saved = json.loads(Path(predictions).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(str(predictions), f"cannot read predictions: {e}") from None
        saved = saved.get("events", saved) if isinstance(saved, dict) else saved
    for d in split_dirs(split, root):
        s = load_split(d)
        gold += s["gold"]
        traps += s["traps"]
        files += [a["file"] for a in s["articles"]]
        if saved is None:
            evs, tm = run_extractor(d)
            events += evs
            timing["gazetteer_load_s"] = max(timing["gazetteer_load_s"], tm["gazetteer_load_s"])
            timing["regions_load_s"] = max(timing["regions_load_s"], tm["regions_load_s"])
            timing["extract_s"] += tm["extract_s"]
    if saved is not None:
        events = [dict(e) for e in saved]
    rep = score(gold, group_by_article(fill_admin1(events)), traps, files)
    rep["split"] = split
    rep["unique_predicted"] = len(events)
    if saved is None:
        rep["timing"] = {k: round(v, 3) for k, v in timing.items()}
    return rep


# ---------- real text: our CLI, then the shared scorers, unchanged (I/O edge) ----------

def real_split_paths(split: str, shared: Path = SHARED) -> dict[str, Any] | None:
    """Texts, scorer and scorer arguments of a real split; None when its data is absent."""
    if split == "realdev":
        texts, scorer, args = shared / "articles", shared / "score.py", []
    elif split == "realdev-short":
        texts, scorer = shared / "short" / "texts", shared / "short" / "score.py"
        args = [str(shared / "short" / "truth.csv")]
    else:
        raise InputError(split, "not a real split (want realdev or realdev-short)")
    files = sorted(texts.glob("*.txt")) if texts.is_dir() else []
    if not files or not scorer.is_file():
        return None
    return {"texts": files, "scorer": scorer, "args": args}


def run_cli_extract(paths: Sequence[Path], out_csv: Path) -> tuple[float, str]:
    """``frontline-map extract PATHS -o OUT_CSV`` in-process (the user's entry point and output format);
    returns (seconds, the CLI's stderr). Raises RuntimeError when the CLI fails."""
    from geo.cli import main as cli_main
    err, out = io.StringIO(), io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli_main(["extract", *map(str, paths), "-o", str(out_csv)])
        except SystemExit as e:  # argparse
            rc = e.code
    dt = time.perf_counter() - t
    if rc not in (0, None):
        raise RuntimeError(f"frontline-map extract exited {rc}: {err.getvalue().strip()[-2000:]}")
    return dt, err.getvalue()


def run_scorer(scorer: Path, args: Sequence[str], pred_csv: Path, verbose: bool = False) -> dict[str, Any]:
    """The shared scorer as its README says to run it; its first output line is a JSON object."""
    cmd = [sys.executable, str(scorer), *args, str(pred_csv)] + (["--verbose"] if verbose and not args else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{scorer} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"{scorer} printed no JSON line: {p.stdout[:500]!r}")
    rep = json.loads(line)
    if verbose:
        rep["scorer_output"] = (p.stdout + p.stderr).strip()
    return rep


def evaluate_real(split: str, shared: Path = SHARED, verbose: bool = False) -> dict[str, Any] | None:
    """Extract with the CLI into a temporary CSV, score it with the split's own scorer; None if absent."""
    paths = real_split_paths(split, shared)
    if paths is None:
        return None
    with tempfile.TemporaryDirectory(prefix="frontline_eval_") as tmp:
        pred = Path(tmp) / "events.csv"
        dt, cli_err = run_cli_extract(paths["texts"], pred)
        rep = run_scorer(paths["scorer"], paths["args"], pred, verbose)
    rep.update(split=split, articles=len(paths["texts"]),
               timing={"extract_s": round(dt, 3)}, cli_warnings=cli_err.count("warning:"))
    return rep


# ---------- one summary per split, floors (pure) ----------

def summary(rep: Mapping[str, Any]) -> dict[str, float]:
    """The gated metrics of a split's report, as fractions: realdev recall/precision/date,
    realdev-short recall25/far_rate, own splits precision/recall/date."""
    if rep["split"] == "realdev":
        return {k: float(rep[k]) for k in ("recall", "precision", "date")}
    if rep["split"] == "realdev-short":
        return {k: float(rep[k]) for k in ("recall25", "far_rate")}
    date = rep.get("date_right_pct")
    return {"precision": float(rep["precision"]), "recall": float(rep["recall"]),
            "date": round(date / 100.0, 3) if date is not None else 0.0}


CEILINGS = {"far_rate"}  # lower is better: floors for these are ceilings ("max")


def floors_from(scores: Mapping[str, Mapping[str, float]], old: Mapping[str, Any] | None = None,
                margin: float = MARGIN) -> dict[str, Any]:
    """New floors from measured scores: score − margin (ceilings: + margin), clipped to [0, 1];
    splits not measured keep their old floors."""
    out = {k: v for k, v in (old or {}).items() if not k.startswith("_")}
    for split, metrics in scores.items():
        out[split] = {m: ({"max": round(min(1.0, v + margin), 3)} if m in CEILINGS
                          else {"min": round(max(0.0, v - margin), 3)}) for m, v in sorted(metrics.items())}
    return {"_about": f"accuracy floors: measured score - {margin} (max: ceiling, score + {margin}); "
                      "checked by scripts/evaluate_extraction.py --check, regenerated by --write-floors",
            **dict(sorted(out.items()))}


def dump_floors(floors: Mapping[str, Any]) -> str:
    """The floors file's text: one line per split, so a diff shows which floors moved."""
    return "{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in floors.items()) + "\n}\n"


def check_floors(scores: Mapping[str, Mapping[str, float]], floors: Mapping[str, Any]) -> list[str]:
    """Every metric past its floor (or missing from a split that ran), as one message each.
    Splits absent from ``scores`` (data not available) are not checked."""
    bad = []
    for split, metrics in floors.items():
        if split.startswith("_") or split not in scores:
            continue
        for m, lim in metrics.items():
            v = scores[split].get(m)
            if v is None:
                bad.append(f"{split} {m}: not measured (floor {lim})")
            elif "min" in lim and v < lim["min"]:
                bad.append(f"{split} {m} {v:.3f} is below its floor {lim['min']:.3f}")
            elif "max" in lim and v > lim["max"]:
                bad.append(f"{split} {m} {v:.3f} is above its ceiling {lim['max']:.3f}")
    return bad


def read_floors(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot read floors: {e.strerror}") from None
    except ValueError as e:
        raise InputError(str(path), f"not JSON: {e}") from None
    for split, metrics in data.items():
        if split.startswith("_"):
            continue
        if not isinstance(metrics, dict) or not all(
                isinstance(v, dict) and set(v) <= {"min", "max"} and v and
                all(isinstance(x, (int, float)) for x in v.values()) for v in metrics.values()):
            raise InputError(str(path), f"split {split!r}: want {{metric: {{\"min\"|\"max\": number}}}}",
                             field=split)
    return data


def format_summary(reports: Mapping[str, Mapping[str, Any] | None], floors: Mapping[str, Any] | None = None
                   ) -> str:
    """One table: a row per split (real text first), the gated metrics, time; skipped splits noted."""
    cols = [("recall", "recall"), ("precision", "precision"), ("date", "date"),
            ("recall25", "recall@25km"), ("far_rate", "far>100km")]
    head = f"{'split':15} {'texts':>5}  " + "  ".join(f"{c[1]:>11}" for c in cols) + f"  {'extract':>8}  note"
    lines = [head, "-" * len(head)]
    for split, rep in reports.items():
        if rep is None:
            lines.append(f"{split:15} {'-':>5}  skipped: data absent (../shared/realdev not found)")
            continue
        sm = summary(rep)
        cells = []
        for key, _ in cols:
            v = sm.get(key)
            lim = ((floors or {}).get(split) or {}).get(key) or {}
            mark = ""
            if v is not None and lim:
                mark = "!" if ("min" in lim and v < lim["min"]) or ("max" in lim and v > lim["max"]) else " "
            cells.append(f"{'':>11}" if v is None else f"{v:>10.3f}{mark or ' '}")
        tm = (rep.get("timing") or {}).get("extract_s")
        kind = "real text" if split in REAL_SPLITS else "own prose (regression only)"
        lines.append(f"{split:15} {rep.get('articles', 0):>5}  " + "  ".join(cells)
                     + f"  {'' if tm is None else f'{tm:7.1f}s'}  {kind}")
    if floors:
        lines.append("'!' = past its floor in the floors file")
    return "\n".join(lines)


def own_splits(root: Path = FIXTURES) -> list[str]:
    return [d.name for d in split_dirs("all", root)]


def run_split(split: str, args: argparse.Namespace) -> dict[str, Any] | None:
    if split in REAL_SPLITS:
        return evaluate_real(split, args.shared, args.verbose)
    return evaluate(split, args.predictions, args.fixtures)


def format_real(rep: Mapping[str, Any]) -> str:
    keys = [k for k, v in rep.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
            and k not in ("articles", "cli_warnings")]
    lines = [f"split {rep['split']}: {rep['articles']} real texts, scored by the shared scorer",
             "  ".join(f"{k} {rep[k]}" for k in keys)]
    tm = (rep.get("timing") or {}).get("extract_s")
    if tm:
        lines.append(f"extract (CLI, incl. gazetteer load) {tm:.2f} s = {rep['articles'] / tm:.1f} texts/s; "
                     f"{rep.get('cli_warnings', 0)} CLI warnings")
    if rep.get("scorer_output"):
        lines.append(rep["scorer_output"])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--split", help="realdev, realdev-short, a folder under tests/fixtures/articles/ (dev, "
                    "heldout, ...) or 'all' (every split, one table); default dev, or all with --check/--write-floors")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--verbose", action="store_true", help="per-article table / the scorer's misses")
    ap.add_argument("--predictions", type=Path, help="score saved events (JSON list or {'events': [...]}); "
                    "own splits only")
    ap.add_argument("--fixtures", type=Path, default=FIXTURES, help=argparse.SUPPRESS)
    ap.add_argument("--shared", type=Path, default=SHARED, help=argparse.SUPPRESS)
    ap.add_argument("--floors", type=Path, default=FLOORS, help="floors file (default scripts/accuracy_floors.json)")
    ap.add_argument("--check", action="store_true", help="exit 1 naming every metric past its floor")
    ap.add_argument("--write-floors", action="store_true", help=f"write score - {MARGIN} (ceilings + {MARGIN}) "
                    "as the new floors")
    ap.add_argument("--min-recall", type=float)
    ap.add_argument("--min-precision", type=float)
    args = ap.parse_args(argv)
    split = args.split or ("all" if args.check or args.write_floors else "dev")
    gated = args.min_recall is not None or args.min_precision is not None or args.check
    try:
        floors = read_floors(args.floors) if args.check else None
        if split in REAL_SPLITS and args.predictions:
            raise InputError(str(args.predictions), "--predictions scores own splits only")
        names = (list(REAL_SPLITS) + own_splits(args.fixtures)) if split == "all" else [split]
        if args.check and split == "all":  # also every split the floors name (a vanished split is a failure)
            names += [k for k in floors if not k.startswith("_") and k not in names]
        reports = {}
        for name in names:
            reports[name] = run_split(name, args)
            if reports[name] is None:
                print(f"note: split {name} skipped: its data is absent ({args.shared} not found)", file=sys.stderr)
    except ImportError as e:
        print(f"extractor not available: {e}", file=sys.stderr)
        return 1 if gated else 0
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception:  # the extractor or a scorer crashed: show where, still a report
        traceback.print_exc()
        print("extractor or scorer failed (traceback above)", file=sys.stderr)
        return 1 if gated else 0
    if args.json:
        print(json.dumps(reports if len(reports) > 1 else reports[names[0]], indent=1, ensure_ascii=False))
    elif len(reports) > 1:
        print(format_summary(reports, floors))
    elif reports[names[0]] is not None:
        rep = reports[names[0]]
        print(format_real(rep) if names[0] in REAL_SPLITS else format_report(rep, args.verbose))
    scores = {k: summary(r) for k, r in reports.items() if r is not None}
    rc = 0
    if args.write_floors:
        old = json.loads(args.floors.read_text(encoding="utf-8")) if args.floors.is_file() else None
        from geo import _io
        _io.write_text(args.floors, dump_floors(floors_from(scores, old)))
        print(f"floors written to {args.floors} (score - {MARGIN}, ceilings + {MARGIN})")
    if args.check:
        bad = check_floors(scores, floors)
        for b in bad:
            print(f"accuracy floor: {b}", file=sys.stderr)
        skipped = [k for k, r in reports.items() if r is None]
        print(f"accuracy check: {'FAILED, ' + str(len(bad)) + ' metric(s)' if bad else 'ok'} "
              f"({len(scores)} split(s) checked" + (f", skipped for absent data: {', '.join(skipped)}" if skipped
                                                     else "") + ")", file=sys.stderr)
        rc = 1 if bad else 0
    rep = reports[names[0]] if len(reports) == 1 else None
    if rep is not None and split not in REAL_SPLITS and (args.min_recall is not None or args.min_precision is not None):
        low = ((args.min_recall is not None and rep["recall"] < args.min_recall)
               or (args.min_precision is not None and rep["precision"] < args.min_precision))
        if low:
            print(f"below threshold: recall {rep['recall']:.3f}, precision {rep['precision']:.3f}", file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
