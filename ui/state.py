"""Shared filters: declared once in app.py with keys, mirrored in the URL (lang, region, from, to)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from si_metrics import i18n

from . import data
from .i18n import LANG_KEY, t

REGION_KEY, PERIOD_KEY, NOTICES_KEY = "f_region", "f_period", "f_notices"
DEFAULT_REGION = "BG"


@dataclass(frozen=True)
class Filters:
    lang: str
    region: str
    year_from: int
    year_to: int


def _year(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() and len(text.strip()) == 4 else None


def _init_from_url(codes: list[str], first: int, last: int) -> None:
    """On a session's first run, take the filters from the URL; note what was ignored."""
    qp = st.query_params
    notices: list[tuple[str, str]] = []
    if LANG_KEY not in st.session_state:
        lang = i18n.normalise_language(qp.get("lang"))
        if qp.get("lang") and not lang:
            notices.append(("lang", qp.get("lang")))
        st.session_state[LANG_KEY] = lang or i18n.normalise_language(st.context.locale) or i18n.DEFAULT_LANGUAGE
    if REGION_KEY not in st.session_state:
        region = (qp.get("region") or "").strip().upper()
        if region and region not in codes:
            notices.append(("region", qp.get("region")))
        st.session_state[REGION_KEY] = region if region in codes else DEFAULT_REGION
    if PERIOD_KEY not in st.session_state:
        y0, y1 = _year(qp.get("from")), _year(qp.get("to"))
        for key, raw, parsed in (("from", qp.get("from"), y0), ("to", qp.get("to"), y1)):
            if raw is not None and (parsed is None or not first <= parsed <= last):
                notices.append((key, raw))
        y0 = y0 if y0 is not None and first <= y0 <= last else first
        y1 = y1 if y1 is not None and first <= y1 <= last else last
        st.session_state[PERIOD_KEY] = (min(y0, y1), max(y0, y1))
    st.session_state.setdefault(NOTICES_KEY, notices)


def region_label(regions: pd.DataFrame, code: str, lang: str) -> str:
    row = regions.loc[regions["code"] == code].iloc[0]
    return str(row["name_bg"] if lang == "bg" else row["name_en"])


def _hierarchy(regions: pd.DataFrame) -> list[str]:
    """Area codes depth-first (country, its NUTS 1, NUTS 2, districts …), benchmarks left out."""
    tree = regions[~regions["is_benchmark"]]
    children: dict[str, list[str]] = {}
    for code, parent in zip(tree["code"], tree["parent_code"]):
        children.setdefault(parent if isinstance(parent, str) else "", []).append(code)
    ordered: list[str] = []

    def walk(code: str) -> None:
        ordered.append(code)
        for child in sorted(children.get(code, [])):
            walk(child)

    for root in sorted(children.get("", [])):
        walk(root)
    return ordered


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar and mirror them in the URL."""
    release = data.release()
    regions = data.regions(release)
    first, last = data.year_bounds(release)
    codes = _hierarchy(regions)
    _init_from_url(codes, first, last)
    levels = dict(zip(regions["code"], regions["level"]))
    with st.sidebar:
        st.radio(t("filter_language"), i18n.LANGUAGES, key=LANG_KEY, horizontal=True,
                 format_func=lambda c: {"en": "English", "bg": "Български"}[c])
        lang = st.session_state[LANG_KEY]
        st.selectbox(t("filter_region"), codes, key=REGION_KEY, help=t("filter_region_help"),
                     format_func=lambda c: "\u2003" * int(levels[c]) + f"{region_label(regions, c, lang)} · {c}")
        st.slider(t("filter_period"), min_value=first, max_value=last, key=PERIOD_KEY, step=1)
    notices = st.session_state.get(NOTICES_KEY)
    if notices:
        st.warning(t("notice_bad_params", params=", ".join(f"{k}={v}" for k, v in notices)), icon=":material/link_off:")
        st.session_state[NOTICES_KEY] = []
    y0, y1 = st.session_state[PERIOD_KEY]
    filters = Filters(st.session_state[LANG_KEY], st.session_state[REGION_KEY], int(y0), int(y1))
    wanted = {"lang": filters.lang, "region": filters.region, "from": str(filters.year_from), "to": str(filters.year_to)}
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    return filters


def filters() -> Filters:
    """The current filters, for page scripts (app.py has drawn them already)."""
    y0, y1 = st.session_state[PERIOD_KEY]
    return Filters(st.session_state[LANG_KEY], st.session_state[REGION_KEY], int(y0), int(y1))
