"""Configuration: declared settings, the example file, precedence and clear errors."""
from __future__ import annotations

import tomllib

import pytest

from monitor.errors import ConfigError
from monitor.settings import SETTINGS, load_config, parse_duration
from tests.conftest import REPO

EXAMPLE = REPO / "config.example.toml"


def test_example_shows_every_declared_setting_with_its_default_and_a_comment():
    data = tomllib.loads(EXAMPLE.read_text())
    lines = EXAMPLE.read_text().splitlines()
    for s in SETTINGS:
        assert s.section in data, f"[{s.section}] missing from config.example.toml"
        assert s.key in data[s.section], f"{s.section}.{s.key} missing from config.example.toml"
        assert data[s.section][s.key] == s.default, f"{s.section}.{s.key}: example differs from default"
        assert s.help.strip(), f"{s.section}.{s.key} has no help text"
    declared = {(s.section, s.key) for s in SETTINGS}
    for section, values in data.items():
        if section == "sources":
            continue
        for key in values:
            assert (section, key) in declared, f"{section}.{key} is in the example but not declared"
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith(("#", "[")) and not line.startswith(" "):
            assert lines[i - 1].startswith("#"), f"line {i + 1} of config.example.toml has no comment: {line}"


def test_example_loads_as_a_valid_configuration():
    cfg = load_config(str(EXAMPLE))
    assert cfg.database.url == "sqlite:///arcwatch.db"


def test_defaults_apply_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCWATCH_CONFIG", raising=False)
    monkeypatch.delenv("ARCWATCH_DATABASE_URL", raising=False)
    cfg = load_config()
    assert cfg.path == "<defaults>"
    assert getattr(cfg, "import").max_text_chars == 40000


def test_precedence_flag_then_env_then_local_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCWATCH_DATABASE_URL", raising=False)
    (tmp_path / "config.toml").write_text('[web]\nport = 1001\n')
    (tmp_path / "env.toml").write_text('[web]\nport = 1002\n')
    (tmp_path / "flag.toml").write_text('[web]\nport = 1003\n')
    monkeypatch.delenv("ARCWATCH_CONFIG", raising=False)
    assert load_config().web.port == 1001
    monkeypatch.setenv("ARCWATCH_CONFIG", str(tmp_path / "env.toml"))
    assert load_config().web.port == 1002
    assert load_config(str(tmp_path / "flag.toml")).web.port == 1003


def test_database_url_from_environment_overrides_file(tmp_path, monkeypatch):
    (tmp_path / "c.toml").write_text('[database]\nurl = "sqlite:///a.db"\n')
    monkeypatch.setenv("ARCWATCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert load_config(str(tmp_path / "c.toml")).database.url == "postgresql://postgres@127.0.0.1/test"


@pytest.mark.parametrize("body, key, expected", [
    ('[web]\nport = "eighty"\n', "web.port", "an integer"),
    ('[web]\nprot = 80\n', "web.prot", "a known setting"),
    ('[nonsense]\nx = 1\n', "nonsense", "one of the sections"),
    ('[digest]\nrecipients = "a@b.c"\n', "digest.recipients", "a list of strings"),
    ('[smtp]\nstarttls = 1\n', "smtp.starttls", "true or false"),
    ('[web\nport = 1\n', "(syntax)", "valid TOML"),
])
def test_bad_config_names_file_key_and_expectation(tmp_path, body, key, expected):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as err:
        load_config(str(path))
    message = str(err.value)
    assert str(path) in message and key in message and expected in message


def test_bad_config_fails_at_start_of_the_cli(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.toml"
    path.write_text('[import]\nbatch_size = "lots"\n')
    run = subprocess.run([sys.executable, "-m", "monitor.cli", "--config", str(path), "status"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert f"{path}: import.batch_size: expected an integer" in run.stderr


def test_durations():
    assert parse_duration("15m") == 900
    assert parse_duration("7d") == 7 * 86400
    with pytest.raises(ValueError):
        parse_duration("soon")
