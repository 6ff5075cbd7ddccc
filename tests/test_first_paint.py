"""Cold start: the Overview's first run draws the headline figures without any Plotly chart (the browser would
first load and parse Plotly's bundle); the charts come in the session's next run."""

from __future__ import annotations

from conftest import metrics, open_page


def test_the_first_run_draws_figures_but_no_chart_and_the_next_run_draws_the_charts(con):
    at = open_page(None, region="BG41", lang="en")
    assert at.get("plotly_chart") == []
    assert "The chart is on its way…" in [c.value for c in at.caption]
    values = [value for value, _ in metrics(at).values()]
    assert "20.1%" in values and "EUR 3,416" not in values  # the headline figures are all there (Yugozapaden's)
    # what the fragment's timer does in the browser: run the page again; now the map and the trend are drawn
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    assert "The chart is on its way…" not in [c.value for c in at.caption]


def test_a_link_to_another_page_draws_its_charts_on_the_first_run(con):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["region"] = "BG"
    at.switch_page("pages/explore/poverty.py")
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("Poverty and inclusion")
    assert len(at.get("plotly_chart")) >= 1
