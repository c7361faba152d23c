"""The read side on real PostgreSQL: short-lived read-only sessions, a separate read engine."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import URL, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.__package_name }}.shared_kernel.application.unit_of_work import (
    transactional,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
    SyncDatabase,
    create_engine_from_settings,
    with_driver,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.session_scope import (
    SessionScopeError,
    current_scope,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.use_case_runner import (
    AsyncQueryRunner,
    AsyncUseCaseRunner,
    SyncRunner,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
    List{{ cookiecutter.__aggregates_class }},
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.queries import (
    Get{{ cookiecutter.__aggregate_class }}Handler,
    List{{ cookiecutter.__aggregates_class }}Handler,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.use_cases import (
    Create{{ cookiecutter.__aggregate_class }}Handler,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.queries import (
    Sql{{ cookiecutter.__aggregate_class }}Queries,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.unit_of_work import (
    SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork,
)
from {{ cookiecutter.__package_name }}.settings import (
    DatabaseSettings,
)
from tests.conftest import migrated_database

run = AsyncUseCaseRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork)
read = AsyncQueryRunner(Sql{{ cookiecutter.__aggregate_class }}Queries)
read_current = AsyncQueryRunner(Sql{{ cookiecutter.__aggregate_class }}Queries, primary=True)
EVERYTHING = List{{ cookiecutter.__aggregates_class }}()


async def titles_read(database: Database) -> list[str]:
    async with database.scope():
        page = await read(List{{ cookiecutter.__aggregates_class }}Handler, EVERYTHING)
    return [item.title for item in page.items]


async def test_a_query_sees_committed_rows_not_the_write_session_s_stale_copy(
    committed_database: Database,
) -> None:
    async with committed_database.scope():
        command = Create{{ cookiecutter.__aggregate_class }}(title="before")
        created = await run(Create{{ cookiecutter.__aggregate_class }}Handler, command)
        async with committed_database.engine.begin() as elsewhere:  # another client's change
            await elsewhere.execute(text("UPDATE {{ cookiecutter.aggregate_plural }} SET title = 'after'"))
        page = await read(List{{ cookiecutter.__aggregates_class }}Handler, EVERYTHING)

    assert [(item.id, item.title) for item in page.items] == [(created.id, "after")]


@pytest.mark.parametrize("primary", [False, True])
async def test_a_write_on_a_read_session_fails(replica: Database, primary: bool) -> None:
    async with replica.scope(), current_scope().read_session(primary=primary) as session:
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await session.execute(text("DELETE FROM {{ cookiecutter.aggregate_plural }}"))

    assert await titles_read(replica) == ["on the replica"]


def test_a_read_session_inside_a_write_transaction_is_refused(sync_database: SyncDatabase) -> None:
    writes = SyncRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork, sync_database.sessions)

    class ReadsInsideAWrite:
        def __init__(self, uow: SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork) -> None:
            self.uow = uow

        @transactional
        def __call__(self) -> None:
            with sync_database.read_session():
                pass

    with pytest.raises(SessionScopeError, match="inside a write transaction"):
        writes(ReadsInsideAWrite)


@pytest.fixture
async def replica(server_url: URL) -> AsyncIterator[Database]:
    """A primary and a read engine on two databases, so a query shows which one it read."""
    with migrated_database(server_url) as primary_url, migrated_database(server_url) as read_url:
        primary = create_async_engine(with_driver(primary_url, "asyncpg"))
        read_engine = create_engine_from_settings(read_url, DatabaseSettings(), read_only=True)
        seeding = create_async_engine(with_driver(read_url, "asyncpg"))
        async with seeding.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO {{ cookiecutter.aggregate_plural }} (id, version, title, description, status, created_at, "
                    "updated_at) VALUES (gen_random_uuid(), 1, 'on the replica', '', 'open', now(), now())"
                )
            )
        await seeding.dispose()
        primary_read_engine = create_engine_from_settings(
            primary_url, DatabaseSettings(), read_only=True
        )
        yield Database(primary, read_engine=read_engine, primary_read_engine=primary_read_engine)
        await primary_read_engine.dispose()
        await primary.dispose()
        await read_engine.dispose()


async def test_queries_read_the_read_engine_and_writes_go_to_the_primary(replica: Database) -> None:
    async with replica.scope():
        command = Create{{ cookiecutter.__aggregate_class }}(title="on the primary")
        created = await run(Create{{ cookiecutter.__aggregate_class }}Handler, command)
        current = await read_current(Get{{ cookiecutter.__aggregate_class }}Handler, created.id)

    assert await titles_read(replica) == ["on the replica"]
    assert current.title == "on the primary"
    async with replica.engine.connect() as primary:
        title = await primary.scalar(text("SELECT title FROM {{ cookiecutter.aggregate_plural }}"))
    assert title == "on the primary"
