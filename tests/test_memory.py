"""Bounded memory (issue 11): label columns as categoricals, writes into them, streamed chunk files.

The values must stay exactly those of plain text columns (outputs byte-identical); only the storage
changes. These tests check the storage *and* the values, so a categorical that silently became text
again, or a write that lost a value, fails."""
import numpy as np
import pandas as pd

from geo import _passes, render
from geo.events import EventTable, labels, release_memory, set_cells
from geo.pipeline import collect


def _csv(tmp_path, n=60):
    p = tmp_path / "t.csv"
    rows = ["event_date,event_type,actor,status,location_name,latitude,longitude,source,notes"]
    for i in range(n):
        rows.append(f"2023-05-{i % 28 + 1:02d},{'strike' if i % 3 else 'shelling'},{'RU' if i % 2 else 'UA'},"
                    f"reported,Place {i},{48 + i / 100:.4f},{35 + i / 100:.4f},src {i},note {i}")
    rows.append("2023-05-02,strike,RU,claimed,Kharkiv,,,src x,needs geocoding")
    p.write_text("\n".join(rows) + "\n")
    return p


def test_labels_keep_values_and_refuse_nothing():
    vals = np.array(["a", "b", "a", None, ""] * 10, dtype=object)
    s = labels(vals)
    assert isinstance(s.dtype, pd.CategoricalDtype)
    assert s.tolist()[:5] == ["a", "b", "a", s.tolist()[3], ""] and pd.isna(s.iloc[3])
    assert s.cat.categories.tolist() == ["a", "b", ""]          # first-appearance order
    distinct = labels(np.array([f"text {i}" for i in range(40)], dtype=object))
    assert not isinstance(distinct.dtype, pd.CategoricalDtype)  # free text stays text
    assert distinct.tolist() == [f"text {i}" for i in range(40)]
    mixed = labels(np.array([1, "a"], dtype=object))
    assert mixed.tolist() == [1, "a"]


def test_set_cells_adds_categories_first():
    df = pd.DataFrame({"x": labels(np.array(["a", "b"] * 10, dtype=object))})
    set_cells(df, "x", np.array([0, 5]), ["new", "a"])
    assert isinstance(df["x"].dtype, pd.CategoricalDtype)
    assert df["x"].tolist()[:6] == ["new", "b", "a", "b", "a", "a"]
    set_cells(df, "x", np.array([1]), [3.5])                    # not text: the column becomes objects
    assert df["x"].tolist()[:2] == ["new", 3.5]


def test_read_and_passes_keep_label_columns_categorical(tmp_path):
    res = collect([_csv(tmp_path)])
    core = res.events.core
    for c in ("event_type", "actor", "status", "geo_precision", "input_file", "country", "admin1"):
        assert isinstance(core[c].dtype, pd.CategoricalDtype), c
    assert len(res.events) == 61
    geocoded = core[core["location_name"] == "Kharkiv"].iloc[0]   # geocoding wrote its precision in
    assert geocoded["geo_precision"] and geocoded["geo_precision"] != "" and geocoded["status"] == "claimed"
    assert set(core["input_file"].tolist()) == {str(tmp_path / "t.csv")}
    assert core["admin1"].iloc[0] and core["country"].iloc[0] == "UA"
    release_memory(10**6)                                          # safe to call with data alive
    assert res.events.core["event_type"].tolist() == core["event_type"].tolist()


def test_content_ids_as_arrow_equal_the_object_ids(tmp_path):
    res = collect([_csv(tmp_path)])
    core = res.events.core
    assert isinstance(core["event_id"].dtype, pd.StringDtype)
    assert core["event_id"].str.fullmatch("[0-9a-f]{16}").all() and core["event_id"].is_unique
    assert list(_passes.event_id_array(core, step=7).to_pylist()) == _passes.event_ids(core).tolist()


def test_chunk_files_made_while_encoding_equal_those_made_after(tmp_path):
    res = collect([_csv(tmp_path)])
    t = res.events
    blob, chunks, _ = render.events_data(t, chunk_events=16)
    texts: list = []
    blob2, streamed, _ = render.events_data(t, chunk_events=16,
                                            chunk_text=lambda k, ch: texts.append((k, ch)) or f"chunk {k}")
    assert blob2 == blob and streamed == [f"chunk {k}" for k in range(len(chunks))]
    assert [ch for _, ch in texts] == chunks
    big = render.render_files(t, single_file_max=10, chunk_events=16)
    assert sum(1 for k in big if k.endswith(".js") and "/chunk-" in k) == len(chunks)
    from geo import _map_plugins as P
    for k, ch in enumerate(chunks):
        name = next(n for n in big if n.endswith(f"/chunk-{k}.js"))
        assert big[name] == P.chunk_script(f"fl-chunk-{k}", ch)


def test_categorical_core_writes_as_text_would(tmp_path):
    import io

    from geo import write
    res = collect([_csv(tmp_path)])
    t = res.events
    plain = EventTable(t.core.copy(), dict(t.extras))
    for c in plain.core.columns:
        if isinstance(plain.core[c].dtype, pd.CategoricalDtype):
            plain.core[c] = plain.core[c].to_numpy(dtype=object)
    a, b = io.StringIO(), io.StringIO()
    write.write_geojson(t, a, chunk=13)
    write.write_geojson(plain, b, chunk=13)
    assert a.getvalue() == b.getvalue()
    assert render.events_data(t, chunk_events=16)[:2] == render.events_data(plain, chunk_events=16)[:2]
