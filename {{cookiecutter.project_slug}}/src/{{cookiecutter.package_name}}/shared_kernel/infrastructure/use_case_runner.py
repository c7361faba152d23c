from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from ..application.unit_of_work import UnitOfWork
from .session_scope import current_session

UoW = TypeVar("UoW", bound=UnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")


class AsyncUseCaseRunner(Generic[UoW]):
    """The greenlet bridge: a synchronous use case runs whole inside one `run_sync` call.

    Repositories and use cases are written once against `sqlalchemy.orm.Session`; under asyncpg
    every statement they issue is awaited through the greenlet that `run_sync` starts. So no
    I/O other than the database's may happen inside a use case: it would block the event loop.
    """

    def __init__(self, unit_of_work: Callable[[Session], UoW]) -> None:
        self._unit_of_work = unit_of_work

    async def __call__(
        self, use_case: Callable[[UoW], Callable[P, R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        def run(session: Session) -> R:
            return use_case(self._unit_of_work(session))(*args, **kwargs)

        return await current_session().run_sync(run)
