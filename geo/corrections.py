"""User corrections keyed by event_id, applied on every run so fixes survive regeneration.

A corrections CSV has columns ``event_id, action`` and, depending on the action:
``drop`` (remove the event), ``move`` (``latitude, longitude`` and optionally ``location_name``),
``retype`` (``event_type``), ``set`` (``field, value``: any other field). ``note`` is free text.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo._errors import InputError
from geo.schema import EVENT_TYPES

ACTIONS = ("drop", "move", "retype", "set")
_PROTECTED = {"event_id", "admin1", "country"}  # derived by the pipeline, not set by hand


@dataclass
class Correction:
    line: int
    event_id: str
    action: str
    values: dict[str, str]


def read_corrections(path: str | Path) -> list[Correction]:
    """Parse and validate the whole file first: one bad line stops the run with file:line: field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    for col in ("event_id", "action"):
        if col not in (reader.fieldnames or []):
            raise InputError(str(path), f"missing column: {col}", line=1, field=col)
    out = []
    for rec in reader:
        line = reader.line_num
        vals = {k.strip(): (v or "").strip() for k, v in rec.items() if k}
        action = vals.get("action", "").lower()
        if not vals.get("event_id"):
            raise InputError(str(path), "empty event_id", line=line, field="event_id")
        if action not in ACTIONS:
            raise InputError(str(path), f"unknown action {action!r} (use {', '.join(ACTIONS)})", line=line,
                             field="action")
        if action == "move":
            for f, lim in (("latitude", 90), ("longitude", 180)):
                try:
                    v = float(vals.get(f, ""))
                except ValueError:
                    raise InputError(str(path), f"move needs a number, got {vals.get(f, '')!r}", line=line,
                                     field=f) from None
                if abs(v) > lim:
                    raise InputError(str(path), f"{v} outside -{lim}..{lim}", line=line, field=f)
        if action == "retype" and vals.get("event_type", "") not in EVENT_TYPES:
            raise InputError(str(path), f"event_type must be one of {', '.join(EVENT_TYPES)}", line=line,
                             field="event_type")
        if action == "set" and (not vals.get("field") or vals["field"] in _PROTECTED):
            raise InputError(str(path), f"set needs a field other than {', '.join(sorted(_PROTECTED))}",
                             line=line, field="field")
        out.append(Correction(line, vals["event_id"], action, vals))
    return out


def apply_corrections(events: list[dict[str, Any]], corrections: list[Correction]) -> tuple[list[dict], list[str]]:
    """Return (corrected events, warnings for corrections whose event_id matched nothing)."""
    by_id: dict[str, list[Correction]] = {}
    for c in corrections:
        by_id.setdefault(c.event_id, []).append(c)
    seen: set[str] = set()
    out = []
    for ev in events:
        cs = by_id.get(ev.get("event_id", ""), [])
        dropped = False
        for c in cs:
            seen.add(c.event_id)
            v = c.values
            if c.action == "drop":
                dropped = True
            elif c.action == "move":
                ev["latitude"], ev["longitude"] = float(v["latitude"]), float(v["longitude"])
                if v.get("location_name"):
                    ev["location_name"] = v["location_name"]
                ev["geo_precision"] = v.get("geo_precision") or ev.get("geo_precision") or "settlement"
            elif c.action == "retype":
                ev["event_type"] = v["event_type"]
            elif c.action == "set":
                ev[v["field"]] = v.get("value", "")
            ev["corrected"] = "; ".join(filter(None, [ev.get("corrected", ""), c.action + (
                f" ({v['note']})" if v.get("note") else "")]))
        if not dropped:
            out.append(ev)
    warnings = [f"correction line {c.line}: no event with id {c.event_id}" for c in corrections
                if c.event_id not in seen]
    return out, warnings
