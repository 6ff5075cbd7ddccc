"""Data and methods: the dataset catalogue from metadata, definitions, release history, how to cite."""

import datetime as dt

import pandas as pd
import streamlit as st

from si_metrics import i18n
from si_metrics.catalog import catalog
from ui import data
from ui.components import demo_badge, download, labelled, md_escape, paged_table, release_rows, source_footer
from ui.i18n import date, num, t
from ui.state import filters

f = filters()
release = data.release()
counts = data.row_counts(release)
st.title(t("nav_data"))
st.write(t("dm_intro", release=release))

st.header(t("dm_datasets"))
if f.lang != "en":  # the metadata sidecars describe each dataset once, in English (datasets/*.meta.toml)
    st.caption(t("dm_metadata_english"))
for meta in catalog().values():
    with st.expander(
        f"{meta.title.get(f.lang)} — {num(counts[meta.name])} {t('dm_rows')}",
        icon=(":material/science:" if meta.synthetic else ":material/table:"),
    ):
        if meta.synthetic:
            demo_badge()
        st.write(md_escape(meta.description))
        st.caption(
            f"{t('dm_grain')}: {md_escape(meta.grain)} · "
            f"{t('dm_key')}: {', '.join(f'`{k}`' for k in meta.primary_key)} · "  # column names: code
            f"{t('dm_file')}: datasets/{meta.name}.csv"
        )
        st.dataframe(labelled(pd.DataFrame([c.model_dump() for c in meta.columns])), hide_index=True)
        for src in meta.sources:
            st.markdown(
                f"- **{md_escape(i18n.source_text(src.producer, f.lang))}**: "
                + (f"[{md_escape(src.title)}]({src.url})" if src.url else md_escape(src.title))
                + f" — {t('footer_licence')}: {md_escape(i18n.source_text(src.licence, f.lang))}; "
                f"{t('footer_vintage')}: {md_escape(i18n.source_text(src.vintage, f.lang))}"
                + (f". {md_escape(src.notes)}" if src.notes else "")
            )
        for caveat in meta.caveats:
            st.caption(f"⚠ {md_escape(caveat)}")

st.header(t("dm_indicators"))
inds = data.query(release, "indicators_with_data").set_index("code")
catalogue = data.query(release, "indicator_catalogue")
catalogue = catalogue.assign(
    name=catalogue["name_bg" if f.lang == "bg" else "name_en"],
    definition=catalogue["definition_bg" if f.lang == "bg" else "definition_en"],
    notes=catalogue["notes_bg" if f.lang == "bg" else "notes_en"],
    years=catalogue["code"].map(
        lambda c: f"{inds.loc[c, 'first_year']}–{inds.loc[c, 'last_year']}" if c in inds.index else t("dm_no_data_yet")
    ),
)[["code", "name", "unit", "years", "eurostat", "definition", "notes"]]
st.dataframe(labelled(catalogue), hide_index=True)
download(catalogue, "indicators.csv", "dm_indicators")

st.header(t("dm_methods"))
st.markdown(t("dm_methods_text"))

st.header(t("dm_releases"))
st.caption(t("dm_releases_help"))
paged_table(release_rows(data.query(release, "release_history")), key="dm_releases", page_size=25)

st.header(t("dm_cite"))
# wrapped: a block that scrolls sideways cannot be reached by the keyboard (axe scrollable-region-focusable), nor
# read on a phone
st.code(
    t("dm_cite_text", year=dt.date.today().year, release=release, date=date(dt.date.today())),
    language=None,
    wrap_lines=True,
)
source_footer(list(catalog()))
