"""The Projects page: filters, search in both scripts, KPIs, the project panel and the link, checked against
figures computed here with pandas straight from datasets/projects.csv (never through the page's SQL)."""

from __future__ import annotations

import contextlib
import re

import pandas as pd
import pytest
from test_browser import browser, page, server  # noqa: F401 (fixtures of the browser tier)

from helpers import ROOT, metrics, open_page
from si_metrics import queries, vocab
from si_metrics.i18n import format_money, format_number, format_percent
from si_metrics.projects import search_key, search_words

PAGE = "pages/explore/projects.py"
FULL = {"from": "2006", "to": "2025"}  # the whole period the filter offers (observations 2006-2025)
VIDIN_POVERTY_CROSS = [
    "DEMO-000333",
    "DEMO-000923",
    "DEMO-001476",
    "DEMO-001577",
    "DEMO-001869",
    "DEMO-001886",
    "DEMO-001935",
]  # as the generator's author reports; re-derived below from the CSV
NOTICE = "Some link settings were not understood and were ignored: {}."


# ---- independent reference figures (pandas on the CSVs) --------------------------------------------------


@pytest.fixture(scope="module")
def csv() -> pd.DataFrame:
    df = pd.read_csv(ROOT / "datasets" / "projects.csv", dtype=str, keep_default_na=False)
    for col in ("budget_eur", "eu_contribution_eur", "paid_eur"):
        df[col] = df[col].astype(float)
    for col in ("beneficiaries_target", "beneficiaries_reached", "partner_count"):
        df[col] = df[col].astype(int)
    df["start_year"] = df["start_date"].str[:4].astype(int)
    df["end_year"] = df["end_date"].str[:4].astype(int)
    df["cross"] = [
        len({lead, *[s for s in partners.split(";") if s]}) >= 2
        for lead, partners in zip(df["lead_sector"], df["partner_sectors"])
    ]
    return df


def within(code: str) -> set[str]:
    """The area and every area below it, from regions.csv's parent links."""
    regions = pd.read_csv(ROOT / "datasets" / "regions.csv", dtype=str, keep_default_na=False)
    found, frontier = {code}, {code}
    while frontier:
        frontier = set(regions.loc[regions["parent_code"].isin(frontier), "code"]) - found
        found |= frontier
    return found


def pick(df, region="BG", year_from=2006, year_to=2025, theme=None, cross=False, **equal) -> pd.DataFrame:
    rows = df[df["region_code"].isin(within(region)) & (df["start_year"] <= year_to) & (df["end_year"] >= year_from)]
    if theme:
        rows = rows[rows["theme"] == theme]
    if cross:
        rows = rows[rows["cross"]]
    for col, value in equal.items():
        rows = rows[rows[col] == value]
    return rows


def project_table(at) -> pd.DataFrame:
    """The list of matching projects (the table whose first column is the project ID)."""
    tables = [d.value for d in at.dataframe if d.value.columns[0] in ("ID", "Номер")]
    assert len(tables) == 1
    return tables[0]


def detail_table(at) -> dict[str, str]:
    tables = [d.value for d in at.dataframe if list(d.value.columns) in (["Field", "Value"], ["Поле", "Стойност"])]
    assert len(tables) == 1
    return dict(zip(tables[0].iloc[:, 0], tables[0].iloc[:, 1]))


def base_params(**extra):
    return dict(statuses=[], sectors=[], programmes=[], groups=[], cross_only=False, words=[], **extra)


# ---- the question the page exists for --------------------------------------------------------------------


def test_the_generators_seven_cross_sector_poverty_projects_in_vidin_are_in_the_csv(csv):
    assert sorted(pick(csv, "BG311", 2000, 2100, "poverty_inclusion", cross=True)["project_id"]) == VIDIN_POVERTY_CROSS


@pytest.mark.parametrize(
    "lang, count_label, share_label, share",
    [
        ("en", "Matching projects", "Cross-sector projects", "100.0%"),
        ("bg", "Намерени проекти", "Междусекторни проекти", "100,0\u00a0%"),
    ],
)
def test_which_cross_sector_poverty_projects_run_in_vidin(con, csv, lang, count_label, share_label, share):
    at = open_page(PAGE, region="BG311", theme="poverty_inclusion", cross="only", lang=lang, **FULL)
    expected = sorted(pick(csv, "BG311", 2006, 2025, "poverty_inclusion", cross=True)["project_id"])
    assert expected == VIDIN_POVERTY_CROSS  # all seven run within 2006-2025
    m = metrics(at)
    assert m[count_label] == ("7", "")
    assert m[share_label] == (share, "")
    table = project_table(at)
    assert sorted(table.iloc[:, 0]) == VIDIN_POVERTY_CROSS
    title_col = "Title" if lang == "en" else "Наименование"
    row = table[table.iloc[:, 0] == "DEMO-000333"].iloc[0]
    assert row[title_col] == csv.set_index("project_id").loc["DEMO-000333", f"title_{lang}"]
    assert ":orange-badge[:material/science: {}]".format("Demo data" if lang == "en" else "Демонстрационни данни") in [
        md.value for md in at.markdown
    ]


def test_the_period_keeps_only_the_projects_running_in_it(con, csv):
    at = open_page(PAGE, region="BG311", theme="poverty_inclusion", cross="only", **{"from": "2023", "to": "2025"})
    expected = sorted(pick(csv, "BG311", 2023, 2025, "poverty_inclusion", cross=True)["project_id"])
    assert expected == ["DEMO-000333", "DEMO-000923", "DEMO-001577", "DEMO-001869", "DEMO-001935"]
    assert sorted(project_table(at).iloc[:, 0]) == expected
    assert metrics(at)["Matching projects"] == ("5", "")


# ---- KPIs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, labels",
    [
        ("en", ("Matching projects", "EU contribution", "People reached", "Cross-sector projects")),
        ("bg", ("Намерени проекти", "Принос на ЕС", "Обхванати лица", "Междусекторни проекти")),
    ],
)
def test_kpis_for_severozapaden_in_both_languages(con, csv, lang, labels):
    at = open_page(PAGE, region="BG31", lang=lang, **FULL)
    rows = pick(csv, "BG31")
    assert len(rows) == 285 and int(rows["cross"].sum()) == 127  # pinned, so a change in the data shows here
    m = metrics(at)
    assert m[labels[0]][0] == format_number(len(rows), lang)
    assert m[labels[1]][0] == format_money(rows["eu_contribution_eur"].sum(), lang)
    assert m[labels[2]][0] == format_number(rows["beneficiaries_reached"].sum(), lang)
    assert (
        m[labels[3]][0]
        == format_percent(rows["cross"].mean() * 100, lang)
        == ("44.6%" if lang == "en" else "44,6\u00a0%")
    )
    assert m[labels[1]][0] == ("EUR 40.56 m" if lang == "en" else "40,56 млн. евро")
    caption = next(c.value for c in at.caption if "127" in c.value)
    assert caption.startswith("127 of 285" if lang == "en" else "127 от 285")


def test_cross_sector_count_agrees_with_the_overview_query(con, csv):
    params = dict(region="BG311", year_from=2006, year_to=2025)
    overview = queries.run(con, "projects_in_region", **params).iloc[0]
    summary = queries.run(
        con,
        "projects_summary",
        themes=list(vocab.THEMES),
        **base_params(**params),
    )
    running = summary[summary["in_period"]]
    expected = pick(csv, "BG311")
    assert (
        int(overview["cross_sector_projects"])
        == int(running["cross_sector_projects"].sum())
        == int(expected["cross"].sum())
    )
    assert int(overview["projects"]) == int(running["projects"].sum()) == len(expected)
    at = open_page(PAGE, region="BG311", **FULL)
    assert metrics(at)["Cross-sector projects"][0] == format_percent(expected["cross"].mean() * 100, "en")


def test_projects_starting_after_the_period_are_counted_and_said(con, csv):
    at = open_page(PAGE, region="BG", **FULL)
    later = int((csv["start_year"] > 2025).sum())
    assert later == 219
    assert f"{later} matching projects start after 2025, the end of the chosen period, so they are not shown." in [
        c.value for c in at.caption
    ]


# ---- search -----------------------------------------------------------------------------------------------


def reference_search(csv, query: str) -> pd.DataFrame:
    """Every word of the query in the Latin key of title_en, title_bg or lead_org (the Python key)."""
    words = search_words(query)
    hay = [" ".join(search_key(v) for v in r) for r in zip(csv["title_en"], csv["title_bg"], csv["lead_org"])]
    return csv[[all(w in h for w in words) for h in hay]]


def test_vidin_and_видин_find_the_same_projects(con, csv):
    latin = open_page(PAGE, q="Vidin", **FULL)
    cyrillic = open_page(PAGE, q="Видин", **FULL)
    shouting = open_page(PAGE, q="   VIDIN   ", **FULL)
    # independent of any key: plain lower-case substrings in each script
    plain = pick(csv)
    plain = plain[
        plain["title_en"].str.lower().str.contains("vidin")
        | plain["title_bg"].str.lower().str.contains("видин")
        | plain["lead_org"].str.lower().str.contains("видин")
    ]
    assert len(plain) == 45
    for at in (latin, cyrillic, shouting):
        assert metrics(at)["Matching projects"] == (str(len(plain)), "")
        assert "Searching for the words: vidin" in [c.value for c in at.caption]
    assert (
        list(project_table(latin).iloc[:, 0]) == list(project_table(cyrillic).iloc[:, 0]) == sorted(plain["project_id"])
    )
    assert len(project_table(shouting)) == 45


def test_latin_sofia_finds_cyrillic_софия(con, csv):
    """Lead organisations are Cyrillic only: 'sofia' must reach them through transliteration."""
    rows = queries.run(
        con,
        "projects_list",
        region="BG",
        year_from=2000,
        year_to=2100,
        themes=list(csv["theme"].unique()),
        **base_params() | {"words": search_words("sofia")},
    )
    in_org = csv[csv["lead_org"].str.contains("София")]
    assert len(in_org) == 15 and set(in_org["project_id"]) <= set(rows["project_id"])
    assert len(rows) == len(reference_search(csv, "sofia"))
    chitalishte = queries.run(
        con,
        "projects_list",
        region="BG",
        year_from=2000,
        year_to=2100,
        themes=list(csv["theme"].unique()),
        **base_params() | {"words": ["chitalishte"]},
    )
    plain = csv[
        csv["lead_org"].str.lower().str.contains("читалище") | csv["title_bg"].str.lower().str.contains("читалище")
    ]
    assert sorted(chitalishte["project_id"]) == sorted(plain["project_id"]) and len(plain) == 109


def test_sql_search_key_agrees_with_python_for_every_area_name_in_both_scripts(con, csv):
    regions = pd.read_csv(ROOT / "datasets" / "regions.csv", dtype=str, keep_default_na=False)
    names = [*regions["name_en"], *regions["name_bg"], "Bulgariya", "sofiya", "Plóvdiv", "нов път", "„Щастие“"]
    themes = list(csv["theme"].unique())
    for name in names:
        rows = queries.run(
            con,
            "projects_list",
            region="BG",
            year_from=2000,
            year_to=2100,
            themes=themes,
            **base_params() | {"words": search_words(name)},
        )
        assert sorted(rows["project_id"]) == sorted(reference_search(csv, name)["project_id"]), name


def test_the_list_and_the_summary_share_one_filter():
    """Both queries select from the table macro matching_projects (queries/_macros.sql) with the same arguments."""
    calls = [
        re.search(r"from matching_projects\((.*?)\)\n", queries.sql(n), re.S).group(1)
        for n in ("projects_list", "projects_summary")
    ]
    assert calls[0] == calls[1] and "$words" in calls[0]


def test_a_query_is_bound_never_interpreted(con, csv):
    at = open_page(PAGE, q="'; drop table projects; --", **FULL)
    assert metrics(at)["Matching projects"] == ("0", "")
    assert "No project matches these settings." in [i.value for i in at.info]
    assert queries.run(con, "projects_detail", project="DEMO-000001").shape[0] == 1  # the table is still there


def test_search_combines_words_across_title_and_organisation(con, csv):
    at = open_page(PAGE, q="бедност Vidin", **FULL)  # Bulgarian word of the title, Latin place name
    expected = reference_search(pick(csv), "бедност Vidin")
    assert len(expected) == 4
    assert sorted(project_table(at).iloc[:, 0]) == sorted(expected["project_id"])


# ---- page filters and the link ----------------------------------------------------------------------------


def test_page_filters_round_trip_through_the_url(con, csv):
    at = open_page(
        PAGE,
        region="BG31",
        status="completed,ongoing",
        q="Vidin",
        sector="public,social",
        programme="none,2014BG05M9OP001",
        group="roma,children",
        cross="only",
        project="DEMO-000333",
        **FULL,
    )
    # multiselect values are written back in the options' order
    assert {k: at.query_params[k] for k in ("status", "q", "sector", "programme", "group", "cross", "project")} == {
        "status": "ongoing,completed",
        "q": "Vidin",
        "sector": "public,social",
        "programme": "2014BG05M9OP001,none",
        "group": "roma,children",
        "cross": "only",
        "project": "DEMO-000333",
    }
    assert at.multiselect(key="p_projects_status").value == ["ongoing", "completed"]
    assert at.text_input(key="p_projects_q").value == "Vidin"
    rows = pick(csv, "BG31", cross=True)
    rows = rows[
        rows["status"].isin(["completed", "ongoing"])
        & rows["lead_sector"].isin(["public", "social"])
        & rows["programme_code"].isin(["", "2014BG05M9OP001"])
        & rows["target_groups"].str.contains("roma|children")
    ]
    rows = rows[rows["project_id"].isin(reference_search(rows, "Vidin")["project_id"])]
    assert sorted(rows["project_id"]) == ["DEMO-001869"]
    assert metrics(at)["Matching projects"] == ("1", "")
    assert sorted(project_table(at).iloc[:, 0]) == sorted(rows["project_id"])
    # the project panel stays open although the filters leave DEMO-000333 out
    assert detail_table(at)["Project ID"] == "DEMO-000333"
    assert "This project is outside the current filters." in [c.value for c in at.caption]

    at.multiselect(key="p_projects_status").set_value(["cancelled"]).run()
    assert at.query_params["status"] == "cancelled"
    at.text_input(key="p_projects_q").set_value("Видин").run()
    assert at.query_params["q"] == "Видин"
    at.selectbox(key="p_projects_project").set_value("").run()
    assert "project" not in at.query_params and not [d for d in at.dataframe if d.value.columns[0] == "Field"]


def test_choosing_a_project_puts_it_in_the_link(con):
    at = open_page(PAGE, region="BG311", theme="poverty_inclusion", cross="only", **FULL)
    assert "project" not in at.query_params
    at.selectbox(key="p_projects_project").set_value("DEMO-001869").run()
    assert at.query_params["project"] == "DEMO-001869"
    assert detail_table(at)["Project ID"] == "DEMO-001869"


@pytest.mark.parametrize(
    "params, ignored",
    [
        ({"status": "xyz"}, "status=xyz"),
        ({"status": "completed,xyz"}, "status=xyz"),
        ({"cross": "maybe"}, "cross=maybe"),
        ({"programme": "2099XX"}, "programme=2099XX"),
        ({"project": "DEMO-999999"}, "project=DEMO-999999"),
    ],
)
def test_bad_page_settings_give_the_notice(con, params, ignored):
    at = open_page(PAGE, region="BG311", **FULL, **params)
    assert [w.value for w in at.warning] == [NOTICE.format(ignored)]
    assert not [d for d in at.dataframe if d.value.columns[0] == "Field"]  # no project panel


# ---- the project panel ------------------------------------------------------------------------------------


def test_the_project_panel_shows_the_figures_of_demo_000333(con, csv):
    p = csv.set_index("project_id").loc["DEMO-000333"]
    assert (p["budget_eur"], p["beneficiaries_reached"], p["beneficiaries_target"]) == (181843.25, 70, 142)
    at = open_page(PAGE, project="DEMO-000333", **FULL)
    m = metrics(at)
    assert m["Budget"] == (format_money(p["budget_eur"], "en", compact=False), "") == ("EUR 181,843", "")
    assert m["EU part of the budget"] == (format_money(p["eu_contribution_eur"], "en", compact=False), "")
    assert m["Reached vs target"] == ("49%", "")  # 70 / 142
    assert m["Cost per person reached"] == ("EUR 2,598", "")  # 181,843.25 / 70 = 2,597.76
    assert at.get("progress")[0].value == 49  # per cent, as Streamlit keeps it
    fields = detail_table(at)
    assert fields["Title (English)"] == p["title_en"] and fields["Title (Bulgarian)"] == p["title_bg"]
    assert fields["Lead organisation"] == p["lead_org"] == "Сдружение „Светъл дом“"
    assert fields["Partner sectors"] == "Private, Public" and fields["Cross-sector"] == "Yes"
    assert fields["Programme"] == "Food and Basic Material Assistance 2021-2027 (2021BG05SFPR003)"
    assert fields["UN Sustainable Development Goals"] == "1 No poverty; 10 Reduced inequalities"
    assert fields["People reached by 24 Aug 2026"] == "70" and fields["Area"] == "Vidin (BG311)"
    assert fields["Data"] == "Synthetic demo data, not a real project"
    assert at.subheader[-1].value == re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", p["title_en"])


def test_the_project_panel_in_bulgarian_and_a_project_nobody_has_reached_yet(con, csv):
    p = csv.set_index("project_id").loc["DEMO-000002"]  # planned, starts 2026-10-20: outside every period
    assert p["beneficiaries_reached"] == 0 and p["status"] == "planned"
    at = open_page(PAGE, project="DEMO-000002", lang="bg", **FULL)
    m = metrics(at)
    assert m["Разход на обхванато лице"] == ("Все още няма", "")
    assert m["Бюджет"] == (format_money(p["budget_eur"], "bg", compact=False), "") == ("523\u00a0835 евро", "")
    assert m["Обхванати спрямо целта"] == ("0\u00a0%", "")
    fields = detail_table(at)
    assert fields["Статус към 24.08.2026 г."] == "Предстоящ"
    assert fields["Програма"] == 'Програма "Развитие на човешките ресурси" 2021-2027 (2021BG05SFPR002)'
    assert fields["Сектори на партньорите"] == "Частен, Публичен, Социален (граждански)"


@pytest.mark.parametrize(
    "project, programme",
    [
        ("DEMO-000001", "No EU programme"),  # national funding
        ("DEMO-000023", "2014BG05M2OP001"),  # a real programme the register extract does not name: its code
    ],
)
def test_programmes_without_a_name_in_the_register(con, csv, project, programme):
    code = csv.set_index("project_id").loc[project, "programme_code"]
    names = pd.read_csv(ROOT / "datasets" / "funding_programmes.csv", dtype=str)
    assert code not in set(names["programme_code"])
    assert detail_table(open_page(PAGE, project=project, **FULL))["Programme"] == programme


# ---- labels for every code in the data --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_every_code_in_the_data_has_a_label(csv, lang):
    from si_metrics.projects import label

    kinds = {
        "status": csv["status"],
        "sector": csv["lead_sector"],
        "org": csv["lead_org_type"],
        "fund": csv["fund"],
        "group": csv["target_groups"].str.split(";").explode(),
        "sdg": csv["sdgs"].str.split(";").explode(),
    }
    for kind, codes in kinds.items():
        for code in set(codes):
            text = label(lang, kind, code)
            assert (text and text != code) or (code in ("ESF+", "ESF") and lang == "en"), (kind, code)


# ---- in the browser: a row click opens the project, paging does not swap it ------------------------------


@pytest.mark.browser
def test_clicking_a_row_opens_the_project_and_paging_keeps_it(server, page, csv):  # noqa: F811 - pytest fixtures
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from test_browser import ARTIFACTS, IDLE, assert_healthy, load

    ids = sorted(reference_search(pick(csv), "Sofia")["project_id"])
    assert len(ids) == 109  # three pages of 50
    load(page, f"{server}/projects?region=BG&lang=en&q=Sofia&from=2006&to=2025", ready=".st-key-projects_table")
    grid = page.locator(".st-key-projects_table [data-testid=stDataFrame]")
    box = grid.bounding_box()
    page.mouse.move(box["x"] + 15, box["y"] + 35 * 3 + 17)  # the selection checkbox of the third row
    page.mouse.click(box["x"] + 15, box["y"] + 35 * 3 + 17)
    page.wait_for_function(f"() => location.search.includes('project={ids[2]}')", timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.get_by_role("heading", name=csv.set_index("project_id").loc[ids[2], "title_en"]).is_visible()
    page.mouse.move(5, 5)  # away from the table's toolbar, which covers the page stepper
    page.get_by_test_id("stNumberInputStepUp").first.click()
    with contextlib.suppress(PlaywrightTimeout):  # the rerun for page 2 (it may be over before we look)
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=running]", timeout=5_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.get_by_test_id("stNumberInputField").first.input_value() == "2"
    assert f"project={ids[2]}" in page.url  # the kept selection now points at page 2's third row: ignored
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page_projects_selected_en.png"), full_page=True)
    assert_healthy(page)


# ---- the export: the whole filtered list, streamed -------------------------------------------------------


def _export(con, rows: int, **filters) -> pd.DataFrame:
    import io

    from si_metrics.exporting import csv_chunks

    params = dict(region="BG", year_from=2006, year_to=2025, themes=list(vocab.THEMES), **base_params())
    params.update(filters)
    data = b"".join(csv_chunks(queries.chunks(con, "projects_export", rows, **params), bom=True))
    assert data.startswith("\ufeffproject_id,title_en,".encode())
    assert data.count(b"project_id,") == 1  # one header, however many chunks
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_the_export_holds_every_filtered_project_not_the_page_shown(con, csv):
    everything = _export(con, 100)  # 100-row chunks: the list is written in 20 parts
    expected = pick(csv, "BG")
    assert len(everything) == len(expected) == 1781  # of the 2,000 projects, those running in 2006-2025
    assert sorted(everything["project_id"]) == sorted(expected["project_id"])
    # amounts exactly as in the source CSV (two decimals at most, no float noise)
    source = pd.read_csv(ROOT / "datasets" / "projects.csv", dtype=str, keep_default_na=False).set_index("project_id")
    merged = everything.set_index("project_id")
    for col in ("budget_eur", "eu_contribution_eur", "paid_eur"):
        assert (merged[col].astype(float) == source.loc[merged.index, col].astype(float)).all()
        assert not merged[col].str.contains(r"\.\d{3,}").any()
    vidin = _export(con, 2048, region="BG311", themes=["poverty_inclusion"], cross_only=True)
    assert sorted(vidin["project_id"]) == VIDIN_POVERTY_CROSS


def test_the_page_offers_the_whole_list_and_names_the_partners(con, csv):
    at = open_page(PAGE, region="BG311", theme="poverty_inclusion", cross="only", **FULL)
    button = next(b for b in at.get("download_button") if b.label == "Download the whole filtered list (CSV)")
    assert "(7 rows)" in button.help
    table = project_table(at).set_index("ID")
    row = csv.set_index("project_id").loc["DEMO-000333"]
    sectors = {"public": "Public", "private": "Private", "social": "Social (civil society)"}
    named = ", ".join(sectors[s] for s in row["partner_sectors"].split(";") if s)
    assert table.loc["DEMO-000333", "Partners"] == f"{row['partner_count']} ({named})"
