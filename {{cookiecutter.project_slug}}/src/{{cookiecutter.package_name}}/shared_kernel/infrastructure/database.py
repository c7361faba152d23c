from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ...settings import DatabaseSettings, Environment, Settings
from .embedded_postgres import default_data_dir, start_embedded_postgres
from .session_scope import SessionScope, session_scope


def database_url(settings: Settings, project_root: Path | None = None) -> URL:
    """The configured URL, or an embedded PostgreSQL's when none is set in development."""
    if settings.database.url is not None:
        return make_url(settings.database.url.get_secret_value())
    if settings.environment is not Environment.DEVELOPMENT:
        raise RuntimeError("a database URL is required outside development")
    data_dir = settings.database.embedded_dir or default_data_dir(project_root or Path.cwd())
    return make_url(start_embedded_postgres(data_dir))


def with_driver(url: URL, driver: str) -> URL:
    """`postgresql://`, `postgres://` or any driver's URL, for the given driver."""
    return url.set(drivername=f"postgresql+{driver}")


def create_engine_from_settings(url: URL, settings: DatabaseSettings) -> AsyncEngine:
    server_settings = {"application_name": "{{ cookiecutter.project_slug }}"}
    if settings.statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.statement_timeout_ms)
    return create_async_engine(
        with_driver(url, "asyncpg"),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout,
        pool_recycle=settings.pool_recycle,
        pool_pre_ping=settings.pool_pre_ping,
        echo=settings.echo,
        connect_args={"server_settings": server_settings},
    )


class Database:
    """The engine and the sessions of one database."""

    def __init__(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession] | None = None
    ) -> None:
        self.engine = engine
        # Objects stay readable after commit: DTOs are built from them after the transaction.
        self.sessions = sessions or async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[SessionScope]:
        async with session_scope(self.sessions) as scope:
            yield scope

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
