"""Which gazetteer place a mention means: context ranking of namesakes (named region, the text's
other places, its dominant regions), population only as the last tie-break. Uses only the gazetteer's
public methods (candidates, region, country).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import exp, log10

from geo._names import key
from geo.admin1 import name_of
from geo.extract.records import WAR, km
from geo.extract.toponyms import Mention

_CANDIDATES: dict[tuple, list] = {}


@dataclass
class Resolved:
    key: str
    name: str
    lat: float
    lon: float
    country: str
    admin1: str
    precision: str
    confidence: float
    warning: str = ""
    match: str = "exact"             # the gazetteer's match kind: exact | translit | fuzzy | approximate


#: City units inside the region around them: "Sevastopol, in Crimea", "Kyiv, Kyiv region".
_CITY_UNITS_IN = {"UA.11": ("UA.20",), "UA.13": ("UA.12",), "RU.47": ("RU.48",), "RU.42": ("RU.66",)}


def resolve(m: Mention, gaz, hint: str | None, prefer: list[str], strong: bool,
            anchors: Sequence[tuple[float, float]] = (), dominant: Sequence[str] = (), explicit: Sequence[str] = (),
            unit: str = "", when: date | None = None) -> Resolved | None:
    """Gazetteer place for a mention. *hint*: admin-1 named right beside the place (decides or rejects);
    *prefer*: admin-1 codes of the sentence's other places, then the article's dominant regions;
    *explicit*: regions the text ties the name to (a region phrase in the sentence, "X in Y region"
    earlier); *anchors*: coordinates of the places the sentence (or article) surely means.
    Namesakes are scored (see _namesake_score), not filtered by a fixed radius."""
    if m.region:
        p = gaz.region(m.region)
        if p is None:
            return None
        return Resolved(f"r:{m.region}", p.name, p.latitude, p.longitude, p.country, m.region, "region", 0.8,
                        match="exact")
    if m.admin and m.places:         # a district named as the place: its main settlement
        p = m.places[0]
        return Resolved(f"g:{p.geonameid}", p.name, p.latitude, p.longitude, p.country, p.admin1, "settlement",
                        0.7, match="approximate")
    if gaz.country(m.name) is not None:
        return None
    if m.known and not m.places:
        return None
    fuzzy = not m.known
    ck = (id(gaz), m.name, hint, fuzzy, unit)
    cands = _CANDIDATES.get(ck)
    if cands is None:       # fuzzy lookups cost ~0.1-0.3 s in the gazetteer: ask once per name
        # a raion/hromada named beside the village narrows its namesakes (ignored when it matches none)
        extra = {"admin2": unit, "hromada": unit} if unit else {}
        cands = _CANDIDATES[ck] = gaz.candidates(m.name, admin1=hint, fuzzy=fuzzy, **extra)
        if len(_CANDIDATES) > 50_000:
            _CANDIDATES.clear()
    if not cands:
        if fuzzy and strong:       # ("village of X" surely names a place; a capitalised word elsewhere may not)
            return Resolved("", m.name, 0, 0, "", "", "", 0, warning=f"'{m.name}': place not found in the gazetteer")
        return None
    top, _ = cands[0]
    if top.country not in WAR and top.population >= 100_000 and not hint and \
            not any(p.country in WAR and (p.admin1 in prefer[:3] or any(km((p.latitude, p.longitude), a) <= 80
                                                                          for a in anchors)) for p, _ in cands):
        return None   # a well-known place abroad (Geneva, Washington)
    war = [(p, k) for p, k in cands if p.country in WAR and p.precision == "settlement"]
    if not war:
        if fuzzy and strong:
            return Resolved("", m.name, 0, 0, "", "", "", 0, warning=f"'{m.name}': place not found in the gazetteer")
        return None

    ranked = False
    if hint:
        inh = [(p, k) for p, k in war if p.admin1 == hint or p.admin1 in _CITY_UNITS_IN.get(hint, ())]
        if inh:
            war = inh
        else:
            return Resolved("", m.name, 0, 0, "", "", "", 0,
                            warning=f"'{m.name}': no match in {name_of(hint) or hint}; not mapped")
    elif len(war) > 1 and (not any(p.population >= 100_000 and key(p.name) == key(m.name) for p, _ in war)
                           or _renamed_here(m, war, anchors)):
        # (a city of 100k+ by its own name is meant as itself; one once called so, like Engels/Pokrovsk, is not)
        # a town by its own name outranks a place that merely once bore it (Lyman vs an alternate "Lyman")
        own_town = any(k == "exact" and p.population >= 5000 and key(p.name) == key(m.name) for p, k in war)
        scored = sorted(war, key=lambda pk: -_namesake_score(pk[0], pk[1], anchors, dominant, explicit,
                                                             key(pk[0].name) == key(m.name), own_town, when))
        war, ranked = scored[:1] + [pk for pk in scored[1:] if pk[1] == scored[0][1]], True
    if fuzzy and not strong and not hint:
        # a misspelling in a locative slot without "village/town/near": only when the guess lies in
        # the region the sentence/article is about, else a warning (never a far namesake silently)
        ok = [(p, k) for p, k in war if p.admin1 in prefer[:4] or
              any(km((p.latitude, p.longitude), a) <= 60 for a in anchors)]
        if not ok:
            p0 = war[0][0]
            return Resolved("", m.name, 0, 0, "", "", "", 0,
                            warning=f"'{m.name}': nearest spelling {p0.name} ({name_of(p0.admin1)}) lies outside "
                                    f"the article's region; not mapped")
        war = ok
    if fuzzy and not hint and explicit:
        # a guessed spelling must lie in a region the sentence names ("the village of X ... of the Kursk region")
        ok = [(p, k) for p, k in war if p.admin1 in explicit]
        if not ok:
            p0 = war[0][0]
            return Resolved("", m.name, 0, 0, "", "", "", 0,
                            warning=f"'{m.name}': nearest spelling {p0.name} ({name_of(p0.admin1)}) lies outside "
                                    f"the region the text names; not mapped")
        war = ok
    rank = {"exact": 0, "translit": 1, "approximate": 2, "fuzzy": 3}
    # (otherwise the gazetteer's order: population, with a match on the current primary name first)
    pool = war if ranked else sorted(war, key=lambda pk: rank.get(pk[1], 4))
    place, kind = pool[0]
    pool = [pk for pk in pool if pk[1] == kind]
    distinct = {(round(p.latitude, 1), round(p.longitude, 1)) for p, _ in pool}
    conf = {"exact": 0.9, "translit": 0.85, "approximate": 0.7, "fuzzy": 0.6}.get(kind, 0.6)
    warning = ""
    if len(distinct) > 1:
        conf *= 0.75
        if place.population < 10_000:
            warning = f"'{m.name}': {len(distinct)} places of that name; chose {place.name} ({name_of(place.admin1)})"
    if ranked and anchors and min(km((place.latitude, place.longitude), a) for a in anchors) > 150:
        conf *= 0.6         # every namesake lies far from the places the text is about: say so
        warning = (f"'{m.name}': no place of that name near the article's other places; "
                   f"chose {place.name} ({name_of(place.admin1)}), a guess")
    if kind == "translit" and anchors and min(km((place.latitude, place.longitude), a) for a in anchors) > 300:
        return None         # a spelling folded onto a far namesake of another name (a factory's patron folded onto a Russian town)
    if kind == "fuzzy":
        warning = f"'{m.name}' read as {place.name} ({name_of(place.admin1)}) by fuzzy match"
    return Resolved(f"g:{place.geonameid}", place.name, place.latitude, place.longitude, place.country,
                    place.admin1, "settlement", conf, warning, match=kind if kind in _MATCH_KINDS else "fuzzy")


_MATCH_KINDS = ("exact", "translit", "fuzzy", "approximate")


def _renamed_here(m: Mention, war, anchors) -> bool:
    """A city by its own name is meant as itself — unless it lies far from everything the text is about
    and a place once called so lies among them (a Soviet name: Dzerzhinsk in a Donetsk bulletin is Toretsk)."""
    if not anchors:
        return False
    def d(p) -> float:
        return min(km((p.latitude, p.longitude), a) for a in anchors)
    big = [p for p, _ in war if p.population >= 100_000 and key(p.name) == key(m.name)]
    return all(d(p) > 300 for p in big) and any(d(p) <= 60 for p, _ in war if p not in big)


#: Where the war's incidents are reported: with no context to decide between namesakes, the one in a
#: front-line or border region is the likelier meant (a prior weaker than any context signal above it).
WAR_PRIOR = {**dict.fromkeys(("UA.05", "UA.14", "UA.07", "UA.26", "UA.08"), 1.0),
             **dict.fromkeys(("UA.16", "UA.21", "UA.02", "UA.04", "UA.13", "UA.11", "RU.09", "RU.41", "RU.10"), 0.6)}


#: The northern front of the invasion's first weeks (Kyiv, Chernihiv, Sumy oblasts, until Russia's withdrawal in
#: early April 2022): in texts published then, its namesakes are as likely as the eastern and southern ones.
NORTH_FRONT = (date(2022, 2, 24), date(2022, 4, 30), ("UA.13", "UA.02", "UA.21", "UA.12"))


def _prior(admin1: str, when: date | None) -> float:
    if when is not None and NORTH_FRONT[0] <= when <= NORTH_FRONT[1] and admin1 in NORTH_FRONT[2]:
        return 1.0
    return WAR_PRIOR.get(admin1, 0.0)


def _namesake_score(p, kind: str, anchors, dominant, explicit, primary: bool, own_town: bool = False,
                    when: date | None = None) -> float:
    """How likely a namesake is meant: match kind, a region the text names or is about, closeness
    to the places the text surely means (smoothly, no hard radius), and size (a 20k town is meant
    more often than a 500-people village at the same distance; KATOTTG-only villages have no population
    figure, counted as a small village)."""
    d = min((km((p.latitude, p.longitude), a) for a in anchors), default=1e9)
    return ({"exact": 0.0, "translit": -1.2 if own_town else -0.3, "approximate": -0.8}.get(kind, 0.0)
            + (2.5 if p.admin1 in explicit else 1.2 if p.admin1 in dominant else 0.0)
            + 3.0 * exp(-d / 60) + 0.4 * log10(max(p.population, 300) + 1)
            + (0.8 if p.population >= 10_000 and p.admin1 in WAR_PRIOR else 0.3 if p.population >= 2_000 else 0.0)
            + _prior(p.admin1, when)
            + (0.5 if primary else 0.0))     # its current name, not a former one (Pokrovsk, not Engels)


def _anchor(m: Mention):
    """The place a mention surely means (unique, or far bigger than its namesakes), for disambiguating others."""
    ps = sorted((p for p in m.places if p.country in WAR and p.precision == "settlement"), key=lambda p: -p.population)
    if not ps or m.possessive:
        return None
    primary = [p for p in ps if key(p.name) == key(m.name)]
    if not primary and any(p.population >= 10 * max(1, ps[0].population) for p in m.places if p.country not in WAR):
        return None     # (a name abroad, or a village that once bore it: no sure place)
    if primary and len(primary) < len(ps):      # a town by its current name, not one once called so
        ps = primary
        if len(ps) == 1 or ps[0].population >= 5 * max(1, ps[1].population):
            return (ps[0].latitude, ps[0].longitude)
    if len(ps) == 1 or ps[0].population >= 10 * max(1, ps[1].population):
        return (ps[0].latitude, ps[0].longitude)
    return None


def _adjacent_hint(m: Mention, ms: list[Mention]) -> str | None:
    """A region phrase right after the place ("X, in the Y region", "X (Y Oblast)") says where X is."""
    if m.region:
        return None
    for x in ms:
        if x.region and 0 <= x.start - m.end <= 45 and not any(
                y is not x and y is not m and m.end <= y.start < x.start and (y.places or y.region) for y in ms):
            return x.region
    return None


_AXIS_NAME = re.compile(r"\b([A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)?)\s+(?:direction|axis|sector)\b")


def _notable_namesake(gaz, name: str) -> str | None:
    """The region of the clearly most populous exact namesake in the war countries (None when unclear)."""
    war = sorted((p for p, k in gaz.candidates(name, fuzzy=False) if k == "exact" and p.country in WAR
                  and p.precision == "settlement" and key(p.name) == key(name)), key=lambda p: -p.population)
    if war and war[0].population >= 1000 and (len(war) == 1 or war[0].population >= 2 * war[1].population):
        return war[0].admin1
    return None
