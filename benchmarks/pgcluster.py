"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, listening only on a Unix
socket there, run by an unprivileged user (PostgreSQL refuses to run as root), stopped and removed at the end."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PORT = 54329
START_TIMEOUT_S = 30


def bin_dir() -> Path | None:
    """Where Debian's PostgreSQL server programs are (the newest installed), or None when it is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_user(user: str | None, args: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *args] if user else args


@contextlib.contextmanager
def cluster(database: str = "lake") -> Iterator[str]:
    """Start a cluster and yield a libpq connection string for ``database`` (created empty) on its socket."""
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install -y postgresql)")
    user = "nobody" if os.geteuid() == 0 else None
    owner = pwd.getpwnam(user) if user else None
    folder = Path(tempfile.mkdtemp(prefix="si-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    if owner:
        for path in (folder, sock):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    log = folder / "server.log"
    try:
        subprocess.run(
            _as_user(user, [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]),
            check=True,
            capture_output=True,
        )
        options = f"-k {sock} -c listen_addresses='' -p {PORT} -c fsync=off -c max_connections=200"
        subprocess.run(
            _as_user(user, [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]),
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        base = ["-h", str(sock), "-p", str(PORT), "-U", "postgres"]
        while subprocess.run([str(bindir / "pg_isready"), *base], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        psql = shutil.which("psql") or str(bindir / "psql")
        subprocess.run([psql, *base, "-d", "postgres", "-qc", f"create database {database}"], check=True)
        yield f"dbname={database} host={sock} port={PORT} user=postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_user(user, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)
