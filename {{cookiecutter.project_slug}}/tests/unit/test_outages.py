"""Which driver and pool errors mean that the database is unavailable."""

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from {{ cookiecutter.package_name }}.shared_kernel.application.errors import (
    ServiceUnavailableError,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.outages import (
    is_outage,
    translate_outages,
)


class DriverError(Exception):
    """A driver's error carrying a SQLSTATE, as psycopg's and asyncpg's do."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("the driver's message")
        self.sqlstate = sqlstate


def wrapped(kind: type[DBAPIError], sqlstate: str | None, *, lost: bool = False) -> DBAPIError:
    return kind("SELECT 1", {}, DriverError(sqlstate), connection_invalidated=lost)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        TimeoutError(),
        PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        wrapped(DBAPIError, "57014"),  # statement_timeout
        wrapped(DBAPIError, "57P01"),  # the server shuts down
        wrapped(DBAPIError, "08006"),  # the connection failed
        wrapped(DBAPIError, "53300"),  # too many connections
        wrapped(DBAPIError, "3D000"),  # the database does not exist
        wrapped(OperationalError, None),  # psycopg cannot connect
        wrapped(DBAPIError, None, lost=True),
        DriverError("57P03"),  # asyncpg, unwrapped while connecting: the server starts up
    ],
    ids=repr,
)
def test_an_outage_is_recognised(error: Exception) -> None:
    assert is_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(IntegrityError, "23505"),
        wrapped(ProgrammingError, "42P01"),
        wrapped(DBAPIError, None),
        DriverError("22021"),
        ValueError("not the database's"),
    ],
    ids=repr,
)
def test_other_errors_are_left_alone(error: Exception) -> None:
    assert not is_outage(error)


def test_an_outage_becomes_service_unavailable_chained_to_the_driver_error() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed")

    with pytest.raises(ServiceUnavailableError) as raised, translate_outages():
        raise refused

    assert raised.value.__cause__ is refused


def test_other_errors_pass_unchanged() -> None:
    with pytest.raises(ValueError, match="not the database's"), translate_outages():
        raise ValueError("not the database's")
