import plotly.express as px
import streamlit as st

from benchmarks.baseline.common import ancestors, descendants, filters, load, names, population, themes, totals

region, year_from, year_to, theme = filters()
regions, obs, projects = load("regions"), load("observations"), load("projects")
municipalities, indicators = load("funding_municipalities"), load("indicators")
label = names(regions)
country = ancestors(regions, region)[-1]
st.title(f"Region profile: {label[region]}")

tot = totals(obs)
in_period = tot[(tot["year"] >= year_from) & (tot["year"] <= year_to)].merge(
    regions[["code", "level", "country_code"]], left_on="region_code", right_on="code"
)
latest = in_period.sort_values("year").groupby(["region_code", "indicator_code"], as_index=False).last()
latest["rank"] = latest.groupby(["indicator_code", "level", "country_code"])["value"].rank(ascending=False)
profile = (
    latest[latest["region_code"] == region]
    .merge(
        latest[latest["region_code"] == country][["indicator_code", "value"]],
        on="indicator_code",
        suffixes=("", "_country"),
        how="left",
    )
    .merge(indicators, left_on="indicator_code", right_on="code")
)
st.dataframe(profile[["indicator_code", "name_en", "year", "value", "value_country", "rank"]])

c1, c2 = st.columns(2)
indicator = c1.selectbox("Indicator", sorted(obs["indicator_code"].unique()), key="p_regions_indicator")
level = c2.radio("Map level", [2, 3], horizontal=True, key="p_regions_level")
left, right = st.columns(2)
trend = in_period[
    (in_period["indicator_code"] == indicator) & in_period["region_code"].isin([region, country, "EU27_2020"])
]
left.plotly_chart(px.line(trend, x="year", y="value", color="region_code", title=f"{indicator} trend"))
peers = in_period[
    (in_period["indicator_code"] == indicator) & (in_period["country_code"] == country) & (in_period["level"] == level)
]
if len(peers):
    peers = peers[peers["year"] == peers["year"].max()].assign(name=lambda d: d["region_code"].map(label))
    right.plotly_chart(
        px.bar(peers.sort_values("value"), x="value", y="name", orientation="h", title=f"{indicator} by area")
    )

st.subheader("EU funds")
pop = population(obs, year_to)
for code in dict.fromkeys([region, country]):
    money = municipalities[municipalities["region_code"].isin(descendants(regions, code))]["contracted_eur"].sum()
    st.metric(f"EU funds per person, {label[code]}", f"{money / pop[code]:,.0f} €" if code in pop else "–")

st.subheader("Demo projects")
mine = projects[
    projects["region_code"].isin(descendants(regions, region))
    & projects["theme"].isin(themes(theme))
    & (projects["start_date"].dt.year <= year_to)
    & (projects["end_date"].dt.year >= year_from)
]
st.metric("Projects", f"{len(mine):,}")
st.plotly_chart(px.histogram(mine, x="theme", title="Projects by theme"))
compare = st.multiselect("Compare with", regions["code"].tolist(), max_selections=4, key="p_regions_compare")
if compare:
    st.dataframe(latest[latest["region_code"].isin(compare)])
