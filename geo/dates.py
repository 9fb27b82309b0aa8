"""Dates in event tables: ISO, ACLED's "16 September 2022", and numeric d/m orders.

The day/month order of a numeric column is inferred from its unambiguous values (a first part
above 12 means day-first); a column whose every value is ambiguous needs the user to say.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from geo._errors import InputError

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[T ][\d:.]+)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$")
_DMY_TEXT = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{4})$")
_MDY_TEXT = re.compile(r"^([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_MY_TEXT = re.compile(r"^([A-Za-z]+)\.?,? (\d{4})$")

Parsed = tuple[str, str]  # (ISO date or "", precision)


def _iso(y: int, m: int, d: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise ValueError(f"no such date: {y:04d}-{m:02d}-{d:02d}") from None


def _month(name: str) -> int:
    m = _MONTHS.get(name.lower())
    if m is None:
        raise ValueError(f"unknown month name {name!r}")
    return m


def parse_date(value: str, *, dayfirst: bool | None = None) -> Parsed:
    """Parse one date; numeric d/m/y needs *dayfirst* unless one part exceeds 12."""
    s = " ".join(value.strip().split())
    if not s:
        return "", "unknown"
    if m := _ISO.match(s):
        return _iso(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _YMD_SLASH.match(s):
        return _iso(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _DMY_TEXT.match(s):
        return _iso(int(m[3]), _month(m[2]), int(m[1])), "day"
    if m := _MDY_TEXT.match(s):
        return _iso(int(m[3]), _month(m[1]), int(m[2])), "day"
    if m := _ISO_MONTH.match(s):
        return _iso(int(m[1]), int(m[2]), 1)[:7], "month"
    if m := _MY_TEXT.match(s):
        return f"{int(m[2]):04d}-{_month(m[1]):02d}", "month"
    if m := _YEAR.match(s):
        return m[1], "year"
    if m := _NUMERIC.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if a > 12 or (dayfirst is True and b <= 12):
            return _iso(y, b, a), "day"
        if b > 12 or dayfirst is False:
            return _iso(y, a, b), "day"
        raise ValueError(f"ambiguous date {s!r}: pass --dayfirst or --monthfirst")
    try:  # last resort: datetime's own ISO reader (e.g. "2022-09-16T10:00:00+03:00")
        return datetime.fromisoformat(s).date().isoformat(), "day"
    except ValueError:
        pass
    raise ValueError(f"unrecognised date {s!r} (use YYYY-MM-DD)")


class DateOrder:
    """Settles a numeric date column's day/month order from values seen one at a time (streamed).

    A first part above 12 means day-first, a second part above 12 month-first; a column showing
    both contradicts itself.
    """

    def __init__(self) -> None:
        self.day_first = self.month_first = False
        self.example: str | None = None

    def add(self, value: str) -> None:
        m = _NUMERIC.match(value.strip())
        if not m:
            return
        if self.example is None:
            self.example = value.strip()
        a, b = int(m[1]), int(m[2])
        self.day_first |= a > 12
        self.month_first |= b > 12

    def decided(self) -> bool | None:
        """True/False when some value decides; None when all are ambiguous or none numeric."""
        if self.day_first and self.month_first:
            raise ValueError("column mixes day-first and month-first dates")
        return True if self.day_first else (False if self.month_first else None)

    def parser(self, *, file: str, field: str, dayfirst: bool | None = None) -> Callable[[str], Parsed]:
        """A parser for the column; :class:`InputError` when the order cannot be settled."""
        if dayfirst is None:
            try:
                dayfirst = self.decided()
            except ValueError as e:
                raise InputError(file, f"{e}; pass --dayfirst or --monthfirst", field=field) from None
            if dayfirst is None and self.example is not None:
                raise InputError(file, f"every numeric date is ambiguous (e.g. {self.example!r}); "
                                 "pass --dayfirst or --monthfirst", field=field)
        return lambda v: parse_date(v, dayfirst=dayfirst)


def infer_dayfirst(values: Iterable[str]) -> bool | None:
    """True/False when some numeric value decides the order; None when all are ambiguous or none numeric.

    Raises ValueError when the column contradicts itself (both 31/01 and 01/31 style values).
    """
    order = DateOrder()
    for v in values:
        order.add(v)
    return order.decided()


def column_parser(values: list[str], *, file: str, field: str,
                  dayfirst: bool | None = None) -> Callable[[str], Parsed]:
    """A parser for one date column, with its day/month order settled up front."""
    order = DateOrder()
    for v in values:
        order.add(v)
    return order.parser(file=file, field=field, dayfirst=dayfirst)


# ---------------------------------------------------------------- plausible dates

#: the default --date-range start: the war began in 2014 (Crimea, Donbas)
DEFAULT_START = date(2014, 1, 1)


def default_range(today: date | None = None) -> tuple[date, date]:
    """2014-01-01 to tomorrow (by the machine's clock; tomorrow allows for time zones)."""
    today = today or date.today()
    return DEFAULT_START, today + timedelta(days=1)


def parse_range(s: str) -> tuple[date, date]:
    """``START..END`` or ``START:END`` (ISO dates; either may be empty for the default)."""
    sep = ".." if ".." in s else ":"
    a, _, b = s.partition(sep)
    lo, hi = default_range()
    try:
        lo = date.fromisoformat(a.strip()) if a.strip() else lo
        hi = date.fromisoformat(b.strip()) if b.strip() else hi
    except ValueError:
        raise ValueError(f"not a date range (YYYY-MM-DD..YYYY-MM-DD): {s!r}") from None
    if lo > hi:
        raise ValueError(f"date range ends before it starts: {s!r}")
    return lo, hi


def period(value: str) -> tuple[date, date] | None:
    """First and last day covered by an ISO day, month (YYYY-MM) or year (YYYY); None if not one."""
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return d, d
        if len(value) == 7:
            y, m = int(value[:4]), int(value[5:])
            first = date(y, m, 1)
            nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
            return first, nxt - timedelta(days=1)
        if len(value) == 4:
            y = int(value)
            return date(y, 1, 1), date(y, 12, 31)
    except (ValueError, OverflowError):
        return None
    return None


def outside(value: str, lo: date, hi: date) -> bool:
    """True when the ISO date/month/year *value* lies wholly outside [lo, hi] (or is no date at all)."""
    p = period(value)
    return p is None or p[1] < lo or p[0] > hi
