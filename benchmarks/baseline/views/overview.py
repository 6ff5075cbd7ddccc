import plotly.express as px
import streamlit as st

from benchmarks.baseline.common import ancestors, descendants, filters, load, names, population, themes, totals

region, year_from, year_to, theme = filters()
regions, obs, projects = load("regions"), load("observations"), load("projects")
programmes, municipalities = load("funding_programmes"), load("funding_municipalities")
label = names(regions)
country = ancestors(regions, region)[-1]
st.title(f"Social inclusion in {label[region]}")

tot = totals(obs)
in_period = tot[(tot["year"] >= year_from) & (tot["year"] <= year_to)]


def latest(code, indicator):
    rows = in_period[(in_period["region_code"] == code) & (in_period["indicator_code"] == indicator)]
    return rows.sort_values("year").iloc[-1] if len(rows) else None


c1, c2, c3, c4, c5 = st.columns(5)
arope = next((row for code in ancestors(regions, region) if (row := latest(code, "AROPE")) is not None), None)
eu = latest("EU27_2020", "AROPE")
c1.metric(
    "At risk of poverty",
    f"{arope['value']:.1f} %" if arope is not None else "–",
    delta=f"{arope['value'] - eu['value']:+.1f} vs EU" if arope is not None and eu is not None else None,
)
pop = population(obs, year_to).get(region)
c2.metric("Population", f"{pop:,.0f}" if pop else "–")
inside = descendants(regions, region)
money = municipalities[municipalities["region_code"].isin(inside)]
c3.metric("EU funds per person", f"{money['contracted_eur'].sum() / pop:,.0f} €" if pop else "–")
esf = programmes[programmes["fund"] == "ESF+"]
c4.metric("ESF+ absorption", f"{esf['paid_eur'].sum() / esf['contracted_eur'].sum() * 100:.1f} %")
mine = projects[
    projects["region_code"].isin(inside)
    & projects["theme"].isin(themes(theme))
    & (projects["start_date"].dt.year <= year_to)
    & (projects["end_date"].dt.year >= year_from)
]
c5.metric("Projects (demo)", f"{len(mine):,}")

indicator = st.selectbox("Indicator", sorted(obs["indicator_code"].unique()), key="p_overview_indicator")
nuts2 = regions[(regions["level"] == 2) & (regions["country_code"] == country)]
values = in_period[(in_period["indicator_code"] == indicator) & in_period["region_code"].isin(nuts2["code"])]
left, right = st.columns(2)
if len(values):
    year = values["year"].max()
    shown = values[values["year"] == year].merge(regions, left_on="region_code", right_on="code")
    left.plotly_chart(px.bar(shown, x="name_en", y="value", title=f"{indicator}, NUTS 2, {year}"))
trend = in_period[
    (in_period["indicator_code"] == indicator) & in_period["region_code"].isin([region, country, "EU27_2020"])
]
right.plotly_chart(px.line(trend, x="year", y="value", color="region_code", title=f"{indicator} trend"))
st.dataframe(trend)
