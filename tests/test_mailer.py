"""monitor.mailer against a real local SMTP server (aiosmtpd): plain, login, STARTTLS, retries, refusals."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from monitor.errors import TerminalError, TransientError
from monitor.mailer import new_message, send_message, smtp_settings
from monitor.settings import load_config
from tests.smtpd import LocalSmtp, smtp_server  # noqa: F401  (fixture)


def _message(to="ops@example.com"):
    msg = new_message("Arcwatch <arcwatch@example.com>", [to], "Hello <b>")
    msg.set_content("plain body")
    return msg


def test_sends_a_message_with_headers(smtp_server):
    config = load_config(data=smtp_server.config_data())
    message_id = send_message(config, _message())
    [(rcpts, got)] = smtp_server.received
    assert rcpts == ["ops@example.com"]
    assert got["Message-ID"] == message_id
    assert got["Subject"] == "Hello <b>"
    assert got["From"] == "Arcwatch <arcwatch@example.com>"
    assert got["Date"]
    assert got.get_content().strip() == "plain body"


def test_transient_failures_are_retried(smtp_server):
    smtp_server.fail_next = [451, 421]
    config = load_config(data=smtp_server.config_data())
    delays = []
    send_message(config, _message(), retries=3, backoff=0.5, sleep=delays.append)
    assert len(smtp_server.received) == 1
    assert len(delays) == 2 and 0.25 <= delays[0] <= 0.5 and 0.5 <= delays[1] <= 1.0  # doubling, jittered


def test_transient_failures_give_up_after_the_retries(smtp_server):
    smtp_server.fail_next = [451] * 5
    config = load_config(data=smtp_server.config_data())
    with pytest.raises(TransientError, match="451"):
        send_message(config, _message(), retries=2, sleep=lambda s: None)
    assert smtp_server.received == [] and smtp_server.fail_next == [451, 451]


def test_permanent_failure_is_not_retried(smtp_server):
    smtp_server.fail_next = [554, 554]
    config = load_config(data=smtp_server.config_data())
    with pytest.raises(TerminalError, match="554"):
        send_message(config, _message(), retries=3, sleep=lambda s: None)
    assert smtp_server.fail_next == [554]


def test_refused_recipient_is_terminal(smtp_server):
    smtp_server.refuse["nobody@example.com"] = 550
    config = load_config(data=smtp_server.config_data())
    with pytest.raises(TerminalError, match="nobody@example.com"):
        send_message(config, _message("nobody@example.com"), sleep=lambda s: None)


def test_connection_refused_is_transient():
    from tests.smtpd import free_port

    config = load_config(data={"smtp": {"host": "127.0.0.1", "port": free_port(), "timeout_seconds": 2.0}})
    with pytest.raises(TransientError, match="connection"):
        send_message(config, _message(), retries=1, sleep=lambda s: None)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_uses_credentials_from_env(monkeypatch):
    seen = []

    def check(mechanism, login, password):
        seen.append((login, password))
        return login == b"bot" and password == b"s3cret"

    monkeypatch.setenv("T_SMTP_USER", "bot")
    monkeypatch.setenv("T_SMTP_PASS", "s3cret")
    with LocalSmtp(auth_required=True, auth_require_tls=False, auth_callback=check) as server:
        config = load_config(data=server.config_data(username_env="T_SMTP_USER", password_env="T_SMTP_PASS"))
        send_message(config, _message())
        assert len(server.received) == 1
        monkeypatch.setenv("T_SMTP_PASS", "wrong")
        with pytest.raises(TerminalError, match="login refused"):
            send_message(config, _message(), sleep=lambda s: None)
    assert ("bot", "s3cret") in [(a.decode(), b.decode()) for a, b in seen]
    assert "wrong" not in repr(smtp_settings(config))


def test_missing_credential_env_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("T_SMTP_NOPE", raising=False)
    config = load_config(data={"smtp": {"username_env": "T_SMTP_NOPE"}})
    with pytest.raises(TerminalError, match="T_SMTP_NOPE"):
        send_message(config, _message())


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is needed to make a test certificate")
def test_starttls_with_a_verified_certificate(tmp_path, monkeypatch):
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts our test CA through the default paths
    with LocalSmtp(tls_context=context, require_starttls=True) as server:
        send_message(load_config(data=server.config_data(starttls=True)), _message())
        assert len(server.received) == 1
        with pytest.raises(TerminalError):  # without STARTTLS the server refuses to go on
            send_message(load_config(data=server.config_data()), _message(), sleep=lambda s: None)
