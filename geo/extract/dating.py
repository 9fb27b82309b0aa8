"""The dating pass: one rule per case for events whose own sentence gives no date (a dated
follow-up sentence, "a day earlier", a round-up's lead, "at the same time"), and the background test.
"""
from __future__ import annotations

import re
from datetime import date

from geo.extract import lexicon as L
from geo.extract.dates import DateRef, find_dates, is_background
from geo.extract.records import Candidate
from geo.extract.sentences import Sentence
from geo.extract.toponyms import Mention
from geo.extract.triggers import _triggers

_UNDATED = re.compile(r"\b(?:without (?:giving|saying|specifying) (?:a |the )?(?:date|when)|did not say when|"
                      r"(?:date|timing) (?:was|is) (?:not|un)(?:clear|known|specified))\b", re.I)


_DATELINE = re.compile(r"[^—–]{0,40}\d{4}\s*[—–-]")


_SAME_TIME = re.compile(r"^(?:It|This|That) came as\b|\b(?:around|at) the same time\b|\bsimultaneously\b", re.I)


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
            assert d is not None      # (prior holds dated candidates only)
            c.date = DateRef(d.date - timedelta(days=back), "day", "event", d.start, d.text)


def _attach_dates(cands: list[Candidate], pending: list[tuple[int, DateRef]]) -> None:
    """'The attack happened on Sunday': a dated follow-up sentence without a place dates the latest undated event."""
    import bisect
    order = sorted(range(len(cands)), key=lambda i: cands[i].sentences[0])    # (a long text: no scan per date)
    firsts = [cands[i].sentences[0] for i in order]
    for idx, d in pending:
        window = order[bisect.bisect_left(firsts, idx - 3):bisect.bisect_left(firsts, idx)]
        prior = [c for c in (cands[i] for i in window) if c.date is None]
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
    found = [(x, r) for x, r in found if not ((w := _WIRE_DATE.match(x.text)) and r.start < w.end())]
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


def publication_text(text: str) -> str:
    """*text* with its photo-caption and credit paragraphs blanked: a caption's date is the date of the
    photo ("File photo, May 23, 2011"), never the article's publication date. For the publication-date
    reader (geo.extract.articles.text_date), which must not take a date from a caption."""
    from geo.extract.sentences import paragraph_kind
    out, first = [], True
    for par in re.split(r"(\n\s*\n|\n)", text):
        if par.strip() and not re.fullmatch(r"\s+", par):
            kind = paragraph_kind(" ".join(par.split()), first)
            first = False
            out.append(" " * len(par) if kind == "caption" else par)
        else:
            out.append(par)
    return "".join(out)
