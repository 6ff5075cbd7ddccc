"""Write datasets/sources/MANIFEST.csv: every raw public file with its size, sha256 and provenance.

    python scripts/source_manifest.py [--check]

The facts about each file (producer, title, URL, licence, vintage, how it was obtained) are kept by hand in
datasets/sources/provenance.toml; sizes and hashes are read from the files, so the manifest cannot drift from
what is committed. With --check nothing is written and the exit code says whether MANIFEST.csv is current.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import tomllib
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "datasets" / "sources"
FIELDS = ("file", "bytes", "sha256", "producer", "title", "url", "licence", "vintage", "obtained")
NOT_SOURCES = {"provenance.toml", "MANIFEST.csv", "README.md"}


def source_files(root: Path = SOURCES) -> list[str]:
    """Every raw file under the sources folder, as a path relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name not in NOT_SOURCES)


def manifest_rows(root: Path = SOURCES) -> list[dict[str, str]]:
    """One row per described file; a ValueError names a file that is missing or not described."""
    facts = tomllib.loads((root / "provenance.toml").read_text(encoding="utf-8"))
    described = {entry["path"]: entry for entry in facts["file"]}
    present = source_files(root)
    undescribed = sorted(set(present) - set(described))
    missing = sorted(set(described) - set(present))
    if undescribed or missing:
        raise ValueError(f"not described in provenance.toml: {undescribed}; described but missing: {missing}")
    rows = []
    for path in present:
        entry = {**facts.get("defaults", {}).get(described[path].get("defaults", ""), {}), **described[path]}
        data = (root / path).read_bytes()
        row = {"file": path, "bytes": str(len(data)), "sha256": hashlib.sha256(data).hexdigest()}
        for name in FIELDS[3:]:
            if not entry.get(name):
                raise ValueError(f"{path}: provenance.toml gives no {name}")
            row[name] = entry[name]
        rows.append(row)
    return rows


def manifest_text(root: Path = SOURCES) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(manifest_rows(root))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only say whether MANIFEST.csv is current")
    args = ap.parse_args(argv)
    text, target = manifest_text(), SOURCES / "MANIFEST.csv"
    if args.check:
        current = target.exists() and target.read_text(encoding="utf-8") == text
        print("MANIFEST.csv is current" if current else "MANIFEST.csv is out of date: run scripts/source_manifest.py")
        return 0 if current else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({text.count(chr(10)) - 1} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
