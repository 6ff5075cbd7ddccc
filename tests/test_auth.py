"""Staff accounts: password hashes and the e-mail allow-list."""

from __future__ import annotations

from si_metrics import auth

FAST = dict(n=2**10, r=8, p=1)  # cheap cost for tests; production uses auth.SCRYPT_N


def test_hash_and_verify():
    stored = auth.hash_password("correct horse", **FAST)
    assert stored.startswith("scrypt$1024$8$1$")
    assert auth.verify_password("correct horse", stored)
    assert not auth.verify_password("correct horsE", stored)
    assert auth.hash_password("correct horse", **FAST) != stored  # salted


def test_malformed_hashes_never_verify():
    for stored in ("", "plain", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AAAA$BBBB", "scrypt$1024$8$1$!!$??"):
        assert auth.verify_password("x", stored) is False


def test_accounts_and_emails_from_environment_and_secrets(monkeypatch):
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:scrypt$a, ivan:scrypt$b ,broken")
    monkeypatch.setenv("SI_STAFF_EMAILS", "Maria@Centre.bg, ivan@centre.bg")
    secrets = {"staff": {"accounts": {"elena": "scrypt$c"}, "emails": ["elena@centre.bg"]}}
    assert auth.staff_accounts(secrets) == {"maria": "scrypt$a", "ivan": "scrypt$b", "elena": "scrypt$c"}
    allowed = auth.staff_emails(secrets)
    assert allowed == {"maria@centre.bg", "ivan@centre.bg", "elena@centre.bg"}
    assert auth.is_staff_email("MARIA@centre.bg", allowed) and not auth.is_staff_email("eve@example.com", allowed)
    assert not auth.is_staff_email(None, allowed)


def test_hash_password_command_reads_standard_input():
    import os
    import subprocess
    import sys

    from helpers import ROOT

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
    assert stored.startswith("scrypt$131072$8$1$") and auth.verify_password("s3cret", stored)
