"""No text from ../shared/realdev in the repository: not one 8-word run of any realdev article or analyst
text may appear in geo/, scripts/ or tests/ (every text file there; binary files are skipped).

Why: a rule written around one real sentence fits that sentence only, and the held-out sets we are
finally scored on are of the same kinds; copied text also may not be committed at all. Words are
normalised (lowercase, letters and digits only), so re-punctuating or re-casing a copied run is still
caught. Fast: one set of the shared texts' 8-word shingles, one pass over each repository file.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTLINE_MAP_SHARED") or ROOT.parent / "shared") / "realdev"
N = 8
SEARCHED = ("geo", "scripts", "tests")
_WORD = re.compile(r"[^\W_]+")
# Official names of institutions that are 8 words long are not article text. Listed by the SHA-1 of the
# normalised run, so that this list cannot itself carry article text; each entry says what it is.
ALLOWED = {
    "f4e1f79ccf4c983d": "the Ukrainian General Staff's full English name (a source-attribution rule names it)",
}


def _allowed(run: tuple[str, ...]) -> bool:
    return hashlib.sha1(" ".join(run).encode()).hexdigest()[:16] in ALLOWED


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, n: int = N) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def shared_texts(shared: Path = SHARED) -> list[Path]:
    return sorted(shared.glob("articles/*.txt")) + sorted(shared.glob("short/texts/*.txt"))


def _body(path: Path) -> str:
    """A shared text without its `date YYYY-MM-DD` first line (metadata, not prose)."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    return rest if first.startswith("date ") else text


def repo_text(path: Path) -> str | None:
    """The file as text, or None for a binary file (a NUL byte, or not UTF-8)."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def copied_runs(shared_shingles: set[tuple[str, ...]], roots: list[Path]) -> dict[str, str]:
    """Repository file → one copied run, for every text file under ``roots`` sharing a shingle."""
    hits = {}
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            text = repo_text(path)
            if text is None:
                continue
            common = {s for s in shingles(text) & shared_shingles if not _allowed(s)}
            if common:
                hits[str(path.relative_to(root.parent))] = " ".join(min(common))
    return hits


def test_allowed_runs_are_only_institution_names():
    assert _allowed(tuple("General Staff of the Armed Forces of Ukraine".lower().split()))
    assert not _allowed(tuple("the general staff of the armed forces said".split()))


def test_shingles_normalise_case_and_punctuation():
    a = shingles("The STRIKE hit, at dawn, a depot - in the town of X.")
    b = shingles("the strike hit at dawn a depot in the town of x")
    assert a == b and len(a) == 5
    assert shingles("only seven words are in this text") == set()


def test_a_planted_run_is_found_and_a_seven_word_overlap_is_not(tmp_path):
    src = "alpha bravo charlie delta echo foxtrot golf hotel india juliett"
    pkg = tmp_path / "geo"
    pkg.mkdir()
    (pkg / "rules.py").write_text('PATTERN = "Charlie, Delta echo foxtrot golf hotel India!"\n')  # 7 words: fine
    (pkg / "blob.bin").write_bytes(b"\0" + src.encode())                                    # binary: skipped
    assert copied_runs(shingles(src), [pkg]) == {}
    (pkg / "data.json").write_text('{"x": "Bravo charlie delta echo foxtrot golf hotel india"}')
    assert copied_runs(shingles(src), [pkg]) == {"geo/data.json": "bravo charlie delta echo foxtrot golf hotel india"}


@pytest.mark.skipif(not shared_texts(), reason="../shared/realdev absent")
def test_no_realdev_text_in_the_repository():
    texts = shared_texts()
    assert len(texts) >= 300  # articles and short texts were both found
    ref: set[tuple[str, ...]] = set()
    for p in texts:
        ref |= shingles(_body(p))
    hits = copied_runs(ref, [ROOT / d for d in SEARCHED])
    assert not hits, "8-word runs of ../shared/realdev texts in the repository: " + "; ".join(
        f"{f}: '{run}'" for f, run in hits.items())
