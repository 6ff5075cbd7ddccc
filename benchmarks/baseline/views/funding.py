import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from benchmarks.baseline.common import ancestors, at_level, descendants, filters, load, names, population, themes

region, year_from, year_to, theme = filters()
regions, obs, projects = load("regions"), load("observations"), load("projects")
programmes, municipalities = load("funding_programmes"), load("funding_municipalities")
label = names(regions)
country = ancestors(regions, region)[-1]
st.title("EU funding")

st.subheader("ESF+ programmes")
st.dataframe(programmes)
esf = programmes[programmes["fund"] == "ESF+"]
c1, c2 = st.columns(2)
c1.metric("Contracted", f"{esf['contracted_eur'].sum():,.0f} €")
c2.metric("Paid", f"{esf['paid_eur'].sum():,.0f} €")

st.subheader("EU funds per person")
level = st.radio("Level", [1, 2, 3], index=2, horizontal=True, key="p_funding_level")
up = at_level(regions[regions["country_code"] == country], level)
money = (
    municipalities.assign(area=municipalities["region_code"].map(up))
    .groupby("area")[["contracted_eur", "paid_eur"]]
    .sum()
)
money["population"] = population(obs, year_to).reindex(money.index)
money["per_person"] = money["contracted_eur"] / money["population"]
money = money.reset_index().assign(name=lambda d: d["area"].map(label)).sort_values("per_person")
st.plotly_chart(px.bar(money, x="per_person", y="name", orientation="h", title="EU funds per person"))
st.dataframe(money)

st.subheader("Demo projects")
inside = descendants(regions, region)
mine = projects[
    projects["region_code"].isin(inside)
    & projects["theme"].isin(themes(theme))
    & (projects["status"] != "cancelled")
    & (projects["start_date"].dt.year <= year_to)
    & (projects["end_date"].dt.year >= year_from)
]
left, right = st.columns(2)
left.plotly_chart(
    px.histogram(
        mine,
        x="theme",
        y="eu_contribution_eur",
        color="fund",
        histfunc="sum",
        title="EU contribution by theme and fund",
    )
)
started = mine[mine["eu_contribution_eur"] > 0]
right.plotly_chart(
    px.histogram(
        started,
        x=started["start_date"].dt.year,
        y="eu_contribution_eur",
        color="fund",
        histfunc="sum",
        title="EU contribution by start year",
    )
)
flows = started.groupby(["fund", "programme_code", "theme"], as_index=False)["eu_contribution_eur"].sum()
nodes = list(dict.fromkeys([*flows["fund"], *flows["programme_code"], *flows["theme"]]))
index = {n: i for i, n in enumerate(nodes)}
links = [
    (index[a], index[b], v) for a, b, v in zip(flows["fund"], flows["programme_code"], flows["eu_contribution_eur"])
]
links += [
    (index[a], index[b], v) for a, b, v in zip(flows["programme_code"], flows["theme"], flows["eu_contribution_eur"])
]
st.plotly_chart(
    go.Figure(
        go.Sankey(
            node=dict(label=nodes),
            link=dict(source=[s for s, _, _ in links], target=[t for _, t, _ in links], value=[v for _, _, v in links]),
        )
    )
)
