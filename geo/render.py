"""Events → one self-contained, offline HTML map (Leaflet inlined, data as JSON blobs).

Why this shape: folium's default page loads Leaflet from a CDN (blank offline) and pastes
strings into HTML/JS unescaped. So we keep folium for the page skeleton and the ``map_<id>``
global, but inline every asset and ship the data as escaped ``application/json`` blobs that
``assets/map.js`` reads and renders with ``textContent`` only (canvas circle markers; one
``folium.Marker`` per event is ~5x bigger and ~10x slower).

The page exposes ``window.frontline`` for scripts and tests: ``map`` (the Leaflet map, also the
global ``map_<id>``), ``days``, ``setDate(iso|null)``, ``getDate()``, ``setWindow(n)`` (0 = one day),
``setTypes([...])``, ``setFilter("actor"|"prec"|"type", [...])``, ``setLayers({cluster, heat, choro})``,
``shownCount()``, ``shownIds()``, ``drawnCount()``, ``markerOf(event_id)``, ``regionCounts()``,
``frontlineDate()``, ``csvText()``, ``geojson()``, ``play()``. View state lives in the URL hash
(``#date=YYYY-MM-DD|all&win=N&types=a,b&actors=UA,unknown&prec=settlement&z=Z&c=lat,lon``).
"""
from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

import folium
import pandas as pd
from branca.element import Element, Figure, MacroElement

from geo import _io, _vendor
from geo._errors import InputError
from geo.schema import COLUMNS, EVENT_TYPES

ASSETS = Path(__file__).resolve().parent / "assets"

#: One colour per event type (legend, markers, timeline).
TYPE_COLORS: dict[str, str] = {
    "strike": "#d62728", "explosion": "#ff7f0e", "attack": "#9467bd",
    "destroyed_equipment": "#1f77b4", "other": "#7f7f7f",
}
_JSON_ESC = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_URL_RE = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)
_FLOAT_DIGITS = {"latitude": 5, "longitude": 5, "confidence": 3}


def json_for_html(obj: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESC[m.group()], s)


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


def _encode(values: list) -> Any:
    """Dictionary-encode repetitive string columns ({"d": uniques, "i": indexes}); else a list."""
    n = len(values)
    if n < 16 or not all(isinstance(v, str) for v in values):
        return values
    index: dict[str, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    if len(index) > n // 2:
        return values
    return {"d": list(index), "i": codes}


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
    of the bytes of decimal GeoJSON. The viewer decodes them back (``unpackGeometry`` in map.js).
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
            "geometries": [_pack_geometry(g) for _, g in pairs]}


class _Raw(Element):
    """Literal text in the page. branca re-parses macro output as a Jinja template, so data
    (which may contain ``{{``) must never pass through a template."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _script(js: str) -> str:
    return "<script>" + js.replace("</script", "<\\/script") + "</script>"


class InlineLeaflet(MacroElement):
    """Leaflet (+ markercluster, heat) JS/CSS inlined in the header instead of folium's CDN links."""

    js = ("leaflet.js", "leaflet.markercluster.js", "leaflet-heat.js")
    css = ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css")

    def render(self, **kwargs: Any) -> None:
        fig = self.get_root()
        assert isinstance(fig, Figure)
        for name in self.css:
            text = _vendor.path(name).read_text(encoding="utf-8")
            fig.header.add_child(_Raw(f"<style>{text}</style>"), name=f"inline_{name}")
        for name in self.js:
            fig.header.add_child(_Raw(_script(_vendor.path(name).read_text(encoding="utf-8"))),
                                 name=f"inline_{name}")
        super().render(**kwargs)


class EventViewer(MacroElement):
    """The analyst viewer: data blobs + ``assets/map.js``/``map.css``, bound to the parent map."""

    def __init__(self, blobs: dict[str, Any]):
        super().__init__()
        self._name = "EventViewer"
        self.blobs = blobs

    def render(self, **kwargs: Any) -> None:
        fig = self.get_root()
        assert isinstance(fig, Figure)
        fig.header.add_child(_Raw(f"<style>{_asset('map.css')}</style>"), name="frontline_css")
        fig.header.add_child(_Raw(_script(_asset("map.js"))), name="frontline_js")
        for key, obj in self.blobs.items():
            fig.html.add_child(_Raw(f'<script type="application/json" id="fl-{key}">'
                                    f"{json_for_html(obj)}</script>"), name=f"blob_{key}")
        fig.script.add_child(_Raw(f"window.frontline = frontlineViewer({self._parent.get_name()});"),
                             name="frontline_init")
        super().render(**kwargs)


def build_map(events: pd.DataFrame, *, title: str = "frontline-map", basemap: dict | None = None,
              frontline: dict | None = None, tiles: str | None = None) -> folium.Map:
    """The folium Map (not yet written); exposed so callers can add their own layers."""
    blob, dropped = events_blob(events)
    m = folium.Map(location=[48.5, 33.0], zoom_start=6, tiles=None, prefer_canvas=True)
    m.default_js, m.default_css = [], []        # no CDN links: everything is inlined
    fig = m.get_root()
    fig.title = html.escape(title)              # branca pastes the title raw
    if tiles:
        if not is_web_url(tiles) or re.search(r"[\s\"'<>`\\]", tiles):
            raise InputError("tiles", f"not an http(s) tile URL template: {tiles[:80]!r}")
        folium.TileLayer(tiles=tiles, attr="map tiles", name="tiles").add_to(m)
    InlineLeaflet().add_to(m)
    config = {"title": title, "types": TYPE_COLORS, "known_types": list(EVENT_TYPES),
              "dropped": dropped, "tiles": bool(tiles)}
    EventViewer({"config": config, "events": blob, "basemap": basemap,
                 "frontline": _frontline_blob(frontline)}).add_to(m)
    return m


def render_html(events: pd.DataFrame, **kwargs: Any) -> str:
    return build_map(events, **kwargs).get_root().render()


def render_map(events: pd.DataFrame, path: str | Path, *, title: str = "frontline-map",
               basemap: dict | None = None, frontline: dict | None = None,
               tiles: str | None = None) -> None:
    """Write one self-contained HTML file atomically (works offline; tiles only if given)."""
    _io.write_text(path, render_html(events, title=title, basemap=basemap, frontline=frontline,
                                     tiles=tiles))


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
