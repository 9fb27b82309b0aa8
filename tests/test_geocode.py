"""Filling coordinates: any geopy-style geocoder works; misses and wrong-region hits are rejects."""
from geopy.location import Location
from geopy.point import Point

from geo.geocode import geocode_rows
from geo.gazetteer import load_gazetteer


class PlainGeocoder:
    """A geopy geocoder that takes only a query (like Nominatim.geocode), for the fallback path."""

    def __init__(self):
        self.queries = []

    def geocode(self, query):
        self.queries.append(query)
        if query.startswith("Kherson"):
            return Location("Kherson, Ukraine", Point(46.6354, 32.6169), {})
        return None


def row(name, hint="", lat=None, line=2):
    return {"location_name": name, "admin1_input": hint, "latitude": lat, "longitude": None if lat is None else 30.0,
            "confidence": None, "_file": "t.csv", "_line": line, "_raw": f"{name},{hint}"}


def test_plain_geopy_geocoder_and_memo():
    g = PlainGeocoder()
    ok, rej = geocode_rows([row("Kherson"), row("Kherson"), row("Atlantis", line=4), row("Kyiv", lat=50.45)], g)
    assert [r["location_name"] for r in ok] == ["Kherson", "Kherson", "Kyiv"]
    assert ok[0]["latitude"] == 46.6354 and ok[2]["confidence"] == 1.0
    assert g.queries == ["Kherson", "Atlantis"]                       # one query per distinct name
    assert rej[0].line == 4 and rej[0].field == "location_name" and "Atlantis" in rej[0].reason


def test_offline_gazetteer_hints_typos_and_wrong_regions():
    g = load_gazetteer()
    ok, rej = geocode_rows([row("Bilohorivka", "Luhansk region"), row("Bilohorivka", "Donets'ka oblast"),
                            row("Kostiantynivka", "Zaporizhia Oblast", line=5), row("Kharkiv", "Narnia Oblast", line=6),
                            row("Xyzzyvillenko", line=7)], g)
    assert [r["admin1_input"] for r in ok] == ["Luhansk region", "Donets'ka oblast", "Zaporizhia Oblast"]
    assert ok[0]["latitude"] != ok[1]["latitude"]                      # two different Bilohorivkas
    reasons = {r.line: r.reason for r in rej}
    assert "unknown region" in reasons[6] and "not found" in reasons[7]


def _km(a, b):
    import math
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


def dated(name, hint, date, line, file="t.csv"):
    r = row(name, hint, line=line)
    r["event_date"], r["_file"] = date, file
    return r


def test_rows_of_one_table_and_date_decide_homonyms():
    """Sadove has namesakes in Kherson Oblast; on a day whose other rows are Kherson and Chornobaivka
    the one beside them wins, on a day alone the gazetteer's default (population) stays."""
    g = load_gazetteer()
    alone = g.geocode("Sadove", admin1="Kherson Oblast", country_codes=["UA"])
    kherson = g.geocode("Kherson").point[:2]
    ok, rej = geocode_rows([dated("Kherson", "", "2022-11-20", 2), dated("Chornobaivka", "Kherson Oblast", "2022-11-20", 3),
                            dated("Sadove", "Kherson Oblast", "2022-11-20", 4),
                            dated("Sadove", "Kherson Oblast", "2022-11-21", 5)], g)
    assert not rej
    with_ctx, without = ok[2], ok[3]
    assert _km((with_ctx["latitude"], with_ctx["longitude"]), kherson) < 25
    assert with_ctx["geocode_context"] == 2 and with_ctx["confidence"] == 0.9
    assert (without["latitude"], without["longitude"]) == (alone.latitude, alone.longitude)
    assert "geocode_context" not in without
    assert _km((alone.latitude, alone.longitude), kherson) > 25     # the default is the other Sadove


def test_context_never_crosses_files():
    g = load_gazetteer()
    ok, _ = geocode_rows([dated("Kherson", "", "2022-11-20", 2, file="a.csv"),
                          dated("Sadove", "Kherson Oblast", "2022-11-20", 2, file="b.csv")], g)
    assert "geocode_context" not in ok[1]


def test_city_unit_inside_its_region_hint_is_not_rejected():
    ok, rej = geocode_rows([row("Sevastopol", "Crimea"), row("Kyiv", "Kyiv Oblast", line=3)], load_gazetteer())
    assert not rej and [r["geocoded_as"] for r in ok] == ["Sevastopol", "Kyiv"]
