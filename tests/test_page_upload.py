"""Publishing is for signed-in staff only: the page is visible, the uploader is not, unless staff signed in."""

from __future__ import annotations

import pytest

from helpers import open_page, show_tables
from si_metrics import auth, store

PAGE = "pages/staff/upload.py"


@pytest.fixture(autouse=True)
def sign_in_clock(con, monkeypatch, tmp_path):
    """The sign-in clock of the app under test, moved by writing seconds to the file; the failures a test leaves in
    the session's store (they outlast the test, as they outlast a reload) are cleared after it."""
    clock = tmp_path / "clock"
    clock.write_text("0")
    monkeypatch.setenv(auth.TEST_CLOCK, str(clock))
    yield clock
    store.clear_sign_in_failures(con, ["account:maria", "client:local"])


def uploaders(at) -> int:
    return len(at.get("file_uploader"))


def test_nothing_configured_means_web_publishing_is_off(con, monkeypatch):
    monkeypatch.delenv("SI_STAFF_ACCOUNTS", raising=False)
    at = open_page(PAGE)
    assert uploaders(at) == 0
    assert at.info[0].value.startswith("Web publishing is off")
    assert at.title[0].value == "Publish data"


def test_a_staff_account_signs_in_and_sees_the_uploader(con, monkeypatch, sign_in_clock):
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:" + auth.hash_password("s3cret-Pass"))
    at = open_page(PAGE)
    assert uploaders(at) == 0  # signed out
    at.text_input[0].input("maria")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    errors = [e.value for e in at.error]
    assert uploaders(at) == 0 and errors == [
        "The user name or password is not right.",
        "Wait 1 s before the next attempt.",
    ]
    sign_in_clock.write_text("2")
    at.text_input[1].input("s3cret-Pass")
    at.button[0].click().run()
    assert uploaders(at) == 1
    assert at.success[0].value.startswith("Signed in as maria.")


def test_repeated_failures_lock_sign_in_even_in_a_new_session(con, monkeypatch, sign_in_clock):
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:" + auth.hash_password("s3cret-Pass"))
    at = open_page(PAGE)
    for n in range(5):  # a minute apart: each short wait (1-8 s) has passed
        sign_in_clock.write_text(str(60 * n))
        at.text_input[0].input("maria")
        at.text_input[1].input("guess")
        at.button[0].click().run()
    assert at.error[1].value == (
        "Too many failed attempts for this name or from this address: sign-in is locked. "
        "Try again in 15 min, or ask the administrator."
    )
    again = open_page(PAGE)  # a reload is a new session; the right password is refused all the same
    again.text_input[0].input("maria")
    again.text_input[1].input("s3cret-Pass")
    again.button[0].click().run()
    assert uploaders(again) == 0 and again.error[0].value.startswith("Too many failed attempts")


def _oidc(at, email: str | None) -> None:
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    at.secrets["staff"] = {"emails": ["staff@centre.bg"]}
    at.user = {"is_logged_in": email is not None, **({"email": email} if email else {})}


def test_oidc_staff_member_sees_the_uploader_and_others_do_not(con):
    from streamlit.testing.v1 import AppTest

    from helpers import ROOT

    results = {}
    for email in ("staff@centre.bg", "visitor@example.com", None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        _oidc(at, email)
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception
        results[email] = uploaders(at)
        if email == "visitor@example.com":
            assert "not on the staff list" in at.warning[0].value
    assert results == {"staff@centre.bg": 1, "visitor@example.com": 0, None: 0}


BAD = b"indicator_code,region_code,year,value\nUNEMP,BG32,2025,4.4\nUNEMP,XX99,2025,abc\n"
GOOD = b"indicator_code,region_code,year,value\nUNEMP,BG32,2025,4.4\n"


def _signed_in(monkeypatch, **params: str):
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:" + auth.hash_password("s3cret-Pass"))
    at = open_page(PAGE, **params)
    at.text_input[0].input("maria")
    at.text_input[1].input("s3cret-Pass")
    at.button[0].click().run()
    return at


def _upload(at, name: str, content: bytes):
    at.get("file_uploader")[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_whole_flow_errors_fix_preview_publish_and_roll_back(con, monkeypatch):
    from si_metrics import store

    before = store.current(con, "observations")
    at = _upload(_signed_in(monkeypatch), "unemployment.csv", BAD)
    assert (
        at.error[0].value == "2 problem(s) must be fixed before this file can be published. Nothing has been changed."
    )
    problems = at.dataframe[1].value
    assert problems[["Line", "Column", "Value"]].values.tolist() == [[3, "region_code", "XX99"], [3, "value", "abc"]]
    assert store.current(con, "observations").equals(before)

    at = _upload(at, "unemployment.csv", GOOD)
    assert [m.value for m in at.metric[:3]] == ["1", "0", "0"]  # new, changed, unchanged
    note = next(ti for ti in at.text_input if ti.label.startswith("Note for the release"))
    note.input("LFS 2025, BG32")
    next(cb for cb in at.checkbox if cb.label.startswith("I have checked")).check()
    next(b for b in at.button if b.label == "Publish").click().run()
    published = next(s.value for s in at.success if s.value.startswith("Published as release"))
    release = int(published.split()[3].rstrip(":"))
    row = store.current(con, "observations").query(
        "indicator_code == 'UNEMP' and region_code == 'BG32' and year == 2025"
    )
    assert row["value"].tolist() == [4.4]
    history = store.release_history(con)
    assert history.iloc[-1][["id", "user_name", "note", "file_name", "rows_added"]].tolist() == [
        release,
        "maria",
        "LFS 2025, BG32",
        "unemployment.csv",
        1,
    ]

    poverty = open_page("pages/explore/poverty.py", indicator="UNEMP", year="2025", region="BG")
    assert (
        show_tables(poverty).dataframe[0].value.set_index("Code").loc["BG32"].iloc[1] == 4.4
    )  # the explorer shows it at once

    at.run()
    rollback = next(sb for sb in at.selectbox if sb.label == "Release to undo")
    rollback.set_value(release)
    next(ti for ti in at.text_input if ti.label.startswith("Note for the release") and ti.key == "rollback_note").input(
        "wrong file"
    )
    next(cb for cb in at.checkbox if cb.label.startswith("I want to restore")).check()
    next(b for b in at.button if b.label == "Roll back").click().run()
    assert any(s.value.endswith(f"as they were before release {release}.") for s in at.success)
    assert store.current(con, "observations").equals(before)


def test_the_history_shows_each_release_with_its_counts_and_rows(con, monkeypatch):
    from si_metrics import releases, store
    from si_metrics.ingest import pipeline

    text = b"indicator_code,region_code,year,value\nUNEMP,BG33,2025,5.5\nUNEMP,BG34,2024,6.1\n"
    prepared = pipeline.prepare(con, text, "history.csv")
    rel = pipeline.publish(con, prepared, user="maria", note="history test")
    try:
        at = _signed_in(monkeypatch)
        history = next(d.value for d in at.dataframe if "Added" in d.value.columns)
        newest = history.iloc[0]
        assert newest[["Release", "By", "File", "Added", "Changed", "Removed", "Unchanged"]].tolist() == [
            rel.id,
            "maria",
            "history.csv",
            1,
            1,
            0,
            0,
        ]
        assert next(sb for sb in at.selectbox if sb.label == "Show what a release changed").value == rel.id
        assert (
            f"Release {rel.id} (Indicator observations): 1 new, 1 changed, 0 removed, 0 unchanged. 2 of 2 rows listed, "
            "changed ones first."
        ) in [c.value for c in at.caption]
        rows = next(d.value for d in at.dataframe if "Old → new" in d.value.columns)
        assert rows[["Change", "Area code", "Year"]].values.tolist() == [
            ["changed", "BG34", 2024],
            ["new", "BG33", 2025],
        ]
        assert rows["Old → new"].iloc[0].startswith("value: 4.9 → 6.1; flag: b → (empty); source: Eurostat tgs00010")
        assert rows["Old → new"].iloc[1].startswith("value: 5.5; source: Upload: history.csv")
    finally:
        releases.rollback(con, rel.id, user="maria", note="undo the history test")
    left = store.current(con, "observations").query("indicator_code == 'UNEMP' and region_code == 'BG33'")
    assert left[left["year"] == 2025].empty


def test_an_isun_funding_extract_is_checked_previewed_and_published(con, monkeypatch):
    import datetime as dt

    from helpers import REFERENCE
    from si_metrics import releases, store

    before = store.current(con, "funding_programmes")
    at = _signed_in(monkeypatch)
    next(sb for sb in at.selectbox if sb.label == "Dataset").set_value("funding")
    next(di for di in at.date_input if di.label == "Snapshot date (funding)").set_value(dt.date(2026, 9, 30))
    at = _upload(at, "isun_programme_totals.csv", (REFERENCE / "isun_programme_totals.csv").read_bytes())
    assert any(
        c.value.startswith("Format: ИСУН programme totals extract")
        and "dataset: ESF+ programmes: contracted and paid (ISUN 2020)" in c.value
        for c in at.caption
    )
    assert not at.error
    assert [m.value for m in at.metric[:3]] == ["4", "0", "0"]  # a new snapshot: four new programme rows
    next(ti for ti in at.text_input if ti.label.startswith("Note for the release")).input("ISUN 2026-09-30")
    next(cb for cb in at.checkbox if cb.label.startswith("I have checked")).check()
    next(b for b in at.button if b.label == "Publish").click().run()
    published = next(s.value for s in at.success if s.value.startswith("Published as release"))
    release = int(published.split()[3].rstrip(":"))
    try:
        now = store.current(con, "funding_programmes")
        assert len(now) == len(before) + 4
        new = now[now["snapshot"].astype(str) == "2026-09-30"].set_index("programme_code")
        assert new.loc["2021BG05SFPR003", ["name_en", "fund", "contracted_eur", "contract_count"]].tolist() == [
            "Food and Basic Material Assistance 2021-2027",
            "ESF+",
            245861912.25,
            251,
        ]
    finally:
        releases.rollback(con, release, user="maria", note="undo the funding test")
    assert store.current(con, "funding_programmes").equals(before)


def test_an_nsi_table_uploads_as_its_three_files_or_one_zip(con, monkeypatch):
    import io
    import zipfile

    from helpers import REFERENCE

    stem = "nsi1011_LFS_A_KB_sex_obl_statreg"
    files = [
        (f"{stem}-{p}.csv", (REFERENCE / "nsi" / f"{stem}-{p}.csv").read_bytes(), "text/csv")
        for p in ("data", "fields", "codelists")
    ]
    at = _signed_in(monkeypatch)
    at.get("file_uploader")[0].set_value(files).run()
    assert not at.exception, [e.value for e in at.exception]
    detected = next(c.value for c in at.caption if c.value.startswith("Format: "))
    assert "NSI open-data table 1011" in detected and "cp1251" in detected
    assert not at.error
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, _ in files:
            archive.writestr(name, data)
    at.get("file_uploader")[0].set_value(("unemployment.zip", buffer.getvalue(), "application/zip")).run()
    assert not at.exception
    assert "NSI open-data table 1011" in next(c.value for c in at.caption if c.value.startswith("Format: "))


def test_of_several_files_that_are_not_one_nsi_table_the_newest_is_read(con, monkeypatch):
    at = _signed_in(monkeypatch)
    at.get("file_uploader")[0].set_value([("a.csv", BAD, "text/csv"), ("b.csv", GOOD, "text/csv")]).run()
    assert not at.exception
    assert at.info[0].value.startswith("Several files are uploaded and they are not one NSI table: the newest, b\\.csv")
    assert not at.error  # b.csv, the good one, is what was read


# ---- templates, problems in Bulgarian, a fresh page after publish and rollback, the release pickers ------------


@pytest.mark.parametrize("kind", ["observations", "funding"])
def test_the_template_download_holds_exactly_what_the_command_line_writes(data_dir, tmp_path, kind):
    import io
    import os
    import subprocess
    import sys
    import zipfile

    from helpers import ROOT
    from si_metrics.exporting import template_zip

    folder = tmp_path / "templates"  # its own folder: the sign-in clock file lives in tmp_path
    folder.mkdir()
    out = folder / ("observations_template.csv" if kind == "observations" else "")
    subprocess.run(
        [sys.executable, "-m", "si_metrics", "template", kind, "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "SI_DATA_DIR": str(data_dir)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    archive = zipfile.ZipFile(io.BytesIO(template_zip(kind)))
    assert {n: archive.read(n) for n in archive.namelist()} == written
    expected = {"observations": 2, "funding": 4}[kind]  # a CSV and its explanation per table
    assert len(written) == expected


def test_the_page_offers_each_template(con, monkeypatch):
    at = _signed_in(monkeypatch)
    picker = next(sb for sb in at.selectbox if sb.label == "Template for")
    assert picker.options == [
        "Indicator values",
        "Projects",
        "EU funding: both tables",
        "EU funding by programme",
        "EU funding by municipality",
    ]
    assert any(b.label == "Download the template (ZIP)" for b in at.get("download_button"))


def test_problems_name_their_kind_in_words_never_by_code(con, monkeypatch):
    at = _upload(_signed_in(monkeypatch), "unemployment.csv", BAD)
    counts = at.dataframe[0].value
    assert sorted(counts[["Kind", "Count"]].values.tolist()) == [["Not a number", 1], ["Unknown area", 1]]
    problems = at.dataframe[1].value
    assert problems["Kind"].tolist() == ["Unknown area", "Not a number"]


def test_problems_in_bulgarian_are_in_bulgarian(con):
    from si_metrics import i18n
    from si_metrics.ingest import pipeline

    prepared = pipeline.prepare(con, BAD, "unemployment.csv")
    shown = i18n.problems_view(prepared.shown_errors(), "bg")
    assert shown.values.tolist() == [
        [3, "region_code", "XX99", "Непозната територия", "Територия, която списъкът на териториите не познава."],
        [3, "value", "abc", "Не е число", "Текст там, където се очаква число."],
    ]
    assert i18n.kinds_count(prepared.errors, "bg").values.tolist() == [["Непозната територия", 1], ["Не е число", 1]]


def test_after_a_publish_the_history_and_pickers_show_it_at_once_and_the_rollback_picker_says_what_each_is(
    con, monkeypatch
):
    from si_metrics import store

    at = _upload(_signed_in(monkeypatch), "fresh.csv", b"indicator_code,region_code,year,value\nUNEMP,BG31,2025,7.7\n")
    next(ti for ti in at.text_input if ti.label.startswith("Note for the release")).input("fresh page")
    next(cb for cb in at.checkbox if cb.label.startswith("I have checked")).check()
    next(b for b in at.button if b.label == "Publish").click().run()  # one run: the page reruns itself
    newest = store.release_history(con).iloc[-1]
    release = int(newest["id"])
    assert any(s.value.startswith(f"Published as release {release}:") for s in at.success)
    history = next(d.value for d in at.dataframe if "Added" in d.value.columns)
    assert int(history.iloc[0]["Release"]) == release and history.iloc[0]["Kind"] == "publish"
    # the file still in the uploader is checked again against the new release: nothing left to publish
    assert [m.value for m in at.metric[:3]] == ["0", "0", "1"]
    rollback = next(sb for sb in at.selectbox if sb.label == "Release to undo")
    day = newest["published_at"]
    assert rollback.options[0] == (
        f"Release {release} · {day.day} {day:%b %Y} · maria · Indicator observations · +1 / ~0 / −0 · fresh page"
    )
    rollback.set_value(release)
    next(ti for ti in at.text_input if ti.key == "rollback_note").input("undo fresh")
    next(cb for cb in at.checkbox if cb.label.startswith("I want to restore")).check()
    next(b for b in at.button if b.label == "Roll back").click().run()
    undone = int(store.release_history(con).iloc[-1]["id"])
    assert any(
        s.value == f"Release {undone} restored the data as they were before release {release}." for s in at.success
    )
    history = next(d.value for d in at.dataframe if "Added" in d.value.columns)
    assert int(history.iloc[0]["Release"]) == undone and history.iloc[0]["Kind"] == "rollback"
