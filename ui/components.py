"""Shared page parts: source footer from dataset metadata, demo-data label, markdown-safe text, charts with their
table and downloads, upload problems in the reader's language."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from si_metrics import chart_export, i18n
from si_metrics.catalog import dataset
from si_metrics.exporting import csv_chunks, to_csv_bytes

from .i18n import lang, t

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(text: object) -> str:
    """Text shown through Markdown elements is escaped, so data is never rendered as markup."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def demo_badge() -> None:
    st.badge(t("demo_data"), icon=":material/science:", color="orange")


def source_footer(dataset_names: list[str]) -> None:
    """Source, licence and vintage of every dataset a page shows, rendered from the metadata sidecars."""
    st.divider()
    st.caption(f"**{t('footer_sources')}**")
    for name in dataset_names:
        meta = dataset(name)
        for src in meta.sources:
            title = f"[{md_escape(src.title)}]({src.url})" if src.url else md_escape(src.title)
            st.caption(
                f"{md_escape(meta.title.get(lang()))} — {md_escape(i18n.source_text(src.producer, lang()))}: {title} · "
                f"{t('footer_licence')}: {md_escape(i18n.source_text(src.licence, lang()))} · "
                f"{t('footer_vintage')}: {md_escape(i18n.source_text(src.vintage, lang()))}"
            )
        if meta.synthetic:
            st.caption(f"**{t('demo_data')}**: {md_escape(meta.title.get(lang()))} — {t('demo_data_explained')}")
    st.caption(t("footer_about"))


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with column headers in the user's language (``col_<name>`` messages; others unchanged)."""
    known = i18n.messages(lang())
    return frame.rename(columns={c: known[f"col_{c}"] for c in frame.columns if f"col_{c}" in known})


MAX_TABLE_ROWS = 2000  # no page sends more rows than this at once; the rest is paged
SOURCE_WIDTH = 70  # characters of the source line drawn into a chart before it wraps (a third-width chart)
SOURCE_ITEMS = 2  # producers named per dataset in a chart's source line; the footer names them all
TABLE_VIEW = "view"  # URL parameter: the charts whose Table tab is open (?view=home_trend,pov_rank)


def download(
    frame: pd.DataFrame, file_name: str, key: str, *, decimals: Mapping[str, int] | None = None, label: str = ""
) -> None:
    """A CSV download of exactly ``frame`` (formulas neutralised, BOM so Excel reads Cyrillic, numbers to their
    precision: ``decimals`` per column, else without float noise).

    Every download has one header style: the stable machine names (indicator_code, value, …), so downloads can be
    re-used by scripts. The CSV is written when the button is clicked, not on every run, and the click does not
    rerun."""
    st.download_button(
        label or t("download_csv"),
        lambda: to_csv_bytes(frame, bom=True, decimals=decimals),
        file_name=file_name,
        mime="text/csv",
        key=f"dl_{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def streamed_download(
    chunks: Callable[[], Iterable[pd.DataFrame]], file_name: str, key: str, *, label: str, help: str | None = None
) -> None:
    """A CSV download of a list of any length: ``chunks`` yields it a part at a time (written on click, never held
    as one frame), formulas neutralised and the header once, in the same style as ``download``."""
    st.download_button(
        label,
        lambda: b"".join(csv_chunks(chunks(), bom=True)),
        file_name=file_name,
        mime="text/csv",
        key=f"dl_{key}",
        icon=":material/download:",
        on_click="ignore",
        help=help,
    )


def source_line(dataset_names: Sequence[str]) -> str:
    """'Source: <dataset> — <producers> (vintage: <…>)' for the datasets a chart draws, in the user's language,
    wrapped for Plotly (<br>). A dataset of several sources names its producers and the span of its vintages'
    years: which source gave which figure is in the Table tab and the page footer."""
    parts = []
    for name in dataset_names:
        meta = dataset(name)
        producers = list(dict.fromkeys(i18n.source_text(s.producer, lang()) for s in meta.sources))
        vintages = list(dict.fromkeys(i18n.source_text(s.vintage, lang()) for s in meta.sources))
        years = sorted({int(y) for v in vintages for y in re.findall(r"\b(?:19|20)\d\d\b", v)})
        if len(vintages) == 1 or not years:
            vintage = vintages[0]
        else:
            vintage = f"{years[0]}–{years[-1]}" if years[0] != years[-1] else str(years[0])
        shown = ", ".join(producers[:SOURCE_ITEMS]) + ("…" if len(producers) > SOURCE_ITEMS else "")
        parts.append(f"{meta.title.get(lang())} — {shown} ({t('footer_vintage')}: {vintage})")
    if not parts:
        return ""
    text = f"{t('footer_source')}: " + " · ".join(parts)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(textwrap.wrap(escaped, SOURCE_WIDTH))


CHART_SOURCES = "_chart_sources"  # per run: the datasets a page's charts draw unless a chart names its own


def charts_from(dataset_names: Sequence[str]) -> None:
    """The datasets this page's charts draw (maps included), for the source line drawn into each chart."""
    st.session_state[CHART_SOURCES] = tuple(dataset_names)


def _tab_from_url(key: str) -> None:
    """On the first run that shows chart ``key``: open its Table tab if the link says so."""
    from .state import url_items

    tab_key = f"tab_{key}"
    if tab_key not in st.session_state and key in url_items(TABLE_VIEW):
        st.session_state[tab_key] = t("tab_table")


def _tab_to_url(key: str, table_open: bool) -> None:
    from .state import set_url_item

    set_url_item(TABLE_VIEW, key, table_open)


def chart_with_table(
    fig: go.Figure,
    table: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    on_select: Any = None,
    sources: Sequence[str] | None = None,
    decimals: Mapping[str, int] | None = None,
) -> None:
    """A chart with a Table tab of exactly the plotted data and a CSV download of it.

    The chart carries its source and vintage drawn in (``sources``: dataset names, else the page's
    ``charts_from``), so the image Plotly's camera button downloads (PNG or SVG, made in the browser) says where it
    comes from. Only the open tab is built and sent: opening the other one reruns the page. The tab's state lives
    under ``tab_<key>`` in session state (the label of the open tab) and, when the Table tab is open, in the URL
    (``?view=<key>``)."""
    sources = sources if sources is not None else st.session_state.get(CHART_SOURCES) or ("observations",)
    _tab_from_url(key)
    chart_tab, table_tab = st.tabs([t("tab_chart"), t("tab_table")], key=f"tab_{key}", on_change="rerun")
    _tab_to_url(key, bool(table_tab.open))
    if chart_tab.open:
        with chart_tab:
            image_format = st.session_state.get(f"img_{key}") or chart_export.IMAGE_FORMATS[0]
            shown = chart_export.prepared(fig, lang(), source_line(sources))
            kwargs = dict(on_select=on_select, selection_mode="points") if on_select else {}
            stem = file_name.rsplit(".", 1)[0]
            st.plotly_chart(shown, key=key, config=chart_export.image_config(stem, image_format), **kwargs)
            st.segmented_control(
                t("chart_image_format"),
                chart_export.IMAGE_FORMATS,
                key=f"img_{key}",
                default=chart_export.IMAGE_FORMATS[0],
                format_func=str.upper,
                help=t("chart_image_help"),
            )
    if table_tab.open:
        with table_tab:
            st.dataframe(labelled(table.head(MAX_TABLE_ROWS)), hide_index=True)
    download(table, file_name, key, decimals=decimals)


def dataset_title(name: str) -> str:
    """A dataset by its title in the user's language (the code for one neither catalogue names)."""
    from si_metrics.catalog import catalog

    known = catalog()
    # boundaries are imported, not a catalogue dataset: named by the message catalogue
    return known[name].title.get(lang()) if name in known else i18n.messages(lang()).get(f"dataset_{name}", name)


def release_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Release rows with their codes (kind, dataset, change) in words; the downloads keep the codes."""
    out = frame.copy()
    words = i18n.messages(lang())
    for col, prefix in (("kind", "upload_kind_"), ("change", "upload_change_")):
        if col in out.columns:
            out[col] = out[col].map(lambda code, p=prefix: words.get(f"{p}{code}", code))
    if "dataset" in out.columns:
        out["dataset"] = out["dataset"].map(dataset_title)
    if "changes" in out.columns:  # releases.py writes an empty cell as "(empty)"
        out["changes"] = out["changes"].str.replace("(empty)", t("upload_empty_cell"), regex=False)
    return out


def problems_table(problems: pd.DataFrame, **kwargs: Any) -> None:
    """Upload problems (line, column, value, kind, problem) in the user's language, the kind by its name."""
    st.dataframe(labelled(i18n.problems_view(problems, lang())), hide_index=True, **kwargs)


def problem_counts(problems: pd.DataFrame) -> None:
    """How many problems of each kind, by the kind's translated name."""
    st.dataframe(labelled(i18n.kinds_count(problems, lang())), hide_index=True)


def paged_table(frame: pd.DataFrame, *, key: str, page_size: int = 50, **kwargs: Any) -> tuple[Any, pd.DataFrame]:
    """A table shown one page at a time (never more than MAX_TABLE_ROWS rows sent); returns the event."""
    pages = max(1, -(-len(frame) // page_size))
    page = (
        st.number_input(t("table_page", pages=pages), min_value=1, max_value=pages, value=1, step=1, key=f"page_{key}")
        if pages > 1
        else 1
    )
    shown = frame.iloc[(page - 1) * page_size : page * page_size]
    return st.dataframe(labelled(shown), hide_index=True, key=key, **kwargs), shown


def nearest_period(first: int, last: int, year_from: int, year_to: int) -> tuple[int, int]:
    """The period of the same length closest to [year_from, year_to] that lies within a series' years."""
    width = year_to - year_from
    if last < year_from:
        return max(first, last - width), last
    if first > year_to:
        return first, min(last, first + width)
    return max(first, year_from), min(last, year_to)


def no_data_notice(what: str, area: str, span: tuple[int, int] | None, year_from: int, year_to: int, key: str) -> None:
    """Why a chart has nothing to draw, and a button for the nearest period that has data."""
    if span is None:
        st.info(t("empty_no_series", what=what, area=area), icon=":material/info:")
        return
    first, last = span
    st.info(
        t("empty_outside_period", what=what, area=area, first=first, last=last, year_from=year_from, year_to=year_to),
        icon=":material/info:",
    )
    start, end = nearest_period(first, last, year_from, year_to)
    st.button(t("empty_show_period", year_from=start, year_to=end), key=key, on_click=set_period, args=(start, end))


def set_period(year_from: int, year_to: int) -> None:
    """Button callback: move the shared period filter (the sidebar slider follows, and so does the URL)."""
    from .state import PERIOD_KEY

    st.session_state[PERIOD_KEY] = (year_from, year_to)
