"""A command of this context on a database that is down ends with one line, not a traceback."""

import pytest

from {{ cookiecutter.__package_name }}.__main__ import (
    main,
)

from ...unreachable import closed_port_url

HIDDEN = "S3cretPw"


pytestmark = pytest.mark.usefixtures("restored_logging")


def test_listing_on_a_database_that_is_down_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = closed_port_url().set(password=HIDDEN).render_as_string(hide_password=False)
    monkeypatch.setenv("{{ cookiecutter.__package_name.upper() }}_DATABASE__URL", url)

    assert main(["{{ cookiecutter.aggregate_plural }}", "list"]) == 1

    (line,) = capsys.readouterr().err.splitlines()
    assert "cannot connect to the database" in line
    assert HIDDEN not in line
