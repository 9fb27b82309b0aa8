"""War-news vocabulary: event triggers, weapons, sides, claims, irrealis cues (general English, no places)."""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:      # (the lexicon's big alternations are rebound to dispatch()'s result at the end)
    from geo.extract._scan import Searcher

_I = re.I

# Trigger words by event type. Campaign words (offensive, fighting) make settlement events only.
STRIKE: Searcher = re.compile(
    r"\b(?:strikes?|struck|striking|air ?strikes?|airstrikes?|shell(?:s|ed|ing)|bombard\w*|bomb(?:ed|ing)|bombs"
    r"|pound(?:ed|ing)|hit(?:s|ting)?|rock(?:ed|s)|barrages?|(?:came|come|comes|coming) under (?:\w+ )?(?:fire|shelling|attack)|(?:slammed|slamming|smashed|smashing|ploughed|plowed|tore|tearing|ripped|crashed) (?:into|through)|shot down|intercept(?:ed|ing)|downed|targeted|targeting"
    r"|(?:debris|wreckage|fragments)(?: (?:from|of) (?:a |an |the )?(?:[\w\-]+ ){0,2}?[\w\-]+)? (?:fell|falls|falling|crashed|landed)|fired|launched(?!\s+(?:[\w\-]+\s+){0,3}?(?:assaults?|offensives?|counter-?offensives?|ground|incursions?|raids?)\b)|dropped|(?:missile|rocket|drone|artillery|mortar|air|kamikaze|glide[- ]bomb) (?:attacks?|fire|strikes?|raids?)"
    r"(?!\s*(?:sirens?|alerts?|alarms?|warnings?)))\b", _I)
CASUALTY = re.compile(r"\b(?:killed|killing|wounded|wounding|injured|injuring|collapsed|collapse|hurt)\b", _I)
EXPLOSION: Searcher = re.compile(r"\b(?:explosions?|exploded|blasts?|blew up|blown up|detonat\w*|(?:car )?bomb(?! shelter)|ied|landmine|mines?"
                       r"|explosive devices?|fires? (?:broke out|at))\b", _I)
NEGATION: Searcher = re.compile(r"\b(?:not|no|never|n[’']t|without)\s+(?:\w+\s+){0,1}$", _I)
FUTURE = re.compile(r"\b(?:in the coming (?:days|weeks|months)|is expected to|are expected to|likely to|preparing to|prepares to)\b", _I)
ATTACK: Searcher = re.compile(
    r"\b(?:attack(?:s|ed|ing)?|assault\w*|storm(?:ed|ing)|counter-?offensives?|offensives?|counter-?attacks?"
    r"|captur(?:e|ed|ing)|seiz(?:e|ed|ing)|took control|taken control|crossing attempts?|sabotage\w*"
    r"|(?:tried|attempted|attempts?|attempting)(?: [\w\-]+){0,3}? to (?:cross|break through|storm|advance)|incursion|break through|broke through"
    r"|(?:took|taken|take) (?:over |control of )?(?=(?:the )?(?:village|town|city|settlement) of)|recaptur\w*|retak(?:en|e|ing)|retook|regain(?:ed|ing)|liberat(?:ed|ing|ion)"
    r"|assassinat\w*|ambush\w*|raids?|raided|fighting|clash(?:es|ed)|battles?|repel(?:led|s)?|repuls\w*"
    r"|advance[ds]?|killed in an attack|set (?:on )?fire to|setting fire to|arson)\b", _I)
DAMAGE = re.compile(r"\b(?:destroy(?:ed|ing|s)?|damage to|wreck(?:ed|ing|s)|knocking out|sunk|sank|sinking|damag(?:ed|ing|es)|eliminat(?:ed|ing)|knocked out|disabled|wiped out"
                    r"|on fire|set ablaze|burn(?:ed|t) out|ruins)\b", _I)
# Incidents told as noun phrases (headline and caption register: "Damage to school in X", "Widescale
# destruction in X", "Burning vehicle following a strike in X", "Artillery craters in X").
NOMINAL: Searcher = re.compile(r"\b(?:destruction|damage|craters?|impacts?|impacted|(?:a|large|huge|massive|big|major|heavy|several)\s+fires?"
                     r"|fires?\s+(?:broke out|raged|erupted)|burning|burnt|burned|ablaze|aftermath|wreckage|rubble"
                     r"|shooting|firing (?:at|on)|dead|bodies|body|corpses?|deceased|casualt(?:y|ies)|charred|under (?:\w+\s+)?fire"
                     r"|fires?(?!\s*(?:brigade|department|fighters?|service|station|truck|engine|alarm|safety|hazard|extinguish\w*))"
                     r"|impacting|bullet holes|blood|pillag\w+|loot(?:ed|ing)|tortured|gunfire|mass graves?|explodes"
                     r"|(?:the|this|that|an?)\s+(?:\w+\s+)?incidents?|suffered|(?:occurred|happened|took place)\s+(?:\w+\s+){0,3}?(?:in|near|at|on))\b", _I)
CAMPAIGN = re.compile(r"^(?:counter-?offensives?|offensives?|fighting|battles?|advance[ds]?|counter-?attacks?)$", _I)
EQUIPMENT: Searcher = re.compile(
    r"\b(?:tanks?|himars|launchers?|radars?|radar stations?|s-[34]00\w*|air[- ]defen[cs]e(?: systems?)?|howitzers?|armou?red"
    r"|apcs?|ifvs?|bmp-?\d?|btr-?\d*|helicopters?|aircraft|jets?|warships?|ships?|vessels?|boats?|mlrs"
    r"|pantsir|buk|patriot|iris-t|missile systems?|launch(?:er)? systems?|artillery systems?|vehicles?"
    r"|command posts?|positions?)\b", _I)
EQUIP_STRICT: Searcher = re.compile(
    r"\b(?:tanks?|himars|launchers?|radars?(?! stations?)|s-[34]00\w*|air[- ]defen[cs]e systems?|howitzers?|armou?red vehicles?"
    r"|apcs?|ifvs?|bmp-?\d?|btr-?\d*|helicopters?|aircraft|jets?|warships?|ships?|vessels?|boats?|mlrs|pantsir|buk|patriot"
    r"|iris-t|tor|bradley|leopard|abrams|su-\d+\w*|mig-\d+|ka-\d+|mi-\d+|submarines?|landing ships?)\b", _I)
BUILDINGS: Searcher = re.compile(r"\b(?:houses?|homes?|buildings?|schools?|hospitals?|factor(?:y|ies)|apartments?|blocks?"
                       r"|infrastructure|windows|streets?|shopping|cent(?:er|re)s?|bridges?)\b", _I)

# Verbs or nouns that make the place right after them the target ("hitting X", "shelling of X").
TARGET_BEFORE: Searcher = re.compile(
    r"\b(?:struck|strike on|strikes on|hit|hitting|hits|rocked|rocks|shook|shelled|shelling|shelling of|shelling on|bombed|bombing of"
    r"|bombard(?:ed|ing)?|pounded|pounding|attacked|attacking|attack on|attacks on|assault on|assault of|targeted"
    r"|targeting|captured|capture of|seized|stormed|storming|raided|raid on|battle for|battle of|fight for|fighting for"
    r"|taken|took|recaptured|retaken|retook|regained|liberated|entered"
    r"|fighting in|push on|offensive on|offensive toward|offensive towards|counteroffensive toward|counteroffensive towards"
    r"|counter-offensive toward|counter-offensive towards|advance on|advance toward|advance towards|advanced on"
    r"|advanced toward|advanced towards|assault toward|assault towards|push toward|push towards|pushing toward"
    r"|pushing towards|drive toward|drive towards"
    r"|damage to|damage in|damage at|destruction of|destruction in|destruction at|destroyed in|fires? in|fires? at"
    r"|explosions? in|explosions? at|impacts? (?:on|in|at)|hits? on|strikes? in|attacks? in|shelling in)\s*$", _I)
PASSIVE_AFTER = re.compile(
    r"^\s*(?:also\s+|again\s+|reportedly\s+|were\s+also\s+|was\s+also\s+)?(?:was|were|has been|have been|had been|is being|are being|came under|come under|comes under|is|are)\s+(?:\w+\s+){0,2}?"
    r"(?:shelled|hit|struck|attacked|bombed|bombarded|targeted|pounded|captured|seized|stormed|rocked|shaken|fire|attack|damaged|destroyed)\b", _I)
NOUN_AFTER = re.compile(r"^\s+(?:[a-z\-]+\s+){0,1}(?:strikes?|attacks?|shelling|explosions?|blasts?|bombings?|raids?|assault)\b", _I)

IRREALIS: Searcher = re.compile(
    r"\b(?:could|would|will|may|might|can|should|must|shall|threaten(?:s|ed)?(?: to)?|vow(?:s|ed)? to|plans? to|planned to"
    r"|planning to|intends? to|intended to|permission to|allowed to|allow(?:s|ed|ing)? \w+ to|ready to|able to|wants? to|wanted to"
    r"|warn(?:s|ed)? (?:of|that)|risk of|threat of|fears? of)\s+(?:\w+\s+){0,2}$|\b(?:to|for)\s+$", _I)
BACKGROUND_TRIGGER = re.compile(r"\b(?:following|in the wake of|since)\s+(?:the\s+|a\s+|its\s+|their\s+)?(?:\w+\s+){0,1}$", _I)
MODAL_AFTER = re.compile(r"^\s+(?:\w+\s+)?(?:could|would|will|may|might|is expected|are expected|is likely|are likely)\b", _I)
USED_TO: Searcher = re.compile(r"\bused\s+(?:[\w\-’']+\s+){0,6}to\s+$", _I)

WEAPONS: tuple[tuple[str, re.Pattern], ...] = tuple((n, re.compile(rx, _I)) for n, rx in (
    ("HIMARS", r"\bhimars\b|\bm142\b"), ("ATACMS", r"\batacms\b"), ("Storm Shadow", r"\bstorm shadow\b|\bscalp\b"),
    ("Iskander", r"\biskander(?:-[mk]\b)?"), ("Kinzhal", r"\bkinzhal\w*"), ("Kalibr", r"\bkalibr\w*"),
    ("Kh-101", r"\bkh-?101\b"), ("Kh-22", r"\bkh-?22\b"), ("Kh-59", r"\bkh-?59\b"), ("Onyx", r"\bonyx\b"),
    ("Tochka-U", r"\btochka\b"), ("Shahed", r"\bshahed\w*|\bgeran\w*"), ("Lancet", r"\blancet\b"),
    ("Bayraktar", r"\bbayraktar\b"), ("Neptune", r"\bneptune\b"),
    ("S-300/400", r"\bs-300/(?:s-)?400\b"), ("S-400", r"\bs-400\b"), ("S-300", r"\bs-300\b"),
    ("Grad", r"\bgrad\b"), ("Uragan", r"\buragan\b"), ("Smerch", r"\bsmerch\b"), ("Tornado-S", r"\btornado\b"),
    ("guided aerial bomb", r"\bglide[- ]bombs?\b|\bguided (?:aerial )?bombs?\b|\bkabs?\b"),
    ("MLRS", r"\bmlrs\b|\bmultiple[- ](?:launch )?rocket\b|\bmultiple-launch rocket\b"),
    ("artillery", r"\bartillery\b|\bhowitzers?\b"), ("mortar", r"\bmortars?\b"), ("artillery", r"\bshell(?:s|ed|ing)\b"),
    ("naval drone", r"\b(?:naval|sea|maritime|surface) drones?\b|\bunmanned surface vessels?\b|\busvs?\b"),
    ("cluster munition", r"\bcluster (?:munitions?|bombs?|shells?|rockets?)\b"),
    ("drone", r"\bdrones?\b|\buavs?\b|\bfpv\b|\bkamikaze\b|\bunmanned (?:aerial|air) vehicles?\b"), ("missile", r"\bmissiles?\b|\brockets?\b"),
    ("airstrike", r"\bair ?strikes?\b|\bairstrikes?\b|\baerial bomb\w*|\bair raid\b|\bwarplanes?\b|\bbombs\b"),
))
AIR_DEFENCE = {"S-300/400", "S-400", "S-300"}
# one pass over a text finds whether any weapon is named at all (most clauses name none)
_ANY_WEAPON: Searcher = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in WEAPONS), _I)


@functools.lru_cache(maxsize=8192)
def first_weapons(text: str) -> tuple[tuple[str, int, str], ...]:
    """(name, start, matched text) of the first match of each weapon named in *text*, in WEAPONS order."""
    first = _ANY_WEAPON.search(text)
    if not first:
        return ()
    if not isinstance(_ANY_WEAPON, _Dispatch):      # (a pattern dispatch() left as it was)
        out = []
        for name, rx in WEAPONS:
            m = rx.search(text, first.start())       # (no weapon is named before the first one of all)
            if m:
                out.append((name, m.start(), m.group(0)))
        return tuple(out)
    # a weapon's first match is at the first place where it matches, and the union of all matches wherever one
    # does: each weapon is tried only there (left to right) instead of searched through the rest of the text
    found: dict[int, tuple[str, int, str]] = {}
    for p, ch in _ANY_WEAPON.starts(text, first.start()):
        if _ANY_WEAPON.match_at(text, p, ch) is None:
            continue
        for i, (name, rx) in enumerate(WEAPONS):
            if i not in found and (m := rx.match(text, p)) is not None:
                found[i] = (name, m.start(), m.group(0))
        if len(found) == len(WEAPONS):
            break
    return tuple(found[i] for i in sorted(found))
# equipment only one side fields: destroyed, the other side did it
EQUIPMENT_SIDE = re.compile(r"\b(?:(himars|leopard|bradley|abrams|challenger|marder|patriot|iris-t|caesar|krab|archer|paladin"
                            r"|m777|storm shadow|atacms|bayraktar)|(pantsir|buk|tor|s-[34]00\w*|t-\d\d\w*|ka-52|su-\d+\w*"
                            r"|mig-\d+|krasukha|tornado|iskander|lancet))\b", _I)
SPECIFIC = {n for n, _ in WEAPONS} - {"artillery", "drone", "naval drone", "missile", "airstrike", "mortar", "MLRS"}
# the generic class a specific weapon belongs to: a place-less sentence naming "Iskander" may name the
# "missile" of a nearby strike, never its "artillery"
GENERIC_OF = {"Iskander": "missile", "Kinzhal": "missile", "Kalibr": "missile", "Kh-101": "missile", "Kh-22": "missile",
              "Kh-59": "missile", "Onyx": "missile", "Tochka-U": "missile", "ATACMS": "missile", "Storm Shadow": "missile",
              "Neptune": "missile", "HIMARS": "MLRS missile", "Grad": "MLRS missile", "Uragan": "MLRS missile",
              "Smerch": "MLRS missile", "Tornado-S": "MLRS missile", "Shahed": "drone", "Lancet": "drone",
              "Bayraktar": "drone", "guided aerial bomb": "airstrike"}     # (rocket systems fire "missiles" too)


def specific(name: str) -> bool:
    """A named weapon system ("Iskander-M" too), not a class such as "missile" or "artillery"."""
    return name in SPECIFIC or any(name.startswith(s) for s in SPECIFIC)
WEAPON_SIDE = {"HIMARS": "UA", "ATACMS": "UA", "Storm Shadow": "UA", "Bayraktar": "UA", "Neptune": "UA",
               "Iskander": "RU", "Kinzhal": "RU", "Kalibr": "RU", "Kh-101": "RU", "Kh-22": "RU", "Kh-59": "RU",
               "Onyx": "RU", "Shahed": "RU", "Lancet": "RU", "guided aerial bomb": "RU"}

SIDE: tuple[tuple[Searcher, str], ...] = ((re.compile(r"\b(?:russia|russian|russians|moscow|kremlin|putin\w*|wagner|occupiers?|invaders?|occupation forces)\b(?![\w-]*(?:\s+(?:city|territory|soil|region|border|oblast|town|village)))(?!\s?[’']s\s+[A-Z][\w\-]*\s+(?:region|oblast|province|krai|border))", _I), "RU"),
        (re.compile(r"\b(?:ukraine|ukrainian|ukrainians|kyiv|kiev|afu|zsu|zelensk\w*|partisans?)\b(?![\w-]*(?:\s+(?:city|territory|soil|region|border|oblast|town|village)))(?!\s?[’']s\s+[A-Z][\w\-]*\s+(?:region|oblast|province|border))", _I), "UA"))

CLAIM = re.compile(r"\bclaim(?:s|ed|ing)?\b(?!\s+(?:\w+\s+){0,3}(?:lives?|casualties|victims|responsibility))", _I)
MIL_SPEAKER: Searcher = re.compile(
    r"\b(?:defen[cs]e ministry|ministry of defen[cs]e|ministry|mod|general staff|spokes(?:man|person|woman)|armed forces|defen[cs]e forces|forces(?=\s+(?:said|say|says|claimed|claim|reported)\b)|military|army"
    r"|air force|navy|command|special forces|intelligence|sbu|hur|gur|fsb)\b(?!\s+(?:administration|governor|officials))", _I)
SPEECH: Searcher = re.compile(r"\b(?:said|says|say|boasted|insisted|insists|asserted|maintained|reported|announced|stated|claimed|claims|wrote|added|according to)\b", _I)
SPOKES_NAME = re.compile(r"\bspokes(?:man|person|woman)\s+(?:[A-Z][\w\-]+\s+)?([A-Z][\w\-]+)")

# Capitalised words never looked up as places on their own.
STOP = frozenset("""
the a an in on at it he she they we i this that these those but and or as after before since when while despite
according meanwhile still yet both several some many most all other another one two three four five six seven
eight nine ten more much no not if so also there here his her their our its who what which where why how only
official officials president minister ministry defence defense general staff armed forces army navy air force
mayor governor head chief deputy spokesman spokeswoman spokesperson photo photos video credit image images today
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december russian russians ukrainian ukrainians western eastern southern northern
central national security council telegram twitter facebook bbc cnn reuters ap afp nato eu un us uk usa
american european kremlin pentagon white house soviet federation people's republic war peace summit conference
state media tv news daily world first lady commonwealth independent states mr mrs ms dr st saint lieutenant
colonel major captain sergeant local regional region oblast province city town village district military
operation special great patriotic north south east west new old high low mobility artillery rocket system
missile missiles drone drones tank tanks forces force troops brigade battalion division regiment corps group
institute for study isw according reportedly several many pro anti sea day long well read file it’s it's i’m
union german prime center centre martin start home top sign get world hundreds locals residents resident officially
shortly tearfully devastated employees pictures related stories picks download fourteen already commenting
broadcaster people twenty twenty-five english french italian british polish chinese iranian
""".split())

# Words that never start a multi-word place name ("In Kherson", "Near Kurakhove"), unlike "New York".
LEAD_STOP = frozenset("""
the a an in on at of and or but for from to by with as after before since when while near outside around over
across inside into this that these those it he she they we his her their its our some several many both all
meanwhile later earlier overnight today yesterday throughout separately photo video credit
monday tuesday wednesday thursday friday saturday sunday
""".split())

# Words that say a text reports no incident (for texts that name no incident word at all).
NOT_EVENT: Searcher = re.compile(r"\b(?:sirens?|alerts?|alarms?|warn\w*|could|would|may|might|will|shall|plan\w*|visit\w*|met|meets?"
                       r"|meeting|summit|talks|massing|evacuat\w*|claim\w*|being|threat\w*|expected|forecast\w*|if)\b", _I)

# Phrases that contain trigger words but report no incident.
NOT_TRIGGER = re.compile(r"\bair[- ]raid (?:sirens?|alerts?|alarms?|warnings?)\b|\b(?:sirens?|alerts?) (?:over|about) (?:a |an )?"
                         r"(?:missile|drone|air) (?:attacks?|strikes?|threat)\b|\battack drones\b(?= (?:were|was) (?:shot down|downed|intercepted))"
                         r"|\bclaimed (?:the )?(?:lives|life)\b|\btook part\b|\bstrike (?:group|force|drones?)\b(?! (?:hit|struck))", _I)

# A side adjective naming who speaks, not who acts ("Ukrainian officials reported that a drone struck...").
REPORTER_AFTER = re.compile(r"^\s+(?:\w+\s+)?(?:officials?|authorities|media|sources|journalists|outlets|milbloggers|bloggers|tv|television"
                            r"|channels|governor|mayor|president|police|emergency|rescuers|news|prosecutors?)\b", _I)
MODEL_NAME = re.compile(r"\b(?:[A-Z][A-Za-z]{0,3}-\d+[\w\-/]*|M\d{2,4}[A-Z]?\d?|Bradley|Leopard|Abrams|Challenger|Marder|HIMARS|Patriot|IRIS-T"
                        r"|Pantsir|Buk|Tor|Krasukha|Caesar|Krab|Archer|Paladin|Bayraktar)\b")


# Capitalised common nouns of war reports that fold onto village names ("Strike" → Stroky, "Police" → Polytsi,
# "City" → Kuty): never a place unless spelled exactly as one.
COMMON_NOUNS = frozenset("""
city town village school police station image video photo footage aftermath damage destruction strike strikes
attack attacks shelling explosion fire fires drone drones missile missiles rocket rockets plant factory bridge
hospital market stadium palace culture house houses building buildings center centre college university
institute theatre theater church museum hotel airport port depot warehouse administration council office
street square park road highway mine railway train tram bus car cars vehicle vehicles tank tanks bodies
satellite smoke crater craters impact debris ammunition ammo munitions artillery mortar troops forces army
""".split())


@functools.lru_cache(maxsize=50_000)
def common_word(word: str) -> bool:
    """A word of our own war-news vocabulary (a trigger, weapon, facility or the like)."""
    w = word.lower().strip("’'")
    if w in COMMON_NOUNS or w in STOP:
        return True
    return any(rx.fullmatch(w) for rx in (STRIKE, EXPLOSION, ATTACK, DAMAGE, NOMINAL, CASUALTY, EQUIPMENT, BUILDINGS))


# The big alternations searched in every sentence and clause, tried per starting letter (the same matches,
# several times faster: geo.extract._scan); match, fullmatch and sub stay the compiled patterns' own.
from geo.extract._scan import Dispatch as _Dispatch  # noqa: E402
from geo.extract._scan import dispatch as _dispatch  # noqa: E402

(STRIKE, EXPLOSION, ATTACK, NOMINAL, EQUIPMENT, EQUIP_STRICT, BUILDINGS, TARGET_BEFORE, IRREALIS, NEGATION, USED_TO,
 SPEECH, MIL_SPEAKER, NOT_EVENT, _ANY_WEAPON) = map(_dispatch, (
    STRIKE, EXPLOSION, ATTACK, NOMINAL, EQUIPMENT, EQUIP_STRICT, BUILDINGS, TARGET_BEFORE, IRREALIS, NEGATION, USED_TO,
    SPEECH, MIL_SPEAKER, NOT_EVENT, _ANY_WEAPON))     # (those measured faster so: a short alternation is not)
SIDE = (SIDE[0], (_dispatch(SIDE[1][0]), SIDE[1][1]))
