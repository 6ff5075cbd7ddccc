"""SI Observatory: router and frame (page config, navigation, shared filters kept in the URL)."""
import streamlit as st

from si_metrics.store import StoreError
from ui.components import md_escape
from ui.i18n import t
from ui.state import sidebar_filters

st.set_page_config(page_title="SI Observatory", page_icon="assets/favicon.png", layout="wide")

try:
    sidebar_filters()
except StoreError as exc:  # locked by another process, not built, or built for another catalogue
    st.error(t("store_unavailable", detail=md_escape(exc)), icon=":material/database:")
    st.stop()

pages = {
    t("nav_section_explore"): [
        st.Page("pages/home.py", title=t("nav_home"), icon=":material/dashboard:", url_path="overview", default=True),
    ],
}
st.navigation(pages, position="sidebar").run()
