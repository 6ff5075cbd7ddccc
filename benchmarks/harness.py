"""Timing harness: the real app (app.py) or the naive baseline run page by page through Streamlit's AppTest.

What one page measurement does (``bench_page``), in this order, in one process:

1. one untimed run of the page (imports the page's modules; cold *start* is measured separately);
2. **first render, cold**: ``runs`` times a fresh AppTest (a new session) opening the page after
   ``st.cache_data.clear()`` and ``st.cache_resource.clear()`` (our DuckDB connection is reopened, the
   baseline re-reads its CSVs);
3. **first render, warm**: ``runs`` times a fresh AppTest with the caches as the previous visitors left them;
4. **filter changes** on one session: the area (``f_region``), the period (``f_period``) and the page's own
   setting (the indicator where the page has one), each ``runs`` times and in that order (each series starts
   where the previous one ended — the same values in both apps), always to a value not yet shown
   since the caches were last cleared — a cache miss, the case a visitor exploring the data meets. When a
   setting has fewer values than runs, the caches are cleared and the page rerun (untimed) between passes.

Times are wall-clock seconds of ``AppTest.run()``: the script run on the server, no network and no browser.
"Sent to the browser" is the sum of ``proto.ByteSize()`` of every element in the rendered tree (charts'
figure JSON and tables' Arrow bytes included; download-button contents are not: the browser fetches them
only on a click). Peak memory is the process's peak resident set size (``getrusage`` ``ru_maxrss``): it
counts DuckDB's native buffers and Arrow memory, which ``tracemalloc`` cannot see; each page of each app
is measured in its own process so the peak is that page's.

A series stops early (after at least ``min_runs`` runs, default 3) once it has taken its time budget; the table
shows how many runs each number is based on.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import logging
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import scale as sc

ROOT = Path(__file__).resolve().parent.parent


def server_options(port: int, address: str | None = None) -> list[str]:
    """Streamlit's options for a headless test or benchmark server on ``port``: no usage statistics, no file
    watcher (nothing changes under a running server), optionally bound to one address."""
    opts = ["--server.headless", "true", "--server.port", str(port)]
    if address:
        opts += ["--server.address", address]
    return [*opts, "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


APPS = {"ours": ROOT / "app.py", "baseline": ROOT / "benchmarks" / "baseline" / "app.py"}
HELLO = ROOT / "benchmarks" / "baseline" / "hello.py"  # control for the browser cold start
MIN_RUNS = 3
SERIES = ("cold", "warm", "region", "period", "setting")
SEARCH_WORDS = [
    "social",
    "roma",
    "digital",
    "care",
    "youth",
    "inclusion",
    "skills",
    "community",
    "health",
    "energy",
    "education",
    "network",
    "poverty",
    "centre",
    "elderly",
    "mentoring",
    "green",
    "services",
    "volunteer",
    "migrants",
    "деца",
    "заетост",
    "община",
    "фондация",
    "kooperatsia",
    "children",
    "jobs",
    "workshop",
]


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    setting: str | None  # what the "setting" series changes
    setting_key: str | None  # widget key (the same in both apps)
    setting_kind: str | None  # "select" (selectbox/radio), "text"


PAGES = [
    Page("overview", "Overview", "indicator", "p_overview_indicator", "select"),
    Page("poverty", "Poverty and inclusion", "indicator", "p_poverty_indicator", "select"),
    Page("funding", "Funding", "level", "p_funding_level", "select"),
    Page("projects", "Projects", "search text", "p_projects_q", "text"),
    Page("regions", "Regions", "indicator", "p_regions_indicator", "select"),
    Page("need-vs-funding", "Need vs funding", "indicator", "p_need-vs-funding_indicator", "select"),
    Page("data", "Data and methods", None, None, None),
]
PAGE_BY_URL = {p.url: p for p in PAGES}


# ---------------------------------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: on Linux that keeps the parent's high-water
    mark across fork + exec, so a small child would report the size of the process that started it."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def tree_bytes(at) -> int:
    """Sum of the serialised sizes of every element the run produced (what the browser receives)."""
    from streamlit.testing.v1.element_tree import Block

    total, stack = 0, [at._tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Block):
            stack.extend(node.children.values())
        elif getattr(node, "proto", None) is not None:
            total += node.proto.ByteSize()
    return total


def percentiles(times: list[float]) -> dict:
    if not times:
        return {"n": 0, "p50_ms": None, "p95_ms": None}
    arr = np.asarray(times) * 1000
    return {
        "n": len(times),
        "p50_ms": round(float(np.percentile(arr, 50)), 1),
        "p95_ms": round(float(np.percentile(arr, 95)), 1),
        "max_ms": round(float(arr.max()), 1),
    }


@contextlib.contextmanager
def app_env(folder: Path):
    """Point both apps at a scale folder (ours: SI_DATA_DIR; the baseline: its CSV folder), restore after."""
    import streamlit as st

    saved = {k: os.environ.get(k) for k in ("SI_DATA_DIR", "BENCH_CSV_DIR")}
    os.environ["SI_DATA_DIR"] = str(sc.data_dir(folder))
    os.environ["BENCH_CSV_DIR"] = str(sc.csv_dir(folder))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _quiet() -> None:
    from streamlit import logger

    logger.set_log_level("error")
    logging.getLogger("streamlit").setLevel(logging.ERROR)


@contextlib.contextmanager
def _pandas_defaults(app: str):
    """The baseline runs with pandas' default text dtype. Importing si_metrics (scale.py does) switched it to
    NumPy object strings for our app; the setting is restored afterwards (a test runs both apps in one process)."""
    import warnings

    from pandas.errors import Pandas4Warning

    def infer(value: bool) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Pandas4Warning)
            pd.set_option("future.infer_string", value)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Pandas4Warning)
        saved = pd.get_option("future.infer_string")
    if app == "baseline":
        infer(True)
    try:
        yield
    finally:
        infer(saved)


def new_session(app: str, page: Page):
    """A fresh AppTest (a new visitor) opening ``page`` directly, as a link to it would."""
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    at = AppTest.from_file(str(APPS[app]), default_timeout=900)
    # AppTest.switch_page() needs a first run of the default page; a link opens the page directly, so the
    # page is requested by the hash st.Page gives its url_path (private attribute of AppTest 1.67).
    at._page_hash = calc_hash(page.url)
    return at


def _errors(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


def _timed(at) -> float:
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0


def _raw_options(widget, candidates) -> list:
    """The option values of a selectbox/radio, found by formatting candidate values as the widget does."""
    labels, found = set(widget.options), []
    for value in candidates:
        try:
            label = str(widget.format_func(value))
        except Exception:  # a candidate the widget cannot format is not one of its options
            label = None
        if label in labels:
            found.append(value)
    return found


def _widget(at, key: str):
    for kind in ("selectbox", "radio", "slider", "text_input"):
        for w in getattr(at, kind):
            if getattr(w, "key", None) == key:
                return w
    raise LookupError(f"no widget with key {key!r} on the page")


class Data:
    """Candidate values for the filters, from the scale folder's CSVs (the same for both apps)."""

    def __init__(self, folder: Path):
        regions = pd.read_csv(sc.csv_dir(folder) / "regions.csv", keep_default_na=False)
        self.regions = regions[regions["is_benchmark"].astype(str).str.lower() != "true"]
        inds = pd.read_csv(sc.csv_dir(folder) / "indicators.csv", keep_default_na=False)
        self.indicators = list(inds["code"])

    def region_pool(self, runs: int, current: str) -> list[str]:
        """Areas to switch to: half districts, a quarter NUTS 2, the rest NUTS 1 and countries (fixed seed)."""
        rng = np.random.default_rng(7)
        pool = []
        for level, share in ((3, 0.5), (2, 0.25), (1, 0.15), (0, 0.10)):
            codes = sorted(set(self.regions.loc[self.regions["level"].astype(int) == level, "code"]) - {current})
            k = min(len(codes), max(1, round(runs * share)) + 2)
            pool += list(rng.choice(codes, size=k, replace=False)) if codes else []
        order = rng.permutation(len(pool))
        return [str(pool[i]) for i in order]


def _period_pool(first: int, last: int, current: tuple[int, int], runs: int) -> list[tuple[int, int]]:
    pairs = [(a, b) for a in range(first, last + 1) for b in range(a + 2, last + 1) if (a, b) != tuple(current)]
    rng = np.random.default_rng(11)
    return [pairs[i] for i in rng.permutation(len(pairs))[: runs + 5]]


def _series(
    at,
    name: str,
    pool_for: Callable[[], list],
    apply: Callable,
    runs: int,
    budget: float,
    errors: list[str],
    sizes: list[int],
    min_runs: int = MIN_RUNS,
) -> list[float]:
    """Change a widget to each pool value in turn and time the rerun; a new pass clears the caches first."""
    import streamlit as st

    times: list[float] = []
    started = time.perf_counter()
    passes = 0
    while len(times) < runs:
        pool = pool_for()
        if not pool:
            break
        if passes:  # every value of the pool has been shown: clear, rerun (untimed), go again
            st.cache_data.clear()
            at.run()
        passes += 1
        for value in pool:
            if len(times) >= runs or (time.perf_counter() - started > budget and len(times) >= min_runs):
                return times
            apply(at, value)
            times.append(_timed(at))
            errors.extend(f"{name}={value}: {e}" for e in _errors(at))
            sizes.append(tree_bytes(at))
        if passes > runs:  # a pool that never grows: stop rather than loop
            break
    return times


def _profile(at, apply: Callable, value, app: str, top: int = 25) -> dict:
    """One more filter change under cProfile, with our named queries timed one by one."""
    timings: list[tuple[str, float]] = []
    restore = []
    if app == "ours":
        from si_metrics import queries

        original = queries.run

        def timed_run(con, name, **params):
            t0 = time.perf_counter()
            try:
                return original(con, name, **params)
            finally:
                timings.append((name, time.perf_counter() - t0))

        for mod_name, mod in list(sys.modules.items()):
            if mod_name.split(".")[0] in ("si_metrics", "ui") and getattr(mod, "run", None) is original:
                restore.append(mod)
                mod.run = timed_run
    apply(at, value)
    # AppTest runs the script in its own thread; profile that thread, not the one waiting for it
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    prof = cProfile.Profile()
    thread_main = ScriptRunner._run_script_thread

    def profiled(self):
        prof.enable()
        try:
            return thread_main(self)
        finally:
            prof.disable()

    ScriptRunner._run_script_thread = profiled
    try:
        at.run()
    finally:
        ScriptRunner._run_script_thread = thread_main
        for mod in restore:
            mod.run = original
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    ours_code = [
        (f"{Path(file).relative_to(ROOT)}:{line}({func})", ct)
        for (file, line, func), (_, _, _, ct, _) in stats.stats.items()
        if file.startswith(str(ROOT)) and "/benchmarks/" not in file and func != "<module>"
    ]
    by_query: dict[str, list[float]] = {}
    for name, secs in timings:
        by_query.setdefault(name, []).append(secs)
    return {
        "value": str(value),
        "pstats": out.getvalue(),
        "total_ms": round(stats.total_tt * 1000, 1),
        "project_functions": [[f, round(ct * 1000, 1)] for f, ct in sorted(ours_code, key=lambda r: -r[1])[:8]],
        "queries": sorted(([n, len(v), round(sum(v) * 1000, 1)] for n, v in by_query.items()), key=lambda r: -r[2]),
    }


def bench_page(
    app: str,
    url: str,
    folder: Path,
    runs: int = 20,
    budget: float = 300.0,
    profile: bool = False,
    min_runs: int = MIN_RUNS,
) -> dict:
    """Every measurement of one page of one app (see the module docstring)."""
    import streamlit as st

    _quiet()
    page = PAGE_BY_URL[url]
    data = Data(folder)
    errors: list[str] = []
    sizes: list[int] = []
    result: dict = {"app": app, "page": url, "setting": page.setting, "runs_target": runs}
    with _pandas_defaults(app), app_env(folder):
        rss_before = current_rss_mb()
        at = new_session(app, page)
        result["warmup_s"] = round(_timed(at), 3)
        errors.extend(_errors(at))

        cold = []
        started = time.perf_counter()
        for i in range(runs):
            if i >= min_runs and time.perf_counter() - started > budget:
                break
            st.cache_data.clear()
            st.cache_resource.clear()
            at = new_session(app, page)
            cold.append(_timed(at))
            errors.extend(_errors(at))
            sizes.append(tree_bytes(at))
        result["first_render_bytes"] = sizes[0] if sizes else None

        warm = []
        started = time.perf_counter()
        for i in range(runs):
            if i >= min_runs and time.perf_counter() - started > budget:
                break
            at = new_session(app, page)
            warm.append(_timed(at))
            errors.extend(_errors(at))
            sizes.append(tree_bytes(at))

        # filter changes, on the last warm session
        region_w = _widget(at, "f_region")
        current_region = region_w.value
        region_options = set(_raw_options(region_w, data.regions["code"]))
        pool = [c for c in data.region_pool(runs, current_region) if c in region_options]

        def set_region(t, code):
            _widget(t, "f_region").set_value(code)

        region = _series(at, "region", lambda: pool, set_region, runs, budget, errors, sizes, min_runs)
        # the next series start where this one ended: the same area in both apps (the pool is the same)

        slider = _widget(at, "f_period")
        first, last, now = int(slider.min), int(slider.max), tuple(int(v) for v in slider.value)
        periods = _period_pool(first, last, now, runs)

        def set_period(t, pair):
            _widget(t, "f_period").set_value(pair)

        period = _series(at, "period", lambda: periods, set_period, runs, budget, errors, sizes, min_runs)

        setting: list[float] = []
        apply_setting, setting_pool = None, None
        if page.setting_key:
            if page.setting_kind == "text":

                def setting_pool():
                    value = _widget(at, page.setting_key).value
                    return [w for w in SEARCH_WORDS if w != value]
            else:
                candidates = data.indicators if page.setting == "indicator" else [0, 1, 2, 3]

                def setting_pool():
                    w = _widget(at, page.setting_key)
                    return [v for v in _raw_options(w, candidates) if v != w.value]

            def apply_setting(t, value):
                _widget(t, page.setting_key).set_value(value)

            setting = _series(at, "setting", setting_pool, apply_setting, runs, budget, errors, sizes, min_runs)

        result["series"] = {
            name: percentiles(times) for name, times in zip(SERIES, (cold, warm, region, period, setting))
        }
        result["raw_ms"] = {
            name: [round(x * 1000, 1) for x in times]
            for name, times in zip(SERIES, (cold, warm, region, period, setting))
        }
        result["max_bytes"] = max(sizes) if sizes else None
        if profile and app == "ours":  # an area not shown yet, so its queries miss the cache
            spare = [c for c in data.region_pool(runs + 10, current_region) if c in region_options and c not in pool]
            result["profile"] = _profile(at, set_region, (spare or pool)[-1], app)
        result["rss_before_mb"] = round(rss_before, 1)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["errors"] = errors[:20]
    result["error_count"] = len(errors)
    return result


# ---------------------------------------------------------------------------------------------------------
def cold_start(app: str, csv_folder: Path, data_folder: Path) -> dict:
    """Called in a new process: import, open the data, render the first (default) page. BENCH_T0 is the
    parent's clock when it started this process, so interpreter start-up and imports are included."""
    t0 = float(os.environ.get("BENCH_T0") or time.time())
    os.environ["SI_DATA_DIR"] = str(data_folder)
    os.environ["BENCH_CSV_DIR"] = str(csv_folder)
    from streamlit.testing.v1 import AppTest

    _quiet()
    t_import = time.time()
    at = AppTest.from_file(str(APPS[app]), default_timeout=900)
    at.run()
    done = time.time()
    return {
        "app": app,
        "seconds": round(done - t0, 3),
        "run_s": round(done - t_import, 3),
        "errors": _errors(at),
        "title": at.title[0].value if at.title else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_start(app: str, csv_folder: Path, data_folder: Path) -> dict:
    """The real thing: start the server (``python -m ui.serve`` / ``streamlit run`` for the baseline) and time
    until Chromium shows the first page with the script finished (ours: its title and KPI cards drawn; its charts
    are timed apart). The browser is started first (not timed)."""
    import socket
    import subprocess
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    opts = server_options(port)
    cmd = (
        [sys.executable, "-m", "ui.serve", *opts]
        if app == "ours"
        else [sys.executable, "-m", "streamlit", "run", str(APPS.get(app, HELLO)), *opts]
    )
    env = {**os.environ, "SI_DATA_DIR": str(data_folder), "BENCH_CSV_DIR": str(csv_folder)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        t0 = time.perf_counter()
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
                        if resp.read() == b"ok":
                            break
                except OSError:
                    time.sleep(0.02)
                if time.perf_counter() - t0 > 120:
                    raise TimeoutError("the server did not start")
            healthy = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("h1", timeout=120_000)
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000)
            if app == "ours":  # the first content is the title and the headline figures (KPI cards)
                page.wait_for_selector("[data-testid=stMetric]", timeout=120_000)
            done = time.perf_counter()
            title = page.locator("h1").first.inner_text()
            charts = None
            if app == "ours":  # when the Overview's charts are drawn too (the script finished before they are shown)
                page.wait_for_selector("[data-testid=stPlotlyChart] .main-svg", timeout=120_000)
                charts = round(time.perf_counter() - t0, 3)
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    return {
        "app": app,
        "seconds": round(done - t0, 3),
        "server_s": round(healthy - t0, 3),
        "page_s": round(done - healthy, 3),
        "charts_s": charts,
        "title": title,
        "errors": [],
    }


def copy_store(source: Path, target: Path) -> None:
    """Copy a store (its catalogue and Parquet files) and flush the copy to disk, so that a publish into it does not
    wait for the fresh copy to be written, which a real store never has to."""
    shutil.copytree(source, target)
    os.sync()


def upload_direct(folder: Path) -> dict:
    """Stage (typed CSV load) and publish the upload file into a copy of the scale store, timed separately."""
    from si_metrics import store
    from si_metrics.catalog import catalog

    meta = catalog()["observations"]
    path = sc.upload_path(folder)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        copy = Path(tmp) / "store"
        copy_store(sc.store_path(folder), copy)
        con = store.open_store(copy)
        rss0 = peak_rss_mb()
        t0 = time.perf_counter()
        staged = store.stage_csv(con, meta, path)
        t1 = time.perf_counter()
        release = store.publish(
            con,
            meta,
            staged,
            user="benchmark",
            note="upload benchmark",
            file_name=path.name,
            sha256=store.file_sha256(path),
        )
        t2 = time.perf_counter()
        con.close()
    rows = release.rows_added + release.rows_changed + release.rows_unchanged
    return {
        "mode": "direct",
        "rows": rows,
        "validate_s": round(t1 - t0, 3),
        "publish_s": round(t2 - t1, 3),
        "added": release.rows_added,
        "changed": release.rows_changed,
        "unchanged": release.rows_unchanged,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_open_mb": round(rss0, 1),
    }


def cli_command(args: list[str], data_folder: Path) -> dict:
    """Run ``python -m si_metrics <args>`` inside this (new) process against ``data_folder``: the command's own
    time, the process's time from its start (interpreter and imports included), exit code, output, peak RSS."""
    import runpy

    t_start = float(os.environ.get("BENCH_T0") or time.time())
    os.environ["SI_DATA_DIR"] = str(data_folder)
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["si_metrics", *args]
    code = 0
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_module("si_metrics", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return {
        "seconds": round(time.perf_counter() - t0, 3),
        "process_s": round(time.time() - t_start, 3),
        "exit": code,
        "stdout": out.getvalue()[-1500:],
        "stderr": err.getvalue()[-1500:],
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def build(folder: Path) -> dict:
    return {**sc.build_store(folder), "peak_rss_mb": round(peak_rss_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One benchmark measurement in this process (used by run.py).")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("page")
    p.add_argument("--app", choices=list(APPS), required=True)
    p.add_argument("--page", choices=list(PAGE_BY_URL), required=True)
    p.add_argument("--folder", type=Path, required=True)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--budget", type=float, default=300.0)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--min-runs", type=int, default=MIN_RUNS)
    for name in ("coldstart", "browserstart"):
        c = sub.add_parser(name)
        c.add_argument("--app", choices=[*APPS, "hello"], required=True)
        c.add_argument("--csv", type=Path, required=True)
        c.add_argument("--data", type=Path, required=True)
    for name in ("upload", "build"):
        sub.add_parser(name).add_argument("--folder", type=Path, required=True)
    c = sub.add_parser("cli")
    c.add_argument("--data", type=Path, required=True)
    c.add_argument("--args", required=True, help="the si_metrics command line, as a JSON list")
    for s in sub.choices.values():
        s.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.cmd == "page":
        out = bench_page(args.app, args.page, args.folder, args.runs, args.budget, args.profile, args.min_runs)
    elif args.cmd == "coldstart":
        out = cold_start(args.app, args.csv, args.data)
    elif args.cmd == "browserstart":
        out = browser_start(args.app, args.csv, args.data)
    elif args.cmd == "upload":
        out = upload_direct(args.folder)
    elif args.cmd == "cli":
        out = cli_command(json.loads(args.args), args.data)
    else:
        out = build(args.folder)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
