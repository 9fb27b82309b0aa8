"""Read event tables (CSV, GeoJSON, GeoPackage, GeoParquet) into columns of our schema.

:func:`read_columns` streams a file in chunks (:mod:`geo._csv_chunks` for CSV) and turns each
chunk into columns at once (:mod:`geo._columns`); :func:`read_table` gives the same as row dicts.

Foreign column names (ACLED's, uawardata's, plain ``lat/lng/date/place``) are mapped without the
user renaming anything; columns that are not ours are kept as extra properties. Every input row
becomes a row or a :class:`Reject` naming file, line and field: nothing is silently lost.
"""
from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geo import _io
from geo._errors import InputError
from geo.events import EventTable, release_memory
from geo.schema import EVENT_TYPES

#: our column -> accepted input names, in order of preference (compared case-insensitively).
ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "event_id_cnty", "id"),
    "event_date": ("event_date", "date", "day", "datetime", "timestamp"),
    "date_precision": ("date_precision", "time_precision"),
    "event_type": ("event_type", "type", "category", "sub_event_type"),
    "event_type_original": ("event_type_original",),
    "weapon": ("weapon", "weapons"),
    "actor": ("actor", "actor1", "side"),
    "status": ("status",),
    "location_name": ("location_name", "location", "place", "place_name", "settlement", "city", "town"),
    "admin1": ("admin1", "region", "oblast", "province"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "geo_precision": ("geo_precision",),
    "source": ("source", "sources", "source_url", "sources_url", "url", "link"),
    "evidence": ("evidence", "notes", "description", "text", "summary"),
    "confidence": ("confidence",),
}
#: Input columns whose name is ours but whose meaning we derive ourselves: kept under another name.
DERIVED = {"country": "country_input"}

#: a single CSV cell may hold this many characters (Python's default, 131,072, refuses long notes)
csv.field_size_limit(1 << 30)

TABLE_SUFFIXES = {".csv", ".tsv", ".geojson", ".json", ".gpkg", ".parquet", ".geoparquet"}

#: words in a foreign event-type label → our type (first match wins; order matters).
_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("destroyed_equipment", ("destroyed", "destruction", "equipment", "damaged")),
    ("explosion", ("explosion", "explosive", "blast", "landmine", "mine", "ied", "grenade")),
    ("strike", ("strike", "shelling", "artillery", "missile", "drone", "air", "rocket", "mlrs", "bombing",
                "remote violence")),
    ("attack", ("attack", "assault", "battle", "clash", "raid", "sabotage", "assassination", "capture",
                "offensive", "armed")),
)
_ACTORS = {"ua": "UA", "ukraine": "UA", "ukrainian": "UA", "ukr": "UA", "afu": "UA",
           "ru": "RU", "russia": "RU", "russian": "RU", "rus": "RU", "rf": "RU"}


@dataclass
class Reject:
    file: str
    line: int | str
    field: str
    reason: str
    raw: str

    def as_row(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason, "raw": self.raw}


@dataclass
class TableRows:
    """Rows read from one file: ``rows`` carry ``_file``/``_line`` for later rejects.

    ``encoding`` is the text encoding used (``""`` for binary formats); ``warnings`` are for the user.
    """
    file: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    n_in: int = 0
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)


#: (line, record, raw) triples from a format reader; a record with "__bad__" is a reject
Records = Iterator[tuple[int, dict, str]]

#: records turned into columns at a time (GeoJSON, GeoPackage, GeoParquet)
RECORD_CHUNK = 50_000


@dataclass
class TableColumns:
    """One file read into columns: its events (core + sparse extras, ``input_file``/``input_line``
    set), the table's own event ids (sparse, by position), the raw text kept by line (rows to
    geocode and rows spanning lines; the rest can be re-read by :meth:`raw`), rejects and counts."""
    file: str
    events: EventTable
    own_ids: Any
    raws: dict[int, str]
    rejects: list[Reject] = field(default_factory=list)
    n_in: int = 0
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)
    rereadable: bool = False    # a CSV: a single-line row's raw text is its line in the file

    def raw(self, lines: Iterable[int]) -> dict[int, str]:
        """Raw text of the rows starting at *lines* (kept, else re-read from the file in one pass)."""
        lines = set(lines)
        out = {ln: self.raws[ln] for ln in lines if ln in self.raws}
        missing = lines.difference(out)
        if missing and self.rereadable:
            from geo._csv_chunks import raw_lines
            out.update(raw_lines(self.file, self.encoding, missing))
        return out


def read_table(path: str | Path, *, dayfirst: bool | None = None, encoding: str | None = None) -> TableRows:
    """Read one event table as row dicts (for small tables and tests; the build uses :func:`read_columns`).

    Raises :class:`InputError` for unreadable files and missing columns.
    """
    tc = read_columns(path, dayfirst=dayfirst, encoding=encoding)
    out = TableRows(tc.file, rejects=tc.rejects, n_in=tc.n_in, encoding=tc.encoding, warnings=tc.warnings)
    core = tc.events.core
    lines = core["input_line"].tolist()
    raws = tc.raw(lines)
    own = dict(zip(tc.own_ids.index.tolist(), tc.own_ids.tolist()))
    extras = {k: dict(zip(s.index.tolist(), s.tolist())) for k, s in tc.events.extras.items()}
    cols = [c for c in core.columns if c not in ("event_id", "admin1", "country", "input_file", "input_line")]
    values = [core[c].tolist() for c in cols]
    for i, vals in enumerate(zip(*values)):
        row = {k: v for k, s in extras.items() if (v := s.get(i)) is not None}
        for c, v in zip(cols, vals):
            row[c] = None if isinstance(v, float) and math.isnan(v) else v
        row.setdefault("admin1_input", "")
        row["event_id_input"] = own.get(i, "")
        row["_file"], row["_line"], row["_raw"] = tc.file, lines[i], raws.get(lines[i], "")
        out.rows.append(row)
    return out


def read_columns(path: str | Path, *, dayfirst: bool | None = None, encoding: str | None = None) -> TableColumns:
    """Read one event table into columns, streamed a chunk at a time (:mod:`geo._columns`).

    CSV is read once, in chunks whose raw text is dropped as soon as they are columns; numeric
    dates whose day/month order only the whole column settles are resolved at the end. *encoding*
    overrides detection. Raises :class:`InputError` for unreadable files and missing columns.
    """
    from geo import _columns
    path = Path(path)
    suffix = path.suffix.lower()
    _io.check_input(path)
    if suffix not in TABLE_SUFFIXES:
        raise InputError(str(path), f"unsupported file type '{suffix}' (use .csv, .geojson, .gpkg or .parquet)")
    warnings: list[str] = []
    if suffix in (".csv", ".tsv"):
        from geo._csv_chunks import CsvSource
        src = CsvSource(path, encoding)
        header, enc = src.header, src.encoding
    elif suffix in (".geojson", ".json"):
        header, enc, opener = _geojson_source(path, encoding)
    else:
        header, enc, opener = _geopandas_source(path)
    mapping = column_mapping(header)
    _require(path, header, mapping)
    if "event_date" not in mapping:
        warnings.append(f"no date column (looked for {', '.join(ALIASES['event_date'])}; found: "
                        f"{_shorten(header)}): every row is mapped undated")
    used = set(mapping.values())
    st = _columns.FileState(str(path), mapping, [h for h in header if h not in used], dayfirst=dayfirst,
                            encoding=enc)
    n_in = 0
    if suffix in (".csv", ".tsv"):
        for chunk in src.chunks():
            n_in += chunk.n_in
            _csv_chunk(st, header, chunk)
            del chunk
    else:
        for recs in _batches(opener(), RECORD_CHUNK):
            n_in += len(recs)
            _record_chunk(st, recs)
    table, own = _columns.finish(st, dayfirst)
    release_memory(len(table))   # the chunks' buffers and parse temporaries, before the passes
    return TableColumns(str(path), table, own, st.raws, st.rejects, n_in, enc, warnings,
                        rereadable=suffix in (".csv", ".tsv"))


def _csv_chunk(st: Any, header: list[str], chunk: Any) -> None:
    """Cells of one CSV chunk → columns (formula prefix undone, trimmed), extras as filled cells only."""
    from geo import _columns
    n = chunk.n_rows
    where = {h: i for i, h in enumerate(header)}
    blank = _columns.blank(n)

    def get(ours: str) -> Any:
        h = st.mapping.get(ours)
        return blank if h is None else _clean_column(chunk.column(where[h]))
    extras = []
    if st.extras and n:   # every extra column's cells at once (a wide table has thousands)
        cells, rows, which = chunk.cells_of([where[h] for h in st.extras])
        cells = _clean_column(cells)
        keep = _columns.filled(cells)
        vals = cells.take(keep).to_pylist() if len(keep) else []
        rows, which = rows[keep], which[keep]
        cuts = np.flatnonzero(np.diff(which)) + 1
        for a, b in zip(np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [len(keep)])).tolist()):
            if b > a:
                extras.append((st.extras[int(which[a])], rows[a:b].tolist(), vals[a:b]))
    bad = [(line, "", reason, end) for line, end, reason in chunk.bad]
    _columns.add_chunk(st, get, n, chunk.lines, None, extras, bad, ends=chunk.ends)
    chunk.columns = chunk.flat = None


def pa_empty() -> Any:
    import pyarrow as pa
    return pa.array([], pa.string())


def _clean_column(col: Any) -> Any:
    """An Arrow string column trimmed as str.strip() trims, a formula prefix undone (the few cells
    starting with ``'`` go through :func:`geo._io.csv_unsafe`)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from geo._csv_chunks import WHITESPACE
    quoted = pc.starts_with(col, "'")
    if pc.any(quoted).as_py():
        idx = np.flatnonzero(quoted.to_numpy(zero_copy_only=False))
        vals = [_io.csv_unsafe(c) for c in col.take(pa.array(idx)).to_pylist()]
        col = pc.replace_with_mask(col, quoted, pa.array(vals, pa.string()))
    return pc.utf8_trim(col, WHITESPACE)


def _record_chunk(st: Any, recs: list[tuple[int, dict, str]]) -> None:
    """Records of a GeoJSON/GeoPackage/GeoParquet chunk → columns; "__bad__" records are rejects."""
    from geo import _columns
    good = [(line, rec, raw) for line, rec, raw in recs if "__bad__" not in rec]
    bad = [(line, rec.get("__field__", ""), rec["__bad__"], raw) for line, rec, raw in recs if "__bad__" in rec]

    def get(ours: str) -> Any:
        h = st.mapping.get(ours)
        return _columns.blank(len(good)) if h is None else _columns.strings([_clean(rec.get(h)) for _, rec, _ in good])
    want = set(st.extras)
    acc: dict[str, tuple[list[int], list[str]]] = {}
    for i, (_, rec, _) in enumerate(good):
        for k, v in rec.items():
            if k in want:
                v = _clean(v)
                if v != "":
                    p, vals = acc.setdefault(k, ([], []))
                    p.append(i)
                    vals.append(v)
    extras = [(h, *acc[h]) for h in st.extras if h in acc]
    _columns.add_chunk(st, get, len(good), [g[0] for g in good], [g[2] for g in good], extras, bad)


def _batches(it: Iterable, n: int) -> Iterator[list]:
    batch: list = []
    for x in it:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _shorten(header: list[str], n: int = 12) -> str:
    if not header:
        return "no columns"
    more = f" … ({len(header)} in all)" if len(header) > n else ""
    return ", ".join(str(h)[:40] for h in header[:n]) + more


def column_mapping(header: Iterable[str]) -> dict[str, str]:
    """our column -> the input column that fills it (first alias present wins)."""
    lower = {h.strip().lower(): h for h in header if h is not None}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for ours, names in ALIASES.items():
        for n in names:
            if n in lower and lower[n] not in used:
                mapping[ours] = lower[n]
                used.add(lower[n])
                break
    return mapping


def _require(path: Path, header: list[str], mapping: dict[str, str]) -> None:
    has_coords = "latitude" in mapping and "longitude" in mapping
    if not has_coords and "location_name" not in mapping:
        raise InputError(str(path), "missing column: need latitude/longitude (or lat/lng) or a place name "
                         f"(location, place); found: {', '.join(header) or 'no columns'}")
    if ("latitude" in mapping) != ("longitude" in mapping):
        missing = "longitude" if "latitude" in mapping else "latitude"
        raise InputError(str(path), f"missing column: {missing} (the other coordinate is present)", field=missing)


def normalise_type(label: str) -> tuple[str, str]:
    """Foreign label -> (our type, original label or '' when it already is ours)."""
    low = label.strip().lower().replace("-", " ").replace("_", " ")
    if not low:
        return "other", ""
    if low.replace(" ", "_") in EVENT_TYPES:
        return low.replace(" ", "_"), ""
    words = set(low.replace("/", " ").replace(",", " ").split())
    for ours, keys in _TYPE_WORDS:
        for k in keys:
            if (" " in k and k in low) or k in words:
                return ours, label
    return "other", label


def _clean(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (list, dict)):
        try:
            return _whole(json.dumps(v, ensure_ascii=False))
        except (RecursionError, ValueError):
            return "<value nested too deeply>"
    try:
        return _whole(str(v).strip())
    except ValueError:  # an integer of more than 4,300 digits
        return "<number too long>"


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _whole(s: str) -> str:
    """A JSON ``\\ud800`` escape decodes to a lone surrogate, which no UTF-8 writer (Arrow, our
    outputs) accepts: each becomes U+FFFD, the replacement character."""
    return _SURROGATE.sub("\ufffd", s) if not s.isascii() else s


def _whole_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {_whole(k): v for k, v in pairs}


# --- format readers: (header, encoding, opener); opener() yields (line, record, raw) afresh ---------

def _dumps(obj: Any) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False)[:2000]
    except (RecursionError, ValueError, TypeError):
        return "<feature nested too deeply to show>"


def _geojson_source(path: Path, encoding: str | None) -> tuple[list[str], str, Callable[[], Records]]:
    text, enc = _io.read_text(path, encoding)
    try:
        # only a \\uD800-\\uDFFF escape can make a lone surrogate: keys are mended then (values in _clean)
        data = (json.loads(text, object_pairs_hook=_whole_keys) if _SURROGATE_ESCAPE.search(text)
                else json.loads(text))
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"malformed JSON: {e.msg} (column {e.colno})", line=e.lineno) from None
    except RecursionError:
        raise InputError(str(path), "malformed JSON: nested too deeply") from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise InputError(str(path), f"malformed JSON: {str(e)[:200]}") from None
    del text
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise InputError(str(path), "not a GeoJSON FeatureCollection", field="type")
    features: list = data["features"]
    header: list[str] = []
    seen: set[str] = set()
    for f in features:
        props = f.get("properties") if isinstance(f, dict) else None
        if isinstance(props, dict):
            for k in props:
                if k not in seen:
                    seen.add(k)
                    header.append(k)
    for k in ("latitude", "longitude") + (("id",) if any(isinstance(f, dict) and "id" in f for f in features)
                                          else ()):
        if k not in seen:
            header.append(k)

    def rows() -> Records:
        for i, f in enumerate(features):
            yield (i, *_feature_record(f))
    return header, enc, rows


def _feature_record(f: Any) -> tuple[dict, str]:
    """One GeoJSON feature → (record, raw); odd shapes become a "__bad__" record naming the field."""
    raw = _dumps(f)
    if not isinstance(f, dict):
        return {"__bad__": "feature is not an object", "__field__": "feature"}, raw
    props = f.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        return {"__bad__": f"properties is a {type(props).__name__}, not an object",
                "__field__": "properties"}, raw
    props = dict(props)
    geom = f.get("geometry")
    if geom is not None:
        if not isinstance(geom, dict):
            return {"__bad__": f"geometry is a {type(geom).__name__}, not an object",
                    "__field__": "geometry"}, raw
        gtype = geom.get("type")
        if gtype != "Point":
            return {"__bad__": f"geometry type {_clean(gtype)[:40] or 'missing'} (points only)",
                    "__field__": "geometry"}, raw
        coords = geom.get("coordinates")
        if not isinstance(coords, (list, tuple)) or len(coords) < 2:
            return {"__bad__": "point without coordinates", "__field__": "geometry"}, raw
        props["longitude"], props["latitude"] = coords[0], coords[1]
    if "id" in f and "id" not in props and props.get("event_id") != f["id"]:   # (ours repeat event_id as id)
        props["id"] = f["id"]
    return props, raw


def _geopandas_source(path: Path) -> tuple[list[str], str, Callable[[], Records]]:
    """GeoPackage/GeoParquet: reprojected to WGS84 (EPSG:4326, lon/lat degrees) when the file has another CRS."""
    import geopandas as gpd
    import pandas as pd
    try:
        if path.suffix.lower() == ".gpkg":
            df = gpd.read_file(path)
        else:
            try:
                df = gpd.read_parquet(path)
            except (ValueError, KeyError):
                df = pd.read_parquet(path)
    except Exception as e:  # pyogrio/pyarrow raise many types; the user needs one line
        msg = (str(e).splitlines() or [type(e).__name__])[0][:200]
        raise InputError(str(path), f"cannot read: {msg}") from None
    geom_col = df.geometry.name if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df else None
    if geom_col and df.crs is not None and not df.crs.equals("EPSG:4326"):
        try:
            df = df.to_crs("EPSG:4326")
        except Exception as e:
            raise InputError(str(path), f"cannot reproject from {df.crs.to_string()} to WGS84: {e}") from None
    header = [str(c) for c in df.columns if c != geom_col]
    if geom_col:
        header += [c for c in ("latitude", "longitude") if c not in header]

    def rows() -> Records:
        for i, rec in enumerate(df.to_dict("records")):
            g = rec.pop(geom_col, None) if geom_col else None
            props = {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()}
            raw = json.dumps(props, ensure_ascii=False, default=str)[:2000]
            if g is not None and not g.is_empty:
                if g.geom_type != "Point":
                    yield i, {"__bad__": f"geometry type {g.geom_type} (points only)", "__field__": "geometry"}, raw
                    continue
                props["longitude"], props["latitude"] = g.x, g.y
            yield i, props, raw
    return header, "", rows
