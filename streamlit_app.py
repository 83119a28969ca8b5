"""Gradient Explorer: router only."""

import streamlit as st

from explorer.app.limits import RUNS
from explorer.app.registry import HOME, PAGES, SECTIONS
from explorer.links import PRESENT, read_flag

st.set_page_config(
    page_title="Gradient Explorer",
    page_icon=":material/ssid_chart:",
    layout="wide",
    initial_sidebar_state="collapsed" if read_flag(st.query_params.get(PRESENT)) else "expanded",  # ?present=1
)

navigation = {"": [st.Page(HOME.path, title=HOME.title, icon=HOME.icon, default=True)]}
for section in SECTIONS:
    pages = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES if p.section == section]
    if pages:
        navigation[section] = pages

with RUNS.run():  # a few script runs at a time; the rest wait their turn (explorer/app/limits.py)
    st.navigation(navigation).run()
