"""Regions: a profile of the chosen area against its country and the EU, and up to four areas side by side."""

import streamlit as st
from pandas import notna

from si_metrics import charts, i18n, profiles
from ui import data
from ui.briefing import briefing_downloads
from ui.components import chart_with_table, charts_from, demo_badge, download, md_escape, paged_table, source_footer
from ui.i18n import date, money, num, t
from ui.maps import area_map
from ui.state import filters, url_multi, url_select

f = filters()
charts_from(["observations"])  # the datasets this page's charts draw
release = data.release()
tree = data.areas(release)
level_of, names = tree.level, tree.names["bg" if f.lang == "bg" else "en"]
name = names.__getitem__
area, parent, country = name(f.region), tree.parent.get(f.region), tree.country(f.region)
period = dict(year_from=f.year_from, year_to=f.year_to)


def show_profile(rows, code: str) -> None:
    table = profiles.profile_table(rows, lang=f.lang, country_name=name(country))
    paged_table(
        table,
        key=f"regions_profile_{code}",
        column_config={
            table.columns[0]: st.column_config.Column(pinned=True),
            table.columns[2]: st.column_config.Column(width=90),
        },
    )
    if (rows["peers"] > 1).any():  # a country is alone at its level: no rank, no caption about one
        st.caption(
            t("regions_rank_caption", level=t(f"regions_level_{level_of[code]}"), country=md_escape(name(country)))
        )


st.title(t("regions_title", area=area))
st.caption(t("regions_intro", year_from=f.year_from, year_to=f.year_to))
briefing_downloads(release, f.region, f.lang)
rows, funds, projects = data.query_all(
    release,
    ("profile_indicators", dict(codes=[c for c in (f.region, parent) if c], benchmark=profiles.BENCHMARK, **period)),
    ("profile_funding", dict(codes=list(dict.fromkeys([f.region, country])), year_to=f.year_to)),
    ("profile_projects", dict(codes=[f.region], themes=f.themes, **period)),
)
own, inherited = rows[rows["region_code"] == f.region], profiles.parent_only(rows, f.region, parent)
st.header(t("regions_profile_heading", area=area, year_from=f.year_from, year_to=f.year_to))
if len(own):
    show_profile(own, f.region)
else:
    st.info(t("regions_no_indicators"))
if len(inherited):
    st.markdown(
        "**"
        + t("regions_parent_block", parent=md_escape(name(parent)), level=t(f"regions_level_{level_of[f.region]}"))
        + "**"
    )
    show_profile(inherited, parent)

available = data.query(release, "profile_available")
options = profiles.indicator_options(available, f.lang)
pick_left, pick_right = st.columns(2)
indicator = url_select(
    "indicator",
    t("regions_indicator"),
    list(options),
    profiles.default_indicator(list(options), own if len(own) else rows),  # the area's own series first
    format_func=lambda c, o=options: o[c],
    container=pick_left,
)
level = url_select(
    "level",
    t("regions_map_level"),
    [2, 3],
    3 if level_of.get(f.region) == 3 else 2,  # a district among the districts
    widget="radio",
    horizontal=True,
    container=pick_right,
    format_func=lambda v, lang=f.lang: i18n.translate(lang, f"level_{v}"),
)
meta = available.set_index("code").loc[indicator]
unit, decimals, better = t(f"unit_{meta['unit']}"), int(meta["decimals"]), bool(meta["higher_is_better"])
shown = parent if indicator in set(inherited["indicator_code"]) else f.region  # a district's poverty → its NUTS 2
series, map_rows = data.query_all(
    release,
    (
        "profile_series",
        dict(indicator=indicator, codes=list(dict.fromkeys([shown, country, profiles.BENCHMARK])), **period),
    ),
    ("profile_map", dict(region=f.region, level=level, indicator=indicator, **period)),
)
left, right = st.columns(2) if level == 2 else (st.container(), st.container())  # 28 district tiles need the width
with left:
    trend = profiles.trend_frame(series, area=shown, country=country, names=names, unit=meta["unit"])
    title = t(
        "regions_trend_title",
        indicator=options[indicator],
        unit=unit,
        area=name(shown),
        year_from=f.year_from,
        year_to=f.year_to,
    )
    chart_with_table(
        charts.trend_lines(trend, title=title, lang=f.lang, value_label=unit, flag_label=t("regions_flag_word")),
        trend[["series", "region_code", "year", "value", "flag"]],
        key="regions_trend",
        file_name=f"{shown}_{indicator}_trend.csv",
    )
    notes = [t("regions_trend_legend")] if set(trend["kind"]) - {"area"} else []
    if shown != f.region:
        notes.append(
            t("regions_trend_parent", parent=md_escape(name(shown)), level=t(f"regions_level_{level_of[f.region]}"))
        )
    if "area" not in set(trend["kind"]):
        notes.append(t("regions_trend_none", area=md_escape(name(shown))))
    if notes:
        st.caption(" ".join(notes))
with right:
    tiles = profiles.map_frame(map_rows, f.lang)
    year = int(tiles["year"].max()) if tiles["value"].notna().any() else None
    title = (
        t("regions_map_title", indicator=options[indicator], unit=unit, year=year, level=t(f"level_{level}"))
        if year
        else t("regions_map_title_none", indicator=options[indicator], level=t(f"regions_level_{level}"))
    )
    area_map(
        tiles,
        key="regions_map",
        title=title,
        value_label=unit,
        lang=f.lang,
        decimals=decimals,
        selected=tree.at_level(f.region, level),
        higher_is_better=better,
        table=tiles[["code", "name", "year", "value", "flag"]],
        file_name=f"{indicator}_level{level}.csv",
    )

st.header(t("regions_funds_heading"))
funds = funds.set_index("region_code")
a, nation = funds.loc[f.region], funds.loc[country]
m1, m2, note = st.columns([1, 1, 3])
m1.metric(t("regions_funds_per_person", area=area), money(a["per_person_eur"], compact=False))
if f.region != country:
    m2.metric(t("regions_funds_per_person", area=name(country)), money(nation["per_person_eur"], compact=False))
with note:
    if notna(a["contracted_eur"]) and notna(a["population"]):
        st.caption(
            t(
                "regions_funds_caption",
                contracted=money(a["contracted_eur"]),
                paid=money(a["paid_eur"]),
                municipalities=num(a["municipalities"]),
                population=num(a["population"]),
                year=int(a["population_year"]),
                snapshot=date(a["snapshot"].date()),
            )
        )
    elif notna(a["contracted_eur"]):
        st.caption(t("regions_funds_no_population", contracted=money(a["contracted_eur"]), year=f.year_to))
    st.caption(t("regions_funds_not_esf"))

named = data.query(release, "kohesio_in_region", region=f.region)
if len(named):
    st.header(t("regions_kohesio_heading", area=area))
    k1, k2, k3 = st.columns(3, border=True)
    k1.metric(t("regions_kohesio_beneficiaries"), num(len(named)))
    k2.metric(t("regions_kohesio_eu"), money(named["eu_contribution_eur"].sum()))
    k3.metric(t("regions_kohesio_projects"), num(named["projects"].sum()))
    st.caption(t("regions_kohesio_caption", snapshot=named["snapshot"].iloc[0]))
    listed = named.assign(
        beneficiary_name=named["beneficiary_name"]
        if f.lang == "bg"
        else named["beneficiary_name_latin"].where(
            named["beneficiary_name_latin"].fillna("") != "", named["beneficiary_name"]
        ),
        region_name=named["region_code"].map(names),
    )[["beneficiary_name", "region_name", "eu_contribution_eur", "total_budget_eur", "projects"]]
    paged_table(listed, key="regions_kohesio", page_size=10)
    download(listed, f"kohesio_beneficiaries_{f.region}.csv", "regions_kohesio")

st.header(t("regions_projects_heading"))
by_theme = profiles.theme_frame(projects, f.region, f.lang)
stats, chart = st.columns([1, 3])
with stats:
    demo_badge()
    st.metric(t("regions_projects_count"), num(projects["projects"].sum()))
    st.metric(t("regions_projects_reached"), num(projects["beneficiaries_reached"].sum()))
    st.caption(t("regions_projects_caption", theme=i18n.translate(f.lang, f"theme_{f.theme}")))
with chart:
    if len(by_theme):
        x, y = by_theme.columns
        chart_with_table(
            charts.bars(
                by_theme,
                x=x,
                y=y,
                lang=f.lang,
                value_label=y,
                title=t("regions_themes_title", area=area, year_from=f.year_from, year_to=f.year_to),
            ),
            by_theme,
            key="regions_themes",
            sources=["projects"],
            file_name=f"{f.region}_demo_projects_by_theme.csv",
        )

st.header(t("regions_compare_heading"))
labels = {c: f"{names[c]} ({c})" for c in tree.order}
chosen = url_multi(
    "compare",
    t("regions_compare_pick"),
    list(labels),
    (),
    max_selections=profiles.MAX_COMPARE,
    format_func=lambda c, lab=labels: lab[c],
)
if chosen:
    table = profiles.comparison_table(
        *data.query_all(
            release,
            ("profile_indicators", dict(codes=chosen, benchmark=profiles.BENCHMARK, **period)),
            ("profile_funding", dict(codes=chosen, year_to=f.year_to)),
            ("profile_projects", dict(codes=chosen, themes=f.themes, **period)),
        ),
        chosen,
        labels,
        f.lang,
    )
    paged_table(table, key="regions_compare", column_config={table.columns[0]: st.column_config.Column(pinned=True)})
    download(table, "regions_comparison.csv", "regions_compare")
    if len({level_of[c] for c in chosen}) > 1:
        st.caption(t("regions_compare_levels"))
    st.caption(t("regions_compare_caption", year_from=f.year_from, year_to=f.year_to))
    demo_badge()
else:
    st.info(t("regions_compare_empty"))

source_footer(["kohesio_beneficiaries", "observations", "indicators", "regions", "funding_municipalities", "projects"])
