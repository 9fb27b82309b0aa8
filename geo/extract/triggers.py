"""Incident triggers: realis words (verbs and nouns) that say something happened, by event type.

The vocabulary lives in geo.extract.lexicon; this pass finds it in a clause and drops modal,
negated, background ("following the attack") and ongoing ("are being shelled") uses.
"""
from __future__ import annotations

import functools
import re

from geo.extract import lexicon as L
from geo.extract._scan import Dispatch, dispatch

# "Russians are being hunted by snipers, ambushed and bombed": an ongoing campaign told in the progressive
# passive, not a dated incident (a date in the clause makes it one)
_ONGOING = re.compile(r"\b(?:are|is)\s+being\s+(?:[\w\-]+(?:\s+by\s+[\w\-]+)?,?\s+(?:and\s+)?){0,4}$", re.I)


_TYPES = (("strike", L.STRIKE), ("explosion", L.EXPLOSION), ("attack", L.ATTACK), ("damage", L.DAMAGE),
          ("casualty", L.CASUALTY), ("damage", L.NOMINAL))
_ANY = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in _TYPES), re.I)
_any_scan = dispatch(_ANY)
_SCANS = [d if isinstance(d, Dispatch) else None for d in (dispatch(rx) for _, rx in _TYPES)]
assert isinstance(_any_scan, Dispatch)
_ANY_SCAN: Dispatch = _any_scan


def _triggers(clause: str) -> list[tuple[int, int, str]]:
    """Realis trigger words in the clause as (start, end, type) — modal/infinitive uses dropped."""
    return list(_triggers_cached(clause))


def _hits(clause: str) -> list[tuple[int, str]]:
    """(position, character) where a trigger word of some type begins (the union matches there)."""
    # (Dispatch.starts and match_at spelt out: a sentence's every word is a possible start, and two calls
    # per word cost more than the scan itself)
    by_char, rx = _ANY_SCAN._by_char, _ANY_SCAN.rx
    return [(c.start(), k) for c in _ANY_SCAN._start.finditer(clause)
            if by_char.get(k := c.group(), rx).match(clause, c.start()) is not None]


@functools.lru_cache(maxsize=4096)
def _triggers_cached(clause: str) -> tuple[tuple[int, int, str], ...]:   # the same sentence is asked several times
    out = []
    hits = _hits(clause)
    if not hits or L.FUTURE.search(clause):
        return ()
    if L.NOT_TRIGGER.search(clause):
        clause = L.NOT_TRIGGER.sub(lambda m: " " * len(m.group(0)), clause)
        hits = _hits(clause)
    # each type's words as its own finditer finds them (left to right, not overlapping one another), tried only
    # where the union of the six matches: no type matches anywhere else (see geo.extract._scan)
    nxt = [0] * len(_TYPES)
    for p, k in hits:
        for j, (typ, rx) in enumerate(_TYPES):
            if p < nxt[j]:
                continue
            sc = _SCANS[j]
            if sc is None:
                m = rx.match(clause, p)
            else:
                m = sc.match_at(clause, p, k) if sc.can_start(k) else None
            if m is None:
                continue
            nxt[j] = m.end()
            before = clause[max(0, m.start() - 80):m.start()]
            if L.IRREALIS.search(before) and not L.USED_TO.search(before) or L.BACKGROUND_TRIGGER.search(before) \
                    or _ONGOING.search(before) \
                    or L.NEGATION.search(before) or L.MODAL_AFTER.match(clause[m.end():m.end() + 40]):
                continue
            if typ == "strike" and _BLAST_VERB.search(clause[max(0, m.start() - 30):m.end()]):
                continue           # "blasts rocked X": the verb of an explosion, no strike reported
            out.append((m.start(), m.end(), typ))
    out.sort()
    return tuple(t for i, t in enumerate(out) if not (i and t[0] < out[i - 1][1]))   # (one reading per word)


_BLAST_VERB = re.compile(r"\b(?:explosions?|blasts?)\s+(?:[\w\-]+\s+)?(?:rocked|rocks|rock|shook|shakes)$", re.I)


def trigger_words(text: str, trig) -> str:
    """The trigger words as the text writes them, for explanations ("shelled, killing")."""
    seen: list[str] = []
    for a, b, _ in trig:
        w = " ".join(text[a:b].split())
        if w.lower() not in (x.lower() for x in seen):
            seen.append(w)
    return ", ".join(seen[:3])
