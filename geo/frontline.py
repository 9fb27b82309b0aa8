"""Dated occupied-territory polygons (e.g. DeepStateMap daily exports) for the map's overlay.

A folder holds ``*_YYYYMMDD.geojson`` files, one snapshot per day, each a (Multi)Polygon of
Russian-occupied territory; the date comes from the file name. The data is usually GPL-3.0
(DeepStateMap): users pass their own folder with ``--frontline DIR``; nothing is vendored.
Snapshots are simplified on load (topology preserved) so a year of daily polygons stays small
enough to inline into an HTML map.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo._errors import InputError

_NAME = re.compile(r"_(\d{8})\.geojson$", re.IGNORECASE)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_WGS84 = ("CRS84", "4326")
_CRS = re.compile(r'"crs"\s*:\s*\{[^{}]*\{[^{}]*"name"\s*:\s*"([^"]*)"')


#: A snapshot covers the dates up to this many days after it (a front line moves; an old polygon
#: drawn over a later date, or used to call an event "occupied", would be a false statement).
MAX_AGE_DAYS = 31


@dataclass
class Frontline:
    dates: list[str]                 # ISO dates of the snapshots, sorted
    geometries: list[BaseGeometry]   # simplified, EPSG:4326
    max_age_days: int = MAX_AGE_DAYS
    _prepared: bool = field(default=False, init=False, repr=False, compare=False)

    def on(self, day: str) -> int | None:
        """Index of the snapshot in force on *day* (ISO date): the latest on or before it if at
        most ``max_age_days`` older; None if none is, or *day* is not a date."""
        iso = _iso(day)
        if iso is None:
            return None
        i = bisect.bisect_right(self.dates, iso) - 1
        if i < 0 or _days_between(self.dates[i], iso) > self.max_age_days:
            return None
        return i

    def coverage_warning(self, dates) -> str | None:
        """A one-line warning when some dated events have no snapshot in force (None if all do)."""
        days = sorted(d for d in (_iso(x) for x in _as_strings(pd.Series(list(dates), dtype=object))) if d)
        if not days:
            return None
        uncovered = [d for d in days if self.on(d) is None]
        if not uncovered:
            return None
        span = f"{self.dates[0]}..{self.dates[-1]}" if len(self.dates) > 1 else self.dates[0]
        what = "no front-line snapshot covers the events" if len(uncovered) == len(days) else \
            f"no front-line snapshot covers {len(uncovered)} of {len(days)} dated events"
        return (f"{what} ({uncovered[0]}..{uncovered[-1]}; snapshots {span}, each valid {self.max_age_days} days, "
                f"--frontline-max-age): their 'occupied' is left empty and no front line is drawn on those dates")

    def occupied(self, df: pd.DataFrame, *, lat: str = "latitude", lon: str = "longitude",
                 date: str = "event_date") -> pd.Series:
        """bool/None per event: was its point inside the polygon in force on its date (None: no
        snapshot within ``max_age_days`` on/before the date, or no coordinates/date). Points on
        the line count as inside."""
        for col in (lat, lon, date):
            if col not in df.columns:
                raise InputError("<events>", "column missing, cannot test occupation", field=col)
        if not self._prepared:
            shapely.prepare(self.geometries)
            self._prepared = True
        y = pd.to_numeric(df[lat], errors="coerce").to_numpy(dtype=float)
        x = pd.to_numeric(df[lon], errors="coerce").to_numpy(dtype=float)
        days = np.array([_iso(d) or "" for d in _as_strings(df[date])], dtype="U10")
        snap = np.searchsorted(np.array(self.dates, dtype="U10"), days, side="right") - 1
        usable = (days != "") & (snap >= 0) & np.isfinite(x) & np.isfinite(y)
        snap_day = np.array(self.dates, dtype="datetime64[D]")
        ev_day = np.array([d or "1970-01-01" for d in days], dtype="datetime64[D]")
        age = (ev_day - snap_day[np.clip(snap, 0, None)]).astype(int)
        usable &= age <= self.max_age_days
        out = np.full(len(df), None, dtype=object)
        for i in np.unique(snap[usable]):
            sel = np.flatnonzero(usable & (snap == i))
            out[sel] = shapely.intersects_xy(self.geometries[i], x[sel], y[sel]).tolist()
        return pd.Series(out, index=df.index, name="occupied", dtype=object)

    def to_json(self, precision: int = 4) -> dict:
        """{"dates": [...], "geometries": [GeoJSON geometry...], "max_age_days": N}, coordinates rounded."""
        return {"dates": list(self.dates), "geometries": [_geojson(g, precision) for g in self.geometries],
                "max_age_days": self.max_age_days}


def load_frontline(folder: str | Path, *, tolerance_deg: float = 0.005, max_age_days: int = MAX_AGE_DAYS) -> Frontline:
    """Reads *_YYYYMMDD.geojson (date from the name); bad file → InputError naming it.

    Each file's polygons are merged into one geometry and simplified with
    ``simplify(tolerance_deg, preserve_topology=True)`` (0.005° ≈ 0.4-0.55 km: a daily
    DeepStateMap snapshot goes from ~80 KB / ~3000 vertices to ~19 KB / ~1100 at 4 decimals).
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "is a file, not a folder of" if folder.exists() else "not found: want a folder of"
        raise InputError(str(folder), f"{what} *_YYYYMMDD.geojson front-line files")
    snaps: dict[str, tuple[Path, BaseGeometry]] = {}
    for path in sorted(folder.iterdir()):
        m = _NAME.search(path.name)
        if not m or not path.is_file():
            continue
        day = _day_from_name(path, m.group(1))
        if day in snaps:
            raise InputError(str(path), f"second snapshot for {day} (also {snaps[day][0].name})")
        geom = _read_polygons(path)
        if tolerance_deg > 0:
            geom = geom.simplify(tolerance_deg, preserve_topology=True)
        snaps[day] = (path, geom)
    if not snaps:
        raise InputError(str(folder), "no *_YYYYMMDD.geojson front-line files")
    days = sorted(snaps)
    if max_age_days < 0:
        raise InputError(str(folder), f"front-line max age must be >= 0 days, not {max_age_days}")
    return Frontline(days, [snaps[d][1] for d in days], max_age_days=int(max_age_days))


def _day_from_name(path: Path, digits: str) -> str:
    try:
        return dt.datetime.strptime(digits, "%Y%m%d").date().isoformat()
    except ValueError:
        raise InputError(str(path), f"bad date {digits!r} in file name (want _YYYYMMDD)") from None


def _read_polygons(path: Path) -> BaseGeometry:
    """Union of all (Multi)Polygons in a GeoJSON file (FeatureCollection, Feature or geometry)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"not readable: {exc}") from None
    m = _CRS.search(text)
    if m and not m.group(1).upper().endswith(_WGS84):
        raise InputError(str(path), f"CRS {m.group(1)} is not WGS84 longitude/latitude", field="crs")
    try:  # fast path: GEOS parses the whole file (a FeatureCollection becomes a GeometryCollection)
        geom = shapely.from_geojson(text)
        geoms = list(shapely.get_parts(geom)) if geom.geom_type == "GeometryCollection" else [geom]
    except shapely.errors.GEOSException:
        geoms = _parse_slowly(path, text)  # precise error messages; tolerates null geometries
    polys = []
    for n, g in enumerate(geoms, 1):
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(str(path), f"feature {n}: {g.geom_type}, expected (Multi)Polygon", field="geometry")
        polys.append(g if g.is_valid else shapely.make_valid(g))
    if not polys:
        raise InputError(str(path), "no polygon in file")
    geom = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InputError(str(path), "coordinates are not longitude/latitude degrees", field="geometry")
    return geom


def _parse_slowly(path: Path, text: str) -> list[BaseGeometry]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not readable GeoJSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError(str(path), "not a GeoJSON object")
    if doc.get("type") == "FeatureCollection":
        raw = [f.get("geometry") if isinstance(f, dict) else None for f in doc.get("features") or []]
    elif doc.get("type") == "Feature":
        raw = [doc.get("geometry")]
    else:
        raw = [doc]
    out = []
    for n, g in enumerate(raw, 1):
        if g is None:
            continue
        try:
            out.append(shape(g))
        except Exception as exc:
            raise InputError(str(path), f"feature {n}: bad geometry: {exc}", field="geometry") from None
    return out


def _days_between(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _as_strings(col: pd.Series) -> list:
    if pd.api.types.is_datetime64_any_dtype(col):
        return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in col]
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in col]


def _iso(day) -> str | None:
    """'YYYY-MM-DD' from a str/date/Timestamp (time part ignored), None if not a date."""
    if day is None or day is pd.NaT:
        return None
    if isinstance(day, (dt.date, pd.Timestamp)):
        return day.strftime("%Y-%m-%d")
    s = str(day).strip()
    return s[:10] if _ISO.match(s) else None


def _geojson(geom: BaseGeometry, precision: int) -> dict:
    """GeoJSON geometry with at most *precision* decimals; parts smaller than the grid vanish."""
    geom = shapely.set_precision(geom, 10.0 ** -precision)  # merges/drops what collapses when rounded
    if geom.is_empty:
        return {"type": "MultiPolygon", "coordinates": []}
    geom = shapely.transform(geom, lambda xy: np.round(xy, precision))  # exact decimals in the text
    return json.loads(shapely.to_geojson(geom))
