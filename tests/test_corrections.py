import pytest

from geo._errors import InputError
from geo.corrections import apply_corrections, read_corrections

HEADER = "event_id,action,latitude,longitude,location_name,event_type,field,value,note\n"


def test_drop_move_retype_set(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(HEADER +
                 "a,drop,,,,,,,dup\n"
                 "b,move,47.1,37.5,Better place,,,,\n"
                 "c,retype,,,,explosion,,,\n"
                 "c,set,,,,,weapon,S-300,\n"
                 "zzz,drop,,,,,,,\n")
    evs = [{"event_id": k, "latitude": 1.0, "longitude": 2.0, "event_type": "strike"} for k in "abc"]
    done = apply_corrections(evs, read_corrections(p))
    out = done.events
    assert [e["event_id"] for e in out] == ["b", "c"] and done.n_dropped == 1
    assert out[0]["latitude"] == 47.1 and out[0]["location_name"] == "Better place"
    assert out[1]["event_type"] == "explosion" and out[1]["weapon"] == "S-300"
    assert "retype" in out[1]["corrected"]
    # an id matching no event is a reject with its reason (not a silent no-op)
    assert [(r.line, r.field) for r in done.rejects] == [(6, "event_id")] and "zzz" in done.rejects[0].reason


@pytest.mark.parametrize("row,field", [
    ("a,fly,,,,,,,", "action"), ("a,move,abc,1,,,,,", "latitude"), ("a,retype,,,,bogus,,,", "event_type"),
    ("a,set,,,,,admin1,X,", "field"), (",drop,,,,,,,", "event_id"), ("a,move,nan,1,,,,,", "latitude"),
    ("a,move,1,inf,,,,,", "longitude"),
])
def test_bad_corrections_are_rejects_naming_line_and_field(tmp_path, row, field):
    """Before: the first bad line stopped the run (latitude "abc" even gave a traceback in apply)."""
    p = tmp_path / "c.csv"
    p.write_text(HEADER + row + "\nb,drop,,,,,,,\n")
    fixes = read_corrections(p)
    assert [(r.line, r.field) for r in fixes.rejects] == [(2, field)]
    assert fixes.rejects[0].raw == row and fixes.rejects[0].file == str(p)
    assert [c.event_id for c in fixes] == ["b"]          # the good line still applies


UK, RU = "Обстріл з артилерії по селу", "Обстрел из артиллерии по селу"


@pytest.mark.parametrize("enc,text", [("cp1251", UK), ("utf-16", UK), ("koi8_r", RU), ("utf-16-le", RU)])
def test_corrections_file_in_other_encodings(tmp_path, enc, text):
    """Before: a corrections file that is not UTF-8 raised UnicodeDecodeError (a traceback)."""
    p = tmp_path / "c.csv"
    p.write_bytes((HEADER + f"a,set,,,,,note_ru,{text},ok\n").encode(enc))
    fixes = read_corrections(p)
    assert not fixes.rejects and fixes.items[0].values["value"] == text
    assert fixes.encoding.replace("_", "-").startswith(enc.replace("_", "-")[:5])


def test_unreadable_corrections_are_one_line_errors(tmp_path):
    p = tmp_path / "c.csv"
    p.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(InputError, match="encoding"):
        read_corrections(p)
    p.write_text("id,what\n1,drop\n")
    with pytest.raises(InputError, match="missing column: event_id"):
        read_corrections(p)
    with pytest.raises(InputError, match="no such file"):
        read_corrections(tmp_path / "none.csv")
