"""What every chart gets on its way to the page: axis ticks in the reader's number style, a legend that promises
only what is drawn, and its source and vintage drawn into the figure so that an image downloaded with Plotly's own
camera button (in the browser, offline) still says where the figures come from. Pure: Figure in, Figure out."""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .i18n import format_number, translate

IMAGE_FORMATS = ("png", "svg")  # the formats plotly.js draws itself (toImage), so no server-side renderer
IMAGE_SCALE = 2  # PNG at twice the screen size: sharp when pasted into a report or a slide
SOURCE_FONT = dict(size=10, color="#555555")
SOURCE_LINE_PX = 14  # height of one line of the source subtitle at SOURCE_FONT
SOURCE_GAP_PX = 16  # between the subtitle and the plot
TITLE_LINE_PX = 20  # one line of a chart title (si_metrics.charts: font size 15)
TOP_PAD_PX = 8  # above the title  # #555 on white is 7.5:1, readable in a printed report too
_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2", "i4": "<i4", "u4": "<u4"}
# Plotly's default tick labels abbreviate with SI letters (50M, 2B, 20k): English only. From this size on the
# Bulgarian ticks are written out by us in millions or billions; below it Plotly writes the whole number.
_MILLION = 1e6


def values(array: Any) -> np.ndarray:
    """The numbers of a trace's array as sent (a list, or Plotly's base64 typed array); NaN where not a number."""
    if isinstance(array, dict) and "bdata" in array:
        raw = np.frombuffer(base64.b64decode(array["bdata"]), dtype=_DTYPES.get(array.get("dtype", "f8"), "<f8"))
        return raw.astype(float)
    if array is None:
        return np.array([], dtype=float)
    out = []
    for v in np.ravel(np.asarray(array, dtype=object)):
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            out.append(math.nan)
    return np.array(out, dtype=float)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, v = [], first
    while v <= high + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


def compact_number(value: float, lang: str, step: float) -> str:
    """A tick label: 50000000 → '50 млн.' (bg) / '50M' (en); decimals only as many as the tick step needs."""
    size, key = (1e9, "axis_bn") if abs(step) >= 1e8 or abs(value) >= 1e9 else (1e6, "axis_m")
    scaled_step = step / size
    decimals = max(0, -math.floor(math.log10(scaled_step))) if 0 < scaled_step < 1 else 0
    if value == 0:
        return "0"
    return translate(lang, key, amount=format_number(value / size, lang, decimals))


def _axis_traces(data: list[dict], axis: str) -> list[np.ndarray]:
    """The numbers each trace puts on ``axis`` ('xaxis', 'yaxis2', …)."""
    letter, suffix = axis[0], axis[5:]
    found = []
    for trace in data:
        if trace.get("type", "scatter") not in ("scatter", "bar", "scattergl"):
            continue
        if (trace.get(f"{letter}axis") or letter) != letter + suffix:
            continue
        found.append(values(trace.get(letter)))
    return found


def localise_axes(layout: dict, data: list[dict], lang: str) -> None:
    """Axis ticks in the language's style (in place): for Bulgarian, no SI letters ("50M") but "50 млн.", and
    the whole number with space thousands below a million (Plotly's ``separators`` give the comma and space)."""
    if lang == "en":
        return
    axes = {k for k in layout if k.startswith(("xaxis", "yaxis"))} | {"xaxis", "yaxis"}
    for axis in sorted(axes):
        spec = dict(layout.get(axis) or {})
        if spec.get("tickmode") == "array" or spec.get("type") in ("category", "date"):
            continue
        numbers = [v[np.isfinite(v)] for v in _axis_traces(data, axis)]
        numbers = [v for v in numbers if v.size]
        if not numbers:
            continue
        both = np.concatenate(numbers)
        low, high = float(min(both.min(), 0.0)), float(both.max())
        spec.update(exponentformat="none", separatethousands=True)  # 2 000, not 2000 (Bulgarian style)
        if max(abs(low), abs(high)) >= _MILLION:
            ticks = nice_ticks(low, high)
            step = ticks[1] - ticks[0] if len(ticks) > 1 else abs(high) or 1.0
            spec.update(tickmode="array", tickvals=ticks, ticktext=[compact_number(v, lang, step) for v in ticks])
        layout[axis] = spec
    if "coloraxis" in layout:
        bar = dict(layout["coloraxis"].get("colorbar") or {})
        bar["exponentformat"] = "none"
        layout["coloraxis"] = {**layout["coloraxis"], "colorbar": bar}


def honest_legend(data: list[dict]) -> None:
    """A series with a single value is drawn as a point, so its legend entry shows a point, not a line (in place);
    a series with nothing to draw leaves the legend."""
    for trace in data:
        if trace.get("type", "scatter") != "scatter" or "lines" not in str(trace.get("mode", "lines")):
            continue
        drawn = int(np.isfinite(values(trace.get("y"))).sum())
        if drawn == 0:
            trace["showlegend"] = False
        elif drawn == 1:
            trace["mode"] = "markers"


def with_source(layout: dict, source: str) -> None:
    """The source line (dataset, producers, vintage) drawn under the title as its subtitle (in place), so it is in
    every image and never collides with axis labels or a legend below the plot, whatever their size."""
    if not source:
        return
    lines = source.count("<br>") + 1
    title = dict(layout.get("title") or {})
    title_lines = str(title.get("text", "")).count("<br>") + 1 if title.get("text") else 0
    # title and subtitle hang from the top of the figure; the plot starts below both (Plotly's own placement
    # centres a title in the top margin and lets a subtitle of several lines run into the plot)
    title.update(
        subtitle=dict(text=source, font=SOURCE_FONT),
        yref="container",
        y=1,
        yanchor="top",
        pad=dict(t=TOP_PAD_PX + TITLE_LINE_PX),
    )
    layout["title"] = title
    margin = dict(layout.get("margin") or {})
    needed = TOP_PAD_PX + TITLE_LINE_PX * (title_lines + 1) + SOURCE_LINE_PX * lines + SOURCE_GAP_PX
    margin["t"] = max(int(margin.get("t") or 0), needed)
    layout["margin"] = margin


def prepared(fig: go.Figure, lang: str, source: str) -> go.Figure:
    """A copy of ``fig`` ready to show and to download as an image: localised ticks, honest legend, source line."""
    spec = fig.to_plotly_json()
    data = [dict(trace) for trace in spec.get("data", [])]
    layout = dict(spec.get("layout", {}))
    honest_legend(data)
    localise_axes(layout, data, lang)
    with_source(layout, source)
    return go.Figure(data=data, layout=layout, _validate=False)


def image_config(file_stem: str, image_format: str) -> dict[str, Any]:
    """The Plotly config of a chart: the camera button downloads ``file_stem``.png or .svg as plotly.js draws it."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format if image_format in IMAGE_FORMATS else IMAGE_FORMATS[0],
            "filename": file_stem,
            "scale": IMAGE_SCALE,
        },
        # what is left is what a reader uses: zoom, reset and the image download
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
    }
