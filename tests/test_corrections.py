import pytest

from geo._errors import InputError
from geo.corrections import apply_corrections, read_corrections


def test_drop_move_retype_set(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("event_id,action,latitude,longitude,location_name,event_type,field,value,note\n"
                 "a,drop,,,,,,,dup\n"
                 "b,move,47.1,37.5,Better place,,,,\n"
                 "c,retype,,,,explosion,,,\n"
                 "c,set,,,,,weapon,S-300,\n"
                 "zzz,drop,,,,,,,\n")
    evs = [{"event_id": k, "latitude": 1.0, "longitude": 2.0, "event_type": "strike"} for k in "abc"]
    out, warns = apply_corrections(evs, read_corrections(p))
    assert [e["event_id"] for e in out] == ["b", "c"]
    assert out[0]["latitude"] == 47.1 and out[0]["location_name"] == "Better place"
    assert out[1]["event_type"] == "explosion" and out[1]["weapon"] == "S-300"
    assert "retype" in out[1]["corrected"]
    assert warns == ["correction line 6: no event with id zzz"]


@pytest.mark.parametrize("row,field", [
    ("a,fly,,,,,,,", "action"), ("a,move,abc,1,,,,,", "latitude"), ("a,retype,,,,bogus,,,", "event_type"),
    ("a,set,,,,,admin1,X,", "field"), (",drop,,,,,,,", "event_id"),
])
def test_bad_corrections_name_line_and_field(tmp_path, row, field):
    p = tmp_path / "c.csv"
    p.write_text("event_id,action,latitude,longitude,location_name,event_type,field,value,note\n" + row + "\n")
    with pytest.raises(InputError) as e:
        read_corrections(p)
    assert f"c.csv:2: field '{field}'" in str(e.value)
