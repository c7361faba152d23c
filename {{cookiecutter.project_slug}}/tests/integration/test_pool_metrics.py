"""The pools' metrics say what each pool holds: its size and the connections in use."""

import asyncio

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.metrics import (
    pools_of,
    sample_pools,
)

from tests.conftest import TEST_DATABASE_SETTINGS, metric


async def sampled_once(database: Database) -> None:
    sampling = asyncio.create_task(sample_pools(pools_of(database)))
    await asyncio.sleep(0)  # its first look, up to its first sleep
    sampling.cancel()


async def test_the_pools_say_their_size_and_the_connections_in_use(
    committed_database: Database,
) -> None:
    # The read engine of this database shares the primary's pool: one pool, counted once.
    assert list(pools_of(committed_database)) == ["primary"]

    async with committed_database.engine.connect(), committed_database.engine.connect():
        await sampled_once(committed_database)
        in_use = metric("db_pool_checked_out", pool="primary")
    await sampled_once(committed_database)

    assert in_use == 2
    assert metric("db_pool_checked_out", pool="primary") == 0
    assert metric("db_pool_size", pool="primary") == TEST_DATABASE_SETTINGS.pool_size
    assert metric("db_pool_overflow", pool="primary") == 0
