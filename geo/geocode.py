"""Fill coordinates for rows that name a place but carry none.

Any geopy geocoder works here; the default is our offline :class:`geo.gazetteer.Gazetteer`.
Nominatim (online, optional) is wrapped with geopy's RateLimiter and an on-disk cache.
A place that cannot be found is a reject with its reason, never a guess.
"""
from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from geo.read import Reject

#: confidence of a geocoded place by how its name matched (coordinates given in the input: 1.0).
WAR_COUNTRIES = ("UA", "RU")
MATCH_CONFIDENCE = {"exact": 0.9, "translit": 0.85, "approximate": 0.6, "fuzzy": 0.6}


def make_geocoder(name: str = "offline"):
    """'offline' (default, no network) or 'nominatim' (online, 1 request/s, cached on disk)."""
    if name == "offline":
        from geo.gazetteer import load_gazetteer
        return load_gazetteer()
    if name == "nominatim":
        return CachedNominatim()
    raise ValueError(f"unknown geocoder {name!r} (use offline or nominatim)")


class CachedNominatim:
    """geopy's Nominatim behind a RateLimiter and a JSON cache, for users who are online."""

    def __init__(self, cache: str | Path | None = None, user_agent: str = "frontline-map"):
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim
        self._nom = Nominatim(user_agent=user_agent, timeout=10)
        self._call = RateLimiter(self._nom.geocode, min_delay_seconds=1.0, max_retries=2)
        self._path = Path(cache or Path.home() / ".cache" / "frontline-map" / "nominatim.json")
        self._cache: dict[str, Any] = json.loads(self._path.read_text()) if self._path.exists() else {}

    def geocode(self, query: str, *, admin1: str | None = None, exactly_one: bool = True, **_: Any):
        from geopy.location import Location
        from geopy.point import Point
        q = f"{query}, {admin1}" if admin1 else query
        if q not in self._cache:
            loc = self._call(q, exactly_one=True, country_codes=["ua", "ru"])
            self._cache[q] = None if loc is None else {"address": loc.address, "lat": loc.latitude,
                                                       "lon": loc.longitude}
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._cache))
            os.replace(tmp, self._path)
        hit = self._cache[q]
        if hit is None:
            return None
        raw = {"precision": "settlement", "match": "exact", "name": query}
        return Location(hit["address"], Point(hit["lat"], hit["lon"]), raw)


def geocode_rows(rows: Iterable[dict[str, Any]], geocoder, *,
                 progress: Callable[[int], None] | None = None) -> tuple[list[dict], list[Reject]]:
    """Rows without coordinates get them from *geocoder*; returns (rows, rejects).

    The row's ``admin1_input`` (e.g. "Donetsk oblast") is passed as a hint; when the hint names a
    region and the place is not in it, the row is rejected rather than put on a namesake elsewhere.
    The dict-shaped face of :func:`place_names` (which the build uses on columns): same rules.

    Context: rows of the same file and date describe one day's events, usually in one area. A row whose
    name has several namesakes (``raw["ambiguous"]``) is geocoded again with the other rows of its file
    and date as context points (``near=``, for geocoders that take it, like ours), so the Sadove or
    Mykhailivka next to that day's other places wins over a bigger one elsewhere. A row geocoded this
    way says so in ``geocode_context`` (the number of context points used).
    """
    rows = list(rows)
    if progress:
        progress(len(rows))
    need = [i for i, r in enumerate(rows) if r.get("latitude") is None]
    given = [i for i, r in enumerate(rows) if r.get("latitude") is not None]
    for i in given:
        if rows[i].get("confidence") is None:
            rows[i]["confidence"] = 1.0
    locs, whys = place_names([rows[i].get("location_name", "") for i in need],
                             [rows[i].get("admin1_input", "") for i in need],
                             [_group(rows[i]) for i in need], geocoder,
                             lambda groups: _points(rows, given, groups))
    rejects, dropped = [], set()
    for i, loc, why in zip(need, locs, whys):
        if loc is None:
            r = rows[i]
            rejects.append(Reject(r.get("_file", ""), r.get("_line", ""), "location_name", why, r.get("_raw", "")))
            dropped.add(i)
        else:
            for k, v in filled(loc, rows[i].get("confidence")).items():
                rows[i][k] = v
    return [r for i, r in enumerate(rows) if i not in dropped], rejects


def _group(row: dict) -> tuple[str, str]:
    return str(row.get("_file", "")), str(row.get("event_date") or "")


def _points(rows: list[dict], given: list[int], groups: set) -> dict[tuple[str, str], list[tuple[float, float]]]:
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for i in given:
        g = _group(rows[i])
        if g in groups:
            out.setdefault(g, []).append((float(rows[i]["latitude"]), float(rows[i]["longitude"])))
    return out


#: A row's group (its file and date: :func:`_group`), whatever hashable the caller keys them by.
_G = TypeVar("_G", bound=Hashable)


def place_names(names: Sequence[str], hints: Sequence[str], groups: Sequence[_G], geocoder,
                given_points: Callable[[set[_G]], dict[_G, list[tuple[float, float]]]]
                ) -> tuple[list[Any], list[str]]:
    """(location or None, reason) for each (name, hint) to geocode, in order.

    Looked up once per distinct (name, hint) (case-blind; the region hint resolved once per distinct
    hint). *groups* are the rows' (file, date); *given_points(groups)* returns the points of the
    rows that came with coordinates in those groups, in row order: with the non-ambiguous answers
    they are the context for ambiguous ones (see :func:`geocode_rows`).
    """
    resolve = _memo_resolve(getattr(geocoder, "resolve_admin1", None))
    memo: dict[tuple[str, str], tuple[Any, str]] = {}
    thin = _ContextThinner(geocoder, resolve)
    choose = _ContextChooser(geocoder, resolve, thin)
    locs, whys = [], []
    keys = [(name.lower(), hint.lower()) for name, hint in zip(names, hints)]
    for name, hint, key in zip(names, hints, keys):
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = _lookup(geocoder, name, hint, resolve, namesakes=thin.cands if thin.on else None,
                                        lists=choose.locs if thin.on else None,
                                        runs=choose.known if thin.on else None)
        locs.append(hit[0])
        whys.append(hit[1])
    amb = [i for i, loc in enumerate(locs) if loc is not None and (loc.raw or {}).get("ambiguous")]
    if not amb:
        return locs, whys
    wanted = {groups[i] for i in amb}
    points = given_points(wanted)
    for i, loc in enumerate(locs):   # answers that are not in doubt are context too
        if loc is not None and groups[i] in wanted and not (loc.raw or {}).get("ambiguous"):
            points.setdefault(groups[i], []).append((loc.latitude, loc.longitude))
    near_memo: dict[tuple, Any] = {}
    same_answer: dict[tuple, Any] = {}
    if choose.on:   # each day's distance classes for all its names at once
        need: dict[_G, set] = {}
        for i in amb:
            if points.get(groups[i]):
                need.setdefault(groups[i], set()).add(keys[i])
        choose.prepare(need, points)
    for i in amb:
        ctx = points.get(groups[i])
        if not ctx:
            continue
        k = (*keys[i], groups[i])
        if k not in near_memo and choose.on:
            got = choose(names[i], hints[i], groups[i], ctx)
            if got is not None:
                near_memo[k] = got
        if k not in near_memo:
            near, sig = thin(names[i], hints[i], groups[i], ctx)
            sk = k if sig is None else (k[0], k[1], sig)
            if sk in same_answer:   # another day with the same distance classes: the same answer
                near_memo[k] = _copy(same_answer[sk])
            else:
                near_memo[k] = same_answer[sk] = _lookup(geocoder, names[i], hints[i], resolve, near=near)[0]
        better = near_memo[k]
        if better is not None:
            better.raw["context_points"] = len(ctx)
            locs[i] = better
    return locs, whys


class _ContextThinner:
    """The context points that matter to our gazetteer: for each namesake, the nearest ones.

    Our gazetteer ranks namesakes by the distance class of the *nearest* context point, so only
    points that are nearest (within 1 km) to some candidate can change the answer; the others are
    left out (a day of a million-row table has thousands of points, and each costs a distance per
    candidate in Python). The candidates are the same places the context call ranks (context only
    orders them). Other geocoders get every point.

    It also returns the answer's signature: each candidate's distance class to its nearest point
    (computed with the gazetteer's own distance and classes), the only way context enters the
    ranking, so two days with one signature get the same answer without asking again.
    """

    MARGIN_KM = 1.0

    def __init__(self, geocoder, resolve):
        from geo.gazetteer import Gazetteer
        self.on = isinstance(geocoder, Gazetteer)
        self.geocoder, self.resolve = geocoder, resolve
        self.cands: dict[tuple[str, str], np.ndarray | None] = {}
        self.locs: dict[tuple[str, str], list] = {}
        self.points: dict[Hashable, np.ndarray] = {}

    def __call__(self, name: str, hint: str, group: Hashable, ctx: list[tuple[float, float]]
                 ) -> tuple[list, tuple | None]:
        if not self.on:
            return ctx, None
        key = (name.lower(), hint.lower())
        if key not in self.cands:
            code = self.resolve(hint) if (self.resolve and hint) else None
            locs = self.geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES,
                                         exactly_one=False) or []
            self.cands[key] = np.array([(loc.latitude, loc.longitude) for loc in locs], dtype=float) \
                if locs else None
        c = self.cands[key]
        if c is None:
            return ctx, None
        if group not in self.points:
            self.points[group] = np.unique(np.asarray(ctx, dtype=float), axis=0)
        p = self.points[group]
        d = _km(c[:, :1], c[:, 1:], p[:, 0][None, :], p[:, 1][None, :])
        near = d <= d.min(axis=1, keepdims=True) + self.MARGIN_KM
        keep = near.any(axis=0)
        from geo._gazetteer_build import km
        from geo.gazetteer import _bucket
        sig = tuple(_bucket(min(km(la, lo, y, x) for y, x in p[row].tolist()))
                    for (la, lo), row in zip(c.tolist(), near))
        return [(float(y), float(x)) for y, x in p[keep]], sig


#: words that make a name "X near Y" for the gazetteer (its nearby-town rule): such names are left to it.
_NEARISH = re.compile(r"[,;()]|\b(near|outside|close to|not far from|by)\b|біля|возле|около|под", re.I)
#: the gazetteer's distance classes' edges (km, see geo.gazetteer._bucket): a distance this close to one
#: is classed with the gazetteer's own arithmetic, not numpy's.
_EDGES = 20.0 * 2.0 ** np.arange(8)


class _ContextChooser:
    """The context answer of our gazetteer, decided here in numpy instead of one ranking call per day.

    Why it is the same answer: the gazetteer ranks a name's places by (match tier, name tier, distance
    class of the nearest context point, fallback point, weight); without context the class is 0 for all,
    so its plain list is sorted by (tiers, rest), and the context order is that list stably re-sorted by
    (tiers, class). The best answer is therefore in the plain list's first run of equal tiers: it is the
    first place of that run with the smallest class. The run's length is the one thing not visible through
    the public API: our gazetteer tells it (``geocode(..., ranks=)``: each answer's tiers) with the plain
    list. When it does not (a subclass, a list re-sorted by a nearby-town hint), its bounds are learnt per
    distinct (name, hint), lazily (only when a day's answer depends on them), with one-point context calls
    ("does a place that alone is near the context beat every place before it?": yes exactly inside the
    first run). Names the gazetteer reads as "X near Y", and bounds that cannot be probed, return None
    (the caller asks the gazetteer as before).
    """

    EPS_KM = 0.01      # geometric margin for probes (numpy vs the gazetteer's haversine: ~1e-9 km apart)

    def __init__(self, geocoder, resolve, thin: _ContextThinner):
        self.on = thin.on
        self.geocoder, self.resolve = geocoder, resolve
        self.locs, self.cands = thin.locs, thin.cands
        self.run: dict[tuple[str, str], list[int]] = {}
        self.known: dict[tuple[str, str], int] = {}   # first runs' lengths, from the gazetteer's tiers
        self.xy: dict[tuple[str, str], np.ndarray] = {}
        self.uxy: dict[tuple[str, str], np.ndarray] = {}
        self.upts: dict[Hashable, np.ndarray] = {}
        self.cls: dict[tuple, np.ndarray] = {}    # (key, group) -> classes, from prepare()
        self.points: dict[Hashable, np.ndarray] = {}
        self.calls = 0     # gazetteer calls made to measure runs
        self.nearish: dict[str, bool] = {}
        self.tops: dict[tuple, tuple] = {}

    def __call__(self, name: str, hint: str, group: Hashable, ctx: list[tuple[float, float]]) -> Any:
        key = (name.lower(), hint.lower())
        locs = self.locs.get(key)
        if not locs or len(locs) < 2:
            return None
        nearish = self.nearish.get(name)
        if nearish is None:
            nearish = self.nearish[name] = bool(_NEARISH.search(name))
        if nearish:
            return None
        if group not in self.points:
            self.points[group] = np.asarray(ctx, dtype=float)
        b = self.cls.pop((key, group), None)
        if b is None:
            b = self.classes(locs, self.points[group], self.coords(key, locs), group, key)
        # the answer is the last strict prefix minimum of b that lies inside the first run; the run's
        # bounds are learnt lazily, and only where a day's answer depends on them
        if key not in self.run:   # locs[:lo] are in the run, locs[hi:] are not
            n = self.known.get(key)
            self.run[key] = [n, n] if n else [1, _kind_bound(locs)]
        lo, hi = self.run[key]
        if lo == hi:   # the run is known: its first place with the smallest class
            return self.top(key, locs, int(b[:lo].argmin()))
        k = 0
        for j in np.flatnonzero(b < np.minimum.accumulate(np.concatenate(([9], b[:-1])))).tolist():
            if j == 0 or j < lo:
                k = j
                continue
            if j >= hi:
                break
            got = self._in_run(name, hint, locs, j)
            if got is None:
                return None
            if got:
                lo = self.run[key][0] = j + 1
                k = j
            else:
                hi = self.run[key][1] = j
                break
        return self.top(key, locs, k)

    def top(self, key: tuple[str, str], locs: list, k: int) -> Any:
        """``_as_top(locs, k)``, its raw worked out once per (name, hint, k): a Location of its own each time."""
        t = self.tops.get((key, k))
        if t is None:
            got = _as_top(locs, k)
            t = self.tops[(key, k)] = (got.address, got.point, dict(got.raw))
            return got
        from geopy.location import Location
        return Location(t[0], t[1], dict(t[2]))

    def prepare(self, need: dict[_G, set], points: dict[_G, list]) -> None:
        """The classes of every (name, hint) a day needs, from one matrix product per day."""
        for group, keys in need.items():
            ks = sorted(k for k in keys if len(self.locs.get(k) or ()) >= 2)
            if not ks:
                continue
            if group not in self.points:   # (repeated points change no nearest distance: any order will do)
                self.points[group] = _distinct(np.asarray(points[group], dtype=float))
            cs = [self.coords(k, self.locs[k]) for k in ks]
            b = self.classes([], self.points[group], np.concatenate(cs), group, None,
                             np.concatenate([self.unit(k, c) for k, c in zip(ks, cs)]))
            at = np.cumsum([0] + [len(c) for c in cs])
            for k, a, z in zip(ks, at[:-1].tolist(), at[1:].tolist()):
                self.cls[(k, group)] = b[a:z]

    def unit(self, key: tuple[str, str], c: np.ndarray) -> np.ndarray:
        u = self.uxy.get(key)
        if u is None:
            u = self.uxy[key] = self._unit(c)
        return u

    def coords(self, key: tuple[str, str], locs: list) -> np.ndarray:
        c = self.xy.get(key)
        if c is None:
            c = self.cands.get(key)   # (the thinner's copy: made from these very locations)
            if c is None or len(c) != len(locs):
                c = np.array([(x.latitude, x.longitude) for x in locs], dtype=float)
            self.xy[key] = c
        return c

    def classes(self, locs: list, p: np.ndarray, c: np.ndarray | None = None,
                group: Hashable = None, key: tuple | None = None, u: np.ndarray | None = None) -> np.ndarray:
        """Distance class of each place's nearest point of *p*, exactly as the gazetteer classes it.

        The nearest point comes from one matrix product of unit vectors (chord length is monotone in
        great-circle distance); a distance within 1e-3 km of a class edge is redone with the gazetteer's
        own haversine over the points that may be nearest, so the class is its class."""
        from geo._gazetteer_build import km
        from geo.gazetteer import _bucket
        if c is None:
            c = np.array([(x.latitude, x.longitude) for x in locs], dtype=float)
        if u is None:
            u = self.unit(key, c) if key is not None else self._unit(c)
        v = self.upts.get(group) if group is not None else None
        if v is None:
            v = self._unit(p)
            if group is not None:
                self.upts[group] = v
        best = _max_dot(u, v)
        m = 12742.0 * np.arcsin(np.minimum(1.0, np.sqrt(np.maximum(0.0, 2.0 - 2.0 * best)) / 2.0))
        out = np.where(m <= 20.0, 0, np.minimum(8, 1 + np.floor(np.log2(np.maximum(m, 20.0) / 20.0)))).astype(int)
        edge = np.abs(m[:, None] - _EDGES[None, :]).min(axis=1) < 1e-3
        for j in np.flatnonzero(edge).tolist():   # the gazetteer's own arithmetic at a class edge
            d = _km(c[j, 0], c[j, 1], p[:, 0], p[:, 1])
            near = p[d <= d.min() + 1e-3]
            out[j] = _bucket(min(km(c[j, 0], c[j, 1], y, x) for y, x in near.tolist()))
        return out

    @staticmethod
    def _unit(ll: np.ndarray) -> np.ndarray:
        la, lo = np.radians(ll[:, 0]), np.radians(ll[:, 1])
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)

    def _in_run(self, name: str, hint: str, locs: list, j: int) -> bool | None:
        """Is locs[j] in the first run? One context point near it (<= 20 km) and > 20 km from every
        place before it: then the answer is locs[j] exactly when it shares their tiers."""
        c = np.array([(x.latitude, x.longitude) for x in locs[:j + 1]], dtype=float)
        y0, x0 = c[j]
        for r, ang in [(0.0, 0.0)] + [(19.0, a) for a in range(0, 360, 30)]:
            dy = r / 111.2 * math.cos(math.radians(ang))
            dx = r / (111.2 * max(0.05, math.cos(math.radians(y0)))) * math.sin(math.radians(ang))
            pt = (y0 + dy, x0 + dx)
            d = _km(c[:, 0], c[:, 1], pt[0], pt[1])
            if d[j] <= 20.0 - self.EPS_KM and (d[:j] > 20.0 + self.EPS_KM).all():
                break
        else:
            return None
        code = self.resolve(hint) if (self.resolve and hint) else None
        self.calls += 1
        top = self.geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES,
                                    near=[(float(pt[0]), float(pt[1]))])
        return top is not None and _same(top, locs[j])


def _distinct(p: np.ndarray) -> np.ndarray:
    """The distinct rows of an n x 2 float array (one sort of complex numbers: np.unique(axis=0) costs
    ~10x that)."""
    if len(p) < 2:
        return p
    z = np.unique(np.ascontiguousarray(p).view(np.complex128).ravel())
    return z.view(np.float64).reshape(-1, 2)


def _max_dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Row maxima of ``u @ v.T``, in blocks of at most 64 Ki products: OpenBLAS threads a bigger product,
    and its threads spin on the other core (5-8x the CPU time of the pass on a busy 2-core machine)."""
    if not len(u) or not len(v):
        return np.full(len(u), -np.inf)
    vt = np.ascontiguousarray(v.T)
    step = max(1, 65536 // len(v))
    return np.concatenate([(u[a:a + step] @ vt).max(axis=1) for a in range(0, len(u), step)])


def _kind_bound(locs: list) -> int:
    """Where the first run surely ends: the first place whose match kind (exact, translit, fuzzy: the
    first tier) differs from the best one's. A fallback point shows "approximate" instead of its kind,
    so it tells nothing."""
    kinds = getattr(locs, "kinds", None)    # (our gazetteer's answers: without making each Location)
    if kinds is None:
        kinds = [(x.raw or {}).get("match") for x in locs]
    k0 = kinds[0]
    if k0 == "approximate":
        return len(locs)
    for j, kj in enumerate(kinds):
        if kj != "approximate" and kj != k0:
            return j
    return len(locs)


def _same(a: Any, b: Any) -> bool:
    ra, rb = a.raw or {}, b.raw or {}
    return (ra.get("geonameid"), a.latitude, a.longitude, ra.get("name")) == \
        (rb.get("geonameid"), b.latitude, b.longitude, rb.get("name"))


def _as_top(locs: list, k: int) -> Any:
    """locs[k] as the gazetteer returns a best answer (its own raw, with ``dominant`` for it on top)."""
    from geopy.location import Location
    top = locs[k]
    raw = dict(top.raw or {})
    pop = raw.get("population") or 0
    pops = getattr(locs, "populations", None)    # (our gazetteer's answers: without making each Location)
    if pops is None:
        pops = [(x.raw or {}).get("population") for x in locs]
    raw["dominant"] = raw.get("match") != "approximate" and all(
        pop >= 10 * max(q or 0, 1) for i, q in enumerate(pops) if i != k)
    return Location(top.address, top.point, raw)


def _copy(loc: Any) -> Any:
    """A Location of its own (its raw gets this day's context count)."""
    if loc is None:
        return None
    from geopy.location import Location
    return Location(loc.address, loc.point, dict(loc.raw or {}))


def _km(la1, lo1, la2, lo2):
    """Great-circle km (the gazetteer's haversine, on arrays)."""
    p1, p2 = np.radians(la1), np.radians(la2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lo2 - lo1) / 2) ** 2
    return 12742.0 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _memo_resolve(resolve: Callable[[str], Any] | None) -> Callable[[str], Any] | None:
    """The geocoder's region-hint resolution, once per distinct hint (a table repeats a few dozen)."""
    if resolve is None:
        return None
    memo: dict[str, Any] = {}

    def once(hint: str) -> Any:
        if hint not in memo:
            memo[hint] = resolve(hint)
        return memo[hint]
    return once


def filled(loc: Any, confidence: Any) -> dict[str, Any]:
    """The fields a geocoded row gets from its answer *loc* (confidence only when it had none)."""
    raw = loc.raw or {}
    out = {"latitude": loc.latitude, "longitude": loc.longitude, "geo_precision": raw.get("precision", "settlement"),
           "geocode_match": raw.get("match", ""), "geocoded_as": raw.get("name", "") or loc.address}
    if raw.get("context_points"):
        out["geocode_context"] = raw["context_points"]
    if confidence is None or (isinstance(confidence, float) and math.isnan(confidence)):
        c = MATCH_CONFIDENCE.get(raw.get("match", ""), 0.8)
        ambiguous = raw.get("ambiguous") and not raw.get("context_points")
        out["confidence"] = round(c * (0.8 if ambiguous else 1.0), 2)
    return out


def _lookup(geocoder, name: str, hint: str, resolve, near: list | None = None,
            namesakes: dict | None = None, lists: dict | None = None, runs: dict | None = None
            ) -> tuple[Any, str]:
    """(location, "") or (None, reason). *namesakes*: when given (our gazetteer only), the coordinates
    of every candidate are kept in it by (name, hint), for :class:`_ContextThinner`; *lists* gets the
    candidates themselves and *runs* the length of their first run of equal tiers, when the gazetteer
    tells them (``ranks=``), for :class:`_ContextChooser`."""
    if not name:
        return None, "no coordinates and no place name"
    code = resolve(hint) if (resolve and hint) else None
    if hint and resolve and code is None:
        return None, f"unknown region {hint!r} for place {name!r}"
    try:  # event tables are about the war: look in Ukraine and Russia only
        if near:
            loc = geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES, near=near)
        elif namesakes is not None:   # the best answer is the first of all (the same Location)
            k = (name.lower(), hint.lower())
            many = getattr(geocoder, "answers", None)
            if many is not None:   # our gazetteer: Locations made only when read, plain values for the rest
                locs: Any = many(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES) or []  # (Answers)
                namesakes[k] = locs.coords if locs else None
                ranks = getattr(locs, "ranks", None)
                if runs is not None and ranks:
                    runs[k] = next((j for j, r in enumerate(ranks) if r != ranks[0]), len(ranks))
            else:
                locs = geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES,
                                        exactly_one=False) or []
                namesakes[k] = np.array([(x.latitude, x.longitude) for x in locs], dtype=float) if locs else None
            if lists is not None:
                lists[k] = locs
            loc = locs[0] if locs else None
        else:
            loc = geocoder.geocode(name, admin1=code or hint or None, country_codes=WAR_COUNTRIES)
    except TypeError:  # a plain geopy geocoder: pass the hint inside the query
        if near:
            return None, "no context support"
        loc = geocoder.geocode(f"{name}, {hint}" if hint else name)
    if loc is None:
        return None, f"place not found: {name!r}" + (f" in {hint!r}" if hint else "")
    got = (loc.raw or {}).get("admin1", "")
    from geo.gazetteer import in_admin1
    if code and got and not in_admin1(got, code):
        return None, f"place {name!r} not found in {hint!r} (only elsewhere)"
    return loc, ""
