"""User corrections keyed by event_id, applied on every run so fixes survive regeneration.

A corrections CSV has columns ``event_id, action`` and, depending on the action:
``drop`` (remove the event), ``move`` (``latitude, longitude`` and optionally ``location_name``),
``retype`` (``event_type``), ``set`` (``field, value``: any other field). ``note`` is free text.

A corrections file gets the same treatment as an event table: any encoding people have, one-line
errors for an unreadable file, and every bad line (an unknown action, latitude "abc", an id that
matches no event) a reject with its reason instead of a stopped run. Dropped events are counted,
so rows in = events + rejects + dropped still holds.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo import _io
from geo._errors import InputError
from geo.read import Reject
from geo.schema import EVENT_TYPES

ACTIONS = ("drop", "move", "retype", "set")
_PROTECTED = {"event_id", "admin1", "country"}  # derived by the pipeline, not set by hand


@dataclass
class Correction:
    line: int
    event_id: str
    action: str
    values: dict[str, str]
    raw: str = ""


@dataclass
class Corrections:
    """Valid corrections and the file's bad lines (as rejects: file, line, field, reason)."""
    file: str
    items: list[Correction] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    encoding: str = "utf-8"

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Applied:
    """What applying corrections did: the events left, how many were dropped, ids matching nothing."""
    events: list[dict[str, Any]]
    n_dropped: int = 0
    rejects: list[Reject] = field(default_factory=list)


def read_corrections(path: str | Path, *, encoding: str | None = None) -> Corrections:
    """Parse and validate every line; bad lines become rejects naming line and field.

    An unreadable file (missing, not text, no ``event_id``/``action`` columns) is an InputError.
    """
    path = Path(path)
    text, enc = _io.read_text(path, encoding)
    out = Corrections(str(path), encoding=enc)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, strict=True)
    try:
        header = [_io.csv_unsafe(h.strip()) for h in next(reader)]
    except StopIteration:
        raise InputError(str(path), "empty file: no header row", line=1) from None
    except csv.Error as e:
        raise InputError(str(path), f"malformed header: {e}", line=1) from None
    for col in ("event_id", "action"):
        if col not in header:
            raise InputError(str(path), f"missing column: {col}", line=1, field=col)
    text_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    prev = reader.line_num
    while True:
        start = prev + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            out.rejects.append(Reject(str(path), start, "", f"malformed CSV: {e}", _raw(text_lines, start,
                                                                                            reader.line_num)))
            prev = reader.line_num
            continue
        prev = reader.line_num
        raw = _raw(text_lines, start, prev)
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            out.rejects.append(Reject(str(path), start, "", f"{len(cells)} cells, header has {len(header)}", raw))
            continue
        vals = {k: _io.csv_unsafe(v.strip()) for k, v in zip(header, cells) if k}
        problem = _check(vals)
        if problem:
            out.rejects.append(Reject(str(path), start, problem[0], problem[1], raw))
            continue
        out.items.append(Correction(start, vals["event_id"], vals["action"].lower(), vals, raw))
    return out


def _raw(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start - 1:end])[:2000]


def _check(vals: dict[str, str]) -> tuple[str, str] | None:
    """(field, reason) of what is wrong with one correction line, or None."""
    action = vals.get("action", "").lower()
    if not vals.get("event_id"):
        return "event_id", "empty event_id"
    if action not in ACTIONS:
        return "action", f"unknown action {action!r} (use {', '.join(ACTIONS)})"
    if action == "move":
        for f, lim in (("latitude", 90), ("longitude", 180)):
            try:
                v = float(vals.get(f, ""))
            except ValueError:
                return f, f"move needs a number, got {vals.get(f, '')!r}"
            if not math.isfinite(v) or abs(v) > lim:
                return f, f"{v} outside -{lim}..{lim}"
    if action == "retype" and vals.get("event_type", "") not in EVENT_TYPES:
        return "event_type", f"event_type must be one of {', '.join(EVENT_TYPES)}"
    if action == "set" and (not vals.get("field") or vals["field"] in _PROTECTED):
        return "field", f"set needs a field other than {', '.join(sorted(_PROTECTED))}"
    if action == "set" and vals["field"] in _COORDS:   # a coordinate must stay a number in range
        lim = _COORDS[vals["field"]]
        try:
            v = float(vals.get("value", ""))
        except ValueError:
            return "value", f"set {vals['field']} needs a number, got {vals.get('value', '')!r}"
        if not math.isfinite(v) or abs(v) > lim:
            return "value", f"{v} outside -{lim}..{lim}"
    return None


_COORDS = {"latitude": 90, "longitude": 180}


def apply_corrections(events: list[dict[str, Any]], corrections: Corrections | list[Correction]) -> Applied:
    """Apply every correction to the events with its id; a correction matching no event is a reject."""
    items = list(corrections)
    file = corrections.file if isinstance(corrections, Corrections) else "corrections"
    by_id: dict[str, list[Correction]] = {}
    for c in items:
        by_id.setdefault(c.event_id, []).append(c)
    seen: set[str] = set()
    out = []
    dropped = 0
    for ev in events:
        cs = by_id.get(ev.get("event_id", ""), [])
        is_dropped = False
        for c in cs:
            seen.add(c.event_id)
            v = c.values
            if c.action == "drop":
                is_dropped = True
            elif c.action == "move":
                ev["latitude"], ev["longitude"] = float(v["latitude"]), float(v["longitude"])
                if v.get("location_name"):
                    ev["location_name"] = v["location_name"]
                ev["geo_precision"] = v.get("geo_precision") or ev.get("geo_precision") or "settlement"
            elif c.action == "retype":
                ev["event_type"] = v["event_type"]
            elif c.action == "set":
                val = v.get("value", "")
                ev[v["field"]] = float(val) if v["field"] in _COORDS else val
            ev["corrected"] = "; ".join(filter(None, [ev.get("corrected", ""), c.action + (
                f" ({v['note']})" if v.get("note") else "")]))
        if is_dropped:
            dropped += 1
        else:
            out.append(ev)
    rejects = [Reject(file, c.line, "event_id", f"no event with id {c.event_id!r}", c.raw)
               for c in items if c.event_id not in seen]
    return Applied(out, dropped, rejects)
