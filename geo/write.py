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

    Why Arrow: each column becomes an array of its JSON fragments (``"name": value``) and one
    ``binary_join_element_wise`` glues a chunk's features in C; Python only encodes floats (``repr``,
    as ``json.dumps`` does) and the rare strings that need escapes.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    core = events.core
    cols = _core_columns(events)
    extra_at = _extra_fragments(events)
    extra_pos = np.array(sorted(extra_at), dtype=np.int64)
    extra_text = np.array([extra_at[i] for i in extra_pos.tolist()] + [""], dtype=object)[:-1]
    n = len(core)
    lat = _coords(core["latitude"]) if "latitude" in core else np.full(n, np.nan)
    lon = _coords(core["longitude"]) if "longitude" in core else np.full(n, np.nan)
    keys = {c: _esc_surrogates(("" if k == 0 else ", ") + _enc_str(str(c)) + ": ") for k, c in enumerate(cols)}
    coded = {c: _coded_fragments(core[c], keys[c], keep_empty=c in _SCHEMA)
             for c in cols if c not in ("latitude", "longitude", "event_id")}
    null = _large(pa, "null")
    fh.write('{"type": "FeatureCollection", "features": [')
    for lo, hi in _chunks(n, chunk):
        m = hi - lo
        part = core.iloc[lo:hi]
        lat_j, lon_j = _float_json(lat[lo:hi]), _float_json(lon[lo:hi])
        ok = pa.array(np.isfinite(lat[lo:hi]) & np.isfinite(lon[lo:hi]))
        geom = pc.if_else(ok, _join('{"type": "Point", "coordinates": [', lon_j, ", ", lat_j, "]}"), null)
        ids = _json_array(part["event_id"]) if "event_id" in part else "null"
        pieces: list[Any] = ['{"type": "Feature", "id": ', ids, ', "geometry": ', geom, ', "properties": {']
        for c in cols:
            if coded.get(c) is not None:
                table, codes = coded[c]
                pieces.append(pc.take(table, pa.array(codes[lo:hi])))
                continue
            v = lat_j if c == "latitude" else lon_j if c == "longitude" else ids if c == "event_id" \
                else _json_array(part[c])
            frag = _join(keys[c], v)
            if c not in _SCHEMA:
                frag = pc.if_else(pc.or_(pc.equal(v, "null"), pc.equal(v, '""')), _large(pa, ""), frag)
            pieces.append(frag)
        if extra_at:
            a, b = np.searchsorted(extra_pos, [lo, hi])
            cell = np.full(m, "", dtype=object)
            cell[extra_pos[a:b] - lo] = extra_text[a:b]
            pieces.append(_large(pa, cell))
        pieces.append("}}, ")
        rows = _join(*pieces)
        # the chunk's text is the rows' data buffer (UTF-8, no surrogates left), less the last ", "
        ends = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + m + 1]
        raw = memoryview(rows.buffers()[2])[int(ends[0]):int(ends[-1]) - 2]
        if lo:
            fh.write(", ")
        _write_utf8(fh, raw)
    fh.write("]}")


#: a text column is dictionary-coded when its first rows hold at most this share of distinct values
_CODED_SHARE = 0.25


def _coded_fragments(s: pd.Series, key: str, *, keep_empty: bool):
    """(fragment table, codes) for a repetitive Arrow-backed text column (dates, types, places), else None.

    Each distinct value's ``"name": value`` fragment is encoded once (the last entry is the missing
    value's: ``null``, or nothing for a column outside our schema, as for ``""``); a chunk's
    fragments are then one ``take``. *codes*: int32 per row into the table."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if isinstance(s.dtype, pd.CategoricalDtype) and _is_text(pd.Series(s.cat.categories, dtype=object)):
        uniq = s.cat.categories.tolist()      # a label column: its categories are the distinct values
        frags = [_esc_surrogates(key + _enc_str(u)) if keep_empty or u != "" else "" for u in uniq] + \
            [key + "null" if keep_empty else ""]
        codes = s.cat.codes.to_numpy().astype(np.int32)
        codes[codes < 0] = len(uniq)
        return pa.array(frags, type=pa.large_string()), codes
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or len(s) < 16:
        return None
    a = pa.array(s.array)                # a ChunkedArray: never joined (that would copy the column's text)
    head = a.slice(0, CHUNK)
    if pc.count_distinct(head, mode="all").as_py() > _CODED_SHARE * len(head):
        return None
    enc = pc.dictionary_encode(a)        # chunks share one dictionary, in first-appearance order
    parts = enc.chunks if isinstance(enc, pa.ChunkedArray) else [enc]
    parts = [p for p in parts if len(p)] or parts[-1:]
    uniq = parts[-1].dictionary.to_pylist()
    frags = [key + _enc_str(u) if keep_empty or u != "" else "" for u in uniq] + [key + "null" if keep_empty else ""]
    codes = np.concatenate([pc.fill_null(p.indices, len(uniq)).to_numpy(zero_copy_only=False).astype(np.int32)
                            for p in parts])
    return pa.array(frags, type=pa.large_string()), codes


def _write_utf8(fh, raw: memoryview) -> None:
    """UTF-8 bytes into a text file: straight to its byte buffer when it is a UTF-8 file (no decode
    and re-encode of a chunk's megabytes), else as text."""
    enc = (getattr(fh, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if enc == "utf8" and hasattr(fh, "buffer"):
        fh.flush()
        fh.buffer.write(raw)
    else:
        fh.write(bytes(raw).decode("utf-8"))


def _large(pa, v: Any) -> Any:
    """A piece for ``binary_join_element_wise``: a large_string scalar or array (all pieces of one type)."""
    if isinstance(v, str):
        return pa.scalar(v, type=pa.large_string())
    return pa.array(v, type=pa.large_string())


def _join(*pieces: Any):
    """Arrow arrays and Python strings glued element-wise (strings broadcast): ``binary_join_element_wise``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    sep = pa.scalar("", type=pa.large_string())
    return pc.binary_join_element_wise(*[_large(pa, p) if isinstance(p, str) else p for p in pieces], sep)


def _esc_surrogates(text: str) -> str:
    """Unpaired surrogates (not UTF-8) as JSON ``\\uXXXX`` escapes: the file stays valid and round-trips."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _SURROGATE.search(text) else text


#: characters ``json.dumps`` escapes inside a string (with ``ensure_ascii=False``)
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


def _float_json(v: np.ndarray):
    """float64 → JSON text exactly as ``repr`` (what ``json.dumps`` writes), "null" where not finite.

    Arrow's cast prints the same shortest round-trip digits as ``repr`` for 1e-4 ≤ |x| < 1e6, but
    drops the ``.0`` of a whole number (added back here); every other finite value (tiny, huge: none
    of our coordinates or confidences) goes through ``repr``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    v = np.asarray(v, dtype=float)
    with np.errstate(invalid="ignore"):
        mag = np.abs(v)
        fast = (mag >= 1e-4) & (mag < 1e6)
        whole = fast & (v == np.trunc(v))
    out = pc.cast(pa.array(np.where(fast, v, 0.0)), pa.large_string())
    if whole.any():
        out = pc.if_else(pa.array(whole), _join(out, ".0"), out)
    slow = ~fast
    if slow.any():
        idx = np.flatnonzero(slow)
        text = ["null" if x != x or x in (np.inf, -np.inf) else repr(x) for x in v[idx].tolist()]
        out = pc.replace_with_mask(out, pa.array(slow), pa.array(text, type=pa.large_string()))
    return out


def _json_array(s: pd.Series):
    """Each value of *s* as JSON text, as an Arrow large_string array ("null" where empty-as-missing).

    Arrow-backed text (pandas' ``str``) is quoted in Arrow, only values holding a quote, backslash or
    control character go through :func:`json.encoder.encode_basestring`; floats are ``repr`` (as
    ``json.dumps``); every other dtype as :func:`_json_values`, with surrogates escaped."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        a = pa.array(s.array)
        if isinstance(a, pa.ChunkedArray):
            a = a.combine_chunks()
        a = a.cast(pa.large_string())
        out = _join('"', a, '"')
        need = pc.fill_null(pc.match_substring_regex(a, _NEEDS_ESCAPE), False)
        if pc.any(need).as_py():
            fixed = [_enc_str(v) for v in pc.filter(a, need).to_pylist()]
            out = pc.replace_with_mask(out, need, pa.array(fixed, type=pa.large_string()))
        return pc.fill_null(out, _large(pa, "null"))
    if isinstance(s.dtype, pd.CategoricalDtype):   # a label column: its values as plain objects
        s = pd.Series(s.to_numpy(dtype=object), dtype=object)
    if s.dtype.kind == "f":
        return _float_json(s.to_numpy(dtype=float))
    if s.dtype.kind in "iu" and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype):
        return pc.cast(pa.array(s.to_numpy()), pa.large_string())     # decimal digits, as str(int)
    vals = _json_values(s)
    if vals.dtype == object and any(_SURROGATE.search(v) for v in vals.tolist()):
        vals = np.array([_esc_surrogates(v) for v in vals.tolist()], dtype=object)
    return pa.array(vals, type=pa.large_string())


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


def _extra_fragments(events: EventTable) -> dict[int, str]:
    """position → ``, "key": value`` text of that event's filled extras: walks the filled cells once."""
    at: dict[int, list[str]] = {}
    for k, s in events.extras.items():
        key = ", " + _enc_str(str(k)) + ": "
        idx, vals = s.index.tolist(), s.tolist()
        kinds = set(map(type, vals))
        if kinds <= {str}:              # the common cases without a per-cell type test
            pairs = [(i, key + _enc_str(v)) for i, v in zip(idx, vals) if v]
        elif kinds <= {int}:            # bool is not int here: type(True) is bool
            pairs = [(i, key + str(v)) for i, v in zip(idx, vals)]
        else:
            pairs = []
            for i, v in zip(idx, vals):
                v = plain(v)
                if v is None or v == "":
                    continue
                pairs.append((i, key + (_enc_str(v) if type(v) is str else _enc_any(v))))
        for i, text in pairs:
            got = at.get(i)
            if got is None:
                at[i] = [text]
            else:
                got.append(text)
    return {i: _esc_surrogates("".join(f)) for i, f in at.items()}


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


