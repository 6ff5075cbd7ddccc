"""What makes charts and maps readable on a phone, checked on the figures and text themselves (the browser tier,
tests/test_phones.py, looks at the pages)."""

from __future__ import annotations

import pandas as pd

from si_metrics import charts
from ui.maps import ranked_list, tile_label


def test_titles_wrap_to_a_phone_width_even_where_the_caller_broke_them():
    title = "At risk of poverty or social exclusion (EU-2030), 2024 vs all EU funds contracted per person<br>NUTS 2"
    lines = charts._layout(title, "en")["title"]["text"].split("<br>")
    assert lines == [
        "At risk of poverty or social exclusion",
        "(EU-2030), 2024 vs all EU funds contracted",
        "per person",
        "NUTS 2",
    ]
    assert max(map(len, lines)) <= charts.TITLE_WIDTH
    assert charts._layout(title, "en")["margin"]["t"] == 40 + 22 * 4  # room for every line


def test_time_axes_show_fewer_ticks_on_long_series_and_legends_sit_below():
    assert charts.year_step(pd.Series([2019, 2024])) == 1
    assert charts.year_step(pd.Series([2010, 2024])) == 2
    assert charts.year_step(pd.Series([2003, 2025])) == 5
    frame = pd.DataFrame(
        {"series": ["Vidin"] * 3, "kind": ["area"] * 3, "year": [2003, 2014, 2025], "value": [1.0, 2, 3], "flag": None}
    )
    layout = charts.trend_lines(frame, title="t", lang="en", value_label="%").layout
    assert layout.xaxis.dtick == 5 and layout.xaxis.automargin is True and layout.yaxis.automargin is True
    assert (layout.legend.orientation, layout.legend.yanchor, layout.legend.x) == ("h", "top", 0)


def test_scatter_names_near_the_edges_run_inwards():
    frame = pd.DataFrame(
        {"code": ["A", "B", "C"], "name": ["Left", "Middle", "Right"], "x": [0.0, 50, 100], "y": [1.0, 5, 9]}
    ).assign(flagged=False)
    fig = charts.quadrants(
        frame, x_line=50, y_line=5, title="t", lang="en", x_label="x", y_label="y", x_note="n", y_note="m"
    )
    assert list(fig.data[0].textposition) == ["top right", "top center", "top left"]


def test_tile_labels_break_between_words_only():
    assert tile_label("Благоевград", 10) == "Благоевград"  # one word, 11 characters: kept whole
    assert tile_label("Велико Търново", 10) == "Велико<br>Търново"
    assert tile_label("Severen tsentralen", 14) == "Severen<br>tsentralen"
    assert tile_label("Veryveryverylongname", 10) == "Veryveryvery…"  # past the tile's margin: cut, marked


def test_the_ranked_list_is_escaped_markdown_highest_first_with_the_chosen_area_in_bold():
    frame = pd.DataFrame(
        {"code": ["BG311", "BG312", "BG313"], "name": ["Видин", "Монтана *", "Враца"], "value": [20.9, 13.1, None]}
    )
    text = ranked_list(frame, "AROP, 2024<br>districts", "bg", 1, selected="BG311")
    assert text.split("\n") == [
        "**AROP, 2024 · districts**",
        "",
        "1. **Видин** — 20,9",
        "2. Монтана \\* — 13,1",
        "",
        "Няма данни: Враца\\.",
    ]
