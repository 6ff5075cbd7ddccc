"""Funding: ESF+ programme totals and all EU funds per person by region (real), themes, years and flows (demo)."""

import streamlit as st

from si_metrics import charts, funding, i18n
from ui import data
from ui.components import chart_with_table, charts_from, demo_badge, download, md_escape, paged_table, source_footer
from ui.i18n import date, money, num, pct, t
from ui.maps import area_map
from ui.state import filters, url_select

f = filters()
charts_from(["funding_municipalities", "observations"])  # the datasets this page's charts draw
release = data.release()
tree = data.areas(release)
country = tree.country(f.region)
area = tree.label(f.region, f.lang)
names = tree.names["bg" if f.lang == "bg" else "en"]
progs = data.query(release, "funding_programme_table")
snapshot = date(progs["snapshot"].max().date())

st.title(t("funding_title"))
st.caption(t("funding_intro", snapshot=snapshot))

st.header(t("funding_programmes_header"))
esf = progs[progs["fund"] == "ESF+"]
contracted, paid = esf["contracted_eur"].sum(), esf["paid_eur"].sum()
for col, key, value in zip(
    st.columns(3, border=True),
    ("funding_kpi_contracted", "funding_kpi_paid", "kpi_esf_absorption"),
    (money(contracted), money(paid), pct(paid / contracted * 100)),
):
    col.metric(t(key), value)
shown, raw = data.programme_tables(release, f.lang)
paged_table(shown, key="funding_programmes")
st.caption(t("funding_programmes_caption", snapshot=snapshot, contracts=num(esf["contract_count"].sum())))
download(raw, "esf_programmes.csv", "funding_programmes")

st.header(t("funding_planned_header"))
planned = data.query(release, "funding_planned_esf")
planned_shown, planned_raw = funding.planned_tables(planned, f.lang)
c1, c2 = st.columns(2, border=True)
c1.metric(t("funding_planned_kpi_eu"), money(planned["eu_planned_eur"].sum()))
c2.metric(t("funding_planned_kpi_total"), money(planned["total_planned_eur"].sum()))
paged_table(planned_shown, key="funding_planned")
st.caption(t("funding_planned_caption"))
download(planned_raw, "esif_2014_2020_planned_social_funds.csv", "funding_planned")

st.header(t("funding_region_header"))
st.info(t("funding_region_scope"), icon=":material/info:")
level = url_select(
    "level",
    t("funding_level"),
    funding.LEVELS,
    3,
    widget="radio",
    horizontal=True,
    format_func=lambda c, lang=f.lang: i18n.translate(lang, f"level_{c}"),
)
scope = dict(region=f.region, themes=f.themes, year_from=f.year_from, year_to=f.year_to)
every_level, by_theme, by_start_year, flows = data.query_all(
    release,
    ("funding_by_region", dict(country=country, year_to=f.year_to)),
    ("funding_demo_by_theme_fund", scope),
    ("funding_demo_by_start_year", scope),
    ("funding_demo_flows", dict(level=level, **scope)),
)
by_region = funding.at_level(every_level, level)
own = every_level.set_index("code").loc[f.region]
if by_region["population"].isna().all():
    st.info(t("funding_no_population", year=f.year_to))
else:
    pop_year = int(by_region["pop_year"].max())
    st.caption(
        t(
            "funding_area_line",
            area=md_escape(area),
            per_person=money(own["contracted_per_person"], compact=False),
            contracted=money(own["contracted_eur"]),
            paid=money(own["paid_eur"]),
            population=num(own["population"]),
            pop_year=int(own["pop_year"]),
        )
    )
    plot, table = funding.region_frames(by_region, f.lang)
    where = dict(level=t(f"level_{level}"), country=names[country], snapshot=snapshot, pop_year=pop_year)
    selected = tree.at_level(f.region, level)
    left, right = st.columns([3, 2])
    with left:
        area_map(
            plot,
            key="funding_map",
            title=t("funding_map_title", **where),
            value_label=t("unit_EUR_HAB"),
            lang=f.lang,
            selected=selected,
            table=table,
            file_name=f"eu_funds_per_person_level{level}.csv",
            decimals=0,
            higher_is_better=True,
        )
        districts = funding.at_level(every_level, 3)
        sofia = districts.loc[districts["code"] == funding.SOFIA_CITY, "contracted_eur"].sum()
        st.caption(
            t(
                "funding_region_caveat",
                snapshot=snapshot,
                pop_year=pop_year,
                sofia=md_escape(names.get(funding.SOFIA_CITY, funding.SOFIA_CITY)),
                share=pct(sofia / districts["contracted_eur"].sum() * 100),
            )
        )
    with right:
        chart_with_table(
            charts.ranking_bar(
                plot,
                title=t("funding_rank_title", **where),
                lang=f.lang,
                decimals=0,
                value_label=t("unit_EUR_HAB"),
                selected=selected,
            ),
            table,
            key="funding_rank",
            file_name=f"eu_funds_ranking_level{level}.csv",
        )

st.header(t("funding_demo_header"))
demo_badge()
period = dict(area=area, year_from=f.year_from, year_to=f.year_to)
st.caption(
    t(
        "funding_demo_caption",
        count=num(by_theme["projects"].sum()),
        themes=t(f"theme_{f.theme}"),
        **{**period, "area": md_escape(area)},
    )
)
top_n = url_select("top", t("funding_top"), funding.TOP_N_OPTIONS, 5, widget="radio", horizontal=True)
if by_theme.empty:
    st.info(t("funding_no_projects"))
else:
    left, right = st.columns(2)
    with left:
        plot, table = funding.theme_fund_frames(by_theme, f.lang)
        chart_with_table(
            funding.theme_fund_chart(
                plot, title=t("funding_theme_title", **period), lang=f.lang, value_label=t("unit_EUR")
            ),
            table,
            key="funding_theme",
            sources=["projects"],
            file_name="demo_projects_by_theme_fund.csv",
        )
    with right:
        plot, table = funding.start_year_frames(by_start_year, f.lang)
        chart_with_table(
            charts.bars(
                plot,
                x="year",
                y="value",
                colour="fund",
                title=t("funding_time_title", **period),
                lang=f.lang,
                value_label=t("unit_EUR"),
                horizontal=False,
            ),
            table,
            key="funding_time",
            sources=["projects"],
            file_name="demo_projects_by_start_year.csv",
        )
        st.caption(t("funding_time_caption"))
    links, table = funding.flow_frames(flows, names, top_n, f.lang)
    chart_with_table(
        charts.sankey(links, title=t("funding_sankey_title", **period), lang=f.lang),
        table,
        key="funding_sankey",
        sources=["projects", "funding_programmes"],
        file_name="demo_projects_flows.csv",
    )
    demo_badge()
    st.caption(t("funding_sankey_caption", n=top_n, level=t(f"level_{level}")))

source_footer(["funding_programmes", "funding_planned", "funding_municipalities", "observations", "projects"])
