"""SQL errors classified by SQLSTATE into domain errors the API can answer.

Messages name the column or rule in words, read from the metadata by constraint name; never
the SQL, the parameters or the driver's detail (which quotes the offending values). A
constraint the metadata does not know is named as the database names it.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    CheckConstraint,
    Constraint,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.exc import DBAPIError

from ..domain.errors import (
    CheckViolationError,
    DomainError,
    MissingReferenceError,
    SerializationFailureError,
    StillReferencedError,
    UniqueViolationError,
)
from .orm import Base

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"
CHECK_VIOLATION = "23514"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"

# Renders a metadata name as PostgreSQL stores it (SQLAlchemy shortens long ones with a hash).
_POSTGRESQL = PGDialect().identifier_preparer  # type: ignore[no-untyped-call]
# The table a DELETE or UPDATE writes to: a foreign key it breaks is one still referencing it.
_REMOVAL = re.compile(r'\s*(DELETE\s+FROM|UPDATE)\s+(?:ONLY\s+)?([\w."]+)', re.IGNORECASE)


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE: `.sqlstate` of psycopg's error and of asyncpg's alike, wrapped by
    SQLAlchemy or not (asyncpg's errors while connecting are not)."""
    driver_error = _driver_error(error) if isinstance(error, DBAPIError) else error
    code = getattr(driver_error, "sqlstate", None)
    return code if isinstance(code, str) else None


def constraint_name(error: DBAPIError) -> str | None:
    """The violated constraint: psycopg's `.diag.constraint_name`, asyncpg's `.constraint_name`."""
    driver_error = _driver_error(error)
    diagnostics = getattr(driver_error, "diag", None)
    name = getattr(diagnostics, "constraint_name", None) or getattr(
        driver_error, "constraint_name", None
    )
    return name if isinstance(name, str) else None


def domain_error_for(error: DBAPIError, metadata: MetaData = Base.metadata) -> DomainError | None:
    """The domain error a unique, foreign-key or check violation or a serialization failure
    (or deadlock) means; None for any other error, which the caller lets through."""
    code = sqlstate(error)
    if code in (SERIALIZATION_FAILURE, DEADLOCK_DETECTED):
        return SerializationFailureError()
    if code not in (UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION, CHECK_VIOLATION):
        return None
    name = constraint_name(error) or "unnamed"
    found = _find(metadata, name)
    columns = _columns(found)
    subject = _words(columns) or name
    if code == UNIQUE_VIOLATION:
        together = " together" if len(columns) > 1 else ""
        same = _words(columns) or "values"
        message = f"{subject} must be unique{together}: another row has the same {same}"
        return UniqueViolationError(columns or (name,), message)
    if code == FOREIGN_KEY_VIOLATION:
        if isinstance(found, ForeignKeyConstraint) and _removes_referenced_row(error, found):
            message = f"the row is still referenced by {subject} of other rows; change those first"
            return StillReferencedError(", ".join(columns), message)
        message = f"{subject} must refer to a row that exists"
        return MissingReferenceError(", ".join(columns) or name, message)
    rule = name
    if isinstance(found, CheckConstraint):
        rule = str(found.name).removeprefix(f"ck_{found.table.name}_")
    return CheckViolationError(rule, f"the change breaks the rule {rule!r}")


@contextmanager
def translate_sql_errors(metadata: MetaData = Base.metadata) -> Iterator[None]:
    """Re-raise a `DBAPIError` as its domain error, if it has one."""
    try:
        yield
    except DBAPIError as error:
        if (domain_error := domain_error_for(error, metadata)) is not None:
            raise domain_error from error
        raise


def _driver_error(error: DBAPIError) -> Exception | None:
    # psycopg's own error; for asyncpg, the asyncpg error under SQLAlchemy's emulated one.
    return error.driver_exception if error.orig is not None else None


def _find(metadata: MetaData, name: str) -> Constraint | Index | None:
    stored = _POSTGRESQL.quote(name)
    for table in metadata.tables.values():
        items: list[Constraint | Index] = [*table.constraints, *table.indexes]
        for item in items:
            if item.name is not None and _POSTGRESQL.format_constraint(item) == stored:
                return item
    return None


def _columns(found: Constraint | Index | None) -> tuple[str, ...]:
    if isinstance(found, (UniqueConstraint, PrimaryKeyConstraint, ForeignKeyConstraint, Index)):
        return tuple(column.name for column in found.columns)
    return ()


def _words(columns: tuple[str, ...]) -> str:
    *first, last = columns or ("",)
    return f"{', '.join(first)} and {last}" if first else last


def _removes_referenced_row(error: DBAPIError, found: ForeignKeyConstraint) -> bool:
    removal = _REMOVAL.match(error.statement or "")
    if removal is None:
        return False  # an INSERT: the reference is missing
    if removal[1].upper().startswith("DELETE"):
        return True
    table = removal[2].replace('"', "").rsplit(".", 1)[-1]
    return table == found.referred_table.name != found.table.name
