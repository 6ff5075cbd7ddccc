"""Shared page parts: source footer from dataset metadata, demo-data label, markdown-safe text."""
from __future__ import annotations

import re

import streamlit as st

from si_metrics.catalog import dataset

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
            st.caption(
                f"{md_escape(meta.title.get(lang()))} — {md_escape(src.producer)}: "
                f"[{md_escape(src.title)}]({src.url}) · {t('footer_licence')}: {md_escape(src.licence)} · "
                f"{t('footer_vintage')}: {md_escape(src.vintage)}"
            )
        if meta.synthetic:
            st.caption(f"**{t('demo_data')}**: {md_escape(meta.title.get(lang()))} — {t('demo_data_explained')}")
    st.caption(t("footer_about"))
