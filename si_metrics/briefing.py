"""The region briefing: everything the store holds about one area, laid out as a short document a policymaker can
print or mail. ``gather`` reads the figures (named queries only), ``document`` turns them into language-resolved
blocks, and ``si_metrics.briefing_render`` draws the blocks as PDF or HTML. Nothing here names an indicator: every
indicator the store holds for the area appears with the catalogue's own name, unit, decimals and notes."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import kpis, profiles, store
from .catalog import dataset
from .i18n import format_date, format_money, format_number, format_percent, translate
from .kpis import progress_text
from .queries import run
from .vocab import THEMES

BENCHMARK = kpis.BENCHMARK
# Datasets a briefing draws on; their sidecars give the closing source list (producer, licence, vintage).
DATASETS = (
    "observations",
    "indicators",
    "regions",
    "targets",
    "funding_municipalities",
    "funding_programmes",
    "projects",
)
LOW_RELIABILITY = "u"  # Eurostat's flag for low reliability (small samples)


# ---------------------------------------------------------------------------------------------------------
# The blocks a renderer draws, in reading order. Every text is final (translated, numbers formatted).
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "body"  # body | small | demo (the synthetic-data label) | warn (low reliability)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # shares of the text width
    numeric: tuple[bool, ...]  # right-aligned columns


@dataclass(frozen=True)
class Series:
    label: str
    kind: str  # area | country | benchmark (as profiles.trend_frame)
    points: tuple[tuple[int, float, bool], ...]  # year, value, flagged


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    decimals: int
    lang: str
    series: tuple[Series, ...]
    from_zero: bool = True  # rates are drawn from zero; head counts from their own minimum


@dataclass(frozen=True)
class Charts:
    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class Document:
    lang: str
    title: str
    subtitle: str
    footer: str
    file_stem: str
    blocks: tuple = ()


# ---------------------------------------------------------------------------------------------------------
@dataclass
class Facts:
    """What the store holds about one area, as the named queries return it."""

    code: str
    regions: pd.DataFrame  # query regions
    chain: list[str]  # the area, its parent … up to the country
    indicators: pd.DataFrame  # query profile_indicators for the area and its parent
    series: pd.DataFrame  # query briefing_series for the area, parent, country and EU
    catalogue: pd.DataFrame  # query indicator_catalogue, in code order
    funds: pd.DataFrame  # query profile_funding for the area and the country
    esf: pd.DataFrame  # query esf_programme_summary
    projects: pd.DataFrame  # query projects_in_region (one row)
    themes: pd.DataFrame  # query profile_projects
    targets: list[kpis.TargetProgress] = field(default_factory=list)
    release: int = 0
    made: dt.date = field(default_factory=dt.date.today)

    @property
    def parent(self) -> str | None:
        return self.chain[1] if len(self.chain) > 1 else None

    @property
    def country(self) -> str:
        return self.chain[-1]

    def region(self, code: str) -> pd.Series:
        return self.regions.set_index("code").loc[code]

    def name(self, code: str, lang: str) -> str:
        return str(self.region(code)["name_bg" if lang == "bg" else "name_en"])

    def level(self, code: str) -> int:
        return int(self.region(code)["level"])


class UnknownRegion(KeyError):
    pass


def gather(con: duckdb.DuckDBPyConnection, code: str, today: dt.date | None = None) -> Facts:
    """Read every figure of one area's briefing from the store (named queries, bound values)."""
    regions = run(con, "regions")
    if code not in set(regions.loc[~regions["is_benchmark"], "code"]):
        raise UnknownRegion(code)
    chain = kpis.ancestors(regions, code)
    parent, country = (chain[1] if len(chain) > 1 else None), chain[-1]
    bounds = run(con, "year_bounds").iloc[0]
    period = dict(year_from=int(bounds["first_year"]), year_to=int(bounds["last_year"]))
    own = [c for c in (code, parent) if c]
    return Facts(
        code=code,
        regions=regions,
        chain=chain,
        indicators=run(con, "profile_indicators", codes=own, benchmark=BENCHMARK, **period),
        series=run(con, "briefing_series", codes=list(dict.fromkeys([*own, country, BENCHMARK]))),
        catalogue=run(con, "indicator_catalogue").sort_values("code", ignore_index=True),
        funds=run(con, "profile_funding", codes=list(dict.fromkeys([code, country])), year_to=period["year_to"]),
        esf=run(con, "esf_programme_summary"),
        projects=run(con, "projects_in_region", region=code, **period),
        themes=run(con, "profile_projects", codes=[code], themes=list(THEMES), **period),
        targets=kpis.targets(con, [country, BENCHMARK]),
        release=store.latest_release(con),
        made=today or dt.date.today(),
    )


# ---------------------------------------------------------------------------------------------------------
def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _sources(facts: Facts, rows: pd.DataFrame, numbers: dict[tuple[str, str], int]) -> list[str]:
    """For each indicator row: the references ([1], [2]) of the sources of its area, country and EU figures of the
    same year, numbering new (source, vintage) pairs in ``numbers`` as they are met."""
    s = facts.series
    by_key = {
        (r, i, int(y)): (str(src), "" if _missing(v) else str(v))
        for r, i, y, src, v in zip(s["region_code"], s["indicator_code"], s["year"], s["source"], s["vintage"])
    }
    refs = []
    for area, ind, year, country in zip(
        rows["region_code"], rows["indicator_code"], rows["year"], rows["country_code"]
    ):
        mine = []
        for code in (area, country, BENCHMARK):
            pair = by_key.get((code, ind, int(year)))
            if pair:
                n = numbers.setdefault(pair, len(numbers) + 1)
                if n not in mine:
                    mine.append(n)
        refs.append(", ".join(f"[{n}]" for n in mine))
    return refs


def indicator_table(facts: Facts, rows: pd.DataFrame, lang: str, numbers: dict) -> Table:
    """The profile table of the Regions page (profiles.profile_table) with a column naming each figure's sources."""
    rows = profiles.ordered(rows)
    shown = profiles.profile_table(rows, lang=lang, country_name=facts.name(facts.country, lang))
    refs = _sources(facts, rows, numbers)
    header = (*shown.columns, translate(lang, "briefing_col_sources"))
    body = tuple((*(str(v) for v in values), ref) for values, ref in zip(shown.itertuples(index=False), refs))
    return Table(
        header=header,
        rows=body,
        widths=(0.185, 0.07, 0.09, 0.1, 0.12, 0.085, 0.065, 0.1, 0.09, 0.095),
        numeric=(False, True, True, False, False, True, True, False, False, False),
    )


def _chart(facts: Facts, row: pd.Series, lang: str) -> Chart:
    area, ind = row.region_code, row.indicator_code
    names = {c: facts.name(c, lang) for c in facts.regions["code"]}
    part = facts.series[facts.series["indicator_code"] == ind]
    frame = profiles.trend_frame(part, area=area, country=facts.country, names=names, unit=row.unit)
    series = tuple(
        Series(
            label=str(label),
            kind=str(g["kind"].iloc[0]),
            points=tuple((int(y), float(v), bool(f)) for y, v, f in zip(g["year"], g["value"], g["flag"])),
        )
        for label, g in frame.groupby("series", sort=False)
    )
    name = row.name_bg if lang == "bg" else row.name_en
    return Chart(
        title=f"{name} ({translate(lang, f'unit_{row.unit}')})",
        unit=translate(lang, f"unit_{row.unit}"),
        decimals=int(row.decimals),
        lang=lang,
        series=series,
        from_zero=row.unit not in profiles.COUNT_UNITS,
    )


def _definitions(facts: Facts, codes: list[str], lang: str) -> list[Text]:
    cat = facts.catalogue.set_index("code")
    out = []
    for code in codes:
        r = cat.loc[code]
        name, definition = r[f"name_{lang}"], r[f"definition_{lang}"]
        notes = r[f"notes_{lang}"]
        text = translate(lang, "briefing_definition", name=name, definition=definition)
        if not _missing(notes) and str(notes).strip():
            text += " " + str(notes).strip()
        out.append(Text(text, "small"))
    return out


def _funds(facts: Facts, lang: str) -> list:
    blocks: list = [Heading(translate(lang, "briefing_funds_heading"), 2)]
    funds = facts.funds.set_index("region_code")
    col = lambda k: translate(lang, f"briefing_funds_col_{k}")  # noqa: E731
    rows = []
    for code in dict.fromkeys([facts.code, facts.country]):
        if code not in funds.index:
            continue
        f = funds.loc[code]
        contracted, paid = f["contracted_eur"], f["paid_eur"]
        share = None if _missing(contracted) or not contracted else float(paid) / float(contracted) * 100
        rows.append(
            (
                facts.name(code, lang),
                translate(lang, "briefing_not_published"),
                format_money(None if _missing(contracted) else float(contracted), lang),
                format_money(None if _missing(paid) else float(paid), lang),
                format_percent(share, lang, 0),
                format_number(None if _missing(f["population"]) else float(f["population"]), lang),
                format_money(
                    None if _missing(f["per_person_eur"]) else float(f["per_person_eur"]), lang, compact=False
                ),
            )
        )
    blocks.append(
        Table(
            header=(
                col("area"),
                col("planned"),
                col("contracted"),
                col("paid"),
                col("paid_share"),
                col("population"),
                col("per_person"),
            ),
            rows=tuple(rows),
            widths=(0.2, 0.13, 0.15, 0.15, 0.1, 0.12, 0.15),
            numeric=(False, True, True, True, True, True, True),
        )
    )
    own = funds.loc[facts.code] if facts.code in funds.index else None
    if own is not None and not _missing(own["contracted_eur"]):
        blocks.append(
            Text(
                translate(
                    lang,
                    "briefing_funds_note",
                    municipalities=format_number(int(own["municipalities"]), lang),
                    snapshot=format_date(pd.Timestamp(own["snapshot"]).date(), lang),
                    year="–" if _missing(own["population_year"]) else int(own["population_year"]),
                ),
                "small",
            )
        )
    blocks.append(Text(translate(lang, "regions_funds_not_esf"), "small"))
    if len(facts.esf):
        blocks.append(Heading(translate(lang, "briefing_esf_heading"), 3))
        e = lambda k: translate(lang, f"briefing_esf_col_{k}")  # noqa: E731
        blocks.append(
            Table(
                header=(e("fund"), e("period"), e("programmes"), e("contracted"), e("paid"), e("absorption")),
                rows=tuple(
                    (
                        str(r.fund),
                        str(r.period),
                        format_number(int(r.programmes), lang),
                        format_money(float(r.contracted_eur), lang),
                        format_money(float(r.paid_eur), lang),
                        format_percent(None if _missing(r.absorption_pct) else float(r.absorption_pct), lang, 0),
                    )
                    for r in facts.esf.itertuples()
                ),
                widths=(0.12, 0.12, 0.14, 0.22, 0.22, 0.18),
                numeric=(False, False, True, True, True, True),
            )
        )
        snapshot = pd.Timestamp(facts.esf["snapshot"].max()).date()
        blocks.append(Text(translate(lang, "briefing_esf_note", snapshot=format_date(snapshot, lang)), "small"))
    return blocks


def _targets(facts: Facts, lang: str) -> list:
    blocks: list = [Heading(translate(lang, "briefing_targets_heading"), 2)]
    if not facts.targets:
        return [*blocks, Text(translate(lang, "briefing_targets_none"))]
    for target in facts.targets:
        line = translate(
            lang,
            "target_line",
            area=facts.name(target.region, lang),
            change=format_number(target.target_change, lang),
            baseline_year=target.baseline_year,
            source=target.title_bg if lang == "bg" else target.title_en,
        )
        line += " " + progress_text(target, lang, facts.catalogue)
        blocks.append(Text(line))
    if facts.code not in {t.region for t in facts.targets}:
        blocks.append(Text(translate(lang, "briefing_targets_area", area=facts.name(facts.code, lang)), "small"))
    return blocks


def _projects(facts: Facts, lang: str) -> list:
    p = facts.projects.iloc[0]
    blocks: list = [
        Heading(translate(lang, "briefing_projects_heading"), 2),
        Text(translate(lang, "demo_data") + ": " + translate(lang, "demo_data_explained"), "demo"),
        Text(
            translate(
                lang,
                "briefing_projects_summary",
                area=facts.name(facts.code, lang),
                projects=format_number(int(p["projects"]), lang),
                reached=format_number(int(p["beneficiaries_reached"]), lang),
                cross=format_number(int(p["cross_sector_projects"]), lang),
            )
        ),
    ]
    themes = profiles.theme_frame(facts.themes, facts.code, lang)
    if len(themes):
        blocks.append(
            Table(
                header=tuple(str(c) for c in themes.columns),
                rows=tuple((str(a), format_number(int(b), lang)) for a, b in themes.itertuples(index=False)),
                widths=(0.7, 0.3),
                numeric=(False, True),
            )
        )
    return blocks


def _source_list(numbers: dict[tuple[str, str], int], lang: str) -> list:
    blocks: list = [Heading(translate(lang, "briefing_sources_heading"), 2)]
    if numbers:
        blocks.append(Heading(translate(lang, "briefing_figure_sources"), 3))
        for (source, vintage), n in sorted(numbers.items(), key=lambda kv: kv[1]):
            blocks.append(
                Text(translate(lang, "briefing_source_line", n=n, source=source, vintage=vintage or "–"), "small")
            )
    blocks.append(Heading(translate(lang, "briefing_dataset_sources"), 3))
    for name in DATASETS:
        meta = dataset(name)
        for src in meta.sources:
            line = translate(
                lang,
                "briefing_dataset_line",
                dataset=meta.title.get(lang),
                producer=src.producer,
                title=src.title,
                licence=src.licence,
                vintage=src.vintage,
            )
            blocks.append(Text(line + (f" {src.url}" if src.url else ""), "small"))
        if meta.synthetic:
            blocks.append(
                Text(
                    translate(lang, "demo_data")
                    + f": {meta.title.get(lang)} — "
                    + translate(lang, "demo_data_explained"),
                    "demo",
                )
            )
    return blocks


def document(facts: Facts, lang: str) -> Document:
    """The briefing of ``facts`` in ``lang`` as blocks (headings, texts, tables, charts), every text final."""
    area, code = facts.name(facts.code, lang), facts.code
    level = facts.level(code)
    country_name = facts.name(facts.country, lang)
    rows = facts.indicators
    own = rows[rows["region_code"] == code]
    inherited = profiles.parent_only(rows, code, facts.parent)
    numbers: dict[tuple[str, str], int] = {}
    subtitle = translate(
        lang,
        "briefing_subtitle",
        level=translate(lang, f"briefing_level_{level}"),
        code=code,
        chain=" › ".join(facts.name(c, lang) for c in reversed(facts.chain[1:])) or country_name,
        release=facts.release,
        date=format_date(facts.made, lang),
    )
    blocks: list = [Text(translate(lang, "briefing_intro"), "small")]

    blocks.append(Heading(translate(lang, "briefing_indicators_heading", area=area), 2))
    if len(own):
        blocks.append(indicator_table(facts, own, lang, numbers))
    else:
        blocks.append(Text(translate(lang, "regions_no_indicators")))
    if len(inherited):
        blocks.append(
            Heading(
                translate(
                    lang,
                    "regions_parent_block",
                    parent=facts.name(facts.parent or facts.code, lang),
                    level=translate(lang, f"regions_level_{level}"),
                ),
                3,
            )
        )
        blocks.append(indicator_table(facts, inherited, lang, numbers))
    shown = pd.concat([own, inherited])
    if (shown["peers"].fillna(0) > 1).any():
        blocks.append(
            Text(
                translate(
                    lang, "regions_rank_caption", level=translate(lang, f"regions_level_{level}"), country=country_name
                ),
                "small",
            )
        )
    low = [r for r in profiles.ordered(shown).itertuples() if not _missing(r.flag) and LOW_RELIABILITY in str(r.flag)]
    if low:
        names = ", ".join(f"{r.name_bg if lang == 'bg' else r.name_en} {int(r.year)}" for r in low)
        blocks.append(Text(translate(lang, "briefing_low_reliability", figures=names), "warn"))

    blocks.append(Heading(translate(lang, "briefing_trends_heading", area=area), 2))
    ordered = profiles.ordered(shown)
    blocks.append(Charts(tuple(_chart(facts, r, lang) for r in ordered.itertuples())))
    blocks.append(Text(translate(lang, "briefing_trend_legend"), "small"))

    blocks.extend(_targets(facts, lang))
    blocks.extend(_funds(facts, lang))
    blocks.extend(_projects(facts, lang))
    blocks.append(Heading(translate(lang, "briefing_definitions_heading"), 2))
    blocks.extend(_definitions(facts, list(dict.fromkeys(ordered["indicator_code"])), lang))
    blocks.extend(_source_list(numbers, lang))

    return Document(
        lang=lang,
        title=translate(lang, "briefing_title", area=area),
        subtitle=subtitle,
        footer=translate(lang, "briefing_footer", area=area, release=facts.release, date=format_date(facts.made, lang)),
        file_stem=f"briefing_{code}_{lang}",
        blocks=tuple(blocks),
    )


def briefing(con: duckdb.DuckDBPyConnection, code: str, lang: str, today: dt.date | None = None) -> Document:
    """One area's briefing document in ``lang``, from the store."""
    return document(gather(con, code, today), lang)
