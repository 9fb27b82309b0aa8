"""The block reader of geo/_csv_chunks.py (Arrow for runs of regular lines, Python's csv reader for
the rest) gives exactly what Python's reader alone gives: rows, cells, line numbers, rejects, raw
text; and the column-wise id text of geo/_passes.py gives exactly the per-row ids."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

import geo._csv_chunks as chunks
from geo import _passes
from geo._errors import InputError
from geo.read import read_table

HEAD = "date,lat,lon,place,type,actor,notes,extra"
ODD = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\xa0", "\u3000", "\x00", "\t"]


def _good(rng: random.Random) -> list[str]:
    return [f"2022-09-{rng.randrange(1, 29):02d}", f"{rng.uniform(44, 52):.5f}", f"{rng.uniform(30, 40):.5f}",
            rng.choice(["Kherson", "Kyiv", "Bakhmut", "Харків", "İzmail"]), rng.choice(["strike", "Shelling", ""]),
            rng.choice(["UA", "ru", "", "nobody"]), rng.choice(["plain note", '"quoted, with comma"', '""']),
            rng.choice(["", "x", "'=SUM(A1)"])]


def _line(rng: random.Random) -> str:
    """A row, often regular, sometimes any of the irregular shapes the block reader must hand to Python."""
    c = _good(rng)
    k = rng.randrange(24)
    if k == 0:
        c[6] = '"multi\nline"'
    elif k == 1:
        c[6] = '"multi\r\nline, crlf"'
    elif k == 2:
        c[3] = 'Kher"son'                      # a quote inside an unquoted cell (kept as is)
    elif k == 3:
        c[3] = '"Kher"son'                     # text after a closing quote: malformed
    elif k == 4:
        c.append("one too many")
    elif k == 5:
        return ""
    elif k == 6:
        return " \t "
    elif k == 7:
        return ",,,, ,,,"
    elif k == 8:
        c[6] = "odd" + rng.choice(ODD) + "separator"
    elif k == 9:
        c[6] = '"quoted' + rng.choice(ODD) + 'odd"'
    elif k == 10:
        c[1] = rng.choice(["abc", "48,5", "inf", "95", "٤٨.٥", " 48.1 ", "+48.2", "1_0", "-0", ""])
    elif k == 11:
        c[1] = c[2] = ""
    elif k == 12:
        c[0] = rng.choice(["2022-02-30", "yesterday", "", "2022-09"])
    elif k == 13:
        c[3] = "\xa0" + c[3] + "\u3000"
    elif k == 14:
        c[6] = '"never closed'
    elif k == 15:
        return '"' + ",".join(c)
    return ",".join(c)


def _table(rng: random.Random, n: int, end: str = "\n") -> str:
    return HEAD + end + end.join(_line(rng) for _ in range(n)) + rng.choice([end, ""])


def _read(p, monkeypatch, *, python: bool, block: int = 1 << 22, rows: int = 50_000):
    with monkeypatch.context() as m:
        m.setattr(chunks, "WIDE", -1 if python else chunks.WIDE)
        m.setattr(chunks, "BLOCK_BYTES", block)
        m.setattr(chunks, "CHUNK_ROWS", rows)
        t = read_table(p)
    return [dict(r) for r in t.rows], [r.as_row() for r in t.rejects], t.n_in


@pytest.mark.parametrize("seed", range(4))
def test_blocks_read_as_python_reader_alone(tmp_path, monkeypatch, seed):
    """Random tables of regular and irregular rows, LF or CRLF, cut into blocks of about a line to
    megabytes and chunks of 1 to 50,000 rows: the same rows, lines, rejects and raw text."""
    rng = random.Random(seed)
    p = tmp_path / "t.csv"
    p.write_bytes(_table(rng, 400, rng.choice(["\n", "\r\n"])).encode("utf-8"))
    want = _read(p, monkeypatch, python=True)
    assert want[0] and want[1]                      # the table does have rows and rejects
    for block, rows in ((37, 1), (500, 7), (1 << 22, 50_000)):
        assert _read(p, monkeypatch, python=False, block=block, rows=rows) == want


def test_regular_lines_go_to_arrow_and_the_rest_to_python(tmp_path, monkeypatch):
    """A multi-line cell and a malformed row in the middle of regular rows: Arrow parses the two runs
    around them, Python's reader the two odd rows, and every line number is exact."""
    runs = []
    real = chunks._parse_run
    monkeypatch.setattr(chunks, "_parse_run", lambda src, a, b, *x: runs.append(b - a) or real(src, a, b, *x))
    p = tmp_path / "e.csv"
    p.write_text("date,lat,lon,place,notes\n"
                 + "".join(f"2022-09-01,46.6,32.6,Kherson,row {i}\n" for i in range(5))      # lines 2-6
                 + '2022-09-02,46.6,32.6,"Multi\nline",two\n'                                # lines 7-8
                 + '2022-09-04,46.6,32.6,"Kher"son",malformed\n'                             # line 9
                 + "".join(f"2022-09-01,46.6,32.6,Kherson,row {i}\n" for i in range(3)),     # lines 10-12
                 encoding="utf-8", newline="")
    t = read_table(p)
    assert runs == [5, 3]
    assert [r["_line"] for r in t.rows] == [2, 3, 4, 5, 6, 7, 10, 11, 12]
    assert t.rows[5]["location_name"] == "Multi\nline" and t.rows[5]["_raw"] == '2022-09-02,46.6,32.6,"Multi\nline",two'
    assert [(r.line, r.field, r.reason[:13]) for r in t.rejects] == [(9, "", "malformed CSV")]
    assert t.rejects[0].raw == '2022-09-04,46.6,32.6,"Kher"son",malformed'


def test_a_lone_cr_block_is_split_as_python_splits(tmp_path, monkeypatch):
    """A lone CR ends a line (Python's reader, newline=""): such a block is not parsed by Arrow, and
    the lines after it keep their numbers."""
    p = tmp_path / "e.csv"
    p.write_bytes(b"date,lat,lon,place,notes\n2022-09-01,46.6,32.6,Kherson,a\r2022-09-02,46.6,32.6,Kyiv,b\n"
                  b"2022-09-03,46.6,32.6,Kyiv,\"c\rd\"\n2022-09-04,x,32.6,Kyiv,e\n")
    rows, rejects, n = _read(p, monkeypatch, python=False)
    assert [r["_line"] for r in rows] == [2, 3, 4] and rows[2]["evidence"] == "c\rd"
    assert [(r["line"], r["field"]) for r in rejects] == [(6, "lat")]
    assert (rows, rejects, n) == _read(p, monkeypatch, python=True)


def test_bad_utf8_after_good_blocks_names_its_line(tmp_path, monkeypatch):
    """A byte that is not UTF-8 past the sample the encoding is decided from: the error names the
    last good line (Python's text reader named the start of its 8 KB buffer, ~170 lines earlier)."""
    monkeypatch.setattr(chunks, "BLOCK_BYTES", 1 << 16)
    p = tmp_path / "e.csv"
    p.write_bytes(b"date,lat,lon,place\n" + b"2022-09-01,46.6,32.6,Kherson\n" * 40_000
                  + b"2022-09-01,46.6,32.6,K\xff\n")
    with pytest.raises(InputError, match="not valid utf-8") as e:
        read_table(p)
    assert e.value.line == 40_001       # "after this line": the last good one


def test_utf8_bom_and_wide_tables(tmp_path, monkeypatch):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbfdate,lat,lon,place\n2022-09-01,46.6,32.6,Kherson\n")
    rows, _, _ = _read(p, monkeypatch, python=False)
    assert rows[0]["location_name"] == "Kherson" and rows[0]["_line"] == 2
    q = tmp_path / "wide.csv"
    cols = [f"x{i}" for i in range(chunks.WIDE + 5)]
    q.write_text(",".join(["date", "lat", "lon", "place", *cols]) + "\n"
                 + "2022-09-01,46.6,32.6,Kherson," + ",".join("" if i % 7 else f"v{i}" for i in range(len(cols))) + "\n")
    row = read_table(q).rows[0]
    assert {k: v for k, v in row.items() if k.startswith("x")} == {f"x{i}": f"v{i}" for i in range(0, len(cols), 7)}


def test_whitespace_is_python_isspace():
    assert chunks.WHITESPACE == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


def test_raw_text_by_blocks_equals_line_by_line(tmp_path, monkeypatch):
    rng = random.Random(5)
    p = tmp_path / "t.csv"
    p.write_bytes(_table(rng, 300, "\r\n").encode("utf-8"))
    spans = {2: 2, 5: 5, 9: 12, 40: 41, 200: 200}
    monkeypatch.setattr(chunks, "BLOCK_BYTES", 300)
    fast = chunks._spans_by_blocks(p, "utf-8", spans)
    monkeypatch.setattr(chunks, "_spans_by_blocks", lambda *a: None)
    slow = chunks.raw_spans(p, "utf-8", spans)
    assert fast is None or fast == slow   # None: a row crossed a block end (then the slow pass answers)
    monkeypatch.undo()
    assert chunks.raw_spans(p, "utf-8", spans) == slow


def _reference_ids(core: pd.DataFrame) -> list[str]:
    """The per-row id text of main's event_ids (before it went column-wise)."""
    import hashlib

    def text(v):
        return v if isinstance(v, str) else ("" if v is None or v != v else str(v))

    def coord(v):
        x = pd.to_numeric(pd.Series([v]), errors="coerce").to_numpy(dtype=float)[0]
        return "" if x != x else f"{x:.3f}"
    out = []
    for r in core.to_dict("records"):
        parts = (text(r["event_date"]), text(r["event_type"]), text(r["location_name"]).strip().lower(),
                 coord(r["latitude"]), coord(r["longitude"]), text(r["source"]).strip(),
                 " ".join(text(r["evidence"]).split()))
        out.append(hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16])
    return out


def test_column_wise_ids_equal_per_row_ids():
    rng = random.Random(3)
    ws = " \t\xa0\u2028\u3000\x85\x1c\n"

    def s():
        return "".join(rng.choice("aBc İẞΣK,.'\"" + ws) for _ in range(rng.randrange(0, 12)))
    rows = [{"event_date": rng.choice(["2024-01-01", "", None, float("nan")]),
             "event_type": rng.choice(["strike", "", None, 5]),
             "location_name": rng.choice([s(), "  Kyiv ", "KHARKIV", None]),
             "latitude": rng.choice([48.1234567, -0.0, 0.0, float("nan"), None, "47.5", "x", 1e300, float("inf")]),
             "longitude": rng.choice([37.0005, 36.9995, float("nan"), -180.0]),
             "source": rng.choice([s(), None]), "evidence": rng.choice([s(), "a  b\n c", None])} for _ in range(2000)]
    core = pd.DataFrame(rows)
    assert list(_passes.event_ids(core, step=300)) == _reference_ids(core)
    text = pd.Series(["x"]).dtype          # pandas' Arrow-backed string columns, as reading makes them
    for c in ("event_date", "location_name", "source", "evidence"):
        core[c] = pd.Series([v if isinstance(v, str) else None for v in core[c]], dtype=text)
    assert list(_passes.event_ids(core)) == _reference_ids(core)
    assert _passes.event_ids(core.iloc[:0]).tolist() == []
    assert isinstance(_passes.event_ids(core)[0], str) and np.asarray(_passes.event_ids(core)).dtype == object
