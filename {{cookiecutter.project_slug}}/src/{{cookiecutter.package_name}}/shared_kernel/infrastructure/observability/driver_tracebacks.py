"""Tracebacks whose database driver errors are named by class and SQLSTATE, not by message.

A driver's message can quote the values a statement was sent (asyncpg: `invalid input for
query argument $1: 'value'`), whatever `hide_parameters` says. So from the first driver error
down its chain of causes, each exception is shown as its class, its SQLSTATE and the
statement (whose parameters are placeholders); the frames stay. Exceptions above it, the
service's own, keep their messages.
"""

import traceback
from types import TracebackType

from sqlalchemy.exc import DBAPIError

from ..sql_errors import sqlstate

DRIVER_PACKAGES = ("asyncpg", "psycopg")
CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def format_exception(exc_info: ExcInfo | tuple[None, None, None]) -> str:
    """The traceback of `exc_info` as `logging.Formatter.formatException` gives it, redacted."""
    error = exc_info[1]
    if error is None:
        return ""
    return "".join(_lines(error, set(), redact=False)).rstrip("\n")


def is_driver_error(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) or type(error).__module__.startswith(DRIVER_PACKAGES)


def _lines(error: BaseException, seen: set[int], *, redact: bool) -> list[str]:
    seen.add(id(error))
    redact = redact or is_driver_error(error)
    lines: list[str] = []
    cause, context = error.__cause__, error.__context__
    if cause is not None and id(cause) not in seen:
        lines += [*_lines(cause, seen, redact=redact), CAUSE]
    elif context is not None and not error.__suppress_context__ and id(context) not in seen:
        lines += [*_lines(context, seen, redact=redact), CONTEXT]
    if error.__traceback__ is not None:
        lines += ["Traceback (most recent call last):\n", *traceback.format_tb(error.__traceback__)]
    lines.append(_described(error) if redact else "".join(traceback.format_exception_only(error)))
    return lines


def _described(error: BaseException) -> str:
    kind = type(error)
    name = f"{kind.__module__}.{kind.__qualname__}"
    code = sqlstate(error)
    text = f"{name}: SQLSTATE {code}" if code else f"{name}: (the driver's message is not logged)"
    if isinstance(error, DBAPIError) and error.statement:
        text += f" [SQL: {error.statement}]"
    return text + "\n"
