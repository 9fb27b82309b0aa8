"""Faster scanning with the lexicon's big word alternations, with the very same matches.

Why: Python's regex engine tries every alternative of ``\\b(?:strikes?|struck|shell(?:s|ed|ing)|...)`` at
every position of a text; the trigger, weapon and speech patterns have dozens to hundreds of alternatives
each and are searched in every sentence and clause, which made them the extractor's main cost. A
:class:`Dispatch` finds the positions where a match can begin (a word boundary before one of the letters
the alternatives can start with: one cheap class, scanned in C) and tries there only the alternatives
that can start with that letter, in their original order. A backtracking engine tries the alternatives
of ``\\b(?:a|b)T`` in order, and one that cannot start with the letter at hand fails at once, so the
first success is the one the whole pattern finds: ``search`` and ``finditer`` give the same spans as the
compiled pattern's (tests/test_extract_speed_invariants.py checks them against it on real and random
text). A pattern of another shape (named groups, groups the letters' patterns would number otherwise, a nullable
or non-ASCII start) is returned unchanged.
"""
from __future__ import annotations

import re
import re._constants as _c  # (the parser re compiles with, as in geo.extract.roles._width)
import re._parser as _p
from collections.abc import Callable, Iterator
from typing import Any, Protocol

_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)


def _structure(src: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, char, group depth after it) for each char of a pattern's source from *i* that is
    neither escaped nor inside a character class (``[]...]`` and ``[^]...]`` start with a literal ']')."""
    depth, cls = 0, False
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if cls:
            if ch == "]":
                cls = False
        elif ch == "[":
            cls = True
            if src[i + 1:i + 2] == "^":
                i += 1
            if src[i + 1:i + 2] == "]":
                i += 1
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def _split_top(src: str) -> list[str]:
    """The top-level alternatives of a pattern's source (escapes, classes and groups respected)."""
    out, start = [], 0
    for i, ch, depth in _structure(src):
        if ch == "|" and depth == 0:
            out.append(src[start:i])
            start = i + 1
    out.append(src[start:])
    return out


def _group_end(src: str, i: int) -> int:
    """Index just past the group opening at src[i] == '('."""
    for j, ch, depth in _structure(src, i):
        if ch == ")" and depth == 0:
            return j + 1
    raise ValueError("unbalanced group")


def _flatten(src: str) -> list[str]:
    """Alternatives, each starting with \\b, equivalent in order to *src*: ``(?:X)`` spanning the whole
    alternative is opened, ``\\b(?:a|b)T`` becomes ``\\b(?:a)T``, ``\\b(?:b)T``."""
    out: list[str] = []
    for alt in _split_top(src):
        if alt.startswith("(?:") and _group_end(alt, 0) == len(alt):
            out += _flatten(alt[3:-1])
        elif alt.startswith(r"\b(?:"):
            end = _group_end(alt, 2)
            inner, tail = alt[5:end - 1], alt[end:]
            if tail[:1] in ("*", "+", "?", "{"):
                out.append(alt)         # (a repeated group: kept whole)
            else:
                out += [rf"\b(?:{a}){tail}" for a in _split_top(inner)]
        else:
            out.append(alt)
    return out


def _first(items) -> tuple[set[str] | None, bool]:
    """(characters a match can start with, or None when any; whether it can match empty)."""
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            return chars | {chr(av)}, False
        if op is _c.IN:
            for o, a in av:
                if o is _c.LITERAL:
                    chars.add(chr(a))
                elif o is _c.RANGE and a[1] - a[0] < 64:
                    chars.update(chr(x) for x in range(a[0], a[1] + 1))
                elif o is _c.CATEGORY and a is _c.CATEGORY_DIGIT:
                    chars |= {_DIGIT, *"0123456789"}      # (any decimal digit: see Dispatch)
                else:
                    return None, False
            return chars, False
        if op is _c.SUBPATTERN:
            f, empty = _first(av[3])
        elif op is _c.BRANCH:
            f, empty = set(), False
            for b in av[1]:
                fb, eb = _first(b)
                if fb is None:
                    return None, False
                f |= fb
                empty = empty or eb
        elif op in _REPEATS:
            f, empty = _first(av[2])
            empty = empty or av[0] == 0
        else:
            return None, False
        if f is None:
            return None, False
        chars |= f
        if not empty:
            return chars, False
    return chars, True


#: Marks a \\d (any decimal digit, not only 0-9) among the characters an alternative can start with.
_DIGIT = r"\d"
#: The characters other than ASCII that IGNORECASE matches to an ASCII letter or digit (İ ı ſ K: checked
#: over all of Unicode by tests/test_extract_speed_invariants.py).
_FOLDED_ONTO_ASCII = "\u0130\u0131\u017f\u212a"


class Searcher(Protocol):
    """What the extractor asks of a word pattern: a compiled ``re.Pattern[str]`` or a :class:`Dispatch` over one
    (the lexicon's big alternations are rebound to whichever :func:`dispatch` gives)."""

    @property
    def pattern(self) -> str: ...
    @property
    def flags(self) -> int: ...
    @property
    def groups(self) -> int: ...
    def search(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str] | None: ...
    def finditer(self, string: str, pos: int = ..., endpos: int = ...) -> Iterator[re.Match[str]]: ...
    def match(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str] | None: ...
    def fullmatch(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str] | None: ...
    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = ...) -> str: ...
    def findall(self, string: str, pos: int = ..., endpos: int = ...) -> list[Any]: ...


class Dispatch:
    """``search``/``finditer`` of a ``\\b``-led alternation, tried per starting letter (see the module); the
    other methods are the compiled pattern's own."""

    def __init__(self, rx: re.Pattern, alts: list[tuple[str, set[str]]]) -> None:
        self.rx, self.pattern, self.flags, self.groups = rx, rx.pattern, rx.flags, rx.groups
        # where a match can begin: one of those letters in any case (a class without IGNORECASE, which the
        # engine scans for in C), at a word boundary (the letter is a word character, so the boundary is a
        # word character's absence before it)
        digit = r"\d" if any(_DIGIT in f for _, f in alts) else ""
        alts = [(a, f - {_DIGIT}) for a, f in alts]
        letters = sorted({c.lower() for _, f in alts for c in f})
        every = sorted({x for _, f in alts for c in f for x in (c, c.lower(), c.upper())} | set(_FOLDED_ONTO_ASCII))
        # (a \\d matches every Unicode decimal digit: the class holds \\d itself; a digit other than 0-9 is no
        # key, so the whole pattern is tried there)
        self._start = re.compile("[" + "".join(re.escape(c) for c in every) + digit + r"](?<!\w.)")
        self._table: dict[str, re.Pattern] = {}
        for k in letters:
            mine = [a for a, f in alts if k in {c.lower() for c in f}]
            self._table[k] = re.compile("|".join(f"(?:{a})" for a in mine), rx.flags)
        # an ASCII letter in either case -> its letter's pattern; any other character (İ ı ſ K, a digit beyond 0-9)
        # -> the whole pattern
        self._by_char = {ch: sub for k, sub in self._table.items() for ch in {k, k.upper()}}
        self.match, self.fullmatch, self.sub, self.subn = rx.match, rx.fullmatch, rx.sub, rx.subn
        self.split, self.findall = rx.split, rx.findall

    def starts(self, text: str, pos: int = 0) -> Iterator[tuple[int, str]]:
        """(position, character) of every place from *pos* on where a match may begin."""
        for c in self._start.finditer(text, pos):
            yield c.start(), c.group()

    def match_at(self, text: str, p: int, ch: str) -> re.Match | None:
        """The pattern's match at *p*, where ``starts`` gave character *ch*."""
        return self._by_char.get(ch, self.rx).match(text, p)

    def can_start(self, ch: str) -> bool:
        """False when no alternative can start with character *ch* (an ASCII letter or digit none begins with)."""
        return ch in self._by_char or not (ch.isascii() and ch.isalnum())

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        if endpos is not None:
            yield from self.rx.finditer(text, pos, endpos)
            return
        nxt = pos
        by_char, rx = self._by_char, self.rx
        for c in self._start.finditer(text, pos):
            p = c.start()
            if p < nxt:
                continue
            m = by_char.get(c.group(), rx).match(text, p)
            if m is not None:
                yield m
                nxt = m.end() if m.end() > p else p + 1

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        if endpos is not None:
            return self.rx.search(text, pos, endpos)
        by_char, rx = self._by_char, self.rx
        for c in self._start.finditer(text, pos):
            m = by_char.get(c.group(), rx).match(text, c.start())
            if m is not None:
                return m
        return None


def dispatch(rx: Searcher) -> Searcher:
    """A :class:`Dispatch` for *rx*, or *rx* itself when its shape does not allow one."""
    if isinstance(rx, Dispatch) or not isinstance(rx, re.Pattern):    # (a Dispatch already)
        return rx
    if rx.groupindex or rx.flags & (re.VERBOSE | re.MULTILINE | re.DOTALL | re.ASCII | re.LOCALE):
        return rx
    if not rx.flags & re.IGNORECASE and "(?i" in rx.pattern:
        return rx            # (a case-insensitive part in a case-sensitive pattern: not analysed)
    try:
        alts = _flatten(rx.pattern)
        out = []
        for a in alts:
            if not a.startswith(r"\b"):
                return rx
            f, empty = _first(_p.parse(a, rx.flags))
            if f is None or empty or not f or not all(c == _DIGIT or c.isascii() and c.isalnum() for c in f):
                return rx
            out.append((a, f))
        for a, _ in out:
            re.compile(a, rx.flags)
        d = Dispatch(rx, out)
    except (ValueError, re.error, IndexError):
        return rx
    # groups: only where every letter's pattern numbers them as the whole one does (one alternative, or all
    # the alternatives that hold groups tried at every letter)
    if rx.groups and any(sub.groups != rx.groups for sub in d._table.values()):
        return rx
    return d
