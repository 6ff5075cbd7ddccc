"""Settings from the environment (the README's configuration table; tests/test_docs.py keeps it complete)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where the store and everything published live: $SI_DATA_DIR, default ./var (git-ignored)."""
    return Path(os.environ.get("SI_DATA_DIR") or PROJECT_ROOT / "var").resolve()


def store_dir() -> Path:
    """The embedded store (SQLite catalogue and Parquet files) under $SI_DATA_DIR."""
    return data_dir() / "store"


def store_catalog() -> str:
    """$SI_STORE: empty for the embedded store, or a PostgreSQL connection (``postgresql://user@host/db`` or libpq
    ``dbname=… host=…``) holding the catalogue shared by several app servers."""
    return (os.environ.get("SI_STORE") or "").strip()


def store_data_path() -> str:
    """$SI_STORE_DATA: where a PostgreSQL-catalogue store keeps its Parquet files (a folder every server mounts, or
    ``s3://bucket/prefix``); default $SI_DATA_DIR/lake."""
    return (os.environ.get("SI_STORE_DATA") or "").strip() or str(data_dir() / "lake")


def store_schema() -> str | None:
    """$SI_STORE_SCHEMA: the PostgreSQL schema of the catalogue (several stores can share one database)."""
    return (os.environ.get("SI_STORE_SCHEMA") or "").strip() or None


def s3_settings() -> dict[str, str]:
    """S3-compatible storage for an ``s3://`` data path: $SI_S3_KEY_ID, $SI_S3_SECRET, $SI_S3_REGION,
    $SI_S3_ENDPOINT, $SI_S3_URL_STYLE (path or vhost), $SI_S3_USE_SSL (true/false); unset ones are left out."""
    names = {"KEY_ID": "SI_S3_KEY_ID", "SECRET": "SI_S3_SECRET", "REGION": "SI_S3_REGION"}
    names |= {"ENDPOINT": "SI_S3_ENDPOINT", "URL_STYLE": "SI_S3_URL_STYLE", "USE_SSL": "SI_S3_USE_SSL"}
    return {key: os.environ[env] for key, env in names.items() if os.environ.get(env)}


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
