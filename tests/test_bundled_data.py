"""The bundled figures equal the public sources exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REFERENCE, ROOT
from si_metrics.queries import run


def value(con, indicator, region, year, sex="T", age="TOTAL"):
    return (
        con.cursor()
        .execute(
            "select value, flag from observations where indicator_code = ? and region_code = ? and year = ? "
            "and sex = ? and age = ?",
            [indicator, region, year, sex, age],
        )
        .fetchone()
    )


@pytest.mark.parametrize(
    "indicator, region, year, expected, flag",
    [
        ("AROPE_EU2020", "BG31", 2008, 52.5, None),
        ("AROPE_EU2020", "BG41", 2015, 30.0, None),
        ("AROPE_EU2020", "BG31", 2017, 46.7, None),
        ("AROPE_EU2020", "BG31", 2014, 46.1, "b"),
        ("AROPE_EU2020", "BG", 2006, 61.3, None),
        ("AROPE_EU2020", "BG3", 2016, 44.1, "b"),
        ("SMD", "BG31", 2008, 46.2, None),
        ("SMD", "BG41", 2015, 25.0, None),
        ("UNEMP", "BG31", 2024, 9.7, "b"),
        ("UNEMP", "BG41", 2013, 9.8, None),
        ("POP", "BG411", 2025, 1295931, None),
        ("POP", "BG", 2016, 6938759, None),
        ("POP", "BG311", 2025, 70542, None),
        ("AROPE", "BG41", 2024, 20.1, None),
        ("AROPE", "EU27_2020", 2024, 21.0, None),
        ("AROP", "BG", 2024, 21.7, None),
    ],
)
def test_exact_source_values(con, indicator, region, year, expected, flag):
    assert value(con, indicator, region, year) == (expected, flag)


def test_population_breakdowns_and_coverage(con):
    assert value(con, "POP", "BG411", 2025, "F", "TOTAL") == (675388, None)
    cur = con.cursor()
    areas = cur.execute("select count(distinct region_code) from observations where indicator_code = 'POP'").fetchone()
    years = cur.execute("select min(year), max(year) from observations where indicator_code = 'POP'").fetchone()
    assert areas == (37,) and years == (2016, 2025)
    unemp = cur.execute("select count(*), min(year), max(year) from observations where indicator_code = 'UNEMP'")
    assert unemp.fetchone() == (72, 2013, 2024)


def test_no_national_arope_2030_figure_is_invented(con):
    assert value(con, "AROPE", "BG", 2024) is None


def test_funding_figures(con):
    cur = con.cursor()
    total = cur.execute(
        "select round(sum(contracted_eur), 2), round(sum(paid_eur), 2), count(*) from funding_municipalities"
    ).fetchone()
    assert total == (21991155879.54, 10270817602.69, 265)
    assert cur.execute(
        "select region_code from funding_municipalities where municipality_code = 'SOF00'"
    ).fetchone() == ("BG411",)
    vidin = run(con, "eu_funds_in_region", region="BG311").iloc[0]
    assert (round(vidin["contracted_eur"], 2), round(vidin["paid_eur"], 2), vidin["municipalities"]) == (
        274083475.69,
        162384605.07,
        11,
    )
    esf = run(con, "esf_programme_summary").set_index("fund")
    assert round(esf.loc["ESF+", "contracted_eur"], 2) == 2407693246.70
    assert round(esf.loc["ESF+", "paid_eur"], 2) == 1252140152.58
    assert esf.loc["ESF+", "contracts"] == 2882
    assert round(esf.loc["ESF+", "absorption_pct"], 2) == 52.01


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs ../shared/reference (present in CI and for developers)")
def test_rebuilding_from_the_public_files_reproduces_the_bundled_csvs(tmp_path: Path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_datasets.py"),
            "--reference",
            str(REFERENCE),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    written = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert written == ["funding_municipalities.csv", "funding_programmes.csv", "observations.csv", "regions.csv"]
    for name in written:
        assert (tmp_path / name).read_bytes() == (ROOT / "datasets" / name).read_bytes(), name
