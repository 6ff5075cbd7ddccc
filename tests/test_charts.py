"""Charts are sent without Plotly's validation (speed); conftest validates every figure a test draws instead.
These tests show that check can fail, and pin what the tile map draws."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import assert_valid_figure
from si_metrics import charts


def test_a_property_plotly_does_not_know_fails_the_check(monkeypatch):
    monkeypatch.undo()  # the app's own _figure, without conftest's check wrapped round it
    fig = charts._figure([dict(type="bar", x=[1], y=[2], colour="red")], charts._layout("t", "en"))
    with pytest.raises(ValueError, match="colour"):
        assert_valid_figure(fig)


def test_a_shorthand_plotly_would_rewrite_fails_the_check(monkeypatch):
    # plotly.js 3 reads an axis title only as {"text": ...}; validation rewrites the string form
    monkeypatch.undo()
    fig = charts._figure([dict(type="bar", x=[1], y=[2])], charts._layout("t", "en", xaxis=dict(title="EUR")))
    with pytest.raises(AssertionError, match=r"\.layout\.xaxis\.title"):
        assert_valid_figure(fig)


def test_the_tile_map_colours_known_values_outlines_the_area_and_greys_missing_ones():
    names = ["Северозападен", "Северен централен", "Североизточен"]
    frame = pd.DataFrame(
        {
            "code": ["BG31", "BG32", "BG33"],
            "name": names,
            "tile_row": [0, 0, 1],
            "tile_col": [0, 1, 0],
            "value": [35.8, 1234.5, math.nan],
        }
    )
    frame["short"] = frame["name"]
    fig = charts.tile_map(frame, title="AROPE", lang="bg", value_label="%", selected="BG32")
    coloured, missing = fig.to_dict()["data"]
    assert [row[0] for row in coloured["customdata"]] == ["BG31", "BG32"]
    assert list(coloured["marker"]["line"]["width"]) == [0.5, 3]
    assert coloured["text"] == ["Северозападен<br>35,8", "Северен централен<br>1\u00a0234,5"]
    assert coloured["marker"]["colorscale"][0] == [0.0, "#00224e"]  # Cividis, spelt out
    assert missing["text"] == ["Североизточен<br>–"] and missing["marker"]["color"] == charts.NO_DATA
