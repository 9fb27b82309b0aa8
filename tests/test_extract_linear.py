"""Extraction is linear in text length whatever the line length (issue 11).

Work is counted, not timed: the number of lines the extractor's own code runs (loop iterations
included: a loop jumping back is a new line event), with its caches emptied first so the count is
a deterministic function of the text. Four times the text must cost about four times the work; a
pass that rescans what it has already made per sentence (quadratic) would cost ~16 times.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

gazetteer = pytest.importorskip("geo.gazetteer")
from geo.extract import (  # noqa: E402
    classify,
    dates,
    extract_text,  # noqa: E402
    homonyms,
    lexicon,
    toponyms,
    triggers,
)

EXTRACT_DIR = str(Path(homonyms.__file__).parent)

# our own prose, told the way running reports are: a place hit, a follow-up with no place of its own
# ("the town", a date), another place: every pass that looks back at the incidents already made runs
_BLOCK = ("Russian artillery shelled Kupiansk on Thursday, wounding two men. "
          "Later a missile struck the town again on Friday, officials said. "
          "Drones hit Kharkiv overnight. The strike happened on Saturday. ")


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load_gazetteer()


def _one_line(chars: int) -> str:
    """One line of *chars* characters (no line break at all, no sentence longer than its block)."""
    return (_BLOCK * (chars // len(_BLOCK) + 1))[:chars]


def _reset_caches() -> None:
    triggers._triggers_cached.cache_clear()
    dates._find_dates.cache_clear()
    lexicon.first_weapons.cache_clear()
    classify.weapon.cache_clear()
    classify._actor.cache_clear()
    toponyms._LOOKUPS.clear()
    toponyms._CENTRES.clear()
    homonyms._CANDIDATES.clear()


def work(text: str, gaz) -> tuple[int, int]:
    """(lines run in geo/extract, events) for one extraction of *text*."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):     # trace only the extractor's frames (cheap elsewhere)
        return local if frame.f_code.co_filename.startswith(EXTRACT_DIR) else None

    _reset_caches()
    sys.settrace(tracer)
    try:
        n = len(extract_text(text, published=date(2024, 6, 4), source="t", gazetteer=gaz))
    finally:
        sys.settrace(None)
    return count, n


def test_a_long_line_costs_work_linear_in_its_length(gaz):
    (w_small, n_small), (w_big, n_big) = work(_one_line(8_000), gaz), work(_one_line(32_000), gaz)
    assert n_small >= 2 and n_big >= n_small          # (it really extracts events from the line)
    # 4x the text: 4.0x the work now; the per-sentence rescans this guards against made it 5.9x (16x at scale)
    assert w_big < 4.5 * w_small, (w_small, w_big)


def test_the_work_count_sees_a_quadratic_pass(gaz, monkeypatch):
    """The measure itself: a pass that rescans every candidate made so far, per sentence, is caught."""
    from geo.extract import incidents
    real = incidents._recent
    # (compiled as if in geo/extract: the count covers the extractor's own code only)
    probe = compile("def rescan(out, index, back):\n    for c in out:\n        pass\n    return real(out, index, back)\n",
                    str(Path(EXTRACT_DIR) / "_probe.py"), "exec")
    scope = {"real": real}
    exec(probe, scope)
    rescan = scope["rescan"]
    monkeypatch.setattr(incidents, "_recent", rescan)
    w_small, _ = work(_one_line(8_000), gaz)
    w_big, _ = work(_one_line(32_000), gaz)
    assert w_big > 4.5 * w_small, (w_small, w_big)
