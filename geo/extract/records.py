"""Typed records the extraction passes hand on: Candidate (a place + incident reading, before merging).

Sentence (geo.extract.sentences) → Mention (geo.extract.toponyms, role from geo.extract.roles) →
Candidate (here) → Incident (the merged event dict of geo.extract). Distances in km on a sphere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import asin, cos, radians, sin, sqrt

from geo.extract.dates import DateRef
from geo.extract.sentences import Sentence

WAR = ("UA", "RU")


TYPE_RANK = {"destroyed_equipment": 4, "strike": 3, "attack": 2, "explosion": 1, "other": 0}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(radians, (*a, *b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 12742 * asin(sqrt(min(1.0, h)))


@dataclass
class Candidate:
    place_key: str
    name: str
    lat: float
    lon: float
    country: str
    admin1: str
    precision: str
    event_type: str
    original: str
    weapon: str
    actor: str
    status: str
    date: DateRef | None
    sentence: Sentence
    confidence: float
    approximate: bool = False
    weak_type: bool = False          # typed from casualties only ("two people were wounded in X")
    match: str = "exact"             # gazetteer match kind of the place (the popup shows a guessed place)
    ref: bool = False                # a reference point ("west of X", "Y near X"): only locates another place
    why: str = ""                    # the signals that made it an event (geo.extract.signals), for the popup
    evidence: list[str] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
