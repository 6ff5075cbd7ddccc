"""Publish, history and rollback, in process and through the command line; concurrency; nothing ever half-done."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import ROOT
from si_metrics import releases, store
from si_metrics.catalog import catalog
from si_metrics.exporting import to_csv_bytes
from si_metrics.ingest import pipeline

GOOD = "indicator_code,region_code,year,value,flag\nUNEMP,BG31,2024,9.9,\nUNEMP,BG311,2025,7.5,p\n"
BAD = "indicator_code,region_code,year,value\nUNEMP,BG31,2024,9.9\nUNEMP,BG31,2023,n/a\n"


@pytest.fixture
def fresh_store(any_store):
    """The store's own tests run against both catalogues (SQLite and PostgreSQL)."""
    return any_store


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SI_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "si_metrics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


def full_export(con) -> dict[str, bytes]:
    """Every dataset as exported, plus the releases and the row count of every history table."""
    out = {name: to_csv_bytes(store.current(con, name)) for name in catalog()}
    out["releases"] = to_csv_bytes(store.release_history(con))
    cur = con.cursor()
    out["versions"] = str(
        [cur.execute(f"select count(*) from {store.ident(n + '__versions')}").fetchone() for n in catalog()]
    ).encode()
    return out


def export_of(data_dir: Path) -> dict[str, bytes]:
    con = store.open_store(data_dir / "store")
    try:
        return full_export(con)
    finally:
        con.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A built store in a data directory of its own, for command-line runs."""
    assert cli(tmp_path, "init").returncode == 0
    return tmp_path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def value(con, indicator: str, region: str, year: int):
    found = (
        con.cursor()
        .execute(
            "select value, flag from observations where indicator_code = ? and region_code = ? "
            "and year = ? and sex = 'T' and age = 'TOTAL'",
            [indicator, region, year],
        )
        .fetchall()
    )
    return found[0] if found else None


def staging_tables(con) -> int:
    return (
        con.cursor()
        .execute("select count(*) from information_schema.tables where table_schema = 'staging'")
        .fetchone()[0]
    )


def test_publish_records_one_release_with_who_why_file_and_counts(fresh_store):
    before = store.latest_release(fresh_store)
    prepared = pipeline.prepare(fresh_store, GOOD.encode(), "unemployment.csv")
    rel = pipeline.publish(fresh_store, prepared, user="maria", note="LFS 2025")
    assert (rel.id, rel.rows_added, rel.rows_changed, rel.rows_unchanged) == (before + 1, 1, 1, 0)
    r = store.release_history(fresh_store).iloc[-1]
    assert (r.user_name, r.note, r.file_name, r.kind, r.rows_in_file) == (
        "maria",
        "LFS 2025",
        "unemployment.csv",
        "publish",
        2,
    )
    assert r.sha256 == prepared.sha256 and len(r.sha256) == 64
    assert value(fresh_store, "UNEMP", "BG31", 2024) == (9.9, None)
    assert value(fresh_store, "UNEMP", "BG311", 2025) == (7.5, "p")
    assert staging_tables(fresh_store) == 0


def test_a_cancelled_upload_changes_nothing(fresh_store):
    before = full_export(fresh_store)
    prepared = pipeline.prepare(fresh_store, GOOD.encode(), "u.csv")
    assert prepared.ok and prepared.diff.changed == 1  # looked at, then not published
    assert full_export(fresh_store) == before
    assert staging_tables(fresh_store) == 0


def test_a_failure_inside_the_transaction_changes_nothing(fresh_store, monkeypatch):
    before = full_export(fresh_store)
    prepared = pipeline.prepare(fresh_store, GOOD.encode(), "u.csv")

    def broken_clock():
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_now", broken_clock)  # fails after staging, inside the transaction
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.publish(fresh_store, prepared, user="maria", note="n")
    monkeypatch.undo()
    assert full_export(fresh_store) == before
    assert staging_tables(fresh_store) == 0


def test_rollback_restores_values_as_a_new_release_and_keeps_all_history(fresh_store):
    original = store.current(fresh_store, "observations")
    first = pipeline.publish(
        fresh_store, pipeline.prepare(fresh_store, GOOD.encode(), "a.csv"), user="maria", note="first"
    )
    second_file = "indicator_code,region_code,year,value\nUNEMP,BG31,2024,10.5\n"
    second = pipeline.publish(
        fresh_store, pipeline.prepare(fresh_store, second_file.encode(), "b.csv"), user="ivan", note="second"
    )
    assert value(fresh_store, "UNEMP", "BG31", 2024) == (10.5, None)
    versions = fresh_store.cursor().execute("select count(*) from observations__versions").fetchone()[0]

    undo = releases.rollback(fresh_store, second.id, user="maria", note="wrong file")
    assert value(fresh_store, "UNEMP", "BG31", 2024) == (9.9, None)  # as after the first publish
    assert (undo.id, undo.rows_changed, undo.rows_removed) == (second.id + 1, 1, 0)

    back = releases.rollback(fresh_store, first.id, user="maria", note="all of it")
    assert store.current(fresh_store, "observations").equals(original)
    assert (back.rows_changed, back.rows_removed) == (1, 1)  # BG31 changed back, the new BG311 row deleted
    history = store.release_history(fresh_store, "observations")
    assert list(history["kind"].tail(4)) == ["publish", "publish", "rollback", "rollback"]
    assert list(history["rolls_back"].tail(2)) == [second.id, first.id]
    assert fresh_store.cursor().execute("select count(*) from observations__versions").fetchone()[0] == versions + 3
    assert releases.state_before(fresh_store, "observations", first.id).equals(original)
    assert set(releases.changes(fresh_store, back.id)["_op"]) == {"upsert", "delete"}


def test_release_changes_list_old_to_new_changed_rows_first(fresh_store):
    first = pipeline.publish(
        fresh_store, pipeline.prepare(fresh_store, GOOD.encode(), "a.csv"), user="maria", note="first"
    )
    found = releases.release_changes(fresh_store, first.id)
    assert (found.total, found.keys) == (2, ["indicator_code", "region_code", "year", "sex", "age"])
    rows = found.rows
    assert rows[["change", "region_code", "year"]].values.tolist() == [
        ["changed", "BG31", 2024],
        ["new", "BG311", 2025],
    ]
    assert rows["changes"].iloc[0].startswith("value: 9.7 → 9.9; flag: b → (empty); source: Eurostat tgs00010")
    assert rows["changes"].iloc[1].startswith("value: 7.5; flag: p; source: Upload: a.csv; vintage: ")
    undo = releases.rollback(fresh_store, first.id, user="ivan", note="undo")
    back = releases.release_changes(fresh_store, undo.id, limit=1)
    assert back.total == 2 and back.rows[["change", "region_code"]].values.tolist() == [["changed", "BG31"]]
    assert back.rows["changes"].iloc[0].startswith("value: 9.9 → 9.7; flag: (empty) → b; source: Upload: a.csv → ")
    removed = releases.release_changes(fresh_store, undo.id, limit=None).rows.iloc[1]
    assert (removed.change, removed.region_code) == ("removed", "BG311")
    assert releases.release_changes(fresh_store, 1, limit=3).total == 38  # the initial load of the 38 areas
    with pytest.raises(ValueError, match="there is no release 999"):
        releases.release_changes(fresh_store, 999)


def test_release_changes_show_whole_numbers_as_the_file_had_them(fresh_store):
    upload = "indicator_code,region_code,year,value\nPOP,BG311,2025,70600\nPOP,BG311,2030,700000000\n"
    done = pipeline.publish(
        fresh_store, pipeline.prepare(fresh_store, upload.encode(), "pop.csv"), user="maria", note="population"
    )
    rows = releases.release_changes(fresh_store, done.id).rows.set_index("year")["changes"]
    assert rows[2025].startswith("value: 70542 → 70600; source: Eurostat demo_r_pjanaggr3 → Upload: pop.csv")
    assert rows[2030].startswith("value: 700000000; source: Upload: pop.csv")


def test_rollback_refuses_the_initial_load_and_unknown_releases(fresh_store):
    with pytest.raises(ValueError, match="initial load of regions"):
        releases.rollback(fresh_store, 1, user="maria", note="n")
    with pytest.raises(ValueError, match="there is no release 999"):
        releases.rollback(fresh_store, 999, user="maria", note="n")


def test_two_threads_publishing_at_once_both_land_one_after_the_other(fresh_store):
    files = {
        "a.csv": "indicator_code,region_code,year,value\nUNEMP,BG31,2030,1\n",
        "b.csv": "indicator_code,region_code,year,value\nUNEMP,BG32,2030,2\n",
    }
    prepared = {name: pipeline.prepare(fresh_store, text.encode(), name) for name, text in files.items()}
    start = threading.Barrier(2)
    done, failed = [], []

    def publish(name):
        start.wait()
        try:
            done.append(pipeline.publish(fresh_store, prepared[name], user=name, note="thread"))
        except Exception as exc:
            failed.append(exc)

    threads = [threading.Thread(target=publish, args=(n,)) for n in files]
    before = store.latest_release(fresh_store)
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failed == []
    assert sorted(r.id for r in done) == [before + 1, before + 2]
    assert all((r.rows_added, r.rows_changed) == (1, 0) for r in done)
    assert value(fresh_store, "UNEMP", "BG31", 2030) == (1.0, None)
    assert value(fresh_store, "UNEMP", "BG32", 2030) == (2.0, None)
    assert staging_tables(fresh_store) == 0


def test_two_processes_publishing_at_once_both_land_one_after_the_other(data_dir, tmp_path):
    env = {**os.environ, "SI_DATA_DIR": str(data_dir)}
    paths = [
        write(tmp_path, f"{n}.csv", f"indicator_code,region_code,year,value\nUNEMP,BG3{n},2031,{n}\n") for n in (1, 2)
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "si_metrics", "publish", str(p), "--user", p.stem, "--note", "race"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for p in paths
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    for p, (_out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    history = cli(data_dir, "history", "observations").stdout.splitlines()
    published = [line.split("\t") for line in history if "\tpublish\t" in line]
    assert sorted(fields[4] for fields in published) == ["1", "2"]  # who published: both, nothing lost
    ids = [int(fields[0]) for fields in published]
    assert ids == sorted(ids) and len(set(ids)) == 2  # each its own release number, in the order they landed
    con = store.open_store(data_dir / "store", read_only=True)
    try:
        assert value(con, "UNEMP", "BG31", 2031) == (1.0, None)
        assert value(con, "UNEMP", "BG32", 2031) == (2.0, None)
    finally:
        con.close()


def test_the_command_line_publishes_while_the_app_holds_the_store_open(data_dir, tmp_path):
    holder = store.open_store(data_dir / "store")  # as the running app does, a query in hand
    try:
        seen = store.latest_release(holder)
        result = cli(data_dir, "publish", str(write(tmp_path, "u.csv", GOOD)), "--user", "maria", "--note", "n")
        assert result.returncode == 0, result.stderr
        for command in (("validate", str(write(tmp_path, "v.csv", GOOD))), ("history",), ("export", "targets")):
            done = cli(data_dir, *command)
            assert done.returncode == 0, (command, done.stderr)
        # the holder sees the new release on its next query, without reopening
        assert store.latest_release(holder) == seen + 1
        assert value(holder, "UNEMP", "BG311", 2025) == (7.5, "p")
    finally:
        holder.close()


def test_a_file_with_errors_is_not_published_by_the_command_line(data_dir, tmp_path):
    before = export_of(data_dir)
    result = cli(data_dir, "publish", str(write(tmp_path, "bad.csv", BAD)), "--user", "maria", "--note", "n")
    assert result.returncode == 1
    assert "line 3, column value: 'n/a': expected a number" in result.stdout
    assert result.stderr.strip() == "error: 1 problem(s) in bad.csv; nothing was published"
    assert export_of(data_dir) == before


def test_validate_prints_detection_counts_errors_and_exits_0_only_when_publishable(data_dir, tmp_path):
    good = cli(data_dir, "validate", str(write(tmp_path, "good.csv", GOOD)))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "detected: tidy observations template; encoding utf-8; delimiter ','; decimal '.'" in good.stdout
    assert "rows: 2 read, 2 ready, 0 skipped" in good.stdout
    assert "diff: 1 new, 1 changed (1 with a new value), 0 unchanged" in good.stdout
    assert good.stdout.rstrip().endswith("publishable: yes")
    bad = cli(data_dir, "validate", str(write(tmp_path, "bad.csv", BAD)))
    assert bad.returncode == 1
    assert "errors: 1 (not_a_number 1)" in bad.stdout and bad.stdout.rstrip().endswith("publishable: no")
    office = tmp_path / "office.csv"
    office.write_bytes("показател;област;година;стойност\nSMD;Югоизточен;2015;33,9\n".encode("cp1251"))
    detected = cli(
        data_dir, "validate", str(office), "--encoding", "windows-1251", "--delimiter", ";", "--decimal", ","
    )
    assert detected.returncode == 0
    assert "encoding cp1251; delimiter ';'; decimal ','" in detected.stdout


def test_publish_history_and_rollback_from_the_command_line(data_dir, tmp_path):
    initial = len(catalog())
    published = cli(data_dir, "publish", str(write(tmp_path, "u.csv", GOOD)), "--user", "maria", "--note", "two\nlines")
    assert published.returncode == 0, published.stderr
    assert f"release {initial + 1}: observations published by maria: 1 new, 1 changed, 0 unchanged" in published.stdout
    rolled = cli(data_dir, "rollback", str(initial + 1), "--user", "ivan", "--note", "undo")
    assert rolled.returncode == 0, rolled.stderr
    assert rolled.stdout.startswith(f"release {initial + 2}: observations as before release {initial + 1}")
    lines = cli(data_dir, "history").stdout.splitlines()
    assert [int(re.match(r"^(\d+)\t", ln).group(1)) for ln in lines] == list(range(1, initial + 3))
    assert lines[-2].split("\t")[3:5] == ["publish", "maria"] and lines[-2].endswith("u.csv\ttwo lines")
    assert lines[-1].split("\t")[3:5] == [f"rollback of {initial + 1}", "ivan"]
    assert lines[-2].split("\t")[5] == "1 new, 1 changed, 0 removed, 0 unchanged"
    bundled = len(catalog()["observations"].csv_path.read_text(encoding="utf-8").splitlines()) - 1
    # a rollback restores the whole dataset: every other row is counted unchanged
    assert lines[-1].split("\t")[5] == f"0 new, 1 changed, 1 removed, {bundled - 1} unchanged"
    today = dt.date.today().isoformat()
    changes = cli(data_dir, "history", "--changes", str(initial + 1)).stdout.splitlines()
    assert changes == [
        lines[-2],
        "change\tindicator_code\tregion_code\tyear\tsex\tage\told → new",
        "changed\tUNEMP\tBG31\t2024\tT\tTOTAL\tvalue: 9.7 → 9.9; flag: b → (empty); source: Eurostat "
        f"tgs00010 (SDMX-CSV 2.0) → Upload: u.csv; vintage: 2026-02 → {today}",
        f"new\tUNEMP\tBG311\t2025\tT\tTOTAL\tvalue: 7.5; flag: p; source: Upload: u.csv; vintage: {today}",
        "2 of 2 rows shown",
    ]
    undone = cli(data_dir, "history", "observations", "--changes", str(initial + 2), "--limit", "1").stdout
    assert undone.splitlines()[2:] == [
        "changed\tUNEMP\tBG31\t2024\tT\tTOTAL\tvalue: 9.9 → 9.7; flag: (empty) → b; source: Upload: u.csv → Eurostat "
        f"tgs00010 (SDMX-CSV 2.0); vintage: {today} → 2026-02",
        "1 of 2 rows shown; --limit N shows more (0: all)",
    ]
    other = cli(data_dir, "history", "projects", "--changes", str(initial + 1))
    assert other.returncode == 1
    assert other.stderr.strip() == f"error: release {initial + 1} is of observations, not projects"
    exported = cli(data_dir, "export", "observations").stdout
    assert "UNEMP,BG31,2024,9.7,b," in exported and "UNEMP,BG311,2025" not in exported


def test_command_line_errors_are_one_line(data_dir, tmp_path):
    initial = cli(data_dir, "rollback", "1", "--user", "maria", "--note", "n")
    assert initial.returncode == 1
    assert initial.stderr.strip() == (
        "error: release 1 is the initial load of regions; rolling it back would empty the dataset"
    )
    missing = cli(data_dir, "validate", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr
    no_user = cli(data_dir, "publish", str(write(tmp_path, "u.csv", GOOD)), "--note", "n")
    assert no_user.returncode == 2 and "--user" in no_user.stderr


def test_template_command_writes_the_csv_and_its_bilingual_notes(data_dir, tmp_path):
    out = tmp_path / "obs.csv"
    result = cli(data_dir, "template", "observations", "--out", str(out))
    assert result.returncode == 0 and result.stdout.strip() == f"wrote {out} and {tmp_path / 'obs.columns.txt'}"
    assert out.read_text(encoding="utf-8").splitlines() == [
        "indicator_code,region_code,year,value,flag,sex,age,source,vintage",
        "UNEMP,BG31,2024,9.7,b,T,TOTAL,Eurostat tgs00010 (SDMX-CSV 2.0),2026-02",
    ]
    notes = (tmp_path / "obs.columns.txt").read_text(encoding="utf-8")
    assert "EN: Reference year" in notes and "BG: Година (четири цифри)" in notes
    assert cli(data_dir, "validate", str(out)).returncode == 0
    projects = cli(data_dir, "template", "projects", "--out", str(tmp_path / "p.csv"))
    assert projects.returncode == 0 and (tmp_path / "p.columns.txt").exists()


# ---------------------------------------------------------------------------------------------------------
# Funding uploads: merged by code and snapshot, published as a release, rolled back


def test_an_isun_extract_publishes_a_new_funding_snapshot_and_rolls_back(fresh_store):
    from helpers import REFERENCE
    from si_metrics.ingest.reading import ReadOptions
    from si_metrics.queries import run

    before = full_export(fresh_store)
    data = (REFERENCE / "isun_programme_totals.csv").read_bytes().replace(b"1389386943.62", b"1400000000.5")
    prepared = pipeline.prepare(
        fresh_store, data, "isun_programme_totals.csv", ReadOptions(dataset="funding", snapshot="2026-09-30")
    )
    assert prepared.ok, prepared.errors.to_string()
    rel = pipeline.publish(fresh_store, prepared, user="maria", note="ISUN 2026-09-30")
    assert (rel.dataset, rel.rows_added, rel.rows_changed, rel.rows_removed, rel.rows_unchanged) == (
        "funding_programmes",
        4,
        0,
        0,
        0,
    )
    exported = to_csv_bytes(store.current(fresh_store, "funding_programmes")).decode().splitlines()
    assert len(exported) == 1 + 8  # the 2026-08-24 snapshot stays beside the new one
    assert (
        '2021BG05SFPR002,"Програма ""Развитие на човешките ресурси"" 2021-2027",Human Resources Development '
        "2021-2027,2021-27,ESF+,1400000000.5,779782599.16,2032,1381357590.51,1454,2026-09-30"
    ) in exported
    assert (
        "2014BG05M9OP001,Развитие на човешките ресурси,Human Resources Development 2014-2020,2014-20,ESF,"
        "1474501796.42,1375831878.19,4403,1463318732.93,2597,2026-09-30" in exported
    )
    shown = run(fresh_store, "funding_programme_table")  # the funding page shows the newest snapshot at once
    assert set(shown["snapshot"].astype(str)) == {"2026-09-30"}
    assert shown.set_index("programme_code").loc["2021BG05SFPR002", "contracted_eur"] == 1400000000.5
    assert staging_tables(fresh_store) == 0

    undo = releases.rollback(fresh_store, rel.id, user="maria", note="wrong date")
    assert (undo.rows_removed, undo.rows_unchanged) == (4, 4)
    after = full_export(fresh_store)
    assert after["funding_programmes"] == before["funding_programmes"]
    assert after["observations"] == before["observations"]


def test_funding_from_the_command_line_merges_by_key_and_rolls_back(data_dir, tmp_path):
    initial = len(catalog())
    before = export_of(data_dir)
    fix = write(
        tmp_path,
        "general_ledger.csv",
        "municipality_code,contracted_eur,paid_eur,contract_count,"
        "population,snapshot\nBGS04,700000000,364494555.6,2240,196582,"
        "2026-08-24\n",
    )
    checked = cli(data_dir, "validate", str(fix), "--dataset", "funding")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (
        "detected: funding_municipalities table; encoding utf-8; delimiter ','; decimal '.'; dataset "
        "funding_municipalities" in checked.stdout
    )
    assert "diff: 0 new, 1 changed (1 with a new value), 0 unchanged" in checked.stdout
    published = cli(data_dir, "publish", str(fix), "--dataset", "funding", "--user", "maria", "--note", "fix")
    assert published.returncode == 0, published.stderr
    assert (
        f"release {initial + 1}: funding_municipalities published by maria: 0 new, 1 changed, 0 unchanged"
        in published.stdout
    )
    exported = cli(data_dir, "export", "funding_municipalities").stdout.splitlines()
    assert len(exported) == 1 + 265  # merged: the 264 other municipalities stay
    assert "BGS04,BGS,BG341,2240,700000000,364494555.6,196582,2026-08-24" in exported
    changes = cli(data_dir, "history", "--changes", str(initial + 1)).stdout.splitlines()
    assert changes[2] == (
        "changed\tBGS04\t2026-08-24\tcontract_count: 2232 → 2240; contracted_eur: 688753812.39 → 700000000"
    )  # as the file and the export have it
    bad = cli(
        data_dir,
        "publish",
        str(
            write(
                tmp_path,
                "bad.csv",
                "municipality_code,contracted_eur,paid_eur,"
                "contract_count,population,snapshot\nBGS99,1,1,1,1,2026-08-24\n",
            )
        ),
        "--user",
        "maria",
        "--note",
        "n",
    )
    assert bad.returncode == 1 and "line 2, column municipality_code: 'BGS99': not a municipality" in bad.stdout
    rolled = cli(data_dir, "rollback", str(initial + 1), "--user", "ivan", "--note", "undo")
    assert rolled.returncode == 0, rolled.stderr
    after = export_of(data_dir)
    assert after["funding_municipalities"] == before["funding_municipalities"]
    templates = cli(data_dir, "template", "funding", "--out", str(tmp_path))
    assert templates.returncode == 0 and len(templates.stdout.splitlines()) == 2
    assert (tmp_path / "funding_municipalities_template.csv").read_text(encoding="utf-8").splitlines()[
        1
    ] == "BGS04,BGS,BG341,2232,688753812.39,364494555.6,196582,2026-08-24"
    assert cli(data_dir, "validate", str(tmp_path / "funding_programmes_template.csv")).returncode == 0
