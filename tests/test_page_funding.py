"""The Funding page through AppTest: programme totals, money per person by region, demo views, link settings.

Expected figures are computed here from the bundled CSVs with pandas (and match the totals of the ИСУН 2020
register named in datasets/funding_*.meta.toml), never by calling the page's own code.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import DATA_LAST_YEAR as LAST
from helpers import FIRST_YEAR as FIRST
from helpers import ROOT, metrics, open_page, show_charts, show_tables

PAGE = "pages/explore/funding.py"
DATASETS = ROOT / "datasets"
NBSP = "\u00a0"


def csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / f"{name}.csv")


def population(year: int) -> pd.Series:
    obs = csv("observations")
    pop = obs[(obs["indicator_code"] == "POP") & (obs["sex"] == "T") & (obs["age"] == "TOTAL") & (obs["year"] == year)]
    return pop.set_index("region_code")["value"]


def table_with(at, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column`` (the Table tabs are opened first)."""
    show_tables(at)
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a column {column!r}: {[list(d.value.columns) for d in at.dataframe]}"
    return found[0]


def figure(at, title_start: str) -> dict:
    """The plotly figure (as JSON) whose title starts with ``title_start`` (the Chart tabs are opened first)."""
    show_charts(at)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    found = [s for s in specs if s["layout"]["title"]["text"].startswith(title_start)]
    assert found, [s["layout"]["title"]["text"] for s in specs]
    return found[0]


def demo_flows(top_n: int) -> tuple[float, float, list[str]]:
    """(total, total outside the top N areas, top N area codes) of the demo EU money, default filters, districts."""
    p = csv("projects")
    first, last = csv("observations")["year"].min(), LAST
    running = (pd.to_datetime(p["start_date"]).dt.year <= last) & (pd.to_datetime(p["end_date"]).dt.year >= first)
    p = p[running & (p["status"] != "cancelled") & (p["eu_contribution_eur"] > 0)]
    by_area = p.groupby("region_code")["eu_contribution_eur"].sum().sort_values(ascending=False)
    total = float(by_area.sum())
    return total, total - float(by_area.head(top_n).sum()), list(by_area.index[:top_n])


def test_programme_table_and_esf_plus_totals_in_english(con):
    progs = csv("funding_programmes").set_index("programme_code")
    hrd = progs.loc["2021BG05SFPR002"]
    assert round(hrd["contracted_eur"] / 1e9, 2) == 1.39
    assert round(hrd["paid_eur"] / hrd["contracted_eur"] * 100, 1) == 56.1  # 779782599.16 / 1389386943.62
    esf = progs[progs["fund"] == "ESF+"]
    assert round(esf["contracted_eur"].sum(), 2) == 2407693246.70  # the register's ESF+ total
    assert round(esf["paid_eur"].sum() / esf["contracted_eur"].sum() * 100, 1) == 52.0

    at = open_page(PAGE)
    m = metrics(at)
    assert m["ESF+ 2021–27: contracted"] == ("EUR 2.41 bn", "")
    assert m["ESF+ 2021–27: paid"] == ("EUR 1.25 bn", "")
    assert m["ESF+ 2021–27: paid ÷ contracted"] == ("52.0%", "")
    table = table_with(at, "Programme (CCI)").set_index("Programme (CCI)")
    assert list(table.index) == ["2021BG05SFPR001", "2021BG05SFPR002", "2021BG05SFPR003", "2014BG05M9OP001"]
    row = table.loc["2021BG05SFPR002"]
    assert row["Name"] == hrd["name_en"] == "Human Resources Development 2021-2027"
    assert (row["Contracted, EUR"], row["Paid, EUR"], row["Absorption, %"]) == ("EUR 1.39 bn", "EUR 779.78 m", "56.1%")
    assert row["Contracts"] == f"{hrd['contract_count']:,}" == "2,032"
    assert table.loc["2014BG05M9OP001", "Absorption, %"] == "93.3%"
    captions = " ".join(c.value for c in at.caption)
    assert f"({esf['contract_count'].sum():,} contracts together)" in captions
    assert "national totals only, with no split by region" in captions


def test_programme_table_in_bulgarian(con):
    at = open_page(PAGE, lang="bg")
    m = metrics(at)
    assert m["ЕСФ+ 2021–27: договорени"] == ("2,41 млрд. евро", "")
    assert m["ЕСФ+ 2021–27: изплатени ÷ договорени"] == (f"52,0{NBSP}%", "")
    table = table_with(at, "Програма (CCI)").set_index("Програма (CCI)")
    row = table.loc["2021BG05SFPR002"]
    assert row["Наименование"] == 'Програма "Развитие на човешките ресурси" 2021-2027'
    assert (row["Договорени, евро"], row["Усвояване, %"]) == ("1,39 млрд. евро", f"56,1{NBSP}%")


def test_vidin_per_person_on_the_map_and_in_the_caption(con):
    muni = csv("funding_municipalities")
    contracted = muni.loc[muni["region_code"] == "BG311", "contracted_eur"].sum()
    people = population(2025)["BG311"]
    assert round(contracted, 2) == 274083475.69 and people == 70542  # the register's BG311 total; Eurostat 2025
    per_person = contracted / people
    assert round(per_person) == 3885

    at = open_page(PAGE, region="BG311")
    assert at.radio(key="p_funding_level").value == 3
    table = table_with(at, "Contracted per person, EUR").set_index("Code")
    assert len(table) == 28
    assert table.loc["BG311", "Contracted per person, EUR"] == round(per_person)
    assert table.loc["BG311", "Population"] == people and table.loc["BG311", "Population year"] == 2025
    assert table.loc["BG311", "Contracted, EUR"] == pytest.approx(contracted)
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("Vidin: EUR 3,885 per person — EUR 274.08 m contracted") and "70,542 people" in c for c in captions
    ), captions
    assert any(
        "not ESF+ only" in i.value and "Real ESF+ figures by region are not in the store" in i.value for i in at.info
    )
    caveat = next(c for c in captions if c.startswith("All EU funds (not ESF+ only)"))
    sofia_share = muni.loc[muni["region_code"] == "BG411", "contracted_eur"].sum() / muni["contracted_eur"].sum() * 100
    assert f"{sofia_share:.1f}%" == "25.4%" and "25.4%" in caveat and "About half" in caveat
    ranking = figure(at, "Ranking: contracted per person, EUR")["data"][0]
    colours = dict(zip(ranking["y"], ranking["marker"]["color"]))
    assert colours["Vidin"] == "#D55E00" and colours["Yambol"] == "#0072B2"  # the chosen area stands out


def test_vidin_in_bulgarian(con):
    at = open_page(PAGE, region="BG311", lang="bg")
    captions = [c.value for c in at.caption]
    assert any(c.startswith(f"Видин: 3{NBSP}885 евро на човек") for c in captions), captions
    table = table_with(at, "Договорени на човек, евро").set_index("Код")
    assert table.loc["BG311", "Наименование"] == "Видин"


def test_nuts2_ranking_order(con):
    muni = csv("funding_municipalities").assign(nuts2=lambda d: d["region_code"].str[:4])
    per_person = (muni.groupby("nuts2")["contracted_eur"].sum() / population(2025)).dropna()
    expected = list(per_person.sort_values(ascending=False).index)
    assert expected == ["BG31", "BG34", "BG41", "BG32", "BG42", "BG33"]

    at = open_page(PAGE, region="BG421", level="2")
    table = table_with(at, "Contracted per person, EUR")
    assert list(table["Code"]) == expected
    assert list(table["Contracted per person, EUR"]) == [round(per_person[c]) for c in expected]
    ranking = figure(at, "Ranking: contracted per person, EUR<br>NUTS 2 regions")["data"][0]
    names = dict(zip(csv("regions")["code"], csv("regions")["name_en"]))
    assert list(reversed(ranking["y"])) == [names[c] for c in expected]  # highest at the top
    colours = dict(zip(ranking["y"], ranking["marker"]["color"]))
    assert colours["Yuzhen tsentralen"] == "#D55E00"  # Plovdiv (BG421) lies in BG42
    assert at.query_params["level"] == "2"


def test_a_bad_level_gives_the_notice_and_the_default(con):
    at = open_page(PAGE, level="9")
    assert [w.value for w in at.warning] == ["Some link settings were not understood and were ignored: level=9."]
    assert at.radio(key="p_funding_level").value == 3
    assert len(table_with(at, "Contracted per person, EUR")) == 28


@pytest.mark.parametrize("lang, other", [("en", "Other regions"), ("bg", "Други региони")])
def test_sankey_groups_all_but_the_top_three_areas(con, lang, other):
    total, rest, top = demo_flows(3)
    at = open_page(PAGE, top="3", lang=lang)
    source, target, value = {"en": ("From", "To", "EU contribution, EUR"), "bg": ("От", "Към", "Принос на ЕС, евро")}[
        lang
    ]
    links = table_with(at, target)
    into_areas = links[links[target].isin(set(links[target]) - set(links[source]))]  # last layer: theme → area
    assert into_areas[value].sum() == pytest.approx(total, abs=1)
    grouped = links.loc[links[target] == other, value].sum()
    assert grouped == pytest.approx(rest, abs=1)
    names = dict(zip(csv("regions")["code"], csv("regions")[f"name_{lang}"]))
    assert set(into_areas[target]) == {names[c] for c in top} | {other}
    assert ":orange-badge[:material/science: " in " ".join(md.value for md in at.markdown)


def test_demo_views_follow_the_area_and_theme_filters_and_say_they_are_demo(con):
    p = csv("projects")
    districts = csv("regions").query("parent_code == 'BG31'")["code"]
    running = pd.to_datetime(p["start_date"]).dt.year <= LAST  # the default period is the observations' span
    chosen = p[
        p["region_code"].isin([*districts, "BG31"])
        & (p["theme"] == "education")
        & (p["status"] != "cancelled")
        & running
    ]
    at = open_page(PAGE, region="BG31", theme="education")
    table = table_with(at, "Budget, EUR")
    assert set(table["Theme"]) == {"Education"}
    assert table["Projects"].sum() == len(chosen)
    assert table["Budget, EUR"].sum() == pytest.approx(chosen["budget_eur"].sum(), abs=0.1)
    captions = " ".join(c.value for c in at.caption)
    assert f"Demo data — {len(chosen)} synthetic projects, not real ones" in captions
    assert "Area: Severozapaden" in captions and "themes: Education" in captions
    assert (
        figure(at, "Demo data: project budgets")["layout"]["title"]["text"]
        .replace("<br>", " ")
        .endswith(f"Severozapaden, projects running in {FIRST}–{LAST}")
    )
