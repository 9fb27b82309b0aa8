"""Fuzzy name lookup for the gazetteer: keys within a small weighted edit distance, vectorised."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geo import _names


class FuzzyIndex:
    """Keys by first letter, sorted by length, with letter counts and padded character codes, so
    a fuzzy lookup is a few vectorised steps: letter counts give a lower bound of
    :func:`geo._names.edit_distance` that drops most keys, and the same weighted Levenshtein runs
    on the rest at once (well under a millisecond instead of tens of ms of Python per lookup)."""

    def __init__(self, keys: Iterable[str]) -> None:
        import numpy as np
        self._np = np
        keys = list(keys)
        self._groups: dict[str, tuple] = {}
        self._members: dict[str, Any] = {}       # first letter -> positions of its keys, in group order
        if not keys:
            return
        # all keys at once (~30 ms for ~100k keys; the per-key Python loop this replaces took ~0.4 s):
        # grouped by first letter, each group by length, keys of one length in their given order. A group's
        # padded codes and letter counts are made when a lookup first needs that letter: a process that
        # looks up a few misspellings pays for a few letters, and the result is the same either way.
        self._keys = keys
        self._lens = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        self._flat = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        self._starts = np.concatenate(([0], np.cumsum(self._lens)[:-1]))
        flat = self._flat
        first = np.where(self._lens > 0, flat[np.minimum(self._starts, max(len(flat) - 1, 0))] if len(flat) else -1, -1)
        order = np.lexsort((self._lens, first))           # stable: ties keep the keys' order
        cuts = np.flatnonzero(np.diff(first[order])) + 1
        for g in np.split(order, cuts):
            f0 = int(first[g[0]])
            self._members["" if f0 < 0 else chr(f0)] = g

    def build_all(self) -> None:
        """Make every letter's arrays now (a long-running process that would rather pay up front)."""
        for first in self._members:
            self._group(first)

    def _group(self, first: str) -> tuple | None:
        """(keys, lengths, padded codes, letter counts) of the keys starting with *first*, built once."""
        got = self._groups.get(first)
        if got is not None or first not in self._members:
            return got
        np = self._np
        g = self._members[first]
        ks = list(map(self._keys.__getitem__, g.tolist()))
        lens = self._lens[g]
        starts = self._starts[g]
        width = int(lens.max())
        pos = np.arange(width)
        inside = pos[None, :] < lens[:, None]
        codes = np.full((len(ks), width), -1, dtype=np.int32)
        src = (starts[:, None] + pos[None, :])[inside]
        codes[inside] = self._flat[src]
        rows = np.repeat(np.arange(len(ks)), lens)
        counts = np.bincount(rows * _N_SLOTS + _slot_of(np)[np.minimum(self._flat[src], 65535)],
                             minlength=len(ks) * _N_SLOTS).reshape(len(ks), _N_SLOTS).astype(np.int16)
        got = self._groups[first] = (ks, lens, codes, counts)
        return got

    def distances(self, k: str, limit: float) -> list[tuple[float, str]]:
        """(distance, key) for the keys with the same first letter within *limit* of *k*."""
        g = self._group(k[:1])
        if g is None:
            return []
        np = self._np
        ks, lens, codes, counts = g
        a = int(np.searchsorted(lens, len(k) - limit, side="left"))
        b = int(np.searchsorted(lens, len(k) + limit, side="right"))
        if a >= b:
            return []
        qc = np.zeros(_N_SLOTS, dtype=np.int16)
        for ch in k:
            qc[_SLOT.get(ch, _N_SLOTS - 1)] += 1
        diff = counts[a:b] - qc
        # an edit of cost 1 changes (consonant counts L1 + vowel total) by at most 2 and the
        # vowel total by at most 1; a vowel-for-vowel swap (cost 0.5) changes neither
        cons = np.abs(diff[:, _N_VOWELS:]).sum(axis=1)
        vtot = np.abs(diff[:, :_N_VOWELS].sum(axis=1))
        rows = a + np.flatnonzero(np.maximum((cons + vtot) / 2, vtot) <= limit)
        if not len(rows):
            return []
        m = int(lens[rows].max())
        c = codes[rows, :m]
        cv = _is_vowel(np)[c]       # (padding -1 reads the last entry, no vowel)
        q = [ord(ch) for ch in k]
        # costs doubled to stay in small integers (a vowel-for-vowel swap costs 1, any other edit 2)
        lim2 = int(round(2 * limit))
        cols = np.arange(0, 2 * (m + 1), 2, dtype=np.int16)
        prev = np.broadcast_to(cols, (len(rows), m + 1)).copy()
        sub_vowel = np.where(cv, 1, 2).astype(np.int16)
        two = np.int16(2)
        for i, qi in enumerate(q):
            sub = np.where(c == qi, np.int16(0), sub_vowel if qi in _VOWEL_SET_CODES else two).astype(np.int16)
            cur = np.empty_like(prev)
            cur[:, 0] = 2 * (i + 1)
            np.minimum(prev[:, 1:] + two, prev[:, :-1] + sub, out=cur[:, 1:])
            # insertions: cur[j] = min over j' <= j of cur[j'] + 2 (j - j')
            prev = np.minimum.accumulate(cur - cols, axis=1) + cols
            # a row's minimum never falls in later steps: keys already beyond the limit are dropped
            alive = prev.min(axis=1) <= lim2
            if not alive.all():
                if not alive.any():
                    return []
                prev, c, rows, sub_vowel = prev[alive], c[alive], rows[alive], sub_vowel[alive]
        d = prev[np.arange(len(rows)), lens[rows]] / 2.0   # each key's own length (padding lies beyond it)
        return [(float(d[r]), ks[rows[r]]) for r in np.flatnonzero(d <= limit)]


_VOWEL_CODES = sorted(ord(ch) for ch in _names._VOWEL_SET)
_VOWEL_SET_CODES = frozenset(_VOWEL_CODES)
_VOWELS_FIRST = "".join(sorted(_names._VOWEL_SET))
_SLOT = {ch: i for i, ch in enumerate(_VOWELS_FIRST + "bcdefghjklmnopqrstvwxyz0123456789")}
_N_VOWELS = len(_VOWELS_FIRST)
_N_SLOTS = len(_SLOT) + 1      # the last slot: any other character (merging only lowers the bound)


_IS_VOWEL: list = []
_SLOT_OF: list = []


def _slot_of(np):
    """A lookup table code point -> letter-count slot (others: the last slot)."""
    if not _SLOT_OF:
        t = np.full(65536, _N_SLOTS - 1, dtype=np.int64)
        for ch, i in _SLOT.items():
            t[ord(ch)] = i
        _SLOT_OF.append(t)
    return _SLOT_OF[0]


def _is_vowel(np):
    """A lookup table code point -> is one of the key vowels (faster than np.isin per query)."""
    if not _IS_VOWEL:
        t = np.zeros(65537, dtype=bool)
        t[_VOWEL_CODES] = True
        _IS_VOWEL.append(t)
    return _IS_VOWEL[0]
