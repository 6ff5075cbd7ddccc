import streamlit as st

from benchmarks.baseline.common import load

st.title("Data")
for name in [
    "regions",
    "indicators",
    "observations",
    "projects",
    "funding_programmes",
    "funding_municipalities",
    "targets",
    "indicator_eurostat",
]:
    frame = load(name)
    with st.expander(f"{name} — {len(frame):,} rows"):
        st.dataframe(frame.head(100))
st.subheader("Indicators")
st.dataframe(load("indicators"))
