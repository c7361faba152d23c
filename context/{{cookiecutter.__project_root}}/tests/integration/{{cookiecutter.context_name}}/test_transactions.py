"""Transactions of the use cases on real PostgreSQL (asyncpg): what commits, what rolls back."""

import asyncio
import contextlib
from dataclasses import dataclass
from uuid import UUID

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from {{ cookiecutter.__package_name }}.shared_kernel.application.unit_of_work import (
    Propagation,
    transactional,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.session_scope import (
    SessionScopeError,
    current_session,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.use_case_runner import (
    AsyncUseCaseRunner,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.unit_of_work import (
    {{ cookiecutter.__context_class }}UnitOfWork,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.use_cases import (
    Create{{ cookiecutter.__aggregate_class }}Handler,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }},
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.models import (
    {{ cookiecutter.__aggregate_class }}Model,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.repository import (
    {{ cookiecutter.__aggregate_class }}Repository,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.unit_of_work import (
    SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork,
)
from tests.conftest import on_a_direct_connection

run = AsyncUseCaseRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork)


@dataclass(frozen=True)
class CreateThenFail:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, title: str) -> UUID:
        entity = {{ cookiecutter.__aggregate_class }}(title=title)
        self.uow.{{ cookiecutter.aggregate_plural }}.add(entity)  # flushed: the row exists inside the transaction
        raise RuntimeError(f"failed after writing {entity.id}")


async def stored_titles(database: Database) -> list[str]:
    """What a new session, in a new scope, sees."""
    async with database.scope():
        rows = await current_session().scalars(select({{ cookiecutter.__aggregate_class }}Model.title))
        return list(rows)


async def test_a_committed_use_case_is_visible_from_a_fresh_session(database: Database) -> None:
    async with database.scope():
        await run(Create{{ cookiecutter.__aggregate_class }}Handler, Create{{ cookiecutter.__aggregate_class }}(title="kept"))

    assert await stored_titles(database) == ["kept"]


async def test_a_use_case_that_fails_after_writing_leaves_nothing(database: Database) -> None:
    async with database.scope():
        with pytest.raises(RuntimeError, match="failed after writing"):
            await run(CreateThenFail, "lost")

    assert await stored_titles(database) == []


async def test_work_not_committed_is_discarded_when_the_scope_ends(database: Database) -> None:
    async with database.scope():
        entity = {{ cookiecutter.__aggregate_class }}(title="never committed")

        def add_without_commit(session: Session) -> None:
            {{ cookiecutter.__aggregate_class }}Repository(session).add(entity)

        await current_session().run_sync(add_without_commit)

    assert await stored_titles(database) == []


async def test_using_the_session_outside_a_scope_is_an_error() -> None:
    with pytest.raises(SessionScopeError, match="no database scope"):
        current_session()


async def test_a_child_task_cannot_share_the_request_session(database: Database) -> None:
    async with database.scope():
        command = Create{{ cookiecutter.__aggregate_class }}(title="x")
        with pytest.raises(SessionScopeError, match="belongs to another task"):
            await asyncio.create_task(run(Create{{ cookiecutter.__aggregate_class }}Handler, command))


async def test_a_child_task_may_open_its_own_scope(database: Database) -> None:
    async def in_own_scope(title: str) -> None:
        async with database.scope():
            await run(Create{{ cookiecutter.__aggregate_class }}Handler, Create{{ cookiecutter.__aggregate_class }}(title=title))

    async with database.scope():
        await asyncio.create_task(in_own_scope("from a child task"))

    assert await stored_titles(database) == ["from a child task"]


@dataclass(frozen=True)
class Audited:
    """Writes an audit row in a transaction of its own, then fails."""

    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, title: str) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.add({{ cookiecutter.__aggregate_class }}(title=f"{title} (lost)"))
        self.audit(f"{title} (audit)")
        raise RuntimeError("the outer transaction fails")

    @transactional(propagation=Propagation.NEW)
    def audit(self, title: str) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.add({{ cookiecutter.__aggregate_class }}(title=title))


@dataclass(frozen=True)
class TriesTwice:
    """Its first attempt fails inside a SAVEPOINT; the second succeeds."""

    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.add({{ cookiecutter.__aggregate_class }}(title="kept"))
        with contextlib.suppress(RuntimeError):
            self.attempt("undone")
        self.attempt("kept too", fail=False)

    @transactional(propagation=Propagation.NESTED)
    def attempt(self, title: str, fail: bool = True) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.add({{ cookiecutter.__aggregate_class }}(title=title))
        if fail:
            raise RuntimeError("only this attempt is undone")


@dataclass(frozen=True)
class WritesInAReadOnlyTransaction:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional(read_only=True)
    def __call__(self) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.add({{ cookiecutter.__aggregate_class }}(title="refused"))


@dataclass(frozen=True)
class WritesThenWaits:
    uow: SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.add({{ cookiecutter.__aggregate_class }}(title="cancelled"))
        self.uow.session.execute(text("SELECT pg_sleep(30)"))


async def test_a_new_transaction_commits_although_the_outer_one_fails(
    committed_database: Database,
) -> None:
    async with committed_database.scope():
        with pytest.raises(RuntimeError, match="outer transaction fails"):
            await run(Audited, "order")

    assert await stored_titles(committed_database) == ["order (audit)"]


async def test_a_nested_failure_undoes_only_its_savepoint(database: Database) -> None:
    async with database.scope():
        await run(TriesTwice)

    assert sorted(await stored_titles(database)) == ["kept", "kept too"]


async def test_a_read_only_transaction_refuses_writes(database: Database) -> None:
    async with database.scope():
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await run(WritesInAReadOnlyTransaction)

    assert await stored_titles(database) == []


@on_a_direct_connection(
    "behind the pooler a cancelled statement runs on until the role's statement_timeout"
)
async def test_a_cancelled_use_case_stops_on_the_server_and_its_connection_is_returned(
    committed_database: Database,
) -> None:
    async def request() -> None:
        async with committed_database.scope():
            await run(WritesThenWaits)

    task = asyncio.create_task(request())
    await asyncio.sleep(0.5)  # well inside pg_sleep
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await stored_titles(committed_database) == []
    assert committed_database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    # Its transaction no longer holds the table: the server stopped the statement within a
    # second, long before the statement timeout.
    async with committed_database.scope():
        session = current_session()
        await session.execute(text("SET LOCAL lock_timeout = '1500ms'"))
        table = {{ cookiecutter.__aggregate_class }}Model.__tablename__
        await session.execute(text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
