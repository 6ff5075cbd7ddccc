"""The store: a DuckLake (a catalogue database + Parquet files), built from datasets/, every load a release, current
data beside its full history.

One machine keeps the catalogue in SQLite (WAL mode, so a publish never waits for an idle reader) and the Parquet
files under $SI_DATA_DIR; several app servers share a PostgreSQL catalogue ($SI_STORE) and one data path. Each
process attaches the lake as ``lake`` to an in-memory DuckDB, where a view of each lake table keeps every query
unchanged and staging tables, temp tables and macros stay local. Each query is its own read transaction, so it
sees the newest release without reopening anything, and nothing a reader does blocks a writer.

For each dataset ``d`` the store keeps
- ``d__versions``: append-only history, every published row with ``_release_id`` and ``_op``
  ('upsert' or 'delete'); nothing is ever updated or deleted there;
- ``d``: the current rows, maintained in the same transaction as each release (a cache of the history,
  so queries never replay it).

A release is one DuckLake transaction, hence one snapshot, tagged with its release numbers, user and note.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.util
import json
import random
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from . import config
from .catalog import DatasetMeta, catalog, dataset

SCHEMA_VERSION = 6  # 5: totals (_derive); 6: DuckLake, the release counter in store_info
SYSTEM_USER = "system"
LAKE = "lake"  # the name the lake is attached under in every process
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
# Serialises publishes within a process (re-entrant: rollback holds it around stage + publish); across processes
# DuckLake refuses the later of two conflicting commits, and the release is retried (see _in_transaction).
_publish_lock = threading.RLock()
publishing = _publish_lock  # `with store.publishing:` keeps other publishes out of a multi-step change
# Retries of a release whose commit met another process's commit: each retry computes the release again against
# the newer state. Two publishers at once need one retry; the deadline bounds a storm of them.
RETRY_DEADLINE_S = 120
CONFLICT = ("conflict", "database is locked", "could not serialize", "duplicate key value")
# Snapshots of this many newest releases are kept by `maintain` (time travel, readers in flight); history and
# rollback read the versions tables, so no release needs an older snapshot.
KEEP_RELEASE_SNAPSHOTS = 10
# Files that expiry or merging freed are deleted by `maintain` only this long after: a page's query that began
# before may still be reading them (the next nightly run deletes what this one freed).
CLEANUP_GRACE_MIN = 60


# Rows handed to DuckDB from memory go in Arrow batches of this many rows (DuckDB's row group size): DuckDB scans an
# Arrow table one batch per thread, so a million rows in one batch are read, cast and joined by one thread only
# (the 1,000,000-row upload's comparison with the store took twice as long on 2 cores).
ARROW_BATCH_ROWS = 122_880


class StoreError(RuntimeError):
    """A problem with the store a user can act on (missing, unreachable, wrong version)."""


class NotBuilt(StoreError):
    """The store was never built (or its build never committed): `init` builds it."""


def ident(name: str) -> str:
    """Quote an identifier that comes from the catalogue allow-list (DuckDB cannot bind identifiers)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"not an allowed identifier: {name!r}")
    return f'"{name}"'


def _literal(text: str) -> str:
    """A SQL string literal, for the few statements that take no bound values (ATTACH, LOAD, CREATE SECRET)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Location:
    """Where a store lives: its DuckLake catalogue (``sqlite:<file>`` or ``postgres:<libpq connection>``), the
    path of its Parquet files and, in PostgreSQL, the schema of its catalogue tables."""

    catalog: str
    data_path: str
    schema: str | None = None
    folder: Path | None = None  # the embedded store's own folder (what `init --rebuild` moves aside)

    @property
    def embedded(self) -> bool:
        return self.catalog.startswith("sqlite:")

    def __str__(self) -> str:
        if self.folder is not None:
            return str(self.folder)
        shown = re.sub(
            r"(password=)\S+|(://[^:/@]+:)[^@]+@",
            lambda m: (m[1] or m[2]) + "***" + ("@" if m[2] else ""),
            self.catalog.removeprefix("postgres:"),
        )
        return f"{shown} (schema {self.schema or 'public'}, data {self.data_path})"


def embedded(folder: Path) -> Location:
    """The store of one machine in ``folder``: a SQLite catalogue and the Parquet files beside it."""
    folder = Path(folder).resolve()
    return Location(f"sqlite:{folder / 'catalog.sqlite'}", f"{folder / 'data'}/", folder=folder)


def location(where: Location | Path | str | None = None) -> Location:
    """The store to open: a Location as given, an embedded store in a folder, or the configured one ($SI_STORE:
    PostgreSQL; otherwise the embedded store under $SI_DATA_DIR)."""
    if isinstance(where, Location):
        return where
    if where is not None:
        return embedded(Path(where))
    pg = config.store_catalog()
    if not pg:
        return embedded(config.store_dir())
    data = config.store_data_path()
    if "://" not in data and not data.endswith("/"):
        data += "/"
    return Location(f"postgres:{pg}", data, config.store_schema())


def _extension(name: str) -> Path:
    """The extension binary inside its PyPI wheel (duckdb-extension-<name>): loaded by path, nothing downloaded."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    path = (
        Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
        if spec and spec.origin
        else None
    )
    if path is None or not path.exists():
        raise StoreError(
            f"the DuckDB extension {name} is not installed for duckdb {duckdb.__version__} "
            f"(pip install duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__})"
        )
    return path


def _wal(catalog_file: Path) -> None:
    """Put the SQLite catalogue in WAL mode (it persists in the file): in SQLite's default journal a commit waits for,
    then fails on, any reader that holds the file open."""
    db = sqlite3.connect(catalog_file, timeout=30)
    try:
        if db.execute("pragma journal_mode").fetchall()[0][0] != "wal":
            db.execute("pragma journal_mode=wal")
    finally:
        db.close()


def connect(where: Location | Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Attach the store as ``lake`` to a new in-memory DuckDB, with a view of each lake table; one connection per
    process, a cursor per query. ``read_only`` never writes, not even to create a missing store."""
    loc = location(where)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        scanner = "sqlite_scanner" if loc.embedded else "postgres_scanner"
        remote = "://" in loc.data_path
        for name in ("ducklake", scanner, *(["httpfs"] if remote else [])):
            con.execute(f"load {_literal(str(_extension(name)))}")
        if loc.embedded:
            catalog_file = Path(loc.catalog.removeprefix("sqlite:"))
            if read_only and not catalog_file.exists():
                raise NotBuilt(f"no store at {loc}; run `python -m si_metrics init` first")
            catalog_file.parent.mkdir(parents=True, exist_ok=True)
            Path(loc.data_path).mkdir(parents=True, exist_ok=True)
            _wal(catalog_file)
        elif not remote:
            Path(loc.data_path).mkdir(parents=True, exist_ok=True)
        if remote and (s3 := config.s3_settings()):
            secret = ", ".join(f"{key} {_literal(value)}" for key, value in s3.items())
            con.execute(f"create or replace secret si_store (type s3, {secret})")
        # no rows kept inside the catalogue: a read of a table with inlined rows costs one more catalogue query
        # (a one-row table: 19 → 6 ms here); maintain merges the small files instead
        options = [f"data_path {_literal(loc.data_path)}", "data_inlining_row_limit 0"]
        if loc.embedded and catalog_file.stat().st_size:
            # the data folder is always the one beside the catalogue: a copied, restored or moved store opens as is
            # (the catalogue records the absolute path it was made with; file paths in it are relative to that)
            options.append("override_data_path true")
        if loc.schema:
            options.append(f"metadata_schema {_literal(loc.schema)}")
        if read_only:
            options.append("read_only")
        con.execute(f"attach {_literal('ducklake:' + loc.catalog)} as {LAKE} ({', '.join(options)})")
    except StoreError:
        con.close()
        raise
    except (duckdb.Error, sqlite3.Error) as exc:  # sqlite3: a damaged catalogue file (_wal reads it first)
        con.close()
        if read_only and "creating a new ducklake is explicitly disabled" in str(exc).lower():
            raise NotBuilt(f"no store at {loc}; run `python -m si_metrics init` first") from exc
        raise StoreError(f"cannot open the store {loc}: {' '.join(str(exc).split())}") from exc
    _views(con)
    return con


def _views(con: duckdb.DuckDBPyConnection) -> None:
    """A view in the local database of each lake table, so named queries, macros and ingest read ``observations``
    as before; a view is read when queried, so it shows the newest release."""
    cur = con.cursor()
    # one transaction: each view binds against the lake's catalogue, read once for all of them instead of per view
    cur.execute("begin transaction")
    try:
        names = cur.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [LAKE]
        ).fetchall()
        for (name,) in names:
            cur.execute(f"create or replace view memory.main.{ident(name)} as select * from {LAKE}.main.{ident(name)}")
        cur.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            cur.execute("rollback")
        raise
    refresh_local_copies(con, force=True)  # the views just made read the lake: back to the copies, if kept


# Lake tables a reading process keeps copies of in its own memory (see keep_local_copies): every read of a lake
# table asks the catalogue for the snapshot and its files first, and a page runs many small queries over these.
# The large tables (observations, projects) and the history stay in the lake: read by area, they skip most of their
# files, and a copy would hold gigabytes at EU scale.
LOCAL_COPIES = (
    "regions",
    "region_closure",
    "indicators",
    "indicator_eurostat",
    "indicator_nsi",
    "targets",
    "releases",
    "store_info",
    "totals",
    "population",
    "project_index",
    "funding_programmes",
    "funding_municipalities",
    "funding_planned",
    "kohesio_beneficiaries",
    "boundaries",
)
COPIES_STATE = "_local_copies"  # local table: the snapshot the copies hold and their generation (in the name)
_copies_lock = threading.Lock()  # one refresh at a time in a process; readers never wait for it


def keep_local_copies(con: duckdb.DuckDBPyConnection) -> None:
    """Serve the LOCAL_COPIES tables of this connection from in-memory copies of one lake snapshot, refreshed when
    the lake's current snapshot changes: at each latest_release (every page run asks it) and after each commit
    made through this connection. What another process publishes shows at the next latest_release; queries between
    two refreshes read one consistent snapshot. For a long-lived reading process (the app); writes still go to
    the lake."""
    cur = con.cursor()
    cur.execute(f"create table if not exists memory.main.{COPIES_STATE} (snapshot bigint, generation integer)")
    refresh_local_copies(cur, force=True)


def refresh_local_copies(con: duckdb.DuckDBPyConnection, snapshot: int | None = None, force: bool = False) -> None:
    """Bring this connection's local copies (if it keeps them) to the lake's current snapshot: new copies of one
    snapshot are built under new names, then every view is switched to them in one transaction, so a query on
    another cursor sees either all old or all new copies, never a mix; a query still reading the old ones keeps
    them (DuckDB's catalogue is transactional)."""
    cur = con.cursor()
    kept = cur.execute(
        "select count(*) from duckdb_tables() where database_name = 'memory' and table_name = ?", [COPIES_STATE]
    ).fetchall()[0][0]
    if not kept:
        return
    with _copies_lock:
        held = cur.execute(f"select snapshot, generation from memory.main.{COPIES_STATE}").fetchall()
        if snapshot is None or force:
            snapshot = cur.execute(f"select id from {LAKE}.current_snapshot()").fetchall()[0][0]
        if held and held[0][0] == snapshot and not force:
            return
        generation = held[0][1] + 1 if held else 1
        present = {
            name
            for (name,) in cur.execute(
                "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [LAKE]
            ).fetchall()
        }
        copies = [name for name in LOCAL_COPIES if name in present]
        # every copy of the same snapshot, read by its number: a publish committed meanwhile is the next refresh's
        cur.execute("begin transaction")  # one catalogue read for all copies, and all views switched at once
        try:
            for name in copies:
                cur.execute(
                    f"create or replace table memory.main.{ident(f'copy{generation}_{name}')} as "
                    f"select * from {LAKE}.main.{ident(name)} at (version => {int(snapshot)})"
                )
            for name in copies:
                cur.execute(
                    f"create or replace view memory.main.{ident(name)} as "
                    f"select * from memory.main.{ident(f'copy{generation}_{name}')}"
                )
            cur.execute(f"delete from memory.main.{COPIES_STATE}")
            cur.execute(f"insert into memory.main.{COPIES_STATE} values (?, ?)", [snapshot, generation])
            cur.execute("commit")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("rollback")
            raise
        for (name,) in cur.execute(
            "select table_name from duckdb_tables() where database_name = 'memory' and schema_name = 'main' "
            "and regexp_matches(table_name, '^copy[0-9]+_') and not starts_with(table_name, ?)",
            [f"copy{generation}_"],
        ).fetchall():
            cur.execute(f"drop table if exists memory.main.{ident(name)}")


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds a complete build (its marker, store_info, commits with the data); a store built for
    another catalogue of datasets is an error."""
    cur = con.cursor()
    found = cur.execute(
        "select count(*) from duckdb_tables() where database_name = ? and table_name = 'store_info'", [LAKE]
    ).fetchall()[0][0]
    if not found:
        return False
    try:
        version, fingerprint = cur.execute(
            f"select schema_version, catalog_fingerprint from {LAKE}.store_info"
        ).fetchall()[0]
    except (duckdb.Error, IndexError):
        version = fingerprint = None
    if version != SCHEMA_VERSION or fingerprint != catalog_fingerprint():
        raise StoreError(
            "the store was built for another version of the dataset catalogue; "
            "run `python -m si_metrics init --rebuild` (the old store is kept as a .bak folder)"
        )
    return True


def catalog_fingerprint() -> str:
    """A hash of every dataset's name, columns, types and key: the tables the store was built with."""
    shape = [(m.name, [(c.name, c.type) for c in m.columns], m.primary_key) for m in catalog().values()]
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:16]


def _columns_sql(meta: DatasetMeta) -> str:
    return ", ".join(f"{ident(c.name)} {c.type}" for c in meta.columns)


def _create_dataset_tables(cur: duckdb.DuckDBPyConnection, meta: DatasetMeta) -> None:
    # DuckLake has no keys or constraints: publish refuses repeated keys itself (see _release)
    name = meta.name
    cur.execute(f"create table {LAKE}.{ident(name)} ({_columns_sql(meta)})")
    cur.execute(
        f"create table {LAKE}.{ident(name + '__versions')} ({_columns_sql(meta)}, "
        "_release_id integer not null, _op varchar not null)"
    )


T = TypeVar("T")


def _is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(word in str(exc).lower() for word in CONFLICT)


def _in_transaction(cur: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """Run ``work`` in one lake transaction and commit it; when another process committed a conflicting change
    first, run it again on the newer state (nothing of the refused attempt remains)."""
    deadline = time.monotonic() + RETRY_DEADLINE_S
    attempt = 0
    while True:
        cur.execute("begin transaction")
        try:
            result = work()
            cur.execute("commit")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):  # a refused commit has already rolled back
                cur.execute("rollback")
            if not _is_conflict(exc) or time.monotonic() > deadline:
                raise
        else:
            refresh_local_copies(cur)  # this process reads what it just published
            return result
        attempt += 1
        time.sleep(random.uniform(0.01, 0.05) * min(attempt, 10))  # jitter: two retrying publishers drift apart


def _tag(cur: duckdb.DuckDBPyConnection, user: str, note: str, releases: list[int]) -> None:
    """Name the snapshot this transaction makes after its releases (ducklake_snapshots shows them)."""
    extra = json.dumps({"releases": releases})
    cur.execute(f"call {LAKE}.set_commit_message(?, ?, extra_info => ?)", [user, note or "", extra])


def _next_release(cur: duckdb.DuckDBPyConnection) -> int:
    """Take the next release number. Updating the one row of store_info makes two concurrent releases conflict at
    commit (DuckLake lets concurrent inserts into one table both land, which would repeat a number)."""
    rid = cur.execute(f"select last_release + 1 from {LAKE}.store_info").fetchall()[0][0]
    cur.execute(f"update {LAKE}.store_info set last_release = ?", [rid])
    return rid


def build(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Create the schema and load every bundled dataset as its own release, all in one transaction (one snapshot)
    with the store_info marker: a build interrupted at any point leaves an empty store; returns the release ids."""
    install_macros(con, scalar_only=True)  # publish uses the scalar macros for derived tables
    staged = {meta.name: stage_csv(con, meta, meta.csv_path) for meta in catalog().values()}
    cur = con.cursor()

    def work() -> list[int]:
        cur.execute(
            f"create table {LAKE}.store_info (schema_version integer, catalog_fingerprint varchar, "
            "built_at timestamp, last_release integer)"
        )
        cur.execute(
            f"insert into {LAKE}.store_info values (?, ?, ?, 0)", [SCHEMA_VERSION, catalog_fingerprint(), _now()]
        )
        cur.execute(
            f"""create table {LAKE}.releases (
                id integer not null, dataset varchar not null, kind varchar not null,
                published_at timestamp not null, user_name varchar not null, note varchar,
                file_name varchar, sha256 varchar, rows_in_file bigint, rows_added bigint,
                rows_changed bigint, rows_removed bigint, rows_unchanged bigint, rolls_back integer)"""
        )
        cur.execute(f"create table {LAKE}.region_closure (region_code varchar, ancestor_code varchar, depth integer)")
        cur.execute(f"create table {LAKE}.boundaries (region_code varchar not null, geometry varchar not null)")
        cur.execute(f"create table {LAKE}.project_index ({PROJECT_INDEX_TYPES})")
        cur.execute(f"create table {LAKE}.totals (" + ", ".join(f"{c} {kind}" for c, kind in TOTALS.items()) + ")")
        # derived from observations (see _derive): the total population per area and year, which per-person
        # figures and weights join for every area of a country; scanning 5,000,000 observations for it took 80 ms
        cur.execute(f"create table {LAKE}.population (region_code varchar, year integer, population double)")
        cur.execute(
            f"create table {LAKE}.boundaries__versions (region_code varchar, geometry varchar, "
            "_release_id integer not null, _op varchar not null)"
        )
        for meta in catalog().values():
            _create_dataset_tables(cur, meta)
        ids = [
            _release(
                cur,
                meta,
                staged[meta.name],
                user=SYSTEM_USER,
                note=f"Initial load of bundled datasets/{meta.csv_path.name}",
                file_name=f"datasets/{meta.csv_path.name}",
                sha256=file_sha256(meta.csv_path),
                kind="initial",
            ).id
            for meta in catalog().values()
        ]
        _tag(cur, SYSTEM_USER, "Initial load of the bundled datasets", ids)
        return ids

    with _publish_lock:
        try:
            ids = _in_transaction(cur, work)
        finally:
            for table in staged.values():
                cur.execute(f"drop table if exists {table}")
    _views(con)
    return ids


def open_store(
    where: Location | Path | str | None = None, rebuild: bool = False, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store, building it from datasets/ if absent (idempotent); rebuild moves an embedded store aside as a
    backup first. ``read_only`` opens a built store for reading only (no write ever waits for or on it)."""
    loc = location(where)
    if rebuild:
        if loc.folder is None:
            raise StoreError(
                "--rebuild moves an embedded store aside; for a PostgreSQL catalogue back it up, "
                "then point SI_STORE_SCHEMA at a new schema"
            )
        if loc.folder.exists():
            shutil.move(loc.folder, loc.folder.with_name(f"{loc.folder.name}.bak-{_now():%Y%m%dT%H%M%S}"))
    if read_only:
        con = connect(loc, read_only=True)
        if not is_built(con):
            con.close()
            raise NotBuilt(f"the store {loc} is not built; run `python -m si_metrics init`")
        install_macros(con)
        return con
    con = connect(loc)
    if not is_built(con):
        build(con)
    install_macros(con)
    return con


def open_reader(where: Location | Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store for reading only (what validate, history and export need), building it first if it never
    was: a reader neither waits for a publish nor makes one wait."""
    try:
        return open_store(where, read_only=True)
    except NotBuilt:
        open_store(where).close()
        return open_store(where, read_only=True)


def built(where: Location | Path | str | None = None) -> bool:
    """Whether a complete store is there (opening nothing for writing)."""
    try:
        open_store(where, read_only=True).close()
    except NotBuilt:
        return False
    return True


def install_macros(con: duckdb.DuckDBPyConnection, scalar_only: bool = False) -> None:
    """(Re)create the macros that named queries share (si_metrics/queries/_macros.sql) in the local database.
    ``scalar_only``: leave out table macros, which need the tables they read (a build uses the scalar ones first)."""
    from .queries import QUERIES_DIR

    cur = con.cursor()
    for statement in duckdb.extract_statements((QUERIES_DIR / "_macros.sql").read_text(encoding="utf-8")):
        if not (scalar_only and re.search(r"\)\s+as\s+table\b", statement.query, re.IGNORECASE)):
            cur.execute(statement.query)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stage_csv(con: duckdb.DuckDBPyConnection, meta: DatasetMeta, path: Path) -> str:
    """Load a CSV in the dataset's own format into a staging table typed by the sidecar; returns its name.

    Staging tables are tables of the local in-memory database (cursors do not share temp tables), never of the
    lake; publish drops them.
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
            return _in_transaction(
                cur,
                lambda: _tagged(
                    cur,
                    user,
                    note,
                    _release(
                        cur,
                        meta,
                        staged,
                        user=user,
                        note=note,
                        file_name=file_name,
                        sha256=sha256,
                        kind=kind,
                        replace=replace,
                        rolls_back=rolls_back,
                        rows_in_file=rows_in_file,
                    ),
                ),
            )
        finally:
            cur.execute(f"drop table if exists {staged}")  # the local database, outside the lake transaction
            cur.close()


def _tagged(cur: duckdb.DuckDBPyConnection, user: str, note: str, release: Release) -> Release:
    _tag(cur, user, note, [release.id])
    return release


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A frame as an Arrow table for ``register``, in batches every DuckDB thread can take a share of."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return pa.Table.from_batches(table.to_batches(max_chunksize=ARROW_BATCH_ROWS), schema=table.schema)


def state(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    """The store and its latest release: what was compared with it holds while both stay the same."""
    catalog_path = con.execute("select path from duckdb_databases() where database_name = ?", [LAKE]).fetchall()[0][0]
    return str(catalog_path), latest_release(con)


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

    With ``compared`` and nothing published since that comparison (checked inside the release's transaction, so a
    publish from another process in between is seen), the rows it found new or changed are written as it found
    them, and the others (unchanged) are not compared again; otherwise every row is."""
    casts = ", ".join(
        f"cast(nullif({ident(c.name)}, '') as VARCHAR) as {ident(c.name)}"
        if c.type == "VARCHAR"
        else f"cast({ident(c.name)} as {c.type}) as {ident(c.name)}"
        for c in meta.columns
    )
    total = len(rows)

    def work() -> Release:
        known = compared if compared is not None and compared.against == state(cur) else None
        columns, view = meta.column_names, casts
        frame = rows
        if known is not None:
            frame = rows.iloc[known.to_write].assign(_kind=np.where(known.new, "new", "changed"))
            columns, view = [*columns, "_kind"], casts + ", _kind"
        cur.register("_rows_raw", arrow_table(frame[columns]))
        cur.execute(f"create or replace temp view _rows as select {view} from _rows_raw")
        release = _release(
            cur,
            meta,
            "_rows",
            user=user,
            note=note,
            file_name=file_name,
            sha256=sha256,
            rows_in_file=rows_in_file,
            rows_total=total,
            changed_columns=known.columns if known is not None else None,
        )
        cur.execute("drop view _rows")
        return _tagged(cur, user, note, release)

    with _publish_lock:
        cur = con.cursor()
        try:
            return _in_transaction(cur, work)
        finally:
            cur.close()


def _release(
    cur: duckdb.DuckDBPyConnection,
    meta: DatasetMeta,
    source: str,
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
    """One release of ``publish`` over the rows of ``source`` (a staging table or view), inside the caller's
    transaction; ``rows_total`` counts the rows of the upload when ``source`` holds only those that may differ.
    With ``changed_columns``, ``source`` holds only new and changed rows, each with its ``_kind``, as a comparison
    found them with nothing published since (see publish_rows), and the columns that differ in the changed ones:
    they are not compared again. Only new and changed rows are written: changed rows are updated, new ones
    appended; the current table is never rewritten whole."""
    t, v, s = f"{LAKE}.{ident(meta.name)}", f"{LAKE}.{ident(meta.name + '__versions')}", source
    cols = ", ".join(ident(c) for c in meta.column_names)
    on = " and ".join(f"i.{ident(k)} = c.{ident(k)}" for k in meta.primary_key)
    key0 = ident(meta.primary_key[0])
    # a row found by its key has the same key: only the other columns can differ. The update below sets only
    # columns that differ in some row
    others = [c for c in meta.column_names if c not in meta.primary_key]
    same = " and ".join(f"i.{ident(c)} is not distinct from c.{ident(c)}" for c in others) or "true"
    differs = "".join(f", i.{ident(c)} is distinct from c.{ident(c)} as _differs_{n}" for n, c in enumerate(others))
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
    if repeated:  # the lake has no primary key: the update below would take one row silently
        raise duckdb.ConstraintException(
            f"{repeated} staged row(s) repeat the key ({keys}) of another; each key may appear once"
        )
    # the current table has one row per key, so each staged row is new, changed or unchanged
    total = cur.execute(f"select count(*) from {s}").fetchall()[0][0] if rows_total is None else rows_total
    unchanged = total - added - changed
    removed = cur.execute("select count(*) from _removed").fetchall()[0][0]
    rid = _next_release(cur)
    cur.execute(
        f"insert into {LAKE}.releases values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    if added or changed:
        cur.execute(f"insert into {v} select {cols}, ?, 'upsert' from _diff", [rid])
    if removed:
        cur.execute(f"insert into {v} select {cols}, ?, 'delete' from _removed", [rid])
    dk = " and ".join(f"{ident(meta.name)}.{ident(k)} = d.{ident(k)}" for k in meta.primary_key)
    if removed:
        cur.execute(f"delete from {t} using _removed d where {dk}")
    values = ", ".join(f"{ident(c)} = d.{ident(c)}" for c, hit in zip(others, differing) if hit)
    if values and changed:
        cur.execute(f"update {t} set {values} from _diff d where d._kind = 'changed' and {dk}")
    order = ", ".join(ident(c) for c in CLUSTER.get(meta.name, meta.primary_key))
    if added:
        cur.execute(f"insert into {t} select {cols} from _diff where _kind = 'new' order by {order}")
    _derive(cur, meta.name)
    cur.execute("drop table _diff")
    cur.execute("drop table _removed")
    return Release(rid, meta.name, added, changed, removed, unchanged)


def replace_boundaries(
    con: duckdb.DuckDBPyConnection, geometries: dict[str, str], *, user: str, note: str, file_name: str, sha256: str
) -> int:
    """Replace the boundaries of the given regions (GeoJSON geometry text) as one release; returns its id."""

    def work() -> int:
        existing = dict(cur.execute(f"select region_code, geometry from {LAKE}.boundaries").fetchall())
        added = sum(code not in existing for code in geometries)
        changed = sum(code in existing and existing[code] != g for code, g in geometries.items())
        rid = _next_release(cur)
        cur.execute(
            f"insert into {LAKE}.releases values (?, 'boundaries', 'boundaries', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, null)",
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
        written = [(code, g) for code, g in geometries.items() if existing.get(code) != g]
        if written:
            cur.execute("create or replace temp table _written (region_code varchar, geometry varchar)")
            cur.executemany("insert into _written values (?, ?)", written)
            cur.execute(f"insert into {LAKE}.boundaries__versions select *, ?, 'upsert' from _written", [rid])
            cur.execute(f"delete from {LAKE}.boundaries where region_code in (select region_code from _written)")
            cur.execute(f"insert into {LAKE}.boundaries select * from _written")
            cur.execute("drop table _written")
        _tag(cur, user, note, [rid])
        return rid

    with _publish_lock:
        cur = con.cursor()
        try:
            return _in_transaction(cur, work)
        finally:
            cur.close()


def _derive(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Keep tables derived from a dataset in step with it, inside the publish transaction (_diff, _removed)."""
    if name == "regions":
        _refresh_region_closure(cur)
    elif name == "projects":
        cur.execute(
            f"delete from {LAKE}.project_index where project_id in "
            "(select project_id from _diff where _kind = 'changed' union all select project_id from _removed)"
        )
        values = ", ".join(expr for _, expr in PROJECT_INDEX.values())
        cur.execute(
            f"insert into {LAKE}.project_index select {values} from _diff where _kind = 'new' or _kind = 'changed' "
            "order by region_code, project_id"
        )
    elif name == "observations":
        on = " and ".join(f"totals.{k} = d.{k}" for k in TOTALS_KEY.split(", "))
        cur.execute(
            f"delete from {LAKE}.totals using (select {TOTALS_KEY} from _diff where _kind = 'changed' and {TOTAL} "
            f"union all select {TOTALS_KEY} from _removed where {TOTAL}) as d where {on}"
        )
        cur.execute(
            f"insert into {LAKE}.totals select {', '.join(TOTALS)} from _diff "
            f"where (_kind = 'new' or _kind = 'changed') and {TOTAL} order by {TOTALS_KEY}"
        )
        touched = cur.execute(
            f"select exists (select 1 from _diff where {POPULATION}) "
            f"or exists (select 1 from _removed where {POPULATION})"
        ).fetchall()[0][0]
        if touched:  # rebuilt whole, only when a release changes it: from totals, just brought up to date
            cur.execute(f"delete from {LAKE}.population")
            cur.execute(
                f"insert into {LAKE}.population select region_code, year, value from {LAKE}.totals "
                "where indicator_code = 'POP' order by region_code, year"
            )


def _refresh_region_closure(cur: duckdb.DuckDBPyConnection) -> None:
    """Every (area, ancestor-or-self) pair, so roll-ups work for any depth of hierarchy in any country."""
    cur.execute(f"delete from {LAKE}.region_closure")
    cur.execute(
        f"""insert into {LAKE}.region_closure
           with recursive up(region_code, ancestor_code, depth) as (
               select code, code, 0 from {LAKE}.regions
               union all
               select up.region_code, r.parent_code, up.depth + 1
               from up join {LAKE}.regions r on r.code = up.ancestor_code
               where r.parent_code is not null and up.depth < 10
           )
           select * from up"""
    )


_release_at: dict[tuple[str, int], int] = {}  # (store, snapshot) → its newest release: a snapshot never changes


def latest_release(con: duckdb.DuckDBPyConnection) -> int:
    """The newest release id: cached UI results are keyed by it, so a publish shows at once. Every page run asks;
    the lake's current snapshot is one catalogue query, reading the releases table three or more."""
    cur = con.cursor()
    at = (
        cur.execute("select path from duckdb_databases() where database_name = ?", [LAKE]).fetchall()[0][0],
        cur.execute(f"select id from {LAKE}.current_snapshot()").fetchall()[0][0],
    )
    refresh_local_copies(con, at[1])
    if at not in _release_at:
        if len(_release_at) > 1000:
            _release_at.clear()
        _release_at[at] = cur.execute(f"select coalesce(max(id), 0) from {LAKE}.releases").fetchall()[0][0]
    return _release_at[at]


def release_history(con: duckdb.DuckDBPyConnection, dataset_name: str | None = None) -> pd.DataFrame:
    """Every release (or a dataset's), oldest first: who, when, why, which file, what it changed."""
    cur = con.cursor()
    sql = (
        "select id, dataset, kind, published_at, user_name, note, file_name, sha256, rows_in_file, "
        f"rows_added, rows_changed, rows_removed, rows_unchanged, rolls_back from {LAKE}.releases"
    )
    if dataset_name:
        return cur.execute(sql + " where dataset = ? order by id", [dataset_name]).df()
    return cur.execute(sql + " order by id").df()


def release_snapshots(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Release id → the lake snapshot that release made (from the tags of ducklake_snapshots)."""
    rows = (
        con.cursor()
        .execute(
            f"select snapshot_id, commit_extra_info from ducklake_snapshots('{LAKE}') "
            "where commit_extra_info is not null"
        )
        .fetchall()
    )
    found: dict[int, int] = {}
    for snapshot, extra in rows:
        try:
            for rid in json.loads(extra).get("releases", []):
                found[int(rid)] = int(snapshot)
        except (ValueError, AttributeError, TypeError):
            continue  # a snapshot tagged by something else
    return found


@dataclass(frozen=True)
class Maintenance:
    expired: int  # snapshots expired
    kept: int  # snapshots left
    files_before: int  # data files the current tables read
    files_after: int


def maintain(
    con: duckdb.DuckDBPyConnection, keep: int = KEEP_RELEASE_SNAPSHOTS, grace_minutes: float = CLEANUP_GRACE_MIN
) -> Maintenance:
    """Merge small Parquet files, expire snapshots no kept release needs (all but those of the ``keep`` newest
    releases and the current one) and delete the files freed at least ``grace_minutes`` ago (a query that started
    before may still read them). Readers keep working throughout."""
    cur = con.cursor()

    def files() -> int:
        names = cur.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [LAKE]
        ).fetchall()
        return sum(
            cur.execute(f"select count(*) from ducklake_list_files('{LAKE}', ?)", [name]).fetchall()[0][0]
            for (name,) in names
        )

    with _publish_lock:
        before = files()
        cur.execute(f"call ducklake_flush_inlined_data('{LAKE}')")
        cur.execute(f"call ducklake_merge_adjacent_files('{LAKE}')")
        snapshots = [
            s for (s,) in cur.execute(f"select snapshot_id from ducklake_snapshots('{LAKE}') order by 1").fetchall()
        ]
        by_release = release_snapshots(con)
        wanted = {by_release[r] for r in sorted(by_release)[-keep:]} if keep > 0 else set()
        wanted.add(snapshots[-1])
        expire = [s for s in snapshots if s not in wanted]
        if expire:
            cur.execute(f"call ducklake_expire_snapshots('{LAKE}', versions => ?)", [expire])
        cur.execute(
            f"call ducklake_cleanup_old_files('{LAKE}', older_than => now() - to_seconds(?::double))",
            [grace_minutes * 60],
        )
        after = files()
        kept = cur.execute(f"select count(*) from ducklake_snapshots('{LAKE}')").fetchall()[0][0]
    return Maintenance(len(expire), kept, before, after)


def current(con: duckdb.DuckDBPyConnection, dataset_name: str) -> pd.DataFrame:
    """The current rows of a dataset, in key order."""
    meta = dataset(dataset_name)
    order = ", ".join(ident(k) for k in meta.primary_key)
    return con.cursor().execute(f"select * from {LAKE}.{ident(meta.name)} order by {order}").df()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Current rows per catalogued dataset."""
    cur = con.cursor()
    return {name: cur.execute(f"select count(*) from {LAKE}.{ident(name)}").fetchall()[0][0] for name in catalog()}


# Sign-in state (si_metrics.auth): failed attempts and upgraded password hashes. Plain tables in the catalogue's own
# database (the SQLite file, or the PostgreSQL schema of the catalogue), beside DuckLake's tables but not lake
# tables: a failed sign-in is a small row updated and deleted often, which in the lake would be a snapshot, a
# Parquet file and a refresh of every app process's local copies each, and is no data anyone publishes. Every app
# server on the store shares them, and they outlast restarts (not `init --rebuild`, which starts a new store).
STATE = "si_state"  # the name the catalogue's database is attached under, when sign-in needs it
_state_lock = threading.Lock()
# One write at a time per process, retried while another process's write holds the SQLite file: SQLite refuses a
# second writer at once ("database is locked") when its transaction began as a reader, whatever the busy timeout.
_state_writes = threading.Lock()
STATE_WRITE_DEADLINE_S = 10


def _state(con: duckdb.DuckDBPyConnection) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A cursor on the catalogue's database (attached once per connection, its tables made if missing) and the
    qualified prefix of its tables."""
    cur = con.cursor()
    with _state_lock:
        path, options = cur.execute(
            "select path, options from duckdb_databases() where database_name = ?", [LAKE]
        ).fetchall()[0]
        embedded = path.startswith("sqlite:")
        schema = "main" if embedded else options.get("metadata_schema") or "public"
        prefix = STATE + '."' + schema.replace('"', '""') + '"'  # the operator's schema name, quoted
        if cur.execute("select count(*) from duckdb_databases() where database_name = ?", [STATE]).fetchall()[0][0]:
            return cur, prefix
        target = _literal(path.split(":", 1)[1])
        # SQLite: a write that meets a lake commit on the same file waits for it (WAL: a commit takes milliseconds)
        kind = "type sqlite, busy_timeout 10000" if embedded else f"type postgres, schema {_literal(schema)}"
        cur.execute(f"attach {target} as {STATE} ({kind})")
        cur.execute(
            f"create table if not exists {prefix}.si_sign_in_failures "
            "(subject varchar not null, failed_at double not null)"
        )
        cur.execute(
            f"create table if not exists {prefix}.si_password_upgrades "
            "(account varchar not null, replaces varchar not null, hash varchar not null, upgraded_at double not null)"
        )
    return cur, prefix


def _state_write(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, list]]) -> None:
    """Run write statements on the sign-in tables (``{t}`` stands for their prefix) in one transaction."""
    cur, prefix = _state(con)
    deadline = time.monotonic() + STATE_WRITE_DEADLINE_S
    with _state_writes:
        while True:
            cur.execute("begin transaction")
            try:
                for sql, params in statements:
                    cur.execute(sql.format(t=prefix), params)
                cur.execute("commit")
                return
            except duckdb.Error as exc:
                with contextlib.suppress(duckdb.Error):
                    cur.execute("rollback")
                if not _is_conflict(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(random.uniform(0.01, 0.05))


def sign_in_failures(con: duckdb.DuckDBPyConnection, subjects: list[str], since: float) -> dict[str, tuple[int, float]]:
    """Failed sign-ins of each subject since ``since`` (epoch seconds): subject → (count, time of the last)."""
    cur, prefix = _state(con)
    rows = cur.execute(
        f"select subject, count(*), max(failed_at) from {prefix}.si_sign_in_failures "
        "where failed_at >= ? and subject in (select unnest(?)) group by subject",
        [since, subjects],
    ).fetchall()
    return {subject: (int(count), float(last)) for subject, count, last in rows}


def record_sign_in_failure(
    con: duckdb.DuckDBPyConnection, subjects: list[str], at: float, forget_before: float
) -> None:
    """Count one failed sign-in for each subject (one transaction: all or none), and forget those before
    ``forget_before``, which nothing counts any more."""
    _state_write(
        con,
        [
            ("delete from {t}.si_sign_in_failures where failed_at < ?", [forget_before]),
            ("insert into {t}.si_sign_in_failures select unnest(?), ?", [subjects, at]),
        ],
    )


def clear_sign_in_failures(con: duckdb.DuckDBPyConnection, subjects: list[str]) -> None:
    """Forget the failed sign-ins of these subjects (after a good sign-in)."""
    _state_write(con, [("delete from {t}.si_sign_in_failures where subject in (select unnest(?))", [subjects])])


def password_upgrade(con: duckdb.DuckDBPyConnection, account: str, replaces: str) -> str | None:
    """The newest hash stored for ``account`` in place of the configured hash whose fingerprint is ``replaces``."""
    cur, prefix = _state(con)
    found = cur.execute(
        f"select hash from {prefix}.si_password_upgrades where account = ? and replaces = ? "
        "order by upgraded_at desc limit 1",
        [account, replaces],
    ).fetchall()
    return str(found[0][0]) if found else None


def save_password_upgrade(con: duckdb.DuckDBPyConnection, account: str, replaces: str, hash_: str, at: float) -> None:
    """Keep ``hash_`` as the account's hash in place of the configured one (fingerprint ``replaces``), in place of
    any older upgrade of the account."""
    _state_write(
        con,
        [
            ("delete from {t}.si_password_upgrades where account = ?", [account]),
            ("insert into {t}.si_password_upgrades values (?, ?, ?, ?)", [account, replaces, hash_, at]),
        ],
    )
