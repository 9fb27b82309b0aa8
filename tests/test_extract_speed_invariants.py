"""The extractor's speed-ups change nothing it extracts: per-letter dispatch finds the same matches as the
plain patterns, memo caches are bounded, and an article's events do not depend on what was read before it
(the parallel and incremental paths rely on each article's extraction being a pure function of its text)."""
from __future__ import annotations

import functools
import random
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from geo.extract import _scan, classify, dates, homonyms, incidents, lexicon, roles, toponyms, triggers
from geo.extract.sentences import split_article

FIXTURES = Path(__file__).parent / "fixtures" / "articles"


def _texts() -> list[str]:
    out = []
    for f in sorted(FIXTURES.glob("*/*.txt")):
        t = f.read_text(encoding="utf-8")
        if t.startswith("date "):
            t = t.split("\n", 1)[-1]
        out.append(t)
    return out


def _sentences() -> list[str]:
    return [s.text for t in _texts() for s in split_article(t)]


def _dispatched() -> dict[str, _scan.Dispatch]:
    """Every Dispatch the extractor uses, by where it lives."""
    found: dict[str, _scan.Dispatch] = {}
    for mod in (lexicon, triggers, roles, toponyms, dates, incidents):
        for name, v in vars(mod).items():
            items = list(v) if isinstance(v, (list, tuple)) else [v]
            for i, x in enumerate(items):
                x = x[-1] if isinstance(x, tuple) and x and isinstance(x[-1], (_scan.Dispatch, re.Pattern)) else \
                    x[0] if isinstance(x, tuple) and x else x
                x = x.rx if isinstance(x, roles._AtEnd) else x
                if isinstance(x, _scan.Dispatch):
                    found[f"{mod.__name__}.{name}[{i}]"] = x
    return found


def _hostile() -> list[str]:
    """Strings where a shortcut would go wrong: IGNORECASE's non-ASCII folds (İ ı ſ K), digits beyond 0-9,
    words glued to letters, masked clauses (runs of spaces), text ending in the middle of a word."""
    words = ["strike", "struck", "Shelling", "SHELLED", "attack", "killed", "drone", "Shahed", "HIMARS", "said",
             "explosion", "the", "on", "in", "May", "12", "٣", "2024-05-03", "ſtrike", "ſaid", "\u212aill\u212aed",
             "İn", "ıs", "not", "could", "following", "are being", "air raid alert", "x", "-", ",", "."]
    rnd = random.Random(7)
    out = ["", " ", "ſ", "\u212a", "strikes" * 3, "  ".join(words), "".join(words)]
    for _ in range(400):
        out.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 14))) + rnd.choice(["", " ", "  ", ","]))
    return out


def test_the_big_alternations_are_dispatched():
    found = _dispatched()
    for rx in (lexicon.STRIKE, lexicon.ATTACK, lexicon.TARGET_BEFORE, triggers._ANY_SCAN, incidents._ANY_TRIGGER):
        assert isinstance(rx, _scan.Dispatch)
    assert len(found) >= 20


@pytest.mark.parametrize("name", sorted(_dispatched()))
def test_dispatch_finds_what_the_pattern_finds(name):
    d = _dispatched()[name]
    rx = d.rx
    for s in _sentences() + _hostile():
        for pos in (0, 1, 9):
            want = [(m.span(), m.groups()) for m in rx.finditer(s, pos)]
            got = [(m.span(), m.groups()) for m in d.finditer(s, pos)]
            assert got == want, (name, s, pos)
            w, g = rx.search(s, pos), d.search(s, pos)
            assert (w and (w.span(), w.groups())) == (g and (g.span(), g.groups())), (name, s, pos)
        assert d.match(s) == rx.match(s) or d.match(s).span() == rx.match(s).span()


def test_dispatch_on_tricky_shapes():
    cases = [
        (r"\b(?:ab|a)(?:c|)\b", re.I),                 # order of alternatives decides the match
        (r"\b(?:x\d+|y)|\b(?:\d{2}-\d|zz)", 0),       # digits, two groups of alternatives
        (r"\b(?:car )?bomb|\bied\b", re.I),            # an optional first word
        (r"\b(?:is|are)\s+being\s+\w+\s*$", re.I),     # end-anchored
        (r"\b[A-Z][a-z]+,\s+$", 0),                   # case-sensitive class
        (r"\b(\d{4})-(\d\d)\b", 0),                  # groups, one alternative
    ]
    texts = _hostile() + ["car bomb and a bomb, Abc abc ac x12 y 12-3 zz 2024-05 is being hit ", "Kyiv, ", "kyiv, "]
    for pat, flags in cases:
        rx = re.compile(pat, flags)
        d = _scan.dispatch(rx)
        assert isinstance(d, _scan.Dispatch), pat
        for s in texts:
            assert [(m.span(), m.groups()) for m in d.finditer(s)] == [(m.span(), m.groups()) for m in rx.finditer(s)]


def test_dispatch_declines_what_it_cannot_prove():
    for pat in (r"(?:ab)+\b", r"x\b", r"\b(?:a|b)?", r"\b(?P<n>ab)", r"\b(?:(a)|(b))", r"\b(?:.x|y)", r"\b(?:é|e)"):
        rx = re.compile(pat)
        assert _scan.dispatch(rx) is rx, pat


def test_adjective_tail_test_as_the_pattern():
    # roles._AtEnd tries its tail pattern from the last two words only, remembered per pair of words
    a = roles._ADJS
    words = ["the", "a", "north", "eastern ukrainian", "eastern", "home town", "town", "x-occupied", "-occupied",
             "Kyiv", "in", "near", "nearby", "its", "-", "é", "ſ", "Russian-controlled", ","]
    rnd = random.Random(5)
    texts = [s[:i] for s in _sentences()[:300] for i in range(0, len(s), 7)] + ["", " ", "the", " the", "a  "]
    texts += ["".join(rnd.choice(words) + rnd.choice([" ", "  ", "", " \t", "\u2009"]) for _ in range(rnd.randint(0, 9)))
              for _ in range(3000)]
    for t in texts:
        low = roles._tail(t)[2]
        assert a._may(t) == (low is None or a.tail.search(low) is not None), t


def test_first_weapons_as_defined():
    # each weapon's first match, in WEAPONS order (the definition, spelt out with the plain patterns)
    def plain(text):
        return tuple((n, m.start(), m.group(0)) for n, rx in lexicon.WEAPONS for m in [rx.search(text)] if m)
    ws = ["HIMARS", "iskander-M", "Iskander-K", "shells", "shelled", "drones", "sea drone", "missile", "rockets",
          "S-300/400", "s-400", "KAB", "glide bomb", "Grad", "tornado", "kh-101", "Kh59", "the", "and", ",", "ſhahed",
          "artillery", "howitzers", "mortars", "unmanned surface vessel", "air raid"]
    rnd = random.Random(2)
    texts = _sentences() + _hostile() + [" ".join(rnd.choice(ws) for _ in range(rnd.randint(1, 10))) for _ in range(2000)]
    for t in texts:
        assert lexicon.first_weapons.__wrapped__(t) == plain(t), t


def test_date_patterns_gated_as_scanned_whole():
    # dates._NEEDS skips a pattern whose necessary words are absent: the matches of every pattern, on every
    # text, come only from texts that hold all its words (so skipping the others loses nothing)
    ws = ["May 5", "5 may", "june", "Sept. 12, 2024", "2024-05-03", "ſept 3", "monday", "MONDAYS", "last night",
          "yesterday", "the past 24 hours", "twenty-four hours", "at dawn", "midnight", "this week", "in recent days",
          "early this morning", "last month", "in 2023", "since 1991", "٣", "the", "x", ",", "on", "in", "of"]
    rnd = random.Random(11)
    texts = _sentences() + _hostile() + [" ".join(rnd.choice(ws) for _ in range(rnd.randint(1, 8))) for _ in range(3000)]
    for kind, rx in dates._PATTERNS:
        for t in texts:
            if any(rx.finditer(t)):
                assert all(w.search(t) for w in dates._NEEDS[kind]), (kind, t)
    pub = date(2024, 6, 4)
    for t in texts[:4000:3]:
        dates._find_dates.cache_clear()
        got = dates._find_dates(t, pub, None)
        saved, dates._NEEDS = dates._NEEDS, {k: () for k in dates._NEEDS}
        try:
            dates._find_dates.cache_clear()
            assert dates._find_dates(t, pub, None) == got, t
        finally:
            dates._NEEDS = saved
    dates._find_dates.cache_clear()


def test_near_specific_weapon_as_defined_reading_the_tail_only():
    # the definition spelt out (the last entry of the two sentences before, in order), and only the entries of
    # those sentences are read: a long text's weapons are not rescanned per candidate
    def plain(specific, index, wpn):
        near = [w for i, w in specific if 0 <= index - i <= 2 and (not wpn or wpn in lexicon.GENERIC_OF.get(w, "").split())]
        return near[-1] if near else None
    names = sorted(lexicon.GENERIC_OF)[:6] + ["HIMARS", "Lancet"]
    rnd = random.Random(4)
    for _ in range(3000):
        specific, i = [], 0
        for _ in range(rnd.randint(0, 12)):
            i += rnd.choice([0, 0, 1, 2, 3])
            specific.append((i, rnd.choice(names)))
        index = i + rnd.choice([0, 1, 2, 3])
        wpn = rnd.choice(["", "missile", "drone", "artillery", "MLRS"])
        assert incidents._near_specific(specific, index, wpn) == plain(specific, index, wpn), (specific, index, wpn)

    class Counted(list):
        read = 0

        def __reversed__(self):
            for x in list.__reversed__(self):
                Counted.read += 1
                yield x
    long = Counted((i, "Lancet") for i in range(100_000))
    assert incidents._near_specific(long, 99_999, "missile") is None and Counted.read <= 4


def test_the_non_ascii_folds_are_all_known():
    # the characters IGNORECASE matches to an ASCII letter or digit, over all of Unicode
    rx = re.compile("[a-z0-9]", re.I)
    folded = {chr(c) for c in range(sys.maxunicode + 1) if c > 127 and rx.match(chr(c))}
    assert folded == set(_scan._FOLDED_ONTO_ASCII)


@pytest.fixture(scope="module")
def gazetteer():
    from geo.gazetteer import load_gazetteer
    return load_gazetteer()


# ---------- caches: bounded ----------

def test_memo_caches_are_bounded():
    from geo import _names
    for f in (_names.key, _names.exact_key, _names._fold_word, _names.admin2_stem, lexicon.common_word,
              lexicon.first_weapons, triggers._triggers_cached, dates._find_dates, roles._ADJS._tail_hit,
              classify.weapon, classify._actor):
        assert isinstance(f, functools._lru_cache_wrapper) and f.cache_info().maxsize is not None, f


def test_dict_memos_empty_at_their_bound(gazetteer):
    # (each memo emptied first: other tests may have cached the names asked here, and a hit never evicts)
    toponyms._LOOKUPS.clear()
    toponyms._LOOKUPS.update({(0, f"x{i}"): [] for i in range(100_001)})
    assert toponyms._lookup(gazetteer, "Kupiansk")
    assert len(toponyms._LOOKUPS) == 1
    toponyms._CENTRES.clear()
    toponyms._CENTRES.update({(0, f"x{i}"): None for i in range(10_001)})
    toponyms._district_centre(gazetteer, "Izium district")
    assert len(toponyms._CENTRES) == 1
    from geo import gazetteer as G
    gazetteer._admin2_centres.clear()
    gazetteer._admin2_centres.update({f"x{i}": None for i in range(G._MEMO_MAX)})
    gazetteer.admin2_centre("UA.00:none")
    assert len(gazetteer._admin2_centres) == 1
    gazetteer._fuzzy_memo.clear()
    gazetteer._fuzzy_memo.update({f"x{i}": [] for i in range(G._MEMO_MAX)})
    gazetteer._fuzzy_keys("qzxwvkqq")
    assert len(gazetteer._fuzzy_memo) == 1
    homonyms._CANDIDATES.clear()
    homonyms._CANDIDATES.update({(0, f"x{i}"): [] for i in range(50_001)})
    assert incidents.extract_candidates("Russian shelling hit Kupiansk.", date(2024, 6, 4), gazetteer)[0]
    assert len(homonyms._CANDIDATES) <= 2


def test_admin2_centre_as_defined(gazetteer):
    # the best-ranked row whose name the raion's is made from, else the best-ranked (the definition, spelt out)
    from geo import _names
    codes = sorted(gazetteer._admin2_rows)[::8]
    assert len(codes) > 40
    for code in codes:
        rows = gazetteer._admin2_rows[code]
        stem = _names.admin2_stem(code.split(":", 1)[1])
        named = [i for i in rows if _names.admin2_stem(gazetteer._name[i]) == stem
                 or _names.key(gazetteer._name[i]).startswith(stem)]
        pick = max(named or rows, key=lambda i: (gazetteer._row(i)[3], -i))
        assert gazetteer.admin2_centre(code) == gazetteer._place(pick), code


# ---------- an article's events: a function of its text ----------

def _clear_caches(gaz) -> None:
    from geo import _names
    for f in (_names.key, _names.exact_key, _names._fold_word, _names.admin2_stem, lexicon.common_word,
              lexicon.first_weapons, triggers._triggers_cached, dates._find_dates, classify.weapon, classify._actor):
        f.cache_clear()
    for d in (toponyms._LOOKUPS, toponyms._CENTRES, homonyms._CANDIDATES, gaz._admin2_centres, gaz._fuzzy_memo):
        d.clear()


def test_order_of_articles_does_not_matter(gazetteer):
    from geo.extract import extract_text
    texts = [t for t in _texts() if len(t) > 300]
    rnd = random.Random(3)
    pairs = [tuple(rnd.sample(texts, 2)) for _ in range(4)]

    def run(seq):
        return [extract_text(t, published=date(2024, 6, 4), source="s", gazetteer=gazetteer) for t in seq]
    for a, b in pairs:
        _clear_caches(gazetteer)
        ab = run([a, b])
        _clear_caches(gazetteer)
        ba = run([b, a])
        assert ab == ba[::-1]
        assert run([a, b, a]) == ab + ab[:1]          # warm caches, same answers
        assert ab[0] or ab[1]                         # (texts with events: the comparison means something)


def test_lookup_key_order_as_defined(gazetteer):
    # the index stores each key's places pre-ranked (rank_rows at build time): the order must be the
    # definition spelt out from the names themselves (keys folded here, not read from the index)
    from geo import _names
    from geo._gazetteer_build import ranking_population
    g = gazetteer
    keys = sorted((k for k in g._loose.keys() if len(g._loose.get(k)) >= 3), key=len)[::97]
    assert len(keys) > 40
    for k in keys + [_names.key("Oleksandrivka"), _names.key("Kharkov")]:
        def rank(i: int, k: str = k) -> tuple:
            n = g._name[i]
            pop = ranking_population(g._pop[i], g._feat[i])
            return (bool(g._note[i]), -(pop * (4 if _names.exact_key(n) == "" or _names.key(n) == k else 1)), i)
        ids = sorted(g._loose.get(k), key=rank)
        got = [p for p in g.lookup_key(k) if p.precision == "settlement"]
        assert got == [g._place(i) for i in ids], k
        for i in ids:      # the precomputed row keys and population that candidates() ranks by
            n = g._name[i]
            assert g._row(i)[::3] == (_names.exact_key(n), ranking_population(g._pop[i], g._feat[i]))
            assert g._row(i)[1] == _names.key(n)


def test_fuzzy_index_is_the_edit_distance():
    # the vectorised index (grouped by first letter, length-sorted, letter-count bound) answers exactly what
    # a brute-force scan with geo._names.edit_distance does, including empty and one-letter keys
    import random

    from geo import _names
    from geo._fuzzy import FuzzyIndex
    rng = random.Random(7)
    letters = "aiubcdfhklmnprsvz"
    keys = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(1, 11))) for _ in range(3000)}) + [""]
    ix = FuzzyIndex(keys)
    queries = [k[:j] + rng.choice(letters) + k[j + 1:] for k in rng.sample(keys[:-1], 150) for j in [rng.randrange(len(k))]]
    for q in queries + ["a", "zzzzzz"]:
        for limit in (1, 2):
            want = sorted((d, k) for k in keys if k[:1] == q[:1]
                          and (d := _names.edit_distance(q, k, limit)) <= limit)
            assert sorted(ix.distances(q, limit)) == want, (q, limit)


def test_unit_indexes_as_defined(gazetteer):
    # raion rows and the hromada index come built with the index: the definitions spelt out over the rows
    from geo._names import key
    g = gazetteer
    want: dict[str, set] = {}
    for a1, h in set(zip(g._a1, g._hrom)):
        if h:
            want.setdefault(key(h), set()).add((a1, h))
    for k in g._hromada_centres.keys():
        for i in g._hromada_centres.get(k, ()):
            if g._hrom[i]:
                want.setdefault(key(g._name[i]), set()).add((g._a1[i], g._hrom[i]))
    assert len(want) > 1000 and set(g._ix["hromada_keys"].keys()) == set(want)
    assert all(g._hromada_units(k) == v for k, v in want.items())
    rows: dict[str, list[int]] = {}
    for i, (a1, a2, note) in enumerate(zip(g._a1, g._a2, g._note)):
        if a2 and not note:
            rows.setdefault(f"{a1}:{a2}", []).append(i)
    assert len(rows) > 100 and set(g._admin2_rows.keys()) == set(rows)
    assert all(list(g._admin2_rows.get(k)) == v for k, v in rows.items())
