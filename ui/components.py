"""Shared page parts: source footer from dataset metadata, demo-data label, markdown-safe text."""

from __future__ import annotations

import re

import streamlit as st

from si_metrics.catalog import dataset
from si_metrics.exporting import to_csv_bytes

from .i18n import lang, t

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
                f"{md_escape(meta.title.get(lang()))} — {md_escape(src.producer)}: {title} · "
                f"{t('footer_licence')}: {md_escape(src.licence)} · {t('footer_vintage')}: {md_escape(src.vintage)}"
            )
        if meta.synthetic:
            st.caption(f"**{t('demo_data')}**: {md_escape(meta.title.get(lang()))} — {t('demo_data_explained')}")
    st.caption(t("footer_about"))


def labelled(frame):
    """The frame with column headers in the user's language (``col_<name>`` messages; others unchanged)."""
    from si_metrics import i18n

    known = i18n.messages(lang())
    return frame.rename(columns={c: known[f"col_{c}"] for c in frame.columns if f"col_{c}" in known})


MAX_TABLE_ROWS = 2000  # no page sends more rows than this at once; the rest is paged


def download(frame, file_name: str, key: str) -> None:
    """A CSV download of exactly ``frame`` (formulas neutralised, BOM so Excel reads Cyrillic).

    Headers stay the stable machine names (indicator_code, value, …) so downloads can be re-used by scripts.
    The CSV is written when the button is clicked, not on every run of the page, and the click does not rerun."""
    st.download_button(
        t("download_csv"),
        lambda: to_csv_bytes(frame, bom=True),
        file_name=file_name,
        mime="text/csv",
        key=f"dl_{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def chart_with_table(fig, table, *, key: str, file_name: str, on_select=None) -> None:
    """A chart with a Table tab of exactly the plotted data and a CSV download of it.

    Only the open tab is built and sent: opening the other one reruns the page. The tab's state lives under
    ``tab_<key>`` in session state (the label of the open tab)."""
    chart_tab, table_tab = st.tabs([t("tab_chart"), t("tab_table")], key=f"tab_{key}", on_change="rerun")
    if chart_tab.open:
        with chart_tab:
            kwargs = dict(on_select=on_select, selection_mode="points") if on_select else {}
            st.plotly_chart(fig, key=key, config={"displaylogo": False}, **kwargs)
    if table_tab.open:
        with table_tab:
            st.dataframe(labelled(table.head(MAX_TABLE_ROWS)), hide_index=True)
    download(table, file_name, key)


def paged_table(frame, *, key: str, page_size: int = 50, **kwargs):
    """A table shown one page at a time (never more than MAX_TABLE_ROWS rows sent); returns the event."""
    pages = max(1, -(-len(frame) // page_size))
    page = (
        st.number_input(t("table_page", pages=pages), min_value=1, max_value=pages, value=1, step=1, key=f"page_{key}")
        if pages > 1
        else 1
    )
    shown = frame.iloc[(page - 1) * page_size : page * page_size]
    return st.dataframe(labelled(shown), hide_index=True, key=key, **kwargs), shown
