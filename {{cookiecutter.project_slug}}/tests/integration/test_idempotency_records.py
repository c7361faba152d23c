"""Idempotency keys on PostgreSQL: claimed once, replayed, refused for another request,
expired after the retention and pruned a few at a time."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from {{ cookiecutter.package_name }}.shared_kernel.application.idempotency import (
    IdempotencyKeyReusedError,
    IdempotentRequest,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.idempotency import (
    PRUNED_PER_CLAIM,
    IdempotencyKeyModel,
    SqlIdempotencyRecords,
)

RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Receipt:
    id: UUID
    at: datetime


def request(key: str = "key-1", fingerprint: str = "a" * 64) -> IdempotentRequest:
    return IdempotentRequest(key, "POST /receipts", fingerprint)


def age_every_key(session: Session) -> None:
    """Make every stored key older than the retention."""
    session.execute(text("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'"))


@pytest.fixture
def records(session: Session) -> SqlIdempotencyRecords:
    return SqlIdempotencyRecords(session, RETENTION)


def test_a_key_is_claimed_once_and_replays_the_result_stored_with_it(
    records: SqlIdempotencyRecords,
) -> None:
    receipt = Receipt(uuid4(), datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=UTC))

    assert records.claim(request())
    records.complete(request(), receipt, Receipt)

    assert not records.claim(request())
    assert records.replay(request(), Receipt) == receipt


def test_a_key_sent_with_another_request_is_refused(records: SqlIdempotencyRecords) -> None:
    records.claim(request())
    records.complete(request(), Receipt(uuid4(), datetime.now(UTC)), Receipt)

    assert not records.claim(request(fingerprint="b" * 64))
    with pytest.raises(IdempotencyKeyReusedError) as refused:
        records.replay(request(fingerprint="b" * 64), Receipt)
    assert refused.value.field == "Idempotency-Key"


def test_an_expired_key_counts_as_new(records: SqlIdempotencyRecords, session: Session) -> None:
    records.claim(request())
    records.complete(request(), Receipt(uuid4(), datetime.now(UTC)), Receipt)
    age_every_key(session)
    newer = Receipt(uuid4(), datetime.now(UTC))

    assert records.claim(request(fingerprint="b" * 64))
    records.complete(request(fingerprint="b" * 64), newer, Receipt)

    assert records.replay(request(fingerprint="b" * 64), Receipt) == newer


def test_each_claim_prunes_a_few_expired_keys(
    records: SqlIdempotencyRecords, session: Session
) -> None:
    expired = PRUNED_PER_CLAIM + 3
    for number in range(expired):
        records.claim(request(f"old-{number}"))
    age_every_key(session)

    records.claim(request("new"))

    left = session.scalar(select(func.count()).select_from(IdempotencyKeyModel))
    assert left == expired - PRUNED_PER_CLAIM + 1
