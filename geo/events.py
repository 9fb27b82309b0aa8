"""The events of one build as columns: the table every pass after reading hands to the next.

Why columns: a row dict costs about 9 KB per event (a million events would not fit a laptop),
and a wide, sparse table (one row with 1,000 extra columns) would cost rows × columns as a
dense frame. So an :class:`EventTable` is

* ``core`` — a :class:`pandas.DataFrame`, one row per event (positions ``0..n-1``), holding
  :data:`geo.schema.COLUMNS` and the columns the pipeline itself adds (:data:`PIPELINE_COLUMNS`);
* ``extras`` — the reader's other columns, each a :class:`pandas.Series` of its *filled* cells
  only, indexed by event position: stored once per column, costing what is filled.

It also reads as a sequence of event dicts (``len``, ``t[i]``, iteration), the shape the rest of
the code and its tests used before, so callers can move over one at a time.
Coordinates are WGS84 degrees (EPSG:4326), ``latitude``/``longitude`` floats (NaN = none).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo.schema import COLUMNS

#: Columns the pipeline adds to every event besides our schema (kept in ``core``, written after COLUMNS).
PIPELINE_COLUMNS: tuple[str, ...] = (
    "admin1_code", "occupied", "geocode_match", "geocode_query", "articles", "why",
    "input_file", "input_line",
)


def plain(v: Any) -> Any:
    """A JSON-safe scalar: NaN/±inf/None/pd.NA → None, numpy scalars → Python."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


#: at most this share of distinct values makes a text column a category (codes + one string per value)
_LABEL_SHARE = 0.5


def labels(values: Any) -> pd.Series:
    """A text column of few distinct values (types, precisions, regions, the input file) as a pandas
    categorical: one small integer per event instead of an 8-byte offset plus the text (a million
    events' label columns cost ~10 MB, not ~100 MB). *values*: an array, list, Series or Arrow array;
    a column of mostly distinct values (free text) stays pandas' string column. Categories are in
    first-appearance order; missing values stay missing. Values only: writers and the page see the
    same text as before (see :func:`set_cells` to write into such a column)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if isinstance(values, pd.Series):
        values = values.array if isinstance(values.dtype, pd.CategoricalDtype) else values.to_numpy(dtype=object)
    if isinstance(values, pd.Categorical):
        return pd.Series(values)
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        try:
            values = pa.array(values, pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):   # not all (valid) text: as it was
            return pd.Series(np.asarray(values, dtype=object))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    n = len(values)
    enc = pc.dictionary_encode(values.cast(pa.string()))
    if n >= 16 and len(enc.dictionary) > _LABEL_SHARE * n:
        return pd.Series(pd.array(values.cast(pa.large_string()), dtype=pd.StringDtype("pyarrow", na_value=np.nan))
                         if pd.Series(["x"]).dtype != object else values.to_pylist())
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
    width = np.int8 if len(enc.dictionary) < 127 else np.int16 if len(enc.dictionary) < 32767 else np.int32
    return pd.Series(pd.Categorical.from_codes(codes.astype(width), categories=pd.Index(
        enc.dictionary.to_pylist(), dtype=object)))


def set_cells(core: pd.DataFrame, key: str, positions: np.ndarray, values: list) -> None:
    """Write *values* into column *key* of *core* at *positions*; a categorical column stays one
    (new values become categories first: a categorical refuses values it does not know)."""
    col = core[key]
    if isinstance(col.dtype, pd.CategoricalDtype):
        cat = col.array
        new = [v for v in dict.fromkeys(values) if v is not None and v == v and v not in cat.categories]
        if all(isinstance(v, str) for v in new):
            cat = cat.add_categories(new) if new else cat.copy()
            cat[np.asarray(positions, dtype=np.int64)] = values
            core[key] = cat
            return
    arr = col.to_numpy(dtype=object).copy()
    arr[np.asarray(positions, dtype=np.int64)] = values
    core[key] = arr


#: below this many events a pass's garbage is small: not worth a collection (tests read thousands of tiny tables)
RELEASE_MIN_ROWS = 50_000


def release_memory(rows: int) -> None:
    """Hand memory freed by a pass over *rows* events back to the system (glibc keeps freed heap pages,
    Arrow's pool its own, and neither reuses the other's): the next pass's peak then starts from what
    is really held. Only for big tables (:data:`RELEASE_MIN_ROWS`); a no-op where unavailable."""
    if rows < RELEASE_MIN_ROWS:
        return
    import ctypes
    import gc

    import pyarrow as pa
    gc.collect()
    try:
        pa.default_memory_pool().release_unused()
    except Exception:   # an older pyarrow or a pool without it  # noqa: BLE001
        pass
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc (macOS, Windows, musl)
        pass


def _filled(v: Any) -> bool:
    v = plain(v)
    return v is not None and v != ""


@dataclass
class EventTable:
    """Events as a core frame plus sparse extra columns (see the module docstring)."""

    core: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(COLUMNS)))
    extras: dict[str, pd.Series] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.core = self.core.reset_index(drop=True)
        for c in COLUMNS:
            if c not in self.core:
                self.core[c] = None

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]]) -> EventTable:
        """From event dicts: our and the pipeline's columns go to ``core``, any other key whose
        value is filled to ``extras`` (so a key filled in one row costs one cell)."""
        rows = rows if isinstance(rows, list) else list(rows)
        known = dict.fromkeys(COLUMNS + PIPELINE_COLUMNS)
        present = [c for c in known if c in COLUMNS or any(c in r for r in rows)]
        core = pd.DataFrame({c: [plain(r.get(c)) for r in rows] for c in present}, columns=present)
        cells: dict[str, tuple[list[int], list[Any]]] = {}
        for i, r in enumerate(rows):
            for k, v in r.items():
                if k in known or k.startswith("_") or not _filled(v):
                    continue
                idx, vals = cells.setdefault(k, ([], []))
                idx.append(i)
                vals.append(plain(v))
        extras = {k: pd.Series(vals, index=np.asarray(idx, dtype=np.int64), dtype=object)
                  for k, (idx, vals) in cells.items()}
        return cls(core, extras)

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> EventTable:
        """From a dense frame (e.g. a GeoDataFrame read back): known columns to core, others sparse."""
        df = df.reset_index(drop=True)
        if "geometry" in df:
            df = pd.DataFrame(df.drop(columns="geometry"))
        known = set(COLUMNS + PIPELINE_COLUMNS)
        core = df[[c for c in df.columns if c in known]]
        extras = {}
        for c in df.columns:
            if c in known:
                continue
            s = df[c]
            mask = s.map(_filled).to_numpy(dtype=bool)
            if mask.any():
                extras[c] = s[mask].astype(object)
        return cls(core, extras)

    # --- reading ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.core)

    def columns(self) -> list[str]:
        """Output order: our schema, the pipeline's columns present, then extras by first appearance."""
        cols = list(COLUMNS) + [c for c in self.core.columns if c not in COLUMNS]
        return cols + [c for c in self.extras if c not in cols]

    def record(self, i: int) -> dict[str, Any]:
        """Event *i* as a dict: our schema's columns always, others only where filled; coordinates to 1e-6°."""
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        out = _row(list(self.core.columns), self.core.iloc[i].tolist())
        for k, s in self.extras.items():
            if i in s.index:
                out[k] = plain(s.at[i])
        return _round_coords(out)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.record(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Event dicts in order; linear in the filled cells (extras walked once, not per row)."""
        cols = list(self.core.columns)
        at: dict[int, list[tuple[str, Any]]] = {}
        for k, s in self.extras.items():
            for i, v in zip(s.index.tolist(), s.tolist()):
                at.setdefault(i, []).append((k, v))
        for i, values in enumerate(zip(*(self.core[c].tolist() for c in cols)) if cols else ()):
            out = _row(cols, values)
            for k, v in at.get(i, ()):
                out[k] = plain(v)
            yield _round_coords(out)

    def to_frame(self) -> pd.DataFrame:
        """One dense frame of every column (extras NaN where empty): for small tables and writers
        that need one; costs rows × columns."""
        df = self.core.copy()
        n = len(df)
        for k, s in self.extras.items():
            col = np.full(n, None, dtype=object)
            col[s.index.to_numpy()] = s.to_numpy()
            df[k] = col
        return df[self.columns()]

    def take(self, positions: Any) -> EventTable:
        """The events at *positions* (an integer array or boolean mask), renumbered 0..k-1.

        Linear in the events plus the filled extra cells (a position map, not a search per column).
        """
        pos = np.asarray(positions)
        if pos.dtype == bool:
            pos = np.flatnonzero(pos)
        pos = pos.astype(np.int64, copy=False)
        core = self.core.iloc[pos].reset_index(drop=True)
        new_of = np.full(len(self), -1, dtype=np.int64)
        new_of[pos] = np.arange(len(pos))
        extras = {}
        for k, s in self.extras.items():
            idx = new_of[s.index.to_numpy()]
            ok = idx >= 0
            if ok.any():
                extras[k] = pd.Series(s.to_numpy()[ok], index=idx[ok], dtype=object)
        return EventTable(core, extras)

    # --- building in passes ---------------------------------------------------------------------
    @classmethod
    def concat(cls, tables: list[EventTable]) -> EventTable:
        """One table of *tables* in order; extras keep first-appearance order (the first table's, then
        new ones). Core columns one table lacks are empty (None/NaN) for its events."""
        tables = [t for t in tables if len(t)] or tables[:1]
        if not tables:
            return cls()
        if len(tables) == 1:
            return tables[0]
        core = pd.concat([t.core for t in tables], ignore_index=True, sort=False)
        extras: dict[str, list[pd.Series]] = {}
        off = 0
        for t in tables:
            for k, s in t.extras.items():
                extras.setdefault(k, []).append(pd.Series(s.to_numpy(), index=s.index.to_numpy() + off, dtype=object))
            off += len(t)
        return cls(core, {k: v[0] if len(v) == 1 else pd.concat(v) for k, v in extras.items()})

    def set_sparse(self, key: str, positions: Any, values: Any) -> None:
        """Fill extra column *key* at *positions* (new values win over old ones there); the column
        takes its place among the extras by first filled event, as a row dict would have it."""
        pos = np.asarray(positions, dtype=np.int64)
        if not len(pos):
            return
        new = pd.Series(list(values), index=pos, dtype=object)
        old = self.extras.get(key)
        if old is not None and len(old):
            new = pd.concat([old[~old.index.isin(pos)], new]).sort_index()
        self.extras[key] = new
        self.order_extras()

    def order_extras(self) -> None:
        """Extras by first filled event (ties keep their current order): the order of first appearance."""
        ranked = sorted(enumerate(self.extras.items()), key=lambda r: (int(r[1][1].index.min()), r[0]))
        self.extras = {k: s for _, (k, s) in ranked}


_SCHEMA = frozenset(COLUMNS)


def _row(cols: list[str], values: Iterable[Any]) -> dict[str, Any]:
    """Our schema's columns always (None when empty); any other column only where filled."""
    out = {}
    for c, v in zip(cols, values):
        v = plain(v)
        if c in _SCHEMA or (v is not None and v != ""):
            out[c] = v
    return out


def _round_coords(r: dict[str, Any]) -> dict[str, Any]:
    for k in ("latitude", "longitude"):
        if r.get(k) is not None:
            r[k] = round(float(r[k]), 6)
    return r
