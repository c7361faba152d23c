"""The pool of a server that stops answering is renewed at once, connection by connection.

A server that is hung (stopped, or cut off behind a firewall that drops packets) leaves every
pooled connection waiting for the command timeout in turn. Here the first statement it does not
answer renews the whole pool instead: each pooled connection is terminated when next taken (no
polite goodbye, which would wait for the same server), so the next request waits at most the
connect timeout. A statement that the server cancels at `statement_timeout` is an answer: the
pool is left alone.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry


def renew_pool_when_unanswered(engine: AsyncEngine) -> None:
    unanswered = False

    def on_error(context: ExceptionContext) -> None:
        nonlocal unanswered
        # The command and connect timeouts, a reset or refused socket. SQLAlchemy takes a
        # timeout for an interruption of its own and would renew the one connection only.
        if isinstance(context.original_exception, OSError):
            unanswered = True
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = True

    def on_connect(*_: Any) -> None:
        nonlocal unanswered
        unanswered = False  # the server answers again

    def on_close(_: Any, entry: ConnectionPoolEntry) -> None:
        if unanswered:
            terminate(entry)

    def on_invalidate(_: Any, entry: ConnectionPoolEntry, __: BaseException | None) -> None:
        # An invalidated connection is dead, did not answer, or was cancelled mid-statement
        # (a readiness probe's deadline): SQLAlchemy drops each such connection itself.
        terminate(entry)

    event.listen(engine.sync_engine, "handle_error", on_error)
    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "close", on_close)
    event.listen(engine.sync_engine, "invalidate", on_invalidate)


def terminate(entry: ConnectionPoolEntry) -> None:
    """Close asyncpg's connection without a word to the server; SQLAlchemy's own close that
    follows then has nothing left to wait for (it would wait up to 2 s)."""
    if entry.driver_connection is not None:
        entry.driver_connection.terminate()
