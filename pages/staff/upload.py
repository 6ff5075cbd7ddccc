"""Publish data (staff only): upload, check row by row, preview the change, publish; history and roll-back."""

import pandas as pd
import streamlit as st

from si_metrics import releases
from si_metrics.exporting import template_zip
from si_metrics.ingest import nsi, pipeline, template
from si_metrics.ingest.reading import DATASETS, FORMATS, ReadOptions
from ui import auth, data
from ui.components import (
    dataset_title,
    download,
    labelled,
    md_escape,
    paged_table,
    problem_counts,
    problems_table,
    release_rows,
    source_footer,
)
from ui.i18n import date, lang, num, t

PREPARED = "upload_prepared"
DONE = "upload_done"  # what the last publish or rollback did, shown on the fresh run that follows it
CHANGES_SHOWN = 1000  # rows of one release listed on the page (the command line lists all with --limit 0)


def finished(message: str, icon: str) -> None:
    """After a publish or rollback: say so on a fresh run, so every table below (history, pickers, counts) and
    every cached figure are read at the new release. Cached results are keyed by the latest release, so nothing
    needs clearing: the rerun alone asks for the new keys."""
    st.session_state[DONE] = (message, icon)
    st.rerun()


def release_option(row: pd.Series) -> str:
    """How a release reads in a picker: number, date, who, dataset, counts and note."""
    return t(
        "upload_release_option",
        release=int(row["id"]),
        date=date(pd.Timestamp(row["published_at"]).date()),
        user=row["user_name"],
        dataset=dataset_title(row["dataset"]),
        added=num(row["rows_added"]),
        changed=num(row["rows_changed"]),
        removed=num(row["rows_removed"]),
        note=(str(row["note"])[:60] + "…")
        if isinstance(row["note"], str) and len(row["note"]) > 60
        else row["note"] or "–",
    )


st.title(t("upload_title"))
st.write(t("upload_intro"))
user = auth.staff_user()
if user is None:
    auth.sign_in_panel()
    source_footer([])
    st.stop()

left, right = st.columns([3, 1])
left.success(t("upload_signed_in", user=user), icon=":material/verified_user:")
with right:
    auth.sign_out_button()
con = data.connection()
if done := st.session_state.pop(DONE, None):
    st.success(done[0], icon=done[1])

with st.expander(t("upload_template"), icon=":material/description:"):
    st.caption(t("upload_template_help"))
    kind = st.selectbox(
        t("upload_template_dataset"),
        list(template.TEMPLATES),
        key="upload_template_kind",
        format_func={k: t(f"upload_template_{k}") for k in template.TEMPLATES}.get,  # bound to this run's language
    )
    st.download_button(
        t("upload_template_download"),
        lambda: template_zip(kind),
        file_name=f"{kind}_template.zip",
        mime="application/zip",
        key="upload_template_zip",
        icon=":material/download:",
        on_click="ignore",
    )

# the reading options by name, never by internal code (bound to this run's language: AppTest formats outside a run)
names = {
    "auto": t("upload_auto"),
    "tab": t("upload_delimiter_tab"),
    **{d: t(f"upload_dataset_{d}") for d in DATASETS},
    **{f: t(f"upload_format_{f}") for f in FORMATS if f != "auto"},
}
named = lambda code, n=names: n.get(code, code)  # noqa: E731
with st.expander(t("upload_options"), icon=":material/tune:"):
    c = st.columns(5)
    options = ReadOptions(
        dataset=(c[0].selectbox(t("upload_dataset"), ("auto", *DATASETS), format_func=named) or "auto").replace(
            "auto", ""
        )
        or None,
        format=c[1].selectbox(t("upload_format"), FORMATS, format_func=named),
        encoding={"auto": None}.get(
            enc := c[2].selectbox(t("upload_encoding"), ("auto", "utf-8", "cp1251"), format_func=named), enc
        ),
        delimiter={"auto": None}.get(
            sep := c[3].selectbox(t("upload_delimiter"), ("auto", ",", ";", "tab"), format_func=named), sep
        ),
        decimal={"auto": None}.get(
            dec := c[4].selectbox(t("upload_decimal"), ("auto", ".", ","), format_func=named), dec
        ),
        snapshot=(
            day.isoformat()
            if (day := st.date_input(t("upload_snapshot"), value=None, help=t("upload_snapshot_help")))
            else None
        ),
        indicator=(
            None
            if (
                code := st.selectbox(
                    t("upload_indicator"),
                    ("auto", *data.indicator_codes(data.release())),
                    help=t("upload_indicator_help"),
                    format_func=named,
                )
            )
            == "auto"
            else code
        ),
        filter=tuple(
            tuple(part.split("=", 1))
            for part in st.text_input(t("upload_filter"), help=t("upload_filter_help")).replace(",", ";").split(";")
            if "=" in part
        ),
    )
uploads = st.file_uploader(
    t("upload_file"),
    type=["csv", "tsv", "txt", "gz", "zip"],
    key="upload_file",
    help=t("upload_file_help"),
    accept_multiple_files=True,
)
if uploads:
    files = {u.name: u.getvalue() for u in uploads}
    parts = nsi.split_parts(files) if len(files) > 1 else None
    # several files that are not one NSI table: the newest is read (a corrected file dropped on the old one)
    name, content, companions = parts or (uploads[-1].name, files[uploads[-1].name], None)
    if parts is None and len(files) > 1:
        others = ", ".join(md_escape(n) for n in files if n != name)
        st.info(t("upload_several_files", file=md_escape(name), others=others), icon=":material/info:")
    key = (tuple(sorted((n, len(b)) for n, b in files.items())), options)
    if st.session_state.get(PREPARED, (None,))[0] != key:  # read and check once per file and options
        st.session_state[PREPARED] = (key, pipeline.prepare(con, content, name, options, companions))
    prepared = st.session_state[PREPARED][1]
    d = prepared.detected
    st.header(t("upload_detected"))
    st.caption(
        t(
            "upload_detected_line",
            # English: the reader's own label (it names the NSI table or the ИСУН extract); else the catalogue's name
            format=(d.format_label if lang() == "en" else None) or names.get(d.format or "", d.format or "?"),
            encoding=d.encoding or "?",
            delimiter=d.delimiter or "?",
            decimal=d.decimal or "?",
            dataset=dataset_title(d.dataset) if d.dataset else "?",
            rows=num(prepared.rows_read),
            size=num(prepared.size_bytes),
        )
    )
    if d.mapping:
        st.dataframe(labelled(pd.DataFrame(d.mapping)), hide_index=True)
    for reason, count in prepared.skipped.items():
        st.caption(t("upload_skipped", count=num(count), reason=md_escape(reason)))
    if len(prepared.errors):
        st.error(t("upload_errors", count=num(len(prepared.errors))), icon=":material/error:")
        problem_counts(prepared.errors)
        problems_table(prepared.shown_errors())
        st.download_button(
            t("upload_report"),
            prepared.report_csv(),
            file_name=f"{name}.problems.csv",
            mime="text/csv",
            icon=":material/download:",
        )
    if len(prepared.warnings):
        st.warning(t("upload_warnings", count=num(len(prepared.warnings))), icon=":material/warning:")
        problems_table(prepared.warnings.head(200))
    if prepared.ok and prepared.diff is not None:
        st.header(t("upload_diff"))
        m = st.columns(3)
        m[0].metric(t("upload_new"), num(prepared.diff.new))
        m[1].metric(t("upload_changed"), num(prepared.diff.changed))
        m[2].metric(t("upload_unchanged"), num(prepared.diff.unchanged))
        paged_table(release_rows(prepared.diff.preview), key="upload_preview", page_size=25)
        with st.form("publish"):
            note = st.text_input(t("upload_note"), max_chars=500)
            sure = st.checkbox(t("upload_confirm"))
            if st.form_submit_button(
                t("upload_publish"), type="primary", disabled=not (prepared.diff.new or prepared.diff.changed)
            ):
                if not (note.strip() and sure):
                    st.error(t("upload_need_note"))
                else:
                    try:
                        rel = pipeline.publish(con, prepared, user=user, note=note.strip())
                    except Exception as exc:  # nothing was written: the publish is one transaction
                        st.error(t("upload_failed", detail=md_escape(exc)))
                    else:
                        st.session_state.pop(PREPARED, None)
                        finished(
                            t(
                                "upload_published",
                                release=rel.id,
                                added=num(rel.rows_added),
                                changed=num(rel.rows_changed),
                            ),
                            ":material/check_circle:",
                        )

st.header(t("upload_history"))
history = data.query(data.release(), "release_history")
paged_table(release_rows(history), key="upload_history", page_size=20)
download(history, "releases.csv", "upload_history")
options = {int(r["id"]): release_option(r) for _, r in history.iterrows()}
listed = history.loc[history["dataset"] != "boundaries", "id"].astype(int).tolist()
if shown := st.selectbox(t("upload_changes_pick"), listed, key="upload_changes", format_func=options.get):
    changes = data.release_changes(data.release(), shown, CHANGES_SHOWN)
    r = changes.release
    st.caption(
        t(
            "upload_changes_summary",
            release=shown,
            dataset=dataset_title(r["dataset"]),
            added=num(r["rows_added"]),
            changed=num(r["rows_changed"]),
            removed=num(r["rows_removed"]),
            unchanged=num(r["rows_unchanged"]),
            shown=num(len(changes.rows)),
            total=num(changes.total),
        )
    )
    paged_table(release_rows(changes.rows), key="upload_changes_rows", page_size=25)
with st.form("rollback"):
    target = st.selectbox(
        t("upload_rollback_pick"),
        [int(r) for r in history.loc[history["kind"] != "initial", "id"]],
        format_func=options.get,
    )
    note = st.text_input(t("upload_note"), max_chars=500, key="rollback_note")
    sure = st.checkbox(t("upload_rollback_confirm"))
    if st.form_submit_button(t("upload_rollback")) and target is not None:
        if not (note.strip() and sure):
            st.error(t("upload_need_note"))
        else:
            try:
                rel = releases.rollback(con, target, user=user, note=note.strip())
            except Exception as exc:
                st.error(t("upload_failed", detail=md_escape(exc)))
            else:
                finished(t("upload_rolled_back", release=rel.id, target=target), ":material/undo:")
source_footer([])
