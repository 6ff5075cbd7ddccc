"""Page settings a link carries or a page shows: the open Table tab in the URL, a choice of one shown as text."""

from __future__ import annotations

from helpers import open_page, show_tables

POVERTY = "pages/explore/poverty.py"


def test_a_link_with_view_opens_that_charts_table_and_opening_a_table_puts_it_in_the_link(con):
    at = open_page(POVERTY, indicator="UNEMP", year="2024", region="BG", view="pov_rank")
    assert at.session_state["tab_pov_rank"] == "Table"
    assert at.session_state["tab_pov_trend"] == "Chart"
    assert at.query_params["view"] == ["pov_rank"] or at.query_params["view"] == "pov_rank"
    ranking = next(d.value for d in at.dataframe if "Code" in d.value.columns)
    assert ranking.set_index("Code").loc["BG31", "Unemployment rate (15-74) (%), 2024"] == 9.7

    at = show_tables(open_page(POVERTY, indicator="UNEMP", year="2024", region="BG"))
    opened = at.query_params["view"]
    opened = opened[0] if isinstance(opened, list) else opened
    assert set(opened.split(",")) >= {"pov_rank", "pov_trend"}


def test_a_link_to_a_chart_no_longer_on_the_page_opens_nothing_and_leaves_the_link(con):
    at = open_page(POVERTY, indicator="UNEMP", year="2024", region="BG", view="no_such_chart")
    assert "view" not in at.query_params
    assert all(at.session_state[k] == "Chart" for k in at.session_state if str(k).startswith("tab_"))


def test_a_level_choice_of_one_is_text_not_a_radio(con):
    at = open_page(POVERTY, indicator="AROPE", region="BG")  # AROPE (EU-2030) exists for NUTS 2 regions only
    assert [r.key for r in at.radio if r.key == "p_poverty_level"] == []
    assert "Level: **NUTS 2 regions**" in [c.value for c in at.caption]
    assert at.query_params["level"] in ("2", ["2"])
    several = open_page(POVERTY, indicator="UNEMP", region="BG")  # unemployment: NUTS 2 and districts
    assert several.radio(key="p_poverty_level").options == ["NUTS 2 regions", "Districts (NUTS 3)"]
