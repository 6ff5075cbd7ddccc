import plotly.express as px
import streamlit as st

from benchmarks.baseline.common import ancestors, at_level, filters, load, names, population, totals

region, year_from, year_to, theme = filters()
regions, obs, municipalities, indicators = (
    load("regions"),
    load("observations"),
    load("funding_municipalities"),
    load("indicators"),
)
label = names(regions)
country = ancestors(regions, region)[-1]
st.title("Need and funding by region")

nuts2 = regions[(regions["country_code"] == country) & (regions["level"] == 2)]
tot = totals(obs)
tot = tot[tot["region_code"].isin(nuts2["code"])]
usable = indicators[
    indicators["theme"].isin(["poverty_inclusion", "employment"])
    & indicators["code"].isin(tot["indicator_code"].unique())
]
indicator = st.selectbox("Need indicator", usable["code"].tolist(), key="p_need-vs-funding_indicator")
need = tot[(tot["indicator_code"] == indicator) & (tot["year"] >= year_from) & (tot["year"] <= year_to)]
if need.empty:
    st.info("No data in this period")
    st.stop()
year = need["year"].max()
need = need[need["year"] == year].set_index("region_code")["value"]
up = at_level(regions[regions["country_code"] == country], 2)
money = municipalities.assign(area=municipalities["region_code"].map(up)).groupby("area")["contracted_eur"].sum()
frame = need.rename("need").to_frame().join(money.rename("money")).join(population(obs, year_to).rename("pop"))
frame["funding"] = frame["money"] / frame["pop"]
frame = frame.reset_index().assign(name=lambda d: d["region_code"].map(label))
st.plotly_chart(px.scatter(frame, x="funding", y="need", text="name", title=f"{indicator} {year} vs EU funds"))
st.subheader("High need, low funding")
st.dataframe(frame[(frame["need"] > frame["need"].median()) & (frame["funding"] < frame["funding"].median())])
