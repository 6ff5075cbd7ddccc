"""Shared parts of the indicator pages (Overview, Poverty and inclusion): picking, maps, trends."""

from __future__ import annotations

import pandas as pd

from si_metrics import i18n
from si_metrics.kpis import BENCHMARK, TargetProgress, progress_text

from . import data
from .state import Filters, url_select


def name(inds: pd.DataFrame, code: str, lang: str) -> str:
    return str(inds.loc[inds["code"] == code, "name_bg" if lang == "bg" else "name_en"].iloc[0])


def unit(inds: pd.DataFrame, code: str, lang: str) -> str:
    return i18n.translate(lang, f"unit_{inds.loc[inds['code'] == code, 'unit'].iloc[0]}")


def pick_indicator(inds: pd.DataFrame, f: Filters, label: str, default: str, *, level: int | None = None) -> str:
    """The indicator page setting (?indicator=), among indicators with data (at ``level`` if given)."""
    usable = inds if level is None else inds[inds["levels"].map(lambda ls: level in list(ls))]
    codes = list(usable["code"])
    names = dict(zip(inds["code"], inds["name_bg" if f.lang == "bg" else "name_en"].astype(str)))
    return url_select(
        "indicator", label, codes, default if default in codes else codes[0], format_func=lambda c: names[c]
    )


def map_frame(release: int, indicator: str, country: str, level: int, year: int, lang: str) -> pd.DataFrame:
    """Areas of a level with the indicator's value in a year, named in the current language."""
    frame = data.query(release, "indicator_map", indicator=indicator, country=country, level=level, year=year)
    return frame.assign(name=frame["name_bg" if lang == "bg" else "name_en"])


COUNT_UNITS = {"NR"}  # counts (people) are not comparable with a country total: no benchmark lines


def trend_frame(
    release: int, indicator: str, chosen: list[str], country: str, f: Filters, unit_code: str = "PC"
) -> pd.DataFrame:
    """Series for trend_lines: the chosen areas, the country and the EU benchmark (rates only), in the period."""
    benchmarks = [] if unit_code in COUNT_UNITS else [country, BENCHMARK]
    codes = list(dict.fromkeys([*chosen, *benchmarks]))
    frame = data.query(
        release, "indicator_series", indicator=indicator, codes=codes, year_from=f.year_from, year_to=f.year_to
    )
    kind = {country: "country", BENCHMARK: "benchmark"}
    return frame.assign(
        series=frame["region_code"].map(data.areas(release).names["bg" if f.lang == "bg" else "en"]),
        kind=frame["region_code"].map(lambda c: kind.get(c, "area")),
    )


def target_progress_text(release: int, target: TargetProgress, lang: str) -> str:
    """How far a 2030 target has come, or what the store lacks to tell (kpis.progress_text)."""
    return progress_text(target, lang, data.query(release, "indicator_catalogue"))
