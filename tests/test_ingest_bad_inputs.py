"""The bad-input corpus: each file names the line and column of what is wrong, and publishing it changes nothing.

UTF-16/UTF-32 are accepted with a byte-order mark (see test_ingest_formats) and refused without one, because
their NUL bytes cannot be told from a binary file's.
"""

from __future__ import annotations

import pytest

from si_metrics import store
from si_metrics.catalog import catalog
from si_metrics.exporting import to_csv_bytes
from si_metrics.ingest import pipeline
from si_metrics.ingest.problems import Problem
from si_metrics.ingest.reading import ReadOptions

HEAD = "indicator_code,region_code,year,value\n"
PROJECT_HEAD = (
    "project_id,title_en,title_bg,lead_org,lead_org_type,region_code,theme,target_groups,fund,"
    "start_date,end_date,budget_eur,eu_contribution_eur\n"
)
PROJECT = "P-1,Day centre,Дневен център,Община Видин,municipality,BG311,poverty_inclusion,children,ESF+,"
KOHESIO_HEAD = (
    "Operation_Unique_Identifier,Operation_Name_English,Operation_Name_Programme_Language,"
    "Operation_Start_Date,Operation_End_Date,Total_Eligible_Expenditure_amount,"
    "Total_Eligible_Expenditure_Currency,Project_EU_Budget,Beneficiary_Name,Fund_Code,Category_Label,"
    "NUTS3_Code\n"
)
# lfst_r_lfe2emprt by educational attainment: the mapping (unit=PC;age=Y20-64) does not fix isced11
EMPLOYMENT_BY_EDUCATION = (
    "freq,unit,sex,age,isced11,geo\\TIME_PERIOD\t2022 \t2023 \n"
    "A,PC,T,Y20-64,ED0-2,BG31\t50.1 \t51.0 \n"
    "A,PC,T,Y20-64,ED3_4,BG31\t70.2 \t71.3 \n"
    "A,PC,T,Y20-64,TOTAL,BG31\t68.0 \t: \n"
    "A,PC,T,Y20-64,ED5-8,AT11\t80.0 \t81.0 \n"
)
# ilc_peps11n as Eurostat serves it now (unit PC and THS_PER); the mapping names unit=PC_POP
AROPE_UNITS = (
    "DATAFLOW,LAST UPDATE,freq,unit,age,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
    "ESTAT:ILC_PEPS11N(1.0),22/04/25 23:00:00,A,PC,TOTAL,T,BG31,2024,30.1,\n"
    "ESTAT:ILC_PEPS11N(1.0),22/04/25 23:00:00,A,THS_PER,TOTAL,T,BG31,2024,230,\n"
)
FUNDING_HEAD = (
    "programme_code,name_bg,name_en,period,fund,contracted_eur,paid_eur,contract_count,grant_eur,"
    "beneficiary_count,snapshot\n"
)
FUNDING_ROW = "2021BG05SFPR002,РЧР,Human Resources Development 2021-2027,2021-27,ESF+,{},{},2032,{},1454,{}\n"
MUNI_HEAD = (
    "municipality_code,source_district_code,region_code,contract_count,contracted_eur,paid_eur,population,snapshot\n"
)
ISUN_PROGRAMMES = (
    "code,name,period,contracted_eur,paid_eur,contract_count,grant_eur,beneficiary_count,"
    "fund_type_as_classified,fund_bucket\n"
)
ISUN_MUNIS = "muni,oblast,nuts3_code,contract_count,contracted_eur,paid_eur,population,per_capita_eur\n"
SNAPSHOT = {"snapshot": "2026-09-30"}

# (id, file bytes or text, file name, options, expected (line, column, kind))
CORPUS = [
    ("empty", b"", "empty.csv", {}, (1, "(file)", "empty_file")),
    ("whitespace only", "\n  \n\t\n", "blank.csv", {}, (1, "(file)", "empty_file")),
    ("header only", HEAD, "header.csv", {}, (2, "(file)", "no_data")),
    ("missing column", "indicator_code,region_code,year\nSMD,BG34,2015\n", "m.csv", {}, (1, "value", "missing_column")),
    (
        "two columns for one field",
        "показател,регион,област,година,стойност\nSMD,BG34,BG34,2015,1\n",
        "d.csv",
        {},
        (1, "област", "duplicate_column"),
    ),
    (
        "ragged row, too many fields",
        HEAD + "SMD,BG34,2015,33.9\nSMD,BG34,2014,30,extra\n",
        "r.csv",
        {},
        (3, "(row)", "ragged_row"),
    ),
    ("ragged row, too few fields", HEAD + "SMD,BG34,2015\n", "r2.csv", {}, (2, "(row)", "ragged_row")),
    (
        "unterminated quote",
        HEAD + 'SMD,BG34,2015,33.9\nSMD,"BG34,2014,30\nSMD,BG33,2014,20\n',
        "q.csv",
        {},
        (3, "region_code", "unterminated_quote"),
    ),
    ("quote inside a field", HEAD + 'SMD,BG34,2015,"33"9\n', "q2.csv", {}, (2, "value", "bad_quote")),
    ("text in a number", HEAD + "SMD,BG34,2015,33.9\nSMD,BG34,2014,n/a\n", "t.csv", {}, (3, "value", "not_a_number")),
    (
        "decimal point in a decimal-comma file",
        "показател;регион;година;стойност\nSMD;BG34;2015;33,9\nSMD;BG34;2014;30,1\nSMD;BG34;2013;30.5\n",
        "c.csv",
        {},
        (4, "стойност", "not_a_number"),
    ),
    (
        "text in a number after a blank line and a quoted line break",
        'indicator_code,region_code,year,value,source\r\n\r\nSMD,BG34,2015,33.9,"two\r\nlines"\r\nSMD,BG34,2014,abc,x\r\n',
        "crlf.csv",
        {},
        (5, "value", "not_a_number"),
    ),
    ("bad year", HEAD + "SMD,BG34,20x5,33.9\n", "y.csv", {}, (2, "year", "bad_year")),
    ("year out of range", HEAD + "SMD,BG34,1850,33.9\n", "y2.csv", {}, (2, "year", "bad_year")),
    ("percentage above 100", HEAD + "AROPE,BG31,2024,133.9\n", "p.csv", {}, (2, "value", "out_of_range")),
    ("negative population", HEAD + "POP,BG31,2024,-5\n", "n.csv", {}, (2, "value", "out_of_range")),
    ("NaN", HEAD + "SMD,BG34,2015,NaN\n", "nan.csv", {}, (2, "value", "not_finite")),
    ("infinity", HEAD + "SMD,BG34,2015,-inf\n", "inf.csv", {}, (2, "value", "not_finite")),
    (
        "duplicate keys",
        HEAD + "SMD,BG34,2015,33.9\nSMD,Югоизточен,2015,34.0\n",
        "dup.csv",
        {},
        (3, "indicator_code + region_code + year", "duplicate_key"),
    ),
    ("unknown indicator", HEAD + "AROPEE,BG31,2024,30\n", "i.csv", {}, (2, "indicator_code", "unknown_indicator")),
    ("unknown region", HEAD + "SMD,Vidinn,2015,30\n", "g.csv", {}, (2, "region_code", "unknown_region")),
    ("empty required cell", HEAD + "SMD,,2015,30\n", "e.csv", {}, (2, "region_code", "required")),
    (
        "bad flag",
        "indicator_code,region_code,year,value,flag\nSMD,BG34,2015,30,q\n",
        "f.csv",
        {},
        (2, "flag", "bad_flag"),
    ),
    (
        "bad sex code",
        "indicator_code,region_code,year,value,sex\nPOP,BG34,2015,30,X\n",
        "s.csv",
        {},
        (2, "sex", "bad_code"),
    ),
    ("binary renamed .csv", bytes(range(11, 40)) + b"\x00\x00\xff\xfe" * 20, "data.csv", {}, (1, "(file)", "binary")),
    (
        "Excel workbook renamed .csv",
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(100),
        "book.csv",
        {},
        (1, "(file)", "binary"),
    ),
    (
        "HTML page renamed .csv",
        "\n\n<!DOCTYPE html><html><body>Not found</body></html>\n",
        "page.csv",
        {},
        (3, "(file)", "html"),
    ),
    (
        "UTF-16 without a byte-order mark",
        (HEAD + "SMD,BG34,2015,30\n").encode("utf-16-le"),
        "u16.csv",
        {},
        (1, "(file)", "binary"),
    ),
    (
        "wrong encoding chosen",
        "показател,регион,година,стойност\nSMD,Видин,2015,30\n".encode("cp1251"),
        "w.csv",
        {"encoding": "utf-8"},
        (1, "(file)", "encoding"),
    ),
    (
        "Eurostat TSV cell that is not a number",
        "unit,geo\\time\t2015 \t2014 \nPC_POP,BG31\t44.8 \tabc\n",
        "tgs00107.tsv",
        {},
        (2, "2014", "not_a_number"),
    ),
    (
        "Eurostat TSV with too few codes",
        "unit,geo\\time\t2015 \nBG31\t44.8 \n",
        "tgs00107.tsv",
        {},
        (2, "unit,geo\\time", "ragged_row"),
    ),
    (
        "Eurostat TSV of an unmapped dataset",
        "unit,geo\\time\t2015 \nKM2,BG31\t19068 \n",
        "reg_area3.tsv",
        {},
        (1, "(file)", "unknown_dataset"),
    ),
    (
        "SDMX-CSV of an unmapped dataset",
        "STRUCTURE,STRUCTURE_ID,geo,TIME_PERIOD,OBS_VALUE\ndataflow,ESTAT:NAMA_10R_2GDP(1.0),BG31,2020,100\n",
        "x.csv",
        {},
        (2, "STRUCTURE_ID", "unknown_dataset"),
    ),
    (
        "SDMX-CSV quarterly period",
        "STRUCTURE,STRUCTURE_ID,unit,geo,TIME_PERIOD,OBS_VALUE\ndataflow,ESTAT:ILC_LI41(1.0),PC_POP,BG31,2020-Q1,20\n",
        "x.csv",
        {},
        (2, "TIME_PERIOD", "bad_year"),
    ),
    (
        "Eurostat TSV with a dimension the mapping does not fix",
        EMPLOYMENT_BY_EDUCATION,
        "lfst_r_lfe2emprt.tsv",
        {},
        (3, "freq,unit,sex,age,isced11,geo\\TIME_PERIOD", "unmapped_dimension"),
    ),
    (
        "SDMX-CSV whose unit codes the mapping does not use",
        AROPE_UNITS,
        "peps.csv",
        {},
        (2, "unit", "unmapped_dimension"),
    ),
    (
        "a Eurostat file uploaded as projects",
        "unit,geo\\time\t2015 \nPC_POP,BG31\t44.8 \n",
        "tgs00107.tsv",
        {"dataset": "projects"},
        (1, "(file)", "wrong_dataset"),
    ),
    (
        "funding: unknown programme",
        FUNDING_HEAD + FUNDING_ROW.format(1, 1, 1, "2026-09-30").replace("SFPR002", "SFPR009"),
        "f.csv",
        {},
        (2, "programme_code", "unknown_programme"),
    ),
    (
        "funding: unknown municipality in an ИСУН extract",
        ISUN_MUNIS + "BGS04,BGS,BG341,1,1,1,1,1\nBGS99,BGS,BG341,1,1,1,1,1\n",
        "m.csv",
        SNAPSHOT,
        (3, "muni", "unknown_municipality"),
    ),
    (
        "funding: municipality in another district",
        MUNI_HEAD + "BGS04,BGS,BG331,1,1,1,1,2026-09-30\n",
        "m.csv",
        {},
        (2, "region_code", "bad_code"),
    ),
    (
        "funding: negative amount",
        FUNDING_HEAD + FUNDING_ROW.format(-5, 1, 1, "2026-09-30"),
        "f.csv",
        {},
        (2, "contracted_eur", "out_of_range"),
    ),
    (
        "funding: text in a number in an ИСУН extract",
        ISUN_PROGRAMMES + "2021BG05SFPR002,РЧР,2021-27,1,n/a,1,1,1,ESF,ESF 2021-27\n",
        "p.csv",
        SNAPSHOT,
        (2, "paid_eur", "not_a_number"),
    ),
    (
        "funding: a count with a fraction",
        MUNI_HEAD + "BGS04,,,12.5,1,1,1,2026-09-30\n",
        "m.csv",
        {},
        (2, "contract_count", "not_a_number"),
    ),
    (
        "funding: no population",
        MUNI_HEAD + "BGS04,,,1,1,1,0,2026-09-30\n",
        "m.csv",
        {},
        (2, "population", "out_of_range"),
    ),
    (
        "funding: impossible snapshot date",
        FUNDING_HEAD + FUNDING_ROW.format(1, 1, 1, "31.02.2026"),
        "f.csv",
        {},
        (2, "snapshot", "bad_date"),
    ),
    (
        "funding: snapshot option that is not a date",
        ISUN_PROGRAMMES + "2021BG05SFPR002,РЧР,2021-27,1,1,1,1,1,,\n",
        "p.csv",
        {"snapshot": "2026-02-30"},
        (1, "snapshot", "bad_date"),
    ),
    (
        "funding: fund of another period",
        FUNDING_HEAD + FUNDING_ROW.format(1, 1, 1, "2026-09-30").replace("ESF+", "ESF"),
        "f.csv",
        {},
        (2, "fund", "bad_code"),
    ),
    (
        "funding: the same programme and snapshot twice",
        FUNDING_HEAD + FUNDING_ROW.format(1, 1, 1, "2026-09-30") + FUNDING_ROW.format(2, 1, 1, "30.09.2026"),
        "f.csv",
        {},
        (3, "programme_code + snapshot", "duplicate_key"),
    ),
    (
        "funding: ИСУН extract without a snapshot date",
        ISUN_PROGRAMMES + "2021BG05SFPR002,РЧР,2021-27,1,1,1,1,1,,\n",
        "isun_programme_totals.csv",
        {},
        (1, "(file)", "cannot_infer"),
    ),
    (
        "funding: ИСУН absorption extract",
        "level,code,name_bg,period,fund_type_as_classified,contracted_eur,paid_eur,"
        "absorption_pct,contract_count\nprogramme,2021BG05SFPR002,РЧР,2021-27,ESF,1,1,50,1\n",
        "a.csv",
        SNAPSHOT,
        (1, "(file)", "unknown_format"),
    ),
    (
        "an indicator file uploaded as funding",
        HEAD + "SMD,BG34,2015,30\n",
        "o.csv",
        {"dataset": "funding"},
        (1, "(file)", "unknown_format"),
    ),
    (
        "project with a demo id",
        PROJECT_HEAD + PROJECT.replace("P-1", "DEMO-000001") + "2024-01-01,2025-01-01,10,5\n",
        "p.csv",
        {},
        (2, "project_id", "reserved_id"),
    ),
    (
        "project ending before it starts",
        PROJECT_HEAD + PROJECT + "2024-01-01,2023-01-01,10,5\n",
        "p.csv",
        {},
        (2, "end_date", "out_of_range"),
    ),
    (
        "project with an impossible date",
        PROJECT_HEAD + PROJECT + "31.02.2024,2025-01-01,10,5\n",
        "p.csv",
        {},
        (2, "start_date", "bad_date"),
    ),
    (
        "Kohesio amounts in another currency",
        KOHESIO_HEAD + "Q1,Training,Обучение,01/02/2024,01/02/2025,100,BGN,85,"
        "Община Видин,ESF+,Measures to improve access to employment,BG311\n",
        "k.csv",
        {},
        (2, "Total_Eligible_Expenditure_Currency", "currency"),
    ),
    (
        "Kohesio beneficiary of unknown kind",
        KOHESIO_HEAD + "Q1,Training,Обучение,01/02/2024,01/02/2025,100,EUR,85,"
        "Иван Петров,ESF+,Measures to improve access to employment,BG311\n",
        "k.csv",
        {},
        (2, "Beneficiary_Name", "cannot_infer"),
    ),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """A store of this module's own; every test checks that nothing in it changed."""
    connection = store.open_store(tmp_path_factory.mktemp("bad_inputs") / "store")
    yield connection
    connection.close()


def full_export(con) -> dict[str, bytes]:
    """Every dataset as exported, and the release table: what must not change."""
    out = {name: to_csv_bytes(store.current(con, name)) for name in catalog()}
    out["releases"] = to_csv_bytes(store.release_history(con))
    return out


@pytest.fixture(scope="module")
def before(con):
    return full_export(con)


def attempt(con, data, name, options) -> pipeline.Prepared:
    """Prepare, then try to publish as staff would; publishing must refuse."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    prepared = pipeline.prepare(con, raw, name, ReadOptions(**options))
    with pytest.raises(ValueError, match="nothing was published"):
        pipeline.publish(con, prepared, user="tester", note="bad input")
    return prepared


@pytest.mark.parametrize("case", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_input_is_named_by_line_and_column_and_changes_nothing(con, before, case):
    _, data, name, options, (line, column, kind) = case
    prepared = attempt(con, data, name, options)
    errors = prepared.errors
    assert not prepared.ok
    match = errors[(errors["line"] == line) & (errors["column"] == column) & (errors["kind"] == kind)]
    assert len(match) >= 1, errors.to_string()
    message = str(Problem(**match.iloc[0].to_dict()))
    assert message.startswith(f"line {line}, column {column}: ")
    assert len(message.splitlines()) == 1
    assert full_export(con) == before


def test_the_corpus_covers_at_least_25_kinds_of_bad_input():
    assert len(CORPUS) >= 25
    assert len({c[4][2] for c in CORPUS}) >= 25


def test_an_unfixed_eurostat_dimension_is_one_error_not_a_flood_of_duplicates(con, before):
    prepared = attempt(con, EMPLOYMENT_BY_EDUCATION, "lfst_r_lfe2emprt.tsv", {})
    assert len(prepared.errors) == 1, prepared.errors.to_string()
    e = prepared.errors.iloc[0]
    assert (e.line, e.value, e.kind) == (3, "ED0-2, ED3_4, TOTAL", "unmapped_dimension")  # AT11's ED5-8 is skipped
    assert e.problem == (
        "dimension isced11 has 3 values (ED0-2, ED3_4, TOTAL); the catalogue maps lfst_r_lfe2emprt "
        "to EMP_20_64 where unit=PC;age=Y20-64 and does not fix isced11, so every key would repeat — "
        "add isced11=<one of them> to that row of datasets/indicator_eurostat.csv, or keep one "
        "isced11 in the file"
    )
    assert len(prepared.rows) == 0 and prepared.skipped == {"areas outside the region list": 2}
    units = attempt(con, AROPE_UNITS, "peps.csv", {})
    assert units.errors[["line", "column", "value", "kind"]].values.tolist() == [
        [2, "unit", "PC, THS_PER", "unmapped_dimension"]
    ]
    assert (
        units.errors["problem"]
        .iloc[0]
        .startswith("the catalogue maps ilc_peps11n to AROPE where unit=PC_POP, but the file's unit has PC, THS_PER")
    )
    assert full_export(con) == before


def test_suggestions_for_unknown_names(con):
    prepared = pipeline.prepare(con, (HEAD + "AROPEE,Vidinn,2024,30\n").encode(), "s.csv")
    problems = dict(zip(prepared.errors["kind"], prepared.errors["problem"]))
    assert problems["unknown_region"] == "not a known area; did you mean Vidin / Видин (BG311)?"
    assert "did you mean" in problems["unknown_indicator"] and "(AROPE" in problems["unknown_indicator"]


def test_every_bad_cell_of_a_row_is_reported(con):
    prepared = pipeline.prepare(con, (b"indicator_code,region_code,year,value,flag\nXX,BG31,20x5,abc,q\n"), "many.csv")
    assert sorted(prepared.errors["column"]) == ["flag", "indicator_code", "value", "year"]
    assert set(prepared.errors["line"]) == {2}


def test_oversize_file_is_refused_before_reading(con, before, monkeypatch, tmp_path):
    monkeypatch.setenv("SI_MAX_UPLOAD_MB", "0.001")  # about 1 KB
    path = tmp_path / "big.csv"
    path.write_text(HEAD + "SMD,BG34,2015,33.9\n" * 200, encoding="utf-8")
    prepared = pipeline.prepare_file(con, path)
    assert list(prepared.errors[["line", "column", "kind"]].itertuples(index=False, name=None)) == [
        (1, "(file)", "too_large")
    ]
    assert "SI_MAX_UPLOAD_MB" in prepared.errors["problem"].iloc[0]
    with pytest.raises(ValueError, match=r"^1 problem\(s\) in big.csv; nothing was published$"):
        pipeline.publish(con, prepared, user="t", note="n")
    assert full_export(con) == before


def test_too_many_rows_names_the_first_line_over_the_limit(con, before, monkeypatch):
    monkeypatch.setenv("SI_MAX_UPLOAD_ROWS", "3")
    prepared = attempt(con, HEAD + "".join(f"SMD,BG34,{y},30\n" for y in range(2010, 2015)), "rows.csv", {})
    assert list(prepared.errors[["line", "column", "kind"]].itertuples(index=False, name=None)) == [
        (5, "(file)", "too_many_rows")
    ]
    assert full_export(con) == before


def test_a_bad_limit_setting_is_one_clear_error(monkeypatch):
    from si_metrics import config

    monkeypatch.setenv("SI_MAX_UPLOAD_ROWS", "lots")
    with pytest.raises(ValueError, match="SI_MAX_UPLOAD_ROWS must be a positive number, not 'lots'"):
        config.max_upload_rows()


def test_formula_and_script_in_text_cells_are_kept_as_text_and_neutralised_on_export(fresh_store):
    formula, script = '=HYPERLINK("http://evil.example","x")', "<script>alert(1)</script>"
    text = (
        "indicator_code,region_code,year,value,source,vintage\n"
        f'SMD,BG34,2016,31.0,"{formula.replace(chr(34), chr(34) * 2)}",2026\n'
        f"SMD,BG34,2017,30.0,{script},@SUM(A1)\n"
    )
    prepared = pipeline.prepare(fresh_store, text.encode(), "formula.csv")
    assert prepared.ok, prepared.errors.to_string()
    pipeline.publish(fresh_store, prepared, user="tester", note="formula")
    current = store.current(fresh_store, "observations").set_index(["indicator_code", "region_code", "year"])
    assert current.loc[("SMD", "BG34", 2016), "source"] == formula  # stored exactly, never evaluated
    assert current.loc[("SMD", "BG34", 2017), "source"] == script
    exported = to_csv_bytes(store.current(fresh_store, "observations")).decode()
    assert '"\'=HYPERLINK(""http://evil.example"",""x"")"' in exported
    assert f",{script},'@SUM(A1)" in exported  # text as text; the formula-like vintage neutralised
    report = prepared.report_csv().decode("utf-8-sig")
    assert report.startswith("severity,line,column,value,kind,problem")
