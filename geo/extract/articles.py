"""Reading article files and finding their publication date (argument > table > first line > text)."""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from geo._errors import InputError
from geo.extract.dates import _MONTH_RE, _MON

_FIRST_LINE_DATE = re.compile(r"\bdate[:\s]+(\d{4}-\d{2}-\d{2})\b", re.I)
_FULL_DATES = [
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE}),?\s+(\d{{4}})\b", re.I),
    re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
]


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not UTF-8 text ({e.reason} at byte {e.start})") from None


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


def _full_dates(text: str) -> list[tuple[int, date]]:
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
            out.append((m.start(), d))
    return sorted(out)


def text_date(text: str) -> date | None:
    """A dateline or printed date: the first full date in the first 400 characters, else the latest
    full date in the text (an article appears on or after the last date it mentions)."""
    found = _full_dates(text)
    if not found:
        return None
    head = [d for pos, d in found if pos < 400]
    return head[0] if head else max(d for _, d in found)


def read_table(path: str | Path) -> dict[str, dict[str, str]]:
    """articles.csv: file,published[,url,outlet] → {file name: {published, url, outlet}}."""
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise InputError(str(path), f"cannot read articles table: {e.strerror}") from None
    out: dict[str, dict[str, str]] = {}
    with fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "file" not in reader.fieldnames or "published" not in reader.fieldnames:
            raise InputError(str(path), "articles table needs columns file,published[,url,outlet]", line=1)
        for n, row in enumerate(reader, 2):
            pub = (row.get("published") or "").strip()
            if pub:
                try:
                    date.fromisoformat(pub[:10])
                except ValueError:
                    raise InputError(str(path), f"bad date {pub!r} (want YYYY-MM-DD)", line=n,
                                     field="published") from None
            name = Path((row.get("file") or "").strip()).name
            out[name] = {"published": pub[:10], "url": (row.get("url") or "").strip(),
                         "outlet": (row.get("outlet") or "").strip()}
    return out
