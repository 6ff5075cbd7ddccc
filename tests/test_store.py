"""The DuckDB store: built from datasets/, every load a release, history kept, current data maintained."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from si_metrics import store
from si_metrics.catalog import DATASETS_DIR, catalog, dataset
from si_metrics.queries import QUERIES_DIR, names


@pytest.fixture
def fresh_store(any_store):
    """The store's own tests run against both catalogues (SQLite and PostgreSQL)."""
    return any_store


def csv_rows(name: str) -> int:
    with (DATASETS_DIR / f"{name}.csv").open(encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_build_records_one_release_per_dataset(fresh_store):
    history = store.release_history(fresh_store)
    assert list(history["id"]) == list(range(1, len(catalog()) + 1))
    assert list(history["dataset"]) == list(catalog())
    assert set(history["user_name"]) == {"system"} and set(history["kind"]) == {"initial"}
    for r in history.itertuples():
        assert r.rows_added == r.rows_in_file == csv_rows(r.dataset)
        assert r.sha256 == store.file_sha256(DATASETS_DIR / f"{r.dataset}.csv")
        assert r.file_name == f"datasets/{r.dataset}.csv"


def test_open_is_idempotent_and_rebuild_keeps_a_backup(tmp_path: Path):
    path = tmp_path / "s"
    store.open_store(path).close()
    con = store.open_store(path)
    assert store.latest_release(con) == len(catalog())
    con.close()
    con = store.open_store(path, rebuild=True)
    assert store.latest_release(con) == len(catalog())
    con.close()
    assert len(list(tmp_path.glob("s.bak-*"))) == 1


def test_read_only_open(tmp_path: Path):
    with pytest.raises(store.StoreError, match="init"):
        store.open_store(tmp_path / "missing", read_only=True)
    store.open_store(tmp_path / "s").close()
    con = store.open_store(tmp_path / "s", read_only=True)
    assert store.latest_release(con) == len(catalog())
    con.close()


def _stage(con, meta, rows: list[dict], tmp_path: Path) -> str:
    path = tmp_path / f"{meta.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=meta.column_names)
        w.writeheader()
        w.writerows(rows)
    return store.stage_csv(con, meta, path)


def test_publish_versions_changes_and_never_overwrites_history(fresh_store, tmp_path: Path):
    meta = dataset("observations")
    base = {"flag": "", "sex": "T", "age": "TOTAL", "source": "test", "vintage": "2026"}
    rows = [
        {**base, "indicator_code": "AROPE_EU2020", "region_code": "BG31", "year": 2008, "value": 52.5},  # same
        {**base, "indicator_code": "AROPE_EU2020", "region_code": "BG41", "year": 2015, "value": 31.5},  # changed
        {**base, "indicator_code": "UNEMP", "region_code": "BG31", "year": 2025, "value": 8.8},  # new
    ]
    rows[0].update(source="Eurostat tgs00107", vintage="2018")
    before = store.latest_release(fresh_store)
    rel = store.publish(
        fresh_store,
        meta,
        _stage(fresh_store, meta, rows, tmp_path),
        user="tester",
        note="fix",
        file_name="x.csv",
        sha256="0" * 64,
    )
    assert (rel.id, rel.rows_added, rel.rows_changed, rel.rows_unchanged, rel.rows_removed) == (before + 1, 1, 1, 1, 0)
    cur = fresh_store.cursor()
    assert cur.execute(
        "select value from observations where region_code = 'BG41' and year = 2015 and indicator_code = 'AROPE_EU2020'"
    ).fetchone() == (31.5,)
    history = cur.execute(
        "select value, _release_id, _op from observations__versions where region_code = 'BG41' and year = 2015 "
        "and indicator_code = 'AROPE_EU2020' order by _release_id"
    ).fetchall()
    assert [h[0] for h in history] == [30.0, 31.5] and history[1][1:] == (rel.id, "upsert")
    assert cur.execute("select count(*) from information_schema.tables where table_schema = 'staging'").fetchone() == (
        0,
    )


def test_publish_updates_each_column_that_changed_and_keeps_the_rest(fresh_store, tmp_path: Path):
    meta = dataset("observations")
    current = store.current(fresh_store, "observations")
    some = current[current["region_code"] == "BG31"].head(3)
    rows = some.astype(object).where(some.notna(), "").to_dict("records")  # a missing flag is an empty cell
    rows[0]["value"] = 99.5  # only the value changes
    rows[1]["flag"] = "e"  # only the flag
    rel = store.publish(
        fresh_store,
        meta,
        _stage(fresh_store, meta, rows, tmp_path),
        user="tester",
        note="fix",
        file_name="x.csv",
        sha256=None,
    )
    assert (rel.rows_added, rel.rows_changed, rel.rows_unchanged) == (0, 2, 1)
    expected = current.copy()
    expected.loc[expected.index[current["region_code"] == "BG31"][0], "value"] = 99.5
    expected.loc[expected.index[current["region_code"] == "BG31"][1], "flag"] = "e"
    assert store.current(fresh_store, "observations").equals(expected)


def test_rows_reach_duckdb_in_batches_unchanged():
    import pandas as pd

    frame = pd.DataFrame({"n": range(250_000), "text": [f"r{i}" for i in range(250_000)]})
    table = store.arrow_table(frame)
    assert [len(b) for b in table.to_batches()] == [122_880, 122_880, 4_240]
    cur = store.duckdb.connect().cursor()
    cur.register("t", table)
    assert cur.execute("select * from t").df().equals(frame)
    assert store.arrow_table(frame.iloc[0:0]).num_rows == 0


def test_publish_with_replace_marks_missing_rows_deleted(fresh_store, tmp_path: Path):
    meta = dataset("targets")
    current = store.current(fresh_store, "targets")
    keep = current[current["region_code"] == "BG"].to_dict("records")
    rel = store.publish(
        fresh_store,
        meta,
        _stage(fresh_store, meta, keep, tmp_path),
        user="tester",
        note="drop EU",
        file_name="t.csv",
        sha256=None,
        replace=True,
    )
    assert (rel.rows_removed, rel.rows_unchanged) == (1, 1)
    assert list(store.current(fresh_store, "targets")["region_code"]) == ["BG"]
    ops = (
        fresh_store.cursor()
        .execute("select region_code, _op from targets__versions where _release_id = ?", [rel.id])
        .fetchall()
    )
    assert ops == [("EU27_2020", "delete")]


def test_a_failed_publish_changes_nothing(fresh_store, tmp_path: Path):
    meta = dataset("observations")
    before = store.current(fresh_store, "observations")
    releases = store.latest_release(fresh_store)
    row = {
        "indicator_code": "POP",
        "region_code": "BG",
        "year": 2016,
        "value": 1,
        "flag": "",
        "sex": "T",
        "age": "TOTAL",
        "source": "s",
        "vintage": "v",
    }
    staged = _stage(fresh_store, meta, [row, row], tmp_path)  # duplicate key: violates the primary key
    with pytest.raises(
        store.duckdb.ConstraintException, match=r"^1 staged row\(s\) repeat the key .* each key may appear once$"
    ):
        store.publish(fresh_store, meta, staged, user="t", note="dup", file_name=None, sha256=None)
    assert store.latest_release(fresh_store) == releases
    assert store.current(fresh_store, "observations").equals(before)
    assert fresh_store.cursor().execute(
        "select count(*) from information_schema.tables where table_schema = 'staging'"
    ).fetchone() == (0,)


def test_region_closure_rolls_up_any_depth(con):
    rows = (
        con.cursor()
        .execute("select ancestor_code from region_closure where region_code = 'BG311' order by depth")
        .fetchall()
    )
    assert [r[0] for r in rows] == ["BG311", "BG31", "BG3", "BG"]


def test_identifiers_only_from_the_allow_list():
    assert store.ident("observations") == '"observations"'
    for bad in ('x"; drop table releases; --', "Observations", "1abc", ""):
        with pytest.raises(ValueError, match="not an allowed identifier"):
            store.ident(bad)


def test_named_queries_state_their_grain_and_bind_values():
    assert {"regions", "total_values", "eu_funds_in_region"} <= set(names())
    for path in (p for p in QUERIES_DIR.glob("*.sql") if not p.name.startswith("_")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- grain: "), path.name
        assert not re.search(r"\{[a-z_][a-z0-9_]*\}|%s|%\(", text), f"{path.name}: values must be bound, not formatted"


def test_latest_total_respects_the_period(con):
    from si_metrics.kpis import Totals, reader, total_calls

    totals = Totals(reader(con)(total_calls(["AROPE_EU2020", "AROPE", "POP"], ["BG31", "BG311"])))
    fig = totals.latest("AROPE_EU2020", "BG31", 2008, 2012)
    assert (fig.year, fig.value) == (2012, 52.6)
    assert totals.latest("AROPE_EU2020", "BG31", 2013, 2013).value == 52.8
    assert totals.latest("AROPE", "BG311", 2000, 2030) is None  # districts have no AROPE
    assert totals.latest("POP", "BG311", 2000, 2030).value == 70542  # the latest year: 2025
    assert totals.latest("POP", "BG311", 2000, 2015) is None  # the population series starts in 2016


def test_an_area_without_municipal_funding_has_no_funding_figures(con):
    from si_metrics.kpis import home_kpis, reader

    k = home_kpis(reader(con), "EU27_2020", 2006, 2030)
    assert (k.eu_funds_contracted_eur, k.eu_funds_per_person_eur, k.projects) == (None, None, 0)
    assert k.poverty.value == 21.0  # the EU's own AROPE 2024


def test_queries_run_at_once_give_each_result_in_order_and_any_error(con, monkeypatch):
    """ui.data.query_all: the page's independent queries on threads of their own, each as ui.data.query gives it."""
    from pandas.testing import assert_frame_equal

    from si_metrics.queries import run
    from ui import data

    monkeypatch.setattr(data, "connection", lambda: con)
    release = -7  # a release id no store has: nothing cached before
    calls = [("total_values", dict(code=code, indicators=["POP"])) for code in ("BG311", "BG31", "BG")]
    frames = data.query_all(release, *calls, ("year_bounds", {}))
    assert [f["value"].iloc[0] for f in frames[:3]] == [70542, 655430, 6437360]  # newest first: 1 January 2025
    for frame, (name, params) in zip(frames, [*calls, ("year_bounds", {})]):
        assert_frame_equal(frame, run(con, name, **params))
    with pytest.raises(KeyError, match="no query named 'no_such_query'"):
        data.query_all(release, ("year_bounds", {}), ("no_such_query", {}))


def _derived(con) -> tuple[list, list, list]:
    """(project_index as kept, project_index derived afresh from projects, population table)."""
    cur = con.cursor()
    exprs = ", ".join(expr for _, expr in store.PROJECT_INDEX.values())
    kept = cur.execute("select * from project_index order by project_id").fetchall()
    fresh = cur.execute(f"select {exprs} from projects order by project_id").fetchall()
    population = cur.execute("select * from population order by region_code, year").fetchall()
    return kept, fresh, population


def _totals(con) -> tuple[list, list]:
    """(totals as kept, the total rows of observations derived afresh)."""
    cur, cols = con.cursor(), ", ".join(store.TOTALS)
    kept = cur.execute(f"select {cols} from totals order by {store.TOTALS_KEY}").fetchall()
    fresh = cur.execute(f"select {cols} from observations where {store.TOTAL} order by {store.TOTALS_KEY}").fetchall()
    return kept, fresh


def test_derived_tables_follow_publish_and_rollback(fresh_store, tmp_path: Path):
    from si_metrics import releases

    kept, fresh, population = _derived(fresh_store)
    assert kept == fresh and len(kept) == csv_rows("projects")
    assert ("BG", 2025, 6437360.0) in population  # Eurostat population of Bulgaria, 1 January 2025
    # a project renamed in Cyrillic and moved to another district; a new population figure
    project = store.current(fresh_store, "projects").iloc[0].to_dict()
    moved = {
        **project,
        "title_bg": "Нов живот за Враца",
        "region_code": "BG313" if project["region_code"] != "BG313" else "BG314",
    }
    meta = dataset("projects")
    rel = store.publish(
        fresh_store,
        meta,
        _stage(fresh_store, meta, [moved], tmp_path),
        user="t",
        note="move",
        file_name=None,
        sha256=None,
    )
    obs = dataset("observations")
    pop = {
        "indicator_code": "POP",
        "region_code": "BG",
        "year": 2025,
        "value": 6400000,
        "flag": "",
        "sex": "T",
        "age": "TOTAL",
        "source": "test",
        "vintage": "2026",
    }
    new_total = {**pop, "indicator_code": "AROPE", "region_code": "BG311", "year": 2024, "value": 31.5}
    women = {**new_total, "sex": "F", "value": 33.0}  # a breakdown row: not a total
    totals_before = _totals(fresh_store)[0]
    assert len(totals_before) == len(_totals(fresh_store)[1]) > 0
    rel_pop = store.publish(
        fresh_store,
        obs,
        _stage(fresh_store, obs, [pop, new_total, women], tmp_path),
        user="t",
        note="pop",
        file_name=None,
        sha256=None,
    )
    kept, fresh, population = _derived(fresh_store)
    assert kept == fresh
    totals, expected = _totals(fresh_store)
    assert totals == expected and len(totals) == len(totals_before) + 1
    assert ("BG311", "AROPE", 2024, 31.5, None, "test") in totals
    assert ("BG", "POP", 2025, 6400000.0, None, "test") in totals
    row = (
        fresh_store.cursor()
        .execute("select region_code, search_key from project_index where project_id = ?", [project["project_id"]])
        .fetchone()
    )
    assert row[0] == moved["region_code"] and "nov zhivot za vratsa" in row[1]
    assert ("BG", 2025, 6400000.0) in population
    releases.rollback(fresh_store, rel.id, user="t", note="undo")
    releases.rollback(fresh_store, rel_pop.id, user="t", note="undo")
    kept, fresh, population = _derived(fresh_store)
    assert kept == fresh
    assert fresh_store.cursor().execute(
        "select region_code from project_index where project_id = ?", [project["project_id"]]
    ).fetchone() == (project["region_code"],)
    assert ("BG", 2025, 6437360.0) in population
    assert _totals(fresh_store)[0] == totals_before


def _publish_value(con, tmp_path: Path, value: float, user: str = "tester"):
    meta = dataset("observations")
    row = {
        "indicator_code": "UNEMP",
        "region_code": "BG31",
        "year": 2025,
        "value": value,
        "flag": "",
        "sex": "T",
        "age": "TOTAL",
        "source": "test",
        "vintage": "2026",
    }
    return store.publish(
        con, meta, _stage(con, meta, [row], tmp_path), user=user, note=f"v{value}", file_name="x.csv", sha256="ab" * 32
    )


def _unemp(con) -> float:
    return (
        con.cursor()
        .execute(
            "select value from observations where indicator_code = 'UNEMP' and region_code = 'BG31' and year = 2025"
        )
        .fetchone()[0]
    )


def test_each_release_is_one_snapshot_tagged_with_its_number_user_and_note(fresh_store, tmp_path: Path):
    rel = _publish_value(fresh_store, tmp_path, 4.5, user="maria")
    tags = store.release_snapshots(fresh_store)
    assert set(tags) == set(range(1, rel.id + 1))
    assert len({tags[r] for r in range(1, rel.id)}) == 1  # the whole build is one snapshot
    author, message = (
        fresh_store.cursor()
        .execute("select author, commit_message from lake.snapshots() where snapshot_id = ?", [tags[rel.id]])
        .fetchone()
    )
    assert (author, message) == ("maria", "v4.5")
    assert tags[rel.id] == fresh_store.cursor().execute("select id from lake.current_snapshot()").fetchone()[0]


def test_maintain_merges_expires_and_keeps_history_and_rollback(fresh_store, tmp_path: Path):
    rels = [_publish_value(fresh_store, tmp_path, v) for v in (1.5, 2.5, 3.5, 4.5)]
    snapshots = fresh_store.cursor().execute("select count(*) from lake.snapshots()").fetchone()[0]
    history = store.release_history(fresh_store)
    done = store.maintain(fresh_store, keep=2, grace_minutes=0)
    kept = {s for (s,) in fresh_store.cursor().execute("select snapshot_id from lake.snapshots()").fetchall()}
    current = fresh_store.cursor().execute("select id from lake.current_snapshot()").fetchone()[0]
    tags = store.release_snapshots(fresh_store)
    # the two newest releases' snapshots and the current one (made by merging) are left; every other expired
    assert kept == {tags[rels[-2].id], tags[rels[-1].id], current} and len(kept) == done.kept == 3
    assert done.expired >= snapshots - 2  # the build's and the older releases' too
    assert _unemp(fresh_store) == 4.5
    assert store.release_history(fresh_store).equals(history)  # history is never rewritten
    from si_metrics import releases

    undo = releases.rollback(fresh_store, rels[1].id, user="t", note="back to 1.5")  # older than any kept snapshot
    assert _unemp(fresh_store) == 1.5 and undo.id == rels[-1].id + 1


def test_the_embedded_catalogue_is_sqlite_in_wal_mode_and_nothing_is_downloaded(tmp_path: Path):
    import sqlite3

    con = store.open_store(tmp_path / "s")
    settings = con.execute(
        "select current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')"
    ).fetchone()
    assert settings == (False, False)
    loaded = dict(con.execute("select extension_name, loaded from duckdb_extensions() where loaded").fetchall())
    assert {"ducklake", "sqlite_scanner"} <= set(loaded)
    con.close()
    catalogue = sqlite3.connect(tmp_path / "s" / "catalog.sqlite")
    assert catalogue.execute("pragma journal_mode").fetchone() == ("wal",)
    catalogue.close()
    assert list((tmp_path / "s" / "data").rglob("*.parquet"))  # the rows live in Parquet files beside it


def test_a_copied_embedded_store_opens_where_it_is(tmp_path: Path):
    import shutil

    store.open_store(tmp_path / "s").close()
    shutil.copytree(tmp_path / "s", tmp_path / "copy")
    shutil.rmtree(tmp_path / "s")
    con = store.open_store(tmp_path / "copy", read_only=True)
    assert store.row_counts(con)["observations"] == csv_rows("observations")
    con.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_read_only_open_of_a_store_never_built_says_init(request, tmp_path: Path, kind):
    from conftest import store_location

    where = store_location(request, kind, tmp_path / "never")
    assert not store.built(where)
    with pytest.raises(store.NotBuilt, match="init"):
        store.open_store(where, read_only=True)
    store.open_store(where).close()
    assert store.built(where)


def _total_unemp(con) -> float:
    """The value in totals, a table the app reads from its local copy."""
    return (
        con.cursor()
        .execute("select value from totals where indicator_code = 'UNEMP' and region_code = 'BG31' and year = 2025")
        .fetchall()[0][0]
    )


def test_local_copies_show_each_release(request, tmp_path: Path):
    from conftest import store_location

    where = store_location(request, "sqlite", tmp_path / "store")
    reader, writer = store.open_store(where), store.open_store(where)
    try:
        _publish_value(writer, tmp_path, 1.0)
        store.keep_local_copies(reader)
        plan = reader.cursor().execute("explain select * from totals").fetchall()
        assert "ducklake" not in str(plan).lower()  # read from memory, not the lake
        assert _total_unemp(reader) == 1.0
        _publish_value(reader, tmp_path, 2.0)  # its own publish: seen at once
        assert _total_unemp(reader) == 2.0
        _publish_value(writer, tmp_path, 3.0)  # another connection's: seen from the next latest_release on
        assert _total_unemp(reader) == 2.0
        release = store.latest_release(reader)
        assert _total_unemp(reader) == 3.0 == _unemp(reader)
        assert release == store.latest_release(writer)
        copies = reader.cursor().execute(
            "select count(*) from duckdb_tables() where database_name = 'memory' and starts_with(table_name, 'copy')"
        )
        assert copies.fetchall()[0][0] == len(store.LOCAL_COPIES)  # the old ones dropped
    finally:
        reader.close()
        writer.close()
