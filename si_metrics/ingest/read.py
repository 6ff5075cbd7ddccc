"""Read an upload into text rows of a catalogue dataset: the tidy template (English or Bulgarian headers),
a Eurostat bulk TSV, Eurostat SDMX-CSV 1.0 / 2.0 (with or without labels), Kohesio's project export, or a
funding table / ИСУН extract (funding_format). The shared types and helpers are in ``reading``.

Nothing is converted or checked here beyond the file's shape; ``validate`` turns the text into typed rows.
Every row keeps ``_line``, the line of the original file it starts on (the header is line 1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pandas as pd

from . import eurostat, isun, kohesio, nsi
from .detect import ZIP_MAGIC, decode, detect_decimal, refuse_wide_header, reject_markup, unpack
from .funding_format import read_funding
from .problems import FILE, FileRejected, Problem, file_problem
from .reading import (
    DATASETS,
    DECIMAL_SAMPLE,
    FORMATS,
    OBSERVATION_HEADERS,
    OBSERVATION_REQUIRED,
    PROJECT_OPTIONAL,
    Detected,
    Reading,
    ReadOptions,
    decimal_of,
    first_line,
    frame_of,
    map_header,
    no_data,
    table_of,
)
from .resolve import Context
from .table import Table, header_key


def detect_format(text: str) -> str:
    """The format by the header: a ``…\\time`` first cell (Eurostat TSV), OBS_VALUE and TIME_PERIOD (SDMX-CSV),
    Operation_Unique_Identifier (Kohesio), else the tidy template."""
    line = first_line(text)
    if "\t" in line and "\\" in line.split("\t")[0]:
        return "eurostat-tsv"
    names = [header_key(h) for h in re.split(r"[,;\t|]", line)]
    if any(n.startswith("obs value") for n in names) and any(n.startswith("time period") for n in names):
        return "sdmx-csv"
    if "operation unique identifier" in names:
        return "kohesio"
    if isun.is_extract(set(names)):
        return "isun"
    return "tidy"


def read(
    raw: bytes,
    file_name: str,
    ctx: Context,
    options: ReadOptions,
    detected: Detected,
    max_bytes: int,
    max_rows: int,
    companions: dict[str, bytes] | None = None,
) -> Reading:
    """Decode, recognise and read an upload; raises FileRejected when the file cannot be read at all.

    ``companions`` are the files uploaded with it (an NSI table's -fields and -codelists, by part); a ZIP archive
    is opened here: an NSI table's three files, or a single CSV."""
    if companions is None and raw.startswith(ZIP_MAGIC):
        raw, file_name, companions = _from_zip(raw, file_name, max_bytes)
    if companions or options.format == "nsi":
        reading = nsi.read_nsi(raw, file_name, companions or {}, ctx, options, detected, max_rows)
        _check_dataset(options, detected)
        return reading
    raw, detected.gzip = unpack(raw, max_bytes)
    decoded = decode(raw, options.encoding)
    detected.encoding, detected.bom = decoded.encoding, decoded.bom
    reject_markup(decoded.text)
    if not decoded.text or decoded.text.isspace():  # not .strip(): that copies the whole text
        raise file_problem("empty_file", "the file holds no text; expected a header line")
    refuse_wide_header(decoded.text)  # before the header is split to recognise the format or sniff the delimiter
    if nsi.is_data_header(first_line(decoded.text)):
        nsi.bundle(file_name, raw, {}, options)  # refuses it, naming the companion files it needs
    detected.format = options.format if options.format != "auto" else detect_format(decoded.text)
    reading = READERS[detected.format](decoded.text, file_name, ctx, options, detected, max_rows)
    _check_dataset(options, detected)
    return reading


def _check_dataset(options: ReadOptions, detected: Detected) -> None:
    if options.dataset and options.dataset not in (detected.dataset, isun.family(detected.dataset)):
        raise file_problem(
            "wrong_dataset",
            f"a {detected.format_label} file holds {detected.dataset}, not {options.dataset}",
            value=detected.format or "",
        )


def _from_zip(raw: bytes, file_name: str, max_bytes: int) -> tuple[bytes, str, dict[str, bytes] | None]:
    """A ZIP upload: an NSI table's three CSVs, or one CSV / TSV file read as if uploaded alone."""
    members = nsi.unzip(raw, max_bytes)
    parts = nsi.split_parts(members)
    if parts is not None:
        data_name, data, companions = parts
        return data, data_name, companions
    if len(members) == 1:
        name, data = next(iter(members.items()))
        return data, name, None
    raise file_problem(
        "unknown_format",
        f"{file_name} holds {len(members)} files ({', '.join(sorted(members)[:5])}); expected one CSV, or an NSI "
        "table's -data, -fields and -codelists files",
        value=file_name,
    )


def _read_tidy(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """The project's own template: observations, or projects when the header has project_id."""
    table = table_of(text, options, detected, max_rows)
    keys = {header_key(h) for h in table.header}
    if options.dataset == "funding" or isun.recognise(keys):  # the funding tables' own CSV format
        return read_funding(table, file_name, options, detected)
    detected.dataset = options.dataset or ("projects" if "project id" in keys else "observations")
    detected.format_label = f"tidy {detected.dataset} template"
    aliases: dict[str, tuple[str, ...]]
    if detected.dataset == "projects":
        aliases = {c: (c,) for c in kohesio.PROJECT_COLUMNS}
        required = tuple(c for c in kohesio.PROJECT_COLUMNS if c not in PROJECT_OPTIONAL)
        numbers: tuple[str, ...] = ("budget_eur", "eu_contribution_eur", "paid_eur")
    else:
        aliases, required, numbers = OBSERVATION_HEADERS, OBSERVATION_REQUIRED, ("value",)
    columns, problems, warnings = map_header(table, aliases, required)
    decimal_of(table, columns, numbers, options, detected)
    reading = Reading(
        frame_of(table, columns),
        {f: table.header[i] for f, i in columns.items()},
        rows_read=table.rows + len(table.problems),
        problems=table.problems + problems + no_data(table),
        warnings=warnings,
    )
    if problems:  # without its required columns the rows cannot be read
        reading.frame = reading.frame.iloc[0:0]
    reading.skipped.update({"empty lines": table.blank_lines} if table.blank_lines else {})
    if detected.dataset == "observations":
        reading.defaults = {"source": f"Upload: {file_name}", "vintage": dt.date.today().isoformat()}
    return reading


def _read_kohesio(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """Kohesio's 2021-27 project export, mapped onto the projects columns."""
    table = table_of(text, options, detected, max_rows)
    detected.dataset, detected.format_label = "projects", "Kohesio project export"
    index = {header_key(h): i for i, h in enumerate(table.header)}
    detected.decimal = options.decimal or detect_decimal(
        [
            c
            for name in kohesio.AMOUNT_COLUMNS
            if header_key(name) in index
            for c in table.cells[index[header_key(name)]][:DECIMAL_SAMPLE]
        ],
        detected.delimiter or ",",
    )
    frame, columns, problems = kohesio.read(table, ctx)
    return Reading(
        frame,
        columns,
        rows_read=table.rows + len(table.problems),
        problems=table.problems + problems + no_data(table),
        hints=kohesio.HINTS,
    )


def _unknown_dataset(
    line: int,
    column: str,
    value: str,
    ctx: Context,
    why: str = "this Eurostat dataset is not mapped to a catalogue indicator",
) -> Problem:
    """The Problem for a Eurostat file whose dataset the catalogue does not map (or that cannot be told)."""
    known = ", ".join(sorted(set(ctx.eurostat["eurostat_dataset"])))
    return Problem(line, column, value, "unknown_dataset", f"{why}; mapped datasets: {known}")


def _read_tsv(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """A Eurostat bulk TSV; the dataset comes from the file name."""
    detected.delimiter, detected.decimal = "\t", options.decimal or "."
    detected.dataset, detected.format_label = "observations", "Eurostat TSV"
    long, dim_header, problems = eurostat.read_tsv_lines(text, max_rows)
    code = eurostat.dataset_from_file_name(file_name, list(ctx.eurostat["eurostat_dataset"]))
    rows_read = len(long)  # observations (line × year cells), so rows read = published + skipped + with errors
    if code is None:
        why = "cannot tell the Eurostat dataset from the file name; name the file after its code (tgs00010.tsv)"
        return Reading(
            long.iloc[0:0],
            {},
            rows_read=rows_read,
            problems=[*problems, _unknown_dataset(1, FILE, file_name, ctx, why)],
        )
    columns = dict.fromkeys(("indicator_code", "region_code", "sex", "age"), dim_header)
    reading = _eurostat(long, code, ctx, detected, f"Eurostat {code}", dt.date.today().isoformat(), columns)
    reading.rows_read, reading.problems = rows_read, problems + reading.problems
    return reading


def _read_sdmx(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """Eurostat SDMX-CSV 1.0 (DATAFLOW) or 2.0 (STRUCTURE_ID), label columns ignored."""
    table = table_of(text, options, detected, max_rows)
    detected.dataset = "observations"
    long, columns = eurostat_sdmx_frame(table)
    version = "2.0" if "STRUCTURE_ID" in long.columns else "1.0"
    detected.format_label = f"Eurostat SDMX-CSV {version}"
    values = list(long["value"][:DECIMAL_SAMPLE])
    detected.decimal = options.decimal or detect_decimal(values, detected.delimiter or ",")
    code, problem = _sdmx_dataset(long, columns, file_name, ctx)
    if problem or code is None:
        return Reading(
            long.iloc[0:0],
            columns,
            rows_read=table.rows,
            problems=[*table.problems, *([problem] if problem else []), *no_data(table)],
        )
    vintage = long["LAST UPDATE"].map(_last_update) if "LAST UPDATE" in long.columns else dt.date.today().isoformat()
    reading = _eurostat(long, code, ctx, detected, f"Eurostat {code} (SDMX-CSV {version})", vintage, columns)
    reading.rows_read = table.rows + len(table.problems)
    reading.problems = table.problems + no_data(table) + reading.problems
    return reading


def eurostat_sdmx_frame(table: Table) -> tuple[pd.DataFrame, dict[str, str]]:
    """SDMX-CSV code columns as text (dimensions lower-case, year/value/flag renamed), and their headers."""
    data: dict[str, pd.Series] = {}
    columns: dict[str, str] = {}
    rename = {"TIME_PERIOD": "year", "OBS_VALUE": "value", "OBS_FLAG": "flag"}
    for index, header in enumerate(table.header):
        role = eurostat.sdmx_column(header)
        if role is None:
            continue  # a label column
        name = rename.get(role[1], role[1])
        if name in data:
            continue
        cells = table.cells[index]
        data[name] = pd.Series([eurostat.code_of(c) for c in cells] if role[0] == "dim" else cells, dtype=object)
        columns[name] = header
    frame = pd.DataFrame(data)
    frame["_line"] = pd.Series(table.lines, dtype="int64")
    for name in ("year", "value", "flag"):
        if name not in frame.columns:
            frame[name] = ""
    return frame, columns


def _sdmx_dataset(
    long: pd.DataFrame, columns: dict[str, str], file_name: str, ctx: Context
) -> tuple[str | None, Problem | None]:
    """The mapped dataset of an SDMX-CSV file (STRUCTURE_ID, DATAFLOW, else the file name), or why not."""
    known = list(ctx.eurostat["eurostat_dataset"])
    for column in ("STRUCTURE_ID", "DATAFLOW"):
        if column in long.columns and len(long):
            raw = str(long[column].iloc[0])
            code = eurostat.dataset_from_id(raw)
            if code in known:
                return code, None
            return None, _unknown_dataset(int(long["_line"].iloc[0]), columns[column], raw, ctx)
    code = eurostat.dataset_from_file_name(file_name, known)
    if code is None:
        return None, _unknown_dataset(1, FILE, file_name, ctx)
    return code, None


def _last_update(text: str) -> str:
    """SDMX-CSV 1.0's LAST UPDATE (``22/04/24 23:00:00``) as an ISO date; other text as it is."""
    m = re.match(r"^(\d{2})/(\d{2})/(\d{2,4})", str(text).strip())
    if not m:
        return str(text).strip() or dt.date.today().isoformat()
    day, month, year = m.groups()
    return f"{'20' + year if len(year) == 2 else year}-{month}-{day}"


def _eurostat(
    long: pd.DataFrame,
    code: str,
    ctx: Context,
    detected: Detected,
    source: str,
    vintage: str | pd.Series,
    columns: dict[str, str],
) -> Reading:
    """Map Eurostat rows to catalogue observations: rows outside the mapping or the region list are skipped."""
    detected.eurostat_dataset = code
    rules = [
        (r.indicator_code, eurostat.parse_filters(r.dimension_filters))
        for r in ctx.eurostat[ctx.eurostat["eurostat_dataset"] == code].itertuples()
    ]
    if "geo" not in long.columns:
        return Reading(
            long.iloc[0:0],
            columns,
            problems=[Problem(1, FILE, "", "missing_column", "no geo dimension; expected a geo column")],
        )
    dims = long.drop(
        columns=[c for c in long.columns if c.startswith("_") or c.isupper() or c in ("year", "value", "flag")]
    )
    indicator, why = eurostat.apply_mapping(dims, rules)
    skipped = Counter(why[why != ""])
    outside = (indicator != "") & ~long["geo"].isin(ctx.region_codes)
    if outside.any():
        skipped["areas outside the region list"] = int(outside.sum())
    keep = (indicator != "") & ~outside
    problems, unmapped = eurostat.unmapped_dimensions(long, dims, indicator, keep, rules, code, columns)
    frame = _observations(long, indicator, rules, source, vintage)[keep & ~unmapped].reset_index(drop=True)
    detected.mapping = [
        {
            "eurostat_dataset": code,
            "indicator": ind,
            "filters": ";".join(f"{k}={v}" for k, v in f.items()),
            "breakdowns": ", ".join(b for b in eurostat.BREAKDOWNS if b in dims.columns and b not in f),
            "rows": int((frame["indicator_code"] == ind).sum()),
        }
        for ind, f in rules
    ]
    columns = {
        **columns,
        "indicator_code": columns.get("indicator_code", "(mapping)"),
        "region_code": columns.get("geo", columns.get("region_code", "geo")),
    }
    return Reading(frame, columns, unknown_regions="skip", skipped=skipped, problems=problems)


def _observations(
    long: pd.DataFrame,
    indicator: pd.Series,
    rules: list[tuple[str, dict[str, str]]],
    source: str,
    vintage: str | pd.Series,
) -> pd.DataFrame:
    """Eurostat rows in the observation columns; sex and age kept unless the indicator's mapping fixes them."""
    frame = pd.DataFrame(
        {
            "indicator_code": indicator,
            "region_code": long["geo"],
            "year": long["year"],
            "value": long["value"],
            "flag": long["flag"],
            "sex": "T",
            "age": "TOTAL",
            "source": source,
            "vintage": vintage,
            "_line": long["_line"],
        }
    )
    if "_col" in long.columns:
        frame["_col"] = long["_col"]
    for code, filters in rules:
        mine = indicator == code
        for breakdown, _total in (("sex", "T"), ("age", "TOTAL")):
            if breakdown in long.columns and breakdown not in filters:
                frame.loc[mine, breakdown] = long.loc[mine, breakdown]
    return frame


def _read_isun(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """An ИСУН extract (format isun)."""
    return read_funding(table_of(text, options, detected, max_rows), file_name, options, detected)


READERS = {
    "tidy": _read_tidy,
    "eurostat-tsv": _read_tsv,
    "sdmx-csv": _read_sdmx,
    "kohesio": _read_kohesio,
    "isun": _read_isun,
}
__all__ = ["DATASETS", "FORMATS", "Detected", "FileRejected", "ReadOptions", "Reading", "read"]
