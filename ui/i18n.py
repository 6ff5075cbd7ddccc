"""Translation bound to the current user's language."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from si_metrics import i18n

LANG_KEY = "f_lang"


def lang() -> str:
    return st.session_state.get(LANG_KEY) or i18n.DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The message ``key`` in the current language."""
    return i18n.translate(lang(), key, **values)


def num(value: float | None, decimals: int = 0) -> str:
    return i18n.format_number(value, lang(), decimals)


def signed(value: float, decimals: int = 1) -> str:
    """+14.8 / -0.9: the sign leads, so st.metric points its arrow the right way."""
    text = num(value, decimals)
    return text if text.startswith("-") or text.strip("0,.\u00a0") == "" else "+" + text


def pct(value: float | None, decimals: int = 1) -> str:
    return i18n.format_percent(value, lang(), decimals)


def money(value: float | None, compact: bool = True) -> str:
    return i18n.format_money(value, lang(), compact)


def date(value: dt.date | None) -> str:
    return i18n.format_date(value, lang())
