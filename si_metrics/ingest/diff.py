"""What publishing an upload would change: new, changed (old → new) and unchanged rows against the current data,
and warnings for values that moved a lot. Read-only: nothing in the store is written."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from .. import store
from ..catalog import dataset
from ..store import ident
from .problems import PROBLEM_COLUMNS

PREVIEW_ROWS = 1000  # changed rows first, then new ones; the full set is what publish writes
BIG_CHANGE = 0.5  # issue 4: warn when a value moves more than 50 % from the published one
MAIN_COLUMN = {
    "observations": "value",
    "projects": "budget_eur",  # the number the preview shows old → new
    "funding_programmes": "contracted_eur",
    "funding_municipalities": "contracted_eur",
}


@dataclass(frozen=True)
class Diff:
    """Counts of what a publish would do, and a preview (key, change, old → new, columns changed)."""

    new: int
    changed: int
    unchanged: int
    preview: pd.DataFrame
    value_changed: int = 0  # changed rows whose main value moved (the rest changed flag, source, vintage, …)
    compared: store.Compared | None = None  # which rows are new or changed: publish writes them as found here


def typed_view(
    cur: duckdb.DuckDBPyConnection, rows: pd.DataFrame, name: str, extra: tuple[str, ...] = ("_line",)
) -> None:
    """Make the rows visible on the cursor as ``_upload``, cast to the dataset's column types, with the ``extra``
    bookkeeping columns; names and types come from the catalogue allow-list."""
    meta = dataset(name)
    cur.register("_upload_raw", store.arrow_table(rows))  # DuckDB scans Arrow fastest
    casts = ", ".join(f"cast({ident(c.name)} as {c.type}) as {ident(c.name)}" for c in meta.columns)
    cur.execute(f"create or replace temp view _upload as select {casts}, {', '.join(extra)} from _upload_raw")


def _compare_sql(name: str) -> str:
    """Each upload row that is new or differs from its current row: change kind, old and new main value, the
    columns that differ. Unchanged rows are left out (and counted as the rest): most rows of a large upload."""
    meta = dataset(name)
    main = ident(MAIN_COLUMN[name])
    key0 = ident(meta.primary_key[0])
    on = " and ".join(f"c.{ident(k)} = u.{ident(k)}" for k in meta.primary_key)
    # a row found by its key has the same key: only the other columns can differ
    others = [c for c in meta.column_names if c not in meta.primary_key]
    same = " and ".join(f"u.{ident(c)} is not distinct from c.{ident(c)}" for c in others) or "true"
    differs = ", ".join(f"case when u.{ident(c)} is distinct from c.{ident(c)} then '{c}' end" for c in others)
    differs = f"concat_ws(', ', {differs})" if others else "''"
    keys = ", ".join(f"u.{ident(k)}" for k in meta.primary_key)
    return f"""select u._line, u._row, {keys}, case when c.{key0} is null then 'new' else 'changed' end as change,
                   c.{main} as old_{MAIN_COLUMN[name]}, u.{main} as new_{MAIN_COLUMN[name]},
                   case when c.{key0} is null then '' else {differs} end as columns_changed
               from _upload u left join {ident(name)} c on {on}
               where c.{key0} is null or not ({same})"""


def compare(
    con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, name: str, column: str | None = None, by_year: bool = False
) -> tuple[Diff, pd.DataFrame]:
    """The diff of typed rows against the current data, and big-change warnings named by line and ``column``
    (the file's header of the main value), or by the year when every year is its own column (Eurostat TSV)."""
    cur = con.cursor()
    try:
        against = store.state(cur)  # before the comparison: a publish landing during it changes the release
        typed_view(cur, rows.assign(_row=np.arange(len(rows))), name, extra=("_line", "_row"))
        cur.execute(f"create or replace temp table _compared as {_compare_sql(name)}")
        old, new_ = ident("old_" + MAIN_COLUMN[name]), ident("new_" + MAIN_COLUMN[name])
        new, changed, moved = cur.execute(  # type: ignore[misc]  # an aggregate always returns one row
            "select count(*) filter (change = 'new'), count(*) filter (change = 'changed'), "
            f"count(*) filter (change = 'changed' and {old} is distinct from {new_}) from _compared"
        ).fetchone()
        preview = cur.execute(
            "select * exclude (_line, _row) from _compared order by change = 'new', _line limit ?", [PREVIEW_ROWS]
        ).df()
        written = cur.execute("select _row, change = 'new' as new from _compared order by _row").fetchnumpy()
        columns = cur.execute(
            "select distinct unnest(string_split(columns_changed, ', ')) from _compared where change = 'changed'"
        ).fetchall()
        compared = store.Compared(against, written["_row"], written["new"], frozenset(c for (c,) in columns))
        warnings = _big_changes(cur, MAIN_COLUMN[name], column or MAIN_COLUMN[name], by_year)
        cur.execute("drop table _compared")
    finally:
        cur.close()
    unchanged = len(rows) - new - changed  # the current table has one row per key, so each upload row is one kind
    return Diff(int(new), int(changed), int(unchanged), preview, int(moved), compared), warnings


def _big_changes(cur: duckdb.DuckDBPyConnection, main: str, column: str, by_year: bool) -> pd.DataFrame:
    """Changed rows whose main value moved more than BIG_CHANGE from the published one."""
    old, new = ident("old_" + main), ident("new_" + main)
    label = "cast(year as varchar)" if by_year else "?"
    found = cur.execute(
        f"""select _line as line, {label} as label, {new} as new_value, {old} as old_value from _compared
            where change = 'changed' and {old} <> 0 and abs({new} - {old}) / abs({old}) > ?
            order by _line""",
        ([] if by_year else [column]) + [BIG_CHANGE],
    ).df()
    problem = [
        f"published {o:g}, now {n:g} ({(n - o) / abs(o):+.0%}); check the unit and the decimal mark"
        for o, n in zip(found["old_value"], found["new_value"])
    ]
    return pd.DataFrame(
        {
            "line": found["line"],
            "column": found["label"],
            "value": found["new_value"].map(lambda v: f"{v:g}"),
            "kind": "big_change",
            "problem": problem,
        },
        columns=PROBLEM_COLUMNS,
    )
