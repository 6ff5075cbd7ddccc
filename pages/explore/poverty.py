"""Poverty and inclusion: any indicator by area and year — map, ranking, trends, flags, breakdowns, target."""

import streamlit as st

from si_metrics import charts, i18n
from ui import data
from ui.components import chart_with_table, charts_from, md_escape, nearest_period, set_period, source_footer
from ui.i18n import num, t
from ui.indicators import COUNT_UNITS, map_frame, name, pick_indicator, target_progress_text, trend_frame, unit
from ui.maps import area_map
from ui.state import filters, url_multi, url_select

f = filters()
charts_from(["observations"])  # the datasets this page's charts draw
release = data.release()
tree = data.areas(release)
inds = data.query(release, "indicators_with_data")
st.title(t("nav_poverty"))

indicator = pick_indicator(inds, f, t("pov_indicator"), "AROPE")
meta = inds.set_index("code").loc[indicator]
ind_name, ind_unit, decimals = name(inds, indicator, f.lang), unit(inds, indicator, f.lang), int(meta["decimals"])
country = tree.country(f.region)
levels = [lv for lv in (2, 3) if lv in list(meta["levels"])] or [int(min(meta["levels"]))]
c1, c2 = st.columns(2)
with c1:
    level = url_select(
        "level",
        t("pov_level"),
        levels,
        levels[0],
        widget="radio",
        horizontal=True,
        format_func=lambda lv, lang=f.lang: i18n.translate(lang, f"level_{lv}"),
    )
years = [
    y
    for y in data.query(release, "indicator_years", indicator=indicator, level=level, country=country)["year"]
    if f.year_from <= y <= f.year_to
]
st.info(
    md_escape(meta["definition_bg" if f.lang == "bg" else "definition_en"])
    + (
        "  \n" + md_escape(meta["notes_bg" if f.lang == "bg" else "notes_en"])
        if isinstance(meta["notes_en"], str)
        else ""
    ),
    icon=":material/info:",
)
if not years:
    st.warning(t("pov_no_years", indicator=ind_name, year_from=f.year_from, year_to=f.year_to))
    every = data.query(release, "indicator_years", indicator=indicator, level=level, country=country)["year"]
    if len(every):
        start, end = nearest_period(int(every.min()), int(every.max()), f.year_from, f.year_to)
        st.caption(t("empty_series_span", first=int(every.min()), last=int(every.max())))
        st.button(
            t("empty_show_period", year_from=start, year_to=end),
            key="pov_nearest_period",
            on_click=set_period,
            args=(start, end),
        )
    source_footer(["observations", "indicators"])
    st.stop()
with c2:
    year = url_select("year", t("pov_year"), years, years[-1])

where = tree.label(country, f.lang)
frame = map_frame(release, indicator, country, level, year, f.lang)
table = frame[["code", "name", "value", "flag"]].rename(columns={"value": f"{ind_name} ({ind_unit}), {year}"})
left, right = st.columns(2)
with left:
    area_map(
        frame,
        key="pov_map",
        title=t("pov_map_title", indicator=ind_name, unit=ind_unit, year=year, area=where),
        value_label=ind_unit,
        lang=f.lang,
        selected=f.region,
        table=table,
        file_name=f"{indicator}_{year}_map.csv",
        decimals=decimals,
        higher_is_better=bool(meta["higher_is_better"]),
    )
with right:
    ranked = frame.dropna(subset=["value"])
    chart_with_table(
        charts.ranking_bar(
            ranked,
            title=t("pov_rank_title", indicator=ind_name, unit=ind_unit, year=year, area=where),
            lang=f.lang,
            value_label=ind_unit,
            selected=f.region,
            decimals=decimals,
        ),
        table.dropna(subset=[table.columns[2]]),
        key="pov_rank",
        file_name=f"{indicator}_{year}_ranking.csv",
    )
flags = sorted({c for flag in frame["flag"].dropna() for c in flag})
if flags:
    st.caption(t("pov_flags", flags="; ".join(f"{c}: {t('flag_' + c)}" for c in flags)))

mapped = set(frame["code"])
peers = [c for c in tree.order if c in mapped]
default = (
    [f.region]
    if f.region in peers
    else [c for c in peers if c.startswith(f.region)][:6] or [c for c in peers if f.region.startswith(c)]
)
areas = url_multi(
    "compare",
    t("pov_compare"),
    peers,
    default,
    max_selections=6,
    format_func=lambda c, lang=f.lang: tree.label(c, lang),
)
trend = trend_frame(release, indicator, areas, country, f, meta["unit"])
chart_with_table(
    charts.trend_lines(
        trend,
        title=t("pov_trend_title", indicator=ind_name, unit=ind_unit, year_from=f.year_from, year_to=f.year_to),
        lang=f.lang,
        value_label=ind_unit,
        flag_label=t("pov_flag_word"),
    ),
    trend[["series", "region_code", "year", "value", "flag"]],
    key="pov_trend",
    file_name=f"{indicator}_trend.csv",
)
st.caption(t("pov_trend_note"))

if meta["has_breakdown"]:
    bd = data.query(release, "indicator_breakdown", indicator=indicator, region=f.region, year=year)
    if len(bd):
        bd = bd.assign(
            sex_label=bd["sex"].map(lambda s: t(f"sex_{s}")),
            age_label=bd["age"].map(lambda a: i18n.age_label(a, f.lang)),
        )
        counts = meta["unit"] in COUNT_UNITS  # parts of a count stack up; rates by sex and age sit side by side
        parts = (
            bd[(bd["sex"] != "T") & (bd["age"] != "TOTAL")]
            if counts
            else bd[(bd["sex"] != "T") | (bd["age"] != "TOTAL")]
        )
        chart_with_table(
            charts.bars(
                parts,
                stacked=counts,
                x="age_label",
                y="value",
                colour="sex_label",
                title=t(
                    "pov_breakdown_title",
                    indicator=ind_name,
                    unit=ind_unit,
                    year=year,
                    area=tree.label(f.region, f.lang),
                ),
                lang=f.lang,
                value_label=ind_unit,
            ),
            bd[["sex", "age", "value", "flag"]],
            key="pov_breakdown",
            file_name=f"{indicator}_{f.region}_{year}_breakdown.csv",
        )

for target in data.targets(release, country):
    if target.indicator == indicator:
        st.header(t("pov_target_heading"))
        st.write(
            t(
                "target_line",
                area=tree.label(target.region, f.lang),
                change=num(target.target_change),
                baseline_year=target.baseline_year,
                source=target.title_bg if f.lang == "bg" else target.title_en,
            )
        )
        st.write(target_progress_text(release, target, f.lang))
source_footer(["observations", "indicators", "targets"])
