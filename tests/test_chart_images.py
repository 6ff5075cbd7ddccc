"""Browser tier: every chart downloads as PNG or SVG, drawn by Plotly in the browser (offline), with its title,
source and vintage in the image; Bulgarian axis ticks and legends as the figure says."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_accessibility import settle
from test_browser import IDLE, assert_healthy, browser, load, page, server  # noqa: F401 (fixtures of the browser tier)

pytestmark = pytest.mark.browser


def _download_image(tab, chart: int) -> tuple[str, bytes]:
    plot = tab.locator("[data-testid=stPlotlyChart]").nth(chart)
    plot.scroll_into_view_if_needed()
    plot.hover()
    button = tab.locator(".modebar-btn[data-title^='Download plot']").nth(chart)
    with tab.expect_download(timeout=30_000) as info:
        button.evaluate("b => b.click()")  # the modebar shows on hover only; its button is in the chart
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_a_chart_downloads_as_svg_and_png_with_its_source_drawn_in(server, page):  # noqa: F811 - pytest fixtures
    load(page, f"{server}/?region=BG311&lang=bg", ready="[data-testid=stPlotlyChart]")
    settle(page)  # a page may rerun once after its first run, replacing the chart under the pointer
    page.context.set_default_timeout(30_000)
    name, png = _download_image(page, 1)  # the trend: PNG by default
    assert name.endswith("_trend.png") and png.startswith(b"\x89PNG")
    assert len(png) > 20_000  # a drawn chart at twice the screen size, not an empty canvas
    page.get_by_role("radio", name="SVG").nth(1).click()
    page.wait_for_selector(IDLE)
    settle(page)
    name, svg = _download_image(page, 1)
    text = svg.decode("utf-8")
    assert name.endswith("_trend.svg") and text.lstrip().startswith("<svg")
    assert "Източник: Стойности на показателите" in text  # the source line, drawn into the image
    assert "версия на данните" in text  # and its vintage
    assert "Видин" in text  # the area's own series, in the legend
    assert_healthy(page)
