"""Sentence → events: a place in a locative or target role sharing a clause with an incident trigger.

Pipeline per article: mentions for every sentence (pass 1, also to learn the article's dominant
regions), then per clause: trigger (realis, not background) + place role → candidate event with
type, weapon, actor, status, date; finally merge repeats of one incident (same place, compatible
date), fold approximate places ("a village south of X", a region) into a named settlement of the
same incident, and attach dates told in place-less follow-up sentences ("the attack happened on Sunday").
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from math import asin, cos, log10, radians, sin, sqrt

from geo._names import key
from geo.admin1 import name_of
from geo.extract import lexicon as L
from geo.extract.dates import DateRef, event_date, find_dates, is_background
from geo.extract.sentences import Sentence, clauses, split_article
from geo.extract.toponyms import Mention, find_mentions

WAR = ("UA", "RU")
TYPE_RANK = {"destroyed_equipment": 4, "strike": 3, "attack": 2, "explosion": 1, "other": 0}

_ADJ = (r"(?:the|a|an|occupied|liberated|embattled|frontline|front-line|besieged|southern|northern|eastern|western|"
        r"central|north-eastern|northeastern|northwestern|southeastern|southwestern|key|ukrainian|russian|[\w\-]+-occupied|"
        r"[\w\-]+-controlled|nearby|neighbou?ring|small|large|major|industrial|regional|strategic|eastern ukrainian|"
        r"ukrainian-held|russian-held|seaside|coastal|resort|town|city|village|settlement|port|hometown|home town|native|its|their|his|her)")
_HEADS = frozenset("city cities town towns village villages settlement settlements port district districts area areas "
                   "outskirts suburb suburbs centre center capital hromada hromadas community communities vicinity "
                   "environs streets resort resorts harbour harbor region oblast province part parts coast bank shore side territory territories airspace skies".split())
_MODS_LOWER = re.compile(rf"^(?:{_ADJ}|[\w\-]+(?:ern|ian|ed))$", re.I)
_PREPS = frozenset("in at near on of from to toward towards into and or by with over across outside around inside "
                   "within off against upon onto".split())


class _Mods:
    @staticmethod
    def match(word: str) -> bool:
        if word.lower() in _PREPS:
            return False
        return bool(re.match(r"^[A-Z][\w\-’']*$", word) or _MODS_LOWER.match(word))


_MODS = _Mods()
_DETS = frozenset("the a an its their".split())


class _OfHead:
    """Strip "the southern port of" / "the border town of" from the end of a prefix (keeps what governs it)."""

    @staticmethod
    def sub(_repl: str, prefix: str) -> str:
        toks = list(re.finditer(r"\S+", prefix))
        if len(toks) < 2 or toks[-1].group(0).lower() != "of" or toks[-2].group(0).lower().strip(",") not in _HEADS:
            return prefix
        i = len(toks) - 2
        j = i
        while j > 0 and (toks[j - 1].group(0).lower() in _DETS or (_MODS.match(toks[j - 1].group(0)) and
                                                                     not L.TARGET_BEFORE.search(toks[j - 1].group(0)))):
            j -= 1
        if j == i and i >= 2 and toks[i - 2].group(0).lower() in _DETS:   # "the border town of"
            j = i - 2
        return prefix[:toks[j].start()] if j < len(toks) else prefix


_OF_HEAD = _OfHead()
_ADJS = re.compile(rf"(?:\b{_ADJ}\s+)+$", re.I)
_DISTANCE = re.compile(r"\d[\d,.]*\s*(?:-\s*)?(?:km|kms|kilomet(?:er|re)s?|miles?|mi)\b\s*(?:\([^)]*\)\s*)?"
                       r"(?:(?:north|south|east|west)[\w\-]*\s+)?(?:of|from|to|away from|outside|short of)\s*$", re.I)
_DIRECTION_OF = re.compile(r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s*$", re.I)
_AWAY = re.compile(r"\b(?:from|toward|towards|to|for|via|through|headed for|heading for|bound for|leading to|back to|"
                   r"out of|left|flee|fled|fleeing|evacuated from|visit(?:ed|ing)?|trip to)\s*$", re.I)
_LOCATIVE = re.compile(r"\b(?:in|at|near|nearby|on|outside|around|over|across|inside|within|onto|into|upon|off|against|"
                       r"including|such as|among them|notably|"
                       r"close to|in front of|not far from|on the outskirts of|just outside)\s*$", re.I)
# "X's <part of X>": a possessive naming a district, outskirts, port... of the place is a location
_POSS_PART = re.compile(
    r"^\s*(?:(?:[A-Z][\w\-’']*|(?i:and|northern|southern|eastern|western|central|north-?eastern|north-?western"
    r"|south-?eastern|south-?western|residential|industrial|coastal|historic|old|outlying|seaside|riverside|left-bank"
    r"|right-bank|city|main|sea|river|railway|train|bus))\s+){0,3}"
    r"(?i:districts?|raions?|outskirts|suburbs?|port|seaport|harbou?r|industrial (?:zone|area|district|park)|zones?"
    r"|oblast|region|neighbou?rhoods?|microdistricts?|quarters?|cent(?:re|er)|downtown|embankment|waterfront|riverfront"
    r"|airport|airfield|stations?|villages?|areas?|streets?|outlying)\b")
# "Zelenskyy's hometown", "Russia's Kursk region": a possessor, not the side acting ("Russia's forces" is)
_POSSESSOR = re.compile(r"[’']s\s+(?!(?:[\w\-]+\s+){0,2}?(?:forces|troops|army|military|armed|navy|air|drones?|missiles?"
                        r"|artillery|units|soldiers|sbu|intelligence|defen[cs]e|special|border|marines|aviation|fleet)\b)", re.I)
_VICTIM_SUBJECT = re.compile(r"^\s+(?!(?:forces|troops|army|military|missiles?|drones?|artillery|aircraft|jets|units|soldiers"
                             r"|shelling|strikes?|attacks?|rockets?|bombs?)\b)(?:[\w\-]+\s+){1,3}"
                             r"(?:was|were|has been|have been|had been|is|are)\s+(?:\w+\s+)?$", re.I)
_LEADING_TO = re.compile(r"\b(?:bridges?|roads?|routes?|railways?|rail (?:links?|lines?)|highways?|crossings?|approaches)"
                         r"\s+(?:leading\s+|that lead\s+|running\s+)?(?:to|into|toward|towards)\s*$", re.I)
_AFFIL = re.compile(r"\b(?:mayor|governor|head|chief|leader|deputy|administration|authorities|official|officials|residents?|"
                    r"people|council|prosecutor|minister|commander|police|governments?)\s+(?:\w+\s+)?(?:of|in|for)\s*$", re.I)
_METONYM_AFTER = re.compile(r"^\s*(?:has |have |had |was |is )?(?:said|says|say|denied|denies|claimed|claims|warned|warns|"
                            r"accused|accuses|responded|rejected|insisted|announced|believes|wants|refused|agreed|sent|"
                            r"pledged|blamed|called|urged)\b", re.I)
_PERSON_ATTACK = re.compile(r"\b(?:assassinat\w*|killed|murdered|shot dead|car bomb|injured|wounded|hurt|damaged|destroyed)\b", re.I)


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
    evidence: list[str] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- triggers, roles

# "Russians are being hunted by snipers, ambushed and bombed": an ongoing campaign told in the progressive
# passive, not a dated incident (a date in the clause makes it one)
_ONGOING = re.compile(r"\b(?:are|is)\s+being\s+(?:[\w\-]+(?:\s+by\s+[\w\-]+)?,?\s+(?:and\s+)?){0,4}$", re.I)


def _triggers(clause: str) -> list[tuple[int, int, str]]:
    """Realis trigger words in the clause as (start, end, type) — modal/infinitive uses dropped."""
    return list(_triggers_cached(clause))


@functools.lru_cache(maxsize=4096)
def _triggers_cached(clause: str) -> tuple[tuple[int, int, str], ...]:   # the same sentence is asked several times
    out = []
    if L.FUTURE.search(clause):
        return ()
    clause = L.NOT_TRIGGER.sub(lambda m: " " * len(m.group(0)), clause)
    for typ, rx in (("strike", L.STRIKE), ("explosion", L.EXPLOSION), ("attack", L.ATTACK), ("damage", L.DAMAGE),
                    ("casualty", L.CASUALTY)):
        for m in rx.finditer(clause):
            before = clause[max(0, m.start() - 80):m.start()]
            if L.IRREALIS.search(before) and not L.USED_TO.search(before) or L.BACKGROUND_TRIGGER.search(before) \
                    or _ONGOING.search(before) \
                    or L.NEGATION.search(before) or L.MODAL_AFTER.match(clause[m.end():m.end() + 40]):
                continue
            if typ == "strike" and _BLAST_VERB.search(clause[max(0, m.start() - 30):m.end()]):
                continue           # "blasts rocked X": the verb of an explosion, no strike reported
            out.append((m.start(), m.end(), typ))
    return tuple(sorted(out))


_BLAST_VERB = re.compile(r"\b(?:explosions?|blasts?)\s+(?:[\w\-]+\s+)?(?:rocked|rocks|rock|shook|shakes)$", re.I)


_IN_DISTRICT = re.compile(r"^\s+in\s+(?:the\s+)?[A-Z][\w’'\-]+\s+(?:district|raion|oblast|region|province|hromada|community)\b")
_PARTS_BEFORE = re.compile(r"(?:[A-Z][\w’'\-]+\s*(?:,|and|or)\s*)*[A-Z][\w’'\-]+\s+(?:city\s+)?(?:districts?|"
                           r"neighbou?rhoods?|microdistricts?)\s+of\s+$")


def role(sentence: str, m: Mention, cstart: int, cend: int) -> str:
    """How the sentence uses the place: locative | target | near | affiliation | away | distance | metonym | none."""
    prefix = sentence[max(cstart, m.start - 160):m.start]      # the governing words are close by
    after = _APPOSITION.sub("", sentence[m.end:min(cend, m.end + 120)], count=1)
    after = _IN_DISTRICT.sub("", after, count=1)      # "X in Y district was shelled"
    if m.possessive:
        part = _POSS_PART.match(sentence[m.end:min(cend, m.end + 120)])
        if part is None:
            return "metonym"           # "Moscow's claims", "Kyiv's position"
        after = sentence[m.end + part.end():min(cend, m.end + 120)]   # "Kherson's Korabelnyi district was shelled"
    prefix = _PARTS_BEFORE.sub("", prefix)         # "struck the A and B districts of X": X is the target
    if _DISTANCE.search(prefix):
        return "distance"
    if L.TARGET_BEFORE.search(prefix):
        return "target"
    if _DIRECTION_OF.search(prefix):
        return "ref" if _REF_POINT.search(prefix) else "rel"
    p = _OF_HEAD.sub("", prefix)
    p = re.sub(r"\b[A-Z][\w\-]*\s?[’']s\s+$", "", _ADJS.sub("", p))     # "in Russia's Bryansk region"
    p = _OF_HEAD.sub("", _ADJS.sub("", p))        # "strike on the port of occupied X"
    p = _ADJS.sub("", p)
    if _DISTANCE.search(p):
        return "distance"
    if L.TARGET_BEFORE.search(p):
        return "target"
    if re.search(r"\b(?:near|outside|around|close to|not far from)\s*$", p, re.I):
        return "locative"
    if _AFFIL.search(prefix):
        return "affiliation"
    if re.search(r"\b(?:offensive|counteroffensive|counter-offensive|assault|push|advance|attack|attacks)\s+(?:\w+\s+)?"
                 r"(?:toward|towards|on|against)\s*$", p, re.I):
        return "target"
    if _LEADING_TO.search(p):
        return "locative"          # "struck two bridges leading to X": the bridges are at X
    if _AWAY.search(p):
        return "away"
    if _LOCATIVE.search(p):
        return "locative"
    if L.PASSIVE_AFTER.match(after) or L.NOUN_AFTER.match(after):
        return "target"
    rest = _LIST_AHEAD.match(after)
    if rest and L.PASSIVE_AFTER.match(after[rest.end():]):
        return "target"            # "A and B were shelled": the first of a list the passive governs
    if _METONYM_AFTER.match(after):
        return "metonym"
    if m.titled:
        return "affiliation"
    return "none"


# ---------------------------------------------------------------- classification

_SABOTEUR = re.compile(r"\b(?:partisans?|saboteurs?|sabotage|resistance (?:movement|fighters|group))\b", re.I)


_FACILITY_OF = re.compile(r"\b(?:warehouses?|depots?|storage(?: sites?| facilit(?:y|ies))?|stores?|workshops?|plants?|"
                          r"factor(?:y|ies)|production(?: sites?| facilit(?:y|ies))?|assembly (?:sites?|shops?)|hangars?)"
                          r"\s+(?:of|for|storing|producing|making)\s+(?:[\w\-]+\s+){0,2}$", re.I)


def _hit_equipment(rx: re.Pattern, text: str):
    """Equipment hit itself, not what a struck facility stores ("a warehouse of unmanned boats": a depot strike)."""
    return next((m for m in rx.finditer(text) if not _FACILITY_OF.search(text[max(0, m.start() - 60):m.start()])), None)


_BLAST_VERB_ANY = re.compile(r"\b(?:explosions?|blasts?)\s+(?:[\w\-]+\s+)?(?:rocked|rocks|rock|shook|shakes)\b", re.I)


def classify(text: str, trig: list[tuple[int, int, str]], claimed: bool, window: str = "") -> tuple[str, str]:
    """Event type from the triggers governing the place (window) and the weapons named in the clause."""
    kinds = {t for _, _, t in trig}
    words = " ".join(text[a:b].lower() for a, b, _ in trig)
    equipment = _hit_equipment(L.EQUIPMENT, window or text)
    if "damage" in kinds and equipment and (claimed or "strike" not in kinds):
        return "destroyed_equipment", words
    if claimed and "strike" in kinds and _hit_equipment(L.EQUIP_STRICT, window or text):
        return "destroyed_equipment", words     # "its forces hit a Russian S-400 system"
    weaponish = any(n for n, rx in L.WEAPONS if rx.search(text) and n not in L.AIR_DEFENCE)
    if "strike" in kinds or ("attack" in kinds and weaponish and not re.search(r"\bassassinat|\bground\b|\bassault", text, re.I)):
        return "strike", words
    if "explosion" in kinds and _SABOTEUR.search(text) and not L.STRIKE.search(text):
        return "attack", words            # "partisans blew up a rail line": sabotage, a deliberate attack
    if "explosion" in kinds:
        if L.STRIKE.search(_BLAST_VERB_ANY.sub(" ", text)) or re.search(r"\b(?:missiles?|rockets?|drones?|shells?)\b", text, re.I):
            # a blast with a reported strike (or a weapon in flight) is the strike
            return "strike", words
        return "explosion", words
    if "attack" in kinds:
        return "attack", words
    if "damage" in kinds or "casualty" in kinds:
        return ("strike" if weaponish or "damage" in kinds else "attack"), words
    return "other", words


def weapon(text: str, etype: str, trig_pos: int) -> str:
    if etype == "destroyed_equipment":      # the equipment named ("Ka-52", "Bradley", "HIMARS")
        for name, rx in L.WEAPONS:
            if name in L.SPECIFIC and rx.search(text):
                return name
        mm = L.MODEL_NAME.search(text)
        if mm:
            return mm.group(0)
        eq = L.EQUIP_STRICT.search(text)
        if eq:                                     # "two howitzers" → "howitzer"
            return re.sub(r"(?<=[a-z])s$", "", eq.group(0).lower())
    generic: list[tuple[int, int, str]] = []
    for name, rx in L.WEAPONS:
        m = rx.search(text)
        if not m:
            continue
        if etype != "destroyed_equipment" and name in L.AIR_DEFENCE and m.start() > trig_pos:
            continue  # the air-defence system hit, not the weapon used
        if etype == "explosion" and name in ("missile", "airstrike", "drone", "artillery"):
            continue
        if name in L.SPECIFIC:
            return m.group(0) if name == "Iskander" and "-" in m.group(0) else name
        instrument = re.search(r"\b(?:with|using|by)\s+(?:\w+\s+){0,2}$", text[max(0, m.start() - 30):m.start()])
        generic.append((0 if instrument else 1, m.start(), name))
    # classes only: the one named as the instrument ("shelled X with mortars"), else the first named
    return min(generic)[2] if generic else ""


def _equipment_near(text: str, start: int, end: int, lo: int = 0) -> str:
    """The named equipment of the place: the last one between the previous place (*lo*) and it ("a HIMARS
    near X and two Leopards near Y"), else the first after it ("Near X, a Bradley was destroyed")."""
    found: list[tuple[int, str]] = []
    for name, rx in L.WEAPONS:
        if name in L.SPECIFIC:
            found += [(m.start(), m.group(0) if name == "Iskander" and "-" in m.group(0) else name) for m in rx.finditer(text)]
    models = [(m.start(), m.group(0), m.end()) for m in L.MODEL_NAME.finditer(text)]
    # "an M777 howitzer": the model, not the class after it
    found = [f for f in found if not any(0 <= f[0] - e <= 2 for _, _, e in models)] + [(a, n) for a, n, _ in models]
    if not found:
        return ""
    before = [f for f in found if lo <= f[0] < start]
    after = [f for f in found if f[0] >= end]
    return max(before)[1] if before else min(after)[1] if after else ""


def actor(text: str, trig: list[tuple[int, int, str]], weapon_name: str, speaker_side: str, country: str,
          claimed: bool, etype: str = "", enemy: str = "") -> str:
    """The side that acted. *enemy*: the side "the enemy" means in this article (the other side of the
    military voice that writes it: a Ukrainian General Staff update's enemy is RU)."""
    sides = L.SIDE + (((_ENEMY, enemy),) if enemy else ())

    def side_of(w: str) -> str:
        w = w.lower()
        return enemy if w.startswith("enem") else "RU" if w.startswith(("russia", "occupier", "invader")) else "UA"

    if claimed and speaker_side and etype == "destroyed_equipment":
        return speaker_side
    if etype == "destroyed_equipment":     # "two Russian helicopters were destroyed": the other side did it
        vic = re.search(r"\b(russian|ukrainian)\s+(?:[\w\-/]+\s+){0,3}?" + L.EQUIP_STRICT.pattern[2:], text, re.I)
        if vic:
            return "UA" if vic.group(1).lower() == "russian" else "RU"
        own = L.EQUIPMENT_SIDE.search(weapon_name or "")
        if own:                            # a Leopard destroyed: Russia did it
            return "RU" if own.group(1) else "UA"
    text = re.sub(r"\b\w+-(?:operated|made|supplied|provided|built|backed|installed|appointed|controlled|held|occupied)\b"
                  r"|\b(?:russia|ukraine|russian|ukrainian)-(?:russia|ukraine|russian|ukrainian)\b",
                  lambda m: " " * len(m.group(0)), text, flags=re.I)
    for a, b, _ in trig:
        rep = (re.match(r"\s+(?:\w+\s+){0,3}?(russian|ukrainian|enemy)\b", text[b:b + 50], re.I) or
               re.match(r"\s+(?:\w+\s+){0,2}?(?:attacks?|assaults?|attempts?)\s+by\s+(?:[\w\-]+\s+){0,8}?"
                        r"(russian|ukrainian|ukraine|russia|enemy|occupiers?|invaders?)\b", text[b:b + 90], re.I)) \
            if re.match(r"repel|repuls", text[a:b], re.I) else None
        if rep and side_of(rep.group(1)):   # "Ukrainian forces repelled Russian assaults": the assaults' side
            return side_of(rep.group(1))
        downed = re.match(r"\s+(?:[\w\-]+\s+){0,2}?(russian|ukrainian)\s+(?:[\w\-]+\s+){0,2}?(?:drones?|missiles?|uavs?|"
                          r"unmanned|rockets?|shahed\w*|aircraft|attack drones?)\b", text[b:b + 60], re.I) \
            if re.match(r"destroy|shot down|intercept|downed|shoot", text[a:b], re.I) else None
        if downed:                     # "air defences destroyed 17 Ukrainian drones over X": the drones' side struck
            return "RU" if downed.group(1).lower() == "russian" else "UA"
        if re.match(r"shot down|intercept|downed", text[a:b], re.I):
            shot = [L.WEAPON_SIDE[n] for n, wrx in L.WEAPONS if n in L.WEAPON_SIDE and wrx.search(text[b:b + 50])]
            if len(set(shot)) == 1:    # "shot down two ATACMS missiles": the side that fired them
                return shot[0]
        back = text[max(0, a - 70):a]
        vm = re.search(r"\b(russian|ukrainian|enemy)\s+(?!(?:[\w\-]+\s+)?(?:missiles?|drones?|rockets?|shells?|bombs?|artillery|"
                       r"aircraft|jets|strikes?|attacks?|shelling|fire)\b)(?:[\w\-]+\s+){0,2}?(?:was|were|has been|have been|had been)\s+$",
                       back, re.I)
        if vm and side_of(vm.group(1)) and re.match(r"\w+ed\b|hit\b|struck\b|shot\b", text[a:b], re.I):
            return {"RU": "UA", "UA": "RU"}[side_of(vm.group(1))]   # "a depot of the Ukrainian army was destroyed"
        best = None
        for rx, side in sides:
            for m in rx.finditer(back):
                if L.REPORTER_AFTER.match(back[m.end():]) or _POSSESSOR.match(back[m.end():]):
                    continue
                if best is None or m.start() > best[0]:
                    best = (m.start(), side, m.end())
        if best:
            if _VICTIM_SUBJECT.match(back[best[2]:]):
                return "RU" if best[1] == "UA" else "UA"     # "a Russian checkpoint was bombed": the target's side
            if re.match(r"shot down|intercept|downed", text[a:b], re.I):
                return "RU" if best[1] == "UA" else "UA"     # the side shooting down is not the attacker
            return best[1]
        by = re.match(r"\s+by\s+(?:the\s+)?(\w+)", text[b:b + 40])
        if by:
            for rx, side in L.SIDE:
                if rx.fullmatch(by.group(1)):
                    return side
    own = re.search(r"\b(russian|ukrainian|enemy)\s+(?:[\w\-]+\s+){0,2}?(?:missiles?|drones?|rockets?|artillery|shelling|"
                    r"strikes?|attacks?|forces|troops|aircraft|jets|bombs?|army|military|units?|soldiers)\b", text, re.I)
    if own and side_of(own.group(1)):  # "as air defences engaged Russian missiles"
        return side_of(own.group(1))
    if claimed and speaker_side:
        return speaker_side
    if weapon_name in L.WEAPON_SIDE:
        return L.WEAPON_SIDE[weapon_name]
    if country == "RU":
        return "UA"
    return ""


_ENEMY = re.compile(r"\benem(?:y|ies)\b", re.I)
_UA_VOICE = re.compile(r"\b(?:Ukrainian defenders|Armed Forces of Ukraine"
                       r"|Defen[cs]e Forces of Ukraine|General Staff of (?:the )?(?:Armed Forces of )?Ukraine"
                       r"|Ukraine[’']s (?:General Staff|Air Force))\b", re.I)
_RU_VOICE = re.compile(r"\b(?:(?:Russian|Russia[’']s|Moscow[’']s) (?:Defen[cs]e Ministry|Ministry of Defen[cs]e)"
                       r"|Ministry of Defen[cs]e of the Russian Federation|group of forces|Russian Armed Forces)\b", re.I)


def _voice(text: str) -> str:
    """The side whose military writes an article that speaks of "the enemy" ("" when unclear)."""
    if not _ENEMY.search(text):
        return ""
    ua, ru = bool(_UA_VOICE.search(text)), bool(_RU_VOICE.search(text))
    return "UA" if ua and not ru else "RU" if ru and not ua else ""


_PARTISANS_SAY = re.compile(r"\b(?:ukrainian\s+)?(?:partisans?|resistance)(?:\s+(?:movement|group|fighters))?\s+"
                            r"(?:[\w\-]+\s+)?(?:said|say|says|claimed|claim|reported|boasted)\b", re.I)


def claim_side(sentence: str, speakers: dict[str, str]) -> tuple[bool, str]:
    """(is a one-side claim by a belligerent, the claiming side)."""
    side = ""
    claimed = False
    m = L.MIL_SPEAKER.search(sentence)
    for c in L.CLAIM.finditer(sentence):
        back = sentence[max(0, c.start() - 60):c.start()]
        if any(rx.search(back) for rx, _ in L.SIDE) or L.MIL_SPEAKER.search(back):
            claimed = True
    if m and L.SPEECH.search(sentence):
        claimed = True
    if _PARTISANS_SAY.search(sentence):
        return True, "UA"              # "partisans said they blew up...": their own claim
    for name, sd in speakers.items():
        if re.search(rf"\b{re.escape(name)}\b[^.]{{0,40}}\b(?:said|says|added|stated|reported)", sentence):
            claimed, side = True, sd
            if sd:
                return True, sd
    if claimed:
        ctx = sentence[max(0, (m.start() if m else 0) - 40):(m.end() if m else len(sentence))]
        for rx, s in L.SIDE:
            if rx.search(ctx):
                side = s
                break
    return claimed, side


# ---------------------------------------------------------------- geocoding

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


def resolve(m: Mention, gaz, hint: str | None, prefer: list[str], strong: bool,
            anchors: list[tuple[float, float]] = (), dominant: list[str] = (), explicit: list[str] = ()
            ) -> Resolved | None:
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
    if gaz.country(m.name) is not None:
        return None
    if m.known and not m.places:
        return None
    fuzzy = not m.known
    ck = (id(gaz), m.name, hint, fuzzy)
    cands = _CANDIDATES.get(ck)
    if cands is None:       # fuzzy lookups cost ~0.1-0.3 s in the gazetteer: ask once per name
        cands = _CANDIDATES[ck] = gaz.candidates(m.name, admin1=hint, fuzzy=fuzzy)
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
        inh = [(p, k) for p, k in war if p.admin1 == hint]
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
                                                             key(pk[0].name) == key(m.name), own_town))
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
    d = lambda p: min(km((p.latitude, p.longitude), a) for a in anchors)
    big = [p for p, _ in war if p.population >= 100_000 and key(p.name) == key(m.name)]
    return all(d(p) > 300 for p in big) and any(d(p) <= 60 for p, _ in war if p not in big)


def _namesake_score(p, kind: str, anchors, dominant, explicit, primary: bool, own_town: bool = False) -> float:
    """How likely a namesake is meant: match kind, a region the text names or is about, closeness
    to the places the text surely means (smoothly, no hard radius), and size (a 20k town is meant
    more often than a 500-people village at the same distance; KATOTTG-only villages have no population
    figure, counted as a small village)."""
    d = min((km((p.latitude, p.longitude), a) for a in anchors), default=1e9)
    return ({"exact": 0.0, "translit": -1.2 if own_town else -0.3, "approximate": -0.8}.get(kind, 0.0)
            + (2.5 if p.admin1 in explicit else 1.2 if p.admin1 in dominant else 0.0)
            + 3.0 * max(0.0, 1 - d / 200) + 0.4 * log10(max(p.population, 300 if kind == "approximate" else 0) + 1)
            + (0.5 if primary else 0.0))     # its current name, not a former one (Pokrovsk, not Engels)


# ---------------------------------------------------------------- article

_REF_POINT = re.compile(r"\b(?:(?:a|an|the)\s+(?:[\w\-]+\s+)?(?:village|town|settlement|city|area|place|hamlet|position)s?|"
                        r"both|located|situated|lies|just|some|about|\d+\s*(?:km|kilomet\w+|miles?))\s+(?:[\w\-]+\s+){0,3}?"
                        r"(?:north|south|east|west)[\w\-]*\s+of\s*$", re.I)
# a belligerent's word on the enemy's ground attacks ("Russian troops attacked near X, the General Staff
# said") reports them; its own success (repelled, captured, destroyed, struck) is a claim
_OWN_SUCCESS = re.compile(r"\b(?:repel\w*|unsuccessful\w*|repuls\w*|captur\w*|seiz\w*|took|taken|liberat\w*|recaptur\w*|destroy\w*|"
                          r"eliminat\w*|advance[ds]?|sabotage\w*|blew|blown|struck|hit|raid\w*|ambush\w*|storm\w*|"
                          r"break through|broke through|assassinat\w*|incursion|losing|lost|losses)\b", re.I)
# the claimant's success against the other side's attack: the attacker acts, the claim stays a claim
_DEFENCE_SUCCESS = re.compile(r"\b(?:repel\w*|repuls\w*|intercept\w*|shot down|downed|destroy\w*|eliminat\w*|"
                              r"losing|lost|losses|thwart\w*|foiled)\b", re.I)
_FOILED = re.compile(r"\b(?:repel\w*|repuls\w*|destroyed|eliminated|thwarted|foiled|stopped)\s+(?:[\w\-]+\s+){0,3}?"
                     r"(russian|ukrainian)\s+(?:[\w\-]+\s+){0,2}?(?:sabotage|mobile|assault|reconnaissance|infantry|groups?"
                     r"|units?|troops|forces|attempts?|attacks?|assaults?|offensives?)\b", re.I)
_UNDATED = re.compile(r"\b(?:without (?:giving|saying|specifying) (?:a |the )?(?:date|when)|did not say when|"
                      r"(?:date|timing) (?:was|is) (?:not|un)(?:clear|known|specified))\b", re.I)
_UNNAMED = re.compile(r"\b(?:without (?:naming|specifying|saying|giving)|did not (?:name|specify|say where)|"
                      r"not (?:named|specified|disclosed))\b", re.I)
_CONTINUES = re.compile(r"^(?:It|The (?:\w+ )?ministry|He|She|They|The statement|The military|The general staff)\s+(?:also\s+)?"
                        r"(?:said|says|added|reported|claimed|stated)\b", re.I)
_DATELINE = re.compile(r"[^—–]{0,40}\d{4}\s*[—–-]")
_APPOSITION = re.compile(r"^\s*(?:,\s*(?:in\s+)?(?:the\s+)?[A-Z][\w’'\-]+\s+(?:Oblast|oblast|region|Region|province|Krai|krai)\s*,"
                         r"|\s*\([^()]*\))")
_CONTINUATION = re.compile(r"^(?:and\s+|as well as\s+|also\s+)?(?:near|in|at|around|outside|on|(?:north|south|east|west)\w*\b)", re.I)
_LIST_SEP = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|,?\s*as well as)\s*(?:the\s+)?$", re.I)
_AXIS_AFTER = re.compile(r"^(?:\s*(?:,|and|or)\s*[A-Z][\w’'\-]+)*[\s’']*(?:directions?|ax[ie]s|sectors?|fronts?)\b", re.I)
# "the A and B districts of X": city districts, the event is at X
_PART_OF_AHEAD = re.compile(r"^(?:\s*(?:,|and|or)\s*[A-Z][\w’'\-]+)*\s+(?:city\s+)?(?:districts?|neighbou?rhoods?|"
                            r"microdistricts?|quarters?)\s+of\b")
# "a memorial service ... was held in X": a gathering, not an incident
_GATHERING = re.compile(r"\b(?:memorial|funeral|vigil|ceremony|commemoration|burial|rally|protest|concert|exhibition)s?\b"
                        r"[^.;]{0,100}\b(?:held|took place|was organi[sz]ed|gathered)\s+(?:\w+\s+)?(?:in|at)\s*$", re.I)
# "near the X border", "across the X,": a boundary or a river, not a place hit
_BOUNDARY = re.compile(r"\b(?:near|along|close to|on|at)\s+the\s*$", re.I)
_RIVER_LIKE = re.compile(r"\b(?:across|along|beyond|up|down)\s+the\s*$", re.I)
_SAME_TIME = re.compile(r"^(?:It|This|That) came as\b|\b(?:around|at) the same time\b|\bsimultaneously\b", re.I)


_LIST_AHEAD = re.compile(r"^(?:\s*,\s*(?:the\s+)?[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?)*\s*,?\s+(?:and|or)\s+(?:the\s+)?"
                         r"[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?")
_IN_THE_REGION = re.compile(r"\b(?:in|across|throughout) the (?:region|oblast|province)\b(?![’']s)", re.I)
_TITLED_VICTIM = re.compile(r"^[^,;]{0,60}?\b(?:was|were|has been|had been)\s+(?:\w+\s+)?(?:killed|assassinated|injured|"
                            r"wounded|shot|murdered|hurt)\b", re.I)
# a purpose infinitive between the incident and the place: "a line Russia uses to supply its troops in X"
_PURPOSE = re.compile(r"\b(?:to|in order to)\s+(?:supply|resupply|reinforce|support|transport|deliver|carry|move|ferry|"
                      r"serve|link|connect|feed|reach|evacuate)\b[^,;.()]*$", re.I)
# "the incursion into X, which began on August 6": an ongoing campaign's start is background
_SINCE_AFTER = re.compile(r"^\s*(?:\([^()]*\)\s*)?,?\s*(?:which|that)\s+(?:began|started|was launched|has lasted|"
                          r"has been going on|has continued)\b", re.I)


def _near_date_recent(refs, spans, trig, m: Mention, pub, text: str) -> bool:
    """A sentence recalling an old date may still report a new incident: the date nearest the
    trigger that governs the place decides ("said Thursday it had retaken X, seized ... last August")."""
    tr = [t for t in trig if t[2] != "casualty"] or trig
    t0 = min(tr, key=lambda t: min(abs(t[0] - m.start), abs(t[1] - m.end)))
    ev = [x for x in refs if x.kind in ("event", "speech") and any(a <= x.start < b for a, b in spans)
          and not (t0[1] <= m.start and x.start >= m.end and "," in text[m.end:x.start])]
    if not ev:     # (only an appositive's date: "hit X, a city Ukraine renamed Y in 2016")
        return any(x.kind in ("event", "speech") and x.start >= m.end for x in refs)
    nearest = min(ev, key=lambda x: abs(x.start - t0[0]))
    return not is_background(nearest, pub)


def _anchor(m: Mention):
    """The place a mention surely means (unique, or far bigger than its namesakes), for disambiguating others."""
    ps = sorted((p for p in m.places if p.country in WAR and p.precision == "settlement"), key=lambda p: -p.population)
    if not ps or m.possessive:
        return None
    primary = [p for p in ps if key(p.name) == key(m.name)]
    if primary and len(primary) < len(ps):      # a town by its current name, not one once called so
        ps = primary
        if len(ps) == 1 or ps[0].population >= 5 * max(1, ps[1].population):
            return (ps[0].latitude, ps[0].longitude)
    if len(ps) == 1 or ps[0].population >= 10 * max(1, ps[1].population):
        return (ps[0].latitude, ps[0].longitude)
    return None


def _mask(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with everything outside the clause blanked (positions stay sentence offsets)."""
    chars = [" "] * len(sentence)
    for a, b in spans:
        chars[a:b] = sentence[a:b]
    return "".join(chars)


def _adjacent_hint(m: Mention, ms: list[Mention]) -> str | None:
    """A region phrase right after the place ("X, in the Y region", "X (Y Oblast)") says where X is."""
    if m.region:
        return None
    for x in ms:
        if x.region and 0 <= x.start - m.end <= 45 and not any(
                y is not x and y is not m and m.end <= y.start < x.start and (y.places or y.region) for y in ms):
            return x.region
    return None


def _speakers(sentences: list[Sentence]) -> dict[str, str]:
    """Spokespeople named in the article, with the side their title says ("Russian defence ministry spokesperson X")."""
    out: dict[str, str] = {}
    for s in sentences:
        for m in L.SPOKES_NAME.finditer(s.text):
            side = ""
            back = s.text[max(0, m.start() - 50):m.start()]
            for rx, sd in L.SIDE:
                if rx.search(back):
                    side = sd
            out[m.group(1)] = side
    return out


_AXIS_NAME = re.compile(r"\b([A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)?)\s+(?:direction|axis|sector)\b")


def _notable_namesake(gaz, name: str) -> str | None:
    """The region of the clearly most populous exact namesake in the war countries (None when unclear)."""
    war = sorted((p for p, k in gaz.candidates(name, fuzzy=False) if k == "exact" and p.country in WAR
                  and p.precision == "settlement" and key(p.name) == key(name)), key=lambda p: -p.population)
    if war and war[0].population >= 1000 and (len(war) == 1 or war[0].population >= 2 * war[1].population):
        return war[0].admin1
    return None


def extract_candidates(text: str, published: date | None, gaz) -> tuple[list[Candidate], list[str]]:
    sentences = split_article(text)
    mentions = [find_mentions(s.text, gaz) for s in sentences]
    speakers = _speakers(sentences)
    # "the X direction": a front sector is named after a notable town, so X means its largest namesake
    axis_names = {key(a.group(1)) for a in _AXIS_NAME.finditer(text)}
    # dominant regions: explicit region phrases and unambiguous settlements
    votes: Counter[str] = Counter()
    for ms in mentions:
        for m in ms:
            if m.region and m.region[:2] in WAR and not m.titled:
                votes[m.region] += 2
            elif len(m.places) == 1 and m.places[0].country in WAR and m.places[0].precision == "settlement":
                votes[m.places[0].admin1] += 1
    top = votes.most_common(1)[0][1] if votes else 0
    dominant = [c for c, v in votes.items() if v >= max(2, top - 1)]

    out: list[Candidate] = []
    warnings: list[str] = []
    pending_dates: list[tuple[int, DateRef]] = []
    # a name placed by its context once ("X in Y region") keeps that place in the whole article
    placed: dict[str, str] = {}
    hinted: set[str] = set()           # ... placed by a region phrase, not only by a neighbour in a sentence
    for ms in mentions:
        local = {m.places[0].admin1 for m in ms if len(m.places) == 1 and m.places[0].country in WAR}
        for m in ms:
            h = _adjacent_hint(m, ms)
            if h and m.places:
                placed.setdefault(key(m.name), h)
                hinted.add(key(m.name))
            elif len(m.places) > 1:
                near = [p.admin1 for p in m.places if p.admin1 in local]
                if near:
                    placed.setdefault(key(m.name), near[0])
    specific: list[tuple[int, str]] = []
    prev_claim: tuple[bool, str, int] = (False, "", -9)
    head = " ".join(x.text for x in sentences[:2])
    art_claim = bool(re.search(r"\b(?:briefing|communiqu[ée]|daily report|statement|summary|update|bulletin)\b", head, re.I)
                     and L.MIL_SPEAKER.search(head))
    voice = _voice(text)
    enemy = {"UA": "RU", "RU": "UA"}.get(voice, "")
    art_side = next((sd for rx, sd in L.SIDE if art_claim and rx.search(head)), "") or (voice if art_claim else "")
    art_anchors = [(key(m.name), a) for m, a in ((m, _anchor(m)) for ms in mentions for m in ms) if a]
    for s, ms in zip(sentences, mentions):
        if not any(m.places or m.region or not m.known for m in ms):     # fast path: no place named
            if L.SPEECH.search(s.text):
                c_, sd_ = claim_side(s.text, speakers)
                if c_:
                    prev_claim = (True, sd_, s.para)
            trig0 = _triggers(s.text)
            if trig0:
                w0 = weapon(s.text, "strike", trig0[0][0])
                if w0 in L.SPECIFIC:
                    specific.append((s.index, w0))
                d = event_date(find_dates(s.text, published), published)
                if d and d.kind == "event" and not is_background(d, published):
                    pending_dates.append((s.index, d))
                c = _anaphoric(s, trig0, d, out, published)
                if c is not None:
                    out.append(c)
                else:
                    _explain_cause(s, trig0, out, speakers)
            continue
        refs = find_dates(s.text, published)
        background = any(is_background(r, published) for r in refs if r.kind in ("event",))
        claimed, cside = claim_side(s.text, speakers)
        if art_claim and not claimed:
            claimed, cside = True, art_side
        elif art_claim and claimed and not cside:
            cside = art_side          # "..., the ministry said" in a Russian defence ministry briefing
        if _CONTINUES.search(s.text) and prev_claim[0] and s.para - prev_claim[2] <= 1:
            claimed, cside = True, cside or prev_claim[1]
        if claimed:
            prev_claim = (True, cside, s.para)
        local = [m.places[0].admin1 for m in ms if len(m.places) == 1 and m.places[0].country in WAR]
        made = 0
        prev_spans: list[tuple[int, int]] = []
        for spans in clauses(s.text):
            in_clause = [m for m in ms if any(a <= m.start < b for a, b in spans)]
            own = _mask(s.text, spans)
            own_trig = _triggers(own)
            if not own_trig and prev_spans and _CONTINUATION.match(own.strip()):
                spans = prev_spans + spans     # "...; west of A near B; and south of C": the list goes on
            elif own_trig:
                prev_spans = spans
            if not any(m.places or m.region or not m.known for m in in_clause):
                continue
            clause = _mask(s.text, spans)
            trig = _triggers(clause)
            if not trig:
                continue
            w0 = weapon(clause, "strike", trig[0][0])
            if w0 in L.SPECIFIC:
                specific.append((s.index, w0))
            settlements_here = []
            prev_role = None
            last_local: list = []          # the triggers of the previous place of the clause
            prev_end = -1
            # names inside "Kherson's Dniprovskyi and Korabelnyi districts" are parts of the possessor
            parts = [(x.end, x.end + pm.end()) for x in in_clause if x.possessive and gaz.country(x.name) is None
                     for pm in [_POSS_PART.match(s.text[x.end:x.end + 120])] if pm]     # (not "Russia's Kursk region")
            for m in in_clause:
                if any(a <= m.start < b for a, b in parts):
                    continue
                r = role(clause, m, 0, len(clause))
                gap = re.sub(r"^\s*(?:city|town|village|oblast|region|province)\b", "",
                             re.sub(r"\([^()]*\)", "", s.text[prev_end:m.start]))
                if r == "none" and prev_role and _LIST_SEP.search(_OF_HEAD.sub("", gap)) and \
                        not _METONYM_AFTER.match(clause[m.end:]):
                    r = prev_role          # "shelled A, B and the village of C"
                if r == "rel" and any(x is not m and (x.places or x.region) and
                                      role(clause, x, 0, len(clause)) in ("locative", "target") for x in in_clause):
                    r = "ref"              # "attacks southwest of X near A and B": X is the reference point
                if _AXIS_AFTER.match(clause[m.end:]):
                    r = "axis"             # "the Kupiansk direction": a front sector, not a place hit
                if _PART_OF_AHEAD.match(clause[m.end:]) or _GATHERING.search(clause[max(0, m.start - 160):m.start]):
                    r = "part"
                if _BOUNDARY.search(clause[:m.start]) and re.match(r"\s+(?:border|frontier)\b", clause[m.end:], re.I) or \
                        _RIVER_LIKE.search(clause[:m.start]) and re.match(r"\s*(?:[,.;:)]|$)", clause[m.end:]):
                    r = "boundary"
                if m.places or m.region or not m.known:
                    prev_role, prev_end = r, m.end
                if r not in ("locative", "target", "rel", "ref", "affiliation"):
                    continue
                if m.region and m.titled:     # "X Oblast Governor said Russian forces attacked 11 settlements in the region"
                    if not _IN_THE_REGION.search(s.text[m.end:]):
                        continue
                    r = "locative"
                if r == "affiliation" and not _PERSON_ATTACK.search(clause):
                    continue
                if r == "affiliation" and m.titled and not _TITLED_VICTIM.match(clause[m.end:]):
                    continue           # "X regional governor Y said no one was hurt": a speaker, not a victim
                if _PURPOSE.search(clause[max(0, m.start - 80):m.start]) or _SINCE_AFTER.match(s.text[m.end:]):
                    continue           # "a line used to supply troops in X"; "the incursion into X, which began..."
                strong_trig = [t for t in trig if not L.CAMPAIGN.match(clause[t[0]:t[1]]) and t[2] != "casualty"]
                if m.region and not strong_trig:
                    continue
                hint = _adjacent_hint(m, ms)
                if hint is None and key(m.name) in axis_names:
                    hint = _notable_namesake(gaz, m.name)
                prefer = ([placed[key(m.name)]] if key(m.name) in placed else []) + \
                    [x.region for x in ms if x.region] + local + dominant
                strong = bool(re.search(r"\b(?:village|town|settlement|city|area|near|outside)\b[^,;]{0,25}$",
                                        clause[:m.start], re.I))
                anchors = [a for a in (_anchor(x) for x in ms if x is not m) if a] or \
                    [a for k, a in art_anchors if k != key(m.name)]      # (never the name itself)
                explicit = ([placed[key(m.name)]] if key(m.name) in hinted else []) + [x.region for x in ms if x.region]
                res = resolve(m, gaz, hint, prefer, strong, anchors, dominant, explicit)
                if res is None:
                    continue
                if res.warning and not res.key:
                    warnings.append(res.warning)
                    continue
                if res.country not in WAR:
                    continue
                if background and not _near_date_recent(refs, spans, trig, m, published, s.text):
                    continue
                prev_ends = [x.end for x in in_clause if x.end <= m.start and (x.places or x.region)
                             and not _PART_OF_AHEAD.match(clause[x.end:])     # (city districts are X's)
                             and gaz.country(x.name) is None]     # ("howitzers of the Armed Forces of Ukraine")
                nxt = [x.start for x in in_clause if x.start >= m.end and (x.places or x.region)]
                window = (prev_ends[-1] if prev_ends else 0, nxt[0] if nxt else len(clause))
                if not any(window[0] <= t[0] < window[1] for t in trig):
                    before_t = [t for t in trig if t[1] <= m.start]
                    after = [t for t in trig if t[0] >= m.end]
                    window = (before_t[-1][0], window[1]) if before_t else \
                        (window[0], after[0][1] if after else len(clause))
                local_trig = [t for t in trig if window[0] <= t[0] < window[1]] or trig
                if last_local and _LIST_SEP.search(_OF_HEAD.sub("", gap)) and all(t[0] > m.start for t in local_trig):
                    local_trig = last_local    # "repelled attacks near A and B and destroyed...": B is A's
                last_local = local_trig
                # the other side's deed told by one side ("Ukrainian forces struck X, Russian bloggers claimed")
                # is reported, not that side's claim of success
                own = claimed and (not cside or _DEFENCE_SUCCESS.search(clause) is not None or
                                   actor(clause, trig, "", "", "", False) in ("", cside))
                etype, orig = classify(clause, local_trig, own, clause[window[0]:window[1]])
                wpn = (etype == "destroyed_equipment" and _equipment_near(clause, m.start, m.end, window[0])) or \
                    weapon(clause, etype, trig[0][0]) or weapon(s.text, etype, len(s.text))
                if etype == "strike" and not L.specific(wpn):
                    near = [w for i, w in specific if 0 <= s.index - i <= 2 and (not wpn or wpn in L.GENERIC_OF.get(w, "").split())]
                    wpn = near[-1] if near else wpn
                in_refs = [x for x in refs if any(a <= x.start < b for a, b in spans)
                           and not (background and is_background(x, published))]     # (the recalled date is not its own)
                tpos = [t[0] for t in local_trig]
                in_refs.sort(key=lambda x: min(abs(x.start - p) for p in tpos))   # the date nearest the trigger
                dref = event_date(in_refs, published) or event_date(
                    [x for x in refs if not _DATELINE.match(s.text[x.start:]) and not is_background(x, published)],
                    published)
                conf = res.confidence * (0.85 if s.kind == "caption" else 1.0) * (0.7 if r == "affiliation" else 1.0)
                who = actor(clause, trig, wpn, cside if own else "", res.country, own, etype, enemy)
                foiled = _FOILED.search(clause) if etype == "attack" else None
                if foiled:   # "destroyed a Ukrainian sabotage group that tried to cross near X": the attackers
                    who = "RU" if foiled.group(1).lower().startswith("russia") else "UA"
                own_claim = own and not (etype == "attack" and (not cside or who != cside) and
                                             not _OWN_SUCCESS.search(clause))
                c = Candidate(res.key, res.name, res.lat, res.lon, res.country, res.admin1, res.precision, etype, orig,
                              wpn, who, "claimed" if own_claim else "reported", dref, s, round(conf, 2),
                              approximate=(r == "ref" or res.precision == "region"),
                              evidence=[s.text], sentences=[s.index],
                              warnings=[res.warning] if res.warning else [], match=res.match)
                c.weak_type = all(t[2] in ("casualty", "damage") for t in local_trig) and etype != "destroyed_equipment"
                if dref is None and _SAME_TIME.search(s.text):
                    dated = [x for x in out if x.date is not None and x.date.kind == "event"]
                    c.date = dated[-1].date if dated else None
                if res.precision == "settlement":
                    settlements_here.append(c)
                out.append(c)
                made += 1
            # a region named beside a settlement of the same region is a hint, not a second event
            hint_codes = {_adjacent_hint(m, ms) for m in in_clause}
            for c in [c for c in out[len(out) - made:] if c.precision == "region"]:
                if c.admin1 in hint_codes and any(x.admin1 == c.admin1 for x in settlements_here):
                    out.remove(c)
                    made -= 1
        if not made:
            d = event_date(refs, published)
            if d and d.kind == "event" and not is_background(d, published) and _triggers(s.text):
                pending_dates.append((s.index, d))
            if _triggers(s.text):
                _explain_cause(s, _triggers(s.text), out, speakers)
    _attach_dates(out, pending_dates)
    _day_earlier(out)
    _article_actor(out, sentences, enemy)
    _lead_date(out, sentences, published)
    lead = next((x.index for x in sentences if x.kind == "body"), 0)
    merged = _merge_article(out, lead)
    _prefer_prose_evidence(merged, sentences)
    return merged, warnings


_ATTRIBUTION = re.compile(
    r"\b(russian|russia[’']s|russia|ukrainian|ukraine[’']s|ukraine)\s+(?:[\w\-]+\s+){0,2}?(?:forces|troops|army|military"
    r"|missiles?|drones?|shelling|strikes?|air ?strikes?|attacks?|artillery|aircraft|jets|warplanes|bombs?|units|soldiers|assaults?"
    r"|shells|rockets?)\b(?!\s+(?:said|says|reported|claimed|stated|announced|officials?|spokes\w+))"
    r"|\b(russia|ukraine|moscow|kyiv)\s+(?:fired|launched|attacked|struck|shelled|hit|pounded|bombarded|targeted)\b", re.I)


def _article_actor(cands: list[Candidate], sentences: list[Sentence], enemy: str = "") -> None:
    """'Shelling was recorded in X', 'Missiles hit Y': a passive report names no side; the article's
    attributions ("Russian forces", "Russian shelling", "Ukrainian drones") do, when they all name one
    side; strikes and attacks only (a depot blast may have no attacker)."""
    votes: Counter[str] = Counter()
    for x in sentences:
        if not _triggers(x.text):
            continue
        for m in _ATTRIBUTION.finditer(x.text):
            w = (m.group(1) or m.group(2)).lower()
            votes["RU" if w.startswith(("russia", "moscow")) else "UA"] += 1
        if enemy:        # "the enemy attacked" in a military's own report
            votes[enemy] += len(_ENEMY.findall(x.text))
    if not votes:
        return
    (side, n), *rest = votes.most_common()
    if rest:
        return          # both sides named as attackers: the article does not say whose this one was
    for c in cands:
        if not c.actor and c.event_type in ("strike", "attack"):
            c.actor = side


_ANAPHOR = re.compile(r"\b(?:on|in|at|into|hit|hitting|struck|striking|shelled|shelling|bombed|targeted|attacked|pounded)"
                      r"\s+the\s+(?:town|city|village|settlement|same\s+(?:town|city|village|settlement|neighbou?rhood|area|"
                      r"district|street|building|block|site))\b(?!\s+of\b|[’']s)", re.I)


def _anaphoric(s: Sentence, trig: list, d: DateRef | None, out: list[Candidate], pub: date | None) -> Candidate | None:
    """"Russian aircraft also dropped guided bombs on the town": a strike on the settlement the paragraph
    just named (its last event place within two sentences) — a second incident there if type or date differ."""
    am = _ANAPHOR.search(s.text)
    strong = [t for t in trig if t[2] in ("strike", "explosion") or t[2] == "attack" and not L.CAMPAIGN.match(s.text[t[0]:t[1]])]
    if am is None or not strong or (d is not None and is_background(d, pub)):
        return None
    same = "same" in am.group(0).lower()      # "hit the same neighbourhood" may look back across a paragraph
    prev = [c for c in out if c.precision == "settlement" and (c.sentence.para == s.para or same) and
            0 < s.index - c.sentences[0] <= (3 if same else 2)]
    if not prev:
        return None
    a = prev[-1]
    etype, orig = classify(s.text, strong, False, s.text)
    wpn = weapon(s.text, etype, strong[0][0])
    who = actor(s.text, strong, wpn, "", a.country, False, etype) or a.actor
    return Candidate(a.place_key, a.name, a.lat, a.lon, a.country, a.admin1, a.precision, etype, orig, wpn, who,
                     a.status, d if d is not None and d.kind == "event" else a.date, s, round(a.confidence * 0.9, 2),
                     evidence=[s.text], sentences=[s.index], match=a.match)


def _explain_cause(s: Sentence, trig: list, out: list[Candidate], speakers: dict[str, str]) -> None:
    """"A block collapsed in X, killing 15. The ministry said it had been hit by a Tochka-U missile": the next
    sentence of the paragraph tells what caused a casualty-only event — a strike, with its weapon and side."""
    if not any(t[2] == "strike" for t in trig):
        return
    prev = [c for c in out if c.sentence.para == s.para and s.index - c.sentences[-1] == 1 and c.weak_type]
    if len(prev) != 1:
        return
    c = prev[0]
    claimed, side = claim_side(s.text, speakers)
    wpn = weapon(s.text, "strike", len(s.text))
    c.event_type, c.original, c.weak_type = "strike", s.text[trig[0][0]:trig[0][1]].lower(), False
    c.weapon = wpn if L.specific(wpn) or not c.weapon else c.weapon
    c.actor = c.actor or actor(s.text, trig, wpn, "", c.country, False, "strike")
    if claimed and side and side != c.actor:
        c.status = "claimed"          # only one side's word says what hit it
    c.evidence.append(s.text)
    c.sentences.append(s.index)


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


_DAY_EARLIER = re.compile(r"\b(?:(?:a|one) day (?:earlier|before)|the (?:previous|preceding) day|the day before)\b(?!\s+(?:yesterday|that))", re.I)
_SAME_DAY = re.compile(r"^(?:\w+\s+)?(?:hours|minutes|moments) (?:earlier|later|before|after)\b|\b(?:the same night|that same night|later that (?:day|night))\b", re.I)


def _day_earlier(cands: list[Candidate]) -> None:
    """'A day earlier, X was hit': the day before the incident the text told just before it."""
    from datetime import timedelta
    for c in cands:
        back = 1 if _DAY_EARLIER.search(c.sentence.text) else 0 if _SAME_DAY.search(c.sentence.text) else None
        if c.date is not None or back is None:
            continue
        prior = [x for x in cands if x.sentences[0] < c.sentences[0] and x.date is not None
                 and x.date.kind == "event" and x.date.precision == "day"]
        if prior:
            d = max(prior, key=lambda x: x.sentences[0]).date
            c.date = DateRef(d.date - timedelta(days=back), "day", "event", d.start, d.text)


def _attach_dates(cands: list[Candidate], pending: list[tuple[int, DateRef]]) -> None:
    """'The attack happened on Sunday': a dated follow-up sentence without a place dates the latest undated event."""
    for idx, d in pending:
        prior = [c for c in cands if c.sentences[0] < idx and c.date is None and idx - c.sentences[0] <= 3]
        if prior:
            last = max(c.sentences[0] for c in prior)
            for c in prior:
                if c.sentences[0] == last:
                    c.date = d


_WIRE_DATE = re.compile(r"^[^—–()]{0,40}\((?:AP|AFP|Reuters|dpa|Bloomberg|UPI)\)\s*[-—–]")
_DAY_SCOPE = re.compile(r"\b(?:by the end of the day|over the (?:past |last )?day|during the day|in the (?:past|last) 24 hours"
                        r"|over the (?:past|last) 24 hours|since the (?:beginning|start) of the day|so far today)\b", re.I)
_ROUNDUP = re.compile(r"\b(?:combat engagements|clashes|combat clashes)\b", re.I)


def _lead_date(cands: list[Candidate], sentences: list[Sentence], pub: date | None) -> None:
    """A roundup's lead dates it ("Russian forces struck nine towns over the past day"): its undated
    events share that day. Day-precise when the dated lead sentence itself reports incidents, else
    (a bulletin header "briefing, August 4") only week-precise: the text does not date them."""
    titles = [x for x in sentences if x.kind == "title"]
    body = [x for x in sentences if x.kind == "body"][:1]
    found = [(x, r) for x in titles + body for r in find_dates(x.text, pub) if r.kind == "event" and r.precision == "day"]
    outside = [(x, r) for x, r in found if not re.search(r"\([^()]*$", x.text[:r.start])]
    found = outside or found      # "on the night of November 26 (from 19:00 on November 25)": the parenthesis restates
    found = [(x, r) for x, r in found if not (_WIRE_DATE.match(x.text) and r.start < _WIRE_DATE.match(x.text).end())]
    head = titles + [x for x in sentences if x.kind == "body"][:2]
    if not found and pub is not None and any(_DAY_SCOPE.search(x.text) for x in head):
        # a governor's "situation by the end of the day": the post tells the publication day
        found = [(x, DateRef(pub, "day", "event", 0, "")) for x in head if _DAY_SCOPE.search(x.text)][:1]
    if len({r.date for _, r in found}) != 1 or is_background(found[0][1], pub):
        return
    x, r = next(((x, r) for x, r in found if _triggers(x.text)), found[0])
    week = DateRef(r.date, "week", "event", r.start, r.text)
    # a lead about one place ("a missile strike on X on Wednesday") dates that incident, not the others
    single = any(x.index in c.sentences and c.precision == "settlement" for c in cands)
    side = _lead_side(x.text) if _triggers(x.text) and not single else None
    if side is None and not single and (_DAY_SCOPE.search(x.text) or _ROUNDUP.search(x.text)):
        side = ""                 # "167 combat engagements took place over the past day": the roundup's day
    for c in cands:
        if c.date is None:
            # the lead's incidents are one side's; another side's incident, or one the text says it
            # does not date, only shares the lead's week
            if _UNDATED.search(" ".join(c.evidence)):
                continue            # "..., without giving a date": the publication week, not the lead's day
            same = side is not None and (not side or not c.actor or c.actor == side)
            c.date = r if same else week


def _lead_side(text: str) -> str:
    """The side a lead sentence says acted ("Russian forces struck..."), "" when it names none."""
    hits = [(m.start(), sd) for rx, sd in L.SIDE for m in rx.finditer(text) if not L.REPORTER_AFTER.match(text[m.end():])]
    return min(hits)[1] if hits else ""


def _compatible(a: Candidate, b: Candidate) -> bool:
    da, db = a.date, b.date
    if da is None or db is None or da.kind != "event" or db.kind != "event":
        return True
    if da.precision != "day" or db.precision != "day":
        return True
    return da.date == db.date


def _better_date(a: DateRef | None, b: DateRef | None) -> DateRef | None:
    rank = lambda d: (-1 if d is None else {"event": 2, "speech": 1}.get(d.kind, 0) * 10 +
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


def _merge_article(cands: list[Candidate], lead: int = 0) -> list[Candidate]:
    merged: list[Candidate] = []
    for c in cands:
        for m in merged:
            if m.place_key == c.place_key and (_footage(m) or _footage(c)):
                host, shot = (c, m) if _footage(m) else (m, c)
                shot.weak_type, shot.weapon, shot.date = True, "", None     # only its evidence counts
                _fold(host, shot)
                merged[merged.index(m)] = host
                break
            if m.place_key == c.place_key and (_compatible(m, c) or _caption_repeat(m, c)) and (
                    not m.actor or not c.actor or m.actor == c.actor) and (
                    m.weak_type or c.weak_type or _same_incident_type(m.event_type, c.event_type) or
                    _generic_title(m) or _generic_title(c)):     # a headline's "attacks" sums up the body
                _fold(m, c)
                break
        else:
            merged.append(c)
    # fold approximate places (region, "south of X") into a named settlement of the same incident
    keep = []
    for c in merged:
        host = None
        if c.approximate:
            for m in merged:
                if m is c or m.approximate:
                    continue
                same = bool(set(m.sentences) & set(c.sentences))
                # a headline/lead summary ("raid on a Crimean airbase"), told nowhere else in the article
                summary = (c.sentence.kind == "title" or min(c.sentences) == lead) and \
                    max(c.sentences) <= max(lead, min(c.sentences)) and not _UNNAMED.search(" ".join(c.evidence))
                if not _compatible(m, c) and not (summary and c.precision == "region"):
                    continue
                if not (summary and c.precision == "region") and m.event_type != c.event_type:
                    continue
                if c.precision == "region" and m.admin1 == c.admin1 and (same or summary) or \
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
