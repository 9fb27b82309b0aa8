import pytest

from geo._errors import InputError
from geo.dates import column_parser, infer_dayfirst, parse_date


@pytest.mark.parametrize("s,expected", [
    ("2022-09-16", ("2022-09-16", "day")),
    ("2022-09-16T10:30:00+03:00", ("2022-09-16", "day")),
    ("16 September 2022", ("2022-09-16", "day")),
    ("16-Sep-2022", ("2022-09-16", "day")),
    ("September 16, 2022", ("2022-09-16", "day")),
    ("2022-09", ("2022-09", "month")),
    ("September 2022", ("2022-09", "month")),
    ("2022", ("2022", "year")),
    ("", ("", "unknown")),
    ("31/08/2022", ("2022-08-31", "day")),
    ("08/31/2022", ("2022-08-31", "day")),
])
def test_parse_date_forms(s, expected):
    assert parse_date(s) == expected


def test_impossible_and_garbage_dates_raise():
    with pytest.raises(ValueError, match="no such date"):
        parse_date("2022-09-31")
    with pytest.raises(ValueError, match="unrecognised"):
        parse_date("yesterday-ish")
    with pytest.raises(ValueError, match="ambiguous"):
        parse_date("03/04/2022")


def test_order_inferred_per_column():
    assert infer_dayfirst(["03/04/2022", "25/04/2022"]) is True
    assert infer_dayfirst(["03/04/2022", "04/25/2022"]) is False
    assert infer_dayfirst(["03/04/2022"]) is None
    p = column_parser(["03/04/2022", "25/04/2022"], file="f.csv", field="date")
    assert p("03/04/2022") == ("2022-04-03", "day")
    p = column_parser(["03/04/2022", "12/25/2022"], file="f.csv", field="date")
    assert p("03/04/2022") == ("2022-03-04", "day")


def test_all_ambiguous_column_asks_the_user():
    with pytest.raises(InputError, match="--dayfirst or --monthfirst") as e:
        column_parser(["03/04/2022", "05/06/2022"], file="f.csv", field="date")
    assert "f.csv" in str(e.value) and "date" in str(e.value)
    p = column_parser(["03/04/2022"], file="f.csv", field="date", dayfirst=False)
    assert p("03/04/2022") == ("2022-03-04", "day")


def test_contradictory_column_is_an_error():
    with pytest.raises(InputError, match="mixes"):
        column_parser(["25/04/2022", "04/25/2022"], file="f.csv", field="date")
