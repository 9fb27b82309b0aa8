"""Raw table cells → our schema's columns, a chunk at a time (the columnar half of :mod:`geo.read`).

Why columns: one Python dict per row cost ~9 KB per event. Here each chunk's cells become columns
at once: coordinates parsed as one float array and validated by masks, dates parsed once per
distinct string (memoised for the whole file), labels (type, actor, status, precisions) normalised
once per distinct value, extras kept as sparse (position, value) lists. Per-row Python remains only
for building a reject's message, and rows that fail become :class:`geo.read.Reject` with the same
file, line, field and reason as the row-at-a-time reader gave.

A row's first failing check names the reject, in the order the row reader used: latitude,
longitude, "no coordinates and no place name", date, confidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from geo import dates as _dates
from geo.events import EventTable
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


def add_chunk(st: FileState, get: Callable[[str], Sequence[str]], n: int, lines: Sequence[int],
              raws: Sequence[str] | None, extras: list[tuple[str, list[int], list[str]]],
              bad: list[tuple[int, str, str, Any]], ends: Sequence[int] | None = None) -> None:
    """Turn one chunk into columns appended to *st*; its failing rows (and *bad*: (line, field, reason,
    raw) of rows that could not be split) become rejects in line order.

    *raws* are the rows' raw texts, or None for a CSV file, where *ends* give each row's last line
    and the texts the rejects and later passes need are re-read once the file is done (a bad row's
    "raw" is then its last line).

    *get(ours)* gives the cleaned (trimmed, formula prefix undone) strings of our column *ours*
    (``""`` where the input has no such column); *extras* are (input column, chunk positions, cleaned
    non-empty values) of the other columns.
    """
    from geo.read import DERIVED, Reject
    m = st.mapping
    lat_s, lon_s = get("latitude"), get("longitude")
    name = get("location_name")
    lat, lon, err = _coordinates(lat_s, lon_s, st.field_of("latitude"), st.field_of("longitude"))
    no_place = np.isnan(lat) & np.fromiter((not s for s in name), bool, n)
    for i in np.flatnonzero(no_place):
        err.setdefault(int(i), (st.field_of("location_name"), "no coordinates and no place name"))
    raw_dates = get("event_date")
    dates = _memo_map(raw_dates, st.date_memo, lambda v: _parse_date(st, v))
    for i, d in enumerate(dates):
        if type(d) is tuple and d[0] is None and i not in err:
            err[i] = (st.field_of("event_date"), d[1])
    conf_s = get("confidence")
    conf = _memo_map(conf_s, st.label_memo.setdefault(("confidence", ""), {}), lambda v: _confidence(v, m))
    for i, c in enumerate(conf):
        if type(c) is tuple and i not in err:
            err[i] = c
    problems = [(lines[i], f, r, raws[i] if raws is not None else ends[i]) for i, (f, r) in err.items()] + bad
    for line, f, r, raw in sorted(problems, key=lambda p: p[0]):
        if raws is None:
            st.spans[line] = raw
            st.unfilled.append(Reject(st.file, line, f, r, ""))
            st.rejects.append(st.unfilled[-1])
        else:
            st.rejects.append(Reject(st.file, line, f, r, raw))
    keep = [i for i in range(n) if i not in err] if err else None

    def kept(col: Sequence) -> list:
        return list(col) if keep is None else [col[i] for i in keep]

    base = st.n
    lat_k, lon_k = (lat, lon) if keep is None else (lat[keep], lon[keep])
    dates_k = kept(dates)
    c: dict[str, list] = {k: [] for k in READ_COLUMNS if k not in FLOATS}   # this chunk's text columns
    st.cols["latitude"].append(lat_k)
    st.cols["longitude"].append(lon_k)
    has_xy = ~np.isnan(lat_k)
    iso = [d[0] if type(d) is tuple else d for d in dates_k]
    c["event_date"] += iso
    for j, d in enumerate(dates_k):
        if type(d) is _Pending:
            st.pending.append(base + j)
    given = [s.lower() for s in kept(get("date_precision"))]
    c["date_precision"] += [g if g in DATE_PRECISIONS and e else (d[1] if type(d) is tuple else "day")
                            for g, e, d in zip(given, iso, dates_k)]
    types = _labels(st, "type", kept(get("event_type")), _type)
    c["event_type"] += [t[0] for t in types]
    # our own output read back: the label it was normalised from (main's read.py rule, column-wise)
    c["event_type_original"] += [t[1] or o for t, o in zip(types, kept(get("event_type_original")))]
    actors = _labels(st, "actor", kept(get("actor")), _actor)
    c["actor"] += [a[0] for a in actors]
    statuses = _labels(st, "status", kept(get("status")), _status)
    c["status"] += [s[0] for s in statuses]
    c["weapon"] += _shared(kept(get("weapon")), st.label_memo.setdefault(("weapon", ""), {}))
    c["location_name"] += _shared(kept(name), st.label_memo.setdefault(("place", ""), {}))
    gps = [g.lower() for g in kept(get("geo_precision"))]
    c["geo_precision"] += [g if g in GEO_PRECISIONS else ("settlement" if xy else "")
                           for g, xy in zip(gps, has_xy.tolist())]
    c["source"] += kept(get("source"))
    c["evidence"] += kept(get("evidence"))
    conf_k = kept(conf)
    st.cols["confidence"].append(np.array([_NAN if v is None else v for v in conf_k], dtype=float))
    lines_k = kept(lines)
    st.lines.append(np.asarray(lines_k, dtype=np.int64))
    if lines_k:   # text columns go to pandas now (compact), so the chunk's Python strings can go
        st.cols["event_date"] += c.pop("event_date")   # a few hundred distinct dates: shared strings
        for k, v in c.items():
            st.cols[k].append(pd.Series(_objects(v)))
    del c
    # sparse columns: the input's extras first (header order), then ours (as a row dict had them)
    new_pos = None if keep is None else {i: j for j, i in enumerate(keep)}
    order = 0
    for col, pos, vals in extras:
        key = DERIVED.get(col.strip().lower(), col)
        if key in OVERWRITTEN or key.startswith("_"):
            continue
        if new_pos is not None:
            pv = [(new_pos[p], v) for p, v in zip(pos, vals) if p in new_pos]
            pos, vals = [p for p, _ in pv], [v for _, v in pv]
        _add_sparse(st, key, [base + p for p in pos], vals, order)
        order += 1
    for key, values in (("admin1_input", kept(get("admin1"))), ("actor_original", [a[1] for a in actors]),
                        ("status_original", [s[1] for s in statuses]), ("event_id_input", kept(get("event_id")))):
        pos = [base + j for j, v in enumerate(values) if v]
        if pos:
            vals = [values[p - base] for p in pos]
            _add_sparse(st, key, pos, _shared(vals, st.label_memo.setdefault((key, ""), {})), order)
        order += 1
    # raw text kept only where a later pass may need it and the file cannot give it back by line
    # number: rows to geocode (their rejects) and rows spanning several lines
    if raws is not None:
        st.raws.update(zip(lines_k, kept(raws)))
    else:
        ends_k = kept(ends)
        for j in np.flatnonzero(~has_xy).tolist():
            st.spans[lines_k[j]] = ends_k[j]
        for ln, end in zip(lines_k, ends_k):
            if end != ln:
                st.spans[ln] = end
    st.n += len(lines_k)


def finish(st: FileState, dayfirst: bool | None) -> tuple[EventTable, pd.Series]:
    """The file's events (core + sparse extras) and its own event ids (sparse), once every chunk is in.

    Settles the day/month order of numeric dates from the whole column (an :class:`InputError`
    when it cannot be settled, as before reading any row); rows whose date still fails are rejects.
    """
    from geo.read import Reject
    lines = np.concatenate(st.lines) if st.lines else np.array([], dtype=np.int64)
    parse = st.order.parser(file=st.file, field=st.field_of("event_date"), dayfirst=dayfirst)
    drop: list[int] = []
    if st.pending:
        memo: dict[str, Any] = {}
        ev = st.cols["event_date"]
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
            core[c] = pd.Series(_objects(v))
        else:
            core[c] = pd.concat(v, ignore_index=True) if v else pd.Series(_objects([]))
        del v
    core["input_file"] = pd.Series(_objects([st.file] * st.n))
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


def _memo_map(values: Sequence[str], memo: dict, fn: Callable[[str], Any]) -> list:
    for v in dict.fromkeys(values):     # first-appearance order (a date column's example is its first)
        if v not in memo:
            memo[v] = fn(v)
    return [memo[v] for v in values]


def _shared(values: list[str], memo: dict) -> list[str]:
    """One string object per distinct value (a million rows share a few thousand place names)."""
    return [memo.setdefault(v, v) if len(v) <= 64 else v for v in values]


def _labels(st: FileState, kind: str, values: list[str], fn: Callable[[str], tuple[str, str]]) -> list:
    return _memo_map(values, st.label_memo.setdefault((kind, ""), {}), fn)


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


def _coordinates(lat_s: Sequence[str], lon_s: Sequence[str], lat_field: str, lon_field: str
                 ) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, str]]]:
    """Latitude/longitude arrays (NaN where both cells are empty) and {row: (field, reason)} of bad rows."""
    n = len(lat_s)
    both_empty = np.fromiter((not a and not b for a, b in zip(lat_s, lon_s)), bool, n)
    lat, lat_bad = _floats(lat_s, both_empty, lat_field, 90)
    lon, lon_bad = _floats(lon_s, both_empty, lon_field, 180)
    err = lat_bad
    for i, e in lon_bad.items():
        err.setdefault(i, e)
    return lat, lon, err


def _floats(strs: Sequence[str], skip: np.ndarray, field: str, limit: float
            ) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """Python's float() of each cell (one decimal comma allowed), range-checked; NaN where *skip*."""
    bad: dict[int, tuple[str, str]] = {}
    try:
        v = np.array([float(s) if s else _NAN for s in strs], dtype=float)
    except ValueError:
        v = np.empty(len(strs))
        for i, s in enumerate(strs):
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
        s = strs[i]
        if not s:
            bad[i] = (field, "not a number: ''")
        else:
            bad[i] = (field, f"{float(v[i])} outside -{limit:g}..{limit:g}")
    return v, bad
