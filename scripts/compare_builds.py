#!/usr/bin/env python3
"""Compare two build output folders (`frontline-map build ... -o A`, then -o B): usage `compare_builds.py A B`.

Checks: events.* and rejects.csv byte for byte, the page's data blobs decoded,
and the page text after normalising folium's random element ids and the CSP hashes."""

import base64
import gzip
import json
import re
import sys
from pathlib import Path

a, b = Path(sys.argv[1]), Path(sys.argv[2])
ok = True


def files(d):
    cur = d / ".frontline-map" / "current"
    return {str(p.relative_to(cur)): p for p in cur.rglob("*") if p.is_file()}


fa, fb = files(a), files(b)


def norm_name(k):
    return re.sub(r"\.data-[0-9a-f]{12}", ".data-H", k)


na = {norm_name(k): v for k, v in fa.items()}
nb = {norm_name(k): v for k, v in fb.items()}
if set(na) != set(nb):
    print("file sets differ:", sorted(set(na) ^ set(nb)))
    ok = False


def blobs(text):
    out = {}
    for m in re.finditer(r'<script type="application/json" id="fl-([\w-]+)">(.*?)</script>', text, re.S):
        v = json.loads(m.group(2))
        if isinstance(v, dict) and "z" in v:
            v = json.loads(gzip.decompress(base64.b64decode(v["z"])))
        elif isinstance(v, str):
            v = json.loads(gzip.decompress(base64.b64decode(v)))
        out[m.group(1)] = v
    return out


def norm_page(t):
    t = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "CSP", t)
    t = re.sub(r"\b(map|tile_layer|[a-z_]+)_[0-9a-f]{32}\b", r"\1_ID", t)
    return t


for k in sorted(set(na) & set(nb)):
    x, y = na[k].read_bytes(), nb[k].read_bytes()
    if k.endswith(".html"):
        tx, ty = x.decode(), y.decode()
        bx, by = blobs(tx), blobs(ty)
        if bx.keys() != by.keys():
            print(k, "blob keys differ", bx.keys() ^ by.keys())
            ok = False
        for key in bx:
            if bx[key] != by.get(key):
                print(k, "blob differs:", key)
                ok = False
        if norm_page(tx) != norm_page(ty):
            px, py = norm_page(tx), norm_page(ty)
            i = (
                next(i for i in range(min(len(px), len(py))) if px[i] != py[i])
                if px[: min(len(px), len(py))] != py[: min(len(px), len(py))]
                else min(len(px), len(py))
            )
            print(k, f"page text differs (normalised) at {i}: {px[i - 80 : i + 80]!r} vs {py[i - 80 : i + 80]!r}")
            ok = False
        else:
            print(k, "page same (normalised); blobs same" if bx == by else "")
    elif k.endswith((".gpkg", ".parquet")):
        import geopandas as gpd

        ga, gb = (
            gpd.read_file(na[k]) if k.endswith(".gpkg") else gpd.read_parquet(na[k]),
            gpd.read_file(nb[k]) if k.endswith(".gpkg") else gpd.read_parquet(nb[k]),
        )
        same = ga.equals(gb) and list(ga.dtypes) == list(gb.dtypes)
        print(k, "same content" if same else "CONTENT DIFFERS", "(bytes same)" if x == y else "(bytes differ)")
        ok &= same
    else:
        print(k, "bytes same" if x == y else "BYTES DIFFER")
        ok &= x == y
print("OK" if ok else "DIFFERENT")
sys.exit(0 if ok else 1)
