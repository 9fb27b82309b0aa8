"""Reading article files and finding their publication date (argument > table > first line > text).

Files are decoded as people have them (UTF-8, UTF-16, cp1251, koi8-r: :mod:`geo._io`) with line
endings normalised to ``\\n``. A publication date must be plausible: one far in the future (a
typo, ``9999-12-31``) or before 1900 is ignored with a warning, one merely after the machine's
clock is kept with a warning.
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

from geo import _io
from geo._errors import InputError
from geo.extract.dates import _MON, _MONTH_RE

_FIRST_LINE_DATE = re.compile(r"\bdate[:\s]+(\d{4}-\d{2}-\d{2})\b", re.I)
_FULL_DATES = [
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE}),?\s+(\d{{4}})\b", re.I),
    re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
]
#: publication dates outside these are typos, not dates (and would overflow date arithmetic)
EARLIEST_PUBLISHED = date(1900, 1, 1)
LATEST_AHEAD = timedelta(days=366)


def read_text(path: Path, encoding: str | None = None) -> str:
    """The article's text, decoded (see :mod:`geo._io`), line endings normalised to ``\\n``."""
    return read_text_enc(path, encoding)[0]


def read_text_enc(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used)."""
    text, enc = _io.read_text(path, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), enc


#: the dates plausible_published judged in this context (see :func:`judged_dates`), else None
_JUDGED: contextvars.ContextVar[list[date] | None] = contextvars.ContextVar("judged", default=None)


@contextlib.contextmanager
def judged_dates():
    """Collect every date :func:`plausible_published` judges inside the block: its answers depend on
    the machine's clock only for dates after today, so a result cache knows when it may go stale."""
    seen: list[date] = []
    token = _JUDGED.set(seen)
    try:
        yield seen
    finally:
        _JUDGED.reset(token)


def plausible_published(d: date | None, today: date | None = None) -> tuple[date | None, str]:
    """(date or None, warning or ""): a publication date is ignored when implausible, warned when future."""
    if d is None:
        return None, ""
    seen = _JUDGED.get()
    if seen is not None:
        seen.append(d)
    today = today or date.today()
    if d < EARLIEST_PUBLISHED or d > today + LATEST_AHEAD:
        return None, (f"publication date {d.isoformat()} is outside the plausible range "
                      f"{EARLIEST_PUBLISHED.isoformat()}..{(today + LATEST_AHEAD).isoformat()}: ignored")
    if d > today:
        return d, f"publication date {d.isoformat()} is in the future of this machine's clock ({today.isoformat()})"
    return d, ""


_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэъёЫЭЪЁ")


def script_language(text: str) -> str | None:
    """"Ukrainian"/"Russian" (or "Cyrillic") when most letters are Cyrillic, else None (read as English)."""
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < 20:
        return None
    cyr = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    if cyr < 0.5 * len(letters):
        return None
    uk = sum(1 for c in sample if c in _UK_ONLY)
    ru = sum(1 for c in sample if c in _RU_ONLY)
    if uk > ru:
        return "Ukrainian"
    if ru > uk:
        return "Russian"
    return "Cyrillic-script"


def first_line_date(text: str) -> tuple[date | None, str]:
    """`date YYYY-MM-DD` anywhere in the first line; returns the date and the text without that token."""
    first, sep, rest = text.partition("\n")
    m = _FIRST_LINE_DATE.search(first)
    if not m:
        return None, text
    try:
        d = date.fromisoformat(m.group(1))
    except ValueError:
        return None, text
    return d, (first[:m.start()] + first[m.end():]).strip() + sep + rest


def _full_dates(text: str, today: date | None = None) -> list[tuple[int, date]]:
    out = []
    for i, rx in enumerate(_FULL_DATES):
        for m in rx.finditer(text):
            g = m.groups()
            try:
                if i == 0:
                    d = date(int(g[0]), int(g[1]), int(g[2]))
                elif i == 1:
                    d = date(int(g[2]), _MON[g[1].lower().rstrip(".")], int(g[0]))
                else:
                    d = date(int(g[2]), _MON[g[0].lower().rstrip(".")], int(g[1]))
            except (ValueError, KeyError):
                continue
            if plausible_published(d, today)[0] is None:
                continue        # "9999-12-31" in a text is not when it was published
            out.append((m.start(), d))
    return sorted(out)


def text_date(text: str, today: date | None = None) -> date | None:
    """A dateline or printed date: the first full date in the first 400 characters, else the latest
    full date in the text (an article appears on or after the last date it mentions)."""
    found = _full_dates(text, today)
    if not found:
        return None
    head = [d for pos, d in found if pos < 400]
    return head[0] if head else max(d for _, d in found)



def _cell(row: dict, k: str) -> str:
    """A text cell of articles.csv, trimmed, its formula guard undone ("" when absent or not text)."""
    v = row.get(k)
    return _io.csv_unsafe((v or "").strip()) if isinstance(v, str) else ""

def read_table(path: str | Path, encoding: str | None = None) -> dict[str, dict[str, str]]:
    """articles.csv: file,published[,url,outlet] → {file name: {published, url, outlet}}."""
    path = Path(path)
    try:
        text, _enc = _io.read_text(path, encoding)
    except InputError as e:
        raise InputError(str(path), f"cannot read articles table: {e.message}") from None
    out: dict[str, dict[str, str]] = {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fields = [f.lstrip("\ufeff") for f in (reader.fieldnames or [])]
    except csv.Error as e:
        raise InputError(str(path), f"malformed articles table: {e}", line=1) from None
    reader.fieldnames = fields
    if "file" not in fields or "published" not in fields:
        raise InputError(str(path), "articles table needs columns file,published[,url,outlet]", line=1)
    n = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise InputError(str(path), f"malformed articles table: {e}", line=reader.line_num) from None
        n = reader.line_num
        pub = _cell(row, "published")
        if pub:
            try:
                date.fromisoformat(pub[:10])
            except ValueError:
                raise InputError(str(path), f"bad date {pub!r} (want YYYY-MM-DD)", line=n,
                                 field="published") from None
        name = Path(_cell(row, "file")).name
        out[name] = {"published": pub[:10], "url": _cell(row, "url"), "outlet": _cell(row, "outlet")}
    return out
