"""What a typical Streamlit user writes first: read the CSVs with pandas, cache the frames, filter in pandas.

The baseline reads the same CSV files as the store is built from (``BENCH_CSV_DIR``, default
``datasets/``). It is deliberately ordinary code, not a strawman: vectorised pandas (masks, merges, groupby),
``st.cache_data`` around ``read_csv`` as the Streamlit docs show, the frames handed to Plotly Express and
``st.dataframe`` as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from si_metrics.vocab import THEMES

ROOT = Path(__file__).resolve().parent.parent.parent
DATES = {
    "projects": ["start_date", "end_date"],
    "funding_municipalities": ["snapshot"],
    "funding_programmes": ["snapshot"],
}


def csv(name: str) -> str:
    return str(Path(os.environ.get("BENCH_CSV_DIR") or ROOT / "datasets") / f"{name}.csv")


@st.cache_data
def load_csv(path: str, dates: list[str] | None = None) -> pd.DataFrame:
    return pd.read_csv(path, parse_dates=dates)


def load(name: str) -> pd.DataFrame:
    return load_csv(csv(name), DATES.get(name))


def filters() -> tuple[str, int, int, str]:
    year_from, year_to = st.session_state["f_period"]
    return st.session_state["f_region"], int(year_from), int(year_to), st.session_state["f_theme"]


def themes(theme: str) -> list[str]:
    return list(THEMES) if theme == "all" else [theme]


def descendants(regions: pd.DataFrame, code: str) -> list[str]:
    """The area and every area within it."""
    found, frontier = [code], [code]
    while frontier:
        frontier = regions.loc[regions["parent_code"].isin(frontier), "code"].tolist()
        found += frontier
    return found


def ancestors(regions: pd.DataFrame, code: str) -> list[str]:
    parents = dict(zip(regions["code"], regions["parent_code"]))
    chain = [code]
    while isinstance(parents.get(chain[-1]), str):
        chain.append(parents[chain[-1]])
    return chain


def at_level(regions: pd.DataFrame, level: int) -> dict[str, str]:
    """Every area at or below ``level`` -> its ancestor at ``level``."""
    parents = dict(zip(regions["code"], regions["parent_code"]))
    levels = dict(zip(regions["code"], regions["level"]))
    out = {}
    for code in regions["code"]:
        c = code
        while c in levels and levels[c] > level and isinstance(parents.get(c), str):
            c = parents[c]
        if levels.get(c) == level:
            out[code] = c
    return out


def totals(obs: pd.DataFrame) -> pd.DataFrame:
    return obs[(obs["sex"] == "T") & (obs["age"] == "TOTAL")]


def population(obs: pd.DataFrame, year_to: int) -> pd.Series:
    """Latest population up to year_to, by area."""
    pop = totals(obs)
    pop = pop[(pop["indicator_code"] == "POP") & (pop["year"] <= year_to)]
    return pop.sort_values("year").groupby("region_code")["value"].last()


def names(regions: pd.DataFrame) -> dict[str, str]:
    return dict(zip(regions["code"], regions["name_en"]))
