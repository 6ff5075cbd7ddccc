"""Projects: find the (demo) social-innovation projects by place, theme, partnership and text; open one."""

import streamlit as st

from si_metrics import i18n, vocab
from si_metrics import projects as pj
from si_metrics.exporting import CHUNK_ROWS
from ui import data
from ui.components import (
    chart_with_table,
    charts_from,
    demo_badge,
    md_escape,
    paged_table,
    source_footer,
    streamed_download,
)
from ui.i18n import date, money, num, pct, t
from ui.state import filters, set_setting, setting, url_multi, url_select, url_text

f = filters()
charts_from(["projects"])  # the datasets this page's charts draw
release = data.release()
area = data.areas(release).label(f.region, f.lang)
progs = {
    r.programme_code: pj.programme_label(f.lang, r.programme_code, r.name_en, r.name_bg)
    for r in data.query(release, "projects_programmes").itertuples()
}

st.title(t("projects_title", area=area))
demo_badge()
st.caption(t("projects_intro"))

q = url_text("q", t("projects_search"), placeholder=t("projects_search_placeholder"), help=t("projects_search_help"))
words = pj.search_words(q)
if words:
    st.caption(t("projects_search_as", words=md_escape(" · ".join(words))))
c1, c2, c3, c4, c5 = st.columns([1, 1.4, 1.2, 1.2, 1])
any_ = dict(placeholder=t("projects_filter_any"))
statuses = url_multi(
    "status",
    t("projects_filter_status"),
    vocab.STATUSES,
    container=c1,
    **any_,
    format_func=lambda c, lang=f.lang: pj.label(lang, "status", c),
)
sectors = url_multi(
    "sector",
    t("projects_filter_sector"),
    vocab.SECTORS,
    container=c2,
    **any_,
    format_func=lambda c, lang=f.lang: pj.label(lang, "sector", c),
)
programmes = url_multi(
    "programme",
    t("projects_filter_programme"),
    list(progs),
    container=c3,
    **any_,
    format_func=lambda c, names=progs: names[c],
)
groups = url_multi(
    "group",
    t("projects_filter_group"),
    vocab.TARGET_GROUPS,
    container=c4,
    **any_,
    format_func=lambda c, lang=f.lang: pj.label(lang, "group", c),
)
cross = url_select(
    "cross",
    t("projects_filter_cross"),
    ("all", "only"),
    "all",
    widget="radio",
    container=c5,
    format_func=lambda c, lang=f.lang: i18n.translate(lang, f"projects_cross_{c}"),
)

params = dict(
    region=f.region,
    year_from=f.year_from,
    year_to=f.year_to,
    themes=f.themes,
    statuses=statuses,
    sectors=sectors,
    programmes=programmes,
    groups=groups,
    cross_only=cross == "only",
    words=words,
)
summary, rows = data.query_all(release, ("projects_summary", params), ("projects_list", params))
k = pj.headline(summary)
m1, m2, m3, m4 = st.columns([0.8, 1.6, 0.8, 1], border=True)  # room for "EUR 826.32 thousand"
m1.metric(t("projects_kpi_count"), num(k["projects"]))
m2.metric(t("projects_kpi_eu"), money(k["eu_contribution_eur"]))
m3.metric(t("projects_kpi_reached"), num(k["beneficiaries_reached"]))
m4.metric(t("projects_kpi_cross"), pct(k["cross_sector_share_pct"]) if k["projects"] else t("no_data"))
st.caption(t("projects_kpi_cross_caption", cross=num(k["cross_sector_projects"]), projects=num(k["projects"])))
st.caption(t("projects_period_note", year_from=f.year_from, year_to=f.year_to))
if k["starting_after_period"]:
    st.caption(t("projects_after_period", count=num(k["starting_after_period"]), year=f.year_to))

if k["projects"]:
    figures = pj.chart_frames(summary, f.lang, area, f.year_from, f.year_to)
    for col, (fig, table, key) in zip([st.container(), *st.columns(2)], figures):
        with col:
            demo_badge()
            chart_with_table(
                fig,
                table,
                key=f"projects_chart_{key}",
                file_name=f"projects_{key}_{f.region}_{f.year_from}-{f.year_to}.csv",
                sources=["projects"],
            )

st.header(t("projects_table_title"))
if rows.empty:
    st.info(t("projects_none"))
else:
    if k["projects"] > len(rows):  # the list stops at 2,000 rows; the summary counts them all
        st.caption(t("projects_table_capped", shown=num(len(rows)), matched=num(k["projects"])))
    st.caption(t("projects_table_hint"))
    config = {
        t("projects_col_title"): st.column_config.TextColumn(width="large"),
        t("projects_col_eu_eur"): st.column_config.NumberColumn(format="localized"),
        t("projects_col_reach_pct"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f%%"),
    }
    streamed_download(
        lambda: data.query_chunks("projects_export", CHUNK_ROWS, **params),
        f"projects_{f.region}_{f.year_from}-{f.year_to}.csv",
        "projects_export",
        label=t("projects_export"),
        help=t("projects_export_help", count=num(k["projects"])),
    )
    event, shown = paged_table(
        pj.table_view(rows, f.lang),
        key="projects_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config=config,
    )
    # only a new click opens a project: a selection kept while paging or filtering points at another row
    clicked = tuple(event.selection.rows)
    if clicked != st.session_state.get("_projects_clicked", ()):
        st.session_state["_projects_clicked"] = clicked
        if clicked:
            set_setting("project", shown.iloc[clicked[0], 0])

wanted = setting("project") or st.query_params.get("project") or ""
found = data.query(release, "projects_detail", project=wanted) if wanted else rows.head(0)
choices = pj.project_choices([rows, found], f.lang, none=t("projects_open_none"))  # the list + one from the link
project = url_select("project", t("projects_open"), list(choices), "", format_func=lambda c, ch=choices: ch[c])

if project:
    p = data.query(release, "projects_detail", project=project).iloc[0].to_dict()
    with st.container(border=True):
        st.subheader(md_escape(p[f"title_{f.lang}"]))
        demo_badge()
        if project not in set(rows["project_id"]):
            st.caption(t("projects_detail_outside"))
        d1, d2, d3, d4 = st.columns(4)
        d1.metric(t("projects_detail_budget"), money(p["budget_eur"], compact=False))
        d2.metric(t("projects_detail_eu"), money(p["eu_contribution_eur"], compact=False))
        reach = pj.reach_pct(p["beneficiaries_reached"], p["beneficiaries_target"])
        d3.metric(t("projects_detail_reach"), pct(reach, 0))
        d3.progress(
            min(1.0, (reach or 0) / 100),
            text=t(
                "projects_detail_reach_text",
                as_of=date(pj.AS_OF),
                reached=num(p["beneficiaries_reached"]),
                target=num(p["beneficiaries_target"]),
            ),
        )
        cost = pj.cost_per_beneficiary(p["budget_eur"], p["beneficiaries_reached"])
        d4.metric(
            t("projects_detail_cost"),
            money(cost, compact=False) if cost is not None else t("projects_not_yet"),
            help=t("projects_detail_cost_help"),
        )
        if cost is None:
            d4.caption(t("projects_not_yet_caption"))
        fields = pj.detail_fields(p, f.lang)
        st.dataframe(
            fields,
            hide_index=True,
            height=35 * (len(fields) + 1) + 3,  # every field, no scrolling
            column_config={
                fields.columns[0]: st.column_config.TextColumn(width="medium"),
                fields.columns[1]: st.column_config.TextColumn(width="large"),
            },
        )

source_footer(["projects", "funding_programmes", "regions"])
