"""Turn the text rows of an upload into typed rows of its dataset, with every problem named by line and column.

Cell by cell (vectorised, each text check once per distinct value): required cells, numbers (decimal mark,
NaN/inf), years, dates, names → codes. The dataset's pydantic model (si_metrics/schemas.py): once per distinct value
of each field when each of its rules looks at one field (observations), else row by row (projects). Set-based in
DuckDB: duplicate keys within the file, unknown indicators and areas (a join with every way they may be written),
value ranges by the indicator's unit, end before start.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pydantic
from pydantic import TypeAdapter

from ..catalog import dataset
from ..schemas import ObservationRow, ProjectRow
from ..store import ident
from ..vocab import SDG_CORE, SECTOR_OF_TYPE
from .diff import typed_view
from .eurostat import FLAGS
from .problems import PROBLEM_COLUMNS
from .reading import PROJECT_OPTIONAL, Reading
from .resolve import Context, indicator_aliases, region_aliases, resolve, suggestion
from .table import TEXT, parse_dates

YEAR_RANGE = (1990, 2100)  # the ObservationRow model's bounds
PERCENT_UNITS = ("PC", "PC_POP")  # Eurostat unit codes of shares, 0-100
CHUNK = 50_000  # rows per pydantic call: bounds the memory of the dicts it needs
MISSING = ("", ":")  # Eurostat's ':' and an empty cell: no value, skipped and counted
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_NON_FINITE = re.compile(r"^[-+]?(?:nan|inf|infinity|#num!|#div/0!)$", re.IGNORECASE)
_DIGIT_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f'](?=\d)")  # 1 295 931 (Bulgarian), 1'295'931 (Swiss)
SEX = {
    "t": "T",
    "total": "T",
    "общо": "T",
    "m": "M",
    "male": "M",
    "males": "M",
    "мъже": "M",
    "f": "F",
    "female": "F",
    "females": "F",
    "жени": "F",
}
BOOLEAN = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "да": True, "не": False}
RESERVED_IDS = re.compile(r"^(DEMO|EXAMPLE)-", re.IGNORECASE)  # the demo rows and the template's example row


@dataclass
class Checked:
    """Typed rows ready to publish (with _line), the errors and warnings as tables, and rows skipped by reason."""

    rows: pd.DataFrame
    errors: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[pd.DataFrame] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


class Rows:
    """The frame being checked, its untouched text, and where each field came from in the file."""

    def __init__(
        self, reading: Reading, frame: pd.DataFrame, distinct: dict[str, tuple[np.ndarray, pd.Series]] | None = None
    ):
        self.frame = frame
        # each field's distinct values (see _distinct), when the caller gives them: then every field must change
        # only through ``change`` / ``replace``, and each check uses them instead of finding them again
        self.known = distinct
        self.raw = reading.frame
        self.columns = reading.columns
        self.bad = pd.Series(False, index=frame.index)  # rows with an error: reported, never published
        self.skip = pd.Series(False, index=frame.index)  # rows skipped and counted, not errors
        self.failed: dict[str, set] = {}  # cells already reported, so the row model does not report them again
        self.errors: list[pd.DataFrame] = []

    def distinct(self, name: str) -> tuple[np.ndarray, pd.Series]:
        """A field's rows as positions among its distinct values, and those values (see _distinct)."""
        if self.known is not None and name in self.known:
            return self.known[name]
        return _distinct(self.frame[name])

    def per_value(self, name: str, change: Callable[..., Any]) -> pd.Series:
        """A function applied once per distinct value of a field, on every row."""
        codes, values = self.distinct(name)
        return _spread(pd.Series([change(v) for v in values], dtype=object), codes, self.frame.index)

    def change(self, name: str, change: Callable[..., Any]) -> None:
        """Replace a field by a function of each of its values (applied once per distinct value)."""
        codes, values = self.distinct(name)
        result = pd.Series([change(v) for v in values], dtype=object)
        if self.frame[name].dtype == TEXT and result.equals(values):
            return  # text that stays as it is (codes already codes, sex already T): no need to write it again
        self.replace(name, _spread(result, codes, self.frame.index), codes, result)

    def replace(self, name: str, column: pd.Series, codes: np.ndarray, per_value: pd.Series) -> None:
        """Replace a field by ``column``, which is ``per_value`` (one value per distinct value) spread by ``codes``."""
        self.frame[name] = column
        if self.known is not None:
            self.known[name] = (codes, _objects(per_value))

    def column_of(self, name: str, mask: pd.Series) -> pd.Series:
        """The file's header for a field, per row (a year column in a Eurostat TSV)."""
        if "_col" in self.frame.columns and name in ("year", "value", "flag"):
            return self.frame.loc[mask, "_col"].astype(TEXT)
        return pd.Series(self.columns.get(name, name), index=self.frame.index[mask], dtype=object)

    def fail(
        self,
        mask: pd.Series,
        name: str,
        kind: str,
        problem: str | pd.Series,
        column: str | None = None,
        value: pd.Series | None = None,
    ) -> None:
        """Record an error for every row in ``mask`` on field ``name``; those rows will not be published.

        A row may have errors in several cells, and all are reported; skipped rows have none.
        """
        mask = mask & ~self.skip
        if not mask.any():
            return
        at = mask.index[mask]
        if value is None:
            source = self.raw[name] if name in self.raw.columns else self.frame.get(name)
            value = source.loc[at].astype(TEXT) if source is not None else pd.Series("", index=at)
        self.errors.append(
            pd.DataFrame(
                {
                    "line": self.frame.loc[at, "_line"],
                    "column": pd.Series(column, index=at) if column else self.column_of(name, mask),
                    "value": value.loc[at].astype(TEXT),
                    "kind": kind,
                    "problem": problem.loc[at] if isinstance(problem, pd.Series) else problem,
                },
                columns=PROBLEM_COLUMNS,
            )
        )
        self.bad |= mask
        self.failed.setdefault(name, set()).update(at)


def text_or_empty(column: pd.Series) -> pd.Series:
    """Text with '' where missing (whatever dtype a map or reindex left: all-missing columns are float)."""
    return column.astype(object).where(column.notna(), "")


def none_if_empty(column: pd.Series) -> pd.Series:
    """Text with None (SQL null) for empty cells."""
    return column.astype(object).where(column != "", None)


def text_columns(frame: pd.DataFrame, columns: list[str], distinct: dict | None = None) -> pd.DataFrame:
    """Every listed column as stripped text, '' for missing cells and absent columns. With ``distinct``, each
    column's distinct values are put there (see Rows) and stripped once each, not once per row."""
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        col = frame[name] if name in frame.columns else pd.Series("", index=frame.index)
        col = col.astype(TEXT).fillna("")
        if distinct is None:
            out[name] = col.str.strip()
            continue
        codes, values = _distinct(col)
        values = pd.Series(values, dtype=col.dtype)
        stripped = values.str.strip()  # the column's own strip, on its distinct values
        out[name] = col if stripped.equals(values) else _spread(stripped, codes, col.index)
        distinct[name] = (codes, _objects(stripped))
    out["_line"] = frame["_line"]
    if "_col" in frame.columns:
        out["_col"] = frame["_col"]
    return out


def _distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's position among the column's distinct values, and those values as Python objects: a check runs
    once per distinct value (a million observations hold a few thousand areas, years and values), then ``_spread``
    puts its result back on every row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes, _objects(uniques)


def _objects(values: Iterable[Any]) -> pd.Series:
    """Values as a Series of Python objects."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _spread(result: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A result computed per distinct value, on every row (text as text, not Python objects)."""
    if result.dtype == object and all(isinstance(v, str) for v in result):
        result = result.astype(TEXT)
    return result.iloc[codes].set_axis(index)


def parse_numbers(text: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers written with the given decimal mark → (float values, not-a-number mask, non-finite mask)."""
    cleaned = text.str.replace(_DIGIT_GROUPS, "", regex=True)
    if decimal == ",":
        cleaned = cleaned.where(~cleaned.str.contains(r"\.", regex=True), "x")  # a point is wrong in 12,5 files
        cleaned = cleaned.str.replace(",", ".", regex=False)
    non_finite = cleaned.str.match(_NON_FINITE)
    not_number = ~cleaned.str.match(_NUMBER) & ~non_finite & (text != "")
    values = pd.to_numeric(cleaned.where(~not_number & ~non_finite & (text != "")), errors="coerce").astype("float64")
    overflow = np.isinf(values)  # 1e999 or 400 digits: past float range, it would be stored as infinity
    return values.mask(overflow), not_number, (non_finite | overflow).astype(bool)


def _number_problem(decimal: str) -> str:
    example = "12,5" if decimal == "," else "12.5"
    return f"expected a number such as {example} (decimal mark {decimal!r} as detected or chosen)"


def check_numbers(rows: Rows, names: tuple[str, ...], decimal: str, integer: bool = False) -> None:
    """Parse number fields in place; text and NaN/inf become errors."""
    for name in names:
        codes, distinct = rows.distinct(name)
        per_value = parse_numbers(distinct, decimal)
        values, not_number, non_finite = (_spread(r, codes, rows.frame.index) for r in per_value)
        rows.fail(not_number, name, "not_a_number", "expected a whole number" if integer else _number_problem(decimal))
        rows.fail(non_finite, name, "not_finite", "expected a finite number, not NaN, infinity or beyond ±1.8e308")
        if integer:
            fractional = values.notna() & (values % 1 != 0)
            rows.fail(fractional, name, "not_a_number", "expected a whole number")
        rows.replace(name, values, codes, per_value[0])


def _resolve(
    con: duckdb.DuckDBPyConnection,
    rows: Rows,
    name: str,
    aliases: pd.DataFrame,
    labels: dict[str, str],
    kind: str,
    skip_unknown: Counter | None = None,
) -> None:
    """Replace written names by codes; unknown ones are errors with a suggestion (or skipped, for Eurostat areas)."""
    written = rows.frame[name]
    positions, values = rows.distinct(name)
    present = np.bincount(positions[((written != "") & ~rows.skip).to_numpy()], minlength=len(values)) > 0
    distinct = sorted(set(values[present]))
    found = resolve(con, distinct, aliases) if distinct else {}
    unknown_values = {v for v, codes in found.items() if not codes}
    unknown = written.isin(unknown_values) if unknown_values else pd.Series(False, index=written.index)
    if skip_unknown is not None and unknown.any():
        skip_unknown["areas outside the region list"] += int((unknown & ~rows.skip).sum())
        rows.skip |= unknown
        rows.bad |= unknown
    what = "indicator" if kind == "unknown_indicator" else "area"
    hints = {v: f"not a known {what}" + suggestion(v, aliases, labels) for v in unknown_values}
    several = {v: f"could mean {' or '.join(codes)}; write the code" for v, codes in found.items() if len(codes) > 1}
    for problems in (hints, several):
        if problems:
            rows.fail(
                written.isin(problems.keys()), name, kind, rows.per_value(name, lambda v, p=problems: p.get(v, ""))
            )
    single = {v: codes[0] for v, codes in found.items() if len(codes) == 1}
    rows.change(name, lambda v: single.get(v, ""))


def _required(rows: Rows, names: list[str], hints: dict[str, str] | None = None) -> None:
    """Empty required cells are errors; where the field was to be inferred, the hint says what to add."""
    for name in names:
        empty = rows.frame[name] == ""
        if hints and name in hints:
            rows.fail(empty, name, "cannot_infer", hints[name], value=rows.raw.get("_from_" + name))
        else:
            rows.fail(empty, name, "required", "this cell is required and empty")


def _plain(column: pd.Series) -> list:
    """A column as Python values with None for missing cells (what the row model expects)."""
    return column.astype(object).where(column.notna(), None).tolist()


def field_by_field(model: type[pydantic.BaseModel]) -> bool:
    """True when each rule of the model looks at one field only (no model or field validator methods), so a value
    passes or fails the same way in every row."""
    decorators = model.__pydantic_decorators__
    return not (decorators.model_validators or decorators.field_validators)


def _field_failures(
    frame: pd.DataFrame,
    model: type[pydantic.BaseModel],
    names: list[str],
    known: dict[str, tuple[np.ndarray, pd.Series]] | None = None,
) -> dict[str, dict[int, str]]:
    """Each field's distinct values checked once by the model's own rules for that field: row → message. ``known``
    may give a field's distinct values in ``frame`` (see Rows)."""
    failures: dict[str, dict[int, str]] = {}
    for name in names:
        codes, distinct = known[name] if known and name in known else _distinct(frame[name])
        annotation = model.model_fields[name].rebuild_annotation()
        adapter: TypeAdapter[list] = TypeAdapter(list[annotation], config=model.model_config)  # type: ignore[valid-type]
        try:
            adapter.validate_python(_plain(distinct))
            continue
        except pydantic.ValidationError as exc:
            messages = {int(err["loc"][0]): err["msg"] for err in exc.errors(include_url=False)}
        hit = np.isin(codes, list(messages))
        failures[name] = dict(zip(frame.index[hit], (messages[c] for c in codes[hit])))
    return failures


def _row_failures(frame: pd.DataFrame, model: type[pydantic.BaseModel], names: list[str]) -> dict[str, dict[int, str]]:
    """Every row checked by the model, in chunks: field → row → message."""
    adapter: TypeAdapter[list] = TypeAdapter(list[model])  # type: ignore[valid-type]
    columns = [_plain(frame[n]) for n in names]
    failures: dict[str, dict[int, str]] = {}
    for start in range(0, len(frame), CHUNK):
        chunk = [dict(zip(names, values)) for values in zip(*(c[start : start + CHUNK] for c in columns))]
        try:
            adapter.validate_python(chunk)
        except pydantic.ValidationError as exc:
            for err in exc.errors(include_url=False):
                position, *where = err["loc"]
                name = str(where[0]) if where else names[0]
                failures.setdefault(name, {})[frame.index[start + int(position)]] = err["msg"]
    return failures


def check_models(
    rows: Rows, model: type[pydantic.BaseModel], names: list[str], kinds: dict[str, str], problems: dict[str, str]
) -> None:
    """Validate every row not skipped against the dataset's row model; cells already reported by the cell checks
    are not reported twice."""
    keep = ~rows.skip.to_numpy()
    good = rows.frame if keep.all() else rows.frame.loc[keep, names]
    if field_by_field(model):
        known = (
            rows.known
            if rows.known is None or keep.all()
            else {n: (codes[keep], values) for n, (codes, values) in rows.known.items()}
        )
        failures = _field_failures(good, model, names, known)
    else:
        failures = _row_failures(good, model, names)
    for name, failed in failures.items():
        found = {row: problems.get(name, msg) for row, msg in failed.items() if row not in rows.failed.get(name, ())}
        if found:
            messages = pd.Series(found)
            rows.fail(
                pd.Series(rows.frame.index.isin(messages.index), index=rows.frame.index),
                name,
                kinds.get(name, "invalid"),
                text_or_empty(messages.reindex(rows.frame.index)),
            )


def find_duplicates(cur: duckdb.DuckDBPyConnection, keys: list[str]) -> pd.DataFrame:
    """Rows whose key an earlier row of the file already has: row, the line of the first, key text (``_upload``
    holds the rows whose key repeats)."""
    k = ", ".join(ident(c) for c in keys)
    text = " || ' ' || ".join(f"coalesce(cast({ident(c)} as varchar), '')" for c in keys)
    return cur.execute(f"""select _row, first_line, key_text from (
            select _row, _line, {text} as key_text,
                   first_value(_row) over (partition by {k} order by _row) as first_row,
                   min(_line) over (partition by {k}) as first_line,
                   count(*) over (partition by {k}) as n from _upload)
            where n > 1 and _row <> first_row order by _row""").df()


def duplicate_errors(rows: Rows, dup: pd.DataFrame, keys: list[str], key_label: str) -> None:
    """An error on every repeat of a key, naming the line that had it first."""
    first = pd.Series(dup["first_line"].values, index=dup["_row"].values)
    text = pd.Series(dup["key_text"].values, index=dup["_row"].values).reindex(rows.frame.index)
    mask = pd.Series(rows.frame.index.isin(dup["_row"]), index=rows.frame.index)
    headers = dict.fromkeys(rows.columns.get(k, k) for k in keys if k in rows.columns)
    column = " + ".join(headers) or " + ".join(keys)
    problem = first.reindex(rows.frame.index).map(
        lambda ln: f"the same {key_label} as line {ln:.0f}; expected each once" if pd.notna(ln) else ""
    )
    rows.fail(mask, keys[0], "duplicate_key", problem, column=column, value=text)


def _repeated(rows: Rows, keys: list[str], among: pd.Series) -> pd.Series:
    """Which of the rows in ``among`` have a key another of them has too (hashing the keys in pandas is cheaper
    than a grouping in DuckDB); by each key field's distinct values when they are known."""
    if rows.known is None:
        return rows.frame.loc[among, keys].duplicated(keep=False)
    at = among.to_numpy()
    combined, size = np.zeros(int(at.sum()), dtype=np.int64), 1  # one number per key: its fields' numbers combined
    for key in keys:
        codes, values = rows.distinct(key)
        # distinct values may repeat (two spellings stripped or resolved to one code): number each value once
        numbers, found = pd.factorize(values, use_na_sentinel=False)
        if size * len(found) >= 2**63:  # renumber the combinations found so far, so the product stays an int64
            combined, seen = pd.factorize(combined)
            size = len(seen)
        combined, size = combined * len(found) + numbers[codes[at]], size * len(found)
    return pd.Series(combined, index=rows.frame.index[at]).duplicated(keep=False)


def _good(rows: Rows, columns: list[str]) -> pd.DataFrame:
    """The columns of the rows without errors (not copied when every row is good: the usual large file)."""
    return rows.frame[columns] if not rows.bad.any() else rows.frame.loc[~rows.bad, columns]


def _fail_rows(rows: Rows, found: pd.DataFrame, name: str, kind: str) -> None:
    """Record errors for the rows a set check found (columns _row and problem)."""
    problem = pd.Series(found["problem"].values, index=found["_row"].values).reindex(rows.frame.index)
    rows.fail(
        pd.Series(rows.frame.index.isin(found["_row"]), index=rows.frame.index), name, kind, text_or_empty(problem)
    )


def _set_checks(con: duckdb.DuckDBPyConnection, rows: Rows, meta_name: str, key_label: str) -> None:
    """Duplicate keys within the file and value ranges by unit, in DuckDB over the rows still good."""
    meta = dataset(meta_name)
    good = _good(rows, [*meta.column_names, "_line"]).assign(_row=rows.frame.index[~rows.bad])
    repeated = _repeated(rows, meta.primary_key, ~rows.bad)
    cur = con.cursor()
    try:
        if repeated.any():
            typed_view(cur, good[repeated], meta_name, extra=("_line", "_row"))
            duplicate_errors(rows, find_duplicates(cur, meta.primary_key), meta.primary_key, key_label)
        typed_view(cur, good, meta_name, extra=("_line", "_row"))
        for sql, name, kind in RANGE_CHECKS[meta_name]:
            found = cur.execute(sql, {"units": list(PERCENT_UNITS)} if "$units" in sql else None).df()
            if len(found):
                _fail_rows(rows, found, name, kind)
    finally:
        cur.close()


RANGE_CHECKS = {
    "observations": [
        (
            """select u._row, 'expected a percentage from 0 to 100 (unit ' || i.unit || ')' as problem
            from _upload u join indicators i on i.code = u.indicator_code
            where list_contains($units, i.unit) and (u.value < 0 or u.value > 100)""",
            "value",
            "out_of_range",
        ),
        (
            """select u._row, 'expected a number from 0 up (unit ' || i.unit || ')' as problem
            from _upload u join indicators i on i.code = u.indicator_code
            where not list_contains($units, i.unit) and u.value < 0""",
            "value",
            "out_of_range",
        ),
    ],
    "projects": [
        (
            """select _row, 'expected an end date on or after the start date ' || start_date as problem
            from _upload where end_date < start_date""",
            "end_date",
            "out_of_range",
        ),
        (
            """select _row, 'expected at most the budget (' || budget_eur || ')' as problem
            from _upload where eu_contribution_eur > budget_eur""",
            "eu_contribution_eur",
            "out_of_range",
        ),
    ],
}


# ---------------------------------------------------------------------------------------------------------
# Observations

OBS_KINDS = {
    "year": "bad_year",
    "flag": "bad_flag",
    "value": "not_finite",
    "sex": "bad_code",
    "age": "bad_code",
    "indicator_code": "bad_code",
    "region_code": "bad_code",
}
OBS_PROBLEMS = {
    "year": f"expected a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}",
    "flag": f"expected Eurostat flag letters ({', '.join(FLAGS)}) or nothing",
    "sex": "expected T (total), M or F (общо, мъже, жени)",
    "age": "expected TOTAL or a Eurostat age code such as Y15-64, Y_LT15, Y_GE65",
}


def check_observations(con: duckdb.DuckDBPyConnection, reading: Reading, ctx: Context, decimal: str) -> Checked:
    """Typed observation rows, errors and skipped counts for a reading."""
    meta = dataset("observations")
    checked = Checked(rows=pd.DataFrame(columns=[*meta.column_names, "_line"]))
    distinct: dict[str, tuple[np.ndarray, pd.Series]] = {}
    frame = text_columns(reading.frame, meta.column_names, distinct)
    missing = frame["value"].isin(MISSING)
    if missing.any():
        checked.skipped["missing value (':' or empty)"] = int(missing.sum())
        keep = ~missing.to_numpy()
        frame = frame[keep].copy()
        distinct = {name: (codes[keep], values) for name, (codes, values) in distinct.items()}
    rows = Rows(reading, frame, distinct)
    _observation_defaults(rows, reading)
    _required(rows, ["indicator_code", "region_code", "year"])
    _resolve(
        con,
        rows,
        "indicator_code",
        indicator_aliases(ctx.indicators),
        dict(zip(ctx.indicators["code"], ctx.indicators["name_en"] + " (" + ctx.indicators["code"] + ")")),
        "unknown_indicator",
    )
    _resolve(
        con,
        rows,
        "region_code",
        region_aliases(ctx.regions),
        _region_labels(ctx),
        "unknown_region",
        checked.skipped if reading.unknown_regions == "skip" else None,
    )
    check_numbers(rows, ("value",), decimal)
    _years(rows)
    check_models(rows, ObservationRow, meta.column_names, OBS_KINDS, OBS_PROBLEMS)
    _set_checks(con, rows, "observations", "indicator, area, year, sex and age")
    checked.rows = _good(rows, [*meta.column_names, "_line"]).reset_index(drop=True)
    checked.rows["flag"] = none_if_empty(checked.rows["flag"])
    checked.errors = rows.errors
    return checked


def _observation_defaults(rows: Rows, reading: Reading) -> None:
    """Empty optional cells get their defaults; sex, age and flags are written the catalogue's way."""
    rows.change("sex", lambda v: SEX.get(v.casefold(), v) if v else "T")
    rows.change("age", lambda v: "TOTAL" if v.casefold() in ("", "total", "общо") else v.upper())
    rows.change("flag", lambda v: v.replace(" ", "").lower())
    for name in ("source", "vintage"):
        if name in reading.defaults:
            rows.change(name, lambda v, default=reading.defaults[name]: v if v != "" else default)


def _region_labels(ctx: Context) -> dict[str, str]:
    return dict(
        zip(
            ctx.regions["code"],
            ctx.regions["name_en"] + " / " + ctx.regions["name_bg"] + " (" + ctx.regions["code"] + ")",
        )
    )


def _years(rows: Rows) -> None:
    """Years as integers; anything else is an error."""
    codes, text = rows.distinct("year")
    bad = ~text.str.fullmatch(r"\d{4}").astype(bool) & (text != "")
    rows.fail(
        _spread(bad, codes, rows.frame.index),
        "year",
        "bad_year",
        f"expected a 4-digit year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}",
    )
    years = pd.to_numeric(text.where(~bad & (text != "")), errors="coerce").astype("Int64")
    rows.replace("year", _spread(years, codes, rows.frame.index), codes, years)


# ---------------------------------------------------------------------------------------------------------
# Projects

PROJECT_NUMBERS = ("budget_eur", "eu_contribution_eur", "paid_eur")
PROJECT_INTEGERS = ("partner_count", "beneficiaries_target", "beneficiaries_reached")
PROJECT_KINDS = {"project_id": "bad_code", "start_date": "bad_date", "end_date": "bad_date"}
DERIVED_FROM = {"lead_sector": ("lead_org_type",), "sdgs": ("theme",), "status": ("start_date", "end_date")}


def check_projects(con: duckdb.DuckDBPyConnection, reading: Reading, ctx: Context, decimal: str) -> Checked:
    """Typed project rows and errors for a reading; staff-published projects are never synthetic."""
    meta = dataset("projects")
    rows = Rows(reading, text_columns(reading.frame, meta.column_names))
    checked = Checked(rows=pd.DataFrame(columns=[*meta.column_names, "_line"]))
    checked.warnings = _not_synthetic(rows)
    _required(rows, [c.name for c in meta.columns if c.required and c.name not in PROJECT_OPTIONAL], reading.hints)
    reserved = rows.frame["project_id"].str.match(RESERVED_IDS)
    rows.fail(
        reserved,
        "project_id",
        "reserved_id",
        "DEMO- and EXAMPLE- identifiers belong to the demo data and "
        "the template's example row; use the project's own id",
    )
    _resolve(
        con,
        rows,
        "region_code",
        region_aliases(ctx.regions[~ctx.regions["is_benchmark"]]),
        _region_labels(ctx),
        "unknown_region",
    )
    check_numbers(rows, PROJECT_NUMBERS, decimal)
    check_numbers(rows, PROJECT_INTEGERS, decimal, integer=True)
    for name in ("start_date", "end_date"):
        check_dates(rows, name)
    _derived(rows)
    check_models(rows, ProjectRow, meta.column_names, PROJECT_KINDS, {})
    _set_checks(con, rows, "projects", "project_id")
    checked.rows = rows.frame.loc[~rows.bad, [*meta.column_names, "_line"]].reset_index(drop=True)
    for name in ("partner_sectors", "programme_code", "target_groups"):
        checked.rows[name] = none_if_empty(checked.rows[name])
    checked.errors = rows.errors
    return checked


def _not_synthetic(rows: Rows) -> list[pd.DataFrame]:
    """Rows published by staff are real: is_synthetic is set to false, with a warning where the file said true."""
    said = rows.frame["is_synthetic"].str.casefold().map(BOOLEAN)
    forced = said.eq(True)
    rows.frame["is_synthetic"] = False
    if not forced.any():
        return []
    return [
        pd.DataFrame(
            {
                "line": rows.frame.loc[forced, "_line"],
                "column": "is_synthetic",
                "value": "true",
                "kind": "forced_value",
                "problem": "set to false: projects published by staff are real",
            },
            columns=PROBLEM_COLUMNS,
        )
    ]


def check_dates(rows: Rows, name: str) -> None:
    """Dates in place; anything else is an error."""
    dates = parse_dates(rows.frame[name])
    rows.fail(
        dates.isna() & (rows.frame[name] != ""),
        name,
        "bad_date",
        "expected a date as 2024-03-31, 31/03/2024 or 31.03.2024",
    )
    rows.frame[name] = dates


def _derived(rows: Rows) -> None:
    """Fields a source may leave empty: status from the dates, sector from the kind of body, the theme's core
    SDG, no partners. Where what they derive from already has an error, they are not reported again."""
    frame = rows.frame
    frame["lead_sector"] = frame["lead_sector"].where(
        frame["lead_sector"] != "", text_or_empty(frame["lead_org_type"].map(SECTOR_OF_TYPE))
    )
    frame["sdgs"] = frame["sdgs"].where(frame["sdgs"] != "", frame["theme"].map(lambda v: str(SDG_CORE.get(v, ""))))
    today = dt.date.today()
    status = pd.Series(
        [_status(s, e, today) for s, e in zip(frame["start_date"], frame["end_date"])], index=frame.index, dtype=object
    )
    frame["status"] = frame["status"].where(frame["status"] != "", status)
    frame["partner_count"] = frame["partner_count"].where(
        frame["partner_count"].notna() | (frame["partner_sectors"] != ""), 0
    )
    for name, sources in DERIVED_FROM.items():
        for source in sources:
            rows.failed.setdefault(name, set()).update(rows.failed.get(source, set()))


def _status(start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    """planned before the start, completed after the end, ongoing between (as the demo data define them)."""
    if start is None or end is None:
        return ""
    return "planned" if start > today else "completed" if end < today else "ongoing"
