"""Settings from the environment (the README's configuration table; tests/test_docs.py keeps it complete)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where the store and everything published live: $SI_DATA_DIR, default ./var (git-ignored)."""
    return Path(os.environ.get("SI_DATA_DIR") or PROJECT_ROOT / "var").resolve()


def db_path() -> Path:
    return data_dir() / "si_observatory.duckdb"


def _positive_number(name: str, raw: str | None, default: float) -> float:
    """A positive number read from the environment variable ``name``, or a one-line error naming it."""
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (0 < value < float("inf")):
        raise ValueError(f"{name} must be a positive number, not {raw!r}")
    return value


def max_upload_mb() -> float:
    """Largest file accepted for upload, in MB: $SI_MAX_UPLOAD_MB, default 200, the same as Streamlit's own cap
    (server.maxUploadSize in .streamlit/config.toml), so the page and the command line accept the same files."""
    return _positive_number("SI_MAX_UPLOAD_MB", os.environ.get("SI_MAX_UPLOAD_MB"), 200)


def max_upload_rows() -> int:
    """Most data rows accepted in one upload: $SI_MAX_UPLOAD_ROWS, default 2,000,000."""
    return int(_positive_number("SI_MAX_UPLOAD_ROWS", os.environ.get("SI_MAX_UPLOAD_ROWS"), 2_000_000))
