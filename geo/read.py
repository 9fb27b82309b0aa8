"""Read event tables (CSV, GeoJSON, GeoPackage, GeoParquet) into rows of our schema.

Foreign column names (ACLED's, uawardata's, plain ``lat/lng/date/place``) are mapped without the
user renaming anything; columns that are not ours are kept as extra properties. Every input row
becomes a row or a :class:`Reject` naming file, line and field: nothing is silently lost.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from geo import dates as _dates
from geo._errors import InputError
from geo.schema import DATE_PRECISIONS, EVENT_TYPES, GEO_PRECISIONS

#: our column -> accepted input names, in order of preference (compared case-insensitively).
ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "event_id_cnty", "id"),
    "event_date": ("event_date", "date", "day", "datetime", "timestamp"),
    "date_precision": ("date_precision", "time_precision"),
    "event_type": ("event_type", "type", "category", "sub_event_type"),
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
    """Rows read from one file: ``rows`` carry ``_file``/``_line`` for later rejects."""
    file: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    n_in: int = 0


def read_table(path: str | Path, *, dayfirst: bool | None = None) -> TableRows:
    """Read one event table. Raises :class:`InputError` for unreadable files and missing columns."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        records, header = _csv_records(path)
    elif suffix in (".geojson", ".json"):
        records, header = _geojson_records(path)
    elif suffix in (".gpkg", ".parquet", ".geoparquet"):
        records, header = _geopandas_records(path)
    else:
        raise InputError(str(path), f"unsupported file type '{suffix}' (use .csv, .geojson, .gpkg or .parquet)")
    mapping = column_mapping(header)
    _require(path, header, mapping)
    records = list(records)
    parse_date = _dates.column_parser([_clean(r[1].get(mapping.get("event_date", ""), "")) for r in records],
                                      file=str(path), field=mapping.get("event_date", "event_date"),
                                      dayfirst=dayfirst)
    out = TableRows(str(path), n_in=len(records))
    for line, rec, raw in records:
        if "__bad__" in rec:
            out.rejects.append(Reject(str(path), line, rec.get("__field__", ""), rec["__bad__"], raw))
            continue
        try:
            row = _to_row(rec, mapping, parse_date)
        except _RowError as e:
            out.rejects.append(Reject(str(path), line, e.field, e.reason, raw))
            continue
        row["_file"], row["_line"], row["_raw"] = str(path), line, raw
        out.rows.append(row)
    return out


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


def _to_row(rec: dict[str, Any], mapping: dict[str, str], parse_date) -> dict[str, Any]:
    get = lambda ours: _clean(rec.get(mapping[ours])) if ours in mapping else ""  # noqa: E731
    row: dict[str, Any] = {}
    used = set(mapping.values())
    for k, v in rec.items():  # extras first, so ours win on a name clash
        if k in used or k is None:
            continue
        row[DERIVED.get(k.strip().lower(), k)] = _clean(v)

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
    return row


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
        return json.dumps(v, ensure_ascii=False)
    return str(v).strip()


# --- format readers: yield (line, record, raw) -------------------------------------------------

def _csv_records(path: Path) -> tuple[Iterator[tuple[int, dict, str]], list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror}") from None
    if not text.strip():
        raise InputError(str(path), "empty file: no header row", line=1)
    delim = "\t" if path.suffix.lower() == ".tsv" else _sniff(text)
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=delim, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        raise InputError(str(path), f"malformed header: {e}", line=1) from None
    dup = {h for h in header if header.count(h) > 1 and h}
    if dup:
        raise InputError(str(path), f"duplicate column name(s): {', '.join(sorted(dup))}", line=1)

    def gen() -> Iterator[tuple[int, dict, str]]:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise InputError(str(path), f"malformed CSV: {e}", line=reader.line_num) from None
            end = reader.line_num
            raw = "".join(lines[start - 1:end]).rstrip("\r\n")
            line, start = start, end + 1
            if not any(c.strip() for c in cells):
                continue  # blank line: not a row
            if len(cells) != len(header):
                yield line, {"__bad__": f"{len(cells)} cells, header has {len(header)}"}, raw
                continue
            yield line, dict(zip(header, cells)), raw

    return gen(), header


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _geojson_records(path: Path) -> tuple[Iterator[tuple[int, dict, str]], list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"malformed JSON: {e.msg} (column {e.colno})", line=e.lineno) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot read: {e}") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise InputError(str(path), "not a GeoJSON FeatureCollection", field="type")
    header: list[str] = []
    seen: set[str] = set()
    for f in data["features"]:
        for k in (f.get("properties") or {}) if isinstance(f, dict) else ():
            if k not in seen:
                seen.add(k)
                header.append(k)
    for k in ("latitude", "longitude"):
        if k not in seen:
            header.append(k)

    def gen() -> Iterator[tuple[int, dict, str]]:
        for i, f in enumerate(data["features"]):
            raw = json.dumps(f, ensure_ascii=False)[:2000]
            if not isinstance(f, dict):
                yield i, {"__bad__": "feature is not an object"}, raw
                continue
            props = dict(f.get("properties") or {})
            geom = f.get("geometry")
            if geom:
                if geom.get("type") != "Point":
                    yield i, {"__bad__": f"geometry type {geom.get('type')} (points only)",
                              "__field__": "geometry"}, raw
                    continue
                coords = geom.get("coordinates") or []
                if len(coords) < 2:
                    yield i, {"__bad__": "point without coordinates", "__field__": "geometry"}, raw
                    continue
                props["longitude"], props["latitude"] = coords[0], coords[1]
            if "id" in f and "id" not in props:
                props["id"] = f["id"]
            yield i, props, raw
    return gen(), header


def _geopandas_records(path: Path) -> tuple[Iterator[tuple[int, dict, str]], list[str]]:
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
        raise InputError(str(path), f"cannot read: {str(e).splitlines()[0][:200]}") from None
    geom_col = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    header = [c for c in df.columns if c != geom_col]
    if geom_col:
        header += [c for c in ("latitude", "longitude") if c not in header]

    def gen() -> Iterator[tuple[int, dict, str]]:
        for i, rec in enumerate(df.to_dict("records")):
            g = rec.pop(geom_col, None) if geom_col else None
            props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()}
            raw = json.dumps(props, ensure_ascii=False, default=str)[:2000]
            if g is not None and not g.is_empty:
                if g.geom_type != "Point":
                    yield i, {"__bad__": f"geometry type {g.geom_type} (points only)", "__field__": "geometry"}, raw
                    continue
                props["longitude"], props["latitude"] = g.x, g.y
            yield i, props, raw
    return gen(), header
