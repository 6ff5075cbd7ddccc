"""The area map: a tile grid always, real boundaries when imported; a click chooses the area.

Under the map, the same areas as a ranked list, real text that the keyboard and a screen reader reach (the tiles take
a pointer, and the Table tab's grid is drawn on a canvas): in an expander on a wide screen, and instead of the map on a
phone, where tiles of a fixed size cannot be read. The stylesheet (assets/app.css) chooses by the containers' keys
(``si_map_*``: the map, ``si_maplist_*``: the open list for phones, ``si_mapexpander_*``: the list for wide screens)."""

from __future__ import annotations

import functools
import textwrap

import pandas as pd
import streamlit as st

from si_metrics import charts, i18n

from . import data
from .components import chart_with_table, md_escape
from .i18n import t
from .state import select_region, url_select

LONG_WORD = 3  # characters a single word may pass the tile's width before it is cut (a tile has a little margin)


@functools.lru_cache(maxsize=8192)  # a few thousand area names at most; textwrap is slow enough to matter on a map
def tile_label(name: str, width: int) -> str:
    """A name in at most two lines of about ``width`` characters (plotly line break), broken between words only;
    a word longer than the tile is cut with …, and so is a third line."""
    lines = textwrap.wrap(name, width, break_on_hyphens=True, break_long_words=False)
    if len(lines) > 2:
        lines = [lines[0], lines[1] + " " + lines[2]]
        lines[1] = lines[1][: width - 1] + "…"
    limit = width + LONG_WORD
    return "<br>".join(line if len(line) <= limit else line[: limit - 1] + "…" for line in lines)


def ranked_list(frame: pd.DataFrame, heading: str, lang: str, decimals: int, selected: str | None = None) -> str:
    """The areas as a Markdown ordered list, highest value first (as the ranking bars), the selected area in bold;
    every text escaped. ``heading`` may hold Plotly's line breaks (a chart title)."""
    ranked = frame.dropna(subset=["value"]).sort_values("value", ascending=False, kind="stable")
    lines = []
    for i, (code, name, value) in enumerate(zip(ranked["code"], ranked["name"], ranked["value"]), start=1):
        entry = md_escape(name)
        lines.append(
            f"{i}. {f'**{entry}**' if code == selected else entry} — "
            f"{md_escape(i18n.format_number(value, lang, decimals))}"
        )
    missing = frame[frame["value"].isna()]["name"]
    if len(missing):
        lines.append("")
        lines.append(md_escape(i18n.translate(lang, "map_list_missing", areas=", ".join(map(str, missing)))))
    return f"**{md_escape(heading.replace('<br>', ' · '))}**\n\n" + "\n".join(lines)


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
    with st.container(key=f"si_map_{key}"):
        chart_with_table(fig, table, key=chart_key, file_name=file_name, on_select=lambda: _on_click(chart_key))
    listed = ranked_list(frame, title, lang, decimals, selected)
    with st.container(key=f"si_mapexpander_{key}"), st.expander(t("map_list"), icon=":material/format_list_numbered:"):
        st.markdown(listed)
    with st.container(key=f"si_maplist_{key}"):
        st.markdown(listed)
    st.caption(t("map_click_hint") + " " + t("map_keyboard_hint"))
