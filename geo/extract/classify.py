"""Event type, weapon, actor and claim status of a candidate, from the words governing its place.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from geo.extract import lexicon as L
from geo.extract._scan import Searcher
from geo.extract.records import Candidate
from geo.extract.roles import _POSSESSOR, _VICTIM_SUBJECT
from geo.extract.sentences import Sentence
from geo.extract.triggers import _triggers

_SABOTEUR = re.compile(r"\b(?:partisans?|saboteurs?|sabotage|resistance (?:movement|fighters|group))\b", re.I)


_FACILITY_OF = re.compile(r"\b(?:warehouses?|depots?|storage(?: sites?| facilit(?:y|ies))?|stores?|workshops?|plants?|"
                          r"factor(?:y|ies)|production(?: sites?| facilit(?:y|ies))?|assembly (?:sites?|shops?)|hangars?)"
                          r"\s+(?:of|for|storing|producing|making)\s+(?:[\w\-]+\s+){0,2}$", re.I)


def _hit_equipment(rx: Searcher, text: str):
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
    weaponish = any(n not in L.AIR_DEFENCE for n, _, _ in L.first_weapons(text))
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


_INSTRUMENT = re.compile(r"\b(?:with|using|by)\s+(?:\w+\s+){0,2}$")


@functools.lru_cache(maxsize=8192)     # (a pure function of its arguments; a third of the calls repeat one: the
def weapon(text: str, etype: str, trig_pos: int) -> str:       # clause's first trigger, asked per place)
    if etype == "destroyed_equipment":      # the equipment named ("Ka-52", "Bradley", "HIMARS")
        for name, _, _ in L.first_weapons(text):
            if name in L.SPECIFIC:
                return name
        mm = L.MODEL_NAME.search(text)
        if mm:
            return mm.group(0)
        eq = L.EQUIP_STRICT.search(text)
        if eq:                                     # "two howitzers" → "howitzer"
            return re.sub(r"(?<=[a-z])s$", "", eq.group(0).lower())
    generic: list[tuple[int, int, str]] = []
    for name, start, matched in L.first_weapons(text):
        if etype != "destroyed_equipment" and name in L.AIR_DEFENCE and start > trig_pos:
            continue  # the air-defence system hit, not the weapon used
        if etype == "explosion" and name in ("missile", "airstrike", "drone", "artillery"):
            continue
        if name in L.SPECIFIC:
            return matched if name == "Iskander" and "-" in matched else name
        instrument = _INSTRUMENT.search(text[max(0, start - 30):start])
        generic.append((0 if instrument else 1, start, name))
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
    # (remembered: a pure function of its arguments, asked again for each place of a clause)
    return _actor(text, tuple(trig), weapon_name, speaker_side, country, bool(claimed), etype, enemy)


@functools.lru_cache(maxsize=8192)
def _actor(text: str, trig: tuple[tuple[int, int, str], ...], weapon_name: str, speaker_side: str, country: str,
           claimed: bool, etype: str, enemy: str) -> str:
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
