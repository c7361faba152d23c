"""The read side on real PostgreSQL: read-only connections of its own, replicas taken in turn,
a request that wrote reading the primary."""

from collections.abc import AsyncIterator
from contextlib import ExitStack

import pytest
from sqlalchemy import URL, TextClause, text
from sqlalchemy.exc import DBAPIError

from {{ cookiecutter.__package_name }}.shared_kernel.application.unit_of_work import (
    transactional,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
    SyncDatabase,
    create_engine_from_settings,
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
from tests.conftest import TEST_DATABASE_SETTINGS, migrated_database
from tests.unreachable import settings_for

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
async def test_a_write_on_a_read_connection_fails(replicas: Database, primary: bool) -> None:
    async with replicas.scope(), current_scope().read_connection(primary=primary) as connection:
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await connection.execute(text("DELETE FROM {{ cookiecutter.aggregate_plural }}"))

    assert await titles_read(replicas) in (["on replica 1"], ["on replica 2"])


def test_a_read_connection_inside_a_write_transaction_is_refused(
    sync_database: SyncDatabase,
) -> None:
    writes = SyncRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork, sync_database.sessions)

    class ReadsInsideAWrite:
        def __init__(self, uow: SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork) -> None:
            self.uow = uow

        @transactional
        def __call__(self) -> None:
            with sync_database.read_connection():
                pass

    with pytest.raises(SessionScopeError, match="inside a write transaction"):
        writes(ReadsInsideAWrite)


def insert_one(title: str) -> TextClause:
    return text(
        "INSERT INTO {{ cookiecutter.aggregate_plural }} (id, version, title, description, status, created_at, "
        f"updated_at) VALUES (gen_random_uuid(), 1, '{title}', '', 'open', now(), now())"
    )


@pytest.fixture(scope="module")
async def replicas(server_url: URL) -> AsyncIterator[Database]:
    """A primary and two replicas, three databases, so a query shows which one it read."""
    with ExitStack() as databases:
        primary_url, *replica_urls = (
            databases.enter_context(migrated_database(server_url)) for _ in range(3)
        )
        for number, replica_url in enumerate(replica_urls, start=1):
            seeding = create_engine_from_settings(replica_url, TEST_DATABASE_SETTINGS)
            async with seeding.begin() as connection:
                await connection.execute(insert_one(f"on replica {number}"))
            await seeding.dispose()
        replicas = ",".join(url.render_as_string(hide_password=False) for url in replica_urls)
        settings = settings_for(primary_url, read_urls=replicas)
        database = Database.from_settings(settings, primary_url)
        yield database
        await database.dispose()


async def test_queries_read_the_replicas_in_turn_and_writes_go_to_the_primary(
    replicas: Database,
) -> None:
    async with replicas.scope():
        command = Create{{ cookiecutter.__aggregate_class }}(title="on the primary")
        created = await run(Create{{ cookiecutter.__aggregate_class }}Handler, command)
        current = await read_current(Get{{ cookiecutter.__aggregate_class }}Handler, created.id)

    read_in_turn = [await titles_read(replicas) for _ in range(4)]
    assert sorted(read_in_turn) == [["on replica 1"]] * 2 + [["on replica 2"]] * 2
    assert read_in_turn[0] != read_in_turn[1]
    assert current.title == "on the primary"
    async with replicas.engine.connect() as primary:
        titles = await primary.scalars(text("SELECT title FROM {{ cookiecutter.aggregate_plural }}"))
    assert "on the primary" in titles.all()


async def test_a_scope_that_ran_a_use_case_reads_its_own_writes_on_the_primary(
    replicas: Database,
) -> None:
    async with replicas.scope():
        before = await read(List{{ cookiecutter.__aggregates_class }}Handler, EVERYTHING)
        command = Create{{ cookiecutter.__aggregate_class }}(title="read back at once")
        await run(Create{{ cookiecutter.__aggregate_class }}Handler, command)
        after = await read(List{{ cookiecutter.__aggregates_class }}Handler, EVERYTHING)

    assert [item.title for item in before.items] in (["on replica 1"], ["on replica 2"])
    assert "read back at once" in [item.title for item in after.items]
