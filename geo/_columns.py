"""Raw table cells → our schema's columns, a chunk at a time (the columnar half of :mod:`geo.read`).

Why columns: one Python dict per row cost ~9 KB per event. Here each chunk's cells (Arrow string
arrays) become columns at once: coordinates parsed as one float array (Arrow's cast for plain
decimals, Python's float() otherwise) and validated by masks, dates parsed once per distinct string
(memoised for the whole file), labels (type, actor, status, precisions) normalised once per
distinct value and spread back by dictionary codes, text columns kept as Arrow strings (pandas'
own string dtype, no Python object per cell), extras kept as sparse (position, value) lists. Per-row Python remains only
for building a reject's message, and rows that fail become :class:`geo.read.Reject` with the same
file, line, field and reason as the row-at-a-time reader gave.

A row's first failing check names the reject, in the order the row reader used: latitude,
longitude, "no coordinates and no place name", date, confidence.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import dates as _dates
from geo.events import EventTable, labels
from geo.schema import DATE_PRECISIONS, GEO_PRECISIONS

#: keys every read row gets from us (or the pipeline): an input column of that name is overwritten
OVERWRITTEN = frozenset((
    "latitude", "longitude", "location_name", "admin1_input", "event_date", "date_precision", "event_type",
    "event_type_original", "actor", "status", "weapon", "geo_precision", "source", "evidence", "confidence",
    "event_id_input", "input_file", "input_line", "event_id", "country", "admin1", "admin1_code",
))
#: core columns made by reading (dtype: float for these, object for the rest)
FLOATS = ("latitude", "longitude", "confidence")
READ_COLUMNS = ("event_date", "date_precision", "event_type", "event_type_original", "weapon", "actor", "status",
                "location_name", "latitude", "longitude", "geo_precision", "source", "evidence", "confidence")
_NAN = float("nan")
#: columns of a few distinct values: kept as categoricals (:func:`geo.events.labels`), not text per row
LABEL_COLUMNS = ("date_precision", "event_type", "event_type_original", "weapon", "actor", "status", "geo_precision")


class _Pending(str):
    """A numeric d/m/y date whose day/month order is settled only when the whole file has been read."""


@dataclass
class FileState:
    """What one file's chunks share: the column mapping, memos, and the columns built so far."""
    file: str
    mapping: dict[str, str]
    extras: list[str]                       # input columns that are not ours, in header order
    dayfirst: bool | None = None
    order: _dates.DateOrder = field(default_factory=_dates.DateOrder)
    date_memo: dict[str, Any] = field(default_factory=dict)
    label_memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    cols: dict[str, list] = field(default_factory=lambda: {c: [] for c in READ_COLUMNS})
    lines: list[np.ndarray] = field(default_factory=list)   # first line of each kept row, per chunk
    sparse: dict[str, tuple[list[int], list[Any]]] = field(default_factory=dict)
    key_rank: dict[str, tuple[int, int]] = field(default_factory=dict)   # key -> (first position, in-row rank)
    pending: list[int] = field(default_factory=list)                     # positions with a _Pending date
    raws: dict[int, str] = field(default_factory=dict)                   # line -> raw text kept
    spans: dict[int, int] = field(default_factory=dict)      # CSV: rows whose raw text to re-read: start -> end
    unfilled: list = field(default_factory=list)             # CSV: rejects waiting for their raw text
    encoding: str = ""
    rejects: list = field(default_factory=list)
    n: int = 0

    def field_of(self, ours: str) -> str:
        return self.mapping.get(ours, ours)


def add_chunk(st: FileState, get: Callable[[str], pa.Array], n: int, lines: Sequence[int],
              raws: Sequence[str] | None, extras: list[tuple[str, list[int], list[str]]],
              bad: list[tuple[int, str, str, Any]], ends: Sequence[int] | None = None) -> None:
    """Turn one chunk into columns appended to *st*; its failing rows (and *bad*: (line, field, reason,
    raw) of rows that could not be split) become rejects in line order.

    *raws* are the rows' raw texts, or None for a CSV file, where *ends* give each row's last line
    and the texts the rejects and later passes need are re-read once the file is done (a bad row's
    "raw" is then its last line).

    *get(ours)* gives the cleaned (trimmed, formula prefix undone) strings of our column *ours* as an
    Arrow string array (``""`` where the input has no such column); *extras* are (input column,
    chunk positions, cleaned non-empty values) of the other columns. Labels, dates and confidences
    are worked out once per distinct value and spread back by codes; nothing here loops over rows
    in Python except the rows that fail.
    """
    from geo.read import DERIVED, Reject
    m = st.mapping
    lines = np.asarray(lines, dtype=np.int64)
    lat_s, lon_s = get("latitude"), get("longitude")
    name = get("location_name")
    lat, lon, err = _coordinates(lat_s, lon_s, st.field_of("latitude"), st.field_of("longitude"))
    no_place = np.isnan(lat) & _empty(name)
    for i in np.flatnonzero(no_place).tolist():
        err.setdefault(i, (st.field_of("location_name"), "no coordinates and no place name"))
    dcodes, duniq = _codes(get("event_date"))
    dvals = _memo_values(duniq, st.date_memo, lambda v: _parse_date(st, v))
    bad_u = [j for j, d in enumerate(dvals) if type(d) is tuple and d[0] is None]
    if bad_u:
        for i in np.flatnonzero(np.isin(dcodes, bad_u)).tolist():
            if i not in err:
                err[i] = (st.field_of("event_date"), dvals[dcodes[i]][1])
    ccodes, cuniq = _codes(get("confidence"))
    cvals = _memo_values(cuniq, st.label_memo.setdefault(("confidence", ""), {}), lambda v: _confidence(v, m))
    bad_c = [j for j, c in enumerate(cvals) if type(c) is tuple]
    if bad_c:
        for i in np.flatnonzero(np.isin(ccodes, bad_c)).tolist():
            if i not in err:
                err[i] = cvals[ccodes[i]]
    lines_l = lines.tolist()
    problems = [(lines_l[i], f, r, raws[i] if raws is not None else int(ends[i])) for i, (f, r) in err.items()] + bad
    for line, f, r, raw in sorted(problems, key=lambda p: p[0]):
        if raws is None:
            st.spans[line] = raw
            st.unfilled.append(Reject(st.file, line, f, r, ""))
            st.rejects.append(st.unfilled[-1])
        else:
            st.rejects.append(Reject(st.file, line, f, r, raw))
    if err:
        mask = np.ones(n, bool)
        mask[list(err)] = False
        keep: np.ndarray | None = np.flatnonzero(mask)
    else:
        keep = None

    def kept(col: pa.Array) -> pa.Array:
        return col if keep is None else col.take(pa.array(keep))

    def kc(codes: np.ndarray) -> np.ndarray:
        return codes if keep is None else codes[keep]

    base = st.n
    lat_k, lon_k = (lat, lon) if keep is None else (lat[keep], lon[keep])
    lines_k = lines if keep is None else lines[keep]
    nk = len(lines_k)
    st.cols["latitude"].append(lat_k)
    st.cols["longitude"].append(lon_k)
    has_xy = ~np.isnan(lat_k)
    dk = kc(dcodes)
    iso_u = _objects([d[0] if type(d) is tuple else d for d in dvals])
    iso = iso_u[dk] if len(iso_u) else _objects([])
    pend_u = [j for j, d in enumerate(dvals) if type(d) is _Pending]
    if pend_u:
        st.pending.extend((base + np.flatnonzero(np.isin(dk, pend_u))).tolist())
    c: dict[str, pa.Array] = {}                 # this chunk's text columns (Arrow)
    gcodes, guniq = _codes(kept(get("date_precision")))
    g_ok = np.array([g.lower() in DATE_PRECISIONS for g in guniq], bool)
    iso_set = np.array([bool(d[0] if type(d) is tuple else d) for d in dvals], bool)
    use_given = (g_ok[gcodes] & iso_set[dk]) if nk else np.zeros(0, bool)
    prec = _by_codes([d[1] if type(d) is tuple else "day" for d in dvals], dk)
    c["date_precision"] = pc.if_else(pa.array(use_given, pa.bool_()),
                                     _by_codes([g.lower() for g in guniq], gcodes), prec)
    tcodes, tuniq = _codes(kept(get("event_type")))
    types = _memo_values(tuniq, st.label_memo.setdefault(("type", ""), {}), _type)
    c["event_type"] = _by_codes([t[0] for t in types], tcodes)
    # our own output read back: the label it was normalised from (main's read.py rule, column-wise)
    t_orig = _by_codes([t[1] for t in types], tcodes)
    c["event_type_original"] = pc.if_else(pc.not_equal(t_orig, ""), t_orig, kept(get("event_type_original")))
    acodes, auniq = _codes(kept(get("actor")))
    actors = _memo_values(auniq, st.label_memo.setdefault(("actor", ""), {}), _actor)
    c["actor"] = _by_codes([a[0] for a in actors], acodes)
    scodes, suniq = _codes(kept(get("status")))
    statuses = _memo_values(suniq, st.label_memo.setdefault(("status", ""), {}), _status)
    c["status"] = _by_codes([x[0] for x in statuses], scodes)
    c["weapon"] = kept(get("weapon"))
    c["location_name"] = kept(name)
    pcodes, puniq = _codes(kept(get("geo_precision")))
    p_ok = np.array([g.lower() in GEO_PRECISIONS for g in puniq], bool)
    fallback = pc.if_else(pa.array(has_xy, pa.bool_()), "settlement", "")
    c["geo_precision"] = pc.if_else(pa.array(p_ok[pcodes] if nk else np.zeros(0, bool), pa.bool_()),
                                    _by_codes([g.lower() for g in puniq], pcodes), fallback)
    c["source"] = kept(get("source"))
    c["evidence"] = kept(get("evidence"))
    conf_u = np.array([_NAN if v is None or type(v) is tuple else v for v in cvals], dtype=float)
    st.cols["confidence"].append(conf_u[kc(ccodes)] if nk else np.zeros(0, float))
    st.lines.append(lines_k)
    if nk:
        st.cols["event_date"].append(iso)   # a few hundred distinct dates: shared strings
        for k, v in c.items():
            st.cols[k].append(v)
    del c
    # sparse columns: the input's extras first (header order), then ours (as a row dict had them)
    new_of = None
    if keep is not None:
        new_of = np.full(n, -1, np.int64)
        new_of[keep] = np.arange(nk)
    order = 0
    for col, pos, vals in extras:
        key = DERIVED.get(col.strip().lower(), col)
        if key in OVERWRITTEN or key.startswith("_"):
            continue
        if new_of is not None:
            np_pos = new_of[np.asarray(pos, np.int64)]
            ok = np_pos >= 0
            vals = [v for v, o in zip(vals, ok.tolist()) if o]
            pos = np_pos[ok].tolist()
        _add_sparse(st, key, [base + p for p in pos], vals, order)
        order += 1
    for key, values in (("admin1_input", kept(get("admin1"))), ("event_id_input", kept(get("event_id")))):
        pos = filled(values)
        if len(pos):
            vals = values.take(pa.array(pos)).to_pylist()
            _add_sparse(st, key, (base + pos).tolist(), _shared(vals, st.label_memo.setdefault((key, ""), {})),
                        order if key == "admin1_input" else order + 3)
    for key, codes, pairs in (("actor_original", acodes, actors), ("status_original", scodes, statuses)):
        orig = _objects([x[1] for x in pairs])
        has = np.array([bool(x[1]) for x in pairs], bool)
        pos = np.flatnonzero(has[codes]) if nk and has.any() else np.zeros(0, np.int64)
        if len(pos):
            _add_sparse(st, key, (base + pos).tolist(), orig[codes[pos]].tolist(),
                        order + 1 if key == "actor_original" else order + 2)
    # raw text kept only where a later pass may need it and the file cannot give it back by line
    # number: rows to geocode (their rejects) and rows spanning several lines
    if raws is not None:
        st.raws.update(zip(lines_k.tolist(), raws if keep is None else [raws[i] for i in keep.tolist()]))
    else:
        ends_k = np.asarray(ends, np.int64)
        ends_k = ends_k if keep is None else ends_k[keep]
        sel = ~has_xy | (ends_k != lines_k)
        st.spans.update(zip(lines_k[sel].tolist(), ends_k[sel].tolist()))
    st.n += nk


def finish(st: FileState, dayfirst: bool | None) -> tuple[EventTable, pd.Series]:
    """The file's events (core + sparse extras) and its own event ids (sparse), once every chunk is in.

    Settles the day/month order of numeric dates from the whole column (an :class:`InputError`
    when it cannot be settled, as before reading any row); rows whose date still fails are rejects.
    """
    from geo.read import Reject
    lines = np.concatenate(st.lines) if st.lines else np.array([], dtype=np.int64)
    parse = st.order.parser(file=st.file, field=st.field_of("event_date"), dayfirst=dayfirst)
    drop: list[int] = []
    ev = st.cols["event_date"] = np.concatenate(st.cols["event_date"]) if st.cols["event_date"] else _objects([])
    if st.pending:
        memo: dict[str, Any] = {}
        for p in st.pending:
            v = ev[p]
            if v not in memo:
                try:
                    memo[v] = parse(v)
                except ValueError as e:
                    memo[v] = (None, str(e))
            iso, prec = memo[v]
            if iso is None:
                drop.append(p)
                ln = int(lines[p])
                st.rejects.append(Reject(st.file, ln, st.field_of("event_date"), prec, st.raws.get(ln, "")))
                st.spans.setdefault(ln, ln)
                st.unfilled.append(st.rejects[-1])
            ev[p] = iso or ""
    if st.spans:   # one more pass over the file for the raw text of rejects and rows to geocode
        from geo._csv_chunks import raw_spans
        got = raw_spans(st.file, st.encoding, st.spans)
        for r in st.unfilled:
            r.raw = r.raw or got.get(r.line, "")
        st.raws.update(got)
        st.spans, st.unfilled = {}, []
    core = {}
    for c in READ_COLUMNS:
        v = st.cols.pop(c)
        if c in FLOATS:
            core[c] = pd.Series(np.concatenate(v) if v else np.array([], dtype=float))
        elif c == "event_date":
            core[c] = pd.Series(v)
        elif c in LABEL_COLUMNS:
            core[c] = labels(pa.chunked_array(v, pa.string())) if v else pd.Series(_objects([]))
        else:
            core[c] = _str_series(v) if v else pd.Series(_objects([]))
        del v
    core["input_file"] = pd.Series(pd.Categorical.from_codes(np.zeros(st.n, np.int8), categories=pd.Index(
        [st.file], dtype=object)))   # one path per row as one byte per row (was the path's text per row)
    core["input_line"] = pd.Series(lines)
    frame = pd.DataFrame(core)
    del core
    own = st.sparse.pop("event_id_input", ([], []))
    extras = {}
    for key in sorted(st.sparse, key=lambda k: st.key_rank[k]):
        pos, vals = st.sparse[key]
        extras[key] = pd.Series(vals, index=np.asarray(pos, dtype=np.int64), dtype=object)
    table = EventTable(frame, extras)
    own_ids = pd.Series(own[1], index=np.asarray(own[0], dtype=np.int64), dtype=object)
    if drop:
        keep = np.ones(len(table), bool)
        keep[drop] = False
        own_ids = _take_sparse(own_ids, keep)
        table = table.take(keep)
    return table, own_ids


#: pandas' own string dtype (Arrow-backed, NaN for missing): what a column of Python strings becomes
_STR = pd.Series(["x"]).dtype


def _str_series(parts: list[pa.Array]) -> pd.Series:
    """One pandas string column of the chunks' Arrow arrays (no Python string per cell)."""
    arr = pa.chunked_array(parts, pa.string()).cast(pa.large_string())
    return pd.Series(pd.array(arr, dtype=_STR) if _STR is not object else arr.to_pylist())


def _take_sparse(s: pd.Series, keep: np.ndarray) -> pd.Series:
    new = np.cumsum(keep) - 1
    idx = s.index.to_numpy()
    ok = keep[idx]
    return pd.Series(s.to_numpy()[ok], index=new[idx[ok]], dtype=object)


def _objects(values: list) -> np.ndarray:
    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a


def _add_sparse(st: FileState, key: str, pos: list[int], vals: list, order: int) -> None:
    if not pos:
        return
    if key not in st.sparse:
        st.sparse[key] = (pos, vals)
        st.key_rank[key] = (pos[0], order)
        return
    old_pos, old_vals = st.sparse[key]
    if old_pos and pos[0] <= old_pos[-1]:   # two input columns land on one key (country, country_input)
        merged = dict(zip(old_pos, old_vals))
        merged.update(zip(pos, vals))
        items = sorted(merged.items())
        st.sparse[key] = ([p for p, _ in items], [v for _, v in items])
        st.key_rank[key] = min(st.key_rank[key], (pos[0], order))
    else:
        old_pos += pos
        old_vals += vals


def _codes(col: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes of *col* and its distinct values in first-appearance order (a date column's example is its first)."""
    d = pc.dictionary_encode(col)
    return d.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False), d.dictionary.to_pylist()


def _memo_values(uniq: list[str], memo: dict, fn: Callable[[str], Any]) -> list:
    for v in uniq:
        if v not in memo:
            memo[v] = fn(v)
    return [memo[v] for v in uniq]


def _by_codes(values: list[str], codes: np.ndarray) -> pa.Array:
    """The string column whose row i is values[codes[i]]."""
    if not len(codes):
        return pa.array([], pa.string())
    return pa.array(values, pa.string()).take(pa.array(codes))


def _empty(col: pa.Array) -> np.ndarray:
    return pc.equal(col, "").to_numpy(zero_copy_only=False)


def filled(col: pa.Array) -> np.ndarray:
    """Positions of the non-empty strings of *col*."""
    return np.flatnonzero(pc.not_equal(col, "").to_numpy(zero_copy_only=False))


def blank(n: int) -> pa.Array:
    """*n* empty strings (a column the input does not have)."""
    return pa.StringArray.from_buffers(n, pa.py_buffer(np.zeros(n + 1, np.int32)), pa.py_buffer(b""))


def strings(values: list[str]) -> pa.Array:
    return pa.array(values, pa.string())


def _shared(values: list[str], memo: dict) -> list[str]:
    """One string object per distinct value (a million rows share a few thousand place names)."""
    return [memo.setdefault(v, v) if len(v) <= 64 else v for v in values]


def _parse_date(st: FileState, v: str) -> Any:
    """(iso, precision) or (None, reason); a _Pending for numeric dates whose order is not settled yet."""
    st.order.add(v)
    try:
        return _dates.parse_date(v, dayfirst=st.dayfirst)
    except ValueError as e:
        if st.dayfirst is None and str(e).startswith("ambiguous date"):
            return _Pending(v)
        return (None, str(e))


def _confidence(v: str, mapping: dict[str, str]) -> Any:
    if not v:
        return None
    try:
        c = float(v)
    except ValueError:
        return (mapping["confidence"], f"not a number: {v!r}")
    if not 0 <= c <= 1:
        return (mapping["confidence"], f"confidence {c} outside 0..1")
    return c


def _type(label: str) -> tuple[str, str]:
    from geo.read import normalise_type
    return normalise_type(label)


def _actor(actor: str) -> tuple[str, str]:
    from geo.read import _ACTORS
    code = _ACTORS.get(actor.lower(), "")
    return code, (actor if actor and not code else "")


def _status(status: str) -> tuple[str, str]:
    low = status.lower()
    if low in ("reported", "claimed"):
        return low, ""
    return "reported", status


def _coordinates(lat_s: pa.Array, lon_s: pa.Array, lat_field: str, lon_field: str
                 ) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, str]]]:
    """Latitude/longitude arrays (NaN where both cells are empty) and {row: (field, reason)} of bad rows."""
    both_empty = _empty(lat_s) & _empty(lon_s)
    lat, lat_bad = _floats(lat_s, both_empty, lat_field, 90)
    lon, lon_bad = _floats(lon_s, both_empty, lon_field, 180)
    err = lat_bad
    for i, e in lon_bad.items():
        err.setdefault(i, e)
    return lat, lon, err


#: plain decimal numbers (ASCII digits): Arrow's cast reads them as Python's float() does (both round
#: correctly); anything else (a decimal comma, "inf", Unicode digits, "1_000") takes Python's float()
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _floats(strs: pa.Array, skip: np.ndarray, field: str, limit: float
            ) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """Python's float() of each cell (one decimal comma allowed), range-checked; NaN where *skip*."""
    bad: dict[int, tuple[str, str]] = {}
    empty = pc.equal(strs, "")
    v = None
    if pc.all(pc.or_(empty, pc.match_substring_regex(strs, _PLAIN_NUMBER))).as_py() is not False:
        try:
            v = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), strs), pa.float64()
                        ).to_numpy(zero_copy_only=False).astype(float, copy=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            v = None
    py: list[str] | None = None
    if v is None:
        py = strs.to_pylist()
        try:
            v = np.array([float(s) if s else _NAN for s in py], dtype=float)
        except ValueError:
            v = np.empty(len(py))
            for i, s in enumerate(py):
                try:
                    v[i] = float(s) if s else _NAN
                except ValueError:
                    try:
                        v[i] = float(s.replace(",", ".")) if s.count(",") == 1 and "." not in s else float(s)
                    except ValueError:
                        v[i] = _NAN
                        if not skip[i]:
                            bad[i] = (field, f"not a number: {s!r}")
    v[skip] = _NAN
    with np.errstate(invalid="ignore"):
        out = ~skip & (~np.isfinite(v) | (np.abs(v) > limit))
    for i in np.flatnonzero(out).tolist():
        if i in bad:
            continue
        s = py[i] if py is not None else strs[i].as_py()
        if not s:
            bad[i] = (field, "not a number: ''")
        else:
            bad[i] = (field, f"{float(v[i])} outside -{limit:g}..{limit:g}")
    return v, bad
