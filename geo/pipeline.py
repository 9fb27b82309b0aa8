"""The whole job: read/extract → geocode → corrections → join regions → write map and data.

Counts are kept so that every input row is accounted for: rows in = events + rejects.
"""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from geo import _io
from geo._errors import InputError
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
    events: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def n_in(self) -> int:
        return self.n_rows_in + self.n_extracted


def split_inputs(paths: list[str | Path]) -> tuple[list[Path], list[Path], Path | None]:
    """Tables, article files, and an ``articles.csv`` found beside articles (their dates/urls)."""
    tables, articles, table_of_articles = [], [], None
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in ARTICLE_SUFFIXES)
            if not found:
                raise InputError(str(p), "folder holds no article files (*.txt); name event tables one by one "
                                 "(e.g. data/sample_events.csv)")
            articles += found
            if (p / "articles.csv").exists():
                table_of_articles = p / "articles.csv"
        elif not p.exists():
            raise InputError(str(p), "no such file or folder")
        elif p.suffix.lower() in ARTICLE_SUFFIXES:
            articles.append(p)
        elif p.suffix.lower() in TABLE_SUFFIXES:
            tables.append(p)
        else:
            raise InputError(str(p), f"unsupported input '{p.suffix}' (tables: .csv .geojson .gpkg .parquet; "
                             "articles: .txt or a folder of them)")
    return tables, articles, table_of_articles


def collect(paths: list[str | Path], *, dayfirst: bool | None = None, geocoder: str = "offline",
            published: date | None = None, articles_table: str | Path | None = None,
            corrections: str | Path | None = None, frontline: "Frontline | None" = None,
            progress: Callable[[str, int], Any] | None = None) -> BuildResult:
    """Everything but writing: returns events (our schema + extras) and rejects."""
    res = BuildResult()
    tables, articles, found_table = split_inputs(paths)
    rows: list[dict] = []
    for t in tables:
        tr = read_table(t, dayfirst=dayfirst)
        res.n_rows_in += tr.n_in
        rows += tr.rows
        res.rejects += tr.rejects
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
        ex = extract_paths(articles, published=published, articles_table=articles_table or found_table)
        res.n_articles = len(articles)
        res.n_extracted = len(ex.events)
        for a in ex.articles:
            for w in a.get("warnings", []):
                res.warnings.append(f"{a.get('file', '')}: {w}")
        rows += article_events(ex.events)
    _unique_ids(rows)
    if corrections:
        from geo.corrections import apply_corrections, read_corrections
        rows, warns = apply_corrections(rows, read_corrections(corrections))
        res.warnings += warns
    if rows:
        import pandas as pd
        from geo.regions import join_regions
        df = join_regions(pd.DataFrame(rows))
        if frontline is not None:
            df["occupied"] = frontline.occupied(df)
            warn = frontline.coverage_warning(df["event_date"]) if "event_date" in df else None
            if warn:
                res.warnings.append(warn)
        rows = df.to_dict("records")
    for r in rows:  # the map can only show located events; the rest must not vanish silently
        if not _located(r):
            res.rejects.append(Reject(str(r.get("_file") or r.get("articles") or r.get("source", "")),
                                      r.get("_line", ""), "latitude", "no coordinates after geocoding",
                                      str(r.get("_raw") or r.get("evidence", ""))[:2000]))
    res.events = [_tidy(r) for r in rows if _located(r)]
    return res


def build(paths: list[str | Path], outdir: str | Path, *, title: str = "frontline-map",
          tiles: str | None = None, frontline: str | Path | None = None, frontline_max_age: int | None = None,
          **kw: Any) -> BuildResult:
    """Run the job and write ``index.html``, ``events.geojson`` and ``rejects.csv`` into *outdir*."""
    outdir = Path(outdir)
    fl = None
    if frontline:
        from geo.frontline import load_frontline
        fl = load_frontline(frontline) if frontline_max_age is None else \
            load_frontline(frontline, max_age_days=frontline_max_age)
    res = collect(paths, frontline=fl, **kw)
    import pandas as pd
    from geo.regions import basemap_geojson
    from geo.render import render_files, write_map
    # Everything is rendered in memory first, so a failure leaves all previous outputs untouched.
    df = pd.DataFrame(res.events, columns=_columns(res.events))
    map_files = render_files(df, title=title, basemap=basemap_geojson(_bbox(res.events)),
                             frontline=fl.to_json() if fl else None, tiles=tiles)   # above 100 k: a map folder
    texts = {"events": json.dumps(to_geojson(res.events), ensure_ascii=False), "rejects": rejects_csv(res.rejects)}
    names = {"events": "events.geojson", "rejects": "rejects.csv"}
    outdir.mkdir(parents=True, exist_ok=True)
    for k, text in texts.items():
        res.outputs[k] = outdir / names[k]
        _io.write_text(res.outputs[k], text)
    res.outputs["map"] = write_map(outdir, map_files)
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
    for k, v in r.items():
        if k not in out and k not in _INTERNAL:
            out[k] = _plain(v)
    for k in ("latitude", "longitude"):
        if out[k] is not None:
            out[k] = round(float(out[k]), 6)
    return out


def _plain(v: Any) -> Any:
    """JSON-safe scalars: NaN/None → None, numpy → python."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _columns(events: list[dict]) -> list[str]:
    cols = list(COLUMNS)
    for e in events:
        for k in e:
            if k not in cols:
                cols.append(k)
    return cols


#: Ukraine's extent (lon/lat degrees): the base map's area when there are no events to frame.
UKRAINE_BBOX = (22.0, 44.0, 40.5, 52.5)


def _bbox(events: list[dict]) -> tuple[float, float, float, float]:
    pts = [(e["longitude"], e["latitude"]) for e in events if e.get("latitude") is not None]
    if not pts:
        return UKRAINE_BBOX
    xs, ys = zip(*pts)
    return min(xs), min(ys), max(xs), max(ys)


def to_geojson(events: list[dict]) -> dict:
    feats = []
    for e in events:
        geom = None
        if e.get("latitude") is not None and e.get("longitude") is not None:
            geom = {"type": "Point", "coordinates": [e["longitude"], e["latitude"]]}
        feats.append({"type": "Feature", "id": e.get("event_id"), "geometry": geom, "properties": e})
    return {"type": "FeatureCollection", "features": feats}


def rejects_csv(rejects: list[Reject]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["file", "line", "field", "reason", "raw"], lineterminator="\n")
    w.writeheader()
    for r in sorted(rejects, key=lambda r: (r.file, r.line if isinstance(r.line, int) else 1 << 60)):
        w.writerow(r.as_row())
    return buf.getvalue()
