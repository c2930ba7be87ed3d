"""Sending email over SMTP with the standard library: TLS, login from env vars, timeouts, retries.

`send_message(config, message)` is the one entry point; digests, reports and alert emails all use it.
"""
from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Callable

from monitor.errors import ConfigError, TerminalError, TransientError
from monitor.retry import Retrier
from monitor.settings import Config, secret_from_env

log = logging.getLogger(__name__)

# Errors a retry may cure: the server went away, refused us, timed out, or answered 4xx.
_NETWORK_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError,
                   socket.timeout, TimeoutError, OSError)


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """The [smtp] section, resolved: credentials read from the environment variables it names."""

    host: str
    port: int
    sender: str
    username: str | None
    password: str | None
    starttls: bool
    ssl: bool
    timeout: float

    def __repr__(self) -> str:  # never show the password, even in a traceback
        return f"SmtpSettings(host={self.host!r}, port={self.port}, sender={self.sender!r}, " \
               f"username={'set' if self.username else None}, starttls={self.starttls}, ssl={self.ssl})"


def smtp_settings(config: Config) -> SmtpSettings:
    """Read [smtp] from the configuration, with the login taken from the named env vars."""
    s = config.smtp
    if s.ssl and s.starttls:
        raise ConfigError(config.path, "smtp.ssl", "not both smtp.ssl and smtp.starttls", True)
    username = secret_from_env(s.username_env)
    password = secret_from_env(s.password_env)
    if s.username_env and not username:
        raise TerminalError(f"smtp.username_env names ${s.username_env}, but it is not set")
    if username and not password:
        raise TerminalError(f"SMTP login needs a password: set ${s.password_env or '(smtp.password_env)'}")
    return SmtpSettings(host=s.host, port=int(s.port), sender=s.sender, username=username, password=password,
                        starttls=bool(s.starttls), ssl=bool(s.ssl), timeout=float(s.timeout_seconds))


def new_message(sender: str, to: list[str] | str, subject: str, *, message_id: str | None = None) -> EmailMessage:
    """An empty message with From, To, Subject, Date and Message-ID set."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to) if isinstance(to, list) else to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain=_domain_of(sender))
    return msg


def _domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip(" >") or "arcwatch.localhost"


def _connect(s: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if s.ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
    else:
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
    try:
        client.ehlo()
        if s.starttls:
            client.starttls(context=context)
            client.ehlo()
        if s.username:
            client.login(s.username, s.password or "")
    except BaseException:
        client.close()
        raise
    return client


def _send_once(s: SmtpSettings, message: EmailMessage) -> None:
    client = _connect(s)
    try:
        refused = client.send_message(message)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    if refused:
        # Some recipients were accepted: retrying would duplicate theirs, so report and stop.
        raise TerminalError(f"SMTP server refused recipients: {', '.join(sorted(refused))}")


def _classify(exc: Exception) -> Exception:
    """Map an smtplib/socket error onto TransientError (retry) or TerminalError (give up)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return TerminalError(f"SMTP login refused ({exc.smtp_code}); check the credentials in smtp.username_env"
                             " / smtp.password_env")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _ in exc.recipients.values()}
        text = f"SMTP server refused every recipient: {', '.join(sorted(exc.recipients))}"
        return TransientError(text) if all(400 <= c < 500 for c in codes) else TerminalError(text)
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        text = f"SMTP error {code}: {_reason(exc)}"
        return TransientError(text) if 400 <= code < 500 else TerminalError(text)
    if isinstance(exc, (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError)):
        return TerminalError(f"SMTP TLS/extension problem: {exc}")
    if isinstance(exc, _NETWORK_ERRORS) or isinstance(exc, smtplib.SMTPException):
        return TransientError(f"SMTP connection problem: {type(exc).__name__}: {exc}")
    return exc


def _reason(exc: Exception) -> str:
    err = getattr(exc, "smtp_error", b"")
    return err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)


def send_message(config: Config, message: EmailMessage, *, retries: int | None = None,
                 backoff: float | None = None, sleep: Callable[[float], object] | None = None) -> str:
    """Send one message via [smtp], retrying transient failures with backoff; return its Message-ID.

    Raises TerminalError for failures a retry cannot cure (bad login, 5xx) and TransientError when
    every attempt failed transiently. retries/backoff default to smtp.retries/smtp.backoff_seconds."""
    s = smtp_settings(config)
    if not message["From"]:
        message["From"] = s.sender
    if not message["Date"]:
        message["Date"] = formatdate(usegmt=True)
    if not message["Message-ID"]:
        message["Message-ID"] = make_msgid(domain=_domain_of(s.sender))
    retrier = Retrier(max_retries=config.smtp.retries if retries is None else retries,
                      backoff=config.smtp.backoff_seconds if backoff is None else backoff,
                      label="smtp", sleep=sleep)

    def attempt() -> None:
        try:
            _send_once(s, message)
        except (TerminalError, TransientError):
            raise
        except Exception as exc:  # mapped onto our two kinds
            error = _classify(exc)
            if error is exc:
                raise
            raise error from exc

    retrier(attempt, f"sending {str(message['Subject'])!r} to {message['To']}")
    log.info("sent %r to %s via %s:%s", str(message["Subject"]), message["To"], s.host, s.port)
    return str(message["Message-ID"])
