"""The raw public files the datasets are built from live in the repository, each described in its manifest."""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
import sys

from helpers import ROOT

SOURCES = ROOT / "datasets" / "sources"


def test_every_source_file_is_in_the_manifest_with_its_hash_and_provenance():
    with (SOURCES / "MANIFEST.csv").open(encoding="utf-8") as fh:
        rows = {r["file"]: r for r in csv.DictReader(fh)}
    files = sorted(
        p.relative_to(SOURCES).as_posix()
        for p in SOURCES.rglob("*")
        if p.is_file() and p.name not in ("MANIFEST.csv", "provenance.toml", "README.md")
    )
    assert sorted(rows) == files
    assert len(files) == 32 and sum(f.startswith("nsi/") for f in files) == 18
    for name, row in rows.items():
        data = (SOURCES / name).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert int(row["bytes"]) == len(data), name
        for field in ("producer", "title", "url", "licence", "vintage", "obtained"):
            assert row[field].strip(), f"{name}: no {field}"
        assert row["url"].startswith("https://"), name


def test_the_manifest_is_what_the_script_writes():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "source_manifest.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_nsi_tables_are_kept_as_nsi_serves_them():
    """Windows-1251 bytes, not re-encoded: 'Видин' is the five bytes c2 e8 e4 e8 ed."""
    codelists = (SOURCES / "nsi" / "nsi1011_LFS_A_KB_sex_obl_statreg-codelists.csv").read_bytes()
    assert "Видин".encode("cp1251") in codelists
    assert "Видин".encode() not in codelists


def test_no_code_test_or_makefile_reads_the_shared_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    checked = [p for p in tracked if re.search(r"\.(py|sql|toml|cfg)$|^Makefile$|^\.ci/", p)]
    assert len(checked) > 50
    offenders = [
        p for p in checked if "shared" + "/reference" in (ROOT / p).read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def test_the_absorption_extract_is_refused_as_no_dataset(con):
    """The ИСУН absorption extract holds percentages of programmes, not a dataset: an upload of it says so."""
    from si_metrics.ingest import pipeline
    from si_metrics.ingest.reading import ReadOptions

    data = (SOURCES / "isun_programme_absorption_ESF_extract.csv").read_bytes()
    prepared = pipeline.prepare(con, data, "absorption.csv", ReadOptions(dataset="funding"))
    assert not prepared.ok
    problem = prepared.errors.iloc[0]
    assert (problem["kind"], problem["value"]) == ("unknown_format", "absorption_pct")
