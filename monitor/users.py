"""People who may use the web queue: argon2 password hashes, API tokens, roles and login rate limits."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from monitor.errors import ArcwatchError
from monitor.models import LoginAttempt, User, utcnow

ROLES = ("admin", "manager", "viewer")
ACTING_ROLES = frozenset({"admin", "manager"})  # a viewer reads but never acts
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # argon2 would happily hash megabytes; refuse them before it does
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES = 5
TOKEN_PREFIX = "aw_"

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash verified when the email is unknown, so a wrong email costs as long as a wrong password.

    Made on first use: hashing costs ~100 ms by design, and every CLI command imports this module."""
    return _hasher.hash(secrets.token_urlsafe(16))


class UserError(ArcwatchError):
    """A user cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Account:
    """A signed-in person as the web layer sees them; never carries a hash."""

    id: int
    email: str
    role: str

    @property
    def can_act(self) -> bool:
        """True for admins and managers, who may claim, note, snooze and resolve."""
        return self.role in ACTING_ROLES


def _account(user: User) -> Account:
    return Account(id=user.id, email=user.email, role=user.role)


def normalise_email(email: str) -> str:
    """An email address as stored and matched: trimmed and lower-cased."""
    return (email or "").strip().lower()


def check_password(password: str) -> None:
    """Raise UserError unless the password is long enough and not absurdly long."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")


def add_user(engine: Engine, email: str, role: str, password: str) -> Account:
    """Create a user with an argon2 hash of the password; UserError if the email is taken or invalid."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise UserError(f"{email!r} is not an email address")
    _check_role(role)
    check_password(password)
    with Session(engine) as session:
        if session.exec(select(User).where(User.email == email)).first():
            raise UserError(f"a user {email} already exists (use `arcwatch users passwd` or `users role`)")
        user = User(email=email, role=role, password_hash=_hasher.hash(password), created_at=utcnow())
        session.add(user)
        session.commit()
        session.refresh(user)
        return _account(user)


def _get(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise UserError(f"no user {normalise_email(email)}")
    return user


def set_password(engine: Engine, email: str, password: str) -> None:
    """Replace a user's password."""
    check_password(password)
    with Session(engine) as session:
        user = _get(session, email)
        user.password_hash = _hasher.hash(password)
        session.commit()


def set_role(engine: Engine, email: str, role: str) -> None:
    """Change a user's role."""
    _check_role(role)
    with Session(engine) as session:
        _get(session, email).role = role
        session.commit()


def set_disabled(engine: Engine, email: str, disabled: bool) -> None:
    """Disable (or re-enable) a user; a disabled user's sessions and token stop working at once."""
    with Session(engine) as session:
        _get(session, email).disabled = disabled
        session.commit()


@dataclass(frozen=True, kw_only=True, slots=True)
class UserInfo:
    """A user as `users list` shows them: never a hash."""

    email: str
    role: str
    disabled: bool
    token: bool  # holds an API token
    created_at: datetime

    def as_json(self) -> dict:
        """JSON-ready values."""
        return {"email": self.email, "role": self.role, "disabled": self.disabled, "token": self.token,
                "created_at": self.created_at.isoformat()}


def list_users(engine: Engine) -> list[UserInfo]:
    """Every user, by email."""
    with Session(engine) as session:
        rows = session.exec(select(User).order_by(User.email)).all()
        return [UserInfo(email=u.email, role=u.role, disabled=u.disabled, token=bool(u.api_token_hash),
                         created_at=u.created_at) for u in rows]


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough and lets us look them up by hash.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(engine: Engine, email: str) -> str:
    """Issue a new API token (replacing any old one); only its hash is stored, so show it once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as session:
        _get(session, email).api_token_hash = _token_hash(token)
        session.commit()
    return token


def account_for_token(engine: Engine, token: str) -> Account | None:
    """The enabled user holding this API token, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _token_hash(token)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.api_token_hash == digest)).first()
        if user is None or user.disabled or not hmac.compare_digest(user.api_token_hash, digest):
            return None
        return _account(user)


def account_by_id(engine: Engine, user_id: int) -> Account | None:
    """The enabled user with this id, or None (a session of a deleted or disabled user is void)."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        if user is None or user.disabled:
            return None
        return _account(user)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _failures(session: Session, key: str, since: datetime, *, reset_on_success: bool) -> int:
    if reset_on_success:
        last_ok = session.exec(select(func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.ok.is_(True), LoginAttempt.at >= since)).one()
        since = max(since, last_ok) if last_ok else since
    return session.exec(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.key == key, LoginAttempt.ok.is_(False), LoginAttempt.at >= since)).one() or 0


@dataclass(frozen=True, kw_only=True, slots=True)
class LoginResult:
    """What a login attempt came to: the account, or why not."""

    account: Account | None = None
    limited: bool = False  # too many recent failures: refused without checking the password


def login(engine: Engine, email: str, password: str, client: str, *, now: datetime | None = None) -> LoginResult:
    """Check a password, rate-limited per email and per client address; every attempt is recorded."""
    now = now or utcnow()
    email = normalise_email(email)[:320]
    email_key, client_key = f"email:{email}", f"client:{client or 'unknown'}"[:400]
    since = now - LOGIN_WINDOW
    with Session(engine) as session:
        # A success by the same person clears their email's count, but never the address's: an attacker
        # who owns one account must not be able to reset the count for the accounts they are guessing.
        if (_failures(session, email_key, since, reset_on_success=True) >= LOGIN_MAX_FAILURES
                or _failures(session, client_key, since, reset_on_success=False) >= LOGIN_MAX_FAILURES):
            return LoginResult(limited=True)
        user = session.exec(select(User).where(User.email == email)).first()
        ok = _verify(user.password_hash if user else _dummy_hash(), password[:MAX_PASSWORD_CHARS])
        ok = ok and user is not None and not user.disabled
        session.add(LoginAttempt(key=email_key, at=now, ok=ok))
        session.add(LoginAttempt(key=client_key, at=now, ok=ok))
        # Old attempts no longer count for anything; keep the table small.
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
        if ok and _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        session.commit()
        return LoginResult(account=_account(user) if ok else None)
