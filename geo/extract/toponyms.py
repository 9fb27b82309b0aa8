"""Place mentions in a sentence: capitalised word runs looked up in the gazetteer by normalised key.

Region phrases ("Belgorod region", "the Kherson and Kharkiv regions", "Donetsk People's Republic")
become region mentions with an admin-1 code; names followed by "River"/"Sea" are geography, not
settlements; hyphenated modifiers ("Moscow-installed") and organisation names are not places.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo._names import exact_key, key
from geo.admin1 import name_of
from geo.extract import lexicon as L
from geo.extract.lexicon import LEAD_STOP, STOP

_TOKEN = re.compile(r"(?<![\w\-’'])([A-ZА-ЯІЇЄҐ][\w]*(?:[’'](?!s\b)[\w]+)*(?:-(?:[A-Za-zА-Яа-я][\w]*(?:[’'](?!s\b)[\w]+)*))*)(\s?[’']s\b)?")
_REGION_WORD = re.compile(r"^\s+(?:(?:border|frontline|front-line|northern|southern|eastern|western)\s+)?"
                          r"(regions?|oblasts?|provinces?|krai|People[’']s Republic|Republic)\b", re.I)
_GEOGRAPHY = re.compile(r"^\s+(?:River|river|Sea|Lake|Reservoir|reservoir|lake|spit|Spit|estuary|Estuary|lagoon|Lagoon|Peninsula|Mountains|Valley|Bay|Strait|Gulf|Canal|Dam|Airport|"
                        r"Training|University|Institute|Center|Centre|Ministry|Council|Times|Post|Pravda|Independent|"
                        r"Plant|Palace|Regiment|Brigade|Battalion|Corps|Group|Airlines|Institute|Museum|Film|Studio|Stadium|Theatre|Theater|"
                        r"Cathedral|Church|Refinery|Works|Factory|Mayor|Governor|district|raion|nuclear|Nuclear|power plant|Power Plant|Street|Avenue|Square|Bridge|Station|Oblast Military Administration|Airbase|Air Base)\b")
_ORG_AFTER = re.compile(r"^\s+(?:group|brigade|regiment|battalion|corps|operational|command|grouping)\b")
_TITLE_AFTER = re.compile(r"^\s+(?:Mayor|Governor|Regional|City|Oblast Governor|mayor|governor|(?:regional|oblast|city|district)"
                          r"\s+(?:governor|head|mayor|administration|council|authorities|officials?|police|chief))\b")
# "Kherson City Military Administration", "Odesa City Council": an organisation's name, not the place
_ORG_NAME = re.compile(r"^\s+(?:City|Town|Village|District|Raion)\s+(?:Military\s+|State\s+|Civil(?:ian)?[\s-]+Military\s+)?"
                       r"(?:Administration|Council|Hall|Police|Court|Prosecutor)\b")


# a facility named after its town ("Irpin Bridge", "Yuzhnoukrainsk Nuclear Power Plant", "Kharkiv National
# University"): the place is the town (an incident at the facility is in it); rivers and seas are not
_FACILITY = re.compile(r"^\s+(?:(?:[A-Z][\w\-]*|and|of)\s+){0,5}(?:Airport|Regional State Administration|State Administration|"
                       r"Regional Administration|City Council|Town Council|Village Council|Council|Administration|"
                       r"Gymnasium|Orchestra|Lavra|Monastery|Faculty|Headquarters|Academy|Park|Prison|Barracks|"
                       r"Multidisciplinary Hospital|University|Institute|Plant|Power Plant|Palace|Museum|Stadium|"
                       r"Theatre|Theater|Cathedral|Church|Refinery|Works|Factory|Bridge|Station|Substation|Airbase|Air Base|"
                       r"Hospital|School|College|Lyceum|Market|Zoo|Tower|Hotel|Mall|Depot|Airfield|Port|Seaport|Dam|"
                       r"Thermal Power Station|TPP|CHP|Shipyard|Oil Depot|Arsenal)\b")


# "X district/raion" (not "X district of <city>", a city's own district): the raion around town X
_DISTRICT = re.compile(r"^\s+(?:district|raion|District|Raion)\b(?!\s+(?:of\s+(?![A-Z][\w’'\-]+\s+(?:Oblast|oblast|region|Region|province)\b)[A-Z]|[A-Z]|court|police|administration|council))")


_ADMIN_UNIT = re.compile(r"^\s+(?:urban\s+|municipal\s+|territorial\s+)?(?:hromada|community|TG|OTG|district|raion|"
                         r"okrug)\b(?!\s+(?:court|police|administration|council|of\s+[A-Z][\w\-’']+\b(?!\s+(?:Oblast|oblast|"
                         r"region|Region|province))))")


# a person named after a title ("Kursk governor Ivanov", "President Zelensky"): no place
_PERSON_BEFORE = re.compile(r"\b(?:[Gg]overnor|[Mm]ayor|[Hh]ead|[Pp]resident|[Mm]inister|[Ss]pokes(?:man|woman|person)|"
                            r"[Cc]ommander|[Cc]hief|[Gg]eneral|[Aa]dvis[eo]r|[Dd]eputy|[Ss]enator|Mr|Mrs|Ms|Dr)\.?\s+"
                            r"(?:[A-Z][\w\-’']+\s+)?$")
# "the (northeastern Ukrainian) region of Kharkiv": the oblast of that name
_REGION_OF = re.compile(r"\b(?:region|oblast|province)\s+of\s+$", re.I)
# "Slovyansk, Donetsk." — a settlement, then the name of its oblast
_OBLAST_AFTER_PLACE = re.compile(r"\b[A-Z][\w’'\-]+,\s+$")


@dataclass
class Mention:
    start: int
    end: int
    name: str
    places: list = field(default_factory=list)   # exact-key gazetteer hits (Place)
    region: str | None = None                     # admin-1 code for region phrases
    possessive: bool = False
    known: bool = True                            # False: capitalised word not in the gazetteer (fuzzy later)
    titled: bool = False                          # followed by Mayor/Governor: an affiliation, not a place role
    facility: bool = False                        # names a facility of the place ("X Bridge", "X Airport")
    span_end: int = 0                             # a facility's name ends here (its words are no other place)
    admin: str = ""                               # a raion/hromada named ("X district", "Y TG"): context, no place
    centre: object = None                         # a named district's main settlement (geo.gazetteer.Place)


def _admin1_keys() -> dict[str, str]:
    from geo.admin1 import ALL
    out: dict[str, str] = {}
    for a in ALL:
        for n in (a.name, *a.aliases):
            out.setdefault(key(n), a.code)
    return out


_ADMIN1_KEYS = _admin1_keys()


_REGION_PAIR = re.compile(r"^(?:\s*,\s*[A-Z][\w’'\-]+)*\s*,?\s+and\s+(?:the\s+)?[A-Z][\w’'\-]+\s+(?:regions|oblasts|provinces)\b")
_ONE_SPACE = re.compile(r"\s")
_END_OF_NAME = re.compile(r"\s*(?:[.;)]|$)")


def _runs(sentence: str) -> list[list[re.Match]]:
    runs: list[list[re.Match]] = []
    for m in _TOKEN.finditer(sentence):
        if runs and runs[-1] and not runs[-1][-1].group(2) and _ONE_SPACE.fullmatch(sentence[runs[-1][-1].end():m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
        if m.group(2):
            runs.append([])  # possessive ends a run
    return [r for r in runs if r]


def _is_stop(words: list[str]) -> bool:
    return all(w.lower().strip("’'") in STOP for w in words) or all(w.isupper() and len(w) <= 4 for w in words)


_LOOKUPS: dict[tuple[int, str], list] = {}


def _lookup(gaz, name: str) -> list:
    """gaz.lookup_key(key(name)), remembered per gazetteer: a text names the same places again and again."""
    k = (id(gaz), name)
    hit = _LOOKUPS.get(k)
    if hit is None:
        if len(_LOOKUPS) > 100_000:
            _LOOKUPS.clear()
        hit = _LOOKUPS[k] = gaz.lookup_key(key(name))
    return hit


def find_mentions(sentence: str, gaz) -> list[Mention]:
    out: list[Mention] = []
    for run in _runs(sentence):
        i = 0
        while i < len(run):
            found = None
            # the words before the run's i-th token are the same for every n-gram starting there: ask once
            # (asked only when a branch needs them: most tokens are stop words or region phrases)
            start = run[i].start(1)
            person_before = region_of = oblast_after_place = None
            for n in range(min(gaz.max_words, len(run) - i), 0, -1):
                toks = run[i:i + n]
                words = [t.group(1) for t in toks]
                if words[0].lower() in LEAD_STOP or _is_stop(words) or (n == 1 and words[0].lower() in STOP):
                    continue
                start, end = toks[0].start(1), toks[-1].end(1)
                name = sentence[start:end]
                after = sentence[toks[-1].end():]
                possessive = bool(toks[-1].group(2))
                rm = None if possessive else _REGION_WORD.match(after)
                if rm and re.match(r"^\s+(?:Military |Regional |State |City )?(?:Administration|Governor|Council|Police|"
                                   r"Prosecutor|Court|Department|Directorate)\b", after[rm.end():]):
                    # an organisation's name ("Zaporizhzhia Oblast Governor"): its region only for "in the region"
                    found = Mention(start, toks[-1].end() + rm.end(), name, titled=True,
                                    region=gaz.resolve_admin1(f"{name} region") if re.match(
                                        r"^\s+(?:Governor|Military Administration|Regional Military Administration)\b",
                                        after[rm.end():]) else None)
                    break
                if not rm and person_before is None:
                    first = run[i].start(1)
                    person_before = _PERSON_BEFORE.search(sentence[max(0, first - 40):first]) is not None
                if not rm and person_before:
                    found = Mention(start, end, name)      # "governor Gladkov": a person, whatever villages share it
                    break
                if not rm and not possessive and region_of is None:
                    first = run[i].start(1)
                    before60 = sentence[max(0, first - 60):first]
                    region_of = _REGION_OF.search(before60) is not None
                    oblast_after_place = _OBLAST_AFTER_PLACE.search(before60) is not None
                if not rm and not possessive and (region_of or oblast_after_place and
                                                  _END_OF_NAME.match(after)):
                    # "the region of Kharkiv"; "in Slovyansk, Donetsk." — the oblast, not its centre
                    code = gaz.resolve_admin1(f"{name} region")
                    if code and exact_key(name_of(code) or "").startswith(exact_key(name)):
                        found = Mention(start, end, name, region=code)
                        break
                if rm:
                    code = gaz.resolve_admin1(f"{name} region")
                    if code:
                        found = Mention(start, toks[-1].end() + rm.end(), name, region=code)
                        break
                places = _lookup(gaz, name)
                if places and all(L.common_word(w) for w in words) and not any(
                        exact_key(p.name) == exact_key(name) for p in places if p.country in ("UA", "RU")):
                    places = []       # "Strike on ...", "Police station": our own vocabulary, not a namesake by folding
                # "the Mykolaiv, Odesa and Kherson regions": the first names of a list of regions
                # (a match holds one of the plural words, case-sensitive: without one, no scan)
                pair = ("regions" in after or "oblasts" in after or "provinces" in after) and _REGION_PAIR.match(after)
                if pair and gaz.resolve_admin1(f"{name} region"):
                    found = Mention(start, end, name, region=gaz.resolve_admin1(f"{name} region"))
                    break
                # (a town's own name, big enough to be a raion centre; not a city district after the city:
                # "In Kharkiv, ... in the Kyivskyi district")
                dm = _DISTRICT.match(after) if places and not possessive and not any(o.places for o in out) else None
                war = sorted((p for p in places if p.country in ("UA", "RU") and p.precision == "settlement"
                              and key(p.name) == key(name) and p.population >= 10_000),
                             key=lambda p: -p.population) if dm else []
                if war and war[0].country == "RU":    # "the Shebekino district": a Russian urban district → its centre
                    assert dm is not None     # (war is empty without the district word)
                    found = Mention(start, toks[-1].end() + dm.end(), name, places=[war[0]])
                    break
                if war:      # "in the Bilhorod-Dnistrovskyi district": a raion named after its centre → its oblast
                    assert dm is not None
                    found = Mention(start, toks[-1].end() + dm.end(), name, region=war[0].admin1)
                    break
                um = _ADMIN_UNIT.match(after)
                if um and not possessive:
                    # "Bilozirska TG", "the Krasnyi district": an admin unit, the context of a village named beside it
                    found = Mention(start, toks[-1].end() + um.end(), name, admin=f"{name}{um.group(0)}")
                    found.centre = _district_centre(gaz, found.admin)
                    break
                fm = _FACILITY.match(after) if places and not possessive else None
                if places and _ORG_NAME.match(after) and not fm:
                    found = Mention(start, end, name)          # an organisation named after the city
                    break
                if fm and any(exact_key(p.name) == exact_key(name) or p.country in ("UA", "RU") for p in places) and \
                        not re.match(r"\s+(?:in|at|near)\s+[A-Z]", after[fm.end():]):
                    # (not "Sonyachny Stadium in Kharkiv": a facility's own name, the town follows)
                    found = Mention(start, toks[-1].end(), name, places=places, facility=True,
                                    span_end=toks[-1].end() + fm.end())
                    break
                if places:
                    if _GEOGRAPHY.match(after) or _ORG_AFTER.match(after) or "-" in name and name.split("-")[-1][:1].islower():
                        found = Mention(start, end, name)      # a river, plant, street...: not a settlement
                        break
                    found = Mention(start, toks[-1].end(), name, places=places, possessive=possessive,
                                    titled=bool(_TITLE_AFTER.match(after)))
                    break
                if n == 1:
                    code = _ADMIN1_KEYS.get(key(name))
                    if code:
                        found = Mention(start, toks[-1].end(), name, region=code, possessive=possessive)
                        break
                    if not _GEOGRAPHY.match(after) and len(name) >= 5 and "-" not in name[1:2] and not L.common_word(name):
                        # (a word of our own vocabulary, "Shelling", is never guessed as a misspelt village)
                        found = Mention(start, toks[-1].end(), name, possessive=possessive, known=False)
                        break
            if found is None:
                i += 1
                continue
            if found.name.isupper() and len(found.name) > 3 and re.match(r"^[\s\W]*$", sentence[:found.start]) and \
                    re.match(r"^\s*(?:[,:(—–-]|$)", sentence[found.end:]):
                found.places, found.region = [], None          # dateline "KHARKIV, Ukraine, May 17 —"
            others = [t.group(1) for t in run if not (found.start <= t.start(1) < found.end)]
            if found.region is None and not found.facility and any(w.lower() not in STOP and w.lower() not in LEAD_STOP and not w.isupper()
                                            and not (gaz.country(w) is not None and sentence.find(w, found.end) > found.end)
                                            for w in others):      # ("in Belgorod Russia": the country after it)
                found.places, found.known = [], True      # part of a person's or organisation's name
            out.append(found)
            # advance past the tokens covered
            while i < len(run) and run[i].start(1) < max(found.end, found.span_end):
                i += 1
    # a district named as the place itself ("shelled the Krasnyi urban district"): its centre,
    # when the sentence names no settlement it would only be the context of
    if not any(p.precision == "settlement" for m in out if not m.admin for p in m.places):
        for m in out:
            if m.admin and m.centre is not None:
                m.places = [m.centre]
    return out


_CENTRES: dict[tuple[int, str], object] = {}


def _district_centre(gaz, text: str):
    """The main settlement of a raion/district named in *text* (None for hromadas or when unknown).
    Remembered per gazetteer like _lookup: an unknown name costs the gazetteer an edit-distance scan
    of every raion (~10 ms), and texts name the same districts again and again."""
    if not re.search(r"\b(?:district|raion|okrug)\b", text, re.I):
        return None
    k = (id(gaz), text)
    if k not in _CENTRES:
        if len(_CENTRES) > 10_000:
            _CENTRES.clear()
        centre = getattr(gaz, "admin2_centre", None)
        code = gaz.resolve_admin2(text) if centre else None
        _CENTRES[k] = centre(code) if centre and code else None     # (no code without a centre lookup)
    return _CENTRES[k]
