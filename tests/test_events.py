"""EventTable: events as a core frame plus sparse extras (geo/events.py)."""
import numpy as np
import pandas as pd

from geo.events import EventTable
from geo.schema import COLUMNS


def _rows():
    return [
        {"event_id": "a", "event_date": "2024-01-02", "latitude": 50.1234567, "longitude": 30.5,
         "location_name": "Kyiv", "admin1_code": "UA30", "notes": "first"},
        {"event_id": "b", "event_date": "2024-01-03", "latitude": 49.0, "longitude": float("nan"),
         "articles": "x.txt", "colour": "", "_raw": "internal"},
        {"event_id": "c", "event_date": "2024-01-04", "latitude": 48.0, "longitude": 37.0, "notes": "third",
         "weight": np.int64(3)},
    ]


def test_records_keep_schema_columns_and_only_filled_others():
    t = EventTable.from_records(_rows())
    recs = list(t)
    assert len(t) == 3 and [r["event_id"] for r in recs] == ["a", "b", "c"]
    assert all(set(COLUMNS) <= set(r) for r in recs)
    assert recs[0]["notes"] == "first" and "notes" not in recs[1] and recs[2]["notes"] == "third"
    assert recs[0]["admin1_code"] == "UA30" and "admin1_code" not in recs[1]
    assert recs[1]["articles"] == "x.txt" and "articles" not in recs[0]
    assert "colour" not in recs[1] and "_raw" not in recs[1]           # empty extras and internals dropped
    assert recs[1]["longitude"] is None and recs[0]["latitude"] == 50.123457
    assert recs[2]["weight"] == 3 and type(recs[2]["weight"]) is int     # numpy → Python
    assert t[2] == recs[2] and t[-1] == recs[2]


def test_extras_are_stored_by_filled_cells_not_rows_times_columns():
    rows = [{"event_id": str(i), "latitude": 1.0, "longitude": 2.0} for i in range(2000)]
    rows[7].update({f"x{k}": "v" for k in range(1000)})
    t = EventTable.from_records(rows)
    assert sum(len(s) for s in t.extras.values()) == 1000
    assert list(t.core.columns) == list(COLUMNS)
    assert t.columns()[len(COLUMNS):] == [f"x{k}" for k in range(1000)]
    assert t[7]["x999"] == "v" and "x0" not in t[8]


def test_to_frame_and_take():
    t = EventTable.from_records(_rows())
    df = t.to_frame()
    assert list(df.columns) == t.columns() and df.shape == (3, len(t.columns()))
    assert pd.isna(df.loc[1, "notes"]) and df.loc[2, "notes"] == "third"
    sub = t.take(np.array([False, True, True]))
    assert [r["event_id"] for r in sub] == ["b", "c"] and sub[1]["notes"] == "third"
    assert "notes" not in sub[0] and list(sub.extras["notes"].index) == [1]
    back = EventTable.from_frame(df)
    assert [r for r in back] == [r for r in t]
    empty = EventTable.from_records([])
    assert len(empty) == 0 and list(empty) == [] and list(empty.to_frame().columns) == list(COLUMNS)
