"""Exports and chart images: formula-safe CSV of any length without float noise, one header style, and charts that
carry their source, honest legends and ticks in the reader's language into the image Plotly downloads."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from helpers import assert_valid_figure
from si_metrics import chart_export
from si_metrics.exporting import csv_chunks, number_text, to_csv_bytes


def test_float_noise_is_gone_and_real_digits_stay():
    assert number_text(162384605.06999996) == "162384605.07"
    assert number_text(0.1 + 0.2) == "0.3"
    assert number_text(1295931.0) == "1295931"
    assert number_text(52.5) == "52.5"
    assert number_text(1 / 3) == "0.333333333333333"
    frame = pd.DataFrame({"code": ["BG"], "eu_eur": [162384605.06999996]})
    assert to_csv_bytes(frame).decode() == "code,eu_eur\nBG,162384605.07\n"


def test_decimals_round_a_column_to_its_indicators_precision():
    frame = pd.DataFrame({"region_code": ["BG31", "BG32"], "value": [28.349999, 22.05000001], "year": [2024, 2024]})
    assert (
        to_csv_bytes(frame, decimals={"value": 1}).decode()
        == "region_code,value,year\nBG31,28.3,2024\nBG32,22.1,2024\n"
    )


def test_a_streamed_export_writes_one_header_and_neutralises_formulas_in_every_chunk():
    parts = [pd.DataFrame({"name": [f"=cmd{i}", f"ok{i}"], "n": [i, i + 0.5]}) for i in range(3)]
    text = b"".join(csv_chunks(iter(parts), bom=True)).decode("utf-8")
    assert text.startswith("\ufeffname,n\n")
    assert text.count("name,n") == 1
    assert text.splitlines()[1:] == ["'=cmd0,0", "ok0,0.5", "'=cmd1,1", "ok1,1.5", "'=cmd2,2", "ok2,2.5"]


def _trend(values_by_series: dict[str, list[float | None]], big: bool = False) -> go.Figure:
    traces = [
        dict(type="scatter", mode="lines+markers", name=name, x=list(range(2020, 2020 + len(ys))), y=ys)
        for name, ys in values_by_series.items()
    ]
    return go.Figure(data=traces, layout=dict(title=dict(text="Trend"), separators=", "))


def test_a_series_of_one_value_is_a_point_in_the_legend_and_an_empty_one_leaves_it():
    fig = chart_export.prepared(_trend({"a": [1.0, 2.0], "b": [None, 3.0], "c": [None, None]}), "en", "")
    modes = {t.name: (t.mode, t.showlegend) for t in fig.data}
    assert modes == {"a": ("lines+markers", None), "b": ("markers", None), "c": ("lines+markers", False)}
    assert_valid_figure(fig)


def test_bulgarian_ticks_of_millions_are_written_out_and_english_ones_are_left_to_plotly():
    fig = _trend({"EU funds": [12e6, 48e6, 31e6]})
    bg = chart_export.prepared(fig, "bg", "")
    assert list(bg.layout.yaxis.tickvals) == [0, 10e6, 20e6, 30e6, 40e6]
    assert list(bg.layout.yaxis.ticktext) == ["0", "10 млн.", "20 млн.", "30 млн.", "40 млн."]
    assert bg.layout.xaxis.exponentformat == "none"  # years: whole numbers, never "2,02k"
    en = chart_export.prepared(fig, "en", "")
    assert en.layout.yaxis.tickvals is None
    assert_valid_figure(bg)


def test_the_source_line_is_drawn_into_the_figure_and_the_camera_downloads_png_or_svg():
    fig = chart_export.prepared(_trend({"a": [1.0, 2.0]}), "en", "Source: Indicator values — Eurostat (vintage: 2025)")
    assert fig.layout.title.text == "Trend"
    assert fig.layout.title.subtitle.text == "Source: Indicator values — Eurostat (vintage: 2025)"
    assert fig.layout.margin.t == 8 + 20 * 2 + 14 + 16  # the plot starts below a title line and a source line
    assert_valid_figure(fig)
    config = chart_export.image_config("AROPE_trend", "svg")
    assert config["toImageButtonOptions"] == {"format": "svg", "filename": "AROPE_trend", "scale": 2}
    assert chart_export.image_config("x", "gif")["toImageButtonOptions"]["format"] == "png"
