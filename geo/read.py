"""Read event tables (CSV, GeoJSON, GeoPackage, GeoParquet) into rows of our schema.

Foreign column names (ACLED's, uawardata's, plain ``lat/lng/date/place``) are mapped without the
user renaming anything; columns that are not ours are kept as extra properties. Every input row
becomes a row or a :class:`Reject` naming file, line and field: nothing is silently lost.
"""
from __future__ import annotations

import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from geo import _io
from geo import dates as _dates
from geo._errors import InputError
from geo.schema import DATE_PRECISIONS, EVENT_TYPES, GEO_PRECISIONS

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


def read_table(path: str | Path, *, dayfirst: bool | None = None, encoding: str | None = None) -> TableRows:
    """Read one event table. Raises :class:`InputError` for unreadable files and missing columns.

    CSV is streamed twice (once to settle the date column's day/month order, once for rows), so
    memory does not grow with the file beyond the rows kept. *encoding* overrides detection.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    _io.check_input(path)
    if suffix not in TABLE_SUFFIXES:
        raise InputError(str(path), f"unsupported file type '{suffix}' (use .csv, .geojson, .gpkg or .parquet)")
    out = TableRows(str(path))
    if suffix in (".csv", ".tsv"):
        header, enc, opener = _csv_source(path, encoding)
    elif suffix in (".geojson", ".json"):
        header, enc, opener = _geojson_source(path, encoding)
    else:
        header, enc, opener = _geopandas_source(path)
    out.encoding = enc
    mapping = column_mapping(header)
    _require(path, header, mapping)
    if "event_date" not in mapping:
        out.warnings.append(f"no date column (looked for {', '.join(ALIASES['event_date'])}; found: "
                            f"{_shorten(header)}): every row is mapped undated")
    order = _dates.DateOrder()
    if "event_date" in mapping:
        col = mapping["event_date"]
        for _line, rec, _raw in opener():
            if "__bad__" not in rec:
                order.add(_clean(rec.get(col, "")))
    parse_date = order.parser(file=str(path), field=mapping.get("event_date", "event_date"), dayfirst=dayfirst)
    used = set(mapping.values())
    extras = [h for h in header if h not in used]
    for line, rec, raw in opener():
        out.n_in += 1
        if "__bad__" in rec:
            out.rejects.append(Reject(str(path), line, rec.get("__field__", ""), rec["__bad__"], raw))
            continue
        try:
            row = _to_row(rec, mapping, parse_date, extras)
        except _RowError as e:
            out.rejects.append(Reject(str(path), line, e.field, e.reason, raw))
            continue
        row["_file"], row["_line"], row["_raw"] = str(path), line, raw
        out.rows.append(row)
    return out


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


class _RowError(Exception):
    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason


def _to_row(rec: dict[str, Any], mapping: dict[str, str], parse_date: Callable,
            extras: list[str]) -> dict[str, Any]:
    get = lambda ours: _clean(rec.get(mapping[ours])) if ours in mapping else ""  # noqa: E731
    row: dict[str, Any] = {}
    for k in extras:  # extras first, so ours win on a name clash; only filled cells (sparse tables)
        v = _clean(rec.get(k))
        if v != "":
            row[DERIVED.get(str(k).strip().lower(), k)] = v

    lat_s, lon_s = get("latitude"), get("longitude")
    if lat_s == "" and lon_s == "":
        row["latitude"] = row["longitude"] = None
    else:
        row["latitude"] = _coord(lat_s, mapping.get("latitude", "latitude"), 90)
        row["longitude"] = _coord(lon_s, mapping.get("longitude", "longitude"), 180)
    row["location_name"] = get("location_name")
    if row["latitude"] is None and not row["location_name"]:
        raise _RowError(mapping.get("location_name", "location_name"), "no coordinates and no place name")
    row["admin1_input"] = get("admin1")

    raw_date = get("event_date")
    try:
        row["event_date"], prec = parse_date(raw_date)
    except ValueError as e:
        raise _RowError(mapping.get("event_date", "event_date"), str(e)) from None
    given_prec = get("date_precision").lower()
    row["date_precision"] = given_prec if given_prec in DATE_PRECISIONS and row["event_date"] else prec

    label = get("event_type")
    row["event_type"], row["event_type_original"] = normalise_type(label)
    if not row["event_type_original"]:   # our own output read back: the label it was normalised from
        row["event_type_original"] = get("event_type_original")
    actor = get("actor")
    row["actor"] = _ACTORS.get(actor.lower(), "")
    if actor and not row["actor"]:
        row["actor_original"] = actor
    status = get("status").lower()
    row["status"] = status if status in ("reported", "claimed") else "reported"
    if status and status not in ("reported", "claimed"):
        row["status_original"] = get("status")
    row["weapon"] = get("weapon")
    gp = get("geo_precision").lower()
    row["geo_precision"] = gp if gp in GEO_PRECISIONS else ("settlement" if row["latitude"] is not None else "")
    row["source"] = get("source")
    row["evidence"] = get("evidence")
    conf = get("confidence")
    if conf:
        try:
            c = float(conf)
        except ValueError:
            raise _RowError(mapping["confidence"], f"not a number: {conf!r}") from None
        if not 0 <= c <= 1:
            raise _RowError(mapping["confidence"], f"confidence {c} outside 0..1")
        row["confidence"] = c
    else:
        row["confidence"] = None
    row["event_id_input"] = get("event_id")
    for k in _REPEATED:   # a million rows share a few hundred dates, places and labels: keep one copy
        v = row.get(k)
        if type(v) is str and len(v) <= 64:
            row[k] = sys.intern(v)
    return row


#: fields whose values repeat across rows (interned: memory in proportion to distinct values)
_REPEATED = ("event_date", "date_precision", "event_type", "event_type_original", "status", "geo_precision",
             "location_name", "admin1_input", "weapon", "actor_original", "status_original")


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


def _coord(s: str, field: str, limit: float) -> float:
    try:
        v = float(s.replace(",", ".")) if s.count(",") == 1 and "." not in s else float(s)
    except ValueError:
        raise _RowError(field, f"not a number: {s!r}") from None
    if not math.isfinite(v) or abs(v) > limit:
        raise _RowError(field, f"{v} outside -{limit:g}..{limit:g}")
    return v


def _clean(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (list, dict)):
        try:
            return json.dumps(v, ensure_ascii=False)
        except (RecursionError, ValueError):
            return "<value nested too deeply>"
    try:
        return str(v).strip()
    except ValueError:  # an integer of more than 4,300 digits
        return "<number too long>"


# --- format readers: (header, encoding, opener); opener() yields (line, record, raw) afresh ---------

def _csv_source(path: Path, encoding: str | None) -> tuple[list[str], str, Callable[[], Records]]:
    """Header, encoding and a re-startable row stream of a CSV/TSV file.

    Rows end only at CR, LF or CRLF (``newline=""``): a cell holding a vertical tab, form feed,
    U+0085 or U+2028 stays one cell, as spreadsheets wrote it. Cells that :func:`geo._io.csv_safe`
    protected from spreadsheets (a leading ``'``) are restored.
    """
    fh, enc = _io.open_text(path, encoding)
    with fh:
        try:
            first = fh.readline()
            while first and not first.strip() and first[-1:] in "\r\n":
                first = fh.readline()
        except UnicodeDecodeError as e:
            raise InputError(str(path), f"not valid {enc} text ({e.reason}); pass --encoding", line=1) from None
    if not first.strip():
        raise InputError(str(path), "empty file: no header row", line=1)
    delim = "\t" if path.suffix.lower() == ".tsv" else _sniff(first)
    header: list[str] = []

    def rows() -> Records:
        fh, _ = _io.open_text(path, enc)
        consumed: list[str] = []
        count = [0]

        def lines() -> Iterator[str]:
            for ln in fh:
                consumed.append(ln)
                count[0] += 1
                yield ln
        reader = csv.reader(lines(), delimiter=delim, strict=True)
        with fh:
            got_header = False
            while True:
                start = count[0] + 1
                consumed.clear()
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as e:
                    raise InputError(str(path), f"not valid {enc} text ({e.reason}) after this line; "
                                     "pass --encoding", line=max(count[0], 1)) from None
                except csv.Error as e:
                    if not got_header:
                        raise InputError(str(path), f"malformed header: {e}", line=start) from None
                    raw = "".join(consumed).rstrip("\r\n")
                    yield start, {"__bad__": f"malformed CSV: {e}"}, raw
                    continue
                if not got_header:
                    if not any(c.strip() for c in cells):
                        continue
                    got_header = True
                    if not header:
                        header.extend(_io.csv_unsafe(h.strip()) for h in cells)
                    continue
                if not any(c.strip() for c in cells):
                    continue  # blank line: not a row
                raw = "".join(consumed).rstrip("\r\n")
                if len(cells) != len(header):
                    yield start, {"__bad__": f"{len(cells)} cells, header has {len(header)}"}, raw
                    continue
                yield start, dict(zip(header, map(_io.csv_unsafe, cells))), raw

    gen = rows()
    next(gen, None)  # reads the header (and the first row, discarded: opener() restarts)
    gen.close()
    if not header:
        raise InputError(str(path), "empty file: no header row", line=1)
    dup = [h for h, n in Counter(header).items() if n > 1 and h]
    if dup:
        raise InputError(str(path), f"duplicate column name(s): {_shorten(sorted(dup))}", line=1)
    return header, enc, rows


def _sniff(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _dumps(obj: Any) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False)[:2000]
    except (RecursionError, ValueError, TypeError):
        return "<feature nested too deeply to show>"


def _geojson_source(path: Path, encoding: str | None) -> tuple[list[str], str, Callable[[], Records]]:
    text, enc = _io.read_text(path, encoding)
    try:
        data = json.loads(text)
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
