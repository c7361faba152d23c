import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, Engine, pool
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    database_url,
    prepared_statement_args,
    with_driver,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    Base,
)

from {{ cookiecutter.package_name }}.contexts import (
    import_models,
)
from {{ cookiecutter.package_name }}.settings import (
    Settings,
)

import_models()
config = context.config
if config.config_file_name is not None:  # the `alembic` command line, not the application
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    settings = Settings()
    url = config.attributes.get("url") or database_url(settings)
    engine = create_async_engine(
        with_driver(url, "asyncpg"),
        poolclass=pool.NullPool,
        # A server that is down or never answers fails the command within the service's
        # connect timeout. No command or statement timeout: a migration may run for long.
        connect_args={
            "timeout": settings.database.connect_timeout,
            **prepared_statement_args(settings.database),
        },
    )
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.attributes.get("url") or database_url(Settings()),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif isinstance(connectable := config.attributes.get("connection"), Engine):
    # An engine, as test tools such as pytest-alembic pass: one connection of its own.
    with connectable.connect() as connection:
        run_migrations(connection)
elif connectable is not None:
    run_migrations(connectable)
else:
    asyncio.run(run_migrations_online())
