"""Merging: repeats of one incident in one article (same place, compatible date and type) become one
candidate; approximate places fold into the named settlement of the same incident.
"""
from __future__ import annotations

import re

from geo.extract import lexicon as L
from geo.extract.dates import DateRef
from geo.extract.dating import _WIRE_DATE
from geo.extract.homonyms import _CITY_UNITS_IN
from geo.extract.records import TYPE_RANK, Candidate, km
from geo.extract.sentences import Sentence

_UNNAMED = re.compile(r"\b(?:without (?:naming|specifying|saying|giving)|did not (?:name|specify|say where)|"
                      r"not (?:named|specified|disclosed))\b", re.I)


_CREDIT = re.compile(r"https?://|www\.|\b(?:via Getty|Getty Images|AFP|Reuters|AP Photo|screengrab|Photo:|Image:|Credit:)", re.I)


def _prefer_prose_evidence(cands: list[Candidate], sentences: list[Sentence]) -> None:
    """Evidence is the sentences that report the event: photo captions, credit lines and URLs only
    when nothing else tells it."""
    kind = {x.index: x.kind for x in sentences}
    for c in cands:
        pairs = list(zip(c.evidence, c.sentences))
        prose = [(e, i) for e, i in pairs if kind.get(i) != "caption" and not _CREDIT.search(_WIRE_DATE.sub("", e))]
        if prose and len(prose) < len(pairs):
            c.evidence, c.sentences = [e for e, _ in prose], [i for _, i in prose]


def _compatible(a: Candidate, b: Candidate) -> bool:
    da, db = a.date, b.date
    if da is None or db is None or da.kind != "event" or db.kind != "event":
        return True
    if da.precision != "day" or db.precision != "day":
        return True
    return da.date == db.date


def _better_date(a: DateRef | None, b: DateRef | None) -> DateRef | None:
    def rank(d: DateRef | None) -> int:
        return -1 if d is None else ({"event": 2, "speech": 1}.get(d.kind, 0) * 10 +
                                     {"day": 4, "week": 3, "month": 2, "year": 1}.get(d.precision, 0))
    return a if rank(a) >= rank(b) else b


def _fold(into: Candidate, c: Candidate) -> None:
    if into.weak_type and not c.weak_type:
        into.event_type, into.original, into.weak_type = c.event_type, c.original, False
    elif not c.weak_type and TYPE_RANK[c.event_type] > TYPE_RANK[into.event_type]:
        into.event_type, into.original = c.event_type, c.original
    if not into.weapon or (not L.specific(into.weapon) and L.specific(c.weapon)):
        into.weapon = c.weapon or into.weapon
    into.actor = into.actor or c.actor
    if c.status == "claimed" and into.status != "claimed" and (into.event_type == "destroyed_equipment" or
                                                               into.sentence.kind == "title" and into.precision == "region"):
        into.status = "claimed"
    into.date = _better_date(into.date, c.date)
    into.confidence = max(into.confidence, c.confidence)
    if c.why and c.why not in into.why:
        into.why = f"{into.why} | {c.why}" if into.why else c.why
    for e, i in zip(c.evidence, c.sentences):
        if i not in into.sentences:
            into.evidence.append(e)
            into.sentences.append(i)
    into.warnings += [w for w in c.warnings if w not in into.warnings]


_GROUP = {"strike": "fire", "destroyed_equipment": "fire", "attack": "ground", "explosion": "any", "other": "any"}


def _same_incident_type(a: str, b: str) -> bool:
    ga, gb = _GROUP[a], _GROUP[b]
    return ga == gb or "any" in (ga, gb)


def _caption_repeat(a: Candidate, b: Candidate) -> bool:
    """A photo caption shows the aftermath of the incident the text tells at that place (a day later at most)."""
    if "caption" not in (a.sentence.kind, b.sentence.kind) or a.sentence.kind == b.sentence.kind:
        return False
    if a.date is None or b.date is None:
        return True
    return abs((a.date.date - b.date.date).days) <= 1


def _generic_title(c: Candidate) -> bool:
    """A headline's plain "attack(s)" names any kind of strike the body then tells."""
    generic = re.fullmatch(r"attacks?|attacked", (c.original or "").strip(), re.I) is not None
    # (also "did not comment on the X attack": an undated back-reference to the incident the article told)
    return generic and (c.sentence.kind == "title" or re.search(r"\bthe\s+[A-Z][\w’'\-]+\s+attack\b", c.sentence.text)
                        is not None and (c.date is None or c.date.precision != "day"))


_FOOTAGE = re.compile(r"^(?:[\w\-]+\s+){0,2}(?:footage|video|videos|imagery|images|photos|satellite images)\s+"
                      r"(?:(?:published|posted|released|geolocated|circulating|filmed)\b[^,;]{0,40}?\s+)?"
                      r"(?:shows?|showed|showing|indicates?|confirms?)\b", re.I)


def _footage(c: Candidate) -> bool:
    """"Geolocated footage published on April 10 shows vehicles destroyed south of X": evidence of the fighting
    the article tells at X, not a separate incident (its date is the footage's)."""
    return bool(_FOOTAGE.match(c.sentence.text))


# a region's own activity, not only its named settlements' ("21 settlements of the region", "across the
# region", drones shot down over it): the region stays an event beside them
_UNATTRIBUTED = re.compile(r"\b(?:(?:\d+|several|multiple|many|dozens?|a number of|other|more|further)\s+(?:[\w\-]+\s+)?"
                           r"(?:settlements|communities|villages|towns|localities|hromadas|districts|places|areas)|"
                           r"across|throughout|shot down|downed|intercepted|destroyed over|over the)\b", re.I)


def _merge_article(cands: list[Candidate], lead: int = 0) -> list[Candidate]:
    merged: list[Candidate] = []
    at: dict[str, list[int]] = {}        # place key → positions in merged (only a namesake can merge)
    for c in cands:
        for m in [merged[i] for i in at.get(c.place_key, ())]:
            if m.place_key == c.place_key and (_footage(m) or _footage(c)):
                main, shot = (c, m) if _footage(m) else (m, c)
                shot.weak_type, shot.weapon, shot.date = True, "", None     # only its evidence counts
                _fold(main, shot)
                merged[merged.index(m)] = main
                break
            if m.place_key == c.place_key and (_compatible(m, c) or _caption_repeat(m, c)) and (
                    not m.actor or not c.actor or m.actor == c.actor) and (
                    m.weak_type or c.weak_type or _same_incident_type(m.event_type, c.event_type) or
                    _generic_title(m) or _generic_title(c)):     # a headline's "attacks" sums up the body
                _fold(m, c)
                break
        else:
            at.setdefault(c.place_key, []).append(len(merged))
            merged.append(c)
    # fold approximate places (region, "south of X") into a named settlement of the same incident
    keep: list[Candidate] = []
    for c in merged:
        host: Candidate | None = None
        if c.approximate:
            for m in merged:
                if m is c or m.approximate:
                    continue
                same = bool(set(m.sentences) & set(c.sentences))
                # a headline/lead summary ("raid on a Crimean airbase"), told nowhere else in the article
                summary = (c.sentence.kind == "title" or min(c.sentences) == lead) and \
                    max(c.sentences) <= max(lead, min(c.sentences)) and not _UNNAMED.search(" ".join(c.evidence))
                if c.ref and same and m.precision in ("settlement", "region"):
                    host = m          # "A, west of B": B only says where A is
                    break
                if not _compatible(m, c) and not (summary and c.precision == "region"):
                    continue
                if not (summary and c.precision == "region") and m.event_type != c.event_type:
                    continue
                if c.precision == "region" and (m.admin1 == c.admin1 or m.admin1 in _CITY_UNITS_IN.get(c.admin1, ())) \
                        and (same or summary or m.precision == "settlement" and _compatible(m, c) and
                             not _UNATTRIBUTED.search(" ".join(c.evidence))) or \
                        c.precision == "settlement" and km((m.lat, m.lon), (c.lat, c.lon)) <= (60 if same else 25):
                    host = m
                    break
        if host is None:
            keep.append(c)
        else:
            _fold(host, c)
    # inherit a specific weapon named in a nearby place-less sentence of the same article
    keep.sort(key=lambda c: c.sentences[0])
    return keep
