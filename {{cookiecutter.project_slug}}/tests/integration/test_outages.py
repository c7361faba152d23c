"""A database that is down, hung or too slow is a `ServiceUnavailableError` within a bound."""

import asyncio
import time
from collections.abc import Callable

import pytest
from sqlalchemy import URL, Connection, text
from sqlalchemy.orm import Session

from {{ cookiecutter.package_name }}.shared_kernel.application.errors import (
    ServiceUnavailableError,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.use_case_runner import (
    AsyncQueryRunner,
    AsyncUseCaseRunner,
)

from tests.conftest import on_a_direct_connection

from ..unreachable import closed_port_url, freezing_relay, settings_for, silent_server


def statement(sql: str) -> Callable[[Session | Connection], Callable[[], object]]:
    """A handler that runs `sql` on the session or connection it is given."""
    return lambda session: lambda: session.execute(text(sql)).scalar()


async def run_on(url: URL, sql: str, *, query: bool = False, **database: object) -> float:
    """Seconds until running `sql` through a runner on `url` raised `ServiceUnavailableError`."""
    db = Database.from_settings(settings_for(url, **database), url)
    runner = AsyncQueryRunner(lambda s: s) if query else AsyncUseCaseRunner(lambda s: s)
    started = time.monotonic()
    try:
        async with db.scope():
            with pytest.raises(ServiceUnavailableError):
                await runner(statement(sql))
        return time.monotonic() - started
    finally:
        await db.dispose()


async def test_a_database_that_is_down_is_unavailable_at_once() -> None:
    # Well before the connect timeout: a refused connection is not waited for.
    assert await run_on(closed_port_url(), "SELECT 1", connect_timeout=5) < 2


async def test_a_server_that_never_answers_is_unavailable_after_the_connect_timeout() -> None:
    async with silent_server() as url:
        elapsed = await run_on(url, "SELECT 1", query=True, connect_timeout=0.15)

    assert 0.15 <= elapsed < 0.65


@on_a_direct_connection("behind the pooler statement_timeout is the database role's setting")
async def test_a_statement_past_statement_timeout_is_cancelled_by_the_server(
    database_url: URL,
) -> None:
    elapsed = await run_on(database_url, "SELECT pg_sleep(5)", statement_timeout_ms=100)

    assert elapsed < 1


async def test_a_statement_that_gets_no_answer_is_given_up_after_the_command_timeout(
    database_url: URL,
) -> None:
    elapsed = await run_on(
        database_url, "SELECT pg_sleep(5)", statement_timeout_ms=0, command_timeout=0.15
    )

    assert 0.15 <= elapsed < 0.65


async def test_once_a_statement_gets_no_answer_the_pooled_connections_wait_no_longer(
    database_url: URL,
) -> None:
    timeouts = {"statement_timeout_ms": 0, "command_timeout": 0.5, "connect_timeout": 0.1}
    async with freezing_relay(database_url) as (url, frozen):
        db = Database.from_settings(settings_for(url, **timeouts), url)
        runner = AsyncUseCaseRunner(lambda session: session)
        # Three connections in the pool.
        await asyncio.gather(*(select_one(db, runner) for _ in range(3)))
        frozen.set()
        waits = []
        for _ in range(3):
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError):
                await select_one(db, runner)
            waits.append(time.monotonic() - started)
    await db.dispose()

    first, *later = waits
    assert first >= 0.5  # the command timeout: the server may just be slow
    # The pool was renewed: each pooled connection is dropped, not waited on again.
    assert all(wait < 0.5 for wait in later), waits


async def test_requests_waiting_for_a_pooled_connection_get_it_in_turn_or_503_at_the_timeout(
    database_url: URL,
) -> None:
    db = Database.from_settings(
        settings_for(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2), database_url
    )
    reader = AsyncQueryRunner(lambda connection: connection)
    writer = AsyncUseCaseRunner(lambda session: session)
    served: list[int] = []

    async def query(number: int) -> None:
        await select_one(db, reader)
        served.append(number)

    try:
        async with db.engine.connect():  # the primary's only connection, held
            await asyncio.gather(*(query(number) for number in range(3)))  # on the read pool
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError):
                await select_one(db, writer)
            waited = time.monotonic() - started
        await select_one(db, writer)  # free again
    finally:
        await db.dispose()

    assert served == [0, 1, 2]
    assert 0.2 <= waited < 0.7


async def select_one(
    db: Database, runner: AsyncUseCaseRunner[Session] | AsyncQueryRunner[Connection]
) -> None:
    async with db.scope():
        await runner(statement("SELECT 1"))
