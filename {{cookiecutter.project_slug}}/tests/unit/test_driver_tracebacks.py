"""Logged tracebacks name driver errors by class and SQLSTATE; SQL echo is written once."""

import json
import logging

import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import DataError

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    create_engine_from_settings,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.structured_logging import (
    configure_logging,
)

from {{ cookiecutter.package_name }}.settings import (
    DatabaseSettings,
)

PERSONAL = "Pers0nal-Value"
SQL_LOGGER = logging.getLogger("sqlalchemy.engine.Engine")


class InvalidArgumentError(Exception):
    """As asyncpg's: a message quoting the value sent, beside the SQLSTATE."""

    sqlstate = "22P02"


pytestmark = pytest.mark.usefixtures("restored_logging")


class OwnError(Exception):
    """The service's own error, raised from the driver's."""


@pytest.mark.parametrize("as_json", [True, False])
def test_a_driver_error_is_logged_by_class_and_sqlstate_not_its_values(
    capfd: pytest.CaptureFixture[str], as_json: bool
) -> None:
    configure_logging("INFO", as_json=as_json)
    driver_error = InvalidArgumentError(f"invalid input for query argument $1: {PERSONAL!r}")
    try:
        try:
            # As SQLAlchemy raises it: from the driver's error.
            raise DataError(
                "UPDATE tasks SET title=$1", (PERSONAL,), driver_error
            ) from driver_error
        except DataError as error:
            raise OwnError("the title could not be stored") from error
    except OwnError:
        logging.getLogger("requests").exception("unhandled error")

    written = capfd.readouterr().err
    text = json.loads(written)["exception"] if as_json else written
    assert PERSONAL not in text
    assert "InvalidArgumentError: SQLSTATE 22P02" in text
    assert "sqlalchemy.exc.DataError: SQLSTATE 22P02 [SQL: UPDATE tasks SET title=$1]" in text
    assert "OwnError: the title could not be stored" in text
    assert "The above exception was the direct cause" in text


def test_an_error_without_a_driver_error_keeps_its_message(
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", as_json=False)
    try:
        raise ValueError("a plain message")
    except ValueError:
        logging.getLogger("requests").exception("failed")

    assert "ValueError: a plain message" in capfd.readouterr().err


def test_sql_echo_goes_through_the_service_handler_alone() -> None:
    settings = DatabaseSettings(echo=True)

    create_engine_from_settings(make_url("postgresql://localhost/unused"), settings)

    assert SQL_LOGGER.getEffectiveLevel() == logging.INFO
    # The engine's own echo would add a handler here, writing each statement a second time.
    assert SQL_LOGGER.handlers == []
