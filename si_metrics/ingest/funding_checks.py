"""Checks of the funding tables' rows, with the same cell checks, row models and Problem table as the other
datasets.

An upload merges by key (code and snapshot date), like every other upload: rows it names are added or updated,
rows it does not name stay. Each snapshot is its own picture of the register and the dashboard shows only the
newest, so a file that would make a new newest snapshot is warned about when it lacks codes the current newest
has, and one that adds an older snapshot is warned that it will not be shown.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pydantic

from ..catalog import dataset
from ..schemas import FundingMunicipalityRow, FundingProgrammeRow
from ..store import ident
from . import isun
from .diff import typed_view
from .funding_format import SNAPSHOT_HINT
from .problems import PROBLEM_COLUMNS
from .reading import Reading
from .resolve import Context, name_key, suggestion
from .validate import (
    Checked,
    Rows,
    check_dates,
    check_models,
    check_numbers,
    duplicate_errors,
    find_duplicates,
    text_columns,
    text_or_empty,
)

SHOWN_CODES = 5  # codes named in a warning about an incomplete snapshot; the rest are counted
_PERIOD_OF_YEAR = {period[:4]: period for period in isun.ESF_FUND}  # a CCI code starts with its period's first year
AMOUNTS = ("contracted_eur", "paid_eur", "grant_eur")
COUNTS = ("contract_count", "beneficiary_count", "population")


def check_programmes(con: duckdb.DuckDBPyConnection, reading: Reading, ctx: Context, decimal: str) -> Checked:
    """Typed funding_programmes rows, errors and warnings for a reading."""
    name = isun.PROGRAMMES
    rows = _start(reading, name)
    known = _current(con, name)
    names_en = {**isun.PROGRAMME_NAMES_EN, **dict(zip(known["programme_code"], known["name_en"]))}
    frame = rows.frame
    code = frame["programme_code"]
    unknown = (code != "") & ~code.isin(names_en)
    listing = ", ".join(sorted(names_en))
    aliases = pd.DataFrame({"alias": [name_key(c) for c in names_en], "code": list(names_en)})
    rows.fail(
        unknown,
        "programme_code",
        "unknown_programme",
        code.map(
            lambda v: (
                f"not a programme of this table (known: {listing}; a new one is added by a developer: "
                f"si_metrics/ingest/isun.py, datasets/){suggestion(v, aliases, {})}"
            )
        ),
    )
    frame["name_en"] = frame["name_en"].where(frame["name_en"] != "", text_or_empty(code.map(names_en)))
    frame["fund"] = frame["fund"].where(frame["fund"] != "", text_or_empty(frame["period"].map(isun.ESF_FUND)))
    period, fund = frame["period"], frame["fund"]
    rows.fail(
        (period != "") & ~period.isin(isun.ESF_FUND),
        "period",
        "bad_code",
        f"expected a programming period: {' or '.join(isun.ESF_FUND)}",
    )
    expected = code.str[:4].map(_PERIOD_OF_YEAR)
    rows.fail(
        expected.notna() & period.isin(isun.ESF_FUND) & (period != expected) & ~unknown,
        "period",
        "bad_code",
        "expected " + text_or_empty(expected) + ", the period of programme " + code,
    )
    wrong_fund = period.isin(isun.ESF_FUND) & (fund != "") & (fund != period.map(isun.ESF_FUND))
    rows.fail(
        wrong_fund,
        "fund",
        "bad_code",
        "expected " + text_or_empty(period.map(isun.ESF_FUND)) + ", the fund of "
        "every " + period + " programme in this table",
    )
    return _finish(con, rows, reading, name, FundingProgrammeRow, known, decimal)


def check_municipalities(con: duckdb.DuckDBPyConnection, reading: Reading, ctx: Context, decimal: str) -> Checked:
    """Typed funding_municipalities rows, errors and warnings for a reading."""
    name = isun.MUNICIPALITIES
    rows = _start(reading, name)
    known = _current(con, name).drop_duplicates("municipality_code", keep="last").set_index("municipality_code")
    frame = rows.frame
    frame["municipality_code"] = frame["municipality_code"].str.upper()
    code = frame["municipality_code"]
    unknown = (code != "") & ~code.isin(known.index)
    areas = dict(zip(ctx.regions["code"], ctx.regions["name_en"]))
    labels = {c: f"{c} ({areas.get(r, r)})" for c, r in known["region_code"].items()}
    aliases = pd.DataFrame({"alias": [name_key(c) for c in known.index], "code": list(known.index)})
    rows.fail(
        unknown,
        "municipality_code",
        "unknown_municipality",
        code.map(
            lambda v: (
                f"not a municipality of the register ({len(known)} known, codes as BGS04: district letters and 2 "
                f"digits){suggestion(v, aliases, labels)}"
            )
        ),
    )
    for column, what in (("source_district_code", "the source's district code"), ("region_code", "the district")):
        should = text_or_empty(code.map(known[column]))
        frame[column] = frame[column].where(frame[column] != "", should)
        label = should.map(lambda r: f"{r} ({areas[r]})" if r in areas else r)
        rows.fail(
            ~unknown & (should != "") & (frame[column] != should),
            column,
            "bad_code",
            "expected " + label + f", {what} of " + code,
        )
    return _finish(con, rows, reading, name, FundingMunicipalityRow, _current(con, name), decimal)


def _start(reading: Reading, name: str) -> Rows:
    """The rows as stripped text, the snapshot default in empty cells."""
    frame = text_columns(reading.frame, list(isun.COLUMNS[name]))
    if "snapshot" in reading.defaults:
        frame["snapshot"] = frame["snapshot"].where(frame["snapshot"] != "", reading.defaults["snapshot"])
    return Rows(reading, frame)


def _current(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """The table's current rows in key order (codes, names, districts and snapshots to check against)."""
    meta = dataset(name)
    order = ", ".join(ident(k) for k in reversed(meta.primary_key))  # snapshot first: the newest row last
    frame = con.cursor().execute(f"select * from {ident(name)} order by {order}").df()
    frame["snapshot"] = pd.to_datetime(frame["snapshot"]).dt.date
    return frame


def _finish(
    con: duckdb.DuckDBPyConnection,
    rows: Rows,
    reading: Reading,
    name: str,
    model: type[pydantic.BaseModel],
    current: pd.DataFrame,
    decimal: str,
) -> Checked:
    """The checks both tables share: required cells, numbers, the date, the row model, duplicate keys, and the
    snapshot warnings."""
    meta = dataset(name)
    for column in isun.COLUMNS[name]:  # a cell derived from one already wrong is not reported again
        source = rows.failed.get(isun.DERIVED_FROM.get(column, column), set())
        empty = (rows.frame[column] == "") & ~rows.frame.index.isin(list(source))
        hint = f"no date; {SNAPSHOT_HINT}" if column == "snapshot" else "this cell is required and empty"
        rows.fail(empty, column, "cannot_infer" if column == "snapshot" else "required", hint)
    amounts = [c for c in AMOUNTS if c in meta.column_names]
    counts = [c for c in COUNTS if c in meta.column_names]
    check_numbers(rows, tuple(amounts), decimal)
    check_numbers(rows, tuple(counts), decimal, integer=True)
    for column in amounts + counts:
        what = (
            "an amount of 0 EUR"
            if column in amounts
            else "a population of 1"
            if column == "population"
            else "a count of 0"
        )
        rows.fail(
            rows.frame[column] < (1 if column == "population" else 0),
            column,
            "out_of_range",
            f"expected {what} or more",
        )
    check_dates(rows, "snapshot")
    check_models(rows, model, meta.column_names, {"snapshot": "bad_date"}, {})
    _duplicate_keys(con, rows, name)
    checked = Checked(rows=rows.frame.loc[~rows.bad, [*meta.column_names, "_line"]].reset_index(drop=True))
    checked.errors = rows.errors
    checked.warnings = _snapshot_warnings(
        checked.rows, current, meta.primary_key[0], reading.columns.get("snapshot", "snapshot")
    )
    return checked


def _duplicate_keys(con: duckdb.DuckDBPyConnection, rows: Rows, name: str) -> None:
    """The same code and snapshot twice in the file: an error on every repeat, naming the first line."""
    meta = dataset(name)
    good = rows.frame.loc[~rows.bad, [*meta.column_names, "_line"]].assign(_row=rows.frame.index[~rows.bad])
    cur = con.cursor()
    try:
        typed_view(cur, good, name, extra=("_line", "_row"))
        found = find_duplicates(cur, meta.primary_key)
    finally:
        cur.close()
    if len(found):
        duplicate_errors(rows, found, meta.primary_key, " and ".join(meta.primary_key))


def _snapshot_warnings(rows: pd.DataFrame, current: pd.DataFrame, key: str, column: str) -> list[pd.DataFrame]:
    """A warning per snapshot that would be the newest but lacks codes the newest published one has, or that is
    older than the newest published one (kept, but not shown)."""
    if current.empty or rows.empty:
        return []
    newest = current["snapshot"].max()
    had = set(current.loc[current["snapshot"] == newest, key])
    found = []
    for snapshot, mine in rows.groupby("snapshot", sort=True):
        line = int(mine["_line"].min())
        if snapshot > newest and (missing := sorted(had - set(mine[key]))):
            shown = ", ".join(missing[:SHOWN_CODES]) + (", …" if len(missing) > SHOWN_CODES else "")
            found.append(
                (
                    line,
                    snapshot,
                    "incomplete_snapshot",
                    f"{snapshot} would become the newest snapshot, and the dashboard shows only the newest: it "
                    f"lacks {len(missing)} of the {len(had)} codes of {newest} ({shown}), which would show no "
                    "money; add them to the file",
                )
            )
        elif snapshot < newest:
            found.append(
                (
                    line,
                    snapshot,
                    "older_snapshot",
                    f"older than the newest published snapshot ({newest}): "
                    "kept, but the dashboard shows only the newest",
                )
            )
    if not found:
        return []
    return [
        pd.DataFrame(
            [{"line": ln, "column": column, "value": str(s), "kind": k, "problem": p} for ln, s, k, p in found],
            columns=PROBLEM_COLUMNS,
        )
    ]


CHECKERS = {isun.PROGRAMMES: check_programmes, isun.MUNICIPALITIES: check_municipalities}
