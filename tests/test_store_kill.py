"""A kill -9 at any moment of `init` or `publish` leaves the store as it was or whole: each run is killed at a point
drawn with a fixed seed, and the store it left is classed old / new / partial / unopenable."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import ROOT
from si_metrics import store
from si_metrics.catalog import catalog

SEED = 20261204
PUBLISH_KILLS = 30
INIT_KILLS = 10
AT_ONCE = 3  # runs killed side by side, to keep the test short; each has its own store
FIRST_YEAR = 2040  # no bundled observation is this late: every upload row is new


def _start(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "SI_DATA_DIR": str(data_dir)}
    env.pop("SI_STORE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "si_metrics", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _timed(data_dir: Path, *args: str) -> float:
    env = {**os.environ, "SI_DATA_DIR": str(data_dir)}
    env.pop("SI_STORE", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "si_metrics", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - started


def _whole(stores: list[Path], *args: str) -> float:
    """How long a whole run takes here, as the killed ones run: AT_ONCE side by side (the median of them)."""
    with ThreadPoolExecutor(AT_ONCE) as pool:
        times = sorted(pool.map(lambda folder: _timed(folder, *args), stores))
    return times[len(times) // 2]


def _kill_at(data_dir: Path, delay: float, *args: str) -> None:
    proc = _start(data_dir, *args)
    try:
        proc.wait(timeout=delay)  # finished before its kill point: the store is whole, as a "new" count
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _upload(tmp_path: Path) -> tuple[Path, dict[tuple[str, int], float]]:
    """Observations of one indicator for every area over many future years (about 2,300 rows), none in the bundled
    data: enough that the release's own work spans a good part of the run."""
    import csv

    with (ROOT / "datasets" / "regions.csv").open(encoding="utf-8") as fh:
        areas = [r["code"] for r in csv.DictReader(fh) if r["is_benchmark"].lower() != "true"]
    cells = [(a, y) for a in areas for y in range(FIRST_YEAR, 2101)]
    values = {cell: (i % 1000) / 10 for i, cell in enumerate(cells)}  # percentages: 0.0 to 99.9
    path = tmp_path / "upload.csv"
    lines = ["indicator_code,region_code,year,value"] + [f"UNEMP,{r},{y},{v}" for (r, y), v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, values


def _publish_outcome(data_dir: Path, values: dict[tuple[str, int], float], releases_before: int) -> str:
    try:
        con = store.open_store(data_dir / "store", read_only=True)
    except Exception:
        return "unopenable"
    try:
        cur = con.cursor()
        latest = store.latest_release(con)
        found = {
            (r, y): v
            for r, y, v in cur.execute(
                "select region_code, year, value from observations where indicator_code = 'UNEMP' and year >= ?",
                [FIRST_YEAR],
            ).fetchall()
        }
        versions = cur.execute("select count(*) from observations__versions where year >= ?", [FIRST_YEAR]).fetchone()[
            0
        ]
        totals = cur.execute("select count(*) from totals where year >= ?", [FIRST_YEAR]).fetchone()[0]
    except Exception:
        return "unopenable"
    finally:
        con.close()
    if latest == releases_before and not found and versions == 0 and totals == 0:
        return "old"
    if latest == releases_before + 1 and found == values and versions == totals == len(values):
        return "new"
    return "partial"


def test_kill_9_during_publish_leaves_the_old_or_the_new_store(tmp_path):
    base = tmp_path / "base"
    assert _timed(base, "init") > 0
    upload, values = _upload(tmp_path)
    probes = [tmp_path / f"probe{n}" for n in range(AT_ONCE)]
    for probe in probes:
        shutil.copytree(base, probe)
    whole = _whole(probes, "publish", str(upload), "--user", "k", "--note", "kill")
    releases_before = len(catalog())
    rng = random.Random(SEED)
    # most of a run is starting Python and reading the file: points are drawn over the whole run and past its end
    delays = [rng.uniform(0.2, 1.3) * whole for _ in range(PUBLISH_KILLS)]

    def trial(n: int) -> str:
        run = tmp_path / f"p{n}"
        shutil.copytree(base, run)
        _kill_at(run, delays[n], "publish", str(upload), "--user", "k", "--note", "kill")
        outcome = _publish_outcome(run, values, releases_before)
        shutil.rmtree(run)
        return outcome

    with ThreadPoolExecutor(AT_ONCE) as pool:
        outcomes: Counter[str] = Counter(pool.map(trial, range(PUBLISH_KILLS)))
    print(f"publish killed {PUBLISH_KILLS} times (whole run {whole:.2f} s): {dict(outcomes)}")
    assert outcomes["partial"] == outcomes["unopenable"] == 0, outcomes
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes  # the kill points fell on both sides of the commit


def _init_outcome(data_dir: Path) -> str:
    try:
        con = store.open_store(data_dir / "store", read_only=True)
    except store.NotBuilt:
        return "old"  # nothing committed: the next init builds it
    except Exception:
        return "unopenable"
    try:
        counts = store.row_counts(con)
        latest = store.latest_release(con)
    except Exception:
        return "unopenable"
    finally:
        con.close()
    return "new" if latest == len(catalog()) and counts == EXPECTED_COUNTS else "partial"


EXPECTED_COUNTS: dict[str, int] = {}


def test_kill_9_during_init_leaves_no_store_or_a_whole_one_and_init_then_builds(tmp_path):
    probes = [tmp_path / f"probe{n}" for n in range(AT_ONCE)]
    whole = _whole(probes, "init")
    con = store.open_store(probes[0] / "store", read_only=True)
    EXPECTED_COUNTS.update(store.row_counts(con))
    con.close()
    assert all(EXPECTED_COUNTS.values())
    rng = random.Random(SEED + 1)
    delays = [rng.uniform(0.2, 1.2) * whole for _ in range(INIT_KILLS)]

    def trial(n: int) -> str:
        run = tmp_path / f"i{n}"
        _kill_at(run, delays[n], "init")
        outcome = _init_outcome(run)
        assert _timed(run, "init") > 0  # init after a kill builds what is missing
        assert _init_outcome(run) == "new"
        shutil.rmtree(run)
        return outcome

    with ThreadPoolExecutor(AT_ONCE) as pool:
        outcomes: Counter[str] = Counter(pool.map(trial, range(INIT_KILLS)))
    print(f"init killed {INIT_KILLS} times (whole run {whole:.2f} s): {dict(outcomes)}")
    assert outcomes["partial"] == outcomes["unopenable"] == 0, outcomes
    assert outcomes["old"] > 0, outcomes


@pytest.fixture(autouse=True)
def _no_store_setting(monkeypatch):
    monkeypatch.delenv("SI_STORE", raising=False)
