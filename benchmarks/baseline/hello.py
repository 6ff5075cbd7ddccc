"""Control for the browser cold start: the smallest Streamlit app (what Streamlit + Chromium cost alone)."""

import streamlit as st

st.title("Hello")
