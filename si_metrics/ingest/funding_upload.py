"""Uploads to the funding tables: funding_programmes (ESF/ESF+ programme totals) and funding_municipalities (EU
money per municipality), in the observatory's own CSV format or as the ИСУН 2020 extracts they are built from
(``isun`` maps an extract row exactly as scripts/build_datasets.py does). Read, then checked row by row with the
same cell checks, row models and Problem table as the other datasets.

An upload merges by key (code and snapshot date), like every other upload: rows it names are added or updated,
rows it does not name stay. Each snapshot is its own picture of the register and the dashboard shows only the
newest, so a file that would make a new newest snapshot is warned about when it lacks codes the current newest
has, and one that adds an older snapshot is warned that it will not be shown.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from ..catalog import dataset
from ..schemas import FundingMunicipalityRow, FundingProgrammeRow
from ..store import ident
from . import isun
from .diff import typed_view
from .problems import FILE, PROBLEM_COLUMNS, Problem, file_problem
from .read import Detected, Reading, ReadOptions, _decimal, _frame, _no_data, map_header
from .resolve import Context, name_key, suggestion
from .table import Table, header_key
from .validate import (
    Checked,
    _dates,
    _duplicate_errors,
    _duplicates,
    _numbers,
    _pydantic,
    _Rows,
    _text,
    parse_dates,
    text_or_empty,
)

SNAPSHOT_HINT = (
    "give the register's snapshot date: a snapshot column, --snapshot 2026-08-24 (on the page: "
    "Snapshot date) or a date in the file name (isun_programme_totals_2026-08-24.csv)"
)
SHOWN_CODES = 5  # codes named in a warning about an incomplete snapshot; the rest are counted
_FILE_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_PERIOD_OF_YEAR = {period[:4]: period for period in isun.ESF_FUND}  # a CCI code starts with its period's first year
AMOUNTS = ("contracted_eur", "paid_eur", "grant_eur")
COUNTS = ("contract_count", "beneficiary_count", "population")


# ---------------------------------------------------------------------------------------------------------
# Reading


def snapshot_default(options: ReadOptions, file_name: str) -> str | None:
    """The snapshot date for rows that give none: the option, else a yyyy-mm-dd date in the file name."""
    found = _FILE_DATE.search(file_name)
    text = (options.snapshot or (found.group(1) if found else "")).strip()
    if not text:
        return None
    parsed = parse_dates(pd.Series([text])).iloc[0]
    if parsed is None:
        raise file_problem(
            "bad_date",
            f"the snapshot date {text!r} is not a date; expected a date as 2026-08-24, 24.08.2026 or 24/08/2026",
            column="snapshot",
            value=text,
        )
    return parsed.isoformat()


def read_funding(table: Table, file_name: str, options: ReadOptions, detected: Detected) -> Reading:
    """Either funding table from its own CSV format or an ИСУН extract, as text rows of the table's columns."""
    shape = isun.recognise({header_key(h) for h in table.header})
    if shape is None:
        raise file_problem(
            "unknown_format",
            "not a funding file: expected the header of funding_programmes "
            "(programme_code, …), of funding_municipalities (municipality_code, …) or "
            "of an ИСУН extract (code, name, period, … or muni, oblast, nuts3_code, …)"
            f"; the header has: {', '.join(table.header)}",
            value=table.header[0],
        )
    name, source = shape
    detected.dataset = name
    detected.format_label = isun.LABELS[shape]
    if source == "absorption":
        raise file_problem("unknown_format", isun.ABSORPTION_REFUSED, value="absorption_pct")
    default = snapshot_default(options, file_name)
    columns, problems, warnings = map_header(table, *_header(name, source, default is not None))
    if source == "isun" and default is None:
        problems.append(
            Problem(1, FILE, file_name, "cannot_infer", f"an ИСУН extract has no snapshot date; {SNAPSHOT_HINT}")
        )
    _decimal(table, columns, isun.NUMBERS, options, detected)
    frame = _frame(table, columns)
    if problems:  # without its required columns the rows cannot be read
        frame = frame.iloc[0:0]
    if source == "isun":
        named = {f: table.header[columns[s]] for f, s in isun.SOURCE[name].items() if s in columns}
        frame = _from_extract(frame, name)
    else:
        named = {f: table.header[i] for f, i in columns.items()}
    reading = Reading(
        frame,
        named,
        rows_read=table.rows + len(table.problems),
        problems=table.problems + problems + _no_data(table),
        warnings=warnings,
        defaults={"snapshot": default} if default else {},
    )
    reading.skipped.update({"empty lines": table.blank_lines} if table.blank_lines else {})
    return reading


def _header(name: str, source: str, has_default: bool) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The header names accepted (field -> names) and the required fields, for a table in a shape."""
    if source == "isun":
        return {c: (c,) for c in isun.EXTRACT[name]}, tuple(
            c for c in isun.EXTRACT[name] if c not in isun.EXTRACT_UNUSED
        )
    optional = [c for c in isun.OPTIONAL[name] if c != "snapshot" or has_default]
    return {c: (c,) for c in isun.COLUMNS[name]}, tuple(c for c in isun.COLUMNS[name] if c not in optional)


def _from_extract(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Extract rows as table rows through isun's mapping (the one the bundled CSVs are built with)."""
    row = isun.ROWS[name]
    records = [
        row({k: str(v).strip() for k, v in r.items()}, "") for r in frame.drop(columns="_line").to_dict("records")
    ]
    out = pd.DataFrame(records, columns=list(isun.COLUMNS[name]), index=frame.index, dtype=object)
    out["_line"] = frame["_line"]
    return out


# ---------------------------------------------------------------------------------------------------------
# Checking


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


def _start(reading: Reading, name: str) -> _Rows:
    """The rows as stripped text, the snapshot default in empty cells."""
    frame = _text(reading.frame, list(isun.COLUMNS[name]))
    if "snapshot" in reading.defaults:
        frame["snapshot"] = frame["snapshot"].where(frame["snapshot"] != "", reading.defaults["snapshot"])
    return _Rows(reading, frame)


def _current(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """The table's current rows in key order (codes, names, districts and snapshots to check against)."""
    meta = dataset(name)
    order = ", ".join(ident(k) for k in reversed(meta.primary_key))  # snapshot first: the newest row last
    frame = con.cursor().execute(f"select * from {ident(name)} order by {order}").df()
    frame["snapshot"] = pd.to_datetime(frame["snapshot"]).dt.date
    return frame


def _finish(
    con: duckdb.DuckDBPyConnection, rows: _Rows, reading: Reading, name: str, model, current: pd.DataFrame, decimal: str
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
    _numbers(rows, tuple(amounts), decimal)
    _numbers(rows, tuple(counts), decimal, integer=True)
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
    _dates(rows, "snapshot")
    _pydantic(rows, model, meta.column_names, {"snapshot": "bad_date"}, {})
    _duplicate_keys(con, rows, name)
    checked = Checked(rows=rows.frame.loc[~rows.bad, [*meta.column_names, "_line"]].reset_index(drop=True))
    checked.errors = rows.errors
    checked.warnings = _snapshot_warnings(
        checked.rows, current, meta.primary_key[0], reading.columns.get("snapshot", "snapshot")
    )
    return checked


def _duplicate_keys(con: duckdb.DuckDBPyConnection, rows: _Rows, name: str) -> None:
    """The same code and snapshot twice in the file: an error on every repeat, naming the first line."""
    meta = dataset(name)
    good = rows.frame.loc[~rows.bad, [*meta.column_names, "_line"]].assign(_row=rows.frame.index[~rows.bad])
    cur = con.cursor()
    try:
        typed_view(cur, good, name, extra=("_line", "_row"))
        found = _duplicates(cur, meta.primary_key)
    finally:
        cur.close()
    if len(found):
        _duplicate_errors(rows, found, meta.primary_key, " and ".join(meta.primary_key))


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
