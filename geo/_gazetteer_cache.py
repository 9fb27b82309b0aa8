"""The gazetteer index on disk: a numpy ``.npz`` of plain arrays, never a pickle.

A cache file lives in a user-writable folder; whoever can write it must not be able to run code in the
next process that loads it. ``np.load(..., allow_pickle=False)`` reads only typed arrays: strings are
stored as UTF-8 bytes joined by a separator, name -> places maps as a key blob + offsets + ids (CSR),
small nested data (regions, countries, statistics) as a JSON document in a byte array. A damaged or
foreign file fails to parse and is rebuilt, nothing more.
"""
from __future__ import annotations

import io
import json
import time
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from geo._gazetteer_build import NUM_COLS, STR_COLS

SEP = "\x1f"     # ASCII unit separator: never part of a place name (names are cleaned of controls)
_NUM_DTYPE = {"q": np.int64, "d": np.float64}


def _str_blob(values: list[str]) -> np.ndarray:
    text = SEP.join(v.replace(SEP, " ") for v in values)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _strs(blob: np.ndarray, n: int) -> list[str]:
    out = blob.tobytes().decode("utf-8").split(SEP) if n else []
    if len(out) != n:
        raise ValueError(f"string column has {len(out)} values, expected {n}")
    return out


class Postings:
    """Read-only ``key -> tuple of place ids`` map backed by three arrays (a dict of key -> slot)."""

    __slots__ = ("_slot", "_off", "_ids")

    def __init__(self, keys: list[str], offsets: np.ndarray, ids: np.ndarray) -> None:
        self._slot = dict(zip(keys, range(len(keys))))
        self._off = offsets.tolist()
        self._ids = ids

    def get(self, k: str, default: Any = None) -> tuple[int, ...] | Any:
        j = self._slot.get(k)
        if j is None:
            return default
        return tuple(self._ids[self._off[j]:self._off[j + 1]].tolist())

    def __contains__(self, k: object) -> bool:
        return k in self._slot

    def __getitem__(self, k: str) -> tuple[int, ...]:
        v = self.get(k)
        if v is None:
            raise KeyError(k)
        return v

    def __iter__(self):
        return iter(self._slot)

    def __len__(self) -> int:
        return len(self._slot)

    def keys(self):
        return self._slot.keys()


def _postings_arrays(d: dict[str, list[int]], name: str) -> dict[str, np.ndarray]:
    keys = list(d)
    lens = np.fromiter((len(d[k]) for k in keys), dtype=np.int64, count=len(keys))
    offsets = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
    ids = np.fromiter((i for k in keys for i in d[k]), dtype=np.int32, count=int(offsets[-1]))
    return {f"{name}.keys": _str_blob(keys), f"{name}.n": np.array([len(keys)]),
            f"{name}.off": offsets, f"{name}.ids": ids}


def save(path: Path, index: dict) -> bytes:
    """The index as .npz bytes (the caller writes them atomically)."""
    arrays: dict[str, np.ndarray] = {}
    cols = index["cols"]
    n = len(cols["gid"])
    for c, typ in NUM_COLS.items():
        arrays[f"col.{c}"] = np.asarray(cols[c], dtype=_NUM_DTYPE[typ])
    for c in STR_COLS:
        arrays[f"col.{c}"] = _str_blob(list(cols[c]))
    arrays["n"] = np.array([n])
    for name in ("exact", "loose", "hromada"):
        arrays.update(_postings_arrays(index[name], name))
    meta = {k: index[k] for k in ("version", "admin2", "regions", "admin1_keys", "countries", "max_words", "stats")}
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def load(path: Path) -> dict:
    """Read an index written by :func:`save`; raises (OSError, ValueError, KeyError) if unusable."""
    t0 = time.perf_counter()
    with np.load(path, allow_pickle=False) as z:
        n = int(z["n"][0])
        cols: dict[str, Any] = {}
        for c, typ in NUM_COLS.items():
            a = z[f"col.{c}"]
            if len(a) != n:
                raise ValueError(f"column {c} has {len(a)} rows, expected {n}")
            cols[c] = array(typ, a.tobytes()) if typ == "q" else a.tolist()
        for c in STR_COLS:
            cols[c] = _strs(z[f"col.{c}"], n)
        maps = {}
        for name in ("exact", "loose", "hromada"):
            k = int(z[f"{name}.n"][0])
            maps[name] = Postings(_strs(z[f"{name}.keys"], k), z[f"{name}.off"], z[f"{name}.ids"])
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
    meta["stats"]["load_s"] = round(time.perf_counter() - t0, 3)
    return {"cols": cols, **maps, **meta}


def load_from_index(index: dict) -> dict:
    """A freshly built index in the loaded form, without a file (when the cache folder is read-only)."""
    return load(io.BytesIO(save(Path(), index)))  # type: ignore[arg-type]
