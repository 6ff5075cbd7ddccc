"""Many people at once: N simulated sessions opening pages against one or two app processes on one store, for each
catalogue (embedded SQLite, PostgreSQL), with the time of a command-line publish into that store.

A simulated session is what a browser does over its WebSocket, without drawing: it connects to
``/_stcore/stream``, asks for a page with its URL settings (a ``rerun_script`` message) and waits for the run to
finish (``script_finished``). The page time is from connecting to that message: the server's whole share of a
page open (session set-up, every query, every element sent). Sessions of two processes are shared out one by one,
as a reverse proxy with session affinity would. Server memory is the peak resident memory of the app processes.

``python -m benchmarks.concurrency --scale small`` prints the table (and writes
``benchmarks/data/<scale>/concurrency.json``); ``python -m benchmarks`` runs it too and puts it in results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from benchmarks import harness
from benchmarks import scale as sc

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = (1, 4, 8, 16)
PROCESSES = (1, 2)
OPENS_PER_SESSION = 4  # pages each simulated session opens, one after the other
PAGES = ("", "poverty", "funding", "projects", "regions", "need-vs-funding")
SEED = 7
PUBLISHER = ("--user", "benchmark", "--note", "concurrency benchmark")
START_TIMEOUT_S = 120
PAGE_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def servers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[tuple[str, subprocess.Popen]]]:
    """``count`` app processes on free ports with the store settings ``env``, healthy before this yields."""
    started = []
    try:
        for n in range(count):
            port = _free_port()
            log = (log_dir / f"server{n}.log").open("w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "ui.serve", *harness.server_options(port, "127.0.0.1")],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            started.append((f"127.0.0.1:{port}", proc))
        for host, proc in started:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                with contextlib.suppress(OSError):
                    if urllib.request.urlopen(f"http://{host}/_stcore/health", timeout=2).read() == b"ok":
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"app server {host} did not start; see {log_dir}")
                time.sleep(0.2)
        yield started
    finally:
        for _, proc in started:
            proc.terminate()
        for _, proc in started:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def open_page(host: str, page: str, query: str) -> tuple[float, bool]:
    """One page open over the WebSocket: seconds to the end of its run, and whether it ran without an exception."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    t0 = time.perf_counter()
    async with connect(f"ws://{host}/_stcore/stream", origin=f"http://{host}", max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        ok = True
        while True:
            data = await asyncio.wait_for(ws.recv(), PAGE_TIMEOUT_S)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                ok = ok and fm.delta.new_element.WhichOneof("type") != "exception"
            elif kind == "page_not_found":
                ok = False
            elif kind == "script_finished" and fm.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                return time.perf_counter() - t0, ok and fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY


async def _sessions(hosts: list[str], sessions: int, areas: list[str], rng: random.Random) -> tuple[list[float], int]:
    plans = [
        [
            (rng.choice(PAGES), f"region={rng.choice(areas)}&lang={rng.choice(('en', 'bg'))}")
            for _ in range(OPENS_PER_SESSION)
        ]
        for _ in range(sessions)
    ]

    async def one(n: int) -> list[tuple[float, bool]]:
        host = hosts[n % len(hosts)]  # session affinity: a session stays on its process
        return [await open_page(host, page, query) for page, query in plans[n]]

    done = await asyncio.gather(*(one(n) for n in range(sessions)))
    times = [t for runs in done for t, _ in runs]
    failed = sum(not ok for runs in done for _, ok in runs)
    return times, failed


def _areas(env: dict[str, str]) -> list[str]:
    """Areas below country level of the store (what people pick), read the way the app reads."""
    code = (
        "from si_metrics import store;"
        "con = store.open_reader();"
        "print(','.join(c for (c,) in con.execute(\"select code from regions where level between 1 and 3 "
        'and not is_benchmark order by code").fetchall()))'
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().split(",")


def publish_seconds(env: dict[str, str], upload: Path, runs: int = 3) -> list[float]:
    """Wall-clock seconds of ``python -m si_metrics publish`` of the upload file (each run changes every value)."""
    times = []
    for n in range(runs):
        text = upload.read_text(encoding="utf-8").splitlines()
        header, rows = text[0], text[1:]
        column = header.split(",").index("value")
        changed = []
        for line in rows:
            cells = line.split(",")
            with contextlib.suppress(ValueError):
                cells[column] = f"{float(cells[column]) + (n + 1) / 100:.4g}"
            changed.append(",".join(cells))
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, dir=upload.parent) as fh:
            fh.write("\n".join([header, *changed]) + "\n")
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "si_metrics", "publish", fh.name, "--dataset", "observations", *PUBLISHER],
            cwd=ROOT,
            env={**os.environ, **env, "SI_MAX_UPLOAD_MB": "1000"},
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - t0)
        Path(fh.name).unlink()
        if done.returncode != 0:
            raise RuntimeError(f"publish failed: {done.stderr[-2000:]}")
    return times


def _scale_args(folder: Path) -> list[str]:
    return ["--scale", folder.name, "--root", str(folder.parent)]


def measure(folder: Path, catalogues: tuple[str, ...] = ("sqlite", "postgres"), log=print) -> dict:
    """The concurrency table's numbers for a scale folder whose embedded store is built (scale.build_store)."""
    from benchmarks import pgcluster

    results: dict = {"sessions": list(SESSIONS), "processes": list(PROCESSES), "opens": OPENS_PER_SESSION, "rows": []}
    with contextlib.ExitStack() as stack:
        for catalogue in catalogues:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=folder)))
            if catalogue == "sqlite":
                env = {"SI_DATA_DIR": str(work)}
                log("concurrency: copying the embedded store")
                subprocess.run(["cp", "-a", str(sc.store_path(folder)), str(work / "store")], check=True)
            else:
                if pgcluster.bin_dir() is None:
                    log("concurrency: PostgreSQL is not installed; its rows are left out")
                    continue
                dsn = stack.enter_context(pgcluster.cluster())
                env = {"SI_DATA_DIR": str(work), "SI_STORE": dsn, "SI_STORE_DATA": str(work / "lake") + "/"}
                log("concurrency: building the store with a PostgreSQL catalogue")
                t0 = time.perf_counter()
                build = subprocess.run(
                    [sys.executable, "-m", "benchmarks.scale", "--into-configured-store", *_scale_args(folder)],
                    cwd=ROOT,
                    env={**os.environ, **env},
                    capture_output=True,
                    text=True,
                )
                if build.returncode != 0:
                    raise RuntimeError(build.stderr[-3000:])
                results.setdefault("build_s", {})[catalogue] = round(time.perf_counter() - t0, 1)
            areas = _areas(env)
            log(f"concurrency: {catalogue}: publishing the upload file 3 times")
            results.setdefault("publish_s", {})[catalogue] = [
                round(t, 2) for t in publish_seconds(env, sc.upload_path(folder))
            ]
            for processes in PROCESSES:
                with servers(processes, env, work) as started:
                    hosts = [h for h, _ in started]
                    rng = random.Random(SEED)
                    asyncio.run(_sessions(hosts, len(hosts) * len(PAGES), areas, rng))  # warm: every page once
                    for sessions in SESSIONS:
                        t0 = time.perf_counter()
                        times, failed = asyncio.run(_sessions(hosts, sessions, areas, rng))
                        arr = np.asarray(times) * 1000
                        row = {
                            "catalogue": catalogue,
                            "processes": processes,
                            "sessions": sessions,
                            "opens": len(times),
                            "failed": failed,
                            "p50_ms": round(float(np.percentile(arr, 50))),
                            "p95_ms": round(float(np.percentile(arr, 95))),
                            "wall_s": round(time.perf_counter() - t0, 1),
                            "server_peak_mb": round(sum(peak_rss_mb(p.pid) for _, p in started)),
                            "load": round(os.getloadavg()[0], 1),
                        }
                        log(f"concurrency: {row}")
                        results["rows"].append(row)
    return results


def table(results: dict) -> list[str]:
    """The concurrency section of results.md."""
    if not results or not results.get("rows"):
        return []
    names = {"sqlite": "embedded (SQLite)", "postgres": "PostgreSQL"}
    lines = [
        "## Many people at once (concurrency)",
        "",
        f"N simulated sessions at once, each opening {results['opens']} pages one after the other (a random page of "
        f"{', '.join(p or 'overview' for p in PAGES)} for a random area, English or Bulgarian) over Streamlit's "
        "WebSocket, as a browser does without drawing; page time is from connecting to the end of the run. "
        "Two processes share the sessions out one by one (session affinity). Server memory: peak resident memory "
        "of the app processes together. Load: the machine's 1-minute load average at the end (2 cores, shared).",
        "",
        "| catalogue | app processes | sessions | page opens | failed | page p50 | page p95 | wall | server memory "
        "| load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["rows"]:
        lines.append(
            f"| {names.get(r['catalogue'], r['catalogue'])} | {r['processes']} | {r['sessions']} | {r['opens']} | "
            f"{r['failed']} | {r['p50_ms']:,} ms | {r['p95_ms']:,} ms | {r['wall_s']} s | {r['server_peak_mb']:,} MB | "
            f"{r['load']} |"
        )
    if results.get("publish_s"):
        lines += [
            "",
            "Command-line publish of the observations upload file into each store while no app runs "
            "(interpreter start-up included; each run changes every value):",
            "",
        ]
        for catalogue, runs in results["publish_s"].items():
            lines.append(f"- {names.get(catalogue, catalogue)}: {', '.join(f'{t:.2f}' for t in runs)} s")
    if results.get("build_s"):
        for catalogue, seconds in results["build_s"].items():
            lines.append(
                f"- building the scale store with the {names.get(catalogue, catalogue)} catalogue: {seconds} s"
            )
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(sc.SCALES), default="small")
    parser.add_argument("--root", type=Path, default=sc.DATA_ROOT)
    parser.add_argument("--catalogues", default="sqlite,postgres")
    args = parser.parse_args(argv)
    folder, _ = sc.ensure_data(args.scale, args.root)
    if not (sc.store_path(folder) / "catalog.sqlite").exists():
        sc.build_store(folder)
    results = measure(folder, tuple(args.catalogues.split(",")), log=lambda m: print(m, file=sys.stderr, flush=True))
    (folder / "concurrency.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
