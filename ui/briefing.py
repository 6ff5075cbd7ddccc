"""The region briefing as downloads (PDF and HTML), made when a button is clicked and cached per release."""

from __future__ import annotations

import functools

import streamlit as st

from si_metrics import briefing, briefing_render

from . import data
from .i18n import t


@st.cache_data(ttl=data.TTL, max_entries=64, show_spinner=False)
def briefing_file(release: int, region: str, lang: str, kind: str) -> bytes:
    """One area's briefing as PDF or HTML bytes (about 50 KB; made in under a second)."""
    doc = briefing.briefing(data.connection(), region, lang)
    return briefing_render.to_pdf(doc) if kind == "pdf" else briefing_render.to_html(doc).encode("utf-8")


def briefing_downloads(release: int, region: str, lang: str) -> None:
    """Two download buttons: the briefing of ``region`` in ``lang`` as PDF and as HTML. The file is made on the
    click, not on every run of the page, and the click does not rerun the page."""
    pdf, page, _ = st.columns([1, 1, 3])
    for column, kind, mime, icon in (
        (pdf, "pdf", "application/pdf", ":material/picture_as_pdf:"),
        (page, "html", "text/html", ":material/description:"),
    ):
        column.download_button(
            t(f"briefing_download_{kind}"),
            functools.partial(briefing_file, release, region, lang, kind),
            file_name=f"briefing_{region}_{lang}.{kind}",
            mime=mime,
            key=f"dl_briefing_{kind}",
            icon=icon,
            help=t("briefing_download_help"),
            on_click="ignore",
        )
