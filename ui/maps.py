"""The area map: a tile grid always, real boundaries when imported; a click chooses the area."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from si_metrics import charts, i18n

from . import data
from .components import chart_with_table
from .i18n import t
from .state import select_region, url_select

SHORT_NAME = 11  # characters that fit on a tile at 10 px


def short_name(name: str) -> str:
    return name if len(name) <= SHORT_NAME else name[: SHORT_NAME - 1] + "…"


def _on_click(key: str) -> None:
    points = st.session_state[key].selection.points
    if points:
        point = points[0]
        code = (point.get("customdata") or [None])[0] or point.get("location")
        if code:
            select_region(str(code))


def area_map(frame: pd.DataFrame, *, key: str, title: str, value_label: str, lang: str, selected: str,
             table: pd.DataFrame, file_name: str, decimals: int = 1, higher_is_better: bool = False) -> None:
    """Map of ``frame`` (code, name, tile_row, tile_col, value) with its table and download; click selects."""
    frame = frame.assign(short=frame["name"].map(short_name))
    kind = "tiles"
    boundaries = data.boundaries(data.release())
    if boundaries:
        kind = url_select("map", t("map_kind"), ["tiles", "boundaries"], "tiles", widget="radio", horizontal=True,
                          format_func=lambda k, lang=lang: i18n.translate(lang, f"map_kind_{k}"))
    if kind == "boundaries":
        fig = charts.choropleth(frame, boundaries, title=title, lang=lang, value_label=value_label,
                                higher_is_better=higher_is_better)
    else:
        fig = charts.tile_map(frame, title=title, lang=lang, value_label=value_label, decimals=decimals,
                              higher_is_better=higher_is_better, selected=selected)
    chart_key = f"{key}_{kind}_{selected}"  # a new chart when the area changes, so an old click is not replayed
    chart_with_table(fig, table, key=chart_key, file_name=file_name, on_select=lambda: _on_click(chart_key))
    st.caption(t("map_click_hint"))
