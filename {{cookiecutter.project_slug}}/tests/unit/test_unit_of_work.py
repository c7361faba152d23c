"""Transaction propagation of `@transactional`, on a unit of work that only counts."""

from dataclasses import dataclass

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.application.unit_of_work import (
    TransactionRolledBackError,
    UnitOfWork,
    transactional,
)


class CountingUnitOfWork(UnitOfWork):
    def __init__(self) -> None:
        self.commits = 0
        self.rollbacks = 0

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1


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
