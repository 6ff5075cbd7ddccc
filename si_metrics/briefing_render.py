"""Draw a briefing (si_metrics.briefing.Document) as PDF (fpdf2: pure Python, embeds a subset of a Unicode TrueType
font, draws the charts as vector lines) or as one self-contained HTML file (inline CSS and SVG, every text escaped)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from .briefing import Chart, Charts, Document, Heading, Table, Text
from .i18n import format_number, translate

# DejaVu Sans 2.37 (Debian fonts-dejavu-core; Bitstream Vera licence, in fonts/LICENSE-DejaVu.txt): full Cyrillic,
# shipped with the package so a fresh machine needs no font install and the PDF never depends on the system's fonts.
FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
# Okabe & Ito blue for the area; black and grey for the country and the EU, as the dashboard's trend charts.
COLOURS = {"area": (0, 114, 178), "country": (0, 0, 0), "benchmark": (127, 127, 127)}
HEX = {k: "#" + "".join(f"{c:02x}" for c in v) for k, v in COLOURS.items()}
INK, MUTED, RULE, WARN, DEMO = (33, 33, 33), (85, 85, 85), (200, 200, 200), (153, 27, 27), (180, 83, 9)
SIZES = {"body": 9, "small": 7.5, "demo": 8.5, "warn": 8.5}
CHARTS_PER_ROW = 3
CHART_H = 44  # mm, one small chart with its title


class _PDF(FPDF):
    def __init__(self, doc: Document):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(True, margin=16)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*MUTED)
        page = translate(self.doc.lang, "briefing_page", page=self.page_no(), pages="{nb}")
        self.cell(0, 4, f"{self.doc.footer} · {page}", align="C")


def _space(pdf: FPDF, height: float) -> None:
    """A new page when ``height`` mm do not fit on this one (a heading is never left alone at a page's foot)."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _heading(pdf: FPDF, block: Heading) -> None:
    size = {1: 16, 2: 12, 3: 9.5}[block.level]
    _space(pdf, 22 if block.level == 2 else 14)
    pdf.ln(3 if block.level == 2 else 1.5)
    pdf.set_font(FAMILY, "B", size)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, size * 0.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
    if block.level == 2:
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3)
        pdf.line(pdf.l_margin, pdf.get_y() + 0.8, pdf.w - pdf.r_margin, pdf.get_y() + 0.8)
        pdf.ln(2)
    pdf.ln(1)


def _text(pdf: FPDF, block: Text) -> None:
    size = SIZES.get(block.style, 9)
    pdf.set_font(FAMILY, "B" if block.style in ("demo", "warn") else "", size)
    pdf.set_text_color(*{"small": MUTED, "warn": WARN, "demo": DEMO}.get(block.style, INK))
    if block.style == "demo":  # the synthetic-data label is framed, so a reader cannot miss it
        pdf.set_draw_color(*DEMO)
        pdf.multi_cell(0, size * 0.48, block.text, border=1, padding=2, align="L", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, size * 0.48, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FAMILY, "", 6.8)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)  # the table fills its cells with the current colour: a chart's may be left
    _space(pdf, 16)
    with pdf.table(
        col_widths=block.widths,
        text_align=tuple("RIGHT" if n else "LEFT" for n in block.numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
        line_height=3.2,
        padding=0.8,
        borders_layout="HORIZONTAL_LINES",
        width=pdf.epw,
    ) as table:
        for values in (block.header, *block.rows):
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(1.5)


def _range(chart: Chart, points: list[tuple[int, float, bool]]) -> tuple[float, float]:
    """The value axis: from zero for rates (as the dashboard's charts), padded; a flat series gets some room."""
    values = [p[1] for p in points]
    lo, hi = (min(0.0, *values) if chart.from_zero else min(values)), max(values)
    if hi == lo:
        return (lo - 1, hi + 1) if lo else (0.0, 1.0)
    pad = (hi - lo) * 0.08
    return (lo if chart.from_zero and lo == 0 else lo - pad), hi + pad


def _chart(pdf: FPDF, chart: Chart, x: float, y: float, w: float) -> None:
    pdf.set_xy(x, y)
    pdf.set_font(FAMILY, "B", 6.8)
    pdf.set_text_color(*INK)
    pdf.multi_cell(w, 3, chart.title, align="L", new_x="LEFT", new_y="NEXT")
    top = y + 10  # room for a title of three lines
    left, plot_w, plot_h = x + 9, w - 11, CHART_H - 17
    points = [p for s in chart.series for p in s.points]
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.rect(left, top, plot_w, plot_h)
    if not points:
        return
    years = [p[0] for p in points]
    x0, x1 = min(years), max(years)
    lo, hi = _range(chart, points)
    sx = (lambda yr: left + plot_w / 2) if x1 == x0 else (lambda yr: left + (yr - x0) / (x1 - x0) * plot_w)
    sy = lambda v: top + plot_h - (v - lo) / (hi - lo) * plot_h  # noqa: E731
    pdf.set_font(FAMILY, "", 5.5)
    pdf.set_text_color(*MUTED)
    for v in (lo, (lo + hi) / 2, hi):
        pdf.line(left - 0.8, sy(v), left, sy(v))
        label = format_number(v, chart.lang, chart.decimals if abs(hi - lo) < 10 else 0)
        pdf.set_xy(x, sy(v) - 1.5)
        pdf.cell(8.5, 3, label, align="R")
    for yr in sorted({x0, x1}):
        pdf.set_xy(sx(yr) - 5, top + plot_h + 0.5)
        pdf.cell(10, 3, str(yr), align="C")
    for s in chart.series:
        colour = COLOURS.get(s.kind, COLOURS["area"])
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        pdf.set_line_width(0.5 if s.kind == "area" else 0.3)
        if s.kind != "area":
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
        coords = [(sx(yr), sy(v)) for yr, v, _ in s.points]
        if len(coords) > 1:
            pdf.polyline(coords)
        pdf.set_dash_pattern()
        pdf.set_line_width(0.25)
        for (cx, cy), (_, _, flagged) in zip(coords, s.points):
            if flagged:  # open marker, as the dashboard's charts
                pdf.set_fill_color(255, 255, 255)
                pdf.circle(cx, cy, 0.7, style="DF")
                pdf.set_fill_color(*colour)
            else:
                pdf.circle(cx, cy, 0.55, style="F")


def _charts(pdf: FPDF, block: Charts) -> None:
    gap = 5
    w = (pdf.epw - gap * (CHARTS_PER_ROW - 1)) / CHARTS_PER_ROW
    for i in range(0, len(block.charts), CHARTS_PER_ROW):
        _space(pdf, CHART_H)
        y = pdf.get_y()
        for j, chart in enumerate(block.charts[i : i + CHARTS_PER_ROW]):
            _chart(pdf, chart, pdf.l_margin + j * (w + gap), y, w)
        pdf.set_xy(pdf.l_margin, y + CHART_H)
    pdf.ln(1)


def to_pdf(doc: Document, made: dt.datetime | None = None) -> bytes:
    """The briefing as a PDF file (A4, fonts embedded, charts as vector paths)."""
    pdf = _PDF(doc)
    pdf.set_title(doc.title)
    pdf.set_author("SI Observatory")
    pdf.set_lang(doc.lang)
    pdf.set_creator("SI Observatory (fpdf2)")
    if made:
        pdf.set_creation_date(made)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 7.5, doc.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4.2, doc.subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    draw: dict[type, Callable[[FPDF, Any], None]] = {Heading: _heading, Text: _text, Table: _table, Charts: _charts}
    for block in doc.blocks:
        draw[type(block)](pdf, block)
    return bytes(pdf.output())


# ---------------------------------------------------------------------------------------------------------
CSS = """
body{font-family:"DejaVu Sans",Verdana,sans-serif;color:#212121;max-width:60rem;margin:2rem auto;padding:0 1rem;
font-size:14px;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:1.6rem}
h3{font-size:1rem}.subtitle,.small{color:#555;font-size:.85rem}.warn{color:#991b1b;font-weight:bold}
.demo{color:#b45309;font-weight:bold;border:1px solid #b45309;padding:.3rem .5rem}
table{border-collapse:collapse;width:100%;font-size:.8rem;margin:.4rem 0}
th,td{border-bottom:1px solid #ddd;padding:.2rem .3rem;text-align:left;vertical-align:top}th{background:#eee}
td.n,th.n{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{width:18rem}
.chart p{font-weight:bold;font-size:.8rem;margin:.2rem 0}footer{color:#555;font-size:.8rem;margin-top:2rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}.chart{break-inside:avoid}}
"""


def _svg(chart: Chart) -> str:
    w, h, left, top, pw, ph = 288, 150, 40, 8, 240, 118
    points = [p for s in chart.series for p in s.points]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">']
    parts.append(f"<title>{html.escape(chart.title)}</title>")
    parts.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>')
    if points:
        years = [p[0] for p in points]
        x0, x1 = min(years), max(years)
        lo, hi = _range(chart, points)
        sx = (lambda yr: left + pw / 2) if x1 == x0 else (lambda yr: left + (yr - x0) / (x1 - x0) * pw)
        sy = lambda v: top + ph - (v - lo) / (hi - lo) * ph  # noqa: E731
        for v in (lo, (lo + hi) / 2, hi):
            label = html.escape(format_number(v, chart.lang, chart.decimals if abs(hi - lo) < 10 else 0))
            parts.append(
                f'<text x="{left - 3}" y="{sy(v) + 3:.1f}" font-size="9" text-anchor="end" fill="#555">{label}</text>'
            )
        for yr in sorted({x0, x1}):  # the first year's label starts at the axis, the last one ends there
            anchor = "middle" if x0 == x1 else ("start" if yr == x0 else "end")
            at = f'x="{sx(yr):.1f}" y="{top + ph + 12}"'
            parts.append(f'<text {at} font-size="9" text-anchor="{anchor}" fill="#555">{yr}</text>')
        for s in chart.series:
            colour = HEX.get(s.kind, HEX["area"])
            dash = "" if s.kind == "area" else ' stroke-dasharray="4 3"'
            width = 2 if s.kind == "area" else 1.2
            coords = " ".join(f"{sx(yr):.1f},{sy(v):.1f}" for yr, v, _ in s.points)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}>'
                f"<title>{html.escape(s.label)}</title></polyline>"
            )
            for yr, v, flagged in s.points:
                fill = "#fff" if flagged else colour
                parts.append(f'<circle cx="{sx(yr):.1f}" cy="{sy(v):.1f}" r="2.4" fill="{fill}" stroke="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(doc: Document) -> str:
    """The briefing as one HTML file: no scripts, no external resources; every text escaped."""
    e = html.escape
    out = [
        f'<!DOCTYPE html><html lang="{e(doc.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(doc.title)}</title><style>{CSS}</style></head><body>",
        f'<h1>{e(doc.title)}</h1><p class="subtitle">{e(doc.subtitle)}</p>',
    ]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{e(block.text)}</h{block.level}>")
        elif isinstance(block, Text):
            out.append(f'<p class="{e(block.style)}">{e(block.text)}</p>')
        elif isinstance(block, Table):
            cls = [' class="n"' if n else "" for n in block.numeric]
            head = "".join(f"<th{cls[i]}>{e(v)}</th>" for i, v in enumerate(block.header))
            body = "".join(
                "<tr>" + "".join(f"<td{cls[i]}>{e(v)}</td>" for i, v in enumerate(row)) + "</tr>" for row in block.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Charts):
            out.append('<div class="charts">')
            out.extend(f'<div class="chart"><p>{e(c.title)}</p>{_svg(c)}</div>' for c in block.charts)
            out.append("</div>")
    out.append(f"<footer>{e(doc.footer)}</footer></body></html>")
    return "\n".join(out)
