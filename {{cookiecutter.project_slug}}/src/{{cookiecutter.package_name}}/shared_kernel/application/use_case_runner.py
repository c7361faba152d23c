from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

Port_co = TypeVar("Port_co", covariant=True)
P = ParamSpec("P")
R = TypeVar("R")


class UseCaseRunner(Protocol[Port_co]):
    """Runs a synchronous handler, built on a fresh port, from async code.

    `await run(CreateTask, command)` builds `CreateTask(uow)` and calls it with `command`; the
    port is a unit of work for use cases and the read side's queries for query handlers.
    The infrastructure decides where that happens (for the async app: inside one
    `AsyncSession.run_sync`, so the whole handler costs one greenlet switch).
    """

    async def __call__(
        self, handler: Callable[[Port_co], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R: ...


class SyncUseCaseRunner(Protocol[Port_co]):
    """The same, for synchronous code (the command line, workers): returns the result."""

    def __call__(
        self, handler: Callable[[Port_co], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R: ...
