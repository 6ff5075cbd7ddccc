"""Readers for Eurostat downloads: the bulk TSV and SDMX-CSV (1.0 and 2.0, with or without labels)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

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
        i for i, h in enumerate(header)
        if re.fullmatch(r"[a-z][a-z0-9_]*", h) or h in _SDMX_CODE_COLUMNS
        or h in {"STRUCTURE", "STRUCTURE_ID", "DATAFLOW", "LAST UPDATE"}
    ]
    frame = pd.DataFrame([[r[i] for i in keep] for r in body], columns=[header[i] for i in keep])
    frame["year"] = frame.pop("TIME_PERIOD").astype(int)
    frame["value"] = pd.to_numeric(frame.pop("OBS_VALUE").replace("", None))
    frame["flag"] = frame.pop("OBS_FLAG").fillna("") if "OBS_FLAG" in frame else ""
    return frame
