"""Parse delimited text into columns, remembering the line in the original file where each record starts."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from .detect import split_lines
from .problems import ROW, Problem, file_problem

csv.field_size_limit(16 * 2**20)  # a legitimate long text cell (a project summary) is far below 16 MB


@dataclass
class Table:
    """A parsed file: header, then column-major cells of every well-formed record and the line it starts on."""

    header: list[str]
    header_line: int
    lines: list[int] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
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


def _quote_problem(exc: csv.Error, start: int, at: int, physical_line, delimiter: str, quote: str,
                   header: list[str]) -> tuple[Problem, bool]:
    """A Problem for a csv.Error, and whether reading must stop (an unclosed quote swallows the rest)."""
    message = str(exc)
    unclosed = "unexpected end of data" in message or "field larger" in message
    line = start if unclosed else at
    physical = physical_line(line)
    column = _field_of_quote(physical, delimiter, quote, header)
    if unclosed:
        return Problem(line, column, physical[:60], "unterminated_quote",
                       f"a quoted field opened on line {line} never closes; expected a closing {quote}"), True
    return Problem(line, column, physical[:60], "bad_quote",
                   f"a {quote} inside an unquoted field or text after a closing quote ({message}); "
                   f"expected the whole field in quotes with inner quotes doubled"), False


def _ragged(cells: list[str], start: int, end: int, width: int, delimiter: str) -> Problem:
    """A Problem for a record with the wrong number of fields."""
    shown = delimiter.join(cells)
    spans = f"; the record runs over lines {start}-{end}, so a quote probably does not close" if end > start else ""
    return Problem(start, ROW, shown[:60], "ragged_row", f"{len(cells)} fields; expected {width} as in the "
                                                         f"header{spans}")


def parse(text: str, delimiter: str, quote: str, max_rows: int) -> Table | None:
    """Parse the text; None when it holds no header. Ragged rows and quote errors become Problems."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, quotechar=quote, strict=True)
    table: Table | None = None
    consumed = 0
    physical: list[str] = []

    def physical_line(number: int) -> str:
        """One line of the original text (split only when a quote error needs it)."""
        if not physical:
            physical.extend(split_lines(text))
        return physical[number - 1] if 0 < number <= len(physical) else ""

    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem, stop = _quote_problem(exc, consumed + 1, reader.line_num, physical_line, delimiter, quote,
                                           table.header if table else [])
            consumed = reader.line_num
            if table is None:
                raise file_problem(problem.kind, problem.problem, line=problem.line, value=problem.value) from None
            table.problems.append(problem)
            if stop:
                break
            continue
        start, consumed = consumed + 1, reader.line_num
        if not any(c.strip() for c in cells):
            if table is not None:
                table.blank_lines += 1
            continue
        if table is None:
            header = _trim_trailing_empty(cells, 0)
            table = Table([h.strip() for h in header], start, cells=[[] for _ in header])
            continue
        _add(table, cells, start, consumed, delimiter, max_rows)
    return table


def _add(table: Table, cells: list[str], start: int, end: int, delimiter: str, max_rows: int) -> None:
    """Append one record, or a ragged-row Problem; refuse the file past the row limit."""
    width = len(table.header)
    cells = _trim_trailing_empty(cells, width)
    if len(cells) != width:
        table.problems.append(_ragged(cells, start, end, width, delimiter))
        return
    if table.rows >= max_rows:
        raise file_problem("too_many_rows", f"more than {max_rows:,} data rows (SI_MAX_UPLOAD_ROWS); split the "
                                            "file or raise the limit", line=start)
    table.lines.append(start)
    for column, cell in zip(table.cells, cells):
        column.append(cell)
