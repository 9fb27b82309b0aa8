"""A CSV file as chunks of raw cells (Arrow string columns), with the line each row starts on (streamed).

Rows must end only at CR, LF or CRLF (a cell holding a vertical tab, form feed, U+0085 or U+2028
stays one cell, as spreadsheets wrote it), a malformed row must become a reject naming its first
line, and line numbers must stay exact across quoted multi-line cells. Python's :mod:`csv` reader
does all that when fed the file's lines (``newline=""``), but costs ~10 µs a row in Python.

So a UTF-8 file is read in blocks of bytes, and each block's lines are checked at once (RE2 over
an Arrow array of the lines) for being *regular*: one whole record of the header's number of cells,
every quote opening or closing a cell or doubled inside one, no CR/LF inside a cell, no NUL. On such
a line Arrow's CSV parser and Python's reader give the same cells, so runs of regular lines are
parsed by Arrow (C++, no Python per row) and their line numbers follow from their positions. Any
other line (a multi-line cell, a stray quote, a wrong cell count, a blank line, a lone CR in the
block, bytes that are not UTF-8) goes to Python's reader from that line until the record ends,
exactly as before; other encodings are read by Python's reader throughout.

A chunk holds at most :data:`CHUNK_CELLS` cells (or :data:`CHUNK_ROWS` rows) and is handed on and
dropped, so memory follows the chunk, not the file. Cells are returned as read; the formula-prefix
undo (:func:`geo._io.csv_unsafe`) and trimming are the caller's (column-wise) business.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from geo import _io
from geo._errors import InputError

#: a chunk is handed on after this many rows or cells, whichever comes first
CHUNK_ROWS = 50_000
CHUNK_CELLS = 1_000_000
#: bytes read at a time by the block reader (a block ends at a line end)
BLOCK_BYTES = 1 << 22
#: the characters Python's str.strip() removes (str.isspace()), for column-wise trimming and blank rows
#: (written out: computing it walks 1.1 M code points; tests/test_columnar.py checks it against str.isspace)
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
#: a table of more columns is read by Python's reader into row-major chunks (Arrow's per-column
#: costs would dominate: such tables are sparse extras, not big data)
WIDE = 512
#: an exact cell count in the regular-line pattern up to this many columns (beyond, Arrow checks it)
_EXACT_COUNT = 64


@dataclass
class CsvChunk:
    """Rows read since the previous chunk: the good ones as raw cells, the malformed ones as problems.

    Cells are Arrow strings, either ``columns[j]`` (the header's column *j*, one cell per row) or,
    for a wide table, ``flat`` (every cell, row after row: one array rather than thousands);
    ``lines[i]``/``ends[i]`` are the first and last physical line of row *i*; ``bad`` are
    (first line, last line, reason) of rows that cannot be split into the header's cells. Raw text
    is not kept here: the few rows that need it get it from :func:`raw_spans` (one more pass).
    """
    columns: list[pa.Array] | None = None
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    bad: list[tuple[int, int, str]] = field(default_factory=list)
    flat: pa.Array | None = None
    n_cols: int = 0

    @property
    def n_rows(self) -> int:
        return len(self.lines)

    @property
    def n_in(self) -> int:
        return self.n_rows + len(self.bad)

    def column(self, j: int) -> pa.Array:
        """The cells of the header's column *j*."""
        if self.columns is not None:
            return self.columns[j]
        if self.flat is None or not self.n_rows:
            return pa.array([], pa.string())
        return self.flat.take(pa.array(np.arange(j, self.n_rows * self.n_cols, self.n_cols)))

    def cells_of(self, js: list[int]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """The cells of columns *js* as one array, with each cell's row and its index into *js*,
        ordered by column, then row (for sparse extras: a few Arrow calls, however many columns)."""
        n, m = self.n_rows, self.n_cols
        if not js or not n:
            return pa.array([], pa.string()), np.zeros(0, np.int64), np.zeros(0, np.int64)
        if self.columns is not None:
            cells = pa.concat_arrays([self.columns[j] for j in js])
            pos = np.arange(len(cells))
            return cells, pos % n, pos // n
        where = np.full(m, -1, np.int64)
        where[js] = np.arange(len(js))
        col_of = np.tile(where, n)
        pick = np.flatnonzero(col_of >= 0)
        order = np.argsort(col_of[pick], kind="stable")
        pick = pick[order]
        return self.flat.take(pa.array(pick)), pick // m, col_of[pick]

    @property
    def cells(self) -> list[list[str]]:
        """The good rows as cell lists (for tests and small tables)."""
        return [list(r) for r in zip(*(self.column(j).to_pylist() for j in range(self.n_cols)))] \
            if self.n_rows else []


class CsvSource:
    """Header, encoding and a chunked row stream of one CSV/TSV file (see the module docstring)."""

    def __init__(self, path: Path, encoding: str | None = None):
        self.path = path
        fh, self.encoding = _io.open_text(path, encoding)
        with fh:
            try:
                first = fh.readline()
                while first and not first.strip() and first[-1:] in "\r\n":
                    first = fh.readline()
            except UnicodeDecodeError as e:
                raise InputError(str(path), f"not valid {self.encoding} text ({e.reason}); pass --encoding",
                                 line=1) from None
        if not first.strip():
            raise InputError(str(path), "empty file: no header row", line=1)
        self.delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff(first)
        self.header: list[str] = []
        for _ in self._python_chunks(header_only=True):
            pass
        if not self.header:
            raise InputError(str(path), "empty file: no header row", line=1)
        dup = [h for h, n in Counter(self.header).items() if n > 1 and h]
        if dup:
            from geo.read import _shorten
            raise InputError(str(path), f"duplicate column name(s): {_shorten(sorted(dup))}", line=1)

    def chunks(self) -> Iterator[CsvChunk]:
        """The rows after the header, a chunk at a time (blank lines are not rows)."""
        codec = codecs.lookup(self.encoding).name
        if codec in ("utf-8", "utf-8-sig") and len(self.header) <= WIDE:
            return self._block_chunks(bom=codec == "utf-8-sig")
        return self._python_chunks()

    # --- Python's reader over the whole file (other encodings; and the header) ------------------
    def _python_chunks(self, *, header_only: bool = False) -> Iterator[CsvChunk]:
        """The reader reads the file's lines itself (no Python per line); ``line_num`` is the number
        of physical lines it has consumed, so a row spans ``previous line_num + 1 .. line_num``."""
        path, enc = self.path, self.encoding
        fh, _ = _io.open_text(path, enc)
        reader = csv.reader(fh, delimiter=self.delimiter, strict=True)
        acc = _Chunker(max(len(self.header), 1))
        n_header = len(self.header)
        with fh:
            got_header = False
            while True:
                start = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except UnicodeDecodeError as e:
                    raise InputError(str(path), f"not valid {enc} text ({e.reason}) after this line; "
                                     "pass --encoding", line=max(reader.line_num, 1)) from None
                except csv.Error as e:
                    if not got_header:
                        raise InputError(str(path), f"malformed header: {e}", line=start) from None
                    acc.bad.append((start, reader.line_num, f"malformed CSV: {e}"))
                    continue
                if not "".join(cells).strip():
                    continue  # blank line (or only blank cells): not a row, nor the header
                if not got_header:
                    got_header = True
                    if not self.header:
                        self.header.extend(_io.csv_unsafe(h.strip()) for h in cells)
                    n_header = len(self.header)
                    acc = _Chunker(n_header)
                    if header_only:
                        return
                    continue
                if len(cells) != n_header:
                    acc.bad.append((start, reader.line_num, f"{len(cells)} cells, header has {n_header}"))
                    continue
                acc.row(cells, start, reader.line_num)
                if acc.full():
                    yield from acc.take(False)
        yield from acc.take(True)

    # --- blocks of bytes: Arrow for runs of regular lines, Python's reader for the rest ----------
    def _block_chunks(self, *, bom: bool) -> Iterator[CsvChunk]:
        m = len(self.header)
        src = _Blocks(self.path, self.delimiter, m, skip=3 if bom else 0)
        acc = _Chunker(m)
        names = [f"c{j}" for j in range(m)]
        parse = pacsv.ParseOptions(delimiter=self.delimiter, quote_char='"', double_quote=True,
                                   escape_char=False, newlines_in_values=False, ignore_empty_lines=False)
        convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, strings_can_be_null=False,
                                       quoted_strings_can_be_null=False, null_values=[])
        got_header = False
        with src:
            while src.more():
                if got_header:
                    a, b = src.regular_run()
                    if b > a:
                        tab = _parse_run(src, a, b, names, parse, convert)
                        if tab is not None:
                            first = src.line
                            lines = np.arange(first, first + (b - a), dtype=np.int64)
                            src.skip(b - a)
                            keep = _not_blank(src.blank[a:b])
                            acc.table(tab, lines, keep)
                            while acc.full():
                                yield from acc.take(False)
                            continue
                        src.unregular(a, b)   # Arrow refused it (e.g. a wide row's cell count): Python's turn
                # one record by Python's reader, from a line that is not regular
                reader = csv.reader(src.text_lines(), delimiter=self.delimiter, strict=True)
                start = src.line
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    if not got_header:
                        raise InputError(str(self.path), f"malformed header: {e}", line=start) from None
                    acc.bad.append((start, start + reader.line_num - 1, f"malformed CSV: {e}"))
                    continue
                end = start + reader.line_num - 1
                if not "".join(cells).strip():
                    continue
                if not got_header:
                    got_header = True
                    continue
                if len(cells) != m:
                    acc.bad.append((start, end, f"{len(cells)} cells, header has {m}"))
                    continue
                acc.row(cells, start, end)
                if acc.full():
                    yield from acc.take(False)
        yield from acc.take(True)


def _parse_run(src: _Blocks, a: int, b: int, names: list[str], parse: pacsv.ParseOptions,
               convert: pacsv.ConvertOptions) -> pa.Table | None:
    """Lines *a..b-1* of the current block by Arrow's CSV parser, or None when it refuses them."""
    data = src.buf[int(src.starts[a]):int(src.starts[b])]
    try:
        tab = pacsv.read_csv(pa.py_buffer(data), read_options=pacsv.ReadOptions(
            use_threads=False, column_names=names, block_size=max(len(data) + 1, 1 << 16)),
            parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, ValueError):
        return None
    return tab if tab.num_rows == b - a else None


def _not_blank(blank: np.ndarray) -> np.ndarray | None:
    """Rows that are not blank (every cell whitespace only: not a row, as Python's loop has it), or None for all."""
    return None if not blank.any() else ~blank


#: a part (an Arrow-parsed run) of this many rows is a chunk of its own rather than copied into one
_ALONE = 2048


def _fits(parts: list, k: int) -> int:
    """Rows of the leading parts that fit in *k* whole (or *k* when the first alone exceeds it)."""
    got = 0
    for _, pl, _ in parts:
        if got + len(pl) > k:
            return got or k
        got += len(pl)
    return got or k


class _Chunker:
    """Rows in file order (Arrow tables of regular runs, Python rows in between) cut into chunks."""

    def __init__(self, n_cols: int):
        self.n_cols = n_cols
        self.limit = max(1, min(CHUNK_ROWS, CHUNK_CELLS // max(n_cols, 1)))
        self.parts: list[tuple[list[pa.Array], np.ndarray, np.ndarray]] = []
        self.rows: list[list[str]] = []
        self.rlines: list[int] = []
        self.rends: list[int] = []
        self.bad: list[tuple[int, int, str]] = []
        self.n = 0

    def row(self, cells: list[str], start: int, end: int) -> None:
        self.rows.append(cells)
        self.rlines.append(start)
        self.rends.append(end)
        self.n += 1

    def table(self, tab: pa.Table, lines: np.ndarray, keep: np.ndarray | None) -> None:
        self._flush_rows()
        cols = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in tab.columns]
        if keep is not None:
            cols = [c.filter(pa.array(keep)) for c in cols]
            lines = lines[keep]
        if len(lines):
            self.parts.append((cols, lines, lines))
            self.n += len(lines)

    def full(self) -> bool:
        return self.n >= self.limit

    def _flush_rows(self) -> None:
        if self.rows and self.n_cols > WIDE:
            return          # row-major: cut straight from the rows in take()
        if self.rows:
            cols = [pa.array(list(c), type=pa.string()) for c in zip(*self.rows)]
            self.parts.append((cols, np.asarray(self.rlines, np.int64), np.asarray(self.rends, np.int64)))
            self.rows, self.rlines, self.rends = [], [], []

    def take(self, last: bool) -> Iterator[CsvChunk]:
        """Chunks of at most ``limit`` rows while full (all that is left when *last*)."""
        self._flush_rows()
        if self.n_cols > WIDE:
            yield from self._take_rows(last)
            return
        while self.n >= self.limit or (last and (self.n or self.bad)):
            k = min(self.limit, self.n)
            if self.parts and len(self.parts[0][1]) >= min(k, _ALONE):   # a big part alone: no copy
                k = min(k, len(self.parts[0][1]))
            else:                                                        # small parts together
                k = _fits(self.parts, k)
            cols: list[list[pa.Array]] = [[] for _ in range(self.n_cols)]
            lines, ends, got = [], [], 0
            while got < k:
                pc_, pl, pe = self.parts[0]
                take = min(k - got, len(pl))
                for j, c in enumerate(pc_):
                    cols[j].append(c.slice(0, take))
                lines.append(pl[:take])
                ends.append(pe[:take])
                if take == len(pl):
                    self.parts.pop(0)
                else:
                    self.parts[0] = ([c.slice(take) for c in pc_], pl[take:], pe[take:])
                got += take
            ch = CsvChunk([pa.concat_arrays(c) if len(c) > 1 else (c[0] if c else pa.array([], pa.string()))
                           for c in cols],
                          np.concatenate(lines) if lines else np.zeros(0, np.int64),
                          np.concatenate(ends) if ends else np.zeros(0, np.int64), n_cols=self.n_cols)
            self._hand_over(ch, k, last)
            yield ch
            if not self.n and not self.bad:
                break


    def _hand_over(self, ch: CsvChunk, k: int, last: bool) -> None:
        """Give *ch* (its *k* good rows just taken) the malformed rows among them: a malformed row goes
        with the chunk of the good rows around it, so rejects stay in line order."""
        j = len(self.bad) if (last and k == self.n) or not k else \
            int(np.searchsorted([b[0] for b in self.bad], int(ch.lines[-1])))
        ch.bad, self.bad = self.bad[:j], self.bad[j:]
        self.n -= k

    def _take_rows(self, last: bool) -> Iterator[CsvChunk]:
        while self.n >= self.limit or (last and (self.n or self.bad)):
            k = min(self.limit, self.n)
            rows, self.rows = self.rows[:k], self.rows[k:]
            lines, self.rlines = self.rlines[:k], self.rlines[k:]
            ends, self.rends = self.rends[:k], self.rends[k:]
            flat = pa.array([c for r in rows for c in r], pa.string())
            ch = CsvChunk(None, np.asarray(lines, np.int64), np.asarray(ends, np.int64), flat=flat,
                          n_cols=self.n_cols)
            self._hand_over(ch, k, last)
            yield ch
            if not self.n and not self.bad:
                break


def _lone_cr(data: bytes | np.ndarray) -> bool:
    """True when *data* holds a CR not followed by LF (a line end of its own)."""
    a = np.frombuffer(data, np.uint8) if isinstance(data, bytes) else data
    cr = np.flatnonzero(a == 13)
    return bool(len(cr)) and (cr[-1] + 1 >= len(a) or bool((a[cr + 1] != 10).any()))


def _class(chars: str) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" for c in chars)


def _patterns(delim: str, m: int) -> tuple[str, str]:
    """RE2 patterns of a regular line (see the module docstring) and of a blank one, for *m* cells."""
    d = _class(delim)
    cell = f'(?:[^"{d}\\r\\n\\x00]*|"(?:[^"\\r\\n\\x00]|"")*")'
    more = f"(?:{d}{cell}){{{m - 1}}}" if m - 1 <= _EXACT_COUNT else f"(?:{d}{cell})*"
    ws = "".join(c for c in WHITESPACE if c not in "\r\n")
    blank_cell = f'(?:[{_class(ws.replace(delim, ""))}]*|"[{_class(ws)}]*")'
    return (f"^{cell}{more}\\r?\\n?$", f"^{blank_cell}(?:{d}{blank_cell})*\\r?\\n?$")


class _Blocks:
    """A UTF-8 file's lines after the BOM, a block of bytes at a time, with each line's kind.

    Lines end at LF (CRLF included); a block holding a lone CR has no regular lines (Python's reader
    splits it, a CR being a line end there). ``line`` is the number of the next line not yet taken.
    """

    def __init__(self, path: Path, delim: str, m: int, skip: int):
        import pyarrow.compute as pc
        self.pc = pc
        self.path = path
        self.fh = _io.open_input(path)
        self.fh.seek(skip)
        self.regular_pat, self.blank_pat = _patterns(delim, m)
        self.line = 1
        self.buf = b""
        self.starts = np.zeros(1, np.int64)
        self.regular = np.zeros(0, bool)
        self.blank = np.zeros(0, bool)
        self.texts: list[str] | None = None
        self.i = self.n = 0
        self.eof = False

    def __enter__(self) -> _Blocks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def more(self) -> bool:
        return self.i < self.n or self._load()

    def _load(self) -> bool:
        if self.eof:
            return False
        data = self.fh.read(BLOCK_BYTES)
        if data and data[-1:] != b"\n":
            data += self.fh.readline()
        if not data:
            self.eof = True
            return False
        self.buf, self.i, self.texts = data, 0, None
        self._u8 = np.frombuffer(data, np.uint8)
        if _lone_cr(data):     # a lone CR ends a line: Python's reader splits
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                lines_before = len(io.StringIO(data[:e.start].decode("utf-8"), newline="").readlines())
                self._bad_utf8(e, self.line + max(lines_before - 1, 0))
            self.texts = io.StringIO(text, newline="").readlines()
            self.n = len(self.texts)
            self.regular = self.blank = np.zeros(self.n, bool)
            return self.n > 0
        ends = np.flatnonzero(self._u8 == 10) + 1
        if not len(ends) or ends[-1] != len(data):
            ends = np.append(ends, len(data))
        self.starts = np.concatenate(([0], ends)).astype(np.int64)
        self.n = len(ends)
        arr = pa.StringArray.from_buffers(self.n, pa.py_buffer(self.starts.astype(np.int32)),
                                          pa.py_buffer(data)) if len(data) < 2**31 else None
        try:
            if arr is None:
                raise pa.ArrowInvalid("block too big")
            arr.validate(full=True)       # UTF-8 throughout (else line by line, naming the bad one)
            self.regular = self.pc.match_substring_regex(arr, self.regular_pat).to_numpy(zero_copy_only=False)
            self.blank = self.pc.match_substring_regex(arr, self.blank_pat).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            self.regular = self.blank = np.zeros(self.n, bool)
        return True

    def _bad_utf8(self, e: UnicodeDecodeError, line: int) -> None:
        raise InputError(str(self.path), f"not valid utf-8 text ({e.reason}) after this line; pass --encoding",
                         line=max(line, 1)) from None

    def regular_run(self) -> tuple[int, int]:
        """(a, b): the regular lines from the next one on (b == a when the next is not regular)."""
        a = self.i
        if a >= self.n or not self.regular[a]:
            return a, a
        rest = np.flatnonzero(~self.regular[a:])
        return a, (a + int(rest[0]) if len(rest) else self.n)

    def unregular(self, a: int, b: int) -> None:
        self.regular = self.regular.copy()
        self.regular[a:b] = False

    def skip(self, k: int) -> None:
        self.i += k
        self.line += k

    def text_lines(self) -> Iterator[str]:
        """Lines as text from the next one on, across blocks (Python's reader takes what it needs)."""
        while self.i < self.n or self._load():
            i = self.i
            if self.texts is not None:
                s = self.texts[i]
            else:
                raw = self.buf[int(self.starts[i]):int(self.starts[i + 1])]
                try:
                    s = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    self._bad_utf8(e, self.line - 1)
            self.i += 1
            self.line += 1
            yield s


def raw_spans(path: str | Path, encoding: str, spans: dict[int, int]) -> dict[int, str]:
    """Raw text (line ends stripped) of the rows spanning lines *start..end* for each start in *spans*,
    in one pass over the file."""
    out: dict[int, str] = {}
    if not spans:
        return out
    fast = _spans_by_blocks(path, encoding, spans)
    if fast is not None:
        return fast
    last = max(spans.values())
    fh, _ = _io.open_text(path, encoding)
    with fh:
        cur: list[str] | None = None
        start = end = 0
        for n, ln in enumerate(fh, 1):
            if cur is None and n in spans:
                cur, start, end = [], n, spans[n]
            if cur is not None:
                cur.append(ln)
                if n >= end:
                    out[start] = "".join(cur).rstrip("\r\n")
                    cur = None
            if n >= last:
                break
    return out


def raw_lines(path: str | Path, encoding: str, wanted: set[int]) -> dict[int, str]:
    """The raw text of the single-line rows starting at the *wanted* line numbers (one pass over the file).

    For rejects decided late (a date range, a correction) of rows whose text was not kept: a
    row spanning several lines keeps its text from reading, so one physical line is the whole row.
    """
    out: dict[int, str] = {}
    if not wanted:
        return out
    fast = _spans_by_blocks(path, encoding, {n: n for n in wanted})
    if fast is not None:
        return fast
    last = max(wanted)
    fh, _ = _io.open_text(path, encoding)
    with fh:
        for n, ln in enumerate(fh, 1):
            if n in wanted:
                out[n] = ln.rstrip("\r\n")
            if n >= last:
                break
    return out


def _spans_by_blocks(path: str | Path, encoding: str, spans: dict[int, int]) -> dict[int, str] | None:
    """:func:`raw_spans` of a UTF-8 file by blocks of bytes (line starts found by numpy, only the
    wanted rows decoded); None where that cannot be exact (another encoding, a lone CR, a row
    crossing a block's end): then the line-by-line pass does it."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return None
    if codec not in ("utf-8", "utf-8-sig"):
        return None
    starts_w = np.array(sorted(spans), dtype=np.int64)
    ends_w = np.array([spans[k] for k in starts_w.tolist()], dtype=np.int64)
    last = int(ends_w.max())
    out: dict[int, str] = {}
    with _io.open_input(path) as fh:
        if codec == "utf-8-sig" and fh.read(3) != codecs.BOM_UTF8:
            fh.seek(0)
        line = 1
        while line <= last:
            data = fh.read(BLOCK_BYTES)
            if data and data[-1:] != b"\n":
                data += fh.readline()
            if not data:
                break
            a = np.frombuffer(data, np.uint8)
            if _lone_cr(a):
                return None
            ends = np.flatnonzero(a == 10) + 1
            if not len(ends) or ends[-1] != len(data):
                ends = np.append(ends, len(data))
            starts = np.concatenate(([0], ends))
            n = len(ends)
            lo, hi = np.searchsorted(starts_w, [line, line + n])
            for st, en in zip(starts_w[lo:hi].tolist(), ends_w[lo:hi].tolist()):
                if en >= line + n:
                    return None
                out[st] = data[int(starts[st - line]):int(starts[en - line + 1])].decode("utf-8").rstrip("\r\n")
            line += n
    return out


def _sniff(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","
