import itertools
import logging
import math
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Self
from uuid import uuid4

from sqlalchemy import URL, Connection, Engine, create_engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import sessionmaker

from ...settings import DatabaseSettings, Environment, Settings
from .embedded_postgres import default_data_dir, start_embedded_postgres
from .first_come_pool import FirstComePool
from .messaging.outbox import outbox_backlog
from .pool_renewal import renew_pool_when_unanswered
from .session_scope import SessionScope, refuse_inside_write_transaction, session_scope


def database_url(settings: Settings, project_root: Path | None = None) -> URL:
    """The configured URL, or an embedded PostgreSQL's when none is set in development."""
    if settings.database.url is not None:
        return make_url(settings.database.url.get_secret_value())
    data_dir = embedded_data_dir(settings, project_root)
    if data_dir is None:
        raise RuntimeError("a database URL is required outside development")
    return make_url(start_embedded_postgres(data_dir))


def embedded_data_dir(settings: Settings, project_root: Path | None = None) -> Path | None:
    """The embedded PostgreSQL's data folder; None when the service uses a configured one."""
    if settings.database.url is not None or settings.environment is not Environment.DEVELOPMENT:
        return None
    return settings.database.embedded_dir or default_data_dir(project_root or Path.cwd())


def read_database_urls(settings: Settings) -> list[URL]:
    """The replicas' URLs; none when the read side reads the primary."""
    if (configured := settings.database.read_urls) is None:
        return []
    urls = configured.get_secret_value().split(",")
    return [make_url(url.strip()) for url in urls if url.strip()]


def with_driver(url: URL, driver: str) -> URL:
    """`postgresql://`, `postgres://` or any driver's URL, for the given driver."""
    return url.set(drivername=f"postgresql+{driver}")


def _echo(settings: DatabaseSettings) -> None:
    # Not the engine's `echo`: that adds a handler of its own, which writes every statement a
    # second time, past the service's formatter (request ids, masked credentials).
    if settings.echo:
        logging.getLogger("sqlalchemy.engine.Engine").setLevel(logging.INFO)


def _engine_options(settings: DatabaseSettings, read_only: bool) -> dict[str, Any]:
    _echo(settings)
    options: dict[str, Any] = {
        "pool_size": settings.pool_size,
        "max_overflow": settings.max_overflow,
        "pool_timeout": settings.pool_timeout,
        "pool_recycle": settings.pool_recycle,
        "pool_pre_ping": settings.pool_pre_ping,
        # SQL errors are logged and chained; their parameters may be personal data.
        "hide_parameters": True,
    }
    if read_only and not settings.transaction_pooling:
        # Each query of a read engine is a transaction of its own: one round trip instead
        # of BEGIN, the query and ROLLBACK. The server still refuses writes (see below).
        options["isolation_level"] = "AUTOCOMMIT"
    elif read_only:
        # A pooler in transaction mode may hand each statement outside a transaction to
        # another server connection, between preparing and executing it: read in
        # transactions, begun read-only since no setting reaches the server at start.
        options["execution_options"] = {"postgresql_readonly": True}
    return options


def _server_settings(settings: DatabaseSettings, read_only: bool) -> dict[str, str]:
    server_settings = {"application_name": "{{ cookiecutter.project_slug }}"}
    if settings.transaction_pooling:
        # PgBouncer refuses a connection that asks for any other setting.
        return server_settings
    if settings.statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.statement_timeout_ms)
    # A request cancelled mid-statement closes its connection, which PostgreSQL notices only
    # when it next reads from it: until then the statement runs on, holding its transaction's
    # locks. Checked every half second, the server stops it (PostgreSQL 14 and later, on
    # Linux, macOS and the BSDs).
    server_settings["client_connection_check_interval"] = "500"
    if read_only:
        server_settings["default_transaction_read_only"] = "on"
    return server_settings


def prepared_statement_args(settings: DatabaseSettings) -> dict[str, Any]:
    """asyncpg's arguments for prepared statements: behind a pooler in transaction mode, a
    statement prepared on one server connection does not exist on the next, so none is cached
    and each has a name of its own, which never clashes with another client's."""
    if not settings.transaction_pooling:
        return {}
    return {
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": _unique_statement_name,
    }


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4().hex}__"


def asyncpg_connect_args(settings: DatabaseSettings, read_only: bool = False) -> dict[str, Any]:
    return {
        "server_settings": _server_settings(settings, read_only),
        "timeout": settings.connect_timeout,
        # asyncpg refuses 0; None waits for ever.
        "command_timeout": settings.command_timeout or None,
        **prepared_statement_args(settings),
    }


def create_engine_from_settings(
    url: URL, settings: DatabaseSettings, *, read_only: bool = False
) -> AsyncEngine:
    engine = create_async_engine(
        with_driver(url, "asyncpg"),
        connect_args=asyncpg_connect_args(settings, read_only),
        poolclass=FirstComePool,
        **_engine_options(settings, read_only),
    )
    renew_pool_when_unanswered(engine)
    return engine


def create_sync_engine_from_settings(
    url: URL, settings: DatabaseSettings, *, read_only: bool = False
) -> Engine:
    """The same database through psycopg, for command-line tools and workers."""
    connect_args: dict[str, Any] = {
        # libpq counts whole seconds and waits at least 2.
        "connect_timeout": max(2, math.ceil(settings.connect_timeout)),
    }
    server_settings = _server_settings(settings, read_only)
    if settings.transaction_pooling:
        # No server-side prepared statements, and no `options` (PgBouncer refuses it).
        connect_args |= {"prepare_threshold": None, **server_settings}
    else:
        options = (f"-c {name}={value}" for name, value in server_settings.items())
        connect_args["options"] = " ".join(options)
    return create_engine(
        with_driver(url, "psycopg"),
        connect_args=connect_args,
        **_engine_options(settings, read_only),
    )


class Database:
    """The engines and sessions of the service.

    Writes use `engine`, the primary, in transactions. Queries use read-only engines: the
    replicas in turn when there are any, and the primary's own (`primary_read_engine`) for
    reads that must be current (one entity and its ETag) and for every read of a scope after
    its first use case (a request reads its own writes). Without read engines (tests) queries
    run in read-only transactions on `engine`; with `read_connection` (tests) on that one.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        *,
        replicas: Sequence[AsyncEngine] = (),
        primary_read_engine: AsyncEngine | None = None,
        read_connection: AsyncConnection | None = None,
    ) -> None:
        self.engine = engine
        self.primary_read_engine = primary_read_engine or engine.execution_options(
            postgresql_readonly=True
        )
        self.replicas = list(replicas)
        self._next_replica = itertools.cycle(self.replicas or [self.primary_read_engine])
        self._read_connection = read_connection
        # Objects stay readable after commit: DTOs are built from them after the transaction.
        self.sessions = sessions or async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings, url: URL) -> Self:
        def read_engine(read_url: URL) -> AsyncEngine:
            return create_engine_from_settings(read_url, settings.database, read_only=True)

        return cls(
            create_engine_from_settings(url, settings.database),
            replicas=[read_engine(replica) for replica in read_database_urls(settings)],
            primary_read_engine=read_engine(url),
        )

    @asynccontextmanager
    async def read_connection(self, *, primary: bool) -> AsyncIterator[AsyncConnection]:
        """A read-only connection, returned to its pool on exit: the primary's, or the next
        replica's."""
        if self._read_connection is not None:
            yield self._read_connection
            return
        engine = self.primary_read_engine if primary else next(self._next_replica)
        async with engine.connect() as connection:
            yield connection

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[SessionScope]:
        async with session_scope(self.sessions, self.read_connection) as scope:
            yield scope

    async def outbox_details(self) -> dict[str, Any]:
        async with self.engine.connect() as connection:
            return (await outbox_backlog(connection)).as_details()

    async def dispose(self) -> None:
        for engine in {self.engine, self.primary_read_engine, *self.replicas}:
            await engine.dispose()


class SyncDatabase:
    """The same service's database for synchronous code (psycopg): the CLI, workers."""

    def __init__(self, engine: Engine, replicas: Sequence[Engine] = ()) -> None:
        self.engine = engine
        self.replicas = list(replicas) or [engine.execution_options(postgresql_readonly=True)]
        self._next_replica = itertools.cycle(self.replicas)
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings, url: URL) -> Self:
        def engine(database_url: URL, read_only: bool = False) -> Engine:
            return create_sync_engine_from_settings(
                database_url, settings.database, read_only=read_only
            )

        replicas = read_database_urls(settings) or [url]
        return cls(engine(url), [engine(replica, read_only=True) for replica in replicas])

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A read-only connection of the next replica (else the primary), closed on exit."""
        refuse_inside_write_transaction()
        with next(self._next_replica).connect() as connection:
            yield connection

    def dispose(self) -> None:
        for engine in {self.engine, *self.replicas}:
            engine.dispose()
