"""A map folder's core columns keyed by place (geo/_map_places.py): smaller, and exactly the same data."""
from __future__ import annotations

import json

import numpy as np

from geo import _map_places, render


def _placed(n: int, places: int, seed: int):
    """Events on *places* spots, each spot with its own name, region and precision (as a year of reports)."""
    df = render.synthetic_events(n, 20, seed=seed)
    rng = np.random.default_rng(seed)
    k = rng.integers(0, places, n)
    df["latitude"], df["longitude"] = (46.5 + k * 0.013).round(5), (31.0 + k * 0.021).round(5)
    df["location_name"] = [f"Spot {j}" for j in k]
    df["admin1"] = [("Donetsk Oblast", "Kharkiv Oblast", "Sumy Oblast")[j % 3] for j in k]
    df["geo_precision"] = np.where(k % 7 == 0, "region", "settlement")
    df["date_precision"] = "day"                             # a constant column follows from anything
    return df


def _core(files: dict) -> dict:
    text = next(v for k, v in files.items() if k.endswith("/events.js"))
    return json.loads(text[text.index("] = ") + 4:].rstrip().rstrip(";"))


def test_place_columns_go_by_place_and_read_back_exactly():
    df = _placed(3000, 120, seed=1)
    files = render.render_files(df, single_file_max=100)
    core = _core(files)
    via = {c for c, v in core["cols"].items() if isinstance(v, dict) and v.get("via")}
    # what follows from the place goes by place; the date, type and actor do not follow from it
    assert via == {"latitude", "longitude", "location_name", "admin1", "geo_precision", "date_precision"}
    places = set(map(tuple, df[["latitude", "longitude", "location_name"]].to_numpy().tolist()))
    assert core["place"]["n"] == len(places) and core["place"]["w"] == 2
    full, _ = render.events_blob(df)
    back = render.read_events(files)
    for c in full["cols"]:
        assert render.decode_column(back["cols"][c], 3000) == render.decode_column(full["cols"][c], 3000), c
    plain = json.dumps(_map_places.expand(json.loads(json.dumps(core))))
    assert len(json.dumps(core)) < 0.7 * len(plain)


def test_a_column_that_differs_within_a_place_stays_per_event():
    df = _placed(2000, 40, seed=2)
    df.loc[5, "location_name"] = "Another name at the same spot"     # a second place at one spot
    df.loc[9, "admin1"] = "Another region at the same spot"          # admin1 no longer follows from the place
    files = render.render_files(df, single_file_max=100)
    core = _core(files)
    assert "via" not in core["cols"]["admin1"] and core["cols"]["location_name"]["via"] == 1
    assert core["place"]["n"] == 41
    back = render.read_events(files)["cols"]
    assert render.decode_column(back["location_name"], 2000)[5] == "Another name at the same spot"
    assert render.decode_column(back["admin1"], 2000)[9] == "Another region at the same spot"


def test_distinct_coordinates_leave_the_blob_as_it_was():
    df = render.synthetic_events(2000, 5, seed=3)             # every event its own spot
    core = _core(render.render_files(df, single_file_max=100))
    assert "place" not in core and not any(isinstance(v, dict) and v.get("via") for v in core["cols"].values())
