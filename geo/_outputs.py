"""A map folder's outputs switch together: all old or all new, whatever moment a build is killed.

Layout of an output folder (``-o DIR``)::

    DIR/index.html      -> .frontline-map/current/index.html      (relative symlinks)
    DIR/events.geojson  -> .frontline-map/current/events.geojson
    DIR/rejects.csv     -> .frontline-map/current/rejects.csv
    DIR/.frontline-map/current -> gen-XXXX                         (the one switch)
    DIR/.frontline-map/gen-XXXX/{index.html, events.geojson, rejects.csv}

A build writes every file of the new generation into a fresh ``gen-*`` folder (fsynced), then
renames a new ``current`` link over the old one: one atomic ``rename(2)`` switches all files at
once. Leftovers of a killed build (a ``gen-*`` folder nothing points to, a temporary link, the
``.NAME.*.tmp`` files of older versions) are removed at the start of the next build. Regular
output files from before this layout are first moved into a generation of their own, so even the
first switch is all-or-nothing.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo._errors import InputError
from geo._io import _out_error, ensure_dir

STATE = ".frontline-map"
CURRENT = "current"


@dataclass(frozen=True)
class ToPath:
    """Content written by a function given a file path, for libraries that open the file themselves
    (pyogrio's GeoPackage, pyarrow's Parquet). :func:`publish` passes a temporary path inside the
    new generation folder and renames it to the output's name once written and fsynced."""

    write: Callable[[Path], None]


def check_outdir(outdir: Path) -> None:
    """Fail before any work when *outdir* cannot be an output folder (a file, read-only)."""
    if outdir.exists() and not outdir.is_dir():
        raise InputError(str(outdir), "cannot write: exists and is a file, not a folder (-o names a folder)")
    ensure_dir(outdir)
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise InputError(str(outdir), "cannot write: not writable (read-only folder or disk)")


def publish(outdir: Path, files: dict) -> dict[str, Path]:
    """Write *files* as one new generation and switch to it atomically.

    name → content: ``str`` (written as UTF-8), ``bytes``, a callable given the open text file
    (UTF-8) that writes the content itself, so a large output is never held whole in memory, or a
    :class:`ToPath` whose function writes a file at the path it is given.
    """
    outdir = Path(outdir)
    try:
        return _publish(outdir, files)
    except OSError as e:
        raise _out_error(outdir, e) from None


def _publish(outdir: Path, files: dict) -> dict[str, Path]:
    state = ensure_dir(outdir / STATE)
    cleanup(outdir, files)
    _adopt_plain_files(outdir, state, files)
    gen = Path(tempfile.mkdtemp(prefix="gen-", dir=state))
    try:
        for name, content in files.items():
            if "/" in name:                 # a map folder's data (``index.data-<hash>/events.js``)
                (gen / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, ToPath):
                _write_path(gen, name, content)
                continue
            binary = isinstance(content, (bytes, bytearray))
            text_opts: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
            with open(gen / name, "wb" if binary else "w", **text_opts) as fh:
                if callable(content):
                    content(fh)            # a writer streaming into the file (large outputs)
                else:
                    fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(gen / name, 0o644)
        os.chmod(gen, 0o755)
        _fsync_dir(gen)
        tops = list(dict.fromkeys(n.split("/", 1)[0] for n in files))   # files and data folders
        for name in tops:
            _link(outdir / name, f"{STATE}/{CURRENT}/{name}")
        old = _current(state)
        _link(state / CURRENT, gen.name)       # the switch
        _fsync_dir(state)
        for p in outdir.iterdir():             # links to what the new generation no longer has (old data folders)
            with contextlib.suppress(OSError):
                if p.is_symlink() and p.name not in tops and os.readlink(p).startswith(f"{STATE}/{CURRENT}/") \
                        and not p.exists():
                    p.unlink()
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    if old and old != gen.name:
        shutil.rmtree(state / old, ignore_errors=True)
    return {name: outdir / name for name in files}


def _write_path(gen: Path, name: str, content: ToPath) -> None:
    """Let *content* write ``gen/.part-NAME`` (the suffix kept, as drivers want), fsync, rename to NAME.

    Side files a library may leave (an SQLite ``-journal``) are removed; the generation is not
    published before every file is complete, so a crash here leaves only an unused ``gen-*``.
    """
    tmp = (gen / name).with_name(".part-" + (gen / name).name)
    content.write(tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, gen / name)
    os.chmod(gen / name, 0o644)
    for p in tmp.parent.glob(tmp.name + "*"):
        with contextlib.suppress(OSError):
            p.unlink()


def cleanup(outdir: Path, names) -> None:
    """Remove what a killed build may have left: unused generations, temporary links and files."""
    state = outdir / STATE
    if state.is_dir():
        live = _current(state)
        for p in state.iterdir():
            if p.name.startswith("gen-") and p.name != live:
                shutil.rmtree(p, ignore_errors=True)
            elif p.name.startswith(".tmp-"):
                with contextlib.suppress(OSError):
                    p.unlink()
    for name in names:
        for p in outdir.glob(f".{name}.*.tmp"):   # geo._io.atomic_open leftovers (older versions)
            with contextlib.suppress(OSError):
                p.unlink()


def _current(state: Path) -> str | None:
    try:
        target = os.readlink(state / CURRENT)
    except OSError:
        return None
    return target if (state / target).is_dir() else None


def _adopt_plain_files(outdir: Path, state: Path, files) -> None:
    """Outputs that are regular files (an older layout) move into a generation before any link replaces one."""
    plain = [n for n in files if "/" not in n and (outdir / n).is_file() and not (outdir / n).is_symlink()]
    if not plain:
        return
    if _current(state) is None:
        gen = Path(tempfile.mkdtemp(prefix="gen-", dir=state))
        for n in plain:
            shutil.copy2(outdir / n, gen / n)
        _fsync_dir(gen)
        _link(state / CURRENT, gen.name)
        _fsync_dir(state)
    current = _current(state)
    assert current is not None      # (linked just above where there was none)
    live = state / current
    for n in plain:
        if not (live / n).exists():
            shutil.copy2(outdir / n, live / n)
        _link(outdir / n, f"{STATE}/{CURRENT}/{n}")   # same content as before: never a mixed set


def _link(path: Path, target: str) -> None:
    """Make *path* a symlink to *target*, atomically (a temporary link renamed over it)."""
    with contextlib.suppress(OSError):
        if os.readlink(path) == target:
            return
    if path.is_dir() and not path.is_symlink():
        raise InputError(str(path), "cannot write: a folder of this name is in the way")
    state = path.parent if path.parent.name == STATE else path.parent / STATE
    tmp = state / f".tmp-{os.getpid()}-{path.name}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as e:  # some file systems cannot fsync a folder
        if e.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)
