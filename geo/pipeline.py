"""The whole job: read/extract → geocode → corrections → join regions → write map and data.

:func:`collect` is the columnar part (reading to the :class:`geo.events.EventTable` the writers get).

Counts are kept so that every input row is accounted for: rows in = events + rejects.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo import _io, _outputs, _passes
from geo import dates as _dates
from geo._errors import InputError
from geo.events import EventTable
from geo.read import TABLE_SUFFIXES, Reject, read_columns
from geo.schema import event_id

if TYPE_CHECKING:
    from geo.frontline import Frontline

ARTICLE_SUFFIXES = {".txt", ".text"}


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
            corrections: str | Path | None = None, frontline: Frontline | None = None,
            encoding: str | None = None, date_range: tuple[date, date] | None = None,
            progress: Callable[[str, int], Any] | None = None,
            extract: dict[str, Any] | None = None) -> BuildResult:
    """Everything but writing: returns events (our schema + extras) and rejects.

    Columns all the way: tables are read in chunks into one :class:`EventTable`, then the passes
    of :mod:`geo._passes` run over it (geocode → ids → [articles appended] → corrections → date
    range → regions → located); per-row Python only for rows that become rejects.
    *extract*: more options for :func:`geo.extract.extract_paths` (cache, workers, scheduler).
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
    batch = _read_tables(res, tables, dayfirst, encoding)
    res.rejects += _passes.geocode(batch, geocoder, progress)
    _passes.assign_ids(batch)
    if articles:
        from geo.extract import extract_paths
        # articles.csv beside each folder's texts is found by extract_paths itself (one per folder)
        ex = extract_paths(articles, published=published, articles_table=articles_table, encoding=encoding,
                           **(extract or {}))
        res.notes += [ex.summary] if getattr(ex, "summary", "") else []
        res.warnings += getattr(ex, "warnings", [])
        res.n_articles = len(articles)
        res.n_extracted = len(ex.events)
        for a in ex.articles:
            for w in a.get("warnings", []):
                res.warnings.append(f"{a.get('file', '')}: {w}")
            _note_encoding(res, str(a.get("file", "")), a.get("encoding", "utf-8"))
        batch.events = EventTable.concat([batch.events, EventTable.from_records(article_events(ex.events))])
    _passes.unique_ids(batch)
    if fixes is not None:
        res.n_dropped, rej = _passes.correct(batch, fixes)
        res.correction_rejects += rej
    res.rejects += _passes.in_range(batch, lo, hi)
    res.warnings += _passes.join_regions(batch, frontline)
    res.rejects += _passes.located(batch)
    res.events = _passes.finish(batch)
    return res


def _read_tables(res: BuildResult, tables: list[Path], dayfirst: bool | None, encoding: str | None
                 ) -> _passes.Batch:
    """Every table into one batch of columns (each file streamed in chunks); counts, rejects, notes."""
    read = []
    for t in tables:
        tc = read_columns(t, dayfirst=dayfirst, encoding=encoding)
        res.n_rows_in += tc.n_in
        res.rejects += tc.rejects
        res.warnings += [f"{t}: {w}" for w in tc.warnings]
        _note_encoding(res, str(t), tc.encoding)
        read.append(tc)
    return _passes.Batch.of_tables(read)


def _note_encoding(res: BuildResult, file: str, enc: str) -> None:
    if enc and enc.replace("_", "-").lower() not in ("utf-8", "utf-8-sig", "ascii"):
        res.notes.append(f"{file}: read as {enc} (use --encoding to override)")


def build(paths: list[str | Path], outdir: str | Path, *, title: str = "frontline-map",
          tiles: str | None = None, frontline: str | Path | None = None, frontline_max_age: int | None = None,
          formats: Iterable[str] = ("geojson",), **kw: Any) -> BuildResult:
    """Run the job and write ``index.html``, ``rejects.csv`` and ``events.<format>`` into *outdir*.

    *formats*: any of ``geojson`` (default), ``gpkg``, ``parquet``, ``csv`` (:mod:`geo.write`).
    All files switch together (:mod:`geo._outputs`): a crash at any moment leaves either all the
    previous outputs or all the new ones, never a mix.
    """
    from geo import write
    outdir = Path(outdir)
    formats = tuple(formats) or ("geojson",)
    formats = write.parse_formats(",".join(formats))
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
    files = {**write.outputs(res.events, formats, res.warnings),    # streamed or written to a path
             "rejects.csv": write.rejects_csv(res.rejects + res.correction_rejects), **map_files}
    written = _outputs.publish(outdir, files)
    names = write.writer_names(formats)
    res.outputs = {"events": written[names[0]], "rejects": written["rejects.csv"], "map": written["index.html"],
                   **{n: written[n] for n in names}}
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


#: Ukraine's extent (lon/lat degrees): the base map's area when there are no events to frame.
UKRAINE_BBOX = (22.0, 44.0, 40.5, 52.5)


def _bbox(events: EventTable) -> tuple[float, float, float, float]:
    lat = pd.to_numeric(events.core["latitude"], errors="coerce")
    lon = pd.to_numeric(events.core["longitude"], errors="coerce")
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return UKRAINE_BBOX
    return float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()), float(lat[ok].max())
