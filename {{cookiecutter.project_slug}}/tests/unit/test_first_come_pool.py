"""Requests waiting for a connection get one in the order they came, newcomers included."""

import asyncio
from typing import cast

import pytest
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import Empty, Full

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.first_come_pool import (
    FirstComeQueue,
)


def entry(name: str) -> ConnectionPoolEntry:
    return cast(ConnectionPoolEntry, name)


def waiting(queue: FirstComeQueue, timeout: float = 5.0) -> asyncio.Task[ConnectionPoolEntry]:
    """A request taking a connection as the pool does: inside a greenlet."""
    return asyncio.ensure_future(greenlet_spawn(queue.get, True, timeout))


async def test_a_returned_connection_goes_to_the_longest_waiting_request() -> None:
    queue = FirstComeQueue(maxsize=2)
    first, second = waiting(queue), waiting(queue)
    await asyncio.sleep(0)

    # A request that runs before the woken waiter does queues behind the waiters all the same.
    newcomer = waiting(queue)
    queue.put_nowait(entry("one"))
    await asyncio.sleep(0)
    queue.put_nowait(entry("two"))

    assert await first == entry("one")
    assert await second == entry("two")
    assert not newcomer.done()
    queue.put_nowait(entry("three"))
    assert await newcomer == entry("three")


async def test_a_wait_that_times_out_raises_empty_and_leaves_no_waiter() -> None:
    queue = FirstComeQueue(maxsize=1)

    with pytest.raises(Empty):
        await waiting(queue, timeout=0.01)

    queue.put_nowait(entry("one"))
    assert queue.qsize() == 1
    assert queue.get_nowait() == entry("one")


async def test_a_connection_handed_to_a_cancelled_request_goes_to_the_next() -> None:
    queue = FirstComeQueue(maxsize=1)
    cancelled, next_in_line = waiting(queue), waiting(queue)
    await asyncio.sleep(0)

    queue.put_nowait(entry("one"))  # handed to the first waiter, which has not run yet
    cancelled.cancel()

    assert await next_in_line == entry("one")
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert queue.qsize() == 0


async def test_a_full_queue_refuses_a_connection_beyond_its_size() -> None:
    queue = FirstComeQueue(maxsize=1)
    queue.put_nowait(entry("pooled"))

    with pytest.raises(Full):
        queue.put_nowait(entry("overflow"))  # the pool closes it

    assert queue.qsize() == 1
