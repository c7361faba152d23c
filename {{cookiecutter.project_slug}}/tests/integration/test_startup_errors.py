"""`migrate` on a database that does not exist says so in one line and exits 1."""

import pytest
from sqlalchemy import URL

from {{ cookiecutter.package_name }}.__main__ import (
    main,
)
from tests.conftest import on_a_direct_connection

PREFIX = "{{ cookiecutter.__env_prefix }}"


pytestmark = pytest.mark.usefixtures("restored_logging")


@on_a_direct_connection("PgBouncer answers a missing database with an error of its own")
def test_a_missing_database_is_named(
    server_url: URL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = server_url.set(database="no_such_database")
    monkeypatch.setenv(f"{PREFIX}DATABASE__URL", missing.render_as_string(hide_password=False))

    assert main(["migrate"]) == 1

    (line,) = capsys.readouterr().err.splitlines()
    assert "the database does not exist" in line
    assert f"{PREFIX}DATABASE__URL" in line
