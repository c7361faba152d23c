import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress

logger = logging.getLogger(__name__)


@asynccontextmanager
async def running(tasks: Sequence[Callable[[], Awaitable[None]]]) -> AsyncIterator[None]:
    """Run each task while inside, cancelled on exit. A task that fails is logged and ends;
    the others and the block go on."""
    started = [asyncio.create_task(_logged(task)) for task in tasks]
    try:
        yield
    finally:
        for task in started:
            task.cancel()
        for task in started:
            with suppress(asyncio.CancelledError):
                await task


async def _logged(task: Callable[[], Awaitable[None]]) -> None:
    try:
        await task()
    except Exception:
        logger.exception("%s stopped", getattr(task, "__name__", "a background task"))
