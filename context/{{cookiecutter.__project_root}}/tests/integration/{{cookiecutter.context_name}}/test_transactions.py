"""Transactions of the use cases on real PostgreSQL (asyncpg): what commits, what rolls back."""

import asyncio
from dataclasses import dataclass
from uuid import UUID

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from {{ cookiecutter.__package_name }}.shared_kernel.application.unit_of_work import (
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
