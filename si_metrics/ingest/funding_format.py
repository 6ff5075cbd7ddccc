"""The funding tables' upload formats: funding_programmes (ESF/ESF+ programme totals) and funding_municipalities
(EU money per municipality), in the observatory's own CSV format or as the ИСУН 2020 extracts they are built from
(``isun`` maps an extract row exactly as scripts/build_datasets.py does). ``funding_checks`` checks the rows.
"""

from __future__ import annotations

import re

import pandas as pd

from . import isun
from .problems import FILE, Problem, file_problem
from .reading import Detected, Reading, ReadOptions, decimal_of, frame_of, map_header, no_data
from .table import Table, header_key, parse_dates

SNAPSHOT_HINT = (
    "give the register's snapshot date: a snapshot column, --snapshot 2026-08-24 (on the page: "
    "Snapshot date) or a date in the file name (isun_programme_totals_2026-08-24.csv)"
)
_FILE_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


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
    decimal_of(table, columns, isun.NUMBERS, options, detected)
    frame = frame_of(table, columns)
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
        problems=table.problems + problems + no_data(table),
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
