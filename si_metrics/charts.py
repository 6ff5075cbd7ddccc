"""Plotly figures as pure functions of a DataFrame: colour-blind-safe, locale-aware, titled by the caller."""

from __future__ import annotations

import base64
import math
import textwrap
from typing import Any

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
# Cividis (Nuñez et al. 2018) is perceptually uniform and readable with colour-vision deficiencies.
# Spelt out (Plotly's own stops) rather than named: figures are not validated, which is where the name is expanded.
SEQUENTIAL = plotly.colors.get_colorscale("Cividis")
NO_DATA = "#d9d9d9"
BENCHMARK_COLOURS = {"country": "#000000", "benchmark": "#7f7f7f"}
FONT = dict(family="Source Sans Pro, sans-serif", size=13)
SEPARATORS = {"en": ".,", "bg": ",\u00a0"}  # plotly: decimal mark, then thousands separator


# characters per title line before wrapping: a line fits a phone's 390 px in 15 px bold (about 8 px a character, in
# Latin or Cyrillic), which also suits a chart in half of a wide screen; longer titles take more lines
TITLE_WIDTH = 42
# a legend below the plot, left-aligned, in rows: beside the plot it takes half of a phone's width
LEGEND_BELOW = dict(orientation="h", x=0, xanchor="left", yanchor="top")
# A small template of our own: Plotly's default one is large, and copied and validated into every figure.
# Streamlit's chart theme styles the template on the page; _layout sets what our charts rely on.
TEMPLATE = dict(layout=dict(font=FONT, colorway=OKABE_ITO, paper_bgcolor="white", plot_bgcolor="white"))
# Figures are built as plain dicts and wrapped in go.Figure without Plotly's validation: validating walks every
# property of every chart on every rerun (most of all a map of hundreds of districts), and Plotly's add_trace /
# update_* calls re-validate on every call. The tests validate every figure they draw instead (tests/conftest.py):
# a property Plotly does not know fails there, and the validated figure must serialise to the same JSON as the one
# sent.


def _layout(title: str, lang: str, height: int | None = None, **extra: Any) -> dict:
    """The layout every chart shares (wrapped title, locale separators, fonts, colours), plus ``extra``."""
    # each line the caller asked for (<br>) wrapped again to the width
    title = "<br>".join(line for part in title.split("<br>") for line in (textwrap.wrap(part, TITLE_WIDTH) or [""]))
    layout = dict(
        template=TEMPLATE,
        # hung from the top (Plotly centres a title in the margin, and a long one would run into the plot)
        title=dict(
            text=title, x=0, xanchor="left", y=1, yref="container", yanchor="top", pad=dict(t=12), font=dict(size=15)
        ),
        separators=SEPARATORS[lang],
        font=FONT,
        margin=dict(l=10, r=10, t=40 + 22 * (title.count("<br>") + 1), b=10),  # 15 px bold lines: about 22 px each
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=OKABE_ITO,
        height=height,
    )
    for axis in ("xaxis", "yaxis"):  # long tick labels and axis titles take the room they need, not more
        if isinstance(extra.get(axis), dict):
            extra[axis] = {"automargin": True, **extra[axis]}
    layout.update(extra)
    return layout


def year_step(years: pd.Series) -> int:
    """Years between ticks on a time axis: every year for a short series, fewer for a long one (a phone has room
    for about seven tick labels)."""
    span = int(years.max() - years.min()) if len(years) else 0
    return 1 if span <= 8 else 2 if span <= 16 else 5


# plotly.js typed arrays (what Plotly's own to_dict makes of a numeric array)
_JS_TYPES = {
    "int8": "i1",
    "uint8": "u1",
    "int16": "i2",
    "uint16": "u2",
    "int32": "i4",
    "uint32": "u4",
    "float32": "f4",
    "float64": "f8",
}


def _array(values: Any) -> Any:
    """An array as Plotly's ``Figure.to_dict`` would send it: numbers as a base64 typed array (64-bit integers
    narrowed to the smallest type that holds them), labels as a list; anything else unchanged."""
    a = np.asarray(values)
    if a.dtype.kind in "iu" and a.dtype.itemsize == 8 and a.size:
        for small in ("int8", "int16", "int32") if a.dtype.kind == "i" else ("uint8", "uint16", "uint32"):
            if np.iinfo(small).min <= a.min() and a.max() <= np.iinfo(small).max:
                a = a.astype(small)
                break
    if a.dtype.name in _JS_TYPES and a.size:
        spec = {
            "dtype": _JS_TYPES[a.dtype.name],
            "bdata": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii"),
        }
        if a.ndim > 1:
            spec["shape"] = str(a.shape)[1:-1]
        return spec
    return a.tolist() if a.dtype.kind in "OUSb" or not a.size else values


def _plain(value: Any) -> Any:
    """``value`` with every array (Series, Index, ndarray) inside it already in the form that is sent. Streamlit
    sends a figure through ``Figure.to_dict``, which deep-copies each array and passes it through narwhals to encode
    it, for every array on every run; arrays already in that form are sent as they are, as the same JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
        return _array(value)
    return value


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    return go.Figure(data=[_plain(trace) for trace in traces], layout=_plain(layout), _validate=False)


def _reversed(higher_is_better: bool) -> bool:
    # dark = worse: for "lower is better" indicators high values are dark; cividis runs dark → light
    return not higher_is_better


def _text_colours(values: pd.Series, higher_is_better: bool) -> list[str]:
    """Dark text on the light (yellow) end of cividis, white on the dark (blue) end."""
    low, high = values.min(), values.max()
    span = (high - low) or 1.0
    shares = [(v - low) / span for v in values]
    dark_end = [s if not higher_is_better else 1 - s for s in shares]  # share towards the dark colour
    return ["white" if d > 0.45 else "#1b2631" for d in dark_end]


def tile_map(
    frame: pd.DataFrame,
    *,
    title: str,
    lang: str,
    value_label: str,
    decimals: int = 1,
    higher_is_better: bool = False,
    selected: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """A tile-grid map: one equal square per area at (tile_row, tile_col); colour = value; click = select.

    ``frame`` columns: code, name, tile_row, tile_col, value (NaN = no data), short (label on the tile).
    """
    frame = frame.dropna(subset=["tile_row", "tile_col"])
    frame = frame.assign(_last=frame["code"] == selected).sort_values("_last", kind="stable")  # outline on top
    has = frame[frame["value"].notna()]
    missing = frame[frame["value"].isna()]
    fmt = f",.{decimals}f"
    rows = int(frame["tile_row"].max()) + 1 if len(frame) else 1
    cols = int(frame["tile_col"].max()) + 1 if len(frame) else 1
    size = 92 if cols <= 4 else 58
    traces = []
    for part, coloured in ((has, True), (missing, False)):
        if part.empty:
            continue
        values = [f"{v:{fmt}}" if coloured else "–" for v in part["value"]]
        if coloured:
            values = [
                v.replace(",", "\0").replace(".", SEPARATORS[lang][0]).replace("\0", SEPARATORS[lang][1])
                for v in values
            ]
        marker = dict(
            symbol="square",
            size=size,
            line=dict(
                width=[3 if c == selected else 0.5 for c in part["code"]],
                color=["#D55E00" if c == selected else "white" for c in part["code"]],
            ),
        )
        if coloured:
            marker.update(
                color=part["value"],
                colorscale=SEQUENTIAL,
                reversescale=_reversed(higher_is_better),
                showscale=True,
                colorbar=dict(title=dict(text=value_label, side="right"), thickness=12),
            )
        else:
            marker.update(color=NO_DATA)
        traces.append(
            dict(
                type="scatter",
                x=part["tile_col"],
                y=part["tile_row"],
                mode="markers+text",
                marker=marker,
                text=[f"{s}<br>{v}" for s, v in zip(part["short"], values)],
                textposition="middle center",
                textfont=dict(
                    size=10,
                    color=_text_colours(part["value"], higher_is_better) if coloured else ["#333333"] * len(part),
                ),
                customdata=part[["code", "name"]].to_numpy(),
                showlegend=False,
                hovertemplate="%{customdata[1]} (%{customdata[0]})<br>" + value_label + ": %{text}<extra></extra>",
            )
        )
    layout = _layout(
        title,
        lang,
        height or 110 + rows * (size + 14),
        xaxis=dict(visible=False, range=[-0.6, cols - 0.4], fixedrange=True),
        yaxis=dict(visible=False, range=[rows - 0.4, -0.6], fixedrange=True, scaleanchor="x"),
        dragmode=False,
        clickmode="event+select",
    )
    layout["margin"]["r"] = 40  # room for the colour bar's title
    return _figure(traces, layout)


def choropleth(
    frame: pd.DataFrame,
    geojson: dict,
    *,
    title: str,
    lang: str,
    value_label: str,
    higher_is_better: bool = False,
    height: int = 460,
) -> go.Figure:
    """A real-boundary choropleth drawn offline (map_style white-bg: no tiles, no CDN)."""
    codes = set(frame["code"])
    features = [f for f in geojson["features"] if f["properties"]["NUTS_ID"] in codes]
    lons, lats = [], []
    for f in features:
        polygons = f["geometry"]["coordinates"]
        polygons = [polygons] if f["geometry"]["type"] == "Polygon" else polygons
        for polygon in polygons:
            for lon, lat, *_ in polygon[0]:
                lons.append(lon)
                lats.append(lat)
    center = dict(lon=(min(lons) + max(lons)) / 2, lat=(min(lats) + max(lats)) / 2) if lons else dict(lon=25, lat=42.7)
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.6) if lons else 8
    trace = dict(
        type="choroplethmap",
        geojson={"type": "FeatureCollection", "features": features},
        locations=frame["code"],
        z=frame["value"],
        featureidkey="properties.NUTS_ID",
        colorscale=SEQUENTIAL,
        reversescale=_reversed(higher_is_better),
        marker=dict(line=dict(width=0.8, color="white")),
        customdata=frame[["code", "name"]].to_numpy(),
        colorbar=dict(title=dict(text=value_label, side="right"), thickness=12),
        hovertemplate="%{customdata[1]} (%{customdata[0]}): %{z}<extra></extra>",
    )
    return _figure(
        [trace],
        _layout(
            title, lang, height, map=dict(style="white-bg", center=center, zoom=max(0.5, math.log2(360 / span) - 0.3))
        ),
    )


def trend_lines(frame: pd.DataFrame, *, title: str, lang: str, value_label: str, flag_label: str = "flag") -> go.Figure:
    """Lines over years, one per series; benchmark series dashed; flagged points drawn as open markers.

    ``frame`` columns: series, kind ('area' | 'country' | 'benchmark'), year, value, flag.
    """
    traces = []
    colours = iter(OKABE_ITO)
    for series, part in frame.sort_values("year").groupby("series", sort=False):
        kind = part["kind"].iloc[0]
        colour = BENCHMARK_COLOURS.get(kind) or next(colours)
        flags = part["flag"].fillna("")
        traces.append(
            dict(
                type="scatter",
                x=part["year"],
                y=part["value"],
                name=series,
                mode="lines+markers",
                line=dict(color=colour, dash="dash" if kind != "area" else "solid", width=2 if kind == "area" else 1.5),
                marker=dict(color=colour, size=8, symbol=["circle-open" if f else "circle" for f in flags]),
                customdata=flags,
                hovertemplate=f"{series} %{{x}}: %{{y}} {flag_label} %{{customdata}}<extra></extra>",
            )
        )
    return _figure(
        traces,
        _layout(
            title,
            lang,
            420,
            xaxis=dict(dtick=year_step(frame["year"]), tickformat="d", showgrid=False),
            yaxis=dict(title=dict(text=value_label), gridcolor="#eeeeee", rangemode="tozero"),
            legend=dict(LEGEND_BELOW, y=-0.12),
            hovermode="closest",
        ),
    )


def ranking_bar(
    frame: pd.DataFrame,
    *,
    title: str,
    lang: str,
    value_label: str,
    selected: str | None = None,
    height: int | None = None,
    decimals: int = 1,
) -> go.Figure:
    """Horizontal bars, highest at the top; the selected area highlighted. Columns: code, name, value."""
    frame = frame.sort_values("value", ascending=True)
    colours = ["#D55E00" if c == selected else "#0072B2" for c in frame["code"]]
    bar = dict(
        type="bar",
        x=frame["value"],
        y=frame["name"],
        orientation="h",
        marker=dict(color=colours),
        text=frame["value"],
        texttemplate=f"%{{x:,.{decimals}f}}",
        textposition="outside",
        cliponaxis=False,
        customdata=frame[["code"]].to_numpy(),
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    top = float(frame["value"].max()) if len(frame) else 0.0
    return _figure(
        [bar],
        _layout(
            title,
            lang,
            height or 110 + 28 * len(frame),
            # room for the labels beyond the longest bar
            xaxis=dict(title=dict(text=value_label), gridcolor="#eeeeee", range=[0, top * 1.2 if top > 0 else 1]),
            yaxis=dict(tickmode="array", tickvals=list(frame["name"]), automargin=True),
        ),
    )


def _merge(layout: dict, extra: dict | None) -> dict:
    """``layout`` with ``extra`` laid over it, one level deep (``xaxis=dict(dtick=1)`` keeps the axis's title)."""
    for key, value in (extra or {}).items():
        both = isinstance(value, dict) and isinstance(layout.get(key), dict)
        layout[key] = {**layout[key], **value} if both else value
    return layout


def bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    lang: str,
    value_label: str,
    colour: str | None = None,
    horizontal: bool = True,
    layout: dict | None = None,
    stacked: bool = True,
) -> go.Figure:
    """Bars of a small aggregated frame, optionally split by a category column, stacked (parts of a count) or side
    by side (rates, which do not add up); ``layout`` is laid over the chart's own layout (see _merge)."""
    categories, values = frame[x].tolist(), frame[y].to_numpy()
    rows: dict[object, list[int]] = {None: list(range(len(frame)))}  # one trace of every row, even of none
    if colour:  # a trace per colour, in order of first appearance (a pandas groupby costs more)
        rows = {}
        for i, name in enumerate(frame[colour].tolist()):
            rows.setdefault(name, []).append(i)
    traces = []
    for n, (name, at) in enumerate(rows.items()):
        cats, vals = [categories[i] for i in at], values[at]
        traces.append(
            dict(
                type="bar",
                x=vals if horizontal else cats,
                y=cats if horizontal else vals,
                name=name,
                orientation="h" if horizontal else "v",
                marker=dict(color=OKABE_ITO[n % len(OKABE_ITO)]),
                showlegend=colour is not None,
            )
        )
    value_axis = dict(title=dict(text=value_label), gridcolor="#eeeeee")
    axes = dict(xaxis=value_axis, yaxis=dict(autorange="reversed")) if horizontal else dict(yaxis=value_axis)
    return _figure(
        traces,
        _merge(
            _layout(
                title,
                lang,
                120 + 26 * len(set(categories)) * (1 if stacked else max(1, len(rows))) if horizontal else 400,
                barmode="stack" if stacked else "group",
                legend=dict(LEGEND_BELOW, y=-0.2),
                **axes,
            ),
            layout,
        ),
    )


def sankey(links: pd.DataFrame, *, title: str, lang: str) -> go.Figure:
    """A Sankey of flows. Columns: source, target, value (labels; a node may be a source and a target)."""
    nodes = list(dict.fromkeys([*links["source"], *links["target"]]))
    index = {n: i for i, n in enumerate(nodes)}
    trace = dict(
        type="sankey",
        node=dict(label=nodes, pad=12, thickness=14, color=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(nodes))]),
        link=dict(
            source=[index[s] for s in links["source"]],
            target=[index[t] for t in links["target"]],
            value=links["value"],
            color="rgba(0,114,178,0.25)",
        ),
    )
    return _figure([trace], _layout(title, lang, 560))


def quadrants(
    frame: pd.DataFrame,
    *,
    x_line: float,
    y_line: float,
    title: str,
    lang: str,
    x_label: str,
    y_label: str,
    x_note: str = "",
    y_note: str = "",
    selected: str | None = None,
) -> go.Figure:
    """Scatter of areas with reference lines (named by the notes); columns: code, name, x, y, flagged (bool: in
    the watched quadrant). Labels of near neighbours are kept apart; the selected area is ringed."""
    xs, ys = frame["x"].to_numpy(dtype=float), frame["y"].to_numpy(dtype=float)
    dx = (max(xs.max(), x_line) - min(xs.min(), x_line)) or 1.0 if len(frame) else 1.0
    dy = (max(ys.max(), y_line) - min(ys.min(), y_line)) or 1.0 if len(frame) else 1.0
    positions = ["top center"] * len(frame)
    for i in range(len(frame)):  # a label right above a point it would overlap goes below instead
        if any(
            positions[j] == "top center" and abs(xs[i] - xs[j]) < 0.15 * dx and abs(ys[i] - ys[j]) < 0.06 * dy
            for j in range(i)
        ):
            positions[i] = "bottom center"
    if len(frame):  # names of points near either side run inwards, so a narrow chart does not cut them at its edge
        low, high = min(xs.min(), x_line), max(xs.max(), x_line)
        for i, x in enumerate(xs):
            side = "left" if x > low + 0.7 * (high - low) else "right" if x < low + 0.3 * (high - low) else "center"
            positions[i] = positions[i].replace("center", side)
    trace = dict(
        type="scatter",
        x=frame["x"],
        y=frame["y"],
        mode="markers+text",
        text=frame["name"],
        textposition=positions,
        marker=dict(
            size=14,
            color=["#D55E00" if f else "#0072B2" for f in frame["flagged"]],
            symbol=["diamond" if f else "circle" for f in frame["flagged"]],
            line=dict(width=[3 if c == selected else 0 for c in frame["code"]], color="#000000"),
        ),
        customdata=frame[["code"]].to_numpy(),
        hovertemplate="%{text}: %{x}, %{y}<extra></extra>",
        showlegend=False,
    )
    reference = dict(dash="dot", color="#555555")
    shapes = [
        dict(type="line", x0=x_line, x1=x_line, xref="x", y0=0, y1=1, yref="y domain", line=reference),
        dict(type="line", x0=0, x1=1, xref="x domain", y0=y_line, y1=y_line, yref="y", line=reference),
    ]
    xaxis = dict(title=dict(text=x_label), gridcolor="#eeeeee")
    if len(frame):
        low, high = min(xs.min(), x_line), max(xs.max(), x_line)
        xaxis["range"] = [low - 0.08 * dx, high + 0.08 * dx]  # room for the names of the outermost points
    notes = [
        dict(text=note, showarrow=False, font=dict(size=11, color="#555555"), **where)
        for note, where in (
            (x_note, dict(x=x_line, y=1, yref="paper", xanchor="left", yanchor="bottom")),
            (y_note, dict(x=1, xref="paper", y=y_line, xanchor="right", yanchor="bottom")),
        )
        if note
    ]
    return _figure(
        [trace],
        _layout(
            title,
            lang,
            480,
            shapes=shapes,
            annotations=notes,
            xaxis=xaxis,
            yaxis=dict(title=dict(text=y_label), gridcolor="#eeeeee"),
        ),
    )
