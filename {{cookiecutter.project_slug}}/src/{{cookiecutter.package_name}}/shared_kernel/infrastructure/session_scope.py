"""One database session per scope (an HTTP request, a job), held in a context variable.

The session is opened on first use, so a request that never touches the database never takes a
connection from the pool, and it is always closed when the scope ends. Closing rolls back
whatever was not committed: the scope itself never commits.

Queries of the read side do not use that session: each takes a read-only connection of its
own (`read_connection`), so it never sees the write session's identity map, and child tasks
may run queries concurrently. Once the scope's session has been opened (a use case ran), every
read goes to the primary: a replica may not have the scope's own writes yet.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from ..application.unit_of_work import write_transaction_open


class SessionScopeError(RuntimeError):
    """The session was used where it must not be."""


def refuse_inside_write_transaction() -> None:
    if write_transaction_open():
        raise SessionScopeError(
            "a read-side session was opened inside a write transaction; it would not see the "
            "transaction's own changes: read through the unit of work's repositories instead"
        )


ReadConnections = Callable[..., AbstractAsyncContextManager[AsyncConnection]]


class SessionScope:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], read_connections: ReadConnections
    ) -> None:
        self._sessions = sessions
        self._read_connections = read_connections
        self._session: AsyncSession | None = None
        self._owner = asyncio.current_task()

    @property
    def session(self) -> AsyncSession:
        if asyncio.current_task() is not self._owner:
            # A child task inherits the context variable; sharing one session between
            # concurrent tasks corrupts it, so refuse instead.
            raise SessionScopeError(
                "this database session belongs to another task; open a scope of its own "
                "in the child task (`async with database.scope(): ...`)"
            )
        if self._session is None:
            self._session = self._sessions()
        return self._session

    def read_connection(
        self, *, primary: bool = False
    ) -> AbstractAsyncContextManager[AsyncConnection]:
        """A read-only connection, returned on exit: a replica's, or the primary's for reads
        that must be current and for every read after the scope's first use case."""
        refuse_inside_write_transaction()
        return self._read_connections(primary=primary or self._session is not None)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


_current_scope: ContextVar[SessionScope | None] = ContextVar("session_scope", default=None)


@asynccontextmanager
async def session_scope(
    sessions: async_sessionmaker[AsyncSession], read_connections: ReadConnections
) -> AsyncIterator[SessionScope]:
    scope = SessionScope(sessions, read_connections)
    token = _current_scope.set(scope)
    try:
        yield scope
    finally:
        _current_scope.reset(token)
        await scope.close()


def current_scope() -> SessionScope:
    scope = _current_scope.get()
    if scope is None:
        raise SessionScopeError(
            "no database scope is open: requests get one from the session middleware, "
            "other code opens one with `async with database.scope(): ...`"
        )
    return scope


def current_session() -> AsyncSession:
    return current_scope().session
