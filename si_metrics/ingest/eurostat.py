"""Readers for Eurostat downloads: the bulk TSV and SDMX-CSV (1.0 and 2.0, with or without labels)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from .detect import lines
from .problems import ROW, Problem, file_problem
from .table import TEXT, first_record_past, most_lines, too_many_lines

# Eurostat observation flags (https://ec.europa.eu/eurostat/data/database/information).
FLAGS = {
    "b": "break in time series",
    "c": "confidential",
    "d": "definition differs",
    "e": "estimated",
    "f": "forecast",
    "n": "not significant",
    "p": "provisional",
    "r": "revised",
    "s": "Eurostat estimate",
    "u": "low reliability",
    "z": "not applicable",
}
_CELL = re.compile(r"^\s*(?P<value>[-+]?\d+(?:\.\d+)?|:)?\s*(?P<flag>[a-z]*)\s*$")
_SDMX_CODE_COLUMNS = {"TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"}


def parse_cell(cell: str) -> tuple[float | None, str]:
    """Split a TSV cell such as ``40.1 b`` or ``: z`` into (value or None, flag letters)."""
    m = _CELL.match(cell)
    if not m:
        raise ValueError(f"not a Eurostat value: {cell!r}")
    value = m.group("value")
    return (None if value in (None, ":") else float(value)), m.group("flag")


def read_tsv(source: str | Path | io.TextIOBase) -> pd.DataFrame:
    """A Eurostat bulk TSV as a long frame: one column per dimension, then year, value, flag.

    Missing cells (``:``) are kept with value NaN so callers can count them.
    """
    text = Path(source).read_text(encoding="utf-8-sig") if isinstance(source, (str, Path)) else source.read()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    header = lines[0].split("\t")
    dims, _, _time = header[0].partition("\\")
    dim_names = [d.strip() for d in dims.split(",")]
    years = [int(h.strip()) for h in header[1:]]
    records = []
    for line in lines[1:]:
        cells = line.split("\t")
        codes = [c.strip() for c in cells[0].split(",")]
        for year, cell in zip(years, cells[1:]):
            value, flag = parse_cell(cell)
            records.append((*codes, year, value, flag))
    return pd.DataFrame.from_records(records, columns=[*dim_names, "year", "value", "flag"])


def read_sdmx_csv(source: str | Path) -> pd.DataFrame:
    """An SDMX-CSV file as a long frame of its code columns (label columns dropped), year, value, flag.

    SDMX-CSV 2.0 "with labels" puts a label column after each code column; a label column is recognised
    as one whose header is not a lower-case dimension id nor one of the upper-case SDMX columns.
    """
    with Path(source).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    keep = [
        i
        for i, h in enumerate(header)
        if re.fullmatch(r"[a-z][a-z0-9_]*", h)
        or h in _SDMX_CODE_COLUMNS
        or h in {"STRUCTURE", "STRUCTURE_ID", "DATAFLOW", "LAST UPDATE"}
    ]
    frame = pd.DataFrame([[r[i] for i in keep] for r in body], columns=[header[i] for i in keep])
    frame["year"] = frame.pop("TIME_PERIOD").astype(int)
    frame["value"] = pd.to_numeric(frame.pop("OBS_VALUE").replace("", None))
    frame["flag"] = frame.pop("OBS_FLAG").fillna("") if "OBS_FLAG" in frame else ""
    return frame


# ---------------------------------------------------------------------------------------------------------
# Line-aware reading for uploads: every observation keeps the line it came from, so errors can name it.

SDMX_META_COLUMNS = {
    "STRUCTURE",
    "STRUCTURE_ID",
    "STRUCTURE_NAME",
    "ACTION",
    "DATAFLOW",
    "LAST UPDATE",
    "LAST_UPDATE",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_FLAG",
    "CONF_STATUS",
    "OBS_STATUS",
}
_DATASET_ID = re.compile(r"^(?:[A-Za-z0-9_.]+:)?([A-Za-z][A-Za-z0-9_]*)(?:\(.*\))?$")
_CODE_LABEL = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*:\s*\S")  # SDMX-CSV "labels=both": "geo: Geopolitical…"
BREAKDOWNS = ("sex", "age")  # kept as observation columns unless the mapping fixes them


def dataset_from_id(text: str) -> str | None:
    """The dataset code of an SDMX structure id or dataflow (``ESTAT:TGS00010(1.0)`` → ``tgs00010``)."""
    m = _DATASET_ID.match(text.strip())
    return m.group(1).lower() if m else None


def dataset_from_file_name(name: str, known: list[str]) -> str | None:
    """The mapped dataset code a file name contains as a whole token (``estat_tgs00010_BG.tsv`` → ``tgs00010``)."""
    stem = name.lower()
    for code in sorted(known, key=len, reverse=True):  # longest first: ilc_lvhl21n before ilc_lvhl21
        if re.search(rf"(?<![a-z0-9]){re.escape(code)}(?![a-z0-9])", stem):
            return code
    return None


def sdmx_column(header: str) -> tuple[str, str] | None:
    """How an SDMX-CSV header is used: ('meta', NAME), ('dim', id) or None for a label column."""
    name = header.strip()
    if name.upper() in SDMX_META_COLUMNS:
        return ("meta", "LAST UPDATE" if name.upper() == "LAST_UPDATE" else name.upper())
    m = _CODE_LABEL.match(name)
    if m:
        return sdmx_column(m.group(1))
    if re.fullmatch(r"[a-z][a-z0-9_]*", name) or re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
        return ("dim", name.lower())
    return None


def code_of(cell: str) -> str:
    """The code part of a dimension cell; ``BG31:Severozapaden`` (labels=both) → ``BG31``."""
    code, sep, _label = cell.partition(":")
    return code.strip() if sep and code.strip() and " " not in code.strip() else cell.strip()


def parse_filters(text: str) -> dict[str, str]:
    """``unit=PC;age=Y15-74`` → {'unit': 'PC', 'age': 'Y15-74'}."""
    return dict(pair.split("=", 1) for pair in text.split(";") if pair)


def apply_mapping(dims: pd.DataFrame, rules: list[tuple[str, dict[str, str]]]) -> tuple[pd.Series, pd.Series]:
    """For each row, the indicator whose dimension filters it matches ('' when none) and, for rows that match
    none, why ('unit=PC_LW95 not mapped'); a filter on a dimension the file lacks is taken as met."""
    indicator = pd.Series("", index=dims.index, dtype=object)
    why = pd.Series("", index=dims.index, dtype=object)
    for code, filters in rules:
        match = pd.Series(True, index=dims.index)
        for dim, value in filters.items():
            if dim in dims.columns:
                wrong = match & (dims[dim] != value) & (indicator == "")
                why = why.mask(wrong & (why == ""), f"{dim}=" + dims[dim].astype(TEXT) + " not in the mapping")
                match &= dims[dim] == value
        indicator = indicator.mask(match & (indicator == ""), code)
    return indicator, why.where(indicator == "", "")


_TSV_CELL = re.compile(r"^\s*(?P<value>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|:)?\s*(?P<flag>[A-Za-z]*)\s*$")
_YEAR_HEADER = re.compile(r"^\d{4}$")


def _tsv_header(line: str, number: int) -> tuple[list[str], list[str], list[Problem]]:
    """Dimension names and year columns of a TSV header (``unit,geo\\time  2016  2015 …``), and bad year headers."""
    cells = line.split("\t")
    while len(cells) > 1 and not cells[-1].strip():
        cells.pop()
    dims = [d.strip().lower() for d in cells[0].partition("\\")[0].split(",")]
    years = [c.strip() for c in cells[1:]]
    problems = [
        Problem(number, y, y, "bad_year", "only annual data can be read; expected a 4-digit year as the column header")
        for y in years
        if not _YEAR_HEADER.match(y)
    ]
    return dims, years, problems


def read_tsv_lines(text: str, max_rows: int) -> tuple[pd.DataFrame, str, list[Problem]]:
    """A Eurostat bulk TSV as long text rows (dimension columns, _line, _col, year, value, flag), the first
    header cell, and the cells that cannot be read; ':' and empty cells are kept as missing values.

    Read a line at a time: every observation (line × year) is a row, so the limit of data rows counts them, and the
    file is refused at the line that passes it, before the rest is read."""
    source = enumerate(lines(text, "\t,"), start=1)  # the first cell packs the codes, comma-separated
    first, header = next(((n, ln[:-1]) for n, ln in source if ln.strip()), (1, ""))
    dims, years, problems = _tsv_header(header, first)
    dim_header = header.split("\t")[0]
    good = {y for y in years if _YEAR_HEADER.match(y)}
    out: dict[str, list] = {name: [] for name in [*dims, "_line", "_col", "year", "value", "flag"]}
    if good and (past := first_record_past(text, "\t", "", max_rows // len(good), max_rows)):
        raise _too_many_observations(max_rows, past)  # counted before any line is read: a line gives len(good)
    most = most_lines(max_rows)
    for number, line in source:
        if number > most:  # a file of blank lines is refused after a bounded number of them
            raise too_many_lines(max_rows)
        if not line.strip():
            continue
        problems += _tsv_row(line[:-1], number, dims, years, good, dim_header, out)
        if len(out["_line"]) > max_rows:
            raise _too_many_observations(max_rows, number)
    return pd.DataFrame(out, dtype=object), dim_header, problems


def _too_many_observations(max_rows: int, line: int) -> ValueError:
    return file_problem(
        "too_many_rows",
        f"more than {max_rows:,} observations (a value for each year on each line; SI_MAX_UPLOAD_ROWS); "
        "split the file or raise the limit",
        line=line,
    )


def _tsv_row(
    line: str, number: int, dims: list[str], years: list[str], good: set[str], dim_header: str, out: dict[str, list]
) -> list[Problem]:
    """Append one TSV line's observations to ``out``; the Problems of its cells."""
    cells = line.split("\t")
    while len(cells) > len(years) + 1 and not cells[-1].strip():
        cells.pop()
    if len(cells) != len(years) + 1:
        return [
            Problem(
                number, ROW, line[:60], "ragged_row", f"{len(cells)} fields; expected {len(years) + 1} as in the header"
            )
        ]
    codes = [c.strip() for c in cells[0].split(",")]
    if len(codes) != len(dims):
        return [
            Problem(
                number,
                dim_header,
                cells[0],
                "ragged_row",
                f"{len(codes)} codes; expected {len(dims)} ({', '.join(dims)})",
            )
        ]
    problems = []
    for year, cell in zip(years, cells[1:]):
        m = _TSV_CELL.match(cell)
        if year not in good:
            continue
        if not m or (m.group("value") is None and cell.strip()):
            problems.append(
                Problem(
                    number,
                    year,
                    cell.strip(),
                    "not_a_number",
                    "expected a number, optionally followed by flag letters (40.1 b), or ':' for a missing value",
                )
            )
            continue
        for name, code in zip(dims, codes):
            out[name].append(code)
        for name, v in (
            ("_line", number),
            ("_col", year),
            ("year", year),
            ("value", m.group("value") or ""),
            ("flag", m.group("flag").lower()),
        ):
            out[name].append(v)
    return problems


MAPPING_FILE = "datasets/indicator_eurostat.csv"
SHOWN_VALUES = 8  # dimension values named in a message; the rest are counted


def _values_text(values: list[str]) -> str:
    shown = ", ".join(values[:SHOWN_VALUES])
    return shown + (f" and {len(values) - SHOWN_VALUES} more" if len(values) > SHOWN_VALUES else "")


def _filters_text(filters: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in filters.items()) or "no filter"


def unmapped_dimensions(
    long: pd.DataFrame,
    dims: pd.DataFrame,
    indicator: pd.Series,
    keep: pd.Series,
    rules: list[tuple[str, dict[str, str]]],
    code: str,
    columns: dict[str, str],
) -> tuple[list[Problem], pd.Series]:
    """One Problem per dimension the mapping leaves open that holds several values in the rows to publish (they
    would repeat every key), and the rows of those indicators, which are not published.

    Also, when no row matches any mapping rule, one Problem per fixed dimension whose value the file lacks (the
    mapping names a code the download does not use), instead of a bare 'nothing left to publish'.
    """
    problems: list[Problem] = []
    dropped = pd.Series(False, index=long.index)
    present = keep & ~long["value"].astype(TEXT).str.strip().isin(("", ":"))  # missing values are skipped anyway
    for ind, filters in rules:
        mine = present & (indicator == ind)
        for dim in dims.columns:
            if dim == "geo" or dim in BREAKDOWNS or dim in filters:
                continue
            values = sorted(set(dims.loc[mine, dim]))
            if len(values) < 2:
                continue
            first = dims.loc[mine, dim].iloc[0]
            line = int(long.loc[mine & (dims[dim] != first), "_line"].min())
            problems.append(
                Problem(
                    line,
                    columns.get(dim, columns.get("indicator_code", dim)),
                    _values_text(values),
                    "unmapped_dimension",
                    f"dimension {dim} has {len(values)} values ({_values_text(values)}); the catalogue "
                    f"maps {code} to {ind} where {_filters_text(filters)} and does not fix {dim}, "
                    f"so every key would repeat — add {dim}=<one of them> to that row of "
                    f"{MAPPING_FILE}, or keep one {dim} in the file",
                )
            )
            dropped |= indicator == ind
    if (indicator == "").all() and len(long):
        for ind, filters in rules:
            for dim, value in filters.items():
                values = sorted(set(dims[dim])) if dim in dims.columns else []
                if values and value not in values:
                    problems.append(
                        Problem(
                            int(long["_line"].min()),
                            columns.get(dim, columns.get("indicator_code", dim)),
                            _values_text(values),
                            "unmapped_dimension",
                            f"the catalogue maps {code} to {ind} where {dim}={value}, but the file's "
                            f"{dim} has {_values_text(values)} — correct that row of {MAPPING_FILE} "
                            f"(or add one for these codes), or download the {dim}={value} rows",
                        )
                    )
    return problems, dropped
