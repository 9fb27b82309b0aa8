"""Write a build's events as GeoJSON, GeoPackage, GeoParquet or CSV — from the columns, at the edge.

Why columns: a dict per event costs ~9 KB (a million would not fit), so every writer works on
the :class:`~geo.events.EventTable`'s core frame a chunk at a time, and walks the sparse extras
once. Shared rules for every format:

* Columns: our schema (:data:`geo.schema.COLUMNS`) always, then the pipeline's columns present,
  then extras. Dates stay ISO text (``2022-09-16``, ``2022-09`` for a month), coordinates are
  float64 WGS84 degrees (EPSG:4326) rounded to 1e-6° (~0.1 m), ids are text.
* GeoJSON keeps the table sparse: an extra is a property only on the events where it is filled
  (one row with 1,000 extras among 2,000 rows adds that one row's cells, not 2,000 × 1,000 nulls).
* GeoPackage, GeoParquet and CSV have no sparse rows: extras are dense columns, empty where not
  filled. A table with so many sparse extras that this would balloon (more than
  :data:`MAX_DENSE_EXTRAS` extra columns, or more than :data:`EMPTY_CELL_BUDGET` empty cells; the
  GeoPackage format itself stops near 2,000 fields) keeps its most filled extras as columns and
  the rest as one JSON object per event in the column ``extras_json``, with a warning.
* CSV cells a spreadsheet would run as formulas get a leading ``'`` (:func:`geo._io.csv_safe`),
  which our readers remove again; numbers stay numbers.

Nothing here opens files itself except through the path or file handle it is given:
:func:`outputs` hands the writers to :func:`geo._outputs.publish`, which publishes them with the
map and ``rejects.csv`` as one generation (all old or all new after a crash).
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo import _io
from geo._outputs import ToPath
from geo.events import EventTable, plain
from geo.schema import COLUMNS

#: format name → file suffix, in the order ``--format`` lists them
FORMATS: dict[str, str] = {"geojson": ".geojson", "gpkg": ".gpkg", "parquet": ".parquet", "csv": ".csv"}
#: GeoPackage layer name (``ogrinfo events.gpkg events``)
LAYER = "events"
#: extras kept as their own columns in the dense formats (GeoPackage/SQLite stops near 2,000 fields)
MAX_DENSE_EXTRAS = 1000
#: empty extra cells the dense formats may spend before the sparsest extras go to ``extras_json``
EMPTY_CELL_BUDGET = 20_000_000
#: rows encoded at a time: bounds the text held in memory while streaming
CHUNK = 20_000
#: the column holding folded extras (one JSON object per event) in the dense formats
EXTRAS_JSON = "extras_json"

_FLOAT_COLUMNS = ("latitude", "longitude", "confidence")
_SCHEMA = frozenset(COLUMNS)
_SURROGATE = re.compile("[\ud800-\udfff]")
_enc_str = json.encoder.encode_basestring          # the C encoder json.dumps(ensure_ascii=False) uses
_enc_any = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=str).encode


def parse_formats(text: str) -> tuple[str, ...]:
    """``"geojson,gpkg"`` → ``("geojson", "gpkg")``: known names, each once, in the order given."""
    names = [s.strip().lower().lstrip(".") for s in str(text).split(",") if s.strip()]
    names = ["gpkg" if n == "geopackage" else "parquet" if n == "geoparquet" else n for n in names]
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise ValueError(f"unknown format {', '.join(bad) or repr(text)} (choose from {','.join(FORMATS)})")
    return tuple(dict.fromkeys(names))


def outputs(events: EventTable, formats: Iterable[str] = ("geojson",),
            warnings: list[str] | None = None) -> dict[str, Any]:
    """``{"events.<suffix>": content}`` for :func:`geo._outputs.publish`, one entry per format.

    Warnings (folded extras, renamed columns, invalid Unicode replaced) are appended to *warnings*
    as the files are written, before the build reports.
    """
    warn = warnings if warnings is not None else []
    out: dict[str, Any] = {}
    for f in formats:
        name = "events" + FORMATS[f]
        if f == "geojson":
            out[name] = lambda fh: write_geojson(events, fh)
        elif f == "csv":
            out[name] = lambda fh, name=name: write_csv(events, fh, warnings=warn, name=name)
        elif f == "gpkg":
            out[name] = ToPath(lambda p, name=name: write_gpkg(events, p, warnings=warn, name=name))
        else:
            out[name] = ToPath(lambda p, name=name: write_parquet(events, p, warnings=warn, name=name))
    return out


# ---------------------------------------------------------------- columns shared by every format

def _core_columns(events: EventTable) -> list[str]:
    return [c for c in events.columns() if c in events.core.columns]


def _coords(s: pd.Series) -> np.ndarray:
    """Degrees as float64 rounded to 1e-6 (as :meth:`EventTable.record` gives them); NaN where none."""
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.round(v, 6)


def _is_text(s: pd.Series) -> bool:
    """Only text (pandas' ``str`` dtype, or objects that are all ``str``): safe to encode per distinct value
    (``pd.factorize`` would merge ``1``, ``1.0`` and ``True`` in an object column)."""
    if isinstance(s.dtype, pd.StringDtype):
        return True
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


def _iso(s: pd.Series) -> pd.Series:
    """A datetime column as ISO text (a date when every value is midnight): dates stay text."""
    ok = s.notna()
    t = pd.to_datetime(s[ok])
    fmt = "%Y-%m-%d" if (t == t.dt.normalize()).all() else "%Y-%m-%dT%H:%M:%S"
    out = pd.Series(None, index=s.index, dtype=object)
    out[ok] = t.dt.strftime(fmt)
    return out


def _chunks(n: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, size):
        yield lo, min(n, lo + size)


# ---------------------------------------------------------------- GeoJSON (streamed, sparse)

def write_geojson(events: EventTable, fh, *, chunk: int = CHUNK) -> None:
    """One FeatureCollection, written *chunk* events at a time from the columns.

    The document equals ``json.dumps`` of features ``{"type", "id", "geometry", "properties"}``
    with :meth:`EventTable.record` as properties: our schema's columns always (``null`` when
    empty), every other column only where filled. Text with unpaired surrogates (possible from a
    ``\\ud800`` escape in an input GeoJSON) is written as JSON escapes, so it round-trips.
    """
    core = events.core
    cols = _core_columns(events)
    extra_at = _extra_fragments(events)
    fh.write('{"type": "FeatureCollection", "features": [')
    for lo, hi in _chunks(len(core), chunk):
        part = core.iloc[lo:hi]
        lat = _coords(part["latitude"]) if "latitude" in part else np.full(hi - lo, np.nan)
        lon = _coords(part["longitude"]) if "longitude" in part else np.full(hi - lo, np.nan)
        rounded = {"latitude": pd.Series(lat), "longitude": pd.Series(lon)}
        frags = [_json_column(rounded[c] if c in rounded else part[c], c, first=(k == 0)) for k, c in enumerate(cols)]
        geom = np.full(hi - lo, "null", dtype=object)
        ok = np.isfinite(lat) & np.isfinite(lon)
        geom[ok] = ['{"type": "Point", "coordinates": [' + x + ", " + y + "]}"
                    for x, y in zip(map(repr, lon[ok].tolist()), map(repr, lat[ok].tolist()))]
        ids = _json_values(part["event_id"]) if "event_id" in part else repeat("null")
        extras = [extra_at.get(i, "") for i in range(lo, hi)] if extra_at else repeat("")
        rows = map("".join, zip(repeat('{"type": "Feature", "id": '), ids, repeat(', "geometry": '), geom,
                                repeat(', "properties": {'), *frags, extras, repeat("}}")))
        text = ", ".join(rows)
        if lo:
            text = ", " + text
        try:
            fh.write(text)
        except UnicodeEncodeError:
            fh.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    fh.write("]}")


def _json_values(s: pd.Series) -> np.ndarray:
    """Each value of *s* as JSON text ("null" where empty-as-missing), encoded once per distinct value."""
    n = len(s)
    if s.dtype.kind == "f":
        v = s.to_numpy(dtype=float)
        out = np.full(n, "null", dtype=object)
        ok = np.isfinite(v)
        out[ok] = list(map(repr, v[ok].tolist()))
        return out
    if s.dtype.kind in "iu":
        return np.array(list(map(str, s.tolist())), dtype=object)
    if s.dtype.kind == "b":
        return np.where(s.to_numpy(), "true", "false").astype(object)
    if s.dtype.kind == "M":
        s = _iso(s)
    if _is_text(s):
        codes, uniques = pd.factorize(s)   # None/NaN → -1 → the trailing "null"
        table = np.array([_enc_str(u) for u in uniques.tolist()] + ["null"], dtype=object)
        return table[codes]
    return np.array([_enc_any(plain(v)) for v in s.tolist()], dtype=object)


def _json_column(s: pd.Series, name: str, *, first: bool) -> np.ndarray:
    """``"name": value`` fragments (with their leading ``", "``); our schema's always, others only filled."""
    vals = _json_values(s)
    key = ("" if first else ", ") + _enc_str(str(name)) + ": "
    if name in _SCHEMA:
        return key + vals
    empty = (vals == "null") | (vals == '""')
    return np.where(empty, "", key + vals)


def _extra_fragments(events: EventTable) -> dict[int, str]:
    """position → ``, "key": value`` text of that event's filled extras: walks the filled cells once."""
    at: dict[int, list[str]] = {}
    for k, s in events.extras.items():
        key = ", " + _enc_str(str(k)) + ": "
        for i, v in zip(s.index.tolist(), s.tolist()):
            v = plain(v)
            if v is None or v == "":
                continue
            at.setdefault(i, []).append(key + (_enc_str(v) if type(v) is str else _enc_any(v)))
    return {i: "".join(f) for i, f in at.items()}


# ---------------------------------------------------------------- dense formats

def dense_columns(events: EventTable, fmt: str, warnings: list[str] | None = None) -> dict[str, Any]:
    """Every column of *events* as one typed array of ``len(events)``, for GeoPackage/GeoParquet/CSV.

    Text columns (our schema's always) are object arrays of ``str``/``None``; coordinates and
    confidence float64 (NaN = none); a column of whole numbers (``input_line``) pandas ``Int64``;
    of booleans ``boolean``; anything else (mixed types) text. Built from numpy arrays, once per
    column: an extra costs its filled cells plus one array. Extras beyond the budget (module
    docstring) are folded into :data:`EXTRAS_JSON`.
    """
    warn = warnings if warnings is not None else []
    n = len(events)
    data: dict[str, Any] = {}
    for c in _core_columns(events):
        s = events.core[c]
        if c in ("latitude", "longitude"):
            data[c] = _coords(s)
        elif c in _FLOAT_COLUMNS:
            data[c] = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        else:
            if s.dtype.kind == "M":
                s = _iso(s)
            if s.dtype.kind in "fiub":
                data[c] = s.to_numpy()
                continue
            col = s.to_numpy(dtype=object, na_value=None)
            data[c] = _typed(col, [v for v in col.tolist() if v is not None and v != ""], text=c in _SCHEMA)
    keep, folded = _dense_extras(events, fmt, warn)
    for k in keep:
        sp = events.extras[k]
        vals = [plain(v) for v in sp.tolist()]
        col = np.full(n, None, dtype=object)
        col[sp.index.to_numpy()] = vals
        data[k] = _typed(col, [v for v in vals if v is not None and v != ""], text=False)
    if folded:
        name = EXTRAS_JSON
        while name in data:
            name += "_"
        col = np.full(n, None, dtype=object)
        for i, d in _folded_rows(events, folded).items():
            col[i] = _enc_any(d)
        data[name] = col
    bad = [k for k in data if _SURROGATE.search(k)]
    if bad:   # a name from a JSON "\ud800" escape: not UTF-8, so no file format can name a column so
        data = {_SURROGATE.sub("\ufffd", k): v for k, v in data.items()}
        warn.append(f"events.{fmt}: {len(bad)} column name(s) held invalid Unicode (unpaired surrogates): "
                    "written with U+FFFD")
    return data


def dense_frame(events: EventTable, fmt: str, warnings: list[str] | None = None) -> pd.DataFrame:
    """:func:`dense_columns` as a frame (object columns stay object: no per-column re-inference)."""
    data = dense_columns(events, fmt, warnings)
    return pd.DataFrame({k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object
                         else pd.Series(v) for k, v in data.items()}, index=pd.RangeIndex(len(events)))


_INT = (int, np.integer)
_FLOAT = (float, np.floating)


def _typed(col: np.ndarray, filled: list, *, text: bool) -> Any:
    """One type per column (the dense formats have typed columns): see :func:`dense_columns`.
    *col*: object array, ``None`` where empty; *filled*: its values that are neither None nor ""."""
    kinds = set(map(type, filled))
    if kinds <= {str}:
        return col
    if text:
        return np.array([v if v is None or type(v) is str else str(plain(v)) for v in col.tolist()], dtype=object)
    empty = np.array([v is None or v == "" for v in col.tolist()], dtype=bool)
    if all(issubclass(k, (bool, np.bool_)) for k in kinds):
        return pd.arrays.BooleanArray(np.where(empty, False, col).astype(bool), empty)
    if all(issubclass(k, _INT) and not issubclass(k, (bool, np.bool_)) for k in kinds) and \
            all(-2 ** 63 <= v < 2 ** 63 for v in filled):
        return pd.arrays.IntegerArray(np.where(empty, 0, col).astype(np.int64), empty)
    if all(issubclass(k, _INT + _FLOAT) and not issubclass(k, (bool, np.bool_)) for k in kinds):
        return np.where(empty, np.nan, col).astype(float)
    return np.array([None if e else v if type(v) is str else
                     (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else str(plain(v)))
                     for v, e in zip(col.tolist(), empty.tolist())], dtype=object)


def _dense_extras(events: EventTable, fmt: str, warn: list[str]) -> tuple[list[str], list[str]]:
    """(extras kept as columns, extras folded into JSON): the most filled first, within the budgets."""
    n = len(events)
    names = list(events.extras)
    fill = {k: len(events.extras[k]) for k in names}
    ranked = sorted(names, key=lambda k: -fill[k])      # stable: ties keep first appearance
    keep: set[str] = set()
    empty = 0
    for k in ranked:
        if len(keep) >= MAX_DENSE_EXTRAS or empty + (n - fill[k]) > EMPTY_CELL_BUDGET:
            break
        keep.add(k)
        empty += n - fill[k]
    folded = [k for k in names if k not in keep]
    if folded:
        warn.append(f"events.{fmt}: {len(folded):,} of {len(names):,} extra columns are too many or too sparse "
                    f"for a {fmt} table (limit {MAX_DENSE_EXTRAS:,} columns, {EMPTY_CELL_BUDGET:,} empty cells): "
                    f"kept as one JSON object per event in column '{EXTRAS_JSON}' (events.geojson keeps them "
                    "as properties)")
    return [k for k in names if k in keep], folded


def _folded_rows(events: EventTable, folded: list[str]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for k in folded:
        for i, v in zip(events.extras[k].index.tolist(), events.extras[k].tolist()):
            v = plain(v)
            if v is not None and v != "":
                rows.setdefault(i, {})[k] = v
    return rows


def _field_names(df: pd.DataFrame, fmt: str, warn: list[str], reserved: tuple[str, ...]) -> pd.DataFrame:
    """Column names a GeoPackage/GeoParquet accepts: non-empty, valid UTF-8, unique ignoring case, not *reserved*."""
    seen = {r.lower() for r in reserved}
    renamed: dict[str, str] = {}
    for c in df.columns:
        new = _SURROGATE.sub("\ufffd", str(c)) or "unnamed"
        base, k = new, 2
        while new.lower() in seen:
            new = f"{base}_{k}"
            k += 1
        seen.add(new.lower())
        if new != c:
            renamed[c] = new
    if renamed:
        shown = ", ".join(f"{a!r} → {b!r}" for a, b in list(renamed.items())[:5])
        more = f" and {len(renamed) - 5} more" if len(renamed) > 5 else ""
        warn.append(f"events.{fmt}: {len(renamed)} column name(s) renamed (empty, reserved or equal ignoring "
                    f"case): {shown}{more}")
        df = df.rename(columns=renamed)
    return df


def _without_surrogates(df: pd.DataFrame, fmt: str, warn: list[str]) -> pd.DataFrame:
    """Text with unpaired surrogates cannot be UTF-8: replace them with U+FFFD (and say how many cells)."""
    hit = 0
    for c in df.columns:
        if df[c].dtype.kind != "O":
            continue
        s = df[c]
        bad = s.map(lambda v: type(v) is str and _SURROGATE.search(v) is not None).to_numpy(dtype=bool)
        if bad.any():
            hit += int(bad.sum())
            df[c] = s.where(~bad, s[bad].map(lambda v: _SURROGATE.sub("\ufffd", v)))
    if hit:
        warn.append(f"events.{fmt}: {hit} text cell(s) held invalid Unicode (unpaired surrogates): written as U+FFFD")
    return df


def _geo_frame(events: EventTable, fmt: str, warn: list[str]):
    import geopandas as gpd
    df = dense_frame(events, fmt, warn)
    df = _field_names(df, fmt, warn, reserved=("geometry", "geom", "fid"))
    geom = gpd.points_from_xy(df["longitude"], df["latitude"], crs="EPSG:4326")
    return gpd.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")


def write_gpkg(events: EventTable, path: str | Path, *, warnings: list[str] | None = None,
               name: str = "events.gpkg") -> None:
    """GeoPackage layer :data:`LAYER`: points in EPSG:4326, one field per column (pyogrio/GDAL)."""
    import pyogrio
    warn = warnings if warnings is not None else []
    gdf = _geo_frame(events, "gpkg", warn)
    try:
        pyogrio.write_dataframe(gdf, str(path), layer=LAYER, driver="GPKG", geometry_type="Point")
    except UnicodeEncodeError:
        Path(path).unlink(missing_ok=True)
        pyogrio.write_dataframe(_without_surrogates(gdf, "gpkg", warn), str(path), layer=LAYER, driver="GPKG",
                                geometry_type="Point")


def write_parquet(events: EventTable, path: str | Path, *, warnings: list[str] | None = None,
                  name: str = "events.parquet") -> None:
    """GeoParquet: WKB points with the ``geo`` metadata (version, primary column, CRS as PROJJSON)."""
    warn = warnings if warnings is not None else []
    gdf = _geo_frame(events, "parquet", warn)
    try:
        gdf.to_parquet(path, index=False)
    except (UnicodeEncodeError, ValueError) as e:   # pyarrow reports invalid UTF-8 as ArrowInvalid (a ValueError)
        if "surrogate" not in str(e) and "UTF8" not in str(e).upper().replace("-", ""):
            raise
        Path(path).unlink(missing_ok=True)
        _without_surrogates(gdf, "parquet", warn).to_parquet(path, index=False)


def write_csv(events: EventTable, fh, *, warnings: list[str] | None = None, name: str = "events.csv") -> None:
    """CSV (comma, LF, RFC 4180 quoting), formula-safe text cells, streamed *CHUNK* rows at a time."""
    warn = warnings if warnings is not None else []
    data = dense_columns(events, "csv", warn)
    w = csv.writer(fh, lineterminator="\n")
    w.writerow([_io.csv_safe(str(c)) for c in data])
    bad = 0
    for lo, hi in _chunks(len(events)):
        cols = [_csv_cells(a[lo:hi]) for a in data.values()]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(zip(*cols))
        text = buf.getvalue()
        try:
            fh.write(text)
        except UnicodeEncodeError:
            bad += len(_SURROGATE.findall(text))
            fh.write(_SURROGATE.sub("\ufffd", text))
    if bad:
        warn.append(f"{name}: {bad} unpaired surrogate(s) (invalid Unicode) written as U+FFFD")


#: first characters after which :func:`geo._io.csv_safe` may prefix a ``'`` (checked only for these)
_RISKY = frozenset("=+-@\t\r'")


def _csv_cells(a: Any) -> list:
    """Cells of one column: "" for missing, numbers as numbers, formula-like text prefixed with ``'``."""
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return [repr(x) if x == x and abs(x) != float("inf") else "" for x in a.tolist()]
    if not isinstance(a, np.ndarray):                      # Int64 / boolean: NA → ""
        return a.to_numpy(dtype=object, na_value="").tolist()
    if a.dtype.kind != "O":
        return a.tolist()
    return ["" if v is None else _io.csv_safe(v) if v and v[0] in _RISKY else v for v in a.tolist()]


# ---------------------------------------------------------------- rejects

def rejects_csv(rejects: Iterable[Any]) -> str:
    """``rejects.csv``: file, line, field, reason, raw — sorted by file and line, formula-safe cells."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["file", "line", "field", "reason", "raw"], lineterminator="\n")
    w.writeheader()
    for r in sorted(rejects, key=lambda r: (r.file, r.line if isinstance(r.line, int) else 1 << 60)):
        w.writerow({k: _io.csv_safe(v) for k, v in r.as_row().items()})
    return _SURROGATE.sub("\ufffd", buf.getvalue())


def writer_names(formats: Iterable[str]) -> list[str]:
    """The file names *formats* produce (``events.geojson`` …), in order."""
    return ["events" + FORMATS[f] for f in formats]


