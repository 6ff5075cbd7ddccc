"""The area map: a tile grid always, real boundaries when imported; a click chooses the area."""

from __future__ import annotations

import functools
import textwrap

import pandas as pd
import streamlit as st

from si_metrics import charts, i18n

from . import data
from .components import chart_with_table
from .i18n import t
from .state import select_region, url_select


@functools.lru_cache(maxsize=8192)  # a few thousand area names at most; textwrap is slow enough to matter on a map
def tile_label(name: str, width: int) -> str:
    """A name in at most two lines of ``width`` characters (plotly line break), cut with … beyond that."""
    lines = textwrap.wrap(name, width, break_on_hyphens=True)
    if len(lines) > 2:
        lines = [lines[0], (lines[1][: width - 1] + "…")]
    return "<br>".join(line if len(line) <= width else line[: width - 1] + "…" for line in lines)


def _on_click(key: str) -> None:
    points = st.session_state[key].selection.points
    if points:
        point = points[0]
        code = (point.get("customdata") or [None])[0] or point.get("location")
        if code:
            select_region(str(code))


def area_map(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    value_label: str,
    lang: str,
    selected: str,
    table: pd.DataFrame,
    file_name: str,
    decimals: int = 1,
    higher_is_better: bool = False,
) -> None:
    """Map of ``frame`` (code, name, tile_row, tile_col, value) with its table and download; click selects."""
    width = 14 if frame["tile_col"].max() < 4 else 10  # characters that fit on a NUTS 2 / district tile
    frame = frame.assign(short=frame["name"].map(lambda n: tile_label(str(n), width)))
    kind = "tiles"
    boundaries = data.boundaries(data.release())
    if boundaries:
        kind = url_select(
            "map",
            t("map_kind"),
            ["tiles", "boundaries"],
            "tiles",
            widget="radio",
            horizontal=True,
            format_func=lambda k, lang=lang: i18n.translate(lang, f"map_kind_{k}"),
        )
    if kind == "boundaries" and boundaries:
        fig = charts.choropleth(
            frame, boundaries, title=title, lang=lang, value_label=value_label, higher_is_better=higher_is_better
        )
    else:
        fig = charts.tile_map(
            frame,
            title=title,
            lang=lang,
            value_label=value_label,
            decimals=decimals,
            higher_is_better=higher_is_better,
            selected=selected,
        )
    chart_key = f"{key}_{kind}_{selected}"  # a new chart when the area changes, so an old click is not replayed
    chart_with_table(fig, table, key=chart_key, file_name=file_name, on_select=lambda: _on_click(chart_key))
    st.caption(t("map_click_hint"))
