"""SQL errors classified by SQLSTATE into domain errors the API can answer.

Messages name the column or rule in words, read from the shared metadata by constraint name;
never the SQL, the parameters or the driver's detail (which quotes the offending values).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ForeignKeyConstraint, MetaData, PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import DBAPIError

from ..domain.errors import (
    CheckViolationError,
    DomainError,
    MissingReferenceError,
    SerializationFailureError,
    UniqueViolationError,
)
from .orm import Base

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"
CHECK_VIOLATION = "23514"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"


def sqlstate(error: DBAPIError) -> str | None:
    """The SQLSTATE, from psycopg's error or SQLAlchemy's asyncpg adapter alike."""
    code = getattr(error.orig, "sqlstate", None)
    return code if isinstance(code, str) else None


def constraint_name(error: DBAPIError) -> str | None:
    diagnostics = getattr(error.orig, "diag", None)  # psycopg
    driver_error = error.orig.__cause__ if error.orig is not None else None  # asyncpg
    name = getattr(diagnostics, "constraint_name", None) or getattr(
        driver_error, "constraint_name", None
    )
    return name if isinstance(name, str) else None


def domain_error_for(error: DBAPIError, metadata: MetaData = Base.metadata) -> DomainError | None:
    code, name = sqlstate(error), constraint_name(error) or "a constraint"
    if code in (SERIALIZATION_FAILURE, DEADLOCK_DETECTED):
        return SerializationFailureError()
    columns = _constraint_columns(metadata, name)
    fields = ", ".join(columns) or name
    if code == UNIQUE_VIOLATION:
        return UniqueViolationError(columns or (name,), f"{fields} must be unique: it is taken")
    if code == FOREIGN_KEY_VIOLATION:
        message = f"{fields} must refer to a row that exists (and that is not still referenced)"
        return MissingReferenceError(fields, message)
    if code == CHECK_VIOLATION:
        rule = _rule(metadata, name)
        return CheckViolationError(rule, f"the change breaks the rule {rule!r}")
    return None


@contextmanager
def translate_sql_errors(metadata: MetaData = Base.metadata) -> Iterator[None]:
    try:
        yield
    except DBAPIError as error:
        if (domain_error := domain_error_for(error, metadata)) is not None:
            raise domain_error from error
        raise


def _constraint_columns(metadata: MetaData, name: str) -> tuple[str, ...]:
    for table in metadata.tables.values():
        for constraint in table.constraints:
            kinds = (UniqueConstraint, PrimaryKeyConstraint, ForeignKeyConstraint)
            if constraint.name == name and isinstance(constraint, kinds):
                return tuple(column.name for column in constraint.columns)
        for index in table.indexes:
            if index.name == name:
                return tuple(column.name for column in index.columns)
    return ()


def _rule(metadata: MetaData, name: str) -> str:
    for table in metadata.tables.values():
        prefix = f"ck_{table.name}_"
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name
