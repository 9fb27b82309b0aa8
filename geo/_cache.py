"""The incremental-rebuild cache: one JSON file per extracted article, so a rebuild re-extracts only
what changed.

Why JSON: the cache folder is user-writable, and whoever can write it must not be able to run code in
the next process that reads it. An entry is parsed with :func:`json.loads` and checked field by field;
nothing in it is ever called, imported or unpickled. A damaged, truncated or foreign entry (a planted
pickle, a file cut short by a crash) fails to parse or to check, is ignored with a warning and the
article is re-extracted (and the entry rewritten).

Key (sha-256 of a JSON list): the article's bytes (its content hash, not its path or mtime), its file
name (events cite it), every option that changes its result (``--encoding``, ``--published``, its
articles-table row), the **extractor version** (a hash of the source of ``geo.extract`` and of every
``geo`` module it imports, transitively, plus any data file in ``geo/extract/``: any code change
invalidates) and the **gazetteer version** (:func:`geo._gazetteer_build.source_signature`: the committed
table, the Russian wheel, the index code). Extraction runs before corrections, so the corrections file
needs no place in the key: corrections are re-applied to every build's events.

A result that depends on the day it was computed (an article with no publication date resolves "on
Friday" against the machine's clock; a publication date after today gets a warning naming today)
carries ``valid_until``: it is a miss from that day on.

Where: ``--cache DIR``; else ``$FRONTLINE_MAP_EXTRACT_CACHE``; else ``$FRONTLINE_MAP_CACHE/extract``;
else ``$XDG_CACHE_HOME/frontline-map/extract``;
else ``~/.cache/frontline-map/extract``. Layout ``DIR/<version>/<2 hex>/<key>.json``, one folder per
(extractor, gazetteer) version. Growth is bounded (:meth:`ExtractCache.prune`, at most once a day):
a version folder unused for :data:`MAX_AGE_DAYS` days is deleted whole (old code's entries never hit
again), then the least recently used entries go until the whole cache is under :data:`MAX_BYTES`.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

#: bump when the entry layout changes (old entries then simply miss)
FORMAT = 1
#: a version folder not used for this long is deleted (days)
MAX_AGE_DAYS = 14
#: the whole cache is kept under this many bytes (least recently used entries go first)
MAX_BYTES = 1 << 30
#: an entry larger than this is not read (a planted /dev/zero-like file must not exhaust memory)
MAX_ENTRY_BYTES = 64 << 20
#: prune at most this often (seconds)
PRUNE_EVERY = 24 * 3600

_GEO = Path(__file__).resolve().parent


def default_dir() -> Path:
    """$FRONTLINE_MAP_EXTRACT_CACHE, else $FRONTLINE_MAP_CACHE/extract, else $XDG_CACHE_HOME/frontline-map/extract,
    else ~/.cache/frontline-map/extract."""
    own = os.environ.get("FRONTLINE_MAP_EXTRACT_CACHE")
    if own:
        return Path(own)
    env = os.environ.get("FRONTLINE_MAP_CACHE")
    if env:
        return Path(env) / "extract"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "frontline-map" / "extract"


# ---------------------------------------------------------------- versions

def _module_file(name: str) -> Path | None:
    """The source file of geo module *name* ("geo.extract.roles"), or None if it is not one of ours."""
    parts = name.split(".")
    if parts[0] != "geo":
        return None
    base = _GEO.joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]+)", re.M)


def _imports(path: Path, module: str) -> set[str]:
    """geo modules *path* imports anywhere in its body (function-level imports too). A line scan, not a
    parse (10x faster, and this runs on every cached run): a docstring line that reads like an import can
    only add a file to the hash, never drop one."""
    out: set[str] = set()
    pkg = module if path.name == "__init__.py" else module.rpartition(".")[0]
    text = path.read_text(encoding="utf-8", errors="replace")
    for m in _IMPORT.finditer(text):
        out.update(n.split()[0] for n in m.group(1).split("#")[0].split(",") if n.strip())
    for m in _FROM.finditer(text):
        base = m.group(1)
        level = len(base) - len(base.lstrip("."))
        base = base.lstrip(".")
        if level:
            up = pkg.split(".")[: len(pkg.split(".")) - (level - 1)]
            base = ".".join(up + ([base] if base else []))
        out.add(base)
        names = re.sub(r"#[^\n]*", "", m.group(2)).strip("()")
        out.update(f"{base}.{n.split()[0]}" for n in names.split(",") if n.strip())  # "from geo import _io"
    return out


def source_closure(root: str = "geo.extract") -> list[Path]:
    """Source files of *root* and of every geo module it imports, transitively (parents' __init__ too)."""
    seen: dict[str, Path] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        f = _module_file(name)
        if f is None:
            continue
        seen[name] = f
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        todo += sorted(_imports(f, name) - seen.keys())
    return sorted(set(seen.values()))


@functools.cache
def extractor_version() -> str:
    """Hash of everything that decides an article's events besides the gazetteer's data: the code of
    geo.extract and the geo modules it imports, data files in geo/extract/, our version and Python's."""
    from geo import __version__
    h = hashlib.sha256(f"{__version__}|py{sys.version_info[0]}.{sys.version_info[1]}".encode())
    files = source_closure("geo.extract")
    files += sorted(p for p in (_GEO / "extract").rglob("*")
                    if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)
    for f in files:
        h.update(str(f.relative_to(_GEO)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@functools.cache
def gazetteer_version() -> str:
    """The default gazetteer's signature (its table, the Russian wheel, the index code)."""
    from geo._gazetteer_build import source_signature
    return source_signature(None)


# ---------------------------------------------------------------- entries

def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_key(*, data: bytes, name: str, encoding: str | None, published: date | None,
                row: dict[str, str], extractor: str, gazetteer: str) -> str:
    """The cache key of one article's extraction (hex sha-256)."""
    parts = ["frontline-map/extract", FORMAT, extractor, gazetteer, content_hash(data), name, encoding or "",
             published.isoformat() if published else "", sorted((str(k), str(v)) for k, v in row.items())]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


class Damaged(ValueError):
    """An entry that is not one we wrote (truncated, foreign, planted): ignored and rewritten."""


_EVENT_TYPES = (str, int, float, bool, type(None), list)


def _check(doc: Any, key: str) -> dict:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
        raise Damaged("not an entry for this article")
    events, article = doc.get("events"), doc.get("article")
    if not isinstance(events, list) or not isinstance(article, dict):
        raise Damaged("missing events or article")
    from geo.schema import COLUMNS
    for e in events:
        if not isinstance(e, dict) or any(c not in e for c in COLUMNS) or \
                any(not isinstance(v, _EVENT_TYPES) for v in e.values()) or not isinstance(e.get("articles"), list):
            raise Damaged("an event lacks our columns")
    if not isinstance(article.get("warnings"), list) or not isinstance(article.get("file"), str):
        raise Damaged("article record incomplete")
    vu = doc.get("valid_until")
    if vu is not None and not isinstance(vu, str):
        raise Damaged("bad valid_until")
    return doc


class ExtractCache:
    """Per-article extraction results on disk (see the module doc). Not thread-safe; one process writes
    an entry at a time (a concurrent writer of the same key writes the same bytes, and rename is atomic)."""

    def __init__(self, root: str | os.PathLike | None = None, *, extractor: str | None = None,
                 gazetteer: str | None = None):
        self.root = Path(root) if root is not None else default_dir()
        self.extractor = extractor or extractor_version()
        self.gazetteer = gazetteer or gazetteer_version()
        tag = hashlib.sha256(f"{self.extractor}|{self.gazetteer}".encode()).hexdigest()[:16]
        self.dir = self.root / f"v{FORMAT}-{tag}"
        self.warnings: list[str] = []
        self._used = False
        self.n_written = 0

    def key(self, *, data: bytes, name: str, encoding: str | None, published: date | None,
            row: dict[str, str]) -> str:
        return article_key(data=data, name=name, encoding=encoding, published=published, row=row,
                           extractor=self.extractor, gazetteer=self.gazetteer)

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str, today: date | None = None) -> dict | None:
        """The stored result ({events, article}) or None (a miss; a damaged entry is a warned miss)."""
        p = self._path(key)
        try:
            from geo import _io
            with _io.open_input(p) as fh:         # a regular file only: a planted FIFO/device is refused
                raw = fh.read(MAX_ENTRY_BYTES + 1)
        except Exception:   # noqa: BLE001 - absent (the usual miss) or unreadable: either way a miss
            if p.is_symlink() or (p.exists() and not p.is_file()):
                self._warn(p, "not a regular file")
            return None
        try:
            if len(raw) > MAX_ENTRY_BYTES:
                raise Damaged("too large")
            doc = _check(json.loads(raw.decode("utf-8")), key)
        except (Damaged, ValueError, UnicodeDecodeError, RecursionError) as e:
            self._warn(p, str(e) if isinstance(e, Damaged) else f"not valid JSON ({type(e).__name__})")
            return None
        vu = doc.get("valid_until")
        if vu:
            try:
                if (today or date.today()) >= date.fromisoformat(vu):
                    return None       # computed against an earlier day's clock
            except ValueError:
                self._warn(p, "bad valid_until")
                return None
        self._touch(p)
        return doc

    def put(self, key: str, events: list[dict], article: dict, valid_until: date | None = None) -> None:
        """Store one article's result atomically (temporary file + rename). A cache that cannot be
        written (read-only, full disk) costs a warning, never the run."""
        doc = {"format": FORMAT, "key": key, "extractor": self.extractor, "gazetteer": self.gazetteer,
               "valid_until": valid_until.isoformat() if valid_until else None,
               "events": events, "article": article}
        p = self._path(key)
        try:
            data = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError):
            return            # not plain JSON data (cannot happen for our records): simply not cached
        try:
            p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, p)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self.n_written += 1
            self._mark_used()
        except OSError as e:
            if not any(w.startswith("cache: cannot write") for w in self.warnings):
                self.warnings.append(f"cache: cannot write {self.dir}: {e.strerror or e}; results not cached")

    def _warn(self, p: Path, why: str) -> None:
        self.warnings.append(f"cache: ignored damaged entry {p.name} ({why}); re-extracted")

    def _touch(self, p: Path) -> None:
        with contextlib.suppress(OSError):
            os.utime(p)            # "recently used" for the size bound
        self._mark_used()

    def _mark_used(self) -> None:
        if not self._used:
            self._used = True
            with contextlib.suppress(OSError):
                self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                (self.dir / ".used").touch()

    # ------------------------------------------------------------ bounded growth

    def prune(self, *, force: bool = False, now: float | None = None, max_age_days: float = MAX_AGE_DAYS,
              max_bytes: int = MAX_BYTES) -> int:
        """Delete version folders unused for *max_age_days*, then least recently used entries until the
        cache is under *max_bytes*. At most once a day unless *force*. Returns entries deleted."""
        now = time.time() if now is None else now
        stamp = self.root / ".pruned"
        try:
            if not force and now - stamp.stat().st_mtime < PRUNE_EVERY:
                return 0
        except OSError:
            pass
        if not self.root.is_dir():
            return 0
        gone = 0
        entries: list[tuple[float, int, Path]] = []
        for d in self.root.iterdir():
            if not d.is_dir() or d.is_symlink() or not d.name.startswith("v"):
                continue
            used = d / ".used"
            try:
                last = used.stat().st_mtime
            except OSError:
                last = d.stat().st_mtime
            if d != self.dir and now - last > max_age_days * 86400:
                gone += sum(1 for _ in d.rglob("*.json"))
                shutil.rmtree(d, ignore_errors=True)
                continue
            for f in d.glob("*/*.json"):
                with contextlib.suppress(OSError):
                    st = f.lstat()
                    entries.append((st.st_mtime, st.st_size, f))
        total = sum(s for _, s, _ in entries)
        if total > max_bytes:
            for _, size, f in sorted(entries, key=lambda e: e[0]):
                if total <= 0.75 * max_bytes:
                    break
                with contextlib.suppress(OSError):
                    f.unlink()
                    total -= size
                    gone += 1
        with contextlib.suppress(OSError):
            self.root.mkdir(parents=True, exist_ok=True)
            stamp.touch()
            os.utime(stamp, (now, now))
        return gone
