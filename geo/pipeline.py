"""The whole job: read/extract → geocode → corrections → join regions → write map and data.

Counts are kept so that every input row is accounted for: rows in = events + rejects.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import pandas as pd

from geo import _io, _outputs
from geo import dates as _dates
from geo._errors import InputError
from geo.events import EventTable
from geo.read import TABLE_SUFFIXES, Reject, read_table
from geo.schema import COLUMNS, event_id

if TYPE_CHECKING:
    from geo.frontline import Frontline

ARTICLE_SUFFIXES = {".txt", ".text"}
_INTERNAL = ("_file", "_line", "_raw")


@dataclass
class BuildResult:
    n_rows_in: int = 0          # table rows read
    n_articles: int = 0
    n_extracted: int = 0        # events extracted from articles (each counts as one row in)
    n_dropped: int = 0          # events dropped by corrections (so rows in = events + rejects + dropped)
    events: EventTable = field(default_factory=EventTable)
    rejects: list[Reject] = field(default_factory=list)
    correction_rejects: list[Reject] = field(default_factory=list)  # bad corrections lines: not rows in
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)       # e.g. the encoding a file was read in
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def n_in(self) -> int:
        return self.n_rows_in + self.n_extracted


def split_inputs(paths: list[str | Path], warnings: list[str] | None = None
                 ) -> tuple[list[Path], list[Path], Path | None]:
    """Tables, article files, and an ``articles.csv`` found beside articles (their dates/urls).

    Every file must be a regular file (a FIFO or device is refused at once, a symlink loop named);
    a file given twice (also through a folder, or a link) is read once, with a warning.
    """
    tables, articles, table_of_articles = [], [], None
    seen: dict[tuple[int, int] | str, Path] = {}

    def once(q: Path) -> bool:
        _io.check_input(q)
        try:
            st = q.stat()
            key: tuple[int, int] | str = (st.st_dev, st.st_ino)
        except OSError:
            key = os.path.realpath(q)
        if key in seen:
            if warnings is not None:
                warnings.append(f"{q}: given twice (same file as {seen[key]}): read once")
            return False
        seen[key] = q
        return True

    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in ARTICLE_SUFFIXES and not q.is_dir())
            if not found:
                raise InputError(str(p), "folder holds no article files (*.txt); name event tables one by one "
                                 "(e.g. data/sample_events.csv)")
            articles += [q for q in found if once(q)]
            if (p / "articles.csv").exists():
                table_of_articles = p / "articles.csv"
        elif p.is_symlink() or p.exists():
            if p.suffix.lower() in ARTICLE_SUFFIXES:
                if once(p):
                    articles.append(p)
            elif p.suffix.lower() in TABLE_SUFFIXES:
                if once(p):
                    tables.append(p)
            else:
                _io.check_input(p)
                raise InputError(str(p), f"unsupported input '{p.suffix}' (tables: .csv .geojson .gpkg .parquet; "
                                 "articles: .txt or a folder of them)")
        else:
            raise InputError(str(p), "no such file or folder")
    return tables, articles, table_of_articles


def collect(paths: list[str | Path], *, dayfirst: bool | None = None, geocoder: str = "offline",
            published: date | None = None, articles_table: str | Path | None = None,
            corrections: str | Path | None = None, frontline: "Frontline | None" = None,
            encoding: str | None = None, date_range: tuple[date, date] | None = None,
            progress: Callable[[str, int], Any] | None = None) -> BuildResult:
    """Everything but writing: returns events (our schema + extras) and rejects.

    *date_range* (default 2014-01-01 to tomorrow): events dated wholly outside it are rejects.
    *encoding* forces the text encoding of tables, articles and corrections (else detected).
    """
    res = BuildResult()
    lo, hi = date_range or _dates.default_range()
    tables, articles, _found = split_inputs(paths, res.warnings)
    fixes = None
    if corrections:   # read first: a corrections file that cannot be read stops the run before any work
        from geo.corrections import read_corrections
        fixes = read_corrections(corrections, encoding=encoding)
        res.correction_rejects += fixes.rejects
        _note_encoding(res, str(corrections), fixes.encoding)
    rows: list[dict] = []
    for t in tables:
        tr = read_table(t, dayfirst=dayfirst, encoding=encoding)
        res.n_rows_in += tr.n_in
        rows += tr.rows
        res.rejects += tr.rejects
        res.warnings += [f"{t}: {w}" for w in tr.warnings]
        _note_encoding(res, str(t), tr.encoding)
        del tr
    if rows:
        from geo.geocode import geocode_rows, make_geocoder
        need = sum(1 for r in rows if r.get("latitude") is None)
        gc = make_geocoder(geocoder) if need else None
        bar = progress("geocoding", len(rows)) if progress else None
        rows, rej = geocode_rows(rows, gc, progress=bar.update if bar else None)
        if bar:
            bar.close()
        res.rejects += rej
    for r in rows:
        r["input_file"], r["input_line"] = r.get("_file", ""), r.get("_line", "")
        own = r.pop("event_id_input", "")
        r["event_id"] = own or event_id(r)
    if articles:
        from geo.extract import extract_paths
        # articles.csv beside each folder's texts is found by extract_paths itself (one per folder)
        ex = extract_paths(articles, published=published, articles_table=articles_table, encoding=encoding)
        res.n_articles = len(articles)
        res.n_extracted = len(ex.events)
        for a in ex.articles:
            for w in a.get("warnings", []):
                res.warnings.append(f"{a.get('file', '')}: {w}")
            _note_encoding(res, str(a.get("file", "")), a.get("encoding", "utf-8"))
        rows += article_events(ex.events)
    _unique_ids(rows)
    if fixes is not None:
        from geo.corrections import apply_corrections
        applied = apply_corrections(rows, fixes)
        rows, res.n_dropped = applied.events, applied.n_dropped
        res.correction_rejects += applied.rejects
    rows = _in_range(rows, lo, hi, res.rejects)
    if rows:
        res.warnings += _join_regions(rows, frontline)
    for r in rows:  # the map can only show located events; the rest must not vanish silently
        if not _located(r):
            res.rejects.append(Reject(str(r.get("_file") or r.get("articles") or r.get("source", "")),
                                      r.get("_line", ""), "latitude", "no coordinates after geocoding",
                                      str(r.get("_raw") or r.get("evidence", ""))[:2000]))
    # tidy in place, one row at a time: never two copies of every event in memory
    n = 0
    for r in rows:
        if _located(r):
            rows[n] = _tidy(r)
            n += 1
    del rows[n:]
    res.events = EventTable.from_records(rows)
    del rows
    return res


def _join_regions(rows: list[dict], frontline: "Frontline | None") -> list[str]:
    """Fill country/admin1/admin1_code (and occupied) in place from coordinates; returns warnings.

    Only the columns the join needs go through pandas: a wide, sparse table's extras are never
    spread into a rows × columns frame.
    """
    from geo.regions import join_regions
    df = pd.DataFrame({"latitude": [r.get("latitude") for r in rows],
                       "longitude": [r.get("longitude") for r in rows],
                       "event_date": [r.get("event_date") for r in rows],
                       "geo_precision": [r.get("geo_precision") for r in rows]})
    df = join_regions(df)
    # a country-level event (a nationwide total) lies in no oblast
    df.loc[df["geo_precision"].eq("country"), ["admin1", "admin1_code"]] = ""
    new = {c: df[c].tolist() for c in ("country", "admin1", "admin1_code")}
    warnings: list[str] = []
    if frontline is not None:
        new["occupied"] = frontline.occupied(df).tolist()
        warn = frontline.coverage_warning(df["event_date"])
        if warn:
            warnings.append(warn)
    for c, values in new.items():
        for r, v in zip(rows, values):
            r[c] = v
    return warnings


def _note_encoding(res: BuildResult, file: str, enc: str) -> None:
    if enc and enc.replace("_", "-").lower() not in ("utf-8", "utf-8-sig", "ascii"):
        res.notes.append(f"{file}: read as {enc} (use --encoding to override)")


def _in_range(rows: list[dict], lo: date, hi: date, rejects: list[Reject]) -> list[dict]:
    """Rows dated outside [lo, hi] become rejects (a 9999-12-31 must not stretch the timeline)."""
    keep = []
    for r in rows:
        d = str(r.get("event_date") or "")
        if d and _dates.outside(d, lo, hi):
            rejects.append(Reject(str(r.get("_file") or r.get("articles") or r.get("source", "")),
                                  r.get("_line", ""), "event_date",
                                  f"date {d} outside --date-range {lo.isoformat()}..{hi.isoformat()}",
                                  str(r.get("_raw") or r.get("evidence", ""))[:2000]))
        else:
            keep.append(r)
    return keep


def build(paths: list[str | Path], outdir: str | Path, *, title: str = "frontline-map",
          tiles: str | None = None, frontline: str | Path | None = None, frontline_max_age: int | None = None,
          **kw: Any) -> BuildResult:
    """Run the job and write ``index.html``, ``events.geojson`` and ``rejects.csv`` into *outdir*.

    The three switch together (:mod:`geo._outputs`): a crash at any moment leaves either all the
    previous outputs or all the new ones, never a mix.
    """
    outdir = Path(outdir)
    _outputs.check_outdir(outdir)
    fl = None
    if frontline:
        from geo.frontline import load_frontline
        fl = load_frontline(frontline) if frontline_max_age is None else \
            load_frontline(frontline, max_age_days=frontline_max_age)
    res = collect(paths, frontline=fl, **kw)
    from geo.regions import basemap_geojson
    from geo.render import render_files
    # Everything is rendered in memory first, so a failure leaves all previous outputs untouched.
    map_files = render_files(res.events, title=title, basemap=basemap_geojson(_bbox(res.events)),
                             frontline=fl.to_json() if fl else None, tiles=tiles)   # above 100 k: a map folder
    texts = {"events.geojson": lambda fh: write_geojson(res.events, fh),   # streamed: never one huge string
             "rejects.csv": rejects_csv(res.rejects + res.correction_rejects), **map_files}
    written = _outputs.publish(outdir, texts)
    res.outputs = {"events": written["events.geojson"], "rejects": written["rejects.csv"],
                   "map": written["index.html"]}
    return res


def article_events(events: list[dict]) -> list[dict]:
    """Extracted events as flat rows: the list of articles becomes one ' | '-joined text field.

    Their ids come from the incident (date, type, place), not the text, so corrections keyed by id
    survive when later articles add sources to the same incident.
    """
    out = []
    for ev in events:
        ev = dict(ev)
        arts = ev.pop("articles", None)
        if arts:
            ev["articles"] = " | ".join(arts) if isinstance(arts, (list, tuple)) else str(arts)
        ev["event_id"] = event_id(ev, with_text=False)
        out.append(ev)
    return out


def _unique_ids(rows: list[dict]) -> None:
    """Identical rows share a content id; number the repeats so ids stay unique and stable."""
    seen: dict[str, int] = {}
    for r in rows:
        i = r["event_id"]
        n = seen.get(i, 0)
        seen[i] = n + 1
        if n:
            r["event_id"] = f"{i}-{n + 1}"


def _located(r: dict[str, Any]) -> bool:
    return _plain(r.get("latitude")) is not None and _plain(r.get("longitude")) is not None


def _tidy(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: _plain(r.get(k)) for k in COLUMNS}
    for k, v in r.items():   # extras: only filled ones (a sparse table stays small)
        if k not in out and k not in _INTERNAL:
            v = _plain(v)
            if v is not None and v != "":
                out[k] = v
    for k in ("latitude", "longitude"):
        if out[k] is not None:
            out[k] = round(float(out[k]), 6)
    return out


def _plain(v: Any) -> Any:
    """JSON-safe scalars: NaN/±inf/None → None, numpy → python."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


#: Ukraine's extent (lon/lat degrees): the base map's area when there are no events to frame.
UKRAINE_BBOX = (22.0, 44.0, 40.5, 52.5)


def _bbox(events: EventTable) -> tuple[float, float, float, float]:
    lat = pd.to_numeric(events.core["latitude"], errors="coerce")
    lon = pd.to_numeric(events.core["longitude"], errors="coerce")
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return UKRAINE_BBOX
    return float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()), float(lat[ok].max())


def _feature(e: dict) -> dict:
    geom = None
    if e.get("latitude") is not None and e.get("longitude") is not None:
        geom = {"type": "Point", "coordinates": [e["longitude"], e["latitude"]]}
    return {"type": "Feature", "id": e.get("event_id"), "geometry": geom, "properties": e}


def to_geojson(events: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": [_feature(e) for e in events]}


def write_geojson(events: Iterable[dict], fh) -> None:
    """The same document as ``json.dumps(to_geojson(events))``, written feature by feature."""
    enc = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=str)
    fh.write('{"type": "FeatureCollection", "features": [')
    for i, e in enumerate(events):
        if i:
            fh.write(", ")
        fh.write(enc.encode(_feature(e)))
    fh.write("]}")


def rejects_csv(rejects: list[Reject]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["file", "line", "field", "reason", "raw"], lineterminator="\n")
    w.writeheader()
    for r in sorted(rejects, key=lambda r: (r.file, r.line if isinstance(r.line, int) else 1 << 60)):
        w.writerow({k: _io.csv_safe(v) for k, v in r.as_row().items()})
    return buf.getvalue()
