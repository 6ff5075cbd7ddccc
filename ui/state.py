"""Shared filters and page settings, kept in the URL.

Shared filters (lang, region, from, to, theme) are declared once in app.py with keys; page settings
(indicator, level, year, …) are declared by the page through ``url_select`` and friends. Every value is
validated; anything unknown or malformed is dropped with one short notice at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from si_metrics import i18n
from si_metrics.vocab import THEMES

from . import data
from .i18n import LANG_KEY, t

REGION_KEY, PERIOD_KEY, THEME_KEY = "f_region", "f_period", "f_theme"
DEFAULT_REGION = "BG"
ALL = "all"
GLOBAL_PARAMS = ("lang", "region", "from", "to", "theme")
_BOUND, _NOTICES, _PAGE = "_url_bound", "_url_notices", "_url_page"
_ITEMS = "_url_items"  # per run: list parameters (?view=a,b) as the link gave them, and as this run leaves them
# a choice of one is no choice: shown as text, not as a widget that offers nothing
SINGLE_AS_TEXT = ("radio", "segmented_control", "pills")


@dataclass(frozen=True)
class Filters:
    lang: str
    region: str
    year_from: int
    year_to: int
    theme: str  # ALL or one of THEMES

    @property
    def themes(self) -> list[str]:
        return list(THEMES) if self.theme == ALL else [self.theme]


def _year(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() and len(text.strip()) == 4 else None


def notice(param: str, raw: object) -> None:
    """Record a URL setting that was not understood (shown once, at the top of the page)."""
    st.session_state.setdefault(_NOTICES, []).append(f"{param}={raw}")


def _bind(param: str) -> str:
    """Declare a page setting for this run; returns its session key (namespaced by page)."""
    st.session_state.setdefault(_BOUND, set()).add(param)
    return f"p_{st.session_state.get(_PAGE, '')}_{param}"


def set_page(url_path: str) -> None:
    """Called by app.py before the page runs: page settings are kept per page."""
    st.session_state[_PAGE] = url_path or "overview"


def _set_param(param: str, value: str) -> None:
    if value == "":
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def _init_from_url(codes: list[str], first: int, last: int, span: tuple[int, int] | None = None) -> None:
    """On a session's first run, take the shared filters from the URL."""
    qp = st.query_params
    if LANG_KEY not in st.session_state:
        lang = i18n.normalise_language(qp.get("lang"))
        if qp.get("lang") and not lang:
            notice("lang", qp.get("lang"))
        st.session_state[LANG_KEY] = lang or i18n.normalise_language(st.context.locale) or i18n.DEFAULT_LANGUAGE
    if REGION_KEY not in st.session_state:
        region = (qp.get("region") or "").strip().upper()
        if qp.get("region") is not None and region not in codes:
            notice("region", qp.get("region"))
        st.session_state[REGION_KEY] = region if region in codes else DEFAULT_REGION
    if PERIOD_KEY not in st.session_state:
        y0, y1 = _year(qp.get("from")), _year(qp.get("to"))
        for key, raw, parsed in (("from", qp.get("from"), y0), ("to", qp.get("to"), y1)):
            if raw is not None and (parsed is None or not first <= parsed <= last):
                notice(key, raw)
        start, end = span or (first, last)
        y0 = y0 if y0 is not None and first <= y0 <= last else start
        y1 = y1 if y1 is not None and first <= y1 <= last else end
        st.session_state[PERIOD_KEY] = (min(y0, y1), max(y0, y1))
    if THEME_KEY not in st.session_state:
        theme = qp.get("theme")
        if theme is not None and theme not in (ALL, *THEMES):
            notice("theme", theme)
        st.session_state[THEME_KEY] = theme if theme in THEMES else ALL


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar and mirror them in the URL."""
    st.session_state[_BOUND] = set(GLOBAL_PARAMS)
    st.session_state[_ITEMS] = {}
    st.session_state.pop("_chart_sources", None)  # ui.components.charts_from: set again by the page that runs
    release = data.release()
    areas = data.areas(release)
    first, last = data.year_bounds(release)
    codes = list(areas.order)
    _init_from_url(codes, first, last, data.data_span(release))
    with st.sidebar:
        st.radio(
            t("filter_language"),
            i18n.LANGUAGES,
            key=LANG_KEY,
            horizontal=True,
            format_func=lambda c: {"en": "English", "bg": "Български"}[c],
        )
        lang = st.session_state[LANG_KEY]
        st.selectbox(
            t("filter_region"),
            codes,
            key=REGION_KEY,
            help=t("filter_region_help"),
            format_func=lambda c: areas.option(c, lang),
        )
        st.slider(t("filter_period"), min_value=first, max_value=last, key=PERIOD_KEY, step=1)
        st.selectbox(
            t("filter_theme"),
            (ALL, *THEMES),
            key=THEME_KEY,
            help=t("filter_theme_help"),
            format_func=lambda c: i18n.translate(lang, f"theme_{c}"),
        )  # bound to this run's language
    f = filters()
    for key, value in (
        ("lang", f.lang),
        ("region", f.region),
        ("from", str(f.year_from)),
        ("to", str(f.year_to)),
        ("theme", f.theme),
    ):
        _set_param(key, value)
    return f


def filters() -> Filters:
    """The current shared filters, for page scripts (app.py has drawn them already)."""
    y0, y1 = st.session_state[PERIOD_KEY]
    return Filters(
        st.session_state[LANG_KEY], st.session_state[REGION_KEY], int(y0), int(y1), st.session_state[THEME_KEY]
    )


def select_region(code: str) -> None:
    """Set the shared area filter (from a map click); call from a widget callback only."""
    st.session_state[REGION_KEY] = code


def set_setting(param: str, value: Any) -> None:
    """Set a page setting before its widget is drawn in this run (e.g. from a table click)."""
    st.session_state[_bind(param)] = value


def setting(param: str, default: Any = None) -> Any:
    """The current value of a page setting (None before its widget first ran)."""
    return st.session_state.get(_bind(param), default)


def url_select(
    param: str,
    label: str,
    options: Sequence,
    default: Any,
    *,
    widget: str = "selectbox",
    format_func: Callable = str,
    container: Any = None,
    **kwargs: Any,
) -> Any:
    """A page setting whose value is kept in the URL as ?param=value (validated against ``options``)."""
    key, opts = _bind(param), list(options)
    if key not in st.session_state or st.session_state[key] not in opts:
        raw = st.query_params.get(param)
        match = next((o for o in opts if str(o) == raw), None)
        if raw is not None and match is None:
            notice(param, raw)
        st.session_state[key] = match if match is not None else default
    if widget in SINGLE_AS_TEXT and len(opts) == 1:
        from .components import md_escape

        (container or st).caption(f"{md_escape(label)}: **{md_escape(format_func(opts[0]))}**")
        _set_param(param, str(opts[0]))
        return st.session_state[key]
    draw = getattr(container or st, widget)
    value = draw(label, opts, key=key, format_func=format_func, **kwargs)
    _set_param(param, str(value))
    return value


def url_multi(
    param: str,
    label: str,
    options: Sequence,
    default: Iterable = (),
    *,
    max_selections: int | None = None,
    format_func: Callable = str,
    container: Any = None,
    **kwargs: Any,
) -> list:
    """A multiselect kept in the URL as ?param=a,b,c (unknown items dropped with a notice)."""
    key, opts = _bind(param), list(options)
    if key not in st.session_state:
        raw = st.query_params.get(param)
        chosen = list(default)
        if raw is not None:
            items = [i for i in raw.split(",") if i]
            chosen = [o for o in opts if str(o) in items][: max_selections or None]
            bad = [i for i in items if i not in {str(o) for o in opts}]
            if bad:
                notice(param, ",".join(bad))
        st.session_state[key] = chosen
    st.session_state[key] = [v for v in st.session_state[key] if v in opts]
    value = (container or st).multiselect(
        label, opts, key=key, max_selections=max_selections, format_func=format_func, **kwargs
    )
    _set_param(param, ",".join(str(v) for v in value))
    return value


def _items(param: str) -> tuple[set[str], set[str]]:
    """(as the link gave them, as this run keeps them) for a list parameter; declared for this run."""
    st.session_state.setdefault(_BOUND, set()).add(param)
    runs = st.session_state.setdefault(_ITEMS, {})
    if param not in runs:
        given = {i for i in (st.query_params.get(param) or "").split(",") if i}
        runs[param] = (given, set())
    return runs[param]


def url_items(param: str) -> set[str]:
    """The items of a list parameter (?view=a,b) as the link of this run gave them."""
    return set(_items(param)[0])


def set_url_item(param: str, item: str, on: bool) -> None:
    """Keep ``item`` in the list parameter (or not); items of parts not drawn in this run leave the URL."""
    kept = _items(param)[1]
    if on:
        kept.add(item)
    else:
        kept.discard(item)
    _set_param(param, ",".join(sorted(kept)))


def url_text(param: str, label: str, *, max_chars: int = 100, container: Any = None, **kwargs: Any) -> str:
    """A text input kept in the URL (?q=…); only its length is limited, it is never interpreted."""
    key = _bind(param)
    if key not in st.session_state:
        st.session_state[key] = (st.query_params.get(param) or "")[:max_chars]
    value = (container or st).text_input(label, key=key, max_chars=max_chars, **kwargs)
    _set_param(param, value)
    return value


def finish_url(slot: Any) -> None:
    """After the page ran: drop URL keys nobody declared and show what was ignored in ``slot``."""
    bound = st.session_state.get(_BOUND, set())
    for key in [k for k in st.query_params if k not in bound]:
        notice(key, st.query_params.get(key))
        del st.query_params[key]
    notices = st.session_state.pop(_NOTICES, [])
    if notices:
        slot.warning(t("notice_bad_params", params=", ".join(notices)), icon=":material/link_off:")
