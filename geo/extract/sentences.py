"""Paragraphs → sentences → clauses, with a kind for each paragraph (title, caption, body).

Captions and headlines matter because they name places without reporting a new incident
(a photo of a training range) or repeat the article's incident; the event rules treat them
with more suspicion than body sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Maj|Sgt|Capt|Gov|Sen|Rep|Prof|Jr|Sr|No|vs|approx|km|U\.S|U\.K|e\.g|i\.e|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.$")
_SPLIT = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9А-ЯІЇЄҐ])")
_CAPTION_MARK = re.compile(
    r"\((?:[^()]*\b(?:AFP|AP|Getty|Reuters|EPA|Photo|Image|image|photo|File|Anadolu|Shutterstock|Telegram)\b[^()]*)\)"
    r"|\b(?:Credit|Photo|Photograph|Picture|Image)\s*:|\bscreengrab\b|\bvia (?:AP|AFP|Reuters|Getty)\b|\bGetty Images\b")
# Clause boundaries: a place and a trigger must share a clause to make an event.
_CLAUSE = re.compile(r"\s*(?:;|\s[–—-]\s|,\s*(?:while|but|although|though|and that|and said)\b"
                     r"|\s(?:while|whereas|although)\s|,\s+(?=according to\b))\s*")
# Relative clauses (", which ... ,") interrupt the main clause, which resumes after them.
_RELATIVE = re.compile(r"(?:,\s*(?:which|who|whom|whose|where|after which)\b|\s(?:where)\s)[^,;()–—]*(?:,|$)|\([^()]*\)")


@dataclass(frozen=True)
class Sentence:
    text: str
    para: int              # paragraph index
    index: int             # sentence index in the article
    kind: str              # "title" | "caption" | "body"


#: A "sentence" longer than this (characters) is no prose but a run-on line (a table dump, a list without
#: full stops): it is cut at commas or spaces so that the per-sentence passes stay linear in text length.
MAX_SENTENCE = 400


def _chunks(sentence: str) -> list[str]:
    out = []
    while len(sentence) > MAX_SENTENCE:
        cut = max(sentence.rfind(", ", 0, MAX_SENTENCE), sentence.rfind("; ", 0, MAX_SENTENCE))
        if cut < MAX_SENTENCE // 2:
            cut = sentence.rfind(" ", 0, MAX_SENTENCE)
        if cut < MAX_SENTENCE // 4:
            cut = MAX_SENTENCE
        out.append(sentence[:cut + 1].strip())
        sentence = sentence[cut + 1:].lstrip()
    return out + [sentence]


def split_sentences(paragraph: str) -> list[str]:
    parts, buf = [], ""
    for piece in _SPLIT.split(paragraph.strip()):
        buf = f"{buf} {piece}" if buf else piece
        tail = buf[-24:].rstrip("\"'”’)")      # (the tail only: an abbreviation ends the buffer)
        if len(buf) <= MAX_SENTENCE and (_ABBREV.search(tail) or re.search(r"\b[A-Z]\.$", tail)):
            continue
        parts.append(buf)
        buf = ""
    if buf:
        parts.append(buf)
    return [c for p in parts if p.strip() for c in _chunks(p.strip()) if c]


# a wire dateline opening the lead ("KYIV, Ukraine (AP) —", "MOSCOW, Aug 23 (Reuters) -") is no photo credit
_WIRE_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z’'\-]+(?:\s+[A-Z][A-Z’'\-]+)*|[A-Z][a-z]{2,8}\.?\s+\d{1,2})\s*,[^()]{0,40}"
                            r"\((?:AP|AFP|Reuters|dpa|Bloomberg|UPI)\)\s*[-—–]")


def paragraph_kind(par: str, first: bool) -> str:
    if _CAPTION_MARK.search(par) and not _WIRE_DATELINE.match(par):
        return "caption"
    stripped = par.strip()
    if not re.search(r"[.!?…:\"”’]\s*$", stripped) and len(stripped.split()) <= 30:
        return "title" if first else "caption"
    return "body"


def split_article(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    pars = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    seen: set[str] = set()
    for pi, par in enumerate(pars):
        norm = " ".join(par.split())
        if norm in seen:          # repeated caption lines add nothing
            continue
        seen.add(norm)
        kind = paragraph_kind(norm, pi == 0)
        for s in split_sentences(norm):
            out.append(Sentence(s, pi, len(out), kind))
    return out


def clauses(sentence: str) -> list[list[tuple[int, int]]]:
    """Clauses as lists of (start, end) character spans: a main clause interrupted by a relative
    clause is one clause of two spans; the relative clause is a clause of its own."""
    out: list[list[tuple[int, int]]] = []
    pos = 0
    bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)] + [(len(sentence), len(sentence))]
    for b0, b1 in bounds:
        if b0 > pos:
            main: list[tuple[int, int]] = []
            p = pos
            for r in _RELATIVE.finditer(sentence, pos, b0):
                if r.start() > p:
                    main.append((p, r.start()))
                out.append([(r.start(), r.end())])
                p = r.end()
            if p < b0:
                main.append((p, b0))
            if main:
                out.append(main)
        pos = max(pos, b1)
    return out or [[(0, len(sentence))]]
