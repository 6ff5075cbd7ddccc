"""The bundled figures equal the public sources exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
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
        # NSI open-data tables (datasets/sources/nsi), to the figure
        ("AROP_REGIONAL_LINE", "BG41", 2024, 23.9, None),
        ("AROP_REGIONAL_LINE", "BG311", 2024, 20.9, None),
        ("AROP_REGIONAL_LINE", "BG411", 2024, 22.2, None),
        ("AROP_REGIONAL_LINE", "BG41", 2015, 20.6, None),
        ("UNEMP", "BG311", 2024, 18.7, None),
        ("UNEMP", "BG425", 2024, 4.2, "u"),
        ("UNEMP", "BG411", 2024, 1.9, None),
        ("UNEMP", "BG", 2024, 4.2, None),
        ("UNEMP", "BG311", 2003, 20.0, None),
        ("AROPE_EU2020_REGIONAL_LINE", "BG31", 2019, 35.8, None),
        ("AROPE_EU2020_REGIONAL_LINE", "BG", 2008, 44.8, None),
        ("POV_LINE_BGN", "BG", 2024, 9166, None),
        ("POV_LINE_BGN", "BG31", 2024, 7774, None),
        ("POV_LINE_BGN", "BG41", 2024, 11986, None),
        ("POV_LINE_BGN", "BG411", 2024, 14196, None),
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
    unemp = cur.execute(
        "select count(distinct region_code), min(year), max(year) from observations where indicator_code = 'UNEMP' "
        "and sex = 'T' and age = 'TOTAL' and region_code like 'BG___'"
    )
    assert unemp.fetchone() == (28, 2003, 2024)
    flagged = cur.execute(
        "select count(*) from observations where indicator_code = 'UNEMP' and flag = 'u' and source like 'NSI%'"
    ).fetchone()[0]
    assert flagged == 680  # every value NSI writes in parentheses, (9.9) or (99.9), in table 1011


def test_real_funding_beside_the_demo_projects(con):
    cur = con.cursor()
    # ESIF 2014-2020 plan: ESF + YEI EU amount for Bulgaria, and OP HRD's ESF and YEI lines
    esf = cur.execute("select round(sum(eu_amount_eur)) from funding_planned where fund in ('ESF', 'YEI')").fetchone()
    assert esf == (1575316521.0,)
    hrd = dict(
        cur.execute(
            "select fund, sum(eu_amount_eur) from funding_planned "
            "where programme_code = '2014BG05M9OP001' group by fund"
        ).fetchall()
    )
    assert hrd == {"ESF": 828287825.0, "YEI": 110377490.0}
    # Kohesio (partial): Vidin's 58 listed beneficiaries, 96 projects, EUR 37,989,553.09
    vidin = cur.execute(
        "select count(*), sum(projects), round(sum(eu_contribution_eur), 2) from kohesio_beneficiaries "
        "where region_code = 'BG311'"
    ).fetchone()
    assert vidin == (58, 96, 37989553.09)
    assert cur.execute("select count(*) from kohesio_beneficiaries").fetchone() == (4134,)


def test_rates_and_counts_never_share_a_series(con):
    """NSI's tables give each rate also in thousands of persons; only the rates are bundled."""
    cur = con.cursor()
    units = cur.execute(
        "select distinct i.unit from observations o join indicators i on i.code = o.indicator_code "
        "where o.indicator_code in ('AROP_REGIONAL_LINE', 'AROPE_EU2020_REGIONAL_LINE', 'AROP_BT_REGIONAL_LINE')"
    ).fetchall()
    assert units == [("PC_POP",)]
    # 644.1 thousand people is table 176's count for BG 2008 at the 40 % line; its rate is 8.4, and neither is kept
    assert value(con, "AROP_REGIONAL_LINE", "BG", 2008) != (644.1, None)
    assert value(con, "AROP_REGIONAL_LINE", "BG", 2008) == (21.4, None)


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


def test_rebuilding_from_the_public_files_reproduces_the_bundled_csvs(tmp_path: Path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_datasets.py"),
            "--sources",
            str(ROOT / "datasets" / "sources"),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    written = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert written == [
        "funding_municipalities.csv",
        "funding_planned.csv",
        "funding_programmes.csv",
        "kohesio_beneficiaries.csv",
        "observations.csv",
        "regions.csv",
    ]
    for name in written:
        assert (tmp_path / name).read_bytes() == (ROOT / "datasets" / name).read_bytes(), name
