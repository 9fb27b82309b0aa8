"""A map folder's core columns keyed by place: columns that are a function of an event's place are
stored once per place instead of once per event.

Why: at a million events the page's first data script (``events.js``) is what the browser reads
before the opening view, and reading it costs about as much per megabyte as everything else the
page does. A year of reports names a few thousand places, and an event's coordinates, place name,
region, region code and geocoding precision (and any constant column) follow from its place: as
per-event codes they were ~11 MB of base64 of the ~19 MB. Keyed by place they are one 2-byte place
code per event plus a few kilobytes per column.

The place of an event is its (latitude, longitude) pair of dictionary codes (``render._encode_coords``
``"c"``), with its place name when that is dictionary-coded too. A column goes by place only when it
really is a function of that pair (checked on every event), so nothing changes in what the page shows.
Layout (``blob["place"]`` and ``"via": 1`` on a column; decoded by ``column`` in assets/js/util.mjs):

- ``blob["place"] = {"b": base64 per-event place codes, "w": 2 or 4, "n": places}``;
- a dictionary column ``{"d", "b", "w", "via": 1}``: ``b`` holds one code per *place*;
- a coordinate column ``{"b", "w", "s", "c", "cw", "via": 1}``: ``c`` holds one code per *place*.

:func:`expand` is the inverse (for ``render.read_events``: tools and tests read the plain layout).
"""
from __future__ import annotations

import base64

import numpy as np

_DT = {1: "<u1", 2: "<u2", 4: "<i4"}


def _codes(b64: str, w: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=_DT[w])


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def _per_event(col: dict) -> tuple[str, str] | None:
    """(key of the per-event code string, key of its width) of an encoded column, or None."""
    if not isinstance(col, dict) or col.get("via") or "sp" in col or "x" in col:
        return None
    if "s" in col:
        return ("c", "cw") if "c" in col else None
    if "b" in col and "d" in col:
        return "b", "w"
    return None


def by_place(blob: dict) -> dict:
    """*blob* (``render.events_data``'s core blob, changed in place and returned) with the columns
    that are a function of the place stored per place. Unchanged when coordinates are not
    dictionary-coded (too many distinct places) or the table is empty."""
    cols, n = blob.get("cols", {}), blob.get("n", 0)
    lat, lon = cols.get("latitude"), cols.get("longitude")
    if not n or "place" in blob or _per_event(lat) != ("c", "cw") or _per_event(lon) != ("c", "cw"):
        return blob
    la = _codes(lat["c"], lat["cw"]).astype(np.int64)
    lo = _codes(lon["c"], lon["cw"]).astype(np.int64)
    if len(la) != n or len(lo) != n:
        return blob
    key = la * (int(lo.max()) + 1) + lo
    name = cols.get("location_name")
    if _per_event(name) == ("b", "w") and len(_codes(name["b"], name["w"])) == n:
        # the same spot under two names (spellings, a village and its district) is two places
        nm = _codes(name["b"], name["w"]).astype(np.int64)
        _, key = np.unique(key, return_inverse=True)
        key = key.ravel().astype(np.int64) * (int(nm.max()) + 1) + nm
    uniq, place = np.unique(key, return_inverse=True)
    place = place.ravel()
    pw = 2 if len(uniq) <= 65536 else 4
    first = np.full(len(uniq), -1, dtype=np.int64)       # one event of each place (its first)
    first[place[::-1]] = np.arange(n - 1, -1, -1)
    moved = 0
    for col in cols.values():
        keys = _per_event(col)
        if not keys:
            continue
        b, w = keys
        x = _codes(col[b], col[w])
        if len(x) != n:
            continue
        per = x[first]
        if not np.array_equal(per[place], x):            # not a function of the place: stays per event
            continue
        col[b] = _b64(per.astype(_DT[col[w]]))
        col["via"] = 1
        moved += 1
    if moved:
        blob["place"] = {"b": _b64(place.astype(_DT[pw])), "w": pw, "n": int(len(uniq))}
    return blob


def expand(blob: dict) -> dict:
    """The inverse of :func:`by_place` (changed in place and returned): every column per event."""
    pl = blob.pop("place", None)
    if not pl:
        return blob
    place = _codes(pl["b"], pl["w"])
    for col in blob.get("cols", {}).values():
        if isinstance(col, dict) and col.pop("via", None):
            b, w = ("c", "cw") if "s" in col else ("b", "w")
            col[b] = _b64(_codes(col[b], col[w])[place].astype(_DT[col[w]]))
    return blob
