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


def _signed_in(monkeypatch):
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:" + auth.hash_password("s3cret-Pass"))
    at = open_page(PAGE)
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
            f"Release {rel.id} (observations): 1 new, 1 changed, 0 removed, 0 unchanged. 2 of 2 rows listed, "
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
        c.value.startswith("Format: ИСУН programme totals extract") and "dataset: funding_programmes" in c.value
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
