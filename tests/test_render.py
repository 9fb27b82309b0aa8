"""geo.render without a browser: escaping, link policy, compact data, a self-contained page."""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess

import pandas as pd
import pytest

from geo import render
from geo.render import blob_sizes, events_blob, is_web_url, json_for_html, render_html, render_map, synthetic_events


def _decode(col):
    return render.decode_column(col)


def _blob(page: str, key: str):
    m = re.search(rf'<script type="application/json" id="fl-{key}">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_json_for_html_cannot_close_the_script_and_round_trips():
    obj = {"e": "</script><script>alert(1)</script>", "a": "a & b <!-- \u2028\u2029 ${x} {{ 7*7 }}"}
    s = json_for_html(obj)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in s
    assert json.loads(s) == obj


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a", True), ("http://x.y", True), ("HTTPS://Example.org", True),
    ("javascript:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,x", False),
    ("http:/x", False), ("//example.org", False), ("report.csv", False), ("", False), (None, False),
    (" https://example.org", False), ("https:// x", False),
])
def test_only_http_urls_are_links(url, ok):
    assert is_web_url(url) is ok


def test_events_blob_drops_unplaceable_rows_and_encodes_compactly():
    df = render.synthetic_events(200, 5, undated=3)
    df.loc[0, "latitude"] = float("nan")
    df.loc[1, "longitude"] = 500.0
    df["extra_note"] = ["note"] * len(df)
    df.loc[2, "confidence"] = float("nan")
    blob, dropped = events_blob(df)
    assert dropped == 2 and blob["n"] == 198
    cols = blob["cols"]
    assert isinstance(cols["event_type"], dict)                       # dictionary-encoded
    assert _decode(cols["event_type"]) == df["event_type"].iloc[2:].tolist()
    assert _decode(cols["event_id"]) == df["event_id"].iloc[2:].tolist()
    assert cols["confidence"][0] is None                              # NaN → null, not NaN
    assert "extra_note" in blob["order"] and render.decode_column(cols["extra_note"], 198)[0] == "note"
    assert all(v == "1" for v in _decode(cols["_link"]))             # all synthetic sources are https
    assert json.loads(json_for_html(blob)) == blob                   # valid JSON (no NaN)


def test_page_is_self_contained_and_data_is_literal(tmp_path):
    df = render.synthetic_events(30, 3)
    df.loc[0, "evidence"] = "{{ 7*7 }} {% raw %} </script><script>window.__x=1</script>"
    df.loc[1, "source"] = "javascript:window.__x=1"
    out = tmp_path / "sub" / "index.html"
    render_map(df, out, title="<b>War</b> map", basemap={"type": "FeatureCollection", "features": []},
               frontline={"dates": ["2024-01-02", "2024-01-01"], "geometries": [{"type": "Point", "coordinates": [1, 2]}, None]})
    page = out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["index.html"]   # atomic write left no temp file
    # nothing loaded from the network: no src/href to http(s), no CDN link tags
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "cdn.jsdelivr" not in page and "<link" not in page
    assert "L.version" in page or "Leaflet" in page                  # Leaflet inlined
    assert page.count("</script>") == len(re.findall(r"<script\b", page))   # no breakout
    assert "<title>&lt;b&gt;War&lt;/b&gt; map</title>" in page
    ev = render.read_events({"index.html": page})
    assert _decode(ev["cols"]["evidence"])[0] == df.loc[0, "evidence"]       # not evaluated as Jinja
    assert _decode(ev["cols"]["_link"])[1] == ""
    fl = _blob(page, "frontline")
    assert fl["dates"] == ["2024-01-01", "2024-01-02"] and fl["geometries"][1]["type"] == "Point"
    assert set(blob_sizes(page)) == {"config", "events", "basemap", "frontline", "chunk-0"}
    assert "window.frontline = frontlineBoot(map_" in page


def test_tiles_are_only_used_when_asked():
    df = render.synthetic_events(5, 1)
    assert "tile.example" not in render_html(df)
    assert "https://tile.example/{z}/{x}/{y}.png" in render_html(df, tiles="https://tile.example/{z}/{x}/{y}.png")


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://t/{z}\"</script>", "file:///tiles/{z}.png"])
def test_tiles_must_be_a_plain_web_url(bad):
    from geo._errors import InputError
    with pytest.raises(InputError):
        render_html(render.synthetic_events(3, 1), tiles=bad)


def test_geodataframe_points_are_placed():
    gpd = pytest.importorskip("geopandas")
    df = render.synthetic_events(10, 2)
    gdf = gpd.GeoDataFrame(df.drop(columns=["latitude", "longitude"]),
                           geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs=4326)
    blob, dropped = events_blob(gdf)
    assert dropped == 0 and _decode(blob["cols"]["latitude"]) == df["latitude"].tolist()
    assert "geometry" not in blob["order"]


def test_empty_events_still_render():
    page = render_html(pd.DataFrame(columns=["event_date", "latitude", "longitude"]))
    assert render.read_events({"index.html": page})["n"] == 0


def test_synthetic_events_are_valid():
    df = render.synthetic_events(100, 10, undated=4)
    assert (df["event_date"] == "").sum() == 4
    assert df["latitude"].between(44, 53).all() and not any(math.isnan(x) for x in df["longitude"])
    assert df["event_id"].is_unique


def test_front_line_is_packed_as_integer_deltas():
    from geo.render import FRONT_SCALE, _pack_geometry
    poly = {"type": "Polygon", "coordinates": [[[37.12345, 47.5], [38.0, 47.5], [38.0, 48.25], [37.12345, 47.5]]]}
    packed = _pack_geometry(poly)["p"]
    flat = packed[0][0]
    xs, ys, x, y = [], [], 0, 0
    for dx, dy in zip(flat[::2], flat[1::2]):
        x, y = x + dx, y + dy
        xs.append(x / FRONT_SCALE)
        ys.append(y / FRONT_SCALE)
    assert xs == [37.1234, 38.0, 38.0, 37.1234] or xs == [37.1235, 38.0, 38.0, 37.1235]
    assert ys == [47.5, 47.5, 48.25, 47.5]
    assert all(isinstance(v, int) for v in flat)
    assert _pack_geometry({"type": "Point", "coordinates": [1, 2]}) == {"type": "Point", "coordinates": [1, 2]}


# ---- palette, bundler, composition (issue 9) ------------------------------------------------------

def test_type_colours_stay_apart_for_colour_blind_vision():
    """Every pair of type colours keeps CIELAB ΔE ≥ 20 in normal vision and under fully
    simulated protan-, deutan- and tritanopia (Machado, Oliveira & Fernandes 2009)."""
    cs = pytest.importorskip("colorspacious")
    import itertools

    import numpy as np

    from geo.render import TYPE_COLORS
    rgb = {t: np.array([int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]) for t, c in TYPE_COLORS.items()}
    worst = []
    for cvd in (None, "protanomaly", "deuteranomaly", "tritanomaly"):
        seen = {t: np.clip(cs.cspace_convert(v, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1"), 0, 1)
                if cvd else v for t, v in rgb.items()}
        lab = {t: cs.cspace_convert(v, "sRGB1", "CIELab") for t, v in seen.items()}
        for a, b in itertools.combinations(lab, 2):
            worst.append((float(np.linalg.norm(lab[a] - lab[b])), cvd, a, b))
    assert min(worst)[0] >= 20, min(worst)
    # and the test can fail: the old palette's purple and blue (attack, equipment) merge for deutans
    old = [np.array([int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]) for c in ("#9467bd", "#1f77b4")]
    sim = [cs.cspace_convert(cs.cspace_convert(v, {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100},
                                               "sRGB1").clip(0, 1), "sRGB1", "CIELab") for v in old]
    assert np.linalg.norm(sim[0] - sim[1]) < 20


def test_bundler_scopes_modules_and_refuses_what_it_cannot_bundle(tmp_path):
    from geo._map_bundle import BundleError, bundle
    (tmp_path / "a.mjs").write_text("export const x = 1;\nconst hidden = 2;\nexport function f() { return x + hidden; }\n")
    (tmp_path / "b.mjs").write_text("import { f, x as y } from './a.mjs';\nexport function g() { return f() + y; }\n")
    js = bundle([tmp_path / "b.mjs"], expose={"ns.g": "b.mjs:g"})
    assert js.index("// ---- a.mjs") < js.index("// ---- b.mjs") and "import" not in js
    assert "window.ns = window.ns || {};" in js and "window.ns.g =" in js
    if shutil.which("node"):
        out = subprocess.run(["node", "-e", "const window = {};\n" + js + "\nconsole.log(window.ns.g(), typeof hidden)"],
                             capture_output=True, text=True, timeout=30)
        assert out.stdout.split() == ["4", "undefined"], out.stderr
    for bad in ("export default 1;", "import x from './a.mjs';", "export * from './a.mjs';", "const m = import('./a.mjs');"):
        (tmp_path / "c.mjs").write_text(bad + "\n")
        with pytest.raises(BundleError):
            bundle([tmp_path / "c.mjs"])
    (tmp_path / "d.mjs").write_text("import { nope } from './a.mjs';\n")
    with pytest.raises(BundleError, match="nope"):
        bundle([tmp_path / "d.mjs"])
    (tmp_path / "e.mjs").write_text("import { q } from './f.mjs';\nexport const p = 1;\n")
    (tmp_path / "f.mjs").write_text("import { p } from './e.mjs';\nexport const q = 1;\n")
    with pytest.raises(BundleError, match="cycle"):
        bundle([tmp_path / "e.mjs"])


def test_a_map_composed_in_python_ships_only_its_features_and_user_layers():
    import folium

    from geo.render import Filters, Points, UrlHash, build_map, render_page
    df = synthetic_events(20, 3, seed=1)
    m = build_map(df, features=[Filters(), Points(), UrlHash()])
    folium.CircleMarker([48.0, 35.0], radius=9, tooltip="my own layer").add_to(m)
    page = render_page(m)
    assert "frontlineFeatures.points" in page and "frontlineFeatures.timeline" not in page
    assert "// ---- timeline.mjs" not in page and "// ---- points.mjs" in page
    assert "circle_marker_" in page                        # the user's folium layer is in the page
    full = render_html(df)
    assert "// ---- timeline.mjs" in full and "// ---- search.mjs" in full


def test_cdn_layers_are_inlined_when_known_else_the_build_warns():
    import warnings

    from branca.element import MacroElement
    from folium.elements import JSCSSMixin

    from geo import _map_plugins as P
    from geo.render import build_map

    class Known(JSCSSMixin, MacroElement):
        default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]

    class Unknown(JSCSSMixin, MacroElement):
        default_js = [("thing", "https://cdn.example.net/thing/1.0/thing.js")]

    m = build_map(synthetic_events(5, 2, seed=1))
    Known().add_to(m)
    Unknown().add_to(m)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        left = P.inline_cdn_assets(m)
    assert left == ["https://cdn.example.net/thing/1.0/thing.js"]
    assert [x.category for x in w] == [P.NetworkWarning] and "will not work offline" in str(w[0].message)
    page = P.add_csp(m.get_root().render(), network=left)
    assert "cdn.jsdelivr.net" not in page                  # inlined
    assert 'src="https://cdn.example.net/thing/1.0/thing.js"' in page
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "script-src" in csp and "https://cdn.example.net" in csp


def test_title_is_derived_from_the_inputs():
    from geo.render import derive_title
    assert derive_title(["../shared/seeds"]) == "Seeds"
    assert derive_title(["data/sample_events.csv"]) == "Sample events"
    assert derive_title(["a.csv", "b_reports", "c.txt", "d.txt"]) == "A + B reports + 2 more"
    assert derive_title([]) == "frontline-map"


def test_csp_hashes_inline_code_and_allows_only_relative_data_scripts():
    from geo._map_plugins import add_csp
    page = "<html><head></head><body><script>var a=1</script><style>p{}</style></body></html>"
    csp = re.search(r'content="([^"]+)"', add_csp(page)).group(1).replace("&#x27;", "'")
    assert csp.startswith("default-src 'none'; script-src 'sha256-") and "'self'" not in csp
    assert "style-src 'sha256-" in csp and "img-src data: blob:;" in csp
    rel = add_csp(page.replace("</body>", '<script src="data/chunk1.js"></script></body>'))
    assert "'self'" in rel.replace("&#x27;", "'")
    absolute = add_csp(page.replace("</body>", '<script src="https://x.example/a.js"></script></body>'))
    assert "'self'" not in absolute.replace("&#x27;", "'") and "x.example" not in absolute.split("<body>")[0]


def test_map_folder_crash_leaves_the_previous_map_whole(tmp_path, monkeypatch):
    """A build killed while writing the data folder: the old page and its data stay, nothing half-written."""
    page = render.render_map(render.synthetic_events(40, 3, seed=1), tmp_path / "index.html", single_file_max=10)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert len(before) == 4 and sum(".data-" in str(p) for p in before) == 3     # events.js, ids.js, chunk-0.js
    real = render._io.write_text

    def boom(path, text):
        if ".data-" in str(path):
            raise OSError("disk full")
        real(path, text)
    monkeypatch.setattr(render._io, "write_text", boom)
    with pytest.raises(OSError):
        render.render_map(render.synthetic_events(50, 3, seed=2), page, single_file_max=10)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(render._io, "write_text", real)
    files = render.render_files(render.synthetic_events(50, 3, seed=2), single_file_max=10)
    data = sorted(k for k in files if k != "index.html")
    assert "index.html" in files and len(data) == 3
    assert re.fullmatch(r"index\.data-[0-9a-f]{12}/chunk-0\.js", data[0])
    assert data[1:] == [data[0].replace("chunk-0", "events"), data[0].replace("chunk-0", "ids")]


def _chunk_json(text: str) -> dict:
    import base64
    import gzip
    b64 = re.search(r'= "([A-Za-z0-9+/=]*)";', text).group(1)
    return json.loads(gzip.decompress(base64.b64decode(b64)))


def test_map_folder_chunks_hold_the_other_columns_and_round_trip():
    """Core columns in events.js, every other column in chunk files of chunk_events events; the
    chunks together give back exactly the one-file blob's values."""
    df = render.synthetic_events(250, 5, seed=3)
    df["note"] = None
    df.loc[[3, 130, 249], "note"] = ["a", "b", "c"]
    files = render.render_files(df, single_file_max=100, chunk_events=100)
    core_text = next(v for k, v in files.items() if k.endswith("/events.js"))
    core = json.loads(core_text[core_text.index("] = ") + 4:].rstrip().rstrip(";"))   # an object literal
    assert set(core["cols"]) == {c for c in render.CORE_COLUMNS if c in df.columns} - {"event_id"}   # ids: ids.js
    assert core["ids"] == "ids.js"
    extra_cols = [c for c in core["order"] if c not in render.CORE_COLUMNS] + ["_link"]
    assert core["chunks"] == {"size": 100, "count": 3, "cols": extra_cols, "preload": False}
    names = sorted((k for k in files if "/chunk-" in k), key=lambda k: int(k.rsplit("-", 1)[1][:-3]))
    chunks = [_chunk_json(files[k]) for k in names]
    assert [c["n"] for c in chunks] == [100, 100, 50]
    full, _ = events_blob(df)
    for c in core["chunks"]["cols"]:
        joined = sum((render.decode_column(ch["cols"][c], ch["n"]) for ch in chunks), [])
        assert joined == render.decode_column(full["cols"][c], 250), c
    assert render.decode_column(chunks[1]["cols"]["note"], 100)[30] == "b"
    ids_text = next(v for k, v in files.items() if k.endswith("/ids.js"))
    ids = json.loads(ids_text[ids_text.index("] = ") + 4:].rstrip().rstrip(";"))
    assert render.decode_column(ids) == df["event_id"].tolist()   # ids packed as 8 bytes


def test_a_wide_sparse_table_costs_its_filled_cells():
    """Issue 11: 1,000 extra columns filled once each cost about 1,000 cells, not rows x columns."""
    df = render.synthetic_events(2000, 5, seed=4)
    base = len(json_for_html(events_blob(df)[0]))
    wide = pd.concat([df, pd.DataFrame({f"x{k}": [None] * k + ["v"] + [None] * (1999 - k) for k in range(1000)})], axis=1)
    blob, _ = events_blob(wide)
    assert blob["cols"]["x7"]["v"] == ["v"] and render.decode_column(blob["cols"]["x7"], 2000)[7] == "v"
    assert len(json_for_html(blob)) - base < 1000 * 60            # ~40 bytes a filled cell with its name


def test_event_table_renders_with_its_sparse_extras():
    from geo.events import EventTable
    df = render.synthetic_events(60, 3, seed=5)
    df["extra"] = None
    df.loc[[0, 1, 59], "extra"] = ["x", "y", "z"]
    df.loc[1, "latitude"] = float("nan")                     # dropped: the extras shift with the rows
    t = EventTable.from_frame(df)
    assert set(t.extras) == {"extra"}
    blob, dropped = events_blob(t)
    assert dropped == 1 and blob["n"] == 59 and blob["order"][-1] == "extra"
    vals = render.decode_column(blob["cols"]["extra"], 59)
    assert vals[0] == "x" and vals[58] == "z" and vals.count(None) == 57
    assert blob == events_blob(df)[0]                        # a frame and its table give one page
    page = render.render_html(t)
    assert render.read_events({"index.html": page})["cols"]["evidence"][58] == "Synthetic report 59 of shelling near the place."


def test_coordinates_on_few_places_are_coded_once():
    df = render.synthetic_events(3000, 5, seed=6)
    df["latitude"] = df["latitude"].to_numpy()[[k % 40 for k in range(3000)]]
    df["longitude"] = df["longitude"].to_numpy()[[k % 40 for k in range(3000)]]
    col = events_blob(df)[0]["cols"]["latitude"]
    assert col["cw"] == 2 and len(render.base64.b64decode(col["b"])) == 40 * 4
    assert _decode(col) == df["latitude"].tolist()
