"""The command line: ``python -m si_metrics COMMAND``. Never prompts; errors are one line and a non-zero exit."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import auth, geo, releases, store
from .catalog import catalog
from .exporting import to_csv_bytes
from .ingest import pipeline, report, template
from .ingest import reading as ingest_read
from .queries import run

CHANGES_SHOWN = 50  # rows `history --changes` lists unless --limit says otherwise


def _cmd_init(args: argparse.Namespace) -> int:
    where = store.location()
    existed = store.built(where)
    con = store.open_store(where, rebuild=args.rebuild)
    n = store.latest_release(con)
    verb = "rebuilt" if args.rebuild and existed else ("already built" if existed else "built")
    print(f"store {verb}: {where} ({n} releases)")
    return 0


def _cmd_maintain(args: argparse.Namespace) -> int:
    done = store.maintain(store.open_store(), keep=args.keep, grace_minutes=args.grace_minutes)
    print(
        f"store maintained: data files {done.files_before} -> {done.files_after}; "
        f"{done.expired} snapshots expired, {done.kept} kept"
    )
    return 0


def _cmd_catalog(args: argparse.Namespace) -> int:
    con = store.open_reader()
    rows = (
        con.cursor()
        .execute(
            "select i.code, i.unit, i.name_en, count(o.value) as observations "
            "from indicators i left join observations o on o.indicator_code = i.code "
            "group by all order by i.code"
        )
        .fetchall()
    )
    print(f"{'code':<28}{'unit':<8}{'observations':>13}  name")
    for code, unit, name, n in rows:
        print(f"{code:<28}{unit:<8}{n:>13}  {name}")
    return 0


def _cmd_regions(args: argparse.Namespace) -> int:
    con = store.open_reader()
    for r in run(con, "regions").itertuples():
        indent = "  " * (r.level if not r.is_benchmark else 0)
        print(f"{r.code:<10} level {r.level}  {indent}{r.name_en} / {r.name_bg}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    con = store.open_reader()
    frame = store.current(con, args.dataset)
    if args.format == "parquet":
        if not args.out:
            raise ValueError("--format parquet needs --out FILE")
        frame.to_parquet(args.out, index=False)
    else:
        data = to_csv_bytes(frame)
        if args.out:
            Path(args.out).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    if args.out:
        print(f"wrote {len(frame)} rows of {args.dataset} to {args.out}", file=sys.stderr)
    return 0


def _one_line(text: object) -> str:
    """Free text (a note, a file name) on one line, so each release stays one line."""
    return " ".join(str(text).split()) if isinstance(text, str) else ""


def _counts(r: Any) -> str:
    """A release's counts, as the diff before publishing names them."""
    return f"{r.rows_added} new, {r.rows_changed} changed, {r.rows_removed} removed, {r.rows_unchanged} unchanged"


def _history_line(r: Any) -> str:
    """One release: number, time, dataset, kind, who, counts, file, note (tab-separated)."""
    kind = r.kind if pd.isna(r.rolls_back) else f"{r.kind} of {int(r.rolls_back)}"
    return (
        f"{r.id}\t{r.published_at:%Y-%m-%d %H:%M:%S}\t{r.dataset}\t{kind}\t{_one_line(r.user_name)}\t"
        f"{_counts(r)}\t{_one_line(r.file_name)}\t{_one_line(r.note)}"
    )


def _cmd_history(args: argparse.Namespace) -> int:
    con = store.open_reader()
    if args.changes is not None:
        return _print_changes(con, args)
    for r in store.release_history(con, args.dataset).itertuples():
        print(_history_line(r))
    return 0


def _print_changes(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """The release's history line, then its rows (change, key columns, old → new), then how many were shown."""
    limit = args.limit if args.limit > 0 else None
    found = releases.release_changes(con, args.changes, limit)
    if args.dataset and found.release["dataset"] != args.dataset:
        raise ValueError(f"release {args.changes} is of {found.release['dataset']}, not {args.dataset}")
    print(_history_line(pd.Series(found.release)))
    print("\t".join(["change", *found.keys, "old → new"]))
    for row in found.rows.itertuples(index=False):
        print("\t".join(_one_line(str(v)) for v in row))
    more = "; --limit N shows more (0: all)" if len(found.rows) < found.total else ""
    print(f"{len(found.rows)} of {found.total} rows shown{more}")
    return 0


def _read_options(args: argparse.Namespace) -> ingest_read.ReadOptions:
    filters = []
    for pair in args.filter or []:
        dim, sep, code = pair.partition("=")
        if not sep or not dim.strip() or not code.strip():
            raise ValueError(f"--filter takes DIMENSION=CODE (SILC_Median=3), not {pair!r}")
        filters.append((dim.strip(), code.strip()))
    return ingest_read.ReadOptions(
        args.dataset,
        args.format,
        args.encoding,
        args.delimiter,
        args.decimal,
        args.snapshot,
        args.indicator,
        tuple(filters),
    )


def _cmd_validate(args: argparse.Namespace) -> int:
    con = store.open_reader()
    prepared = pipeline.prepare_file(con, Path(args.file), _read_options(args))
    print("\n".join(report.lines(prepared)))
    return 0 if prepared.ok else 1


def _cmd_publish(args: argparse.Namespace) -> int:
    con = store.open_store()
    prepared = pipeline.prepare_file(con, Path(args.file), _read_options(args))
    print("\n".join(report.lines(prepared)))
    if not prepared.ok:
        print(
            f"error: {len(prepared.errors)} problem(s) in {prepared.file_name}; nothing was published", file=sys.stderr
        )
        return 1
    rel = pipeline.publish(con, prepared, user=args.user, note=args.note)
    print(
        f"release {rel.id}: {rel.dataset} published by {args.user.strip()}: {rel.rows_added} new, "
        f"{rel.rows_changed} changed, {rel.rows_unchanged} unchanged"
    )
    return 0


def _cmd_rollback(args: argparse.Namespace) -> int:
    con = store.open_store()
    rel = releases.rollback(con, args.release, user=args.user, note=args.note)
    print(
        f"release {rel.id}: {rel.dataset} as before release {args.release} ({rel.rows_added} restored, "
        f"{rel.rows_changed} changed back, {rel.rows_removed} removed)"
    )
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    names = template.TEMPLATES[args.dataset]
    if len(names) > 1:  # funding: both tables, into the folder --out names
        folder = Path(args.out or ".")
        if not folder.is_dir():
            raise ValueError(f"--out for {args.dataset} names a folder (it writes {len(names)} templates): {folder}")
        outs = [folder / f"{name}_template.csv" for name in names]
    else:
        outs = [Path(args.out) if args.out else Path(f"{names[0]}_template.csv")]
    for name, out in zip(names, outs):
        written, explained = template.write(name, out)
        print(f"wrote {written} and {explained}")
    return 0


def _upload_arguments(s: argparse.ArgumentParser) -> None:
    """The options validate and publish share: what to read and how (default: detect)."""
    s.add_argument(
        "file",
        metavar="FILE",
        help="the file: CSV, TSV (.gz), SDMX-CSV, a .zip, or an NSI table's -data.csv with its -fields.csv and "
        "-codelists.csv beside it",
    )
    s.add_argument(
        "--dataset",
        choices=ingest_read.DATASETS,
        help="the dataset the file holds (default: detect); funding is funding_programmes or "
        "funding_municipalities, told from the header",
    )
    s.add_argument("--format", choices=ingest_read.FORMATS, default="auto", help="file format (default: auto)")
    s.add_argument("--encoding", help="text encoding, e.g. utf-8, windows-1251 (default: detect)")
    s.add_argument("--delimiter", help="field separator: , ; tab | (default: detect)")
    s.add_argument("--decimal", help="decimal mark: . or , (default: detect)")
    s.add_argument(
        "--snapshot",
        metavar="DATE",
        help="funding: the register snapshot date of rows that give none (an ИСУН extract has none; "
        "default: a yyyy-mm-dd date in the file name). Funding uploads merge by code and snapshot: "
        "rows the file does not name stay",
    )
    s.add_argument(
        "--indicator",
        metavar="CODE",
        help="NSI table: the catalogue indicator it holds, for a table indicator_nsi does not map (see `catalog`)",
    )
    s.add_argument(
        "--filter",
        action="append",
        metavar="DIM=CODE",
        help="NSI table: keep the rows with this code of a dimension (SILC_Median=3); repeat for several",
    )


def _upload_parsers(sub: argparse._SubParsersAction) -> None:
    """validate, publish, rollback and template."""
    s = sub.add_parser(
        "validate",
        help="check a file staff want to publish: what was detected, counts, errors; "
        "exit 0 only when it can be published",
    )
    _upload_arguments(s)
    s.set_defaults(func=_cmd_validate)
    s = sub.add_parser("publish", help="validate a file and publish it as one release; on any error nothing changes")
    _upload_arguments(s)
    s.add_argument("--user", required=True, help="who publishes (recorded)")
    s.add_argument("--note", required=True, help="why (recorded)")
    s.set_defaults(func=_cmd_publish)
    s = sub.add_parser("rollback", help="restore a dataset's state before a release, as a new release")
    s.add_argument("release", type=int, metavar="RELEASE", help="the release number (see history)")
    s.add_argument("--user", required=True, help="who rolls back (recorded)")
    s.add_argument("--note", required=True, help="why (recorded)")
    s.set_defaults(func=_cmd_rollback)
    s = sub.add_parser("template", help="write an upload template CSV and a text explaining its columns (EN/BG)")
    s.add_argument(
        "dataset",
        choices=list(template.TEMPLATES),
        metavar="DATASET",
        help="one of: " + ", ".join(template.TEMPLATES) + " (funding: both funding tables)",
    )
    s.add_argument(
        "--out",
        help="the CSV to write (default: DATASET_template.csv); the text goes beside it; for "
        "funding, the folder to write both templates to (default: the current folder)",
    )
    s.set_defaults(func=_cmd_template)


def _cmd_boundaries(args: argparse.Namespace) -> int:
    con = store.open_store()
    result = geo.import_geojson(con, Path(args.file), user=args.user, note=args.note)
    for number, code, problem in result.problems[:200]:
        print(f"feature {number} {code or '(no code)'}: {problem}", file=sys.stderr)
    if result.problems:
        print(f"error: {len(result.problems)} feature(s) cannot be used; nothing was imported", file=sys.stderr)
        return 1
    print(
        f"release {result.release}: boundaries of {len(result.kept)} areas imported "
        f"({result.unknown} features of other areas skipped)"
    )
    return 0


def _cmd_hash_password(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n")
    print(auth.hash_password(password))
    return 0


def _cmd_briefing(args: argparse.Namespace) -> int:
    # imported here: fpdf2 and the fonts are needed by this command only, not by every start of the CLI
    from . import briefing, briefing_render

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".html"):
        raise ValueError(f"--out must end in .pdf or .html, not {out.name!r}")
    con = store.open_store()
    try:
        doc = briefing.briefing(con, args.region.upper(), args.lang)
    except briefing.UnknownRegion:
        raise ValueError(f"unknown area {args.region!r}: `python -m si_metrics regions` lists them") from None
    if out.suffix.lower() == ".pdf":
        out.write_bytes(briefing_render.to_pdf(doc))
    else:
        out.write_text(briefing_render.to_html(doc), encoding="utf-8")
    print(f"wrote {out} ({doc.title})")
    return 0


def _briefing_parser(sub: Any) -> None:
    s = sub.add_parser(
        "briefing", help="write the one-area briefing (indicators, targets, EU money, projects) as PDF or HTML"
    )
    s.add_argument("region", metavar="REGION", help="area code, e.g. BG311 (Vidin) or BG31")
    s.add_argument("--lang", choices=["bg", "en"], default="en")
    s.add_argument("--out", required=True, help="file to write: .pdf or .html")
    s.set_defaults(func=_cmd_briefing)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m si_metrics",
        description="SI Observatory data store. The store lives in $SI_DATA_DIR (default ./var).",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    s = sub.add_parser("init", help="build the store from datasets/ if it is absent (idempotent)")
    s.add_argument(
        "--rebuild",
        action="store_true",
        help="move the existing store aside (kept as a .bak folder) and build it again",
    )
    s.set_defaults(func=_cmd_init)
    s = sub.add_parser(
        "maintain",
        help="merge small data files, expire snapshots no kept release needs and delete the files that frees "
        "(safe while the app runs)",
    )
    s.add_argument(
        "--keep",
        type=int,
        default=store.KEEP_RELEASE_SNAPSHOTS,
        help=f"keep the snapshots of this many newest releases (default {store.KEEP_RELEASE_SNAPSHOTS})",
    )
    s.add_argument(
        "--grace-minutes",
        type=float,
        default=store.CLEANUP_GRACE_MIN,
        help=f"delete freed files only this long after they were freed (default {store.CLEANUP_GRACE_MIN})",
    )
    s.set_defaults(func=_cmd_maintain)
    sub.add_parser("catalog", help="list the indicators and how many observations each has").set_defaults(
        func=_cmd_catalog
    )
    sub.add_parser("regions", help="list the areas in hierarchy order").set_defaults(func=_cmd_regions)
    s = sub.add_parser("export", help="write the current data of a dataset")
    s.add_argument("dataset", choices=list(catalog()), metavar="DATASET", help="one of: " + ", ".join(catalog()))
    s.add_argument("--format", choices=["csv", "parquet"], default="csv")
    s.add_argument("--out", help="file to write (default: standard output, CSV only)")
    s.set_defaults(func=_cmd_export)
    s = sub.add_parser("boundaries", help="import area boundaries from a GeoJSON file (features keyed by NUTS_ID)")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--user", default=os.environ.get("USER") or "operator", help="who imports (recorded)")
    s.add_argument("--note", default="", help="why (recorded)")
    s.set_defaults(func=_cmd_boundaries)
    sub.add_parser(
        "hash-password",
        help="read a password from standard input, print its argon2id hash for a "
        "staff account (SI_STAFF_ACCOUNTS or [staff.accounts] in secrets)",
    ).set_defaults(func=_cmd_hash_password)
    s = sub.add_parser(
        "history",
        help="list releases, one per line, starting with the release number, with "
        "their counts (new, changed, removed, unchanged)",
    )
    s.add_argument("dataset", nargs="?", choices=list(catalog()), metavar="DATASET")
    s.add_argument(
        "--changes",
        type=int,
        metavar="RELEASE",
        help="list the rows one release changed (old → new), added or removed, changed ones first",
    )
    s.add_argument(
        "--limit",
        type=int,
        default=CHANGES_SHOWN,
        help=f"with --changes: rows to list (default {CHANGES_SHOWN}; 0: all)",
    )
    s.set_defaults(func=_cmd_history)
    _upload_parsers(sub)
    _briefing_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (store.StoreError, ValueError, KeyError, OSError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
