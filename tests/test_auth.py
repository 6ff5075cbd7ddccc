"""Staff accounts and sign-in: password hashes, failures counted in the store (both catalogues), lockouts that
expire, unknown names checked like real ones, bounded concurrent checks, upgrades of older hashes."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time

import argon2
import pytest
from conftest import store_location

from helpers import ROOT
from si_metrics import auth, store

OLD = dict(n=2**10, r=8, p=1)  # a cheap scrypt cost for tests of older hashes; they were made with auth.SCRYPT_N
PASSWORD = "correct horse"  # noqa: S105 - a test account's password


def test_hash_and_verify():
    stored = auth.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert auth.verify_password(PASSWORD, stored)
    assert not auth.verify_password("correct horsE", stored)
    assert auth.hash_password(PASSWORD) != stored  # salted
    assert not auth.needs_rehash(stored)
    assert auth.needs_rehash(auth.hash_password(PASSWORD, memory_kib=8 * 1024, time_cost=1))  # other parameters


def test_older_scrypt_hashes_still_verify_and_want_an_upgrade():
    stored = auth.scrypt_hash(PASSWORD, **OLD)
    assert stored.startswith("scrypt$1024$8$1$")
    assert auth.verify_password(PASSWORD, stored) and not auth.verify_password("x", stored)
    assert auth.needs_rehash(stored)


def test_malformed_hashes_never_verify():
    for stored in (
        "",
        "plain",
        "bcrypt$1$2$3$4$5",
        "scrypt$x$8$1$AAAA$BBBB",
        "scrypt$1024$8$1$!!$??",
        "$argon2id$v=19$m=19456,t=2,p=1$!!$??",
        "$argon2id$",
    ):
        assert auth.verify_password("x", stored) is False


def test_accounts_and_emails_from_environment_and_secrets(monkeypatch):
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:scrypt$a, ivan:$argon2id$b ,broken")
    monkeypatch.setenv("SI_STAFF_EMAILS", "Maria@Centre.bg, ivan@centre.bg")
    secrets_ = {"staff": {"accounts": {"elena": "scrypt$c"}, "emails": ["elena@centre.bg"]}}
    assert auth.staff_accounts(secrets_) == {"maria": "scrypt$a", "ivan": "$argon2id$b", "elena": "scrypt$c"}
    allowed = auth.staff_emails(secrets_)
    assert allowed == {"maria@centre.bg", "ivan@centre.bg", "elena@centre.bg"}
    assert auth.is_staff_email("MARIA@centre.bg", allowed) and not auth.is_staff_email("eve@example.com", allowed)
    assert not auth.is_staff_email(None, allowed)


def test_argon2id_hashes_keep_their_commas_in_the_accounts_setting():
    maria, ivan = auth.hash_password("one"), auth.hash_password("two")
    assert "m=19456,t=2,p=1" in maria
    accounts = auth.parse_accounts(f"maria:{maria}, ivan:{ivan},elena:scrypt$1$2$3$4$5")
    assert accounts == {"maria": maria, "ivan": ivan, "elena": "scrypt$1$2$3$4$5"}
    assert auth.verify_password("one", accounts["maria"]) and auth.verify_password("two", accounts["ivan"])


def test_hash_password_command_prints_an_argon2id_hash():
    out = subprocess.run(
        [sys.executable, "-m", "si_metrics", "hash-password"],
        input="s3cret\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=60,
    )
    assert out.returncode == 0 and out.stderr == ""
    stored = out.stdout.strip()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and auth.verify_password("s3cret", stored)


def test_waits_grow_then_lock_for_fifteen_minutes_doubling_up_to_a_day():
    assert [auth.wait_after(n) for n in range(0, 13)] == [
        0,
        1,
        2,
        4,
        8,
        900,
        1800,
        3600,
        7200,
        14400,
        28800,
        57600,
        86400,
    ]
    assert auth.wait_after(40) == 86400


def test_client_address_trusts_only_the_configured_proxies():
    assert auth.client_address("203.0.113.7", [], 0) == "203.0.113.7"
    assert auth.client_address(None, [], 0) == "local"  # Streamlit gives no address for localhost
    # without a proxy configured, a client's own X-Forwarded-For is ignored: it could name anyone
    assert auth.client_address("203.0.113.7", ["198.51.100.1"], 0) == "203.0.113.7"
    # one proxy appends the address it saw: the last entry; what the client sent before it is not trusted
    assert auth.client_address(None, ["198.51.100.1, 203.0.113.9"], 1) == "203.0.113.9"
    assert auth.client_address(None, ["198.51.100.1", "203.0.113.9, 10.0.0.2"], 2) == "203.0.113.9"
    assert auth.client_address("10.0.0.2", [], 1) == "10.0.0.2"  # the header missing: the peer


def test_proxy_hops_setting(monkeypatch):
    monkeypatch.delenv("SI_PROXY_HOPS", raising=False)
    assert auth.proxy_hops() == 0
    monkeypatch.setenv("SI_PROXY_HOPS", "1")
    assert auth.proxy_hops() == 1
    monkeypatch.setenv("SI_PROXY_HOPS", "one")
    with pytest.raises(ValueError, match="SI_PROXY_HOPS must be a whole number of proxies"):
        auth.proxy_hops()


def test_the_test_clock_moves_only_when_its_setting_names_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv(auth.TEST_CLOCK, raising=False)
    assert abs(auth.clock() - time.time()) < 5
    offset = tmp_path / "clock"
    offset.write_text("3600")
    monkeypatch.setenv(auth.TEST_CLOCK, str(offset))
    assert abs(auth.clock() - time.time() - 3600) < 5
    offset.write_text("7200")  # read at each call: a running server follows
    assert abs(auth.clock() - time.time() - 7200) < 5


class Clock:
    """Injected time: starts at a fixed moment, moves only when told."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module", params=("sqlite", "postgres"))
def where(request, tmp_path_factory):
    """A store in each catalogue (built once for this module) and its location, to open it again."""
    location = store_location(request, request.param, tmp_path_factory.mktemp("signin") / "store")
    store.open_store(location).close()
    return location


@pytest.fixture
def con(where):
    connection = store.open_store(where)
    yield connection
    connection.close()


@pytest.fixture
def who() -> str:
    """A name of this test's own: the tests share a store, and failures are counted per name."""
    return "maria" + secrets.token_hex(3)


def attempts(con, accounts, name, passwords, clock, step=60.0):
    """Sign in with each password in turn from an address of the name's own, ``step`` seconds apart; the outcomes
    and waits."""
    found = []
    for password in passwords:
        attempt = auth.sign_in(con, accounts, name, password, f"203.0.113.1-{name}", now=clock)
        found.append((attempt.outcome, attempt.wait))
        clock.now += step
    return found


def test_failures_lock_the_account_across_restarts_until_the_lockout_expires(where, con, who):
    accounts = {who: auth.hash_password(PASSWORD)}
    clock = Clock()
    # four failures a minute apart (each wait, 1-8 s, has passed), then the fifth locks for 15 minutes
    found = attempts(con, accounts, who, ["a", "b", "c", "d", "e"], clock)
    assert found == [("wrong", 1.0), ("wrong", 2.0), ("wrong", 4.0), ("wrong", 8.0), ("wrong", 900.0)]
    assert store.sign_in_failures(con, [f"account:{who}"], since=0) == {f"account:{who}": (5, clock.now - 60)}
    con.close()  # a restart: the count is in the store, not in the process
    again = store.open_store(where)
    try:
        # the right password, a minute into the lock, from another address: refused, and nothing is checked
        attempt = auth.sign_in(again, accounts, who, PASSWORD, "198.51.100.2", now=clock)
        assert attempt == auth.Attempt("locked", 840.0)
        clock.now += 841  # past the 15 minutes
        assert auth.sign_in(again, accounts, who, PASSWORD, "198.51.100.2", now=clock) == auth.Attempt("ok")
        assert store.sign_in_failures(again, [f"account:{who}", "client:198.51.100.2"], since=0) == {}
    finally:
        again.close()


def test_attempts_too_soon_are_refused_and_the_lock_doubles(con, who):
    accounts = {who: auth.hash_password(PASSWORD)}
    clock = Clock()
    assert attempts(con, accounts, who, ["a", PASSWORD], clock, step=0.5) == [("wrong", 1.0), ("locked", 0.5)]
    clock.now += 1  # the second failure came after the first wait
    assert attempts(con, accounts, who, ["b", "c", "d", "e"], clock) == [
        ("wrong", 2.0),
        ("wrong", 4.0),
        ("wrong", 8.0),
        ("wrong", 900.0),
    ]
    clock.now += 900
    assert attempts(con, accounts, who, ["f"], clock) == [("wrong", 1800.0)]  # the sixth: twice as long
    clock.now += auth.FORGET_S  # a day later the failures are forgotten
    assert attempts(con, accounts, who, ["g"], clock) == [("wrong", 1.0)]


def test_failures_from_one_address_lock_it_for_every_name(con, who):
    clock = Clock()
    client = f"192.0.2.{secrets.randbelow(250)}-{who}"
    for n in range(5):  # five names tried from one address: each name has one failure, the address five
        assert auth.sign_in(con, {}, f"{who}{n}", "x", client, now=clock).outcome == "wrong"
        clock.now += 60
    assert auth.sign_in(con, {}, f"{who}new", "x", client, now=clock) == auth.Attempt("locked", 840.0)
    # another address is not locked, and neither is a name that failed once
    assert auth.sign_in(con, {}, f"{who}new", "x", client + "b", now=clock) == auth.Attempt("wrong", 1.0)


@pytest.fixture
def hash_checks(monkeypatch):
    """The hashes each password check was made against, in order: a spy around the real verification."""
    seen: list[str] = []
    real = auth.verify_password

    def spy(password: str, stored: str) -> bool:
        seen.append(stored)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", spy)
    return seen


def test_unknown_names_are_checked_against_a_hash_like_a_real_one(con, who, hash_checks):
    real = auth.hash_password(PASSWORD)
    accounts = {who: real}
    clock = Clock()
    assert auth.sign_in(con, accounts, who, "wrong", "203.0.113.50", now=clock).outcome == "wrong"
    assert auth.sign_in(con, accounts, "nobody" + who, "wrong", "203.0.113.51", now=clock).outcome == "wrong"
    assert len(hash_checks) == 2 and hash_checks[0] == real
    # the same kind of hash with the same parameters: the same memory and time
    assert argon2.extract_parameters(hash_checks[1]) == argon2.extract_parameters(real)
    # a locked name or address is refused before any hash: the same for a real and an unknown name
    clock.now += 0.5
    assert auth.sign_in(con, accounts, who, PASSWORD, "203.0.113.50", now=clock).outcome == "locked"
    assert auth.sign_in(con, accounts, "nobody" + who, PASSWORD, "203.0.113.51", now=clock).outcome == "locked"
    assert len(hash_checks) == 2


def test_an_older_scrypt_hash_is_upgraded_to_argon2id_at_the_next_good_sign_in(con, who, hash_checks):
    configured = auth.scrypt_hash(PASSWORD, **OLD)
    accounts = {who: configured}
    clock = Clock()
    assert auth.sign_in(con, accounts, who, PASSWORD, "203.0.113.60", now=clock).outcome == "ok"
    assert hash_checks == [configured]
    fingerprint = auth._fingerprint(configured)
    upgraded = store.password_upgrade(con, who, fingerprint)
    assert upgraded is not None and upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    # from now on the argon2id hash is checked, for a wrong password too
    assert auth.sign_in(con, accounts, who, "wrong", "203.0.113.60", now=clock).outcome == "wrong"
    clock.now += 60
    assert auth.sign_in(con, accounts, who, PASSWORD, "203.0.113.60", now=clock).outcome == "ok"
    assert hash_checks[1:] == [upgraded, upgraded]
    assert store.password_upgrade(con, who, fingerprint) == upgraded  # an argon2id hash is not upgraded again
    # the operator sets a new password (a new configured hash): the upgrade of the old one no longer counts
    accounts = {who: auth.scrypt_hash("new password", **OLD)}
    clock.now += 60
    assert auth.sign_in(con, accounts, who, PASSWORD, "203.0.113.60", now=clock).outcome == "wrong"
    clock.now += 60
    assert auth.sign_in(con, accounts, who, "new password", "203.0.113.60", now=clock).outcome == "ok"


def test_at_most_two_password_checks_run_at_once(con, who, monkeypatch):
    running, peak, lock = [0], [0], threading.Lock()
    real = auth.verify_password

    def counting(password: str, stored: str) -> bool:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return real(password, stored)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(auth, "verify_password", counting)
    outcomes: list[str] = []
    clock = Clock()

    def one(n: int) -> None:  # eight names from eight addresses: nothing is locked, each needs a check
        outcomes.append(auth.sign_in(con, {}, f"{who}{n}", "x", f"198.51.100.{n}-{who}", now=clock).outcome)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes == ["wrong"] * 8
    assert 1 <= peak[0] <= auth.CONCURRENT_CHECKS == 2


def test_no_turn_for_a_check_answers_busy_and_counts_nothing(con, who, monkeypatch):
    monkeypatch.setattr(auth, "CHECK_WAIT_S", 0.05)
    for _ in range(auth.CONCURRENT_CHECKS):  # every turn taken, as by long checks of other visitors
        assert auth._checks.acquire(timeout=5)
    try:
        assert auth.sign_in(con, {}, who, "x", "203.0.113.70", now=Clock()) == auth.Attempt("busy")
    finally:
        for _ in range(auth.CONCURRENT_CHECKS):
            auth._checks.release()
    assert store.sign_in_failures(con, [f"account:{who}", "client:203.0.113.70"], since=0) == {}
