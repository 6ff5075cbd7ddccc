"""Exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd

# Cells starting with these are run as formulas by Excel/LibreOffice (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def number_text(value: float) -> str:
    """Shortest exact text for a number (52.5, 1295931), as in the bundled CSVs."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_csv_bytes(frame: pd.DataFrame, bom: bool = False) -> bytes:
    """UTF-8 CSV of exactly the given rows, formulas neutralised; ``bom`` for downloads Excel opens."""
    buf = io.StringIO()
    neutralise_formulas(frame).to_csv(buf, index=False, lineterminator="\n", float_format=number_text)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")
