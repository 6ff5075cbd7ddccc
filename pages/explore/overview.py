"""Overview: headline figures for the chosen area and period, each with its source."""

import streamlit as st

from si_metrics import charts
from ui import data
from ui.components import chart_with_table, charts_from, demo_badge, md_escape, no_data_notice, source_footer
from ui.i18n import date, lang, money, num, pct, signed, t
from ui.indicators import map_frame, pick_indicator, target_progress_text, trend_frame, unit
from ui.maps import area_map
from ui.state import filters

# the area's own rates shown beside the headline figures, where the store has them (NSI, down to districts)
AREA_FIGURES = ("AROP_REGIONAL_LINE", "UNEMP")
# among series of equal reach, the poverty rates first, then the thresholds and inequality behind them
TREND_PREFERENCE = ("AROPE_EU2020_REGIONAL_LINE", "AROPE_EU2020", "AROP_REGIONAL_LINE", "AROP", "AROP_BT_REGIONAL_LINE")

f = filters()
charts_from(["observations"])  # the datasets this page's charts draw
release = data.release()
areas = data.areas(release)
names = data.indicators(release).set_index("code")
k = data.home_kpis(release, f.region, f.year_from, f.year_to)
area = areas.label(f.region, f.lang)


def indicator_name(code: str) -> str:
    return str(names.loc[code, "name_bg" if lang() == "bg" else "name_en"])


st.title(t("home_title", area=area))
st.caption(t("home_intro", area=area, year_from=f.year_from, year_to=f.year_to))

c1, c2, c4 = st.columns([1.5, 1, 1], border=True)
c3, c5 = st.columns(2, border=True)
with c1:
    p = k.poverty
    if p:
        eu = k.poverty_eu
        st.metric(
            t("kpi_poverty", indicator=indicator_name(p.indicator), year=p.year),
            pct(p.value),
            delta=t("kpi_vs_eu", delta=signed(p.value - eu.value, 1)) if eu else None,
            delta_color="inverse",
            help=p.source,
        )
        national = k.poverty_national
        if p.region != k.country:
            st.caption(
                t(
                    "kpi_benchmarks",
                    eu=pct(eu.value) if eu else t("no_data"),
                    country=areas.label(k.country, f.lang),
                    national=pct(national.value) if national else t("no_data"),
                )
            )
        if p.region != f.region:
            st.caption(t("kpi_poverty_area", area=areas.label(p.region, f.lang), indicator=indicator_name(p.indicator)))
        if p.flag:
            st.caption(t("kpi_flag", flag=p.flag, meaning=" ".join(t(f"flag_{c}") for c in p.flag)))
    else:
        st.metric(t("kpi_poverty_none"), t("no_data"))
        st.caption(t("no_data_for_area"))
with c2:
    pop = k.population
    if pop:
        st.metric(t("kpi_population", year=pop.year), num(pop.value), help=pop.source)
    else:
        st.metric(t("kpi_population", year=f.year_to), t("no_data"))
with c3:
    st.metric(t("kpi_esf_absorption"), pct(k.esf_absorption_pct))
    st.caption(
        t(
            "kpi_esf_caption",
            paid=money(k.esf_paid_eur),
            contracted=money(k.esf_contracted_eur),
            snapshot=date(k.esf_snapshot),
        )
    )
with c4:
    per_person = k.eu_funds_per_person_eur
    st.metric(t("kpi_eu_funds"), money(per_person, compact=False) if per_person is not None else t("no_data"))
    if k.eu_funds_contracted_eur is not None:
        st.caption(
            t(
                "kpi_eu_funds_caption",
                contracted=money(k.eu_funds_contracted_eur),
                paid=money(k.eu_funds_paid_eur),
                snapshot=date(k.eu_funds_snapshot),
            )
        )
with c5:
    st.metric(t("kpi_projects"), num(k.projects))
    demo_badge()
    st.caption(
        t("kpi_projects_caption", beneficiaries=num(k.project_beneficiaries), cross=num(k.cross_sector_projects))
    )

# the area's own need figures where NSI publishes them (districts have no AROPE), each beside the country's
own = data.query(
    release,
    "area_latest",
    codes=list(dict.fromkeys([f.region, k.country])),
    indicators=list(AREA_FIGURES),
    year_from=f.year_from,
    year_to=f.year_to,
)
mine = own[own["region_code"] == f.region]
if len(mine) and f.region != k.country:
    national = own[own["region_code"] == k.country].set_index(["indicator_code", "year"])["value"]
    for col, fig in zip(st.columns(len(mine), border=True), mine.itertuples()):
        with col:
            st.metric(
                t("kpi_area_figure", indicator=indicator_name(fig.indicator_code), year=fig.year),
                pct(fig.value),
                help=fig.source,
            )
            country_value = national.get((fig.indicator_code, fig.year))
            st.caption(
                t(
                    "kpi_area_country",
                    country=areas.label(k.country, f.lang),
                    value=pct(country_value) if country_value is not None else t("no_data"),
                )
            )
            if fig.flag:
                st.caption(t("kpi_flag", flag=fig.flag, meaning=" ".join(t(f"flag_{c}") for c in fig.flag)))

for target in k.targets:
    line = t(
        "target_line",
        area=areas.label(target.region, f.lang),
        change=num(target.target_change),
        baseline_year=target.baseline_year,
        source=md_escape(target.title_bg if f.lang == "bg" else target.title_en),
    )
    line += " " + target_progress_text(release, target, f.lang)
    st.info(line, icon=":material/flag:")

st.header(t("home_charts_heading"))
inds = data.query(release, "indicators_with_data")
map_level = 3 if areas.level.get(f.region) == 3 else 2  # a district is shown among the districts
indicator = pick_indicator(
    inds, f, t("pov_indicator"), "AROP_REGIONAL_LINE" if map_level == 3 else "AROPE", level=map_level
)
ind_name, ind_unit = indicator_name(indicator), unit(inds, indicator, f.lang)
higher_is_better = bool(inds.set_index("code").loc[indicator, "higher_is_better"])
years = [
    y
    for y in data.query(release, "indicator_years", indicator=indicator, level=map_level, country=k.country)["year"]
    if f.year_from <= y <= f.year_to
]
# Everything the two charts need is worked out before either is drawn, and the source footer goes below them
# first: the page's last messages are then the charts, so its text and figures are drawn and the run is finished
# before the browser loads the charting library (the largest part of a first visit).
# The trend needs two years of one series for the area in the period; the chosen indicator first, then the
# poverty series with the most such years (a different indicator, so the caption says so)
have = data.query(release, "area_years", region=f.region)
have = have[(have["year"] >= f.year_from) & (have["year"] <= f.year_to)]
counts = have.groupby("indicator_code")["year"].nunique()
poverty = [c for c in inds[inds["theme"] == "poverty_inclusion"]["code"] if counts.get(c, 0) >= 2]
last = have.groupby("indicator_code")["year"].max()
trend_indicator = indicator
if counts.get(indicator, 0) < 2 and poverty:
    # the same concept first (AROPE in another definition), then the series that reaches furthest, then the longest
    family = indicator.split("_")[0]
    trend_indicator = max(
        poverty,
        key=lambda c: (
            c.split("_")[0] == family,
            last[c],
            counts[c],
            -TREND_PREFERENCE.index(c) if c in TREND_PREFERENCE else -len(TREND_PREFERENCE),
        ),
    )
trend = trend_frame(release, trend_indicator, [f.region], k.country, f) if counts.get(trend_indicator, 0) >= 2 else None
trend_fig = (
    charts.trend_lines(
        trend,
        title=t(
            "pov_trend_title",
            indicator=indicator_name(trend_indicator),
            unit=unit(inds, trend_indicator, f.lang),
            year_from=f.year_from,
            year_to=f.year_to,
        ),
        lang=f.lang,
        value_label=unit(inds, trend_indicator, f.lang),
        flag_label=t("pov_flag_word"),
    )
    if trend is not None
    else None
)
map_year = years[-1] if years else None
home_map = map_frame(release, indicator, k.country, map_level, map_year, f.lang) if map_year else None

left, right = st.columns(2)
source_footer(["observations", "funding_programmes", "funding_municipalities", "projects", "targets"])
with right:
    if trend_indicator != indicator:
        st.caption(t("home_trend_fallback", indicator=ind_name, fallback=indicator_name(trend_indicator)))
    if trend is None:
        span = data.query(release, "area_years", region=f.region)
        years_of = span[span["indicator_code"] == indicator]["year"]
        no_data_notice(
            ind_name,
            area,
            (int(years_of.min()), int(years_of.max())) if len(years_of) else None,
            f.year_from,
            f.year_to,
            key="home_trend_period",
        )
with left:
    if home_map is not None and map_year is not None:
        note = inds.set_index("code").loc[indicator, "notes_bg" if f.lang == "bg" else "notes_en"]
        area_map(
            home_map,
            key="home_map",
            title=t(
                "pov_map_title", indicator=ind_name, unit=ind_unit, year=map_year, area=areas.label(k.country, f.lang)
            ),
            value_label=ind_unit,
            lang=f.lang,
            selected=f.region,
            file_name=f"{indicator}_{map_year}_nuts{map_level}.csv",
            table=home_map[["code", "name", "value", "flag"]],
            higher_is_better=higher_is_better,
        )
        if isinstance(note, str) and note:
            st.caption(md_escape(note))
    else:
        st.info(t("pov_no_years", indicator=ind_name, year_from=f.year_from, year_to=f.year_to))
if trend is not None and trend_fig is not None:
    with right:
        chart_with_table(
            trend_fig,
            trend[["series", "region_code", "year", "value", "flag"]],
            key="home_trend",
            file_name=f"{trend_indicator}_trend.csv",
        )
