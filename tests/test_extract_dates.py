"""Pure parts of the extractor: relative dates, publication dates, sentences and clauses."""
from datetime import date

import pytest

from geo._errors import InputError
from geo.extract.articles import first_line_date, read_table, text_date
from geo.extract.dates import event_date, find_dates, is_background
from geo.extract.sentences import clauses, split_article

FRI = date(2022, 9, 16)   # a Friday
WED = date(2022, 7, 6)    # a Wednesday


def one(text, pub):
    refs = find_dates(text, pub)
    assert refs, text
    return refs[0]


@pytest.mark.parametrize("text,pub,want,prec", [
    ("Troops struck the depot on Friday.", FRI, date(2022, 9, 16), "day"),      # on/before publication
    ("Troops struck the depot on Sunday.", FRI, date(2022, 9, 11), "day"),
    ("Troops struck the depot on Thursday.", WED, date(2022, 6, 30), "day"),
    ("Last Friday the depot burned.", FRI, date(2022, 9, 9), "day"),             # strictly before
    ("The depot was hit yesterday.", FRI, date(2022, 9, 15), "day"),
    ("Drones attacked the city overnight.", FRI, date(2022, 9, 15), "day"),
    ("Twelve towns were shelled in the past 24 hours.", FRI, FRI, "day"),
    ("The bridge was hit last week.", FRI, date(2022, 9, 9), "week"),
    ("A school was hit on 3 September.", FRI, date(2022, 9, 3), "day"),
    ("A school was hit on December 30.", date(2023, 1, 2), date(2022, 12, 30), "day"),   # year rolls back
    ("It happened in August.", FRI, date(2022, 8, 1), "month"),
])
def test_relative_dates(text, pub, want, prec):
    r = one(text, pub)
    assert (r.date, r.precision) == (want, prec)


def test_speech_and_since_dates_are_not_event_dates():
    refs = find_dates("The ministry said on Monday that troops had shelled the town on Sunday.", WED)
    kinds = [(r.kind, r.date) for r in refs]
    assert ("speech", date(2022, 7, 4)) in kinds and ("event", date(2022, 7, 3)) in kinds
    assert event_date(refs, WED).date == date(2022, 7, 3)
    since = find_dates("The toll has grown since the February 24 invasion.", WED)[0]
    assert since.kind == "since" and not is_background(since, WED)


def test_background_dates():
    assert is_background(one("The city was captured in March.", FRI), FRI)
    assert not is_background(one("The city was shelled on Tuesday.", FRI), FRI)
    assert is_background(one("The war began in 2014.", FRI), FRI)


def test_first_line_date_runs_on_into_text():
    d, rest = first_line_date(" date 2022-08-06 Tanks gather in the south.\nSecond line.")
    assert d == date(2022, 8, 6) and rest.startswith("Tanks gather") and "Second line." in rest
    assert first_line_date("No date here.\ndate 2022-01-01")[0] is None


def test_text_date_prefers_dateline():
    assert text_date("KYIV, June 3, 2024 — Shelling continued.\nBack in 12 May 2023 ...") == date(2024, 6, 3)
    assert text_date("Shelling continued. " * 40 + "Updated 2024-06-05; first seen 2024-06-01") == date(2024, 6, 5)
    assert text_date("No dates at all.") is None


def test_read_table(tmp_path):
    p = tmp_path / "articles.csv"
    p.write_text("file,published,url\na.txt,2024-06-04,https://x.test/a\nb.txt,,\n", encoding="utf-8")
    t = read_table(p)
    assert t["a.txt"] == {"published": "2024-06-04", "url": "https://x.test/a", "outlet": ""}
    assert t["b.txt"]["published"] == ""
    p.write_text("file,published\nc.txt,04/06/2024\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"articles.csv:2: field 'published'"):
        read_table(p)
    p.write_text("name,date\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_table(p)


def test_sentences_captions_and_clauses():
    text = ("Shelling hits the market\n\nRussian forces shelled the market on Monday. Two people were hurt.\n\n"
            "A firefighter at the scene (AFP via Getty Images)\n")
    ss = split_article(text)
    assert [s.kind for s in ss] == ["title", "body", "body", "caption"]
    sent = "The mayor of the town, who was visiting the front, was killed near his home."
    cl = clauses(sent)
    main = [c for c in cl if len(c) == 2][0]
    assert "mayor" in sent[main[0][0]:main[0][1]] and "killed" in sent[main[1][0]:main[1][1]]


def test_night_time_expressions():
    from geo.extract.dates import event_date
    sat = date(2024, 5, 11)
    for text, want in [("A drone hit a house shortly after midnight.", sat),
                       ("Missiles hit the city before dawn.", sat),
                       ("Drones hit the port in the early hours of Friday.", date(2024, 5, 10)),
                       ("Missiles hit the port at dawn on Friday.", date(2024, 5, 10))]:
        ref = event_date(find_dates(text, sat), sat)
        assert (ref.date, ref.precision) == (want, "day"), text
