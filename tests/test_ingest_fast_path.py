"""Large uploads take fast paths (Arrow's CSV reader, checks once per distinct value, rows handed to DuckDB from
memory, one diff): each gives what the slow path gives, line numbers included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from si_metrics import config, store
from si_metrics.ingest import pipeline, table, validate
from si_metrics.ingest.reading import ReadOptions
from si_metrics.schemas import ObservationRow, ProjectRow

HEAD = "indicator_code,region_code,year,value,flag,source\n"

# Files the fast reader takes: quotes closed on their line, Windows line ends, a line of empty cells, an empty
# line, Cyrillic, no line end after the last record.
WELL_FORMED = {
    "plain": HEAD + "SMD,BG34,2015,33.9,,NSI\nSMD,BG34,2014,30,p,NSI\n",
    "quoted": HEAD + 'SMD,"BG34",2015,33.9,,"NSI, table ""1"""\nSMD,BG34,2014,30,p,a"b\n',
    "crlf and blank records": HEAD.replace("\n", "\r\n") + "SMD,BG34,2015,33.9,,x\r\n,,,,,\r\n\r\nSMD,Видин,2014,1,,y",
    "semicolons": HEAD.replace(",", ";") + "SMD;Югоизточен;2015;33,9;;НСИ\n  ;;  ;;;\n",
}
# Files it must leave to the record-by-record reader, which names what is wrong (or where a record spans lines).
NEEDS_RECORDS = {
    "a quoted cell over two lines": HEAD + 'SMD,BG34,2015,33.9,,"two\nlines"\nSMD,BG34,2014,30,,x\n',
    "text after a closing quote": HEAD + 'SMD,BG34,2015,"33"9,,x\n',
    "a quote that never closes": HEAD + 'SMD,BG34,2015,33.9,,"x\nSMD,BG34,2014,30,,x\n',
    "a quote that never closes on the last line": HEAD + 'SMD,BG34,2015,33.9,,"x\n',
    "a ragged row": HEAD + "SMD,BG34,2015,33.9,,x\nSMD,BG34,2014\n",
    "a delimiter after the last field": HEAD + "SMD,BG34,2015,33.9,,x,\n",
    "a blank line before the header": "\n" + HEAD + "SMD,BG34,2015,33.9,,x\n",
    "old Mac line ends": HEAD.replace("\n", "\r") + "SMD,BG34,2015,33.9,,x\r",
}


def delimiter_of(text: str) -> str:
    return ";" if text.startswith(HEAD.replace(",", ";")) else ","


def as_lists(t: table.Table) -> tuple:
    return (t.header, t.header_line, [int(n) for n in t.lines], [list(c) for c in t.cells], t.problems, t.blank_lines)


@pytest.mark.parametrize("name", WELL_FORMED)
def test_the_fast_reader_gives_the_table_of_the_record_reader(name):
    text = WELL_FORMED[name]
    fast = table.parse_fast(text, delimiter_of(text), '"')
    assert fast is not None
    assert as_lists(fast) == as_lists(table.parse_records(text, delimiter_of(text), '"', 100))


def test_uploaded_cells_are_arrow_text_whatever_the_explorer_keeps():
    """The explorer keeps small frames' text as Python objects (si_metrics/__init__.py); uploads stay Arrow text."""
    assert pd.Series(["x"]).dtype == object  # text inferred as Python objects: the setting holds
    text = WELL_FORMED["semicolons"]
    for parsed in (
        table.parse_fast(text, ";", '"'),
        table.parse(text, ";", '"', 100),
        table.parse(NEEDS_RECORDS["a ragged row"], ",", '"', 100),
    ):
        assert [c.dtype for c in parsed.cells] == [table.TEXT] * len(parsed.cells)
        assert str(table.TEXT) == "str" and table.TEXT.storage == "pyarrow"


def test_the_fast_reader_counts_blank_records_and_keeps_the_lines_after_them():
    fast = table.parse_fast(WELL_FORMED["crlf and blank records"], ",", '"')
    assert (fast.blank_lines, [int(n) for n in fast.lines]) == (2, [2, 5])
    assert list(fast.cells[1]) == ["BG34", "Видин"]


@pytest.mark.parametrize("name", NEEDS_RECORDS)
def test_files_the_fast_reader_cannot_vouch_for_go_to_the_record_reader(name):
    assert table.parse_fast(NEEDS_RECORDS[name], ",", '"') is None


def prepare(con, text: str, name: str = "upload.csv") -> pipeline.Prepared:
    return pipeline.prepare(con, text.encode("utf-8"), name, ReadOptions())


MIXED = (
    "indicator_code,region_code,year,value,flag,sex,age,source,vintage\n"
    'SMD,BG34,2015,33.9,,T,TOTAL,"NSI, table 1",2026\n'
    "SMD,Vidinn,2015,30,,T,TOTAL,NSI,2026\n"
    ",,,,,,,,\n"
    "SMD,BG34,2016,n/a,,T,TOTAL,NSI,2026\n"
    "\n"
    "SMD,Югоизточен,2015,34,,T,TOTAL,NSI,2026\n"
    "POP,BG31,2024,-5,q,X,15-64,NSI,2026\n"
    "POP,BG31,2023,:,,T,TOTAL,NSI,2026\n"
    "AROPE,BG31,2024,101,,общо,общо,NSI,2026\n"
    "POP,BG32,2024,-5,,t,y15-64,NSI,2026\n"
)


def test_prepare_gives_the_same_result_on_either_reader(con, monkeypatch):
    assert table.parse_fast(MIXED, ",", '"') is not None
    fast = prepare(con, MIXED)
    monkeypatch.setattr(table, "parse_fast", lambda *args: None)
    slow = prepare(con, MIXED)
    pd.testing.assert_frame_equal(fast.rows, slow.rows)
    pd.testing.assert_frame_equal(fast.errors, slow.errors)
    pd.testing.assert_frame_equal(fast.warnings, slow.warnings)
    assert (fast.rows_read, fast.skipped) == (slow.rows_read, slow.skipped)
    assert (fast.diff.new, fast.diff.changed, fast.diff.unchanged) == (
        slow.diff.new,
        slow.diff.changed,
        slow.diff.unchanged,
    )
    assert sorted(zip(fast.errors["line"], fast.errors["column"], fast.errors["kind"])) == [
        (3, "region_code", "unknown_region"),
        (5, "value", "not_a_number"),
        (7, "indicator_code + region_code + year + sex + age", "duplicate_key"),
        (8, "age", "bad_code"),
        (8, "flag", "bad_flag"),
        (8, "sex", "bad_code"),
        (10, "value", "out_of_range"),
        (11, "value", "out_of_range"),
    ]
    assert fast.skipped == {"empty lines": 2, "missing value (':' or empty)": 1}


def test_a_cell_over_two_lines_moves_the_lines_named_after_it(con):
    one_line = HEAD + 'SMD,BG34,2015,33.9,,"NSI, two"\nSMD,BG34,2014,abc,,x\nSMD,BG34,2013,1,q,x\n'
    two_lines = one_line.replace("NSI, two", "NSI,\ntwo")
    assert table.parse_fast(one_line, ",", '"') is not None and table.parse_fast(two_lines, ",", '"') is None
    errors = {
        text: list(zip(prepare(con, text).errors["line"], prepare(con, text).errors["kind"]))
        for text in (one_line, two_lines)
    }
    assert errors[one_line] == [(3, "not_a_number"), (4, "bad_flag")]
    assert errors[two_lines] == [(4, "not_a_number"), (5, "bad_flag")]
    assert list(prepare(con, two_lines).rows["_line"]) == [2]


def test_each_field_is_checked_once_per_value_with_the_row_models_own_messages():
    assert validate.field_by_field(ObservationRow) and not validate.field_by_field(ProjectRow)
    names = list(ObservationRow.model_fields)
    frame = pd.DataFrame(
        {
            "indicator_code": ["SMD", "smd", "SMD", "SMD"],
            "region_code": ["BG34", "BG34", "b", "BG34"],
            "year": pd.array([2015, 1850, 2015, None], dtype="Int64"),
            "value": [1.0, np.inf, 2.0, np.nan],
            "flag": [None, "q", "b", "q"],
            "sex": ["T", "T", "X", "T"],
            "age": ["TOTAL", "TOTAL", "y15", "TOTAL"],
            "source": ["s", "", "s", "s"],
            "vintage": ["v", "v", "v", " "],
        },
        index=[10, 11, 12, 13],
    )
    by_value = validate._field_failures(frame, ObservationRow, names)
    assert by_value == validate._row_failures(frame, ObservationRow, names)
    assert by_value["flag"] == {
        11: "String should match pattern '^[bcdefnprsuz]*$'",
        13: "String should match pattern '^[bcdefnprsuz]*$'",
    }
    assert by_value["value"][11] == "Value error, value must be a finite number"
    assert set(by_value) == {
        "indicator_code",
        "region_code",
        "year",
        "value",
        "flag",
        "sex",
        "age",
        "source",
        "vintage",
    }


# Spellings that become one value only after stripping, normalising or resolving: the repeats of lines 2 and 4.
SPELLINGS = (
    "indicator_code,region_code,year,value,flag,sex,age,source,vintage\n"
    "SMD,BG311,2015,33.9,,T,TOTAL,NSI,2026\n"
    "SMD,Видин,2015,30,,T,TOTAL,NSI,2026\n"
    "SMD, BG311 ,2016,1,,t,total,NSI,2026\n"
    "SMD,BG311,2016,2,,T,TOTAL, NSI,2026\n"
    "smd,BG311,2017,abc,,T,TOTAL,NSI,2026\n"
    "SMD,BG311,1850,5,,T,TOTAL,NSI,2026\n"
    "SMD,XX,2015,5,q,X,15-64,NSI,2026\n"
    "UNEMP,BG31,2024,150,,T,TOTAL,,\n"
    "SMD,BG311,2018,:,,T,TOTAL,NSI,2026\n"
    "POP,BG31,2024,-5,B,m,Y15-64,NSI, 2026 \n"
)


def test_checks_on_known_distinct_values_find_what_checks_on_every_row_find(con, monkeypatch):
    known = prepare(con, SPELLINGS)
    text = validate.text_columns
    monkeypatch.setattr(validate, "text_columns", lambda frame, columns, distinct=None: text(frame, columns))
    monkeypatch.setattr(validate.Rows, "distinct", lambda rows, name: validate._distinct(rows.frame[name]))
    monkeypatch.setattr(
        validate, "_repeated", lambda rows, keys, among: rows.frame.loc[among, keys].duplicated(keep=False)
    )
    each = prepare(con, SPELLINGS)
    pd.testing.assert_frame_equal(known.rows, each.rows)
    pd.testing.assert_frame_equal(known.errors, each.errors)
    assert (known.skipped, known.diff.new, known.diff.changed) == (each.skipped, each.diff.new, each.diff.changed)
    assert sorted(zip(known.errors["line"], known.errors["kind"])) == [
        (3, "duplicate_key"),
        (5, "duplicate_key"),
        (6, "not_a_number"),
        (7, "bad_year"),
        (8, "bad_code"),
        (8, "bad_code"),
        (8, "bad_flag"),
        (8, "unknown_region"),
        (9, "out_of_range"),
        (11, "out_of_range"),
    ]


def test_repeated_keys_are_found_by_distinct_values_however_many_there_are():
    rng = np.random.default_rng(5)
    keys = [f"k{i}" for i in range(5)]
    frame = pd.DataFrame({k: rng.permutation(10_000).astype(str) for k in keys})  # 10,000⁵ combinations: > 2⁶³
    frame = pd.concat([frame, frame.iloc[[7, 9_000]]], ignore_index=True)  # two repeated keys
    frame.loc[3, "k0"] = " " + frame.loc[3, "k0"]  # one value written two ways, as a stripped field may be
    among = pd.Series(True, index=frame.index)
    among[5] = False
    known = {k: validate._distinct(frame[k]) for k in keys}
    known["k0"] = (known["k0"][0], known["k0"][1].str.strip())
    rows = validate.Rows(validate.Reading(frame, {}), frame.assign(k0=frame["k0"].str.strip()), known)
    expected = rows.frame.loc[among, keys].duplicated(keep=False)
    assert validate._repeated(rows, keys, among).equals(expected) and expected.sum() == 4


def observation(con, indicator: str, region: str, year: int):
    return (
        con.cursor()
        .execute(
            "select value, flag, source from observations where indicator_code = ? and "
            "region_code = ? and year = ? and sex = 'T' and age = 'TOTAL'",
            [indicator, region, year],
        )
        .fetchone()
    )


def test_rows_are_published_from_memory_exactly(fresh_store):
    values = ["0.30000000000000004", "123456789.12345679", "1e-300", "7"]
    text = "indicator_code,region_code,year,value,source\n" + "".join(
        f'POP,BG31,{2030 + i},{v},"a, ""b"""\n' for i, v in enumerate(values)
    )
    prepared = prepare(fresh_store, text)
    assert prepared.ok, prepared.errors.to_string()
    pipeline.publish(fresh_store, prepared, user="t", note="n")
    for i, v in enumerate(values):
        assert observation(fresh_store, "POP", "BG31", 2030 + i) == (float(v), None, 'a, "b"')


FILE = "indicator_code,region_code,year,value,source,vintage\n"


def test_publish_compares_every_row_again_when_something_was_published_after_prepare(fresh_store):
    pipeline.publish(fresh_store, prepare(fresh_store, FILE + "UNEMP,BG32,2030,1,s,v\n"), user="t", note="first")
    upload = prepare(fresh_store, FILE + "UNEMP,BG32,2030,1,s,v\nUNEMP,BG33,2030,5,s,v\n")
    assert (upload.diff.new, upload.diff.changed, upload.diff.unchanged) == (1, 0, 1)
    assert (list(upload.diff.compared.to_write), list(upload.diff.compared.new)) == ([1], [True])
    pipeline.publish(fresh_store, prepare(fresh_store, FILE + "UNEMP,BG32,2030,2,s,v\n"), user="t", note="between")
    rel = pipeline.publish(fresh_store, upload, user="t", note="prepared before the one between")
    assert (rel.rows_added, rel.rows_changed, rel.rows_unchanged) == (1, 1, 0)
    assert observation(fresh_store, "UNEMP", "BG32", 2030)[0] == 1


def test_publish_writes_only_what_the_diff_found_when_nothing_was_published_since(fresh_store):
    pipeline.publish(fresh_store, prepare(fresh_store, FILE + "UNEMP,BG32,2030,1,s,v\n"), user="t", note="first")
    upload = prepare(fresh_store, FILE + "UNEMP,BG32,2030,1,s,v\nUNEMP,BG33,2030,5,s,v\n")
    rel = pipeline.publish(fresh_store, upload, user="t", note="n")
    assert (rel.rows_added, rel.rows_changed, rel.rows_unchanged) == (1, 0, 1)
    r = store.release_history(fresh_store).iloc[-1]
    assert (r.rows_in_file, r.rows_added, r.rows_unchanged) == (2, 1, 1)
    assert observation(fresh_store, "UNEMP", "BG33", 2030)[0] == 5


def test_a_million_row_file_fits_the_default_upload_limit(monkeypatch):
    monkeypatch.delenv("SI_MAX_UPLOAD_MB", raising=False)
    assert config.max_upload_mb() == 200  # a 1,000,000-row observations file is about 82 MB
