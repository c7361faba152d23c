"""One database session per scope (an HTTP request, a job), held in a context variable.

The session is opened on first use, so a request that never touches the database never takes a
connection from the pool, and it is always closed when the scope ends. Closing rolls back
whatever was not committed: the scope itself never commits.

Queries of the read side do not use that session: each opens a short-lived read-only session
of its own (`read_session`), so it never sees the write session's identity map, and child
tasks may run queries concurrently.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..application.unit_of_work import write_transaction_open


class SessionScopeError(RuntimeError):
    """The session was used where it must not be."""


def refuse_inside_write_transaction() -> None:
    if write_transaction_open():
        raise SessionScopeError(
            "a read-side session was opened inside a write transaction; it would not see the "
            "transaction's own changes: read through the unit of work's repositories instead"
        )


class SessionScope:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        read_sessions: async_sessionmaker[AsyncSession],
        primary_read_sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions
        self._primary_read_sessions = primary_read_sessions
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

    @asynccontextmanager
    async def read_session(self, *, primary: bool = False) -> AsyncIterator[AsyncSession]:
        """A new read-only session, closed on exit: on the read engine (a replica), or on the
        primary for reads that must be current."""
        refuse_inside_write_transaction()
        session = (self._primary_read_sessions if primary else self._read_sessions)()
        try:
            yield session
        finally:
            await session.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


_current_scope: ContextVar[SessionScope | None] = ContextVar("session_scope", default=None)


@asynccontextmanager
async def session_scope(
    sessions: async_sessionmaker[AsyncSession],
    read_sessions: async_sessionmaker[AsyncSession],
    primary_read_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[SessionScope]:
    scope = SessionScope(sessions, read_sessions, primary_read_sessions)
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
