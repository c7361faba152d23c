"""A service that cannot start says why in one line, names the setting and exits 1."""

import socket
import time

import pytest

from {{ cookiecutter.package_name }}.__main__ import (
    main,
)

from ..unreachable import closed_port_url

PREFIX = "{{ cookiecutter.__env_prefix }}"
HIDDEN = "S3cretPw"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, restored_logging: None) -> None:
    """No database URL from the environment, and the root logger as it was."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(f"{PREFIX}DATABASE__URL", raising=False)
    monkeypatch.delenv("NATS_URL", raising=False)
    monkeypatch.delenv(f"{PREFIX}BROKER__URL", raising=False)


def error_line(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    assert main(list(command)) == 1
    (line,) = capsys.readouterr().err.splitlines()
    return line


def test_a_refused_setting_is_named_and_its_value_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{PREFIX}ENVIRONMENT", "production")
    monkeypatch.setenv(f"{PREFIX}DATABASE__ECHO", "true")
    monkeypatch.setenv(f"{PREFIX}DATABASE__URL", f"postgresql://user:{HIDDEN}@db/x")

    line = error_line(capsys, "migrate")

    assert line.startswith("error: invalid settings: database.echo must be off in production")
    assert HIDDEN not in line


def test_a_value_of_the_wrong_type_names_its_variable_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{PREFIX}DATABASE__POOL_SIZE", HIDDEN)

    line = error_line(capsys, "migrate")

    assert f"{PREFIX}DATABASE__POOL_SIZE: Input should be a valid integer" in line
    assert HIDDEN not in line


def test_a_database_that_refuses_connections_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = closed_port_url().set(password=HIDDEN)
    monkeypatch.setenv(f"{PREFIX}DATABASE__URL", url.render_as_string(hide_password=False))

    line = error_line(capsys, "migrate")

    assert "cannot connect to the database" in line
    assert "the connection was refused" in line
    assert f"{PREFIX}DATABASE__URL" in line
    assert HIDDEN not in line


def test_the_traceback_is_shown_at_debug_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{PREFIX}DATABASE__URL", closed_port_url().render_as_string())
    monkeypatch.setenv(f"{PREFIX}LOG_LEVEL", "DEBUG")

    assert main(["migrate"]) == 1

    written = capsys.readouterr().err
    assert "Traceback" in written
    assert written.splitlines()[-1].startswith("error: cannot connect to the database")


def test_a_port_in_use_names_the_port_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        monkeypatch.setenv(f"{PREFIX}HTTP__PORT", str(port))
        monkeypatch.setenv(f"{PREFIX}DATABASE__URL", closed_port_url().render_as_string())

        line = error_line(capsys, "serve")

    assert f"cannot listen on 127.0.0.1:{port}" in line
    assert f"{PREFIX}HTTP__PORT" in line


@pytest.mark.parametrize("command", ["relay", "consume"])
def test_outside_development_the_workers_refuse_to_start_without_a_broker(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    monkeypatch.setenv(f"{PREFIX}ENVIRONMENT", "production")
    monkeypatch.setenv(f"{PREFIX}DATABASE__URL", closed_port_url().render_as_string())

    line = error_line(capsys, command)

    assert line.startswith("error: a broker is required in production")
    assert f"{PREFIX}BROKER__URL" in line


def test_a_database_url_that_is_no_url_is_named_without_its_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{PREFIX}DATABASE__URL", f"user:{HIDDEN}@db/x")

    line = error_line(capsys, "migrate")

    assert line.startswith(f"error: invalid settings: {PREFIX}DATABASE__URL: not a database URL")
    assert HIDDEN not in line


def test_a_setting_that_is_not_valid_json_is_named_without_its_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(f"{PREFIX}DATABASE", '{ "url": "postgresql://u:' + HIDDEN + '@db/x"')

    line = error_line(capsys, "migrate")

    assert line == f"error: invalid settings: {PREFIX}DATABASE: not valid JSON"


def test_migrating_on_a_server_that_never_answers_gives_up_after_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Never accepted: the kernel completes the TCP handshake and nothing ever answers.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = closed_port_url().set(port=silent.getsockname()[1])
        monkeypatch.setenv(f"{PREFIX}DATABASE__URL", url.render_as_string(hide_password=False))
        monkeypatch.setenv(f"{PREFIX}DATABASE__CONNECT_TIMEOUT", "0.2")
        started = time.monotonic()

        line = error_line(capsys, "migrate")

    assert time.monotonic() - started < 5
    assert "the server did not answer in time" in line
