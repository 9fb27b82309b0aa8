"""Incident triggers: realis words (verbs and nouns) that say something happened, by event type.

The vocabulary lives in geo.extract.lexicon; this pass finds it in a clause and drops modal,
negated, background ("following the attack") and ongoing ("are being shelled") uses.
"""
from __future__ import annotations

import functools
import re

from geo.extract import lexicon as L


# "Russians are being hunted by snipers, ambushed and bombed": an ongoing campaign told in the progressive
# passive, not a dated incident (a date in the clause makes it one)
_ONGOING = re.compile(r"\b(?:are|is)\s+being\s+(?:[\w\-]+(?:\s+by\s+[\w\-]+)?,?\s+(?:and\s+)?){0,4}$", re.I)


_ANY = re.compile("|".join(f"(?:{rx.pattern})" for rx in (L.STRIKE, L.EXPLOSION, L.ATTACK, L.DAMAGE, L.CASUALTY,
                                                           L.NOMINAL)), re.I)


def _triggers(clause: str) -> list[tuple[int, int, str]]:
    """Realis trigger words in the clause as (start, end, type) — modal/infinitive uses dropped."""
    return list(_triggers_cached(clause))


@functools.lru_cache(maxsize=4096)
def _triggers_cached(clause: str) -> tuple[tuple[int, int, str], ...]:   # the same sentence is asked several times
    out = []
    if not _ANY.search(clause) or L.FUTURE.search(clause):
        return ()
    clause = L.NOT_TRIGGER.sub(lambda m: " " * len(m.group(0)), clause)
    for typ, rx in (("strike", L.STRIKE), ("explosion", L.EXPLOSION), ("attack", L.ATTACK), ("damage", L.DAMAGE),
                    ("casualty", L.CASUALTY), ("damage", L.NOMINAL)):
        for m in rx.finditer(clause):
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
