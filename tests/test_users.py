"""Users: argon2 hashes, roles, API tokens, login rate limits, and the `arcwatch users` commands."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from monitor import users
from monitor.models import User, utcnow

PW = "correct horse battery"


def test_password_is_stored_as_argon2_hash_only(engine):
    account = users.add_user(engine, "  Ana@Example.COM ", "manager", PW)
    assert account.email == "ana@example.com" and account.role == "manager" and account.can_act
    with engine.connect() as conn:
        stored = conn.execute(select(User.__table__.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert users.login(engine, "ANA@example.com", PW, "10.0.0.1").account == account
    assert users.login(engine, "ana@example.com", PW + "x", "10.0.0.1").account is None


def test_bad_users_are_refused_with_a_reason(engine):
    users.add_user(engine, "ana@example.com", "viewer", PW)
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(engine, "ANA@example.com", "admin", PW)
    with pytest.raises(users.UserError, match="at least 8"):
        users.add_user(engine, "bo@example.com", "admin", "short")
    with pytest.raises(users.UserError, match="unknown role"):
        users.add_user(engine, "bo@example.com", "root", PW)
    with pytest.raises(users.UserError, match="not an email"):
        users.add_user(engine, "bo example.com", "admin", PW)
    assert [u.email for u in users.list_users(engine)] == ["ana@example.com"]


def test_disabled_user_cannot_log_in_or_use_a_token(engine):
    account = users.add_user(engine, "ana@example.com", "admin", PW)
    token = users.new_token(engine, "ana@example.com")
    assert users.account_for_token(engine, token) == account
    users.set_disabled(engine, "ana@example.com", True)
    assert users.login(engine, "ana@example.com", PW, "10.0.0.1").account is None
    assert users.account_for_token(engine, token) is None
    assert users.account_by_id(engine, account.id) is None


def test_new_token_replaces_old_and_only_its_hash_is_stored(engine):
    users.add_user(engine, "ana@example.com", "viewer", PW)
    first = users.new_token(engine, "ana@example.com")
    second = users.new_token(engine, "ana@example.com")
    assert users.account_for_token(engine, first) is None
    assert users.account_for_token(engine, second).email == "ana@example.com"
    assert users.account_for_token(engine, "aw_" + "x" * 43) is None
    with engine.connect() as conn:
        stored = conn.execute(select(User.__table__.c.api_token_hash)).scalar_one()
    assert second not in stored and second[3:] not in stored


def test_rate_limit_per_email_then_window_expires(engine):
    users.add_user(engine, "ana@example.com", "manager", PW)
    now = utcnow()
    for i in range(users.LOGIN_MAX_FAILURES):
        r = users.login(engine, "ana@example.com", "wrong", f"10.0.0.{i}", now=now + timedelta(seconds=i))
        assert r.account is None and not r.limited
    # The right password no longer helps, from any address, while the window lasts.
    late = now + timedelta(minutes=10)
    assert users.login(engine, "ana@example.com", PW, "10.9.9.9", now=late).limited
    later = now + users.LOGIN_WINDOW + timedelta(seconds=10)
    assert users.login(engine, "ana@example.com", PW, "10.9.9.9", now=later).account is not None


def test_rate_limit_per_client_address_is_not_reset_by_a_success(engine):
    users.add_user(engine, "mallory@example.com", "viewer", PW)
    users.add_user(engine, "ana@example.com", "admin", PW)
    now = utcnow()
    for i, victim in enumerate(["ana@example.com", "bo@example.com", "cy@example.com", "di@example.com"]):
        assert users.login(engine, victim, "guess", "6.6.6.6", now=now + timedelta(seconds=i)).account is None
    # Logging into their own account must not reset the address's count of failures.
    assert users.login(engine, "mallory@example.com", PW, "6.6.6.6", now=now + timedelta(seconds=5)).account
    assert users.login(engine, "ana@example.com", "guess", "6.6.6.6", now=now + timedelta(seconds=6)).account is None
    assert users.login(engine, "ana@example.com", PW, "6.6.6.6", now=now + timedelta(seconds=7)).limited
    # Ana, from her own address, is unaffected: her email had 2 failures, not 5.
    assert users.login(engine, "ana@example.com", PW, "10.0.0.7", now=now + timedelta(seconds=8)).account


def test_old_login_attempts_are_pruned(engine):
    users.add_user(engine, "ana@example.com", "viewer", PW)
    then = utcnow() - timedelta(days=3)
    users.login(engine, "ana@example.com", "wrong", "10.0.0.1", now=then)
    users.login(engine, "ana@example.com", PW, "10.0.0.1")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM loginattempt")).scalar_one() == 2  # today's two keys


def _cli(cli_env, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor.cli", *args], input=stdin, env=cli_env,
                          capture_output=True, text=True, timeout=120)


def test_cli_users_add_reads_password_from_stdin(cli_env, db_url):
    r = _cli(cli_env, "users", "add", "ana@example.com", "--role", "manager", stdin=PW + "\n")
    assert r.returncode == 0, r.stderr
    assert PW not in r.stdout + r.stderr
    r = _cli(cli_env, "users", "add", "ana@example.com", "--role", "viewer", stdin=PW + "\n")
    assert r.returncode == 2 and "already exists" in r.stderr
    r = _cli(cli_env, "users", "add", "bo@example.com", "--role", "viewer", stdin="")
    assert r.returncode == 2 and "no password on stdin" in r.stderr
    r = _cli(cli_env, "users", "add", "bo@example.com", "--role", "viewer", stdin="short\n")
    assert r.returncode == 2 and "at least 8" in r.stderr
    r = _cli(cli_env, "users", "add", "bo@example.com", "--role", "owner", stdin=PW + "\n")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = _cli(cli_env, "users", "list", "--format", "json")
    listed = json.loads(r.stdout)
    assert [(u["email"], u["role"], u["token"]) for u in listed] == [("ana@example.com", "manager", False)]

    from monitor.db import open_store

    engine = open_store(db_url)
    try:
        assert users.login(engine, "ana@example.com", PW, "127.0.0.1").account.role == "manager"
    finally:
        engine.dispose()


def test_cli_users_token_prints_a_working_token_once(cli_env, db_url):
    assert _cli(cli_env, "users", "add", "ana@example.com", "--role", "viewer", stdin=PW + "\n").returncode == 0
    r = _cli(cli_env, "users", "token", "ana@example.com")
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert token.startswith("aw_") and "only its hash is kept" in r.stderr
    r = _cli(cli_env, "users", "token", "nobody@example.com")
    assert r.returncode == 2 and "no user nobody@example.com" in r.stderr

    from monitor.db import open_store

    engine = open_store(db_url)
    try:
        assert users.account_for_token(engine, token).email == "ana@example.com"
    finally:
        engine.dispose()
