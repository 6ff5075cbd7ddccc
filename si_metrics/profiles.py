"""Region profiles and comparisons: pure functions from query results to the tables a page shows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

import pandas as pd

from .i18n import format_money, format_number, translate
from .kpis import BENCHMARK

MAX_COMPARE = 4  # columns side by side that still fit a laptop screen
# Poverty first (the observatory's subject), then work, education, and context figures such as population.
THEME_ORDER = ("poverty_inclusion", "employment", "education", "context")
PERCENT_UNITS = ("PC", "PC_POP")  # a change in these is in percentage points
COUNT_UNITS = ("NR",)  # head counts: compared with nothing in the trend (sizes differ by orders of magnitude)
POVERTY_FIRST = (
    "AROPE",
    "AROPE_EU2020",
    "AROPE_EU2020_REGIONAL_LINE",
    "AROP_REGIONAL_LINE",
    "UNEMP",
)  # trend and map default


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT


def ordered(rows: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows by theme (poverty first), then by code (a stable sort: equal keys keep their order)."""
    rank = {theme: i for i, theme in enumerate(THEME_ORDER)}
    keys = [(rank.get(th, len(rank)), code) for th, code in zip(rows["theme"], rows["indicator_code"])]
    return rows.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def parent_only(rows: pd.DataFrame, area: str, parent: str | None) -> pd.DataFrame:
    """The parent's rows for indicators the area itself has no value for (e.g. poverty rates of a district)."""
    if not parent:
        return rows.iloc[0:0]
    own = set(rows.loc[rows["region_code"] == area, "indicator_code"])
    return rows[(rows["region_code"] == parent) & ~rows["indicator_code"].isin(own)]


def indicator_options(available: pd.DataFrame, lang: str) -> dict[str, str]:
    """Indicator code -> name, poverty first; the first poverty indicator is the default."""
    frame = ordered(available.rename(columns={"code": "indicator_code"}))
    names = frame["name_bg" if lang == "bg" else "name_en"]
    return dict(zip(frame["indicator_code"], names))


def default_indicator(codes: list[str], rows: pd.DataFrame) -> str:
    """The poverty indicator with the longest run of years in ``rows`` (profile_indicators), so the trend is a
    line rather than a dot; the first option when the area has no poverty figure."""
    spans = {
        code: year - first
        for code, year, first in zip(rows["indicator_code"], rows["year"], rows["first_year"])
        if code in codes
    }
    poverty = [c for c in POVERTY_FIRST if c in spans]
    return max(poverty, key=lambda c: (spans[c], -POVERTY_FIRST.index(c))) if poverty else codes[0]


def _value(value: object, decimals: int, lang: str) -> str:
    return "–" if _missing(value) else format_number(float(cast(float, value)), lang, int(decimals))


def _signed(value: float, decimals: int, lang: str) -> str:
    text = format_number(value, lang, decimals)
    return text if text.startswith("-") or text.strip("0,.\u00a0") == "" else "+" + text


def _change(row: Mapping[str, Any], lang: str) -> str:
    if int(row["year"]) == int(row["first_year"]):
        return "–"
    delta = _signed(float(row["value"]) - float(row["first_value"]), int(row["decimals"]), lang)
    if row["unit"] in PERCENT_UNITS:
        delta += " " + translate(lang, "pp")
    key = "regions_change_break" if bool(row["break_since_first"]) else "regions_change"
    return translate(lang, key, change=delta, year=int(row["first_year"]))


def _flag(flag: object, lang: str) -> str:
    if _missing(flag) or not str(flag).strip():
        return ""
    meaning = "; ".join(translate(lang, f"flag_{c}") for c in str(flag).strip())
    return translate(lang, "regions_flag", flag=str(flag).strip(), meaning=meaning)


def _rank(row: Mapping[str, Any], lang: str) -> str:
    if _missing(row["rank"]) or int(row["peers"]) < 2:  # a country alone in its level has no peers
        return "–"
    key = "regions_rank_tied" if bool(row["tied"]) else "regions_rank"
    return translate(lang, key, rank=int(row["rank"]), peers=int(row["peers"]))


def _with_unit(rows: pd.DataFrame, lang: str) -> list[str]:
    names = rows["name_bg" if lang == "bg" else "name_en"]
    return [f"{n} ({translate(lang, f'unit_{u}')})" for n, u in zip(names, rows["unit"])]


def better_key(higher_is_better: bool, unit: str) -> str:
    """Which way is better for an indicator: none for a head count (a population is a size, not a score)."""
    if unit in COUNT_UNITS:
        return "regions_better_neutral"
    return "regions_better_higher" if higher_is_better else "regions_better_lower"


def profile_table(rows: pd.DataFrame, *, lang: str, country_name: str) -> pd.DataFrame:
    """One area's indicator rows (query profile_indicators) as the table the page shows, in ``lang``."""
    rows = ordered(rows)
    # row by row in plain Python: a dozen rows, for which iterrows' per-row Series cost more than the work itself
    records = rows.to_dict("records")
    col = lambda key, **kw: translate(lang, f"regions_col_{key}", **kw)  # noqa: E731
    return pd.DataFrame(
        {
            col("indicator"): _with_unit(rows, lang),
            col("year"): [str(int(y)) for y in rows["year"]],
            col("value"): [_value(v, d, lang) for v, d in zip(rows["value"], rows["decimals"])],
            col("flag"): [_flag(fl, lang) for fl in rows["flag"]],
            col("change"): [_change(r, lang) for r in records],
            col("country", country=country_name): [
                _value(v, d, lang) for v, d in zip(rows["country_value"], rows["decimals"])
            ],
            col("eu"): [_value(v, d, lang) for v, d in zip(rows["benchmark_value"], rows["decimals"])],
            col("rank"): [_rank(r, lang) for r in records],
            col("better"): [translate(lang, better_key(h, u)) for h, u in zip(rows["higher_is_better"], rows["unit"])],
        }
    )


def trend_frame(series: pd.DataFrame, *, area: str, country: str, names: dict[str, str], unit: str) -> pd.DataFrame:
    """Rows of query profile_series as trend_lines input: the area, its country and the EU benchmark (rates
    only: a district's head count drawn beside the country's is a flat line at zero)."""
    kind = {area: "area"} if unit in COUNT_UNITS else {area: "area", BENCHMARK: "benchmark"}
    if unit not in COUNT_UNITS:
        kind.setdefault(country, "country")
    order = {"area": 0, "country": 1, "benchmark": 2}
    codes, years = series["region_code"].to_list(), series["year"].to_list()
    rows = sorted((i for i, c in enumerate(codes) if c in kind), key=lambda i: (order[kind[codes[i]]], years[i]))
    part = series.iloc[rows]
    return pd.DataFrame(
        {
            "series": [names.get(codes[i]) for i in rows],
            "kind": [kind[codes[i]] for i in rows],
            "region_code": part["region_code"].to_numpy(),
            "year": part["year"].to_numpy(),
            "value": part["value"].to_numpy(),
            "flag": part["flag"].fillna("").to_numpy(),
        }
    )


def map_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows of query profile_map as the tile-map input (code, name, tile_row, tile_col, value, year, flag)."""
    frame = rows.assign(name=rows["name_bg" if lang == "bg" else "name_en"], flag=rows["flag"].fillna(""))
    return frame[["code", "name", "tile_row", "tile_col", "value", "year", "flag"]]


def theme_frame(projects: pd.DataFrame, area: str, lang: str) -> pd.DataFrame:
    """Demo projects of one area by theme (query profile_projects), most first: exactly what the bars show."""
    part = projects[projects["region_code"] == area].sort_values(["projects", "theme"], ascending=[False, True])
    return pd.DataFrame(
        {
            translate(lang, "regions_col_theme"): [translate(lang, f"theme_{c}") for c in part["theme"]],
            translate(lang, "regions_col_projects"): part["projects"].astype(int).to_list(),
        }
    )


def comparison_table(
    indicators: pd.DataFrame,
    funding: pd.DataFrame,
    projects: pd.DataFrame,
    codes: list[str],
    labels: dict[str, str],
    lang: str,
) -> pd.DataFrame:
    """One column per area, one row per indicator (latest value and year), then EU funds per person and the
    number of demo projects. ``indicators``/``funding``/``projects``: queries profile_indicators/_funding/_projects.
    """
    rows = ordered(indicators[indicators["region_code"].isin(codes)])
    catalogue = rows.drop_duplicates("indicator_code")
    cells = {
        (r.region_code, r.indicator_code): translate(
            lang, "regions_value_year", year=int(r.year), value=_value(r.value, r.decimals, lang)
        )
        for r in rows.itertuples()
    }
    lines = [
        [label] + [cells.get((c, i), "–") for c in codes]
        for i, label in zip(catalogue["indicator_code"], _with_unit(catalogue, lang))
    ]
    per_person = dict(zip(funding["region_code"], funding["per_person_eur"]))
    lines.append(
        [translate(lang, "regions_row_funds")]
        + [
            format_money(None if _missing(per_person.get(c)) else float(per_person[c]), lang, compact=False)
            for c in codes
        ]
    )
    counts = projects.groupby("region_code")["projects"].sum()
    lines.append(
        [translate(lang, "regions_row_projects")] + [format_number(int(counts.get(c, 0)), lang) for c in codes]
    )
    return pd.DataFrame(lines, columns=[translate(lang, "regions_col_indicator"), *(labels[c] for c in codes)])
