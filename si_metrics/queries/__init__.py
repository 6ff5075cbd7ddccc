"""Named queries: one ``.sql`` file per query; the file stem is its name everywhere. Values are bound."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

QUERIES_DIR = Path(__file__).resolve().parent


@cache
def sql(name: str) -> str:
    """The text of a named query (names are the .sql files in this folder, nothing else)."""
    path = QUERIES_DIR / f"{name}.sql"
    if not name.isidentifier() or name.startswith("_") or not path.is_file():
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.stem.startswith("_"))


def run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run a named query on its own cursor with bound named parameters ($name)."""
    return con.cursor().execute(sql(name), params).df()


def chunks(con: duckdb.DuckDBPyConnection, name: str, rows: int, **params: object) -> Iterator[pd.DataFrame]:
    """A named query's result a part of ``rows`` rows at a time, for exports of any size (never one frame)."""
    reader = con.cursor().execute(sql(name), params).to_arrow_reader(rows)
    for batch in reader:
        yield batch.to_pandas()
