"""The command line, run as staff and schedulers run it: a separate process, never prompting."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli_data")


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SI_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "si_metrics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_init_builds_then_is_idempotent(cli_dir):
    first = cli(cli_dir, "init")
    assert first.returncode == 0 and "store built" in first.stdout and "(11 releases)" in first.stdout
    second = cli(cli_dir, "init")
    assert second.returncode == 0 and "already built" in second.stdout and "(11 releases)" in second.stdout


def test_catalog_and_regions(cli_dir):
    out = cli(cli_dir, "catalog").stdout.splitlines()
    arope = next(line for line in out if line.startswith("AROPE_EU2020"))
    assert arope.split()[1:3] == ["PC_POP", "92"]
    assert any(line.startswith("NEET") and line.split()[2] == "0" for line in out)
    regions = cli(cli_dir, "regions").stdout
    assert "BG311      level 3" in regions and "Видин" in regions and "EU27_2020" in regions


def test_export_observations_csv(cli_dir):
    result = cli(cli_dir, "export", "observations", "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"indicator_code", "region_code", "year", "value", "flag"} <= set(rows[0])
    by_key = {(r["indicator_code"], r["region_code"], r["year"], r["sex"], r["age"]): r for r in rows}
    assert by_key[("AROPE_EU2020", "BG31", "2008", "T", "TOTAL")]["value"] == "52.5"
    assert by_key[("POP", "BG411", "2025", "T", "TOTAL")]["value"] == "1295931"
    unemp = by_key[("UNEMP", "BG31", "2024", "T", "TOTAL")]
    assert (unemp["value"], unemp["flag"]) == ("9.7", "b")
    assert len(rows) == 15211  # every row of datasets/observations.csv (Eurostat 5,803, NSI 9,408)


def test_export_parquet_round_trip(cli_dir, tmp_path):
    out = tmp_path / "regions.parquet"
    result = cli(cli_dir, "export", "regions", "--format", "parquet", "--out", str(out))
    assert result.returncode == 0 and "wrote 38 rows" in result.stderr
    frame = pd.read_parquet(out)
    assert frame.set_index("code").loc["BG411", "area_km2"] == 1342


def test_export_neutralises_spreadsheet_formulas(tmp_path):
    """A project title someone typed as a formula comes out inert; numbers stay numbers."""
    from si_metrics import store
    from si_metrics.catalog import dataset

    db = tmp_path / "store"
    con = store.open_store(db)
    meta = dataset("projects")
    row = store.current(con, "projects").iloc[[0]].copy()
    row["title_en"] = '=HYPERLINK("http://evil.example","click")'
    row["lead_org"] = "@SUM(A1:A9)"
    path = tmp_path / "p.csv"
    row.to_csv(path, index=False)
    store.publish(con, meta, store.stage_csv(con, meta, path), user="t", note="n", file_name=None, sha256=None)
    con.close()
    result = cli(tmp_path, "export", "projects")
    first = next(csv.DictReader(io.StringIO(result.stdout)))
    assert first["title_en"] == '\'=HYPERLINK("http://evil.example","click")'
    assert first["lead_org"] == "'@SUM(A1:A9)"
    assert first["budget_eur"] == f"{row['budget_eur'].iloc[0]:.2f}".rstrip("0").rstrip(".")


def test_bad_arguments_give_one_clear_line_and_no_traceback(cli_dir):
    unknown = cli(cli_dir, "export", "nonsense")
    assert unknown.returncode == 2
    assert "invalid choice: 'nonsense'" in unknown.stderr and "Traceback" not in unknown.stderr
    parquet = cli(cli_dir, "export", "regions", "--format", "parquet")
    assert parquet.returncode == 1
    assert parquet.stderr.strip() == "error: --format parquet needs --out FILE"
    nowhere = cli(cli_dir, "export", "regions", "--out", "/nonexistent-dir/x.csv")
    assert nowhere.returncode == 1 and nowhere.stderr.startswith("error: ") and "Traceback" not in nowhere.stderr


def test_an_unreachable_store_is_a_clear_error(tmp_path, monkeypatch):
    """A PostgreSQL catalogue that cannot be reached gives a one-line error, not a traceback."""
    monkeypatch.setenv("SI_STORE", f"dbname=lake host={tmp_path / 'no-server'} port=5 user=nobody connect_timeout=2")
    result = cli(tmp_path, "history")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot open the store dbname=lake") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_lists_every_command(cli_dir):
    out = cli(cli_dir, "--help").stdout
    for command in ("init", "catalog", "regions", "export", "history"):
        assert command in out
