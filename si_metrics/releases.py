"""Releases after the fact: a dataset's state as of any release, what a release changed, and rollback.

Nothing is ever deleted or edited: a rollback is a new release that restores the state before the one rolled
back, computed from the append-only ``<dataset>__versions`` history.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import duckdb
import pandas as pd

from . import store
from .catalog import DatasetMeta, catalog, dataset
from .store import ident


def release(con: duckdb.DuckDBPyConnection, release_id: int) -> dict:
    """One release as a dict; a ValueError names a release that does not exist."""
    frame = store.release_history(con)
    row = frame[frame["id"] == release_id]
    if row.empty:
        raise ValueError(f"there is no release {release_id}; `python -m si_metrics history` lists them")
    return row.iloc[0].to_dict()


def _state_sql(meta: DatasetMeta) -> str:
    """Each key's latest version published before a release ($release), deleted keys left out."""
    keys = ", ".join(ident(k) for k in meta.primary_key)
    cols = ", ".join(ident(c) for c in meta.column_names)
    return f"""select {cols} from (
                   select *, row_number() over (partition by {keys} order by _release_id desc) as _rn
                   from {ident(meta.name + "__versions")} where _release_id < $release)
               where _rn = 1 and _op = 'upsert'"""


def state_before(con: duckdb.DuckDBPyConnection, dataset_name: str, release_id: int) -> pd.DataFrame:
    """The dataset as it was just before a release (its rows in key order)."""
    meta = dataset(dataset_name)
    order = ", ".join(ident(k) for k in meta.primary_key)
    return con.cursor().execute(f"{_state_sql(meta)} order by {order}", {"release": release_id}).df()


def changes(con: duckdb.DuckDBPyConnection, release_id: int) -> pd.DataFrame:
    """The rows a release wrote (upserts and deletes), for the history view."""
    meta = dataset(release(con, release_id)["dataset"])
    cols = ", ".join(ident(c) for c in meta.column_names)
    order = ", ".join(ident(k) for k in meta.primary_key)
    return (
        con.cursor()
        .execute(
            f"select _op, {cols} from {ident(meta.name + '__versions')} where _release_id = ? order by {order}",
            [release_id],
        )
        .df()
    )


def rollback(con: duckdb.DuckDBPyConnection, release_id: int, *, user: str, note: str) -> store.Release:
    """Restore a dataset's state before a release, as a new release that records ``rolls_back``.

    Later releases of the same dataset are undone too: the result is exactly the state before ``release_id``.
    The initial load cannot be rolled back (that would empty the dataset), nor boundary imports.
    """
    rolled = release(con, release_id)
    if rolled["dataset"] not in catalog():
        raise ValueError(f"release {release_id} imported {rolled['dataset']}; only dataset releases can be rolled back")
    if rolled["kind"] == "initial":
        raise ValueError(
            f"release {release_id} is the initial load of {rolled['dataset']}; rolling it back would empty the dataset"
        )
    if not user.strip():
        raise ValueError("name who rolls back (the release records it)")
    meta = dataset(rolled["dataset"])
    with store.publishing:  # the state is staged and published with no other publish in between
        staged = _stage_state(con, meta, release_id)
        return store.publish(
            con,
            meta,
            staged,
            user=user.strip(),
            note=note,
            file_name=None,
            sha256=None,
            kind="rollback",
            replace=True,
            rolls_back=release_id,
        )


def _stage_state(con: duckdb.DuckDBPyConnection, meta: DatasetMeta, release_id: int) -> str:
    """A staging table holding the state before a release (publish drops it)."""
    staged = f"staging.{ident(meta.name + '_' + secrets.token_hex(4))}"
    cur = con.cursor()
    cur.execute("create schema if not exists staging")
    cur.execute(f"create table {staged} as {_state_sql(meta)}", {"release": release_id})
    return staged


CHANGE_ORDER = ("changed", "removed", "new")  # how a release's rows are listed: corrections first
EMPTY = "(empty)"  # how a missing value is written in old → new


@dataclass(frozen=True)
class ReleaseChanges:
    """What one release did to its dataset: the release, its first rows (key, change, old → new) and how many."""

    release: dict
    keys: list[str]
    rows: pd.DataFrame
    total: int


def _changes_sql(meta: DatasetMeta) -> str:
    """Each row a release ($release) wrote beside the same key's state before it: new, changed or removed, and
    the non-key columns as ``column: old → new`` (changed), ``column: value`` (new, removed)."""
    keys = [ident(k) for k in meta.primary_key]
    on = " and ".join(f"b.{k} = w.{k}" for k in keys)
    others = [c for c in meta.column_names if c not in meta.primary_key]  # allow-listed names, safe as literals
    types = {c.name: c.type for c in meta.columns}

    def shown(column: str, name: str) -> str:
        # a whole number stored as a decimal reads as the file had it: 70542, not 70542.0
        as_text = f"cast({column} as varchar)"
        return f"regexp_replace({as_text}, '\\.0$', '')" if types[name] == "DOUBLE" else as_text

    def text(column: str, name: str) -> str:
        return f"coalesce({shown(column, name)}, '{EMPTY}')"

    changed = ", ".join(
        f"case when b.{ident(c)} is distinct from w.{ident(c)} then '{c}: ' || "
        f"{text('b.' + ident(c), c)} || ' → ' || {text('w.' + ident(c), c)} end"
        for c in others
    )
    listed = ", ".join(
        f"case when w.{ident(c)} is not null then '{c}: ' || {shown('w.' + ident(c), c)} end" for c in others
    )
    order = " ".join(f"when '{kind}' then {i}" for i, kind in enumerate(CHANGE_ORDER))
    versions = ident(meta.name + "__versions")
    return f"""with written as (select * from {versions} where _release_id = $release),
               before as (
                   select * from (
                       select v.*, row_number() over (partition by {", ".join(f"v.{k}" for k in keys)}
                                                      order by v._release_id desc) as _rn
                       from {versions} v semi join written w on {on.replace("b.", "v.")}
                       where v._release_id < $release)
                   where _rn = 1 and _op = 'upsert'),
               compared as (
                   select case when w._op = 'delete' then 'removed' when b._op is null then 'new' else 'changed'
                          end as change, {", ".join(f"w.{k}" for k in keys)},
                          case when w._op = 'upsert' and b._op is not null then concat_ws('; ', {changed})
                               else concat_ws('; ', {listed}) end as changes
                   from written w left join before b on {on})
               select * from compared
               order by case change {order} end, {", ".join(keys)}"""


def release_changes(con: duckdb.DuckDBPyConnection, release_id: int, limit: int | None = 50) -> ReleaseChanges:
    """The rows one release changed (old → new), added or removed, changed ones first; at most ``limit`` rows
    (None: all) and the total."""
    rel = release(con, release_id)
    if rel["dataset"] not in catalog():
        raise ValueError(f"release {release_id} imported {rel['dataset']}; only dataset releases list their rows")
    meta = dataset(rel["dataset"])
    cur = con.cursor()
    total = cur.execute(
        f"select count(*) from {ident(meta.name + '__versions')} where _release_id = ?", [release_id]
    ).fetchall()[0][0]
    sql = _changes_sql(meta) + (" limit $limit" if limit is not None else "")
    params = {"release": release_id, **({"limit": limit} if limit is not None else {})}
    rows = cur.execute(sql, params).df()
    for column in meta.columns:  # dates as dates (DuckDB hands DATE keys to pandas as timestamps)
        if column.type == "DATE" and column.name in rows.columns:
            rows[column.name] = pd.to_datetime(rows[column.name]).dt.date
    return ReleaseChanges(rel, list(meta.primary_key), rows, int(total))
