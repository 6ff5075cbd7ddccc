"""Every format and dialect staff bring, read into the rows that would be published (small fixtures made here)."""

from __future__ import annotations

import gzip

import pytest

from si_metrics.ingest import pipeline
from si_metrics.ingest.reading import ReadOptions


def prepare(con, data: str | bytes, name: str = "upload.csv", **options) -> pipeline.Prepared:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return pipeline.prepare(con, raw, name, ReadOptions(**options))


def row(p: pipeline.Prepared, indicator: str, region: str, year: int, sex: str = "T", age: str = "TOTAL"):
    r = p.rows
    found = r[
        (r.indicator_code == indicator) & (r.region_code == region) & (r.year == year) & (r.sex == sex) & (r.age == age)
    ]
    assert len(found) == 1, (indicator, region, year, sex, age, r)
    return found.iloc[0]


def assert_clean(p: pipeline.Prepared) -> None:
    assert p.errors.empty, p.errors.to_string()
    assert p.ok


OFFICE = (
    "Показател;Област;Година;Стойност;Флаг\r\n"
    "AROPE_EU2020;Видин;2015;40,5;\r\n"
    "AROP;Северозападен район;2024;26,3;\r\n"
    "POP;BG-05;2025;70 542;\r\n"
    "UNEMP;Vidin;2023;7,25;p\r\n"
)


def test_windows_1251_semicolons_decimal_comma_bulgarian_headers_and_region_names(fresh_store):
    p = prepare(fresh_store, OFFICE.encode("cp1251"), "office.csv")
    assert_clean(p)
    d = p.detected
    assert (d.format, d.encoding, d.bom, d.delimiter, d.decimal, d.dataset) == (
        "tidy",
        "cp1251",
        False,
        ";",
        ",",
        "observations",
    )
    assert row(p, "AROPE_EU2020", "BG311", 2015).value == 40.5  # Видин → BG311
    assert row(p, "AROP", "BG31", 2024).value == 26.3  # "Северозападен район" → BG31
    assert row(p, "POP", "BG311", 2025).value == 70542  # ISO 3166-2 BG-05; "70 542" with a thousands space
    unemp = row(p, "UNEMP", "BG311", 2023)  # English name
    assert (unemp.value, unemp.flag, unemp.source) == (7.25, "p", "Upload: office.csv")
    assert list(p.rows["_line"]) == [2, 3, 4, 5]
    assert p.rows_read == 4 and p.skipped == {}


def test_utf8_bom_comma_quoted_fields_sex_age_source_in_any_case(fresh_store):
    text = (
        "\ufeffПОКАЗАТЕЛ,Регион,Година,Стойност,Пол,Възраст,Източник,Актуалност\n"
        'POP,София (столица),2025,"1 295 931",общо,общо,"НСИ, таблица 1",2025-06\n'
        "POP,Sofia (stolitsa),2026,650000,жени,y15-64,NSI,2026-06\n"
    )
    p = prepare(fresh_store, text, "nsi.csv")
    assert_clean(p)
    assert (p.detected.encoding, p.detected.bom, p.detected.delimiter, p.detected.decimal) == (
        "utf-8-sig",
        True,
        ",",
        ".",
    )
    total = row(p, "POP", "BG411", 2025)
    assert (total.value, total.source, total.vintage) == (1295931, "НСИ, таблица 1", "2025-06")
    assert row(p, "POP", "BG411", 2026, sex="F", age="Y15-64").value == 650000
    assert p.diff.unchanged == 0 and p.diff.changed == 1 and p.diff.new == 1


def test_tab_separated_english_headers_and_indicator_names(fresh_store):
    text = "Indicator\tREGION_CODE\tyear\tvalue\tflag\nUnemployment rate (15-74)\tbg32\t2024\t8.1\tB\n"
    p = prepare(fresh_store, text, "t.txt")
    assert_clean(p)
    assert p.detected.delimiter == "\t"
    r = row(p, "UNEMP", "BG32", 2024)
    assert (r.value, r.flag) == (8.1, "b")


def test_utf16_with_bom_is_accepted(fresh_store):
    """Excel's "Unicode text" is UTF-16 with a byte-order mark and tabs."""
    text = "показател\tрегион\tгодина\tстойност\nSMD\tЮгоизточен\t2015\t33,9\n"
    p = prepare(fresh_store, text.encode("utf-16"), "unicode.txt")
    assert_clean(p)
    assert (p.detected.encoding, p.detected.bom, p.detected.decimal) == ("utf-16", True, ",")
    assert row(p, "SMD", "BG34", 2015).value == 33.9


TSV_NEWEST_FIRST = (
    "unit,geo\\time\t2017 \t2016 \t2015 \t2014 \n"
    "PC_POP,AT11\t20.0 \t21.0 \t22.0 \t23.0 \n"
    "PC_POP,BG31\t46.7 \t46.0 b\t44.8 \t46.1 b\n"
    "PC_POP,BG32\t: \t44.3 b\t44.9 \t: z\n"
    "PC_LW95,BG31\t40.1 \t: \t: \t: \n"
)


def test_eurostat_tsv_newest_first_with_flags_skips_and_counts(fresh_store):
    p = prepare(fresh_store, TSV_NEWEST_FIRST, "tgs00107.tsv")
    assert_clean(p)
    d = p.detected
    assert (d.format, d.eurostat_dataset, d.delimiter) == ("eurostat-tsv", "tgs00107", "\t")
    assert d.mapping == [
        {
            "eurostat_dataset": "tgs00107",
            "indicator": "AROPE_EU2020",
            "filters": "unit=PC_POP",
            "breakdowns": "",
            "rows": 8,
        }
    ]
    assert p.skipped == {
        "unit=PC_LW95 not in the mapping": 4,
        "areas outside the region list": 4,
        "missing value (':' or empty)": 2,
    }
    assert p.rows_read == 16 and len(p.rows) == 6
    r = row(p, "AROPE_EU2020", "BG31", 2016)
    assert (r.value, r.flag, r.source) == (46.0, "b", "Eurostat tgs00107")
    assert row(p, "AROPE_EU2020", "BG32", 2015).flag is None
    assert row(p, "AROPE_EU2020", "BG31", 2014).value == 46.1
    # the values equal the bundled ones: only the vintage (the day of the upload) differs
    assert (p.diff.new, p.diff.changed, p.diff.value_changed) == (0, 6, 0)


TSV_OLDEST_FIRST = (
    "freq,unit,sex,age,geo\\TIME_PERIOD\t2023 \t2024 \t2025 \n"
    "A,NR,F,TOTAL,BG311\t40000 \t39500 \t39000 \n"
    "A,NR,T,Y_LT15,BG311\t9000 \t8900 \t8800 e\n"
    "A,NR,T,TOTAL,DE1\t1 \t2 \t3 \n"
)


def test_eurostat_tsv_oldest_first_keeps_sex_and_age_breakdowns(fresh_store):
    p = prepare(fresh_store, TSV_OLDEST_FIRST, "estat_demo_r_pjanaggr3_2025.tsv")
    assert_clean(p)
    assert p.detected.mapping[0]["breakdowns"] == "sex, age"
    assert row(p, "POP", "BG311", 2025, sex="F").value == 39000
    child = row(p, "POP", "BG311", 2025, age="Y_LT15")
    assert (child.value, child.flag) == (8800, "e")
    assert p.skipped == {"areas outside the region list": 3}


SEVERE_DEPRIVATION_BY_SEX = (
    "freq,unit,age,sex,geo\\TIME_PERIOD\t2023 \t2024 \n"
    "A,PC,TOTAL,F,BG\t20.1 \t19.0 \n"
    "A,PC,TOTAL,M,BG\t18.2 \t17.5 \n"
    "A,PC,TOTAL,T,BG\t19.2 \t18.3 p\n"
)


def test_eurostat_dimension_fixed_by_the_mapping_keeps_the_mapped_value_and_counts_the_rest(fresh_store):
    p = prepare(fresh_store, SEVERE_DEPRIVATION_BY_SEX, "ilc_mdsd11.tsv")  # mapped to SMSD where sex=T
    assert_clean(p)
    assert p.skipped == {"sex=F not in the mapping": 2, "sex=M not in the mapping": 2}
    assert len(p.rows) == 2
    assert row(p, "SMSD", "BG", 2023).value == 19.2
    assert (row(p, "SMSD", "BG", 2024).value, row(p, "SMSD", "BG", 2024).flag) == (18.3, "p")


def test_eurostat_tsv_gzipped_as_downloaded(fresh_store):
    p = prepare(fresh_store, gzip.compress(TSV_NEWEST_FIRST.encode()), "tgs00107.tsv.gz")
    assert_clean(p)
    assert p.detected.gzip and len(p.rows) == 6
    assert row(p, "AROPE_EU2020", "BG31", 2017).value == 46.7


SDMX_20_LABELS = (
    "STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,freq,Time frequency,isced11,International Standard Classification of "
    "Education (ISCED 2011),sex,Sex,age,Age class,unit,Unit of measure,geo,Geopolitical entity (reporting),"
    "TIME_PERIOD,Time,OBS_VALUE,Observation value,OBS_FLAG,Observation status (Flag) V2 structure,CONF_STATUS,"
    "Confidentiality status (flag)\n"
    "dataflow,ESTAT:TGS00010(1.0),Unemployment rate by NUTS 2 region,A,Annual,TOTAL,All ISCED 2011 levels,T,Total,"
    "Y15-74,From 15 to 74 years,PC,Percentage,BG31,Severozapaden,2024,,9.7,,b,Break in time series,,\n"
    "dataflow,ESTAT:TGS00010(1.0),Unemployment rate by NUTS 2 region,A,Annual,TOTAL,All ISCED 2011 levels,F,Females,"
    "Y15-74,From 15 to 74 years,PC,Percentage,BG31,Severozapaden,2025,,9.1,,,,,\n"
    "dataflow,ESTAT:TGS00010(1.0),Unemployment rate by NUTS 2 region,A,Annual,ED0-2,Less than primary,T,Total,"
    "Y15-74,From 15 to 74 years,PC,Percentage,BG31,Severozapaden,2025,,20.0,,,,,\n"
)


def test_sdmx_csv_20_with_labels(fresh_store):
    p = prepare(fresh_store, SDMX_20_LABELS, "download.csv")
    assert_clean(p)
    d = p.detected
    assert (d.format, d.format_label, d.eurostat_dataset) == ("sdmx-csv", "Eurostat SDMX-CSV 2.0", "tgs00010")
    assert d.mapping[0]["indicator"] == "UNEMP" and d.mapping[0]["breakdowns"] == "sex"
    bundled = row(p, "UNEMP", "BG31", 2024)
    assert (bundled.value, bundled.flag, bundled.source) == (9.7, "b", "Eurostat tgs00010 (SDMX-CSV 2.0)")
    assert row(p, "UNEMP", "BG31", 2025, sex="F").value == 9.1
    assert p.skipped == {"isced11=ED0-2 not in the mapping": 1}


def test_sdmx_csv_20_without_labels_and_an_empty_value(fresh_store):
    text = (
        "STRUCTURE,STRUCTURE_ID,ACTION,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "dataflow,ESTAT:ILC_PEPS11N(1.0),I,A,PC_POP,BG31,2024,32.1,,\n"
        "dataflow,ESTAT:ILC_PEPS11N(1.0),I,A,PC_POP,BG32,2024,,,\n"
    )
    p = prepare(fresh_store, text, "data.csv")
    assert_clean(p)
    assert p.detected.eurostat_dataset == "ilc_peps11n"
    assert row(p, "AROPE", "BG31", 2024).value == 32.1
    assert p.skipped == {"missing value (':' or empty)": 1}


def test_sdmx_csv_10_dataflow_and_last_update(fresh_store):
    text = (
        "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
        "ESTAT:ILC_LI41(1.0),22/04/25 23:00:00,A,PC_POP,BG31,2023,28.1,\n"
        "ESTAT:ILC_LI41(1.0),22/04/25 23:00:00,A,PC_POP,BG31,2024,26.3,p\n"
        "ESTAT:ILC_LI41(1.0),22/04/25 23:00:00,A,PC_POP,FR10,2024,14.0,\n"
    )
    p = prepare(fresh_store, text, "ilc_li41.csv")
    assert_clean(p)
    assert p.detected.format_label == "Eurostat SDMX-CSV 1.0"
    r = row(p, "AROP", "BG31", 2024)
    assert (r.value, r.flag, r.vintage, r.source) == (26.3, "p", "2025-04-22", "Eurostat ilc_li41 (SDMX-CSV 1.0)")
    assert row(p, "AROP", "BG31", 2023).value == 28.1
    assert p.skipped == {"areas outside the region list": 1}
    assert (p.diff.new, p.diff.changed) == (1, 1)


def test_sdmx_csv_labels_both_and_excel_resaved_with_semicolons(fresh_store):
    text = (
        "STRUCTURE;STRUCTURE_ID;freq: Time frequency;unit: Unit of measure;geo: Geopolitical entity;"
        "TIME_PERIOD: Time;OBS_VALUE: Observation value;OBS_FLAG: Flag\n"
        "dataflow;ESTAT:ILC_MDDD21(1.0);A:Annual;PC_POP:Percentage of total population;BG34:Yugoiztochen;"
        "2015;33,9;\n"
    )
    p = prepare(fresh_store, text, "export.csv")
    assert_clean(p)
    assert (p.detected.delimiter, p.detected.decimal, p.detected.eurostat_dataset) == (";", ",", "ilc_mddd21")
    assert row(p, "SMD", "BG34", 2015).value == 33.9


def test_overrides_win_over_detection(fresh_store):
    text = "indicator_code|region_code|year|value\nSMD|BG34|2015|33.9\n"
    p = prepare(fresh_store, text.encode("cp1251"), "x.csv", encoding="windows-1251", delimiter="pipe", decimal=".")
    assert_clean(p)
    assert (p.detected.encoding, p.detected.delimiter, p.detected.decimal) == ("cp1251", "|", ".")


def test_projects_template_with_bulgarian_dates_and_region_names(fresh_store):
    header = (
        "project_id,title_en,title_bg,lead_org,lead_org_type,lead_sector,partner_sectors,partner_count,"
        "region_code,theme,target_groups,programme_code,fund,start_date,end_date,status,budget_eur,"
        "eu_contribution_eur,paid_eur,beneficiaries_target,beneficiaries_reached,sdgs,is_synthetic\n"
    )
    line = (
        "BG05SFPR002-2.001-0012,Day centre for children,Дневен център за деца,Община Видин,municipality,,"
        "social,1,Видин,poverty_inclusion,children,2021BG05SFPR002,ESF+,01.03.2024,28.02.2030,,"
        '"250000.50",212500.43,,120,,,\n'
    )
    p = prepare(fresh_store, header + line, "projects.csv")
    assert_clean(p)
    assert (p.detected.dataset, p.detected.format_label) == ("projects", "tidy projects template")
    r = p.rows.iloc[0]
    assert (r.project_id, r.region_code, str(r.start_date), str(r.end_date)) == (
        "BG05SFPR002-2.001-0012",
        "BG311",
        "2024-03-01",
        "2030-02-28",
    )
    assert (r.status, r.lead_sector, r.sdgs, r.is_synthetic) == ("ongoing", "public", "1", False)
    assert (r.budget_eur, r.eu_contribution_eur, r.partner_count) == (250000.5, 212500.43, 1)
    assert r.paid_eur != r.paid_eur and r.beneficiaries_target == 120  # paid not reported: empty (NaN)
    assert (p.diff.new, p.diff.changed) == (1, 0)


KOHESIO = (
    "Operation_Unique_Identifier,Operation_Local_Identifier,Operation_Name_English,"
    "Operation_Name_Programme_Language,Country,Operation_Start_Date,Operation_End_Date,Cofinancing_Rate,"
    "Total_Eligible_Expenditure_amount,Total_Eligible_Expenditure_Currency,Project_EU_Budget,Beneficiary_Name,"
    "Fund_Code,Programme_Name,Category_Label,NUTS3_Code,Programming_Period\n"
    "https://linkedopendata.eu/entity/Q1234567,2021BG05SFPR002-2.001-0012,Social services for Roma families,"
    "Социални услуги за ромски семейства,Bulgaria,04/09/2023,31/12/2035,85.0,337478.4,EUR,286856.64,"
    "Община Видин,ESF+,Human Resources Development,Measures for the social integration of people at risk of "
    "poverty,BG311,2021-2027\n"
    "https://linkedopendata.eu/entity/Q7654321,,Training for young unemployed,Обучение за млади безработни,Bulgaria,"
    '01/02/2024,31/01/2025,85.0,100000,EUR,85000,"Сдружение ""Млади""",ESF+,Human Resources Development,'
    "Measures to improve access to employment,BG311;BG312,2021-2027\n"
)


def test_kohesio_export_maps_onto_projects(fresh_store):
    p = prepare(fresh_store, KOHESIO, "kohesio_bg.csv")
    assert_clean(p)
    assert (p.detected.format, p.detected.dataset) == ("kohesio", "projects")
    first, second = p.rows.iloc[0], p.rows.iloc[1]
    assert (first.project_id, first.title_en, first.title_bg) == (
        "KOHESIO-Q1234567",
        "Social services for Roma families",
        "Социални услуги за ромски семейства",
    )
    assert (first.lead_org_type, first.lead_sector, first.theme, first.sdgs) == (
        "municipality",
        "public",
        "poverty_inclusion",
        "1",
    )
    assert (first.programme_code, first.fund, first.region_code) == ("2021BG05SFPR002", "ESF+", "BG311")
    assert (str(first.start_date), first.budget_eur, first.eu_contribution_eur) == ("2023-09-04", 337478.4, 286856.64)
    assert first.is_synthetic is False or first.is_synthetic == False  # noqa: E712 (numpy bool)
    assert (second.lead_org, second.lead_org_type, second.lead_sector) == ('Сдружение "Млади"', "ngo", "social")
    assert (second.theme, second.region_code, second.status) == ("employment", "BG31", "completed")
    assert second.programme_code is None


def test_template_files_round_trip(fresh_store, tmp_path):
    from si_metrics.ingest import template

    csv_path, text_path = template.write("observations", tmp_path / "obs.csv")
    p = pipeline.prepare_file(fresh_store, csv_path)
    assert_clean(p)
    assert (p.diff.new, p.diff.changed, p.diff.unchanged) == (0, 0, 1)  # the example is the bundled value
    explained = text_path.read_text(encoding="utf-8")
    assert "region_code (required / задължителна)" in explained and "BG: Година (четири цифри)" in explained
    projects_csv, _ = template.write("projects", tmp_path / "projects.csv")
    refused = pipeline.prepare_file(fresh_store, projects_csv)
    assert list(refused.errors["kind"]) == ["reserved_id"]  # the example row is never published by mistake


@pytest.mark.parametrize(
    "header",
    [
        "показател,регион,година,стойност",
        "показател,район,година,стойност",
        "INDICATOR_CODE,Area,YEAR,Value",
        "indicator code,geo,time,obs_value",
    ],
)
def test_header_spellings(fresh_store, header):
    p = prepare(fresh_store, header + "\nSMD,BG34,2015,33.9\n")
    assert_clean(p)
    assert row(p, "SMD", "BG34", 2015).value == 33.9


# ---------------------------------------------------------------------------------------------------------
# Funding: the funding tables' own CSV format and ИСУН's extracts (datasets/sources)


def reference_bytes(name: str) -> bytes:
    from helpers import REFERENCE

    return (REFERENCE / name).read_bytes()


def funding_row(p: pipeline.Prepared, code: str, snapshot: str):
    key = "programme_code" if p.dataset == "funding_programmes" else "municipality_code"
    found = p.rows[(p.rows[key] == code) & (p.rows["snapshot"].astype(str) == snapshot)]
    assert len(found) == 1, (code, snapshot, p.rows)
    return found.iloc[0]


def test_isun_programme_extract_maps_as_the_bundled_table_with_the_snapshot_given(fresh_store):
    p = prepare(
        fresh_store,
        reference_bytes("isun_programme_totals.csv"),
        "isun_programme_totals.csv",
        dataset="funding",
        snapshot="30.09.2026",
    )
    assert_clean(p)
    d = p.detected
    assert (d.format, d.format_label, d.dataset) == ("isun", "ИСУН programme totals extract", "funding_programmes")
    assert p.notes == ["snapshot is not in the file: set to '2026-09-30'"]
    hrd = funding_row(p, "2021BG05SFPR002", "2026-09-30")
    assert (hrd.name_en, hrd.period, hrd.fund) == ("Human Resources Development 2021-2027", "2021-27", "ESF+")
    assert (hrd.contracted_eur, hrd.paid_eur, hrd.contract_count, hrd.grant_eur, hrd.beneficiary_count) == (
        1389386943.62,
        779782599.16,
        2032,
        1381357590.51,
        1454,
    )
    assert funding_row(p, "2014BG05M9OP001", "2026-09-30").fund == "ESF"
    assert list(p.rows["_line"]) == [2, 3, 4, 5]
    assert (p.diff.new, p.diff.changed, p.diff.unchanged) == (4, 0, 0)  # a new snapshot: four new rows
    assert p.warnings.empty  # complete: every programme of the newest snapshot is there


def test_isun_municipality_extract_equals_the_bundled_table_with_the_date_in_the_file_name(fresh_store):
    p = prepare(
        fresh_store,
        reference_bytes("isun_eu_funds_by_municipality.csv"),
        "isun_eu_funds_by_municipality_2026-08-24.csv",
    )  # format and table detected from the header
    assert_clean(p)
    assert (p.detected.format, p.detected.dataset) == ("isun", "funding_municipalities")
    assert (p.rows_read, len(p.rows)) == (265, 265)
    assert (p.diff.new, p.diff.changed, p.diff.unchanged) == (0, 0, 265)  # the same mapping as the bundled CSV
    sofia = funding_row(p, "SOF00", "2026-08-24")
    assert (sofia.source_district_code, sofia.region_code, sofia.contracted_eur) == ("S22", "BG411", 5586912360.46)
    assert round(p.rows["contracted_eur"].sum(), 2) == 21991155879.54


FUNDING_OFFICE = (
    "municipality_code;contracted_eur;paid_eur;contract_count;population;snapshot\r\n"
    "vid01;12 345 678,5;6 000 000;50;40 000;30.09.2026\r\n"
    "BGS04;700 000 000;400 000 000,25;2300;196582;30.09.2026\r\n"
)


def test_funding_table_from_a_bulgarian_spreadsheet_fills_district_and_area_from_the_code(fresh_store):
    p = prepare(fresh_store, FUNDING_OFFICE, "общини.csv")
    d = p.detected
    assert (d.format, d.dataset, d.delimiter, d.decimal) == ("tidy", "funding_municipalities", ";", ",")
    assert p.errors.empty and p.ok, p.errors.to_string()
    vidin = funding_row(p, "VID01", "2026-09-30")
    assert (vidin.source_district_code, vidin.region_code, vidin.contracted_eur, vidin.population) == (
        "VID",
        "BG311",
        12345678.5,
        40000,
    )
    assert funding_row(p, "BGS04", "2026-09-30").paid_eur == 400000000.25
    # a new newest snapshot with 2 of 265 municipalities: a warning, not an error
    assert p.warnings[["line", "column", "value", "kind"]].values.tolist() == [
        [2, "snapshot", "2026-09-30", "incomplete_snapshot"]
    ]
    assert "lacks 263 of the 265 codes of 2026-08-24 (BGS01, BGS06, BGS08," in p.warnings["problem"].iloc[0]


def test_an_older_funding_snapshot_is_kept_with_a_warning(fresh_store):
    text = (
        "programme_code,name_bg,period,contracted_eur,paid_eur,contract_count,grant_eur,beneficiary_count,"
        "snapshot\n"
        "2021BG05SFPR002,РЧР,2021-27,1266939966.04,683068242.74,1944,1266939966.04,1400,2026-05-27\n"
    )
    p = prepare(fresh_store, text, "programmes.csv", dataset="funding")
    assert_clean(p)
    r = funding_row(p, "2021BG05SFPR002", "2026-05-27")
    assert (r.name_en, r.fund) == ("Human Resources Development 2021-2027", "ESF+")  # filled from the code, period
    assert p.warnings[["line", "kind"]].values.tolist() == [[2, "older_snapshot"]]


def test_funding_templates_round_trip(fresh_store, tmp_path):
    from si_metrics.ingest import template

    for name in ("funding_programmes", "funding_municipalities"):
        csv_path, text_path = template.write(name, tmp_path / f"{name}.csv")
        p = pipeline.prepare_file(fresh_store, csv_path)
        assert_clean(p)
        assert (p.detected.dataset, p.diff.new, p.diff.changed, p.diff.unchanged) == (name, 0, 0, 1)
    explained = text_path.read_text(encoding="utf-8")
    assert "municipality_code (required / задължителна)" in explained
    assert "region_code (optional / незадължителна)" in explained and "BG: Население според източника" in explained
