"""A connection pool that serves the requests waiting for a connection in the order they came.

SQLAlchemy's asyncio pool hands a returned connection to whoever asks next: a request that
arrives just then takes it ahead of those already waiting, and the waiter it woke finds the
pool empty and queues again at the back. Under load (more requests than connections) a few
requests lose that race turn after turn and wait many times the average: the p99 tail. Here a
returned connection goes straight to the request that has waited longest, and a new request
queues behind those already waiting.

The pool's queue is the part replaced (`_queue_class`, the hook SQLAlchemy's own asyncio pool
uses); sizes, overflow, timeouts, recycling and resets stay SQLAlchemy's.
"""

import asyncio
from collections import deque
from contextlib import suppress

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_
from sqlalchemy.util.queue import Empty, Full, QueueCommon


class FirstComeQueue(QueueCommon[ConnectionPoolEntry]):
    """Idle connections, and the requests waiting for one, oldest first."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo
        self._idle: deque[ConnectionPoolEntry] = deque()
        self._waiting: deque[asyncio.Future[ConnectionPoolEntry]] = deque()

    def empty(self) -> bool:
        return not self._idle

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._idle)

    def qsize(self) -> int:
        return len(self._idle)

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():  # else it timed out or was cancelled
                waiter.set_result(item)
                return
        if self.full():
            raise Full()  # an overflow connection: the pool closes it
        self._idle.append(item)

    def put(
        self, item: ConnectionPoolEntry, block: bool = True, timeout: float | None = None
    ) -> None:
        self.put_nowait(item)  # never waits: a full pool closes the connection instead

    def get_nowait(self) -> ConnectionPoolEntry:
        # Idle connections and waiters never coexist: a returned one goes to a waiter first.
        if not self._idle:
            raise Empty()
        return self._idle.pop() if self.use_lifo else self._idle.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        if self._idle or not block:
            return self.get_nowait()
        return await_(self._wait(timeout))

    async def _wait(self, seconds: float | None) -> ConnectionPoolEntry:
        waiter: asyncio.Future[ConnectionPoolEntry] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(seconds):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled():
                # Handed over just as the wait ended (timed out, cancelled): pass it on.
                self.put_nowait(waiter.result())
            else:
                waiter.cancel()
                with suppress(ValueError):
                    self._waiting.remove(waiter)
            if isinstance(error, TimeoutError):
                raise Empty() from None  # the pool raises its own TimeoutError
            raise


class FirstComePool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio pool, waiters served first come, first served."""

    _queue_class = FirstComeQueue
