"""``make bench`` / ``python -m benchmarks --scale small|medium|eu``: every measurement, a table, results.md.

Order: scale data (reused when complete), building the store at scale, cold start on the bundled data,
the seven explorer pages of our app and of the naive baseline side by side (each page of each app in its own
process), validate/publish of the observations upload file; then the table is printed and written to
``benchmarks/results.md`` (the EU run, committed) or ``benchmarks/data/<scale>/results.md``. The raw numbers go
to ``benchmarks/data/<scale>/results.json`` and the profiles of one area change per page to
``benchmarks/data/<scale>/profiles/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import concurrency, harness
from benchmarks import scale as sc

ROOT = Path(__file__).resolve().parent.parent

RESULTS_MD = ROOT / "benchmarks" / "results.md"


# What each scale does unless an option says otherwise. `small` is the smoke test: every page, series and
# start-up measurement of the EU run, in the same table, but few runs each, so it ends within 2 minutes on
# 2 shared cores; its percentiles are rough. The larger scales make enough runs for stable percentiles.
# budget: seconds a series may take before it stops early (after min_runs runs).
@dataclass(frozen=True)
class Defaults:
    runs: int = 20
    budget: float = 60
    min_runs: int = harness.MIN_RUNS
    coldstart_runs: int = 5
    upload_runs: int = 3
    profile: bool = True


DEFAULTS = {
    "tiny": Defaults(budget=30),
    "small": Defaults(runs=2, budget=2, min_runs=2, coldstart_runs=1, upload_runs=1, profile=False),
    "medium": Defaults(budget=90),
    "eu": Defaults(budget=60),
}

# The goals (docs/performance.md): targets in ms, bytes, ratios, seconds.
FILTER_P50_MS, FILTER_P95_MS = 150, 300
SPEEDUP, MEMORY_SHARE = 10, 1 / 3
PAGE_BYTES = 1_000_000
COLD_START_S, VALIDATE_S, PUBLISH_S = 3, 3, 5
FILTERS = ("region", "period", "setting")
COLUMNS = ["first render cold", "first render warm", "area change", "period change", "setting change"]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    versions = {}
    for pkg in ("streamlit", "duckdb", "pandas", "numpy", "pyarrow", "plotly", "pydantic", "protobuf"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "load_start": [round(x, 1) for x in os.getloadavg()],
        "python": platform.python_version(),
        "packages": versions,
    }


def cpu_check() -> float:
    """Milliseconds for a fixed pure-Python loop (best of 3). Taken before every page: on a shared machine the
    same work runs at different speeds over a run, and this shows how much."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 1)


def code_version() -> str:
    """The commit measured, and whether the app's code differs from it (benchmarks/ itself not counted)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "app.py", "ui", "pages", "si_metrics", "datasets")
    return head + (" + uncommitted changes to the app" if dirty else "")


def child(args: list[str], env: dict | None = None) -> tuple[dict, float]:
    """Run ``python -m benchmarks.harness <args>`` in a new process; its JSON (with its own peak RSS) and wall
    seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out.json", Path(tmp) / "stderr.txt"
        t0 = time.time()
        with err.open("w") as fh:
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.harness", *args, "--out", str(out)],
                cwd=ROOT,
                env={**os.environ, **(env or {}), "BENCH_T0": repr(t0)},
                stdout=fh,
                stderr=fh,
            )
        wall = time.time() - t0
        if proc.returncode != 0 or not out.exists():
            tail = err.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(args[:3])} failed ({proc.returncode}): {tail}")
        return json.loads(out.read_text(encoding="utf-8")), wall


def _cli_commands() -> str:
    done = subprocess.run([sys.executable, "-m", "si_metrics", "--help"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout


def upload(folder: Path, in_process: bool, runs: int = 3) -> dict:
    """Validate and publish the observations upload file into a copy of the scale store: with the command line
    (``python -m si_metrics validate`` / ``publish``) when it has them, ``runs`` times, each into a fresh copy (the
    run with the median time is reported, with the others' times), and with the store functions alone
    (``stage_csv``: the typed load; ``publish``: diff and release) to separate the two costs."""
    help_text = _cli_commands()
    has_cli = all(f"    {cmd} " in help_text for cmd in ("validate", "publish"))
    if in_process:
        direct = harness.upload_direct(folder)
        direct["peak_rss_mb"] = None  # the whole test process: not a measurement
    else:
        direct, _ = child(["upload", "--folder", str(folder)])
    result = {
        "rows": direct["rows"],
        "direct": direct,
        "cli": None,
        "cli_available": has_cli,
        "measured": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
    }
    if has_cli:
        file = str(sc.upload_path(folder))
        # a file above the upload size cap (SI_MAX_UPLOAD_MB, default 200) would be refused: raised for the timing
        size_mb = sc.upload_path(folder).stat().st_size / 2**20
        result["file_mb"] = round(size_mb, 1)
        limit = {"SI_MAX_UPLOAD_MB": str(int(size_mb) + 10)} if size_mb > 200 else {}
        result["raised_limit"] = bool(limit)
        done: dict[str, list[dict]] = {"validate": [], "publish": []}
        for _ in range(max(1, runs)):
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                harness.copy_store(sc.store_path(folder), Path(tmp) / "store")
                for name, cmd in (
                    ("validate", ["validate", "--dataset", "observations", file]),
                    (
                        "publish",
                        [
                            "publish",
                            "--dataset",
                            "observations",
                            "--user",
                            "benchmark",
                            "--note",
                            "benchmark upload",
                            file,
                        ],
                    ),
                ):
                    done[name].append(child(["cli", "--data", tmp, "--args", json.dumps(cmd)], env=limit)[0])
        # the median run of each command (the slower middle one of an even count), with every run's seconds
        result["cli"] = {
            name: {**sorted(rs, key=lambda r: r["seconds"])[len(rs) // 2], "all_seconds": [r["seconds"] for r in rs]}
            for name, rs in done.items()
        }
    return result


def _runs_note(c: dict) -> str:
    runs = c.get("all_seconds") or []
    if len(runs) < 2:
        return ""
    return (
        f"median of {len(runs)} runs, each into a fresh copy of the store "
        f"({', '.join(f'{x:.2f}' for x in sorted(runs))} s); "
    )


def upload_times(up: dict) -> tuple[float, float, str]:
    """The validate and publish seconds the goals are judged on, and where they come from."""
    cli = up.get("cli")
    if cli and cli["validate"]["exit"] == 0 and cli["publish"]["exit"] == 0:
        return cli["validate"]["seconds"], cli["publish"]["seconds"], "python -m si_metrics validate / publish"
    d = up["direct"]
    return d["validate_s"], d["publish_s"], "store.stage_csv / store.publish (no working CLI commands)"


def cold_starts(runs: int, root: Path) -> dict:
    """New process -> first rendered Overview on the bundled datasets/ (ours: store built, and from nothing)."""
    bundled = Path(root) / "bundled"
    store_dir = bundled / "store"
    from si_metrics import store

    shutil.rmtree(store_dir, ignore_errors=True)  # built by this code: a kept store may be of an older schema
    store.open_store(store_dir / "store").close()
    variants = {
        "ours (store built)": ("coldstart", "ours", lambda: store_dir),
        "ours (store built on first use)": ("coldstart", "ours", None),
        "baseline": ("coldstart", "baseline", lambda: store_dir),
    }
    if Path(harness.CHROMIUM).exists():
        variants.update(
            {
                "ours, real server + Chromium (store built)": ("browserstart", "ours", lambda: store_dir),
                "baseline, real server + Chromium": ("browserstart", "baseline", lambda: store_dir),
                "control: a one-line Streamlit app, real server + Chromium": (
                    "browserstart",
                    "hello",
                    lambda: store_dir,
                ),
            }
        )
    out = {}
    for label, (how, app, data) in variants.items():
        rows = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory(dir=bundled) as tmp:
                target = data() if data else Path(tmp)
                try:
                    result, _ = child([how, "--app", app, "--csv", str(sc.ROOT / "datasets"), "--data", str(target)])
                except RuntimeError as exc:  # e.g. no browser here: say so in the table, measure the rest
                    log(f"{label}: {exc}")
                    out[label] = {"runs": 0, "how": how, "errors": [str(exc)[-300:]]}
                    break
            # the browser variant's processes (server, Chromium) are not this child: no peak for it
            result["peak_rss_mb"] = result.get("peak_rss_mb") if how == "coldstart" else None
            rows.append(result)
        if not rows:
            continue
        secs = [r["seconds"] for r in rows]
        out[label] = {
            "runs": len(rows),
            "how": how,
            "p50_s": round(float(np.median(secs)), 3),
            "max_s": round(max(secs), 3),
            "peak_rss_mb": rows[0]["peak_rss_mb"] and max(r["peak_rss_mb"] for r in rows),
            "server_p50_s": round(float(np.median([r["server_s"] for r in rows])), 3)
            if how == "browserstart"
            else None,
            "charts_p50_s": round(float(np.median([r["charts_s"] for r in rows])), 3)
            if how == "browserstart" and all(r.get("charts_s") for r in rows)
            else None,
            "errors": [e for r in rows for e in r["errors"]][:3],
        }
    return out


# ---------------------------------------------------------------------------------------------------------
def _cell(series: dict | None) -> str:
    if not series or not series.get("n"):
        return "–"
    return f"{series['p50_ms']:,.0f} / {series['p95_ms']:,.0f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _x(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}×" if value < 10 else f"{value:,.0f}×"


def _mb(n: float | None) -> str:
    return "–" if n is None else f"{n:,.0f}"


def _kb(n: int | None) -> str:
    return "–" if n is None else f"{n / 1000:,.0f}"


def goals(results: dict) -> list[dict]:
    """Each goal (docs/performance.md) with what was measured and whether it is met."""
    pages = results["pages"]
    rows = []
    worst = {"p50_ms": (0, ""), "p95_ms": (0, "")}
    for url, apps in pages.items():
        ours = apps.get("ours")
        if not ours:
            continue
        for name in FILTERS:
            s = ours["series"][name]
            for stat in worst:
                if s.get("n") and s[stat] > worst[stat][0]:
                    worst[stat] = (s[stat], f"{url}, {harness_label(url, name)}")
    failing50 = sorted(
        {
            url
            for url, apps in pages.items()
            if "ours" in apps
            for n in FILTERS
            if apps["ours"]["series"][n].get("n") and apps["ours"]["series"][n]["p50_ms"] > FILTER_P50_MS
        }
    )
    failing95 = sorted(
        {
            url
            for url, apps in pages.items()
            if "ours" in apps
            for n in FILTERS
            if apps["ours"]["series"][n].get("n") and apps["ours"]["series"][n]["p95_ms"] > FILTER_P95_MS
        }
    )
    rows.append(
        {
            "goal": "filter change p50, every page (area, period, setting)",
            "target": f"≤ {FILTER_P50_MS} ms",
            "measured": f"worst {worst['p50_ms'][0]:,.0f} ms ({worst['p50_ms'][1]})"
            + (f"; over on: {', '.join(failing50)}" if failing50 else ""),
            "met": not failing50,
        }
    )
    rows.append(
        {
            "goal": "filter change p95, every page",
            "target": f"≤ {FILTER_P95_MS} ms",
            "measured": f"worst {worst['p95_ms'][0]:,.0f} ms ({worst['p95_ms'][1]})"
            + (f"; over on: {', '.join(failing95)}" if failing95 else ""),
            "met": not failing95,
        }
    )
    ratios = [
        (r, url, name)
        for url, apps in pages.items()
        if {"ours", "baseline"} <= set(apps)
        for name in harness.SERIES
        if (r := _ratio(apps["baseline"]["series"][name].get("p50_ms"), apps["ours"]["series"][name].get("p50_ms")))
    ]
    if ratios:
        low = min(ratios)
        median = float(np.median([r for r, _, _ in ratios]))
        rows.append(
            {
                "goal": "faster than the baseline (p50 of every page and series, baseline ÷ ours)",
                "target": f"≥ {SPEEDUP}×",
                "measured": f"lowest {_x(low[0])} ({low[1]}, {harness_label(low[1], low[2])}); median {_x(median)}",
                "met": low[0] >= SPEEDUP,
            }
        )
    mem = [
        (apps["ours"]["peak_rss_mb"] / apps["baseline"]["peak_rss_mb"], url)
        for url, apps in pages.items()
        if {"ours", "baseline"} <= set(apps)
    ]
    if mem:
        high = max(mem)
        rows.append(
            {
                "goal": "memory vs the baseline (peak RSS, ours ÷ baseline, per page)",
                "target": "≤ ⅓",
                "measured": f"highest {high[0]:.2f} ({high[1]})",
                "met": high[0] <= MEMORY_SHARE,
            }
        )
    sizes = [(apps["ours"]["max_bytes"], url) for url, apps in pages.items() if "ours" in apps]
    if sizes:
        big = max(sizes)
        rows.append(
            {
                "goal": "sent to the browser per page (largest render seen)",
                "target": "≤ 1 MB",
                "measured": f"largest {big[0] / 1e6:.2f} MB ({big[1]})",
                "met": big[0] <= PAGE_BYTES,
            }
        )
    starts = results.get("coldstart", {})
    for label, what in (
        ("ours (store built)", "server side: new process → Overview rendered by AppTest"),
        ("ours, real server + Chromium (store built)", "in a browser: server start → Chromium shows the Overview"),
    ):
        cold = starts.get(label)
        if cold and cold.get("runs"):
            control = starts.get("control: a one-line Streamlit app, real server + Chromium")
            floor = (
                f"; a one-line Streamlit app takes {control['p50_s']:.2f} s"
                if "Chromium" in label and control and control.get("runs")
                else ""
            )
            rows.append(
                {
                    "goal": f"cold start on bundled data to the first rendered page ({what})",
                    "target": f"≤ {COLD_START_S} s",
                    "measured": f"{cold['p50_s']:.2f} s (p50 of {cold['runs']}{floor})",
                    "met": cold["p50_s"] <= COLD_START_S,
                }
            )
    up = results.get("upload")
    if up:
        validate_s, publish_s, how = upload_times(up)
        rows.append(
            {
                "goal": f"{up['rows']:,}-row observations upload validated",
                "target": f"≤ {VALIDATE_S} s",
                "measured": f"{validate_s:.2f} s ({how})",
                "met": validate_s <= VALIDATE_S,
            }
        )
        rows.append(
            {
                "goal": f"{up['rows']:,}-row observations upload published",
                "target": f"≤ {PUBLISH_S} s",
                "measured": f"{publish_s:.2f} s ({how})",
                "met": publish_s <= PUBLISH_S,
            }
        )
    return rows


def harness_label(url: str, series: str) -> str:
    page = harness.PAGE_BY_URL[url]
    return {
        "cold": "first render cold",
        "warm": "first render warm",
        "region": "area change",
        "period": "period change",
        "setting": f"{page.setting or 'setting'} change",
    }[series]


def page_table(results: dict) -> list[str]:
    head = [
        "page",
        "app",
        *[f"{c} p50 / p95 ms" for c in COLUMNS],
        "runs",
        "to browser KB first / max",
        "peak RSS MB",
        "errors",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for url, apps in results["pages"].items():
        page = harness.PAGE_BY_URL[url]
        for app in ("ours", "baseline"):
            r = apps.get(app)
            if not r:
                continue
            ns = [r["series"][s]["n"] for s in harness.SERIES if r["series"][s]["n"]]
            runs = str(ns[0]) if len(set(ns)) == 1 else "/".join(str(r["series"][s]["n"]) for s in harness.SERIES)
            cells = [_cell(r["series"][s]) for s in harness.SERIES]
            if page.setting and cells[4] != "–":
                cells[4] += f" ({page.setting})"
            lines.append(
                "| "
                + " | ".join(
                    [
                        page.title if app == "ours" else "",
                        app,
                        *cells,
                        runs,
                        f"{_kb(r['first_render_bytes'])} / {_kb(r['max_bytes'])}",
                        f"{r['peak_rss_mb']:,.0f}",
                        str(r["error_count"]),
                    ]
                )
                + " |"
            )
        if {"ours", "baseline"} <= set(apps):
            o, b = apps["ours"], apps["baseline"]
            cells = []
            for s in harness.SERIES:
                r50 = _ratio(b["series"][s].get("p50_ms"), o["series"][s].get("p50_ms"))
                r95 = _ratio(b["series"][s].get("p95_ms"), o["series"][s].get("p95_ms"))
                cells.append("–" if r50 is None else f"{_x(r50)} / {_x(r95)}")
            lines.append(
                "| "
                + " | ".join(
                    [
                        "",
                        "**baseline ÷ ours**",
                        *cells,
                        "",
                        f"{_x(_ratio(b['first_render_bytes'], o['first_render_bytes']))}",
                        f"{_x(_ratio(b['peak_rss_mb'], o['peak_rss_mb']))}",
                        "",
                    ]
                )
                + " |"
            )
    return lines


def start_table(results: dict) -> list[str]:
    lines = ["| what | rows | seconds | rows/s | peak RSS MB | note |", "|---|---|---|---|---|---|"]
    for label, c in results.get("coldstart", {}).items():
        errors = "; errors: " + "; ".join(c["errors"]) if c["errors"] else ""
        if not c["runs"]:
            lines.append(f"| cold start, {label} | – | – | – | – | not measured{errors} |")
            continue
        what = (
            "server process start → Chromium shows the Overview, script finished"
            if c["how"] == "browserstart"
            else "new process → first Overview rendered by AppTest"
        )
        note = f"server healthy after {c['server_p50_s']:.2f} s (p50); " if c.get("server_p50_s") else ""
        if c.get("charts_p50_s"):
            note += f"charts drawn after {c['charts_p50_s']:.2f} s (p50); "
        lines.append(
            f"| cold start, {label}: {what} | – | {c['p50_s']:.2f} (max {c['max_s']:.2f}) | – | "
            f"{_mb(c['peak_rss_mb'])} | "
            f"{note}p50 of {c['runs']} runs; bundled datasets/{errors} |"
        )
    b = results.get("build")
    if b:
        total_rows = sum(s["rows"] or 0 for s in b["steps"])
        lines.append(
            f"| build the store at scale {results['scale']} (all datasets) | {total_rows:,} | {b['seconds']:.1f} | "
            f"{total_rows / b['seconds']:,.0f} | {b['peak_rss_mb']:,.0f} | open_store (bundled) + stage_csv "
            f"+ publish(replace) per dataset; store file {b['store_mb']:,.0f} MB |"
        )
        for s in b["steps"]:
            if s["rows"] and s["rows"] >= 10_000:
                secs = s["stage_s"] + s["publish_s"]
                lines.append(
                    f"| — {s['step']} | {s['rows']:,} | {secs:.1f} | {s['rows'] / secs:,.0f} | | "
                    f"stage {s['stage_s']:.1f} s, publish {s['publish_s']:.1f} s |"
                )
    u = results.get("upload")
    if u:
        rows = u["rows"]
        when = f"measured {u['measured']} UTC; " if u.get("measured") else ""
        includes = "the command reads and checks the file, then publishes: this includes the validate time; "
        raised = ", SI_MAX_UPLOAD_MB raised above it (the default 200 MB refuses it)"
        for name, c in (u.get("cli") or {}).items():
            out = " ".join((c["stdout"] or c["stderr"]).split())[-160:].replace("|", "/")
            lines.append(
                f"| {name} the observations upload: `python -m si_metrics {name} --dataset observations` | "
                f"{rows:,} | {c['seconds']:.2f} | {rows / c['seconds']:,.0f} | {_mb(c['peak_rss_mb'])} | "
                f"{_runs_note(c)}{when}exit {c['exit']}; {c['process_s']:.2f} s with interpreter start-up; "
                f"{includes if name == 'publish' else ''}file {u.get('file_mb', 0):.0f} MB"
                f"{raised if u.get('raised_limit', u.get('file_mb', 0) > 200) else ''}; "
                f"into a copy of the {results['scale']} store; output ends: “{out}” |"
            )
        d = u["direct"]
        lines.append(
            f"| — of which the typed load alone: `store.stage_csv` | {rows:,} | {d['validate_s']:.2f} | "
            f"{rows / d['validate_s']:,.0f} | {_mb(d['peak_rss_mb'])} | same file, a fresh copy of the store |"
        )
        lines.append(
            f"| — of which diff + release alone: `store.publish` | {rows:,} | {d['publish_s']:.2f} | "
            f"{rows / d['publish_s']:,.0f} | (same process) | {d['added']:,} new, {d['changed']:,} changed, "
            f"{d['unchanged']:,} unchanged |"
        )
    return lines


def culprit_lines(results: dict) -> list[str]:
    lines = []
    for url, apps in results["pages"].items():
        prof = apps.get("ours", {}).get("profile")
        if not prof:
            continue
        queries = ", ".join(f"`{n}` {ms:,.0f} ms" + (f" ×{k}" if k > 1 else "") for n, k, ms in prof["queries"][:4])
        own = ", ".join(f"`{f}` {ms:,.0f} ms" for f, ms in prof.get("project_functions", [])[:4])
        lines.append(
            f"- **{harness.PAGE_BY_URL[url].title}** (profiled area change to {prof['value']}, "
            f"{prof.get('total_ms', 0):,.0f} ms under the profiler): queries {queries or '–'}; "
            f"our code (cumulative) {own or '–'}"
        )
    return lines


def cpu_lines(checks: list[float] | None) -> list[str]:
    if not checks:
        return []
    low, mid, high = min(checks), statistics.median(checks), max(checks)
    return [
        f"- CPU check (a fixed pure-Python loop, best of 3, before every page; {len(checks)} checks): fastest "
        f"{low:.0f} ms, median {mid:.0f} ms, slowest {high:.0f} ms — the same work took up to "
        f"{high / low:.1f}× as long at some moments of this run"
    ]


def render(results: dict) -> str:
    m, man = results["machine"], results["manifest"]
    areas = man["areas_by_level"]
    rows = man["rows"]
    command = results.get("command", "python -m benchmarks --scale " + results["scale"])
    min_runs = results.get("min_runs", harness.MIN_RUNS)
    data_note = "reused from an earlier run" if man.get("reused") else f"generated in {man['seconds']:.0f} s"
    out = [
        f"# Benchmark results — SCALE={results['scale']}",
        "",
        f"Run {results['started']} UTC with `{command}`, {results['minutes']:.0f} min in all "
        f"(`make bench SCALE={results['scale']}` runs `python -m benchmarks --scale {results['scale']}`), "
        f"on commit {results.get('code', 'unknown')}. "
        "Timings are noisy on a shared 2-core machine: compare the ratios measured in the same run.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gib']} GiB; {m['os']}",
        f"- load average (1, 5, 15 min) at the start {m.get('load_start')}, at the end {m.get('load_end')} — other "
        "work on the machine slows both apps alike; the ratios are measured side by side, page by page",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        *cpu_lines(m.get("cpu_check_ms")),
        "",
        "## Scale (synthetic data, `benchmarks/scale.py`, fixed seeds)",
        "",
        f"- {man['countries']} countries, {areas.get('1', 0):,} NUTS 1, {areas.get('2', 0):,} NUTS 2 and "
        f"{areas.get('3', 0):,} NUTS 3 areas (+ the EU benchmark)",
        f"- {rows['projects']:,} projects, {rows['observations']:,} observations, "
        f"{rows['funding_municipalities']:,} municipalities with EU funds, {rows['funding_programmes']:,} programmes",
        f"- data {data_note}; "
        f"runs per number: {results['runs']} (a series stops early, after at least {min_runs} runs, once "
        f"it has taken {results['budget']} s — the runs column says how many)",
        "",
        "## Goals",
        "",
        "| goal | target | measured | met |",
        "|---|---|---|---|",
        *[
            f"| {g['goal']} | {g['target']} | {g['measured']} | {'met' if g['met'] else '**not met**'} |"
            for g in results["goals"]
        ],
        "",
        "## Pages: server time, bytes to the browser, peak memory",
        "",
        "Server time of `AppTest.run()` (the script run; no network, no browser), p50 / p95 in ms. "
        "*Cold*: a new session after `st.cache_data.clear()` + `st.cache_resource.clear()` (our DuckDB "
        "connection reopened; the baseline re-reads its CSVs). *Warm*: a new session with the caches left by earlier "
        "visitors. *Changes*: one session, each run a value not shown since the caches were last cleared (a cache "
        "miss). Setting = the page's own control: indicator, funding level, project search text. "
        "To browser = sum of the serialised element protos of the render (figures' JSON, tables' Arrow bytes). "
        "Peak RSS = the peak resident memory of the process that ran that page (all its runs).",
        "",
        *page_table(results),
        "",
        *(
            [
                f"Not measured (the process failed; exit -9 is the kernel stopping it for lack of memory): "
                f"{'; '.join(results['failed'])}.",
                "",
            ]
            if results.get("failed")
            else []
        ),
        "## Start and publishing",
        "",
        *start_table(results),
        "",
    ]
    out += concurrency.table(results.get("concurrency") or {})
    culprits = culprit_lines(results)
    if culprits:
        out += [
            "## Where our time goes (one area change per page under cProfile)",
            "",
            "Named queries timed one by one; our functions by cumulative time (the profiler slows Python "
            "code, so compare within a page). Full profiles: `benchmarks/data/<scale>/profiles/`.",
            "",
            *culprits,
            "",
        ]
    return "\n".join(out) + "\n"


def console_table(results: dict) -> str:
    return "\n".join(
        [
            *page_table(results),
            "",
            *[
                f"{'MET    ' if g['met'] else 'NOT MET'}  {g['goal']}: {g['measured']} (goal {g['target']})"
                for g in results["goals"]
            ],
            "",
            *start_table(results),
        ]
    )


# ---------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Benchmark the explorer against the naive baseline.")
    parser.add_argument("--scale", choices=list(sc.SCALES), default=os.environ.get("SCALE") or "small")
    parser.add_argument("--runs", type=int, help="runs per number (default: the scale's, 20 but for small)")
    parser.add_argument("--budget", type=float, help="seconds a series may take before it stops early")
    parser.add_argument("--apps", default="ours,baseline")
    parser.add_argument("--pages", default=",".join(p.url for p in harness.PAGES))
    parser.add_argument("--min-runs", type=int, help="runs a series makes even when over its budget")
    parser.add_argument("--coldstart-runs", type=int)
    parser.add_argument(
        "--coldstart-only",
        action="store_true",
        help="measure only the cold starts (AppTest and Chromium, with the one-line control) and print their table",
    )
    parser.add_argument("--upload-runs", type=int, help="validate/publish runs, each into a fresh copy")
    parser.add_argument("--root", type=Path, default=sc.DATA_ROOT, help="where scale folders go")
    parser.add_argument(
        "--out",
        type=Path,
        help="results file (default: benchmarks/results.md for eu, the committed run; else the scale folder's)",
    )
    parser.add_argument("--in-process", action="store_true", help="no child processes for pages (tests)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="profile one area change per page (not by default at small)"
    )
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--no-concurrency", action="store_true", help="leave out the table of many sessions against one and two servers"
    )
    parser.add_argument(
        "--concurrency-only",
        action="store_true",
        help="re-measure only the concurrency table and rewrite the table of the last run at this scale",
    )
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the table from the last run's results.json at this scale"
    )
    parser.add_argument(
        "--upload-only",
        action="store_true",
        help="re-measure only validate/publish and rewrite the table of the last run at this scale",
    )
    args = parser.parse_args(argv)
    started = time.time()
    scale_defaults = DEFAULTS[args.scale]
    for name in ("runs", "min_runs", "coldstart_runs", "upload_runs"):
        if getattr(args, name) is None:
            setattr(args, name, getattr(scale_defaults, name))
    args.no_profile = args.no_profile or not (args.profile or scale_defaults.profile)
    budget = args.budget or scale_defaults.budget
    # A smaller run must not overwrite the committed EU results.
    args.out = args.out or (RESULTS_MD if args.scale == "eu" else sc.scale_dir(args.scale, args.root) / "results.md")
    command = " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)])
    results: dict = {
        "scale": args.scale,
        "runs": args.runs,
        "budget": budget,
        "min_runs": args.min_runs,
        "command": command,
        "code": code_version(),
        "machine": machine(),
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
    }

    if args.render_only:  # rewrite results.md from the last run's results.json (no measurement)
        folder = sc.scale_dir(args.scale, args.root)
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        results["goals"] = goals(results)
        args.out.write_text(render(results), encoding="utf-8")
        print(console_table(results))
        return results
    if args.upload_only:
        folder = sc.scale_dir(args.scale, args.root)
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        log("validate/publish of the upload file")
        results["upload"] = upload(folder, args.in_process, args.upload_runs)
        results["goals"] = goals(results)
        (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        args.out.write_text(render(results), encoding="utf-8")
        print(console_table(results))
        return results

    if args.concurrency_only:
        folder = sc.scale_dir(args.scale, args.root)
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        results["concurrency"] = concurrency.measure(folder, log=log)
        (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        args.out.write_text(render(results), encoding="utf-8")
        print(console_table(results))
        return results
    if args.coldstart_only:  # the cold-start rows alone, control included, in one run (results.md is not rewritten)
        results["coldstart"] = cold_starts(args.coldstart_runs, args.root)
        out = Path(args.root) / "coldstart.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        print("\n".join(start_table(results)))
        log(f"wrote {out}")
        return results

    log(f"scale data {args.scale} in {args.root}")
    folder, results["manifest"] = sc.ensure_data(args.scale, args.root, regenerate=args.regenerate)
    log(f"building the store ({'reused data' if results['manifest']['reused'] else 'new data'})")
    if args.in_process:
        results["build"] = harness.build(folder)
    else:
        results["build"], _ = child(["build", "--folder", str(folder)])
    log(f"store built in {results['build']['seconds']:.1f} s")

    if args.coldstart_runs:
        log("cold start on bundled data")
        results["coldstart"] = cold_starts(args.coldstart_runs, args.root)

    profiles = folder / "profiles"
    profiles.mkdir(exist_ok=True)
    results["pages"] = {}
    for url in args.pages.split(","):
        results["pages"][url] = {}
        for app in args.apps.split(","):
            results["machine"].setdefault("cpu_check_ms", []).append(cpu_check())
            log(f"page {url}, {app}")
            t0 = time.time()
            if args.in_process:
                r = harness.bench_page(
                    app,
                    url,
                    folder,
                    args.runs,
                    budget,
                    profile=not args.no_profile,
                    min_runs=min(args.min_runs, args.runs),
                )
            else:
                cmd = [
                    "page",
                    "--app",
                    app,
                    "--page",
                    url,
                    "--folder",
                    str(folder),
                    "--runs",
                    str(args.runs),
                    "--budget",
                    str(budget),
                    "--min-runs",
                    str(args.min_runs),
                ] + ([] if args.no_profile else ["--profile"])
                try:
                    r, _ = child(cmd)
                except RuntimeError as exc:  # e.g. killed for memory: say so in the table, measure the rest
                    first = str(exc).splitlines()[0][:160]
                    log(f"  {app} failed: {first}")
                    results.setdefault("failed", []).append(f"{harness.PAGE_BY_URL[url].title}, {app}: {first}")
                    continue
            if "profile" in r:
                (profiles / f"{app}_{url}.txt").write_text(r["profile"]["pstats"], encoding="utf-8")
                r["profile"].pop("pstats")
            results["pages"][url][app] = r
            log(f"  {time.time() - t0:.0f} s; " + ", ".join(f"{k} {_cell(v)}" for k, v in r["series"].items()))

    log("validate/publish of the upload file")
    results["upload"] = upload(folder, args.in_process, args.upload_runs)
    if not args.no_concurrency and not args.in_process:
        log("many sessions against one and two app processes, each catalogue")
        results["concurrency"] = concurrency.measure(folder, log=log)
    results["goals"] = goals(results)
    results["minutes"] = (time.time() - started) / 60
    results["machine"]["load_end"] = [round(x, 1) for x in os.getloadavg()]
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.write_text(render(results), encoding="utf-8")
    print(console_table(results))
    log(f"wrote {args.out} ({results['minutes']:.1f} min)")
    return results


if __name__ == "__main__":
    main()
