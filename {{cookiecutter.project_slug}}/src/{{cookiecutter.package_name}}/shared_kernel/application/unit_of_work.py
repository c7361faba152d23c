"""The transaction boundary of a use case.

A use case that writes is a method decorated with `@transactional`: it commits when the method
returns and rolls back when it raises. A transactional call made while a transaction is open
joins it; if the inner call fails, the whole transaction is rolled back even when the outer
code catches the error, and the outer commit raises instead of half-committing.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Concatenate, ParamSpec, Protocol, TypeVar


class TransactionRolledBackError(Exception):
    """The transaction was rolled back because a joined call failed inside it."""


class UnitOfWork(ABC):
    _depth: int = 0
    _rollback_only: bool = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            yield from self._joined()
            return
        self._depth, self._rollback_only = 1, False
        try:
            yield
            if self._rollback_only:
                raise TransactionRolledBackError(
                    "a call that joined this transaction failed, so nothing was committed"
                )
            self.commit()
        except BaseException:
            self.rollback()
            raise
        finally:
            self._depth = 0

    def _joined(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        except BaseException:
            self._rollback_only = True
            raise
        finally:
            self._depth -= 1

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...


class UsesUnitOfWork(Protocol):
    @property
    def uow(self) -> UnitOfWork: ...


UseCase = TypeVar("UseCase", bound=UsesUnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")


def transactional(
    method: Callable[Concatenate[UseCase, P], R],
) -> Callable[Concatenate[UseCase, P], R]:
    @wraps(method)
    def in_transaction(self: UseCase, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.uow.transaction():
            return method(self, *args, **kwargs)

    return in_transaction
