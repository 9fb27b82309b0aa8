"""Crash safety: a build killed with SIGKILL at any moment leaves one build's outputs, never a mix.

A forked child rebuilds the same folder in a loop, each build from a table carrying its own marker
(in every event's evidence, every reject's raw line and so in index.html's data); the parent kills
it at random moments (fixed seed) and checks that index.html, rejects.csv and the events in every
format (``--format geojson,gpkg,parquet,csv``; the binary ones read through pyogrio/pyarrow) all
carry the same marker. After each kill the next build must leave no temporary files behind.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from geo import _outputs
from geo.pipeline import build

KILLS = 16          # whole builds killed at random moments
PUBLISH_KILLS = 16  # builds killed inside the switch itself (where a mix could happen)
NAMES = ("index.html", "events.geojson", "rejects.csv", "events.gpkg", "events.parquet", "events.csv")
FORMATS = ("geojson", "gpkg", "parquet", "csv")
BINARY = ("events.gpkg", "events.parquet")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork/SIGKILL")


def write_table(path: Path, marker: str, n: int = 400) -> None:
    rows = ["date,lat,lon,place,notes"]
    for i in range(n):
        rows.append(f"2022-09-{1 + i % 28:02d},{46 + (i % 300) / 100:.4f},{32 + (i % 500) / 100:.4f},Place {i},"
                    f"{marker} event {i}")
    rows.append(f"2022-09-01,not-a-number,32.6,Kherson,{marker} reject")
    path.write_text("\n".join(rows) + "\n")


def markers(out: Path) -> dict[str, set[str]]:
    """name → the build markers found in that output (exactly one each when consistent)."""
    found = {}
    for n in NAMES:
        p = out / n
        if n in BINARY and p.exists():
            text = " ".join(_binary_text(p))
        else:
            text = p.read_text() if p.exists() else ""
        if n == "index.html" and 'id="fl-events"' in text:    # a real page: its event data is packed (gzip + base64)
            from geo.render import read_events
            text = json.dumps(read_events({n: text}), ensure_ascii=False)
        found[n] = {w for w in text.replace('"', " ").replace(",", " ").split() if w.startswith("MARK")}
    return found


def _binary_text(p: Path) -> list[str]:
    """The evidence column of a GeoPackage/GeoParquet (text in a file that is not text), or, for what
    the publish-only kills write (not a valid file of that kind), its bytes as text."""
    data = p.read_bytes()
    if data.startswith(b"MARK"):
        return [data.decode()]
    if p.suffix == ".gpkg":
        import pyogrio
        return pyogrio.read_dataframe(p, columns=["evidence"], read_geometry=False)["evidence"].tolist()
    import pyarrow.parquet as pq
    return [str(v) for v in pq.read_table(p, columns=["evidence"]).column("evidence").to_pylist()]


def leftovers(out: Path) -> list[str]:
    state = out / _outputs.STATE
    live = os.readlink(state / _outputs.CURRENT)
    return sorted(p.name for p in state.iterdir() if p.name not in (_outputs.CURRENT, live)) + \
        sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


def kill_looping(step, after: float) -> None:
    """Fork a child that runs ``step(0)``, ``step(1)``, … forever; SIGKILL it *after* seconds and reap it."""
    pid = os.fork()
    if pid == 0:
        try:
            j = 0
            while True:
                step(j)
                j += 1
        finally:
            os._exit(0)
    time.sleep(after)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_sigkill_at_random_moments_never_mixes_outputs(tmp_path):
    out = tmp_path / "map"
    table = tmp_path / "in.csv"
    write_table(table, "MARKwarm")
    build([table], out, formats=FORMATS)      # warm caches (gazetteer, regions) before forking
    t0 = time.perf_counter()
    write_table(table, "MARKtimed")
    build([table], out, formats=FORMATS)
    one = time.perf_counter() - t0
    rng = random.Random(20261201)
    mid_publish = 0
    for k in range(KILLS):
        def rebuild(j: int, k: int = k) -> None:      # each build its own marker
            src = tmp_path / f"in-{k}-{j}.csv"
            write_table(src, f"MARK{k}x{j}")
            build([src], out, formats=FORMATS)
        kill_looping(rebuild, rng.uniform(0.0, 2.5 * one))
        found = markers(out)
        assert all(len(v) == 1 for v in found.values()), (k, found)
        assert len(set().union(*found.values())) == 1, (k, found)      # all old or all new
        if leftovers(out):
            mid_publish += 1
        # the next run cleans up whatever the killed one left
        write_table(table, f"MARKnext{k}")
        build([table], out, formats=FORMATS)
        assert leftovers(out) == [], k
        assert set().union(*markers(out).values()) == {f"MARKnext{k}"}
        json.loads((out / "events.geojson").read_text())
    # The write-and-switch step is a small part of a build: kill inside it on purpose too.
    big = {n: "x" * 500_000 for n in NAMES}

    def files(mark: str) -> dict:
        """Text outputs as strings, the binary ones through path writers (as pyogrio/pyarrow write)."""
        return {n: (_outputs.ToPath(lambda p, v=f"{mark} {v}": p.write_text(v)) if n in BINARY else f"{mark} {v}")
                for n, v in big.items()}
    t0 = time.perf_counter()
    _outputs.publish(out, files("MARKpub"))
    one_publish = time.perf_counter() - t0
    for k in range(PUBLISH_KILLS):
        kill_looping(lambda j, k=k: _outputs.publish(out, files(f"MARK{k}p{j}")), rng.uniform(0.0, 3 * one_publish))
        found = markers(out)
        assert all(len(v) == 1 for v in found.values()) and len(set().union(*found.values())) == 1, (k, found)
        if leftovers(out):
            mid_publish += 1
        _outputs.publish(out, files(f"MARKafter{k}"))   # the next run's switch
        assert leftovers(out) == [], k
    print(f"{KILLS + PUBLISH_KILLS} kills survived ({mid_publish} left a half-written generation, "
          f"cleaned by the next run); build {one:.2f} s, publish {one_publish:.3f} s")
    assert mid_publish >= 4       # the kills really hit the switch, not only the reading
