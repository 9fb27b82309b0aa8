"""Property-based fuzzing of every reader and the extractor (issue 11), derandomised so CI cannot flake.

Properties: no exception but :class:`InputError` (a one-line error) ever escapes; for tables, rows
in = events + rejects (and = the rows written, when the file is well formed); for articles, each
file gives events or a warning. 10,850 cases in all (``test_zz_cases_total`` asserts ≥ 10,000 and
the terminal summary prints the count), well under a minute.

Cases and examples: each hypothesis example draws a seed (and, for the byte-level tests, one
``st.binary`` value), from which a batch of ``k`` independent cases is made with a seeded
``random.Random``; every case is checked with the same properties and counted. Hypothesis costs
~1.3 ms of CPU per example itself (its engine, and saving and restoring the global random
states around each one), which was 40 % of the suite when every case was an example. Batches of
hypothesis-drawn values (``st.lists``) are no way out: hypothesis repeats list elements across
and within examples (10,850 cases were 1,941 distinct inputs); seeded batches stay distinct
(the summary prints the distinct count). Byte-level batches start with hypothesis's own draw and
add mutations of it (bit flips, inserted CSV/encoding fragments, deletions, splices) and fresh
byte soups. A failure names the case (``case i of k``) and its input.
"""
from __future__ import annotations

import codecs
import csv
import json
import math
import random
import tempfile
from datetime import date
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from geo import _io  # noqa: E402
from geo import dates as _dates  # noqa: E402
from geo._errors import InputError  # noqa: E402
from geo.read import read_table  # noqa: E402

CASES: dict[str, int] = {}
#: distinct inputs per test (hashes of their repr): batches must not repeat what other batches tried
DISTINCT: dict[str, set[int]] = {}
TMP = Path(tempfile.mkdtemp(prefix="frontline-fuzz-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))


def fuzz(n_cases: int, k: int):
    """Settings for *n_cases* cases drawn as ``n_cases // k`` examples of *k* cases each."""
    assert n_cases % k == 0
    return settings(max_examples=n_cases // k, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


def batch(gen, k: int):
    """Per example, *k* cases ``gen(rng)`` from one seeded ``random.Random`` (module docstring)."""
    return st.integers(0, 2 ** 64).map(lambda seed: (lambda rng: [gen(rng) for _ in range(k)])(random.Random(seed)))


def byte_batch(max_size: int, k: int, gen=None):
    """Per example, hypothesis's ``st.binary`` draw, then *k* - 1 mutations of it and fresh byte soups
    (``gen(rng, data)`` wraps each into a case)."""
    gen = gen or (lambda rng, data: data)

    def make(t):
        data, seed = t
        rng = random.Random(seed)
        return [gen(rng, data)] + [gen(rng, r_bytes(rng, max_size, data)) for _ in range(k - 1)]
    return st.tuples(st.binary(max_size=max_size), st.integers(0, 2 ** 64)).map(make)


def each(name: str, items, check, *, unpack: bool = False) -> None:
    """Run *check* on every item (its fields as arguments when *unpack*) as one case of *name*;
    on failure say which case it was."""
    for i, item in enumerate(items):
        CASES[name] = CASES.get(name, 0) + 1
        DISTINCT.setdefault(name, set()).add(hash(repr(item)))
        try:
            check(*item) if unpack else check(item)
        except Exception as e:
            raise AssertionError(f"{name}: case {i} of {len(items)} failed: {type(e).__name__}: {e}\n"
                                 f"input: {item!r}"[:20_000]) from e


# ---------------------------------------------------------------- building blocks

SPECIAL = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", '"', ",", ";", "\t", "|",
           "\n", "\r", "\r\n", "=", "+", "-", "@", "'", "\ufeff", "\x00", " ", "Київ", "Харків", "é"]
chars = st.characters(blacklist_categories=("Cs",))
ALPHABET = list("abcXYZ0159 .,;:-_'\"=+@\t|\n\r") + [c for c in SPECIAL if len(c) == 1] + list("ХарківЁёґ€ß")
# cheap to draw (a sampled alphabet) with now and then any Unicode character at all
text = st.one_of(st.text(st.sampled_from(ALPHABET), max_size=10), st.text(chars, max_size=4),
                 st.sampled_from(SPECIAL))
floats = st.floats(allow_nan=True, allow_infinity=True)
coord = st.one_of(
    st.floats(-90, 90).map(lambda v: f"{v:.5f}"),
    floats.map(repr),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e309", "91", "-181", "",
                     "abc", "46,5", "46.5.1", "0x10", "1_0", " 47.1 ", "--1"]),
    text,
)
date_s = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(min_value=date(2014, 1, 1), max_value=date(2025, 12, 31)).map(date.isoformat),
    st.sampled_from(["9999-12-31", "0000-01-01", "0001-01-01", "2022-02-30", "31/12/2022", "12/31/2022",
                     "01/02/2022", "2022", "2022-09", "16 September 2022", "Sept 2022", "2022-09-16T10:00:00+03:00",
                     "", "yesterday", "99999-01-01", "2022-13-01", "1e308"]),
    text,
)
COLS = ["date", "event_date", "lat", "latitude", "lon", "lng", "longitude", "place", "location", "notes", "type",
        "actor", "status", "confidence", "source", "id", "admin1", "country", "extra", "x1", "Дата", "weapon"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "koi8_r"]


# Cell contents come from a seeded random.Random (hypothesis draws the seed and the file's shape):
# drawing each cell through hypothesis costs ~0.4 ms a draw, and 10,000 cases must stay well
# under a minute. The seed is part of the failing example hypothesis prints, so failures reproduce.
COORDS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e309", "91", "-181", "", "abc", "46,5",
          "46.5.1", "0x10", "1_0", " 47.1 ", "--1", "-0", "0"]
DATES = ["9999-12-31", "0000-01-01", "0001-01-01", "2022-02-30", "31/12/2022", "12/31/2022", "01/02/2022", "2022",
         "2022-09", "16 September 2022", "Sept 2022", "2022-09-16T10:00:00+03:00", "", "yesterday",
         "99999-01-01", "2022-13-01", "1e308"]


def r_text(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.15:
        return rng.choice(SPECIAL)
    if k < 0.25:
        return "".join(chr(rng.choice([rng.randrange(32, 0x250), rng.randrange(0x400, 0x500),
                                       rng.randrange(0x2000, 0x3000), rng.randrange(0xE000, 0x10FFFF)]))
                       for _ in range(rng.randrange(1, 5))).encode("utf-8", "replace").decode("utf-8", "replace")
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 11)))


def r_coord(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.5:
        return f"{rng.uniform(-90, 90):.5f}"
    if k < 0.65:
        return repr(rng.choice([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, rng.uniform(-1e6, 1e6)]))
    if k < 0.9:
        return rng.choice(COORDS)
    return r_text(rng)


def r_date(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.5:
        return date(rng.randrange(2014, 2026), rng.randrange(1, 13), rng.randrange(1, 29)).isoformat()
    if k < 0.6:
        return date.fromordinal(rng.randrange(1, 3652059)).isoformat()
    if k < 0.9:
        return rng.choice(DATES)
    return r_text(rng)


#: byte fragments the readers must take apart: delimiters, quotes, line ends, BOMs, NUL, the separators only
#: CR/LF may end a row at, Cyrillic in three encodings, truncated UTF-8, numbers and dates
BYTE_BITS = [b",", b";", b"\t", b"|", b'"', b"'", b"\r", b"\n", b"\r\n", b"\x00", b" ", b"=", b"-", b"@", b"\\",
             codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x0b", b"\x0c", b"\x1c", b"\xc2\x85",
             "\u2028".encode(), "Київ".encode(), "Київ".encode("cp1251"), "Харьков".encode("koi8_r"),
             "Київ".encode("utf-16-le"), b"\xd0", b"\xe2\x82", b"\xff", b"\x80", b"2022-09-01", b"31/12/2022",
             b"46.6", b"-1e308", b"nan", b"inf", b"date", b"lat", b"lon", b"place", b"date 9999-12-31\n"]


def r_bytes(rng: random.Random, max_size: int, base: bytes = b"") -> bytes:
    """A mutation of *base* (30 %), uniform random bytes, or a soup of :data:`BYTE_BITS` and random bytes."""
    k = rng.random()
    if base and k < 0.3:
        b = bytearray(base)
        for _ in range(rng.randrange(1, 5)):
            op, i = rng.random(), rng.randrange(len(b) + 1)
            if op < 0.3 and b:
                b[min(i, len(b) - 1)] ^= 1 << rng.randrange(8)
            elif op < 0.6:
                b[i:i] = rng.choice(BYTE_BITS)
            elif op < 0.8:
                del b[i:i + rng.randrange(1, 8)]
            else:
                j = rng.randrange(len(b) + 1)
                b[i:i] = b[j:j + rng.randrange(1, 16)]
        return bytes(b[:max_size])
    n = min(max_size, int(rng.expovariate(4 / max_size)))
    if k < 0.6:
        return rng.randbytes(n)
    out = bytearray()
    while len(out) < n:
        out += rng.choice(BYTE_BITS) if rng.random() < 0.6 else rng.randbytes(rng.randrange(1, 4))
    return bytes(out[:max_size])


CELL = {"date": r_date, "event_date": r_date, "lat": r_coord, "latitude": r_coord, "lon": r_coord,
        "lng": r_coord, "longitude": r_coord, "confidence": lambda rng: rng.choice(["0.5", "1", "2", "-0", "x", ""])}


def r_table(rng: random.Random):
    header = rng.sample(COLS, rng.randrange(2, 8))
    if rng.random() < 0.5:
        header += [c for c in ("lat", "lon") if c not in header]
    rows = []
    for _ in range(rng.randrange(0, 6)):
        row = [CELL.get(h, r_text)(rng) for h in header]
        if rng.random() < 0.1:       # a row with a cell too many or too few
            row = row[:-1] if rng.random() < 0.5 else row + ["x"]
        rows.append(row)
    delim = rng.choice([",", ";", "\t", "|"])
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
    eol = rng.choice(["\n", "\r\n", "\r"])
    enc = rng.choice(ENCODINGS)
    return header, rows, delim, quoting, eol, enc




def written(header, rows, delim, quoting, eol) -> str:
    """Valid CSV as RFC 4180 has it (Python's writer leaves a lone CR or LF unquoted when the row
    terminator is the other one, which no reader can read back)."""
    def cell(v) -> str:
        v = str(v)
        if quoting != csv.QUOTE_MINIMAL or any(c in v for c in (delim, '"', "\r", "\n")) or v != v.strip(" "):
            return '"' + v.replace('"', '""') + '"'
        return v
    return "".join(delim.join(map(cell, r)) + eol for r in [header, *rows])


def check_table(path: Path):
    """Read *path*; only InputError may escape, and rows in = rows + rejects."""
    try:
        t = read_table(path)
    except InputError as e:
        assert "\n" not in str(e).strip(), str(e)     # one line, naming the file
        assert str(path) in str(e), str(e)
        return None
    assert t.n_in == len(t.rows) + len(t.rejects)
    for r in t.rows:
        for k in ("latitude", "longitude"):
            assert r[k] is None or (math.isfinite(r[k]) and abs(r[k]) <= 180)
    return t


# ---------------------------------------------------------------- tables

def check_csv_table(spec) -> None:
    header, rows, delim, quoting, eol, enc = spec
    body = written(header, rows, delim, quoting, eol)
    p = TMP / "t.csv"
    p.write_bytes(body.encode(enc, errors="replace"))
    t = check_table(p)
    plain = enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le") and "\x00" not in body and "\ufeff" not in body
    if t is not None and plain and len(header) >= 2:
        # well-formed and decodable: every non-blank row written is a row in, no more, no less
        expected = sum(1 for r in rows if any(c.strip() for c in map(str, r)))
        assert t.n_in == expected, (t.n_in, expected, body)


@fuzz(2000, k=10)
@given(batch(r_table, 10))
def test_fuzz_csv_tables(specs):
    each("csv tables", specs, check_csv_table)


def check_csv_bytes(data: bytes, suffix: str) -> None:
    p = TMP / f"b{suffix}"
    p.write_bytes(data)
    check_table(p)


@fuzz(1500, k=10)
@given(byte_batch(600, 10, lambda rng, data: (data, rng.choice([".csv", ".tsv"]))))
def test_fuzz_csv_random_bytes(items):
    each("csv bytes", items, check_csv_bytes, unpack=True)


def check_header_then_bytes(data: bytes) -> None:
    p = TMP / "hb.csv"
    p.write_bytes(b"date,lat,lon,place,notes\n2022-09-01,46.6,32.6,Kherson,ok\n" + data)
    t = check_table(p)
    if t is not None:
        assert t.n_in >= 1


@fuzz(800, k=10)
@given(byte_batch(200, 10))
def test_fuzz_csv_header_then_random_bytes(items):
    each("csv header+bytes", items, check_header_then_bytes)


def r_json(rng: random.Random, depth: int = 0):
    k = rng.random()
    if depth > 3 or k < 0.55:
        return rng.choice([None, True, False, math.nan, math.inf, -math.inf, 1e308, 10 ** 30, rng.randrange(-9, 99),
                           rng.uniform(-200, 200), r_text(rng), r_date(rng)])
    if k < 0.8:
        return [r_json(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    return {r_text(rng): r_json(rng, depth + 1) for _ in range(rng.randrange(0, 4))}


def r_geometry(rng: random.Random):
    k = rng.random()
    if k < 0.45:
        coords = [rng.uniform(-180, 180), rng.uniform(-90, 90)] if rng.random() < 0.7 else r_json(rng, 1)
        return {"type": "Point", "coordinates": coords}
    if k < 0.6:
        return None
    if k < 0.8:
        return {"type": rng.choice(["LineString", "Polygon", "MultiPoint", "GeometryCollection", "point", "",
                                    "Feature"]), "coordinates": r_json(rng, 1),
                "geometries": [r_geometry(rng)] if rng.random() < 0.3 else []}
    return r_json(rng, 1)


def r_feature(rng: random.Random):
    if rng.random() < 0.1:
        return r_json(rng)
    props = {rng.choice(COLS + ["name", ""]): rng.choice([r_date, r_coord, r_text, r_json])(rng)
             for _ in range(rng.randrange(0, 6))} if rng.random() < 0.85 else r_json(rng, 1)
    f = {"type": "Feature", "geometry": r_geometry(rng), "properties": props}
    if rng.random() < 0.2:
        f["id"] = r_json(rng, 2)
    return f


def r_geojson(rng: random.Random):
    return [r_feature(rng) for _ in range(rng.randrange(0, 5))], rng.choice(["fc", "feature", "raw", "truncated"])


def check_geojson(feats, shape: str) -> None:
    if shape == "fc":
        doc = {"type": "FeatureCollection", "features": feats}
    elif shape == "feature":
        doc = feats[0] if feats else {"type": "Feature"}
    else:
        doc = feats
    try:
        text_ = json.dumps(doc, ensure_ascii=False)
    except (ValueError, RecursionError):
        return
    if shape == "truncated":
        text_ = text_[: len(text_) // 2]
    p = TMP / "g.geojson"
    p.write_text(text_, encoding="utf-8", errors="surrogatepass")
    t = check_table(p)
    if t is not None and shape == "fc":
        assert t.n_in == len(feats)


@fuzz(1500, k=10)
@given(batch(r_geojson, 10))
def test_fuzz_geojson(items):
    each("geojson", items, check_geojson, unpack=True)


# ---------------------------------------------------------------- corrections and articles tables

WORDS = ["drop", "move", "retype", "set", "abc", "1e999", "nan", "strike", "admin1", "-1", "91"]
def r_corrections(rng: random.Random):
    rows = [[rng.choice(WORDS) if rng.random() < 0.4 else r_text(rng) for _ in range(rng.randrange(1, 10))]
            for _ in range(rng.randrange(0, 6))]
    return rows, rng.choice(ENCODINGS)


def check_corrections(rows, enc: str) -> None:
    from geo.corrections import apply_corrections, read_corrections
    body = written(["event_id", "action", "latitude", "longitude", "location_name", "event_type", "field", "value",
                    "note"], rows, ",", csv.QUOTE_MINIMAL, "\n")
    p = TMP / "c.csv"
    p.write_bytes(body.encode(enc, errors="replace"))
    try:
        fixes = read_corrections(p)
    except InputError as e:
        assert "\n" not in str(e).strip(), str(e)
        return
    events = [{"event_id": r[0] if r else "", "latitude": 1.0, "longitude": 2.0} for r in rows]
    done = apply_corrections(events, fixes)
    assert len(done.events) + done.n_dropped == len(events)


@fuzz(800, k=10)
@given(batch(r_corrections, 10))
def test_fuzz_corrections(items):
    each("corrections", items, check_corrections, unpack=True)


def check_articles_table(data: bytes) -> None:
    from geo.extract.articles import read_table as read_articles_table
    p = TMP / "articles.csv"
    p.write_bytes(b"file,published,url\n" + data)
    try:
        read_articles_table(p)
    except InputError as e:
        assert "\n" not in str(e).strip(), str(e)


@fuzz(500, k=10)
@given(byte_batch(300, 10))
def test_fuzz_articles_table_bytes(items):
    each("articles.csv", items, check_articles_table)


# ---------------------------------------------------------------- articles and the extractor

@pytest.fixture(scope="module")
def gaz():
    from geo.gazetteer import load_gazetteer
    return load_gazetteer()


SENT = ["Russian forces shelled Nikopol on Monday.", "A drone hit Kharkiv overnight, the governor said.",
        "date 9999-12-31", "date 2024-03-12", "On 31 February 2024 an explosion was heard in Kherson.",
        "Missiles struck Odesa on September 99, 2022.", "Обстріл Херсона.", "In 10000 BC nothing happened.",
        "\u2028", "\x0b", "=HYPERLINK(\"x\")", "Ukrainian troops attacked Bakhmut last week.", "12/31/2099"]
def r_article(rng: random.Random) -> str:
    return " ".join(rng.choice(SENT) if rng.random() < 0.6 else r_text(rng) for _ in range(rng.randrange(0, 9)))


def r_published(rng: random.Random) -> date | None:
    """None, the bounds the input layer lets through, or any date between (as st.dates drew them)."""
    k = rng.random()
    if k < 0.3:
        return None
    if k < 0.4:
        return rng.choice([date(1900, 1, 1), date(2100, 1, 1), date(1970, 1, 1), date(2000, 2, 29)])
    return date.fromordinal(rng.randrange(date(1900, 1, 1).toordinal(), date(2100, 1, 1).toordinal() + 1))


@fuzz(1000, k=10)
@given(batch(lambda rng: (r_article(rng), r_published(rng)), 10))
def test_fuzz_extract_text(gaz, items):
    """Publication dates as the input layer lets them through (1900..next year; 9999-12-31 is
    ignored there, see test_fuzz_article_files): the extractor's own date arithmetic is guarded
    by the extraction work."""
    from geo.extract import extract_text

    def check(body: str, published) -> None:
        events = extract_text(body, published=published, source="fuzz", gazetteer=gaz)
        assert isinstance(events, list)
        for e in events:
            assert -90 <= e["latitude"] <= 90 and -180 <= e["longitude"] <= 180
    each("extract_text", items, check, unpack=True)


def r_article_file(rng: random.Random, data: bytes) -> bytes:
    """Bytes (hypothesis's or mutated), an article in UTF-8, or one in another encoding, a third each."""
    k = rng.random()
    if k < 1 / 3:
        return data
    if k < 2 / 3:
        return r_article(rng).encode("utf-8")
    return r_article(rng).encode(rng.choice(ENCODINGS), "replace")


@fuzz(600, k=10)
@given(byte_batch(400, 10, r_article_file))
def test_fuzz_article_files(gaz, items):
    from geo.extract import extract_paths
    d = TMP / "arts"
    d.mkdir(exist_ok=True)
    p = d / "a.txt"

    def check(data: bytes) -> None:
        p.write_bytes(data)
        try:
            ex = extract_paths([p], gazetteer=gaz)
        except InputError as e:
            assert "\n" not in str(e).strip(), str(e)
            return
        assert len(ex.articles) == 1
        a = ex.articles[0]
        assert a["n_events"] == len(ex.events)
        # events or a warning per file: an article with no events says why (no date, not English),
        # unless it is a dated text in which nothing happened
        if not ex.events:
            assert a["warnings"] or a["published"], a
        if a["published"] == "":
            assert any("no publication date" in w for w in a["warnings"]), a
    each("article files", items, check)


# ---------------------------------------------------------------- dates and cells

def check_date(s: str, dayfirst) -> None:
    try:
        iso, prec = _dates.parse_date(s, dayfirst=dayfirst)
    except ValueError:
        return
    assert prec in ("day", "month", "year", "unknown")
    lo, hi = _dates.default_range()
    _dates.outside(iso, lo, hi)




@fuzz(1000, k=20)
@given(batch(lambda rng: (rng.choice([r_date, r_text])(rng), rng.choice([None, True, False])), 20))
def test_fuzz_dates(items):
    each("dates", items, check_date, unpack=True)


def check_csv_safe(s: str) -> None:
    safe = _io.csv_safe(s)
    assert _io.csv_unsafe(safe) == s
    assert not safe.startswith(_io.FORMULA_START) or _io._numeric(safe)


def r_cell(rng: random.Random) -> str:
    return rng.choice(["'" * rng.randrange(3), ""]) + rng.choice(
        [r_text(rng), r_coord(rng), rng.choice(["=1", "-3.5", "'=x", "''-2", "+", "@", "\t", "\r", "'", "-inf", "1e5"])])


@fuzz(1000, k=20)
@given(batch(r_cell, 20))
def test_fuzz_csv_safe_round_trip(items):
    each("csv_safe", items, check_csv_safe)


def check_pipeline(spec) -> None:
    from geo.pipeline import collect
    header, rows, delim, quoting, eol, enc = spec
    p = TMP / "pipe.csv"
    p.write_bytes(written(header, rows, delim, quoting, eol).encode(enc, errors="replace"))
    try:
        res = collect([p])
    except InputError as e:
        assert "\n" not in str(e).strip(), str(e)
        return
    assert res.n_in == len(res.events) + len(res.rejects) + res.n_dropped


@fuzz(150, k=5)
@given(batch(r_table, 5))
def test_fuzz_whole_pipeline_count_promise(items):
    """Through geocoding, date range and regions: rows in = events + rejects + dropped."""
    each("pipeline", items, check_pipeline)


#: cases each test draws (examples × batch size); the suite must run all of them
EXPECTED = {"csv tables": 2000, "csv bytes": 1500, "csv header+bytes": 800, "geojson": 1500, "corrections": 800,
            "articles.csv": 500, "extract_text": 1000, "article files": 600, "dates": 1000, "csv_safe": 1000,
            "pipeline": 150}


def test_zz_cases_total():
    if set(CASES) != set(EXPECTED):
        pytest.skip("only part of the fuzz suite ran")
    total = sum(CASES.values())
    print(f"fuzz cases: {total} {CASES}; distinct inputs: {sum(map(len, DISTINCT.values()))} "
          f"{ {k: len(v) for k, v in DISTINCT.items()} }")
    assert CASES == EXPECTED      # hypothesis ran every example (none discarded as too large)
    assert total >= 10_000
