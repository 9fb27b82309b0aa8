"""The per-article pipeline: Sentence → Mention (with role) → Candidate → merged incidents.

Pass 1 finds mentions in every sentence (and the article's dominant regions); pass 2 pairs each
place with the triggers of its clause and scores the pairing (geo.extract.signals); the dating,
actor and merging passes then run over the candidates.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set
from datetime import date

from geo._names import key
from geo.extract import lexicon as L
from geo.extract._scan import dispatch
from geo.extract.classify import (
    _DEFENCE_SUCCESS,
    _FOILED,
    _OWN_SUCCESS,
    _article_actor,
    _equipment_near,
    _speakers,
    _voice,
    actor,
    claim_side,
    classify,
    weapon,
)
from geo.extract.dates import DateRef, event_date, find_dates, is_background
from geo.extract.dating import _DATELINE, _SAME_TIME, _attach_dates, _day_earlier, _lead_date, _near_date_recent
from geo.extract.homonyms import _AXIS_NAME, _adjacent_hint, _anchor, _notable_namesake, resolve
from geo.extract.merge import _merge_article, _prefer_prose_evidence
from geo.extract.records import WAR, Candidate
from geo.extract.roles import (
    _CONTINUATION,
    _IN_THE_REGION,
    _PART_OF_AHEAD,
    _PERSON_ATTACK,
    _POSS_PART,
    _PURPOSE,
    _SINCE_AFTER,
    _TITLED_VICTIM,
)
from geo.extract.roles import clause_roles as _clause_roles
from geo.extract.roundups import nationwide
from geo.extract.sentences import Sentence, clauses, split_article
from geo.extract.signals import Score
from geo.extract.toponyms import find_mentions
from geo.extract.triggers import _triggers
from geo.extract.triggers import trigger_words as _trigger_words

_CONTINUES = re.compile(r"^(?:It|The (?:\w+ )?ministry|He|She|They|The statement|The military|The general staff)\s+(?:also\s+)?"
                        r"(?:said|says|added|reported|claimed|stated)\b", re.I)


def _mask(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with everything outside the clause blanked (positions stay sentence offsets)."""
    chars = [" "] * len(sentence)
    for a, b in spans:
        chars[a:b] = sentence[a:b]
    return "".join(chars)


def extract_candidates(text: str, published: date | None, gaz) -> tuple[list[Candidate], list[str]]:
    if len(text.split()) <= _Scopes.SHORT_WORDS:
        text = _recase(text, gaz)
    sentences = split_article(text)
    mentions = [find_mentions(s.text, gaz) for s in sentences]
    _capitals(sentences, mentions, gaz)
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
        local_set = {m.places[0].admin1 for m in ms if len(m.places) == 1 and m.places[0].country in WAR}
        for m in ms:
            h = _adjacent_hint(m, ms)
            if h and m.places:
                placed.setdefault(key(m.name), h)
                hinted.add(key(m.name))
            elif len(m.places) > 1:
                near = [p.admin1 for p in m.places if p.admin1 in local_set]
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
    # (one anchor per name: a long text repeats its places, and every namesake is scored against each anchor)
    # (each mention's anchor once: the place loop asks for every other mention of the sentence, per mention; a
    # mention does not change after pass 1, and the memo lives as long as the article's mentions)
    anchor_of = {id(m): _anchor(m) for ms in mentions for m in ms}
    art_anchors = list({key(m.name): a for m, a in ((m, anchor_of[id(m)]) for ms in mentions for m in ms) if a}.items())[:25]
    scopes = _Scopes(sentences, {s.index for s, ms in zip(sentences, mentions) if any(m.places or m.region for m in ms)})
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
            own_text = _mask(s.text, spans)
            own_trig = _triggers(own_text)
            if not own_trig and prev_spans and _CONTINUATION.match(own_text.strip()):
                spans = prev_spans + spans     # "...; west of A near B; and south of C": the list goes on
            elif own_trig:
                prev_spans = spans
            if not any(m.places or m.region or not m.known for m in in_clause):
                continue
            clause = _mask(s.text, spans)
            trig = _triggers(clause)
            scope, extra = "clause", None
            if not trig:       # the incident word may sit outside the place's clause: a wider scope, weighed less
                found = scopes.wider(s, s.text)
                if found is None and not scopes.bare:
                    continue
                if found is None:          # a one-incident text need not name its incident ("Russian howitzers in X")
                    scope, extra = "bare", None
                    trig = [(len(clause) + 3, len(clause) + 3, "other")]
                    clause = clause + " . "
                else:
                    scope, extra = found
                    clause = clause + " . " + extra.text
                    trig = [t for t in _triggers(clause) if t[0] > len(s.text)]
                    if not trig:
                        continue
                if extra is not None and extra.index == s.index:
                    extra = None
            w0 = weapon(clause, "strike", trig[0][0])
            if w0 in L.SPECIFIC:
                specific.append((s.index, w0))
            settlements_here = []
            last_local: list = []          # the triggers of the previous place of the clause
            # names inside "Kherson's Dniprovskyi and Korabelnyi districts" are parts of the possessor
            parts = [(x.end, x.end + pm.end()) for x in in_clause if x.possessive and gaz.country(x.name) is None
                     for pm in [_POSS_PART.match(s.text[x.end:x.end + 120])] if pm]     # (not "Russia's Kursk region")
            roles = _clause_roles(clause, in_clause, parts, s.text)
            strong_trig = [t for t in trig if not L.CAMPAIGN.match(clause[t[0]:t[1]]) and t[2] != "casualty"]
            for m in in_clause:
                if id(m) not in roles:
                    continue
                r, via_list, listed = roles[id(m)]
                if r not in ("locative", "target", "rel", "ref", "affiliation", "none", "facility"):
                    continue
                sc = Score().add(f"trigger_{scope}", _trigger_words(clause, trig))
                if m.region and m.titled:     # "X Oblast Governor said Russian forces attacked 11 settlements in the region"
                    if not _IN_THE_REGION.search(s.text[m.end:]):
                        continue
                    r = "locative"
                sc.add("role_list" if via_list else f"role_{r}")
                if r == "none" and scope != "bare" and scopes.heading(s, len(s.text[:m.start].split()) <= 2):
                    sc.add("role_heading")
                if r == "affiliation" and not _PERSON_ATTACK.search(clause):
                    sc.add("affiliation_no_victim")
                if r == "affiliation" and m.titled and not _TITLED_VICTIM.match(clause[m.end:]):
                    sc.add("titled_speaker")   # "X regional governor Y said no one was hurt": a speaker, not a victim
                if _PURPOSE.search(clause[max(0, m.start - 80):m.start]):
                    sc.add("purpose_clause")   # "a line used to supply troops in X"
                if _SINCE_AFTER.match(s.text[m.end:]):
                    sc.add("campaign_start")   # "the incursion into X, which began..."
                if m.region and not strong_trig:
                    sc.add("region_weak_trigger")
                if s.kind == "caption":
                    sc.add("caption")
                if not sc.passes:
                    continue
                hint = _adjacent_hint(m, ms)
                if hint is None and key(m.name) in axis_names:
                    hint = _notable_namesake(gaz, m.name)
                prefer = ([placed[key(m.name)]] if key(m.name) in placed else []) + \
                    [x.region for x in ms if x.region] + local + dominant
                strong = bool(re.search(r"\b(?:village|town|settlement|city|area|near|outside)\b[^,;]{0,25}$",
                                        clause[:m.start], re.I))
                anchors = [a for a in (anchor_of[id(x)] for x in ms if x is not m) if a] or \
                    [a for k, a in art_anchors if k != key(m.name)]      # (never the name itself)
                explicit = ([placed[key(m.name)]] if key(m.name) in hinted else []) + [x.region for x in ms if x.region]
                units = [x for x in ms if x.admin and -80 <= x.start - m.end <= 80 or x.admin and 0 <= m.start - x.end <= 80]
                unit = min(units, key=lambda x: abs(x.start - m.start)).admin if units else ""
                res = resolve(m, gaz, hint, prefer, strong, anchors, dominant, explicit, unit, published)
                if res is None:
                    continue
                if res.warning and not res.key:
                    warnings.append(res.warning)
                    continue
                if res.country not in WAR:
                    continue
                if background and not _near_date_recent(refs, spans, trig, m, published, s.text):
                    sc.add("background_date")
                    if not sc.passes:
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
                if last_local and listed and all(t[0] > m.start for t in local_trig):
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
                    wpn = _near_specific(specific, s.index, wpn) or wpn
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
                              evidence=[s.text] + ([extra.text] if extra else []),
                              sentences=[s.index] + ([extra.index] if extra else []),
                              warnings=[res.warning] if res.warning else [], match=res.match, why=sc.why(),
                              ref=(r == "ref"))
                c.weak_type = all(t[2] in ("casualty", "damage") for t in local_trig) and etype != "destroyed_equipment"
                if dref is None and _SAME_TIME.search(s.text):
                    c.date = next((x.date for x in reversed(out) if x.date is not None and x.date.kind == "event"), None)
                if res.precision == "settlement":
                    settlements_here.append(c)
                out.append(c)
                made += 1
            # a region named beside a settlement of the same region is a hint, not a second event
            hint_codes = {_adjacent_hint(m, ms) for m in in_clause}
            for c in [c for c in out[len(out) - made:] if c.precision == "region"]:
                if c.admin1 in hint_codes and any(x.admin1 == c.admin1 for x in settlements_here):
                    # (out.remove(c) would compare c field by field with every candidate of a long text; a
                    # candidate equal to c is of this sentence, so among the last *made*)
                    tail = len(out) - made
                    del out[next(j for j in range(tail, len(out)) if out[j] == c)]
                    made -= 1
        if not made:
            d = event_date(refs, published)
            if d and d.kind == "event" and not is_background(d, published) and _triggers(s.text):
                pending_dates.append((s.index, d))
            if _triggers(s.text):
                _explain_cause(s, _triggers(s.text), out, speakers)
    out += nationwide(sentences, published, gaz, out)
    _attach_dates(out, pending_dates)
    _day_earlier(out)
    _article_actor(out, sentences, enemy)
    _lead_date(out, sentences, published)
    lead = next((x.index for x in sentences if x.kind == "body"), 0)
    merged = _merge_article(out, lead)
    _prefer_prose_evidence(merged, sentences)
    return merged, warnings


def _near_specific(specific: list[tuple[int, str]], index: int, wpn: str) -> str | None:
    """The last specific weapon named in sentence *index* or the two before it that generic *wpn* may stand for
    ("Iskander" for "missile"). *specific* grows in sentence order, so only its tail is read: a long text is
    not rescanned per candidate."""
    for i, w in reversed(specific):
        if index - i > 2:
            return None
        if 0 <= index - i and (not wpn or wpn in L.GENERIC_OF.get(w, "").split()):
            return w
    return None


_ANAPHOR = re.compile(r"\b(?:on|in|at|into|hit|hitting|struck|striking|shelled|shelling|bombed|targeted|attacked|pounded)"
                      r"\s+the\s+(?:town|city|village|settlement|same\s+(?:town|city|village|settlement|neighbou?rhood|area|"
                      r"district|street|building|block|site))\b(?!\s+of\b|[’']s)", re.I)


#: How far a candidate's sentences reach past its own while the sentences are being read: a wider scope's
#: sentence is of the same ≤ 4-sentence item or ≤ 3-sentence text, and _explain_cause adds the next one.
_SPREAD = 4


def _recent(out: list[Candidate], index: int, back: int):
    """The candidates made from sentence index - back on, newest first. While the sentences are read, *out*
    grows in sentence order, so this is the tail of *out*: a long text is not rescanned per sentence."""
    for c in reversed(out):
        if c.sentences[0] < index - back:
            return
        yield c


def _anaphoric(s: Sentence, trig: list, d: DateRef | None, out: list[Candidate], pub: date | None) -> Candidate | None:
    """"Russian aircraft also dropped guided bombs on the town": a strike on the settlement the paragraph
    just named (its last event place within two sentences) — a second incident there if type or date differ."""
    am = _ANAPHOR.search(s.text)
    strong = [t for t in trig if t[2] in ("strike", "explosion") or t[2] == "attack" and not L.CAMPAIGN.match(s.text[t[0]:t[1]])]
    if am is None or not strong or (d is not None and is_background(d, pub)):
        return None
    same = "same" in am.group(0).lower()      # "hit the same neighbourhood" may look back across a paragraph
    a = next((c for c in _recent(out, s.index, 3) if c.precision == "settlement" and (c.sentence.para == s.para or same)
              and 0 < s.index - c.sentences[0] <= (3 if same else 2)), None)
    if a is None:
        return None
    etype, orig = classify(s.text, strong, False, s.text)
    wpn = weapon(s.text, etype, strong[0][0])
    who = actor(s.text, strong, wpn, "", a.country, False, etype) or a.actor
    return Candidate(a.place_key, a.name, a.lat, a.lon, a.country, a.admin1, a.precision, etype, orig, wpn, who,
                     a.status, d if d is not None and d.kind == "event" else a.date, s, round(a.confidence * 0.9, 2),
                     evidence=[s.text], sentences=[s.index], match=a.match,
                     why=f"incident word {s.text[strong[0][0]:strong[0][1]]!r} with {am.group(0)!r}: the place of the "
                         f"event just told ({a.name})")


def _explain_cause(s: Sentence, trig: list, out: list[Candidate], speakers: dict[str, str]) -> None:
    """"A block collapsed in X, killing 15. The ministry said it had been hit by a Tochka-U missile": the next
    sentence of the paragraph tells what caused a casualty-only event — a strike, with its weapon and side."""
    if not any(t[2] == "strike" for t in trig):
        return
    prev = [c for c in _recent(out, s.index, _SPREAD + 1)
            if c.sentence.para == s.para and s.index - c.sentences[-1] == 1 and c.weak_type]
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


_BULLET = re.compile(r"^\s*(?:[^\w\s\"“‘'(]|\d{1,2}[:.\-]\d{2}\b)")


_ANY_TRIGGER = dispatch(re.compile("|".join(f"(?:{rx.pattern})" for rx in (L.STRIKE, L.EXPLOSION, L.ATTACK, L.DAMAGE,
                                                                           L.CASUALTY, L.NOMINAL)), re.I))


class _Scopes:
    """Where an incident word may be found for a place whose own clause has none: the same sentence,
    the same short list item (a bullet: "▪️ 16-22, X district, Y village. The shelling burned..."), or
    anywhere in a one-incident text (an analyst's one-liner, a headline, a caption)."""

    SHORT_WORDS = 60

    def __init__(self, sentences: list[Sentence], placed: Set[int] = frozenset()) -> None:
        self.placed = placed          # sentences naming a place of their own (their incident words are theirs)
        self.by_para: dict[int, list[Sentence]] = {}
        for x in sentences:
            self.by_para.setdefault(x.para, []).append(x)
        words = sum(len(x.text.split()) for x in sentences)
        self.short = len(sentences) <= 3 and words <= self.SHORT_WORDS
        self.sentences = sentences
        # a one-incident text with no incident word at all, and no word that says nothing happened
        self.bare = self.short and not any(_ANY_TRIGGER.search(x.text) or L.NOT_EVENT.search(x.text) for x in sentences)

    def _item(self, s: Sentence) -> bool:
        par = self.by_para[s.para]
        return len(par) <= 4 and bool(_BULLET.match(par[0].text))

    def heading(self, s: Sentence, first: bool = False) -> bool:
        """The place's sentence is a headline, heads a bullet item or is a one-incident text: an incident
        told as a noun phrase there names its place without a governing verb ("X tram depot struck")."""
        return (self.short or self._item(s) or s.kind == "title") and (len(s.text.split()) <= 30 or first)

    def wider(self, s: Sentence, text: str):
        """(scope, sentence with the incident words) or None."""
        if _triggers(text):
            return ("text" if self.short else "sentence"), s
        pool = self.sentences if self.short else self.by_para[s.para] if self._item(s) else []
        for x in sorted(pool, key=lambda x: (abs(x.index - s.index), -x.index)):
            if x.index != s.index and (self.short or x.index not in self.placed) and _triggers(x.text):
                return ("text" if self.short else "item"), x
        return None


_LOWER_AFTER_PREP = re.compile(r"\b(?:[Ii]n|[Nn]ear|[Aa]t|[Oo]f|[Oo]utside)\s+([a-zа-яіїєґ][\w’'\-]{3,})")
_LOWER_SECOND = re.compile(r"\b([A-Z][\w’'\-]+)\s+([a-z][\w’'\-]{1,})\b")


def _recase(text: str, gaz) -> str:
    """An analyst's one-liner may type a place in lower case ("fires in kharkiv", "Chasiv yar"): a word
    spelled exactly as a Ukrainian or Russian settlement, after a preposition or completing a two-word
    name, is read as that name (our own vocabulary never is)."""
    from geo._names import exact_key

    def exact(name: str) -> bool:
        return any(p.country in WAR and p.precision == "settlement" and exact_key(p.name) == exact_key(name)
                   for p in gaz.lookup_key(key(name)))

    def one(m: re.Match) -> str:
        w = m.group(1)
        if L.common_word(w) or not exact(w):
            return m.group(0)
        return m.group(0)[:m.start(1) - m.start()] + w[:1].upper() + w[1:]

    def two(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        if L.common_word(b) or not exact(f"{a} {b}"):
            return m.group(0)
        return f"{a} {b[:1].upper()}{b[1:]}"
    return _LOWER_SECOND.sub(two, _LOWER_AFTER_PREP.sub(one, text))


_CAPITAL = re.compile(r"\b[Tt]he\s+(?:(Ukrainian|Russian)\s+)?capital\b(?!\s*,?\s*[A-Z])(?!\s+(?:of|city)\b)")
_CAPITAL_OF = {"UA": ("Kyiv", "UA.12"), "RU": ("Moscow", "RU.48")}


def _capitals(sentences: list[Sentence], mentions: list[list], gaz) -> None:
    """"Night shelling of the capital": the capital of the country the text is about (Kyiv or Moscow;
    "the Russian capital" says which), added as a mention where the text names no capital itself."""
    if not any("capital" in s.text for s in sentences):    # (_CAPITAL's one literal word, case-sensitive)
        return
    votes = Counter(p.country for ms in mentions for m in ms for p in m.places[:1]
                    if p.country in WAR and p.precision == "settlement")
    votes.update(m.region[:2] for ms in mentions for m in ms if m.region and m.region[:2] in WAR)
    home = votes.most_common(1)[0][0] if votes else "UA"
    from geo.extract.toponyms import Mention
    for s, ms in zip(sentences, mentions):
        for cm in _CAPITAL.finditer(s.text):
            adj = (cm.group(1) or "").lower()
            country = "UA" if adj == "ukrainian" else "RU" if adj == "russian" else home
            name, code = _CAPITAL_OF[country]
            if any(key(m.name) == key(name) for m in ms):
                continue
            places = [p for p in gaz.lookup_key(key(name)) if p.admin1 == code]
            if places:
                ms.append(Mention(cm.start(), cm.end(), name, places=places[:1]))
                ms.sort(key=lambda m: m.start)
