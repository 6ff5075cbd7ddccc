"""Who may publish: OIDC sign-in (st.login) with a staff e-mail allow-list, or local staff accounts, or nobody."""

from __future__ import annotations

import math

import streamlit as st

from si_metrics import auth

from . import data
from .i18n import t

LOCAL_USER_KEY = "staff_local_user"
# Failed attempts are counted in the store per account and client address (si_metrics.auth.sign_in), not in the
# browser session: a reload or a new tab starts a new session, and the count goes on.


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file at all: nothing configured
        return {}


def mode() -> str:
    """'oidc' when [auth] is configured in secrets, else 'local' when staff accounts exist, else 'off'."""
    secrets = _secrets()
    if "auth" in secrets:
        return "oidc"
    return "local" if auth.staff_accounts(secrets) else "off"


def staff_user() -> str | None:
    """The signed-in staff member (e-mail or account name), or None."""
    current = mode()
    if current == "oidc":
        user = st.user
        email = user.get("email")
        if user.get("is_logged_in") and auth.is_staff_email(
            email if isinstance(email, str) else None, auth.staff_emails(_secrets())
        ):
            return str(user.get("email"))
        return None
    if current == "local":
        name = st.session_state.get(LOCAL_USER_KEY)
        return name if name in auth.staff_accounts(_secrets()) else None
    return None


def _client() -> str:
    """The client address sign-in failures are counted for ($SI_PROXY_HOPS says how far to trust X-Forwarded-For)."""
    return auth.client_address(st.context.ip_address, st.context.headers.get_all("X-Forwarded-For"), auth.proxy_hops())


def _local_sign_in() -> None:
    with st.form("staff_sign_in"):
        name = st.text_input(t("auth_user"), max_chars=100)
        password = st.text_input(t("auth_password"), type="password", max_chars=200)
        if not st.form_submit_button(t("auth_sign_in")):
            return
    attempt = auth.sign_in(data.connection(), auth.staff_accounts(_secrets()), name, password, _client())
    if attempt.outcome == "ok":
        st.session_state[LOCAL_USER_KEY] = name.strip()
        st.rerun()
    if attempt.outcome == "busy":
        st.warning(t("auth_busy"))
        return
    if attempt.outcome == "wrong":
        st.error(t("auth_wrong"))  # the same message for an unknown name and a wrong password
    if attempt.wait >= 60:
        st.error(t("auth_locked", minutes=math.ceil(attempt.wait / 60)))
    elif attempt.wait > 0:
        st.error(t("auth_wait", seconds=math.ceil(attempt.wait)))


def sign_in_panel() -> None:
    """What a visitor who may not publish sees: how to sign in, or why web publishing is off."""
    current = mode()
    if current == "off":
        st.info(t("auth_off"), icon=":material/lock:")
    elif current == "oidc":
        user = st.user
        if user.get("is_logged_in"):
            st.warning(t("auth_not_staff", email=str(user.get("email") or "?")), icon=":material/block:")
            st.button(t("auth_sign_out"), on_click=st.logout)
        else:
            st.button(t("auth_sign_in_oidc"), on_click=st.login, type="primary")
    else:
        _local_sign_in()


def sign_out_button() -> None:
    if mode() == "oidc":
        st.button(t("auth_sign_out"), on_click=st.logout)
    elif st.button(t("auth_sign_out")):
        st.session_state.pop(LOCAL_USER_KEY, None)
        st.rerun()
