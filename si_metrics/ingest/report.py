"""A prepared upload as plain text lines, for the command line (the Upload page shows the same fields as tables)."""

from __future__ import annotations

import pandas as pd

from .pipeline import SHOWN_ERRORS, Prepared
from .problems import Problem

SHOWN_WARNINGS = 20  # warnings never block; the full list is in the CSV report


def _char(delimiter: str | None) -> str:
    return {"\t": "tab", None: "?"}.get(delimiter, repr(delimiter))


def detected_line(p: Prepared) -> str:
    """What was detected about the file, on one line."""
    d = p.detected
    parts = [
        d.format_label or d.format or "unknown format",
        f"encoding {d.encoding or '?'}" + (" with BOM" if d.bom else "") + (", gzip" if d.gzip else ""),
        f"delimiter {_char(d.delimiter)}",
        f"decimal {_char(d.decimal)}",
        f"dataset {d.dataset or '?'}",
    ]
    return "detected: " + "; ".join(parts)


def mapping_lines(p: Prepared) -> list[str]:
    """One line per mapping rule that applied (Eurostat dataset or NSI table)."""
    return [
        f"mapping: {'NSI table ' + m['nsi_table'] if 'nsi_table' in m else 'Eurostat ' + m['eurostat_dataset']} -> "
        f"{m['indicator']} where "
        f"{m['filters'] or 'every row'}"
        + (f" (breakdowns kept: {m['breakdowns']})" if m["breakdowns"] else "")
        + f": {m['rows']} rows"
        for m in p.detected.mapping
    ]


def counts_line(p: Prepared) -> str:
    """Rows read, ready and skipped by reason."""
    skipped = sum(p.skipped.values())
    reasons = "; ".join(f"{n} {why}" for why, n in p.skipped.items())
    return f"rows: {p.rows_read} read, {len(p.rows)} ready, {skipped} skipped" + (f" ({reasons})" if reasons else "")


def _problem_lines(title: str, frame: pd.DataFrame, limit: int) -> list[str]:
    """A heading with counts by kind, then the first problems, one per line."""
    if frame.empty:
        return [f"{title}: none"]
    kinds = ", ".join(f"{kind} {n}" for kind, n in frame["kind"].value_counts().items())
    lines = [f"{title}: {len(frame)} ({kinds})"]
    lines += [
        "  " + str(Problem(int(r.line), str(r.column), str(r.value), r.kind, r.problem))
        for r in frame.head(limit).itertuples()
    ]
    if len(frame) > limit:
        lines.append(f"  ... and {len(frame) - limit} more")
    return lines


def diff_line(p: Prepared) -> str:
    """New, changed and unchanged counts against the current data."""
    if p.diff is None:
        return "diff: nothing to compare"
    d = p.diff
    return f"diff: {d.new} new, {d.changed} changed ({d.value_changed} with a new value), {d.unchanged} unchanged"


def lines(p: Prepared) -> list[str]:
    """The whole report: file, detection, counts, errors, warnings, diff and whether it can be published."""
    out = [
        f"file: {p.file_name} ({p.size_bytes} bytes, sha256 {p.sha256[:16]})",
        detected_line(p),
        *mapping_lines(p),
        counts_line(p),
        *(f"note: {n}" for n in p.notes),
    ]
    out += _problem_lines("errors", p.errors, SHOWN_ERRORS)
    out += _problem_lines("warnings", p.warnings, SHOWN_WARNINGS)
    out += [diff_line(p), f"publishable: {'yes' if p.ok else 'no'}"]
    return out
