"""The command line: ``python -m si_metrics COMMAND``. Never prompts; errors are one line and a non-zero exit."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from . import config, geo, store
from .catalog import catalog
from .exporting import to_csv_bytes
from .queries import run


def _cmd_init(args: argparse.Namespace) -> int:
    path = config.db_path()
    existed = path.exists()
    con = store.open_store(rebuild=args.rebuild)
    n = store.latest_release(con)
    verb = "rebuilt" if args.rebuild and existed else ("already built" if existed else "built")
    print(f"store {verb}: {path} ({n} releases)")
    return 0


def _cmd_catalog(args: argparse.Namespace) -> int:
    con = store.open_store()
    rows = con.cursor().execute(
        "select i.code, i.unit, i.name_en, count(o.value) as observations "
        "from indicators i left join observations o on o.indicator_code = i.code "
        "group by all order by i.code"
    ).fetchall()
    print(f"{'code':<14}{'unit':<8}{'observations':>13}  name")
    for code, unit, name, n in rows:
        print(f"{code:<14}{unit:<8}{n:>13}  {name}")
    return 0


def _cmd_regions(args: argparse.Namespace) -> int:
    con = store.open_store()
    for r in run(con, "regions").itertuples():
        indent = "  " * (r.level if not r.is_benchmark else 0)
        print(f"{r.code:<10} level {r.level}  {indent}{r.name_en} / {r.name_bg}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    con = store.open_store()
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


def _cmd_history(args: argparse.Namespace) -> int:
    con = store.open_store()
    for r in store.release_history(con, args.dataset).itertuples():
        print(f"{r.id}\t{r.published_at:%Y-%m-%d %H:%M:%S}\t{r.dataset}\t{r.kind}\t{r.user_name}\t"
              f"+{r.rows_added} ~{r.rows_changed} -{r.rows_removed} ={r.rows_unchanged}\t{r.note or ''}")
    return 0


def _cmd_boundaries(args: argparse.Namespace) -> int:
    con = store.open_store()
    result = geo.import_geojson(con, Path(args.file), user=args.user, note=args.note)
    for number, code, problem in result.problems[:200]:
        print(f"feature {number} {code or '(no code)'}: {problem}", file=sys.stderr)
    if result.problems:
        print(f"error: {len(result.problems)} feature(s) cannot be used; nothing was imported", file=sys.stderr)
        return 1
    print(f"release {result.release}: boundaries of {len(result.kept)} areas imported "
          f"({result.unknown} features of other areas skipped)")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m si_metrics",
        description="SI Observatory data store. The store lives in $SI_DATA_DIR (default ./var).",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    s = sub.add_parser("init", help="build the store from datasets/ if it is absent (idempotent)")
    s.add_argument("--rebuild", action="store_true",
                   help="move the existing store aside (kept as a .bak file) and build it again")
    s.set_defaults(func=_cmd_init)
    sub.add_parser("catalog", help="list the indicators and how many observations each has").set_defaults(
        func=_cmd_catalog)
    sub.add_parser("regions", help="list the areas in hierarchy order").set_defaults(func=_cmd_regions)
    s = sub.add_parser("export", help="write the current data of a dataset")
    s.add_argument("dataset", choices=list(catalog()), metavar="DATASET",
                   help="one of: " + ", ".join(catalog()))
    s.add_argument("--format", choices=["csv", "parquet"], default="csv")
    s.add_argument("--out", help="file to write (default: standard output, CSV only)")
    s.set_defaults(func=_cmd_export)
    s = sub.add_parser("boundaries", help="import area boundaries from a GeoJSON file (features keyed by NUTS_ID)")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--user", default=os.environ.get("USER") or "operator", help="who imports (recorded)")
    s.add_argument("--note", default="", help="why (recorded)")
    s.set_defaults(func=_cmd_boundaries)
    s = sub.add_parser("history", help="list releases, one per line, starting with the release number")
    s.add_argument("dataset", nargs="?", choices=list(catalog()), metavar="DATASET")
    s.set_defaults(func=_cmd_history)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (store.StoreError, ValueError, KeyError, OSError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
