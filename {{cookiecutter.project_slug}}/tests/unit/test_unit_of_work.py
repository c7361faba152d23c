"""Transaction propagation of `@transactional`, on a unit of work that only counts."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.application.unit_of_work import (
    Propagation,
    TransactionRolledBackError,
    UnitOfWork,
    transactional,
    write_transaction_open,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
)


class CountingUnitOfWork(UnitOfWork):
    """Records what a database would be asked to do, in order."""

    def __init__(self) -> None:
        self.commits = 0
        self.rollbacks = 0
        self.log: list[str] = []

    def begin(self, *, read_only: bool) -> None:
        self.log.append("begin read-only" if read_only else "begin")

    def commit(self) -> None:
        self.commits += 1
        self.log.append("commit")

    def rollback(self) -> None:
        self.rollbacks += 1
        self.log.append("rollback")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self.log.append("savepoint")
        try:
            yield
        except BaseException:
            self.log.append("rollback to savepoint")
            raise
        self.log.append("release savepoint")

    @contextmanager
    def independent_connection(self) -> Iterator[None]:
        self.log.append("other connection")
        try:
            yield
        finally:
            self.log.append("back")


@dataclass
class Service:
    uow: CountingUnitOfWork

    @transactional
    def succeed(self) -> str:
        return "done"

    @transactional
    def fail(self) -> None:
        raise ValueError("inner failure")

    @transactional
    def call_inner(self, inner_fails: bool, swallow: bool = False) -> None:
        try:
            self.fail() if inner_fails else self.succeed()
        except ValueError:
            if not swallow:
                raise


def test_success_commits_once() -> None:
    service = Service(CountingUnitOfWork())

    assert service.succeed() == "done"
    assert (service.uow.commits, service.uow.rollbacks) == (1, 0)


def test_failure_rolls_back() -> None:
    service = Service(CountingUnitOfWork())

    with pytest.raises(ValueError, match="inner failure"):
        service.fail()

    assert (service.uow.commits, service.uow.rollbacks) == (0, 1)


def test_a_nested_call_joins_the_outer_transaction() -> None:
    service = Service(CountingUnitOfWork())

    service.call_inner(inner_fails=False)

    assert (service.uow.commits, service.uow.rollbacks) == (1, 0)


def test_a_failed_inner_call_rolls_back_the_whole_transaction() -> None:
    service = Service(CountingUnitOfWork())

    with pytest.raises(ValueError, match="inner failure"):
        service.call_inner(inner_fails=True)

    assert (service.uow.commits, service.uow.rollbacks) == (0, 1)


def test_swallowing_an_inner_failure_cannot_commit_half_the_work() -> None:
    service = Service(CountingUnitOfWork())

    with pytest.raises(TransactionRolledBackError):
        service.call_inner(inner_fails=True, swallow=True)

    assert (service.uow.commits, service.uow.rollbacks) == (0, 1)


def test_the_next_transaction_starts_clean_after_a_rollback() -> None:
    service = Service(CountingUnitOfWork())
    with pytest.raises(TransactionRolledBackError):
        service.call_inner(inner_fails=True, swallow=True)

    service.succeed()

    assert service.uow.commits == 1


@dataclass
class Propagating:
    uow: CountingUnitOfWork
    conflicts_left: int = 0

    @transactional
    def outer(self, inner_propagation: Propagation, inner_fails: bool) -> None:
        try:
            self.inner(inner_propagation, inner_fails)
        except ValueError:
            self.uow.log.append("caught")

    @transactional(propagation=Propagation.NESTED)
    def nested(self, fails: bool) -> None:
        if fails:
            raise ValueError("inner failure")

    @transactional(propagation=Propagation.NEW)
    def new(self, fails: bool) -> None:
        if fails:
            raise ValueError("inner failure")

    def inner(self, propagation: Propagation, fails: bool) -> None:
        (self.nested if propagation is Propagation.NESTED else self.new)(fails)

    @transactional(read_only=True)
    def read(self) -> bool:
        return write_transaction_open()

    @transactional(retries=2)
    def loses_races(self) -> str:
        if self.conflicts_left:
            self.conflicts_left -= 1
            raise ConcurrencyConflictError("Thing", 1)
        return "won"


def test_a_failed_nested_call_undoes_only_its_savepoint() -> None:
    service = Propagating(CountingUnitOfWork())

    service.outer(Propagation.NESTED, inner_fails=True)

    assert service.uow.log == [
        "begin",
        "savepoint",
        "rollback to savepoint",
        "caught",
        "commit",
    ]


def test_a_new_transaction_commits_on_its_own_connection() -> None:
    service = Propagating(CountingUnitOfWork())

    service.outer(Propagation.NEW, inner_fails=True)
    service.outer(Propagation.NEW, inner_fails=False)

    assert service.uow.log == [
        *["begin", "other connection", "begin", "rollback", "back", "caught", "commit"],
        *["begin", "other connection", "begin", "commit", "back", "commit"],
    ]


def test_a_read_only_transaction_is_begun_read_only_and_is_not_a_write() -> None:
    service = Propagating(CountingUnitOfWork())

    assert service.read() is False
    assert service.uow.log == ["begin read-only", "commit"]


@pytest.mark.parametrize(("conflicts", "attempts"), [(0, 1), (2, 3)])
def test_retries_run_the_whole_transaction_again(conflicts: int, attempts: int) -> None:
    service = Propagating(CountingUnitOfWork(), conflicts_left=conflicts)

    assert service.loses_races() == "won"
    assert service.uow.log.count("begin") == attempts
    assert (service.uow.commits, service.uow.rollbacks) == (1, conflicts)


def test_retries_give_up_with_the_conflict() -> None:
    service = Propagating(CountingUnitOfWork(), conflicts_left=3)

    with pytest.raises(ConcurrencyConflictError):
        service.loses_races()

    assert service.uow.rollbacks == 3
