from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Self

from sqlalchemy import URL, Engine, create_engine, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

from ...settings import DatabaseSettings, Environment, Settings
from .embedded_postgres import default_data_dir, start_embedded_postgres
from .session_scope import SessionScope, refuse_inside_write_transaction, session_scope


def database_url(settings: Settings, project_root: Path | None = None) -> URL:
    """The configured URL, or an embedded PostgreSQL's when none is set in development."""
    if settings.database.url is not None:
        return make_url(settings.database.url.get_secret_value())
    if settings.environment is not Environment.DEVELOPMENT:
        raise RuntimeError("a database URL is required outside development")
    data_dir = settings.database.embedded_dir or default_data_dir(project_root or Path.cwd())
    return make_url(start_embedded_postgres(data_dir))


def read_database_url(settings: Settings, primary: URL) -> URL:
    """The read side's URL (a replica) when one is set, else the primary's."""
    read_url = settings.database.read_url
    return primary if read_url is None else make_url(read_url.get_secret_value())


def with_driver(url: URL, driver: str) -> URL:
    """`postgresql://`, `postgres://` or any driver's URL, for the given driver."""
    return url.set(drivername=f"postgresql+{driver}")


def _engine_options(settings: DatabaseSettings) -> dict[str, Any]:
    return {
        "pool_size": settings.pool_size,
        "max_overflow": settings.max_overflow,
        "pool_timeout": settings.pool_timeout,
        "pool_recycle": settings.pool_recycle,
        "pool_pre_ping": settings.pool_pre_ping,
        "echo": settings.echo,
        # SQL errors are logged and chained; their parameters may be personal data.
        "hide_parameters": True,
    }


def _server_settings(settings: DatabaseSettings) -> dict[str, str]:
    server_settings = {"application_name": "{{ cookiecutter.project_slug }}"}
    if settings.statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.statement_timeout_ms)
    return server_settings


def create_engine_from_settings(url: URL, settings: DatabaseSettings) -> AsyncEngine:
    return create_async_engine(
        with_driver(url, "asyncpg"),
        connect_args={"server_settings": _server_settings(settings)},
        **_engine_options(settings),
    )


def create_sync_engine_from_settings(url: URL, settings: DatabaseSettings) -> Engine:
    """The same database through psycopg, for command-line tools and workers."""
    options = " ".join(f"-c {name}={value}" for name, value in _server_settings(settings).items())
    return create_engine(
        with_driver(url, "psycopg"), connect_args={"options": options}, **_engine_options(settings)
    )


class Database:
    """The engines and sessions of the service: writes on the primary, queries on the read
    engine (a replica when one is configured, else the primary), read-only either way."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        *,
        read_engine: AsyncEngine | None = None,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.engine = engine
        self.read_engine = read_engine or engine
        # Objects stay readable after commit: DTOs are built from them after the transaction.
        self.sessions = sessions or async_sessionmaker(engine, expire_on_commit=False)
        self.read_sessions = read_sessions or async_sessionmaker(
            self.read_engine.execution_options(postgresql_readonly=True)
        )

    @classmethod
    def from_settings(cls, settings: Settings, url: URL) -> Self:
        engine = create_engine_from_settings(url, settings.database)
        read_url = read_database_url(settings, url)
        if read_url == url:
            return cls(engine)
        return cls(engine, read_engine=create_engine_from_settings(read_url, settings.database))

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[SessionScope]:
        async with session_scope(self.sessions, self.read_sessions) as scope:
            yield scope

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


class SyncDatabase:
    """The same service's database for synchronous code (psycopg): the CLI, workers."""

    def __init__(self, engine: Engine, read_engine: Engine | None = None) -> None:
        self.engine = engine
        self.read_engine = read_engine or engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.read_engine.execution_options(postgresql_readonly=True)
        )

    @classmethod
    def from_settings(cls, settings: Settings, url: URL) -> Self:
        engine = create_sync_engine_from_settings(url, settings.database)
        read_url = read_database_url(settings, url)
        if read_url == url:
            return cls(engine)
        return cls(engine, create_sync_engine_from_settings(read_url, settings.database))

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A short-lived read-only session, closed on exit."""
        refuse_inside_write_transaction()
        with self._read_sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
