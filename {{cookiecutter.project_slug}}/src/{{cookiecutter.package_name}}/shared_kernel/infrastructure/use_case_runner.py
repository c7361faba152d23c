"""Where handlers run: under the async app through the greenlet bridge, or synchronously."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Generic, ParamSpec, TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from ..application.idempotency import IdempotentRequest, run_once
from .idempotency import SqlIdempotencyRecords
from .outages import translate_outages
from .session_scope import current_scope, current_session
from .unit_of_work import SqlAlchemyUnitOfWork

Port = TypeVar("Port")
Bind = TypeVar("Bind")
UoW = TypeVar("UoW", bound=SqlAlchemyUnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")


class AsyncUseCaseRunner(Generic[Port]):
    """The greenlet bridge: a synchronous use case runs whole inside one `run_sync` call.

    Repositories and use cases are written once against `sqlalchemy.orm.Session`; under asyncpg
    every statement they issue is awaited through the greenlet that `run_sync` starts. So no
    I/O other than the database's may happen inside a use case: it would block the event loop.

    A database that is down, hung or overloaded leaves as `ServiceUnavailableError`.
    """

    def __init__(self, port: Callable[[Session], Port]) -> None:
        self._port = port

    async def __call__(
        self, handler: Callable[[Port], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        with translate_outages():
            return await current_session().run_sync(self.run, handler, *args, **kwargs)

    def run(
        self,
        session: Session,
        handler: Callable[[Port], Callable[P, R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        try:
            return handler(self._port(session))(*args, **kwargs)
        finally:
            # No transaction outlives its handler: after a read, the connection goes back to
            # the pool now, not once the response has been sent.
            if session.in_transaction():
                session.rollback()


class AsyncQueryRunner(Generic[Port]):
    """The read side: each query runs on a read-only connection of its own (Core statements,
    no session), a replica's, or the primary's (`primary=True`) for reads that must be current.
    The query runs whole inside one `run_sync` call, as a use case does."""

    def __init__(self, port: Callable[[Connection], Port], *, primary: bool = False) -> None:
        self._port = port
        self._primary = primary

    async def __call__(
        self, handler: Callable[[Port], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        with translate_outages():
            async with current_scope().read_connection(primary=self._primary) as connection:
                return await connection.run_sync(self.run, handler, *args, **kwargs)

    def run(
        self,
        connection: Connection,
        handler: Callable[[Port], Callable[P, R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        return handler(self._port(connection))(*args, **kwargs)


class AsyncIdempotentRunner(AsyncUseCaseRunner[UoW]):
    """Use cases, each run at most once per idempotency key with `once`.

    The key is claimed, the use case runs and its result is stored in one transaction, inside
    the same `run_sync` as any use case: a committed change always has its key.
    """

    def __init__(self, port: Callable[[Session], UoW], key_retention: timedelta) -> None:
        super().__init__(port)
        self._key_retention = key_retention

    async def once(
        self,
        request: IdempotentRequest | None,
        result_type: type[R],
        handler: Callable[[UoW], Callable[P, R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        if request is None:
            return await self(handler, *args, **kwargs)

        def at_most_once(uow: UoW) -> Callable[[], R]:
            records = SqlIdempotencyRecords(uow.session, self._key_retention)
            use_case = handler(uow)
            return lambda: run_once(
                uow, records, request, result_type, lambda: use_case(*args, **kwargs)
            )

        return await self(at_most_once)


class SyncRunner(Generic[Bind, Port]):
    """The same handlers on a synchronous engine (psycopg), each in a session (use cases) or
    on a connection (queries) of its own."""

    def __init__(
        self,
        port: Callable[[Bind], Port],
        binds: Callable[[], AbstractContextManager[Bind]],
    ) -> None:
        self._port = port
        self._binds = binds

    def __call__(
        self, handler: Callable[[Port], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        with self._binds() as bind:
            return handler(self._port(bind))(*args, **kwargs)
