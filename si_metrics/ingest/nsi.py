"""NSI open-data tables: each table is three CSVs, ``…-data.csv`` (one row per observation), ``…-fields.csv`` (what
each column is) and ``…-codelists.csv`` (what each code means), in Windows-1251 as NSI serves them or UTF-8.

The data file's columns are ``RevisionColumn`` (NSI's update id, not a dimension), ``NUTS`` (the area),
``periods`` (a year, or ``2025Q3`` for a quarter), ``ValueColumn`` (the value as text) and the table's dimensions,
decoded with the code lists: sex (``GenderID`` 0/1/2), age groups (``SILC_Age``), units (``Units``) and others
such as the poverty line (``SILC_Median``). A value in parentheses, ``(4.2)``, is NSI's low-reliability mark: the
number is kept and flagged ``u``, Eurostat's letter for it.

Which catalogue indicator a table holds comes from the ``indicator_nsi`` dataset (catalogue data: the table's
English title, its dimensions and the codes each indicator takes); a table it does not know needs the indicator
named by whoever uploads it. Rows in another unit than the indicator's are never kept, so rates and counts never
share a series.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .detect import SEPARATORS, decode, lines, refuse_mixed
from .problems import Problem, file_problem
from .reading import Detected, Reading, ReadOptions, no_data
from .resolve import Context
from .table import Table, parse

PARTS = ("data", "fields", "codelists")
DATA_HEADER = {"RevisionColumn", "NUTS", "periods", "ValueColumn"}  # what tells an NSI data file by its header
NOT_DIMENSIONS = {"RevisionColumn", "NUTS", "periods", "ValueColumn"}
MAX_MEMBERS = 20  # an NSI zip holds three files; anything much larger is not one
# NSI's unit codes → the catalogue's (indicators.unit); a unit missing here is named in the error
UNITS = {
    "perc_pop_fig": "PC_POP",
    "perc": "PC",
    "1000cp": "THS_PER",
    "bgn_fig": "BGN",
    "euro": "EUR",
    "ppp_fig": "PPS",
}
GENDER_CODES = {"0": "T", "1": "M", "2": "F"}  # NSI's GenderID codes
SEX_LABELS = {"total": "T", "male": "M", "males": "M", "female": "F", "females": "F"}
_LOW_RELIABILITY = re.compile(r"^\(\s*(.+?)\s*\)$")
_YEAR = re.compile(r"^\d{4}$")
_QUARTER = re.compile(r"^\d{4}\s*Q[1-4]$", re.IGNORECASE)
MAX_PROBLEMS = 200  # problems of one kind listed per dimension; the page and report show 200 in all
MISSING = {"", "-", "..", ":", "x"}  # NSI writes no value as an empty cell or a dash


@dataclass(frozen=True)
class Field:
    """A column of the data file as ``-fields.csv`` describes it."""

    name: str
    name_bg: str
    name_en: str


@dataclass(frozen=True)
class Bundle:
    """The three parts of one NSI table, decoded; ``name`` is the data file's name."""

    name: str
    data: str
    fields: dict[str, Field]
    codes: dict[str, dict[str, tuple[str, str]]]  # code list → code (lower case) → (Bulgarian, English)
    encoding: str

    @property
    def table_id(self) -> str | None:
        """NSI's table number when the file name gives it (nsi1011_…), else None."""
        found = re.match(r"^nsi(\d+)", self.name, re.IGNORECASE)
        return found.group(1) if found else None

    @property
    def title_en(self) -> str:
        """The table's English title: the English name of ValueColumn, less NSI's "Value of indicator" prefix."""
        value = self.fields.get("ValueColumn")
        text = value.name_en if value else ""
        return re.sub(r"^\s*v[ae]lue of indicator\s+", "", text, flags=re.IGNORECASE).strip()

    @property
    def title_bg(self) -> str:
        value = self.fields.get("ValueColumn")
        text = value.name_bg if value else ""
        return re.sub(r"^\s*стойност за показател\s+", "", text, flags=re.IGNORECASE).strip()

    def label(self, code_list: str, code: str, lang: str = "en") -> str:
        """A code's name in its code list, or the code itself when the list does not name it."""
        found = self.codes.get(code_list, {}).get(code.strip().casefold())
        return (found[1] if lang == "en" else found[0]) if found else code


def is_data_header(header_line: str) -> bool:
    """True for the first line of an NSI data file."""
    names = {h.strip().strip('"') for h in header_line.split(",")}
    return names >= DATA_HEADER


def part_of(file_name: str) -> str | None:
    """``data``, ``fields`` or ``codelists`` by the file name's ending, else None."""
    stem = file_name.rsplit("/", 1)[-1].lower().removesuffix(".csv")
    return next((p for p in PARTS if stem.endswith("-" + p) or stem.endswith("_" + p)), None)


def companion_names(data_name: str) -> dict[str, str]:
    """The file names of a data file's two companions (``x-data.csv`` → ``x-fields.csv``, ``x-codelists.csv``)."""
    found = re.match(r"^(.*)([-_])data(\.csv)$", data_name, re.IGNORECASE)
    if not found:
        return {}
    stem, sep, ext = found.groups()
    return {p: f"{stem}{sep}{p}{ext}" for p in PARTS[1:]}


def unzip(raw: bytes, max_bytes: int) -> dict[str, bytes]:
    """The members of an uploaded zip by name, refusing a workbook, a nested path bomb or more than the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise file_problem("binary", f"a damaged ZIP archive ({exc})") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names:
        raise file_problem("binary", "this is an Excel workbook (.xlsx), not a CSV; save it as CSV")
    if len(members) > MAX_MEMBERS:
        raise file_problem("binary", f"the ZIP archive holds {len(members)} files; expected an NSI table's three CSVs")
    if sum(m.file_size for m in members) > max_bytes:
        raise file_problem(
            "too_large",
            f"unpacked, the ZIP archive is larger than the limit of {max_bytes / 2**20:g} MB (SI_MAX_UPLOAD_MB)",
        )
    out: dict[str, bytes] = {}
    left = max_bytes  # the declared sizes can lie: never read more than the limit, all members together
    for member in members:
        try:
            with archive.open(member) as fh:
                data = fh.read(left + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error, OSError) as exc:
            raise file_problem(
                "binary", f"{member.filename} cannot be unpacked ({exc})", value=member.filename
            ) from None
        if len(data) > left:
            raise file_problem(
                "too_large",
                f"{member.filename} unpacks to more than the limit of {max_bytes / 2**20:g} MB (SI_MAX_UPLOAD_MB) "
                "for the whole archive",
                value=member.filename,
            )
        left -= len(data)
        out[member.filename.rsplit("/", 1)[-1]] = data
    return out


def split_parts(files: dict[str, bytes]) -> tuple[str, bytes, dict[str, bytes]] | None:
    """(data file name, its bytes, companions by part) when the files form an NSI table, else None."""
    parts = {part_of(name): (name, data) for name, data in files.items() if part_of(name)}
    if "data" not in parts:
        return None
    name, data = parts.pop("data")
    return name, data, {p: d for p, (_, d) in parts.items() if p}


def _text(raw: bytes, name: str, options: ReadOptions) -> tuple[str, str]:
    """Decode one part: the chosen encoding, else UTF-8 (with or without a mark), else Windows-1251, as NSI serves.

    A file that is not valid UTF-8 is read as Windows-1251 only when no line of it is UTF-8, so a mixture is refused
    at its odd line instead of published as garbage."""
    if options.encoding:
        decoded = decode(raw, options.encoding)
        return decoded.text, decoded.encoding
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    refuse_mixed(raw, "cp1251", name)
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise file_problem(
            "encoding",
            f"{name}: neither UTF-8 nor Windows-1251; save it as CSV UTF-8",
            line=line,
            value=f"0x{raw[utf8_error.start : utf8_error.start + 1].hex()}",
        ) from None
    return text, "cp1251"


def _rows(text: str) -> list[list[str]]:
    """The non-blank rows of a -fields or -codelists file (lines too long or too wide are refused)."""
    return [row for row in csv.reader(lines(text, SEPARATORS)) if any(cell.strip() for cell in row)]


def parse_fields(text: str) -> dict[str, Field]:
    """``-fields.csv``: Field, Name in Bulgarian, Name in English."""
    rows = _rows(text)
    return {r[0].strip(): Field(r[0].strip(), r[1].strip(), r[2].strip()) for r in rows[1:] if len(r) >= 3}


def parse_codelists(text: str) -> dict[str, dict[str, tuple[str, str]]]:
    """``-codelists.csv``: Code list, Code, Bulgarian name, English name (a row with no code names the list)."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for r in _rows(text)[1:]:
        if len(r) >= 4 and r[1].strip():
            out.setdefault(r[0].strip(), {})[r[1].strip().casefold()] = (r[2].strip(), r[3].strip())
    return out


def bundle(name: str, data: bytes, companions: dict[str, bytes], options: ReadOptions) -> Bundle:
    """The three parts decoded; a missing companion is refused with the file name expected."""
    missing = [p for p in PARTS[1:] if p not in companions]
    if missing:
        expected = companion_names(name)
        wanted = ", ".join(expected.get(p, f"…-{p}.csv") for p in missing)
        raise file_problem(
            "missing_part",
            f"an NSI open-data table comes as three files; {wanted} is missing: upload the -data, -fields and "
            "-codelists files together (or one .zip of the three)",
            value=name,
        )
    names = companion_names(name)
    text, encoding = _text(data, name, options)
    fields_text, fields_encoding = _text(companions["fields"], names.get("fields", "the -fields file"), options)
    codes_text, codes_encoding = _text(companions["codelists"], names.get("codelists", "the -codelists file"), options)
    # the data part is often all ASCII: the parts with Cyrillic names tell the table's encoding
    encodings = {encoding, fields_encoding, codes_encoding}
    table_encoding = "cp1251" if "cp1251" in encodings else encoding
    return Bundle(name, text, parse_fields(fields_text), parse_codelists(codes_text), table_encoding)


@dataclass(frozen=True)
class Rule:
    """One indicator of a table: the dimension codes its rows must have (lower case)."""

    indicator: str
    filters: dict[str, str]


def parse_filters(text: str) -> dict[str, str]:
    """``SILC_Median=3;Units=perc_pop_fig`` → {"SILC_Median": "3", "Units": "perc_pop_fig"}."""
    pairs = [p.split("=", 1) for p in (text or "").split(";") if p.strip()]
    bad = [p[0] for p in pairs if len(p) != 2]
    if bad:
        raise ValueError(f"a filter is DIMENSION=CODE, not {bad[0]!r}")
    return {k.strip(): v.strip().casefold() for k, v in pairs}


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def mapped_rules(b: Bundle, dims: list[str], mapping: pd.DataFrame) -> tuple[str | None, list[Rule]]:
    """The catalogue's rules for this table: by its number in the file name, else by its title and dimensions."""
    if mapping.empty:
        return None, []
    by_id = mapping[mapping["nsi_table"].astype(str) == (b.table_id or "")]
    dim_key = ";".join(sorted(dims))
    by_shape = mapping[
        (mapping["title_en"].map(_key) == _key(b.title_en))
        & (mapping["dimensions"].map(lambda t: ";".join(sorted(t.split(";")))) == dim_key)
    ]
    found = by_shape if len(by_shape) else by_id
    if found.empty:
        return None, []
    return str(found["nsi_table"].iloc[0]), [
        Rule(r.indicator_code, parse_filters(r.dimension_filters)) for r in found.itertuples()
    ]


def age_code(label: str) -> str | None:
    """An age group's English name as a Eurostat age code: Total → TOTAL, "Less than 18 years" → Y_LT18,
    "Between 18 and 64 years" → Y18-64, "65 years and over" → Y_GE65; None when it is none of these shapes."""
    text = _key(label)
    if text in ("total", "all ages"):
        return "TOTAL"
    if m := re.fullmatch(r"(?:less than|under|below|up to) (\d+)(?: years?)?", text):
        return f"Y_LT{m.group(1)}"
    if m := re.fullmatch(r"(\d+) (?:years? )?(?:and|or) (?:over|more|older)(?: years?)?", text):
        return f"Y_GE{m.group(1)}"
    if m := re.fullmatch(r"(?:between |aged )?(\d+) ?(?:-|–|and|to) ?(\d+)(?: years?)?", text):
        return f"Y{m.group(1)}-{m.group(2)}"
    return None


def _sex_code(label: str) -> str | None:
    """T, M or F from the code's English name, or from NSI's GenderID code itself when the code list lacks it."""
    return SEX_LABELS.get(_key(label)) or GENDER_CODES.get(label.strip())


def _decode(
    b: Bundle,
    dim: str,
    codes: pd.Series,
    kept: pd.Series,
    lines: pd.Series,
    name_of: Callable[[str], str | None],
    expected: str,
) -> tuple[pd.Series, list[Problem], pd.Series]:
    """A dimension's codes as our codes, through their English names in the code list, the Problems of codes whose
    name is none we know (the first 200 kept rows that have one) and the mask of all such rows."""
    mapping = {c: name_of(b.label(dim, c)) or "" for c in set(codes)}
    decoded = codes.map(mapping)
    bad = kept & (decoded == "")
    problems = [
        Problem(
            int(lines[i]),
            dim,
            codes[i],
            "bad_code",
            f"{dim} code {codes[i]!r} ({b.label(dim, codes[i])}) is not {expected}",
        )
        for i in bad[bad].index[:MAX_PROBLEMS]
    ]
    return decoded, problems, bad


def _role(b: Bundle, name: str) -> str:
    """What a dimension is to the observations: sex, age, unit, or another dimension."""
    english = _key(b.fields[name].name_en) if name in b.fields else ""
    if name == "GenderID" or english == "sex":
        return "sex"
    if name == "SILC_Age" or english == "age" or name.lower().endswith("_age"):
        return "age"
    if name == "Units" or english.startswith("unit"):
        return "unit"
    return "other"


def read_nsi(
    raw: bytes,
    file_name: str,
    companions: dict[str, bytes],
    ctx: Context,
    options: ReadOptions,
    detected: Detected,
    max_rows: int,
) -> Reading:
    """An NSI table as observation rows of its indicator(s); rows the mapping does not choose are skipped."""
    b = bundle(file_name, raw, companions, options)
    detected.format, detected.dataset, detected.encoding = "nsi", "observations", b.encoding
    detected.delimiter, detected.quote, detected.decimal = ",", '"', "."
    table = parse(b.data, ",", '"', max_rows)
    if table is None:
        raise file_problem("empty_file", f"{file_name} holds no text; expected a header line")
    header = [h.strip() for h in table.header]
    missing = [c for c in ("NUTS", "periods", "ValueColumn") if c not in header]
    if missing:
        raise file_problem(
            "missing_column",
            f"an NSI data file has the columns NUTS, periods and ValueColumn; {', '.join(missing)} is missing; "
            f"the header has: {', '.join(header)}",
            value=", ".join(header),
        )
    col = {name: table.cells[i] for i, name in enumerate(header)}
    dims = [h for h in header if h not in NOT_DIMENSIONS]
    table_id, rules = mapped_rules(b, dims, ctx.nsi)
    detected.format_label = f"NSI open-data table {table_id or b.table_id or ''}".rstrip() + f" ({b.title_en})"
    detected.nsi_table = table_id or b.table_id
    roles = {d: _role(b, d) for d in dims}
    problems: list[Problem] = []
    if options.indicator:
        known = set(ctx.indicators["code"])
        if options.indicator not in known:
            raise file_problem(
                "unknown_indicator",
                f"--indicator {options.indicator} is not in the indicator catalogue; known: {', '.join(sorted(known))}",
                column="indicator",
                value=options.indicator,
            )
        rules = [Rule(options.indicator, {k: v.casefold() for k, v in options.filters.items()})]
    elif not rules:
        raise file_problem(
            "unknown_dataset",
            f"this NSI table ({b.title_en or 'no title'}; dimensions {', '.join(dims) or 'none'}) is not mapped to a "
            "catalogue indicator: name the indicator it holds (--indicator CODE on the command line, the "
            "Indicator choice on the page) or add the table to indicator_nsi",
            value=b.table_id or file_name,
        )
    frame, skipped, found = _observations(b, table, col, dims, roles, rules, ctx, options, detected)
    problems += found
    reading = Reading(
        frame,
        {
            "indicator_code": "(mapping)",
            "region_code": "NUTS",
            "year": "periods",
            "value": "ValueColumn",
            "flag": "ValueColumn",
            **{roles[d]: d for d in dims if roles[d] in ("sex", "age")},
        },
        rows_read=table.rows + len(table.problems),
        skipped=skipped,
        problems=table.problems + no_data(table) + problems,
    )
    reading.skipped.update({"empty lines": table.blank_lines} if table.blank_lines else {})
    return reading


def _observations(
    b: Bundle,
    table: Table,
    col: dict[str, pd.Series],
    dims: list[str],
    roles: dict[str, str],
    rules: list[Rule],
    ctx: Context,
    options: ReadOptions,
    detected: Detected,
) -> tuple[pd.DataFrame, Counter, list[Problem]]:
    """Decode dimensions, choose each rule's rows, and turn the values and their reliability marks into columns."""
    lines = pd.Series(table.lines, dtype="int64")
    n = table.rows
    codes = {d: col[d].astype(object).fillna("").map(lambda v: str(v).strip().casefold()) for d in dims}
    problems: list[Problem] = []
    skipped: Counter = Counter()
    units_of = dict(zip(ctx.indicators["code"], ctx.indicators["unit"]))
    indicator = pd.Series([""] * n, dtype=object)
    for rule in rules:
        chosen = pd.Series([True] * n)
        for dim, code in rule.filters.items():
            if dim not in codes:
                problems.append(
                    Problem(
                        1,
                        dim,
                        f"{dim}={code}",
                        "unmapped_dimension",
                        f"the table has no dimension {dim}; its dimensions are {', '.join(dims) or 'none'}",
                    )
                )
                chosen &= False
                continue
            chosen &= codes[dim] == code
        unit_dims = [d for d in dims if roles[d] == "unit" and d not in rule.filters]
        for dim in unit_dims:  # keep only rows in the indicator's own unit, so rates and counts never mix
            wanted = units_of.get(rule.indicator)
            in_unit = codes[dim].map(UNITS.get) == wanted
            if not (chosen & in_unit).any() and chosen.any():
                present = sorted(set(codes[dim][chosen]))
                problems.append(
                    Problem(
                        int(lines[chosen.idxmax()]),
                        dim,
                        ", ".join(present),
                        "unit_mismatch",
                        f"{rule.indicator} is in {wanted}; this table's units are "
                        + ", ".join(f"{c} ({b.label(dim, c)})" for c in present)
                        + ": choose the indicator that has this unit",
                    )
                )
            chosen &= in_unit
        indicator = indicator.where(~(chosen & (indicator == "")), rule.indicator)
    kept = indicator != ""
    if (~kept).any():
        skipped["rows of other units or dimension codes than the indicator's mapping"] = int((~kept).sum())
    for dim in dims:
        if roles[dim] in ("sex", "age", "unit") or any(dim in r.filters for r in rules):
            continue
        values = sorted(set(codes[dim][kept]))
        if len(values) > 1:
            first = int(lines[kept.idxmax()])
            listed = "; ".join(f"{v} = {b.label(dim, v)}" for v in values)
            problems.append(
                Problem(
                    first,
                    dim,
                    ", ".join(values),
                    "unmapped_dimension",
                    f"{dim} ({b.fields[dim].name_en if dim in b.fields else dim}) has {len(values)} values ({listed}); "
                    f"one series takes one: choose it with --filter {dim}=CODE (on the page: the {dim} choice)",
                )
            )
            kept &= False
    sex = pd.Series(["T"] * n, dtype=object)
    age = pd.Series(["TOTAL"] * n, dtype=object)
    for dim in dims:
        if roles[dim] == "sex":
            sex, found, bad = _decode(b, dim, codes[dim], kept, lines, _sex_code, "total, male or female")
        elif roles[dim] == "age":
            expected = "an age group this reader can name (Total, Less than N years, N years and over, Between N and M)"
            age, found, bad = _decode(b, dim, codes[dim], kept, lines, age_code, expected)
        else:
            continue
        problems += found
        kept &= ~bad
    raw_value = col["ValueColumn"].astype(object).fillna("").map(lambda v: str(v).strip())
    marked = raw_value.map(_LOW_RELIABILITY.match)
    value = pd.Series([m.group(1) if m else v for m, v in zip(marked, raw_value)], dtype=object)
    flag = marked.map(lambda m: "u" if m else "")
    empty = kept & value.isin(MISSING)
    if empty.any():
        skipped["cells with no value (empty or '-')"] = int(empty.sum())
    kept &= ~empty
    period = col["periods"].astype(object).fillna("").map(lambda v: str(v).strip())
    quarterly = kept & period.map(lambda p: bool(_QUARTER.match(p)))
    problems += [
        Problem(
            int(lines[i]),
            "periods",
            period[i],
            "quarterly_period",
            f"{period[i]} is a quarter; the observations hold one value per year, so quarterly tables cannot be "
            "published here (they are never averaged or cut to a year): publish NSI's annual table instead",
        )
        for i in quarterly[quarterly].index
    ]
    kept &= ~quarterly
    title = b.title_en or b.title_bg
    source = f"NSI table {detected.nsi_table or '?'}: {title}" if detected.nsi_table else f"NSI: {title}"
    frame = pd.DataFrame(
        {
            "indicator_code": indicator,
            "region_code": col["NUTS"].astype(object).fillna("").map(lambda v: str(v).strip()),
            "year": period,
            "value": value,
            "flag": flag,
            "sex": sex,
            "age": age,
            "source": source,
            "vintage": options.snapshot or pd.Timestamp.today().date().isoformat(),
            "_line": lines,
        }
    )[kept].reset_index(drop=True)
    detected.mapping = [
        {
            "nsi_table": detected.nsi_table or b.table_id or "",
            "indicator": r.indicator,
            "filters": ";".join(f"{k}={v}" for k, v in r.filters.items()),
            "breakdowns": ", ".join(d for d in dims if roles[d] in ("sex", "age") and d not in r.filters),
            "rows": int((frame["indicator_code"] == r.indicator).sum()),
        }
        for r in rules
    ]
    if not frame.empty:
        frame = frame.astype({c: object for c in frame.columns if c != "_line"})
    return frame, skipped, problems
