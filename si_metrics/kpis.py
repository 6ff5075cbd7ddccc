"""Headline figures for an area and period, each with the data it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from .queries import run

BENCHMARK = "EU27_2020"
# The EU-2030 AROPE first; the discontinued Europe-2020 series only where no EU-2030 figure exists.
# They are different indicators: the card names which one it shows, and never mixes them.
POVERTY_INDICATORS = ("AROPE", "AROPE_EU2020")
POPULATION = "POP"
ESF_PLUS = "ESF+"

# Runs named queries: read([("total_values", dict(code=..., indicators=[...])), ...]) gives their frames in that
# order. The app passes one that caches each result per release (so the country's and the EU's rows are read once,
# not again for every district) and runs the uncached ones at the same time.
Read = Callable[[Sequence[tuple[str, dict]]], list[pd.DataFrame]]


@dataclass(frozen=True)
class Figure:
    """One value with what it is and where it comes from."""

    indicator: str
    region: str
    year: int
    value: float
    flag: str | None
    source: str


@dataclass(frozen=True)
class TargetProgress:
    """A change-in-people target and, where the store allows, how far the area has come."""

    indicator: str
    region: str
    baseline_year: int
    target_year: int
    target_change: float
    title_en: str
    title_bg: str
    latest_year: int | None = None
    change_so_far: float | None = None  # people at risk, latest minus baseline (negative = fewer)
    # what the store lacks to measure progress: (indicator code, years) pairs, e.g. ("AROPE", "2019")
    missing: tuple[tuple[str, str], ...] = ()

    @property
    def share_achieved_pct(self) -> float | None:
        if self.change_so_far is None or not self.target_change:
            return None
        return self.change_so_far / self.target_change * 100


def reader(con: duckdb.DuckDBPyConnection) -> Read:
    """Named queries straight from the store, uncached, one after the other."""
    return lambda calls: [run(con, name, **params) for name, params in calls]


def total_calls(indicators: Iterable[str], codes: Iterable[str]) -> list[tuple[str, dict]]:
    """The queries Totals is built from: one per area (each cached on its own), every year of ``indicators``."""
    return [("total_values", dict(code=code, indicators=sorted(set(indicators)))) for code in sorted(set(codes))]


class Totals:
    """The total values (sex T, age TOTAL) of a few indicators for a few areas, every year, from the frames of
    ``total_calls``; the headline figures are picked from these rows (instead of one query per figure)."""

    def __init__(self, frames: Sequence[pd.DataFrame]):
        self._series: dict[tuple[str, str], list[Figure]] = {}
        for frame in frames:
            for r in frame.itertuples(index=False):  # newest first within each series
                self._series.setdefault((r.indicator_code, r.region_code), []).append(
                    Figure(
                        r.indicator_code,
                        r.region_code,
                        int(r.year),
                        float(r.value),
                        r.flag if isinstance(r.flag, str) else None,
                        str(r.source),
                    )
                )

    def latest(self, indicator: str, region: str, year_from: int, year_to: int) -> Figure | None:
        """The latest value of an indicator for an area within [year_from, year_to], or None."""
        return next((f for f in self._series.get((indicator, region), []) if year_from <= f.year <= year_to), None)


def people_at_risk(
    totals: Totals, indicator: str, region: str, year_from: int, year_to: int
) -> tuple[int, float] | None:
    """(year, people) = rate × population for the latest year in the period that has both."""
    rate = totals.latest(indicator, region, year_from, year_to)
    while rate:
        pop = totals.latest(POPULATION, region, rate.year, rate.year)
        if pop:
            return rate.year, rate.value / 100 * pop.value
        rate = totals.latest(indicator, region, year_from, rate.year - 1)
    return None


def target_progress(totals: Totals, region: str, target: dict) -> TargetProgress:
    """Progress towards a change-in-people target: people at risk now minus in the baseline year."""
    base_year = int(target["baseline_year"])
    progress = TargetProgress(
        target["indicator_code"],
        region,
        base_year,
        int(target["target_year"]),
        float(target["target_value"]),
        str(target["title_en"]),
        str(target["title_bg"]),
    )
    if target["target_kind"] != "change_in_people":
        return progress
    base = people_at_risk(totals, progress.indicator, region, base_year, base_year)
    now = people_at_risk(totals, progress.indicator, region, base_year + 1, progress.target_year)
    if not base or not now:
        return TargetProgress(**{**progress.__dict__, "missing": target_gaps(totals, progress, base is None)})
    return TargetProgress(**{**progress.__dict__, "latest_year": now[0], "change_so_far": now[1] - base[1]})


def target_gaps(totals: Totals, target: TargetProgress, base_missing: bool) -> tuple[tuple[str, str], ...]:
    """Which series the store lacks for a target's progress, and for which years: the rate and the population in
    the baseline year, and both in one later year."""
    later = f"{target.baseline_year + 1}-{target.target_year}"
    gaps: list[tuple[str, str]] = []
    for indicator in (target.indicator, POPULATION):
        if base_missing and not totals.latest(indicator, target.region, target.baseline_year, target.baseline_year):
            gaps.append((indicator, str(target.baseline_year)))
    rates = totals.latest(target.indicator, target.region, target.baseline_year + 1, target.target_year)
    if rates is None:
        gaps.append((target.indicator, later))
    elif not totals.latest(POPULATION, target.region, rates.year, rates.year):
        gaps.append((POPULATION, str(rates.year)))
    return tuple(gaps)


@dataclass(frozen=True)
class HomeKpis:
    region: str
    country: str
    poverty: Figure | None
    poverty_national: Figure | None
    poverty_eu: Figure | None
    population: Figure | None
    esf_contracted_eur: float | None
    esf_paid_eur: float | None
    esf_absorption_pct: float | None
    esf_snapshot: dt.date | None
    eu_funds_contracted_eur: float | None
    eu_funds_paid_eur: float | None
    eu_funds_per_person_eur: float | None
    eu_funds_snapshot: dt.date | None
    projects: int
    project_beneficiaries: int
    cross_sector_projects: int
    targets: list[TargetProgress] = field(default_factory=list)


def ancestors(regions: pd.DataFrame, code: str) -> list[str]:
    """The area itself, then its parent, grandparent … (codes)."""
    parent = dict(zip(regions["code"], regions["parent_code"]))
    chain = [code]
    while isinstance(parent.get(chain[-1]), str) and parent[chain[-1]]:
        chain.append(parent[chain[-1]])
    return chain


def targets(con: duckdb.DuckDBPyConnection, areas: list[str]) -> list[TargetProgress]:
    """The targets of the areas (a country, the EU benchmark), with progress where the store allows."""
    rows = [(area, row) for area in areas for row in run(con, "region_targets", region=area).to_dict("records")]
    totals = Totals(reader(con)(total_calls([POPULATION, *(row["indicator_code"] for _, row in rows)], areas)))
    return [target_progress(totals, area, row) for area, row in rows]


def poverty_figure(totals: Totals, chain: list[str], year_from: int, year_to: int) -> Figure | None:
    """AROPE for the area (chain[0]), or for the nearest area above it with a figure (districts have none)."""
    for indicator in POVERTY_INDICATORS:
        for area in chain:
            fig = totals.latest(indicator, area, year_from, year_to)
            if fig:
                return fig
    return None


def home_kpis(read: Read, region: str, year_from: int, year_to: int, chain: list[str] | None = None) -> HomeKpis:
    """Every headline figure of the home page for one area and period, from named queries run by ``read``. A
    caller that keeps it may pass ``chain`` (the area and the areas above it, up to the country)."""
    chain = chain or ancestors(read([("regions", {})])[0], region)
    country = chain[-1]
    goals = read([("region_targets", dict(region=country))])[0].to_dict("records")
    calls = total_calls([*POVERTY_INDICATORS, POPULATION, *(g["indicator_code"] for g in goals)], [*chain, BENCHMARK])
    *frames, esf, funds, projects = read(
        [
            *calls,
            ("esf_programme_summary", {}),
            ("eu_funds_in_region", dict(region=region)),
            ("projects_in_region", dict(region=region, year_from=year_from, year_to=year_to)),
        ]
    )
    totals = Totals(frames)
    poverty = poverty_figure(totals, chain, year_from, year_to)
    national = eu = None
    if poverty:
        national = totals.latest(poverty.indicator, country, poverty.year, poverty.year)
        eu = totals.latest(poverty.indicator, BENCHMARK, poverty.year, poverty.year)
    population = totals.latest(POPULATION, region, year_from, year_to)
    esf = esf[esf["fund"] == ESF_PLUS]
    funds = funds.iloc[0] if len(funds) else pd.Series({"contracted_eur": None, "paid_eur": None, "snapshot": None})
    contracted = float(funds["contracted_eur"]) if pd.notna(funds["contracted_eur"]) else None
    projects = projects.iloc[0]
    return HomeKpis(
        region=region,
        country=country,
        poverty=poverty,
        poverty_national=national if national and poverty and national.region != poverty.region else None,
        poverty_eu=eu,
        population=population,
        esf_contracted_eur=float(esf["contracted_eur"].sum()) if len(esf) else None,
        esf_paid_eur=float(esf["paid_eur"].sum()) if len(esf) else None,
        esf_absorption_pct=float(esf["paid_eur"].sum() / esf["contracted_eur"].sum() * 100) if len(esf) else None,
        esf_snapshot=esf["snapshot"].max().date() if len(esf) else None,
        eu_funds_contracted_eur=contracted,
        eu_funds_paid_eur=float(funds["paid_eur"]) if contracted is not None else None,
        eu_funds_per_person_eur=contracted / population.value if contracted is not None and population else None,
        eu_funds_snapshot=pd.Timestamp(funds["snapshot"]).date() if contracted is not None else None,
        projects=int(projects["projects"]),
        project_beneficiaries=int(projects["beneficiaries_reached"]),
        cross_sector_projects=int(projects["cross_sector_projects"]),
        targets=[target_progress(totals, country, g) for g in goals],
    )


def progress_text(target: TargetProgress, lang: str, catalogue: pd.DataFrame) -> str:
    """How far a target has come, or which series the store lacks for it, for which years, and which Eurostat
    dataset staff publish to fill the gap; ``catalogue`` is the indicator_catalogue query's result."""
    from .i18n import format_number, format_percent, translate

    if target.change_so_far is not None:
        return translate(
            lang,
            "target_progress",
            change=format_number(target.change_so_far, lang),
            year=target.latest_year,
            share=format_percent(target.share_achieved_pct, lang, 0),
        )
    inds = catalogue.set_index("code")
    gaps = []
    for code, years in target.missing:
        name = str(inds.loc[code, "name_bg" if lang == "bg" else "name_en"]) if code in inds.index else code
        eurostat = inds.loc[code].get("eurostat") if code in inds.index else None
        source = str(eurostat).split(" [")[0] if isinstance(eurostat, str) and eurostat else code
        gaps.append(translate(lang, "target_gap", indicator=name, years=years, source=source))
    return translate(lang, "target_progress_unavailable", missing="; ".join(gaps))
