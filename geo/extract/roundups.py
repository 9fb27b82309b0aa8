"""Country-level events from nationwide totals ("Russia launched 50 drones overnight", "120 drones
were shot down across a dozen regions", "the capital and other cities came under fire").

Per the annotation rules, a nationwide attack is one country-level event besides the named regions and
settlements; a count tied to one named region ("20 drones were shot down over the Kursk region") is that
region's event, made by the ordinary pass. The country is the one attacked: the other side of the attacker
(Ukrainian drones → Russia), else the country named as the target, else the article's own.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from geo.extract import lexicon as L
from geo.extract.classify import weapon
from geo.extract.dates import event_date, find_dates, is_background
from geo.extract.records import Candidate
from geo.extract.sentences import Sentence
from geo.extract.signals import Score
from geo.extract.triggers import _triggers, trigger_words

# a count of air weapons with a launch or interception verb in the same sentence
_COUNT = re.compile(r"(?<![\w\-/])(?:a total of\s+|over\s+|more than\s+|at least\s+)?(?:\d+|dozens|hundreds)\s+(?:[\w\-/’']+\s+){0,4}?"
                    r"(?:drones|missiles|uavs|shaheds|rockets|attack drones|cruise missiles)\b", re.I)
_AIR_VERB = re.compile(r"\b(?:launched|fired|shot down|downed|intercepted|destroyed|neutrali[sz]ed|repelled)\b", re.I)
_NATIONWIDE = re.compile(r"\b(?:across|throughout|all over)\s+(?:the\s+)?(?:country|ukraine|russia|"
                         r"(?:more than\s+|over\s+|at least\s+)?(?:a dozen|several|many|\d+|\w+)\s+regions)\b"
                         r"|\bvarious (?:places|regions|cities)\b|\bother cities\b|\bnationwide\b", re.I)
# the count belongs to one place: "20 drones were shot down over the Kursk region"
_TIED = re.compile(r"^\s*(?:[\w\-’']+\s+){0,6}?(?:over|in|at|on|near|above|against)\s+(?:the\s+)?"
                   r"(?:[\w\-]+\s+){0,2}?(?!Ukraine\b|Russia\b)[A-Z]")
_TIED_BEFORE = re.compile(r"\b(?:where|of which|including|among them|of them)\s+(?:[\w\-]+\s+){0,2}$", re.I)
# who attacked: the side of the weapons ("Ukrainian drones", a Shahed), the side that launched them, or
# the other side of the defender that shot them down ("Ukraine's air force said it intercepted...")
_WEAPON_SIDE = re.compile(r"\b(russian|ukrainian)\s+(?:[\w\-]+\s+){0,2}?(?:drones|missiles|uavs|rockets|shaheds|attack)", re.I)
_LAUNCHER = re.compile(r"\b(russia|ukraine|moscow|kyiv)\s+(?:has\s+|had\s+)?(?:launched|fired|attacked|struck)", re.I)
_DEFENDER = re.compile(r"\b(?:(russia|ukraine)[’']s|(russian|ukrainian))\s+(?:air force|air defen[cs]es?|defen[cs]e ministry|"
                       r"ministry of defen[cs]e|military|army|armed forces)\b[^.;]{0,60}?\b(?:intercepted|shot down|downed|"
                       r"destroyed|repelled|neutrali[sz]ed)", re.I)
# the named places are part of the total ("..., including three over the Oryol region", "mostly over Kharkiv")
_PART = re.compile(r"\b(?:including|mostly|mainly|among them|of which|of them|most of them)\b", re.I)
_COUNTRY_WORD = {"UA": re.compile(r"\b(?:ukraine|ukrainian territory)\b", re.I),
                 "RU": re.compile(r"\b(?:russia|russian territory)\b", re.I)}


def nationwide(sentences: list[Sentence], published: date | None, gaz, cands: list[Candidate]) -> list[Candidate]:
    """Country-level candidates, at most one per country and day."""
    out: list[Candidate] = []
    home = Counter(c.country for c in cands if c.country in ("UA", "RU"))
    # sentences that made an event below country level (one set, not a scan of every candidate per sentence)
    placed = {i for c in cands if c.precision != "country" for i in c.sentences}
    for s in sentences:
        if s.kind == "caption":
            continue
        count = _COUNT.search(s.text)
        wide = _NATIONWIDE.search(s.text)
        if count and not _AIR_VERB.search(s.text):
            count = None
        if count and _TIED.match(s.text[count.end():]) and not wide:
            count = None
        if not (count or wide):
            continue
        trig = [t for t in _triggers(s.text) if t[2] in ("strike", "attack", "damage")]
        if not trig:
            continue
        refs = find_dates(s.text, published)
        d = event_date(refs, published)
        if d is not None and is_background(d, published):
            continue
        if count and _TIED_BEFORE.search(s.text[:count.start()]) and not wide:
            continue
        if count and not wide and not _PART.search(s.text) and s.index in placed:
            continue          # "Ukraine fired six missiles at the port": the total of that place's attack
        side = _attacker(s.text)
        country = {"RU": "UA", "UA": "RU"}.get(side, "")
        if not country:
            named = [c for c, rx in _COUNTRY_WORD.items() if rx.search(s.text)]
            country = named[0] if len(named) == 1 else (home.most_common(1)[0][0] if home else "UA")
        p = gaz.country("Ukraine" if country == "UA" else "Russia")
        if p is None:
            continue
        said = count or wide
        assert said is not None       # (checked above: one of them matched)
        sc = Score().add("trigger_clause", trigger_words(s.text, trig)).add("nationwide", said.group(0))
        if not sc.passes:
            continue
        c = Candidate(f"c:{country}", p.name, p.latitude, p.longitude, country, "", "country", "strike",
                      trigger_words(s.text, trig).lower(), weapon(s.text, "strike", trig[0][0]), side, "reported", d, s, 0.6,
                      evidence=[s.text], sentences=[s.index], why=sc.why())
        if not any(o.place_key == c.place_key and (o.date is None or c.date is None or o.date.date == c.date.date)
                   for o in out):
            out.append(c)
    return out


def _attacker(text: str) -> str:
    """The side that launched the air attack a nationwide total counts ("" when the text does not say)."""
    m = _WEAPON_SIDE.search(text)
    if m:
        return "RU" if m.group(1).lower() == "russian" else "UA"
    sides = {L.WEAPON_SIDE[n] for n, _, _ in L.first_weapons(text) if n in L.WEAPON_SIDE}
    if len(sides) == 1:
        return sides.pop()
    m = _LAUNCHER.search(text)
    if m:
        return "RU" if m.group(1).lower() in ("russia", "moscow") else "UA"
    m = _DEFENDER.search(text)
    if m:
        w = (m.group(1) or m.group(2)).lower()
        return "UA" if w.startswith("russia") else "RU"
    return ""
