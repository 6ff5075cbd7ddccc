"""Staff accounts and sign-in: argon2id password hashes (older scrypt hashes still verify and are upgraded), failed
attempts counted in the store per account and per client address, bounded concurrent password checks, and the
staff e-mail allow-list. No streamlit here."""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import functools
import hashlib
import hmac
import logging
import os
import re
import secrets as pysecrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import argon2
import duckdb

from . import store

log = logging.getLogger(__name__)

# argon2id with OWASP's first recommended configuration (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1): sized for
# a small server, about 0.1 s and 19 MiB per check here. The parameters are in each hash, so raising them later
# upgrades every account at its next good sign-in.
ARGON2_MEMORY_KIB, ARGON2_TIME, ARGON2_PARALLELISM = 19 * 1024, 2, 1
_hasher = argon2.PasswordHasher(
    time_cost=ARGON2_TIME, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM, type=argon2.Type.ID
)
# Password checks running at once in this process; the others wait their turn. Each check holds its hash's memory
# (19 MiB; 128 MiB for an older scrypt hash), so two bound a sign-in storm to a few tens of MiB, and two cores stay
# free enough to serve pages meanwhile.
CONCURRENT_CHECKS = 2
_checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)
CHECK_WAIT_S = 20  # longest wait for a turn before "busy, try again": a flood must not pile up script threads
# glibc's malloc serves a block of argon2's size from the arena of the thread that asks, and after the first such
# block is freed it raises its mmap threshold past that size (up to 32 MiB), so each freed block stays in its
# thread's arena: every Streamlit script thread that ever checked a password then keeps 19 MiB. Measured: eight
# threads, two checks at a time, left the process 155 MB larger for good; with a fixed threshold below the block
# size, 0 MB after (the peak +19-38 MB). Smaller allocations (most of pandas and numpy) are not affected.
MMAP_THRESHOLD = 8 * 1024 * 1024
M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def _map_large_blocks() -> None:
    """Have glibc map blocks over MMAP_THRESHOLD on their own, so a finished check returns its memory."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc: another allocator, left as it is
        pass


_map_large_blocks()

# Failed sign-ins, counted per account name and per client address (either one being over its limit refuses): after
# the n-th failure the next attempt waits 1, 2, 4, 8 s; the fifth locks for 15 minutes, each further one (after
# the lock ends) for twice as long, up to a day. Failures older than a day are forgotten.
MAX_FAILURES = 5
FIRST_DELAY_S = 1.0
LOCKOUT_S = 15 * 60
LOCKOUT_MAX_S = 24 * 3600
FORGET_S = 24 * 3600

# scrypt, the hash of older versions (RFC 7914; N=2^17, r=8, p=1: 128 MiB per check). Verified and upgraded.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 256 * 1024 * 1024
SCRYPT_PREFIX = "scrypt"
ARGON2_PREFIX = "$argon2id$"

TEST_CLOCK = "SI_AUTH_TEST_CLOCK"  # tests only: a file holding seconds to add to the sign-in clock


def hash_password(
    password: str,
    *,
    memory_kib: int = ARGON2_MEMORY_KIB,
    time_cost: int = ARGON2_TIME,
    parallelism: int = ARGON2_PARALLELISM,
) -> str:
    """An argon2id hash in the PHC format ($argon2id$v=19$m=…,t=…,p=…$salt$hash), salted."""
    if not password:
        raise ValueError("the password is empty")
    if (memory_kib, time_cost, parallelism) == (ARGON2_MEMORY_KIB, ARGON2_TIME, ARGON2_PARALLELISM):
        return _hasher.hash(password)
    hasher = argon2.PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=argon2.Type.ID
    )
    return hasher.hash(password)


def scrypt_hash(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """An older-format hash, scrypt$N$r$p$salt$key (base64): what hash-password printed before argon2id."""
    if not password:
        raise ValueError("the password is empty")
    salt = pysecrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"{SCRYPT_PREFIX}${n}${r}${p}${b64(salt)}${b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (argon2id, or an older scrypt hash); False for any malformed hash
    (never raises on input)."""
    if stored.startswith(ARGON2_PREFIX):
        try:
            return _hasher.verify(stored, password)
        except argon2.exceptions.Argon2Error:  # mismatch, malformed or unverifiable: all "no"
            return False
    try:
        prefix, n, r, p, salt, key = stored.split("$")
        if prefix != SCRYPT_PREFIX:
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """Whether a hash that just verified should be replaced: any scrypt hash, or argon2id with other parameters."""
    if not stored.startswith(ARGON2_PREFIX):
        return True
    try:
        return _hasher.check_needs_rehash(stored)
    except argon2.exceptions.InvalidHashError:
        return True


_dummy: list[str] = []
_dummy_lock = threading.Lock()


def _dummy_hash() -> str:
    """The hash an unknown name is checked against, so it costs what a real account's check costs (no timing tells
    whether a name exists). Of a random password: nothing ever matches it. Made once, by the first attempt (the
    lock: a first burst of attempts must not make one each)."""
    with _dummy_lock:
        if not _dummy:
            _dummy.append(hash_password(pysecrets.token_urlsafe(24)))
        return _dummy[0]


@functools.cache
def _warn_test_clock(path: str) -> None:
    log.warning("%s=%s: the sign-in clock is moved by a test; never set it on a server in use", TEST_CLOCK, path)


def clock() -> float:
    """The sign-in clock (epoch seconds). With $SI_AUTH_TEST_CLOCK (tests only) the number of seconds in that file
    is added, read at each call, so a browser test moves a running server past a lockout without waiting."""
    now = time.time()
    path = os.environ.get("SI_AUTH_TEST_CLOCK")  # the literal name: tests/test_docs.py finds what is read
    if path:
        _warn_test_clock(path)
        try:
            now += float(Path(path).read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            log.warning("%s is set but %s does not hold a number of seconds", TEST_CLOCK, path)
    return now


def wait_after(failures: int) -> float:
    """Seconds an account or address waits after its ``failures``-th failed sign-in before its next attempt."""
    if failures <= 0:
        return 0.0
    if failures < MAX_FAILURES:
        return FIRST_DELAY_S * 2 ** (failures - 1)
    return float(min(LOCKOUT_S * 2 ** (failures - MAX_FAILURES), LOCKOUT_MAX_S))


def client_address(peer: str | None, forwarded_for: list[str], proxy_hops: int) -> str:
    """The address failures are counted for: the connection's peer, or with ``proxy_hops`` reverse proxies in front
    the address the outermost of them saw (``proxy_hops`` from the right of X-Forwarded-For, which each proxy
    appends to, so a client cannot forge it); 'local' when unknown (Streamlit gives no address for localhost)."""
    if proxy_hops > 0:
        hops = [a.strip() for header in forwarded_for for a in header.split(",") if a.strip()]
        if len(hops) >= proxy_hops:
            return hops[-proxy_hops][:64]
    return (peer or "local")[:64]


def proxy_hops() -> int:
    """$SI_PROXY_HOPS: how many reverse proxies in front of the app append to X-Forwarded-For (default 0)."""
    raw = (os.environ.get("SI_PROXY_HOPS") or "0").strip()
    if not raw.isdigit():
        raise ValueError(f"SI_PROXY_HOPS must be a whole number of proxies (0, 1, …), not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Attempt:
    """How a sign-in attempt ended: 'ok', 'wrong' (name or password), 'locked' (too many failures: ``wait`` seconds
    left) or 'busy' (no turn to check a password in time; not counted)."""

    outcome: str
    wait: float = 0.0


def _fingerprint(stored: str) -> str:
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()


def _locked_for(con: duckdb.DuckDBPyConnection, subjects: list[str], now: float) -> float:
    """Seconds until every subject may try again (0: now)."""
    counts = store.sign_in_failures(con, subjects, since=now - FORGET_S)
    return max([last + wait_after(n) - now for n, last in counts.values()] + [0.0])


def sign_in(
    con: duckdb.DuckDBPyConnection,
    accounts: Mapping[str, str],
    name: str,
    password: str,
    client: str,
    now: Callable[[], float] = clock,
) -> Attempt:
    """Check a local account's password, counting failures per account and per client address in the store.

    A name or address over its limit is refused before any hash is computed; otherwise the password is checked,
    against a dummy hash for an unknown name, so both cost the same. A good sign-in clears the failures of both and
    stores an upgraded hash (argon2id with today's parameters) when the configured one is older; the configured
    hash stays as it is, and the upgrade is used only while it does (a changed password wins)."""
    name = name.strip()
    subjects = [f"account:{name}", f"client:{client}"]
    dummy = _dummy_hash()  # made before the first attempt, whoever makes it, so no first check takes longer
    wait = _locked_for(con, subjects, now())
    if wait > 0:
        return Attempt("locked", wait)
    configured = accounts.get(name)
    # asked for unknown names too (of the dummy's fingerprint: never found), so the store's answer takes as long
    upgraded = store.password_upgrade(con, name, _fingerprint(configured or dummy))
    stored = upgraded or (configured if configured is not None else dummy)
    upgrade: str | None = None
    if not _checks.acquire(timeout=CHECK_WAIT_S):
        return Attempt("busy")
    try:
        wait = _locked_for(con, subjects, now())  # again: attempts that waited for a turn may have failed meanwhile
        if wait > 0:
            return Attempt("locked", wait)
        good = verify_password(password, stored) and configured is not None
        if good and needs_rehash(stored):
            upgrade = hash_password(password)
        if not good:
            at = now()
            store.record_sign_in_failure(con, subjects, at, forget_before=at - FORGET_S)
    finally:
        _checks.release()
    if not good:
        return Attempt("wrong", _locked_for(con, subjects, now()))
    store.clear_sign_in_failures(con, subjects)
    if upgrade is not None and configured is not None:
        store.save_password_upgrade(con, name, _fingerprint(configured), upgrade, now())
    return Attempt("ok")


def parse_accounts(text: str | None) -> dict[str, str]:
    """SI_STAFF_ACCOUNTS: 'name:hash,name2:hash2' → {name: hash}. An argon2id hash has commas of its own
    (``m=19456,t=2,p=1``), which do not separate accounts."""
    accounts = {}
    for item in re.split(r",(?![tp]=\d)", text or ""):
        name, sep, stored = item.strip().partition(":")
        if sep and name and stored:
            accounts[name.strip()] = stored.strip()
    return accounts


def staff_accounts(secrets: Mapping | None = None) -> dict[str, str]:
    """Local staff accounts from the environment (SI_STAFF_ACCOUNTS) and the secrets file ([staff.accounts])."""
    accounts = parse_accounts(os.environ.get("SI_STAFF_ACCOUNTS"))
    staff = (secrets or {}).get("staff", {}) if secrets else {}
    accounts.update({str(k): str(v) for k, v in dict(staff.get("accounts", {})).items()})
    return accounts


def staff_emails(secrets: Mapping | None = None) -> set[str]:
    """Staff e-mail addresses allowed to publish after an OIDC sign-in (SI_STAFF_EMAILS, [staff] emails)."""
    emails = {e.strip().lower() for e in os.environ.get("SI_STAFF_EMAILS", "").split(",") if e.strip()}
    staff = (secrets or {}).get("staff", {}) if secrets else {}
    emails |= {str(e).strip().lower() for e in staff.get("emails", [])}
    return emails


def is_staff_email(email: str | None, allowed: set[str]) -> bool:
    return bool(email) and email is not None and email.strip().lower() in allowed
