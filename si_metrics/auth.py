"""Staff accounts: scrypt password hashes (hashlib, OpenSSL) and the staff e-mail allow-list. No streamlit here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as pysecrets
from collections.abc import Mapping

# scrypt cost (RFC 7914; OWASP password storage cheat sheet: N=2^17, r=8, p=1 as a minimum for scrypt).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 256 * 1024 * 1024
PREFIX = "scrypt"


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A self-describing hash: scrypt$N$r$p$salt$key (base64)."""
    if not password:
        raise ValueError("the password is empty")
    salt = pysecrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"{PREFIX}${n}${r}${p}${b64(salt)}${b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for any malformed hash (never raises on input)."""
    try:
        prefix, n, r, p, salt, key = stored.split("$")
        if prefix != PREFIX:
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


def parse_accounts(text: str | None) -> dict[str, str]:
    """SI_STAFF_ACCOUNTS: 'name:hash,name2:hash2' → {name: hash}."""
    accounts = {}
    for item in (text or "").split(","):
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
