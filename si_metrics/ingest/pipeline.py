"""One pipeline for the Upload page and the command line: read → validate → diff (``prepare``), then ``publish``.

``prepare`` never writes to the store, so a cancelled upload changes nothing; ``publish`` writes the prepared rows
as one release in one transaction, or nothing at all.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .. import config, store
from ..catalog import dataset
from ..exporting import to_csv_bytes
from . import nsi
from .diff import Diff, compare
from .funding_checks import CHECKERS as FUNDING_CHECKERS
from .problems import FILE, PROBLEM_COLUMNS, FileRejected, Problem, file_problem, problems_frame
from .read import read
from .reading import Detected, Reading, ReadOptions
from .resolve import load_context
from .table import TEXT
from .validate import Checked, check_observations, check_projects

SHOWN_ERRORS = 200  # the page and the command line list this many; the CSV report has them all
CHECKERS = {"observations": check_observations, "projects": check_projects, **FUNDING_CHECKERS}


@dataclass
class Prepared:
    """An upload read, checked and compared with the current data: everything the page shows before publishing."""

    file_name: str
    size_bytes: int
    sha256: str
    detected: Detected = field(default_factory=Detected)
    rows_read: int = 0
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: dict[str, int] = field(default_factory=dict)
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    diff: Diff | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def dataset(self) -> str | None:
        """observations, projects or a funding table (None when the file could not be read)."""
        return self.detected.dataset

    @property
    def ok(self) -> bool:
        """True when the file can be published: no errors and at least one row."""
        return self.errors.empty and len(self.rows) > 0

    def errors_by_kind(self) -> pd.Series:
        """How many errors of each kind, most frequent first."""
        return self.errors["kind"].value_counts()

    def shown_errors(self, limit: int = SHOWN_ERRORS) -> pd.DataFrame:
        """The first errors by line, as the page and the command line list them."""
        return self.errors.head(limit)

    def report_csv(self) -> bytes:
        """Every error and warning as a CSV for a spreadsheet (UTF-8 with BOM, formulas neutralised)."""
        both = pd.concat([self.errors.assign(severity="error"), self.warnings.assign(severity="warning")])
        return to_csv_bytes(both[["severity", *PROBLEM_COLUMNS]], bom=True)


def prepare_file(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions | None = None) -> Prepared:
    """``prepare`` for a file on disk; an oversize file is refused before it is read. An NSI data file
    (``x-data.csv``) is read with its companions ``x-fields.csv`` and ``x-codelists.csv`` from beside it."""
    path = Path(path)
    size = path.stat().st_size
    if size > _max_bytes():
        prepared = Prepared(path.name, size, store.file_sha256(path))
        prepared.errors = problems_frame([_too_large(size).problem])
        return prepared
    companions = {
        part: (path.parent / name).read_bytes()
        for part, name in nsi.companion_names(path.name).items()
        if (path.parent / name).is_file() and (path.parent / name).stat().st_size <= _max_bytes()
    }
    return prepare(con, path.read_bytes(), path.name, options, companions or None)


def prepare(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    options: ReadOptions | None = None,
    companions: dict[str, bytes] | None = None,
) -> Prepared:
    """Read, validate and diff an upload against the store; writes nothing. ``companions``: the files uploaded
    with it by part (an NSI table's ``fields`` and ``codelists``); the release records the main file's hash."""
    options = (options or ReadOptions()).checked()
    prepared = Prepared(file_name, len(data), hashlib.sha256(data).hexdigest())
    try:
        _check_size(data)
        ctx = load_context(con)
        reading = read(
            data, file_name, ctx, options, prepared.detected, _max_bytes(), config.max_upload_rows(), companions
        )
    except FileRejected as exc:
        prepared.errors = problems_frame([exc.problem])
        return prepared
    name = prepared.dataset
    if name is None:  # every reader names its dataset or raises FileRejected
        raise RuntimeError(f"the reader of {file_name} named no dataset")
    checked = CHECKERS[name](con, reading, ctx, prepared.detected.decimal or ".")
    _collect(prepared, reading, checked)
    if len(checked.rows):
        by_year = "_col" in reading.frame.columns
        prepared.diff, big = compare(
            con,
            checked.rows,
            name,
            reading.columns.get("value" if name == "observations" else "budget_eur"),
            by_year,
        )
        prepared.warnings = _sorted([prepared.warnings, big])
    return prepared


def _max_bytes() -> int:
    return int(config.max_upload_mb() * 2**20)


def _too_large(size: int) -> FileRejected:
    return file_problem(
        "too_large",
        f"the file is {size / 2**20:.1f} MB; the limit is {config.max_upload_mb():g} MB (SI_MAX_UPLOAD_MB)",
        value=f"{size} bytes",
    )


def _check_size(data: bytes) -> None:
    """Refuse empty and oversize uploads before decoding them."""
    if not data:
        raise file_problem("empty_file", "the file is empty (0 bytes); expected a header line")
    if len(data) > _max_bytes():
        raise _too_large(len(data))


def _sorted(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Problem tables as one, by line."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    both = pd.concat(frames, ignore_index=True)
    both["line"] = both["line"].astype("int64")
    both["value"] = both["value"].fillna("").astype(TEXT)
    return both.sort_values(["line", "column"], kind="stable").reset_index(drop=True)


def _collect(prepared: Prepared, reading: Reading, checked: Checked) -> None:
    """Fill the prepared result from reading and validation."""
    prepared.rows_read = reading.rows_read or len(reading.frame)
    prepared.rows = checked.rows
    prepared.skipped = dict(Counter(reading.skipped) + Counter(checked.skipped))
    errors = [problems_frame(reading.problems), *checked.errors]
    if not len(checked.rows) and not any(len(e) for e in errors):
        errors.append(problems_frame([_nothing_left(prepared)]))
    prepared.errors = _sorted(errors)
    prepared.warnings = _sorted([problems_frame(reading.warnings), *checked.warnings])
    prepared.notes = [
        f"{name} is not in the file: set to {value!r}"
        for name, value in reading.defaults.items()
        if name not in reading.columns
    ]


def _nothing_left(prepared: Prepared) -> Problem:
    """The error for a file whose rows were all skipped."""
    reasons = "; ".join(f"{n} {why}" for why, n in prepared.skipped.items()) or "no rows"
    return Problem(
        2,
        FILE,
        "",
        "no_data",
        f"nothing left to publish ({reasons}); expected at least one row with a value for a known area",
    )


def publish(con: duckdb.DuckDBPyConnection, prepared: Prepared, *, user: str, note: str) -> store.Release:
    """Publish a prepared upload as one release (user, note, file name, sha256, counts); all or nothing."""
    if not prepared.ok:
        raise ValueError(f"{len(prepared.errors)} problem(s) in {prepared.file_name}; nothing was published")
    if not user.strip():
        raise ValueError("name who publishes (the release records it)")
    compared = prepared.diff.compared if prepared.diff else None
    if prepared.dataset is None:  # ok above means the file was read, so its dataset is known
        raise ValueError(f"{prepared.file_name} was not read; nothing was published")
    return store.publish_rows(
        con,
        dataset(prepared.dataset),
        prepared.rows,
        compared,
        user=user.strip(),
        note=note,
        file_name=prepared.file_name,
        sha256=prepared.sha256,
        rows_in_file=prepared.rows_read,
    )
