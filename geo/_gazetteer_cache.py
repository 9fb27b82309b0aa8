"""The gazetteer index on disk: a numpy ``.npz`` of plain arrays, never a pickle.

A cache file lives in a user-writable folder; whoever can write it must not be able to run code in the
next process that loads it. ``np.load(..., allow_pickle=False)`` reads only typed arrays: strings are
stored as UTF-8 bytes joined by a separator, name -> places maps as a key blob + offsets + ids (CSR),
small nested data (regions, countries, statistics) as a JSON document in a byte array. A damaged or
foreign file fails to parse and is rebuilt, nothing more.
"""
from __future__ import annotations

import hashlib
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
#: name -> place-row maps stored as Postings (admin2_rows and hromada_keys: see geo._gazetteer_build.unit_indexes;
#: hromada_keys holds positions in the meta list hromada_units, not rows)
POSTINGS = ("exact", "loose", "hromada", "admin2_rows", "hromada_keys")


def _str_blob(values: list[str]) -> np.ndarray:
    text = SEP.join(v.replace(SEP, " ") for v in values)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _strs(blob: np.ndarray, n: int) -> list[str]:
    out = blob.tobytes().decode("utf-8").split(SEP) if n else []
    if len(out) != n:
        raise ValueError(f"string column has {len(out)} values, expected {n}")
    return out


def key_hash(k: str) -> int:
    """Stable signed 64-bit hash of a key (Python's own str hash changes per process)."""
    return int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class Postings:
    """Read-only ``key -> tuple of place ids`` map over three arrays, with no per-key Python objects:
    sorted 64-bit key hashes (binary search), CSR offsets and ids. Loading costs nothing per key; the
    keys themselves (only the fuzzy matcher iterates them) are decoded on first use."""

    __slots__ = ("_hash", "_off", "_ids", "_blob", "_n", "_keys")

    def __init__(self, hashes: np.ndarray, offsets: np.ndarray, ids: np.ndarray, blob: np.ndarray, n: int):
        self._hash, self._off, self._ids, self._blob, self._n = hashes, offsets, ids, blob, n
        self._keys: list[str] | None = None

    def _slot(self, k: str) -> int:
        h = key_hash(k)
        j = int(self._hash.searchsorted(h))
        return j if j < self._n and int(self._hash[j]) == h else -1

    def get(self, k: str, default: Any = None) -> tuple[int, ...] | Any:
        j = self._slot(k)
        if j < 0:
            return default
        return tuple(self._ids[int(self._off[j]):int(self._off[j + 1])].tolist())

    def __contains__(self, k: object) -> bool:
        return isinstance(k, str) and self._slot(k) >= 0

    def __getitem__(self, k: str) -> tuple[int, ...]:
        v = self.get(k)
        if v is None:
            raise KeyError(k)
        return v

    def keys(self) -> list[str]:
        if self._keys is None:
            self._keys = _strs(self._blob, self._n)
        return self._keys

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return self._n


def _postings_arrays(d: dict[str, list[int]], name: str) -> dict[str, np.ndarray]:
    keys = sorted(d, key=key_hash)
    hashes = np.array([key_hash(k) for k in keys], dtype=np.int64)
    if len(hashes) > 1 and not (np.diff(hashes) > 0).all():
        raise ValueError(f"{name}: 64-bit key hash collision")   # ~1e-9 per build: change the key set
    lens = np.fromiter((len(d[k]) for k in keys), dtype=np.int64, count=len(keys))
    offsets = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
    ids = np.fromiter((i for k in keys for i in d[k]), dtype=np.int32, count=int(offsets[-1]))
    return {f"{name}.keys": _str_blob(keys), f"{name}.n": np.array([len(keys)]),
            f"{name}.hash": hashes, f"{name}.off": offsets, f"{name}.ids": ids}


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
    for name in POSTINGS:
        arrays.update(_postings_arrays(index[name], name))
    meta = {k: index[k] for k in ("version", "admin2", "regions", "admin1_keys", "countries", "max_words", "stats",
                                  "hromada_units")}
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    buf = io.BytesIO()
    # (numpy's stub lets **kwds of arrays match its allow_pickle: bool parameter; every key here is an array name)
    np.savez(buf, **arrays)  # type: ignore[arg-type]
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
        for name in POSTINGS:
            k = int(z[f"{name}.n"][0])
            maps[name] = Postings(z[f"{name}.hash"], z[f"{name}.off"], z[f"{name}.ids"], z[f"{name}.keys"], k)
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
    meta["hromada_units"] = [tuple(u) for u in meta["hromada_units"]]
    meta["stats"]["load_s"] = round(time.perf_counter() - t0, 3)
    return {"cols": cols, **maps, **meta}


def load_from_index(index: dict) -> dict:
    """A freshly built index in the loaded form, without a file (when the cache folder is read-only)."""
    return load(io.BytesIO(save(Path(), index)))  # type: ignore[arg-type]
