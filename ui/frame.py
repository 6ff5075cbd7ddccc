"""The page frame's accessibility: the document language, a skip link and the app's stylesheet.

Streamlit has no API for ``<html lang>`` or a skip link, so a fixed script (assets/frame.js) does both, and the
stylesheet (assets/app.css) sets contrast, focus and the phone layout. Neither holds data: the only values passed in
are a language code from ``i18n.LANGUAGES`` and the link's label from the message catalogue, as escaped attributes."""

from __future__ import annotations

import functools
from html import escape
from pathlib import Path

import streamlit as st

from si_metrics import i18n

from .i18n import t

ASSETS = Path(__file__).resolve().parent.parent / "assets"
STYLESHEET = ASSETS / "app.css"


@functools.cache
def _script() -> str:
    text = (ASSETS / "frame.js").read_text(encoding="utf-8")
    # Streamlit's sanitiser (DOMPurify) silently drops a script whose text looks like markup
    if "<" in text:
        raise ValueError("assets/frame.js must not contain '<': the sanitiser would drop the whole script")
    return text


def markup(lang: str, skip_label: str) -> str:
    """The hidden element carrying the two values, then the fixed script that reads them."""
    if lang not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(i18n.LANGUAGES)}")
    return (
        f'<span hidden data-si-frame data-lang="{lang}" data-skip="{escape(skip_label, quote=True)}"></span>'
        f"<script>{_script()}</script>"
    )


def frame(lang: str) -> None:
    """The stylesheet, then the script that sets ``<html lang>`` and the skip link (its element is hidden)."""
    st.html(STYLESHEET)  # style only: Streamlit puts it in the event container, where it takes no space
    st.html(markup(lang, t("skip_to_content")), unsafe_allow_javascript=True)
