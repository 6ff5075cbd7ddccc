"""Naive baseline: the same pages and filters as app.py, written the way most Streamlit apps start."""

import streamlit as st

from benchmarks.baseline.common import THEMES, load, names

st.set_page_config(page_title="SI Observatory (baseline)", layout="wide")

regions = load("regions")
obs = load("observations")
projects = load("projects")
label = names(regions)
codes = regions.loc[~regions["is_benchmark"], "code"].tolist()
first = int(min(obs["year"].min(), projects["start_date"].dt.year.min()))
last = int(max(obs["year"].max(), projects["end_date"].dt.year.max()))
with st.sidebar:
    st.selectbox(
        "Area",
        codes,
        index=codes.index("BG") if "BG" in codes else 0,
        key="f_region",
        format_func=lambda c: f"{label[c]} · {c}",
    )
    st.slider("Period", first, last, (first, last), key="f_period")
    st.selectbox("Theme", ["all", *THEMES], key="f_theme")

page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", url_path="overview", default=True),
        st.Page("views/poverty.py", title="Poverty and inclusion", url_path="poverty"),
        st.Page("views/funding.py", title="Funding", url_path="funding"),
        st.Page("views/projects.py", title="Projects", url_path="projects"),
        st.Page("views/regions.py", title="Regions", url_path="regions"),
        st.Page("views/need_vs_funding.py", title="Need vs funding", url_path="need-vs-funding"),
        st.Page("views/data.py", title="Data", url_path="data"),
    ]
)
page.run()
