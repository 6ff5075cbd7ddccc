"""Property-based fuzzing of the upload readers: whatever the bytes, the answer is a clear user error (FileRejected,
or Problems naming line and column) or correct rows, never another exception."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from si_metrics import store
from si_metrics.ingest import eurostat, pipeline
from si_metrics.ingest.problems import KINDS, FileRejected
from si_metrics.ingest.reading import ReadOptions
from si_metrics.ingest.table import parse, parse_records

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces a broken spreadsheet is made of: delimiters, quotes, line breaks, numbers, codes, Cyrillic, formulas, markup
PIECES = st.sampled_from(
    [
        *",;\t|\"' 1:",
        *("\n", "\r\n", "\r", "", "33.9", "1,5", "-0", "1e999", "NaN", "SMD", "BG34", "2015", "Видин", "=1+2", "<b>"),
        *("\x00", "\ufeff", "indicator_code", "region_code", "year", "value", "project_id", "OBS_VALUE", "TIME_PERIOD"),
        *("unit,geo\\time", "RevisionColumn", "ValueColumn", "NUTS", "periods", "PK\x03\x04", "\x1f\x8b"),
    ]
)
TEXTS = st.lists(PIECES, max_size=60).map("".join)
NAMES = st.sampled_from(["o.csv", "tgs00107.tsv", "x.tsv.gz", "p.zip", "li41.csv", "nsi1011_x-data.csv"])
DELIMITERS = st.sampled_from([",", ";", "\t", "|"])
CELLS = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = store.open_store(tmp_path_factory.mktemp("fuzz") / "store")
    yield connection
    connection.close()


def assert_clear(prepared: pipeline.Prepared) -> None:
    """Either publishable rows, or errors each naming a line, a column, a known kind and what was expected."""
    if prepared.ok:
        assert len(prepared.rows) > 0
        return
    assert len(prepared.errors) > 0
    for error in prepared.errors.itertuples():
        assert error.line >= 1 and error.column and error.kind in KINDS and error.problem


@FEWER
@given(raw=st.binary(max_size=400), name=NAMES)
def test_random_bytes_give_a_clear_error_never_a_traceback(con, raw, name):
    assert_clear(pipeline.prepare(con, raw, name, ReadOptions()))


@FEWER
@given(text=TEXTS, name=NAMES, encoding=st.sampled_from(["utf-8", "cp1251", "utf-16"]))
def test_structured_but_wrong_text_gives_a_clear_error_or_rows(con, text, name, encoding):
    raw = text.encode(encoding, errors="replace")
    assert_clear(pipeline.prepare(con, raw, name, ReadOptions()))


@FEWER
@given(
    rows=st.lists(
        st.sampled_from(["SMD", "AROPE", "BG34", "BG311", "XX", "2015", "2024", "33.9", "", "n/a"]), max_size=40
    )
)
def test_a_tidy_file_of_random_cells_gives_a_clear_error_or_rows(con, rows):
    cells = [rows[i : i + 4] + [""] * (4 - len(rows[i : i + 4])) for i in range(0, len(rows), 4)]
    text = "indicator_code,region_code,year,value\n" + "".join(",".join(r) + "\n" for r in cells)
    assert_clear(pipeline.prepare(con, text.encode(), "o.csv", ReadOptions()))


@FUZZ
@given(text=TEXTS, delimiter=DELIMITERS, quote=st.sampled_from(['"', "'"]))
def test_the_parser_gives_a_table_or_a_file_error(text, delimiter, quote):
    try:
        table = parse(text, delimiter, quote, max_rows=50)
    except FileRejected as exc:
        assert exc.problem.line >= 1 and exc.problem.kind in KINDS
        return
    if table is not None:
        assert all(len(c) == table.rows for c in table.cells)
        assert all(line >= 1 for line in table.lines)
        assert all(p.kind in KINDS and p.line >= 1 for p in table.problems)


@FUZZ
@given(
    rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=20),
    delimiter=DELIMITERS,
)
def test_a_well_quoted_file_is_read_back_cell_for_cell(rows, delimiter):
    header = ["a", "b", "c"]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *rows])
    text = buffer.getvalue()
    try:
        table = parse(text, delimiter, '"', max_rows=1000)
    except FileRejected as exc:  # a cell of only a NUL or the like: refused with its line, never a traceback
        assert exc.problem.line >= 1
        return
    assert table is not None and table.header == header
    # records of blank cells only are skipped, as blank lines are; every other record comes back exactly
    kept = [r for r in rows if any(c.strip() for c in r)]
    got = [[table.cells[i].iloc[n] for i in range(3)] for n in range(table.rows)]
    expected = [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in kept]
    assert got == expected
    slow = parse_records(text, delimiter, '"', max_rows=1000)
    assert slow is not None and [[slow.cells[i].iloc[n] for i in range(3)] for n in range(slow.rows)] == got
    assert list(slow.lines) == list(table.lines)


@FUZZ
@given(text=TEXTS)
def test_the_tsv_reader_gives_rows_or_a_file_error(text):
    try:
        long, _, problems = eurostat.read_tsv_lines("unit,geo\\time\t2015 \t2014 \n" + text, max_rows=100)
    except FileRejected as exc:
        assert exc.problem.line >= 1 and exc.problem.kind in KINDS
        return
    assert set(long["year"]) <= {"2015", "2014"}
    assert all(p.line >= 2 and p.kind in KINDS for p in problems)
