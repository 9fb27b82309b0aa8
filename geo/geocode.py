"""Fill coordinates for rows that name a place but carry none.

Any geopy geocoder works here; the default is our offline :class:`geo.gazetteer.Gazetteer`.
Nominatim (online, optional) is wrapped with geopy's RateLimiter and an on-disk cache.
A place that cannot be found is a reject with its reason, never a guess.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Iterable

from geo.read import Reject

#: confidence of a geocoded place by how its name matched (coordinates given in the input: 1.0).
WAR_COUNTRIES = ("UA", "RU")
MATCH_CONFIDENCE = {"exact": 0.9, "translit": 0.85, "approximate": 0.6, "fuzzy": 0.6}


def make_geocoder(name: str = "offline"):
    """'offline' (default, no network) or 'nominatim' (online, 1 request/s, cached on disk)."""
    if name == "offline":
        from geo.gazetteer import load_gazetteer
        return load_gazetteer()
    if name == "nominatim":
        return CachedNominatim()
    raise ValueError(f"unknown geocoder {name!r} (use offline or nominatim)")


class CachedNominatim:
    """geopy's Nominatim behind a RateLimiter and a JSON cache, for users who are online."""

    def __init__(self, cache: str | Path | None = None, user_agent: str = "frontline-map"):
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim
        self._nom = Nominatim(user_agent=user_agent, timeout=10)
        self._call = RateLimiter(self._nom.geocode, min_delay_seconds=1.0, max_retries=2)
        self._path = Path(cache or Path.home() / ".cache" / "frontline-map" / "nominatim.json")
        self._cache: dict[str, Any] = json.loads(self._path.read_text()) if self._path.exists() else {}

    def geocode(self, query: str, *, admin1: str | None = None, exactly_one: bool = True, **_: Any):
        from geopy.location import Location
        from geopy.point import Point
        q = f"{query}, {admin1}" if admin1 else query
        if q not in self._cache:
            loc = self._call(q, exactly_one=True, country_codes=["ua", "ru"])
            self._cache[q] = None if loc is None else {"address": loc.address, "lat": loc.latitude,
                                                       "lon": loc.longitude}
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._cache))
            os.replace(tmp, self._path)
        hit = self._cache[q]
        if hit is None:
            return None
        raw = {"precision": "settlement", "match": "exact", "name": query}
        return Location(hit["address"], Point(hit["lat"], hit["lon"]), raw)


def geocode_rows(rows: Iterable[dict[str, Any]], geocoder, *,
                 progress: Callable[[int], None] | None = None) -> tuple[list[dict], list[Reject]]:
    """Rows without coordinates get them from *geocoder*; returns (rows, rejects).

    The row's ``admin1_input`` (e.g. "Donetsk oblast") is passed as a hint; when the hint names a
    region and the place is not in it, the row is rejected rather than put on a namesake elsewhere.

    Context: rows of the same file and date describe one day's events, usually in one area. A row whose
    name has several namesakes (``raw["ambiguous"]``) is geocoded again with the other rows of its file
    and date as context points (``near=``, for geocoders that take it, like ours), so the Sadove or
    Mykhailivka next to that day's other places wins over a bigger one elsewhere. A row geocoded this
    way says so in ``geocode_context`` (the number of context points used).
    """
    out: list[dict] = []
    rejects: list[Reject] = []
    memo: dict[tuple[str, str], Any] = {}
    resolve = getattr(geocoder, "resolve_admin1", None)
    placed: list[tuple[dict, Any]] = []
    for row in rows:
        if progress:
            progress(1)
        if row.get("latitude") is not None:
            if row.get("confidence") is None:
                row["confidence"] = 1.0
            out.append(row)
            continue
        name, hint = row.get("location_name", ""), row.get("admin1_input", "")
        key = (name.lower(), hint.lower())
        if key not in memo:
            memo[key] = _lookup(geocoder, name, hint, resolve)
        loc, why = memo[key]
        if loc is None:
            rejects.append(Reject(row.get("_file", ""), row.get("_line", ""), "location_name", why,
                                  row.get("_raw", "")))
            continue
        placed.append((row, loc))
        out.append(row)
    for row, loc in _with_context(placed, out, geocoder, resolve):
        _fill(row, loc)
    return out, rejects


def _group(row: dict) -> tuple[str, str]:
    return str(row.get("_file", "")), str(row.get("event_date") or "")


def _with_context(placed: list[tuple[dict, Any]], rows: list[dict], geocoder, resolve
                  ) -> list[tuple[dict, Any]]:
    """Re-decide ambiguous rows with the points of the other rows of their file and date."""
    if not any((loc.raw or {}).get("ambiguous") for _, loc in placed):
        return placed
    points: dict[tuple[str, str], list[tuple[int, tuple[float, float]]]] = {}
    for row in rows:   # rows that came with coordinates are context too
        if row.get("latitude") is not None:
            points.setdefault(_group(row), []).append((id(row), (float(row["latitude"]), float(row["longitude"]))))
    for row, loc in placed:
        if not (loc.raw or {}).get("ambiguous"):
            points.setdefault(_group(row), []).append((id(row), (loc.latitude, loc.longitude)))
    memo: dict[tuple, Any] = {}
    out = []
    for row, loc in placed:
        raw = loc.raw or {}
        ctx = [p for rid, p in points.get(_group(row), ()) if rid != id(row)]
        if raw.get("ambiguous") and ctx:
            name, hint = row.get("location_name", ""), row.get("admin1_input", "")
            k = (name.lower(), hint.lower(), tuple(sorted(ctx)))
            if k not in memo:
                memo[k] = _lookup(geocoder, name, hint, resolve, near=ctx)[0]
            better = memo[k]
            if better is not None:
                better.raw["context_points"] = len(ctx)
                loc = better
        out.append((row, loc))
    return out


def _fill(row: dict, loc: Any) -> None:
    raw = loc.raw or {}
    row["latitude"], row["longitude"] = loc.latitude, loc.longitude
    row["geo_precision"] = raw.get("precision", "settlement")
    row["geocode_match"] = raw.get("match", "")
    row["geocoded_as"] = raw.get("name", "") or loc.address
    if raw.get("context_points"):
        row["geocode_context"] = raw["context_points"]
    if row.get("confidence") is None:
        c = MATCH_CONFIDENCE.get(raw.get("match", ""), 0.8)
        ambiguous = raw.get("ambiguous") and not raw.get("context_points")
        row["confidence"] = round(c * (0.8 if ambiguous else 1.0), 2)


def _lookup(geocoder, name: str, hint: str, resolve, near: list | None = None) -> tuple[Any, str]:
    if not name:
        return None, "no coordinates and no place name"
    code = resolve(hint) if (resolve and hint) else None
    if hint and resolve and code is None:
        return None, f"unknown region {hint!r} for place {name!r}"
    try:  # event tables are about the war: look in Ukraine and Russia only
        if near:
            loc = geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES, near=near)
        else:
            loc = geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES)
    except TypeError:  # a plain geopy geocoder: pass the hint inside the query
        if near:
            return None, "no context support"
        loc = geocoder.geocode(f"{name}, {hint}" if hint else name)
    if loc is None:
        return None, f"place not found: {name!r}" + (f" in {hint!r}" if hint else "")
    got = (loc.raw or {}).get("admin1", "")
    from geo.gazetteer import in_admin1
    if code and got and not in_admin1(got, code):
        return None, f"place {name!r} not found in {hint!r} (only elsewhere)"
    return loc, ""
