"""Funding and need-vs-funding: pure helpers (labels, Sankey grouping, reference lines, the watch list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from . import charts, i18n

if TYPE_CHECKING:
    import plotly.graph_objects as go

# datasets/funding_municipalities.meta.toml (caveats): Sofia city's row may include national bodies seated there.
SOFIA_CITY = "BG411"
LEVELS = (2, 3)  # NUTS 2 regions, districts (NUTS 3): the levels the register's money can be rolled up to
TOP_N_OPTIONS = (3, 5, 8, 10)  # areas named in the Sankey; the rest are grouped
LATEST = "latest"
FUND_KEYS = {
    "ESF+": "funding_fund_esf_plus",
    "ESF": "funding_fund_esf",
    "national": "funding_fund_national",
    "private_foundation": "funding_fund_private_foundation",
}


def per_person(amount: pd.Series, population: pd.Series) -> pd.Series:
    """Amount ÷ population, NaN where the population is missing or zero."""
    return amount / population.where(population > 0)


def sankey_links(flows: pd.DataFrame, top_n: int, other: str) -> pd.DataFrame:
    """Links fund → programme → theme → region (columns source, target, value), all but the ``top_n`` regions with
    the most money grouped as ``other``. ``flows`` columns: fund, programme, theme, region, value (labels).
    Links keep the order in which they first occur. Plain Python: the frames are small, and for them pandas'
    groupby costs more in set-up than the sums do, on every run."""
    rows = list(zip(flows["fund"], flows["programme"], flows["theme"], flows["region"], flows["value"]))
    totals: dict[str, float] = {}
    for *_, region, value in rows:
        totals[region] = totals.get(region, 0.0) + value
    top = set(sorted(totals, key=lambda r: (-totals[r], r))[:top_n])
    parts: list[dict[tuple[str, str], float]] = [{}, {}, {}]
    for fund, programme, theme, region, value in rows:
        pairs = ((fund, programme), (programme, theme), (theme, region if region in top else other))
        for part, pair in zip(parts, pairs):
            part[pair] = part.get(pair, 0.0) + value
    links = [(a, b, v) for part in parts for (a, b), v in part.items() if v > 0]
    return pd.DataFrame(
        {
            "source": pd.Series([a for a, _, _ in links], dtype="str"),
            "target": pd.Series([b for _, b, _ in links], dtype="str"),
            "value": pd.Series([v for _, _, v in links], dtype="float64"),
        }
    )


@dataclass(frozen=True)
class NeedLine:
    """Where the need reference line sits and what it is."""

    value: float
    national: bool  # True: the country's own figure; False: the population-weighted mean of the regions
    regions: int  # regions averaged (0 for the national figure)
    pop_year: int | None  # population year of the weights


def need_line(values: pd.DataFrame, country: str) -> NeedLine | None:
    """The country's value of the need indicator, else the population-weighted mean of its regions.

    ``values`` columns: code, level, value, population, pop_year (one row per region, plus the country if it has one).
    """
    own = values[values["code"] == country]
    if len(own) and pd.notna(own["value"].iloc[0]):
        return NeedLine(float(own["value"].iloc[0]), True, 0, None)
    regions = values[(values["code"] != country) & values["value"].notna() & values["population"].notna()]
    if regions.empty:
        return None
    mean = float((regions["value"] * regions["population"]).sum() / regions["population"].sum())
    return NeedLine(mean, False, len(regions), int(regions["pop_year"].max()))


def high_need_low_funding(frame: pd.DataFrame, need: float, funding: float, higher_is_better: bool) -> pd.DataFrame:
    """Regions with more need than the need line and less money per person than the funding line, neediest first.

    ``frame`` columns: code, name, need, funding; adds ``gap`` = funding line − funding (EUR per person).
    """
    worse = frame["need"] < need if higher_is_better else frame["need"] > need
    watched = frame[worse & (frame["funding"] < funding)]
    return (
        watched.assign(gap=funding - watched["funding"])
        .sort_values("need", ascending=higher_is_better)
        .reset_index(drop=True)
    )


def _t(lang: str, key: str, **values: object) -> str:
    return i18n.translate(lang, key, **values)


def fund_label(fund: str, lang: str) -> str:
    return _t(lang, FUND_KEYS[fund]) if fund in FUND_KEYS else fund


def programme_tables(progs: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, download): the programme table with figures formatted for ``lang``, and with raw numbers."""
    raw = pd.DataFrame(
        {
            "name": progs[f"name_{lang}"],
            "programme_code": progs["programme_code"],
            "fund": progs["fund"],
            "period": progs["period"],
            "contracted_eur": progs["contracted_eur"],
            "paid_eur": progs["paid_eur"],
            "absorption_pct": progs["absorption_pct"].round(2),
            "contract_count": progs["contract_count"],
            "beneficiary_count": progs["beneficiary_count"],
            "snapshot": progs["snapshot"].dt.date,
        }
    )
    shown = raw.drop(columns=["snapshot", "period", "fund", "beneficiary_count"]).assign(
        contracted_eur=raw["contracted_eur"].map(lambda v: i18n.format_money(v, lang)),
        paid_eur=raw["paid_eur"].map(lambda v: i18n.format_money(v, lang)),
        absorption_pct=progs["absorption_pct"].map(lambda v: i18n.format_percent(v, lang)),
        contract_count=raw["contract_count"].map(lambda v: i18n.format_number(v, lang)),
    )
    return shown, raw


def planned_tables(planned: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, download): the 2014-2020 plan's social-fund money per programme beside the register's contracted and
    paid amounts, formatted for ``lang`` and raw."""
    raw = pd.DataFrame(
        {
            "programme_title": planned["programme_title"],
            "programme_code": planned["programme_code"],
            "funds": planned["funds"],
            "eu_planned_eur": planned["eu_planned_eur"],
            "national_planned_eur": planned["national_planned_eur"],
            "total_planned_eur": planned["total_planned_eur"],
            "contracted_eur": planned["contracted_eur"],
            "paid_eur": planned["paid_eur"],
        }
    )
    amounts = [c for c in raw.columns if c.endswith("_eur")]
    shown = raw.assign(**{c: raw[c].map(lambda v: i18n.format_money(v, lang) if pd.notna(v) else "–") for c in amounts})
    return shown, raw


def at_level(by_region: pd.DataFrame, level: int) -> pd.DataFrame:
    """The rows of the funding_by_region query for the areas of one level."""
    return by_region[by_region["level"] == level].reset_index(drop=True)


def region_frames(by_region: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plot, table): whole euros per person of each area for the map and ranking, and exactly that as a table."""
    per_person = by_region["contracted_per_person"].round(0)
    plot = pd.DataFrame(
        {
            "code": by_region["code"],
            "name": by_region[f"name_{lang}"],
            "tile_row": by_region["tile_row"],
            "tile_col": by_region["tile_col"],
            "value": per_person,
        }
    )
    table = pd.DataFrame(
        {
            "code": plot["code"],
            "name": plot["name"],
            "contracted_per_person_eur": per_person,
            "contracted_eur": by_region["contracted_eur"],
            "paid_eur": by_region["paid_eur"],
            "population": by_region["population"],
            "pop_year": by_region["pop_year"],
        }
    )
    return plot, table.sort_values("contracted_per_person_eur", ascending=False, kind="stable")


def theme_fund_frames(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plot, table) of demo project budgets by theme and fund (plot columns: theme, fund, value; labels)."""
    plot = pd.DataFrame(
        {
            "theme": i18n.label_each(frame["theme"], lambda c: _t(lang, f"theme_{c}")),
            "fund": i18n.label_each(frame["fund"], lambda c: fund_label(c, lang)),
            "value": frame["budget_eur"],
        }
    )
    table = pd.DataFrame(
        {
            "theme": plot["theme"],
            "fund": plot["fund"],
            "projects": frame["projects"],
            "budget_eur": frame["budget_eur"].round(2),
            "eu_contribution_eur": frame["eu_contribution_eur"].round(2),
        }
    )
    return plot, table


def start_year_frames(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plot, table) of demo projects' EU contribution by start year and fund."""
    plot = pd.DataFrame(
        {
            "year": frame["start_year"].astype(int),
            "fund": i18n.label_each(frame["fund"], lambda c: fund_label(c, lang)),
            "value": frame["eu_contribution_eur"].round(2),
        }
    )
    table = pd.DataFrame(
        {
            "start_year": plot["year"],
            "fund": plot["fund"],
            "projects": frame["projects"],
            "eu_contribution_eur": plot["value"],
        }
    )
    return plot, table


def flow_frames(flows: pd.DataFrame, names: dict[str, str], top_n: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(links, table): Sankey links (source, target, value = EU contribution, EUR) of demo money, and the same
    as a table; ``names``: area code → name."""
    labelled = pd.DataFrame(
        {
            "fund": i18n.label_each(flows["fund"], lambda c: fund_label(c, lang)),
            "programme": flows["programme_code"],
            "theme": i18n.label_each(flows["theme"], lambda c: _t(lang, f"theme_{c}")),
            "region": i18n.label_each(flows["region_code"], names.get),
            "value": flows["eu_contribution_eur"],
        }
    )
    links = sankey_links(labelled, top_n, _t(lang, "funding_other_regions"))
    links = links.assign(value=links["value"].round(2))
    return links, links.rename(columns={"value": "eu_contribution_eur"})


# Need vs funding: the money measure (page setting) → its column in need_funding.sql
MEASURES = {"eu_funds": "eu_funds_contracted_eur", "demo": "demo_eu_contribution_eur"}


@dataclass(frozen=True)
class FundingLine:
    """The national money per person (country total ÷ country population)."""

    value: float
    total: float
    population: float
    pop_year: int


def need_and_funding(
    values: pd.DataFrame, money: pd.DataFrame, measure: str, country: str
) -> tuple[pd.DataFrame, FundingLine | None]:
    """(regions, national line): each region's need and money per person (columns code, need, flag, funding)."""
    money = money.assign(funding=per_person(money[MEASURES[measure]], money["population"]))
    regions = values.loc[values["code"] != country, ["code", "value", "flag"]].rename(columns={"value": "need"})
    frame = regions.merge(money[["code", "funding"]], on="code", how="left")
    own = money[money["code"] == country]
    if own.empty or pd.isna(own["funding"].iloc[0]):
        return frame, None
    row = own.iloc[0]
    return frame, FundingLine(
        float(row["funding"]), float(row[MEASURES[measure]]), float(row["population"]), int(row["pop_year"])
    )


def year_ranges(years: list[int]) -> str:
    """[2008, 2009, 2010, 2013] → '2008–2010, 2013'."""
    spans: list[list[int]] = []
    for y in sorted(set(years)):
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def theme_fund_chart(plot: pd.DataFrame, *, title: str, lang: str, value_label: str) -> go.Figure:
    """charts.bars by theme stacked by fund, themes ordered by their total, legend clear of the axis title."""
    order = list(plot.groupby("theme")["value"].sum().sort_values(ascending=False).index)
    fig = charts.bars(
        plot,
        x="theme",
        y="value",
        colour="fund",
        title=title,
        lang=lang,
        value_label=value_label,
        layout=dict(
            yaxis=dict(categoryorder="array", categoryarray=order), legend=dict(orientation="h", y=-0.3, yanchor="top")
        ),
    )
    fig.layout.height += 130  # room for the legend below the axis
    return fig
