"""The Need vs funding page through AppTest: reference lines, the "high need, low funding" list, link settings.

Expected figures are computed here from the bundled CSVs with pandas, never by calling the page's own code.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import DATA_LAST_YEAR as LAST
from helpers import FIRST_YEAR as FIRST
from helpers import ROOT, open_page, show_charts, show_tables

PAGE = "pages/explore/need_vs_funding.py"
DATASETS = ROOT / "datasets"
NBSP = "\u00a0"
NUTS2 = ["BG31", "BG32", "BG33", "BG34", "BG41", "BG42"]


def csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / f"{name}.csv")


def values(indicator: str, year: int) -> pd.Series:
    obs = csv("observations")
    rows = obs[
        (obs["indicator_code"] == indicator) & (obs["year"] == year) & (obs["sex"] == "T") & (obs["age"] == "TOTAL")
    ]
    return rows.set_index("region_code")["value"]


def eu_funds_per_person() -> tuple[pd.Series, float]:
    """All EU funds contracted ÷ Eurostat population 2025 (the last year of the default period): NUTS 2, country."""
    muni = csv("funding_municipalities")
    pop = values("POP", 2025)
    by_nuts2 = muni.assign(nuts2=muni["region_code"].str[:4]).groupby("nuts2")["contracted_eur"].sum()
    return by_nuts2 / pop[by_nuts2.index], muni["contracted_eur"].sum() / pop["BG"]


def watch_list(need: pd.Series, need_line: float, funding: pd.Series, funding_line: float) -> list[str]:
    flagged = [c for c in NUTS2 if need[c] > need_line and funding[c] < funding_line]
    return sorted(flagged, key=lambda c: -need[c])


def table_with(at, column: str) -> pd.DataFrame:
    show_tables(at)
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def arope_2024_expected():
    arope = values("AROPE", 2024)[NUTS2]
    assert "BG" not in values("AROPE", 2024).index  # no national EU-2030 figure in the store
    weights = values("POP", 2024)[NUTS2]
    mean = float((arope * weights).sum() / weights.sum())
    funding, national = eu_funds_per_person()
    return arope, mean, funding, national, watch_list(arope, mean, funding, national)


def test_high_need_low_funding_for_arope_2024_in_english(con):
    arope, mean, funding, national, expected = arope_2024_expected()
    assert round(mean, 1) == 30.3 and round(national) == 3416
    assert expected == ["BG42", "BG32"]

    at = open_page(PAGE)
    assert at.selectbox(key="p_need-vs-funding_indicator").value == "AROPE"
    watch = table_with(at, "Gap to the national value")
    names = dict(zip(csv("regions")["code"], csv("regions")["name_en"]))
    assert list(watch["Region"]) == [names[c] for c in expected] == ["Yuzhen tsentralen", "Severen tsentralen"]
    assert list(watch["Need, % of population"]) == [f"{arope[c]:.1f}" for c in expected] == ["38.3", "36.6"]
    assert list(watch["Money per person"]) == [f"EUR {funding[c]:,.0f}" for c in expected]
    assert list(watch["Gap to the national value"]) == [f"EUR {national - funding[c]:,.0f}" for c in expected]
    assert list(watch["Gap to the national value"]) == ["EUR 827", "EUR 369"]
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith(
            "Horizontal line: 30.3, the population-weighted mean of the 6 NUTS 2 regions (weights: "
            "population on 1 January 2024). The store has no national figure"
        )
        for c in captions
    )
    assert (
        "Vertical line: Bulgaria, EUR 3,416 per person (EUR 21.99 bn ÷ 6,437,360 people, 1 January 2025)." in captions
    )
    chart = table_with(at, "High need, low funding")
    assert dict(zip(chart["Code"], chart["High need, low funding"])) == {c: c in expected for c in NUTS2}
    spec = json.loads(show_charts(at).get("plotly_chart")[0].proto.spec)
    assert (
        spec["layout"]["title"]["text"]
        .replace("<br>", " ")
        .startswith(  # wrapped to the width
            "At risk of poverty or social exclusion (EU-2030), 2024 vs all EU funds contracted per person"
        )
    )
    basis = " ".join(i.value for i in at.info)
    assert "not ESF\\+ only" in basis or "not ESF+ only" in basis
    assert "no national value for 2024" in basis


def test_high_need_low_funding_for_arope_2024_in_bulgarian(con):
    _, _, funding, _, expected = arope_2024_expected()
    at = open_page(PAGE, lang="bg")
    watch = table_with(at, "Разлика спрямо националната стойност")
    names = dict(zip(csv("regions")["code"], csv("regions")["name_bg"]))
    assert list(watch["Район"]) == [names[c] for c in expected] == ["Южен централен", "Северен централен"]
    assert list(watch["Нужда, % от населението"]) == ["38,3", "36,6"]
    assert list(watch["Средства на човек"]) == [f"{funding[c]:,.0f} евро".replace(",", NBSP) for c in expected]
    assert list(watch["Разлика спрямо националната стойност"]) == ["827 евро", "369 евро"]
    captions = " ".join(c.value for c in at.caption)
    assert "Хоризонтална линия: 30,3 — средното, претеглено с населението" in captions
    assert f"Вертикална линия: България, 3{NBSP}416 евро на човек" in captions


def test_the_europe_2020_series_has_a_national_value_and_uses_it(con):
    arope = values("AROPE_EU2020", 2017)
    national_need = arope["BG"]
    funding, national = eu_funds_per_person()
    expected = watch_list(arope, national_need, funding, national)
    at = open_page(PAGE, indicator="AROPE_EU2020", region="BG421")
    captions = [c.value for c in at.caption]
    assert f"Horizontal line: Bulgaria, {national_need:.1f} in 2017." in captions
    assert "Ringed: Yuzhen tsentralen, the NUTS 2 region of the chosen area (Plovdiv)." in captions
    points = json.loads(show_charts(at).get("plotly_chart")[0].proto.spec)["data"][0]
    rings = dict(zip([c[0] for c in points["customdata"]], points["marker"]["line"]["width"]))
    assert rings == {c: 3 if c == "BG42" else 0 for c in NUTS2}
    watch = table_with(at, "Gap to the national value")
    names = dict(zip(csv("regions")["code"], csv("regions")["name_en"]))
    assert expected == ["BG42", "BG33", "BG32"]
    assert list(watch["Region"]) == [names[c] for c in expected]
    assert at.selectbox(key="p_need-vs-funding_year").value == "latest"


def test_unemployment_2013_lines_up_with_the_national_value(con):
    """NSI gives Bulgaria's unemployment rate too, so the line is the national figure, not a mean of regions."""
    national = values("UNEMP", 2013)["BG"]
    assert national == 12.9
    at = open_page(PAGE, indicator="UNEMP", year="2013")
    captions = " ".join(c.value for c in at.caption)
    assert f"Horizontal line: Bulgaria, {national:.1f} in 2013." in captions
    assert at.query_params["year"] == "2013" and at.query_params["indicator"] == "UNEMP"


def test_districts_rank_unemployment_2024_against_eu_money_per_person(con):
    districts = csv("regions").query("level == 3")["code"]
    need = values("UNEMP", 2024)[districts]
    muni = csv("funding_municipalities")
    per_person = muni.groupby("region_code")["contracted_eur"].sum()[districts] / values("POP", 2025)[districts]
    national_money = muni["contracted_eur"].sum() / values("POP", 2025)["BG"]
    flagged = [c for c in districts if need[c] > 4.2 and per_person[c] < national_money]
    expected = sorted(flagged, key=lambda c: -need[c])
    at = open_page(PAGE, indicator="UNEMP", year="2024", level="3")
    assert at.radio(key="p_need-vs-funding_level").value == 3
    captions = " ".join(c.value for c in at.caption)
    assert "Horizontal line: Bulgaria, 4.2 in 2024." in captions
    points = json.loads(show_charts(at).get("plotly_chart")[0].proto.spec)["data"][0]
    assert sorted(c[0] for c in points["customdata"]) == sorted(districts)
    names = dict(zip(csv("regions")["code"], csv("regions")["name_en"]))
    watch = table_with(at, "Gap to the national value")
    assert list(watch["Region"]) == [names[c] for c in expected]
    assert len(expected) >= 3  # the check compares real lists, not two empty ones


def test_demo_money_is_labelled_and_its_national_line_is_all_demo_projects(con):
    p = csv("projects")
    running = (pd.to_datetime(p["start_date"]).dt.year <= LAST) & (pd.to_datetime(p["end_date"]).dt.year >= FIRST)
    total = p.loc[running & (p["status"] != "cancelled"), "eu_contribution_eur"].sum()
    per_person = total / values("POP", 2025)["BG"]
    at = open_page(PAGE, measure="demo")
    assert ":orange-badge[:material/science: Demo data]" in [md.value for md in at.markdown]
    captions = " ".join(c.value for c in at.caption)
    assert f"Vertical line: Bulgaria, EUR {per_person:,.2f} per person" in captions
    spec = json.loads(show_charts(at).get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Demo data: ")
    assert "Demo data, not real projects" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize(
    "params, ignored",
    [
        ({"indicator": "POP"}, "indicator=POP"),
        ({"year": "1999"}, "year=1999"),
        ({"measure": "esf"}, "measure=esf"),
    ],
)
def test_bad_settings_give_the_notice_and_the_defaults(con, params, ignored):
    at = open_page(PAGE, **params)
    assert [w.value for w in at.warning] == [f"Some link settings were not understood and were ignored: {ignored}."]
    assert list(table_with(at, "Gap to the national value")["Region"]) == ["Yuzhen tsentralen", "Severen tsentralen"]


def test_a_period_without_population_says_so_instead_of_guessing(con):
    at = open_page(PAGE, indicator="AROPE_EU2020", **{"from": "2008", "to": "2012"})
    assert any("No Eurostat population figure up to 2012" in i.value for i in at.info)
    assert not at.get("plotly_chart")
