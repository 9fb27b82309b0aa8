"""mypy over the package with the configuration in pyproject.toml ([tool.mypy]): the modules that pass stay
passing. mypy is run on the whole package (it follows imports anyway) and its errors are sorted by file:
any error in a file not listed in _PENDING fails, and so does a _PENDING file that has become clean (take it
off the list, so it cannot regress either). Skipped where mypy is not installed (it comes with the test extra).
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Files with known mypy errors, to be fixed (their errors are not reported here until then).
_PENDING = frozenset({
    "geo/_columns.py", "geo/_csv_chunks.py", "geo/_map_plugins.py", "geo/_passes.py", "geo/render.py",
    "geo/write.py",
})

_ERROR = re.compile(r"^(?P<file>[^:\s]+\.py):\d+: error: ", re.M)


def _errors_by_file() -> dict[str, list[str]]:
    # (cwd: the repository, so pyproject's [tool.mypy] applies; the cache makes a second run take seconds)
    run = subprocess.run([sys.executable, "-m", "mypy", "geo", "--no-pretty", "--no-error-summary",
                          "--show-error-codes"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), f"mypy crashed ({run.returncode}): {run.stderr or run.stdout}"
    out: dict[str, list[str]] = {}
    for line in run.stdout.splitlines():
        m = _ERROR.match(line)
        if m:
            out.setdefault(Path(m["file"]).as_posix(), []).append(line)
    assert run.returncode == 0 or out, f"mypy failed without an error line: {run.stdout}{run.stderr}"
    return out


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy not installed (pip install -e '.[test]')")
def test_mypy_passes_outside_the_pending_list():
    errors = _errors_by_file()
    new = {f: e for f, e in errors.items() if f not in _PENDING}
    assert not new, "mypy errors:\n" + "\n".join(line for e in new.values() for line in e)
    fixed = sorted(f for f in _PENDING if f not in errors)
    assert not fixed, f"no mypy errors left in {fixed}: take them off _PENDING in tests/test_types.py"
