"""Region briefing: the PDF and HTML a policymaker takes away, read back (text extraction) for the figures it must
carry, with their sources, in both languages."""

from __future__ import annotations

import io
import re
import time

import pytest

from si_metrics import briefing, briefing_render, cli
from si_metrics.i18n import format_number

MADE_IN_SECONDS = 10  # generous on a shared 2-core machine; one briefing takes about 0.5 s here


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace folded (cells wrap; Bulgarian groups thousands with a no-break space)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages).replace("\u00a0", " ")


def latest(con, region: str, indicator: str) -> tuple[int, float] | None:
    row = (
        con.cursor()
        .execute(
            "select year, value from totals where region_code = ? and indicator_code = ? order by year desc limit 1",
            [region, indicator],
        )
        .fetchone()
    )
    return (int(row[0]), float(row[1])) if row else None


def rank_among_peers(con, region: str, indicator: str, year: int) -> tuple[int, int]:
    """1 + the number of areas of the same level and country with a higher value that year, and how many have one."""
    return (
        con.cursor()
        .execute(
            """
            with me as (select level, country_code from regions where code = $region),
            peer as (
                select t.region_code, t.value from totals as t join regions as r on r.code = t.region_code
                where t.indicator_code = $indicator and t.year = $year and not r.is_benchmark
                  and (r.level, r.country_code) = (select (level, country_code) from me)
            )
            select 1 + count(*) filter (where value > (select value from peer where region_code = $region)), count(*)
            from peer
            """,
            dict(region=region, indicator=indicator, year=year),
        )
        .fetchone()
    )


@pytest.fixture(scope="module")
def severozapaden(con):
    return briefing.gather(con, "BG31")


def test_region_briefing_in_english_names_unemployment_its_rank_and_source(con, severozapaden):
    year, value = latest(con, "BG31", "UNEMP")
    assert (year, value) == (2024, 9.7)
    rank, peers = rank_among_peers(con, "BG31", "UNEMP", 2024)
    assert peers == 6  # the six NUTS 2 regions of Bulgaria
    text = pdf_text(briefing_render.to_pdf(briefing.document(severozapaden, "en")))
    assert "Region briefing: Severozapaden" in text
    assert "Unemployment rate (15-74)" in text
    assert f"2024 {format_number(value, 'en', 1)}" in text  # year and value side by side in the table row
    assert f"{rank} of {peers}" in text
    # its source and vintage, as the observation names them, and the dataset's licence
    assert "Eurostat tgs00010 (SDMX-CSV 2.0); vintage 2026-02" in text
    assert "CC BY 4.0" in text
    # the rank is explained, and the definitions that differ are said in words
    assert "Rank among the NUTS 2 regions of Bulgaria" in text
    assert "The poverty line is national: regional rates are measured against the national median." in text


def test_region_briefing_in_bulgarian_uses_cyrillic_and_the_bulgarian_number_format(con, severozapaden):
    rank, peers = rank_among_peers(con, "BG31", "UNEMP", 2024)
    text = pdf_text(briefing_render.to_pdf(briefing.document(severozapaden, "bg")))
    assert "Справка за района: Северозападен" in text
    assert "Коефициент на безработица (15-74 г.)" in text
    assert "2024 9,7" in text  # decimal comma
    assert f"{rank} от {peers}" in text
    assert "Eurostat tgs00010 (SDMX-CSV 2.0); версия 2026-02" in text
    assert "Линията на бедност е национална" in text
    # population of the region with a space between thousands (a no-break space in the PDF)
    year, pop = latest(con, "BG31", "POP")
    assert f"{year} {format_number(pop, 'bg')}".replace("\u00a0", " ") in text


def test_district_briefing_carries_population_eu_money_targets_and_demo_projects(con):
    doc = briefing.briefing(con, "BG311", "bg")
    text = pdf_text(briefing_render.to_pdf(doc))
    assert "Справка за района: Видин" in text
    assert "Област (NUTS 3) BG311" in text
    year, pop = latest(con, "BG311", "POP")
    assert (year, pop) == (2025, 70542)
    assert "2025 70 542" in text
    assert "28 от 28" in text  # Vidin has the fewest inhabitants of the 28 districts
    funds = con.cursor().execute(
        "select sum(contracted_eur), sum(paid_eur), count(*) from funding_municipalities where region_code = 'BG311'"
    )
    contracted, paid, municipalities = funds.fetchone()
    assert round(contracted / 1e6, 2) == 274.08
    assert "274,08 млн. евро" in text and f"{format_number(paid / 1e6, 'bg', 2)} млн. евро" in text
    assert f"{format_number(contracted / pop, 'bg')} евро".replace("\u00a0", " ") in text  # per inhabitant
    assert f"в {municipalities} общини" in text
    # the NUTS 2 region's poverty figures, said to be the region's, since districts have none
    assert "Данни за Северозападен: не се публикуват за областите" in text
    assert "Цел за 2030 г. за България: -787 000 души" in text
    assert "Демонстрационни данни" in text
    projects = con.cursor().execute("select count(*) from projects where region_code = 'BG311'").fetchone()[0]
    assert f"{projects} демонстрационни проекта" in text


def test_vidin_briefing_names_unemployment_2024_and_rank(con):
    """The acceptance case of issue 17: fails today only because the store has no district unemployment."""
    assert latest(con, "BG311", "UNEMP") == (2024, 18.7), "the store holds no 2024 unemployment rate for Vidin"
    rank, peers = rank_among_peers(con, "BG311", "UNEMP", 2024)
    assert peers == 28
    text = pdf_text(briefing_render.to_pdf(briefing.briefing(con, "BG311", "bg")))
    assert "Видин" in text
    assert "Коефициент на безработица (15-74 г.)" in text
    assert "2024 18,7" in text
    assert f"{rank} от 28" in text
    source, vintage = (
        con.cursor()
        .execute(
            "select source, vintage from observations where region_code = 'BG311' and indicator_code = 'UNEMP' "
            "and year = 2024 and sex = 'T' and age = 'TOTAL'"
        )
        .fetchone()
    )
    assert f"{source}; версия {vintage}" in text  # the figure's own source, as the observation names it


def test_kardzhali_briefing_marks_its_low_reliability_unemployment(con):
    assert latest(con, "BG425", "UNEMP") == (2024, 4.2), "the store holds no 2024 unemployment rate for Kardzhali"
    text = pdf_text(briefing_render.to_pdf(briefing.briefing(con, "BG425", "bg")))
    assert "2024 4,2 u: ниска надеждност" in text
    assert "Ниска надеждност (флаг u, малки извадки): Коефициент на безработица (15-74 г.) 2024" in text


def test_every_indicator_the_store_holds_for_the_area_is_in_the_briefing(con, severozapaden):
    """Built from the catalogue, not a list: a new series appears by itself (names, units from indicators)."""
    held = {
        r[0]
        for r in con.cursor()
        .execute("select distinct indicator_code from totals where region_code = 'BG31'")
        .fetchall()
    }
    names = dict(con.cursor().execute("select code, name_en from indicators").fetchall())
    doc = briefing.document(severozapaden, "en")
    charts = next(b for b in doc.blocks if isinstance(b, briefing.Charts)).charts
    assert len(held) >= 6
    assert {c.title.rsplit(" (", 1)[0] for c in charts} == {names[c] for c in held}
    unemp = next(c for c in charts if c.title.startswith(names["UNEMP"]))
    area = next(s for s in unemp.series if s.kind == "area")
    assert (area.points[0][0], area.points[-1][:2]) == (2003, (2024, 9.7))  # NSI 2003-2012, Eurostat 2013-2024
    assert area.points[-1][2] is True  # 2024 is flagged (a break in series): drawn as an open marker


def test_low_reliability_values_are_marked_in_words(severozapaden):
    facts = briefing.Facts(**{**severozapaden.__dict__})
    rows = facts.indicators.copy()
    rows.loc[(rows["region_code"] == "BG31") & (rows["indicator_code"] == "UNEMP"), "flag"] = "u"
    facts.indicators = rows
    for lang, word, name in (
        ("en", "low reliability", "Unemployment rate (15-74) 2024"),
        ("bg", "ниска надеждност", ""),
    ):
        doc = briefing.document(facts, lang)
        warn = [b.text for b in doc.blocks if isinstance(b, briefing.Text) and b.style == "warn"]
        assert len(warn) == 1 and name in warn[0]
        table = next(b for b in doc.blocks if isinstance(b, briefing.Table))
        flags = {row[0]: row[3] for row in table.rows}
        assert any(v.startswith("u: ") and word in v for v in flags.values())


def test_pdf_embeds_its_font_draws_charts_as_vectors_and_is_made_in_seconds(con):
    from pypdf import PdfReader

    start = time.perf_counter()
    data = briefing_render.to_pdf(briefing.briefing(con, "BG31", "bg"))
    assert time.perf_counter() - start < MADE_IN_SECONDS
    reader = PdfReader(io.BytesIO(data))
    assert 2 <= len(reader.pages) <= 6  # a few pages
    assert all(len(page.images) == 0 for page in reader.pages)  # no raster: lines, circles and text
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in f for f in fonts)
    assert b"/FontFile2" in data  # the TrueType subset is embedded: no font needed on the reader's machine
    first = reader.pages[0].get_contents().get_data()
    assert re.search(rb"\bl\b", first) and re.search(rb"\bS\b", first)  # path segments stroked: the trend lines
    assert reader.metadata.title == "Справка за района: Северозападен"


def test_html_briefing_is_self_contained_and_escapes_data(severozapaden):
    facts = briefing.Facts(**{**severozapaden.__dict__})
    regions = facts.regions.copy()
    regions.loc[regions["code"] == "BG31", "name_en"] = "<script>alert(1)</script>"
    facts.regions = regions
    page = briefing_render.to_html(briefing.document(facts, "en"))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)  # nothing fetched from the network
    assert "<link" not in page and "@import" not in page
    assert page.count("<svg") >= 6 and "<polyline" in page  # the trends inline, as vector graphics
    assert "9.7" in page and "Eurostat tgs00010 (SDMX-CSV 2.0); vintage 2026-02" in page
    assert '<html lang="en">' in page


def test_cli_writes_pdf_and_html(tmp_path, con, capsys):
    pdf, page = tmp_path / "b.pdf", tmp_path / "b.html"
    assert cli.main(["briefing", "BG31", "--lang", "bg", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "Северозападен" in pdf_text(pdf.read_bytes())
    assert cli.main(["briefing", "bg31", "--lang", "en", "--out", str(page)]) == 0
    assert "Region briefing: Severozapaden" in page.read_text(encoding="utf-8")
    assert cli.main(["briefing", "BG31", "--out", str(tmp_path / "b.docx")]) == 1
    assert cli.main(["briefing", "XX9", "--out", str(pdf)]) == 1
    assert "unknown area 'XX9'" in capsys.readouterr().err
