"""Parse delimited text into columns, remembering the line in the original file where each record starts.

Two readers give the same table. Arrow's CSV parser reads a well-formed file (one record per line, every quote
closed on its line, as many fields on every line as in the header) in a fraction of a second; the standard
library's reader, record by record, reads every other file and knows where each broken record starts. The fast
reader only accepts a file when it can prove the line numbers and cells are the ones the slow reader would give.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .detect import MAX_LINE_CHARS, chunks, lines, physical_lines, refuse_wide_header
from .problems import ROW, FileRejected, Problem, file_problem

# Uploaded cells are text of this dtype, named in full: Arrow-backed strings (pandas 3's default "str"), fast on a
# million cells. Named, because the explorer keeps its small frames' text as NumPy objects (si_metrics/__init__.py)
# and "str" follows that setting: a million cells as Python objects took validation from 3 to 6 s.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

csv.field_size_limit(MAX_LINE_CHARS)  # a legitimate long text cell (a project summary) is far below 16 MB
# Physical lines accepted per data row allowed (SI_MAX_UPLOAD_ROWS): room for blank lines and cells with line breaks,
# while a file of nothing but line breaks is refused before any per-line work (200 MB of them are 200 million lines).
LINES_PER_ROW = 4
SPARE_LINES = 100_000
COUNT_CHUNK = 16 * 2**20  # text counted at once when a file may pass the row limit: Arrow's speed, bounded memory
# what detection and the options can give; any other dialect takes the record-by-record reader
FAST_DELIMITERS, FAST_QUOTES = (",", ";", "\t", "|"), ('"', "'")
# Arrow parses the text in blocks of this size, in parallel, and each becomes a chunk of every column: 16 MB blocks
# keep a 1,000,000-row file (82 MB) in 6 chunks, which pandas uses as they are (the default 1 MB made 82, slow to
# work on, so they were combined: a copy of every column; about 0.3 s less in all)
FAST_BLOCK = 16 * 2**20


@dataclass
class Table:
    """A parsed file: header, then column-major cells of every well-formed record and the line it starts on."""

    header: list[str]
    header_line: int
    lines: list[int] | np.ndarray = field(default_factory=list)
    cells: list[pd.Series] = field(default_factory=list)  # one text column per header field
    problems: list[Problem] = field(default_factory=list)
    blank_lines: int = 0

    @property
    def rows(self) -> int:
        """Well-formed data records."""
        return len(self.lines)


def header_key(text: str) -> str:
    """How headers are compared: case-folded, quotes dropped, spaces / '_' / '-' as one space."""
    return re.sub(r"[\s_\-]+", " ", str(text).strip().strip('"').casefold()).strip()


def _trim_trailing_empty(cells: list[str], width: int) -> list[str]:
    """Drop empty cells past the header's width (Excel and some exporters end every line with a delimiter)."""
    while len(cells) > width and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _field_of_quote(physical: str, delimiter: str, quote: str, header: list[str]) -> str:
    """The header name of the first field holding a quote on one physical line (where a quote goes wrong)."""
    pieces = physical.split(delimiter)
    index = next((i for i, piece in enumerate(pieces) if quote in piece), None)
    if index is None or not header:
        return ROW
    return header[index] if index < len(header) else f"field {index + 1}"


def _quote_problem(
    exc: csv.Error,
    start: int,
    at: int,
    physical_line: Callable[[int], str],
    delimiter: str,
    quote: str,
    header: list[str],
) -> tuple[Problem, bool]:
    """A Problem for a csv.Error, and whether reading must stop (an unclosed quote swallows the rest)."""
    message = str(exc)
    too_big = "field larger" in message  # lines are never longer than the limit (detect.lines): this one spans lines
    unclosed = "unexpected end of data" in message or too_big
    line = start if unclosed else at
    physical = physical_line(line)
    column = _field_of_quote(physical, delimiter, quote, header)
    if unclosed:
        why = f"a quoted field opened on line {line} never closes; expected a closing {quote}"
        if too_big:
            why = (
                f"a quoted field opened on line {line} runs on to line {at} and past {MAX_LINE_CHARS:,} characters, "
                f"the largest field read; expected a closing {quote} where the field ends"
            )
        return Problem(line, column, physical[:60], "unterminated_quote", why), True
    return Problem(
        line,
        column,
        physical[:60],
        "bad_quote",
        f"a {quote} inside an unquoted field or text after a closing quote ({message}); "
        f"expected the whole field in quotes with inner quotes doubled",
    ), False


def _ragged(cells: list[str], start: int, end: int, width: int, delimiter: str) -> Problem:
    """A Problem for a record with the wrong number of fields."""
    shown = delimiter.join(cells)
    spans = f"; the record runs over lines {start}-{end}, so a quote probably does not close" if end > start else ""
    return Problem(
        start, ROW, shown[:60], "ragged_row", f"{len(cells)} fields; expected {width} as in the header{spans}"
    )


def parse(text: str, delimiter: str, quote: str, max_rows: int) -> Table | None:
    """Parse the text; None when it holds no header. Ragged rows and quote errors become Problems.

    A header wider than the widest format, a file of more lines than the row limit can explain and a file of more
    records than the limit are refused before any of it is parsed into columns."""
    refuse_wide_header(text, delimiter)
    if physical_lines(text) > max_rows + 1 and (line := first_record_past(text, delimiter, quote, max_rows, max_rows)):
        raise _too_many_rows(max_rows, line)  # before any of it is parsed
    table = parse_fast(text, delimiter, quote)
    if table is None:
        return parse_records(text, delimiter, quote, max_rows)
    if table.rows > max_rows:
        raise _too_many_rows(max_rows, int(table.lines[max_rows]))
    return table


def most_lines(max_rows: int) -> int:
    """The most physical lines read for a limit of data rows (LINES_PER_ROW each, and SPARE_LINES more)."""
    return LINES_PER_ROW * max_rows + SPARE_LINES


def too_many_lines(max_rows: int) -> FileRejected:
    """The refusal of a file with more lines than the row limit explains, at the first line past it."""
    most = most_lines(max_rows)
    return file_problem(
        "too_many_rows",
        f"more than {most:,} lines, {LINES_PER_ROW} for each of the {max_rows:,} data rows allowed "
        f"(SI_MAX_UPLOAD_ROWS) and {SPARE_LINES:,} more: blank lines or line breaks inside cells? split the file "
        "or raise the limit",
        line=most + 1,
    )


def first_record_past(text: str, delimiter: str, quote: str, limit: int, max_rows: int) -> int | None:
    """The line where the first non-blank record after the header and past ``limit`` records starts, or None; more
    lines than ``most_lines(max_rows)`` are refused. Counted a chunk at a time, building nothing per record: a record
    starts on a line outside quotes (an odd number of quote characters opens or closes one)."""
    most = most_lines(max_rows)
    d = f"{ord(delimiter):02x}"
    blank_re2 = f"^[\\s\\x{{{d}}}]*$"  # RE2: only whitespace and delimiters, what the record reader skips
    blank_line = re.compile(f"^(?:[^\\S\\n]|\\x{d})*$", re.MULTILINE)
    seen, number, inside = -1, 0, 0  # records counted (the first is the header), lines read, inside a quote
    for chunk in chunks(text, COUNT_CHUNK):
        count = chunk.count("\n") + (not chunk.endswith("\n"))
        if not inside and (not quote or quote not in chunk) and not blank_line.search(chunk):
            if seen + count > limit:  # the common case: a record on every line, nothing to look at line by line
                return number + (limit - seen) + 1
            seen, number = seen + count, number + count
        else:
            parts = pc.split_pattern(pa.array([chunk.removesuffix("\n")], pa.large_string()), "\n").flatten()
            starts = np.ones(len(parts), dtype=bool)
            if quote and (inside or quote in chunk):
                after = (np.cumsum(pc.count_substring(parts, quote).to_numpy() % 2) + inside) % 2
                if inside and after.all():  # a quoted field open for a whole chunk, past the field limit:
                    return None  # the record reader names the line where it opens
                starts = np.concatenate(([inside], after[:-1])) == 0
                inside = int(after[-1])
            kept = np.flatnonzero(starts & ~pc.match_substring_regex(parts, blank_re2).to_numpy(zero_copy_only=False))
            if seen + len(kept) > limit:
                return number + int(kept[limit - seen]) + 1
            seen, number = seen + len(kept), number + len(parts)
        if number > most:
            raise too_many_lines(max_rows)
    return None


def _too_many_rows(max_rows: int, line: int) -> FileRejected:
    return file_problem(
        "too_many_rows",
        f"more than {max_rows:,} data rows (SI_MAX_UPLOAD_ROWS); split the file or raise the limit",
        line=line,
    )


def _quotes_close_on_their_line(text: str, delimiter: str, quote: str) -> bool:
    """True when every field that starts with a quote ends with one on the same line, just before a delimiter or
    the line's end: there Arrow's reader and the strict reader agree (Arrow also takes ``"33"9`` and quotes that
    never close, which the strict reader reports)."""
    if quote not in text:
        return True
    q, d = (f"\\x{{{ord(c):02x}}}" for c in (quote, delimiter))  # RE2 escapes
    one = f"(?:{q}(?:[^{q}\\r\\n]|{q}{q})*{q}|[^{q}{d}\\r\\n][^{d}\\r\\n]*|)"
    lines = pc.split_pattern(pa.array([text], pa.large_string()), "\n").flatten()
    return bool(pc.all(pc.match_substring_regex(lines, f"^{one}(?:{d}{one})*\\r?$")).as_py())


def parse_fast(text: str, delimiter: str, quote: str) -> Table | None:
    """The table by Arrow's CSV parser, or None when the file needs the record-by-record reader: a header not on
    line 1 or ending in empty cells, a record over several lines, a quote out of place, a ragged row, a lone \\r."""
    if (
        delimiter not in FAST_DELIMITERS
        or quote not in FAST_QUOTES
        or ("\r" in text and text.count("\r") != text.count("\r\n"))
    ):
        return None
    end = text.find("\n")
    first = text[: end if end >= 0 else len(text)].removesuffix("\r")
    try:
        header = next(csv.reader([first], delimiter=delimiter, quotechar=quote, strict=True))
    except (csv.Error, StopIteration):
        return None
    if not header or not header[-1].strip() or not _quotes_close_on_their_line(text, delimiter, quote):
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:  # every quote closes on its line, so no value holds a line break (Arrow then reads blocks in parallel)
        parsed = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, block_size=FAST_BLOCK),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=quote,
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            # large_string: what pandas keeps its text in, so the cells need no conversion
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # a ragged row: the slow reader names it
        return None
    if len(text) > MAX_LINE_CHARS and any(
        (pc.max(pc.binary_length(parsed.column(n))).as_py() or 0) > MAX_LINE_CHARS for n in names
    ):
        return None  # a cell past the limit: the record reader refuses its line by number
    lines = text.count("\n") + (not text.endswith("\n"))  # physical lines (no lone \r here)
    if parsed.num_rows != lines:  # a record over several lines
        return None
    cells = [pd.Series(parsed.column(n).slice(1), dtype=TEXT) for n in names]  # header left out, not copied
    blank = np.ones(len(cells[0]), dtype=bool)  # records of blank cells only: skipped and counted, as blank lines
    for column in cells:
        if blank.any():
            blank &= (column.str.strip() == "").to_numpy()
    keep = ~blank
    return Table(
        [h.strip() for h in header],
        1,
        lines=np.arange(2, lines + 1)[keep],
        cells=[c[keep].reset_index(drop=True) for c in cells] if blank.any() else cells,
        blank_lines=int(blank.sum()),
    )


def parse_records(text: str, delimiter: str, quote: str, max_rows: int) -> Table | None:
    """The table by the standard library's reader, record by record, with the line each record starts on."""
    kept: dict[int, str] = {}  # the first and the latest line of the record being read, for a quote error's message
    first = [1]

    def source() -> Iterator[str]:
        for number, line in enumerate(lines(text, delimiter), start=1):
            if number - 1 != first[0]:
                kept.pop(number - 1, None)
            kept[number] = line
            yield line

    reader = csv.reader(source(), delimiter=delimiter, quotechar=quote, strict=True)
    table: Table | None = None
    consumed = 0

    def physical_line(number: int) -> str:
        """One line of the record being read, without its line break."""
        return kept.get(number, "").removesuffix("\n")

    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem, stop = _quote_problem(
                exc, consumed + 1, reader.line_num, physical_line, delimiter, quote, table.header if table else []
            )
            consumed = reader.line_num
            kept.clear()
            first[0] = consumed + 1
            if table is None:
                raise file_problem(problem.kind, problem.problem, line=problem.line, value=problem.value) from None
            table.problems.append(problem)
            if stop:
                break
            continue
        start, consumed = consumed + 1, reader.line_num
        kept.clear()
        first[0] = consumed + 1
        if not any(c.strip() for c in cells):
            if table is not None:
                table.blank_lines += 1
            continue
        if table is None:
            header = _trim_trailing_empty(cells, 0)
            table = Table([h.strip() for h in header], start, cells=[[] for _ in header])
            continue
        _add(table, cells, start, consumed, delimiter, max_rows)
    if table is not None:
        table.cells = [pd.Series(column, dtype=TEXT) for column in table.cells]
    return table


def _add(table: Table, cells: list[str], start: int, end: int, delimiter: str, max_rows: int) -> None:
    """Append one record, or a ragged-row Problem; refuse the file past the row limit."""
    width = len(table.header)
    cells = _trim_trailing_empty(cells, width)
    if len(cells) != width:
        table.problems.append(_ragged(cells, start, end, width, delimiter))
        return
    if table.rows >= max_rows:
        raise _too_many_rows(max_rows, start)
    assert isinstance(table.lines, list)  # the record reader builds lists; only the fast reader makes arrays
    table.lines.append(start)
    for column, cell in zip(table.cells, cells):
        column.append(cell)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")  # ISO, Kohesio's dd/mm/yyyy, Bulgarian Excel's dd.mm.yyyy


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO, dd/mm/yyyy or dd.mm.yyyy dates → datetime.date, None where none fits."""

    def one(value: str) -> dt.date | None:
        """The first format that fits."""
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        return None

    return text.map(lambda v: one(v) if v else None)
