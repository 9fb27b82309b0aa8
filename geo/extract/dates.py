"""Relative and absolute dates in article sentences, resolved against the publication date.

Conventions (documented for users and the evaluation set):
- "on Friday" / "Friday" = the most recent Friday on or before publication; "last Friday" = strictly before.
- "yesterday", "overnight", "last night" = the day before publication; "today", "this morning" = publication day.
- "in the past 24 hours" = publication day. "last week" = publication - 7 days, precision "week";
  "this week" / "in recent days|weeks" = publication day, precision "week".
- Explicit "June 3" / "3 June [2024]" = that day (year: the most recent one not after publication).
- A bare month ("in July") = the 1st of that month, precision "month".
- A date 30+ days before publication marks the sentence as background (not a current event).
- Dates right after a speech verb ("said on Wednesday") only bound the event: kind "speech".
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo.extract._scan import Searcher, dispatch

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MON = {m: i for i, m in enumerate(MONTHS, 1)}
_MON.update({m[:3]: i for m, i in list(_MON.items())})
_MON["sept"] = 9
_MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_SPEECH = r"(?:said|says|told|reported|announced|stated|claimed|wrote|added|confirmed|denied|rejected)"

BACKGROUND_DAYS = 30
#: Years a date in a war report can have; others ("in 9999", a typo) are no dates.
YEARS = (1900, 2100)


@dataclass(frozen=True)
class DateRef:
    date: date
    precision: str        # day | week | month | year
    kind: str             # event | speech | since
    start: int            # character offset in the sentence
    text: str


def _recent(pub: date, month: int, day: int, year: int | None) -> date | None:
    try:
        if year:
            return date(year, month, day)
        d = date(pub.year, month, day)
        return d if d <= pub + timedelta(days=1) else date(pub.year - 1, month, day)
    except ValueError:
        return None


def _weekday(pub: date, name: str, strictly_before: bool) -> date:
    delta = (pub.weekday() - WEEKDAYS.index(name)) % 7
    if strictly_before and delta == 0:
        delta = 7
    return pub - timedelta(days=delta)


_PATTERNS: list[tuple[str, Searcher]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("mdy", re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)),
    ("weekday", re.compile(r"\b(last\s+|this\s+|on\s+|early\s+|late\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)),
    ("rel", re.compile(r"\b(yesterday|overnight|last\s+night|(?:throughout|during)\s+the\s+night(?!\s+of\b)|today|this\s+morning|tonight|earlier\s+today|"
                       r"(?:(?:shortly\s+|just\s+|soon\s+)?(?:after|before)\s+midnight|before\s+dawn|at\s+dawn|"
                       r"in\s+the\s+early\s+hours)(?!\s+(?:of|on)\b)|early\s+this\s+morning|"
                       r"(?:in\s+|over\s+)?the\s+(?:past|last)\s+(?:24|twenty-four)\s+hours|(?:in\s+|over\s+)?the\s+(?:past|last)\s+day|last\s+day(?!\s+of)|"
                       r"(?:in\s+|over\s+)?the\s+(?:past|last)\s+(?:week|seven\s+days|few\s+days)|(?:a|the)\s+week\s+in\s+which|"
                       r"last\s+week|this\s+week|earlier\s+this\s+week|in\s+recent\s+(?:days|weeks)|"
                       r"last\s+month|earlier\s+this\s+month|this\s+month)\b", re.I)),
    ("month", re.compile(rf"\b(?:in|from|since|during|of|early|late|mid-?|last)\s+({_MONTH_RE})(?:\s+(\d{{4}}))?(?!\s+\d)\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|of)\s+((?:19|20)\d{2})\b")),
]


# (the long ones tried per starting letter or digit: the same matches and groups, see geo.extract._scan)
_PATTERNS = [(kind, dispatch(rx) if kind in ("iso", "dmy", "weekday", "rel") else rx) for kind, rx in _PATTERNS]

# What a match of each pattern must contain, found by one cheap scan per sentence: most sentences name no
# date, and a pattern whose necessary part is absent is not scanned (the same matches, see tests/
# test_extract_speed_invariants.py). Each is a literal piece every alternative of the pattern matches with
# the same flags (IGNORECASE folds "ſ" onto "s" in both), so its absence proves the pattern has no match.
_DIGIT = re.compile(r"\d")                                                    # iso, dmy, mdy, year
_MONTH_WORD = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.I)   # dmy, mdy, month
_DAY_WORD = re.compile(r"day", re.I)                                         # weekday: (mon|...|sun)day
_REL_WORD = re.compile(r"day|night|morning|dawn|hour|week|month", re.I)     # every alternative of "rel"
_NEEDS: dict[str, tuple[re.Pattern, ...]] = {
    "iso": (_DIGIT,), "dmy": (_DIGIT, _MONTH_WORD), "mdy": (_DIGIT, _MONTH_WORD), "weekday": (_DAY_WORD,),
    "rel": (_REL_WORD,), "month": (_MONTH_WORD,), "year": (_DIGIT,)}
assert set(_NEEDS) == {k for k, _ in _PATTERNS}


def _resolve(kind: str, m: re.Match, pub: date | None) -> tuple[date, str] | None:
    """*pub*: the reference date (None only for an ISO date, which needs none)."""
    g = m.groups()
    if kind == "iso":
        try:
            return date(int(g[0]), int(g[1]), int(g[2])), "day"
        except ValueError:
            return None
    assert pub is not None, kind     # (_find_dates gives today's date where the text has no publication date)
    if kind in ("dmy", "mdy"):
        day, mon = (g[0], g[1]) if kind == "dmy" else (g[1], g[0])
        mon_n = _MON.get(mon.lower().rstrip("."))
        if mon_n is None or not (1 <= int(day) <= 31):
            return None
        d = _recent(pub, mon_n, int(day), int(g[2]) if g[2] else None)
        return (d, "day") if d else None
    if kind == "weekday":
        mod = (g[0] or "").strip().lower()
        return _weekday(pub, g[1].lower(), mod == "last"), "day"
    if kind == "rel":
        w = " ".join(g[0].lower().split())
        if w in ("yesterday", "overnight", "last night") or w.endswith("the night"):
            return pub - timedelta(days=1), "day"
        if w in ("today", "this morning", "tonight", "earlier today") or "24" in w or "twenty-four" in w \
                or "midnight" in w or "dawn" in w or "early" in w \
                or w.endswith("past day") or w.endswith("last day"):
            return pub, "day"
        if w == "last week":
            return pub - timedelta(days=7), "week"
        if "week" in w or "days" in w:          # this/past week, a week in which, recent days
            return pub, "week"
        if w == "last month":
            first = pub.replace(day=1) - timedelta(days=1)
            return first.replace(day=1), "month"
        return pub.replace(day=1), "month"
    if kind == "month":
        mon_n = _MON.get(g[0].lower().rstrip("."))
        if mon_n is None:
            return None
        year = int(g[1]) if g[1] else (pub.year if mon_n <= pub.month else pub.year - 1)
        return date(year, mon_n, 1), "month"
    if kind == "year":
        return date(int(g[0]), 1, 1), "year"
    return None


def find_dates(sentence: str, pub: date | None) -> list[DateRef]:
    """All date expressions in *sentence*, resolved against *pub* (none without a publication date,
    except ISO/explicit years), in text order, overlapping matches dropped (earlier patterns win).
    Remembered per sentence: the event, dating and round-up passes each ask for the same sentence."""
    return list(_find_dates(sentence, pub, date.today() if pub is None else None))


@functools.lru_cache(maxsize=4096)
def _find_dates(sentence: str, pub: date | None, today: date | None) -> tuple[DateRef, ...]:
    out: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    present: dict[re.Pattern, bool] = {}
    for kind, rx in _PATTERNS:
        if not all(present[w] if w in present else present.setdefault(w, w.search(sentence) is not None)
                   for w in _NEEDS[kind]):
            continue
        for m in rx.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if kind == "mdy" and m.group(1).lower().rstrip(".") == "may" and not m.group(3) and \
                    not re.match(r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\s*(?:%|km|people|per|of|years|drones|missiles))", sentence[m.end(1):]):
                continue
            if kind == "mdy" and re.match(r"\s*(?:km|kilomet|mi\b|miles|people|troops|%|drones|missiles|houses)", sentence[m.end():]):
                continue
            if pub is None and kind not in ("iso",) and not (kind in ("dmy", "mdy") and m.group(3)):
                continue
            if kind == "weekday" and sentence[m.end():m.end() + 1] == "s" :
                continue
            try:
                res = _resolve(kind, m, pub) if pub is not None or kind == "iso" else _resolve(kind, m, today)
            except (OverflowError, ValueError):     # arithmetic past year 1 or 9999
                res = None
            if res is None or not (YEARS[0] <= res[0].year <= YEARS[1]):
                continue
            before = sentence[max(0, m.start() - 30):m.start()].lower()
            if re.search(r"\bsince\s+(?:the\s+)?$", before) or m.group(0).lower().startswith("since"):
                dk = "since"
            elif re.search(rf"\b{_SPEECH}\s+(?:on\s+|late\s+|early\s+)?$", before) or \
                    re.match(rf"[\s,]*(?:morning|evening|afternoon)?[\s,]*(?:that\s+)?[A-Z]?[\w’'.\- ]{{0,40}}?\b{_SPEECH}\b", sentence[m.end():]) and m.start() < 4:
                dk = "speech"
            else:
                dk = "event"
            out.append(DateRef(res[0], res[1], dk, m.start(), m.group(0)))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda r: r.start)
    return tuple(out)


def is_background(ref: DateRef, pub: date | None) -> bool:
    """A date well before publication recalls history, not the reported incident."""
    if pub is None or ref.kind == "since":
        return False
    end = ref.date
    if ref.precision == "month":
        nxt = (ref.date.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = nxt - timedelta(days=1)
    elif ref.precision == "year":
        end = date(ref.date.year, 12, 31)
    return (pub - end).days >= BACKGROUND_DAYS


def event_date(refs: list[DateRef], pub: date | None) -> DateRef | None:
    """The date an event sentence gives its incident: the first 'event' date, else a speech date."""
    for kind in ("event", "speech"):
        for r in refs:
            if r.kind == kind:
                return r
    for r in refs:      # "destroyed 40 tanks since Tuesday": a tally over the days from then, week-precise
        if r.kind == "since" and r.precision == "day" and pub is not None and 0 <= (pub - r.date).days <= 7:
            return DateRef(r.date, "week", "event", r.start, r.text)
    return None
