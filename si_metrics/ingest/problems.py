"""What can be wrong with an uploaded file: one Problem per finding, named by line and column of the original file."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

FILE = "(file)"  # the column of a finding about the whole file (encoding, size, kind)
ROW = "(row)"  # the column of a finding about a whole line (ragged, unterminated quote)
PROBLEM_COLUMNS = ["line", "column", "value", "kind", "problem"]

# Stable kinds, so the Upload page can count and translate them; the English text says what was expected.
KINDS = {
    "empty_file": "the file is empty",
    "too_large": "the file is larger than the upload limit",
    "too_many_rows": "the file has more data rows than the upload limit",
    "binary": "not a text file",
    "html": "an HTML or XML page, not a CSV",
    "encoding": "the text cannot be decoded",
    "no_data": "a header but no data rows",
    "unterminated_quote": "a quoted field never closes",
    "bad_quote": "a quote in the wrong place",
    "ragged_row": "a row with more or fewer fields than the header",
    "missing_column": "a required column is missing",
    "duplicate_column": "two columns give the same field",
    "unknown_format": "the format cannot be recognised",
    "unknown_dataset": "the Eurostat dataset is not mapped to a catalogue indicator",
    "wrong_dataset": "the file holds another dataset than the one chosen",
    "unmapped_dimension": "a dimension whose values the catalogue's mapping does not choose",
    "missing_part": "an NSI table without its -fields or -codelists file",
    "unit_mismatch": "values in another unit than the indicator's",
    "quarterly_period": "a quarterly period where annual values are expected",
    "required": "a required cell is empty",
    "not_a_number": "text where a number is expected",
    "not_finite": "NaN or infinity",
    "bad_year": "not a year, or a year out of range",
    "bad_date": "not a date",
    "out_of_range": "a value outside its allowed range",
    "bad_code": "a code or category that is not allowed",
    "bad_flag": "a flag that is not a Eurostat flag",
    "unknown_indicator": "an indicator the catalogue does not know",
    "unknown_region": "an area the region list does not know",
    "unknown_programme": "a programme the funding_programmes table does not know",
    "unknown_municipality": "a municipality the register does not know",
    "duplicate_key": "the same key twice in the file",
    "reserved_id": "an identifier reserved for the synthetic demo data",
    "currency": "an amount not in euro",
    "cannot_infer": "a required field the source does not give and that cannot be inferred",
    "invalid": "a value the row model rejects",
    # warnings (never block a publish)
    "big_change": "a value moved more than 50 % from the published one",
    "ignored_column": "a column that is not used",
    "forced_value": "a value set by the pipeline, not taken from the file",
    "incomplete_snapshot": "a new newest funding snapshot that lacks codes the current newest one has",
    "older_snapshot": "a funding snapshot older than the newest one, which the dashboard shows",
}


@dataclass(frozen=True)
class Problem:
    """One finding: line in the original file (header = 1), column, the value, its kind and what was expected."""

    line: int
    column: str
    value: str
    kind: str
    problem: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"line {self.line}, column {self.column}: {value!r}: {self.problem}"


class FileRejected(ValueError):
    """The file cannot be read at all; carries the one Problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def file_problem(kind: str, problem: str, line: int = 1, column: str = FILE, value: str = "") -> FileRejected:
    """A FileRejected for a finding about the whole file (or its first bad line)."""
    return FileRejected(Problem(line, column, value, kind, problem))


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table sorted by line, the shape the error report and the page show."""
    frame = pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS)
    frame["line"] = frame["line"].astype("int64")
    return frame.sort_values(["line", "column"], kind="stable").reset_index(drop=True)
