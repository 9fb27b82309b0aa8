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
