"""Settings from the environment (documented in README.md)."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where the store and everything published live: $SI_DATA_DIR, default ./var (git-ignored)."""
    return Path(os.environ.get("SI_DATA_DIR") or PROJECT_ROOT / "var").resolve()


def db_path() -> Path:
    return data_dir() / "si_observatory.duckdb"
