"""Files at the edge: safe opening of inputs, decoding as people have them, atomic writes.

Inputs must be regular files (a FIFO or ``/dev/zero`` would hang or exhaust memory), are opened
without blocking and are decoded as UTF-8 when they are UTF-8, else as UTF-16 (with or without
BOM) or a single-byte Cyrillic/Western code page when that can be decided; otherwise the error
names the likely encoding and ``--encoding``. Outputs are written to a temporary file and renamed.
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from geo._errors import InputError

#: bytes sampled to decide a streamed file's encoding (the rest is decoded strictly as we go)
SAMPLE_BYTES = 1 << 20
#: single-byte code pages people's Cyrillic files come in (Excel: cp1251; old Unix mail: koi8)
_CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# ---------------------------------------------------------------- opening inputs

def open_input(path: str | os.PathLike) -> BinaryIO:
    """Open *path* for binary reading, refusing at once anything that is not a regular file.

    ``O_NONBLOCK`` makes opening a FIFO return immediately, so the check happens on the open
    descriptor (no race between the check and the read).
    """
    p = str(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _os_error(p, e) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(p, "is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(p, "not a regular file (FIFO, device or socket): refused")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_input(path: str | os.PathLike) -> None:
    """Raise :class:`InputError` unless *path* can be opened as a regular file."""
    open_input(path).close()


def _os_error(path: str, e: OSError) -> InputError:
    if e.errno == errno.ELOOP:
        return InputError(path, "symlink loop: the link points (eventually) to itself")
    if e.errno in (errno.ENOENT, errno.ENOTDIR):
        return InputError(path, "no such file")
    if e.errno == errno.EISDIR:
        return InputError(path, "is a folder, not a file")
    return InputError(path, f"cannot read: {e.strerror or e}")


def read_bytes(path: str | os.PathLike) -> bytes:
    with open_input(path) as fh:
        try:
            return fh.read()
        except OSError as e:
            raise _os_error(str(path), e) from None


# ---------------------------------------------------------------- decoding

def decode(data: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). *encoding* given: strict decode with it; else detect (see module doc)."""
    enc = encoding or detect_encoding(data, file)
    try:
        return data.decode(_codec(enc, file)), enc
    except UnicodeDecodeError as e:
        raise InputError(file, f"not valid {enc} text (byte {e.start}); pass the right --encoding") from None


def read_text(path: str | os.PathLike, encoding: str | None = None) -> tuple[str, str]:
    """Whole file decoded (see :func:`decode`), line endings untouched."""
    return decode(read_bytes(path), str(path), encoding)


def open_text(path: str | os.PathLike, encoding: str | None = None) -> tuple[IO[str], str]:
    """A streamed text reader (``newline=""``: rows end only at CR, LF or CRLF) and its encoding.

    The encoding is decided from the first :data:`SAMPLE_BYTES`; a later byte that does not
    decode raises :class:`UnicodeDecodeError` from the reader (callers turn it into a line error).
    """
    fh = open_input(path)
    try:
        sample = fh.read(SAMPLE_BYTES)
        complete = len(sample) < SAMPLE_BYTES
        enc = encoding or detect_encoding(sample, str(path), partial=not complete)
        codec = _codec(enc, str(path))
        fh.seek(0)
        return io.TextIOWrapper(fh, encoding=codec, errors="strict", newline=""), enc
    except BaseException:
        fh.close()
        raise


def _codec(enc: str, file: str) -> str:
    try:
        return codecs.lookup(enc).name
    except LookupError:
        raise InputError(file, f"unknown encoding {enc!r} (e.g. utf-8, cp1251, koi8-r, utf-16)") from None


def detect_encoding(data: bytes, file: str, *, partial: bool = False) -> str:
    """The encoding of *data*, or :class:`InputError` naming the likely one and ``--encoding``.

    Order: BOM; UTF-16 without BOM (NUL bytes on one side of each pair); UTF-8; a Cyrillic code
    page decided by letter case (KOI8 and cp1251 swap upper and lower case, and running text is
    mostly lower case); finally charset-normalizer for other single-byte code pages.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    u16 = _utf16_without_bom(data, partial)   # before UTF-8: "a\0b\0" is valid UTF-8 too
    if u16:
        return u16
    if _is_utf8(data, partial):
        return "utf-8"
    first_bad = _first_bad_utf8(data)
    cyr = _cyrillic(data)
    if cyr:
        return cyr
    guess = _charset_normalizer(data)
    if guess and guess[1] <= 0.1 and _plausible_text(data, guess[0]):
        return guess[0]
    hint = f"it looks like {guess[0]}: pass --encoding {guess[0]}" if guess else \
        "pass --encoding (e.g. cp1251, koi8-r, utf-16)"
    raise InputError(file, f"not UTF-8 text (byte {first_bad}) and the encoding cannot be decided; {hint}")


def _is_utf8(data: bytes, partial: bool) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        dec.decode(data, final=not partial)
        return True
    except UnicodeDecodeError:
        return False


def _first_bad_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start
    return len(data)


def _utf16_without_bom(data: bytes, partial: bool) -> str | None:
    n = len(data) - (len(data) % 2 if partial else 0)
    if n < 2 or n % 2:
        return None
    even, odd = data[0:n:2].count(0), data[1:n:2].count(0)
    half = n // 2
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * half and other <= 0.05 * half:
            try:
                text = data[:n].decode(enc)
            except UnicodeDecodeError:
                continue
            if _printable_ratio(text) >= 0.95:
                return enc
    return None


def _printable_ratio(text: str) -> float:
    if not text:
        return 1.0
    ok = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
    return ok / len(text)


#: the most frequent letters of Russian and Ukrainian running text (~65 % of letters; < 35 % when
#: a KOI8 text is read as cp1251 or the reverse, since the two code pages permute the alphabet)
_FREQUENT = set("оеаинтсрвлкіу")


def _cyrillic(data: bytes) -> str | None:
    """cp1251 or KOI8 when the high bytes read as Cyrillic text in exactly one of them.

    Decided by letter frequencies (case-blind, so all-capitals text works too); None when there
    is too little text or both readings are equally (im)plausible.
    """
    high = sum(1 for b in data[:SAMPLE_BYTES] if b >= 0x80)
    if high < 8:
        return None
    scores = []
    for enc in ("cp1251", "koi8_u"):       # koi8_u = koi8_r plus the Ukrainian letters
        try:
            text = data.decode(enc, errors="strict") if len(data) <= SAMPLE_BYTES else \
                data[:SAMPLE_BYTES].decode(enc, errors="ignore")
        except UnicodeDecodeError:
            continue
        letters = [c.lower() for c in text if "\u0400" <= c <= "\u04ff"]
        if len(letters) < 0.9 * high:
            continue
        freq = sum(1 for c in letters if c in _FREQUENT) / len(letters)
        scores.append((freq, enc, text))
    if not scores:
        return None
    scores.sort(reverse=True)
    best_freq, best, text = scores[0]
    if best_freq < 0.45 or (len(scores) > 1 and best_freq - scores[1][0] < 0.15):
        return None
    if best == "koi8_u" and not any(c in text for c in "іїєґІЇЄҐ"):
        return "koi8_r"
    return best


def _charset_normalizer(data: bytes) -> tuple[str, float] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data[:SAMPLE_BYTES]).best()
    if best is None:
        return None
    return best.encoding, float(best.chaos)


def _plausible_text(data: bytes, enc: str) -> bool:
    """Western code pages decode any byte: accept only text that is mostly letters and punctuation."""
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return False
    if _printable_ratio(text) < 0.97:
        return False
    high = [c for c in text if ord(c) >= 0x80]
    return not high or sum(1 for c in high if c.isalpha()) >= 0.8 * len(high)


# ---------------------------------------------------------------- spreadsheet-safe CSV cells

#: a text cell starting with one of these runs as a formula in spreadsheets (OWASP "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _numeric(s: str) -> bool:
    return _NUMBER.fullmatch(s) is not None


def csv_safe(v):
    """Prefix ``'`` to a text cell a spreadsheet would run as a formula; numbers stay numbers.

    Cells that already start with quotes before a formula character get one more quote, so
    :func:`csv_unsafe` restores every value exactly (a round trip through ``build`` is lossless).
    """
    if not isinstance(v, str) or not v:
        return v
    body = v.lstrip("'")
    if not body.startswith(FORMULA_START):
        return v
    if len(body) == len(v) and _numeric(v):
        return v  # "-3.5" is a number, not a formula
    return "'" + v


def csv_unsafe(s: str) -> str:
    """Undo :func:`csv_safe` for one cell read from a CSV file."""
    if s.startswith("'"):
        body = s.lstrip("'")
        if body.startswith(FORMULA_START) and not (len(body) == len(s) - 1 and _numeric(body)):
            return s[1:]
    return s


# ---------------------------------------------------------------- atomic writes

def _out_error(path: Path, e: OSError) -> InputError:
    if e.errno == errno.ENOSPC:
        why = "disk full"
    elif e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "not writable (read-only folder or disk)"
    elif e.errno in (errno.EEXIST, errno.ENOTDIR):
        why = "a file is in the way (a folder is needed here)"
    elif e.errno == errno.EISDIR:
        why = "is a folder, not a file"
    else:
        why = e.strerror or str(e)
    return InputError(str(path), f"cannot write: {why}")


def ensure_dir(path: str | os.PathLike) -> Path:
    """Create folder *path* (and parents); a file in the way or a read-only disk is an InputError."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(str(p), "cannot write: exists and is a file, not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _out_error(p, e) from None
    return p


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside *path*; rename it over *path* only on success.

    OS errors (read-only folder, full disk) become one-line :class:`InputError`s naming *path*.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(str(path), "cannot write: is a folder, not a file")
    ensure_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise _out_error(path, e) from None
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _out_error(path, e) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
