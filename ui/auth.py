"""Who may publish: OIDC sign-in (st.login) with a staff e-mail allow-list, or local staff accounts, or nobody."""

from __future__ import annotations

import streamlit as st

from si_metrics import auth

from .i18n import t

LOCAL_USER_KEY, FAILURES_KEY = "staff_local_user", "staff_failures"
MAX_FAILURES = 5  # then the form stays locked for this browser session


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


def _local_sign_in() -> None:
    accounts = auth.staff_accounts(_secrets())
    failures = st.session_state.get(FAILURES_KEY, 0)
    if failures >= MAX_FAILURES:
        st.error(t("auth_locked"))
        return
    with st.form("staff_sign_in"):
        name = st.text_input(t("auth_user"), max_chars=100)
        password = st.text_input(t("auth_password"), type="password", max_chars=200)
        if st.form_submit_button(t("auth_sign_in")):
            stored = accounts.get(name.strip())
            if stored and auth.verify_password(password, stored):
                st.session_state[LOCAL_USER_KEY] = name.strip()
                st.session_state[FAILURES_KEY] = 0
                st.rerun()
            st.session_state[FAILURES_KEY] = failures + 1
            if failures + 1 >= MAX_FAILURES:
                st.rerun()
            st.error(t("auth_wrong"))  # the same message for an unknown name and a wrong password


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
