"""A CSV file as chunks of raw rows, with the line number each row starts on (streamed, bounded memory).

Why our own loop around :mod:`csv` rather than pandas' reader: rows must end only at CR, LF or CRLF
(a cell holding a vertical tab, form feed, U+0085 or U+2028 stays one cell, as spreadsheets wrote
it), a malformed row must become a reject naming its first line, a row's raw text must be at hand
for its reject, and line numbers must stay exact across quoted multi-line cells. Python's reader
does all that when fed the file's lines (``newline=""``); pandas' C reader splits rows on a lone
CR inside quotes differently and reports no physical line numbers.

A chunk holds at most :data:`CHUNK_CELLS` cells (or :data:`CHUNK_ROWS` rows) and is handed on and
dropped, so memory follows the chunk, not the file. Cells are returned as read; the formula-prefix
undo (:func:`geo._io.csv_unsafe`) and trimming are the caller's (column-wise) business.
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from geo import _io
from geo._errors import InputError

#: a chunk is handed on after this many rows or cells, whichever comes first
CHUNK_ROWS = 50_000
CHUNK_CELLS = 1_000_000


@dataclass
class CsvChunk:
    """Rows read since the previous chunk: the good ones as cell lists, the malformed ones as problems.

    ``lines[i]``/``ends[i]`` are the first and last physical line of ``cells[i]``; ``bad`` are
    (first line, last line, reason) of rows that cannot be split into the header's cells. Raw text
    is not kept here: the few rows that need it get it from :func:`raw_spans` (one more pass).
    """
    cells: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    bad: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def n_in(self) -> int:
        return len(self.cells) + len(self.bad)


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
        for _ in self.chunks(header_only=True):
            pass
        if not self.header:
            raise InputError(str(path), "empty file: no header row", line=1)
        dup = [h for h, n in Counter(self.header).items() if n > 1 and h]
        if dup:
            from geo.read import _shorten
            raise InputError(str(path), f"duplicate column name(s): {_shorten(sorted(dup))}", line=1)

    def chunks(self, *, header_only: bool = False) -> Iterator[CsvChunk]:
        """The rows after the header, a chunk at a time (blank lines are not rows).

        The reader reads the file's lines itself (no Python per line); ``line_num`` is the number
        of physical lines it has consumed, so a row spans ``previous line_num + 1 .. line_num``.
        """
        path, enc = self.path, self.encoding
        fh, _ = _io.open_text(path, enc)
        reader = csv.reader(fh, delimiter=self.delimiter, strict=True)
        n_header = 0
        chunk, n_cells = CsvChunk(), 0
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
                    chunk.bad.append((start, reader.line_num, f"malformed CSV: {e}"))
                    continue
                if not "".join(cells).strip():
                    continue  # blank line (or only blank cells): not a row, nor the header
                if not got_header:
                    got_header = True
                    if not self.header:
                        self.header.extend(_io.csv_unsafe(h.strip()) for h in cells)
                    n_header = len(self.header)
                    if header_only:
                        return
                    continue
                if len(cells) != n_header:
                    chunk.bad.append((start, reader.line_num, f"{len(cells)} cells, header has {n_header}"))
                    continue
                chunk.cells.append(cells)
                chunk.lines.append(start)
                chunk.ends.append(reader.line_num)
                n_cells += n_header
                if len(chunk.cells) >= CHUNK_ROWS or n_cells >= CHUNK_CELLS:
                    yield chunk
                    chunk, n_cells = CsvChunk(), 0
        if chunk.n_in:
            yield chunk


def raw_spans(path: str | Path, encoding: str, spans: dict[int, int]) -> dict[int, str]:
    """Raw text (line ends stripped) of the rows spanning lines *start..end* for each start in *spans*,
    in one pass over the file."""
    out: dict[int, str] = {}
    if not spans:
        return out
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
    last = max(wanted)
    fh, _ = _io.open_text(path, encoding)
    with fh:
        for n, ln in enumerate(fh, 1):
            if n in wanted:
                out[n] = ln.rstrip("\r\n")
            if n >= last:
                break
    return out


def _sniff(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","
