"""Read an upload into text rows of a catalogue dataset: the tidy template (English or Bulgarian headers),
a Eurostat bulk TSV, Eurostat SDMX-CSV 1.0 / 2.0 (with or without labels), Kohesio's project export, or a
funding table / ИСУН extract (funding_upload).

Nothing is converted or checked here beyond the file's shape; ``validate`` turns the text into typed rows.
Every row keeps ``_line``, the line of the original file it starts on (the header is line 1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from . import eurostat, isun, kohesio
from .detect import decimal_option, decode, delimiter_option, detect_decimal, reject_markup, sniff_dialect, unpack
from .problems import FILE, FileRejected, Problem, file_problem
from .resolve import Context
from .table import Table, header_key, parse

FORMATS = ("auto", "tidy", "eurostat-tsv", "sdmx-csv", "kohesio", "isun")
DATASETS = ("observations", "projects", "funding")  # funding: funding_programmes or funding_municipalities
DECIMAL_SAMPLE = 5000  # number cells looked at to tell the decimal mark

# Headers the tidy observations template accepts, compared case-insensitively (see header_key).
OBSERVATION_HEADERS: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indicator_code", "indicator", "показател", "код на показател", "код на показателя"),
    "region_code": (
        "region_code",
        "region",
        "geo",
        "area",
        "nuts_code",
        "регион",
        "област",
        "район",
        "код на регион",
        "територия",
    ),
    "year": ("year", "time", "time_period", "година", "период"),
    "value": ("value", "obs_value", "стойност"),
    "flag": ("flag", "obs_flag", "флаг"),
    "sex": ("sex", "пол"),
    "age": ("age", "възраст", "възрастова група"),
    "source": ("source", "източник"),
    "vintage": ("vintage", "актуалност", "версия"),
}
OBSERVATION_REQUIRED = ("indicator_code", "region_code", "year", "value")
# Project columns an upload may leave out or empty: optional, not reported by every source, or derived
# (status from the dates, lead_sector from lead_org_type, sdgs from the theme; is_synthetic is always false).
PROJECT_OPTIONAL = (
    "partner_sectors",
    "programme_code",
    "paid_eur",
    "beneficiaries_target",
    "beneficiaries_reached",
    "is_synthetic",
    "partner_count",
    "target_groups",
    "status",
    "lead_sector",
    "sdgs",
)


@dataclass(frozen=True)
class ReadOptions:
    """What staff may override; None / 'auto' means detect."""

    dataset: str | None = None
    format: str = "auto"
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    snapshot: str | None = None  # funding: the register snapshot date of rows that do not give one

    def checked(self) -> ReadOptions:
        """The options with delimiter and decimal names resolved; a ValueError names a bad choice."""
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; use one of {', '.join(FORMATS)}")
        if self.dataset is not None and self.dataset not in DATASETS:
            raise ValueError(f"cannot upload to {self.dataset!r}; use one of {', '.join(DATASETS)}")
        return ReadOptions(
            self.dataset,
            self.format,
            self.encoding or None,
            delimiter_option(self.delimiter) if self.delimiter else None,
            decimal_option(self.decimal) if self.decimal else None,
            self.snapshot or None,
        )


@dataclass
class Detected:
    """What was found out about the file, filled in as reading goes (so a rejected file still shows it)."""

    format: str | None = None
    format_label: str | None = None
    encoding: str | None = None
    bom: bool = False
    gzip: bool = False
    delimiter: str | None = None
    quote: str | None = None
    decimal: str | None = None
    dataset: str | None = None
    eurostat_dataset: str | None = None
    mapping: list[dict] = field(default_factory=list)


@dataclass
class Reading:
    """Text rows of one dataset, the file column each field came from, and what reading found."""

    frame: pd.DataFrame
    columns: dict[str, str]
    unknown_regions: str = "error"  # "skip" for Eurostat files, where other countries' areas are expected
    rows_read: int = 0
    skipped: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)  # what to say when a field left empty was to be inferred


def first_line(text: str) -> str:
    """The first non-blank line."""
    return next((m.group() for m in re.finditer(r"[^\r\n]*", text) if m.group().strip()), "")


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
    raw: bytes, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_bytes: int, max_rows: int
) -> Reading:
    """Decode, recognise and read an upload; raises FileRejected when the file cannot be read at all."""
    raw, detected.gzip = unpack(raw, max_bytes)
    decoded = decode(raw, options.encoding)
    detected.encoding, detected.bom = decoded.encoding, decoded.bom
    reject_markup(decoded.text)
    if not decoded.text or decoded.text.isspace():  # not .strip(): that copies the whole text
        raise file_problem("empty_file", "the file holds no text; expected a header line")
    detected.format = options.format if options.format != "auto" else detect_format(decoded.text)
    reading = READERS[detected.format](decoded.text, file_name, ctx, options, detected, max_rows)
    if options.dataset and options.dataset not in (detected.dataset, isun.family(detected.dataset)):
        raise file_problem(
            "wrong_dataset",
            f"a {detected.format_label} file holds {detected.dataset}, not {options.dataset}",
            value=detected.format or "",
        )
    return reading


def _dialect(text: str, options: ReadOptions, detected: Detected) -> tuple[str, str]:
    """Delimiter and quote: the override (with the standard double quote), else DuckDB's sniffer."""
    delimiter, quote = (options.delimiter, '"') if options.delimiter else sniff_dialect(text)
    detected.delimiter, detected.quote = delimiter, quote
    return delimiter, quote


def _table(text: str, options: ReadOptions, detected: Detected, max_rows: int) -> Table:
    """The parsed file; an empty one (no header) is refused."""
    delimiter, quote = _dialect(text, options, detected)
    table = parse(text, delimiter, quote, max_rows)
    if table is None:
        raise file_problem("empty_file", "the file holds no text; expected a header line")
    return table


def _decimal(
    table: Table, columns: dict[str, int], fields: tuple[str, ...], options: ReadOptions, detected: Detected
) -> str:
    """The decimal mark: the override, else what the number columns use."""
    cells = [c for f in fields if f in columns for c in table.cells[columns[f]][:DECIMAL_SAMPLE]]
    detected.decimal = options.decimal or detect_decimal(cells, detected.delimiter or ",")
    return detected.decimal


def map_header(
    table: Table, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[dict[str, int], list[Problem], list[Problem]]:
    """Which file column gives each field; missing required and doubled columns are Problems, unused ones warnings."""
    lookup = {header_key(a): f for f, names in aliases.items() for a in names}
    found: dict[str, int] = {}
    problems, warnings = [], []
    line = table.header_line
    for index, name in enumerate(table.header):
        target = lookup.get(header_key(name))
        if target is None:
            warnings.append(
                Problem(line, name or f"field {index + 1}", name, "ignored_column", "this column is not used")
            )
        elif target in found:
            problems.append(
                Problem(
                    line,
                    name,
                    name,
                    "duplicate_column",
                    f"column {table.header[found[target]]!r} already gives {target}; keep one",
                )
            )
        else:
            found[target] = index
    for target in required:
        if target not in found:
            also = ", ".join(a for a in aliases[target] if a != target)
            problems.append(
                Problem(
                    line,
                    target,
                    "",
                    "missing_column",
                    f"required column {target} is missing"
                    + (f" (also accepted: {also})" if also else "")
                    + f"; the header has: {', '.join(table.header)}",
                )
            )
    return found, problems, warnings


def _frame(table: Table, columns: dict[str, int]) -> pd.DataFrame:
    """The mapped columns as text, with the line each row starts on."""
    frame = pd.DataFrame({f: table.cells[i] for f, i in columns.items()}, index=range(table.rows))
    frame["_line"] = pd.Series(table.lines, dtype="int64")
    return frame


def _no_data(table: Table) -> list[Problem]:
    """A Problem when the file has a header and nothing else."""
    if table.rows or table.problems:
        return []
    return [
        Problem(
            table.header_line + 1,
            FILE,
            "",
            "no_data",
            "the file has a header but no data rows; expected data from the next line",
        )
    ]


def _read_tidy(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """The project's own template: observations, or projects when the header has project_id."""
    table = _table(text, options, detected, max_rows)
    keys = {header_key(h) for h in table.header}
    if options.dataset == "funding" or isun.recognise(keys):  # the funding tables' own CSV format
        return _read_funding(table, file_name, options, detected)
    detected.dataset = options.dataset or ("projects" if "project id" in keys else "observations")
    detected.format_label = f"tidy {detected.dataset} template"
    if detected.dataset == "projects":
        aliases = {c: (c,) for c in kohesio.PROJECT_COLUMNS}
        required = tuple(c for c in kohesio.PROJECT_COLUMNS if c not in PROJECT_OPTIONAL)
        numbers: tuple[str, ...] = ("budget_eur", "eu_contribution_eur", "paid_eur")
    else:
        aliases, required, numbers = OBSERVATION_HEADERS, OBSERVATION_REQUIRED, ("value",)
    columns, problems, warnings = map_header(table, aliases, required)
    _decimal(table, columns, numbers, options, detected)
    reading = Reading(
        _frame(table, columns),
        {f: table.header[i] for f, i in columns.items()},
        rows_read=table.rows + len(table.problems),
        problems=table.problems + problems + _no_data(table),
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
    table = _table(text, options, detected, max_rows)
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
        problems=table.problems + problems + _no_data(table),
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
            problems=problems + [_unknown_dataset(1, FILE, file_name, ctx, why)],
        )
    columns = dict.fromkeys(("indicator_code", "region_code", "sex", "age"), dim_header)
    reading = _eurostat(long, code, ctx, detected, f"Eurostat {code}", dt.date.today().isoformat(), columns)
    reading.rows_read, reading.problems = rows_read, problems + reading.problems
    return reading


def _read_sdmx(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """Eurostat SDMX-CSV 1.0 (DATAFLOW) or 2.0 (STRUCTURE_ID), label columns ignored."""
    table = _table(text, options, detected, max_rows)
    detected.dataset = "observations"
    long, columns = eurostat_sdmx_frame(table)
    version = "2.0" if "STRUCTURE_ID" in long.columns else "1.0"
    detected.format_label = f"Eurostat SDMX-CSV {version}"
    values = list(long["value"][:DECIMAL_SAMPLE])
    detected.decimal = options.decimal or detect_decimal(values, detected.delimiter or ",")
    code, problem = _sdmx_dataset(long, columns, file_name, ctx)
    if problem:
        return Reading(
            long.iloc[0:0], columns, rows_read=table.rows, problems=table.problems + [problem] + _no_data(table)
        )
    vintage = long["LAST UPDATE"].map(_last_update) if "LAST UPDATE" in long.columns else dt.date.today().isoformat()
    reading = _eurostat(long, code, ctx, detected, f"Eurostat {code} (SDMX-CSV {version})", vintage, columns)
    reading.rows_read = table.rows + len(table.problems)
    reading.problems = table.problems + _no_data(table) + reading.problems
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
        for breakdown, total in (("sex", "T"), ("age", "TOTAL")):
            if breakdown in long.columns and breakdown not in filters:
                frame.loc[mine, breakdown] = long.loc[mine, breakdown]
    return frame


def _read_funding(table: Table, file_name: str, options: ReadOptions, detected: Detected) -> Reading:
    """Either funding table, in the observatory's CSV format or as an ИСУН extract (see funding_upload)."""
    from .funding_upload import read_funding  # it builds on this module's helpers, so it is imported late

    return read_funding(table, file_name, options, detected)


def _read_isun(
    text: str, file_name: str, ctx: Context, options: ReadOptions, detected: Detected, max_rows: int
) -> Reading:
    """An ИСУН extract (format isun)."""
    return _read_funding(_table(text, options, detected, max_rows), file_name, options, detected)


READERS = {
    "tidy": _read_tidy,
    "eurostat-tsv": _read_tsv,
    "sdmx-csv": _read_sdmx,
    "kohesio": _read_kohesio,
    "isun": _read_isun,
}
__all__ = ["DATASETS", "FORMATS", "Detected", "FileRejected", "ReadOptions", "Reading", "read"]
