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
from pathlib import Path
from typing import Any

import folium
import pandas as pd

from geo import _io
from geo._map_plugins import (  # noqa: F401  (public: compose a map from these features)
    CanvasPoints, Choropleth, Clusters, Export, Filters, FrontLine, Heatmap, Labels, MapFeature, NetworkWarning, Points,
    Search, Timeline, UrlHash, json_for_html,
)
from geo._errors import InputError
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
    import numpy as np
    return {"b": _b64(np.round(np.asarray(values, dtype=float) * COORD_SCALE).astype(np.int32)), "w": 4,
            "s": COORD_SCALE}


def decode_column(col: Any) -> list:
    """The values of one column of :func:`events_blob` (inverse of the encodings; ``decode`` in
    assets/js/util.mjs does the same in the page)."""
    import numpy as np
    if not isinstance(col, dict):
        return col
    if "b" in col:
        dt = {1: "<u1", 2: "<u2", 4: "<i4"}[col["w"]]
        codes = np.frombuffer(base64.b64decode(col["b"]), dtype=dt)
        if "s" in col:
            return (codes / col["s"]).tolist()
        return [col["d"][i] for i in codes]
    return [col["d"][i] for i in col["i"]]


def events_blob(events: pd.DataFrame) -> tuple[dict, int]:
    """Columnar, compact event data for the page; rows without usable coordinates are dropped.

    Returns (blob, number of dropped rows).
    """
    df = events.reset_index(drop=True)
    if "latitude" not in df and "geometry" in df and hasattr(df["geometry"], "y"):
        df["latitude"], df["longitude"] = df["geometry"].y, df["geometry"].x   # a GeoDataFrame of points
    lat = pd.to_numeric(df["latitude"], errors="coerce") if "latitude" in df else pd.Series(dtype=float)
    lon = pd.to_numeric(df["longitude"], errors="coerce") if "longitude" in df else pd.Series(dtype=float)
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    df = df[ok].reset_index(drop=True)
    df["latitude"], df["longitude"] = lat[ok].to_numpy(), lon[ok].to_numpy()
    order = [c for c in COLUMNS if c in df.columns] + [c for c in df.columns if c not in COLUMNS]
    cols: dict[str, Any] = {}
    for c in order:
        if c == "geometry":
            continue
        if c in ("latitude", "longitude"):
            cols[c] = _encode_coords(df[c].to_numpy())
            continue
        digits = _FLOAT_DIGITS.get(c)
        vals = [_clean(v, digits) for v in df[c].tolist()]
        if c in COLUMNS and c not in _FLOAT_DIGITS:
            vals = ["" if v is None else (v if isinstance(v, str) else str(v)) for v in vals]
        cols[c] = _encode(vals)
    cols["_link"] = _encode(["1" if is_web_url(s) else "" for s in df.get("source", pd.Series([""] * len(df)))])
    return {"n": len(df), "cols": cols, "order": [c for c in order if c != "geometry"]}, int((~ok).sum())


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
    d = sorted(str(x)[:10] for x in df.get("event_date", pd.Series(dtype=object)) if isinstance(x, str) and x[:4].isdigit())
    n = len(df)
    span = f", {d[0]} to {d[-1]}" if d and d[0] != d[-1] else (f", {d[0]}" if d else "")
    return f"{n} event{'s' if n != 1 else ''}{span}"


def build_map(events: pd.DataFrame, *, title: str = "frontline-map", basemap: dict | None = None,
              frontline: dict | None = None, tiles: str | None = None, features: list | None = None,
              labels: dict | None = None) -> folium.Map:
    """The folium Map (not yet written), so callers can add or leave out features and add their
    own folium layers. *features*: a list of :class:`MapFeature` (default: all, see
    :func:`default_features`), e.g.::

        m = build_map(df, features=[Filters(), Timeline(), Points(), UrlHash()])
        folium.CircleMarker([50.45, 30.52], tooltip="HQ").add_to(m)
        page = render_page(m)          # CDN assets inlined (or warned about), CSP added

    (:func:`render_html` is build_map + render_page.)"""
    from geo import _map_plugins as P
    blob, dropped = events_blob(events)
    m = folium.Map(location=[48.5, 33.0], zoom_start=6, tiles=None, prefer_canvas=True)
    m.default_js, m.default_css = [], []        # no CDN links: everything is inlined
    fig = m.get_root()
    fig.title = html.escape(title)              # branca pastes the title raw
    if tiles:
        if not is_web_url(tiles) or re.search(r"[\s\"'<>`\\]", tiles):
            raise InputError("tiles", f"not an http(s) tile URL template: {tiles[:80]!r}")
        folium.TileLayer(tiles=tiles, attr="map tiles", name="tiles").add_to(m)
    P.InlineLeaflet().add_to(m)
    config = {"title": title, "subtitle": _subtitle(events), "types": TYPE_COLORS,
              "known_types": list(EVENT_TYPES), "dropped": dropped, "tiles": bool(tiles)}
    if frontline:
        config["frontline"] = {"max_age": int(frontline.get("max_age_days", FRONTLINE_MAX_AGE_DAYS))}
    for f in (default_features(basemap=basemap, frontline=frontline, labels=labels, n_events=blob["n"]) if features is None else features):
        f.add_to(m)
    P.EventViewer({"config": config, "events": blob}).add_to(m)
    return m


def render_page(m: folium.Map, *, csp: bool = True, tiles: str | None = None) -> str:
    """A composed map as page text: CDN assets inlined where known (else a NetworkWarning), and
    with *csp* (default) a Content Security Policy allowing only what the page loads."""
    from geo import _map_plugins as P
    network = P.inline_cdn_assets(m)
    page = m.get_root().render()
    return P.add_csp(page, tiles=tiles, network=network) if csp else page


def render_html(events: pd.DataFrame, *, csp: bool = True, **kwargs: Any) -> str:
    """The page as text (see :func:`build_map` for the keyword arguments, :func:`render_page`)."""
    return render_page(build_map(events, **kwargs), csp=csp, tiles=kwargs.get("tiles"))


#: Up to this many events a map is one self-contained HTML file; above, a map folder: the page plus
#: its events in a data script (``<name>.data-<hash>/events.js``) that the page loads by ``<script src>``.
SINGLE_FILE_MAX = 100_000


def render_files(events: pd.DataFrame, *, name: str = "index", single_file_max: int | None = None,
                 csp: bool = True, **kwargs: Any) -> dict[str, str]:
    """The map as files: ``{"<name>.html": page}``, and above *single_file_max* events also
    ``{"<name>.data-<hash>/events.js": data script}`` (paths relative to the page's folder; the hash
    of the data names the folder, so a new build never overwrites the files an open page uses).
    Keyword arguments as :func:`build_map`."""
    from geo import _map_plugins as P
    m = build_map(events, **kwargs)
    viewer = next(c for c in m._children.values() if isinstance(c, P.EventViewer))
    if viewer.blobs["events"]["n"] > (SINGLE_FILE_MAX if single_file_max is None else single_file_max):
        events_js = P.data_script("fl-events", viewer.blobs["events"])
        viewer.external = {"events"}
        viewer.data_dir = f"{name}.data-" + hashlib.sha256(events_js.encode("utf-8")).hexdigest()[:12]
    page = render_page(m, csp=csp, tiles=kwargs.get("tiles"))
    return {f"{name}.html": page, **viewer.files}


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


def render_map(events: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write the map atomically (works offline; tiles only if given): one self-contained HTML file
    at *path*, or above :data:`SINGLE_FILE_MAX` events (``single_file_max=``) the page at *path*
    plus its data folder beside it (see :func:`write_map`). Keyword arguments as :func:`render_files`."""
    path = Path(path)
    name = path.name[:-5] if path.name.endswith(".html") else path.name
    files = render_files(events, name=name, **kwargs)
    page = files.pop(f"{name}.html")
    return write_map(path.parent, {path.name: page, **files})


def blob_sizes(page: str) -> dict[str, int]:
    """Bytes of each JSON blob in a rendered page (for benchmarks and size reports)."""
    out = {}
    for m in re.finditer(r'<script type="application/json" id="fl-(\w+)">(.*?)</script>', page, re.S):
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
