"""The DuckDB store: built from datasets/, every load a release, current data beside its full history.

For each dataset ``d`` the store keeps
- ``d__versions``: append-only history, every published row with ``_release_id`` and ``_op``
  ('upsert' or 'delete'); nothing is ever updated or deleted there;
- ``d``: the current rows, maintained in the same transaction as each release (a cache of the history,
  so queries never replay it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from . import config
from .catalog import DatasetMeta, catalog, dataset

SCHEMA_VERSION = 5  # 3: project search keys kept at publish; 4: population and project_index; 5: totals (_derive)
SYSTEM_USER = "system"
# The order new rows are written in: the explorer filters observations by area, so rows of an area kept together
# let DuckDB skip whole row groups by their min/max, so a query for one area or country reads only its own.
CLUSTER = {"observations": ("region_code", "indicator_code", "year"), "projects": ("region_code", "project_id")}
# totals: each indicator's total over every sex and age group (a small share of the observations), kept at
# publish (see _derive) in area order. Almost every explorer query reads only these rows; read from observations,
# an area's peers or a country's map would scan every breakdown row of the country.
TOTAL = "sex = 'T' and age = 'TOTAL'"
TOTALS_KEY = "region_code, indicator_code, year"
TOTALS = {
    "region_code": "varchar",
    "indicator_code": "varchar",
    "year": "integer",
    "value": "double",
    "flag": "varchar",
    "source": "varchar",
}
POPULATION = f"indicator_code = 'POP' and {TOTAL}"  # the rows kept in the population table
# project_index: what the explorer filters and sums of each project, kept at publish (see _derive) in area order,
# with what is costly per row derived once: the Latin search key and the cross-sector flag (macros in _macros.sql).
# Narrow and ordered, it sums a whole country's projects without joining the projects table to their keys.
PROJECT_INDEX = {
    "region_code": ("varchar", "region_code"),
    "project_id": ("varchar", "project_id"),
    "theme": ("varchar", "theme"),
    "status": ("varchar", "status"),
    "lead_sector": ("varchar", "lead_sector"),
    "programme_code": ("varchar", "programme_code"),
    "fund": ("varchar", "fund"),
    "target_groups": ("varchar", "target_groups"),
    "start_year": ("integer", "year(start_date)"),
    "end_year": ("integer", "year(end_date)"),
    "budget_eur": ("double", "budget_eur"),
    "eu_contribution_eur": ("double", "eu_contribution_eur"),
    "beneficiaries_reached": ("integer", "beneficiaries_reached"),
    "cross_sector": ("boolean", "project_cross_sector(lead_sector, partner_sectors)"),
    "search_key": ("varchar", "project_search_key(title_en, title_bg, lead_org)"),
}
PROJECT_INDEX_TYPES = ", ".join(f"{name} {kind}" for name, (kind, _) in PROJECT_INDEX.items())
# Serialises publishes within a process (re-entrant: rollback holds it around stage + publish); DuckDB's
# file lock does across processes, see StoreBusy.
_publish_lock = threading.RLock()
publishing = _publish_lock  # `with store.publishing:` keeps other publishes out of a multi-step change
BUSY = "the store is busy (another publish or the running app holds it); try again"


# Rows handed to DuckDB from memory go in Arrow batches of this many rows (DuckDB's row group size): DuckDB scans an
# Arrow table one batch per thread, so a million rows in one batch are read, cast and joined by one thread only
# (the 1,000,000-row upload's comparison with the store took twice as long on 2 cores).
ARROW_BATCH_ROWS = 122_880


class StoreError(RuntimeError):
    """A problem with the store a user can act on (locked, missing, wrong version)."""


class StoreBusy(StoreError):
    """Another process holds the store's file lock (a publish from the command line, or the running app)."""


def ident(name: str) -> str:
    """Quote an identifier that comes from the catalogue allow-list (DuckDB cannot bind identifiers)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"not an allowed identifier: {name!r}")
    return f'"{name}"'


def connect(path: Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store file (creating its folder); one connection per process, a cursor per query."""
    path = Path(path or config.db_path())
    if read_only and not path.exists():
        raise StoreError(f"no store at {path}; run `python -m si_metrics init` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(
            str(path),
            read_only=read_only,
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(f"cannot open the store {path}: {BUSY}") from exc
        raise StoreError(f"cannot open the store {path}: {exc}") from exc


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    cur = con.cursor()
    sql = "select count(*) from information_schema.tables where table_name = 'store_info'"
    found = cur.execute(sql).fetchall()[0][0]
    if not found:
        return False
    try:
        version, fingerprint = cur.execute("select schema_version, catalog_fingerprint from store_info").fetchall()[0]
    except duckdb.Error:
        version = fingerprint = None
    if version != SCHEMA_VERSION or fingerprint != catalog_fingerprint():
        raise StoreError(
            "the store was built for another version of the dataset catalogue; "
            "run `python -m si_metrics init --rebuild` (the old store is kept as a .bak file)"
        )
    return True


def catalog_fingerprint() -> str:
    """A hash of every dataset's name, columns, types and key: the tables the store was built with."""
    shape = [(m.name, [(c.name, c.type) for c in m.columns], m.primary_key) for m in catalog().values()]
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:16]


def _columns_sql(meta: DatasetMeta) -> str:
    return ", ".join(f"{ident(c.name)} {c.type}" for c in meta.columns)


def _create_dataset_tables(cur: duckdb.DuckDBPyConnection, meta: DatasetMeta) -> None:
    name = meta.name
    keys = ", ".join(ident(k) for k in meta.primary_key)
    cur.execute(f"create table {ident(name)} ({_columns_sql(meta)}, primary key ({keys}))")
    cur.execute(
        f"create table {ident(name + '__versions')} ({_columns_sql(meta)}, "
        "_release_id integer not null references releases(id), _op varchar not null)"
    )


def build(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Create the schema and load every bundled dataset as its own release; returns the release ids."""
    cur = con.cursor()
    cur.execute("begin transaction")
    try:
        cur.execute("create table store_info (schema_version integer, catalog_fingerprint varchar, built_at timestamp)")
        cur.execute("insert into store_info values (?, ?, ?)", [SCHEMA_VERSION, catalog_fingerprint(), _now()])
        cur.execute(
            """create table releases (
                id integer primary key, dataset varchar not null, kind varchar not null,
                published_at timestamp not null, user_name varchar not null, note varchar,
                file_name varchar, sha256 varchar, rows_in_file bigint, rows_added bigint,
                rows_changed bigint, rows_removed bigint, rows_unchanged bigint, rolls_back integer)"""
        )
        cur.execute("create table region_closure (region_code varchar, ancestor_code varchar, depth integer)")
        cur.execute("create table boundaries (region_code varchar primary key, geometry varchar not null)")
        cur.execute(f"create table project_index ({PROJECT_INDEX_TYPES})")
        cur.execute("create table totals (" + ", ".join(f"{c} {kind}" for c, kind in TOTALS.items()) + ")")
        # derived from observations (see _derive): the total population per area and year, which per-person
        # figures and weights join for every area of a country, instead of scanning all observations for it
        cur.execute("create table population (region_code varchar, year integer, population double)")
        cur.execute(
            "create table boundaries__versions (region_code varchar, geometry varchar, "
            "_release_id integer not null references releases(id), _op varchar not null)"
        )
        for meta in catalog().values():
            _create_dataset_tables(cur, meta)
        cur.execute("commit")
    except Exception:
        cur.execute("rollback")
        raise
    install_macros(con)  # publish uses the scalar macros for derived tables
    ids = []
    for meta in catalog().values():
        staged = stage_csv(con, meta, meta.csv_path)
        ids.append(
            publish(
                con,
                meta,
                staged,
                user=SYSTEM_USER,
                note=f"Initial load of bundled datasets/{meta.csv_path.name}",
                file_name=f"datasets/{meta.csv_path.name}",
                sha256=file_sha256(meta.csv_path),
                kind="initial",
            ).id
        )
    return ids


def open_store(path: Path | None = None, rebuild: bool = False, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, building it from datasets/ if absent (idempotent); rebuild keeps a backup of the old file."""
    path = Path(path or config.db_path())
    if rebuild and path.exists():
        backup = path.with_name(f"{path.name}.bak-{_now():%Y%m%dT%H%M%S}")
        shutil.move(path, backup)
    if read_only:
        con = connect(path, read_only=True)
        if not is_built(con):
            raise StoreError(f"the store {path} is not built; run `python -m si_metrics init`")
        return con
    con = connect(path)
    if not is_built(con):
        build(con)
    install_macros(con)
    return con


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the table macros that named queries share (si_metrics/queries/_macros.sql)."""
    from .queries import QUERIES_DIR

    con.cursor().execute((QUERIES_DIR / "_macros.sql").read_text(encoding="utf-8"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stage_csv(con: duckdb.DuckDBPyConnection, meta: DatasetMeta, path: Path) -> str:
    """Load a CSV in the dataset's own format into a staging table typed by the sidecar; returns its name.

    Staging tables are real tables (cursors do not share temp tables); publish drops them.
    """
    staged = f"staging.{ident(meta.name + '_' + secrets.token_hex(4))}"
    types = ", ".join(f"'{c.name}': '{c.type}'" for c in meta.columns)  # allow-listed names and types
    cur = con.cursor()
    cur.execute("create schema if not exists staging")
    cur.execute(
        f"create table {staged} as select * from read_csv(?, header = true, delim = ',', "
        f"quote = '\"', escape = '\"', auto_detect = false, columns = {{{types}}})",
        [str(path)],
    )
    return staged


@dataclass(frozen=True)
class Release:
    id: int
    dataset: str
    rows_added: int
    rows_changed: int
    rows_removed: int
    rows_unchanged: int


def publish(
    con: duckdb.DuckDBPyConnection,
    meta: DatasetMeta,
    staged: str,
    *,
    user: str,
    note: str,
    file_name: str | None,
    sha256: str | None,
    kind: str = "publish",
    replace: bool = False,
    rolls_back: int | None = None,
    rows_in_file: int | None = None,
) -> Release:
    """Publish the staged rows as one release in one transaction: new and changed rows are versioned,
    unchanged ones skipped; with ``replace`` current rows missing from the file are marked deleted.
    ``rows_in_file`` records the rows read from the upload (default: the rows staged). The staging table is
    dropped."""
    if not re.fullmatch(r'staging\."[a-z][a-z0-9_]*"', staged):
        raise ValueError(f"not a staging table: {staged!r}")
    with _publish_lock:
        cur = con.cursor()
        try:
            return _release(
                cur,
                meta,
                staged,
                f"drop table {staged}",
                user=user,
                note=note,
                file_name=file_name,
                sha256=sha256,
                kind=kind,
                replace=replace,
                rolls_back=rolls_back,
                rows_in_file=rows_in_file,
            )
        except Exception:
            cur.execute(f"drop table if exists {staged}")
            raise


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A frame as an Arrow table for ``register``, in batches every DuckDB thread can take a share of."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return pa.Table.from_batches(table.to_batches(max_chunksize=ARROW_BATCH_ROWS), schema=table.schema)


def state(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    """The store file and its latest release: what was compared with it holds while both stay the same."""
    path = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0][0]
    return str(path), latest_release(con)


@dataclass(frozen=True)
class Compared:
    """What comparing rows with the store found, true while the store stays as it was then (``against``, see
    ``state``): positions of the rows that were new or changed, which of those were new, and the columns that
    differ in the changed ones."""

    against: tuple[str, int]
    to_write: np.ndarray
    new: np.ndarray
    columns: frozenset[str]


def publish_rows(
    con: duckdb.DuckDBPyConnection,
    meta: DatasetMeta,
    rows: pd.DataFrame,
    compared: Compared | None = None,
    *,
    user: str,
    note: str,
    file_name: str | None,
    sha256: str | None,
    rows_in_file: int | None = None,
) -> Release:
    """Publish typed rows (a frame with the dataset's columns) as ``publish`` does a staging table, DuckDB reading
    them straight from memory: values stay exactly as they are, and nothing is written and read back first.
    Empty text is stored as null, as a staging CSV has it.

    With ``compared`` and nothing published since that comparison, the rows it found new or changed are written
    as it found them, and the others (unchanged) are not compared again; otherwise every row is."""
    casts = ", ".join(
        f"cast(nullif({ident(c.name)}, '') as VARCHAR) as {ident(c.name)}"
        if c.type == "VARCHAR"
        else f"cast({ident(c.name)} as {c.type}) as {ident(c.name)}"
        for c in meta.columns
    )
    with _publish_lock:
        cur = con.cursor()
        try:
            total = len(rows)
            known = compared is not None and compared.against == state(cur)
            columns = meta.column_names
            if known and compared is not None:
                rows = rows.iloc[compared.to_write].assign(_kind=np.where(compared.new, "new", "changed"))
                columns, casts = [*columns, "_kind"], casts + ", _kind"
            cur.register("_rows_raw", arrow_table(rows[columns]))
            cur.execute(f"create or replace temp view _rows as select {casts} from _rows_raw")
            return _release(
                cur,
                meta,
                "_rows",
                "drop view _rows",
                user=user,
                note=note,
                file_name=file_name,
                sha256=sha256,
                rows_in_file=rows_in_file,
                rows_total=total,
                changed_columns=compared.columns if known and compared is not None else None,
            )
        finally:
            cur.close()


def _release(
    cur: duckdb.DuckDBPyConnection,
    meta: DatasetMeta,
    source: str,
    cleanup: str,
    *,
    user: str,
    note: str,
    file_name: str | None,
    sha256: str | None,
    kind: str = "publish",
    replace: bool = False,
    rolls_back: int | None = None,
    rows_in_file: int | None = None,
    rows_total: int | None = None,
    changed_columns: frozenset[str] | None = None,
) -> Release:
    """The release transaction of ``publish`` over the rows of ``source`` (a staging table or view); ``cleanup``
    (dropping it) runs inside the transaction; ``rows_total`` counts the rows of the upload when ``source`` holds
    only those that may differ. With ``changed_columns``, ``source`` holds only new and changed rows, each with
    its ``_kind``, as a comparison found them with nothing published since (see publish_rows), and the columns
    that differ in the changed ones: they are not compared again. Only new and changed rows are written: changed
    rows are updated in place, new ones appended; the current table is never rewritten."""
    t, v, s = ident(meta.name), ident(meta.name + "__versions"), source
    cols = ", ".join(ident(c) for c in meta.column_names)
    on = " and ".join(f"i.{ident(k)} = c.{ident(k)}" for k in meta.primary_key)
    key0 = ident(meta.primary_key[0])
    # a row found by its key has the same key: only the other columns can differ. The update below sets only
    # columns that differ in some row, since every column it sets is rewritten in each row group it touches
    # when the change is checkpointed
    others = [c for c in meta.column_names if c not in meta.primary_key]
    same = " and ".join(f"i.{ident(c)} is not distinct from c.{ident(c)}" for c in others) or "true"
    differs = "".join(f", i.{ident(c)} is distinct from c.{ident(c)} as _differs_{n}" for n, c in enumerate(others))
    cur.execute("begin transaction")
    try:
        if changed_columns is None:
            cur.execute(
                f"""create or replace temp table _diff as
                    select i.*, case when c.{key0} is null then 'new' else 'changed' end as _kind{differs}
                    from {s} i left join {t} c on {on} where c.{key0} is null or not ({same})"""
            )
        else:
            cur.execute(f"create or replace temp table _diff as select * from {s}")
        removed_sql = f"select c.* from {t} c anti join {s} i on {on}" if replace else f"select * from {t} where false"
        cur.execute(f"create or replace temp table _removed as {removed_sql}")
        keys = ", ".join(ident(k) for k in meta.primary_key)
        any_differs = (
            "".join(f", coalesce(bool_or(_differs_{n}) filter (_kind = 'changed'), false)" for n in range(len(others)))
            if changed_columns is None
            else ""
        )
        added, changed, repeated, *differing = cur.execute(
            "select count(*) filter (_kind = 'new'), count(*) filter (_kind = 'changed'), "
            f"count(*) - count(distinct ({keys})){any_differs} from _diff"
        ).fetchall()[0]
        if changed_columns is not None:
            differing = [c in changed_columns for c in others]
        if repeated:  # what the primary key refuses (the update below would take one row silently)
            raise duckdb.ConstraintException(
                f"{repeated} staged row(s) repeat the key ({keys}) of another; each key may appear once"
            )
        # the current table has one row per key, so each staged row is new, changed or unchanged
        total = cur.execute(f"select count(*) from {s}").fetchall()[0][0] if rows_total is None else rows_total
        unchanged = total - added - changed
        removed = cur.execute("select count(*) from _removed").fetchall()[0][0]
        rid = cur.execute("select coalesce(max(id), 0) + 1 from releases").fetchall()[0][0]
        cur.execute(
            "insert into releases values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                rid,
                meta.name,
                kind,
                _now(),
                user,
                note,
                file_name,
                sha256,
                added + changed + unchanged if rows_in_file is None else rows_in_file,
                added,
                changed,
                removed,
                unchanged,
                rolls_back,
            ],
        )
        cur.execute(f"insert into {v} select {cols}, ?, 'upsert' from _diff", [rid])
        cur.execute(f"insert into {v} select {cols}, ?, 'delete' from _removed", [rid])
        dk = " and ".join(f"{t}.{ident(k)} = d.{ident(k)}" for k in meta.primary_key)
        cur.execute(f"delete from {t} using _removed d where {dk}")
        values = ", ".join(f"{ident(c)} = d.{ident(c)}" for c, hit in zip(others, differing) if hit)
        if values:
            cur.execute(f"update {t} set {values} from _diff d where d._kind = 'changed' and {dk}")
        order = ", ".join(ident(c) for c in CLUSTER.get(meta.name, meta.primary_key))
        cur.execute(f"insert into {t} select {cols} from _diff where _kind = 'new' order by {order}")
        _derive(cur, meta.name)
        cur.execute("drop table _diff")
        cur.execute("drop table _removed")
        cur.execute(cleanup)
        cur.execute("commit")
    except Exception:
        cur.execute("rollback")
        raise
    return Release(rid, meta.name, added, changed, removed, unchanged)


def replace_boundaries(
    con: duckdb.DuckDBPyConnection, geometries: dict[str, str], *, user: str, note: str, file_name: str, sha256: str
) -> int:
    """Replace the boundaries of the given regions (GeoJSON geometry text) as one release; returns its id."""
    with _publish_lock:
        cur = con.cursor()
        cur.execute("begin transaction")
        try:
            existing = dict(cur.execute("select region_code, geometry from boundaries").fetchall())
            added = sum(code not in existing for code in geometries)
            changed = sum(code in existing and existing[code] != g for code, g in geometries.items())
            rid = cur.execute("select coalesce(max(id), 0) + 1 from releases").fetchall()[0][0]
            cur.execute(
                "insert into releases values (?, 'boundaries', 'boundaries', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, null)",
                [
                    rid,
                    _now(),
                    user,
                    note,
                    file_name,
                    sha256,
                    len(geometries),
                    added,
                    changed,
                    len(geometries) - added - changed,
                ],
            )
            for code, geometry in geometries.items():
                if existing.get(code) != geometry:
                    cur.execute("insert into boundaries__versions values (?, ?, ?, 'upsert')", [code, geometry, rid])
                    cur.execute("insert or replace into boundaries values (?, ?)", [code, geometry])
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            raise
    return rid


def _derive(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Keep tables derived from a dataset in step with it, inside the publish transaction (_diff, _removed)."""
    if name == "regions":
        _refresh_region_closure(cur)
    elif name == "projects":
        cur.execute(
            "delete from project_index where project_id in "
            "(select project_id from _diff where _kind = 'changed' union all select project_id from _removed)"
        )
        values = ", ".join(expr for _, expr in PROJECT_INDEX.values())
        cur.execute(
            f"insert into project_index select {values} from _diff where _kind = 'new' or _kind = 'changed' "
            "order by region_code, project_id"
        )
    elif name == "observations":
        on = " and ".join(f"totals.{k} = d.{k}" for k in TOTALS_KEY.split(", "))
        cur.execute(
            f"delete from totals using (select {TOTALS_KEY} from _diff where _kind = 'changed' and {TOTAL} "
            f"union all select {TOTALS_KEY} from _removed where {TOTAL}) as d where {on}"
        )
        cur.execute(
            f"insert into totals select {', '.join(TOTALS)} from _diff "
            f"where (_kind = 'new' or _kind = 'changed') and {TOTAL} order by {TOTALS_KEY}"
        )
        touched = cur.execute(
            f"select exists (select 1 from _diff where {POPULATION}) "
            f"or exists (select 1 from _removed where {POPULATION})"
        ).fetchall()[0][0]
        if touched:  # rebuilt whole, only when a release changes it: from totals, just brought up to date
            cur.execute("delete from population")
            cur.execute(
                "insert into population select region_code, year, value from totals "
                "where indicator_code = 'POP' order by region_code, year"
            )


def _refresh_region_closure(cur: duckdb.DuckDBPyConnection) -> None:
    """Every (area, ancestor-or-self) pair, so roll-ups work for any depth of hierarchy in any country."""
    cur.execute("delete from region_closure")
    cur.execute(
        """insert into region_closure
           with recursive up(region_code, ancestor_code, depth) as (
               select code, code, 0 from regions
               union all
               select up.region_code, r.parent_code, up.depth + 1
               from up join regions r on r.code = up.ancestor_code
               where r.parent_code is not null and up.depth < 10
           )
           select * from up"""
    )


def latest_release(con: duckdb.DuckDBPyConnection) -> int:
    """The newest release id: cached UI results are keyed by it, so a publish shows at once."""
    return con.cursor().execute("select coalesce(max(id), 0) from releases").fetchall()[0][0]


def release_history(con: duckdb.DuckDBPyConnection, dataset_name: str | None = None) -> pd.DataFrame:
    cur = con.cursor()
    sql = (
        "select id, dataset, kind, published_at, user_name, note, file_name, sha256, rows_in_file, "
        "rows_added, rows_changed, rows_removed, rows_unchanged, rolls_back from releases"
    )
    if dataset_name:
        return cur.execute(sql + " where dataset = ? order by id", [dataset_name]).df()
    return cur.execute(sql + " order by id").df()


def current(con: duckdb.DuckDBPyConnection, dataset_name: str) -> pd.DataFrame:
    """The current rows of a dataset, in key order."""
    meta = dataset(dataset_name)
    order = ", ".join(ident(k) for k in meta.primary_key)
    return con.cursor().execute(f"select * from {ident(meta.name)} order by {order}").df()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Current rows per catalogued dataset."""
    cur = con.cursor()
    return {name: cur.execute(f"select count(*) from {ident(name)}").fetchall()[0][0] for name in catalog()}
