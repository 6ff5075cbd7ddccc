"""Poverty and inclusion page: concrete figures for known indicators, areas and years; URL settings."""

from __future__ import annotations

import pytest

from helpers import open_page, show_tables

PAGE = "pages/explore/poverty.py"


def table(at, index: int):
    """The page's index-th table, with every chart's Table tab open."""
    return show_tables(at).dataframe[index].value


def test_arope_europe_2020_for_severozapaden(con):
    at = open_page(PAGE, indicator="AROPE_EU2020", region="BG31")
    assert at.selectbox(key="p_poverty_indicator").value == "AROPE_EU2020"
    assert at.selectbox(key="p_poverty_year").value == 2017
    ranking = table(at, 0).set_index("Code")
    value_col = "At risk of poverty or social exclusion (Europe 2020) (% of population), 2017"
    assert ranking.loc["BG31", value_col] == 46.7
    assert ranking.loc["BG41", value_col] == 29.3
    trend = table(at, 2)
    bg31 = trend[trend["Area code"] == "BG31"].set_index("Year")
    assert bg31.loc[2017, "Value"] == 46.7 and bg31.loc[2008, "Value"] == 52.5
    assert bg31.loc[2014, "Flag"] == "b" and bg31.loc[2016, "Flag"] == "b"
    assert set(trend["Area code"]) == {"BG31", "BG"}  # area and country; no EU value exists for this series
    assert "Replaced by the EU-2030 definition (AROPE)" in at.info[0].value.replace("\\", "")


def test_arope_2024_ranking_and_eu_benchmark(con):
    at = open_page(PAGE, indicator="AROPE", region="BG")
    ranking = table(at, 0).set_index("Code")
    col = "At risk of poverty or social exclusion (EU-2030) (% of population), 2024"
    assert ranking[col].to_dict() == {
        "BG31": 35.8,
        "BG32": 36.6,
        "BG33": 26.3,
        "BG34": 35.8,
        "BG41": 20.1,
        "BG42": 38.3,
    }
    trend = table(at, 2)
    assert trend[trend["Area code"] == "EU27_2020"]["Value"].tolist() == [21.0]
    assert at.multiselect(key="p_poverty_compare").value == ["BG31", "BG32", "BG33", "BG34", "BG41", "BG42"]
    assert at.header[0].value == "Distance to the 2030 target"
    assert any("-787,000 people" in md.value for md in at.markdown)
    assert any("-15,000,000 people" in md.value for md in at.markdown)


def test_unemployment_flags_are_shown(con):
    at = open_page(PAGE, indicator="UNEMP", region="BG31", year="2024")
    assert "Flags in this year: b: break in time series." in [c.value for c in at.caption]
    ranking = table(at, 0).set_index("Code")
    assert ranking.loc["BG31", "Flag"] == "b" and ranking.loc["BG31", "Unemployment rate (15-74) (%), 2024"] == 9.7


def test_population_by_district_with_breakdown_in_bulgarian(con):
    at = open_page(PAGE, indicator="POP", level="3", region="BG311", lang="bg")
    assert at.radio(key="p_poverty_level").value == 3
    ranking = table(at, 0).set_index("Код")
    assert ranking.loc["BG311", "Население към 1 януари (души), 2025"] == 70542
    assert len(ranking) == 28
    breakdown = table(at, 3)
    women = breakdown[(breakdown["Пол"] == "F") & (breakdown["Възраст"] == "TOTAL")]["Стойност"].tolist()
    assert women == [36212] or len(women) == 1
    assert at.title[0].value == "Бедност и включване"


def test_the_period_limits_the_years(con):
    at = open_page(PAGE, indicator="AROPE_EU2020", region="BG41", **{"from": "2008", "to": "2012"})
    assert at.selectbox(key="p_poverty_year").options == ["2008", "2009", "2010", "2011", "2012"]
    assert at.selectbox(key="p_poverty_year").value == 2012
    assert table(at, 0).set_index("Code").loc["BG41"].iloc[1] == 39.1


def test_no_data_in_the_period_says_so(con):
    at = open_page(PAGE, indicator="AROPE", region="BG", **{"from": "2006", "to": "2015"})
    assert at.warning[0].value.startswith("No values of At risk of poverty or social exclusion (EU-2030)")


@pytest.mark.parametrize(
    "params, ignored",
    [
        ({"indicator": "NOPE"}, "indicator=NOPE"),
        ({"indicator": "AROPE", "year": "1999"}, "year=1999"),
        ({"indicator": "AROPE", "level": "7"}, "level=7"),
        ({"indicator": "AROPE", "compare": "BG31,XX1"}, "compare=XX1"),
    ],
)
def test_bad_settings_give_a_notice(con, params, ignored):
    at = open_page(PAGE, **params)
    assert [w.value for w in at.warning] == [f"Some link settings were not understood and were ignored: {ignored}."]
