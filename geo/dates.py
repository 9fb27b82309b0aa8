"""Dates in event tables: ISO, ACLED's "16 September 2022", and numeric d/m orders.

The day/month order of a numeric column is inferred from its unambiguous values (a first part
above 12 means day-first); a column whose every value is ambiguous needs the user to say.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Callable, Iterable

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


def infer_dayfirst(values: Iterable[str]) -> bool | None:
    """True/False when some numeric value decides the order; None when all are ambiguous or none numeric.

    Raises ValueError when the column contradicts itself (both 31/01 and 01/31 style values).
    """
    day_first = month_first = False
    for v in values:
        m = _NUMERIC.match(v.strip())
        if not m:
            continue
        a, b = int(m[1]), int(m[2])
        day_first |= a > 12
        month_first |= b > 12
    if day_first and month_first:
        raise ValueError("column mixes day-first and month-first dates")
    return True if day_first else (False if month_first else None)


def column_parser(values: list[str], *, file: str, field: str,
                  dayfirst: bool | None = None) -> Callable[[str], Parsed]:
    """A parser for one date column, with its day/month order settled up front."""
    if dayfirst is None:
        try:
            dayfirst = infer_dayfirst(values)
        except ValueError as e:
            raise InputError(file, f"{e}; pass --dayfirst or --monthfirst", field=field) from None
        if dayfirst is None and any(_NUMERIC.match(v.strip()) for v in values):
            example = next(v for v in values if _NUMERIC.match(v.strip()))
            raise InputError(file, f"every numeric date is ambiguous (e.g. {example!r}); "
                             "pass --dayfirst or --monthfirst", field=field)
    return lambda v: parse_date(v, dayfirst=dayfirst)
