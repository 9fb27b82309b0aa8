"""The viewer's JavaScript: unit tests of its pure functions (``node --test tests/js/``), lint
(eslint, installed by ``scripts/setup.sh --test``) and the bundle the page gets (it must parse
as a classic script). Node is a development tool only: users' builds never run it."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from geo import _map_plugins as P
from geo._map_bundle import bundle

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node not installed")


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_node_unit_tests_pass():
    r = _run([NODE, "--test", "tests/js/"])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout and "# pass " in r.stdout


def test_eslint_is_clean():
    eslint = ROOT / "node_modules" / ".bin" / "eslint"
    assert eslint.exists(), "eslint missing: run scripts/setup.sh --test (npm install of package.json)"
    r = _run([str(eslint), "geo/assets/js", "tests/js"])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]


def test_the_bundle_parses_as_a_classic_script(tmp_path):
    mods = [P.JS / "viewer.mjs"] + sorted(p for p in P.JS.glob("*.mjs") if p.name != "viewer.mjs")
    js = bundle(mods, expose={"frontlineViewer": "viewer.mjs:frontlineViewer"})
    f = tmp_path / "bundle.js"            # .js + no "type": "module" nearby: node reads it as a script
    f.write_text(js, encoding="utf-8")
    r = _run([NODE, "--check", str(f)])
    assert r.returncode == 0, r.stderr
    assert not re.search(r"^\s*(import|export)\b", js, re.M)
