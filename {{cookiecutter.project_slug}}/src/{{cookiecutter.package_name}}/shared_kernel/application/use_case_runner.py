from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

from .unit_of_work import UnitOfWork

UoW_co = TypeVar("UoW_co", bound=UnitOfWork, covariant=True)
P = ParamSpec("P")
R = TypeVar("R")


class UseCaseRunner(Protocol[UoW_co]):
    """Runs a synchronous use case, built on a fresh unit of work, from async code.

    `await run(CreateTask, command)` builds `CreateTask(uow)` and calls it with `command`.
    The infrastructure decides where that happens (for the async app: inside one
    `AsyncSession.run_sync`, so the whole use case costs one greenlet switch).
    """

    async def __call__(
        self, use_case: Callable[[UoW_co], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R: ...
