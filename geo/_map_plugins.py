"""The viewer's features as folium plugin-style elements, so a map can be composed in Python.

Each feature is a :class:`MapFeature` (a branca ``MacroElement``) that owns one ES module under
``assets/js/`` (and optional CSS / JSON data). :class:`EventViewer` (the core: data blobs,
state, panel) bundles the modules of the features added to the same map into one classic
inline script (``geo._map_bundle``) and starts them in a fixed order. Leave a feature out and
its code is not in the page; add your own folium layers to the map as usual.

Third-party layers whose JS/CSS folium would link from a CDN are inlined when the file is one
of ours (Leaflet, markercluster, heat) or an npm package we can fetch (jsDelivr/unpkg URLs,
cdnjs names that are npm names); otherwise the link stays and the build warns that the map
needs the network (and the page's Content Security Policy allows exactly that host).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import warnings
from pathlib import Path
from typing import Any

from branca.element import Element, Figure, MacroElement

from geo import _vendor
from geo._map_bundle import bundle

ASSETS = Path(__file__).resolve().parent / "assets"
JS = ASSETS / "js"
_JSON_ESC = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class NetworkWarning(UserWarning):
    """The map links a script or style from the network: it will not work offline."""


def json_for_html(obj: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESC[m.group()], s)


def pack(obj: Any) -> dict:
    """*obj* as ``{"z": base64 of gzip-compressed JSON}``: the page inflates it with
    ``DecompressionStream`` (``unpack`` in assets/js/viewer.mjs). A million events' typed columns
    shrink from ~31 MB of base64 to a few MB, and a long ASCII string costs the browser far less to
    read than the same data as JSON."""
    import gzip
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return {"z": base64.b64encode(gzip.compress(raw, 4, mtime=0)).decode("ascii")}   # 4: ~2x faster than 6, ~5 % larger


def data_script(key: str, obj: Any, *, literal: bool = False) -> str:
    """A classic script that hands *obj* to the viewer as ``window.__flData[key]`` (read by
    ``readJSON`` in assets/js/dom.mjs). ``<script src>`` loads from ``file://`` where fetch does
    not. The data is a JSON string literal for JSON.parse (faster than an object literal of many
    small values), or with *literal* an object literal (for a few long strings, e.g. :func:`pack`'s:
    no escapes to scan)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if literal:
        return f"(window.__flData = window.__flData || {{}})[{json.dumps(key)}] = {text};\n"
    lit = json.dumps(text, ensure_ascii=True)          # a JS string literal (ASCII: no U+2028 issue)
    return f"(window.__flData = window.__flData || {{}})[{json.dumps(key)}] = JSON.parse({lit});\n"


def chunk_script(key: str, obj: Any) -> str:
    """A classic script that hands *obj* (one chunk of a map folder's event columns) to the viewer
    as ``window.__flData[key]``: gzip-compressed JSON as a base64 string, which the page inflates
    with ``DecompressionStream`` (evidence text shrinks ~4x; no fetch, so it works from file://)."""
    return f'(window.__flData = window.__flData || {{}})[{json.dumps(key)}] = "{pack(obj)["z"]}";\n'


class Raw(Element):
    """Literal text in the page. branca re-parses macro output as a Jinja template, so data
    (which may contain ``{{``) must never pass through a template."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def script(js: str) -> str:
    return "<script>" + js.replace("</script", "<\\/script") + "</script>"


def style(css: str) -> str:
    return "<style>" + css.replace("</style", "<\\/style") + "</style>"


class MapFeature(MacroElement):
    """One viewer feature: a JS module (``assets/js/<module>``, exporting ``feature``), CSS, data.

    Subclasses set ``module`` and may return JSON blobs from :meth:`data` (read in JS with
    ``readJSON('fl-<key>')``).
    """

    module = ""
    css: tuple[str, ...] = ()
    name = ""

    def __init__(self) -> None:
        super().__init__()
        self._name = type(self).__name__

    def data(self) -> dict[str, Any]:
        return {}

    def render(self, **kwargs: Any) -> None:
        fig = self.get_root()
        assert isinstance(fig, Figure)
        for c in self.css:
            fig.header.add_child(Raw(style((ASSETS / c).read_text(encoding="utf-8"))), name=f"css_{c}")
        for key, obj in self.data().items():
            fig.html.add_child(Raw(f'<script type="application/json" id="fl-{key}">{json_for_html(obj)}</script>'),
                               name=f"blob_{key}")
        super().render(**kwargs)


class Filters(MapFeature):
    """Legend with counts = type filter; actor and precision filters."""
    module, name = "filters.mjs", "filters"


class Timeline(MapFeature):
    """Date, step/play (dates with events), window, zoomable/brushable strip."""
    module, name = "timeline.mjs", "timeline"


class Choropleth(MapFeature):
    """Offline base map (admin-1 regions, neighbours) and events-per-region shading."""
    module, name = "choropleth.mjs", "choropleth"

    def __init__(self, basemap: dict | None):
        super().__init__()
        self.basemap = basemap

    def data(self) -> dict[str, Any]:
        return {"basemap": self.basemap} if self.basemap else {}


class Labels(MapFeature):
    """Place names by zoom (countries, oblast centres, towns) from ``geo.labels``."""
    module, name = "labels.mjs", "labels"

    def __init__(self, labels: dict | None = None, *, basemap: dict | None = None):
        super().__init__()
        if labels is None:
            from geo.labels import place_labels
            labels = place_labels(basemap)
        self.labels = labels

    def data(self) -> dict[str, Any]:
        return {"labels": self.labels} if self.labels and self.labels.get("labels") else {}


class FrontLine(MapFeature):
    """Dated occupied-area polygons: the snapshot in force on the date (``max_age`` days at most)."""
    module, name = "frontline.mjs", "frontline"

    def __init__(self, blob: dict | None):
        super().__init__()
        self.blob = blob

    def data(self) -> dict[str, Any]:
        return {"frontline": self.blob} if self.blob else {}


class Clusters(MapFeature):
    """Marker clustering toggle (clusters down to the last zoom, then fan out)."""
    module, name = "clusters.mjs", "clusters"


class Heatmap(MapFeature):
    """Heatmap toggle."""
    module, name = "heat.mjs", "heat"


class Points(MapFeature):
    """The event dots, popups, tooltips, fan-out of stacked points."""
    module, name = "points.mjs", "points"


class CanvasPoints(MapFeature):
    """The event dots drawn by one canvas layer from the typed columns (for big maps: no Leaflet
    object per event, a hit grid for hover and click), popups, tooltips, fan-out of stacked points.
    An alternative to :class:`Points` with the same ``window.frontline`` API (plus ``pointAt``,
    ``paintedCount``); use one or the other."""
    module, name = "canvaspoints.mjs", "canvaspoints"


class Search(MapFeature):
    """Search places and evidence."""
    module, name = "search.mjs", "search"


class Export(MapFeature):
    """Download shown events as CSV (formula-safe) / GeoJSON."""
    module, name = "export.mjs", "export"


class UrlHash(MapFeature):
    """The view in the URL hash."""
    module, name = "hash.mjs", "hash"


#: Install order in the page (a feature may use what an earlier one set up).
ORDER = ("search", "filters", "timeline", "choropleth", "labels", "frontline", "clusters", "heat", "points",
         "canvaspoints", "export", "hash")


class EventViewer(MacroElement):
    """The core: events + config blobs, ``map.css``, the bundled modules, ``window.frontline``."""

    def __init__(self, blobs: dict[str, Any]):
        super().__init__()
        self._name = "EventViewer"
        self.blobs = blobs
        #: blob keys written as data scripts into *data_dir* (a map folder) instead of inline
        self.external: set[str] = set()
        self.data_dir = "data"
        #: relative path → text of the data scripts (render_files fills it)
        self.files: dict[str, str] = {}
        #: the chunks of the non-core columns (``render.events_data``): JSON blocks in the page
        #: (``chunks_inline``) or, for a map folder, files that render_files writes
        self.chunks: list[dict] = []
        self.chunks_inline = True

    def features(self) -> list[MapFeature]:
        found = [c for c in self._parent._children.values() if isinstance(c, MapFeature)]
        rank = {n: k for k, n in enumerate(ORDER)}
        return sorted(found, key=lambda f: rank.get(f.name, len(ORDER)))

    def render(self, **kwargs: Any) -> None:
        fig = self.get_root()
        assert isinstance(fig, Figure)
        feats = self.features()
        fig.header.add_child(Raw(style((ASSETS / "map.css").read_text(encoding="utf-8"))), name="frontline_css")
        expose = {"frontlineViewer": "viewer.mjs:frontlineViewer", "frontlineBoot": "viewer.mjs:frontlineBoot"}
        expose |= {f"frontlineFeatures.{f.name}": f"{f.module}:feature" for f in feats}
        js = bundle([JS / "viewer.mjs"] + [JS / f.module for f in feats], expose=expose)
        fig.header.add_child(Raw(script(js)), name="frontline_js")
        for key, obj in self.blobs.items():
            if key == "events" and "chunks" in obj and key not in self.external:
                fig.html.add_child(Raw(f'<script type="application/json" id="fl-events">{json_for_html(pack(obj))}</script>'),
                                   name="blob_events")
                if self.chunks_inline:
                    for k, ch in enumerate(self.chunks):
                        fig.html.add_child(Raw(f'<script type="application/json" id="fl-chunk-{k}">'
                                               f'{json_for_html(pack(ch)["z"])}</script>'), name=f"blob_chunk_{k}")
                continue
            if key in self.external:       # a map folder: the data in a script file beside the page
                src = f"{self.data_dir}/{key}.js"
                self.files.setdefault(src, data_script(f"fl-{key}", obj))
                fig.html.add_child(Raw(f'<script src="{html.escape(src)}"></script>'), name=f"blob_{key}")
                continue
            fig.html.add_child(Raw(f'<script type="application/json" id="fl-{key}">{json_for_html(obj)}</script>'),
                               name=f"blob_{key}")
        names = ", ".join(f"frontlineFeatures.{f.name}" for f in feats)
        fig.script.add_child(Raw(f"window.frontline = frontlineBoot({self._parent.get_name()}, [{names}]);"),
                             name="frontline_init")
        super().render(**kwargs)


class InlineLeaflet(MacroElement):
    """Leaflet (+ markercluster, heat) JS/CSS inlined in the header instead of folium's CDN links."""

    js = ("leaflet.js", "leaflet.markercluster.js", "leaflet-heat.js")
    css = ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css")

    def render(self, **kwargs: Any) -> None:
        fig = self.get_root()
        assert isinstance(fig, Figure)
        for name in self.css:
            fig.header.add_child(Raw(style(_vendor.path(name).read_text(encoding="utf-8"))), name=f"inline_{name}")
        for name in self.js:
            fig.header.add_child(Raw(script(_vendor.path(name).read_text(encoding="utf-8"))), name=f"inline_{name}")
        super().render(**kwargs)


# ---- third-party CDN links -----------------------------------------------------------------------

#: Files of ours that folium or its plugins link from CDNs.
_OURS = {"leaflet.js": "leaflet.js", "leaflet.css": "leaflet.css", "leaflet.markercluster.js": "leaflet.markercluster.js",
         "MarkerCluster.css": "MarkerCluster.css", "MarkerCluster.Default.css": "MarkerCluster.Default.css",
         "leaflet-heat.js": "leaflet-heat.js"}
_NPM_CDN = re.compile(r"^https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/(.+)$")
_CDNJS = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/([\w.-]+)/([\w.-]+)/(.+)$")


def _npm_file(url: str) -> str | None:
    """The text of a CDN file that is in an npm package (fetched once into the vendor cache)."""
    base = url.rsplit("/", 1)[-1].split("?")[0]
    if base in _OURS and ("leaflet" in url.lower() or "markercluster" in url.lower()):
        return _vendor.path(_OURS[base]).read_text(encoding="utf-8")
    m = _NPM_CDN.match(url) or _CDNJS.match(url)
    if not m:
        return None
    pkg, ver, member = m.groups()
    local = re.sub(r"[^\w.-]", "_", f"{pkg}@{ver}/{member}")
    out = _vendor.vendor_dir() / "cdn"
    f = out / local
    if not f.exists():
        out.mkdir(parents=True, exist_ok=True)
        candidates = [f"package/{member}"] + ([f"package/dist/{member}"] if m.re is _CDNJS else [])
        for cand in candidates:
            try:
                _vendor._fetch(f"{pkg}@{ver}", {cand: local}, out, True)
                break
            except Exception:       # not on npm, no npm, offline: the caller warns
                continue
    return f.read_text(encoding="utf-8") if f.exists() else None


def inline_cdn_assets(root: Element) -> list[str]:
    """Replace every element's ``default_js``/``default_css`` CDN link by the file inlined in the
    header where we can; returns the URLs left as links (the map needs the network for them)."""
    fig = root.get_root()
    left: list[str] = []
    seen: set[str] = set()

    def walk(e: Element) -> None:
        for attr, wrap in (("default_css", style), ("default_js", script)):
            keep = []
            for name, url in getattr(e, attr, None) or []:
                if url in seen:
                    continue
                seen.add(url)
                text = _npm_file(url) if isinstance(url, str) else None
                if text is None:
                    keep.append((name, url))
                    left.append(url)
                else:
                    fig.header.add_child(Raw(wrap(text)), name=f"cdn_{name}")
            if getattr(e, attr, None):
                setattr(e, attr, keep)
        for c in list(getattr(e, "_children", {}).values()):
            walk(c)

    walk(root)
    for url in left:
        warnings.warn(f"the map links {url} from the network: it will not work offline", NetworkWarning, stacklevel=3)
    return left


# ---- Content Security Policy --------------------------------------------------------------------

_INLINE = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1>", re.S | re.I)


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _origin(url: str) -> str:
    m = re.match(r"^(https?://[^/?#]+)", url)
    return m.group(1) if m else ""


def add_csp(page: str, *, tiles: str | None = None, network: list[str] = ()) -> str:
    """The page with a ``<meta>`` Content Security Policy: nothing but our own inline scripts and
    styles (by hash) runs or loads, plus the map folder's data scripts (relative ``<script src>``:
    ``'self'``), tile images when ``tiles`` is given and the links in *network* (third-party
    layers we could not inline). JSON data blocks need no hash."""
    scripts, styles = [], []
    # data scripts next to the page (<script src="data/x.js">): 'self' (for file:// pages
    # Chromium matches files of the page's folder)
    if re.search(r"<script\b[^>]*\bsrc=[\"'](?![a-z][a-z0-9+.-]*:|//)", page, re.I):
        scripts.append("'self'")
    for m in _INLINE.finditer(page):
        attrs = (m.group(2) or "").lower()
        if m.group(1).lower() == "script":
            if "src=" in attrs or "application/json" in attrs:
                continue
            scripts.append(_sha(m.group(3)))
        else:
            styles.append(_sha(m.group(3)))
    img = ["data:", "blob:"]
    if tiles:
        host = _origin(tiles.replace("{s}", "a"))
        img.append(host if "{s}" not in tiles else re.sub(r"^(https?://)a\.", r"\1*.", host))
    script_src = sorted(set(scripts)) + sorted({_origin(u) for u in network if u.endswith(".js") and _origin(u)})
    style_src = sorted(set(styles)) + sorted({_origin(u) for u in network if not u.endswith(".js") and _origin(u)})
    policy = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(script_src or ["'none'"]),
        "style-src " + " ".join(style_src or ["'none'"]),
        "img-src " + " ".join(img),
        "base-uri 'none'", "form-action 'none'",
    ])
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    head = re.search(r"<head[^>]*>", page, re.I)
    if not head:
        return meta + page
    return page[:head.end()] + "\n    " + meta + page[head.end():]
