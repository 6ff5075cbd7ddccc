"""What every format reader shares: the options staff may set, what was detected, the text rows read (``Reading``),
and the helpers that turn a parsed table into them (header mapping, decimal mark, line numbers)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .detect import decimal_option, delimiter_option, detect_decimal, sniff_dialect
from .problems import FILE, Problem, file_problem
from .table import Table, header_key, parse

FORMATS = ("auto", "tidy", "eurostat-tsv", "sdmx-csv", "kohesio", "isun", "nsi")
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
    indicator: str | None = None  # NSI: the catalogue indicator a table the catalogue does not map holds
    filter: tuple[tuple[str, str], ...] = ()  # NSI: (dimension, code) pairs that choose one series

    @property
    def filters(self) -> dict[str, str]:
        """The chosen dimension codes by dimension."""
        return dict(self.filter)

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
            (self.indicator or "").strip().upper() or None,
            tuple((k.strip(), v.strip()) for k, v in self.filter),
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
    nsi_table: str | None = None
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


def dialect(text: str, options: ReadOptions, detected: Detected) -> tuple[str, str]:
    """Delimiter and quote: the override (with the standard double quote), else DuckDB's sniffer."""
    delimiter, quote = (options.delimiter, '"') if options.delimiter else sniff_dialect(text)
    detected.delimiter, detected.quote = delimiter, quote
    return delimiter, quote


def table_of(text: str, options: ReadOptions, detected: Detected, max_rows: int) -> Table:
    """The parsed file; an empty one (no header) is refused."""
    delimiter, quote = dialect(text, options, detected)
    table = parse(text, delimiter, quote, max_rows)
    if table is None:
        raise file_problem("empty_file", "the file holds no text; expected a header line")
    return table


def decimal_of(
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


def frame_of(table: Table, columns: dict[str, int]) -> pd.DataFrame:
    """The mapped columns as text, with the line each row starts on."""
    frame = pd.DataFrame({f: table.cells[i] for f, i in columns.items()}, index=range(table.rows))
    frame["_line"] = pd.Series(table.lines, dtype="int64")
    return frame


def no_data(table: Table) -> list[Problem]:
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
