"""Retry delays: doubling from a base up to a ceiling, half of each random."""

import random

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.backoff import (
    retry_delay,
)


@pytest.mark.parametrize("attempt", [1, 2, 3, 5, 8, 30])
def test_a_delay_lies_between_half_and_all_of_its_step(attempt: int) -> None:
    step = min(10.0, 0.5 * 2 ** (attempt - 1))

    delays = [retry_delay(attempt, base=0.5, ceiling=10.0) for _ in range(200)]

    assert all(step / 2 <= delay <= step for delay in delays)
    assert len(set(delays)) > 1  # retries of many failures at once are spread out


def test_the_step_doubles_with_each_attempt_until_the_ceiling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: high)

    steps = [retry_delay(attempt, base=0.5, ceiling=10.0) for attempt in range(1, 8)]

    assert steps == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_any_number_of_attempts_waits_the_ceiling_at_most() -> None:
    # Attempts can count up for days while a server is away.
    assert 5.0 <= retry_delay(100_000, base=0.5, ceiling=10.0) <= 10.0
