"""The build's passes over one :class:`geo.events.EventTable`: geocode → ids → corrections → date range →
regions → located. Each pass is one concern and works on columns; per-row Python only where a row
fails (it becomes a :class:`geo.read.Reject` with file, line, field and reason).

:class:`Batch` carries what the passes share besides the events: the tables' own event ids and
a way to the raw text of table rows for rejects decided late (kept for rows to geocode and rows
spanning lines, otherwise re-read from the file by line number, once per file).
"""
from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import methodcaller
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import dates as _dates
from geo._csv_chunks import WHITESPACE
from geo.events import PIPELINE_COLUMNS, EventTable, labels, release_memory, set_cells
from geo.read import Reject, TableColumns
from geo.schema import COLUMNS

if TYPE_CHECKING:
    from geo.frontline import Frontline


@dataclass
class Batch:
    """Events plus the tables they came from (for late rejects' raw text) and their own ids."""
    events: EventTable
    own_ids: pd.Series = field(default_factory=lambda: pd.Series([], dtype=object))
    sources: dict[str, TableColumns] = field(default_factory=dict)

    @classmethod
    def of_tables(cls, tables: list[TableColumns]) -> Batch:
        off, own = 0, []
        for t in tables:
            own.append(pd.Series(t.own_ids.to_numpy(), index=t.own_ids.index.to_numpy() + off, dtype=object))
            off += len(t.events)
        events = EventTable.concat([t.events for t in tables]) if tables else EventTable()
        for t in tables:   # the rows are in `events` now; only the raw-text side is kept
            t.events = EventTable()
        return cls(events, pd.concat(own) if own else pd.Series([], dtype=object), {t.file: t for t in tables})

    def take(self, keep: np.ndarray) -> None:
        """Keep the events where the boolean mask *keep* is true (own ids follow)."""
        if keep.all():
            return
        new = np.cumsum(keep) - 1
        idx = self.own_ids.index.to_numpy()
        ok = keep[idx]
        self.own_ids = pd.Series(self.own_ids.to_numpy()[ok], index=new[idx[ok]], dtype=object)
        self.events = self.events.take(keep)

    def late_rejects(self, positions: np.ndarray, field_: str, reason: Callable[[int], str]) -> list[Reject]:
        """Rejects for events at *positions* decided after reading: file, line, field, reason and raw
        text (a table row's own text, else an article event's evidence; at most 2,000 characters)."""
        core = self.events.core
        files = core["input_file"].to_numpy()[positions] if "input_file" in core else [None] * len(positions)
        lines = core["input_line"].to_numpy()[positions] if "input_line" in core else [None] * len(positions)
        want: dict[str, set[int]] = {}
        files = [f if isinstance(f, str) else None for f in files]
        for f, ln in zip(files, lines):
            if f in self.sources and ln == ln:
                want.setdefault(f, set()).add(int(ln))
        raws = {f: self.sources[f].raw(lns) for f, lns in want.items()}
        out = []
        for p, f, ln in zip(positions.tolist(), files, lines):
            rec = None
            if f in raws:
                raw, line = raws[f].get(int(ln), ""), int(ln)
            else:
                rec = self.events.record(p)
                raw, line = "", rec.get("input_line") or ""
            if not raw:
                rec = rec or self.events.record(p)
                raw = str(rec.get("evidence") or "")
                f = f or rec.get("articles") or rec.get("source") or ""
            out.append(Reject(str(f), line, field_, reason(p), raw[:2000]))
        return out


# ---------------------------------------------------------------- geocode

def geocode(b: Batch, geocoder_name: str, progress: Callable[[str, int], Any] | None = None) -> list[Reject]:
    """Rows without coordinates get them by name (memoised per distinct name and hint); given
    coordinates mean confidence 1.0 when the table gave none. Returns the rejects (place not found)."""
    t = b.events
    core = t.core
    if not len(t):
        return []
    bar = progress("geocoding", len(t)) if progress else None
    lat = core["latitude"].to_numpy(dtype=float)
    need = np.flatnonzero(np.isnan(lat))
    conf = core["confidence"].to_numpy(dtype=float).copy()
    conf[np.isnan(conf) & ~np.isnan(lat)] = 1.0
    core["confidence"] = conf
    rejects: list[Reject] = []
    if len(need):
        with _gc_paused():
            _geocode_rows(b, need, conf, geocoder_name, rejects)
    if bar:
        bar.update(len(t))
        bar.close()
    return rejects


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while geocoding: the pass makes a few hundred thousand small,
    acyclic objects (answers, their dicts and tuples) that trigger collections scanning everything alive
    (a quarter of the pass's CPU time); nothing is left for the collector to find."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _geocode_rows(b: Batch, need: np.ndarray, conf: np.ndarray, geocoder_name: str, rejects: list[Reject]) -> None:
    """The rows at *need* geocoded in place (rows not found dropped, their rejects appended)."""
    from geo.geocode import filled, make_geocoder, place_names
    t = b.events
    core = t.core
    lat = core["latitude"].to_numpy(dtype=float)
    coder = make_geocoder(geocoder_name)
    names = core["location_name"].to_numpy()[need].tolist()
    hint_s = t.extras.get("admin1_input")
    hints = [""] * len(need) if hint_s is None else \
        hint_s.reindex(need).where(lambda s: s.notna(), "").tolist()
    files = core["input_file"].to_numpy()
    dates = core["event_date"].to_numpy()
    groups = [(str(files[i]), str(dates[i] or "")) for i in need.tolist()]

    def given(wanted: set) -> dict:
        days = {d for _, d in wanted}
        sel = np.flatnonzero(~np.isnan(lat) & core["event_date"].isin(days).to_numpy())
        lon = core["longitude"].to_numpy(dtype=float)
        out: dict = {}
        if not len(sel):
            return out
        # rows grouped by (file, date) in numpy; each group's points in row order
        cf, _ = pd.factorize(files[sel], use_na_sentinel=False)
        cd, ud = pd.factorize(dates[sel], use_na_sentinel=False)
        code = cf.astype(np.int64) * (len(ud) + 1) + cd
        order = np.argsort(code, kind="stable")
        _, start = np.unique(code[order], return_index=True)
        xy = np.column_stack([lat[sel], lon[sel]])
        for a, z in zip(start.tolist(), [*start[1:].tolist(), len(order)]):
            first = sel[order[a]]
            g = (str(files[first]), str(dates[first] or ""))
            if g in wanted:
                out[g] = [tuple(p) for p in xy[order[a:z]].tolist()]
        return out
    locs, whys = place_names(names, hints, groups, coder, given)
    lines = core["input_line"].to_numpy()
    bad = [k for k, loc in enumerate(locs) if loc is None]
    for k in bad:
        i = need[k]
        src = b.sources.get(str(files[i]))
        raw = src.raws.get(int(lines[i]), "") if src else ""
        rejects.append(Reject(str(files[i]), int(lines[i]), "location_name", whys[k], raw))
    placed = [(int(need[k]), loc) for k, loc in enumerate(locs) if loc is not None]
    if placed:
        cols: dict[str, dict[int, Any]] = {}
        memo: dict[tuple[int, bool], dict[str, Any]] = {}   # rows share answers: fields per (answer, conf given)
        missing = np.isnan(conf)
        for i, loc in placed:
            mk = (id(loc), bool(missing[i]))
            got = memo.get(mk)
            if got is None:
                got = memo[mk] = filled(loc, conf[i])
            for key, v in got.items():
                cols.setdefault(key, {})[i] = v
        for key in ("latitude", "longitude", "geo_precision", "geocode_match", "confidence"):
            vals = cols.pop(key, {})
            if key not in core:
                core[key] = np.full(len(core), None, dtype=object)
            if vals:
                pos = np.fromiter(vals, np.int64, len(vals))
                if isinstance(core[key].dtype, pd.CategoricalDtype):
                    set_cells(core, key, pos, list(vals.values()))
                else:
                    arr = core[key].to_numpy().copy()
                    arr[pos] = list(vals.values())
                    core[key] = arr
        for key, vals in cols.items():
            t.set_sparse(key, list(vals), list(vals.values()))
    if bad:
        keep = np.ones(len(t), bool)
        keep[need[bad]] = False
        b.take(keep)


# ---------------------------------------------------------------- ids

def assign_ids(b: Batch) -> None:
    """A table row's own event_id, else one from its content (:func:`geo.schema.event_id`)."""
    core = b.events.core
    n = len(core)
    if not n:
        return
    own = b.own_ids
    given_ids = "event_id" in core and core["event_id"].notna().any()
    if not len(own) and not given_ids:   # content ids only: kept as Arrow text (no Python string per id)
        core["event_id"] = pd.Series(pd.array(event_id_array(core), dtype=_STR) if _STR is not object
                                     else event_ids(core))
        release_memory(n)
        return
    ids = event_ids(core)
    if len(own):
        ids[own.index.to_numpy()] = own.to_numpy()
    if "event_id" in core and core["event_id"].notna().any():   # article events came with theirs
        given = core["event_id"].to_numpy()
        has = pd.notna(given) & (given != "")
        if "input_file" in core:
            has &= core["input_file"].isna().to_numpy()
        ids[has] = given[has]
    core["event_id"] = ids
    release_memory(n)   # the id texts and digests of every slice


def event_ids(core: pd.DataFrame, step: int = 100_000) -> np.ndarray:
    """Content ids of every row, as :func:`geo.schema.event_id` makes them (with text), column-wise.

    The id text (date, type, place trimmed and lower-cased, coordinates to 3 decimals, source
    trimmed, evidence with its whitespace runs collapsed) is built by Arrow over whole columns; only
    SHA-1 itself runs per row (hashlib: the ids stay exactly those of :func:`geo.schema.event_id`).
    *step* rows at a time: the strings the hash needs exist for one slice, not the table.
    """
    out = np.empty(len(core), dtype=object)
    a = 0
    for ids in _event_id_slices(core, step):
        out[a:a + len(ids)] = ids.to_numpy(zero_copy_only=False)
        a += len(ids)
    return out


def event_id_array(core: pd.DataFrame, step: int = 100_000) -> pa.ChunkedArray:
    """:func:`event_ids` as one Arrow large_string array (chunked by *step*): 16 bytes and an offset per
    id, where a Python string per id costs ~65 bytes."""
    parts = [ids.cast(_LARGE) for ids in _event_id_slices(core, step)]
    return pa.chunked_array(parts, _LARGE)


def _event_id_slices(core: pd.DataFrame, step: int) -> Iterator[pa.Array]:
    for a in range(0, len(core), step):
        def col(c: str, a: int = a) -> pd.Series:
            return core[c] if len(core) <= step else core[c].iloc[a:a + step]
        joined = pc.binary_join_element_wise(
            _text(col("event_date")), _text(col("event_type")),
            _text(col("location_name"), lambda v: v.strip().lower(), _place_key),
            _coord(col("latitude")), _coord(col("longitude")), _text(col("source"), str.strip, _trimmed),
            _text(col("evidence"), lambda v: " ".join(v.split()), _collapsed), pa.scalar("\x1f", _LARGE))
        yield _sha1_16(joined.cast(pa.large_binary()).to_pylist())


def _sha1_16(texts: list[bytes]) -> pa.Array:
    """The first 16 hex digits of each text's SHA-1 (hashlib per text, the hex of all at once)."""
    digests = b"".join(map(methodcaller("digest"), map(hashlib.sha1, texts)))
    hexed = np.frombuffer(digests, np.uint8).reshape(-1, 20)[:, :8].tobytes().hex().encode("ascii")
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(texts), [None, pa.py_buffer(hexed)])
    return fixed.cast(pa.binary()).cast(pa.string())


#: pandas' Arrow strings are large strings: the id text stays in that type (no copy to convert)
_LARGE = pa.large_string()
#: pandas' own string dtype (what a column of Python strings becomes; object on pandas before 3)
_STR = pd.Series(["x"]).dtype
#: a cell " ".join(s.split()) changes: whitespace other than a space, two spaces, a space at either end
_UNEVEN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE if c != " ") + "]|  |^ | $"


def _trimmed(col: pa.Array) -> pa.Array:
    return pc.utf8_trim(col, WHITESPACE)


def _per_cell(out: pa.Array, col: pa.Array, mask: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """*out* where *mask* is false, else *fn* of *col*'s cell in Python (the few odd cells)."""
    idx = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    if not len(idx):
        return out
    vals = [fn(v) for v in col.take(pa.array(idx)).to_pylist()]
    return pc.replace_with_mask(out, mask, pa.array(vals, out.type))


def _collapsed(col: pa.Array) -> pa.Array:
    """" ".join(s.split()): the cells with uneven whitespace in Python, the rest are already so."""
    return _per_cell(col, col, pc.match_substring_regex(col, _UNEVEN), lambda v: " ".join(v.split()))


def _place_key(col: pa.Array) -> pa.Array:
    """s.strip().lower(): Arrow where the cell is ASCII (its lower case is Python's there), Python elsewhere."""
    low = pc.ascii_lower(pc.utf8_trim(col, WHITESPACE))
    return _per_cell(low, col, pc.invert(pc.string_is_ascii(col)), lambda v: v.strip().lower())


def _text(s: pd.Series, py: Callable[[str], str] | None = None,
          arrow: Callable[[pa.Array], pa.Array] | None = None) -> pa.Array:
    """A column's cells as text ("" for None/NaN, str() of anything else), then *arrow*'s transform
    (*py* per cell instead when the column holds other objects than strings), as one Arrow string array."""
    try:
        col = pa.array(s.array if isinstance(s.dtype, pd.StringDtype) else s.to_numpy(), type=_LARGE,
                       from_pandas=True).fill_null("")
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        col = None
    if col is not None and arrow is not None:
        col = arrow(col)
    elif col is None:
        vals = [v if isinstance(v, str) else ("" if v is None or v != v else str(v)) for v in s.tolist()]
        col = pa.array([py(v) for v in vals] if py else vals, _LARGE)
    return col


def _coord(s: pd.Series) -> pa.Array:
    """f"{x:.3f}" of each coordinate ("" for none), formatted once per distinct value."""
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    bits, inv = np.unique(v.view(np.uint64), return_inverse=True)
    txt = ["" if x != x else f"{x:.3f}" for x in bits.view(np.float64).tolist()]
    return pa.array(txt, _LARGE).take(pa.array(inv.reshape(-1)))


def unique_ids(b: Batch) -> None:
    """Identical rows share a content id; number the repeats so ids stay unique and stable."""
    ids = b.events.core["event_id"]
    if isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow" and len(ids):
        a = pa.array(ids.array)
        if not a.null_count and pc.count_distinct(a).as_py() == len(a):   # no repeats: nothing to number
            return
    n = ids.groupby(ids, sort=False).cumcount().to_numpy()
    if (n > 0).any():
        arr = ids.to_numpy().copy()
        rep = np.flatnonzero(n > 0)
        arr[rep] = [f"{arr[i]}-{n[i] + 1}" for i in rep.tolist()]
        b.events.core["event_id"] = arr


# ---------------------------------------------------------------- corrections

def correct(b: Batch, fixes: Any) -> tuple[int, list[Reject]]:
    """Apply corrections to the events they name (a few, as dicts, by :func:`geo.corrections.apply_corrections`)
    and write what changed back into the columns. Returns (events dropped, rejects of unmatched ids)."""
    from geo.corrections import apply_corrections
    t = b.events
    ids = {c.event_id for c in fixes}
    pos = np.flatnonzero(t.core["event_id"].isin(ids).to_numpy()) if len(t) else np.array([], dtype=np.int64)
    before = [_plain_record(t, int(p)) for p in pos]
    events = [dict(r) for r in before]
    applied = apply_corrections(events, fixes)
    kept = {id(e) for e in applied.events}
    keep = np.ones(len(t), bool)
    for p, old, new in zip(pos.tolist(), before, events):
        if id(new) not in kept:
            keep[p] = False
            continue
        for k, v in new.items():
            if k in old and _same(old[k], v):
                continue
            _set_cell(t, p, k, v)
    b.take(keep)
    return applied.n_dropped, applied.rejects


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and (a == b or (a != a and b != b))


def _plain_record(t: EventTable, i: int) -> dict[str, Any]:
    from geo.events import plain
    out = {c: plain(v) for c, v in zip(t.core.columns, t.core.iloc[i].tolist())}
    for k, s in t.extras.items():
        if i in s.index:
            out[k] = plain(s.at[i])
    return out


def _set_cell(t: EventTable, i: int, key: str, v: Any) -> None:
    core = t.core
    if key in core.columns or key in COLUMNS or key in PIPELINE_COLUMNS:
        if key not in core.columns:
            core[key] = np.full(len(core), None, dtype=object)
        col = core[key]
        if col.dtype != object and not (isinstance(v, (int, float)) and not isinstance(v, bool)
                                        and col.dtype.kind == "f"):
            core[key] = col.astype(object)
        core.loc[i, key] = v
        return
    s = t.extras.get(key)
    if v is None or v == "":
        if s is not None and i in s.index:
            rest = s.drop(index=i)
            if len(rest):
                t.extras[key] = rest
            else:
                del t.extras[key]
        return
    t.set_sparse(key, [i], [v])


# ---------------------------------------------------------------- date range, regions, located

def in_range(b: Batch, lo: date, hi: date) -> list[Reject]:
    """Events dated wholly outside [lo, hi] become rejects (a 9999-12-31 must not stretch the timeline)."""
    d = b.events.core["event_date"]
    if not len(d):
        return []
    dstr = [v if isinstance(v, str) else (str(v or "") if v == v else "") for v in d.tolist()]
    memo = {v: bool(v) and _dates.outside(v, lo, hi) for v in set(dstr)}
    out = np.fromiter((memo[v] for v in dstr), bool, len(dstr))
    if not out.any():
        return []
    pos = np.flatnonzero(out)
    vals = dstr
    rng = f"{lo.isoformat()}..{hi.isoformat()}"
    rejects = b.late_rejects(pos, "event_date", lambda p: f"date {vals[p]} outside --date-range {rng}")
    b.take(~out)
    return rejects


def join_regions(b: Batch, frontline: Frontline | None, step: int = 100_000) -> list[str]:
    """country/admin1/admin1_code (and occupied) from coordinates; returns warnings.

    *step* events at a time (each point is located on its own, so slices give the same answer):
    the join's points and copies exist for one slice, not the table.
    """
    from geo.regions import join_regions as join
    core = b.events.core
    if not len(core):
        return []
    out: dict[str, list[np.ndarray]] = {"country": [], "admin1": [], "admin1_code": [], "occupied": []}
    for a in range(0, len(core), step):
        df = join(core.iloc[a:a + step][["latitude", "longitude", "event_date", "geo_precision"]].reset_index(drop=True))
        country_level = df["geo_precision"].eq("country").to_numpy()
        for c in ("country", "admin1", "admin1_code"):
            arr = df[c].to_numpy(dtype=object).copy()
            if c != "country":
                arr[country_level] = ""   # a country-level event (a nationwide total) lies in no oblast
            out[c].append(arr)
        if frontline is not None:
            out["occupied"].append(frontline.occupied(df).to_numpy())
        del df
    for c in ("country", "admin1", "admin1_code"):   # a few hundred regions: categoricals, not text per row
        core[c] = labels(np.concatenate(out.pop(c)))
    warnings: list[str] = []
    if frontline is not None:
        core["occupied"] = np.concatenate(out["occupied"])
        warn = frontline.coverage_warning(core["event_date"])
        if warn:
            warnings.append(warn)
    release_memory(len(core))   # the slices' points and frames
    return warnings


def located(b: Batch) -> list[Reject]:
    """The map can only show located events; the rest become rejects rather than vanish."""
    core = b.events.core
    if not len(core):
        return []
    lat = pd.to_numeric(core["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(core["longitude"], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(lat) | np.isnan(lon) | ~np.isfinite(lat) | ~np.isfinite(lon)
    if not bad.any():
        return []
    rejects = b.late_rejects(np.flatnonzero(bad), "latitude", lambda p: "no coordinates after geocoding")
    b.take(~bad)
    return rejects


def finish(b: Batch) -> EventTable:
    """The hand-over: our schema's columns, then the pipeline's present ones (in their order), floats
    for coordinates (rounded to 1e-6°, ~0.1 m) and confidence; extras in order of first appearance."""
    t = b.events
    core = t.core
    for k in [k for k in t.extras if k in COLUMNS or k in PIPELINE_COLUMNS]:   # an input column named like ours
        s = t.extras.pop(k)
        if k not in core:
            core[k] = np.full(len(core), None, dtype=object)
        arr = core[k].to_numpy(dtype=object).copy()
        idx = s.index.to_numpy()
        empty = pd.isna(arr[idx])
        arr[idx[empty]] = s.to_numpy()[empty]
        core[k] = arr
    for k in ("latitude", "longitude"):   # Python's round (correctly rounded), as the row dicts had it
        v = pd.to_numeric(core[k], errors="coerce").to_numpy(dtype=float)
        core[k] = np.array([round(x, 6) for x in v.tolist()], dtype=float)
    cols = list(COLUMNS) + [c for c in PIPELINE_COLUMNS if c in core.columns]
    t.core = core[cols].reset_index(drop=True)
    t.order_extras()
    release_memory(len(t))
    return t
