"""The Regions page through AppTest: profile, parent-region block, funding per person, projects, comparison.

Expected figures are computed here with pandas straight from datasets/*.csv (or taken from the published
sources their metadata names), never by calling the code under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import DATA_LAST_YEAR as LAST
from helpers import FIRST_YEAR as FIRST
from helpers import ROOT, metrics, open_page, show_tables

PAGE = "pages/explore/regions.py"
DATASETS = ROOT / "datasets"
NBSP = "\u00a0"
NOTICE = "Some link settings were not understood and were ignored: {}."


def csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / f"{name}.csv", keep_default_na=False, na_values=[""])


OBS = csv("observations").query("sex == 'T' and age == 'TOTAL'")
REGIONS = csv("regions")
INDICATORS = csv("indicators").set_index("code")


def observed(indicator: str, region: str, year: int) -> pd.Series:
    return OBS[(OBS.indicator_code == indicator) & (OBS.region_code == region) & (OBS.year == year)].iloc[0]


def en(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}"


def bg(value: float, decimals: int = 1) -> str:
    return en(value, decimals).replace(",", "\0").replace(".", ",").replace("\0", NBSP)


def within(area: str) -> set[str]:
    """The area and every area below it, from the parent codes in regions.csv."""
    found, parents = {area}, dict(zip(REGIONS.code, REGIONS.parent_code))
    changed = True
    while changed:
        grown = found | {c for c, p in parents.items() if p in found}
        changed, found = grown != found, grown
    return found


def funds_per_person(area: str, year: int = 2025) -> float:
    funding = csv("funding_municipalities")
    contracted = funding[funding.region_code.isin(within(area))].contracted_eur.sum()
    return contracted / observed("POP", area, year).value


def demo_projects(area: str, year_from: int = FIRST, year_to: int = LAST, themes=None) -> pd.DataFrame:
    p = csv("projects")
    p = p[
        p.region_code.isin(within(area))
        & (pd.to_datetime(p.start_date).dt.year <= year_to)
        & (pd.to_datetime(p.end_date).dt.year >= year_from)
    ]
    return p if themes is None else p[p.theme.isin(themes)]


def table(at, first_column: str, nth: int = 0) -> pd.DataFrame:
    """The nth shown table whose first column is ``first_column``, indexed by it (Table tabs opened first)."""
    show_tables(at)
    frames = [d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] == first_column]
    return frames[nth].set_index(first_column)


def open_regions(**params: str):
    return open_page(PAGE, **params)


def widget(elements, label: str):
    return next(w for w in elements if w.label == label)


def test_profile_of_severozapaden_against_country_eu_and_peers(con):
    at = open_regions(region="BG31")
    assert at.title[0].value == "Region profile: Severozapaden"
    profile = table(at, "Indicator")
    arope, arope_2020, unemp, pop = (INDICATORS.loc[c, "name_en"] for c in ("AROPE", "AROPE_EU2020", "UNEMP", "POP"))

    row = profile.loc[f"{arope} (% of population)"]
    assert (row["Year"], row["Value"]) == ("2024", "35.8")
    assert row["EU-27"] == en(observed("AROPE", "EU27_2020", 2024).value) == "21.0"
    assert row["Bulgaria"] == "–"  # no national EU-2030 figure is bundled, and none is invented
    # Rank among the six NUTS 2 regions, 1 = highest rate (the worst: lower is better); BG31 and BG34 tie at
    # 35.8 and share the better-placed rank ("min"), so the next region is 5th.
    nuts2 = REGIONS[(REGIONS.level == 2) & (REGIONS.country_code == "BG")].code
    year = OBS[(OBS.indicator_code == "AROPE") & OBS.region_code.isin(nuts2) & (OBS.year == 2024)]
    ranks = year.set_index("region_code").value.rank(method="min", ascending=False).astype(int)
    assert (ranks["BG31"], ranks["BG34"], len(year)) == (3, 3, 6)
    assert row["Rank (1 = highest)"] == "3 of 6 (tied)" and row["Better"] == "lower ↓"
    assert row["Change"] == "–"  # one EU-2030 year only: no change, never one across definitions

    row = profile.loc[f"{arope_2020} (% of population)"]
    first = OBS[(OBS.indicator_code == "AROPE_EU2020") & (OBS.region_code == "BG31")].sort_values("year").iloc[0]
    assert (row["Year"], row["Value"]) == ("2017", "46.7")
    assert row["Bulgaria"] == en(observed("AROPE_EU2020", "BG", 2017).value) == "38.9"
    assert row["EU-27"] == "–"
    change = 46.7 - first.value  # 2008: 52.5 (Eurostat tgs00107); the 2014 and 2016 values carry flag b
    assert row["Change"] == f"{change:.1f} pp since {first.year} (series break)"
    assert first.year == 2008 and first.value == 52.5

    row = profile.loc[f"{unemp} (%)"]
    assert (row["Year"], row["Value"]) == ("2024", "9.7")
    assert row["Flag"] == "b: break in time series"
    unemp_2024 = OBS[(OBS.indicator_code == "UNEMP") & (OBS.year == 2024) & OBS.region_code.isin(nuts2)]
    unemp_2024 = unemp_2024.sort_values("value", ascending=False)
    assert unemp_2024.region_code.iloc[0] == "BG31" and row["Rank (1 = highest)"] == "1 of 6"

    row = profile.loc[f"{pop} (persons)"]
    assert (row["Year"], row["Value"]) == ("2025", "655,430")
    assert row["Bulgaria"] == en(observed("POP", "BG", 2025).value, 0) == "6,437,360"
    assert row["Better"] == "neither (a size)"  # a population is not better higher or lower
    captions = " ".join(c.value for c in at.caption)
    assert "Rank among the NUTS 2 regions of Bulgaria" in captions and "1 = the highest value" in captions
    assert [w.value for w in at.warning] == []


def test_profile_in_bulgarian_uses_bulgarian_names_and_number_formats(con):
    at = open_regions(region="BG31", lang="bg")
    assert at.title[0].value == "Профил на района: Северозападен"
    profile = table(at, "Показател")
    row = profile.loc[f"{INDICATORS.loc['AROPE', 'name_bg']} (% от населението)"]
    assert (row["Стойност"], row["ЕС-27"]) == (bg(35.8), bg(21.0)) == ("35,8", "21,0")
    assert row["Място (1 = най-висока)"] == "3 от 6 (поделено)"
    assert profile.loc[f"{INDICATORS.loc['POP', 'name_bg']} (души)", "Стойност"] == f"655{NBSP}430"
    assert profile.loc[f"{INDICATORS.loc['UNEMP', 'name_bg']} (%)", "Флаг"] == "b: прекъсване на реда"


def test_a_district_shows_its_own_figures_and_its_nuts2_region_in_a_separate_block(con):
    at = open_regions(region="BG311")
    own = table(at, "Indicator", 0)
    assert own.loc[f"{INDICATORS.loc['POP', 'name_en']} (persons)", "Value"] == "70,542"
    assert own.loc[f"{INDICATORS.loc['POP', 'name_en']} (persons)", "Rank (1 = highest)"] == "28 of 28"
    # NSI's district series: Vidin has the highest unemployment of the 28 districts in 2024
    districts = REGIONS[REGIONS.level == 3].code
    unemp = OBS[(OBS.indicator_code == "UNEMP") & (OBS.year == 2024) & OBS.region_code.isin(districts)]
    rank = int(unemp.set_index("region_code").value.rank(method="min", ascending=False)["BG311"])
    row = own.loc[f"{INDICATORS.loc['UNEMP', 'name_en']} (%)"]
    assert (row["Year"], row["Value"], row["Rank (1 = highest)"]) == ("2024", "18.7", f"{rank} of 28")
    assert rank == 1
    regional = own.loc[f"{INDICATORS.loc['AROP_REGIONAL_LINE', 'name_en']} (% of population)"]
    assert (regional["Year"], regional["Value"]) == ("2024", "20.9")
    blocks = [m.value for m in at.markdown]
    assert "**Figures for Severozapaden: not published for districts**" in blocks
    parent = table(at, "Indicator", 1)
    assert parent.loc[f"{INDICATORS.loc['AROPE', 'name_en']} (% of population)", "Value"] == "35.8"
    assert not any(i.startswith(INDICATORS.loc["POP", "name_en"]) for i in parent.index)  # only what the district lacks
    assert not any(i.startswith(INDICATORS.loc["UNEMP", "name_en"]) for i in parent.index)
    # all EU funds in Vidin's municipalities ÷ Eurostat population 2025: 274,083,475.69 ÷ 70,542
    per_person = funds_per_person("BG311")
    assert round(per_person) == 3885
    m = metrics(at)
    assert "All EU funds contracted, per person" in [s.value for s in at.header]
    assert m["Vidin"][0] == f"EUR {per_person:,.0f}" == "EUR 3,885"
    assert m["Bulgaria"][0] == f"EUR {funds_per_person('BG'):,.0f}"
    captions = " ".join(c.value for c in at.caption)
    assert "not ESF+ only" in captions and "70,542" in captions


def test_the_district_block_in_bulgarian(con):
    at = open_regions(region="BG311", lang="bg")
    assert "**Данни за Северозападен: не се публикуват за областите**" in [m.value for m in at.markdown]
    assert metrics(at)["Видин"][0] == f"3{NBSP}885 евро"


def test_demo_projects_follow_the_theme_filter_and_are_labelled(con):
    at = open_regions(region="BG31", theme="poverty_inclusion")
    expected = demo_projects("BG31", themes=["poverty_inclusion"])
    m = metrics(at)
    assert m["Projects in the period"][0] == en(len(expected), 0)
    assert m["People reached"][0] == en(expected.beneficiaries_reached.sum(), 0)
    by_theme = table(at, "Theme")
    assert list(by_theme.index) == ["Poverty and inclusion"]
    assert by_theme.loc["Poverty and inclusion", "Projects"] == len(expected)
    assert ":orange-badge[:material/science: Demo data]" in [md.value for md in at.markdown]


def test_comparison_side_by_side_in_english(con):
    at = open_regions(region="BG31", compare="BG31,BG41")
    compared = table(at, "Indicator", 1)
    assert list(compared.columns) == ["Severozapaden (BG31)", "Yugozapaden (BG41)"]
    arope = f"{INDICATORS.loc['AROPE', 'name_en']} (% of population)"
    assert list(compared.loc[arope]) == ["35.8 (2024)", f"{en(observed('AROPE', 'BG41', 2024).value)} (2024)"]
    assert compared.loc[arope, "Yugozapaden (BG41)"] == "20.1 (2024)"
    assert compared.loc[f"{INDICATORS.loc['POP', 'name_en']} (persons)", "Yugozapaden (BG41)"] == "2,022,982 (2025)"
    assert list(compared.loc["All EU funds contracted, per person"]) == [
        f"EUR {funds_per_person('BG31'):,.0f}",
        f"EUR {funds_per_person('BG41'):,.0f}",
    ]
    assert compared.loc["All EU funds contracted, per person", "Yugozapaden (BG41)"] == "EUR 4,006"
    assert list(compared.loc["Demo projects running in the period"]) == [
        en(len(demo_projects("BG31")), 0),
        en(len(demo_projects("BG41")), 0),
    ]
    assert at.query_params["compare"] == "BG31,BG41"
    assert not any("different levels" in c.value for c in at.caption)


def test_comparison_in_bulgarian_number_formats(con):
    at = open_regions(region="BG31", compare="BG31,BG41", lang="bg")
    compared = table(at, "Показател", 1)
    arope = f"{INDICATORS.loc['AROPE', 'name_bg']} (% от населението)"
    assert list(compared.loc[arope]) == ["35,8 (2024)", "20,1 (2024)"]
    assert list(compared.columns) == ["Северозападен (BG31)", "Югозападен (BG41)"]


def test_comparing_areas_of_different_levels_shows_them_and_says_so(con):
    at = open_regions(compare="BG31,BG311")
    compared = table(at, "Indicator", 1)
    assert compared.loc[f"{INDICATORS.loc['AROPE', 'name_en']} (% of population)", "Vidin (BG311)"] == "–"
    assert compared.loc[f"{INDICATORS.loc['POP', 'name_en']} (persons)", "Vidin (BG311)"] == "70,542 (2025)"
    assert any(c.value.startswith("These areas are at different levels") for c in at.caption)


def test_comparison_keeps_at_most_four_areas(con):
    at = open_regions(compare="BG31,BG32,BG33,BG34,BG41")
    assert at.multiselect[0].value == ["BG31", "BG32", "BG33", "BG34"]
    assert at.query_params["compare"] == "BG31,BG32,BG33,BG34"
    assert len(table(at, "Indicator", 1).columns) == 4


@pytest.mark.parametrize(
    "params, ignored",
    [
        ({"compare": "BG31,XX99"}, "compare=XX99"),
        ({"compare": "EU27_2020"}, "compare=EU27_2020"),  # the benchmark is not an area to compare
        ({"level": "7"}, "level=7"),
    ],
)
def test_bad_link_settings_give_the_notice(con, params, ignored):
    at = open_regions(region="BG31", **params)
    assert [w.value for w in at.warning] == [NOTICE.format(ignored)]
    assert widget(at.radio, "Map level").value == 2
    assert table(at, "Indicator").loc[f"{INDICATORS.loc['AROPE', 'name_en']} (% of population)", "Value"] == "35.8"


def test_the_chosen_indicator_drives_the_trend_and_the_map(con):
    at = open_regions(region="BG31")
    widget(at.selectbox, "Indicator for the trend and the map").set_value("UNEMP").run()
    assert at.query_params["indicator"] == "UNEMP"
    trend = next(d.value for d in show_tables(at).dataframe if "Series" in d.value.columns)
    expected = OBS[(OBS.indicator_code == "UNEMP") & (OBS.region_code == "BG31")].sort_values("year")
    mine = trend[trend["Area code"] == "BG31"]
    assert list(mine.Year) == list(expected.year) and list(mine.Value) == list(expected.value)
    assert list(mine.Year) == list(range(2003, 2025))  # NSI 2003-2012, Eurostat 2013-2024
    assert set(trend["Area code"]) == {"BG31", "BG"}  # NSI gives the national rate; no EU series is bundled
    tiles = next(d.value for d in show_tables(at).dataframe if list(d.value.columns[:2]) == ["Code", "Name"])
    tiles = tiles.set_index("Code")
    latest = OBS[(OBS.indicator_code == "UNEMP") & (OBS.year == 2024)].set_index("region_code").value
    latest = latest[latest.index.isin(REGIONS[REGIONS.level == 2].code)]
    assert len(tiles) == 6 and set(tiles.Year) == {2024}
    assert tiles.Value.to_dict() == latest.to_dict()
    widget(at.radio, "Map level").set_value(3).run()
    assert at.query_params["level"] == "3"
    tiles = next(d.value for d in show_tables(at).dataframe if list(d.value.columns[:2]) == ["Code", "Name"])
    assert len(tiles) == 28 and tiles.set_index("Code").loc["BG311", "Value"] == 18.7  # NSI's district series
