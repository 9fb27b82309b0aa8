"""Roles of a place mention in its clause: target, locative, near, affiliation, away, distance, metonym...

A place is an event place only in a locative or target role; the rule table is the set of
regexes below (words before/after the mention), so adding a case is adding a pattern, not a code path.
"""
from __future__ import annotations

import functools
import re

from geo.extract import lexicon as L
from geo.extract._scan import Searcher, dispatch
from geo.extract.toponyms import Mention

_ADJ = (r"(?:the|a|an|north|south|east|west|northwest|northeast|southwest|southeast|north-west|north-east|south-west|"
        r"south-east|occupied|liberated|embattled|frontline|front-line|besieged|southern|northern|eastern|western|"
        r"central|north-eastern|northeastern|northwestern|southeastern|southwestern|key|ukrainian|russian|[\w\-]+-occupied|"
        r"[\w\-]+-controlled|nearby|neighbou?ring|small|large|major|industrial|regional|strategic|eastern ukrainian|"
        r"ukrainian-held|russian-held|seaside|coastal|resort|town|city|village|settlement|port|hometown|home town|native|its|their|his|her)")


_HEADS = frozenset("city cities town towns village villages settlement settlements port district districts area areas "
                   "outskirts suburb suburbs centre center capital hromada hromadas community communities vicinity "
                   "environs streets resort resorts harbour harbor region oblast province part parts coast bank shore side territory territories airspace skies direction directions".split())


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


_LAST_TAIL: list = [("", 0, "")]        # (text, its tail): one tuple, replaced whole (safe across threads)


def _tail(text: str) -> tuple[str, int, str | None]:
    """(text, its length without trailing whitespace, its last 48 characters lower-cased or None if not
    ASCII), for the last text asked: role() tries a dozen end-anchored patterns on the same prefix."""
    last = _LAST_TAIL[0]
    if last[0] is not text:
        t = text.rstrip()
        end = t[-48:]
        last = _LAST_TAIL[0] = (text, len(t), end.lower() if end.isascii() else None)
    return last


class _AtEnd:
    """A pattern anchored at the end (`...\\s*$`) tried only where it can match: the text (trailing
    whitespace aside) must end with one of *ends* (ASCII, any case), and a match of at most *width*
    characters before that whitespace cannot start earlier. The same answers as the bare pattern, without
    trying every position of a 160-character prefix (role() asks a dozen of these per mention)."""

    def __init__(self, rx: Searcher, ends: tuple[str, ...] = (), width: int | None = None,
                 tail: re.Pattern | None = None, fast: bool = False, needs: tuple[str, ...] = ()) -> None:
        # (needs: words a match must contain, as written: one of them must be in the text)
        self.needs = needs
        # (fast: searched per starting letter, geo.extract._scan; for the long alternations only)
        self.rx, self.ends, self.width, self.tail = dispatch(rx) if fast else rx, ends, width, tail
        self.pattern, self.flags = rx.pattern, rx.flags
        if tail is not None:       # (after whitespace or at the start, a word's \b is the same in a slice)
            self._tail_hit = functools.lru_cache(maxsize=20_000)(lambda s: tail.search(s) is not None)

    def _may(self, text: str) -> bool:
        t = _tail(text)[2]
        if t is None:                # (IGNORECASE folds a few non-ASCII letters onto ASCII ones)
            return True
        if self.ends and not t.endswith(self.ends):
            return False
        if self.needs and not any(w in text for w in self.needs):
            return False
        if self.tail is None:
            return True
        # (the tail pattern's words hold single spaces only, at most one: a match, which runs to the end, starts
        # in one of the last two words; the search starts at the first of them instead of trying every position)
        parts = t.rsplit(None, 2) or [""]
        pos = len(t) - len(parts[-1])
        if len(parts) > 1:
            pos = t.rfind(parts[-2], 0, pos)
        return self._tail_hit(t[pos:])     # (the last two words: "of the", "in the" come back all the time)

    def search(self, text: str) -> re.Match | None:
        if not self._may(text):
            return None
        pos = max(0, _tail(text)[1] - self.width) if self.width is not None else 0
        return self.rx.search(text, pos)

    def sub(self, repl, text: str, count: int = 0) -> str:
        return self.rx.sub(repl, text, count=count) if self._may(text) else text


_DETS = frozenset("the a an its their".split())


_TOKENS = re.compile(r"\S+")


class _OfHead:
    """Strip "the southern port of" / "the border town of" from the end of a prefix (keeps what governs it)."""

    @staticmethod
    def sub(_repl: str, prefix: str) -> str:
        last = prefix.rsplit(None, 2)[-2:]            # (the common case, no "<head> of" at the end: no tokenising)
        if len(last) < 2 or last[-1].lower() != "of" or last[-2].lower().strip(",") not in _HEADS:
            return prefix
        toks = list(_TOKENS.finditer(prefix))
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


# role()'s end-anchored patterns: compiled below, then each wrapped in its _AtEnd (after the last of them),
# which is what the functions see
_ADJS: re.Pattern[str] | _AtEnd
_DISTANCE: re.Pattern[str] | _AtEnd
_DIRECTION_OF: re.Pattern[str] | _AtEnd
_REF_POINT: re.Pattern[str] | _AtEnd
_AWAY: re.Pattern[str] | _AtEnd
_LOCATIVE: re.Pattern[str] | _AtEnd
_NEAR_END: re.Pattern[str] | _AtEnd
_LEADING_TO: re.Pattern[str] | _AtEnd
_AFFIL: re.Pattern[str] | _AtEnd
_OFFENSIVE_TOWARD: re.Pattern[str] | _AtEnd
_PARTS_BEFORE: re.Pattern[str] | _AtEnd
_APPOSED: re.Pattern[str] | _AtEnd
_POSSESSOR_END: re.Pattern[str] | _AtEnd
_GATHERING: re.Pattern[str] | _AtEnd
_BOUNDARY: re.Pattern[str] | _AtEnd
_RIVER_LIKE: re.Pattern[str] | _AtEnd
_TARGET_BEFORE: _AtEnd

_ADJS = re.compile(rf"(?:\b{_ADJ}\s+)+$", re.I)


_DISTANCE = re.compile(r"\d[\d,.]*\s*(?:-\s*)?(?:km|kms|kilomet(?:er|re)s?|miles?|mi)\b\s*(?:\([^)]*\)\s*)?"
                       r"(?:(?:north|south|east|west)[\w\-]*\s+)?(?:of|from|to|away from|outside|short of)\s*$", re.I)


_DIRECTION_OF = re.compile(r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s*$", re.I)


_AWAY = re.compile(r"\b(?:from|toward|towards|to|for|via|through|headed for|heading for|bound for|leading to|back to|aimed at|"
                   r"out of|left|flee|fled|fleeing|evacuated from|visit(?:ed|ing)?|trip to)\s*$", re.I)


_LOCATIVE = re.compile(r"\b(?:in|at|near|nearby|on|outside|around|over|across|inside|within|onto|into|upon|off|against|"
                       r"including|such as|among them|notably|"
                       r"close to|in front of|not far from|on the outskirts of|just outside)\s*$", re.I)


# "X's <part of X>": a possessive naming a district, outskirts, port... of the place is a location
_POSS_PART = re.compile(
    r"^\s*(?:(?:[A-Z][\w\-’'ʹ]*|(?i:and|thermal|power|northern|southern|eastern|western|central|north-?eastern|north-?western"
    r"|south-?eastern|south-?western|residential|industrial|coastal|historic|old|outlying|seaside|riverside|left-bank"
    r"|right-bank|city|main|sea|river|railway|train|bus))\s+){0,4}"
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
                            r"pledged|blamed|called|urged|reported|condemned|vowed|hit back|retaliated)\b", re.I)
# "Kyiv targeted an oil complex", "Zelenskyy fired the chief": the name is the subject of an active verb
# with an object — the actor, not the place (a passive headline "X depot struck" has no object after it)
_ACTOR_AFTER = re.compile(r"^\s+(?:has\s+|have\s+|had\s+)?(?:fired|launched|targeted|struck|attacked|shelled|bombed|hit|"
                          r"sent|deployed|used|downed|shot down|intercepted|destroyed)\s+(?!by\b|in\b|on\b|at\b|near\b|overnight\b|"
                          r"again\b|twice\b|earlier\b|this\b|last\b|yesterday\b|today\b|early\b|late\b|during\b|after\b|"
                          r"as\b|and\b|with\b|from\b|\d)[a-z]", re.I)
# "In Kyiv, the foreign ministry condemned the strike": where a speaker is, not where it happened
_SPEAKER_AFTER = re.compile(r"^\s*,\s*(?:the\s+)?(?:[\w\-’']+\s+){0,4}?(?:ministry|officials?|spokes\w+|president|kremlin|"
                            r"government|governor|mayor|military|army|agency|media|authorities|prosecutors?|police)\b"
                            r"[^.;]{0,50}?\b(?:said|says|called|reported|claimed|announced|accused|stated|told|condemned)\b", re.I)


_PERSON_ATTACK = re.compile(r"\b(?:assassinat\w*|killed|murdered|shot dead|car bomb|injured|wounded|hurt|damaged|destroyed|damage|destruction|shelled|struck|hit)\b", re.I)


_IN_DISTRICT = re.compile(r"^\s+in\s+(?:the\s+)?[A-Z][\w’'\-]+\s+(?:district|raion|oblast|region|province|hromada|community)\b")


_PARTS_BEFORE = re.compile(r"(?:[A-Z][\w’'\-]+\s*(?:,|and|or)\s*)*[A-Z][\w’'\-]+\s+(?:city\s+)?(?:districts?|"
                           r"neighbou?rhoods?|microdistricts?)\s+of\s+$")


_APPOSED = re.compile(r"(?:the\s+)?(?:[\w\-]+\s+)?(?:capital|city|town|village|port|regional cent(?:re|er))\s*,\s*$", re.I)


def role(sentence: str, m: Mention, cstart: int, cend: int) -> str:
    """How the sentence uses the place: locative | target | near | affiliation | away | distance | metonym | none."""
    prefix = sentence[max(cstart, m.start - 160):m.start]      # the governing words are close by
    end = max(m.end, m.span_end)          # (after a facility's name: "X City Council said" is a speaker)
    after = _APPOSITION.sub("", sentence[end:min(cend, end + 120)], count=1)
    after = _IN_DISTRICT.sub("", after, count=1)      # "X in Y district was shelled"
    if m.possessive:
        part = _POSS_PART.match(sentence[m.end:min(cend, m.end + 120)])
        if part is None:
            return "metonym"           # "Moscow's claims", "Kyiv's position"
        after = sentence[m.end + part.end():min(cend, m.end + 120)]   # "Kherson's Korabelnyi district was shelled"
    prefix = _PARTS_BEFORE.sub("", prefix)         # "struck the A and B districts of X": X is the target
    prefix = _APPOSED.sub("", prefix)              # "including the capital, Kyiv": Kyiv takes the capital's role
    if _DISTANCE.search(prefix):
        return "distance"
    if _TARGET_BEFORE.search(prefix):
        return "target"
    if _DIRECTION_OF.search(prefix):
        return "ref" if _REF_POINT.search(prefix) else "rel"
    p = _OF_HEAD.sub("", prefix)
    p = _POSSESSOR_END.sub("", _ADJS.sub("", p))     # "in Russia's Bryansk region"
    p = _OF_HEAD.sub("", _ADJS.sub("", p))        # "strike on the port of occupied X"
    p = _ADJS.sub("", p)
    if _DISTANCE.search(p):
        return "distance"
    if _TARGET_BEFORE.search(p):
        return "target"
    if _NEAR_END.search(p):
        return "locative"
    if _AFFIL.search(prefix):
        return "affiliation"
    if _OFFENSIVE_TOWARD.search(p):
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


_REF_POINT = re.compile(r"\b(?:(?:a|an|the)\s+(?:[\w\-]+\s+)?(?:village|town|settlement|city|area|place|hamlet|position)s?|"
                        r"both|located|situated|lies|just|some|about|\d+\s*(?:km|kilomet\w+|miles?))\s+(?:[\w\-]+\s+){0,3}?"
                        r"(?:north|south|east|west)[\w\-]*\s+of\s*$", re.I)


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


_NEAR_REF = re.compile(r"^\s*,?\s*(?:near|outside|not far from|close to|in the vicinity of|on the outskirts of)\s+"
                       r"(?:the\s+)?(?:(?:city|town|capital|regional centre|regional center)\s+(?:of\s+)?)?$", re.I)



_POSSESSOR_END = re.compile(r"\b[A-Z][\w\-]*\s?[’']s\s+$")
_NEAR_END = re.compile(r"\b(?:near|outside|around|close to|not far from)\s*$", re.I)
_OFFENSIVE_TOWARD = re.compile(r"\b(?:offensive|counteroffensive|counter-offensive|assault|push|advance|attack|attacks)"
                               r"\s+(?:\w+\s+)?(?:toward|towards|on|against)\s*$", re.I)


def _width(rx: Searcher) -> int:
    """The longest match of an `...\\s*$` pattern before its trailing whitespace (characters)."""
    import re._parser as sre_parse  # (the parser re compiles with; getwidth is exact)
    core = rx.pattern[:-len(r"\s*$")]
    assert rx.pattern.endswith(r"\s*$")
    w = sre_parse.parse(core, rx.flags).getwidth()[1]
    assert w < 10_000, rx.pattern
    return w


# the end-anchored patterns of role()/clause_roles, each behind its cheap test (same answers: see _AtEnd)
_ADJS = _AtEnd(_ADJS, tail=re.compile(rf"\b{_ADJ}\Z", re.I))
assert not re.search(r"\\s| {2}|\w \w+ ", _ADJ), "_AtEnd._may: a tail alternative of more than two words"
_DISTANCE = _AtEnd(_DISTANCE, ends=("of", "from", "to", "outside"))
_DIRECTION_OF = _AtEnd(_DIRECTION_OF, ends=("of",))
_REF_POINT = _AtEnd(_REF_POINT, ends=("of",))
_AWAY = _AtEnd(_AWAY, width=_width(_AWAY), fast=True)
_LOCATIVE = _AtEnd(_LOCATIVE, width=_width(_LOCATIVE), fast=True)
_TARGET_BEFORE = _AtEnd(L.TARGET_BEFORE, width=_width(L.TARGET_BEFORE))
_NEAR_END = _AtEnd(_NEAR_END, width=_width(_NEAR_END))
_LEADING_TO = _AtEnd(_LEADING_TO, ends=("to", "toward", "towards"))
_AFFIL = _AtEnd(_AFFIL, ends=("of", "in", "for"))
_OFFENSIVE_TOWARD = _AtEnd(_OFFENSIVE_TOWARD, ends=("toward", "towards", "on", "against"))
_PARTS_BEFORE = _AtEnd(_PARTS_BEFORE, ends=("of",), needs=("district", "neighbo"))     # (case-sensitive)
_APPOSED = _AtEnd(_APPOSED, ends=(",",))
_POSSESSOR_END = _AtEnd(_POSSESSOR_END, ends=("s",))
_GATHERING = _AtEnd(_GATHERING, ends=("in", "at"))
_BOUNDARY = _AtEnd(_BOUNDARY, ends=("the",))
_RIVER_LIKE = _AtEnd(_RIVER_LIKE, ends=("the",))

def clause_roles(clause: str, in_clause: list, parts: list[tuple[int, int]], text: str) -> dict[int, tuple[str, bool, bool]]:
    """Roles of the clause's mentions, keyed by id(mention): (role, via a list, joined to the previous place by a
    list separator). A list ("A, B and the village of C were shelled", "shelled A, B and C") shares one role:
    a member without a governing word of its own takes its neighbour's, forwards and backwards.
    Mentions inside *parts* (city districts named after a possessive "X's") get no role."""
    out: dict[int, tuple[str, bool, bool]] = {}
    seq: list = []
    prev_role, prev_end = None, -1
    # (a word that names no place, region or unknown name has a role no other mention reads and that makes no
    # event: it gets none)
    base = {id(m): role(clause, m, 0, len(clause)) for m in in_clause
            if (m.places or m.region or not m.known) and not any(a <= m.start < b for a, b in parts)}
    for m in in_clause:
        if id(m) not in base:
            continue
        r = base[id(m)]
        gap = re.sub(r"^\s*(?:city|town|village|oblast|region|province)\b", "",
                     re.sub(r"\([^()]*\)", "", text[prev_end:m.start])) if prev_end >= 0 else ""
        listed = bool(prev_end >= 0 and _LIST_SEP.search(_OF_HEAD.sub("", gap)))
        via = False
        if r == "none" and prev_role and listed and not _METONYM_AFTER.match(clause[m.end:]):
            r, via = prev_role, True          # "shelled A, B and the village of C"
        if r == "rel" and any(x is not m and (x.places or x.region) and
                              base.get(id(x)) in ("locative", "target") for x in in_clause):
            r = "ref"              # "attacks southwest of X near A and B": X is the reference point
        if _AXIS_AFTER.match(clause[m.end:]):
            r = "axis"             # "the Kupiansk direction": a front sector, not a place hit
        if _PART_OF_AHEAD.match(clause[m.end:]) or _GATHERING.search(clause[max(0, m.start - 160):m.start]):
            r = "part"
        if _BOUNDARY.search(clause[:m.start]) and re.match(r"\s+(?:border|frontier)\b", clause[m.end:], re.I) or \
                _RIVER_LIKE.search(clause[:m.start]) and re.match(r"\s*(?:[,.;:)]|$)", clause[m.end:]):
            r = "boundary"
        if r == "none" and _ACTOR_AFTER.match(clause[max(m.end, m.span_end):]):
            r = "metonym"
        if r == "locative" and _SPEAKER_AFTER.match(clause[max(m.end, m.span_end):]) and \
                re.fullmatch(r"\W*(?:[\w,]+\s+){0,2}?(?:in|at)\s+", clause[:m.start].lstrip(), re.I):
            r = "speaker"
        if r == "none" and m.facility:
            r = "facility"         # "the X Refinery was burning": the facility is where it happened
        if r == "locative" and seq and _NEAR_REF.search(text[seq[-1].end:m.start]) and seq[-1].places and \
                out[id(seq[-1])][0] in ("locative", "target", "none", "facility"):
            r = "ref"              # "Borodyanka near Kyiv": Kyiv only says where Borodyanka is
        if m.places or m.region or not m.known:
            prev_role, prev_end = r, m.end
            seq.append(m)
        out[id(m)] = (r, via, listed)
    # backwards: "A, B and C were shelled" — the passive governs the whole list before it
    for i in range(len(seq) - 2, -1, -1):
        m, n = seq[i], seq[i + 1]
        r, via, listed = out[id(m)]
        rn, _, n_listed = out[id(n)]
        if r == "none" and n_listed and rn in ("target", "locative") and not _METONYM_AFTER.match(clause[m.end:]):
            out[id(m)] = (rn, True, listed)
    return out
