"""Events → one self-contained, offline HTML map (Leaflet inlined, data as JSON blobs).

Why this shape: folium's default page loads Leaflet from a CDN (blank offline) and pastes
strings into HTML/JS unescaped. So we keep folium for the page skeleton and the ``map_<id>``
global, but inline every asset and ship the data as escaped ``application/json`` blobs that
the viewer (ES modules in ``assets/js/``, bundled into one inline script) renders with
``textContent`` only. Each viewer feature is a plugin-style element (``geo._map_plugins``):
``build_map(events, features=[...])`` composes a map, and callers may add their own folium
layers. The page carries a Content Security Policy (``default-src 'none'`` + hashes of our inline
scripts and styles), so even an escaping bug could not run code.

The page exposes ``window.frontline`` for scripts and tests: ``map`` (the Leaflet map, also the
global ``map_<id>``), ``days``, ``setDate(iso|null)``, ``getDate()``, ``setWindow(n)`` (0 = one day),
``step(±1)``, ``setStepMode(bool)`` (step through dates with events), ``setTypes([...])``,
``setFilter("actor"|"prec"|"type", [...])``, ``setLayers({cluster, heat, choro, frontall})``,
``shownCount()``, ``shownIds()``, ``drawnCount()``, ``markerOf(event_id)``, ``openPopup(event_id)``,
``regionCounts()``, ``frontlineDate()``, ``frontlineNote()``, ``timelineBars()``, ``zoomTimeline(f)``,
``labelsShown()``, ``search(q)``, ``csvText()``, ``geojson()``, ``play()``, ``setPanel(open)``, ``fit()``.
View state lives in the URL hash (``#date=YYYY-MM-DD|all&win=N&step=events|days&types=a,b&
actors=UA,unknown&prec=settlement&cluster=1&heat=1&choro=0&frontall=1&z=Z&c=lat,lon``); a hash
that does not parse is ignored.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import pandas as pd

from geo import _io, _map_places
from geo._errors import InputError
from geo._map_plugins import (  # noqa: F401  (public: compose a map from these features)
    CanvasPoints,
    Choropleth,
    Clusters,
    Export,
    Filters,
    FrontLine,
    Heatmap,
    Labels,
    MapFeature,
    NetworkWarning,
    Points,
    Search,
    Timeline,
    UrlHash,
    json_for_html,
)
from geo.schema import COLUMNS, EVENT_TYPES

#: One colour per event type (legend, markers, timeline).
#: Okabe–Ito colours, chosen so every pair stays apart (CIELAB ΔE ≥ 20) under simulated protan,
#: deutan and tritan vision (tests/test_render.py checks it with Machado et al. 2009).
TYPE_COLORS: dict[str, str] = {
    "strike": "#D55E00", "explosion": "#F0E442", "attack": "#0072B2",
    "destroyed_equipment": "#56B4E9", "other": "#999999",
}
_URL_RE = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)
_FLOAT_DIGITS = {"latitude": 5, "longitude": 5, "confidence": 3}


def is_web_url(value: Any) -> bool:
    """Only http(s) sources may become links (``javascript:``/``data:`` never)."""
    return isinstance(value, str) and bool(_URL_RE.match(value))


def _clean(v: Any, digits: int | None = None) -> Any:
    """A JSON-able scalar: NaN/NA → None, numpy → Python, others → str."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) or hasattr(v, "item"):
        try:
            v = v.item() if hasattr(v, "item") else v
        except (ValueError, AttributeError):
            return str(v)
        if isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                return None
            return round(v, digits) if digits is not None else v
        if isinstance(v, (bool, int)):
            return v
    if isinstance(v, str):
        return v
    return str(v)


def _b64(arr: Any) -> str:
    """Little-endian bytes of a numpy array as base64 (the page decodes it into a typed array)."""
    import numpy as np
    return base64.b64encode(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()).decode("ascii")


def _encode(values: list) -> Any:
    """Dictionary-encode repetitive string columns ({"d": uniques, "b": base64 codes, "w": bytes per
    code}); else a list. The codes are a typed array in the page (1 byte per event for a column of
    ≤ 256 values), so a million events cost megabytes, not a JSON list of a million numbers."""
    import numpy as np
    n = len(values)
    if n < 16 or not all(isinstance(v, str) for v in values):
        return values
    index: dict[str, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    if len(index) > n // 2:
        return values
    dtype = np.uint8 if len(index) <= 256 else np.uint16 if len(index) <= 65536 else np.int32
    return {"d": list(index), "b": _b64(np.asarray(codes, dtype=dtype)), "w": np.dtype(dtype).itemsize}


#: Coordinates travel as Int32 of 1e-5 degree (about 1 m), base64: 4 bytes (5.3 as text) per value.
COORD_SCALE = 100_000


def _encode_coords(values: Any) -> dict:
    """Int32 of 1/COORD_SCALE degree, base64. When the events sit on few distinct places (a year
    of reports names a few thousand), the distinct values once plus a 2-byte code per event
    (``"c"``, ``"cw"``): a million events' coordinates in ~4 MB instead of ~11 MB of base64."""
    import numpy as np
    ints = np.round(np.asarray(values, dtype=float) * COORD_SCALE).astype(np.int32)
    if len(ints) >= 1024:
        codes, uniq = pd.factorize(ints, sort=False)
        if len(uniq) <= 65536 and len(uniq) * 4 <= len(ints):
            return {"b": _b64(np.asarray(uniq, dtype=np.int32)), "w": 4, "s": COORD_SCALE,
                    "c": _b64(codes.astype(np.uint16)), "cw": 2}
    return {"b": _b64(ints), "w": 4, "s": COORD_SCALE}


def decode_column(col: Any, n: int | None = None) -> list:
    """The values of one column of :func:`events_blob` (inverse of the encodings; ``column`` in
    assets/js/util.mjs does the same in the page). A sparse column needs *n* (events) to be dense."""
    import numpy as np
    if not isinstance(col, dict):
        return col
    if "sp" in col:
        pos = np.frombuffer(base64.b64decode(col["sp"]), dtype="<i4")
        out: list = [None] * (n if n is not None else (int(pos.max()) + 1 if len(pos) else 0))
        for p, v in zip(pos.tolist(), decode_column(col["v"])):
            out[p] = v
        return out
    if "x" in col:
        raw = base64.b64decode(col["x"])
        return [raw[k:k + 8].hex() for k in range(0, len(raw), 8)]
    if "b" in col:
        dt = {1: "<u1", 2: "<u2", 4: "<i4"}[col["w"]]
        codes = np.frombuffer(base64.b64decode(col["b"]), dtype=dt)
        if "s" in col:
            vals = codes / col["s"]
            if "c" in col:
                vals = vals[np.frombuffer(base64.b64decode(col["c"]), dtype="<u2")]
            return vals.tolist()
        return [col["d"][i] for i in codes]
    return [col["d"][i] for i in col["i"]]


def _is_table(events: Any) -> bool:
    """An :class:`geo.events.EventTable` (core frame + sparse extras), duck-typed."""
    return hasattr(events, "core") and hasattr(events, "extras") and not isinstance(events, pd.DataFrame)


class _Prepared:
    """The events the page gets: placeable rows only (WGS84 degrees), core columns as one frame,
    extras as sparse Series (filled cells only) indexed by the kept rows' new positions."""

    def __init__(self, events: Any):
        import numpy as np

        from geo.events import PIPELINE_COLUMNS
        if isinstance(events, _Prepared):
            self.__dict__.update(events.__dict__)
            return
        if _is_table(events):
            df, extras = events.core.reset_index(drop=True), dict(events.extras)
        else:
            df = events.reset_index(drop=True)
            if "latitude" not in df and "geometry" in df and hasattr(df["geometry"], "y"):
                df = df.assign(latitude=df["geometry"].y, longitude=df["geometry"].x)   # a GeoDataFrame of points
            known = set(COLUMNS) | set(PIPELINE_COLUMNS) | {"geometry"}
            extras = {}
            for c in [c for c in df.columns if c not in known]:   # a wide table costs its filled cells
                s = df[c]
                filled = s.notna().to_numpy() & (s.astype(str).to_numpy() != "") if s.dtype == object else s.notna().to_numpy()
                if filled.any():
                    extras[c] = s[filled]
            df = df[[c for c in df.columns if c in known and c != "geometry"]]
        lat = pd.to_numeric(df["latitude"], errors="coerce") if "latitude" in df else pd.Series(np.nan, index=df.index)
        lon = pd.to_numeric(df["longitude"], errors="coerce") if "longitude" in df else pd.Series(np.nan, index=df.index)
        ok = (lat.between(-90, 90) & lon.between(-180, 180)).to_numpy()
        self.dropped = int((~ok).sum())
        new_pos = np.cumsum(ok) - 1
        kept = df if ok.all() else df[ok].reset_index(drop=True)   # every row placeable: no copy of the core
        self.core = kept.assign(latitude=lat[ok].to_numpy(), longitude=lon[ok].to_numpy())
        self.n = len(self.core)
        self.extras: dict[str, pd.Series] = {}
        for k, s in extras.items():
            pos = np.asarray(s.index, dtype=np.int64)
            keep = ok[pos] if len(pos) else np.zeros(0, bool)
            if keep.any():
                self.extras[k] = pd.Series(s.to_numpy()[keep], index=new_pos[pos[keep]], dtype=object).sort_index()
        cols = [c for c in COLUMNS if c in self.core.columns] + [c for c in self.core.columns if c not in COLUMNS]
        self.order = cols + [c for c in self.extras if c not in cols]

    def frame(self) -> pd.DataFrame:
        return self.core


def _encode_series(name: str, s: pd.Series) -> Any:
    """One dense column of the blob (see :func:`_encode`), vectorised: a million events in well
    under a second per column instead of a Python call per value."""
    import numpy as np
    if name in ("latitude", "longitude"):
        return _encode_coords(s.to_numpy(dtype=float))
    digits = _FLOAT_DIGITS.get(name)
    if s.dtype.kind == "f":
        a = s.to_numpy(dtype=float)
        fin = np.isfinite(a)
        out = np.round(a, digits).astype(object) if digits is not None else a.astype(object)
        out[~fin] = None
        return out.tolist()
    if s.dtype.kind in "biu":
        return s.tolist()
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return _encode_arrow_text(name, _arrow(s))
    s = s.astype(object)
    if name in COLUMNS:
        s = s.where(s.notna(), "")
    kind = pd.api.types.infer_dtype(s, skipna=False)
    if kind not in ("string", "empty"):
        vals = [_clean(v, digits) for v in s.tolist()]
        if name in COLUMNS:
            vals = ["" if v is None else (v if isinstance(v, str) else str(v)) for v in vals]
        return _encode(vals)
    n = len(s)
    codes, uniques = pd.factorize(s, sort=False)
    if n < 16 or len(uniques) > n // 2:
        return s.tolist()
    dtype = np.uint8 if len(uniques) <= 256 else np.uint16 if len(uniques) <= 65536 else np.int32
    return {"d": [str(u) for u in uniques], "b": _b64(codes.astype(dtype)), "w": np.dtype(dtype).itemsize}


def _arrow(s: pd.Series, lo: int = 0, hi: int | None = None):
    """The Arrow array behind a pandas ``str`` column, rows *lo*..*hi*: only those rows are copied
    (joining a million-row column's chunks first would copy all its text)."""
    import pyarrow as pa
    a = pa.array(s.array)
    if lo or hi is not None:
        a = a.slice(lo, (len(a) if hi is None else hi) - lo)
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _text_categories(s: pd.Series) -> bool:
    """A categorical whose categories are all text (as :func:`geo.events.labels` makes them)."""
    return all(isinstance(c, str) for c in s.cat.categories.tolist())


def _encode_arrow_text(name: str, a: Any) -> Any:
    """:func:`_encode_series` of an Arrow-backed text column, in Arrow: the same output (our schema's
    columns have "" for missing; another column with a missing value stays a list with None; else
    dictionary-coded in first-appearance order when at most half the values are distinct)."""
    import numpy as np
    import pyarrow.compute as pc
    if name in COLUMNS and a.null_count:
        a = pc.fill_null(a, "")
    n = len(a)
    if a.null_count or n < 16:
        return a.to_pylist()
    enc = pc.dictionary_encode(a)
    k = len(enc.dictionary)
    if k > n // 2:
        return a.to_pylist()
    dtype = np.uint8 if k <= 256 else np.uint16 if k <= 65536 else np.int32
    return {"d": enc.dictionary.to_pylist(), "b": _b64(enc.indices.to_numpy().astype(dtype)),
            "w": np.dtype(dtype).itemsize}


def _encode_sparse(s: pd.Series, lo: int = 0) -> dict:
    """An extra column as its filled cells only: ``{"sp": base64 Int32 positions (from *lo*),
    "v": values (dictionary-coded when repetitive)}`` — a wide, sparse table costs what is filled."""
    import numpy as np
    pos = np.asarray(s.index, dtype=np.int64) - lo
    return {"sp": _b64(pos.astype(np.int32)), "w": 4, "v": _encode([_clean(v) for v in s.tolist()])}


def _link_flags(core: pd.DataFrame) -> Any:
    """Per event: is its source an http(s) URL (only those become links)? One vectorised match."""
    import numpy as np
    if "source" not in core:
        return np.zeros(len(core), dtype=bool)
    match = _URL_RE.match
    return np.fromiter((isinstance(v, str) and match(v) is not None for v in core["source"].tolist()),
                       dtype=bool, count=len(core))


#: Columns every view needs at once (drawing, filters, timeline, tooltips, region shading, ids): in
#: the page's first data. The others (evidence, source, notes, extras, …) of a map folder travel in
#: chunk files of :data:`CHUNK_EVENTS` events, loaded for a popup, a search or an export.
CORE_COLUMNS = ("event_id", "event_date", "date_precision", "event_type", "actor", "geo_precision",
                "location_name", "admin1_code", "admin1", "latitude", "longitude")
CHUNK_EVENTS = 5_000


def _encode_ids(s: pd.Series) -> Any:
    """Event ids: our 16-hex-digit content hashes packed as 8 bytes each (base64), else as a column."""
    import numpy as np
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" and len(s) >= 16:
        import pyarrow.compute as pc
        a = _arrow(s)
        if not a.null_count and pc.all(pc.match_substring_regex(a, "^[0-9a-f]{16}$")).as_py():
            raw = bytes.fromhex("".join(a.to_pylist()))
            return {"x": base64.b64encode(raw).decode("ascii"), "w": 8}
    s = s.astype(object).where(s.notna(), "")
    if len(s) >= 16 and pd.api.types.infer_dtype(s, skipna=False) == "string" \
            and s.str.fullmatch(r"[0-9a-f]{16}").all():
        raw = np.frombuffer(bytes.fromhex("".join(s.tolist())), dtype=np.uint8)
        return {"x": base64.b64encode(raw.tobytes()).decode("ascii"), "w": 8}
    return _encode_series("event_id", s)


def _encode_flags(flags: Any) -> Any:
    """The ``_link`` column ("1" for a link, else ""), as :func:`_encode_series` codes it, from booleans."""
    import numpy as np
    flags = np.asarray(flags, dtype=bool)
    n = len(flags)
    if n < 16:
        return ["1" if x else "" for x in flags.tolist()]
    first = bool(flags[0])
    uniq = ["1" if first else ""] + (["" if first else "1"] if (flags != first).any() else [])
    return {"d": uniq, "b": _b64((flags != first).astype(np.uint8)), "w": 1}


def events_data(events: Any, *, chunk_events: int | None = None,
                chunk_text: Callable[[int, dict], str] | None = None) -> tuple[dict, list, int]:
    """The page's event data: (blob, chunks, dropped rows). With *chunk_events* the blob holds the
    :data:`CORE_COLUMNS` and ``chunks`` describes the chunk files (each ``{"cols": ...}`` for events
    ``k*size .. (k+1)*size - 1``, positions local to the chunk); without it, every column is in the blob.
    *chunk_text(k, chunk)*: each chunk is handed to it as soon as it is encoded and ``chunks`` holds what
    it returns (a map folder's chunk file text): a million events' chunks never exist as values at once."""
    import numpy as np
    p = _Prepared(events)
    core = p.core
    lazy_names = [c for c in p.order if c not in CORE_COLUMNS] + ["_link"]

    link = _link_flags(core)


    def encode(name: str, lo: int, hi: int) -> Any:
        if name == "_link":
            return _encode_flags(link[lo:hi])
        if name in p.extras:
            s = p.extras[name]
            a, b = np.searchsorted(s.index.to_numpy(), [lo, hi])
            return _encode_sparse(s.iloc[a:b], lo)
        if name == "event_id":
            return _encode_ids(core[name].iloc[lo:hi])
        s = core[name]
        if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":    # sliced without pandas
            return _encode_arrow_text(name, _arrow(s, lo, hi))
        if isinstance(s.dtype, pd.CategoricalDtype) and _text_categories(s):    # a label column: as text
            import pyarrow as pa
            return _encode_arrow_text(name, pa.array(s.iloc[lo:hi].to_numpy(dtype=object), pa.string(),
                                                     from_pandas=True))
        return _encode_series(name, s.iloc[lo:hi].reset_index(drop=True))

    blob: dict[str, Any] = {"n": p.n, "order": p.order, "cols": {}}
    for c in p.order:
        if c in CORE_COLUMNS or not chunk_events:
            blob["cols"][c] = encode(c, 0, p.n)
    chunks: list[dict] = []
    if chunk_events:
        for lo in range(0, p.n, chunk_events):
            hi = min(p.n, lo + chunk_events)
            ch = {"lo": lo, "n": hi - lo, "cols": {c: encode(c, lo, hi) for c in lazy_names}}
            chunks.append(chunk_text(len(chunks), ch) if chunk_text else ch)
            del ch
        blob["chunks"] = {"size": chunk_events, "count": len(chunks), "cols": lazy_names}
    else:
        blob["cols"]["_link"] = encode("_link", 0, p.n)
    return blob, chunks, p.dropped


def events_blob(events: Any) -> tuple[dict, int]:
    """Columnar, compact event data for a one-file page (every column; rows without usable
    coordinates dropped). *events*: a DataFrame or an :class:`~geo.events.EventTable`.

    Returns (blob, number of dropped rows).
    """
    blob, _chunks, dropped = events_data(events)
    return blob, dropped


#: Front-line coordinates are stored as integers of 1e-4 degree (about 10 m), delta-encoded.
FRONT_SCALE = 10_000


def _pack_geometry(geom: dict | None) -> Any:
    """(Multi)Polygon → {"p": polygons → rings → flat [dx, dy, ...] integer deltas}; others unchanged.

    A year of daily front lines is mostly coordinates; as deltas of 1e-4° they take about a third
    of the bytes of decimal GeoJSON. The viewer decodes them back (``unpackGeometry`` in assets/js/util.mjs).
    """
    if not geom or geom.get("type") not in ("Polygon", "MultiPolygon"):
        return geom
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    packed = []
    for poly in polys:
        rings = []
        for ring in poly:
            flat: list[int] = []
            px = py = 0
            for x, y, *_ in ring:
                ix, iy = round(x * FRONT_SCALE), round(y * FRONT_SCALE)
                flat += (ix - px, iy - py)
                px, py = ix, iy
            rings.append(flat)
        packed.append(rings)
    return {"p": packed}


def _frontline_blob(frontline: dict | None) -> dict | None:
    if not frontline:
        return None
    pairs = sorted(zip(frontline.get("dates", []), frontline.get("geometries", [])), key=lambda p: str(p[0]))
    return {"dates": [str(d)[:10] for d, _ in pairs], "scale": FRONT_SCALE,
            "max_age": int(frontline.get("max_age_days", FRONTLINE_MAX_AGE_DAYS)),
            "geometries": [_pack_geometry(g) for _, g in pairs]}


#: Default front-line age limit: a snapshot older than this before a date does not cover it.
FRONTLINE_MAX_AGE_DAYS = 31


def derive_title(inputs: list[str | Path]) -> str:
    """A title from the input names ("Seeds", "Reports + Sample events", "A + B + 3 more")."""
    names = []
    for p in inputs:
        stem = Path(str(p)).stem if Path(str(p)).suffix else Path(str(p)).name
        stem = re.sub(r"[_\-]+", " ", stem).strip() or str(p)
        names.append(stem[:1].upper() + stem[1:])
    names = list(dict.fromkeys(names))
    if not names:
        return "frontline-map"
    return " + ".join(names[:2]) + (f" + {len(names) - 2} more" if len(names) > 2 else "")


#: Above this many events the points are drawn by one canvas layer (:class:`CanvasPoints`) instead
#: of one Leaflet marker each (:class:`Points`): 20 k is also where clustering and "all dates" at
#: opening stop.
CANVAS_FROM = 20_000


def default_features(*, basemap: dict | None, frontline: dict | None, labels: dict | None = None,
                     n_events: int = 0) -> list:
    """Every viewer feature, as a list a caller may filter before passing to :func:`build_map`.
    *n_events* picks the point layer (markers up to :data:`CANVAS_FROM`, a canvas layer above)."""
    from geo import _map_plugins as P
    feats = [P.Search(), P.Filters(), P.Timeline(), P.Choropleth(basemap),
             P.Labels(labels, basemap=basemap) if basemap or labels else None,
             P.FrontLine(_frontline_blob(frontline)) if frontline else None,
             P.Clusters(), P.Heatmap(),
             P.CanvasPoints() if n_events > CANVAS_FROM else P.Points(), P.Export(), P.UrlHash()]
    return [f for f in feats if f is not None]


def _subtitle(df: pd.DataFrame) -> str:
    s = df["event_date"].astype(object) if "event_date" in df else pd.Series(dtype=object)
    s = s[s.map(lambda x: isinstance(x, str))].str[:10]
    d = s[s.str[:4].str.isdigit()]
    n = len(df)
    lo, hi = (d.min(), d.max()) if len(d) else (None, None)
    span = f", {lo} to {hi}" if lo and lo != hi else (f", {lo}" if lo else "")
    return f"{n} event{'s' if n != 1 else ''}{span}"


def build_map(events: Any, *, title: str = "frontline-map", basemap: dict | None = None,
              frontline: dict | None = None, tiles: str | None = None, features: list | None = None,
              labels: dict | None = None, chunk_events: int | None = CHUNK_EVENTS,
              chunk_text: Callable[[int, dict], str] | None = None) -> folium.Map:
    """The folium Map (not yet written), so callers can add or leave out features and add their
    own folium layers. *features*: a list of :class:`MapFeature` (default: all, see
    :func:`default_features`), e.g.::

        m = build_map(df, features=[Filters(), Timeline(), Points(), UrlHash()])
        folium.CircleMarker([50.45, 30.52], tooltip="HQ").add_to(m)
        page = render_page(m)          # CDN assets inlined (or warned about), CSP added

    (:func:`render_html` is build_map + render_page.) *events*: a DataFrame or an
    :class:`~geo.events.EventTable` (its sparse extras are used as they are). *chunk_events*: the
    core columns in the page's first data, the others in chunks of that many events (gzip + base64:
    JSON blocks in a one-file page, chunk files in a map folder), read on demand; None: one plain
    blob of every column (as :func:`events_blob`). *chunk_text*: see :func:`events_data` (a map
    folder's chunk files, made as the chunks are encoded; the viewer then holds their text)."""
    from geo import _map_plugins as P
    prep = _Prepared(events)
    blob, chunks, dropped = events_data(prep, chunk_events=chunk_events, chunk_text=chunk_text)
    if chunk_events:    # small maps read their chunks before the opening view (every popup at once)
        blob["chunks"]["preload"] = blob["n"] <= CANVAS_FROM
    m = folium.Map(location=[48.5, 33.0], zoom_start=6, tiles=None, prefer_canvas=True)
    m.default_js, m.default_css = [], []        # no CDN links: everything is inlined
    fig = m.get_root()
    fig.title = html.escape(title)              # branca pastes the title raw
    if tiles:
        if not is_web_url(tiles) or re.search(r"[\s\"'<>`\\]", tiles):
            raise InputError("tiles", f"not an http(s) tile URL template: {tiles[:80]!r}")
        folium.TileLayer(tiles=tiles, attr="map tiles", name="tiles").add_to(m)
    P.InlineLeaflet().add_to(m)
    config = {"title": title, "subtitle": _subtitle(prep.core), "types": TYPE_COLORS,
              "known_types": list(EVENT_TYPES), "dropped": dropped, "tiles": bool(tiles)}
    if frontline:
        config["frontline"] = {"max_age": int(frontline.get("max_age_days", FRONTLINE_MAX_AGE_DAYS))}
    if features is None:
        features = default_features(basemap=basemap, frontline=frontline, labels=labels, n_events=blob["n"])
    for f in features:
        f.add_to(m)
    viewer = P.EventViewer({"config": config, "events": blob})
    viewer.chunks = chunks
    viewer.add_to(m)
    return m


def render_page(m: folium.Map, *, csp: bool = True, tiles: str | None = None) -> str:
    """A composed map as page text: CDN assets inlined where known (else a NetworkWarning), and
    with *csp* (default) a Content Security Policy allowing only what the page loads."""
    from geo import _map_plugins as P
    network = P.inline_cdn_assets(m)
    page = m.get_root().render()
    return P.add_csp(page, tiles=tiles, network=network) if csp else page


def render_html(events: Any, *, csp: bool = True, **kwargs: Any) -> str:
    """The page as text (see :func:`build_map` for the keyword arguments, :func:`render_page`)."""
    return render_page(build_map(events, **kwargs), csp=csp, tiles=kwargs.get("tiles"))


#: Up to this many events a map is one self-contained HTML file; above, a map folder: the page plus
#: its events in a data script (``<name>.data-<hash>/events.js``) that the page loads by ``<script src>``.
SINGLE_FILE_MAX = 100_000


def render_files(events: Any, *, name: str = "index", single_file_max: int | None = None,
                 csp: bool = True, chunk_events: int = CHUNK_EVENTS, **kwargs: Any) -> dict[str, str]:
    """The map as files: ``{"<name>.html": page}``, and above *single_file_max* events also the data
    folder ``<name>.data-<hash>/``: ``events.js`` (the core columns, loaded by ``<script src>``) and
    ``chunk-<k>.js`` (the other columns of :data:`CHUNK_EVENTS` events each, gzip + base64, loaded
    on demand). Paths are relative to the page's folder; the hash of the data names the folder, so
    a new build never overwrites the files an open page uses. *events*: a DataFrame or an
    :class:`~geo.events.EventTable`. Keyword arguments as :func:`build_map`."""
    from geo import _map_plugins as P
    prep = _Prepared(events)
    big = prep.n > (SINGLE_FILE_MAX if single_file_max is None else single_file_max)
    m = build_map(prep, chunk_events=chunk_events, **kwargs,
                  **({"chunk_text": lambda k, ch: P.chunk_script(f"fl-chunk-{k}", ch)} if big else {}))
    viewer = next(c for c in m._children.values() if isinstance(c, P.EventViewer))
    if big:
        blob = viewer.blobs["events"]
        blob["chunks"]["preload"] = False      # chunk files: read on demand
        texts = {}
        if "event_id" in blob["cols"]:         # ids are not needed to draw: a script read after the opening view
            texts["ids.js"] = P.data_script("fl-ids", blob["cols"].pop("event_id"), literal=True)
            blob["ids"] = "ids.js"
        _map_places.by_place(blob)             # place-determined columns once per place: a smaller events.js
        # the core as an object literal of a few long base64 strings: read faster than inflating it
        texts["events.js"] = P.data_script("fl-events", blob, literal=True)
        for k, text in enumerate(viewer.chunks):   # made as each chunk was encoded (build_map's chunk_text)
            texts[f"chunk-{k}.js"] = text
        digest = hashlib.sha256()
        for rel, text in texts.items():
            digest.update(rel.encode() + b"\0" + text.encode("utf-8") + b"\0")
        viewer.external = {"events"}
        viewer.chunks_inline = False
        viewer.data_dir = f"{name}.data-" + digest.hexdigest()[:12]
        viewer.files = {f"{viewer.data_dir}/{rel}": text for rel, text in texts.items()}
    if big:
        viewer.chunks = []    # encoded already into the chunk files' text: the lists of values can go
    page = render_page(m, csp=csp, tiles=kwargs.get("tiles"))
    files = {f"{name}.html": page, **viewer.files}
    n = prep.n
    del m, viewer, prep
    from geo.events import release_memory
    release_memory(n)     # the page's encoding temporaries, before the writers run
    return files


def write_map(folder: str | Path, files: dict[str, str]) -> Path:
    """Write :func:`render_files`' output into *folder*; returns the page's path.

    Atomic as a whole: the data folder is written under a temporary name and renamed into place
    (its name is the data's hash), then the page is replaced (one rename: the switch), then data
    folders of earlier builds of the same page are removed. A reader sees the old page with its old
    data or the new page with its new data, never a mix; a crash leaves the old map working."""
    import shutil
    import tempfile
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page_name = next(k for k in files if "/" not in k)
    dirs = sorted({k.split("/", 1)[0] for k in files if "/" in k})
    for d in dirs:
        final = folder / d
        if final.exists():        # the same data (same hash) is already in place
            continue
        tmp = Path(tempfile.mkdtemp(prefix=f".{d}.", suffix=".tmp", dir=folder))
        try:
            for rel, text in files.items():
                if rel.startswith(d + "/"):
                    _io.write_text(tmp / rel.split("/", 1)[1], text)
            tmp.chmod(0o755)
            tmp.rename(final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    _io.write_text(folder / page_name, files[page_name])
    stem = page_name.rsplit(".", 1)[0]
    for old in folder.glob(f"{glob_escape(stem)}.data-*"):
        if old.is_dir() and old.name not in dirs:
            shutil.rmtree(old, ignore_errors=True)
    return folder / page_name


def glob_escape(s: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", s)


def render_map(events: Any, path: str | Path, **kwargs: Any) -> Path:
    """Write the map atomically (works offline; tiles only if given): one self-contained HTML file
    at *path*, or above :data:`SINGLE_FILE_MAX` events (``single_file_max=``) the page at *path*
    plus its data folder beside it (see :func:`write_map`). Keyword arguments as :func:`render_files`."""
    path = Path(path)
    name = path.name[:-5] if path.name.endswith(".html") else path.name
    files = render_files(events, name=name, **kwargs)
    page = files.pop(f"{name}.html")
    return write_map(path.parent, {path.name: page, **files})


def read_events(files: dict[str, str]) -> dict:
    """The whole events blob (every column, as :func:`events_blob`) back from :func:`render_files`'
    output or ``{"index.html": page}``: the packed core and its chunks unpacked and joined. For tests
    and tools; the page does the same in assets/js/viewer.mjs."""
    import gzip
    page = next(v for k, v in files.items() if "/" not in k)

    def unz(b64: str) -> Any:
        return json.loads(gzip.decompress(base64.b64decode(b64)))

    m = re.search(r'<script type="application/json" id="fl-events">(.*?)</script>', page, re.S)
    if m:
        core = json.loads(m.group(1))
    else:
        text = next(v for k, v in files.items() if k.endswith("/events.js"))
        core = json.loads(text[text.index("] = ") + 4:].rstrip().rstrip(";"))
    blob = _map_places.expand(unz(core["z"]) if "z" in core else core)
    if blob.pop("ids", None):
        text = next(v for k, v in files.items() if k.endswith("/ids.js"))
        blob["cols"]["event_id"] = json.loads(text[text.index("] = ") + 4:].rstrip().rstrip(";"))
    ch = blob.pop("chunks", None)
    if not ch:
        return blob
    parts = []
    for k in range(ch["count"]):
        m = re.search(rf'<script type="application/json" id="fl-chunk-{k}">"(.*?)"</script>', page, re.S)
        if not m:
            text = next(v for f, v in files.items() if f.endswith(f"/chunk-{k}.js"))
            m = re.search(r'= "([A-Za-z0-9+/=]*)";', text)
        parts.append(unz(m.group(1)))
    for c in ch["cols"]:
        vals: list = []
        for p in parts:
            vals += decode_column(p["cols"][c], p["n"])
        blob["cols"][c] = vals
    return blob


def blob_sizes(page: str) -> dict[str, int]:
    """Bytes of each JSON blob in a rendered page (for benchmarks and size reports)."""
    out = {}
    for m in re.finditer(r'<script type="application/json" id="fl-([\w-]+)">(.*?)</script>', page, re.S):
        out[m.group(1)] = len(m.group(2).encode("utf-8"))
    return out


def synthetic_events(n: int, n_days: int = 365, *, start: str = "2024-01-01", seed: int = 0,
                     undated: int = 0) -> pd.DataFrame:
    """Plausible fake events inside Ukraine (demos, tests, benchmarks); ``undated`` rows get no date."""
    import numpy as np

    rng = np.random.default_rng(seed)
    days = pd.date_range(start, periods=n_days, freq="D").strftime("%Y-%m-%d").to_numpy()
    prec = rng.choice(["settlement", "region", "country"], n, p=[0.8, 0.15, 0.05])
    dates = days[rng.integers(0, n_days, n)].astype(object)
    if undated:
        dates[rng.choice(n, size=min(undated, n), replace=False)] = ""
    df = pd.DataFrame({
        "event_date": dates,
        "date_precision": rng.choice(["day", "week"], n, p=[0.9, 0.1]),
        "event_type": rng.choice(list(EVENT_TYPES), n, p=[0.35, 0.25, 0.2, 0.1, 0.1]),
        "event_type_original": "Explosions/Remote violence",
        "weapon": rng.choice(["drone", "missile", "artillery", ""], n),
        "actor": rng.choice(["UA", "RU", ""], n, p=[0.3, 0.6, 0.1]),
        "status": rng.choice(["reported", "claimed"], n),
        "location_name": [f"Place {k}" for k in rng.integers(0, 5000, n)],
        "admin1": rng.choice(["Donetsk Oblast", "Kharkiv Oblast", "Zaporizhzhia Oblast", "Kherson Oblast"], n),
        "country": "UA",
        "latitude": rng.uniform(46.3, 50.3, n).round(5),
        "longitude": rng.uniform(30.5, 38.5, n).round(5),
        "geo_precision": prec,
        "source": [f"https://example.org/report/{k}" for k in range(n)],
        "evidence": [f"Synthetic report {k} of shelling near the place." for k in range(n)],
        "confidence": rng.uniform(0.3, 1.0, n).round(2),
    })
    from geo.schema import event_id
    df.insert(0, "event_id", [event_id(r) for r in df.to_dict("records")])
    return df
