"""The event record every step reads and writes (ACLED-compatible where ACLED has a field)."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

#: Our columns, in output order. Anything else a reader finds is kept as an extra property.
COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "date_precision", "event_type", "event_type_original", "weapon",
    "actor", "status", "location_name", "admin1", "country", "latitude", "longitude",
    "geo_precision", "source", "evidence", "confidence",
)
EVENT_TYPES = ("strike", "explosion", "attack", "destroyed_equipment", "other")
DATE_PRECISIONS = ("day", "week", "month", "year", "unknown")
GEO_PRECISIONS = ("settlement", "region", "country")
ACTORS = ("UA", "RU", "")
STATUSES = ("reported", "claimed")


def event_id(rec: Mapping[str, Any], *, with_text: bool = True) -> str:
    """Stable id from the event's content (date, type, place, source, evidence), not its row number.

    Rebuilding from the same inputs yields the same ids, so corrections keyed by id survive.
    Coordinates are rounded to ~100 m so that float noise does not change the id. Events
    extracted from articles use ``with_text=False`` (incident only: date, type, place), so an id
    survives when a new article about the same incident adds a source and evidence.
    """
    def r(v: Any) -> str:
        try:
            return f"{float(v):.3f}"
        except (TypeError, ValueError):
            return ""
    parts = [
        str(rec.get("event_date") or ""), str(rec.get("event_type") or ""),
        str(rec.get("location_name") or "").strip().lower(),
        r(rec.get("latitude")), r(rec.get("longitude")),
    ]
    if with_text:
        parts += [str(rec.get("source") or "").strip(), " ".join(str(rec.get("evidence") or "").split())]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
