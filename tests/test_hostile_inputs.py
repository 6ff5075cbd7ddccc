"""The standing hostile-input suite: what an attacker or an unlucky user can upload, in every format, and what must
happen — refused with the line, column and value named, within 15 s and 1 GB, and the published data unchanged.

Small inputs run in this process through the pipeline's prepare and publish (what the page and the command line
call). Large ones are generated once per session and run in one worker process of their own, whose peak memory is
read from the kernel (VmHWM, reset before each case through /proc/self/clear_refs), so Arrow's and DuckDB's memory
counts too; a few run through ``python -m si_metrics publish`` itself, measured with getrusage.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from si_metrics import store  # noqa: E402
from si_metrics.catalog import catalog  # noqa: E402
from si_metrics.exporting import to_csv_bytes  # noqa: E402
from si_metrics.ingest import pipeline  # noqa: E402
from si_metrics.ingest.detect import MAX_COLUMNS, MAX_LINE_CHARS  # noqa: E402
from si_metrics.ingest.problems import Problem  # noqa: E402
from si_metrics.ingest.reading import ReadOptions  # noqa: E402

SECONDS = 15  # the issue's budget per input
MEMORY_MB = 1024
NSI = ROOT / "datasets" / "sources" / "nsi"
UNEMP = "nsi1011_LFS_A_KB_sex_obl_statreg"

HEAD = "indicator_code,region_code,year,value\n"
PROJECT_HEAD = (
    "project_id,title_en,title_bg,lead_org,lead_org_type,region_code,theme,target_groups,fund,"
    "start_date,end_date,budget_eur,eu_contribution_eur\n"
)
FUNDING_HEAD = (
    "programme_code,name_bg,name_en,period,fund,contracted_eur,paid_eur,contract_count,grant_eur,"
    "beneficiary_count,snapshot\n"
)
SDMX_HEAD = "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
SDMX_ROW = "ESTAT:ILC_LI41(1.0),22/04/25 23:00:00,A,PC_POP,BG31,{year},{value},\n"
TSV_HEAD = "unit,geo\\time\t2015 \t2014 \n"
KOHESIO_HEAD = (
    "Operation_Unique_Identifier,Operation_Name_English,Operation_Name_Programme_Language,"
    "Operation_Start_Date,Operation_End_Date,Total_Eligible_Expenditure_amount,"
    "Total_Eligible_Expenditure_Currency,Project_EU_Budget,Beneficiary_Name,Fund_Code,Category_Label,"
    "NUTS3_Code\n"
)


def project(i: int, title: str = "Дневен център", budget: str = "10", eu: str = "5", pid: str = "") -> str:
    return (
        f"{pid or f'P-{i}'},Day centre {i},{title} {i},Община Видин,municipality,BG311,poverty_inclusion,children,"
        f"ESF+,2024-01-01,2025-01-01,{budget},{eu}\n"
    )


def funding(contracted: str = "1", snapshot: str = "2026-09-30") -> str:
    name = "Human Resources Development 2021-2027"
    return f"2021BG05SFPR002,РЧР,{name},2021-27,ESF+,{contracted},1,2032,1,1454,{snapshot}\n"


def cp1251_with_utf8_line(rows: int, utf8_at: int) -> bytes:
    """A Windows-1251 projects file with one line pasted from a UTF-8 file (line ``utf8_at``, header = 1)."""
    out = [PROJECT_HEAD.encode()]
    for i in range(1, rows + 1):
        line = project(i, "Проект за деца" if i + 1 == utf8_at else "Дневен център")
        out.append(line.encode("utf-8" if i + 1 == utf8_at else "cp1251"))
    return b"".join(out)


def utf8_with_cp1251_line(rows: int, bad_at: int) -> bytes:
    out = [PROJECT_HEAD.encode()]
    for i in range(1, rows + 1):
        out.append(project(i).encode("cp1251" if i + 1 == bad_at else "utf-8"))
    return b"".join(out)


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def nsi_parts(data: bytes | None = None, fields: bytes | None = None, codes: bytes | None = None) -> dict:
    """An NSI table's three files (the bundled unemployment table), some of them replaced."""
    return {
        f"{UNEMP}-data.csv": data if data is not None else (NSI / f"{UNEMP}-data.csv").read_bytes(),
        f"{UNEMP}-fields.csv": fields if fields is not None else (NSI / f"{UNEMP}-fields.csv").read_bytes(),
        f"{UNEMP}-codelists.csv": codes if codes is not None else (NSI / f"{UNEMP}-codelists.csv").read_bytes(),
    }


def nsi_codelists_with_utf8_line() -> bytes:
    lines = (NSI / f"{UNEMP}-codelists.csv").read_bytes().split(b"\n")
    lines[3] = '"GenderID","1","Мъже","Male"'.encode()
    return b"\n".join(lines)


NSI_DATA = (NSI / f"{UNEMP}-data.csv").read_text(encoding="utf-8")
WIDE_HEADER = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\nSMD,BG34,2015,1\n"

# (id, file, name, options, (line, column, kind), a piece of text the message must hold or None)
CASES: list[tuple[str, bytes | str | dict, str, dict, tuple[int, str, str], str | None]] = [
    # plain CSV indicator files: bytes and encodings
    ("NUL byte in a cell", HEAD + "SMD,BG34,2015,3\x000\n", "nul.csv", {}, (2, "(file)", "binary"), "0x00"),
    ("NUL bytes only", b"\x00" * 4096, "zeros.csv", {}, (1, "(file)", "binary"), None),
    ("PDF renamed .csv", b"%PDF-1.7\n" + bytes(200), "r.csv", {}, (1, "(file)", "binary"), "PDF"),
    ("old Excel renamed .csv", b"\xd0\xcf\x11\xe0\xa1\xb1" + bytes(200), "x.csv", {}, (1, "(file)", "binary"), ".xls"),
    ("PNG renamed .csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "i.csv", {}, (1, "(file)", "binary"), "PNG"),
    ("XML document", '<?xml version="1.0"?>\n<data/>\n', "x.csv", {}, (1, "(file)", "html"), "HTML or XML"),
    ("HTML after blank lines", "\n\n\n<table><tr><td>1</td></tr></table>", "t.csv", {}, (4, "(file)", "html"), None),
    (
        "a byte-order mark inside a code",
        HEAD + "SMD,BG\ufeff34,2015,1\n",
        "bom.csv",
        {},
        (2, "region_code", "unknown_region"),
        None,
    ),
    (
        "UTF-8 BOM, then text in a number",
        codecs.BOM_UTF8 + (HEAD + "SMD,BG34,2015,abc\n").encode(),
        "b.csv",
        {},
        (2, "value", "not_a_number"),
        None,
    ),
    (
        "UTF-16 BOM, then an unknown area",
        (HEAD + "SMD,Atlantis,2015,1\n").encode("utf-16"),
        "u.csv",
        {},
        (2, "region_code", "unknown_region"),
        None,
    ),
    (
        "Windows-1251 file with one UTF-8 line",
        cp1251_with_utf8_line(39, 21),
        "p.csv",
        {},
        (21, "(file)", "encoding"),
        "line 21 is UTF-8 while the rest of the file is",
    ),
    (
        "short Windows-1251 file with one UTF-8 line",
        cp1251_with_utf8_line(2, 3),
        "p.csv",
        {},
        (3, "(file)", "encoding"),
        "line 3 is UTF-8",
    ),
    (
        "UTF-8 file with one Windows-1251 line",
        utf8_with_cp1251_line(30, 12),
        "p.csv",
        {},
        (12, "(file)", "encoding"),
        "line 12 is not UTF-8",
    ),
    (
        "UTF-8 file uploaded as Windows-1251",
        (PROJECT_HEAD + project(1)).encode(),
        "p.csv",
        {"encoding": "windows-1251"},
        (2, "(file)", "encoding"),
        "the file is UTF-8",
    ),
    (
        "Windows-1251 chosen, one line UTF-8",
        cp1251_with_utf8_line(5, 4),
        "p.csv",
        {"encoding": "windows-1251"},
        (4, "(file)", "encoding"),
        "line 4 is UTF-8",
    ),
    ("unknown encoding chosen", HEAD, "e.csv", {"encoding": "klingon"}, (1, "(file)", "encoding"), "klingon"),
    # plain CSV: shape
    (
        "header one column wider than the limit",
        WIDE_HEADER,
        "w.csv",
        {},
        (1, "(row)", "too_wide"),
        f"{MAX_COLUMNS + 1:,} fields; at most {MAX_COLUMNS:,}",
    ),
    (
        "a data line wider than the limit",
        HEAD + "SMD,BG34,2015,1\n" + "," * MAX_COLUMNS + "x\n",
        "w.csv",
        {},
        (3, "(row)", "too_wide"),
        "this line has",
    ),
    (
        "a wide header after blank lines, semicolons",
        "\n \n" + ";".join(["x"] * 2000) + "\n",
        "w.csv",
        {},
        (3, "(row)", "too_wide"),
        "2,000 fields",
    ),
    (
        "a line longer than the limit",
        HEAD + "SMD,BG34,2015," + "9" * (MAX_LINE_CHARS + 1) + "\n",
        "l.csv",
        {},
        (2, "(row)", "line_too_long"),
        "the longest line (and field) read",
    ),
    (
        "a quote that runs on past the field limit",
        HEAD + 'SMD,BG34,2015,"1\n' + ("x" * 99 + "\n") * (MAX_LINE_CHARS // 100 + 10),
        "q.csv",
        {},
        (2, "value", "unterminated_quote"),
        "past 16,777,216 characters",
    ),
    (
        "duplicate header names",
        "indicator_code,indicator_code,region_code,year,value\nSMD,SMD,BG34,2015,1\n",
        "d.csv",
        {},
        (1, "indicator_code", "duplicate_column"),
        None,
    ),
    (
        "HTML-escaped header names",
        "&lt;indicator_code&gt;,region_code,year,value\nSMD,BG34,2015,1\n",
        "h.csv",
        {},
        (1, "indicator_code", "missing_column"),
        "the header has: &lt;indicator_code&gt;",
    ),
    (
        "lone carriage returns",
        HEAD.replace("\n", "\r") + "SMD,BG34,2015,x\r",
        "cr.csv",
        {},
        (2, "value", "not_a_number"),
        None,
    ),
    (
        "only delimiters",
        ",,,,\n,,,\n;;;\n",
        "d.csv",
        {},
        (3, "indicator_code", "missing_column"),
        "the header has: ;;;",
    ),
    # plain CSV: cells
    ("formula as a value", HEAD + 'SMD,BG34,2015,"=1+2"\n', "f.csv", {}, (2, "value", "not_a_number"), "=1+2"),
    (
        "HYPERLINK formula as an area",
        HEAD + '@HYPERLINK("x"),SMD,2015,1\n',
        "f.csv",
        {},
        (2, "indicator_code", "unknown_indicator"),
        None,
    ),
    (
        "script as an indicator",
        HEAD + "<script>alert(1)</script>,BG34,2015,1\n",
        "s.csv",
        {},
        (2, "indicator_code", "unknown_indicator"),
        "<script>",
    ),
    (
        "SQL in an area code",
        HEAD + "SMD,BG34'; drop table observations;--,2015,1\n",
        "s.csv",
        {},
        (2, "region_code", "unknown_region"),
        "drop table",
    ),
    ("a number past float range", HEAD + "SMD,BG34,2015,1e999\n", "n.csv", {}, (2, "value", "not_finite"), None),
    ("a 400-digit number", HEAD + "POP,BG34,2015," + "9" * 400 + "\n", "n.csv", {}, (2, "value", "not_finite"), None),
    ("a five-digit year", HEAD + "SMD,BG34,99999,1\n", "y.csv", {}, (2, "year", "bad_year"), "99999"),
    ("a negative year", HEAD + "SMD,BG34,-2015,1\n", "y.csv", {}, (2, "year", "bad_year"), None),
    (
        "Cyrillic look-alike in a code",
        HEAD + "ЅMD,BG34,2015,1\n",
        "c.csv",
        {},
        (2, "indicator_code", "unknown_indicator"),
        None,
    ),
    (
        "zero-width space in a code",
        HEAD + "SMD,BG\u200b34,2015,1\n",
        "z.csv",
        {},
        (2, "region_code", "unknown_region"),
        None,
    ),
    (
        "the same key three times",
        HEAD + "SMD,BG34,2015,1\n" * 3,
        "k.csv",
        {},
        (3, "indicator_code + region_code + year", "duplicate_key"),
        None,
    ),
    # gzip and zip
    ("damaged gzip", b"\x1f\x8b\x08\x00" + b"junk" * 50, "x.tsv.gz", {}, (1, "(file)", "binary"), "gzip"),
    (
        "gzip of an HTML page",
        gzip.compress(b"<html><body>no</body></html>"),
        "x.tsv.gz",
        {},
        (1, "(file)", "html"),
        None,
    ),
    ("gzip of a wide header", gzip.compress(WIDE_HEADER.encode()), "w.csv.gz", {}, (1, "(row)", "too_wide"), None),
    ("damaged zip", b"PK\x03\x04" + b"\xff" * 100, "z.zip", {}, (1, "(file)", "binary"), "ZIP"),
    (
        "zip of a zip",
        zipped({"inner.zip": zipped({"a.csv": HEAD.encode()})}),
        "z.zip",
        {},
        (1, "(file)", "binary"),
        None,
    ),
    (
        "zip of 25 files",
        zipped({f"f{i}.csv": b"x" for i in range(25)}),
        "z.zip",
        {},
        (1, "(file)", "binary"),
        "25 files",
    ),
    (
        "zip of two unrelated CSVs",
        zipped({"a.csv": HEAD.encode(), "b.csv": HEAD.encode()}),
        "z.zip",
        {},
        (1, "(file)", "unknown_format"),
        None,
    ),
    (
        "zip holding a workbook",
        zipped({"[Content_Types].xml": b"<x/>", "xl/a.xml": b"<x/>"}),
        "z.zip",
        {},
        (1, "(file)", "binary"),
        "Excel",
    ),
    (
        "zip of a CSV with text in a number",
        zipped({"o.csv": (HEAD + "SMD,BG34,2015,n/a\n").encode()}),
        "o.zip",
        {},
        (2, "value", "not_a_number"),
        None,
    ),
    # Eurostat TSV and SDMX-CSV
    (
        "TSV with a quarter as a column",
        "unit,geo\\time\t2015Q1 \nPC_POP,BG31\t1 \n",
        "tgs00107.tsv",
        {},
        (1, "2015Q1", "bad_year"),
        None,
    ),
    (
        "TSV with HTML in a cell",
        TSV_HEAD + "PC_POP,BG31\t<b>1</b>\t2 \n",
        "tgs00107.tsv",
        {},
        (2, "2015", "not_a_number"),
        "<b>1</b>",
    ),
    (
        "TSV with a formula in a cell",
        TSV_HEAD + "PC_POP,BG31\t1 \t=A1\n",
        "tgs00107.tsv",
        {},
        (2, "2014", "not_a_number"),
        "=A1",
    ),
    (
        "TSV with more year columns than the limit",
        "unit,geo\\time\t" + "\t".join(str(1000 + i) for i in range(MAX_COLUMNS + 5)) + "\n",
        "tgs00107.tsv",
        {},
        (1, "(row)", "too_wide"),
        None,
    ),
    (
        "TSV line whose first cell packs too many codes",
        TSV_HEAD + ",".join(["PC_POP"] * (MAX_COLUMNS + 1)) + "\t1 \t2 \n",
        "tgs00107.tsv",
        {},
        (2, "(row)", "too_wide"),
        None,
    ),
    (
        "SDMX-CSV value that is a formula",
        SDMX_HEAD + SDMX_ROW.format(year=2020, value="=2*3"),
        "li41.csv",
        {},
        (2, "OBS_VALUE", "not_a_number"),
        None,
    ),
    (
        "SDMX-CSV with the same key twice",
        SDMX_HEAD + SDMX_ROW.format(year=2020, value=20) + SDMX_ROW.format(year=2020, value=21),
        "li41.csv",
        {},
        (3, "(mapping) + geo + TIME_PERIOD", "duplicate_key"),
        None,
    ),
    (
        "SDMX-CSV year out of range",
        SDMX_HEAD + SDMX_ROW.format(year=20201, value=20),
        "li41.csv",
        {},
        (2, "TIME_PERIOD", "bad_year"),
        None,
    ),
    # NSI triplets
    (
        "NSI data without its companions",
        NSI_DATA,
        f"{UNEMP}-data.csv",
        {},
        (1, "(file)", "missing_part"),
        "-fields.csv",
    ),
    (
        "NSI zip whose code list has a UTF-8 line",
        zipped(nsi_parts(codes=nsi_codelists_with_utf8_line())),
        "nsi.zip",
        {},
        (4, "(file)", "encoding"),
        "codelists.csv: line 4 is UTF-8",
    ),
    (
        "NSI zip whose fields file is too wide",
        zipped(nsi_parts(fields=("Field," * (MAX_COLUMNS + 1) + "x\n").encode())),
        "nsi.zip",
        {},
        (1, "(row)", "too_wide"),
        None,
    ),
    (
        "NSI zip whose data has a formula as a value",
        zipped(nsi_parts(data=NSI_DATA.replace('"11.2"', '"=cmd|calc"', 1).encode())),
        "nsi.zip",
        {},
        (3, "ValueColumn", "not_a_number"),
        "=cmd|calc",
    ),
    # projects
    (
        "projects: the same id twice",
        PROJECT_HEAD + project(1) + project(2, pid="P-1"),
        "p.csv",
        {},
        (3, "project_id", "duplicate_key"),
        None,
    ),
    (
        "projects: a budget past float range",
        PROJECT_HEAD + project(1, budget="1e400"),
        "p.csv",
        {},
        (2, "budget_eur", "not_finite"),
        None,
    ),
    (
        "projects: a formula as EU money",
        PROJECT_HEAD + project(1, eu="=1+1"),
        "p.csv",
        {},
        (2, "eu_contribution_eur", "not_a_number"),
        None,
    ),
    (
        "Kohesio export with a formula as an amount",
        KOHESIO_HEAD + "Q1,Training,Обучение,01/02/2024,01/02/2025,=HYPERLINK(1),EUR,85,"
        "Община Видин,ESF+,Measures to improve access to employment,BG311\n",
        "k.csv",
        {},
        (2, "Total_Eligible_Expenditure_amount", "not_a_number"),
        None,
    ),
    # funding
    (
        "funding: a formula as an amount",
        FUNDING_HEAD + funding(contracted="=SUM(A1)"),
        "f.csv",
        {},
        (2, "contracted_eur", "not_a_number"),
        None,
    ),
    (
        "funding: an amount past float range",
        FUNDING_HEAD + funding(contracted="1e999"),
        "f.csv",
        {},
        (2, "contracted_eur", "not_finite"),
        None,
    ),
    (
        "funding: a snapshot that is HTML",
        FUNDING_HEAD + funding(snapshot="<b>today</b>"),
        "f.csv",
        {},
        (2, "snapshot", "bad_date"),
        None,
    ),
]


def full_export(con) -> bytes:
    """A hash of every dataset as exported and of the release table: what must not change."""
    digest = hashlib.sha256()
    for name in catalog():
        digest.update(to_csv_bytes(store.current(con, name)))
    digest.update(to_csv_bytes(store.release_history(con)))
    return digest.digest()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A built store of this module's own ($SI_DATA_DIR/store), for this process and the worker processes."""
    folder = tmp_path_factory.mktemp("hostile")
    store.open_store(folder / "store").close()
    return folder


@pytest.fixture(scope="module")
def con(data_dir):
    connection = store.open_store(data_dir / "store")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def before(con) -> bytes:
    return full_export(con)


def test_the_suite_holds_at_least_50_distinct_bad_inputs_across_every_format():
    ids = [c[0] for c in CASES] + [c[0] for c in BIG]
    assert len(ids) == len(set(ids)) >= 50
    inputs = {c[1] if not isinstance(c[1], str) else c[1].encode() for c in CASES}
    assert len(inputs) == len(CASES)  # distinct files, not one file under many names
    names = " ".join(ids).lower()
    for fmt in ("tsv", "sdmx", "nsi", "gzip", "zip", "projects", "kohesio", "funding", "csv"):
        assert fmt in names, fmt


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_with_line_column_and_value_and_changes_nothing(con, case):
    _, data, name, options, (line, column, kind), text = case
    raw = data.encode("utf-8") if isinstance(data, str) else data
    before = full_export(con)
    started = time.perf_counter()
    prepared = pipeline.prepare(con, raw, name, ReadOptions(**options))
    with pytest.raises(ValueError, match="nothing was published"):
        pipeline.publish(con, prepared, user="tester", note="hostile input")
    assert time.perf_counter() - started < SECONDS
    errors = prepared.errors
    match = errors[(errors["line"] == line) & (errors["column"] == column) & (errors["kind"] == kind)]
    assert len(match) >= 1, errors.to_string()
    message = str(Problem(**match.iloc[0].to_dict()))
    assert message.startswith(f"line {line}, column {column}: ")
    assert len(message.splitlines()) == 1
    if text is not None:
        assert text in message, message
    assert full_export(con) == before


# ---------------------------------------------------------------------------------------------------------------
# Large inputs: generated once, each run in a worker process whose peak memory the kernel reports.

ROW = "SMD,BG34,2015,33.9\n"
BIG_MB = 199  # just under the default upload limit of 200 MB


def _write_lines(path: Path, head: str, line: str, size_mb: float) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head)
        block = line * (2**20 // len(line))
        for _ in range(int(size_mb)):
            fh.write(block)


def _gzip_bomb(path: Path, size_mb: int) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = (ROW * (2**20 // len(ROW))).encode()
    with path.open("wb") as fh:
        fh.write(packer.compress(HEAD.encode()))
        for _ in range(size_mb):
            fh.write(packer.compress(block))
        fh.write(packer.flush())


def _zip_bomb(path: Path, size_mb: int) -> None:
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("observations.csv", "w", force_zip64=True) as fh,
    ):
        fh.write(HEAD.encode())
        block = b"0" * 2**20
        for _ in range(size_mb):
            fh.write(block)


def _make_big(folder: Path) -> dict[str, Path]:
    """The large hostile files, each a few seconds to write."""
    out: dict[str, Path] = {}
    out["wide"] = folder / "wide.csv"
    with out["wide"].open("w") as fh:  # the issue's 5 million columns
        fh.write(",".join(f"col{i:07d}" for i in range(5_000_000)) + "\n" + ROW)
    out["long line"] = folder / "longline.csv"
    with out["long line"].open("w") as fh:
        fh.write(HEAD + "SMD,BG34,2015," + "9" * (100 * 2**20) + "\n")
    out["long"] = folder / "long.csv"
    _write_lines(out["long"], HEAD, ROW, BIG_MB)
    out["blank lines"] = folder / "blank.csv"
    _write_lines(out["blank lines"], HEAD, "\n", 150)
    out["wide data line"] = folder / "wide_row.csv"
    with out["wide data line"].open("w") as fh:
        fh.write(HEAD + ROW + "," * (10 * 2**20) + "\n")
    out["quote to the end"] = folder / "quote.csv"
    _write_lines(out["quote to the end"], HEAD + 'SMD,BG34,2015,"', "x," * 15 + "\n", 60)
    out["tsv long"] = folder / "tgs00107.tsv"
    _write_lines(out["tsv long"], TSV_HEAD, "PC_POP,BG31\t1.5 \t2 \n", BIG_MB)
    out["gzip bomb"] = folder / "bomb.tsv.gz"
    _gzip_bomb(out["gzip bomb"], 400)
    out["zip bomb"] = folder / "bomb.zip"
    _zip_bomb(out["zip bomb"], 400)
    out["mixed encoding, big"] = folder / "mixed.csv"
    with out["mixed encoding, big"].open("wb") as fh:
        fh.write(PROJECT_HEAD.encode())
        fh.write(project(1).encode("cp1251") * 1_000_000)  # about 150 MB of Windows-1251
        fh.write(project(2, "Проект за деца").encode("utf-8"))
    out["semicolon rows past the limit"] = folder / "semi.csv"
    _write_lines(out["semicolon rows past the limit"], HEAD.replace(",", ";"), '"SMD";"BG34";"2015";"33,9"\n', 150)
    return out


# (id, expected (line, column, kind), a piece of text the message must hold)
BIG = [
    ("wide", (1, "(row)", "too_wide"), "the header has 5,000,000 fields; at most 500"),
    ("long line", (2, "(row)", "line_too_long"), "the line is 104,857,614 characters long"),
    ("long", (2_000_002, "(file)", "too_many_rows"), "more than 2,000,000 data rows"),
    ("blank lines", (8_100_001, "(file)", "too_many_rows"), "more than 8,100,000 lines"),
    ("wide data line", (3, "(row)", "too_wide"), "this line has 10,485,761 fields"),
    ("quote to the end", (2, "value", "unterminated_quote"), "past 16,777,216 characters"),
    ("tsv long", (1_000_002, "(file)", "too_many_rows"), "more than 2,000,000 observations"),
    ("gzip bomb", (1, "(file)", "too_large"), "uncompressed, the file is larger than the limit of 200 MB"),
    ("zip bomb", (1, "(file)", "too_large"), "unpacked, the ZIP archive is larger than the limit of 200 MB"),
    ("mixed encoding, big", (1_000_002, "(file)", "encoding"), "line 1000002 is UTF-8"),
    ("semicolon rows past the limit", (2_000_002, "(file)", "too_many_rows"), "more than 2,000,000 data rows"),
]


def _peak_kb() -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())[1])  # type: ignore[index]


def _worker(data_dir: str, files: dict[str, str]) -> None:
    """In a process of its own: prepare and try to publish each file; print seconds, peak memory and the first error."""
    con = store.open_store(Path(data_dir) / "store")
    results = {}
    for name, path in files.items():
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak, so each case is measured alone
        started = time.perf_counter()
        prepared = pipeline.prepare_file(con, Path(path))
        try:
            pipeline.publish(con, prepared, user="tester", note="hostile")
            published = True
        except ValueError:
            published = False
        error = prepared.errors.iloc[0].to_dict() if len(prepared.errors) else {}
        results[name] = {
            "seconds": time.perf_counter() - started,
            "peak_mb": _peak_kb() / 1024,
            "published": published,
            "errors": len(prepared.errors),
            "first": {k: (int(v) if k == "line" else str(v)) for k, v in error.items()},
        }
    print(json.dumps(results))


@pytest.fixture(scope="module")
def big_results(data_dir, tmp_path_factory, con, before) -> dict:
    files = _make_big(tmp_path_factory.mktemp("big"))
    done = subprocess.run(
        [sys.executable, __file__, "worker", str(data_dir), json.dumps({k: str(v) for k, v in files.items()})],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ, "SI_DATA_DIR": str(data_dir)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", BIG, ids=[c[0] for c in BIG])
def test_large_hostile_input_is_refused_in_seconds_under_1_gb(big_results, con, before, case):
    name, (line, column, kind), text = case
    result = big_results[name]
    first = result["first"]
    assert not result["published"]
    assert (first["line"], first["column"], first["kind"]) == (line, column, kind), first
    message = str(Problem(**first))
    assert message.startswith(f"line {line}, column {column}: ") and text in message, message
    assert result["seconds"] < SECONDS, result
    assert result["peak_mb"] < MEMORY_MB, result
    assert full_export(con) == before


def _cli_publish(data_dir: Path, path: Path) -> tuple[int, str, float, float]:
    """``python -m si_metrics publish`` in a child of a fresh process, so getrusage's peak is that command's alone."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "print(p.returncode, dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print(p.stdout + p.stderr)\n"
    )
    command = [sys.executable, "-m", "si_metrics", "publish", str(path), "--user", "tester", "--note", "hostile"]
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "SI_DATA_DIR": str(data_dir)},
    )
    first, _, output = done.stdout.partition("\n")
    code, seconds, rss_kb = first.split()
    return int(code), output, float(seconds), int(rss_kb) / 1024


@pytest.mark.parametrize(
    "name, make, expected",
    [
        (
            "wide.csv",
            lambda p: p.write_text(",".join(f"col{i:07d}" for i in range(5_000_000)) + "\n" + ROW),
            "line 1, column (row): 'col0000000,col0000001",
        ),
        (
            "mixed.csv",
            lambda p: p.write_bytes(cp1251_with_utf8_line(39, 21)),
            "line 21, column (file): 'P-20,Day centre 20,Проект за деца 20",
        ),
        (
            "longline.csv",
            lambda p: p.write_text(HEAD + "SMD,BG34,2015," + "9" * (100 * 2**20) + "\n"),
            "line 2, column (row): 'SMD,BG34,2015,999",
        ),
    ],
)
def test_the_command_line_refuses_the_issues_files_with_exit_1(data_dir, con, before, tmp_path, name, make, expected):
    path = tmp_path / name
    make(path)
    code, output, seconds, peak_mb = _cli_publish(data_dir, path)
    assert code == 1, output
    assert expected in output, output
    assert "nothing was published" in output or "publishable: no" in output, output
    assert seconds < SECONDS and peak_mb < MEMORY_MB, (seconds, peak_mb)
    assert full_export(con) == before


def test_a_visitor_is_not_shown_the_store_path_when_it_cannot_be_opened(tmp_path, monkeypatch, caplog):
    from streamlit.testing.v1 import AppTest

    from ui import data

    data.connection.clear()  # the process's cached connection (another test's store) would be used otherwise
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "catalog.sqlite").write_bytes(b"not a database " * 100)  # damaged, as a full disk leaves it
    monkeypatch.setenv("SI_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    with caplog.at_level("ERROR", logger="ui.data"):
        at.run()
    shown = " ".join(str(e.value) for e in at.error)
    assert shown == (
        "The data store cannot be opened right now: it is busy, unreachable or needs its operator; "
        "the server log has the details"
    )
    assert str(tmp_path) not in shown and not at.exception
    assert f"cannot open the store {tmp_path / 'store'}: file is not a database" in caplog.text


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    _worker(sys.argv[2], json.loads(sys.argv[3]))
