"""NSI open-data tables as uploads: the -data / -fields / -codelists triplet (or a .zip of it), decoded with its
code lists, mapped to catalogue indicators by indicator_nsi or by --indicator, in Windows-1251 or UTF-8.

The bundled tables are the real ones in datasets/sources/nsi. The tables "the project has never seen" are made here
in NSI's own layout (same fields and code-list files, Windows-1251), with values chosen for the test."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT
from si_metrics import store
from si_metrics.ingest import nsi, pipeline
from si_metrics.ingest.reading import ReadOptions

NSI = ROOT / "datasets" / "sources" / "nsi"
UNEMP = "nsi1011_LFS_A_KB_sex_obl_statreg"
FIELDS_HEADER = "Field,Name in Bulgarian,Name in English\n"
CODES_HEADER = "Code list,Code,Name of Code list or Code in Bulgarian,Name of Code list or Code in English\n"


def cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "SI_DATA_DIR": str(env_dir), "HOME": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "si_metrics", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A store of its own (the module publishes into it), built from the bundled datasets."""
    folder = tmp_path_factory.mktemp("nsi_store")
    assert cli("init", env_dir=folder).returncode == 0
    return folder


@pytest.fixture
def con(fresh):
    """An in-process connection to that store, closed after the test so the command line can open it."""
    connection = store.open_store(fresh / "store")
    yield connection
    connection.close()


def employment_table(folder: Path, periods=("2023", "2024"), encoding="cp1251", name="nsi9999_LFS_emp") -> Path:
    """An LFS employment-rate table by sex and district, in NSI's layout, which indicator_nsi does not map."""
    rows = ["RevisionColumn,GenderID,NUTS,periods,Units,ValueColumn"]
    values = {("0", "BG"): "66.1", ("0", "BG311"): "52.3", ("1", "BG311"): "(55.0)", ("2", "BG311"): "49.6"}
    for period in periods:
        for (sex, area), value in values.items():
            rows.append(f'"r_1","{sex}","{area}","{period}","perc","{value}"')
    fields = FIELDS_HEADER + (
        '"RevisionColumn","актуализации","updates"\n"GenderID","Пол","Sex"\n"NUTS","NUTS","NUTS"\n'
        '"periods","Времева разбивка","Time breakdown"\n"Units","Мернa единицa","Unit of measure"\n'
        '"ValueColumn","Стойност за показател Коефициенти на заетост 15-64",'
        '"Value of indicator Employment rates 15-64"\n'
    )
    codes = CODES_HEADER + (
        '"GenderID","","Пол","Sex"\n"GenderID","0","Общо","Total"\n"GenderID","1","Мъже","Male"\n'
        '"GenderID","2","Жени","Female"\n"Units","perc","процент","Per cent"\n"NUTS","BG311","Видин","Vidin"\n'
    )
    folder.mkdir(parents=True, exist_ok=True)
    for part, text in (("data", "\n".join(rows) + "\n"), ("fields", fields), ("codelists", codes)):
        (folder / f"{name}-{part}.csv").write_bytes(text.encode(encoding))
    return folder / f"{name}-data.csv"


def test_a_bundled_table_validates_with_its_companions_found_beside_it(fresh, tmp_path):
    for part in nsi.PARTS:
        shutil.copy(NSI / f"{UNEMP}-{part}.csv", tmp_path)
    done = cli("validate", str(tmp_path / f"{UNEMP}-data.csv"), env_dir=fresh)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NSI open-data table 1011" in done.stdout and "encoding cp1251" in done.stdout
    # 2,310 data rows; the 72 keys Eurostat gives (NUTS 2, 2013-2024) keep Eurostat's rows in the bundle, so 15 of
    # them differ here where NSI or Eurostat revised a figure
    assert "mapping: NSI table 1011 -> UNEMP where Units=perc (breakdowns kept: GenderID): 2310 rows" in done.stdout
    assert "rows: 2310 read, 2310 ready, 0 skipped" in done.stdout


def test_the_three_files_in_one_zip_read_like_the_files(con):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in nsi.PARTS:
            archive.write(NSI / f"{UNEMP}-{part}.csv", f"table/{UNEMP}-{part}.csv")
    zipped = pipeline.prepare(con, buffer.getvalue(), "unemployment.zip")
    files = pipeline.prepare_file(con, NSI / f"{UNEMP}-data.csv")
    assert zipped.ok and files.ok, zipped.errors
    assert zipped.rows_read == files.rows_read == 2310
    assert zipped.rows.equals(files.rows)
    vidin = files.rows[(files.rows["region_code"] == "BG311") & (files.rows["sex"] == "T")].set_index("year")
    assert vidin.loc[2024, "value"] == 18.7 and vidin.loc[2003, "value"] == 20.0
    kardzhali = files.rows[(files.rows["region_code"] == "BG425") & (files.rows["sex"] == "T")].set_index("year")
    assert (kardzhali.loc[2024, "value"], kardzhali.loc[2024, "flag"]) == (4.2, "u")


def test_utf8_copies_read_the_same_as_windows_1251(con, tmp_path):
    for part in nsi.PARTS:
        text = (NSI / f"{UNEMP}-{part}.csv").read_bytes().decode("cp1251")
        (tmp_path / f"{UNEMP}-{part}.csv").write_bytes(("\ufeff" + text).encode("utf-8"))
    utf8 = pipeline.prepare_file(con, tmp_path / f"{UNEMP}-data.csv")
    cp1251 = pipeline.prepare_file(con, NSI / f"{UNEMP}-data.csv")
    assert utf8.detected.encoding == "utf-8" and cp1251.detected.encoding == "cp1251"
    assert utf8.ok and utf8.rows.equals(cp1251.rows)


def test_a_data_file_alone_is_refused_naming_the_missing_companions(fresh, tmp_path):
    shutil.copy(NSI / f"{UNEMP}-data.csv", tmp_path)
    done = cli("validate", str(tmp_path / f"{UNEMP}-data.csv"), env_dir=fresh)
    assert done.returncode == 1
    assert f"{UNEMP}-fields.csv, {UNEMP}-codelists.csv is missing" in done.stdout


def test_an_unknown_table_needs_its_indicator_and_then_publishes_exact_values(fresh, tmp_path):
    data = employment_table(tmp_path)
    refused = cli("validate", str(data), env_dir=fresh)
    assert refused.returncode == 1
    assert "Employment rates 15-64" in refused.stdout and "--indicator CODE" in refused.stdout
    published = cli(
        "publish", str(data), "--indicator", "EMP_15_64", "--user", "tester", "--note", "LFS", env_dir=fresh
    )
    assert published.returncode == 0, published.stdout + published.stderr
    assert "8 new" in published.stdout
    export = cli("export", "observations", env_dir=fresh).stdout
    rows = [line for line in export.splitlines() if line.startswith("EMP_15_64,")]
    assert "EMP_15_64,BG311,2024,52.3,,T,TOTAL,NSI table 9999: Employment rates 15-64," in "\n".join(rows)
    assert any(
        r.startswith("EMP_15_64,BG311,2024,55.0,u,M,TOTAL,") or r.startswith("EMP_15_64,BG311,2024,55,u,M,")
        for r in rows
    ), rows


def test_a_quarterly_table_is_refused_naming_the_period(fresh, tmp_path):
    data = employment_table(tmp_path, periods=("2025Q2", "2025Q3"), name="nsi9998_LFS_q")
    done = cli("validate", str(data), "--indicator", "EMP_15_64", env_dir=fresh)
    assert done.returncode == 1
    assert "line 2, column periods: '2025Q2': 2025Q2 is a quarter" in done.stdout
    assert "never averaged or cut to a year" in done.stdout


def test_an_indicator_in_another_unit_is_refused_not_mixed(fresh, tmp_path):
    data = employment_table(tmp_path, name="nsi9997_LFS_unit")
    done = cli("validate", str(data), "--indicator", "POP", env_dir=fresh)  # POP is a count (NR)
    assert done.returncode == 1
    assert "POP is in NR; this table's units are perc (Per cent)" in done.stdout


def test_a_dimension_with_several_codes_needs_a_filter(con):
    data = (NSI / "nsi176_ov_1a-data.csv").read_bytes()
    companions = {p: (NSI / f"nsi176_ov_1a-{p}.csv").read_bytes() for p in nsi.PARTS[1:]}
    # renamed, and given as another indicator: the catalogue's mapping (with SILC_Median=3) does not apply
    unfiltered = pipeline.prepare(con, data, "poverty-data.csv", ReadOptions(indicator="AROP"), companions)
    assert not unfiltered.ok
    problem = unfiltered.errors[unfiltered.errors["kind"] == "unmapped_dimension"].iloc[0]
    assert problem["column"] == "SILC_Median" and problem["value"] == "1, 2, 3, 4"
    assert "3 = 60% of median equivalised income" in problem["problem"]
    chosen = pipeline.prepare(
        con, data, "poverty-data.csv", ReadOptions(indicator="AROP", filter=(("SILC_Median", "3"),)), companions
    )
    assert chosen.ok, chosen.errors
    rows = chosen.rows.set_index(["region_code", "year", "sex", "age"])
    assert rows.loc[("BG41", 2024, "T", "TOTAL"), "value"] == 23.9
    assert rows.loc[("BG", 2008, "T", "Y_LT18"), "value"] > 0
    assert set(chosen.rows["age"]) == {"TOTAL", "Y_LT18", "Y18-64", "Y_GE65"}
    assert chosen.skipped["rows of other units or dimension codes than the indicator's mapping"] > 0


def test_a_mixed_encoding_file_is_refused_at_its_utf8_line(fresh, tmp_path):
    for part in ("data", "fields"):
        shutil.copy(NSI / f"{UNEMP}-{part}.csv", tmp_path)
    lines = (NSI / f"{UNEMP}-codelists.csv").read_bytes().split(b"\n")
    lines[4] = '"GenderID","2","Жени","Female"'.encode()  # a line pasted from a UTF-8 file into a Windows-1251 one
    (tmp_path / f"{UNEMP}-codelists.csv").write_bytes(b"\n".join(lines))
    done = cli("validate", str(tmp_path / f"{UNEMP}-data.csv"), env_dir=fresh)
    assert done.returncode == 1
    assert f"{UNEMP}-codelists.csv: line 5 is UTF-8 while the rest of the file is Windows-1251" in done.stdout
    assert "line 5, column (file):" in done.stdout


@pytest.mark.parametrize(
    "label, code",
    [
        ("Total", "TOTAL"),
        ("Less than 18 years", "Y_LT18"),
        ("Between 18 and 64 years", "Y18-64"),
        ("65 years and over", "Y_GE65"),
        ("less than 65 years", "Y_LT65"),
        ("15 - 24", "Y15-24"),
        ("Pensioners", None),
    ],
)
def test_age_groups_are_named_from_their_english_labels(label, code):
    assert nsi.age_code(label) == code
