"""SI Observatory: router and frame (page config, navigation, shared filters kept in the URL)."""

import streamlit as st

from si_metrics.store import StoreError
from ui import data
from ui.components import md_escape
from ui.frame import frame
from ui.i18n import lang, t
from ui.state import finish_url, set_page, sidebar_filters

st.set_page_config(page_title="SI Observatory", page_icon="assets/favicon.png", layout="wide")

notices = st.empty()  # filled after the page ran, with any link settings that were ignored
try:
    sidebar_filters()
except StoreError as exc:  # locked by another process, not built, or built for another catalogue
    st.error(t("store_unavailable", detail=md_escape(exc)), icon=":material/database:")
    st.stop()
frame(lang())

PAGES = {
    "nav_section_explore": [
        ("pages/explore/overview.py", "nav_home", ":material/dashboard:", "overview"),
        ("pages/explore/poverty.py", "nav_poverty", ":material/trending_down:", "poverty"),
        ("pages/explore/funding.py", "nav_funding", ":material/euro:", "funding"),
        ("pages/explore/projects.py", "nav_projects", ":material/diversity_3:", "projects"),
        ("pages/explore/regions.py", "nav_regions", ":material/location_on:", "regions"),
        ("pages/explore/need_vs_funding.py", "nav_need", ":material/balance:", "need-vs-funding"),
    ],
    "nav_section_about": [
        ("pages/about/data_methods.py", "nav_data", ":material/menu_book:", "data"),
    ],
    "nav_section_staff": [
        ("pages/staff/upload.py", "nav_upload", ":material/upload_file:", "upload"),
    ],
}
page = st.navigation(
    {
        t(section): [
            st.Page(path, title=t(title), icon=icon, url_path=url, default=(url == "overview"))
            for path, title, icon, url in entries
        ]
        for section, entries in PAGES.items()
    },
    position="sidebar",
)
# the window title names the page first, in the chosen language (st.navigation's own title would be replaced by the
# app-wide one set above)
st.set_page_config(page_title=f"{page.title} · SI Observatory")
set_page(page.url_path)
page.run()
finish_url(notices)
data.settle()
