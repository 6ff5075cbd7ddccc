import plotly.express as px
import streamlit as st

from benchmarks.baseline.common import descendants, filters, load, names, themes

region, year_from, year_to, theme = filters()
regions, projects = load("regions"), load("projects")
label = names(regions)
st.title(f"Social-innovation projects in {label[region]}")

query = st.text_input("Search", key="p_projects_q")
c1, c2 = st.columns(2)
statuses = c1.multiselect("Status", ["planned", "ongoing", "completed", "cancelled"], key="p_projects_status")
sectors = c2.multiselect("Lead sector", ["private", "public", "social"], key="p_projects_sector")
mine = projects[
    projects["region_code"].isin(descendants(regions, region))
    & projects["theme"].isin(themes(theme))
    & (projects["start_date"].dt.year <= year_to)
    & (projects["end_date"].dt.year >= year_from)
]
if statuses:
    mine = mine[mine["status"].isin(statuses)]
if sectors:
    mine = mine[mine["lead_sector"].isin(sectors)]
if query:
    mine = mine[
        mine["title_en"].str.contains(query, case=False, regex=False)
        | mine["title_bg"].str.contains(query, case=False, regex=False)
        | mine["lead_org"].str.contains(query, case=False, regex=False)
    ]
k1, k2, k3 = st.columns(3)
k1.metric("Projects", f"{len(mine):,}")
k2.metric("EU contribution", f"{mine['eu_contribution_eur'].sum():,.0f} €")
k3.metric("People reached", f"{mine['beneficiaries_reached'].sum():,}")
left, right = st.columns(2)
left.plotly_chart(px.histogram(mine, x="theme", color="status", title="Projects by theme and status"))
right.plotly_chart(px.histogram(mine, x="lead_sector", title="Projects by lead sector"))
st.dataframe(mine)
