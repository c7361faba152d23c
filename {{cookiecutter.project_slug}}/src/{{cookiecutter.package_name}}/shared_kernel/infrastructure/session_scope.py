"""One database session per scope (an HTTP request, a job), held in a context variable.

The session is opened on first use, so a request that never touches the database never takes a
connection from the pool, and it is always closed when the scope ends. Closing rolls back
whatever was not committed: the scope itself never commits.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class SessionScopeError(RuntimeError):
    """The session was used where it must not be."""


class SessionScope:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
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

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


_current_scope: ContextVar[SessionScope | None] = ContextVar("session_scope", default=None)


@asynccontextmanager
async def session_scope(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[SessionScope]:
    scope = SessionScope(sessions)
    token = _current_scope.set(scope)
    try:
        yield scope
    finally:
        _current_scope.reset(token)
        await scope.close()


def current_session() -> AsyncSession:
    scope = _current_scope.get()
    if scope is None:
        raise SessionScopeError(
            "no database scope is open: requests get one from the session middleware, "
            "other code opens one with `async with database.scope(): ...`"
        )
    return scope.session
