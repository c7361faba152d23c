import logging
import math
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Self

from sqlalchemy import URL, Engine, create_engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

from ...settings import DatabaseSettings, Environment, Settings
from .embedded_postgres import default_data_dir, start_embedded_postgres
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


def read_database_url(settings: Settings, primary: URL) -> URL:
    """The read side's URL (a replica) when one is set, else the primary's."""
    read_url = settings.database.read_url
    return primary if read_url is None else make_url(read_url.get_secret_value())


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
    if read_only:
        # Each query of a read engine is a transaction of its own: one round trip instead
        # of BEGIN, the query and ROLLBACK. The server still refuses writes (see below).
        options["isolation_level"] = "AUTOCOMMIT"
    return options


def _server_settings(settings: DatabaseSettings, read_only: bool) -> dict[str, str]:
    server_settings = {"application_name": "{{ cookiecutter.project_slug }}"}
    if settings.statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.statement_timeout_ms)
    if read_only:
        server_settings["default_transaction_read_only"] = "on"
    return server_settings


def create_engine_from_settings(
    url: URL, settings: DatabaseSettings, *, read_only: bool = False
) -> AsyncEngine:
    engine = create_async_engine(
        with_driver(url, "asyncpg"),
        connect_args={
            "server_settings": _server_settings(settings, read_only),
            "timeout": settings.connect_timeout,
            # asyncpg refuses 0; None waits for ever.
            "command_timeout": settings.command_timeout or None,
        },
        **_engine_options(settings, read_only),
    )
    renew_pool_when_unanswered(engine)
    return engine


def create_sync_engine_from_settings(
    url: URL, settings: DatabaseSettings, *, read_only: bool = False
) -> Engine:
    """The same database through psycopg, for command-line tools and workers."""
    server_settings = _server_settings(settings, read_only).items()
    return create_engine(
        with_driver(url, "psycopg"),
        connect_args={
            "options": " ".join(f"-c {name}={value}" for name, value in server_settings),
            # libpq counts whole seconds and waits at least 2.
            "connect_timeout": max(2, math.ceil(settings.connect_timeout)),
        },
        **_engine_options(settings, read_only),
    )


class Database:
    """The engines and sessions of the service.

    Writes use `engine`, the primary, in transactions. Queries use read-only engines: lists
    the read engine (a replica when one is configured), and reads that must be current (one
    entity and its ETag) the primary's. Without read engines (tests) queries run in read-only
    transactions on `engine`.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        *,
        read_engine: AsyncEngine | None = None,
        primary_read_engine: AsyncEngine | None = None,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.engine = engine
        self.read_engine = read_engine or engine.execution_options(postgresql_readonly=True)
        self.primary_read_engine = primary_read_engine or self.read_engine
        # Objects stay readable after commit: DTOs are built from them after the transaction.
        self.sessions = sessions or async_sessionmaker(engine, expire_on_commit=False)
        self.read_sessions = read_sessions or async_sessionmaker(self.read_engine)
        self.primary_read_sessions = read_sessions or async_sessionmaker(self.primary_read_engine)

    @classmethod
    def from_settings(cls, settings: Settings, url: URL) -> Self:
        engine = create_engine_from_settings(url, settings.database)
        primary_read_engine = create_engine_from_settings(url, settings.database, read_only=True)
        read_url = read_database_url(settings, url)
        read_engine = (
            primary_read_engine
            if read_url == url
            else create_engine_from_settings(read_url, settings.database, read_only=True)
        )
        return cls(engine, read_engine=read_engine, primary_read_engine=primary_read_engine)

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[SessionScope]:
        async with session_scope(
            self.sessions, self.read_sessions, self.primary_read_sessions
        ) as scope:
            yield scope

    async def outbox_details(self) -> dict[str, Any]:
        async with self.engine.connect() as connection:
            return (await outbox_backlog(connection)).as_details()

    async def dispose(self) -> None:
        for engine in {self.engine, self.read_engine, self.primary_read_engine}:
            await engine.dispose()


class SyncDatabase:
    """The same service's database for synchronous code (psycopg): the CLI, workers."""

    def __init__(self, engine: Engine, read_engine: Engine | None = None) -> None:
        self.engine = engine
        self.read_engine = read_engine or engine.execution_options(postgresql_readonly=True)
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine)

    @classmethod
    def from_settings(cls, settings: Settings, url: URL) -> Self:
        engine = create_sync_engine_from_settings(url, settings.database)
        read_url = read_database_url(settings, url)
        read_engine = create_sync_engine_from_settings(read_url, settings.database, read_only=True)
        return cls(engine, read_engine)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A short-lived read-only session, closed on exit."""
        refuse_inside_write_transaction()
        with self._read_sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()
