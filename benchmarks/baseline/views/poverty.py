import plotly.express as px
import streamlit as st

from benchmarks.baseline.common import ancestors, filters, load, names, totals

region, year_from, year_to, theme = filters()
regions, obs = load("regions"), load("observations")
label = names(regions)
country = ancestors(regions, region)[-1]
st.title("Poverty and inclusion")

indicator = st.selectbox("Indicator", sorted(obs["indicator_code"].unique()), key="p_poverty_indicator")
level = st.radio("Level", [2, 3], horizontal=True, key="p_poverty_level")
data = totals(obs)
data = data[data["indicator_code"] == indicator].merge(regions, left_on="region_code", right_on="code")
data = data[
    (data["country_code"] == country)
    & (data["level"] == level)
    & (data["year"] >= year_from)
    & (data["year"] <= year_to)
]
years = sorted(data["year"].unique(), reverse=True)
if not years:
    st.warning("No data for this period")
    st.stop()
year = st.selectbox("Year", years, key="p_poverty_year")
one = data[data["year"] == year].sort_values("value")
left, right = st.columns(2)
left.plotly_chart(px.bar(one, x="value", y="name_en", orientation="h", title=f"{indicator} {year}"))
right.plotly_chart(px.line(data, x="year", y="value", color="name_en", title=f"{indicator} by area"))
breakdown = obs[
    (obs["indicator_code"] == indicator)
    & (obs["region_code"] == region)
    & (obs["year"] == year)
    & ~((obs["sex"] == "T") & (obs["age"] == "TOTAL"))
]
if len(breakdown):
    st.plotly_chart(
        px.bar(
            breakdown,
            x="age",
            y="value",
            color="sex",
            barmode="group",
            title=f"{indicator} in {label[region]} by sex and age, {year}",
        )
    )
st.dataframe(data)
