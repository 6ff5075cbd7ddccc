"""The home page through AppTest: concrete figures for known areas, both languages, filters in the URL."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import ROOT, metrics, open_page, show_tables


def open_app(con, **params: str):
    """The Overview (the default page) with the given URL parameters; the store fixture is built first."""
    return open_page(None, **params)


def test_yugozapaden_in_english(con):
    at = open_app(con, region="BG41")
    m = metrics(at)
    assert m["2024: At risk of poverty or social exclusion (EU-2030)"] == ("20.1%", "-0.9 pp vs EU-27")
    assert m["Population, 1 January 2025"] == ("2,022,982", "")
    assert m["ESF+ 2021–27: paid ÷ contracted"] == ("52.0%", "")
    assert m["All EU funds contracted, per person"] == ("EUR 4,006", "")
    captions = [c.value for c in at.caption]
    assert "EU-27: 21.0% · Bulgaria: No data" in captions
    assert any("EUR 8.10 bn contracted, EUR 3.60 bn paid" in c for c in captions)
    assert at.title[0].value == "Social inclusion and social innovation in Yugozapaden"
    assert ":orange-badge[:material/science: Demo data]" in [md.value for md in at.markdown]


def test_yugozapaden_in_bulgarian(con):
    at = open_app(con, region="BG41", lang="bg")
    m = metrics(at)
    assert m["2024 г.: Риск от бедност или социално изключване (ЕС-2030)"] == (
        "20,1\u00a0%",
        "-0,9 пр. п. спрямо ЕС-27",
    )
    assert m["Население към 1 януари 2025 г."] == ("2\u00a0022\u00a0982", "")
    assert at.title[0].value == "Социално включване и социални иновации – Югозападен"
    assert at.sidebar.radio[0].value == "bg"


def test_a_district_shows_its_own_population_and_its_nuts2_poverty_figure(con):
    at = open_app(con, region="BG311")
    m = metrics(at)
    assert m["Population, 1 January 2025"] == ("70,542", "")
    assert m["2024: At risk of poverty or social exclusion (EU-2030)"] == ("35.8%", "+14.8 pp vs EU-27")
    assert (
        "Figure for Severozapaden: At risk of poverty or social exclusion (EU-2030) is not published for smaller areas."
        in [c.value for c in at.caption]
    )
    assert m["All EU funds contracted, per person"] == ("EUR 3,885", "")


def test_the_country_falls_back_to_the_europe_2020_series_and_says_so(con):
    at = open_app(con)
    m = metrics(at)
    assert m["2017: At risk of poverty or social exclusion (Europe 2020)"] == ("38.9%", "")
    assert m["Population, 1 January 2025"] == ("6,437,360", "")
    assert m["All EU funds contracted, per person"] == ("EUR 3,416", "")
    target = at.info[0].value
    assert "-787,000 people" in target and "cannot be measured yet" in target


def test_the_period_filter_moves_the_latest_year(con):
    at = open_app(con, region="BG31", **{"from": "2008", "to": "2012"})
    m = metrics(at)
    assert m["2012: At risk of poverty or social exclusion (Europe 2020)"] == ("52.6%", "")
    assert "Population, 1 January 2012" in m and m["Population, 1 January 2012"][0] == "No data"


def test_filters_round_trip_through_the_url(con):
    at = open_app(con, region="BG311", lang="bg", **{"from": "2010", "to": "2020"})
    assert {k: at.query_params[k] for k in ("region", "lang", "from", "to", "theme")} == {
        "region": "BG311",
        "lang": "bg",
        "from": "2010",
        "to": "2020",
        "theme": "all",
    }
    assert at.sidebar.selectbox[0].value == "BG311" and at.sidebar.slider[0].value == (2010, 2020)
    at.sidebar.selectbox[0].set_value("BG41").run()
    assert at.query_params["region"] == "BG41"
    at.sidebar.radio[0].set_value("en").run()
    assert at.query_params["lang"] == "en" and at.title[0].value.endswith("Yugozapaden")


@pytest.mark.parametrize(
    "params, ignored",
    [
        ({"region": "XX99"}, "region=XX99"),
        ({"from": "abc"}, "from=abc"),
        ({"to": "1850"}, "to=1850"),
        ({"lang": "klingon"}, "lang=klingon"),
        ({"region": "'; drop table releases; --"}, "region='; drop table releases; --"),
    ],
)
def test_malformed_parameters_give_a_notice_and_the_defaults(con, params, ignored):
    at = open_app(con, **params)
    assert [w.value for w in at.warning] == [f"Some link settings were not understood and were ignored: {ignored}."]
    assert at.sidebar.selectbox[0].value == "BG"  # a bad region falls back to the default, as does none
    assert metrics(at)["Population, 1 January 2025"] == ("6,437,360", "")


def test_sources_footer_comes_from_metadata(con):
    at = open_app(con, region="BG41")
    captions = " ".join(c.value for c in at.caption)
    assert "tgs00107" in captions and "CC BY 4\\.0" in captions and "snapshot 2026\\-08\\-24" in captions
    assert "Demo data**: Social\\-innovation projects" in captions or "Demo data**:" in captions


def test_overview_map_and_trend(con):
    at = open_app(con, region="BG41")
    nuts2 = show_tables(at).dataframe[0].value.set_index("Code")
    assert nuts2["Value"].to_dict() == {
        "BG31": 35.8,
        "BG32": 36.6,
        "BG33": 26.3,
        "BG34": 35.8,
        "BG41": 20.1,
        "BG42": 38.3,
    }
    # AROPE (EU-2030) has one year only, so the trend shows the AROPE series (Europe 2020) that reaches furthest,
    # NSI's own-poverty-line one, and says it is another indicator
    assert any(
        c.value.startswith("At risk of poverty or social exclusion (EU-2030) has fewer than two years")
        and "(Europe 2020), own poverty line (NSI) instead" in c.value
        for c in at.caption
    )
    trend = at.dataframe[1].value
    obs = pd.read_csv(ROOT / "datasets" / "observations.csv").query("sex == 'T' and age == 'TOTAL'")
    nsi = obs[obs.indicator_code == "AROPE_EU2020_REGIONAL_LINE"].set_index(["region_code", "year"])["value"]
    bg41 = trend[trend["Area code"] == "BG41"].set_index("Year")["Value"]
    assert (bg41[2008], bg41[2015], bg41[2020]) == (nsi["BG41", 2008], nsi["BG41", 2015], nsi["BG41", 2020])
    assert (bg41[2008], bg41[2020]) == (35.7, 26.9)
    assert trend[trend["Area code"] == "BG"].set_index("Year").loc[2008, "Value"] == 44.8


def test_overview_indicator_setting_in_the_link(con):
    at = open_page(None, region="BG", indicator="UNEMP")
    assert show_tables(at).dataframe[0].value.set_index("Code").loc["BG31", "Value"] == 9.7
    assert at.query_params["indicator"] == "UNEMP"
