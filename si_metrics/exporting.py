"""Exports that are safe to open in a spreadsheet: formulas neutralised, numbers without float noise, any size."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

# Cells starting with these are run as formulas by Excel/LibreOffice (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A float64 holds 15 significant decimal digits exactly; the digits after them are binary noise from sums and
# divisions (162384605.06999996), never information.
SIGNIFICANT_DIGITS = 15
CHUNK_ROWS = 50_000  # rows written at a time by the streamed export: a few MB of text per chunk
BOM = "\ufeff"  # so Excel reads the file as UTF-8 (Cyrillic names)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def number_text(value: float) -> str:
    """Shortest text for a number without float noise (52.5, 1295931, 162384605.07), as in the bundled CSVs."""
    value = float(value)
    if not math.isfinite(value):
        return ""
    clean = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    return str(int(clean)) if clean.is_integer() and abs(clean) < 1e18 else repr(clean)


def rounded(frame: pd.DataFrame, decimals: Mapping[str, int] | None) -> pd.DataFrame:
    """``frame`` with the named numeric columns rounded to their precision (an indicator's ``decimals``)."""
    if not decimals:
        return frame
    out = frame.copy()
    for col, places in decimals.items():
        if col in out.columns and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(int(places))
    return out


def _csv_text(frame: pd.DataFrame, header: bool) -> str:
    buf = io.StringIO()
    neutralise_formulas(frame).to_csv(buf, index=False, header=header, lineterminator="\n", float_format=number_text)
    return buf.getvalue()


def csv_chunks(
    frames: Iterable[pd.DataFrame], *, bom: bool = False, decimals: Mapping[str, int] | None = None
) -> Iterator[bytes]:
    """A CSV written chunk by chunk (the header once), for exports larger than one frame should be in memory."""
    first = True
    for frame in frames:
        text = _csv_text(rounded(frame, decimals), header=first)
        yield ((BOM if bom and first else "") + text).encode("utf-8")
        first = False


def to_csv_bytes(frame: pd.DataFrame, bom: bool = False, decimals: Mapping[str, int] | None = None) -> bytes:
    """UTF-8 CSV of exactly the given rows, formulas neutralised; ``bom`` for downloads Excel opens; ``decimals``
    rounds named columns to their precision."""
    return b"".join(csv_chunks([frame], bom=bom, decimals=decimals))


def template_zip(dataset_key: str) -> bytes:
    """The upload template(s) of ``dataset_key`` (a key of ``ingest.template.TEMPLATES``) as one ZIP: each CSV and
    its column explanation exactly as ``python -m si_metrics template`` writes them."""
    import tempfile
    import zipfile
    from pathlib import Path

    from .ingest import template

    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in template.TEMPLATES[dataset_key]:
            for path in template.write(name, Path(folder) / f"{name}_template.csv"):
                archive.write(path, path.name)
    return buf.getvalue()
