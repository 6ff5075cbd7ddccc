"""The benchmark harness runs end to end at a tiny scale, so it cannot rot. No time is asserted here:
speed is measured by `make bench` and reported in benchmarks/results.md."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks import harness, run


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    out = root / "results.md"
    results = run.main(
        [
            "--scale",
            "tiny",
            "--runs",
            "1",
            "--coldstart-runs",
            "0",
            "--upload-runs",
            "2",
            "--in-process",
            "--no-profile",
            "--root",
            str(root),
            "--out",
            str(out),
        ]
    )
    return results, out.read_text(encoding="utf-8")


def _page_table(text: str) -> list[list[str]]:
    lines = text.split("## Pages:", 1)[1].splitlines()
    end = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    rows = [line for line in lines[:end] if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_table_has_every_column(bench):
    _, text = bench
    header = _page_table(text)[0]
    assert header == [
        "page",
        "app",
        "first render cold p50 / p95 ms",
        "first render warm p50 / p95 ms",
        "area change p50 / p95 ms",
        "period change p50 / p95 ms",
        "setting change p50 / p95 ms",
        "runs",
        "to browser KB first / max",
        "peak RSS MB",
        "errors",
    ]
    for row in _page_table(text)[2:]:
        assert len(row) == len(header), row


def test_table_has_every_page_for_both_apps_and_their_ratio(bench):
    results, text = bench
    rows = _page_table(text)[2:]
    assert [r[0] for r in rows if r[0]] == [p.title for p in harness.PAGES]
    assert [r[1] for r in rows] == ["ours", "baseline", "**baseline ÷ ours**"] * len(harness.PAGES)
    for page in harness.PAGES:
        for app in ("ours", "baseline"):
            r = results["pages"][page.url][app]
            assert r["error_count"] == 0, (page.url, app, r["errors"])
            assert r["first_render_bytes"] > 0
            measured = {name for name, s in r["series"].items() if s["n"] == 1 and s["p50_ms"] > 0}
            expected = set(harness.SERIES) - ({"setting"} if page.setting is None else set())
            assert measured == expected, (page.url, app, r["series"])


def test_goals_and_start_rows_are_reported(bench):
    results, text = bench
    goals = text.split("## Goals", 1)[1].split("## ", 1)[0]
    for target in ("≤ 150 ms", "≤ 300 ms", "≥ 10×", "≤ ⅓", "≤ 1 MB", "≤ 3 s", "≤ 5 s"):
        assert target in goals
    assert all(g["met"] in (True, False) for g in results["goals"])
    start = text.split("## Start and publishing", 1)[1]
    for what in (
        "build the store at scale tiny",
        "validate the observations upload",
        "publish the observations upload",
    ):
        assert what in start
    for name in ("validate", "publish"):  # each run into a fresh copy of the store; the median one is reported
        cli = results["upload"]["cli"][name]
        assert cli["exit"] == 0 and len(cli["all_seconds"]) == 2 and cli["seconds"] == max(cli["all_seconds"])
    assert start.count("median of 2 runs, each into a fresh copy of the store") == 2
    assert "Machine" in text and "Python" in text and "duckdb" in text
    assert pd.Series(["x"]).dtype == object  # the baseline's pandas setting did not outlive its pages
    checks = results["machine"]["cpu_check_ms"]  # one before each page of each app
    assert len(checks) == 2 * len(harness.PAGES) and min(checks) > 0 and "CPU check" in text
