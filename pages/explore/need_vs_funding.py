"""Being built."""
import streamlit as st

st.info("…")
