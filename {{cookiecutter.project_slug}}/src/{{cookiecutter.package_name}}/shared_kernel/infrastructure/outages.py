"""A database that cannot answer becomes one application error, `ServiceUnavailableError`.

Drivers and the pool report it in many shapes: asyncpg raises `OSError`s (`ConnectionRefused`,
`TimeoutError` for the connect and command timeouts) unwrapped, SQLAlchemy raises its own
`TimeoutError` when no connection of the pool frees up in time, and a server that is shutting
down, overloaded, missing the database or cancelling a statement at `statement_timeout` answers
with a SQLSTATE. Everything else (a bug, a constraint) is left alone.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from ..application.errors import ServiceUnavailableError
from .sql_errors import sqlstate

# SQLSTATE classes: 08 connection exception, 28 invalid authorization (a rotated password),
# 53 insufficient resources (too many connections, disk full), 57 operator intervention
# (shutdown, crash, statement_timeout's cancel).
UNAVAILABLE_CLASSES = frozenset({"08", "28", "53", "57"})
INVALID_CATALOG_NAME = "3D000"  # the database does not exist (dropped, or a wrong name)


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database is down, unreachable, overloaded or too slow."""
    if isinstance(error, PoolTimeoutError | OSError):
        return True
    code = sqlstate(error)
    if code is not None and _unavailable(code):
        return True
    # No SQLSTATE: psycopg failing to connect, or a connection lost mid-statement.
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or (code is None and isinstance(error, OperationalError))
    )


def _unavailable(code: str) -> bool:
    return code[:2] in UNAVAILABLE_CLASSES or code == INVALID_CATALOG_NAME


@contextmanager
def translate_outages() -> Iterator[None]:
    """Re-raise an outage of the database as `ServiceUnavailableError`, chained to it."""
    try:
        yield
    except Exception as error:
        if is_outage(error):
            raise ServiceUnavailableError from error
        raise
