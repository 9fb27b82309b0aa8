"""CI runs the README screenshot script, so docs/map.png can always be remade."""
from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser


def test_screenshot_script_draws_the_built_sample(tmp_path):
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("/usr/bin/chromium not installed")
    assert main(["build", str(ROOT / "data" / "sample_events.csv"), "-o", str(tmp_path / "m")]) == 0
    out = tmp_path / "map.png"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"),
                        str(tmp_path / "m" / "events.geojson"), "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width >= 800 and height >= 500
    assert out.stat().st_size > 50_000          # a drawn map, not a blank page
