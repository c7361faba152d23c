"""The transaction boundary of a use case.

A use case that writes is a method decorated with `@transactional`: it commits when the method
returns and rolls back when it raises. How a transactional call behaves while a transaction is
already open is its propagation:

- `JOIN` (the default): it becomes part of the open transaction. If it fails, the whole
  transaction is rolled back, even when the outer code catches the error: the outer commit
  raises `TransactionRolledBackError` instead of committing half the work.
- `NESTED`: it runs in a SAVEPOINT. If it fails, only its own work is undone and the outer
  code may catch the error and go on.
- `NEW`: it runs in a transaction of its own, on another connection, and commits or rolls back
  independently of the outer one (an audit record that must survive the outer failure).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import wraps
from typing import Concatenate, ParamSpec, Protocol, TypeVar, overload

from ..domain.errors import ConcurrencyConflictError, SerializationFailureError

# Worth retrying whole: a concurrent change got in first, and reading again may succeed.
RETRYABLE_ERRORS = (ConcurrencyConflictError, SerializationFailureError)

_write_transaction_open: ContextVar[bool] = ContextVar("write_transaction_open", default=False)


def write_transaction_open() -> bool:
    """Whether this context is inside a transaction that may write (the read side refuses to
    open a session there: it would not see the transaction's own changes)."""
    return _write_transaction_open.get()


class TransactionRolledBackError(Exception):
    """The transaction was rolled back because a joined call failed inside it."""


class Propagation(StrEnum):
    JOIN = "join"
    NESTED = "nested"
    NEW = "new"


class UnitOfWork(ABC):
    _depth: int = 0
    _rollback_only: bool = False

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(
        self, propagation: Propagation = Propagation.JOIN, *, read_only: bool = False
    ) -> Iterator[None]:
        if not self._depth:
            yield from self._outermost(read_only)
        elif propagation is Propagation.NEW:
            yield from self._independent(read_only)
        elif propagation is Propagation.NESTED:
            yield from self._nested()
        else:
            yield from self._joined()

    def _outermost(self, read_only: bool) -> Iterator[None]:
        self._depth, self._rollback_only = 1, False
        writes = _write_transaction_open.set(not read_only)
        try:
            self.begin(read_only=read_only)
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
            _write_transaction_open.reset(writes)

    def _joined(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        except BaseException:
            self._rollback_only = True
            raise
        finally:
            self._depth -= 1

    def _nested(self) -> Iterator[None]:
        self._depth += 1
        try:
            with self.savepoint():
                yield
        finally:
            self._depth -= 1

    def _independent(self, read_only: bool) -> Iterator[None]:
        depth, rollback_only = self._depth, self._rollback_only
        self._depth = 0
        try:
            with self.independent_connection():
                yield from self._outermost(read_only)
        finally:
            self._depth, self._rollback_only = depth, rollback_only

    def begin(self, *, read_only: bool) -> None:  # noqa: B027 (most units of work need nothing)
        """Start the transaction; a read-only one refuses every write."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    def savepoint(self) -> AbstractContextManager[None]:
        """Undo only the work inside the block when it raises."""
        raise NotImplementedError(f"{type(self).__name__} has no savepoints")

    def independent_connection(self) -> AbstractContextManager[None]:
        """Run the block on a connection of its own, then return to this one."""
        raise NotImplementedError(f"{type(self).__name__} has no independent transactions")


class UsesUnitOfWork(Protocol):
    @property
    def uow(self) -> UnitOfWork: ...


UseCase = TypeVar("UseCase", bound=UsesUnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")
Method = Callable[Concatenate[UseCase, P], R]


@overload
def transactional(method: Method[UseCase, P, R], /) -> Method[UseCase, P, R]: ...


@overload
def transactional(
    *, propagation: Propagation = ..., read_only: bool = ..., retries: int = ...
) -> Callable[[Method[UseCase, P, R]], Method[UseCase, P, R]]: ...


def transactional(
    method: Method[UseCase, P, R] | None = None,
    /,
    *,
    propagation: Propagation = Propagation.JOIN,
    read_only: bool = False,
    retries: int = 0,
) -> Method[UseCase, P, R] | Callable[[Method[UseCase, P, R]], Method[UseCase, P, R]]:
    """Run the method in a transaction: `@transactional` or `@transactional(...)`.

    `retries`: run the whole method again, up to that many times, when it loses to a
    concurrent change. Only for idempotent use cases, and only when the call opens the
    transaction (a joined call cannot be retried alone).
    """

    def decorate(method: Method[UseCase, P, R]) -> Method[UseCase, P, R]:
        @wraps(method)
        def in_transaction(self: UseCase, /, *args: P.args, **kwargs: P.kwargs) -> R:
            opens = not self.uow.in_transaction or propagation is Propagation.NEW
            attempts_left = retries + 1 if opens else 1
            while True:
                attempts_left -= 1
                try:
                    with self.uow.transaction(propagation, read_only=read_only):
                        return method(self, *args, **kwargs)
                except RETRYABLE_ERRORS:
                    if not attempts_left:
                        raise

        return in_transaction

    return decorate if method is None else decorate(method)
